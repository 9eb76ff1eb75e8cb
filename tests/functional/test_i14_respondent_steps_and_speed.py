"""Issue 14 items 5 and 11, without a browser: the questionnaire in steps (one dimension per
step, saved between steps, nothing lost), compression, versioned long-cached static files,
and the respondent's whole journey under 60 KB transferred."""

from __future__ import annotations

import gzip
import re

import pytest
from sqlalchemy import select

from healthcheck.extensions import db
from healthcheck.models import Invitation
from tests.servers import record

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SECTION_RE = re.compile(r'<fieldset class="dimension" id="section-([a-z_]+)"[^>]*?( hidden)?>')
ASSET_RE = re.compile(r'(?:href|src)="(/(?:[a-z]+/)?static/[^"]+)"')
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
# alliance-health-check: 8 dimensions, 33 statements; milestones has 5, finance 4.
MILESTONES = [
    "milestones_plan",
    "milestones_on_track",
    "milestones_quality",
    "milestones_escalation",
    "milestones_resources",
]
FINANCE = ["finance_budget_clear", "finance_payments", "finance_value", "finance_forecast"]


@pytest.fixture
def token(make_alliance, make_round, invite):
    return invite(make_round(make_alliance()), "A")[0]


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _shown(page) -> list[str]:
    return [key for key, hidden in SECTION_RE.findall(page) if not hidden]


def _questions_shown(page) -> list[str]:
    (section,) = _shown(page)
    part = page.split(f'id="section-{section}"')[1].split('<fieldset class="dimension"')[0]
    return re.findall(r'id="question-([a-z_]+)"', part)


def _checked(page) -> dict[str, str]:
    return dict(re.findall(r'name="q-([a-z_]+)" value="([0-9na]+)" checked', page))


def _post(client, token, page, fields: dict, action: str):
    """What the browser sends: every field the page holds (checked radios, comments), the
    step, the CSRF token, then this step's changes and the button pressed."""
    data = {f"q-{k}": v for k, v in _checked(page).items()}
    data.update(
        {f"c-{k}": v for k, v in re.findall(r'name="c-([a-z_]+)"[^>]*>([^<]*)</textarea>', page) if v}
    )
    data.update(
        csrf_token=CSRF_RE.search(page).group(1),
        step=re.search(r'name="step" value="([a-z0-9]+)"', page).group(1),
        action=action,
        **fields,
    )
    return client.post(f"/r/{token}/answer", data=data)


def test_i14_5_one_dimension_per_step_with_every_answer_in_the_form(client, token):
    page = _page(client, f"/r/{token}/answer")
    assert _shown(page) == ["milestones"]  # step 1 of 8 shown
    assert len(SECTION_RE.findall(page)) == 8  # the other seven are in the form, hidden
    assert len(set(re.findall(r'name="q-([a-z_]+)"', page))) == 33
    assert "0</span> of 33 statements answered" in page and "section 1 of 8" in page
    assert 'value="goto-2">Next: Finance and budget' in page
    assert 'value="submit"' not in page  # submitting is on the last step only


def test_i14_5_next_saves_the_step_and_nothing_typed_is_lost(app, client, token):
    page = _page(client, f"/r/{token}/answer")
    moved = _post(
        client, token, page, {f"q-{k}": "4" for k in MILESTONES} | {"c-milestones": "On plan"}, "goto-2"
    )
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/r/{token}/answer?step=2")
    step2 = _page(client, moved.headers["Location"])
    assert _shown(step2) == ["finance"]
    assert _checked(step2) == {k: "4" for k in MILESTONES}  # kept in the hidden step 1
    assert "On plan</textarea>" in step2 and "5</span> of 33 statements answered" in step2
    # answer two of finance, then go back: the two are saved too, step 1 still intact
    back = _post(client, token, step2, {"q-finance_budget_clear": "2", "q-finance_value": "na"}, "goto-1")
    assert back.headers["Location"].endswith("?step=1")
    again = _page(app.test_client(), f"/r/{token}/answer?step=1")  # a fresh browser, same link
    assert _checked(again) == {k: "4" for k in MILESTONES} | {
        "finance_budget_clear": "2",
        "finance_value": "na",
    }
    assert 'data-section="finance">2/4<' in again and 'data-section="milestones">5/5<' in again
    with app.app_context():
        assert db.session.scalar(select(Invitation.status)) == "started"


