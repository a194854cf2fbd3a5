"""Parents support parents: /buddy to volunteer; a coordinator connects a buddy and a parent who both agree."""

from __future__ import annotations

from telegram import MessageEntity, Update, User
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.conversations import buddies as svc
from bot.models import Conversation, Member, Role
from bot.onboarding.handlers import stale
from bot.telegram.common import GROUP_FEATURES, in_columns, keyboard, numeric_press, pressed, reply
from bot.telegram.context import BotContext


async def buddy_command(update: Update, context: BotContext) -> None:
    """/buddy: a parent volunteers (or stops) as a language buddy."""
    member = context.member
    if member is None:
        return
    key = "buddy.is_buddy" if member.buddy else "buddy.invite"
    rows = [[(context.t("buddy.yes_button"), "budme:1"), (context.t("buddy.no_button"), "budme:0")]]
    await reply(update, context.t(key), keyboard(rows))


async def buddy_choice(update: Update, context: BotContext) -> None:
    """Yes or no to being a buddy."""
    query, member = update.callback_query, context.member
    if query is None or member is None or query.data not in ("budme:1", "budme:0"):
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        member.buddy = query.data == "budme:1"
        session.add(member)
        await session.commit()
    await query.answer()
    await query.edit_message_text(context.t("buddy.on" if member.buddy else "buddy.off"))


async def find_buddy(update: Update, context: BotContext) -> None:
    """🤝 under a conversation (coordinators): the volunteers who speak the parent's language."""
    query, press = update.callback_query, numeric_press(update, context, "conv")
    async with context.services.sessions() as session:
        conversation = await session.get(Conversation, press.number) if press else None
        parent = await session.get(Member, conversation.member_id) if conversation else None
        helpers = await svc.buddies_for(session, parent=parent) if parent else []
    if query is None or press is None or parent is None or press.member.role != Role.COORDINATOR:
        await stale(update, context)
        return
    await query.answer()
    language = context.services.catalogs.language_name(parent.language or "nl", context.lang)
    if not helpers:
        await reply(update, context.t("buddy.none", language=language))
        return
    buttons = [(h.first_name, f"budask:{parent.id}:{h.id}") for h in helpers]
    await reply(
        update, context.t("buddy.pick", language=language), keyboard(in_columns(buttons, 2))
    )


async def ask_buddy(update: Update, context: BotContext) -> None:
    """The coordinator picked a buddy: the buddy is asked first."""
    query, member, fields = update.callback_query, context.member, pressed(update, "budask", "##")
    if query is None or member is None or member.role != Role.COORDINATOR or fields is None:
        await stale(update, context)
        return
    services = context.services
    async with services.sessions() as session:
        parent = await session.get(Member, fields.numbers[0])
        buddy = await session.get(Member, fields.numbers[1])
        allowed = (
            parent is not None
            and parent.school_id == member.school_id
            and buddy in await svc.buddies_for(session, parent=parent)
        )
        if parent is None or buddy is None or not allowed:
            await stale(update, context)
            return
        request = await svc.ask(
            session, parent=parent, buddy=buddy, asked_by=member, now=services.clock.now()
        )
    await query.answer()
    await query.edit_message_text(context.t("buddy.asked", name=buddy.first_name))
    lang = services.catalogs.pick(buddy.language)
    await send(context, buddy, lang, "buddy.request", f"bud:yes:{request.id}", f"bud:no:{request.id}",
               language=services.catalogs.language_name(parent.language or "nl", lang, with_native=True))  # fmt: skip


async def send(context: BotContext, person: Member, lang: str, key: str, yes: str, no: str, **values: object) -> None:  # fmt: skip
    """A yes/no question in the person's language."""
    t = context.services.catalogs.t
    rows = [[(t(lang, "buddy.yes_button"), yes), (t(lang, "buddy.no_button"), no)]]
    try:
        await context.bot.send_message(
            person.chat_id, t(lang, key, **values), reply_markup=keyboard(rows)
        )
    except TelegramError:
        pass  # they will not be connected; the coordinator sees no agreement


async def answer(update: Update, context: BotContext) -> None:
    """Yes/no from the buddy, then from the parent; contact details only after both said yes."""
    query, press = update.callback_query, numeric_press(update, context, "bud")
    services = context.services
    async with services.sessions() as session:
        request = (
            await svc.answer(session, request_id=press.number, member_id=press.member_id, action=press.action)
            if press else None
        )  # fmt: skip
        people = [await session.get(Member, i) for i in (request.parent_id, request.buddy_id, request.asked_by or 0)] if request else []  # fmt: skip
    if query is None or press is None or request is None:
        await stale(update, context)
        return
    parent, buddy, coordinator = people
    await query.answer()
    await query.edit_message_text(context.t("buddy.thanks"))
    if parent is None or buddy is None:
        return
    if request.status == "buddy_yes":
        lang = services.catalogs.pick(parent.language)
        await send(context, parent, lang, "buddy.offer", f"bud:pyes:{request.id}", f"bud:pno:{request.id}", name=buddy.first_name)  # fmt: skip
    elif request.status == "agreed":
        await introduce(context, parent, buddy)
        await introduce(context, buddy, parent)
    if coordinator is not None and request.status in ("agreed", "declined"):
        key = "buddy.team_agreed" if request.status == "agreed" else "buddy.team_declined"
        lang = services.catalogs.pick(coordinator.language)
        text = services.catalogs.t(lang, key, parent=parent.first_name, buddy=buddy.first_name)
        try:
            await context.bot.send_message(coordinator.chat_id, text)
        except TelegramError:
            pass


async def introduce(context: BotContext, person: Member, other: Member) -> None:
    """Tell `person` who `other` is, with their name as a tap-to-chat mention."""
    catalogs = context.services.catalogs
    text = catalogs.t(catalogs.pick(person.language), "buddy.connected", name=other.first_name)
    start = text.find(other.first_name)
    entities = []
    if start >= 0:
        offset = len(text[:start].encode("utf-16-le")) // 2
        length = len(other.first_name.encode("utf-16-le")) // 2
        user = User(id=other.telegram_id, first_name=other.first_name, is_bot=False)
        entities = [MessageEntity(MessageEntity.TEXT_MENTION, offset, length, user=user)]
    try:
        await context.bot.send_message(person.chat_id, text, entities=entities)
    except TelegramError:
        pass


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/buddy, and the buttons that connect a buddy and a parent."""
    app.add_handler(CommandHandler("buddy", buddy_command), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(buddy_choice, pattern=r"^budme:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(find_buddy, pattern=r"^conv:buddy:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(ask_buddy, pattern=r"^budask:"), group=GROUP_FEATURES)
    app.add_handler(
        CallbackQueryHandler(answer, pattern=r"^bud:(yes|no|pyes|pno):"), group=GROUP_FEATURES
    )
