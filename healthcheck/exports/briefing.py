"""The successor's briefing as a self-contained HTML document (the PDF is made from it).

The page (``web/briefing``) and this document include the same body,
``templates/briefing/_body.html``, so both show the same figures. No Flask, no database:
the context is the plain data of ``services.briefing.gather``.
"""

from __future__ import annotations

from healthcheck.exports import documents


def standalone(context: dict) -> str:
    return documents._render("briefing/document.html", context)  # noqa: SLF001 - the packs' one renderer
