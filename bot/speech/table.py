"""What each of the bot's languages is read aloud with: `ouderbrug voices list` and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass

from bot.speech.catalog import LANGUAGES, RECOMMENDED
from bot.speech.engines import ESPEAK, ESPEAK_VOICES, PIPER, Voice
from bot.speech.service import Speaker


@dataclass(frozen=True)
class LanguageVoice:
    """One language: the voice that speaks it (None: not read aloud), and what to know."""

    language: str
    voice: Voice | None
    install: str | None  # the Piper voice a school can still install for it


def availability(speaker: Speaker) -> list[LanguageVoice]:
    """Every language of the bot, in the catalogs' order."""
    chosen = speaker.voices()
    rows = []
    for language in LANGUAGES:
        voice = chosen.get(language)
        better = RECOMMENDED.get(language) if voice is None or voice.engine != PIPER else None
        rows.append(LanguageVoice(language, voice, better))
    return rows


def text_table(rows: list[LanguageVoice]) -> list[str]:
    """The table as `ouderbrug voices list` prints it."""
    lines = [f"{'lang':<5} {'spoken by':<38} {'licence':<22} note"]
    for row in rows:
        if row.voice is None:
            why = "espeak-ng off or missing" if row.language in ESPEAK_VOICES else "no voice exists"
            lines.append(f"{row.language:<5} {'- not read aloud':<38} {'':<22} {why}")
            continue
        note = row.voice.note
        if row.install:
            note = f"{note}; better: ouderbrug voices install {row.language}".lstrip("; ")
        lines.append(f"{row.language:<5} {row.voice.name:<38} {row.voice.licence:<22} {note}")
    return lines


__all__ = ["ESPEAK", "LanguageVoice", "availability", "text_table"]
