"""What parents and teachers see of meeting slots: the free times as buttons, a booking, the
teacher's schedule. Days and times in the reader's locale (Babel)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.core import UnknownLocaleError
from babel.dates import format_datetime
from icalendar import Calendar
from icalendar import Event as CalendarEvent
from telegram import InlineKeyboardMarkup

from bot.core.i18n import Catalogs
from bot.families.service import Child
from bot.models import MeetingBooking, MeetingPlan, MeetingSlot
from bot.telegram.common import Button, in_columns, keyboard

SLOT_COLUMNS = 4


def moment(when: datetime, pattern: str, *, tz: ZoneInfo, lang: str) -> str:
    """A day or a time in the reader's locale (Dutch when Babel does not know the language)."""
    try:
        return format_datetime(when, pattern, tzinfo=tz, locale=lang)
    except (UnknownLocaleError, ValueError):
        return format_datetime(when, pattern, tzinfo=tz, locale="nl")


def day(when: datetime, *, tz: ZoneInfo, lang: str) -> str:
    """'donderdag 10 december'."""
    return moment(when, "EEEE d MMMM", tz=tz, lang=lang)


def clock(when: datetime, *, tz: ZoneInfo) -> str:
    """'18:15' (the 24-hour clock is read everywhere the school's families come from)."""
    return when.astimezone(tz).strftime("%H:%M")


def deadline(plan: MeetingPlan, *, tz: ZoneInfo, lang: str) -> str:
    """When booking closes: 'woensdag 9 december 16:00'."""
    return f"{day(plan.deadline_at, tz=tz, lang=lang)} {clock(plan.deadline_at, tz=tz)}"


def slot_keyboard(
    catalogs: Catalogs, lang: str, *, free: list[MeetingSlot], pupil_id: int, tz: ZoneInfo,
    suggested: tuple[int, str] | None = None,
) -> InlineKeyboardMarkup | None:  # fmt: skip
    """The free times as buttons (`ms:<slot>:<pupil>`), a sibling's neighbour first."""
    rows: list[list[Button]] = []
    if suggested is not None:
        slot = next((s for s in free if s.id == suggested[0]), None)
        if slot is not None:
            label = catalogs.t(lang, "meet.sibling_button", time=clock(slot.starts_at, tz=tz), sibling=suggested[1])  # fmt: skip
            rows.append([(label, f"ms:{slot.id}:{pupil_id}")])
    buttons = [(clock(s.starts_at, tz=tz), f"ms:{s.id}:{pupil_id}") for s in free]
    rows += in_columns(buttons, SLOT_COLUMNS)
    return keyboard(rows) if rows else None


def invitation(
    catalogs: Catalogs, lang: str, *, plan: MeetingPlan, child: Child, teacher: str, tz: ZoneInfo,
    free: int,
) -> str:  # fmt: skip
    """The family's invitation to book a time for one child (with a personal line if invited)."""
    text = catalogs.t(
        lang, "meet.invitation", teacher=teacher, child=child.label,
        day=day(plan.starts_at, tz=tz, lang=lang), place=plan.place,
        deadline=deadline(plan, tz=tz, lang=lang),
    )  # fmt: skip
    if child.family_id in {int(x) for x in plan.invited.split(",") if x}:
        text = catalogs.t(lang, "meet.invited_line", teacher=teacher) + "\n\n" + text
    if free == 0:
        text += "\n\n" + catalogs.t(lang, "meet.full")
    return text


