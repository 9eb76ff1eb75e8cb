"""Facts beside perception across rounds (DESIGN §3.17): the fact as a second series."""

from __future__ import annotations

import altair as alt
import pandas as pd

from healthcheck.charts import palette
from healthcheck.charts.palette import base_config
from healthcheck.charts.words import Words, formatter, translate

FACT_COLOUR = palette.INK


def facts_trend(
    frame: pd.DataFrame, side_names: list[str], fact_series: str = "Fact", words: Words | None = None
):
    """A panel per fact kind: each side's rating of the related dimension (share of the scale,
    in its side colour) and the fact itself (dashed, ink), in %, across rounds."""
    _ = formatter(words)
    shown_fact = translate(fact_series, words)  # the fact's series in the reader's words
    panel_words = {  # analysis.facts.PANEL
        "Milestones on time vs rating": _("Milestones on time vs rating"),
        "Budget variance vs rating": _("Budget variance vs rating"),
        "OTIF vs rating": _("OTIF vs rating"),
    }
    frame = frame.assign(
        series=[shown_fact if s == fact_series else s for s in frame["series"]],
        panel=[panel_words.get(p, p) for p in frame["panel"]],
    )
    fact_series = shown_fact
    rounds = list(dict.fromkeys(frame.sort_values("order")["round"]))
    domain = [*side_names, fact_series]
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=domain, range=[*palette.SIDE_COLOURS, FACT_COLOUR]),
    )
    dash = alt.StrokeDash(
        "series:N",
        scale=alt.Scale(domain=domain, range=[[1, 0], [1, 0], [6, 3]]),
        legend=None,
    )
    base = alt.Chart().encode(
        x=alt.X("round:O", sort=rounds, title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("value:Q", title="%"),
        color=colour,
        tooltip=[
            alt.Tooltip("panel:N", title=_("Fact")),
            alt.Tooltip("round:N", title=_("Round")),
            alt.Tooltip("series:N", title=_("Series")),
            alt.Tooltip("value:Q", format=".1f", title=_("Value")),
        ],
    )
    layered = alt.layer(
        base.mark_line(strokeWidth=2).encode(strokeDash=dash), base.mark_point(filled=True, size=40)
    )
    panels = list(dict.fromkeys(frame["panel"]))
    chart = layered.properties(width=220, height=150).facet(
        data=frame,
        facet=alt.Facet(
            "panel:N", sort=panels, title=None, header=alt.Header(labelFontSize=13, labelFontWeight="bold")
        ),
        columns=3,
    )
    return base_config(chart.resolve_scale(y="independent"))
