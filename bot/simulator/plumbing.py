"""What simulated people, uploads and the webhook pusher use of the server (and nothing more).

A `typing.Protocol`, so that they need not import the server: `TelegramCore` (and with it
`FakeTelegram`) provides all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.simulator.state import CallbackAnswer, Json, StoredFile, TranscriptEvent


class Plumbing(Protocol):
    """The server's shared state and clock, as the pieces below the API methods see it."""

    updates: list[Json]  # not yet confirmed by getUpdates' offset (or pushed to the webhook)
    files: dict[str, StoredFile]
    open_callbacks: set[str]
    answered_callbacks: dict[str, CallbackAnswer]
    closing: bool

    def serial(self) -> int:
        """A number never handed out before by this server."""
        ...

    def message_id(self, chat_id: int) -> int:
        """The next message id in a chat."""
        ...

    def now(self) -> int:
        """Unix time for message dates."""
        ...

    def record(self, event: TranscriptEvent) -> None:
        """Add a transcript line."""
        ...

    def add_update(self, payload: Json) -> Json:
        """Queue an update for the bot."""
        ...

    def store_file(
        self, data: bytes, name: str | None = None, mime: str | None = None, kind: str = "document"
    ) -> str:
        """Keep bytes and give them a new file_id."""
        ...

    def notify(self) -> None:
        """Wake everyone waiting for a change."""
        ...

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait, re-checking on every change, until predicate() holds; False on timeout."""
        ...

    async def pause(self, seconds: float) -> None:
        """Sleep, but wake early when the server stops."""
        ...
