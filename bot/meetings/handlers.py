"""Families book a time for each child (side by side with other families' presses), change,
cancel, ask for an interpreter; the teacher opens the schedule and who has not booked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InputFile, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot.announcements.service import school_of
from bot.families.service import Child
from bot.meetings import booking as bookings
from bot.meetings import jobs, manage, manage_handlers, plan_handlers, views
from bot.meetings import service as meet
from bot.meetings.booking import Booked, Outcome
from bot.meetings.printout import schedule_pdf
from bot.models import MeetingPlan, MeetingSlot
from bot.telegram.common import GROUP_FEATURES, pressed, stale
from bot.telegram.context import BotContext

ALONGSIDE = "ms:"


def alongside(update: object) -> bool:
    """A press on a free time: handled beside other families' presses (bot/telegram/updates.py)."""
    query = update.callback_query if isinstance(update, Update) else None
    return query is not None and (query.data or "").startswith(ALONGSIDE)


async def _edit(update: Update, text: str, markup: object = None) -> None:
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_text(text, reply_markup=markup)  # type: ignore[arg-type]
    except BadRequest as err:
        if "not modified" not in str(err):
            raise


@dataclass(frozen=True)
class Offer:
    """A child's free times as read from the database (shown after the session is closed)."""

    plan: MeetingPlan
    child: Child
    free: list[MeetingSlot]
    suggestion: tuple[int, str] | None
    teacher: str


async def _offer(session: AsyncSession, plan: MeetingPlan, child: Child, suggestion: tuple[int, str] | None = None) -> Offer:  # fmt: skip
    free = await meet.free_slots(session, plan_id=plan.id or 0)
    if suggestion is None:
        suggestion = await meet.sibling_suggestion(session, plan=plan, child=child, free=free)
    return Offer(plan, child, free, suggestion, await meet.host_name(session, plan=plan))


def _offer_view(context: BotContext, offer: Offer, first: str | None = None) -> tuple[str, object]:
    """The child's invitation with the times still free (a sibling's neighbour first)."""
    services, tz = context.services, context.services.settings.tz
    text = views.invitation(
        services.catalogs, context.lang, plan=offer.plan, child=offer.child, tz=tz,
        free=len(offer.free), teacher=offer.teacher,
    )  # fmt: skip
    if first:
        text = first + "\n\n" + text
    markup = views.slot_keyboard(services.catalogs, context.lang, free=offer.free, pupil_id=offer.child.pupil_id, tz=tz, suggested=offer.suggestion)  # fmt: skip
    return text, markup


async def _teacher(session: AsyncSession, plan: MeetingPlan) -> str:
    return await meet.host_name(session, plan=plan)


async def _show_booked(update: Update, context: BotContext, done: Booked, teacher: str) -> None:
    assert done.plan and done.child and done.slot and done.booking
    text, markup = views.booked(
        context.services.catalogs, context.lang, plan=done.plan, child=done.child, slot=done.slot,
        booking=done.booking, teacher=teacher, tz=context.services.settings.tz,
    )  # fmt: skip
    await _edit(update, text, markup)


async def _refused(update: Update, context: BotContext, done: Booked) -> bool:
    """Answer a press that did nothing: stale, or closed since the deadline. True if answered."""
    query = update.callback_query
    if done.outcome == Outcome.REFUSED or query is None:
        await stale(update, context)
        return True
    if done.outcome == Outcome.CLOSED and done.plan is not None:
        when = views.deadline(done.plan, tz=context.services.settings.tz, lang=context.lang)
        await query.answer(context.t("meet.closed", deadline=when), show_alert=True)
        return True
    return False


async def book(update: Update, context: BotContext) -> None:
    """A free time pressed: booked (with a calendar file and reminders), or taken a moment ago.
    Everything is read in one short session; Telegram is answered after it closed."""
    fields, member, query = pressed(update, "ms", "##"), context.member, update.callback_query
    if fields is None or member is None or member.id is None or query is None:
        await stale(update, context)
        return
    services, tz = context.services, context.services.settings.tz
    async with services.sessions() as session:
        done = await bookings.book(session, slot_id=fields.numbers[0], pupil_id=fields.numbers[1], member_id=member.id, now=services.clock.now())  # fmt: skip
        if done.outcome == Outcome.TAKEN and done.plan and done.child:
            offer = await _offer(session, done.plan, done.child)
        elif done.outcome == Outcome.BOOKED and done.plan and done.child:
            teacher = await _teacher(session, done.plan)
            school = await school_of(session, school_id=services.school_id)
            found = await meet.sibling_offers(session, plan=done.plan, family_id=done.child.family_id, school_id=services.school_id, tz=tz)  # fmt: skip
            siblings = [await _offer(session, p, c, suggestion) for p, c, suggestion in found]
    if await _refused(update, context, done):
        return
    if done.outcome == Outcome.TAKEN:
        await query.answer(context.t("meet.taken"), show_alert=True)
        await _edit(update, *_offer_view(context, offer, first=context.t("meet.taken")))
        return
    assert done.plan and done.child and done.slot and done.booking
    await query.answer(context.t("meet.booked_short"))
    await _show_booked(update, context, done, teacher)
    jobs.arm_booking(services, context.bot, plan_id=done.plan.id or 0, pupil_id=done.child.pupil_id, starts=done.slot.starts_at, quiet=(school.quiet_start, school.quiet_end))  # fmt: skip
    chat = update.effective_chat
    if chat is None:
        return
    title = context.t("meet.calendar_title", child=done.child.label)
    ics = views.calendar_file(plan=done.plan, slot=done.slot, booking=done.booking, title=title, tz=tz, domain="ouderbrug")  # fmt: skip
    await chat.send_document(InputFile(ics, filename="oudercontact.ics"), caption=title)
    for sibling in siblings:  # a brother or sister's time right next to this one, offered first
        text, markup = _offer_view(context, sibling)
        await chat.send_message(text, reply_markup=markup)  # type: ignore[arg-type]


