"""A parent at a class link (or an old member asked once) says whose parent they are: the child
from the class list (or typed), then mother / father / someone else; the request goes to the
class's teachers (bot/families/decision_handlers.py)."""

from __future__ import annotations

from telegram import Update
from telegram.error import Forbidden
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler

from bot.families import approval, service
from bot.families import approval_views as views
from bot.models import JoinRequest, LinkVia, Member, Role, SchoolClass
from bot.telegram import pending
from bot.telegram.common import (
    GROUP_FEATURES,
    done_with_buttons,
    keyboard,
    pressed,
    reply,
    stale,
)
from bot.telegram.context import BotContext

TYPING = "typing_child_name"  # user_data: the class whose child's name the parent types
TYPED = "typed_child_name"  # user_data: (class id, name typed)


async def picker_text(context: BotContext, school_class: SchoolClass, *, upgrade: bool) -> str:
    """The question above the child picker."""
    key = "approval.upgrade_ask" if upgrade else "approval.pick_child"
    return context.t(key, class_name=school_class.name)


async def show_picker(
    update: Update, context: BotContext, school_class: SchoolClass, *, upgrade: bool = False
) -> None:
    """Ask whose parent this member is: the class's children, first name and initial only."""
    async with context.services.sessions() as session:
        kids = await service.children(session, class_id=school_class.id)
    rows = views.parent_picker(context.t, kids, school_class.id or 0, 0)
    await reply(update, await picker_text(context, school_class, upgrade=upgrade), keyboard(rows))


async def join_with_class_link(
    update: Update, context: BotContext, member: Member, school_class: SchoolClass
) -> None:
    """A parent scanned a class's QR: already in, waiting, or asked whose parent they are."""
    assert member.id is not None and school_class.id is not None
    async with context.services.sessions() as session:
        kind = await approval.membership(session, member_id=member.id, class_id=school_class.id)
        waiting = await approval.waiting(session, member_id=member.id, class_id=school_class.id)
    if waiting is not None:
        await reply(update, context.t("approval.waiting", class_name=school_class.name))
    elif kind is not None:
        await reply(update, context.t("start.already_in_class", class_name=school_class.name))
    else:
        await show_picker(update, context, school_class)


async def turn_page(update: Update, context: BotContext) -> None:
    """‹ › under the parent's picker."""
    fields = pressed(update, "jq", "w##")
    query = update.callback_query
    if fields is None or fields.words[0] != "g" or query is None:
        await stale(update, context)
        return
    class_id, page = fields.numbers
    async with context.services.sessions() as session:
        kids = await service.children(session, class_id=class_id)
    await query.answer()
    rows = views.parent_picker(context.t, kids, class_id, page)
    await query.edit_message_reply_markup(keyboard(rows))


async def pick(update: Update, context: BotContext) -> None:
    """A child picked (`jq:p`) or "not in the list" (`jq:t`)."""
    data = update.callback_query.data if update.callback_query else ""
    if (data or "").startswith("jq:t:"):
        fields = pressed(update, "jq", "w#")
        if fields is None or context.member is None:
            await stale(update, context)
            return
        pending.ask(context, TYPING, fields.numbers[0])
        await done_with_buttons(update, context, context.t("approval.type_name"))
        return
    fields = pressed(update, "jq", "w##")
    if fields is None or context.member is None:
        await stale(update, context)
        return
    class_id, pupil_id = fields.numbers
    async with context.services.sessions() as session:
        kids = await service.children(session, class_id=class_id)
    child = next((c for c in kids if c.pupil_id == pupil_id), None)
    if child is None:
        await stale(update, context)
        return
    text = context.t("approval.ask_role", child=views.short_name(child))
    await done_with_buttons(update, context)
    await reply(update, text, keyboard(views.role_rows(context.t, class_id, pupil_id)))


async def typed_name(update: Update, context: BotContext) -> None:
    """The child's name as the parent typed it; then the role."""
    user_data, msg = context.user_data, update.effective_message
    if user_data is None or msg is None or TYPING not in user_data:
        return
    class_id = user_data.pop(TYPING)
    name = approval.clean_typed_name(msg.text or "")
    if not name:
        pending.ask(context, TYPING, class_id)
        await reply(update, context.t("approval.type_name"))
        raise ApplicationHandlerStop
    user_data[TYPED] = (class_id, name)
    text = context.t("approval.ask_role", child=name)
    await reply(update, text, keyboard(views.role_rows(context.t, class_id, 0)))
    raise ApplicationHandlerStop


async def choose_role(update: Update, context: BotContext) -> None:
    """Mother / father / someone else: the request is made and sent to the class's teachers."""
    fields, member, services = pressed(update, "jq", "w##w"), context.member, context.services
    roles = {role.value: role for role in views.ROLES}
    if (
        fields is None
        or member is None
        or member.id is None
        or member.role != Role.PARENT  # staff join classes by invite only
        or fields.words[1] not in roles
    ):
        await stale(update, context)
        return
    class_id, pupil_id = fields.numbers
    typed = ""
    if pupil_id == 0:
        remembered = (context.user_data or {}).get(TYPED)
        if not remembered or remembered[0] != class_id:
            await stale(update, context)
            return
        typed = remembered[1]
    async with services.sessions() as session:
        made = await approval.ask(
            session,
            school_id=services.school_id,
            member_id=member.id,
            class_id=class_id,
            role=roles[fields.words[1]],
            now=services.clock.now(),
            pupil_id=pupil_id or None,
            typed_name=typed,
        )
        school_class = await session.get(SchoolClass, class_id)
    if made is None or school_class is None:
        await stale(update, context)
        return
    if context.user_data is not None:
        context.user_data.pop(TYPED, None)
    request, new = made
    if not new:
        await done_with_buttons(
            update, context, context.t("approval.waiting", class_name=school_class.name)
        )
        return
    key = "approval.requested_upgrade" if request.via == LinkVia.UPGRADE else "approval.requested"
    await done_with_buttons(update, context, context.t(key, class_name=school_class.name))
    await tell_deciders(context, request, member, school_class.name)


async def tell_deciders(
    context: BotContext, request: JoinRequest, parent: Member, class_name: str
) -> None:
    """Send the request, in Dutch, to every teacher of the class (or the coordinators)."""
    services, shown = context.services, []
    async with services.sessions() as session:
        people = await approval.deciders(
            session, school_id=services.school_id, class_id=request.class_id
        )
        kids = await service.children(session, class_id=request.class_id)
    child = next((c for c in kids if c.pupil_id == request.pupil_id), None)
    catalogs = services.catalogs
    for person in people:
        lang = person.language or services.settings.default_language
        text = views.notice_text(
            catalogs, lang, request=request, parent=parent, class_name=class_name, child=child
        )
        rows = views.decision_rows(lambda k, _l=lang, **v: catalogs.t(_l, k, **v), request)
        try:
            sent = await context.bot.send_message(person.chat_id, text, reply_markup=keyboard(rows))
        except Forbidden:
            continue
        shown.append((sent.chat_id, sent.message_id))
    async with services.sessions() as session:
        await approval.remember_notices(session, request_id=request.id or 0, shown=shown)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """The parent's picker, its pages, the typed name and the role."""
    app.add_handler(CallbackQueryHandler(turn_page, pattern=r"^jq:g:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(pick, pattern=r"^jq:[pt]:"), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(choose_role, pattern=r"^jq:r:"), group=GROUP_FEATURES)
    pending.expect(app, TYPING, typed_name)
