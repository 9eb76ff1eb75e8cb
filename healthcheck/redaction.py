"""Working link tokens never reach a log: the one rule for access logs and error logs."""

from __future__ import annotations

import logging
import re

# Paths whose next segment is a secret: respondents' links and partner share links.
SECRET_PATH = re.compile(r"(/(?:r|shared)/)[^/?#\s\"']+")


def redact(text):
    """The text with the token of every /r/<token> or /shared/<token> path replaced."""
    return SECRET_PATH.sub(r"\1[redacted]", text) if isinstance(text, str) else text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message and traceback with the tokens removed (Flask logs
    "Exception on /r/<token>/answer [POST]" and the traceback may repeat the path)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install(*loggers: logging.Logger) -> None:
    """Add the filter once to each logger (the app's and werkzeug's development server's)."""
    for logger in loggers:
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
