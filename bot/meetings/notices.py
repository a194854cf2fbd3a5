"""An evening cancelled or moved: each family that booked is told in its guardians' languages,
with a calendar file that removes (METHOD:CANCEL) or updates the appointment; the reminders and
the evening's other jobs stop. Families who had not booked get nothing more."""

from __future__ import annotations

from datetime import datetime

from telegram import Bot, InputFile
from telegram.error import TelegramError

from bot.announcements.service import school_of
from bot.families.service import children
from bot.meetings import jobs, manage, views
from bot.meetings import service as meet
from bot.models import MeetingPlan
from bot.telegram.context import BotData


def stop_jobs(services: BotData, plan: MeetingPlan, pupil_ids: list[int]) -> None:
    """A cancelled evening: no nudge, no morning overview, no reminders."""
    if services.scheduler is None:
        return
    for name in ("nudge", "morning"):
        services.scheduler.cancel(f"meet:{plan.id}:{name}")
    for pupil_id in pupil_ids:
        for name in jobs.REMINDERS:
            services.scheduler.cancel(f"meet:{plan.id}:{pupil_id}:{name}")


async def tell_booked(services: BotData, bot: Bot, plan: MeetingPlan, *, now: datetime) -> int:
    """Every guardian of a family that booked: what changed, and the calendar file (the school's
    name where the teacher has left). Returns the number of messages sent."""
    tz, cancelled = services.settings.tz, plan.status == manage.CANCELLED
    async with services.sessions() as session:
        rows = await manage.booked(session, plan_id=plan.id or 0)
        teacher = await meet.teacher_of(session, plan=plan)
        school = await school_of(session, school_id=plan.school_id)
        families = sorted({b.family_id for b, _ in rows})
        kids = {c.pupil_id: c for c in await children(session, family_ids=families)}
        people = {f: await meet.guardians_to_tell(session, family_id=f) for f in families}
    if cancelled:
        stop_jobs(services, plan, [b.pupil_id for b, _ in rows])
    sequence = max(1, int((now - plan.created_at).total_seconds()))  # only ever grows
    sent = 0
    for booking, slot in rows:
        child = kids.get(booking.pupil_id)
        label = child.label if child else ""
        for person in people[booking.family_id]:
            lang = services.catalogs.pick(person.language)
            text = services.catalogs.t(
                lang, "meet.plan_cancelled" if cancelled else "meet.plan_moved", child=label,
                day=views.day(slot.starts_at, tz=tz, lang=lang), time=views.clock(slot.starts_at, tz=tz),
                place=plan.place, teacher=teacher.first_name if teacher else school.name,
            )  # fmt: skip
            title = services.catalogs.t(lang, "meet.calendar_title", child=label)
            ics = views.calendar_file(
                plan=plan, slot=slot, booking=booking, title=title, tz=tz, domain="ouderbrug",
                cancelled=cancelled, sequence=sequence, stamp=now,
            )  # fmt: skip
            if not await jobs._send(services, bot, person, text):
                continue
            sent += 1
            try:
                await bot.send_document(person.chat_id, InputFile(ics, filename="oudercontact.ics"), caption=title)  # fmt: skip
            except TelegramError:
                jobs.log.warning("meeting slots: no calendar file for %s", person.id, exc_info=True)
    return sent
