"""/api/v1: thin views over the same services, access checks and k rule as the pages."""

from __future__ import annotations

from flask import Response, g, request
from flask_smorest import Blueprint

from healthcheck.exports import documents
from healthcheck.extensions import db
from healthcheck.services import (
    access,
    actions,
    alliances,
    facts,
    invitations,
    memory,
    portfolio,
    report_json,
    reports,
    rounds,
)
from healthcheck.services import questionnaires as library
from healthcheck.services.errors import Forbidden, InvalidInput
from healthcheck.web.api import auth, present
from healthcheck.web.api import pagination as pages
from healthcheck.web.api import schemas as s

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Alliance Health Check REST API (bearer personal access tokens).",
)
bp.before_request(auth.authenticate)
bp.before_request(auth.refuse_nul)
ALLIANCE = "/alliances/<int:alliance_id>"
ROUND = ALLIANCE + "/rounds/<int:round_id>"


def _user():
    return g.api_user


def _done(value):
    db.session.commit()
    return value


# --- reading -----------------------------------------------------------------------------


@bp.route("/portfolio")
@bp.arguments(s.ListArgs, location="query", as_kwargs=True)
@bp.response(200, s.PortfolioPage)
def portfolio_lines(**args):
    """The portfolio: every alliance you may see, riskiest first (as on the dashboard)."""
    board = portfolio.dashboard(_user())
    lines, nxt = pages.by_position(board.lines, args)
    return {"items": [present.portfolio_line(x, board.latest_round.get(x.key)) for x in lines], "next": nxt}


@bp.route("/alliances")
@bp.arguments(s.ListArgs, location="query", as_kwargs=True)
@bp.response(200, s.AlliancePage)
def list_alliances(**args):
    """The alliances you may see, by id."""
    found = db.session.scalars(access.visible_alliances(_user()).order_by("id"))
    items, nxt = pages.by_id(list(found), args)
    return {"items": [present.alliance(a) for a in items], "next": nxt}


@bp.route(ALLIANCE)
@bp.response(200, s.AllianceOut)
def get_alliance(alliance_id: int):
    return present.alliance(access.alliance_for(_user(), alliance_id))


@bp.route(ALLIANCE + "/rounds")
@bp.arguments(s.ListArgs, location="query", as_kwargs=True)
@bp.response(200, s.RoundPage)
def list_rounds(alliance_id: int, **args):
    alliance = access.alliance_for(_user(), alliance_id)
    items, nxt = pages.by_id(sorted(rounds.rounds_of(alliance), key=lambda r: r.id), args)
    return {"items": [present.round_(r) for r in items], "next": nxt}


@bp.route(ROUND)
@bp.response(200, s.RoundOut)
def get_round(alliance_id: int, round_id: int):
    return present.round_(access.round_for(_user(), alliance_id, round_id))


