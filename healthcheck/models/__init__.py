"""Typed SQLAlchemy 2 models, one module per aggregate."""

from healthcheck.models.alliance import (
    ALLIANCE_TYPES,
    CADENCE_MONTHS,
    MIN_K,
    PHASES,
    SEGMENTS,
    Alliance,
    Organisation,
)
from healthcheck.models.audit import AuditEvent
from healthcheck.models.jobs import JobRun, OutgoingMail, Reminder
from healthcheck.models.questionnaire import Dimension, Question, Questionnaire
from healthcheck.models.response import (
    SIDES,
    Answer,
    DimensionComment,
    Invitation,
    InvitationToken,
    Response,
    hash_token,
)
from healthcheck.models.round import IllegalTransition, Round, RoundSummary, ShareLink
from healthcheck.models.user import ROLES, User

__all__ = [
    "ALLIANCE_TYPES",
    "CADENCE_MONTHS",
    "MIN_K",
    "PHASES",
    "ROLES",
    "SEGMENTS",
    "SIDES",
    "Alliance",
    "Answer",
    "AuditEvent",
    "Dimension",
    "DimensionComment",
    "IllegalTransition",
    "Invitation",
    "Organisation",
    "Question",
    "Questionnaire",
    "Response",
    "Round",
    "RoundSummary",
    "ShareLink",
    "User",
    "hash_token",
]
