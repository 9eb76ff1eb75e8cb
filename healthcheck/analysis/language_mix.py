"""The report's ``languages`` block (issue 17): which languages each side answered in.

Same k rule as the panel's function counts (``analysis.panel``, DESIGN §3.15): a count is
shown only when it is at least k, else ``"<k"``; every language is listed (0 is ``"<k"``
too), and when exactly one language of a side would be hidden while it has answers, the
smallest shown count is hidden as well, so the hidden one cannot be worked out from the total.
Answers pool across languages: nothing else in the report depends on the language.
"""

from __future__ import annotations

from healthcheck.analysis.panel import HIDDEN, SIDES, _shown
from healthcheck.languages import LANGUAGES


def published(mix: dict[str, dict[str, int]], k: int) -> dict:
    """``{"A": {lang: count | "<k"}, "B": …}`` from the submitted responses per language."""
    block = {}
    for side in SIDES:
        counts = mix.get(side) or {}
        shown = _shown(counts, k, LANGUAGES)
        block[side] = {code: shown.get(code, HIDDEN) for code in LANGUAGES}
    return block
