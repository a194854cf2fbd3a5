"""Moments as Dutch-speaking teachers type them: 'vrijdag 8u30', '12 december 8u30 tot 10u'.

Relative to the injected clock, in the school's time zone. '12/12' is day/month (Belgian). A date
without a year typed a few weeks after it passed is a mistake: refused ('past'), never read as
next year; '5/1' typed in December is next January.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = {
    "maandag": 0, "ma": 0, "dinsdag": 1, "di": 1, "woensdag": 2, "wo": 2, "donderdag": 3,
    "do": 3, "vrijdag": 4, "vr": 4, "vrij": 4, "zaterdag": 5, "za": 5, "zondag": 6, "zo": 6,
}  # fmt: skip
MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "maa": 3, "april": 4,
    "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
RELATIVE = {"vandaag": 0, "morgen": 1, "overmorgen": 2}
_CLOCK = (
    r"(?:half\s+(?P<{p}half>\d{{1,2}})|(?P<{p}h>\d{{1,2}})\s*(?:[:.hu]|uur)\s*(?P<{p}m>\d{{2}})?)"
)
_PART = r"(?:\s*(?:'s|s)\s+(?P<{p}part>ochtends|morgens|middags|avonds|namiddags))?"
_END = re.compile(r"\s*(?:-|tot)\s*" + _CLOCK.format(p="e") + _PART.format(p="e") + r"\s*$")
_START = re.compile(
    r"(?:^|\s+|\s*,\s*)(?:(?:om|van|vanaf)\s+)?" + _CLOCK.format(p="s") + _PART.format(p="s") + r"$"
)
_NUMERIC = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<mo>\d{1,2})(?:[/.-](?P<y>\d{2}|\d{4}))?$")
_NAMED = re.compile(r"^(?P<d>\d{1,2})(?:ste|de|e)?\s+(?P<mo>[a-z]+)\.?(?:\s+(?P<y>\d{4}))?$")
_WEEKDAY = re.compile(
    r"^(?:(?:volgende|komende|deze)\s+)?(?P<wd>[a-z]+)\.?(?:\s*,?\s+(?P<rest>.+))?$"
)
LATER = ("middags", "avonds", "namiddags")
RECENT = 92  # days: a date without a year this recent, and nearer than its next turn, is a mistake


@dataclass(frozen=True)
class Span:
    """A start in UTC, and an end when one was typed."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class Refusal:
    """Why a typed moment cannot be used: unreadable | past | end (not after the start) | weekday
    (it does not match the date typed with it)."""

    reason: str


def parse(text: str, *, now: datetime, tz: ZoneInfo) -> Span | Refusal:
    """Read a typed moment (date optional, start time required, end optional)."""
    typed = " ".join(text.lower().replace("–", "-").replace("—", "-").split())
    local_now = now.astimezone(tz)
    end_clock = None
    if found := _END.search(typed):
        end_clock = _clock(found, "e")
        typed = typed[: found.start()]
    start = _START.search(typed)
    start_clock = _clock(start, "s") if start else None
    if start is None or start_clock is None or (found and end_clock is None):
        return Refusal("unreadable")
    day = _day(typed[: start.start()].strip(" ,"), local_now, start_clock)
    if isinstance(day, Refusal):
        return day
    if day is None:  # a time only: today, or tomorrow if it has passed
        day = local_now.date()
        if datetime.combine(day, start_clock, tzinfo=tz) <= local_now:
            day += timedelta(days=1)
    begins = datetime.combine(day, start_clock, tzinfo=tz)
    if begins <= local_now:
        return Refusal("past")
    ends = datetime.combine(day, end_clock, tzinfo=tz) if end_clock else None
    if ends is not None and ends <= begins:
        return Refusal("end")
    return Span(begins.astimezone(UTC), ends.astimezone(UTC) if ends else None)


def _clock(found: re.Match[str], p: str) -> time | None:
    """The hour and minute of a match ('8u30', '14:00', 'half 9' = 8:30, '7u 's avonds' = 19:00)."""
    if found[f"{p}half"]:
        hour, minute = int(found[f"{p}half"]) - 1, 30
    else:
        hour, minute = int(found[f"{p}h"]), int(found[f"{p}m"] or 0)
    if found[f"{p}part"] in LATER and 1 <= hour < 12:
        hour += 12
    return time(hour, minute) if 0 <= hour < 24 and minute < 60 else None


def _day(words: str, now: datetime, clock: time) -> date | Refusal | None:
    """The day named in `words` ('' means none was typed)."""
    today = now.date()
    if not words:
        return None
    if words in RELATIVE:
        return today + timedelta(days=RELATIVE[words])
    weekday = _WEEKDAY.match(words)
    if weekday and weekday["wd"] in WEEKDAYS:
        wanted = WEEKDAYS[weekday["wd"]]
        if weekday["rest"] is None:  # the next such day: today if that time is still to come
            ahead = (wanted - today.weekday()) % 7
            passed = ahead == 0 and clock <= now.time().replace(tzinfo=None)
            return today + timedelta(days=7 if passed else ahead)
        named = _date(weekday["rest"], today)
        if isinstance(named, date) and named.weekday() != wanted:
            return Refusal("weekday")
        return named
    return _date(words, today)


def _date(words: str, today: date) -> date | Refusal:
    """'12/12', '12-12-2026', '12 december', '12 dec. 2026'. Without a year: the next such day,
    unless the last one was recent and nearer (then that one, which the caller refuses as past)."""
    found = _NUMERIC.match(words) or _NAMED.match(words)
    if found is None:
        return Refusal("unreadable")
    month = MONTHS.get(found["mo"].rstrip(".")) if not found["mo"].isdigit() else int(found["mo"])
    if month is None:
        return Refusal("unreadable")
    if found["y"]:
        year = int(found["y"]) + (2000 if len(found["y"]) == 2 else 0)
        return _valid(year, month, int(found["d"])) or Refusal("unreadable")
    candidates = [_valid(today.year + n, month, int(found["d"])) for n in (-1, 0, 1, 2)]
    coming = [d for d in candidates if d is not None and d >= today]
    gone = [d for d in candidates if d is not None and d < today]
    if not coming:
        return Refusal("unreadable")
    if gone and (today - gone[-1]).days <= RECENT and today - gone[-1] < coming[0] - today:
        return gone[-1]  # a few weeks ago, typed by mistake: refused as past by the caller
    return coming[0]


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
