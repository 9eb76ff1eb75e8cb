"""Operator endpoints."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from healthcheck.extensions import db

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise (for load balancers and monitors)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database=type(exc).__name__), 503
    return jsonify(status="ok", database="ok")
