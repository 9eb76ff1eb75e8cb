from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from healthcheck.services.action_followup import MAX_COMMENT

SCORE_WORDS = {1: "not at all", 2: "a little", 3: "somewhat", 4: "clearly", 5: "very much"}


class CheckinForm(FlaskForm):
    score = RadioField(
        "Did this help?",
        choices=[(str(n), f"{n} — {word}") for n, word in SCORE_WORDS.items()],
        validators=[
            InputRequired(message="Did this help?: choose a score from 1 (not at all) to 5 (very much)")
        ],
    )
    comment = TextAreaField("Comment (optional)", validators=[Length(max=MAX_COMMENT)])
