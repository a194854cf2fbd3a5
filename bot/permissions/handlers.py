"""/form: a teacher asks the families of a class a yes/no question about each child, with a
deadline; then sees the list (yes / no / not yet) and exports it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, CommandHandler

from bot.absences.jobs import edit
from bot.absences.service import teaches
from bot.classes.service import get_class, list_classes
from bot.core.limits import cut
from bot.models import Role
from bot.permissions import jobs, service
from bot.permissions.views import draft_buttons, export_rows, list_text, preview_text
from bot.permissions.views import report_markup as report_buttons
from bot.polls.export import to_csv
from bot.telegram import pending
from bot.telegram.common import GROUP_FEATURES, in_columns, keyboard, pressed, reply, stale
from bot.telegram.context import BotContext

QUESTION = "form_question"
DEADLINE_AT = time(18, 0)  # a form closes in the evening of its last day
DEFAULT_DAYS = 7
RECENT = timedelta(days=30)  # /form also offers the lists of forms closed less than this ago
OFFICE_LISTS = 12  # the office (coordinators) sees the lists of the school's latest forms


def deadline_in(context: BotContext, days: int) -> datetime:
    """18:00 (school time) `days` days from today."""
    tz = context.services.settings.tz
    day = context.services.clock.now().astimezone(tz).date() + timedelta(days=days)
    return datetime.combine(day, DEADLINE_AT, tzinfo=tz)


async def form(update: Update, context: BotContext) -> None:
    """/form: which class."""
    member, services = context.member, context.services
    if member is None or member.id is None:
        return
    office = member.role == Role.COORDINATOR
    own = None if office else member.id
    since = services.clock.now() - RECENT
    async with services.sessions() as session:
        classes = await list_classes(session, school_id=services.school_id, member_id=own)
        earlier = await service.recent(
            session, school_id=services.school_id, author_id=own, since=since,
            limit=OFFICE_LISTS if office else 5,
        )  # fmt: skip
    if not classes:
        await reply(update, context.t("absence.no_classes"))
        return
    rows = in_columns([(c.name, f"pf:c:{c.id}:0") for c in classes], 3)
    names = {c.id: c.name for c in classes}  # the office reads which class each form asked
    rows += [
        [("📋 " + cut(f.question, 34) + f" · {names.get(f.class_id, '?')}", f"pf:l:{f.id}:0")]
        for f in earlier
    ]
    await reply(update, context.t("form.choose_class"), keyboard(rows))


async def class_chosen(update: Update, context: BotContext, class_id: int) -> None:
    """A class: type the question (in Dutch, {child} where the name goes)."""
    member = context.member
    async with context.services.sessions() as session:
        allowed = member is not None and await teaches(session, member=member, class_id=class_id)
    if not allowed:
        await stale(update, context)
        return
    pending.ask(context, QUESTION, class_id)
    query = update.callback_query
    assert query is not None
    await query.answer()
    await edit(query, context.t("form.type_question", child="{child}"))


async def question_typed(update: Update, context: BotContext) -> None:
    """The question: a draft with a deadline in a week, shown as a preview."""
    services, member, message = context.services, context.member, update.effective_message
    class_id = (context.user_data or {}).pop(QUESTION, None)
    if member is None or member.id is None or message is None or not isinstance(class_id, int):
        return
    text = (message.text or "").strip()
    if len(text) > service.MAX_QUESTION:
        pending.ask(context, QUESTION, class_id)
        await reply(update, context.t("form.too_long", max=service.MAX_QUESTION))
        raise ApplicationHandlerStop
    async with services.sessions() as session:
        draft = await service.draft(
            session, school_id=services.school_id, class_id=class_id, author_id=member.id,
            question=text, deadline=deadline_in(context, DEFAULT_DAYS), now=services.clock.now(),
        )  # fmt: skip
    text, markup = await preview(context, draft.id or 0)
    await reply(update, text, markup)
    raise ApplicationHandlerStop


async def preview(context: BotContext, form_id: int) -> tuple[str, InlineKeyboardMarkup]:
    """The draft's preview and its buttons."""
    services = context.services
    async with services.sessions() as session:
        form = await session.get(service.PermissionForm, form_id)
        assert form is not None
        school_class = await get_class(session, school_id=services.school_id, class_id=form.class_id)  # fmt: skip
        copies = len(await service.recipients(session, form=form))
    text = preview_text(services, context.lang, form, school_class.name, copies)
    return text, keyboard(draft_buttons(services, context.lang, form))


async def form_button(update: Update, context: BotContext) -> None:
    """The teacher's buttons: class, deadline, photo consent, send, cancel, list, export."""
    fields, member = pressed(update, "pf", "w##"), context.member
    if fields is None or member is None:
        await stale(update, context)
        return
    action, (number, extra) = fields.words[0], fields.numbers
    if action == "c":
        await class_chosen(update, context, number)
        return
    async with context.services.sessions() as session:
        if action in ("l", "e"):  # the author's, or any for the office
            found = await service.readable_form(session, form_id=number, member=member)
        else:
            found = await service.own_form(session, form_id=number, member=member, drafts=True)
        if found is not None and action == "d" and extra in (2, 7, 14):
            await service.change(session, form=found, deadline=deadline_in(context, extra))
        elif found is not None and action == "p":
            await service.change(session, form=found, photo=not found.photo_consent)
    query = update.callback_query
    if found is None or query is None or (action == "d" and extra not in (2, 7, 14)):
        await stale(update, context)
        return
    await query.answer()
    if action in ("d", "p"):
        text, markup = await preview(context, number)
        await edit(query, text, markup)
    elif action == "x":
        await edit(query, context.t("form.cancelled"))
    elif action == "s":
        sent = await jobs.send_form(context.services, context.bot, number)
        text = context.tn("form.sent", sent, count=sent)
        await edit(query, text, report_buttons(context.services, context.lang, number))
    elif action in ("l", "e"):
        await show_list(update, context, found, export=action == "e")


async def show_list(
    update: Update, context: BotContext, form: service.PermissionForm, *, export: bool
) -> None:
    """The list in the chat, or a CSV file (`;`, BOM, CRLF)."""
    async with context.services.sessions() as session:
        lines = await service.status(session, form=form)
    chat = update.effective_chat
    if chat is None:
        return
    if not export:
        text = list_text(context.services, context.lang, form, lines)
        await chat.send_message(text, reply_markup=report_buttons(context.services, context.lang, form.id or 0))  # fmt: skip
        return
    header = context.t("form.export_header").split("|")
    rows = export_rows(context.services, context.lang, lines)
    await chat.send_document(to_csv(header, rows), filename=f"form-{form.id}.csv")


async def photo_reminder(context: BotContext, class_ids: list[int]) -> str:
    """Under a photo's preview: the children of its classes without photo consent ('' if none)."""
    async with context.services.sessions() as session:
        missing = await service.without_photo_consent(session, class_ids=class_ids)
    if not missing:
        return ""
    names = ", ".join(c.label for c in missing)
    return "\n\n" + context.tn(
        "form.photo_missing", len(missing), count=len(missing), children=names
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/form, the teacher's buttons, the typed question."""
    app.add_handler(CommandHandler("form", form), group=GROUP_FEATURES)
    app.add_handler(CallbackQueryHandler(form_button, pattern=r"^pf:"), group=GROUP_FEATURES)
    pending.expect(app, QUESTION, question_typed)