def test_i14_5_coming_back_lands_on_the_first_section_not_done(app, client, token):
    page = _page(client, f"/r/{token}/answer")
    _post(client, token, page, {f"q-{k}": "3" for k in MILESTONES}, "save")
    assert _shown(_page(app.test_client(), f"/r/{token}/answer")) == ["finance"]
    assert _shown(_page(app.test_client(), f"/r/{token}/answer?step=7")) == ["compliance"]
    assert len(_shown(_page(app.test_client(), f"/r/{token}/answer?step=all"))) == 8
    for nonsense in ("0", "9", "-1", "x", "²"):  # out of range: where the respondent stopped
        assert _shown(_page(app.test_client(), f"/r/{token}/answer?step={nonsense}")) == ["finance"]


def test_i14_5_submit_with_gaps_shows_the_first_section_with_one(client, token):
    page = _page(client, f"/r/{token}/answer?step=8")
    assert 'value="submit">Submit my answers' in page
    everything_but_finance_value = {
        f"q-{k}": "4" for k in re.findall(r'name="q-([a-z_]+)" value="4"', page) if k != "finance_value"
    }
    refused = _post(client, token, page, everything_but_finance_value, "submit")
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert _shown(text) == ["finance"]  # step 2, where the missing statement is
    assert 'id="question-finance_value" aria-describedby="err-finance_value" aria-invalid="true"' in text
    assert '<details class="sections" open>' in text
    assert len(_checked(text)) == 32  # the other answers come back


def test_i14_5_step_of_a_problem_follows_the_field_owner(app):
    """Errors on fields a dimension adds (``<prefix>-<dimension>``) land on that dimension's step."""
    from healthcheck.services import questionnaires, responses
    from healthcheck.web.respond import steps

    with app.app_context():
        q = questionnaires.latest("alliance-health-check")
        found = steps.sections(q, responses.Answers())
        assert steps.current(q, "5", found, {"p-governance": "x"}) == 3  # governance is the 3rd
        assert steps.current(q, "5", found, {"c-strategy": "x", "trust_candour": "x"}) == 5  # the first
        assert steps.current(q, "5", found, {"unknown-field": "x"}) == 5
        assert steps.destination("goto-8", 8) == 8 and steps.destination("goto-all", 8) == steps.ALL
        assert steps.destination("goto-9", 8) is None and steps.destination("submit", 8) is None


def test_i14_5_welcome_has_start_before_the_small_print(client, token):
    page = _page(client, f"/r/{token}")
    assert page.index('id="start"') < page.index("Who sees what")
    assert "33 statements in 8 short sections" in page


def _sent(response) -> int:
    """Bytes on the wire, roughly: status line, headers and the (compressed) body."""
    head = sum(len(k) + len(v) + 4 for k, v in response.headers.items()) + 17
    return head + len(response.get_data())


def test_i14_11_respondent_journey_transfers_under_60_kb(client, token):
    """Welcome, eight steps (each a POST and the next page), thanks, and every asset once."""
    total, assets = 0, set()

    def fetch(url, **kwargs):
        nonlocal total
        response = (
            client.get(url, headers=GZIP, **kwargs)
            if "data" not in kwargs
            else client.post(url, headers=GZIP, **kwargs)
        )
        total += _sent(response)
        body = response.get_data()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        text = body.decode()
        for asset in set(ASSET_RE.findall(text)) - assets:
            assets.add(asset)
            got = client.get(asset.replace("&amp;", "&"), headers=GZIP)
            assert got.status_code == 200 and "immutable" in got.headers["Cache-Control"]
            total += _sent(got)
        return response, text

    _, page = fetch(f"/r/{token}")
    response, page = fetch(f"/r/{token}/answer")
    assert response.headers["Content-Encoding"] == "gzip"
    answers: dict[str, str] = {}
    for step in range(1, 9):
        answers.update({f"q-{k}": "4" for k in _questions_shown(page)})
        data = answers | {
            "csrf_token": CSRF_RE.search(page).group(1),
            "step": str(step),
            "action": "submit" if step == 8 else f"goto-{step + 1}",
        }
        response, _ = fetch(f"/r/{token}/answer", data=data)
        assert response.status_code == 303
        response, page = fetch(response.headers["Location"])
    assert "Thank you" in page
    assert not any("bootstrap" in a for a in assets)  # the respondent's own small stylesheet
    record("i14_11_respondent_journey", bytes=total, assets=sorted(a.split("?")[0] for a in assets))
    assert total <= 60 * 1024, total


