"""A simulated Telegram Bot API server on 127.0.0.1 for the tests and the demo.

The real python-telegram-bot talks to it over HTTP (long polling); `SimUser`s play people.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.simulator.api import ApiError, MethodsMixin, api_error
from bot.simulator.state import (
    BotMessage,
    CallbackAnswer,
    Fault,
    Faults,
    Json,
    RateLimits,
    Stats,
    TranscriptEvent,
)
from bot.simulator.users import SimUser

SEND_METHODS = {
    "sendMessage", "sendPhoto", "sendDocument", "sendVoice", "sendAudio", "sendVideo",
    "sendMediaGroup", "sendLocation", "copyMessage", "forwardMessage",
}  # fmt: skip


class FakeTelegram(MethodsMixin):
    """The fake Bot API: updates for the bot to poll, and a record of everything it sent."""

    def __init__(
        self, *, token: str, bot_username: str = "ouderbrug_test_bot", bot_id: int = 1
    ) -> None:
        self.token = token
        self.bot_user: Json = {
            "id": bot_id, "is_bot": True, "first_name": "Ouderbrug", "username": bot_username,
        }  # fmt: skip
        self.users: dict[int, SimUser] = {}
        self.updates: list[Json] = []
        self.requests: list[tuple[str, Json]] = []
        self.transcript: list[TranscriptEvent] = []
        self.answered_callbacks: dict[str, CallbackAnswer] = {}
        self.commands: dict[tuple[str, str], list[Json]] = {}
        self.files: dict[str, tuple[bytes, str | None, str | None]] = {}
        self.stats = Stats()
        self.limits = RateLimits()
        self.faults = Faults()
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = {}
        self._next_file = 1
        self._changed = asyncio.Condition()
        self._update_event = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closing = False

    # lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on a random port of 127.0.0.1."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        """Release the port; pending long polls return at once."""
        self._closing = True
        self._update_event.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """PTB's base_url (the token is appended)."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's base_file_url."""
        return f"http://127.0.0.1:{self._port}/file/bot"

    # people and control ------------------------------------------------------------------
    def user(
        self, user_id: int, first_name: str, language_code: str = "nl", **extra: Any
    ) -> SimUser:
        """A simulated person with a private chat with the bot."""
        sim = SimUser(self, user_id, first_name, language_code, **extra)
        self.users[user_id] = sim
        return sim

    def set_limits(
        self, global_per_second: float | None, per_chat_per_second: float | None
    ) -> None:
        """Answer 429 beyond these rates (None: unlimited)."""
        self.limits.global_per_second = global_per_second
        self.limits.per_chat_per_second = per_chat_per_second

    def inject(self, method: str | None, *, status: int, description: str = "", retry_after: int | None = None, times: int = 1, chat_id: int | None = None, probability: float | None = None, delay: float | None = None) -> None:  # fmt: skip
        """Make the next matching requests fail (or stall for `delay` seconds first)."""
        text = description or {429: "Too Many Requests: retry later", 403: "Forbidden: bot was blocked by the user"}.get(status, "Internal Server Error")  # fmt: skip
        self.faults.pending.append(
            Fault(method, status, text, retry_after, times, chat_id, probability, delay)
        )

    def commands_for(self, *, scope: Json | None = None, language_code: str = "") -> list[Json]:
        """The command menu set for a scope and language."""
        from bot.simulator.state import canonical_scope

        return self.commands.get((canonical_scope(scope), language_code), [])

    def commands_for_chat(self, chat_id: int) -> list[Json]:
        """The menu set for one private chat."""
        return self.commands_for(scope={"type": "chat", "chat_id": chat_id})

    def file_bytes(self, file_id: str | None) -> bytes:
        """The content behind a file id."""
        assert file_id is not None
        return self.files[file_id][0]

    # plumbing used by SimUser and the API methods ---------------------------------------------
    def add_update(self, payload: Json) -> Json:
        """Queue an update for getUpdates."""
        update = {"update_id": self._next_update_id, **payload}
        self._next_update_id += 1
        self.updates.append(update)
        self._update_event.set()
        return update

    def message_id(self, chat_id: int) -> int:
        """The next message id in a chat."""
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def store_file(self, data: bytes, name: str | None = None, mime: str | None = None) -> str:
        """Keep bytes and give them a file id."""
        file_id = f"file-{self._next_file:06d}"
        self._next_file += 1
        self.files[file_id] = (data, name, mime)
        return file_id

    def record(self, event: TranscriptEvent) -> None:
        """Add a transcript line."""
        self.transcript.append(event)

    async def changed(self) -> None:
        """Wake everyone waiting for something to happen."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait (without polling) until predicate() is true; False on timeout."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(predicate)
            return True
        except TimeoutError:
            return False

    def now(self) -> int:
        """Unix time for message dates."""
        return int(time.time())

    # HTTP -----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return api_error(401, "Unauthorized")
        method = request.match_info["method"]
        params, uploads = await _read_params(request)
        self.requests.append((method, params))
        self.stats.requests[method] += 1
        handler: (
            Callable[[Json, dict[str, tuple[bytes, str | None, str | None]]], Awaitable[Any]] | None
        )
        handler = getattr(self, "api_" + method, None)
        if handler is None:
            return self._answer(api_error(404, "Not Found: method not found"))
        chat_id = _int_or_none(params.get("chat_id"))
        fault = self.faults.match(method, chat_id)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status < 400:
                fault = None
            else:
                return self._answer(api_error(fault.status, fault.description, fault.retry_after))
        if method in SEND_METHODS:
            retry = self.limits.check(chat_id)
            if retry is not None:
                return self._answer(
                    api_error(429, f"Too Many Requests: retry after {retry}", retry)
                )
        try:
            result = await handler(params, uploads)
        except ApiError as err:
            return self._answer(api_error(err.status, err.description))
        if method in SEND_METHODS:
            self.stats.sent += 1
        await self.changed()
        return self._answer(web.json_response({"ok": True, "result": result}))

    def _answer(self, response: web.Response) -> web.Response:
        self.stats.statuses[response.status] += 1
        return response

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id][0])

    def blocked(self, chat_id: int) -> bool:
        """Whether that user blocked the bot."""
        user = self.users.get(chat_id)
        return user is not None and user.is_blocked

    def chat_of(self, chat_id: int) -> SimUser:
        """The user behind a private chat, or a Telegram-like error."""
        user = self.users.get(chat_id)
        if user is None:
            raise ApiError(400, "Bad Request: chat not found")
        if user.is_blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return user

    def find_message(self, chat_id: int, message_id: int) -> BotMessage:
        """A bot message by chat and id, or a Telegram-like error."""
        user = self.chat_of(chat_id)
        for msg in user.messages:
            if msg.message_id == message_id and not msg.deleted:
                return msg
        raise ApiError(400, "Bad Request: message to edit not found")


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return None


JSON_FIELDS = {
    "reply_markup", "entities", "caption_entities", "scope", "commands", "media",
    "allowed_updates", "link_preview_options", "reply_parameters", "menu_button",
}  # fmt: skip


async def _read_params(
    request: web.Request,
) -> tuple[Json, dict[str, tuple[bytes, str | None, str | None]]]:
    """Form, multipart or JSON parameters; uploaded files separately."""
    params: Json = dict(request.query)
    uploads: dict[str, tuple[bytes, str | None, str | None]] = {}
    ctype = request.content_type
    if ctype == "application/json":
        body = await request.json() if request.can_read_body else {}
        params.update(body or {})
        return params, uploads
    if ctype.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if part.filename is not None:
                uploads[part.name or ""] = (
                    await part.read(),
                    part.filename,
                    part.headers.get("Content-Type"),
                )  # type: ignore[union-attr]
            else:
                params[part.name or ""] = await part.text()  # type: ignore[union-attr]
    elif request.can_read_body:
        params.update(await request.post())
    for key in JSON_FIELDS & params.keys():
        if isinstance(params[key], str) and params[key][:1] in "[{":
            params[key] = json.loads(params[key])
    return params, uploads
