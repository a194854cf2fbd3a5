"""Moments typed or picked by people: parsing, suggesting and showing them in the school's time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.core import UnknownLocaleError
from babel.dates import format_datetime

SLOTS = (time(7, 30), time(12, 0), time(18, 0))
MAX_AHEAD = timedelta(days=90)
_DATE_TIME = re.compile(
    r"^\s*(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})(?:[/.-](?P<year>\d{2,4}))?"
    r"(?:\s+|\s*(?:om|at|à|,)\s*)(?P<hour>\d{1,2})[:.hu](?P<minute>\d{2})?\s*$",
    re.IGNORECASE,
)
_TIME_ONLY = re.compile(r"^\s*(?P<hour>\d{1,2})[:.hu](?P<minute>\d{2})?\s*$", re.IGNORECASE)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime | None:
    """'25/11 08:15', '25-11-2026 8u30', '14:00' (today, or tomorrow if passed) -> UTC, or None."""
    local_now = now.astimezone(tz)
    if match := _DATE_TIME.match(text):
        day, month = int(match["day"]), int(match["month"])
        year = int(match["year"]) if match["year"] else local_now.year
        year += 2000 if year < 100 else 0
        clock = _clock(match["hour"], match["minute"])
        try:
            day_of = date(year, month, day)
        except ValueError:
            return None
        if clock is None:
            return None
        if not match["year"] and datetime.combine(day_of, clock, tzinfo=tz) < local_now:
            try:  # "5/1" typed in December means next January
                day_of = day_of.replace(year=year + 1)
            except ValueError:  # 29/2, and next year has none
                return None
        return datetime.combine(day_of, clock, tzinfo=tz).astimezone(UTC)
    if match := _TIME_ONLY.match(text):
        clock = _clock(match["hour"], match["minute"])
        if clock is None:
            return None
        moment = datetime.combine(local_now.date(), clock, tzinfo=tz)
        if moment <= local_now:
            moment = datetime.combine(local_now.date() + timedelta(days=1), clock, tzinfo=tz)
        return moment.astimezone(UTC)
    return None


def _clock(hour: str, minute: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    return time(h, m) if h < 24 and m < 60 else None


def suggestions(*, now: datetime, tz: ZoneInfo, count: int = 6) -> list[datetime]:
    """The next `count` usual sending moments (07:30, 12:00, 18:00), at least 15 minutes away."""
    local_now = now.astimezone(tz)
    found: list[datetime] = []
    day = local_now.date()
    while len(found) < count:
        for slot in SLOTS:
            moment = datetime.combine(day, slot, tzinfo=tz)
            if moment - local_now >= timedelta(minutes=15) and len(found) < count:
                found.append(moment.astimezone(UTC))
        day += timedelta(days=1)
    return found


def acceptable(when: datetime, *, now: datetime) -> bool:
    """A schedule must lie in the future, and not too far."""
    return now < when <= now + MAX_AHEAD


def show(when: datetime, *, tz: ZoneInfo, lang: str) -> str:
    """'di 24 nov. 07:30' in the reader's language (Dutch if Babel does not know it)."""
    try:
        return format_datetime(when, "EEE d MMM HH:mm", tzinfo=tz, locale=lang)
    except (UnknownLocaleError, ValueError):
        return format_datetime(when, "EEE d MMM HH:mm", tzinfo=tz, locale="nl")
