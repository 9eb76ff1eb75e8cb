"""Render charts to SVG/PNG/Vega-Lite JSON with vl-convert, cached by data version.

The cache key is a hash of the chart specification, which contains the data: a new
response changes the data, hence the key. Conversions are serialised by a lock (they do
not run in parallel across threads), and nothing renders at import time.

The cache is per process and bounded by bytes (``MAX_BYTES``, 32 MB) as well as by entries:
a portfolio chart of 1,000 alliances is 0.8 MB of SVG, a PNG at scale 2 more, so 512
entries alone could hold hundreds of MB in every web worker.

Every chart is converted in the current language's d3 locale (issue 17 item 4): axis ticks
and tooltips write "3,5" in German, French and Spanish, month names in the reader's language.
The locale is not in the specification, so the language is part of every cache key: a
German and an English render of the same chart never share an entry. English is converted
with vl-convert's default locale, exactly as before.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import threading
from collections import OrderedDict

from altair.utils.schemapi import debug_mode

from healthcheck import languages, numbers

_lock = threading.Lock()
MAX_ENTRIES = 512
MAX_BYTES = 32 * 1024 * 1024
FORMATS = ("svg", "png", "json")
stats = {"hits": 0, "misses": 0}
# d3's locales for our languages (vl-convert ships them; English: its default, en-US)
D3_LOCALES = {"de": "de-DE", "fr": "fr-FR", "es": "es-ES", "ja": "ja-JP"}


class Cache:
    """Least recently used first out, within ``max_entries`` and ``max_bytes`` (the sum of
    the values' lengths). A value larger than ``max_bytes`` is not kept. Not locked: the
    module's ``_lock`` guards it."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self.bytes = 0

    def get(self, key: tuple) -> bytes | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple, value: bytes) -> None:
        self.pop(key)
        if len(value) > self.max_bytes:
            return
        self._items[key] = value
        self.bytes += len(value)
        while len(self._items) > self.max_entries or self.bytes > self.max_bytes:
            self.bytes -= len(self._items.popitem(last=False)[1])

    def pop(self, key: tuple) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= len(old)

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: tuple) -> bool:
        return key in self._items


_cache = Cache(MAX_ENTRIES, MAX_BYTES)


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
    language = numbers.language()
    key = (fmt, language, hashlib.sha256(text.encode()).hexdigest())
    with _lock:
        found = _cache.get(key)
        if found is not None:
            stats["hits"] += 1
            return found
        stats["misses"] += 1
        data = _convert(text, fmt, language)
        _cache.put(key, data)
        return data


def locales(language: str) -> dict:
    """vl-convert's ``format_locale`` and ``time_format_locale`` for ``language`` (none for
    English: vl-convert's default). The number locale is d3's with CLDR's decimal sign, group
    separator and percent sign (``healthcheck.numbers``), so an axis writes "45 %" as the
    sentences beside it do (d3's fr-FR puts a narrow no-break space before "%", CLDR a
    no-break space)."""
    name = D3_LOCALES.get(language)
    if name is None or language == languages.DEFAULT:
        return {}
    import vl_convert as vlc

    cldr = numbers.symbols(language)
    number = vlc.get_format_locale(name) | {
        "decimal": cldr["decimal"],
        "thousands": cldr["group"],
        "percent": cldr["percent_after"],
    }
    return {"format_locale": number, "time_format_locale": name}


def _convert(text: str, fmt: str, language: str, scale: int = 2) -> bytes:
    import vl_convert as vlc

    try:
        if fmt == "svg":
            return vlc.vegalite_to_svg(json.loads(text), **locales(language)).encode()
        return vlc.vegalite_to_png(json.loads(text), scale=scale, **locales(language))
    finally:
        _release_freed_memory()


def _release_freed_memory() -> None:
    """Hand the converter's freed heap back to the system (glibc keeps it otherwise: over
    600 conversions a process grew to 156 MB without, 129 MB with; about 1 ms a call)."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):  # not glibc
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None


def svg(chart) -> str:
    return render(chart, "svg").decode()


def svg_for(key: tuple, build) -> str:
    """SVG cached under ``key`` (which must name the data version, e.g. a summary's
    version): on a hit the chart is not even built."""
    language = numbers.language()
    full = ("svg-key", language, repr(key))
    with _lock:
        found = _cache.get(full)
        if found is not None:
            stats["hits"] += 1
            return found.decode()
    with debug_mode(False):  # Altair validates every channel as it is built otherwise
        chart = build()
    text = json.dumps(spec(chart), sort_keys=True)
    with _lock:  # kept under ``key`` only (not also under its specification's hash)
        stats["misses"] += 1
        data = _convert(text, "svg", language)
        _cache.put(full, data)
    return data.decode()


def render_png(chart, scale: int = 2) -> bytes:
    """The chart as PNG at ``scale`` (3 for slides), cached like ``render``."""
    text = json.dumps(spec(chart), sort_keys=True)
    language = numbers.language()
    key = ("png", scale, language, hashlib.sha256(text.encode()).hexdigest())
    with _lock:
        found = _cache.get(key)
        if found is not None:
            stats["hits"] += 1
            return found
        stats["misses"] += 1
        data = _convert(text, "png", language, scale)
        _cache.put(key, data)
        return data
