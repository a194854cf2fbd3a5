"""Polls, the school's own flows, and the anonymous rows: participation, responses, answers, counts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlmodel import Field, SQLModel

from bot.models.base import member_fk, utc_column


class PollStatus(StrEnum):
    """Where a poll is in its life."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Poll(SQLModel, table=True):
    """A poll from a flow file, sent to the parents of some classes until a closing time."""

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    flow_id: str = Field(max_length=32)
    author_id: int | None = member_fk(nullable=True, ondelete="SET NULL")
    author_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    class_ids: str = Field(default="", max_length=1000)  # comma-separated
    status: str = Field(default=PollStatus.DRAFT, max_length=16, index=True)
    invited: int = Field(default=0)  # parents the poll was sent to
    invite_at: datetime | None = utc_column(nullable=True)  # set while invitations wait
    reminders_sent: int = Field(default=0)
    reminded_at: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()
    opened_at: datetime | None = utc_column(nullable=True)
    closes_at: datetime = utc_column(index=True)
    # A thank-you poll after a meeting goes to those who said they would come, not to classes.
    event_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=True, unique=True
        ),
    )
    # The flow as it was when the draft was made (JSON, the shape of a flows/ file), frozen with the
    # poll so that answers keep meaning what was asked; None for polls older than this column.
    definition: str | None = Field(default=None)
    # Counted at launch (bot/polls/coarsen.py): the guardians invited, the batch size k (the
    # school's smallest group then), and which classes and (class, language) pairs may be stored
    # with a response because at least k invited guardians share them (JSON); None before launch.
    audience_at_launch: int = Field(default=0)
    batch: int = Field(default=5)
    shown: str | None = Field(default=None)


class SchoolFlow(SQLModel, table=True):
    """A school's own poll: a shipped flow duplicated and adapted by a coordinator in the bot.

    `definition` holds the flow as validated data (JSON, the shape of a flows/ file; questions
    left out carry `left_out: true`). Once launched it is no longer edited or deleted: the
    coordinator makes a copy instead.
    """

    __tablename__ = "school_flow"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    base: str = Field(max_length=32)  # the shipped flow it started from
    definition: str
    launched: bool = Field(default=False)
    created_by: int | None = member_fk(nullable=True, ondelete="SET NULL")
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()


# The three tables below are what makes polls anonymous. Their primary keys are random (uuid4 or
# an HMAC), and on SQLite they are WITHOUT ROWID tables, so rows are kept in key order, not in the
# order people answered. No user, chat or message id, no time finer than a day.


class PollParticipation(SQLModel, table=True):
    """That someone took part in a poll, and how far they got; holds no answer.

    `key` is HMAC(server secret, poll id + Telegram user id): it prevents answering twice and
    finds who has not answered yet (for reminders), but cannot be reversed without the secret,
    which is never stored in the database.
    """

    __tablename__ = "poll_participation"
    __table_args__ = {"sqlite_with_rowid": False}

    key: str = Field(primary_key=True, max_length=64)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    progress: int = Field(default=0)  # the next question to show
    done: bool = Field(default=False)


class PollResponse(SQLModel, table=True):
    """One anonymous respondent: a random id, the class (when only one applies) and the day."""

    __tablename__ = "poll_response"
    # (poll, class) holds the id too: the tally's respondents per class from the index alone.
    __table_args__ = (
        Index("ix_poll_response_poll_id_class_id", "poll_id", "class_id"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(primary_key=True, max_length=32)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    class_id: int | None = Field(default=None)
    day: date


class PollAnswer(SQLModel, table=True):
    """One chosen option, or one free-text answer (with its Dutch translation)."""

    __tablename__ = "poll_answer"
    # Free-text answers (option_id NULL) found without reading every answer of the poll.
    __table_args__ = (
        Index("ix_poll_answer_poll_id_option_id", "poll_id", "option_id"),
        {"sqlite_with_rowid": False},
    )

    id: str = Field(primary_key=True, max_length=32)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    response_id: str = Field(
        sa_column=Column(
            String(32),
            ForeignKey("poll_response.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    question_id: str = Field(max_length=32)
    option_id: str | None = Field(default=None, max_length=32)  # None: a free-text answer
    text: str | None = Field(default=None)
    language: str | None = Field(default=None, max_length=8)
    text_nl: str | None = Field(default=None)


class PollPending(SQLModel, table=True):
    """An answer held back until k respondents are complete (bot/polls/batches.py).

    No member, chat or time: the pending respondent's random id, the (coarsened) class and the
    answer. `ready` once that respondent finished; ready respondents move to `poll_response` and
    `poll_answer` together, in random order under new ids, k or more at a time (all at closing).
    """

    __tablename__ = "poll_pending"
    __table_args__ = {"sqlite_with_rowid": False}

    id: str = Field(primary_key=True, max_length=32)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    response_id: str = Field(max_length=32, index=True)
    class_id: int | None = Field(default=None)
    question_id: str = Field(max_length=32)
    option_id: str | None = Field(default=None, max_length=32)
    text: str | None = Field(default=None)
    language: str | None = Field(default=None, max_length=8)
    text_nl: str | None = Field(default=None)
    ready: bool = Field(default=False)


class PollCount(SQLModel, table=True):
    """How many answers one option got in one class (kept as answers are stored: bot/polls/counts.py).

    Only sums: no order, time or respondent. class_id 0: the respondent had no single class;
    option_id "": a free-text answer; option_id "*": respondents who answered the question.
    Thresholds apply when the counts are shown, as for the answers themselves.
    """

    __tablename__ = "poll_count"

    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    class_id: int = Field(default=0, primary_key=True)
    question_id: str = Field(primary_key=True, max_length=32)
    option_id: str = Field(primary_key=True, max_length=32)
    n: int = Field(default=0)


class PollWriting(SQLModel, table=True):
    """A parent pressed "Something else" and their own words are awaited (bot/polls/writing.py).

    Kept in the database so that a restart loses neither the question nor the answer, and the
    words never reach the team's (named) inbox. `key` is HMAC(server secret, chat + member):
    without the secret it says nothing about who is writing. No member, chat, message id or
    time finer than a day; the row goes when the words arrive, on Skip or Stop, and after
    `expires` (the day after the poll closes).
    """

    __tablename__ = "poll_writing"
    __table_args__ = {"sqlite_with_rowid": False}

    key: str = Field(primary_key=True, max_length=64)
    poll_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("poll.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    question: int = Field(default=0)  # the index of the question in the poll's flow
    chosen: str = Field(default="", max_length=1000)  # options ticked before, comma-separated
    expires: date