def test_i14_11_gzip_only_when_accepted_and_worth_it(client, token):
    plain = client.get(f"/r/{token}/answer")
    assert "Content-Encoding" not in plain.headers and b"<form" in plain.get_data()
    packed = client.get(f"/r/{token}/answer", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    unsigned = re.compile(rb'name="csrf_token"[^>]*>')  # each page signs a fresh CSRF token
    assert unsigned.sub(b"", gzip.decompress(packed.get_data())) == unsigned.sub(b"", plain.get_data())
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.get_data()) * 4 < len(plain.get_data())
    assert "Content-Encoding" not in client.get("/healthz", headers=GZIP).headers  # tiny: left as is
    assert "Content-Encoding" not in client.head(f"/r/{token}/answer", headers=GZIP).headers


def test_i14_11_gzip_can_be_switched_off(make_app):
    app = make_app(COMPRESS_RESPONSES=False)
    response = app.test_client().get("/login", headers=GZIP)
    assert "Content-Encoding" not in response.headers and b"<form" in response.get_data()


def test_i14_11_static_files_versioned_cached_for_a_year_and_revalidated(app, client, token):
    page = _page(client, f"/r/{token}")
    css = re.search(r'href="(/static/respond\.css\?v=[0-9a-f]{12})"', page).group(1)
    first = client.get(css, headers=GZIP)
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert first.headers["Content-Encoding"] == "gzip" and first.headers["ETag"].startswith('W/"')
    assert b".likert" in gzip.decompress(first.get_data())
    again = client.get(css, headers=GZIP | {"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    unversioned = client.get("/static/respond.css")
    assert "immutable" not in unversioned.headers.get("Cache-Control", "")
    with app.test_request_context():
        from flask import url_for

        assert url_for("bootstrap.static", filename="css/bootstrap.min.css").count("?v=") == 1


def test_i14_11_favicon_and_no_manager_stylesheet_for_respondents(client, token):
    assert client.get("/favicon.ico").headers["Location"].startswith("/static/favicon.svg?v=")
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"
    for url in (f"/r/{token}", f"/r/{token}/answer", "/r/unknown-token"):
        page = client.get(url).get_data(as_text=True)
        assert 'rel="icon"' in page and "respond.css" in page
        assert "bootstrap" not in page and "app.css" not in page
    assert 'rel="icon"' in _page(client, "/login")


def test_i14_11_production_stack_compresses_in_nginx(app, tmp_path, token):
    """scripts/stack.sh turns the app's compression off; deploy/nginx.conf's gzip takes over."""
    import urllib.request

    from tests.servers import production_stack

    with production_stack(app, tmp_path / "nginx", workers=1, COMPRESS_RESPONSES="false") as base:

        def get(path, **headers):
            with urllib.request.urlopen(
                urllib.request.Request(base + path, headers=headers), timeout=20
            ) as r:
                return r.headers, r.read()

        headers, body = get(f"/r/{token}/answer", **GZIP)
        assert headers["Content-Encoding"] == "gzip" and b"<form" in gzip.decompress(body)
        css = re.search(r'href="(/static/respond\.css\?v=[0-9a-f]+)"', gzip.decompress(body).decode()).group(
            1
        )
        headers, body = get(css, **GZIP)
        assert headers["Content-Encoding"] == "gzip" and "immutable" in headers["Cache-Control"]
        headers, body = get(f"/r/{token}/answer")  # a client that does not ask gets it plain
        assert headers.get("Content-Encoding") is None and b"<form" in body


def test_i14_11_manager_pages_get_a_slim_bootstrap(client, make_app):
    page = _page(client, "/login")
    href = re.search(r'href="(/assets/bootstrap\.css\?v=[0-9a-f]{12})"', page).group(1)
    css = client.get(href, headers=GZIP)
    assert css.mimetype == "text/css" and "immutable" in css.headers["Cache-Control"]
    body = gzip.decompress(css.get_data())
    assert b".navbar-collapse" in body and b".table-responsive" in body and b".alert-danger" in body
    assert b".carousel" not in body and b".offcanvas" not in body  # no template names these
    assert len(css.get_data()) < 15 * 1024  # Bootstrap's whole CSS is 31 KB gzipped
    assert client.get(href, headers={"If-None-Match": css.headers["ETag"]}).status_code == 304
    full = make_app(SLIM_BOOTSTRAP=False).test_client().get("/login").get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css?v=" in full  # the switch back to the whole file
