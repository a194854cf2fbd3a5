"""Where a join request was shown to the class's teachers, so that the first decision can update
every teacher's copy ("approved by Lies") and stale presses get a clear answer."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel


class JoinNotice(SQLModel, table=True):
    """One teacher's message about one join request (deleted with the request)."""

    __tablename__ = "join_notice"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("join_request.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int = Field(sa_column=Column(Integer, nullable=False))
