"""The ceiling: a minimal Flask endpoint served by the same gunicorn configuration."""

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/form")
def form():
    return '<input name="csrf_token" value="x">'


@app.post("/submit")
def submit():
    return "", 303, {"Location": "/thanks"}
