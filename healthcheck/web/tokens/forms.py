from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from healthcheck.services.api_tokens import DEFAULT_DAYS, MAX_DAYS


class TokenForm(FlaskForm):
    name = StringField("What it is for", validators=[DataRequired(), Length(max=100)])
    scope = SelectField(
        "Scope", choices=[("read", "read — may only read"), ("write", "write — may also change")]
    )
    days = IntegerField(
        f"Valid for (days, 1–{MAX_DAYS})", default=DEFAULT_DAYS, validators=[NumberRange(1, MAX_DAYS)]
    )


class RevokeForm(FlaskForm):
    pass
