"""What Telegram shows about the bot before anyone presses START: its description (on the empty
chat) and short description (on its profile and in shared links), in every UI language."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.core.i18n import Catalogs

log = logging.getLogger(__name__)


async def set_bot_profile(bot: Bot, catalogs: Catalogs) -> None:
    """Both descriptions once per UI language (Telegram picks by the app's language), and the
    school's default language's for everyone else; a failure is logged, never fatal."""
    for lang in (None, *catalogs.languages):
        code = lang or ""
        text = catalogs.pick(lang)  # None: the default language
        try:
            await bot.set_my_description(catalogs.t(text, "bot.description"), language_code=code)
            await bot.set_my_short_description(
                catalogs.t(text, "bot.short_description"), language_code=code
            )
        except TelegramError:
            log.warning("could not set the bot's description for %r", code, exc_info=True)
