"""A parent's voice note understood: transcribed on the server and translated to Dutch for the team.

Runs after the parent's receipt, so the parent is never kept waiting; a missing or failing model
only means the team gets the audio without text (nothing is lost).
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.core.i18n import Catalogs
from bot.models import InboxMessage
from bot.telegram.context import BotContext, BotData

log = logging.getLogger(__name__)


async def transcribe_for_team(context: BotContext, stored: InboxMessage) -> None:
    """Store the transcript of a voice note and its Dutch translation (text_nl)."""
    if stored.kind != "voice" or not stored.file_id:
        return
    heard = await hear(context.services, context.bot, stored.file_id, stored.language)
    if heard is None:
        return
    async with context.services.sessions() as session:
        stored.transcript, stored.text_nl = heard
        session.add(stored)
        await session.commit()


async def hear(
    services: BotData, bot: Bot, file_id: str, language: str | None
) -> tuple[str, str | None] | None:
    """(what the voice note says, its Dutch or None); None: no model, or it heard nothing."""
    transcriber = services.transcriber
    if transcriber is None or not transcriber.can_transcribe():
        return None
    try:
        file = await bot.get_file(file_id)
        audio = bytes(await file.download_as_bytearray())
    except TelegramError:
        log.warning("could not fetch a voice note to transcribe", exc_info=True)
        return None
    heard = await transcriber.transcribe(audio, language=language)
    if heard is None:
        return None
    return heard.text, await to_dutch(services, heard.text, heard.language)


async def to_dutch(services: BotData, text: str, language: str) -> str | None:
    """The school's language of a transcript (None: no translation route for that language)."""
    school_lang = services.settings.default_language
    if language == school_lang:
        return None
    if services.translator is None:
        return None
    result = await services.translator.translate_for(text, source=language, languages=[school_lang])
    return result.text if result.machine else None


def transcript_line(catalogs: Catalogs, lang: str, message: InboxMessage) -> str | None:
    """'🎤 Transcribed (and translated) by machine, may contain mistakes: ...' or None."""
    if not message.transcript:
        return None
    return heard_line(catalogs, lang, message.language, message.transcript, message.text_nl)


def heard_line(
    catalogs: Catalogs, lang: str, language: str | None, transcript: str, dutch: str | None
) -> str:
    """The machine transcript for the team, in Dutch when translated, marked as such."""
    if dutch:
        name = catalogs.language_name(language or "nl", lang)
        return catalogs.t(lang, "team.transcribed_translated", language=name, text=dutch)
    return catalogs.t(lang, "team.transcribed", text=transcript)
