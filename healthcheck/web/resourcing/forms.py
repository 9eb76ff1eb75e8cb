from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length


class HandoverForm(FlaskForm):
    """The handoff chosen on the resourcing page (alliance and new owner carried as ids)."""

    alliance = HiddenField(validators=[DataRequired()])
    owner = HiddenField(validators=[DataRequired()])
    body = TextAreaField(
        _l("Handoff note: what the new owner needs to know"),
        validators=[DataRequired(), Length(max=20000)],
    )
    revoke_shares = BooleanField(
        _l("Stop the partner links shared so far (the new owner can share again)"), default=True
    )
