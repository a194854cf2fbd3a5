"""Which Piper voice to install per language, and where Piper's voices are published.

Names checked against Piper's VOICES.md (rhasspy/piper, v1.0.0 of rhasspy/piper-voices). Piper
offers no Bulgarian, Somali, Tigrinya or Pashto voice: Bulgarian is spoken by espeak-ng, the other
three by nothing (ouderbrug voices list says so).
"""

from __future__ import annotations

INDEX_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main/voices.json"
FILES_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main/"

RECOMMENDED = {
    "nl": "nl_BE-nathalie-medium",  # Flemish, as parents hear it at school
    "fr": "fr_FR-siwis-medium",
    "en": "en_GB-alba-medium",
    "ar": "ar_JO-kareem-medium",
    "tr": "tr_TR-dfki-medium",
    "pl": "pl_PL-gosia-medium",
    "ro": "ro_RO-mihai-medium",
    "es": "es_ES-davefx-medium",
    "uk": "uk_UA-ukrainian_tts-medium",
    "ru": "ru_RU-irina-medium",
    "fa": "fa_IR-gyro-medium",
}
PREFERRED = frozenset(f"piper:{name}" for name in RECOMMENDED.values())

LANGUAGES = tuple("nl fr en ar tr pl ro bg es uk ru fa so ti ps".split())  # the bot's 15
