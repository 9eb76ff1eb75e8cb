"""What a long-running server process does once its application is loaded."""

from __future__ import annotations

import gc


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
