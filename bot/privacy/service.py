"""Erasing people and old conversations: every row and cached translation derived from them.

`/forget` (bot/privacy/handlers.py) and the retention job (bot/conversations/jobs.py) both end
here. A text that is deleted takes its cached translations with it (found by the hash of the
source text, bot/translation/service.py), and on SQLite the WAL is then checkpointed and truncated,
so that the deleted words are in neither file (the connections run with `secure_delete`, which
overwrites deleted content with zeros: bot/core/db.py).

What stays, on purpose (docs/privacy.md, "/forget and retention"): a staff member's sent
announcements, polls and answers to parents (the school's messages; they no longer name them or
hold their chat), anonymous poll answers and the keyed participation record (no personal data
without the server secret), and invitations' counts already shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.db import checkpoint
from bot.dashboard.auth import delete_sessions
from bot.models import (
    Absence,
    Announcement,
    AnnouncementStatus,
    Conversation,
    InboxMessage,
    Member,
    Poll,
    PollWriting,
    School,
    TranslationCache,
)
from bot.polls.writing import writing_key
from bot.translation.service import source_hash

CHUNK = 500  # hashes per DELETE ... IN (...)


@dataclass(frozen=True)
class Erased:
    """What went: rows per table, and the hashes of the texts whose translations went with them."""

    rows: dict[str, int]
    sources: frozenset[str]
    wal_truncated: bool

    def count(self, table: str) -> int:
        """Rows deleted from one table."""
        return self.rows.get(table, 0)


async def forget_member(session: AsyncSession, *, member_id: int, secret: bytes) -> Erased:
    """Erase a member: their rows, their words and what was made of them, their chat id.

    A parent's conversations go with the team's answers in them. A staff member's unsent drafts
    go; what they sent stays with the school without their name: their answers lose their name
    (in the stored copy the parent received: the school's), announcements and polls their author
    and chat. `secret` (the poll secret) finds their awaited poll words, if any (keyed row).
    """
    member = await session.get(Member, member_id)
    if member is None:
        return Erased({}, frozenset(), wal_truncated=False)
    rows = {"dashboard_session": await delete_sessions(session, member_id=member_id)}  # at once
    texts = await _conversation_texts(session, member_id=member_id)
    texts += await _staff_texts(session, member=member)
    texts += await _absence_words(session, member_id=member_id)
    rows["announcement"] = await _rowcount(
        session,
        delete(Announcement).where(
            col(Announcement.author_id) == member_id,
            col(Announcement.status) == AnnouncementStatus.DRAFT,
        ),
    )
    rows["inbox_message"] = await _rowcount(
        session, delete(InboxMessage).where(col(InboxMessage.member_id) == member_id)
    )
    rows["conversation"] = await _rowcount(
        session, delete(Conversation).where(col(Conversation.member_id) == member_id)
    )
    await session.exec(
        update(Announcement)
        .where(col(Announcement.author_id) == member_id)
        .values(author_chat_id=None, report_message_id=None)  # the report lived in their chat
    )
    await session.exec(
        update(Poll).where(col(Poll.author_id) == member_id).values(author_chat_id=None)
    )
    for table, column, cascade in _member_references():
        if cascade:
            statement = delete(table).where(table.c[column] == member_id)
            rows[table.name] = rows.get(table.name, 0) + await _rowcount(session, statement)
        else:
            await session.exec(
                update(table).where(table.c[column] == member_id).values({column: None})
            )
    key = writing_key(secret, chat_id=member.chat_id, member_id=member_id)
    rows["poll_writing"] = await _rowcount(
        session, delete(PollWriting).where(col(PollWriting.key) == key)
    )
    rows["member"] = await _rowcount(session, delete(Member).where(col(Member.id) == member_id))
    sources, rows["translation_cache"] = await _delete_translations(session, texts=texts)
    await session.commit()
    return Erased(rows, sources, wal_truncated=await _checkpoint(session))


async def purge_conversations(session: AsyncSession, *, school_id: int, before: datetime) -> Erased:
    """Retention: conversations last active before `before`, their messages (the parent's and the
    team's answers, voice notes and file ids) and every cached translation of those texts."""
    old = select(Conversation.id).where(
        Conversation.school_id == school_id, col(Conversation.updated_at) < before
    )
    found = await session.exec(
        select(
            InboxMessage.text,
            InboxMessage.text_nl,
            InboxMessage.text_parent,
            InboxMessage.transcript,
        ).where(col(InboxMessage.conversation_id).in_(old))
    )
    texts = [t for row in found for t in row]
    rows = {
        "inbox_message": await _rowcount(
            session, delete(InboxMessage).where(col(InboxMessage.conversation_id).in_(old))
        ),
        "conversation": await _rowcount(
            session,
            delete(Conversation).where(
                col(Conversation.school_id) == school_id, col(Conversation.updated_at) < before
            ),
        ),
    }
    sources, rows["translation_cache"] = await _delete_translations(session, texts=texts)
    await session.commit()
    return Erased(rows, sources, wal_truncated=await _checkpoint(session))


async def _conversation_texts(session: AsyncSession, *, member_id: int) -> list[str | None]:
    """Every text of a parent's conversations: their words, the Dutch made of them, the answers."""
    found = await session.exec(
        select(
            InboxMessage.text,
            InboxMessage.text_nl,
            InboxMessage.text_parent,
            InboxMessage.transcript,
        ).where(col(InboxMessage.member_id) == member_id)
    )
    return [t for row in found for t in row]


async def _absence_words(session: AsyncSession, *, member_id: int) -> list[str | None]:
    """A guardian's own words in the absence notes they wrote (and the Dutch made of them, a voice
    note's file) go; the note itself (child, days, reason) is the school's record and stays."""
    notes = list(await session.exec(select(Absence).where(col(Absence.reported_by) == member_id)))
    texts: list[str | None] = [t for note in notes for t in (note.note, note.note_nl)]
    for note in notes:
        note.note, note.note_nl, note.note_language, note.voice_file_id = "", None, None, None
        session.add(note)
    await session.flush()
    return texts


async def _staff_texts(session: AsyncSession, *, member: Member) -> list[str | None]:
    """A staff member's answers to parents and unsent drafts: the texts whose cached translations
    go. In the stored copy of an answer as the parent got it, the school's name replaces theirs."""
    answers = list(
        await session.exec(select(InboxMessage).where(col(InboxMessage.author_id) == member.id))
    )
    texts: list[str | None] = [t for a in answers for t in (a.text, a.text_parent)]
    school = await session.get(School, member.school_id)
    for answer in answers:
        if member.first_name and answer.text_parent:
            instead = school.name if school is not None else ""
            answer.text_parent = answer.text_parent.replace(member.first_name, instead)
            session.add(answer)
    drafts = await session.exec(
        select(Announcement.text).where(
            col(Announcement.author_id) == member.id,
            col(Announcement.status) == AnnouncementStatus.DRAFT,
        )
    )
    return texts + list(drafts)


async def _delete_translations(
    session: AsyncSession, *, texts: Iterable[str | None]
) -> tuple[frozenset[str], int]:
    """Delete the cached translations of these texts (into any language); their hashes, and rows."""
    hashes = frozenset(source_hash(t) for t in texts if t)
    ordered, deleted = sorted(hashes), 0
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        statement = delete(TranslationCache).where(col(TranslationCache.source_hash).in_(chunk))
        deleted += await _rowcount(session, statement)
    return hashes, deleted


def _member_references() -> list[tuple[Table, str, bool]]:
    """Every column pointing at member.id: (table, column, rows deleted rather than set NULL)."""
    found: list[tuple[Table, str, bool]] = []
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "member" and table.name != "member":
                found.append((table, fk.parent.name, fk.ondelete != "SET NULL"))
    return found


async def _rowcount(session: AsyncSession, statement: object) -> int:
    result = await session.exec(statement)  # type: ignore[call-overload]
    return int(result.rowcount or 0)


async def _checkpoint(session: AsyncSession) -> bool:
    """On SQLite, the WAL copied into the file and emptied (see bot/core/db.py)."""
    bind = session.bind
    engine = bind if isinstance(bind, AsyncEngine) else getattr(bind, "engine", None)
    return await checkpoint(engine) if isinstance(engine, AsyncEngine) else False
