"""Static files: versioned URLs cached for a year, slim Bootstrap, a favicon, gzip for text.

``url_for('static', ...)`` (and every blueprint's static endpoint, e.g. Bootstrap's) gains
``?v=<hash of the file>``: a changed file gets a new URL, so a URL that carries ``v`` may be
cached for a year. Text responses (pages, CSS, JS, JSON, CSV, SVG) are gzipped when the
client accepts it and ``COMPRESS_RESPONSES`` is on (the default, for the embedded server;
the production stack lets nginx compress instead). Static files are compressed once.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from flask import Flask, Response, redirect, request, url_for

from healthcheck.web import slimcss

YEAR = 365 * 24 * 3600
MIN_BYTES = 512  # below this gzip saves less than its header costs
MAX_BYTES = 8 * 1024 * 1024  # larger responses go out as they are (no large copy in memory)
TEXT_TYPES = {
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "text/javascript",
}


SLIM = "slim_bootstrap"
WEB = Path(__file__).resolve().parent
BOOTSTRAP_CSS = "css/bootstrap.min.css"


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint in ("static", SLIM) or endpoint.endswith(".static"))


def _slim_bootstrap(app: Flask) -> bytes:
    """Bootstrap's CSS less the rules no template or web module can use (``slimcss``)."""
    sources = [*WEB.rglob("*.html"), *WEB.rglob("*.py"), *(WEB.parent / "exports").rglob("*")]
    words, prefixes = slimcss.vocabulary(
        p.read_text(encoding="utf-8") for p in sources if p.suffix in (".html", ".py")
    )
    full = Path(app.blueprints["bootstrap"].static_folder, BOOTSTRAP_CSS).read_text(encoding="utf-8")
    return slimcss.slim(full, words, prefixes).encode()


def _folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.rsplit(".", 1)[0])
    return blueprint.static_folder if blueprint is not None else None


def init_app(app: Flask) -> None:
    versions: dict[tuple[str, str], str] = {}
    compressed: dict[tuple[str, str], bytes] = {}  # static bodies by (path, ETag)

    slim: list[bytes] = []  # built on first use, once per process (~0.3 s)

    def slim_css() -> bytes:
        if not slim:
            slim.append(_slim_bootstrap(app))
            versions[(SLIM, "")] = hashlib.sha256(slim[0]).hexdigest()[:12]
        return slim[0]

    def version(endpoint: str, filename: str) -> str:
        if endpoint == SLIM:
            slim_css()
            return versions[(SLIM, "")]
        key = (endpoint, filename)
        if key not in versions:
            folder = _folder(app, endpoint)
            path = os.path.join(folder, filename) if folder else None
            try:
                with open(path, "rb") as f:  # type: ignore[arg-type]
                    versions[key] = hashlib.sha256(f.read()).hexdigest()[:12]
            except (OSError, TypeError):
                versions[key] = "0"
        return versions[key]

    @app.url_defaults
    def versioned_static(endpoint, values):
        if _is_static(endpoint) and "v" not in values and ("filename" in values or endpoint == SLIM):
            values["v"] = version(endpoint, values.get("filename", ""))

    @app.route("/assets/bootstrap.css", endpoint=SLIM)
    def slim_bootstrap():
        response = Response(slim_css(), mimetype="text/css")
        response.set_etag(versions[(SLIM, "")])
        return response.make_conditional(request)

    @app.route("/favicon.ico")
    def favicon():
        return redirect(url_for("static", filename="favicon.svg"), code=301)

    @app.after_request
    def cache_and_compress(response):
        if _is_static(request.endpoint):
            if request.args.get("v"):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            if not app.config["COMPRESS_RESPONSES"]:
                return response
            return _gzip(response, compressed)
        return _gzip(response, None) if app.config["COMPRESS_RESPONSES"] else response


def _compressible(response) -> bool:
    mimetype = response.mimetype or ""
    return mimetype.startswith("text/") or mimetype in TEXT_TYPES


def _gzip(response, cache: dict | None):
    """The response gzipped when that helps and the client accepts it; ``cache`` keeps
    static files' compressed bodies (keyed by path and ETag, so a changed file is redone)."""
    if not _compressible(response):
        return response
    response.vary.add("Accept-Encoding")
    if (
        request.method == "HEAD"
        or response.status_code != 200
        or "Content-Encoding" in response.headers
        or "Range" in request.headers
        or not request.accept_encodings["gzip"]
        or (response.content_length or 0) > MAX_BYTES
        or (response.is_streamed and not response.direct_passthrough)  # a generator: left alone
    ):
        return response
    etag, _weak = response.get_etag()
    key = (request.path, etag) if cache is not None and etag else None
    body = cache.get(key) if key else None
    if body is None:
        response.direct_passthrough = False  # a static file: read it to compress it
        data = response.get_data()
        if len(data) < MIN_BYTES:
            return response
        body = gzip.compress(data, compresslevel=6, mtime=0)
        if key:
            cache[key] = body
    response.set_data(body)
    response.headers["Content-Encoding"] = "gzip"
    if etag:
        response.set_etag(etag, weak=True)  # the same resource, another encoding of it
    return response
