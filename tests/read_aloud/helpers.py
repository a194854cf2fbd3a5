"""Story helpers for read-aloud: tiny real Piper voices installed, voice messages heard back."""

from __future__ import annotations

import io

import av
from sqlmodel import select

from bot.demo.school import School
from bot.models import Delivery
from bot.read_aloud.voice_sender import VoiceSender
from bot.simulator import SimUser
from bot.simulator.state import BotMessage
from bot.speech.service import voices_folder
from tests.helpers.piper_voice import write_tiny_voice

REGIONS = {"ar": "JO", "tr": "TR", "pl": "PL", "nl": "BE", "uk": "UA", "ro": "RO", "fr": "FR"}


def install_voices(school: School, *languages: str) -> None:
    """Tiny real Piper voices for these languages, installed where a school's voices go, and the
    Speaker told to look again (as after `ouderbrug voices install`)."""
    services = school.app.bot_data
    folder = voices_folder(services.settings)
    for code in languages:
        name = f"{code}_{REGIONS[code]}-tiny-x_low"
        write_tiny_voice(folder, name, language=code, espeak_voice=code, region=REGIONS[code])
    assert services.speaker is not None
    services.speaker.reload()
    assert all(services.speaker.can_speak(code) for code in languages)


def voices_of(user: SimUser) -> list[BotMessage]:
    """The voice messages a person received."""
    return [m for m in user.messages if m.kind == "voice" and not m.deleted]


def heard(school: School, message: BotMessage) -> tuple[str, str, float]:
    """(container, codec, seconds) of a voice message, decoded by PyAV from the bytes Telegram
    got: it is OGG/Opus, as sendVoice wants."""
    data = school.tg.file_bytes(message.file_id)
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return container.format.name, stream.codec_context.name, samples / stream.rate


def voice_sender(school: School) -> VoiceSender:
    """The bot's read-aloud sender."""
    voices = school.app.bot_data.voices
    assert isinstance(voices, VoiceSender)
    return voices


async def all_voiced(school: School) -> None:
    """Wait until every text copy is out and every wanted voice copy was handled."""
    sender = school.app.bot_data.sender
    assert sender is not None
    await sender.idle.wait()  # type: ignore[attr-defined]
    await voice_sender(school).idle.wait()
    await voice_sender(school).settled()


async def voice_states(school: School) -> dict[int, str | None]:
    """Each outbox row's voice state, by the parent's chat."""
    async with school.app.bot_data.sessions() as session:
        rows = await session.exec(select(Delivery))
        return {d.chat_id: d.voice for d in rows}


def has_button(message: BotMessage, data: str) -> bool:
    """Whether a message carries a button with this callback data."""
    return any(d == data for row in message.buttons for _, d in row)
