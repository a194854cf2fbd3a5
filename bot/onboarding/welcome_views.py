"""The welcome's truthful line about translation: in which language a new parent will read the
school's messages, said by the one translation-status mechanism (`bot.translation.status.plan`)."""

from __future__ import annotations

from bot.core.i18n import Catalogs
from bot.translation.service import Translator
from bot.translation.status import OWN, SECOND, plan


def messages_line(
    catalogs: Catalogs,
    translator: Translator | None,
    *,
    lang: str,
    own: str | None,
    second: str | None,
) -> str:
    """'' when the school's messages reach this parent in their language; otherwise one line in
    their UI language: for now they come in their second language, or in Dutch, and why."""
    outcome = plan(translator, source=catalogs.default, own=own, second=second)
    if outcome.via == OWN:
        return ""
    wanted = catalogs.language_name(outcome.wanted, lang)
    if outcome.via == SECOND and outcome.language != catalogs.default:
        language = catalogs.language_name(outcome.language, lang)
        return catalogs.t(lang, "start.messages_in_second", wanted=wanted, language=language)
    return catalogs.t(lang, "start.messages_in_dutch", wanted=wanted)
