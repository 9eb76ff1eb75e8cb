"""The words staff pages show for stored codes (issue 17 item 4).

Statuses, kinds, roles and the like are stored and exported as English codes; the pages show
them in the reader's language with the ``word`` filter: ``{{ rnd.status | word }}``. Codes
without an entry are shown as they are (after a catalogue look-up, so a label that is itself
marked somewhere is translated too).
"""

from __future__ import annotations

from healthcheck.exports.wording import (  # noqa: F401 - the table lives with the documents' words
    FACT_HEADERS,
    KINDS,
    LABELS,
    ROLE_SHORT,
    WORDS,
    code_word,
    segment_reason,
)

word = code_word


def register(app) -> None:
    app.jinja_env.filters["word"] = word
    app.jinja_env.filters["segment_reason"] = segment_reason  # the briefing's "segment and why"
