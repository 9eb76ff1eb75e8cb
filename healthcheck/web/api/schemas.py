"""What goes in and out of the API, as marshmallow schemas (the OpenAPI document is made
from them). Inputs are lenient strings where the services check the value, so a refusal
reads exactly as it does on the pages."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from healthcheck.languages import LANGUAGES
from healthcheck.models import (
    ACTION_STATUSES,
    ALLIANCE_TYPES,
    MIN_K,
    NOTE_KINDS,
    PHASES,
    SEGMENTS,
    SIDES,
    VISIBILITIES,
)
from healthcheck.models.base import MAX_ID
from healthcheck.models.review import MAX_REVIEW_DAYS
from healthcheck.services.memory import TIMELINE_KINDS
from healthcheck.web.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

DATE_ERRORS = {"invalid": "a date YYYY-MM-DD, e.g. 2026-12-24"}
INT_ERRORS = {"invalid": "a whole number"}
STR_ERRORS = {"invalid": "text"}


def _text(**kwargs):
    return fields.String(load_default="", error_messages=STR_ERRORS, **kwargs)


def _date(**kwargs):
    return fields.Date(load_default=None, allow_none=True, error_messages=DATE_ERRORS, **kwargs)


class Closed(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class Open(ma.Schema):
    """An output whose objects may carry more keys than listed (DESIGN §4 adds keys)."""

    class Meta:
        unknown = ma.INCLUDE


# --- problems and lists ------------------------------------------------------------------


class FieldError(Open):
    field = fields.String(required=True, metadata={"description": "the input field"})
    detail = fields.String(required=True, metadata={"description": "what is wrong and what is allowed"})


class ProblemSchema(Open):
    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(FieldError), metadata={"description": "invalid fields"})


class ListArgs(Closed):
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT, error=f"from 1 to {MAX_LIMIT}"),
        error_messages=INT_ERRORS,
    )
    cursor = fields.String(load_default=None, metadata={"description": "the `next` link's cursor"})


class TimelineArgs(ListArgs):
    kind = fields.String(
        load_default=None,
        validate=validate.OneOf(TIMELINE_KINDS, error=f"one of {', '.join(TIMELINE_KINDS)}"),
        metadata={"description": "only events of this kind"},
    )


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(
        name,
        (Open,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next": fields.String(
                required=True, allow_none=True, metadata={"description": "the next page, null at the end"}
            ),
        },
    )


# --- alliances, rounds -------------------------------------------------------------------


class Sides(Open):
    A = fields.String(required=True)
    B = fields.String(required=True)


class AllianceOut(Open):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    segment = fields.String(required=True)
    phase = fields.String(required=True)
    alliance_type = fields.String(required=True)
    north_star = fields.String(required=True)
    k_anonymity = fields.Integer(required=True)
    cadence_months = fields.Integer(required=True, allow_none=True)
    sides = fields.Nested(Sides, required=True)
    review_days = fields.Integer(required=True, metadata={"description": "the joint review window"})
    side_a_language = fields.String(required=True, metadata={"enum": list(LANGUAGES)})
    side_b_language = fields.String(required=True, metadata={"enum": list(LANGUAGES)})


def _one_of(values) -> dict:
    return {
        "validate": validate.OneOf(values, error=f"one of {', '.join(values)}"),
        "metadata": {"enum": list(values)},
    }


class AllianceIn(Closed):
    name = _text()
    side_a = _text()
    side_b = _text()
    segment = _text(metadata={"enum": list(SEGMENTS)})
    phase = fields.String(
        load_default="development", error_messages=STR_ERRORS, metadata={"enum": list(PHASES)}
    )
    alliance_type = fields.String(
        load_default="R&D",
        error_messages=STR_ERRORS,
        validate=validate.OneOf(ALLIANCE_TYPES, error=f"one of {', '.join(ALLIANCE_TYPES)}"),
    )
    north_star = _text()
    k_anonymity = fields.Integer(
        load_default=MIN_K,
        strict=True,
        error_messages=INT_ERRORS,
        validate=validate.Range(max=50, error="at most 50"),  # as on the alliance form
    )
    cadence_months = fields.Integer(
        load_default=None, allow_none=True, strict=True, error_messages=INT_ERRORS
    )
    owner_emails = fields.List(fields.String(error_messages=STR_ERRORS), load_default=list)
    member_emails = fields.List(fields.String(error_messages=STR_ERRORS), load_default=list)
    review_days = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        error_messages=INT_ERRORS,
        metadata={"description": f"joint review window, 0 to {MAX_REVIEW_DAYS} days; null for 10"},
    )
    side_a_language = fields.String(load_default="en", error_messages=STR_ERRORS, **_one_of(LANGUAGES))
    side_b_language = fields.String(load_default="en", error_messages=STR_ERRORS, **_one_of(LANGUAGES))


def _patch_text(**kwargs):
    return fields.String(error_messages={**STR_ERRORS, "null": "text, not null"}, **kwargs)


def _patch_int(**kwargs):
    messages = {**INT_ERRORS, "null": "a whole number, not null"}
    return fields.Integer(strict=True, error_messages=messages, **kwargs)


class AlliancePatch(Closed):
    """The fields of the alliance's edit page; each one left out keeps its value."""

    name = _patch_text()
    side_a = _patch_text(metadata={"description": "side A's organisation"})
    side_b = _patch_text(metadata={"description": "side B's organisation"})
    segment = _patch_text(metadata={"enum": list(SEGMENTS)})
    phase = _patch_text(metadata={"enum": list(PHASES)})
    alliance_type = _patch_text(**_one_of(ALLIANCE_TYPES))
    north_star = _patch_text()
    k_anonymity = _patch_int(validate=validate.Range(max=50, error="at most 50"))  # as on the form
    cadence_months = fields.Integer(
        allow_none=True,
        strict=True,
        error_messages=INT_ERRORS,
        metadata={"description": "months between rounds; null for the segment's default"},
    )
    review_days = _patch_int(metadata={"description": f"joint review window, 0 to {MAX_REVIEW_DAYS} days"})
    side_a_language = _patch_text(**_one_of(LANGUAGES))
    side_b_language = _patch_text(**_one_of(LANGUAGES))
    owner_emails = fields.List(
        fields.String(error_messages=STR_ERRORS),
        metadata={"description": "replaces the owners; an empty list keeps them (as on the page)"},
    )
    member_emails = fields.List(
        fields.String(error_messages=STR_ERRORS),
        metadata={"description": "replaces the members who may read reports"},
    )


