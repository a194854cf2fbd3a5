"""What the schools' bots of one process share: one database engine, one translator, the catalogs.

Translation models are big, so they are loaded once for every school; each school's bot still
has its own token, rate budget, sender, scheduler and school-scoped database sessions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core import inline_sqlite
from bot.core.clock import Clock
from bot.core.db import SessionFactory, create_engine, session_factory
from bot.core.i18n import Catalogs
from bot.core.settings import Settings, private_data_dir
from bot.dashboard.auth import load_signing_key
from bot.polls.anonymity import load_secret
from bot.polls.flows import load_flows
from bot.speech import Speaker, make_speaker
from bot.transcription import Transcriber
from bot.translation import Translator

if TYPE_CHECKING:
    from bot.polls.flows import Flow

log = logging.getLogger(__name__)


@dataclass
class Shared:
    """Opened once per process (see `open_shared`), closed after the last bot stopped."""

    engine: AsyncEngine
    sessions: SessionFactory  # every school's rows: only for what no school owns (translations)
    catalogs: Catalogs
    flows: dict[str, Flow]
    poll_secret: bytes
    translator: Translator
    speaker: Speaker | None = None  # read-aloud (bot/speech/); None: OUDERBRUG_READ_ALOUD=false
    transcriber: Transcriber | None = None  # voice notes to text (bot/transcription/)

    async def close(self) -> None:
        """Stop the translation and speech threads and close the database pool."""
        await self.translator.close()
        if self.speaker is not None:
            await self.speaker.close()
        inline_sqlite.close(
            self.engine
        )  # the poll presses' own connection (bot/core/inline_sqlite.py)
        await self.engine.dispose()


async def open_shared(settings: Settings, clock: Clock) -> Shared:
    """Open the database engine, load catalogs and flows, start the translator."""
    private_data_dir(settings)  # 0700, also a folder an older version left open
    load_signing_key(settings)  # an older data/session.key moves to the secrets folder now
    catalogs = Catalogs.load(settings.locales_path, settings.default_language)
    engine = create_engine(settings.db_url)
    sessions = session_factory(engine)
    translator = Translator(
        data_dir=settings.models_data_dir,
        glossary_dir=settings.locales_path / "glossary",
        sessions=sessions,
        clock=clock,
        max_workers=settings.translation_threads,
    )
    await translator.start()
    pairs = sorted(f"{a}>{b}" for a, b in translator.available_pairs())
    log.info("translation models: %s", ", ".join(pairs) or "none (ouderbrug models install ...)")
    speaker = make_speaker(settings)
    if speaker is not None:
        await speaker.start()
        spoken = sorted(f"{lang}={voice}" for lang, voice in speaker.voice_names().items())
        log.info("read-aloud voices: %s", ", ".join(spoken) or "none (ouderbrug voices list)")
    return Shared(
        engine=engine,
        sessions=sessions,
        catalogs=catalogs,
        flows=load_flows(settings.flows_path, languages=catalogs.languages),
        poll_secret=load_secret(settings),
        translator=translator,
        speaker=speaker,
        transcriber=Transcriber(settings.models_data_dir),
    )
