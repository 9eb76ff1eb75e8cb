"""Issue 17 "done when": a German respondent answers in German in chromium, an English
respondent of the same side answers in English, and the side's figures pool both.

By hand (k = 3): side A = two German respondents answering 5 and 4 to every statement and
one English respondent answering 3 → side A's mean of every dimension (5 + 4 + 3) / 3 = 4.0,
n = 3; side B (three English, 2 each) 2.0; gap 2.0.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from healthcheck.extensions import db
from healthcheck.models import Round
from healthcheck.services import invitations, rounds

pytestmark = pytest.mark.browser
SCORES = {"de1": 5, "de2": 4, "en": 3}


def _invite(app, round_id, people):
    with app.app_context():
        rnd = db.session.get(Round, round_id)
        issued = invitations.invite(
            rnd,
            [
                invitations.Invitee(f"P {i}", f"p{i}@x.example", side, language=lang)
                for i, (side, lang) in enumerate(people)
            ],
            hand_out=True,
        )
        db.session.commit()
        return [i.token for i in issued]


def _answer_all_on_one_page(page, live_server, token, score, submit_label):
    page.goto(f"{live_server}/r/{token}/answer?step=all")
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(33)
    for question in questions.all():
        question.locator(f"input[value='{score}']").check()
    expect(page.locator("#answered")).to_have_text("33")
    with page.expect_navigation():
        page.locator("button", has_text=submit_label).click()


def test_i17_4_german_and_english_respondents_pool_in_chromium(
    browser, live_server, shot, app, login, client, make_alliance, make_round
):
    owner = login()
    alliance_id = make_alliance(owner=owner, name="Rhein Alliance")
    round_id = make_round(alliance_id)
    people = [("A", "de"), ("A", "de"), ("A", "en"), ("B", "en"), ("B", "en"), ("B", "en")]
    tokens = _invite(app, round_id, people)
    page = browser.new_context(locale="en-US").new_page()

    # a German respondent: welcome, statements, scale labels and buttons in German
    page.goto(f"{live_server}/r/{tokens[0]}")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h2", has_text="Wer sieht was")).to_be_visible()
    with page.expect_navigation():
        page.locator("#start", has_text="Beginnen").click()
    expect(page.locator("legend", has_text="Die Allianz hat einen gemeinsamen Plan")).to_be_visible()
    expect(page.locator(".likert .word", has_text="Stimme voll und ganz zu").first).to_be_visible()
    expect(page.locator("button.btn-primary", has_text="Weiter: Finanzen und Budget")).to_be_visible()
    shot(page, "i17-4-german-step1")
    _answer_all_on_one_page(page, live_server, tokens[0], SCORES["de1"], "Meine Antworten abschicken")
    expect(page.locator("h1", has_text="Vielen Dank")).to_be_visible()

    # the second German respondent switches to English and back on the page, then answers
    page.goto(f"{live_server}/r/{tokens[1]}/answer?step=1")
    page.locator("fieldset.question").first.locator("input[value='1']").check()
    with page.expect_navigation():
        page.locator("[data-testid=languages] button", has_text="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("fieldset.question").first.locator("input[value='1']")).to_be_checked()
    with page.expect_navigation():
        page.locator("[data-testid=languages] button", has_text="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    _answer_all_on_one_page(page, live_server, tokens[1], SCORES["de2"], "Meine Antworten abschicken")
    expect(page.locator("h1", has_text="Vielen Dank")).to_be_visible()

    # an English respondent of the same side
    page.goto(f"{live_server}/r/{tokens[2]}/answer?step=1")
    expect(page.locator("legend", has_text="The alliance has a joint plan")).to_be_visible()
    _answer_all_on_one_page(page, live_server, tokens[2], SCORES["en"], "Submit my answers")
    expect(page.locator("h1", has_text="Thank you")).to_be_visible()
    for token in tokens[3:]:
        _answer_all_on_one_page(page, live_server, token, 2, "Submit my answers")

    with app.app_context():
        rounds.close_round(db.session.get(Round, round_id))
        db.session.commit()
    report = json.loads(client.get(f"/alliances/{alliance_id}/rounds/{round_id}/report.json").data)
    for dim in report["dimensions"]:
        assert (dim["A"]["n"], dim["A"]["mean"], dim["B"]["mean"]) == (
            3,
            pytest.approx(4.0),
            pytest.approx(2.0),
        )
        assert dim["gap"] == pytest.approx(2.0)
    assert report["languages"]["A"] == {"en": "<k", "de": "<k", "fr": "<k", "es": "<k", "ja": "<k"}
    assert report["languages"]["B"]["en"] == 3
