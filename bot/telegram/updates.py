"""Which updates may be handled at the same time, and in which order the others are handled.

PTB handles updates one at a time unless `concurrent_updates` is set, and then makes no promise
about order. Most of the bot's conversations need order, also between people (a parent writes,
then a teacher opens /inbox and expects to see it). Some updates are self-contained: a parent's
press on a poll button only touches that parent's own (anonymous) progress, and hundreds of
parents may press at once. Likewise a parent's chatter in a class group, which no handler answers
(`group_chatter`). So:
- an update that `alongside(update)` accepts runs at the same time as other such updates, but
  after every earlier update of the same person (or chat) and after every earlier ordinary one;
- every other update waits until everything that arrived before it has been handled, and
  everything that arrives after it waits for it: for them nothing changes.
At most `limit` updates run at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

CONCURRENT_UPDATES = 64  # presses handled at once; SQLite writes take turns (bot/core/db.py)


def person_of(update: object) -> int | None:
    """Whose update this is: the user, else the chat; None for updates of nobody in particular."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    return update.effective_chat.id if update.effective_chat is not None else None


def group_chatter(update: object) -> bool:
    """A text message in a group chat that is not a command.

    No handler answers it or writes anything for it (only the middleware reads the sender, and
    perhaps marks a blocked member active again): it may run beside others, the sender's own
    updates still in order. Parents chatting in a class group can send hundreds a minute.
    """
    msg = update.message if isinstance(update, Update) else None
    if msg is None or msg.chat.type not in ("group", "supergroup") or not msg.text:
        return False
    return not msg.text.startswith("/")


def either(*rules: Callable[[object], bool]) -> Callable[[object], bool]:
    """An `alongside` rule that accepts what any of `rules` accepts."""
    return lambda update: any(rule(update) for rule in rules)


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """Self-contained updates side by side (each person's in order); the others one at a time."""

    def __init__(
        self, alongside: Callable[[object], bool], limit: int = CONCURRENT_UPDATES
    ) -> None:
        super().__init__(limit)
        self.alongside = alongside
        self._barrier: asyncio.Future[None] | None = None  # the latest ordinary update
        self._side: set[asyncio.Future[None]] = set()  # side-by-side ones started after it
        self._persons: dict[int, asyncio.Future[None]] = {}  # each person's latest update

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers (the update's turn was taken in `process_update`)."""
        await coroutine

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]
        """Take this update's turn, wait for what must come first, then run.

        PTB starts one task per update, in the order they arrived, and each calls this first
        thing: the waiting list is built in arrival order, before the first `await`.
        """
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        person = person_of(update)
        before: list[asyncio.Future[None]] = []
        if self._barrier is not None and not self._barrier.done():
            before.append(self._barrier)
        if self.alongside(update):
            if person is not None and (previous := self._persons.get(person)) is not None:
                before.append(previous)
            self._side.add(mine)
            mine.add_done_callback(lambda done: self._side.discard(done))
        else:
            before += self._side
            self._barrier, self._side = mine, set()
        if person is not None:
            self._persons[person] = mine
        try:
            for earlier in before:
                try:
                    await asyncio.shield(earlier)
                except asyncio.CancelledError:
                    if asyncio.iscoroutine(coroutine):
                        coroutine.close()  # shutting down before its turn: never started
                    raise
            await super().process_update(update, coroutine)
        finally:
            mine.set_result(None)
            if person is not None and self._persons.get(person) is mine:
                del self._persons[person]
