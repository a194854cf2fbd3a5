"""Meeting slots' timed work: the invitations, reminders the day before and two hours before (out
of quiet hours, armed again from the database at every start), one nudge to families who did not
book, and the teacher's morning overview with a printable schedule; the coordinators' interpreter
needs of the evening."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from functools import partial

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot, InputFile
from telegram.error import Forbidden, TelegramError

from bot.announcements.service import school_of
from bot.families.service import Child, children
from bot.invitations.service import reminder_moment
from bot.meetings import service as meet
from bot.meetings import views
from bot.meetings.printout import schedule_pdf
from bot.models import MeetingBooking, MeetingPlan, MeetingSlot, Member, MemberStatus, Role
from bot.onboarding import members
from bot.read_aloud.jobs import after_text
from bot.telegram.context import BotData

log = logging.getLogger(__name__)
REMINDERS = {"day": timedelta(days=1), "soon": timedelta(hours=2)}
NUDGE_BEFORE = timedelta(days=1)  # families who did not book: once, a day before the deadline
MORNING = time(7, 30)


async def quiet_hours(services: BotData) -> tuple[str, str]:
    async with services.sessions() as session:
        school = await school_of(session, school_id=services.school_id)
    return school.quiet_start, school.quiet_end


def _out_of_quiet(services: BotData, moment: datetime, before: timedelta, quiet: tuple[str, str]) -> datetime:  # fmt: skip
    return reminder_moment(moment, before, tz=services.settings.tz, quiet_start=quiet[0], quiet_end=quiet[1])  # fmt: skip


def arm_plan(services: BotData, bot: Bot, plan: MeetingPlan, quiet: tuple[str, str]) -> None:
    """The nudge to families who did not book, and the morning overview."""
    if services.scheduler is None or plan.id is None:
        return
    now, tz = services.clock.now(), services.settings.tz
    nudge = _out_of_quiet(services, plan.deadline_at, NUDGE_BEFORE, quiet)
    if plan.reminded_at is None and now < nudge:
        services.scheduler.at(f"meet:{plan.id}:nudge", nudge, partial(nudge_unbooked, services, bot, plan.id))  # fmt: skip
    local = plan.starts_at.astimezone(tz)
    morning = datetime.combine(local.date(), MORNING, tzinfo=tz).astimezone(UTC)
    if now < morning < plan.starts_at:
        services.scheduler.at(f"meet:{plan.id}:morning", morning, partial(morning_overview, services, bot, plan.id))  # fmt: skip
        key = f"meet:day:{local.date().isoformat()}"
        services.scheduler.at(key, morning, partial(interpreters_of_day, services, bot, plan.starts_at))  # fmt: skip


def arm_booking(services: BotData, bot: Bot, *, plan_id: int, pupil_id: int, starts: datetime, quiet: tuple[str, str]) -> None:  # fmt: skip
    """A booking's reminders (a changed booking replaces them: same keys)."""
    if services.scheduler is None:
        return
    for name, before in REMINDERS.items():
        moment = _out_of_quiet(services, starts, before, quiet)
        key = f"meet:{plan_id}:{pupil_id}:{name}"
        if moment > services.clock.now():
            services.scheduler.at(key, moment, partial(remind, services, bot, plan_id, pupil_id, starts))  # fmt: skip
        else:
            services.scheduler.cancel(key)


async def restore(services: BotData, bot: Bot) -> int:
    """At start-up: every open plan's jobs and its bookings' reminders."""
    async with services.sessions() as session:
        plans = await meet.open_plans(session, school_id=services.school_id, now=services.clock.now())  # fmt: skip
        plan_ids = [p.id for p in plans]
        rows = list(
            await session.exec(
                select(MeetingBooking.plan_id, MeetingBooking.pupil_id, MeetingSlot.starts_at)
                .join(MeetingSlot, col(MeetingSlot.id) == col(MeetingBooking.slot_id))
                .where(col(MeetingBooking.plan_id).in_(plan_ids))
            )
        )
    quiet = await quiet_hours(services)
    for plan in plans:
        arm_plan(services, bot, plan, quiet)
    for plan_id, pupil_id, starts in rows:
        arm_booking(services, bot, plan_id=plan_id, pupil_id=pupil_id, starts=starts, quiet=quiet)
    return len(plans)


