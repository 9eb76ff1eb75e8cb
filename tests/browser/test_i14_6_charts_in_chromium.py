"""Issue 14 item 6 in a real browser: the portfolio's labels measured as Chromium draws them."""

from __future__ import annotations

import itertools

from healthcheck.charts import render, trends
from tests.unit.test_i14_6_charts import crowded

BOXES = """() => [...document.querySelectorAll('text[aria-label^="label_x"]')].map(t => {
  const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, t.textContent,
  parseFloat(getComputedStyle(t).fontSize)]; })"""


def test_i14_6_crowded_portfolio_labels_do_not_overlap_as_drawn(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_content(
        f"<!doctype html><body style='margin:0'>{render.svg(trends.portfolio_chart(crowded(30)))}</body>"
    )
    boxes = page.evaluate(BOXES)
    page.close()
    assert len(boxes) >= 8
    assert min(b[5] for b in boxes) >= 12
    for a, b in itertools.combinations(boxes, 2):
        overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
        assert not overlap, (a[4], b[4])
