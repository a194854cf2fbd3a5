"""Read-aloud: /voice turns it on or off; after joining, a parent is offered it once (🔊)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.core.codes import CLASS_PREFIX, FAMILY_PREFIX
from bot.models import Member, Role
from bot.read_aloud.service import set_read_aloud
from bot.read_aloud.views import can_read_aloud, offer, state_line
from bot.telegram.common import GROUP_FEATURES, done_with_buttons, pressed, reply, stale
from bot.telegram.context import BotContext


async def voice(update: Update, context: BotContext) -> None:
    """/voice: turn read-aloud on or off and say what happens now."""
    member = context.member
    if member is None:
        await reply(update, context.t("mydata.nothing"))
        return
    async with context.services.sessions() as session:
        member = await set_read_aloud(session, member=member, on=not member.read_aloud)
    await reply(update, state_line(context.services, context.lang, member))


async def offer_after_joining(
    update: Update, context: BotContext, member: Member, payload: str
) -> None:
    """Sign-up: a parent for whom a voice exists is asked once whether to read messages aloud."""
    if not payload.startswith((CLASS_PREFIX, FAMILY_PREFIX)) or member.role != Role.PARENT:
        return  # staff (an invite) and unreadable links: nothing to offer
    language = can_read_aloud(context.services, member)
    if member.read_aloud or language is None:
        return  # no voice for their language: nothing is offered that cannot be done
    text, markup = offer(context.services, context.lang, language)
    await reply(update, text, markup)


async def answer_offer(update: Update, context: BotContext) -> None:
    """🔊 Yes / No under the offer."""
    fields, member = pressed(update, "ra", "w"), context.member
    if fields is None or member is None or fields.words[0] not in ("yes", "no"):
        await stale(update, context)
        return
    on = fields.words[0] == "yes"
    if on != member.read_aloud:
        async with context.services.sessions() as session:
            member = await set_read_aloud(session, member=member, on=on)
    key = None if on else "read_aloud.declined"
    text = state_line(context.services, context.lang, member) if key is None else context.t(key)
    await done_with_buttons(update, context, text)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/voice and the offer's buttons."""
    app.add_handler(CommandHandler("voice", voice), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(answer_offer, pattern=r"^ra:"), group=GROUP_FEATURES)
