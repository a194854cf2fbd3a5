"""/dashboard: coordinators get a one-time link to the dashboard in their browser."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.dashboard.auth import LINK_LIFETIME, LINKS_PER_HOUR, create_login
from bot.telegram.common import GROUP_FEATURES, reply, require_member
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


async def dashboard(update: Update, context: BotContext) -> None:
    """/dashboard: a login link that works once, for ten minutes."""
    services, member = context.services, require_member(context)
    public_url = services.settings.public_url
    if not public_url:
        await reply(update, context.t("dash.not_configured"))
        return
    async with services.sessions() as session:
        token = await create_login(
            session, school_id=member.school_id, member_id=member.id or 0, now=services.clock.now()
        )
    if token is None:
        await reply(update, context.t("dash.too_many_links", count=LINKS_PER_HOUR))
        return
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    link = f"{public_url}/dashboard/login/{token}"
    await reply(update, context.tn("dash.link", minutes, link=link, minutes=minutes))
    log.info("dashboard link sent to coordinator %s", member.id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The /dashboard command."""
    app.add_handler(CommandHandler("dashboard", dashboard), group=GROUP_FEATURES)
