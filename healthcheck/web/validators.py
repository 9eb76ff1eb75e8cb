"""Form validators shared by several areas."""

from wtforms.validators import ValidationError

from healthcheck.services.text import single_line_problem


class SingleLine:
    """Refuses line breaks and control characters (names travel into mail headers)."""

    def __call__(self, form, field):
        problem = single_line_problem(field.label.text, field.data or "")
        if problem:
            raise ValidationError(problem.split(": ", 1)[1].capitalize() + ".")
