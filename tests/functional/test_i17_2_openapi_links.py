"""Issue 17 item 2: the OpenAPI document's links chain the operations (for a client, and for
schemathesis's stateful phase), and the document still is valid OpenAPI 3.1.

Each link names an operation that exists, fills exactly that operation's path parameters,
from values the linking response really has; followed by hand, create alliance → create
round → open → close → report works.
"""

from __future__ import annotations

import re

import jsonschema
from schemathesis.specs.openapi.definitions import OPENAPI_31

from healthcheck.extensions import db
from healthcheck.services import api_tokens, users

POINTER = re.compile(r"^\$response\.body#(/.*)$")


def _spec(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "responses" in op:
                yield path, method, op


def _links(spec):
    for path, method, op in _operations(spec):
        for status, response in op["responses"].items():
            for name, link in response.get("links", {}).items():
                yield (path, method, status, response), name, link


def _schema_at(spec, schema: dict, parts: list[str]) -> dict | None:
    """The schema a JSON pointer reaches inside ``schema`` (refs followed), None when none."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if not parts:
        return schema
    head, rest = parts[0], parts[1:]
    if head.isdigit() and "items" in schema:
        return _schema_at(spec, schema["items"], rest)
    found = schema.get("properties", {}).get(head)
    return None if found is None else _schema_at(spec, found, rest)


def test_the_document_with_its_links_is_valid_openapi_3_1(client):
    spec = _spec(client)
    assert spec["openapi"] == "3.1.0"
    errors = [e.message for e in jsonschema.Draft202012Validator(OPENAPI_31).iter_errors(spec)]
    assert errors == []
    ids = [op["operationId"] for _p, _m, op in _operations(spec)]
    assert len(ids) == len(set(ids))  # links name operations by these


def test_every_link_fills_its_targets_path_parameters_from_the_response(client):
    spec = _spec(client)
    by_id = {op["operationId"]: (path, op) for path, _m, op in _operations(spec)}
    links = list(_links(spec))
    assert len(links) >= 30
    for (path, method, status, response), name, link in links:
        where = f"{method} {path} {status} {name}"
        target_path, _target = by_id[link["operationId"]]
        wanted = set(re.findall(r"{(\w+)}", target_path))
        assert set(link["parameters"]) == wanted, where
        body = response["content"]["application/json"]["schema"]
        for expression in link["parameters"].values():
            pointer = POINTER.match(expression).group(1)
            reached = _schema_at(spec, body, pointer.strip("/").split("/"))
            assert reached is not None and reached.get("type") == "integer", f"{where}: {expression}"


def test_the_chains_the_brief_names_are_there(client):
    spec = _spec(client)
    p = spec["paths"]
    created = p["/api/v1/alliances"]["post"]["responses"]["201"]["links"]
    assert created["GetAlliance"] == {
        "operationId": "get_alliance",
        "description": "the alliance",
        "parameters": {"alliance_id": "$response.body#/id"},
    }
    assert created["CreateRound"]["operationId"] == "create_round"
    round_made = p["/api/v1/alliances/{alliance_id}/rounds"]["post"]["responses"]["201"]["links"]
    assert {round_made[n]["operationId"] for n in ("OpenRound", "CloseRound")} == {
        "open_round",
        "close_round",
    }
    assert round_made["OpenRound"]["parameters"] == {
        "alliance_id": "$response.body#/alliance_id",
        "round_id": "$response.body#/id",
    }
    got = p["/api/v1/alliances/{alliance_id}/rounds/{round_id}"]["get"]["responses"]["200"]["links"]
    assert got["GetReport"]["operationId"] == "round_report"


def _follow(link: dict, body: dict) -> dict:
    values = {}
    for name, expression in link["parameters"].items():
        value = body
        for part in POINTER.match(expression).group(1).strip("/").split("/"):
            value = value[int(part)] if isinstance(value, list) else value[part]
        values[name] = value
    return values


def test_following_the_links_by_hand_runs_an_alliance_to_its_report(app, client):
    with app.app_context():
        user = users.create("manager@example.com", "manager", "correct-horse-battery")
        secret = api_tokens.create(user, "links", "write", 5)[1]
        db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    spec = _spec(client)
    by_id = {op["operationId"]: path for path, _m, op in _operations(spec)}

    def call(method, path, status, link_name):
        links = spec["paths"][path][method]["responses"][str(status)]["links"]
        return links[link_name]

    body = {"name": "Osprey", "side_a": "Aurora Pharma", "side_b": "Osprey Bio", "segment": "typical"}
    alliance = client.post("/api/v1/alliances", json=body, headers=headers)
    assert alliance.status_code == 201
    link = call("post", "/api/v1/alliances", 201, "CreateRound")
    url = by_id[link["operationId"]].format(**_follow(link, alliance.json))
    assert url == f"/api/v1/alliances/{alliance.json['id']}/rounds"
    rnd = client.post(
        url,
        json={"label": "2027-Q1", "questionnaire": "alliance-health-check", "auto_open": False},
        headers=headers,
    )
    assert rnd.status_code == 201 and rnd.json["status"] == "draft"

    link = call("post", "/api/v1/alliances/{alliance_id}/rounds", 201, "OpenRound")
    opened = client.post(by_id[link["operationId"]].format(**_follow(link, rnd.json)), headers=headers)
    assert opened.status_code == 200 and opened.json["round"]["status"] == "open"
    link = call("post", "/api/v1/alliances/{alliance_id}/rounds/{round_id}/open", 200, "CloseRound")
    closed = client.post(
        by_id[link["operationId"]].format(**_follow(link, opened.json)),
        json={"confirm": True},
        headers=headers,
    )
    assert closed.status_code == 200 and closed.json["round"]["status"] == "closed"
    link = call("post", "/api/v1/alliances/{alliance_id}/rounds/{round_id}/close", 200, "GetReport")
    report_url = by_id[link["operationId"]].format(**_follow(link, closed.json))
    assert report_url == closed.json["round"]["report"]  # the link leads where the round says
    report = client.get(report_url, headers=headers)
    assert report.status_code == 200 and report.json["round"]["label"] == "2027-Q1"