async def _send(services: BotData, bot: Bot, person: Member, text: str, **kwargs: object) -> bool:
    try:
        await bot.send_message(person.chat_id, text, **kwargs)  # type: ignore[arg-type]
    except Forbidden:
        async with services.sessions() as session:
            await members.set_status(session, member=person, status=MemberStatus.BLOCKED)
        return False
    except TelegramError:
        log.warning("meeting slots: could not write to %s", person.id, exc_info=True)
        return False
    after_text(services, person, text, language=services.catalogs.pick(person.language))  # 🔊
    return True


async def _offer(services: BotData, bot: Bot, plan: MeetingPlan, kids: list[Child], *, nudge: bool) -> int:  # fmt: skip
    """Each child's free times to each of its guardians, in their language."""
    tz, sent = services.settings.tz, 0
    async with services.sessions() as session:
        teacher = await meet.host_name(session, plan=plan)
        free = await meet.free_slots(session, plan_id=plan.id or 0)
        people = {c.family_id: await meet.guardians_to_tell(session, family_id=c.family_id) for c in kids}  # fmt: skip
    for child in kids:
        for person in people[child.family_id]:
            lang = services.catalogs.pick(person.language)
            text = views.invitation(
                services.catalogs, lang, plan=plan, child=child, tz=tz, free=len(free),
                teacher=teacher,
            )  # fmt: skip
            if nudge:
                text = services.catalogs.t(lang, "meet.nudge") + "\n\n" + text
            markup = views.slot_keyboard(services.catalogs, lang, free=free, pupil_id=child.pupil_id, tz=tz)  # fmt: skip
            sent += await _send(services, bot, person, text, reply_markup=markup)
    return sent


async def send_invitations(services: BotData, bot: Bot, plan_id: int) -> int:
    """Right after publishing: every family of the audience gets the free times."""
    async with services.sessions() as session:
        plan = await session.get(MeetingPlan, plan_id)
        kids = await meet.audience(session, plan=plan) if plan else []
    return await _offer(services, bot, plan, kids, nudge=False) if plan else 0


async def nudge_unbooked(services: BotData, bot: Bot, plan_id: int) -> int:
    """Once: families who have not booked are reminded (marked first, so a restart sends no second)."""
    async with services.sessions() as session:
        plan = await session.get(MeetingPlan, plan_id)
        if plan is None or plan.reminded_at is not None or plan.status != "open":
            return 0
        if services.clock.now() >= plan.deadline_at:
            return 0
        plan.reminded_at = services.clock.now()
        session.add(plan)
        await session.commit()
        await session.refresh(plan)
        kids = await meet.not_booked(session, plan=plan)
    return await _offer(services, bot, plan, kids, nudge=True)


async def remind(services: BotData, bot: Bot, plan_id: int, pupil_id: int, starts: datetime) -> int:  # fmt: skip
    """A booking's reminder to the family's guardians (if it still stands at that time)."""
    tz = services.settings.tz
    async with services.sessions() as session:
        plan = await session.get(MeetingPlan, plan_id)
        booking = await meet.booking_of(session, plan_id=plan_id, pupil_id=pupil_id)
        slot = await session.get(MeetingSlot, booking.slot_id) if booking else None
        if plan is None or booking is None or slot is None or plan.status != "open":
            return 0
        if slot.starts_at != starts or slot.starts_at <= services.clock.now():  # moved, or past
            return 0
        teacher = await meet.host_name(session, plan=plan)
        child = next((c for c in await children(session, family_ids=[booking.family_id]) if c.pupil_id == pupil_id), None)  # fmt: skip
        people = await meet.guardians_to_tell(session, family_id=booking.family_id)
    if child is None:
        return 0
    sent = 0
    for person in people:
        lang = services.catalogs.pick(person.language)
        text = services.catalogs.t(
            lang, "meet.reminder", child=child.label, day=views.day(slot.starts_at, tz=tz, lang=lang),
            time=views.clock(slot.starts_at, tz=tz), place=plan.place,
            teacher=teacher,
        )  # fmt: skip
        sent += await _send(services, bot, person, text)
    return sent


