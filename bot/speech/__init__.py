"""Read-aloud: texts spoken as Telegram voice notes (Piper voices, espeak-ng as the fallback)."""

from bot.speech.audio import AudioError, decode_audio, to_ogg_opus
from bot.speech.service import (
    MAX_SPOKEN_CHARS,
    Speaker,
    Speech,
    make_speaker,
    speech_key,
    text_hash,
)

__all__ = [
    "MAX_SPOKEN_CHARS",
    "AudioError",
    "Speaker",
    "Speech",
    "decode_audio",
    "make_speaker",
    "speech_key",
    "text_hash",
    "to_ogg_opus",
]
