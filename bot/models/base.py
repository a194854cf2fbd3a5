"""Column types and helpers shared by every table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    """A UTC timestamp column."""
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def member_fk(*, nullable: bool, ondelete: str) -> Any:
    """A foreign key to member.id."""
    return Field(
        default=None if nullable else ...,
        sa_column=Column(
            Integer, ForeignKey("member.id", ondelete=ondelete), nullable=nullable, index=True
        ),
    )


def now_utc() -> datetime:
    """Current UTC time (use the injected clock in services; this is for defaults)."""
    return datetime.now(UTC)
