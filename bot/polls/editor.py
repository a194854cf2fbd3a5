"""A school's own polls: a shipped flow duplicated and adapted by a coordinator.

The copy is kept as the data of a flow file (JSON) in `SchoolFlow.definition`; every change is
made on that data and checked by the same validator as the files in `flows/` before it is saved.
Texts are typed in Dutch and machine-translated offline into every UI language (Dutch where no
model exists). A copy that was launched is frozen: it can be duplicated, not edited or deleted.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.limits import MAX_ROW_ID, whole_number
from bot.models import Poll, PollStatus, SchoolFlow
from bot.polls.flow_edits import EditError, Raw
from bot.polls.flows import Flow, FlowError, dump, parse_flow, to_raw
from bot.translation import EngineError, Translator
from bot.translation.status import OWN, plan

log = logging.getLogger(__name__)

OWN_PREFIX = "own-"
# What fits: a question in a chat message, an answer on a phone-wide button (translations run
# longer than Dutch), a title in the /polls list, the thank-you line under the last question.
LIMITS = {"question": 200, "option": 40, "title": 60, "outcome": 300}


@dataclass(frozen=True)
class Own:
    """A school's own poll as the editor shows it: the row, its whole data, the flow it makes."""

    row: SchoolFlow
    raw: Raw
    flow: Flow

    @property
    def id(self) -> int:
        """The row id (in button data)."""
        return self.row.id or 0


def own_flow_id(own_id: int) -> str:
    """The flow id of a school's own poll (as stored with the polls launched from it)."""
    return f"{OWN_PREFIX}{own_id}"


def own_id_of(flow_id: str) -> int | None:
    """The SchoolFlow id behind a flow id, if it is a school's own poll."""
    return (
        whole_number(flow_id.removeprefix(OWN_PREFIX), high=MAX_ROW_ID)
        if flow_id.startswith(OWN_PREFIX)
        else None
    )


def build(raw: Raw, *, languages: Sequence[str]) -> Flow:
    """The flow parents get: the questions kept, validated like a flow file."""
    kept = [q for q in raw.get("questions", []) if not q.get("left_out")]
    return parse_flow({**raw, "questions": kept}, source="own poll", languages=list(languages))


def clean(text: str, *, kind: str) -> str:
    """Typed text on one line, within its limit; EditError says what is wrong."""
    cleaned = " ".join(text.split())
    if not any(c.isalnum() for c in cleaned):
        raise EditError("poll.edit_empty")
    if len(cleaned) > LIMITS[kind]:
        raise EditError(
            "poll.edit_too_long", length=len(cleaned), limit=LIMITS[kind], count=len(cleaned)
        )  # count: the plural form
    return cleaned


def split_emoji(text: str) -> tuple[str | None, str]:
    """A leading emoji (a first word without letters or digits) and the rest."""
    first, _, rest = text.strip().partition(" ")
    if first and rest.strip() and len(first) <= 8 and not any(c.isalnum() for c in first):
        return first, rest.strip()
    return None, text.strip()


async def translations(
    translator: Translator | None, text: str, *, source: str, languages: Sequence[str]
) -> tuple[dict[str, str], list[str]]:
    """`text` in every language, and the languages that get the original (no model, or failed)."""

    async def one(lang: str) -> tuple[str, bool]:
        if lang == source:
            return text, False
        if translator is None or not translator.can_translate(source, lang):
            return text, True
        try:
            return (await translator.translate(text, source=source, target=lang)).text, False
        except EngineError:
            log.warning("own poll text %s>%s: translation failed", source, lang, exc_info=True)
            return text, True

    done = await asyncio.gather(*(one(lang) for lang in languages))
    texts = {lang: found for lang, (found, _) in zip(languages, done, strict=True)}
    return texts, [lang for lang, (_, original) in zip(languages, done, strict=True) if original]


def untranslated(
    translator: Translator | None, *, source: str, languages: Sequence[str]
) -> list[str]:
    """The languages that would get typed text in the original language (the one translation
    status mechanism, bot/translation/status.py, says so)."""
    return [lang for lang in languages if plan(translator, source=source, own=lang).via != OWN]


async def get_own(
    session: AsyncSession, *, school_id: int, own_id: int, languages: Sequence[str]
) -> Own:
    """A school's own poll; EditError("poll.edit_gone") once it was deleted."""
    row = await session.get(SchoolFlow, own_id)
    if row is None or row.school_id != school_id:
        raise EditError("poll.edit_gone")
    raw = json.loads(row.definition)
    try:
        return Own(row, raw, build(raw, languages=languages))
    except FlowError as err:  # e.g. a UI language added since: the copy needs its texts again
        log.error("own poll %s no longer passes the validator: %s", own_id, err)
        raise EditError("poll.edit_invalid") from err


