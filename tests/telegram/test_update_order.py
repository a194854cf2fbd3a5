"""Which updates run side by side, and in which order (bot/telegram/updates.py): each person's in
the order they arrived; other people's in order of arrival too, except those of a busy person, who
steps out of line; poll presses and group chatter side by side."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.polls.answer_handlers import alongside
from bot.telegram.updates import OrderedUpdateProcessor, either, group_chatter

PRESS_ID = iter(range(1, 1000))


def press(user_id: int, data: str) -> Update:
    """A button press of one person."""
    n = next(PRESS_ID)
    who = User(id=user_id, first_name=f"P{user_id}", is_bot=False)
    return Update(n, callback_query=CallbackQuery(str(n), who, chat_instance="c", data=data))


def text(user_id: int) -> Update:
    """A message of one person (handled in order with everything else)."""
    n = next(PRESS_ID)
    who = User(id=user_id, first_name=f"P{user_id}", is_bot=False)
    chat = Chat(user_id, "private")
    return Update(
        n, message=Message(n, datetime(2026, 12, 2, tzinfo=UTC), chat, from_user=who, text="hallo")
    )


def in_group(user_id: int, words: str) -> Update:
    """A message of one person in the class's parents' group."""
    n = next(PRESS_ID)
    who = User(id=user_id, first_name=f"P{user_id}", is_bot=False)
    chat = Chat(-100_777, "supergroup", title="Ouders 1A")
    return Update(
        n, message=Message(n, datetime(2026, 12, 2, tzinfo=UTC), chat, from_user=who, text=words)
    )


class Handlers:
    """Handlers that log when they start and end, and end only when the test lets them."""

    def __init__(self) -> None:
        self.log: list[str] = []
        self.release: dict[str, asyncio.Event] = {}

    async def handle(self, name: str) -> None:
        self.log.append(f"start {name}")
        self.release[name] = gate = self.release.get(name, asyncio.Event())
        await gate.wait()
        self.log.append(f"end {name}")

    def let(self, name: str) -> None:
        self.release.setdefault(name, asyncio.Event()).set()


async def arrive(
    processor: OrderedUpdateProcessor, handlers: Handlers, updates: dict[str, Update]
) -> list[asyncio.Task[None]]:
    """The updates arrive in this order (PTB starts one task per update, as here)."""
    tasks = [
        asyncio.create_task(processor.process_update(u, handlers.handle(name)))
        for name, u in updates.items()
    ]
    await settle()
    return tasks


async def settle() -> None:
    """Let every task that can run, run (no time passes)."""
    for _ in range(10):
        await asyncio.sleep(0)


async def test_parents_press_side_by_side_but_each_in_order() -> None:
    processor, handlers = OrderedUpdateProcessor(alongside), Handlers()
    tasks = await arrive(processor, handlers, {
        "amina 1": press(1, "pg:1"), "tom 1": press(2, "pg:1"), "amina 2": press(1, "pq:1:q0:a"),
    })  # fmt: skip
    assert handlers.log == ["start amina 1", "start tom 1"]  # Amina's second press waits
    handlers.let("amina 1")
    await settle()
    assert handlers.log[-2:] == ["end amina 1", "start amina 2"]
    handlers.let("tom 1")
    handlers.let("amina 2")
    await asyncio.gather(*tasks)


async def test_other_updates_keep_the_order_of_arrival() -> None:
    processor, handlers = OrderedUpdateProcessor(alongside), Handlers()
    tasks = await arrive(processor, handlers, {
        "amina presses": press(1, "pq:1:q0:a"), "youssef writes": text(3),
        "sofie opens the inbox": text(4), "tom presses": press(2, "pq:1:q0:a"),
    })  # fmt: skip
    assert handlers.log == ["start amina presses"]  # the message waits for the press before it
    handlers.let("amina presses")
    await settle()
    assert handlers.log[-1] == "start youssef writes"
    handlers.let("youssef writes")
    await settle()
    assert handlers.log[-1] == "start sofie opens the inbox"  # ... and Sofie sees it
    handlers.let("sofie opens the inbox")
    await settle()
    assert handlers.log[-1] == "start tom presses"  # a later press waits for what came before
    handlers.let("tom presses")
    await asyncio.gather(*tasks)


async def test_chatter_in_a_group_is_read_side_by_side_but_commands_keep_their_turn() -> None:
    processor, handlers = OrderedUpdateProcessor(either(alongside, group_chatter)), Handlers()
    tasks = await arrive(processor, handlers, {
        "amina chats": in_group(1, "Tot morgen!"), "tom chats": in_group(2, "Ja, tot morgen"),
        "amina again": in_group(1, "Wie brengt taart?"), "tom asks /help": in_group(2, "/help"),
        "youssef writes": text(3),
    })  # fmt: skip
    assert handlers.log == ["start amina chats", "start tom chats"]  # Amina's next one waits
    handlers.let("amina chats")
    await settle()
    assert handlers.log[-1] == "start amina again"
    handlers.let("tom chats")
    handlers.let("amina again")
    await settle()
    assert handlers.log[-1] == "start tom asks /help"  # a command waits for all before it
    handlers.let("tom asks /help")
    await settle()
    assert handlers.log[-1] == "start youssef writes"  # a private message keeps its turn too
    handlers.let("youssef writes")
    await asyncio.gather(*tasks)


async def test_a_busy_person_steps_out_of_line_and_keeps_their_own_order() -> None:
    processor, handlers = OrderedUpdateProcessor(alongside), Handlers()
    tasks = await arrive(processor, handlers, {
        "amina 1": text(1), "amina 2": text(1), "tom 1": text(2),
    })  # fmt: skip
    assert handlers.log == ["start amina 1"]  # a few messages: Tom waits his turn
    tasks += await arrive(processor, handlers, {
        "amina 3": text(1), "amina 4": text(1), "tom 2": text(2),
    })  # fmt: skip
    assert handlers.log == ["start amina 1", "start tom 1"]  # her fourth: Amina is busy
    handlers.let("tom 1")
    await settle()
    assert handlers.log[-2:] == ["end tom 1", "start tom 2"]  # Tom's own order holds
    for n in range(1, 4):
        handlers.let(f"amina {n}")
        await settle()
        assert handlers.log[-2:] == [f"end amina {n}", f"start amina {n + 1}"]  # hers too
    handlers.let("amina 4")
    handlers.let("tom 2")
    await asyncio.gather(*tasks)


async def test_stepping_out_of_line_lets_nobody_overtake_what_came_before() -> None:
    processor, handlers = OrderedUpdateProcessor(alongside), Handlers()
    tasks = await arrive(processor, handlers, {
        "sofie opens the inbox": text(4), "amina 1": text(1), "amina 2": text(1),
        "amina 3": text(1), "amina 4": text(1), "tom writes": text(2),
    })  # fmt: skip
    assert handlers.log == ["start sofie opens the inbox"]  # Tom waits for Sofie, not Amina
    handlers.let("sofie opens the inbox")
    await settle()
    assert handlers.log[-2:] == ["start amina 1", "start tom writes"]
    for name in ("tom writes", "amina 1", "amina 2", "amina 3", "amina 4"):
        handlers.let(name)
    await asyncio.gather(*tasks)


async def test_a_group_keeps_its_order_while_a_busy_member_is_served_aside() -> None:
    processor, handlers = OrderedUpdateProcessor(either(alongside, group_chatter)), Handlers()
    tasks = await arrive(processor, handlers, {
        "amina asks /help": in_group(1, "/help"), "amina 1": text(1), "amina 2": text(1),
        "amina 3": text(1), "tom asks /help": in_group(2, "/help"), "youssef writes": text(3),
    })  # fmt: skip
    assert handlers.log == ["start amina asks /help", "start youssef writes"]
    handlers.let("amina asks /help")
    await settle()
    assert handlers.log[-2:] == ["start amina 1", "start tom asks /help"]  # the group's order
    for name in ("youssef writes", "tom asks /help", "amina 1", "amina 2", "amina 3"):
        handlers.let(name)
    await asyncio.gather(*tasks)
