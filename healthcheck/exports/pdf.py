"""HTML to PDF with WeasyPrint (it lays out with the system's Pango).

Charts embedded as inline SVG stay vector in the PDF. Every PDF the service makes (the
steering-committee pack, the successor briefing) goes through this one function.

WeasyPrint is imported when a PDF is first asked for, not with the app: it loads Pango
from the system (Debian: ``libpango-1.0-0 libpangoft2-1.0-0``), and a machine without it
must still run everything else — it gets a clear message instead of a failed start.
"""

from __future__ import annotations


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries here."""


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render a whole HTML document (with its own <style>) to PDF bytes."""
    try:
        import weasyprint  # noqa: PLC0415 - see the module docstring
    except OSError as exc:  # Pango missing: WeasyPrint raises OSError from cffi's dlopen
        raise PdfUnavailable(
            "PDF needs Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0): " + str(exc)
        ) from exc
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
