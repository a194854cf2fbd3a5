"""Quiet hours: messages to parents wait until morning (unless urgent)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _parse(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def quiet_until(now: datetime, tz: ZoneInfo, start: str, end: str) -> datetime | None:
    """If `now` falls in the quiet hours [start, end) (which may span midnight), when they end (UTC)."""
    local = now.astimezone(tz)
    begin, finish = _parse(start), _parse(end)
    clock = local.time()
    spans_midnight = begin > finish
    quiet = (clock >= begin or clock < finish) if spans_midnight else (begin <= clock < finish)
    if not quiet or begin == finish:
        return None
    day = local.date() if clock < finish else local.date() + timedelta(days=1)
    return datetime.combine(day, finish, tzinfo=tz).astimezone(UTC)
