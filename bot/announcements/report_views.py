"""The author's delivery report message, kept up to date in place."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.announcements.views import report_markup, report_text
from bot.models import Announcement, Member

if TYPE_CHECKING:
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)


async def refresh_report_message(
    bot: Bot, services: BotData, announcement: Announcement, figures: object
) -> None:
    """Edit the author's report message; an unchanged or vanished message is not an error."""
    if announcement.report_message_id is None or announcement.author_chat_id is None:
        return
    async with services.sessions() as session:
        text = await report_text(session, services, announcement, figures)  # type: ignore[arg-type]
        author = (
            await session.get(Member, announcement.author_id) if announcement.author_id else None
        )
    markup = report_markup(
        services, services.catalogs.pick(author.language if author else None), announcement
    )
    try:
        await bot.edit_message_text(
            text,
            chat_id=announcement.author_chat_id,
            message_id=announcement.report_message_id,
            reply_markup=markup,
        )
    except BadRequest as err:
        if "not modified" not in str(err):
            log.warning("could not update the report of announcement %s: %s", announcement.id, err)
    except TelegramError as err:
        log.warning("could not update the report of announcement %s: %s", announcement.id, err)
