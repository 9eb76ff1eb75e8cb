"""Everything that leaves as a file: JSON, CSV, XLSX and HTML packs (DESIGN §5).

Pure given a report and its rendered charts: no Flask, no database. The web, the CLI and the
scheduler call it through ``services.packs`` and ``services.reports``.
"""
