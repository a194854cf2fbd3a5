"""The simulated Telegram's state and plumbing, shared by the API methods and simulated people.

`FakeTelegram` (in `server`) adds the HTTP server, several bots and the test controls on top;
the API methods only need this, so they do not import the server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bot.simulator.checks import ApiError
from bot.simulator.control import Faults, RateLimits
from bot.simulator.state import (
    ApiCall,
    BotMessage,
    CallbackAnswer,
    Json,
    Stats,
    StoredFile,
    TranscriptEvent,
)
from bot.simulator.users import SimUser
from bot.simulator.webhook import WebhookPusher

FOLDERS = {"photo": "photos", "voice": "voice", "audio": "music", "video": "videos"}


class TelegramCore:
    """One bot's side of the fake Bot API: updates to poll, and a record of everything it did."""

    def __init__(
        self,
        *,
        token: str,
        bot_username: str = "ouderbrug_test_bot",
        bot_name: str = "Ouderbrug",
        seed: int = 0,
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_user: Json = {
            "id": int(prefix) if prefix.isdigit() else 1,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.users: dict[int, SimUser] = {}
        self.updates: list[Json] = []  # not yet confirmed by getUpdates' offset
        self.requests: list[ApiCall] = []
        self.transcript: list[TranscriptEvent] = []
        self.answered_callbacks: dict[str, CallbackAnswer] = {}
        self.open_callbacks: set[str] = set()
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.menu_buttons: dict[int | None, Json] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}  # (field, language) -> text
        self.files: dict[str, StoredFile] = {}
        self.stats = Stats()
        self.limits = RateLimits()
        self.faults = Faults(seed)
        self.closing = False
        self._next_update_id = 1
        self._message_ids: dict[int, int] = {}
        self._serial = 0
        self.time_shift = 0.0  # seconds added to the server's clock (e.g. to age messages)
        self.latency = 0.0  # seconds each way between the bot and this server (set_latency)
        self._changed = asyncio.Event()
        self._new_updates = asyncio.Event()
        self._closed = asyncio.Event()
        self._poll_generation = 0
        self.webhook: WebhookPusher | None = None  # set by setWebhook: updates are pushed

    # files ---------------------------------------------------------------------------------
    def store_file(
        self, data: bytes, name: str | None = None, mime: str | None = None, kind: str = "document"
    ) -> str:
        """Keep bytes and give them a new file_id."""
        file_id = f"AgAD{self.serial():06d}{kind[:3]}"
        ext = f".{name.rsplit('.', 1)[1]}" if name and "." in name else ""
        path = f"{FOLDERS.get(kind, 'documents')}/file_{len(self.files)}{ext}"
        self.files[file_id] = StoredFile(file_id, data, name, mime, kind, path)
        return file_id

    def file_bytes(self, file_id: str | None) -> bytes:
        """The content behind a file_id."""
        assert file_id is not None and file_id in self.files, f"unknown file_id {file_id!r}"
        return self.files[file_id].data

    # plumbing for SimUser and the API methods ----------------------------------------------
    def serial(self) -> int:
        """A number never handed out before by this server."""
        self._serial += 1
        return self._serial

    def add_update(self, payload: Json) -> Json:
        """Queue an update for getUpdates (or the webhook, when one is set)."""
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self.updates.append(update)
        self._new_updates.set()
        if self.webhook is not None:
            self.webhook.wake()
        self.notify()
        return update

    def message_id(self, chat_id: int) -> int:
        """The next message id in a chat (shared by both sides, as in Telegram)."""
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def record(self, event: TranscriptEvent) -> None:
        """Add a transcript line."""
        self.transcript.append(event)

    def notify(self) -> None:
        """Wake everyone waiting for a change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def changed(self) -> None:
        """Wake everyone waiting for a change (awaitable form)."""
        self.notify()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait, re-checking on every change, until predicate() holds; False on timeout."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self._changed.wait()
        except TimeoutError:
            return predicate()
        return True

    async def pause(self, seconds: float) -> None:
        """Sleep, but wake early when the server stops."""
        try:
            async with asyncio.timeout(seconds):
                await self._closed.wait()
        except TimeoutError:
            pass

    async def poll(self, timeout: float) -> bool:
        """Wait up to `timeout` for updates; False if a newer getUpdates took over."""
        self._poll_generation += 1
        generation = self._poll_generation
        self._new_updates.set()  # an older poll wakes up and sees it is superseded
        try:
            async with asyncio.timeout(timeout):
                while not self.updates and not self.closing:
                    self._new_updates.clear()
                    await self._new_updates.wait()
                    if generation != self._poll_generation:
                        return False
        except TimeoutError:
            pass
        return generation == self._poll_generation

    def now(self) -> int:
        """Unix time for message dates (moved by `time_shift`)."""
        return int(time.time() + self.time_shift)

    def chat_of(self, chat_id: int) -> SimUser:
        """The user behind a chat, or Telegram's error."""
        user = self.users.get(chat_id)
        if user is None:
            raise ApiError(400, "Bad Request: chat not found")
        if user.is_blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def find_message(self, chat_id: int, message_id: int, action: str = "edit") -> BotMessage:
        """A live bot message, or Telegram's error."""
        user = self.chat_of(chat_id)
        for msg in user.messages:
            if msg.message_id == message_id and not msg.deleted:
                return msg
        if message_id in user.sent and action == "edit":
            raise ApiError(400, "Bad Request: message can't be edited")
        raise ApiError(400, f"Bad Request: message to {action} not found")
