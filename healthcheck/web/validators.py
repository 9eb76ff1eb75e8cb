"""Form validators shared by several areas."""

from flask_babel import get_locale
from wtforms.validators import ValidationError

from healthcheck.services.text import single_line_problem
from healthcheck.web.i18n import translated


def field_message(found: str) -> str:
    """A service's field-level problem ("closes on: …") as the error under that field: in the
    page's language, without the field's name (the form shows the label above it), one sentence."""
    text = translated(found)
    cuts = [(text.find(sep), sep) for sep in (": ", "：") if text.find(sep) > 0]
    if cuts:
        at, sep = min(cuts)
        text = text[at + len(sep) :]
    stop = "。" if str(get_locale() or "") == "ja" else "."
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "。")) else stop)


class SingleLine:
    """Refuses line breaks and control characters (names travel into mail headers)."""

    def __call__(self, form, field):
        problem = single_line_problem(field.label.text, field.data or "")
        if problem:
            raise ValidationError(field_message(problem))
