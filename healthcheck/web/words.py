"""The ``word`` filter of the staff pages: stored codes in the reader's language (issue 17 item 4).

Statuses, kinds, roles and the like are stored and exported as English codes; the pages show
them with ``{{ rnd.status | word }}``. The table is the documents' (``exports.wording``), so a
page and a pack never name a code differently.
"""

from __future__ import annotations

from healthcheck.exports.wording import code_word, segment_reason


def register(app) -> None:
    app.jinja_env.filters["word"] = code_word
    app.jinja_env.filters["segment_reason"] = segment_reason  # the briefing's "segment and why"
