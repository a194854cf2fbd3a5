"""All database tables (SQLModel on SQLAlchemy), one module per capability; importing this
package registers every table (Alembic's env.py and `SQLModel.metadata` rely on it).

Times are stored in UTC. Telegram ids are 64-bit, hence BigInteger columns.
"""

from bot.models.announcements import (
    Announcement,
    AnnouncementStatus,
    Delivery,
    DeliveryAction,
    DeliveryStatus,
    Event,
    Rsvp,
)
from bot.models.approval import JoinNotice
from bot.models.base import UTCDateTime, member_fk, now_utc, utc_column
from bot.models.cluster import ClusterProcess, SchoolLease, WebhookUpdate
from bot.models.conversations import BuddyRequest, Conversation, ConversationStatus, InboxMessage
from bot.models.families import (
    Family,
    FamilyCode,
    Guardian,
    GuardianRole,
    JoinRequest,
    LinkStatus,
    LinkVia,
    Pupil,
)
from bot.models.meetings import MeetingBooking, MeetingPlan, MeetingSlot
from bot.models.polls import (
    Poll,
    PollAnswer,
    PollCount,
    PollParticipation,
    PollPending,
    PollResponse,
    PollStatus,
    PollWriting,
    SchoolFlow,
)
from bot.models.reviews import ReviewedTranslation, Reviewer, ReviewNotice, ReviewRequest
from bot.models.routines import (
    Absence,
    AbsenceReason,
    AbsenceSource,
    FormAnswer,
    PermissionForm,
    SchoolHoliday,
)
from bot.models.school import (
    ClassMembership,
    DashboardLogin,
    DashboardSession,
    Invite,
    Member,
    MemberStatus,
    Role,
    School,
    SchoolClass,
    TranslationCache,
)

__all__ = [
    "Absence",
    "AbsenceReason",
    "AbsenceSource",
    "Announcement",
    "AnnouncementStatus",
    "BuddyRequest",
    "ClassMembership",
    "ClusterProcess",
    "Conversation",
    "ConversationStatus",
    "DashboardLogin",
    "DashboardSession",
    "Delivery",
    "DeliveryAction",
    "DeliveryStatus",
    "Event",
    "Family",
    "FamilyCode",
    "FormAnswer",
    "Guardian",
    "GuardianRole",
    "InboxMessage",
    "Invite",
    "JoinNotice",
    "JoinRequest",
    "LinkStatus",
    "LinkVia",
    "MeetingBooking",
    "MeetingPlan",
    "MeetingSlot",
    "Member",
    "MemberStatus",
    "PermissionForm",
    "Poll",
    "PollAnswer",
    "PollCount",
    "PollParticipation",
    "PollPending",
    "PollResponse",
    "PollStatus",
    "PollWriting",
    "Pupil",
    "ReviewNotice",
    "ReviewRequest",
    "ReviewedTranslation",
    "Reviewer",
    "Role",
    "Rsvp",
    "School",
    "SchoolClass",
    "SchoolFlow",
    "SchoolHoliday",
    "SchoolLease",
    "TranslationCache",
    "UTCDateTime",
    "WebhookUpdate",
    "member_fk",
    "now_utc",
    "utc_column",
]
