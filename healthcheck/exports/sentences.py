"""The report's generated sentences in the reader's language (issue 17 item 4), render side.

The report (DESIGN §4 JSON, the API, the stored summary) keeps every ``message`` in English:
it is data, and byte-identical wherever it is served. A page or pack rebuilds each sentence
it shows from the sentence's ``code`` (a warning) or ``kind`` (a talking point) and the
report's own published figures, in the current language (Flask-Babel's locale; English
outside a request). A code this module does not know shows its English message, and so
does English itself (the message is the English sentence). A figure of a side the k rule
hides is never put into a sentence: where the report shows no figure, the sentence has none.

Pure apart from gettext: no database, no Flask request state beyond the locale.
"""

from __future__ import annotations

import copy
import re

from flask_babel import gettext as _

from healthcheck import languages as codes
from healthcheck import numbers
from healthcheck.analysis.warnings import LOW_RESPONSE_RATE
from healthcheck.exports.wording import language, questionnaire_texts, word, words  # noqa: F401 - re-exported

# the figures in the reader's locale ("3,40" in German), rounded as in the English message
_pct, _num, _signed = numbers.pct, numbers.num, numbers.signed
_FIGURE = re.compile(r"(?<![\w.])[+-]?\d+\.\d{2}(?![\w.])")  # "3.40", "+0.50" in an English message


def _figures(text: str) -> str:
    """The English message's figures ("3.40 → 3.10, gap +0.50 → +0.20") in the reader's locale."""
    return _FIGURE.sub(lambda m: numbers.localise(m[0]), text)


def _shown(block: dict | None) -> float | None:
    if not block or block.get("suppressed"):
        return None
    return block.get("mean")


# --- warnings -----------------------------------------------------------------------------


def _noise(w: dict) -> str:
    ci = w.get("change_ci95")
    if ci is None:
        return " " + _("Too few answers to tell whether the change is beyond noise.")
    span = {"low": _signed(ci[0]), "high": _signed(ci[1])}
    if w.get("beyond_noise"):
        return " " + _(
            "The change is beyond noise (95 %% interval of the change %(low)s to %(high)s).", **span
        )
    return " " + _(
        "The change is within noise (95 %% interval of the change %(low)s to %(high)s includes 0): it may be chance.",  # noqa: E501
        **span,
    )


_DROP = re.compile(r"fell from (?P<before>-?\d+\.\d+) to (?P<after>-?\d+\.\d+)\.")
_WIDEN = re.compile(r"widened from (?P<before>\d+\.\d+) to (?P<after>\d+\.\d+) points\.")
_INDEX = re.compile(r"^The alliance health index fell (?P<drop>\d+\.\d) points to (?P<now>-?\d+\.\d)\.$")
_INDEX2 = re.compile(
    r"^The alliance health index fell in two consecutive rounds \((?P<a>-?[\d.]+) → (?P<b>-?[\d.]+) → (?P<c>-?[\d.]+)\)\.$"  # noqa: E501
)
_OVERDUE = re.compile(
    r"^No health check closed since (?P<since>\S+); the next was due (?P<due>\S+) \((?P<days>\d+) days ago\)\.$"  # noqa: E501
)
_FACT_KINDS = {"milestones": "on_time_rate", "budget": "budget_variance", "delivery": "otif_rate"}


def _fact_words(kind: str, value: float) -> str:
    if kind == "milestones":
        return _("%(value)s of the milestones due were met within 30 days of plan", value=_pct(value))
    if kind == "budget":
        return _("spend is %(value)s against budget", value=numbers.signed_pct(value))
    return _("%(value)s of deliveries were on time in full", value=_pct(value))


