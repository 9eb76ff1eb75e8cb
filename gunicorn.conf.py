"""Production web workers: `gunicorn -c gunicorn.conf.py 'healthcheck:create_app()'`.

Nothing renders or connects at import time, so no --preload hazard; the scheduler is a
separate process (`healthcheck scheduler`), never started by a worker.

Sync workers are kept (one request per process: SQLite's write lock, psycopg and vl-convert need
no cooperative patching). They must never face clients directly: a slow client holds a sync
worker for the whole `timeout`, so a handful of slowloris connections stall every worker. In
production nginx sits in front (deploy/nginx.conf, started by scripts/stack.sh): it buffers each
request and response completely, so gunicorn only ever sees whole requests from loopback.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

from healthcheck.redaction import redact

bind = os.environ.get("HEALTHCHECK_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("HEALTHCHECK_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = 60
graceful_timeout = 20
max_requests = 2000  # recycle workers now and then (bounded memory)
max_requests_jitter = 200
preload_app = False
accesslog = "-"
_max_worker_rss_mb = float(os.environ.get("HEALTHCHECK_WORKER_MAX_RSS_MB", "300"))  # 0: off

class RedactingLogger(Logger):
    """gunicorn's logger with tokens removed from every access-log field (request line, path,
    referer, headers), so the log holds no working link."""

    def atoms(self, resp, req, environ, request_time):
        return {key: redact(value) for key, value in super().atoms(resp, req, environ, request_time).items()}


logger_class = RedactingLogger


def post_worker_init(worker):
    """The app is loaded: freeze start-up objects out of the cycle collector's way."""
    from healthcheck.runtime import settle

    settle()


def post_request(worker, req, environ, resp):
    """A worker grown above HEALTHCHECK_WORKER_MAX_RSS_MB is replaced after this request."""
    from healthcheck.runtime import recycle_if_large

    recycle_if_large(worker, _max_worker_rss_mb)
