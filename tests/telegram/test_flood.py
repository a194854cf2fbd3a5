"""Flood control (bot/telegram/flood.py): what one person may send in a minute, and what becomes
of the rest. Counted on the bot's clock, as updates arrive."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.core.clock import ManualClock
from bot.polls.answer_handlers import alongside
from bot.telegram.flood import FORGET_AFTER, MESSAGES, PRESSES, FloodGate, Verdict
from bot.telegram.updates import OrderedUpdateProcessor
from tests.telegram.test_update_order import Handlers, arrive, settle

START = datetime(2026, 11, 23, 9, tzinfo=UTC)
IDS = iter(range(10_000, 100_000))


def text(user_id: int, words: str = "hallo", chat: Chat | None = None) -> Update:
    """A message of one person, in their chat with the bot unless `chat` says otherwise."""
    n = next(IDS)
    who = User(id=user_id, first_name=f"P{user_id}", is_bot=False)
    chat = chat or Chat(user_id, "private")
    return Update(n, message=Message(n, START, chat, from_user=who, text=words))


def in_group(user_id: int, words: str) -> Update:
    """A message of one person in the class's parents' group."""
    return text(user_id, words, Chat(-100_777, "supergroup", title="Ouders 1A"))


def photo_in_album(user_id: int, album: str) -> Update:
    """One photo of an album a person sends (each photo is an update of its own)."""
    n = next(IDS)
    who = User(id=user_id, first_name=f"P{user_id}", is_bot=False)
    msg = Message(n, START, Chat(user_id, "private"), from_user=who, media_group_id=album)
    return Update(n, message=msg)


def press(user_id: int) -> Update:
    """A press on one of the bot's buttons."""
    n = next(IDS)
    who = User(id=user_id, first_name=f"P{user_id}", is_bot=False)
    return Update(n, callback_query=CallbackQuery(str(n), who, chat_instance="c", data="x"))


def verdicts(gate: FloodGate, updates: list[Update]) -> list[Verdict]:
    return [gate.judge(update) for update in updates]


def test_thirty_messages_a_minute_then_one_notice_and_a_quiet_minute() -> None:
    clock = ManualClock(START)
    gate = FloodGate(clock)
    assert verdicts(gate, [text(1) for _ in range(MESSAGES)]) == [Verdict.PASS] * MESSAGES
    assert gate.judge(text(2)) == Verdict.PASS  # somebody else is not held up
    assert verdicts(gate, [text(1) for _ in range(3)]) == [
        Verdict.NOTICE, Verdict.DROP, Verdict.DROP,
    ]  # fmt: skip
    clock.advance(timedelta(seconds=59))
    assert gate.judge(text(1)) == Verdict.DROP  # the notice said: the next minute
    clock.advance(timedelta(seconds=1))
    assert verdicts(gate, [text(1) for _ in range(MESSAGES)]) == [Verdict.PASS] * MESSAGES


def test_a_steady_writer_is_never_refused() -> None:
    clock = ManualClock(START)
    gate = FloodGate(clock)
    for _ in range(10 * MESSAGES):  # ten minutes without pause, one message every two seconds
        assert gate.judge(text(1)) == Verdict.PASS
        clock.advance(timedelta(seconds=2))


def test_an_album_counts_as_one_message() -> None:
    gate = FloodGate(ManualClock(START))
    assert verdicts(gate, [text(1) for _ in range(MESSAGES - 1)]) == [Verdict.PASS] * (MESSAGES - 1)
    album = [photo_in_album(1, "trip") for _ in range(10)]
    assert verdicts(gate, album) == [Verdict.PASS] * 10
    assert gate.judge(text(1)) == Verdict.NOTICE


def test_each_press_beyond_the_limit_is_answered() -> None:
    clock = ManualClock(START)
    gate = FloodGate(clock)
    assert verdicts(gate, [press(1) for _ in range(PRESSES)]) == [Verdict.PASS] * PRESSES
    assert verdicts(gate, [press(1), press(1)]) == [Verdict.NOTICE, Verdict.NOTICE]
    assert gate.judge(text(1)) == Verdict.PASS  # messages are counted apart
    clock.advance(timedelta(minutes=1))
    assert gate.judge(press(1)) == Verdict.PASS


def test_group_chats_are_not_counted() -> None:
    gate = FloodGate(ManualClock(START))
    chatter = [in_group(1, "Tot morgen!") for _ in range(3 * MESSAGES)]
    assert verdicts(gate, chatter) == [Verdict.PASS] * len(chatter)
    assert gate.judge(in_group(1, "/help")) == Verdict.PASS


async def test_a_refused_update_skips_the_queue_and_is_answered_at_once() -> None:
    gate = FloodGate(ManualClock(START), messages=1)
    processor, handlers = OrderedUpdateProcessor(alongside, gate=gate), Handlers()
    first, second = text(1), text(1)
    tasks = await arrive(processor, handlers, {"amina 1": first, "amina 2": second})
    assert handlers.log == ["start amina 1", "start amina 2"]  # not behind her first
    assert processor.refusal(second) == Verdict.NOTICE  # the middleware tells her
    assert processor.refusal(first) == Verdict.PASS
    handlers.let("amina 2")
    await settle()
    assert processor.refusal(second) == Verdict.PASS  # forgotten once answered
    handlers.let("amina 1")
    await asyncio.gather(*tasks)


def test_people_who_went_quiet_are_forgotten() -> None:
    clock = ManualClock(START)
    gate = FloodGate(clock)
    for person in range(FORGET_AFTER + 1):
        gate.judge(text(person))
    clock.advance(timedelta(minutes=1, seconds=1))
    gate.judge(text(1))
    assert gate.remembered == 1
