"""The team writes first to one family: /write (class, then child) or a class list's `fw:` button,
the message typed in Dutch, a preview, and each guardian gets it translated in their thread."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from bot.conversations.answer_handlers import deliver_answer
from bot.core.limits import cut
from bot.families import family_messages as svc
from bot.families import write_views as views
from bot.families.family_messages import FamilyView
from bot.models import Member
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, pressed, reply, stale
from bot.telegram.context import BotContext
from bot.translation.status import Outcome

WRITING = "awaiting_family_message"  # user_data: the family whose message is being typed
DRAFT = "family_message_draft"  # user_data: (family id, text, photo file id) waiting for Send


async def write(update: Update, context: BotContext) -> None:
    """/write: pick a class (when there are several), then the child whose family gets it."""
    member = context.member
    if member is None:
        return
    async with context.services.sessions() as session:
        classes = await svc.writable_classes(session, member=member)
    if not classes:
        await reply(update, context.t("announce.no_class"))
    elif len(classes) == 1:
        await show_families(update, context, member, classes[0].id or 0)
    else:
        await reply(update, context.t("families.write_pick_class"), views.classes_keyboard(classes))


async def pick_class(update: Update, context: BotContext) -> None:
    """A class was picked: its children, one button per family."""
    fields, member = pressed(update, "fwc", "#"), context.member
    if fields is None or member is None or update.callback_query is None:
        await stale(update, context)
        return
    await show_families(update, context, member, fields.numbers[0])


async def show_families(update: Update, context: BotContext, member: Member, class_id: int) -> None:
    """The children of a class as buttons (siblings in the class share one)."""
    async with context.services.sessions() as session:
        families = await svc.class_families(session, member=member, class_id=class_id)
    if families is None:
        await stale(update, context)
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    if not families:
        await reply(update, context.t("families.write_no_pupils"))
        return
    await reply(update, context.t("families.write_pick_child"), views.families_keyboard(families))


async def pick_family(update: Update, context: BotContext) -> None:
    """`fw:<family>`: ask for the message, or say nobody of the family uses the bot yet."""
    query, family = update.callback_query, await allowed_family(update, context, "fw")
    if query is None or family is None:
        await stale(update, context)
        return
    await query.answer()
    if not family.guardians:
        text, markup = views.nobody(context, family)
        await reply(update, text, markup)
        return
    pending.ask(context, WRITING, family.family_id)
    await reply(update, views.prompt(context, family))


async def typed(update: Update, context: BotContext) -> None:
    """The message to the family, in Dutch (or a photo with a caption): a preview, Send / Cancel."""
    msg, user_data, member = update.effective_message, context.user_data, context.member
    if msg is None or user_data is None or member is None or WRITING not in user_data:
        return
    family_id = user_data.pop(WRITING)
    async with context.services.sessions() as session:
        family = await svc.family_for_writer(session, member=member, family_id=family_id)
    if family is None or not family.guardians:
        await reply(update, context.t("inbox.gone"))
        raise ApplicationHandlerStop
    text = cut(msg.text or msg.caption or "", 3000)  # room for the heading and a translation
    photo = msg.photo[-1].file_id if msg.photo else None
    user_data[DRAFT] = (family_id, text, photo)
    if photo is not None:  # the photo as the family will see it, above the preview
        await msg.reply_photo(photo)
    body, markup = views.preview(context, family, ("🖼 " if photo else "") + text)
    await reply(update, cut(body), markup)
    raise ApplicationHandlerStop


async def send(update: Update, context: BotContext) -> None:
    """Send: each approved guardian gets it translated, in their own conversation."""
    query, family = update.callback_query, await allowed_family(update, context, "fws")
    draft = (context.user_data or {}).get(DRAFT)
    author = context.member
    if (
        query is None
        or family is None
        or author is None
        or not draft
        or draft[0] != family.family_id
    ):
        await stale(update, context)
        return
    assert context.user_data is not None
    context.user_data.pop(DRAFT)
    await query.answer()
    await query.edit_message_reply_markup(None)
    results: list[tuple[Member, Outcome | None]] = []
    for person, _role in family.guardians:
        async with context.services.sessions() as session:
            conversation = await svc.thread_for(
                session, parent=person, author=author, now=context.services.clock.now()
            )
        outcome = await deliver_answer(
            context, conversation, person, author, draft[1],
            family=(family.family_id, family.label), photo=draft[2],
        )  # fmt: skip
        results.append((person, outcome))
    await reply(update, cut(views.sent_report(context, family, results)))


async def cancel(update: Update, context: BotContext) -> None:
    """Cancel under the preview: nothing is sent."""
    query = update.callback_query
    if query is None or pressed(update, "fwx", "#") is None:
        await stale(update, context)
        return
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    await query.answer()
    await query.edit_message_text(context.t("families.write_cancelled"))


async def allowed_family(update: Update, context: BotContext, verb: str) -> FamilyView | None:
    """The family of a `verb:<family_id>` press, if the presser may write to it."""
    fields, member = pressed(update, verb, "#"), context.member
    if fields is None or member is None:
        return None
    async with context.services.sessions() as session:
        return await svc.family_for_writer(session, member=member, family_id=fields.numbers[0])


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/write, the class and child buttons, the typed message, Send and Cancel."""
    app.add_handler(CommandHandler("write", write), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(pick_class, pattern=r"^fwc:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(pick_family, pattern=r"^fw:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(send, pattern=r"^fws:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(cancel, pattern=r"^fwx:"), group=GROUP_FEATURES)
    pending.expect(app, WRITING, typed, accepts=(filters.TEXT | filters.PHOTO) & ~filters.COMMAND)
