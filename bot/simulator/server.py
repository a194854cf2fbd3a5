"""A simulated Telegram Bot API server on 127.0.0.1, for the tests and the demo.

The real python-telegram-bot talks to it over HTTP (long polling); `SimUser`s play people.
"""

from __future__ import annotations

from aiohttp import web

from bot.simulator.checks import canonical_scope
from bot.simulator.control import Fault
from bot.simulator.core import TelegramCore
from bot.simulator.groups import SimGroup
from bot.simulator.routes import make_app
from bot.simulator.state import Json
from bot.simulator.users import SimUser


class FakeTelegram(TelegramCore):
    """The fake Bot API: updates for the bot to poll, and a record of everything it did.

    The state and the plumbing the API methods use live in `TelegramCore`; this adds the HTTP
    server, more bots on the same port, simulated people and the test controls.
    """

    def __init__(
        self,
        *,
        token: str,
        bot_username: str = "ouderbrug_test_bot",
        bot_name: str = "Ouderbrug",
        seed: int = 0,
    ) -> None:
        super().__init__(token=token, bot_username=bot_username, bot_name=bot_name, seed=seed)
        self._runner: web.AppRunner | None = None
        self._port = 0
        # Several bots on one server (one per school): each its own token, users and chats.
        self.bots: dict[str, FakeTelegram] = {token: self}
        self._host: FakeTelegram | None = None

    # lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = make_app(self, self.bots)
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

    def group(self, chat_id: int, title: str, chat_type: str = "supergroup") -> SimGroup:
        """A group chat with the bot in it (negative id); members write through `.member(user)`."""
        group = SimGroup(self, chat_id, title, chat_type)
        self.users[chat_id] = group
        return group

    def set_limits(
        self,
        global_per_second: float | None,
        per_chat_per_second: float | None,
        *,
        per_chat_burst: int = 1,
        edits: bool = False,
    ) -> None:
        """Answer 429 (with retry_after) to messages beyond these rates; None: unlimited.

        Counted when a request arrives: overall in any one second, per chat a token bucket of
        `per_chat_burst` back to back (Telegram tolerates short bursts). `edits`: edits of
        messages count too, as Telegram's flood control does (off: only new messages).
        """
        self.limits.configure(
            global_per_second, per_chat_per_second, per_chat_burst=per_chat_burst, edits=edits
        )

    def set_latency(self, round_trip: float) -> None:
        """A network between the bot and this server: half of `round_trip` each way."""
        self.latency = round_trip / 2

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
        delay_max: float | None = None,
    ) -> None:
        """Make the next matching requests fail (after `delay` seconds, if given).

        status < 400 with a delay only stalls the request: a slow answer (it has arrived, and
        counts for the limits, before the delay); with `delay_max` each request waits a random
        time between the two. times=None lasts until clear_faults().
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(
            method, status, description, retry_after, times, chat_id, probability, delay, delay_max
        )
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
