"""What read-aloud says: the 🔊 offer at sign-up, the answers to /voice, the line in /mydata."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup

from bot.models import Member
from bot.read_aloud.service import voice_language
from bot.telegram.common import keyboard
from bot.translation.status import plan

if TYPE_CHECKING:
    from bot.telegram.context import BotData


def spoken_language(services: BotData, member: Member) -> str | None:
    """The language the school's messages would be read aloud in for this parent now (the one
    their copies come in, when it is one they chose), or None."""
    outcome = plan(
        services.translator, source=services.catalogs.default, own=member.language,
        second=member.second_language,
    )  # fmt: skip
    return voice_language(
        own=member.language, second=member.second_language, copy_language=outcome.language
    )


def can_read_aloud(services: BotData, member: Member) -> str | None:
    """The language a voice would read this parent's messages in, when one is installed."""
    language = spoken_language(services, member)
    speaker = services.speaker
    return language if language and speaker is not None and speaker.can_speak(language) else None


def offer(services: BotData, lang: str, language: str) -> tuple[str, InlineKeyboardMarkup]:
    """'🔊 Shall I also read messages aloud to you?' with 🔊 Yes / No."""
    t, name = services.catalogs.t, services.catalogs.language_name(language, lang)
    rows = [
        [(t(lang, "read_aloud.button_yes"), "ra:yes"), (t(lang, "read_aloud.button_no"), "ra:no")]
    ]
    return t(lang, "read_aloud.offer", language=name), keyboard(rows)


def state_line(services: BotData, lang: str, member: Member) -> str:
    """What /voice changed, or the offer's answer: on (with a voice or none yet), off."""
    t = services.catalogs.t
    if not member.read_aloud:
        return t(lang, "read_aloud.off")
    language = can_read_aloud(services, member)
    if language is not None:
        return t(lang, "read_aloud.on", language=services.catalogs.language_name(language, lang))
    wanted = member.language or services.catalogs.default
    name = services.catalogs.language_name(wanted, lang)
    speaker = services.speaker
    if speaker is not None and speaker.can_speak(wanted):  # a voice, but their copies are Dutch
        return t(lang, "read_aloud.on_no_translation", language=name)
    return t(lang, "read_aloud.on_no_voice", language=name)


def mydata_line(services: BotData, lang: str, member: Member) -> str:
    """/mydata: whether messages are read aloud to the member."""
    key = "mydata.read_aloud_on" if member.read_aloud else "mydata.read_aloud_off"
    return services.catalogs.t(lang, key)
