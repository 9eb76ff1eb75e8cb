from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from healthcheck.services.api_tokens import DEFAULT_DAYS, MAX_DAYS


class TokenForm(FlaskForm):
    name = StringField(_l("What it is for"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(
        _l("Scope"), choices=[("read", _l("read — may only read")), ("write", _l("write — may also change"))]
    )
    days = IntegerField(
        _l("Valid for (days, 1–%(max)s)", max=MAX_DAYS),
        default=DEFAULT_DAYS,
        validators=[NumberRange(1, MAX_DAYS)],
    )


class RevokeForm(FlaskForm):
    pass
