"""A simulated Telegram Bot API server on 127.0.0.1, for the tests and the demo.

The real python-telegram-bot talks to it over HTTP (long polling); `SimUser`s play people.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiohttp import web

from bot.simulator.checks import ApiError, canonical_scope
from bot.simulator.control import Fault, Faults, RateLimits
from bot.simulator.routes import make_app
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


class FakeTelegram:
    """The fake Bot API: updates for the bot to poll, and a record of everything it did."""

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
        self._changed = asyncio.Event()
        self._new_updates = asyncio.Event()
        self._closed = asyncio.Event()
        self._poll_generation = 0
        self._runner: web.AppRunner | None = None
        self._port = 0
        # Several bots on one server (one per school): each its own token, users and chats.
        self.bots: dict[str, FakeTelegram] = {token: self}
        self._host: FakeTelegram | None = None
        self.webhook: WebhookPusher | None = None  # set by setWebhook: updates are pushed

    # lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = make_app(self)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    def add_bot(
        self, *, token: str, bot_username: str, bot_name: str = "Ouderbrug", seed: int = 0
    ) -> FakeTelegram:
        """Another bot served by this server (same port): its own users, chats and updates.

        The same person (user id) can talk to several bots: each bot has its own chat with them.
        """
        if token in self.bots:
            raise ValueError("a bot with this token is served already")
        other = FakeTelegram(token=token, bot_username=bot_username, bot_name=bot_name, seed=seed)
        other._host = self
        self.bots[token] = other
        return other

    async def stop(self) -> None:
        """Answer pending long polls, cut injected delays short and release the port."""
        for other in self.bots.values():
            if other is not self:
                await other.stop()
        self.closing = True
        self._closed.set()
        self._new_updates.set()
        self.notify()
        if self.webhook is not None:
            await self.webhook.stop()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        """The TCP port (0 before start)."""
        return self._host.port if self._host is not None else self._port

    @property
    def base_url(self) -> str:
        """PTB's base_url (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's base_file_url (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # people and controls -----------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str,
        language_code: str = "nl",
        last_name: str | None = None,
        username: str | None = None,
        chat_type: str = "private",
    ) -> SimUser:
        """A simulated person with a chat with the bot."""
        sim = SimUser(self, user_id, first_name, language_code, last_name, username, chat_type)
        self.users[user_id] = sim
        return sim

    def set_limits(
        self, global_per_second: float | None, per_chat_per_second: float | None
    ) -> None:
        """Answer 429 (with retry_after) to messages beyond these rates; None: unlimited."""
        self.limits.configure(global_per_second, per_chat_per_second)

    def inject(
        self,
        method: str | None,
        *,
        status: int,
        description: str = "",
        retry_after: int | None = None,
        times: int | None = 1,
        chat_id: int | None = None,
        probability: float | None = None,
        delay: float | None = None,
    ) -> None:
        """Make the next matching requests fail (after `delay` seconds, if given).

        status < 400 with a delay only stalls the request; times=None lasts until clear_faults().
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(method, status, description, retry_after, times, chat_id, probability, delay)
        self.faults.add(fault)

    def clear_faults(self) -> None:
        """Forget the injected faults."""
        self.faults.clear()

    def calls(self, method: str) -> list[Json]:
        """The parameters of every request for one method, in order."""
        return [call.params for call in self.requests if call.method == method]

    def commands_for(self, *, scope: Json | None = None, language_code: str = "") -> list[Json]:
        """The command list stored for exactly this scope and language."""
        return self.commands.get((canonical_scope(scope), language_code), [])

    def commands_for_chat(self, chat_id: int, language_code: str = "") -> list[Json]:
        """The command list stored for one private chat."""
        return self.commands_for(
            scope={"type": "chat", "chat_id": chat_id}, language_code=language_code
        )

    def menu_seen_by(self, user_id: int, language_code: str = "") -> list[Json]:
        """The menu Telegram would show a user: the narrowest scope and language that is set."""
        for scope in ({"type": "chat", "chat_id": user_id}, {"type": "all_private_chats"}, None):
            for lang in dict.fromkeys((language_code, "")):
                key = (canonical_scope(scope), lang)
                if key in self.commands:
                    return self.commands[key]
        return []

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
