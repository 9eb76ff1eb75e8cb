"""Render charts to SVG/PNG/Vega-Lite JSON with vl-convert, cached by data version.

The cache key is a hash of the chart specification, which contains the data: a new
response changes the data, hence the key. Conversions are serialised by a lock (they do
not run in parallel across threads), and nothing renders at import time.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict

from altair.utils.schemapi import debug_mode

_lock = threading.Lock()
_cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()
MAX_ENTRIES = 512
FORMATS = ("svg", "png", "json")
stats = {"hits": 0, "misses": 0}


def spec(chart) -> dict:
    """The Vega-Lite specification, not validated here: schema validation (here and while
    ``svg_for`` builds a chart) took 380 of a cold report's 890 ms (cProfile). Every chart
    builder's output is validated against the schema by the unit tests (``to_dict()``)."""
    return chart.to_dict(validate=False)


def render(chart, fmt: str = "svg") -> bytes:
    """The chart as SVG text, PNG bytes or Vega-Lite JSON, from the cache when possible."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    text = json.dumps(spec(chart), sort_keys=True)
    if fmt == "json":
        return text.encode()
    key = (fmt, hashlib.sha256(text.encode()).hexdigest())
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            stats["hits"] += 1
            return _cache[key]
        stats["misses"] += 1
        import vl_convert as vlc

        data = (
            vlc.vegalite_to_svg(json.loads(text)).encode()
            if fmt == "svg"
            else vlc.vegalite_to_png(json.loads(text), scale=2)
        )
        _cache[key] = data
        if len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
        return data


def svg(chart) -> str:
    return render(chart, "svg").decode()


def svg_for(key: tuple, build) -> str:
    """SVG cached under ``key`` (which must name the data version, e.g. a summary's
    version): on a hit the chart is not even built."""
    full = ("svg-key", repr(key))
    with _lock:
        if full in _cache:
            _cache.move_to_end(full)
            stats["hits"] += 1
            return _cache[full].decode()
    with debug_mode(False):  # Altair validates every channel as it is built otherwise
        chart = build()
    data = render(chart, "svg")
    with _lock:
        _cache[full] = data
        if len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return data.decode()