@bp.route(ROUND + "/report")
@bp.doc(parameters=[{"in": "header", "name": "If-None-Match", "schema": {"type": "string"}}])
@bp.response(200, s.ReportSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.alt_response(304, description="Not modified: the report is the one you have (If-None-Match).")
def round_report(alliance_id: int, round_id: int):
    """A closed round's report: the DESIGN §4 JSON, byte for byte as `healthcheck report --format json`."""
    body, tag = report_json.round_report(access.round_for(_user(), alliance_id, round_id))
    return _conditional(body, tag)


def _conditional(body: str, tag: str | None = None) -> Response:
    out = Response(body, mimetype="application/json")
    out.set_etag(tag or report_json.etag_of(body))
    out.headers["Cache-Control"] = "private, no-cache"
    return out.make_conditional(request)


@bp.route(ALLIANCE + "/trend")
@bp.response(200, s.TrendSchema)
def trend(alliance_id: int):
    """The trend across closed rounds (DESIGN §4 trend JSON)."""
    return _conditional(documents.to_json(reports.trend(access.alliance_for(_user(), alliance_id))))


@bp.route(ALLIANCE + "/actions")
@bp.arguments(s.ListArgs, location="query", as_kwargs=True)
@bp.response(200, s.ActionPage)
def list_actions(alliance_id: int, **args):
    alliance = access.alliance_for(_user(), alliance_id)
    items, nxt = pages.by_id(sorted(actions.of_alliance(alliance), key=lambda a: a.id), args)
    return {"items": [present.action(a) for a in items], "next": nxt}


@bp.route(ALLIANCE + "/timeline")
@bp.arguments(s.TimelineArgs, location="query", as_kwargs=True)
@bp.response(200, s.EventPage)
def timeline(alliance_id: int, kind=None, **args):
    """Everything that happened to the alliance, newest first."""
    events = memory.timeline(access.alliance_for(_user(), alliance_id), kind)
    items, nxt = pages.by_position(events, args)
    return {"items": [present.event(e) for e in items], "next": nxt}


# --- writing -----------------------------------------------------------------------------


@bp.route("/alliances", methods=["POST"])
@auth.writes
@bp.arguments(s.AllianceIn, example=s.EXAMPLES["alliance"])
@bp.response(201, s.AllianceOut)
def create_alliance(data):
    if not access.can_create(_user()):
        raise Forbidden()
    return present.alliance(_done(alliances.save(alliances.AllianceData(**data), _user())))


@bp.route(ALLIANCE, methods=["PATCH"])
@auth.writes
@bp.arguments(s.AlliancePatch, example=s.EXAMPLES["alliance_patch"])
@bp.response(200, s.AllianceOut)
def update_alliance(data, alliance_id: int):
    """Change some of an alliance's fields (those of its edit page); the others keep their value.
    Owners and admins only, checked, all or nothing, and audited as on the page."""
    alliance = access.alliance_for(_user(), alliance_id, edit=True)
    if not data:
        return present.alliance(alliance)
    return present.alliance(_done(alliances.update(alliance, data, _user())))


@bp.route(ALLIANCE + "/rounds", methods=["POST"])
@auth.writes
@bp.arguments(s.RoundIn, example=s.EXAMPLES["round"])
@bp.response(201, s.RoundOut)
def create_round(data, alliance_id: int):
    alliance = access.alliance_for(_user(), alliance_id, edit=True)
    wanted = data.pop("questionnaire").strip()
    chosen = next((q for q in library.available() if wanted in (q.key, q.ref)), None)
    return present.round_(_done(rounds.create(alliance, chosen, actor=_user(), **data)))


@bp.route(ROUND + "/open", methods=["POST"])
@auth.writes
@bp.response(200, s.Moved)
def open_round(alliance_id: int, round_id: int):
    """Open a draft round (everyone invited gets their link by email)."""
    rnd = access.round_for(_user(), alliance_id, round_id, edit=True)
    changed = _done(rounds.open_round(rnd, actor=_user()))
    return {"round": present.round_(rnd), "changed": changed}


@bp.route(ROUND + "/close", methods=["POST"])
@auth.writes
@bp.arguments(s.CloseIn)
@bp.response(200, s.Moved)
def close_round(data, alliance_id: int, round_id: int):
    """Close an open round; a side under k is hidden and needs ``confirm: true``."""
    rnd = access.round_for(_user(), alliance_id, round_id, edit=True)
    changed = _done(rounds.close_round(rnd, actor=_user(), accept_hidden=data["confirm"]))
    return {"round": present.round_(rnd), "changed": changed}


@bp.route(ROUND + "/extend", methods=["POST"])
@auth.writes
@bp.arguments(s.ExtendIn)
@bp.response(200, s.Moved)
def extend_round(data, alliance_id: int, round_id: int):
    """Move an open round's close date later (who has not submitted is told by email)."""
    rnd = access.round_for(_user(), alliance_id, round_id, edit=True)
    told = _done(rounds.extend(rnd, data["closes_on"], actor=_user()))
    return {"round": present.round_(rnd), "changed": True, "told": told}


@bp.route(ROUND + "/invitations", methods=["POST"])
@auth.writes
@bp.arguments(s.InvitationsIn, example=s.EXAMPLES["invitations"])
@bp.response(201, s.IssuedList)
def invite(data, alliance_id: int, round_id: int):
    """Invite many at once, all or none. With ``delivery: links`` each new link is in this
    response, once (only its hash is kept); with ``email`` each person is emailed their own."""
    rnd = access.round_for(_user(), alliance_id, round_id, edit=True)
    people = [invitations.Invitee(**p) for p in data["invitees"]]
    if not people:
        raise InvalidInput("invitees: at least one, e.g. [{name, email, side, function}]")
    issued = invitations.invite(rnd, people, actor=_user(), hand_out=data["delivery"] == "links")
    return {"items": [present.issued(i) for i in _done(issued)]}


@bp.route(ALLIANCE + "/actions", methods=["POST"])
@auth.writes
@bp.arguments(s.ActionIn, example=s.EXAMPLES["action"])
@bp.response(201, s.ActionOut)
def create_action(data, alliance_id: int):
    alliance = access.alliance_for(_user(), alliance_id, edit=True)
    round_id = data.pop("round_id")
    rnd = access.round_for(_user(), alliance.id, round_id, edit=True) if round_id else None
    return present.action(_done(actions.create(alliance, actions.ActionData(**data), _user(), rnd)))


@bp.route(ALLIANCE + "/actions/<int:action_id>", methods=["PATCH"])
@auth.writes
@bp.arguments(s.ActionStatusIn)
@bp.response(200, s.ActionOut)
def update_action(data, alliance_id: int, action_id: int):
    """Change an action's status."""
    action = access.action_for(_user(), alliance_id, action_id)
    actions.set_status(action, data["status"], _user())
    return present.action(_done(action))


@bp.route(ALLIANCE + "/notes", methods=["POST"])
@auth.writes
@bp.arguments(s.NoteIn, example=s.EXAMPLES["note"])
@bp.response(201, s.NoteOut)
def add_note(data, alliance_id: int):
    """Add a note, meeting, decision or milestone to the alliance's memory."""
    alliance = access.alliance_for(_user(), alliance_id, edit=True)
    note = memory.add_note(alliance, data["kind"], data["title"], data["body"], data["happened_on"], _user())
    return present.note(_done(note))


@bp.route(ALLIANCE + "/facts")
@bp.response(200, s.FactsOut)
def list_facts(alliance_id: int):
    """The alliance's facts: milestones, budget lines, delivery KPIs (DESIGN §3.17)."""
    alliance = access.alliance_for(_user(), alliance_id)
    return {
        kind: [present.fact(kind, r, facts.plain_values(r)) for r in records]
        for kind, records in facts.of_alliance(alliance).items()
    }


FACT_ROUTES = (
    (
        "milestones",
        s.MilestoneIn,
        "add_milestone",
        "Add a milestone (the columns of the facts CSV; refused when its key exists).",
    ),
    ("budget", s.BudgetIn, "add_budget_line", "Add a budget line (refused when the period and line exist)."),
    (
        "delivery",
        s.DeliveryIn,
        "add_delivery_kpi",
        "Add a period's delivery KPIs (supplier alliances; refused when the period exists).",
    ),
)


def _fact_route(kind: str, schema, name: str, doc: str) -> None:
    """POST …/facts/<kind>: one record of that kind, checked by the facts service as the CSV is."""

    def view(data, alliance_id: int):
        alliance = access.alliance_for(_user(), alliance_id, edit=True)
        values = {k: "" if v is None else str(v) for k, v in data.items()}
        record = facts.save(alliance, kind, values, _user())
        return present.fact(kind, _done(record), facts.plain_values(record))

    view.__name__ = view.__qualname__ = name  # the endpoint and the operationId
    view.__doc__ = doc
    routed = bp.response(201, s.FactOut)(view)
    routed = auth.writes(bp.arguments(schema)(routed))
    bp.route(ALLIANCE + f"/facts/{kind}", methods=["POST"])(routed)


for _route in FACT_ROUTES:
    _fact_route(*_route)