class Sentences:
    """The sentences of one report (round report or trend) in the current language.

    ``report``: the published report dict; ``questionnaire``: its version (for the titles in
    the reader's language; None: the report's English titles); ``effects``: the action
    effects behind the "action" talking points (``services.actions.effects``).
    """

    def __init__(self, report: dict | None, questionnaire=None, effects: list | None = None):
        self.report = report or {}
        self.lang = language()
        self.texts = questionnaire_texts(questionnaire, self.lang)
        self.effects = effects or []
        self.names = (self.report.get("alliance") or {}).get("sides") or {}
        self.dims = {d["key"]: d for d in self.report.get("dimensions") or []}

    # texts of the questionnaire
    def title(self, key: str | None, fallback: str | None = None) -> str:
        if key is None:
            return fallback or ""
        found = self.texts["dimensions"].get(key)
        if found:
            return found
        return fallback if fallback is not None else (self.dims.get(key) or {}).get("title", key)

    def question(self, key: str | None, fallback: str) -> str:
        return self.texts["questions"].get(key) or fallback

    def word(self, field: str, value):
        return word(field, value)

    def _name(self, side: str | None) -> str:
        return self.names.get(side, side or "")

    # warnings
    def warning(self, w: dict) -> str:
        """One warning's sentence; its English ``message`` for English and for unknown codes."""
        message = w.get("message", "")
        if self.lang == codes.DEFAULT:
            return message
        build = getattr(self, "_w_" + str(w.get("code")), None)
        if build is None:
            return message
        try:
            found = build(w)
        except (KeyError, TypeError, ValueError, IndexError):
            found = None
        return found or message

    def _w_low_response_rate(self, w):
        rate = ((self.report.get("sides") or {}).get(w["side"]) or {}).get("response_rate")
        values = {"side": self._name(w["side"]), "limit": _pct(LOW_RESPONSE_RATE)}
        if rate is None:
            return _("Too few of the invited %(side)s respondents answered (below %(limit)s).", **values)
        return _(
            "Only %(rate)s of invited %(side)s respondents answered (below %(limit)s).",
            rate=_pct(rate),
            **values,
        )

    def _w_internal_divergence(self, w):
        block = (self.dims.get(w["dimension"]) or {}).get(w["side"]) or {}
        values = {"side": self._name(w["side"]), "dimension": self.title(w["dimension"])}
        std = None if block.get("suppressed") else block.get("std")
        if std is None:
            return _("%(side)s respondents disagree among themselves on %(dimension)s.", **values)
        return _(
            "%(side)s respondents disagree among themselves on %(dimension)s (std %(std)s).",
            std=_num(std),
            **values,
        )

    def _w_dimension_drop(self, w):
        found = _DROP.search(w["message"])
        if found is None:
            return None
        return _(
            "%(side)s's view of %(dimension)s fell from %(before)s to %(after)s.",
            side=self._name(w["side"]),
            dimension=self.title(w["dimension"]),
            before=numbers.localise(found["before"]),
            after=numbers.localise(found["after"]),
        ) + _noise(w)

    def _w_gap_widening(self, w):
        found = _WIDEN.search(w["message"])
        if found is None:
            return None
        return _(
            "The perception gap on %(dimension)s widened from %(before)s to %(after)s points.",
            dimension=self.title(w["dimension"]),
            before=numbers.localise(found["before"]),
            after=numbers.localise(found["after"]),
        ) + _noise(w)

    def _w_index_drop(self, w):
        if found := _INDEX.match(w["message"]):
            return _(
                "The alliance health index fell %(drop)s points to %(now)s.",
                drop=numbers.localise(found["drop"]),
                now=numbers.localise(found["now"]),
            )
        if found := _INDEX2.match(w["message"]):
            return _(
                "The alliance health index fell in two consecutive rounds (%(first)s → %(second)s → %(third)s).",  # noqa: E501
                first=numbers.localise(found["a"]),
                second=numbers.localise(found["b"]),
                third=numbers.localise(found["c"]),
            )
        return None

    def _w_overdue(self, w):
        found = _OVERDUE.match(w["message"])
        if found is None:
            return None
        return _(
            "No health check closed since %(since)s; the next was due %(due)s (%(days)s days ago).",
            since=found["since"],
            due=found["due"],
            days=found["days"],
        )

    def _w_panel_imbalance(self, w):
        distance = (self.report.get("panel") or {}).get("distance")
        values = {"a": self._name("A"), "b": self._name("B")}
        if distance is None:
            first = _(
                "The people who answered at %(a)s and at %(b)s work in very different functions.", **values
            )
        else:
            first = _(
                "The people who answered at %(a)s and at %(b)s work in very different functions "
                "(panel distance %(distance)s of 1).",
                distance=_num(distance),
                **values,
            )
        return (
            first
            + " "
            + _(
                "At least half of one panel would have to be swapped for people of other functions to match "
                "the other. Part of any gap may come from who answered rather than from the alliance; invite "
                "a similar mix of functions on both sides next round."
            )
        )

    def _perception(self, w, only: bool):
        dim = self.dims[w["dimension"]]
        mean = _shown(dim.get(w["side"]))
        facts = dim.get("facts") or {}
        kind = facts.get("kind")
        value = facts.get(_FACT_KINDS.get(kind, ""))
        if mean is None or value is None:
            return None  # no published figure: the English message (which had one) never shows here
        values = {
            "side": self._name(w["side"]),
            "dimension": self.title(w["dimension"]),
            "mean": _num(mean),
            "fact": _fact_words(kind, value),
        }
        if only:
            return _("%(side)s rates %(dimension)s only %(mean)s while %(fact)s.", **values)
        return _("%(side)s rates %(dimension)s %(mean)s while %(fact)s.", **values)

    def _w_perception_fact_mismatch(self, w):
        return self._perception(w, only=False)

    def _w_perception_below_facts(self, w):
        return self._perception(w, only=True)

    # talking points
    def point(self, p: dict) -> str:
        message = p.get("message", "")
        if self.lang == codes.DEFAULT:
            return message
        build = getattr(self, "_p_" + str(p.get("kind")), None)
        if build is None:
            return message
        try:
            found = build(p)
        except (KeyError, TypeError, ValueError, IndexError):
            found = None
        return found or message

    def _p_real_gap(self, p):
        d = self.dims[p["dimension"]]
        high = p["side"]
        low = "B" if high == "A" else "A"
        hi_mean, lo_mean = _shown(d[high]), _shown(d[low])
        if hi_mean is None or lo_mean is None or d.get("gap") is None or not d.get("gap_ci95"):
            return None
        return _(
            "%(high)s rates %(dimension)s clearly higher than %(low)s: %(high_mean)s vs %(low_mean)s "
            "(gap %(gap)s, 95 %% interval %(ci_low)s to %(ci_high)s; %(magnitude)s effect) — a real gap, not chance.",  # noqa: E501
            high=self._name(high),
            low=self._name(low),
            dimension=self.title(p["dimension"]),
            high_mean=_num(hi_mean),
            low_mean=_num(lo_mean),
            gap=_signed(d["gap"]),
            ci_low=_signed(d["gap_ci95"][0]),
            ci_high=_signed(d["gap_ci95"][1]),
            magnitude=word("magnitude", d.get("effect_magnitude")),
        )

    def _p_shared_concern(self, p):
        d = self.dims[p["dimension"]]
        a, b = _shown(d["A"]), _shown(d["B"])
        scale = self.report["scale"]
        if a is None or b is None:
            return None
        return _(
            "Both sides rate %(dimension)s low: %(a)s %(a_mean)s, %(b)s %(b_mean)s "
            "(below %(midpoint)s on the %(min)s–%(max)s scale).",
            dimension=self.title(p["dimension"]),
            a=self._name("A"),
            b=self._name("B"),
            a_mean=_num(a),
            b_mean=_num(b),
            midpoint=numbers.localise(f"{scale['min'] + 0.5 * (scale['max'] - scale['min']):g}"),
            min=scale["min"],
            max=scale["max"],
        )

    def _p_blind_spot(self, p):
        d = self.dims[p["dimension"]]
        side = p["side"]
        mine = ((d.get("meta") or {}).get(side)) or {}
        expected = _shown(mine.get("expected"))
        error = mine.get("meta_error")
        if expected is None or error is None:
            return None
        partner = "B" if side == "A" else "A"
        return _(
            "%(side)s expects %(partner)s to rate %(dimension)s %(expected)s, but %(partner)s rates it "
            "%(actual)s — a blind spot of %(error)s.",
            side=self._name(side),
            partner=self._name(partner),
            dimension=self.title(p["dimension"]),
            expected=_num(expected),
            actual=_num(expected - error),
            error=_num(error),
        )

    def _p_warning(self, p):
        for w in self.report.get("warnings") or []:
            if w.get("message") == p.get("message"):
                return self.warning(w)
        return None

    def _p_action(self, p):
        found = re.match(
            r"^The action “(?P<title>.*)” agreed after (?P<round>.+?) has not helped .+? yet: (?P<rest>.+)\.$",  # noqa: E501
            p["message"],
        )
        if found is None:
            return None
        rest = _figures(found["rest"]).replace("not shown", _("not shown"))
        rest = rest.replace(", gap ", ", " + _("gap") + " ")
        return _(
            "The action “%(title)s” agreed after %(round)s has not helped %(dimension)s yet: %(changes)s.",
            title=found["title"],
            round=found["round"],
            dimension=self.title(p["dimension"]),
            changes=rest,
        )

    # why figures are hidden (anonymity.hidden_reasons, rebuilt)
    def hidden_reasons(self, english: list[str]) -> list[str]:
        if self.lang == codes.DEFAULT or not self.report.get("sides"):
            return english
        k = self.report["k_anonymity"]
        out = []
        for side in ("A", "B"):
            name = f"{self.names.get(side, 'Side ' + side)} ({side})"
            submitted = self.report["sides"][side]["submitted"]
            if submitted < k:
                out.append(
                    _(
                        "%(name)s: %(submitted)s answered, fewer than k = %(k)s — its figures and comments are "  # noqa: E501
                        "hidden, and so are the gaps and indices that need them, so that no answer can be traced "  # noqa: E501
                        "to a person.",
                        name=name,
                        submitted=submitted,
                        k=k,
                    )
                )
                continue
            hidden = [
                self.title(d["key"], d["title"])
                for d in self.report["dimensions"]
                if d[side].get("suppressed")
            ]
            if hidden:
                out.append(
                    _(
                        "%(name)s: %(hidden)s of %(total)s dimensions hidden (%(titles)s) — fewer than k = %(k)s "  # noqa: E501
                        "of its people rated them (N/A and blanks do not count).",
                        name=name,
                        hidden=len(hidden),
                        total=len(self.report["dimensions"]),
                        titles=", ".join(hidden),
                        k=k,
                    )
                )
        return out if len(out) == len(english) else english


def for_report(report: dict | None, questionnaire=None, effects: list | None = None) -> Sentences:
    return Sentences(report, questionnaire, effects)


# Jinja globals (the app's environment and the packs' own)
GLOBALS = {"report_sentences": for_report, "report_word": word}


def localised(report: dict, questionnaire=None) -> dict:
    """A copy of ``report`` whose dimension titles and statements read in the current
    language (the questionnaire's own, where it declares the language) — for charts, which
    draw their labels from the report. The report itself is never changed; in English (or
    a language the questionnaire does not declare) the copy equals it."""
    texts = questionnaire_texts(questionnaire)
    out = copy.deepcopy(report)
    for d in out.get("dimensions") or []:
        d["title"] = texts["dimensions"].get(d["key"]) or d["title"]
    for q in out.get("questions") or []:
        q["text"] = texts["questions"].get(q.get("key")) or q["text"]
    return out
