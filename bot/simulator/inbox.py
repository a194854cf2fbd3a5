"""What a simulated person received from the bot, and the helpers that wait for it (no sleeps)."""

from __future__ import annotations

from collections.abc import Callable

from bot.simulator.plumbing import Plumbing
from bot.simulator.state import BotMessage


class Inbox:
    """Bot messages of one chat as they look now, and a reading cursor over new and edited ones."""

    tg: Plumbing

    def __init__(self) -> None:
        self.messages: list[BotMessage] = []  # what the bot sent, as it looks now
        self.events: list[BotMessage] = []  # each new message or edit, in order
        self.keyboard: list[list[str]] = []  # the reply keyboard shown, if any
        self._cursor = 0

    @property
    def display_name(self) -> str:
        """How this person appears in messages and the transcript (SimUser gives the name)."""
        return type(self).__name__

    def receive(self, msg: BotMessage, keyboard: list[list[str]] | None = None) -> None:
        """Called by the server for a new bot message."""
        self.messages.append(msg)
        self.events.append(msg)
        if keyboard is not None:
            self.keyboard = keyboard

    def notice_edit(self, msg: BotMessage) -> None:
        """Called by the server when a bot message changed."""
        self.events.append(msg)

    @property
    def last(self) -> BotMessage:
        """The newest bot message."""
        assert self.messages, f"{self.display_name} received nothing from the bot"
        return self.messages[-1]

    async def _next_matching(
        self, match: Callable[[BotMessage], bool], timeout: float, what: str
    ) -> BotMessage:
        found: list[BotMessage] = []

        def scan() -> bool:
            for index in range(self._cursor, len(self.events)):
                if match(self.events[index]):
                    self._cursor = index + 1
                    found.append(self.events[index])
                    return True
            return False

        if not await self.tg.wait_until(scan, timeout):
            raise AssertionError(
                f"{self.display_name}: expected {what} within {timeout}s; received: {self._summary()}"
            )
        return found[0]

    async def next_message(self, timeout: float = 5.0) -> BotMessage:
        """The next new or edited bot message not yet read through these helpers."""
        return await self._next_matching(lambda m: True, timeout, "a message")

    async def expect_text(self, text: str, timeout: float = 5.0) -> BotMessage:
        """The next message (new or edited) containing `text`; skips the ones before it."""
        return await self._next_matching(lambda m: m.shows(text), timeout, repr(text))

    async def wait_for_message(
        self, predicate: Callable[[BotMessage], bool], timeout: float = 5.0
    ) -> BotMessage:
        """The next message matching a predicate; skips the ones before it."""
        return await self._next_matching(predicate, timeout, "a matching message")

    def _summary(self) -> str:
        shown = [
            f"{'>' if i == self._cursor else ' '}#{i} {m.kind}{' (edited)' if m.edited else ''}: "
            f"{m.plain[:120]!r}{' ' + str(m.labels) if m.buttons else ''}"
            for i, m in enumerate(self.events)
        ]
        return "\n  " + "\n  ".join(shown[-12:]) if shown else "nothing"
