"""Facts forms: strings in, the facts service validates (the same rules as the CSV import)."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length

from healthcheck.models import MILESTONE_STATUSES

_DATE = {"type": "date", "placeholder": "YYYY-MM-DD"}


class MilestoneForm(FlaskForm):
    key = StringField(_l("Key (unique in the alliance)"), validators=[Length(max=64)])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    dimension = StringField(_l("Dimension key"), default="milestones", validators=[Length(max=64)])
    planned_on = StringField(_l("Planned on"), render_kw=_DATE)
    actual_on = StringField(_l("Actual (when met)"), render_kw=_DATE)
    forecast_on = StringField(_l("Forecast"), render_kw=_DATE)
    status = SelectField(_l("Status"), choices=[(s, _l(s)) for s in MILESTONE_STATUSES])


class BudgetForm(FlaskForm):
    period_start = StringField(_l("Period start"), render_kw=_DATE)
    period_end = StringField(_l("Period end"), render_kw=_DATE)
    line = StringField(_l("Budget line"), validators=[Length(max=200)])
    planned = StringField(_l("Planned"), render_kw={"inputmode": "decimal"})
    actual = StringField(_l("Actual"), render_kw={"inputmode": "decimal"})
    currency = StringField(_l("Currency"), default="EUR", validators=[Length(max=3)])


class DeliveryForm(FlaskForm):
    period_start = StringField(_l("Period start"), render_kw=_DATE)
    period_end = StringField(_l("Period end"), render_kw=_DATE)
    deliveries = StringField(_l("Deliveries"), render_kw={"inputmode": "numeric"})
    on_time_in_full = StringField(_l("On time in full"), render_kw={"inputmode": "numeric"})
    quality_deviations = StringField(
        _l("Quality deviations"), default="0", render_kw={"inputmode": "numeric"}
    )


FORMS = {"milestones": MilestoneForm, "budget": BudgetForm, "delivery": DeliveryForm}


def strings(form) -> dict[str, str]:
    """The form's fields as the strings the facts service checks (CSRF token left out)."""
    return {name: str(f.data or "") for name, f in form._fields.items() if name != "csrf_token"}


def prefilled(kind: str, record):
    """A form for ``kind`` filled from a stored record (dates ISO, numbers plain)."""
    form = FORMS[kind]()
    for name, f in form._fields.items():
        if name != "csrf_token" and request.method == "GET":
            value = getattr(record, name)
            f.data = (
                value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else str(value))
            )
    return form
