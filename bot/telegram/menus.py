"""Telegram's command menu: each role sees its own commands, in its own language."""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
)
from telegram.error import TelegramError

from bot.core.commands import menu_for
from bot.core.i18n import Catalogs
from bot.models import Member, Role
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


def commands_for(catalogs: Catalogs, role: Role, lang: str) -> list[BotCommand]:
    """The menu of a role in a language."""
    return [BotCommand(c.name, catalogs.t(lang, c.description_key)) for c in menu_for(role)]


async def set_default_menus(bot: Bot, catalogs: Catalogs) -> None:
    """Parents' menu in every private chat, once per UI language (Telegram picks by the app's
    language); no menu in groups, where the bot only points to its private chat."""
    private = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands(commands_for(catalogs, Role.PARENT, catalogs.default), scope=private)
    await bot.delete_my_commands(scope=BotCommandScopeDefault())
    for lang in catalogs.languages:
        await bot.set_my_commands(
            commands_for(catalogs, Role.PARENT, lang), scope=private, language_code=lang
        )
        # Menus of earlier versions were set for every chat, groups included.
        await bot.delete_my_commands(scope=BotCommandScopeDefault(), language_code=lang)


async def set_member_menu(context: BotContext, member: Member) -> None:
    """The menu of one member's chat: their role's commands in their chosen language."""
    catalogs = context.services.catalogs
    lang = catalogs.pick(member.language)
    try:
        await context.bot.set_my_commands(
            commands_for(catalogs, Role(member.role), lang),
            scope=BotCommandScopeChat(member.chat_id),
        )
    except TelegramError:
        log.warning("could not set the command menu for member %s", member.id, exc_info=True)


async def clear_member_menu(bot: Bot, chat_id: int) -> None:
    """Back to the default menu (after /forget)."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError:
        log.warning("could not clear the command menu of a chat", exc_info=True)
