"""A class's teacher decides on a join request: Approve / Refuse (`jr:a:<id>` / `jr:r:<id>`); a
typed name first gets the child picked from the class list (`jp:<id>:<pupil>`, 0 = the class
only). The first decision wins: every teacher's copy then says who decided, and the parent is
told in their language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CallbackQueryHandler

from bot.families import approval, service
from bot.families import approval_views as views
from bot.families.approval import ApprovalError, Decided
from bot.models import Member, Role
from bot.onboarding.welcome_views import messages_line
from bot.telegram.common import GROUP_FEATURES, keyboard, pressed, reply, stale
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


async def alert(update: Update, context: BotContext, err: ApprovalError) -> None:
    """A press that cannot decide (any more): say why, in a short alert."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.t(err.key, **err.values), show_alert=True)


def staff(context: BotContext) -> Member | None:
    """The pressing member when they are staff (a parent's press is stale)."""
    member = context.member
    ok = member is not None and member.role in (Role.TEACHER, Role.COORDINATOR)
    return member if ok else None


async def press(update: Update, context: BotContext) -> None:
    """Approve or Refuse under a request."""
    fields, member = pressed(update, "jr", "w#"), staff(context)
    if fields is None or member is None or fields.words[0] not in ("a", "r"):
        await stale(update, context)
        return
    request_id, services = fields.numbers[0], context.services
    async with services.sessions() as session:
        try:
            request = await approval.request_of(
                session, school_id=services.school_id, request_id=request_id, decider=member
            )
        except ApprovalError as err:
            await alert(update, context, err)
            return
        kids = await service.children(session, class_id=request.class_id)
        parent = await session.get(Member, request.member_id)
    if fields.words[0] == "a" and request.pupil_id is None and kids:
        query = update.callback_query
        assert query is not None
        await query.answer()
        name = parent.first_name if parent else ""
        text = context.t("approval.pick_for", parent=name, typed=request.typed_name or "-")
        await reply(update, text, keyboard(views.teacher_picker(context.t, kids, request_id, 0)))
        return
    await decide(update, context, member, request_id, approve=fields.words[0] == "a", pupil=None)


async def pick(update: Update, context: BotContext) -> None:
    """The teacher picked the child of a typed name (or the class only)."""
    fields, member = pressed(update, "jp", "##"), staff(context)
    if fields is None or member is None:
        await stale(update, context)
        return
    request_id, pupil = fields.numbers
    await decide(update, context, member, request_id, approve=True, pupil=pupil)


async def turn_page(update: Update, context: BotContext) -> None:
    """‹ › under the teacher's picker."""
    fields, member, query = pressed(update, "jg", "##"), staff(context), update.callback_query
    if fields is None or member is None or query is None:
        await stale(update, context)
        return
    request_id, page = fields.numbers
    services = context.services
    async with services.sessions() as session:
        try:
            request = await approval.request_of(
                session, school_id=services.school_id, request_id=request_id, decider=member
            )
        except ApprovalError as err:
            await alert(update, context, err)
            return
        kids = await service.children(session, class_id=request.class_id)
    await query.answer()
    await query.edit_message_reply_markup(
        keyboard(views.teacher_picker(context.t, kids, request_id, page))
    )


async def decide(
    update: Update,
    context: BotContext,
    member: Member,
    request_id: int,
    *,
    approve: bool,
    pupil: int | None,
) -> None:
    """Make the decision, update every teacher's copy, tell the parent."""
    services = context.services
    async with services.sessions() as session:
        try:
            decided = await approval.decide(
                session,
                school_id=services.school_id,
                request_id=request_id,
                decider=member,
                approve=approve,
                now=services.clock.now(),
                pupil_id=pupil,
            )
        except ApprovalError as err:
            await alert(update, context, err)
            return
        shown = await approval.notices(session, request_id=request_id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await update_copies(context, decided, member.first_name, shown, update)
    await tell_parent(context, decided)


async def update_copies(
    context: BotContext, decided: Decided, decider: str, shown: list[tuple[int, int, str | None]],
    update: Update,
) -> None:  # fmt: skip
    """Every teacher's copy of the request (and the picker pressed) now says who decided, each
    in that teacher's language."""
    catalogs = context.services.catalogs
    query = update.callback_query
    here = (query.message.chat.id, query.message.message_id) if query and query.message else None
    copies = {(chat, message): lang for chat, message, lang in shown}
    if here is not None:
        copies.setdefault(here, context.lang)
    for (chat_id, message_id), lang in copies.items():
        text = views.outcome_text(catalogs, lang or context.lang, decided, decider)
        try:
            await context.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
        except (BadRequest, Forbidden) as err:  # deleted by the teacher, or bot blocked
            log.info("join request %s: copy not updated: %s", decided.request.id, err)


async def tell_parent(context: BotContext, decided: Decided) -> None:
    """The parent reads the outcome in their language (the welcome with a first class)."""
    catalogs, parent = context.services.catalogs, decided.parent
    text = views.parent_outcome(catalogs, decided)
    if decided.approved and decided.request.via != "upgrade":
        async with context.services.sessions() as session:
            classes = await approval.class_count(session, member_id=parent.id or 0)
        if classes == 1:  # their first class: the welcome, and where messages will come
            lang = parent.language or "nl"
            text += "\n\n" + catalogs.t(lang, "start.welcome", name=parent.first_name)
            line = messages_line(
                catalogs, context.services.translator, lang=lang,
                own=parent.language, second=parent.second_language,
            )  # fmt: skip
            text += "\n\n" + line if line else ""
    try:
        await context.bot.send_message(parent.chat_id, text)
    except Forbidden:
        log.info("parent %s blocked the bot before hearing about request", parent.id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Approve / Refuse, the teacher's child picker and its pages."""
    app.add_handler(CallbackQueryHandler(press, pattern=r"^jr:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(pick, pattern=r"^jp:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(turn_page, pattern=r"^jg:"), group=GROUP_FEATURES)
