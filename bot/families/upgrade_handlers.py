"""After any update of an old parent (a member from before families existed), once: whose parent
are you? One picker per class; the answers become join requests (`LinkVia.UPGRADE`) that the
class's teacher confirms. The hot path costs nothing once a member is settled (a cached flag)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.families import approval, upgrade
from bot.families.approval_handlers import show_picker
from bot.models import Role
from bot.telegram.common import GROUP_FEATURES
from bot.telegram.context import BotContext

GROUP_AFTER = GROUP_FEATURES + 1  # after the update itself was handled


async def ask_once(update: Update, context: BotContext) -> None:
    """Ask an old parent whose parent they are, the first time they use the bot after the upgrade."""
    member, services = context.member, context.services
    if member is None or member.id is None or member.role != Role.PARENT:
        return
    settled = services.caches.settled
    if member.family_asked_at is not None or member.id in settled:
        return
    async with services.sessions() as session:
        classes = await upgrade.classes_to_ask(session, member_id=member.id)
        asking = bool(classes) and await approval.mark_asked(
            session, member_id=member.id, now=services.clock.now()
        )
        await session.commit()
    settled.add(member.id)
    for school_class in classes if asking else []:
        await show_picker(update, context, school_class, upgrade=True)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The question once, after every other handler of the update."""
    app.add_handler(TypeHandler(Update, ask_once), group=GROUP_AFTER)
