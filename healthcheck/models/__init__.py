"""Typed SQLAlchemy 2 models, one module per aggregate."""

from healthcheck.models.action import ACTION_STATUSES, VISIBILITIES, Action
from healthcheck.models.alliance import (
    ALLIANCE_TYPES,
    CADENCE_MONTHS,
    MIN_K,
    PHASES,
    SEGMENTS,
    Alliance,
    Organisation,
)
from healthcheck.models.api_token import TOKEN_SCOPES, ApiToken
from healthcheck.models.audit import AuditEvent
from healthcheck.models.facts import FACT_KINDS, MILESTONE_STATUSES, BudgetLine, DeliveryKpi, Milestone
from healthcheck.models.followup import CHECKIN_SCORES, ActionCheckin
from healthcheck.models.identity import UserIdentity  # noqa: E402 - after User
from healthcheck.models.jobs import JobRun
from healthcheck.models.messages import OutgoingMail, Reminder
from healthcheck.models.note import NOTE_KINDS, Note
from healthcheck.models.panel_check import PanelCheckLink
from healthcheck.models.questionnaire import Dimension, Question, Questionnaire
from healthcheck.models.reliability import QuestionnaireReliability, ReliabilityPart
from healthcheck.models.response import (
    PROGRESS_WORDS,
    SIDES,
    Answer,
    DimensionComment,
    Invitation,
    InvitationToken,
    Prediction,
    Response,
    hash_token,
)
from healthcheck.models.review import PackVersion, Review, ReviewComment, Reviewer
from healthcheck.models.round import IllegalTransition, Round, RoundSummary, ShareLink
from healthcheck.models.user import MAX_CAPACITY_FTE, ROLE_WORDS, ROLES, User
from healthcheck.models.webhook import (  # noqa: E402,E501
    WEBHOOK_EVENTS,
    WEBHOOK_FORMATS,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)

__all__ = [
    "FACT_KINDS",
    "MILESTONE_STATUSES",
    "BudgetLine",
    "DeliveryKpi",
    "Milestone",
    "PanelCheckLink",
    "ACTION_STATUSES",
    "Action",
    "ActionCheckin",
    "CHECKIN_SCORES",
    "NOTE_KINDS",
    "Note",
    "VISIBILITIES",
    "ALLIANCE_TYPES",
    "Alliance",
    "ApiToken",
    "TOKEN_SCOPES",
    "Answer",
    "AuditEvent",
    "CADENCE_MONTHS",
    "Dimension",
    "DimensionComment",
    "IllegalTransition",
    "Invitation",
    "InvitationToken",
    "JobRun",
    "MIN_K",
    "Organisation",
    "PROGRESS_WORDS",
    "OutgoingMail",
    "PHASES",
    "Prediction",
    "Question",
    "Questionnaire",
    "MAX_CAPACITY_FTE",
    "ROLE_WORDS",
    "QuestionnaireReliability",
    "ReliabilityPart",
    "ROLES",
    "Reminder",
    "Response",
    "PackVersion",
    "Review",
    "ReviewComment",
    "Reviewer",
    "Round",
    "RoundSummary",
    "SEGMENTS",
    "SIDES",
    "ShareLink",
    "User",
    "hash_token",
    "UserIdentity",
    "WEBHOOK_EVENTS",
    "WEBHOOK_FORMATS",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
