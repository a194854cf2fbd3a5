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
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.flows import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    MIN_QUESTIONS,
    Flow,
    FlowError,
    dump,
    parse_flow,
    to_raw,
)
from bot.models import Poll, PollStatus, SchoolFlow
from bot.translation import EngineError, Translator

log = logging.getLogger(__name__)

OWN_PREFIX = "own-"
DEFAULT_EMOJI = "🔹"
# What fits: a question in a chat message, an answer on a phone-wide button (translations run
# longer than Dutch), a title in the /polls list, the thank-you line under the last question.
LIMITS = {"question": 200, "option": 40, "title": 60, "outcome": 300}
Raw = dict[str, Any]


class EditError(Exception):
    """A change that cannot be made; `key` names the message for the coordinator."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


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
    rest = flow_id.removeprefix(OWN_PREFIX)
    return int(rest) if flow_id.startswith(OWN_PREFIX) and rest.isdigit() else None


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
        raise EditError("poll.edit_too_long", length=len(cleaned), limit=LIMITS[kind])
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
    """The languages that would get typed text in the original language."""
    return [
        lang
        for lang in languages
        if lang != source and (translator is None or not translator.can_translate(source, lang))
    ]


async def get_own(
    session: AsyncSession, *, school_id: int, own_id: int, languages: Sequence[str]
) -> Own:
    """A school's own poll; EditError("poll.edit_gone") once it was deleted."""
    row = await session.get(SchoolFlow, own_id)
    if row is None or row.school_id != school_id:
        raise EditError("poll.edit_gone")
    raw = json.loads(row.definition)
    return Own(row, raw, build(raw, languages=languages))


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


# Edits on the data (each raises EditError for a change the rules do not allow).


def question(raw: Raw, question_id: str) -> Raw:
    """A question's data (EditError("error.stale_button") if it is not there)."""
    found = next((q for q in raw["questions"] if q["id"] == question_id), None)
    if found is None:
        raise EditError("error.stale_button")
    return found


def option(raw: Raw, question_id: str, option_id: str) -> Raw:
    """An option's data."""
    found = next((o for o in question(raw, question_id)["options"] if o["id"] == option_id), None)
    if found is None:
        raise EditError("error.stale_button")
    return found


def toggle_question(raw: Raw, question_id: str) -> None:
    """Keep a question left out, or leave a kept one out (at least one stays)."""
    found = question(raw, question_id)
    kept = [q for q in raw["questions"] if not q.get("left_out")]
    if not found.get("left_out") and len(kept) <= MIN_QUESTIONS:
        raise EditError("poll.edit_min_questions")
    found["left_out"] = not found.get("left_out")


def remove_option(raw: Raw, question_id: str, option_id: str) -> None:
    """Leave an option out."""
    found = question(raw, question_id)
    option(raw, question_id, option_id)
    if len(found["options"]) <= MIN_OPTIONS:
        raise EditError("poll.edit_min_options", min=MIN_OPTIONS)
    found["options"] = [o for o in found["options"] if o["id"] != option_id]


def add_option(raw: Raw, question_id: str, text: dict[str, str], emoji: str | None) -> None:
    """A new option at the end, with a fresh short id."""
    found = question(raw, question_id)
    check_room(raw, question_id)
    ids = {o["id"] for o in found["options"]}
    new_id = next(f"n{n}" for n in range(1, MAX_OPTIONS + 2) if f"n{n}" not in ids)
    found["options"].append({"id": new_id, "emoji": emoji or DEFAULT_EMOJI, "text": text})


def check_room(raw: Raw, question_id: str) -> None:
    """EditError when a question already has as many options as fit on a keyboard."""
    if len(question(raw, question_id)["options"]) >= MAX_OPTIONS:
        raise EditError("poll.edit_too_many_options", max=MAX_OPTIONS)


def reword(raw: Raw, target: Sequence[str], text: dict[str, str], emoji: str | None) -> None:
    """New texts for ("title",), ("outcome",), ("question", q) or ("option", q, o)."""
    kind = target[0]
    if kind in ("title", "outcome"):
        raw[kind] = text
    elif kind == "question":
        question(raw, target[1])["text"] = text
    elif kind == "option":
        found = option(raw, target[1], target[2])
        found["text"] = text
        found["emoji"] = emoji or found["emoji"]
    else:
        raise EditError("error.stale_button")
