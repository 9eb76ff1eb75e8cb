from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from healthcheck.models import WEBHOOK_EVENTS, WEBHOOK_FORMATS
from healthcheck.services.webhooks import EVENT_WORDS

FORMAT_WORDS = {
    "plain": _l("Plain JSON (signed)"),
    "slack": _l("Slack incoming webhook"),
    "teams": _l("Microsoft Teams incoming webhook"),
}


class WebhookForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=100)])
    url = StringField(_l("URL"), validators=[Length(max=500)])
    format = SelectField(_l("Format"), choices=[(f, FORMAT_WORDS[f]) for f in WEBHOOK_FORMATS])
    alliance = SelectField(_l("Events of"), choices=[], validate_choice=False)
    events = SelectMultipleField(
        _l("Events"),
        choices=[(e, _l(EVENT_WORDS[e])) for e in WEBHOOK_EVENTS],
        default=list(WEBHOOK_EVENTS),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
