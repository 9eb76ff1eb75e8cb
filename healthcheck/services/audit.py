"""Audit trail of sensitive operations."""

from sqlalchemy import func, select

from healthcheck.extensions import db
from healthcheck.models import AuditEvent, User


def event(action: str, actor=None, obj=None, **detail) -> AuditEvent:
    """The audit row of ``action``, not yet added to the session."""
    return AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail=detail,
    )


def record(action: str, actor=None, obj=None, **detail) -> AuditEvent:
    recorded = event(action, actor, obj, **detail)
    db.session.add(recorded)
    return recorded


def query(
    action: str | None = None, actor_email: str | None = None, since=None, until=None, limit: int = 200
) -> list[tuple[AuditEvent, str | None]]:
    """Newest first: (event, actor email), filtered."""
    stmt = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if actor_email:
        stmt = stmt.where(func.lower(User.email) == actor_email.strip().lower())
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if until:
        stmt = stmt.where(AuditEvent.at < until)
    return list(db.session.execute(stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))


def actions() -> list[str]:
    from sqlalchemy import select

    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
