"""Field-level problems that a page can show in its reader's language (issue 17).

A service builds ``problem(N_("comment: at most %(n)s characters"), n=2000)``: the value is
an ordinary ``str`` holding the English sentence (the API, the CLI and the logs read it as
before), and it keeps its message id and arguments so the web layer can translate it
(``healthcheck.web.i18n.translated``). Pure: no Flask, importable from every layer.

A sentence made of parts stays one message: ``problem(N_("line %(line)s: %(problem)s"),
line=3, problem=inner)`` — an argument that is itself a problem is translated with it, and a
list argument (of problems or plain values) is listed with ", ".
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the marker pybabel extracts (``-k N_``)
    return text


class Problem(str):
    """An English problem sentence that remembers how to say itself in another language."""

    msgid: str
    args: dict

    def __new__(cls, msgid: str, **args):
        value = super().__new__(cls, msgid % {k: listed(v) for k, v in args.items()} if args else msgid)
        value.msgid = msgid
        value.args = args
        return value


def problem(msgid: str, **args) -> Problem:
    return Problem(msgid, **args)


def listed(value, say=str):
    """An argument as it goes into its sentence: a list is its items (each said by ``say``)
    joined with ", "; anything else as it is."""
    return ", ".join(say(v) for v in value) if isinstance(value, list) else value