AlliancePatch.error_messages = {
    "unknown": f"not a field you can change; the fields are {', '.join(AlliancePatch._declared_fields)}"
}


class RoundOut(Open):
    id = fields.Integer(required=True)
    alliance_id = fields.Integer(required=True)
    label = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["draft", "open", "closed"]})
    questionnaire = fields.String(required=True, metadata={"description": "key@version"})
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    k_anonymity = fields.Integer(required=True)
    report = fields.String(
        required=True, allow_none=True, metadata={"description": "the report, once closed"}
    )


class RoundIn(Closed):
    label = _text()
    questionnaire = _text(metadata={"description": "a questionnaire key (its latest version) or key@version"})
    opens_on = _date()
    closes_on = _date()
    auto_open = fields.Boolean(load_default=True)


class ExtendIn(Closed):
    closes_on = _date()


class CloseIn(Closed):
    confirm = fields.Boolean(
        load_default=False,
        metadata={"description": "close even if a side has fewer than k responses (its figures are hidden)"},
    )


class Moved(Open):
    round = fields.Nested(RoundOut, required=True)
    changed = fields.Boolean(required=True, metadata={"description": "false when it already was so"})
    told = fields.Integer(metadata={"description": "people emailed about the new close date"})


class InviteeIn(Closed):
    name = _text()
    email = _text()
    side = _text(metadata={"description": "A or B", "enum": list(SIDES)})
    function = fields.String(load_default="", error_messages=STR_ERRORS)


class InvitationsIn(Closed):
    invitees = fields.List(fields.Nested(InviteeIn), load_default=list)
    delivery = fields.String(
        load_default="links",
        validate=validate.OneOf(["links", "email"], error="links or email"),
        metadata={"description": "links: returned here once; email: each person is emailed their own"},
    )


class IssuedOut(Open):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    side = fields.String(required=True)
    function = fields.String(required=True)
    link = fields.String(required=True, allow_none=True, metadata={"description": "shown this once"})


class IssuedList(Open):
    items = fields.List(fields.Nested(IssuedOut), required=True)


# --- reports -----------------------------------------------------------------------------


class ReportSchema(Open):
    """DESIGN §4 report JSON (keys are only ever added)."""

    alliance = fields.Dict(required=True)
    round = fields.Dict(required=True)
    scale = fields.Dict(required=True)
    k_anonymity = fields.Integer(required=True)
    sides = fields.Dict(required=True)
    health_index = fields.Float(required=True, allow_none=True)
    alignment_index = fields.Float(required=True, allow_none=True)
    rag = fields.String(required=True, allow_none=True)
    dimensions = fields.List(fields.Dict(), required=True)
    questions = fields.List(fields.Dict(), required=True)
    warnings = fields.List(fields.Dict(), required=True)


class TrendSchema(Open):
    alliance = fields.Dict(required=True)
    rounds = fields.List(fields.Dict(), required=True)
    deltas = fields.List(fields.Dict(), required=True)
    warnings = fields.List(fields.Dict(), required=True)


