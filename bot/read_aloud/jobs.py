"""One call for every job and handler that sends a parent a message: its voice message follows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.models import Member

if TYPE_CHECKING:
    from bot.telegram.context import BotData


def after_text(
    services: BotData, member: Member, text: str, *, language: str | None, personal: bool = False
) -> None:
    """`text` (in `language`) was just sent to `member`: when they asked for read-aloud and a
    voice speaks that language, its voice message follows in the background, never delaying
    anything (bot/read_aloud/voice_sender.py). `personal`: an answer to them, audio not kept."""
    if services.voices is not None:
        services.voices.read_aloud(member, text, language=language, personal=personal)