async def overview_of(services: BotData, plan: MeetingPlan, lang: str) -> tuple[str, list[str]]:
    """The teacher's overview text and the schedule's lines (for the PDF)."""
    async with services.sessions() as session:
        rows = await meet.slots(session, plan_id=plan.id or 0)
        kids = {c.pupil_id: c for c in await meet.audience(session, plan=plan)}
        missing = await meet.not_booked(session, plan=plan)
    table: list[tuple[MeetingSlot, str | None, str | None]] = []
    for slot, booking in rows:
        child = kids.get(booking.pupil_id) if booking else None
        language = booking.interpreter_language if booking and booking.interpreter else None
        table.append((slot, child.label if child else ("…" if booking else None), language))
    tz = services.settings.tz
    text = views.overview(services.catalogs, lang, plan=plan, rows=table, missing=missing, tz=tz)
    return text, views.schedule_lines(services.catalogs, lang, rows=table, tz=tz)


async def morning_overview(services: BotData, bot: Bot, plan_id: int) -> bool:
    """The morning of the evening: the teacher's schedule, interpreters, who has not booked; a PDF.
    An evening whose teacher used /forget is the school's: the coordinators get it."""
    from bot.core.limits import split_text

    async with services.sessions() as session:
        plan = await session.get(MeetingPlan, plan_id)
        teacher = await meet.teacher_of(session, plan=plan) if plan else None
        readers = [teacher] if teacher else await _coordinators(session)
    if plan is None or plan.status != "open":
        return False
    for reader in readers:
        lang = services.catalogs.pick(reader.language)
        text, lines = await overview_of(services, plan, lang)
        if not all([await _send(services, bot, reader, part) for part in split_text(text)]):
            continue
        title = services.catalogs.t(lang, "meet.pdf_title", day=views.day(plan.starts_at, tz=services.settings.tz, lang=lang))  # fmt: skip
        pdf = schedule_pdf(title=title, lines=lines, lang=lang)
        try:
            await bot.send_document(reader.chat_id, InputFile(pdf, filename="oudercontact.pdf"), caption=title)  # fmt: skip
        except TelegramError:
            log.warning("meeting slots: no schedule PDF for %s", reader.id, exc_info=True)
    return bool(readers)


async def _coordinators(session: AsyncSession) -> list[Member]:
    rows = await session.exec(
        select(Member).where(Member.role == Role.COORDINATOR, Member.status == MemberStatus.ACTIVE)
    )
    return list(rows)


async def interpreters_of_day(services: BotData, bot: Bot, starts: datetime) -> int:
    """The coordinators: interpreter requests per language over every plan of that evening."""
    tz = services.settings.tz
    local = starts.astimezone(tz).date()
    async with services.sessions() as session:
        plans = await meet.open_plans(session, school_id=services.school_id, now=services.clock.now())  # fmt: skip
        same_day = [p.id or 0 for p in plans if p.starts_at.astimezone(tz).date() == local]
        needs = await meet.interpreter_needs(session, plans=same_day)
        coordinators = await _coordinators(session)
    if not needs:
        return 0
    sent = 0
    for person in coordinators:
        lang = services.catalogs.pick(person.language)
        listed = ", ".join(
            f"{services.catalogs.language_name(code, lang)} {n}" for code, n in needs
        )
        text = services.catalogs.t(lang, "meet.interpreters_day", day=views.day(starts, tz=tz, lang=lang), needs=listed)  # fmt: skip
        sent += await _send(services, bot, person, text)
    return sent
