from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from healthcheck.languages import DEFAULT, NAMES
from healthcheck.models import ALLIANCE_TYPES, MIN_K, PHASES, SEGMENTS
from healthcheck.models.review import MAX_REVIEW_DAYS
from healthcheck.services.alliances import MEMBER_ROLES, OWNER_ROLES, AllianceData
from healthcheck.web.validators import SingleLine


def _emails(text: str | None) -> list[str]:
    return [e.strip() for e in (text or "").replace(";", ",").split(",") if e.strip()]


class AllianceForm(FlaskForm):
    name = StringField(_l("Alliance name"), validators=[DataRequired(), Length(max=200), SingleLine()])
    side_a = StringField(
        _l("Side A (your organisation)"), validators=[DataRequired(), Length(max=200), SingleLine()]
    )
    side_b = StringField(
        _l("Side B (the partner)"), validators=[DataRequired(), Length(max=200), SingleLine()]
    )
    segment = SelectField(_l("Segment"), choices=[(s, _l(s)) for s in SEGMENTS])
    phase = SelectField(_l("Phase"), choices=[(p, _l(p)) for p in PHASES])
    alliance_type = SelectField(_l("Type"), choices=[(t, t) for t in ALLIANCE_TYPES])
    north_star = TextAreaField(_l("North Star"), validators=[Length(max=1000)])
    k_anonymity = IntegerField(
        _l("Anonymity threshold k"),
        default=MIN_K,
        validators=[DataRequired(), NumberRange(min=MIN_K, max=50)],
    )
    cadence_months = IntegerField(_l("Cadence (months)"), validators=[Optional(), NumberRange(1, 36)])
    review_days = IntegerField(
        _l("Joint review window (days)"),
        default=10,
        validators=[Optional(), NumberRange(0, MAX_REVIEW_DAYS)],
    )
    # issue 17: the language each side's invitations get unless the invitation says otherwise
    side_a_language = SelectField(_l("Side A language"), choices=list(NAMES.items()), default=DEFAULT)
    side_b_language = SelectField(_l("Side B language"), choices=list(NAMES.items()), default=DEFAULT)
    owners = StringField(_l("Owners (emails, comma-separated)"), validators=[Length(max=2000)])
    members = StringField(_l("Members who may read (emails, comma-separated)"), validators=[Length(max=4000)])
    # A manager picks from the people on their alliances instead of typing emails (issue 14 item 9)
    owners_pick = SelectMultipleField(_l("Owners"), coerce=int, choices=[])
    members_pick = SelectMultipleField(_l("Members who may read reports"), coerce=int, choices=[])
    _emails_by_id: dict[int, str] = {}

    def offer_people(self, people) -> None:
        """Pickers instead of email fields: only these accounts can be chosen."""
        self._emails_by_id = {u.id: u.email for u in people}
        label = {u.id: f"{u.name} ({u.email})" if u.name else u.email for u in people}
        self.owners_pick.choices = [(u.id, label[u.id]) for u in people if u.role in OWNER_ROLES]
        self.members_pick.choices = [(u.id, label[u.id]) for u in people if u.role in MEMBER_ROLES]

    @property
    def picks(self) -> bool:
        return bool(self._emails_by_id)

    def _picked(self, field) -> list[str]:
        return [self._emails_by_id[i] for i in field.data or [] if i in self._emails_by_id]

    def to_data(self) -> AllianceData:
        return AllianceData(
            name=self.name.data or "",
            side_a=self.side_a.data or "",
            side_b=self.side_b.data or "",
            segment=self.segment.data,
            phase=self.phase.data,
            alliance_type=self.alliance_type.data,
            north_star=self.north_star.data or "",
            k_anonymity=self.k_anonymity.data,
            cadence_months=self.cadence_months.data,
            review_days=self.review_days.data,
            side_a_language=self.side_a_language.data or DEFAULT,
            side_b_language=self.side_b_language.data or DEFAULT,
            owner_emails=_emails(self.owners.data) + self._picked(self.owners_pick),
            member_emails=_emails(self.members.data) + self._picked(self.members_pick),
        )

    def fill(self, alliance) -> None:
        self.name.data, self.north_star.data = alliance.name, alliance.north_star
        self.side_a.data, self.side_b.data = alliance.side_a.name, alliance.side_b.name
        self.segment.data, self.phase.data = alliance.segment, alliance.phase
        self.alliance_type.data, self.k_anonymity.data = alliance.alliance_type, alliance.k_anonymity
        self.cadence_months.data = alliance.cadence_months
        self.review_days.data = alliance.review_days
        self.side_a_language.data = alliance.side_a_language
        self.side_b_language.data = alliance.side_b_language
        self.owners.data = ", ".join(u.email for u in alliance.owners)
        self.members.data = ", ".join(u.email for u in alliance.members)
        self.owners_pick.data = [u.id for u in alliance.owners]
        self.members_pick.data = [u.id for u in alliance.members]
