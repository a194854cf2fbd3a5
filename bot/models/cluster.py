"""City scale (issue 20): the processes of one installation, which of them owns which school's
bot (a lease), and the webhook updates any process accepted for the owner to handle.

Nothing here is personal except `WebhookUpdate.payload` (a Telegram update as JSON): it is
emptied as soon as the update has been handled, and the rows (ids only) are deleted after a week.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from bot.models.base import utc_column


class ClusterProcess(SQLModel, table=True):
    """One running `ouderbrug run` process: it says it is alive every tick (`seen_at`)."""

    __tablename__ = "cluster_process"

    id: str = Field(primary_key=True, max_length=100)  # host:pid:random, new at every start
    address: str | None = Field(default=None, max_length=200)  # its own web address, if any
    started_at: datetime = utc_column()
    seen_at: datetime = utc_column(index=True)
    stopping: bool = Field(default=False)  # leaving: it takes no more schools


class SchoolLease(SQLModel, table=True):
    """Which process owns a school's bot until `expires_at` (renewed every tick by the owner).

    `epoch` grows at every new owner: a fencing token (an owner that lost the lease cannot renew
    it, because the epoch it knows is no longer there)."""

    __tablename__ = "school_lease"

    school_key: str = Field(primary_key=True, max_length=32)
    owner: str | None = Field(default=None, max_length=100, index=True)
    epoch: int = Field(default=0)
    expires_at: datetime | None = utc_column(nullable=True)
    acquired_at: datetime | None = utc_column(nullable=True)


class WebhookUpdate(SQLModel, table=True):
    """An update Telegram posted to any process, stored before the 200; handled by the owner.

    The primary key (school, update id) is what makes a repeat (Telegram's retry, the same update
    at two processes, a restart) a no-op."""

    __tablename__ = "webhook_update"
    __table_args__ = (Index("ix_webhook_update_waiting", "school_key", "handled_at", "update_id"),)

    school_key: str = Field(primary_key=True, max_length=32)
    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    payload: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = utc_column()
    handled_at: datetime | None = utc_column(nullable=True)
