from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from healthcheck.services.action_followup import MAX_COMMENT

SCORE_WORDS = {
    1: _l("not at all"),
    2: _l("a little"),
    3: _l("somewhat"),
    4: _l("clearly"),
    5: _l("very much"),
}


class CheckinForm(FlaskForm):
    score = RadioField(
        _l("Did this help?"),
        choices=[(str(n), str(n)) for n in SCORE_WORDS],
        validators=[
            InputRequired(message=_l("Did this help?: choose a score from 1 (not at all) to 5 (very much)"))
        ],
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=MAX_COMMENT)])
