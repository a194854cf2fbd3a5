"""The webhook's inbox: updates any process accepted, waiting in the database for their owner.

Telegram posts a school's updates to whichever process the load balancer picks; that process
stores the update (`store_update`) and only then answers 200. The primary key (school, update
id) makes a repeat a no-op: Telegram's retry, the same update at two processes, a restart. The
process that owns the school's bot reads its waiting rows (`waiting_updates`), hands them to the
bot and marks each one handled once the bot finished it (`mark_handled`): the payload, which is
personal, is emptied then (and its chat). The rows left (ids only) are deleted after a week, as
are rows never handled (`purge_handled`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.models import WebhookUpdate

# How many of a school's rows the owner takes from the inbox at once (in flight included).
PER_SCHOOL = 200


@dataclass(frozen=True)
class Waiting:
    """One update waiting for its school's bot: the update as Telegram posted it (JSON text)."""

    school_key: str
    update_id: int
    payload: str


def chat_of(update: Mapping[str, Any]) -> int | None:
    """The chat an update belongs to (a message's or a pressed button's), if any."""
    for kind in ("message", "edited_message", "channel_post", "callback_query"):
        part = update.get(kind)
        if not isinstance(part, dict):
            continue
        chat = part.get("chat") if kind != "callback_query" else part.get("message", {})
        if kind == "callback_query" and isinstance(chat, dict):
            chat = chat.get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
    return None


async def store_update(
    session: AsyncSession,
    *,
    school_key: str,
    update: Mapping[str, Any],
    now: datetime,
) -> bool:
    """Store an update Telegram posted (committed); False when it was stored before (a repeat).

    `update` is the decoded JSON; its `update_id` must be a whole number."""
    return bool(await store_updates(session, updates=[(school_key, update)], now=now))


async def store_updates(
    session: AsyncSession, *, updates: Sequence[tuple[str, Mapping[str, Any]]], now: datetime
) -> set[tuple[str, int]]:
    """Store several posted updates (school key, decoded JSON) in one statement (committed);
    the (school key, update id) of those that were new (repeats are left as they were)."""
    values: dict[tuple[str, int], dict[str, Any]] = {}
    for school_key, posted in updates:
        update_id = posted["update_id"]
        values.setdefault((school_key, update_id), {
            "school_key": school_key,
            "update_id": update_id,
            "chat_id": chat_of(posted),
            "payload": json.dumps(posted, ensure_ascii=False, separators=(",", ":")),
            "received_at": now,
            "handled_at": None,
        })  # fmt: skip
    if not values:
        return set()
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(WebhookUpdate)
        .on_conflict_do_nothing()
        .returning(col(WebhookUpdate.school_key), col(WebhookUpdate.update_id))
    )  # one cached statement; SQLAlchemy sends the rows together ("insertmanyvalues")
    connection = await session.connection()
    result = await connection.execute(statement, list(values.values()))
    new = {(str(key), int(uid)) for key, uid in result.all()}
    await session.commit()
    return new


async def waiting_updates(
    session: AsyncSession,
    *,
    school_keys: Collection[str],
    skip: Mapping[str, Collection[int]] | None = None,
    per_school: int = PER_SCHOOL,
) -> list[Waiting]:
    """The updates not handled yet of these schools, each school's in update id order.

    Of each school only its `per_school` oldest waiting rows are looked at, and those in `skip`
    (already handed to the bot, not finished yet) are left out: a bot never has more than
    `per_school` updates of the inbox at once. One query for all schools (two when any is new)."""
    if not school_keys:
        return []
    skip = skip or {}
    number = (
        func.row_number()
        .over(partition_by=col(WebhookUpdate.school_key), order_by=col(WebhookUpdate.update_id))
        .label("n")
    )
    oldest = (
        select(col(WebhookUpdate.school_key), col(WebhookUpdate.update_id), number)
        .where(
            col(WebhookUpdate.school_key).in_(sorted(school_keys)),
            col(WebhookUpdate.handled_at).is_(None),
        )
        .subquery()
    )
    ids = (
        await session.exec(  # type: ignore[call-overload]
            select(oldest.c.school_key, oldest.c.update_id).where(oldest.c.n <= per_school)
        )
    ).all()
    new = [(key, uid) for key, uid in ids if uid not in skip.get(key, ())]
    if not new:
        return []
    by_school: dict[str, list[int]] = {}
    for key, uid in new:
        by_school.setdefault(key, []).append(uid)
    wanted = or_(
        *(
            and_(col(WebhookUpdate.school_key) == key, col(WebhookUpdate.update_id).in_(uids))
            for key, uids in by_school.items()
        )
    )
    rows = (
        await session.exec(  # type: ignore[call-overload]
            select(
                col(WebhookUpdate.school_key),
                col(WebhookUpdate.update_id),
                col(WebhookUpdate.payload),
            )
            .where(wanted, col(WebhookUpdate.payload).is_not(None))
            .order_by(col(WebhookUpdate.school_key), col(WebhookUpdate.update_id))
        )
    ).all()
    return [Waiting(key, uid, payload) for key, uid, payload in rows]


async def mark_handled(
    session: AsyncSession, *, school_key: str, update_ids: Collection[int], now: datetime
) -> int:
    """The bot finished these updates: their rows keep the ids only, the update and its chat
    emptied (committed); how many."""
    if not update_ids:
        return 0
    result = await session.exec(  # type: ignore[call-overload]
        update(WebhookUpdate)
        .where(
            col(WebhookUpdate.school_key) == school_key,
            col(WebhookUpdate.update_id).in_(sorted(update_ids)),
            col(WebhookUpdate.handled_at).is_(None),
        )
        .values(handled_at=now, payload=None, chat_id=None)
    )
    await session.commit()
    return int(result.rowcount)


async def purge_handled(session: AsyncSession, *, before: datetime) -> int:
    """Delete the rows of updates handled before `before`, and of updates received before it
    and never handled (their school's bot no longer runs anywhere) (committed); how many."""
    result = await session.exec(  # type: ignore[call-overload]
        delete(WebhookUpdate).where(
            or_(
                col(WebhookUpdate.handled_at) < before,
                and_(
                    col(WebhookUpdate.handled_at).is_(None),
                    col(WebhookUpdate.received_at) < before,
                ),
            )
        )
    )
    await session.commit()
    return int(result.rowcount)
