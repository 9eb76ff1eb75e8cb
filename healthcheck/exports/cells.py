"""Spreadsheet cells that stay text: the one guard against formula (CSV) injection.

Excel, LibreOffice and Sheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and
some begin at a leading tab or carriage return) as a formula. Every text cell the service
writes to CSV or XLSX goes through ``neutral``: such text gets a leading single quote
(OWASP's CSV-injection advice), the rest of it unchanged. Numbers stay numbers: a negative
score or gap is not text. Pure: no Flask, no database (pandas only for ``neutral_frame``).
"""

from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value):
    """``value`` with a leading ``'`` when it is text that a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def neutral_frame(frame):
    """A copy of a pandas DataFrame whose text cells (and column names) went through ``neutral``."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    for column in out.columns:
        if is_object_dtype(out[column]) or is_string_dtype(out[column]):
            out[column] = out[column].map(neutral)
    return out.rename(columns=neutral)
