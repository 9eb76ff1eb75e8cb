"""OpenAPI links: which operation an answer leads to, with which of its values (OpenAPI 3.1
``links`` on responses). A client, or schemathesis's stateful phase, follows them: create an
alliance → read, change or give it a round; create a round → open, close, invite; a round →
its report. Every operation is named by its view (``operationId``) so links can name it.
"""

from __future__ import annotations

from apispec import BasePlugin


def _to(operation: str, description: str, **parameters: str) -> dict:
    return {"operationId": operation, "description": description, "parameters": parameters}


def _alliance(at: str) -> dict:
    return {"alliance_id": f"$response.body#{at}"}


def _round(at: str) -> dict:
    return {"alliance_id": f"$response.body#{at}/alliance_id", "round_id": f"$response.body#{at}/id"}


ALLIANCE_NEXT = {
    "GetAlliance": ("get_alliance", "the alliance"),
    "UpdateAlliance": ("update_alliance", "change some of its fields"),
    "ListRounds": ("list_rounds", "its rounds"),
    "CreateRound": ("create_round", "give it a round"),
    "ListActions": ("list_actions", "its actions"),
    "CreateAction": ("create_action", "give it an action"),
    "ListFacts": ("list_facts", "its facts"),
    "AddMilestone": ("add_milestone", "add a milestone"),
    "AddBudgetLine": ("add_budget_line", "add a budget line"),
    "AddDeliveryKpi": ("add_delivery_kpi", "add a period's delivery KPIs"),
    "AddNote": ("add_note", "add a note to its memory"),
    "Timeline": ("timeline", "what happened to it"),
}
ROUND_NEXT = {
    "GetRound": ("get_round", "the round"),
    "OpenRound": ("open_round", "open it"),
    "CloseRound": ("close_round", "close it"),
    "ExtendRound": ("extend_round", "move its close date"),
    "Invite": ("invite", "invite people"),
    "GetReport": ("round_report", "its report, once closed"),
}


def _all(table: dict, parameters: dict, only: tuple[str, ...] = ()) -> dict:
    names = only or tuple(table)
    return {name: _to(*table[name], **parameters) for name in names}


# operation → {status: links}; the values are JSON pointers into that operation's answer
LINKS: dict[str, dict[int, dict]] = {
    "create_alliance": {201: _all(ALLIANCE_NEXT, _alliance("/id"))},
    "update_alliance": {200: _all(ALLIANCE_NEXT, _alliance("/id"), ("GetAlliance", "ListRounds"))},
    "get_alliance": {200: _all(ALLIANCE_NEXT, _alliance("/id"))},
    "list_alliances": {200: _all(ALLIANCE_NEXT, _alliance("/items/0/id"), ("GetAlliance", "ListRounds"))},
    "create_round": {201: _all(ROUND_NEXT, _round(""))},
    "get_round": {200: _all(ROUND_NEXT, _round(""))},
    "list_rounds": {200: _all(ROUND_NEXT, _round("/items/0"), ("GetRound", "GetReport"))},
    "open_round": {200: _all(ROUND_NEXT, _round("/round"), ("GetRound", "CloseRound", "Invite"))},
    "close_round": {200: _all(ROUND_NEXT, _round("/round"), ("GetRound", "GetReport"))},
    "extend_round": {200: _all(ROUND_NEXT, _round("/round"), ("GetRound", "CloseRound"))},
    "create_action": {
        201: {
            "UpdateAction": _to(
                "update_action",
                "change its status",
                alliance_id="$response.body#/alliance_id",
                action_id="$response.body#/id",
            )
        }
    },
}


class Links(BasePlugin):
    """An apispec plugin: each operation's ``operationId`` is its view's name (one method per
    view), and the responses named in LINKS get their links."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        name = rule.endpoint.rsplit(".", 1)[-1]
        for method, operation in operations.items():
            operation.setdefault("operationId", name if len(operations) == 1 else f"{name}_{method}")
            for status, links in LINKS.get(name, {}).items():
                operation["responses"][status]["links"] = links  # KeyError: the view lacks that status