class PortfolioLineOut(Open):
    alliance_id = fields.Integer(required=True)
    name = fields.String(required=True)
    segment = fields.String(required=True)
    phase = fields.String(required=True)
    latest_round = fields.String(required=True, allow_none=True)
    health_index = fields.Float(required=True, allow_none=True)
    alignment_index = fields.Float(required=True, allow_none=True)
    rag = fields.String(required=True, allow_none=True)
    delta = fields.Float(required=True, allow_none=True)
    next_due = fields.Date(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)
    open_round = fields.String(required=True, allow_none=True)
    warnings = fields.List(fields.Dict(), required=True)


# --- actions, notes, timeline ------------------------------------------------------------


class ActionOut(Open):
    id = fields.Integer(required=True)
    alliance_id = fields.Integer(required=True)
    round_id = fields.Integer(required=True, allow_none=True)
    title = fields.String(required=True)
    owner = fields.String(required=True)
    due_on = fields.Date(required=True)
    dimension = fields.String(required=True)
    description = fields.String(required=True)
    visibility = fields.String(required=True)
    status = fields.String(required=True)


class ActionIn(Closed):
    title = _text()
    owner = _text()
    due_on = _date()
    dimension = _text(validate=validate.Length(max=100, error="at most 100 characters"))
    description = _text()
    visibility = fields.String(
        load_default="internal", error_messages=STR_ERRORS, metadata={"enum": list(VISIBILITIES)}
    )
    status = fields.String(
        load_default="open", error_messages=STR_ERRORS, metadata={"enum": list(ACTION_STATUSES)}
    )
    round_id = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        error_messages=INT_ERRORS,
        validate=validate.Range(1, MAX_ID, error="not a round of this alliance"),
    )


class ActionStatusIn(Closed):
    status = _text(metadata={"enum": list(ACTION_STATUSES)})


class NoteIn(Closed):
    kind = fields.String(
        load_default="note",
        error_messages=STR_ERRORS,
        metadata={"enum": [k for k in NOTE_KINDS if k != "handoff"]},
    )
    title = _text()
    body = _text()
    happened_on = _date()


class NoteOut(Open):
    id = fields.Integer(required=True)
    alliance_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    happened_on = fields.Date(required=True)


class EventOut(Open):
    when = fields.DateTime(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)


AlliancePage = page_of(AllianceOut, "AlliancePage")
RoundPage = page_of(RoundOut, "RoundPage")
ActionPage = page_of(ActionOut, "ActionPage")
EventPage = page_of(EventOut, "EventPage")
PortfolioPage = page_of(PortfolioLineOut, "PortfolioPage")


def _value(**kwargs):
    """A string or a number; the facts service checks the value and names the field."""
    return fields.Raw(load_default="", metadata={"type": ["string", "number"]}, **kwargs)


class MilestoneIn(Closed):
    key = _text()
    title = _text()
    dimension = _text()
    planned_on = _text(metadata={"example": "2026-05-01"})
    actual_on = _text()
    forecast_on = _text()
    status = _text(metadata={"enum": ["planned", "met", "missed", "dropped"]})


class BudgetIn(Closed):
    period_start = _text()
    period_end = _text()
    line = _text()
    planned = _value()
    actual = _value()
    currency = _text(metadata={"example": "EUR"})


class DeliveryIn(Closed):
    period_start = _text()
    period_end = _text()
    deliveries = _value()
    on_time_in_full = _value()
    quality_deviations = _value()


class FactOut(Open):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    values = fields.Dict(required=True)


class FactsOut(Open):
    milestones = fields.List(fields.Nested(FactOut), required=True)
    budget = fields.List(fields.Nested(FactOut), required=True)
    delivery = fields.List(fields.Nested(FactOut), required=True)


EXAMPLES = {
    "alliance": {
        "name": "Osprey oncology",
        "side_a": "Aurora Pharma",
        "side_b": "Osprey Bio",
        "segment": "typical",
        "phase": "development",
        "k_anonymity": 3,
    },
    "round": {"label": "2027-Q1", "questionnaire": "alliance-health-check", "auto_open": False},
    "invitations": {
        "invitees": [{"name": "Ann Lee", "email": "ann.lee@example.com", "side": "A", "function": ""}],
        "delivery": "links",
    },
    "action": {
        "title": "Monthly joint steering",
        "owner": "Ann Lee",
        "due_on": "2027-03-01",
        "visibility": "joint",
    },
    "alliance_patch": {"k_anonymity": 5, "review_days": 14, "side_b_language": "de"},
    "note": {
        "kind": "decision",
        "title": "Go to phase 3",
        "body": "Both agreed.",
        "happened_on": "2026-11-20",
    },
}
