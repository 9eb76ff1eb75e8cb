from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from healthcheck.models import ACTION_STATUSES, NOTE_KINDS
from healthcheck.services.actions import ActionData


class ActionForm(FlaskForm):
    title = StringField(_l("What will be done"), validators=[DataRequired(), Length(max=200)])
    dimension = SelectField(_l("Dimension"), choices=[])
    owner = StringField(_l("Owner (a name on either side)"), validators=[Length(max=200)])
    due_on = DateField(
        _l("Due"), default=lambda: date.today() + timedelta(days=60), validators=[DataRequired()]
    )
    visibility = SelectField(
        _l("Visibility"),
        choices=[("internal", _l("internal — only us")), ("joint", _l("joint — shared with the partner"))],
    )
    description = TextAreaField(_l("Details"), validators=[Length(max=5000)])
    # a joint action's owners (issue 15): a user on side A, a named contact on side B
    # (the service checks the user belongs to the alliance; a form without the field means none)
    owner_user = SelectField(
        _l("Owner on our side (a user, for a joint action)"),
        coerce=lambda v: int(v) if str(v or "").isdigit() else 0,
        choices=[(0, _l("— none —"))],
        validate_choice=False,
    )
    partner_owner_name = StringField(_l("Owner at the partner: name"), validators=[Length(max=200)])
    partner_owner_email = StringField(_l("Owner at the partner: email"), validators=[Length(max=254)])
    accepted_by_both = BooleanField(
        _l("Both sides have agreed this joint action already (both owners are emailed)")
    )

    def offer_owners(self, alliance) -> None:
        """Side A's owner of a joint action is one of the alliance's owners or members."""
        users = {u.id: u for u in [*alliance.owners, *alliance.members]}
        self.owner_user.choices = [(0, _l("— none —"))] + [(i, u.display_name) for i, u in users.items()]

    def offer_dimensions(self, dimensions) -> None:
        """The round's dimensions to choose from (none when the action is not from a round)."""
        self.dimension.choices = [("", _l("— none —"))] + [(d.key, d.title) for d in dimensions]

    def suggest(self, args) -> None:
        """Prefill from a report's "agree an action" link (``?dimension=...&title=...``)."""
        self.dimension.data = args.get("dimension", "")
        self.title.data = args.get("title", "")[:200]

    def to_data(self) -> ActionData:
        return ActionData(
            self.title.data,
            self.owner.data,
            self.due_on.data,
            self.dimension.data or "",
            self.description.data or "",
            self.visibility.data,
            owner_user_id=self.owner_user.data or None,
            partner_owner_name=self.partner_owner_name.data or "",
            partner_owner_email=self.partner_owner_email.data or "",
            accepted_by_both=bool(self.accepted_by_both.data),
        )


class StatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[(s, _l(s.replace("_", " "))) for s in ACTION_STATUSES])


class NoteForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(k, _l(k)) for k in NOTE_KINDS if k != "handoff"])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    happened_on = DateField(_l("Date"), default=date.today, validators=[DataRequired()])
    body = TextAreaField(_l("What happened, what was decided"), validators=[Length(max=20000)])


class HandoffForm(FlaskForm):
    new_owner = EmailField(_l("New owner (email of a manager)"), validators=[DataRequired(), Length(max=254)])
    body = TextAreaField(
        _l("Handoff note: what the new owner needs to know"),
        validators=[DataRequired(), Length(max=20000)],
        id="handoff-body",  # the note form on the same page has a body too
    )
    revoke_shares = BooleanField(
        _l("Stop the partner links shared so far (the new owner can share again)"), default=True
    )