async def change(update: Update, context: BotContext) -> None:
    """🔁 Another time: the free times again; the booking stands until another is pressed."""
    fields, member = pressed(update, "mc", "##"), context.member
    if fields is None or member is None or member.id is None or update.callback_query is None:
        await stale(update, context)
        return
    async with context.services.sessions() as session:
        plan = await session.get(MeetingPlan, fields.numbers[0])
        child = await meet.child_for(session, plan=plan, pupil_id=fields.numbers[1], member_id=member.id) if plan else None  # fmt: skip
    if plan is None or child is None:
        await stale(update, context)
        return
    if not bookings.is_open(plan, context.services.clock.now()):
        await _refused(update, context, Booked(Outcome.CLOSED, plan, child))
        return
    async with context.services.sessions() as session:
        offer = await _offer(session, plan, child)
    await update.callback_query.answer()
    await _edit(update, *_offer_view(context, offer))


async def cancel(update: Update, context: BotContext) -> None:
    """❌ Cancel: the time is free again; the times are shown to book another."""
    fields, member, query = pressed(update, "mx", "##"), context.member, update.callback_query
    if fields is None or member is None or member.id is None or query is None:
        await stale(update, context)
        return
    services = context.services
    async with services.sessions() as session:
        done = await bookings.cancel(session, plan_id=fields.numbers[0], pupil_id=fields.numbers[1], member_id=member.id, now=services.clock.now())  # fmt: skip
    if await _refused(update, context, done):
        return
    assert done.plan is not None and done.child is not None
    if services.scheduler is not None:
        for name in jobs.REMINDERS:
            services.scheduler.cancel(f"meet:{done.plan.id}:{done.child.pupil_id}:{name}")
    async with services.sessions() as session:
        offer = await _offer(session, done.plan, done.child)
    await query.answer()
    await _edit(update, *_offer_view(context, offer, first=context.t("meet.cancelled", child=done.child.label)))  # fmt: skip


async def interpreter(update: Update, context: BotContext) -> None:
    """🗣 An interpreter or a parent who speaks our language, please (or undo)."""
    fields, member, query = pressed(update, "mi", "##"), context.member, update.callback_query
    if fields is None or member is None or member.id is None or query is None:
        await stale(update, context)
        return
    services = context.services
    async with services.sessions() as session:
        done = await bookings.toggle_interpreter(session, plan_id=fields.numbers[0], pupil_id=fields.numbers[1], member_id=member.id, now=services.clock.now())  # fmt: skip
    if await _refused(update, context, done):
        return
    assert done.plan is not None
    async with services.sessions() as session:
        teacher = await _teacher(session, done.plan)
    await query.answer()
    await _show_booked(update, context, done, teacher)


async def overview(update: Update, context: BotContext) -> None:
    """📋 The teacher's schedule, interpreter requests and who has not booked; a printable PDF."""
    fields, member, query = pressed(update, "mo", "#"), context.member, update.callback_query
    services = context.services
    async with services.sessions() as session:
        plan = await session.get(MeetingPlan, fields.numbers[0]) if fields else None
    mine = plan is not None and manage.may_manage(plan, member)
    if plan is None or not mine or query is None or update.effective_chat is None:
        await stale(update, context)
        return
    await query.answer()
    from bot.core.limits import split_text

    text, lines = await jobs.overview_of(services, plan, context.lang)
    parts = split_text(text)
    for number, part in enumerate(parts, 1):  # the last part with cancel / another place
        markup = manage_handlers.buttons(context, plan) if number == len(parts) else None
        await update.effective_chat.send_message(part, reply_markup=markup)
    title = context.t("meet.pdf_title", day=views.day(plan.starts_at, tz=services.settings.tz, lang=context.lang))  # fmt: skip
    pdf = schedule_pdf(title=title, lines=lines, lang=context.lang)
    await update.effective_chat.send_document(InputFile(pdf, filename="oudercontact.pdf"), caption=title)  # fmt: skip


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/oudercontact (/slots) for the team; the families' buttons; the teacher's overview."""
    plan_handlers.register(app)
    manage_handlers.register(app)
    for verb, handler in (("ms", book), ("mc", change), ("mx", cancel), ("mi", interpreter), ("mo", overview)):  # fmt: skip
        app.add_handler(CallbackQueryHandler(handler, pattern=rf"^{verb}:"), group=GROUP_FEATURES)
