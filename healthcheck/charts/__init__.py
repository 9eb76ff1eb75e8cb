"""Pure Altair chart builders (DataFrame → chart) and one render module.

Colours and type sizes live in ``palette`` (one colour language for the whole report);
the names below are kept for builders that import them from here.
"""

from healthcheck.charts.palette import FONT, RAG, SIDE_COLOURS, base_config

RAG_COLOURS = RAG

__all__ = ["FONT", "RAG_COLOURS", "SIDE_COLOURS", "base_config"]
