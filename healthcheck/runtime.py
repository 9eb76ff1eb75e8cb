"""What a long-running server process does once its application is loaded."""

from __future__ import annotations

import gc
import os


def settle() -> None:
    """Import what requests would import lazily, then freeze the objects alive now.

    Python's cycle collector periodically walks every tracked object; in a worker that has
    imported pandas, scipy and Altair that is hundreds of thousands of objects that live as
    long as the process, and a full collection landing inside a request cost ~100 ms of the
    portfolio page at 1,000 alliances. ``gc.freeze()`` moves them out of the collector's
    sight; garbage made by requests is still collected as usual.
    """
    import vl_convert  # noqa: F401  (the chart renderer, imported on first render otherwise)

    from healthcheck.charts import render, sets  # noqa: F401

    gc.collect()
    gc.freeze()


def rss_mb() -> float:
    """This process's resident set size in MB (Linux ``/proc``; 0 where there is none)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def recycle_if_large(worker, limit_mb: float, rss=None) -> bool:
    """After a request: a worker above ``limit_mb`` finishes and is replaced by a fresh one.

    A bound, not the budget: a worker settles at about 280 MB after drawing the portfolio
    chart of 1,000 alliances (the chart renderer's JavaScript heap does not shrink), see
    docs/PERFORMANCE.md "Worker memory". ``limit_mb`` 0 turns it off.
    """
    if not limit_mb:
        return False
    used = (rss or rss_mb)()
    if used <= limit_mb:
        return False
    worker.log.info("worker %s at %.0f MB (limit %.0f MB): recycling", worker.pid, used, limit_mb)
    worker.alive = False  # gunicorn's worker loop exits after this request; the arbiter starts another
    return True
