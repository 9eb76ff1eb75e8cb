"""Audit trail of sensitive operations."""

from healthcheck.extensions import db
from healthcheck.models import AuditEvent


def record(action: str, actor=None, obj=None, **detail) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail=detail,
    )
    db.session.add(event)
    return event
