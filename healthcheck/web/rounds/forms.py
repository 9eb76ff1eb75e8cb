from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from healthcheck.analysis.panel import DEFAULT as DEFAULT_FUNCTION
from healthcheck.analysis.panel import FUNCTIONS
from healthcheck.languages import NAMES
from healthcheck.models import Round
from healthcheck.web.validators import SingleLine, field_message

DELIVERY = [
    ("email", _l("We email each person their own link (you never see it)")),
    ("page", _l("I give out the links myself: show them once on the next page")),
    ("csv", _l("I give out the links myself: download them once as CSV")),
]


def _default_label() -> str:
    today = date.today()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


class RoundForm(FlaskForm):
    label = StringField(
        _l("Label"), default=_default_label, validators=[DataRequired(), Length(max=100), SingleLine()]
    )
    questionnaire = SelectField(_l("Questionnaire"), coerce=int)
    opens_on = DateField(_l("Opens on"), default=date.today, validators=[DataRequired()])
    closes_on = DateField(
        _l("Closes on"), default=lambda: date.today() + timedelta(days=21), validators=[DataRequired()]
    )

    auto_open = BooleanField(
        _l("Open automatically on the opening date and email the invitations"), default=True
    )

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data:
            problems = Round.date_problems(self.opens_on.data, field.data, date.today())
            if problems:
                raise ValidationError(field_message(problems[0]))


class InviteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200), SingleLine()])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    side = SelectField(_l("Side"), choices=[("A", "A"), ("B", "B")])
    function = SelectField(_l("Function"), choices=list(FUNCTIONS.items()), default=DEFAULT_FUNCTION)
    delivery = SelectField(_l("Their link"), choices=DELIVERY, default="email")
    # issue 17: blank → the side's default language (set on the alliance)
    language = SelectField(
        _l("Language"), choices=[("", _l("The side's default")), *NAMES.items()], default=""
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # translated now, as plain text: WTForms escapes it ("Manufacturing &amp; quality"),
        # which it does not do for a lazy string
        self.function.choices = [(k, gettext(v)) for k, v in FUNCTIONS.items()]


class BulkInviteForm(FlaskForm):
    csv_text = TextAreaField(_l("Paste CSV (name,email,side,function)"), validators=[Length(max=500_000)])
    csv_file = FileField(_l("…or upload a CSV file"))
    delivery = SelectField(_l("Their links"), choices=DELIVERY, default="email", id="bulk_delivery")


class ExtendForm(FlaskForm):
    closes_on = DateField(_l("New close date"), validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    """CSRF-only form behind action buttons (open, close, revoke, reissue)."""


def hands_out(form) -> bool:
    """True when the manager gives the links out (shown or downloaded once)."""
    return form.delivery.data in ("page", "csv")