def booked(
    catalogs: Catalogs, lang: str, *, plan: MeetingPlan, child: Child, slot: MeetingSlot,
    booking: MeetingBooking, teacher: str, tz: ZoneInfo,
) -> tuple[str, InlineKeyboardMarkup]:  # fmt: skip
    """A booking as the family sees it, with change / cancel / interpreter buttons."""
    text = catalogs.t(
        lang, "meet.booked", child=child.label, day=day(slot.starts_at, tz=tz, lang=lang),
        start=clock(slot.starts_at, tz=tz), end=clock(slot.ends_at, tz=tz), place=plan.place,
        teacher=teacher, deadline=deadline(plan, tz=tz, lang=lang),
    )  # fmt: skip
    if booking.interpreter:
        text += "\n" + catalogs.t(lang, "meet.interpreter_asked")
    ref = f"{plan.id}:{child.pupil_id}"
    toggle = "meet.interpreter_undo" if booking.interpreter else "meet.interpreter_button"
    rows = [
        [(catalogs.t(lang, "meet.change_button"), f"mc:{ref}"), (catalogs.t(lang, "meet.cancel_button"), f"mx:{ref}")],
        [(catalogs.t(lang, toggle), f"mi:{ref}")],
    ]  # fmt: skip
    return text, keyboard(rows)


def calendar_file(
    *, plan: MeetingPlan, slot: MeetingSlot, booking: MeetingBooking, title: str, tz: ZoneInfo,
    domain: str, cancelled: bool = False, sequence: int = 0, stamp: datetime | None = None,
) -> bytes:  # fmt: skip
    """The booking as an .ics file, so it lands in the phone's calendar. The same UID with a
    higher SEQUENCE updates it (a new place); METHOD:CANCEL with STATUS:CANCELLED removes it."""
    calendar = Calendar()
    calendar.add("prodid", "-//Ouderbrug//oudercontact//NL")
    calendar.add("version", "2.0")
    if cancelled:
        calendar.add("method", "CANCEL")
    entry = CalendarEvent()
    entry.add("uid", f"meeting-{plan.id}-{booking.pupil_id}@{domain}")
    entry.add("dtstamp", stamp or booking.updated_at)
    entry.add("sequence", sequence)
    if cancelled:
        entry.add("status", "CANCELLED")
    entry.add("dtstart", slot.starts_at.astimezone(tz))
    entry.add("dtend", slot.ends_at.astimezone(tz))
    entry.add("summary", title)
    if plan.place:
        entry.add("location", plan.place)
    calendar.add_component(entry)
    return calendar.to_ical()


def languages(catalogs: Catalogs, lang: str, codes: str) -> str:
    """'ti,am' -> 'Tigrinya / Amhaars' in the reader's language ('' stays '')."""
    return " / ".join(catalogs.language_name(c, lang) for c in codes.split(",") if c)


def schedule_lines(
    catalogs: Catalogs, lang: str, *, rows: list[tuple[MeetingSlot, str | None, str | None]],
    tz: ZoneInfo,
) -> list[str]:  # fmt: skip
    """'18:00 Adam B. (1A) 🗣 Arabisch' per slot; a free slot says so."""
    lines = []
    for slot, child, interpreter in rows:
        who = child or catalogs.t(lang, "meet.free")
        extra = "" if interpreter is None else " 🗣 " + languages(catalogs, lang, interpreter)
        lines.append(f"{clock(slot.starts_at, tz=tz)} {who}{extra}")
    return lines


def overview(
    catalogs: Catalogs, lang: str, *, plan: MeetingPlan, rows: list[tuple[MeetingSlot, str | None, str | None]],
    missing: list[Child], tz: ZoneInfo,
) -> str:  # fmt: skip
    """The teacher's schedule, interpreter requests and who has not booked yet."""
    booked_n = sum(1 for _, child, _ in rows if child)
    head = catalogs.tn(
        lang, "meet.overview", booked_n, day=day(plan.starts_at, tz=tz, lang=lang),
        place=plan.place, count=booked_n, slots=len(rows),
    )  # fmt: skip
    lines = [head, "", *schedule_lines(catalogs, lang, rows=rows, tz=tz)]
    if missing:
        names = ", ".join(c.label for c in missing)
        lines += ["", catalogs.tn(lang, "meet.not_booked", len(missing), count=len(missing), names=names)]  # fmt: skip
    return "\n".join(lines)