async def own_polls(session: AsyncSession, *, school_id: int) -> list[SchoolFlow]:
    """The school's own polls, oldest first."""
    rows = await session.exec(
        select(SchoolFlow).where(SchoolFlow.school_id == school_id).order_by(col(SchoolFlow.id))
    )
    return list(rows)


async def create(
    session: AsyncSession, *, school_id: int, raw: Raw, base: str, author_id: int | None,
    languages: Sequence[str], now: datetime,
) -> Own:  # fmt: skip
    """A new own poll from a flow's data (a shipped flow, or a copy of an own one)."""
    data = copy.deepcopy(raw)
    build(data, languages=languages)
    row = SchoolFlow(
        school_id=school_id, base=base, definition="{}", created_by=author_id, created_at=now,
        updated_at=now,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    data["id"] = own_flow_id(row.id or 0)
    row.definition = json.dumps(data, ensure_ascii=False)
    await session.commit()
    await session.refresh(row)
    return Own(row, data, build(data, languages=languages))


async def adapt(
    session: AsyncSession, *, school_id: int, flow: Flow, author_id: int | None,
    languages: Sequence[str], now: datetime,
) -> Own:  # fmt: skip
    """The school's own copy of a shipped flow."""
    return await create(
        session, school_id=school_id, raw=to_raw(flow), base=flow.id, author_id=author_id,
        languages=languages, now=now,
    )  # fmt: skip


async def duplicate(
    session: AsyncSession, *, school_id: int, own_id: int, author_id: int | None,
    languages: Sequence[str], now: datetime,
) -> Own:  # fmt: skip
    """A new, editable copy of an own poll (launched or not)."""
    own = await get_own(session, school_id=school_id, own_id=own_id, languages=languages)
    return await create(
        session, school_id=school_id, raw=own.raw, base=own.row.base, author_id=author_id,
        languages=languages, now=now,
    )  # fmt: skip


async def change(
    session: AsyncSession, *, school_id: int, own_id: int, edit: Callable[[Raw], None],
    languages: Sequence[str], now: datetime,
) -> Own:  # fmt: skip
    """Apply `edit` to the data of an own poll not launched yet, validate, save."""
    own = await get_own(session, school_id=school_id, own_id=own_id, languages=languages)
    if own.row.launched:
        raise EditError("poll.edit_locked")
    raw = copy.deepcopy(own.raw)
    edit(raw)
    try:
        flow = build(raw, languages=languages)
    except FlowError as err:
        log.warning("own poll %s: change refused by the validator: %s", own_id, err)
        raise EditError("poll.edit_invalid") from err
    own.row.definition = json.dumps(raw, ensure_ascii=False)
    own.row.updated_at = now
    session.add(own.row)
    await session.exec(  # drafts not launched yet follow; launched polls keep what they asked
        update(Poll)
        .where(col(Poll.flow_id) == own_flow_id(own_id), col(Poll.status) == PollStatus.DRAFT)
        .values(definition=dump(flow))
    )  # type: ignore[call-overload]
    await session.commit()
    return Own(own.row, raw, flow)


async def delete(session: AsyncSession, *, school_id: int, own_id: int) -> None:
    """Delete an own poll never launched (its drafts are cancelled with it)."""
    row = await session.get(SchoolFlow, own_id)
    if row is None or row.school_id != school_id:
        raise EditError("poll.edit_gone")
    if row.launched:
        raise EditError("poll.edit_locked")
    await session.exec(  # type: ignore[call-overload]
        update(Poll)
        .where(col(Poll.flow_id) == own_flow_id(own_id), col(Poll.status) == PollStatus.DRAFT)
        .values(status=PollStatus.CANCELLED)
    )
    await session.delete(row)
    await session.commit()


async def mark_launched(session: AsyncSession, *, school_id: int, flow_id: str) -> None:
    """A poll was launched from an own poll: from now on that one stays as it is."""
    own_id = own_id_of(flow_id)
    if own_id is None:
        return
    await session.exec(  # type: ignore[call-overload]
        update(SchoolFlow)
        .where(col(SchoolFlow.id) == own_id, col(SchoolFlow.school_id) == school_id)
        .values(launched=True)
    )
    await session.commit()
