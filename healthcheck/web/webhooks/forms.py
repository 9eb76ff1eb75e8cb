from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from healthcheck.models import WEBHOOK_EVENTS, WEBHOOK_FORMATS
from healthcheck.services.webhooks import EVENT_WORDS

FORMAT_WORDS = {
    "plain": "Plain JSON (signed)",
    "slack": "Slack incoming webhook",
    "teams": "Microsoft Teams incoming webhook",
}


class WebhookForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=100)])
    url = StringField("URL", validators=[Length(max=500)])
    format = SelectField("Format", choices=[(f, FORMAT_WORDS[f]) for f in WEBHOOK_FORMATS])
    alliance = SelectField("Events of", choices=[], validate_choice=False)
    events = SelectMultipleField(
        "Events",
        choices=[(e, EVENT_WORDS[e]) for e in WEBHOOK_EVENTS],
        default=list(WEBHOOK_EVENTS),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
