"""Offline machine translation (argostranslate, CTranslate2 direct and many-to-many models)."""

from bot.translation.engine import EngineError
from bot.translation.environment import configure_argos_environment
from bot.translation.service import TranslationResult, Translator, TranslatorStats

__all__ = [
    "EngineError",
    "TranslationResult",
    "Translator",
    "TranslatorStats",
    "configure_argos_environment",
]
