"""Typed context: the services every handler needs, and the member of the current update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot
from telegram.ext.filters import BaseFilter

from bot.core.clock import Clock, SystemClock
from bot.core.i18n import Catalogs
from bot.models import Member

if TYPE_CHECKING:
    from bot.core.db import SessionFactory
    from bot.core.scheduler import Scheduler
    from bot.core.settings import Settings
    from bot.invitations.service import Template
    from bot.polls.flows import Flow
    from bot.shared import Shared
    from bot.speech import Speaker
    from bot.transcription import Transcriber
    from bot.translation import Translator


class Outbox(Protocol):
    """What handlers ask of the outbox sender (bot/announcements/sender.py)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def wake(self) -> None: ...
    def report_soon(self, announcement_id: int) -> None: ...
    def forget(self, announcement_id: int) -> None: ...


class Voices(Protocol):
    """What the rest of the bot asks of the read-aloud sender (bot/read_aloud/voice_sender.py)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def wake(self) -> None: ...
    def read_aloud(
        self, member: Member, text: str, *, language: str | None, personal: bool = False
    ) -> None: ...


InputHandler = Callable[[Update, "BotContext"], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    """A pending question (bot/telegram/pending.py): its user_data key, what answers it, and who
    handles the answer."""

    key: str
    accepts: BaseFilter
    handler: InputHandler


class BotData:
    """Application-wide services, opened in `post_init` and closed in `post_shutdown`."""

    settings: Settings
    sessions: SessionFactory
    catalogs: Catalogs
    clock: Clock = SystemClock()
    translator: Translator | None = None
    speaker: Speaker | None = None  # read-aloud (bot/speech/): None when off by setting
    transcriber: Transcriber | None = None  # voice notes to text (bot/transcription/)
    sender: Outbox | None = None
    voices: Voices | None = None  # voice messages after texts, for read-aloud parents
    scheduler: Scheduler | None = None
    templates: dict[str, Template] | None = None  # invitation templates, read on first use
    school_id: int = 0
    bootstrap_link: str | None = None
    engine: Any = None
    flows: dict[str, Flow]  # poll flows from flows/, by id
    poll_secret: bytes = b""  # keys anonymous poll participation (never stored in the database)
    shared: Shared | None = None  # engine, translator, catalogs: one for every school's bot
    owns_shared: bool = False  # opened by this bot (one school alone), so closed by it too
    # Owned by a lease (bot/cluster/): no other process runs this school's bot, so copies still
    # claimed in its outbox at start are an earlier owner's (dead or gone) and are given back.
    exclusive: bool = False

    def __init__(self) -> None:
        from bot.onboarding.lookups import Caches

        self.input_routes: list[Route] = []  # questions the bot asked (bot/telegram/pending.py)
        self.caches = Caches()  # members, their classes, polls (bot/onboarding/lookups.py)


@dataclass
class Who:
    """The member behind the current update (or None), and the UI language to answer in."""

    member: Member | None
    lang: str


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed services and the current member (set by the middleware)."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.who: Who | None = None

    @property
    def services(self) -> BotData:
        """The application's services."""
        return self.bot_data

    @property
    def member(self) -> Member | None:
        """The member who sent this update, if known."""
        return self.who.member if self.who else None

    @property
    def lang(self) -> str:
        """The language to answer in."""
        return self.who.lang if self.who else self.bot_data.catalogs.default

    def t(self, key: str, **values: object) -> str:
        """A UI message in the current member's language."""
        return self.bot_data.catalogs.t(self.lang, key, **values)

    def tn(self, key: str, n: int, **values: object) -> str:
        """A plural UI message in the current member's language, in the form for the count `n`."""
        return self.bot_data.catalogs.tn(self.lang, key, n, **values)
