"""HTML to PDF with WeasyPrint (it lays out with the system's Pango).

Charts embedded as inline SVG stay vector in the PDF. Every PDF the service makes (the
steering-committee pack, the successor briefing) goes through this one function.
"""

from __future__ import annotations

import weasyprint


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render a whole HTML document (with its own <style>) to PDF bytes."""
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
