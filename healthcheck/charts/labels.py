"""Point labels that never overprint, placed in pandas before the chart is drawn.

Vega-Lite has no label collision handling, so a scatter's labels are placed here in pixel
space: each label, in the order given (the most important first), takes the first of eight
positions around its point that stays inside the plot and clear of every marker and of
every label already placed. A name that finds no room gets a number instead (listed in the
chart's key); a number that finds none either stays unlabelled (its point keeps its tooltip).

Text widths come from Helvetica's advance widths (Arial and Liberation Sans, which the
pages fall back to, share them), with a margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Helvetica advance widths in 1/1000 em (Adobe's AFM); anything else counts as wide
_WIDTHS = {
    **dict.fromkeys("ijl'", 222),
    **dict.fromkeys(" ft/.,:;!I[]", 278),
    **dict.fromkeys("r-()", 333),
    **dict.fromkeys("ckszvxyJ", 500),
    **dict.fromkeys("abdeghnopqu0123456789L_", 556),
    **dict.fromkeys("FTZ", 611),
    **dict.fromkeys("ABEKPSVXY&", 667),
    **dict.fromkeys("CDHNRUw", 722),
    **dict.fromkeys("GOQ", 778),
    **dict.fromkeys("mM", 833),
    "W": 944,
}
WIDE = 800
MARGIN = 1.08  # rendering differences between fonts of the same metrics, kerning
SPACE = 2  # px kept free between two labels


def text_width(text: str, font_size: float) -> float:
    """Estimated width in px of ``text`` set in Helvetica at ``font_size`` px."""
    return sum(_WIDTHS.get(ch, WIDE) for ch in text) / 1000 * font_size * MARGIN


@dataclass(frozen=True)
class Plot:
    """The plot's pixel size and the data domains it maps."""

    width: float
    height: float
    x_domain: tuple[float, float]
    y_domain: tuple[float, float]

    def px(self, x: float, y: float) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.x_domain, self.y_domain
        return (x - x0) / (x1 - x0) * self.width, self.height - (y - y0) / (y1 - y0) * self.height

    def data(self, px: float, py: float) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.x_domain, self.y_domain
        return x0 + px / self.width * (x1 - x0), y0 + (self.height - py) / self.height * (y1 - y0)


def fitted_domain(
    values, step: float = 5, pad: float = 2, low: float = 0, high: float = 100, min_span: float = 20
) -> tuple[float, float]:
    """The axis range for ``values``: padded, on multiples of ``step``, at least ``min_span``
    wide, within [low, high] (e.g. 55–80 → (50, 85), not 0–100)."""
    found = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not found:
        return (low, high)
    start = max(low, math.floor((min(found) - pad) / step) * step)
    end = min(high, math.ceil((max(found) + pad) / step) * step)
    while end - start < min_span and (start > low or end < high):
        start, end = max(low, start - step), min(high, end + step)
    return (start, end)


def _candidates(px: float, py: float, width: float, height: float, gap: float):
    """(left, top, right, bottom, anchor x, anchor y, align) of each position, best first."""
    half = height / 2
    right, left = px + gap, px - gap
    above, below = py - gap + 1 - half, py + gap - 1 + half
    return [
        (right, py - half, right + width, py + half, right, py, "left"),
        (left - width, py - half, left, py + half, left, py, "right"),
        (px - width / 2, above - half, px + width / 2, above + half, px, above, "center"),
        (px - width / 2, below - half, px + width / 2, below + half, px, below, "center"),
        (right, above - half, right + width, above + half, right, above, "left"),
        (right, below - half, right + width, below + half, right, below, "left"),
        (left - width, above - half, left, above + half, left, above, "right"),
        (left - width, below - half, left, below + half, left, below, "right"),
    ]


def _clear(box, taken: list[tuple], markers: np.ndarray, plot: Plot, radius: float) -> bool:
    left, top, right, bottom = box[:4]
    if left < 0 or top < 0 or right > plot.width or bottom > plot.height:
        return False
    if any(
        left < t[2] + SPACE and t[0] - SPACE < right and top < t[3] + SPACE and t[1] - SPACE < bottom
        for t in taken
    ):
        return False
    if len(markers):  # the nearest point of the box to each marker's centre, vectorised
        nx = np.clip(markers[:, 0], left, right)
        ny = np.clip(markers[:, 1], top, bottom)
        if ((markers[:, 0] - nx) ** 2 + (markers[:, 1] - ny) ** 2 < radius**2).any():
            return False
    return True


def place(
    frame: pd.DataFrame,
    x: str,
    y: str,
    text: str,
    plot: Plot,
    font_size: float = 12,
    radius: float = 8,
    max_labels: int = 60,
    max_key: int = 20,
) -> pd.DataFrame:
    """``frame`` with ``label`` (the name, a key number or None), ``label_x``/``label_y`` (its
    anchor in data units), ``align`` and ``box`` (its pixel rectangle), and ``key`` (the
    number standing for the name, or None). Only the first ``max_labels`` rows are tried; at
    most ``max_key`` numbers are given."""
    markers = np.array([plot.px(a, b) for a, b in zip(frame[x], frame[y], strict=True)]).reshape(-1, 2)
    taken: list[tuple] = []
    height = font_size * 1.25
    out = {"label": [], "label_x": [], "label_y": [], "align": [], "box": [], "key": []}
    numbers = 0
    for i, (vx, vy, name) in enumerate(zip(frame[x], frame[y], frame[text], strict=True)):
        placed, key = None, None
        if i < max_labels:
            px, py = plot.px(vx, vy)
            tries = [(str(name), None)]
            if numbers < max_key:
                tries.append((str(numbers + 1), numbers + 1))
            for label, number in tries:
                width = text_width(label, font_size)
                placed = next(
                    (
                        b
                        for b in _candidates(px, py, width, height, radius + 2)
                        if _clear(b, taken, markers, plot, radius)
                    ),
                    None,
                )
                if placed is not None:
                    key, numbers = number, numbers + (number is not None)
                    placed = (label, placed)
                    break
        if placed is None:
            for column in out:
                out[column].append(None)
            continue
        label, box = placed
        taken.append(box)
        ax, ay = plot.data(box[4], box[5])
        for column, value in zip(out, (label, ax, ay, box[6], box[:4], key), strict=True):
            out[column].append(value)
    return frame.assign(**out)
