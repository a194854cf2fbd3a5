"""School settings (quiet hours, anonymity thresholds, retention): checked, then stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.limits import whole_number
from bot.models import School
from bot.polls.results import FLOOR

HOURS = re.compile(r"^([01]?\d|2[0-3])[:.hu]([0-5]\d)$", re.ASCII)  # "٠٧:٠٠" is no time
MAX_GROUP = 100
MAX_RETENTION = 3650


def parse_hours(value: str) -> str | None:
    """'7:00', '07.00', '7u00' -> '07:00'; None if it is not a time of day."""
    match = HOURS.match(value.strip())
    return f"{int(match[1]):02d}:{match[2]}" if match else None


@dataclass
class SettingsForm:
    """What a coordinator typed, and the catalog key of each field's problem."""

    quiet_start: str
    quiet_end: str
    min_group: str
    min_text_group: str
    retention_days: str
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, school: School) -> SettingsForm:
        """The form filled with the school's current settings."""
        return cls(
            school.quiet_start,
            school.quiet_end,
            str(school.min_group),
            str(school.min_text_group),
            "" if school.retention_days is None else str(school.retention_days),
        )


def _whole(value: str, low: int, high: int) -> int | None:
    number = whole_number(value.strip(), high=high)
    return number if number is not None and number >= low else None


def check(form: SettingsForm) -> dict[str, str | int | None] | None:
    """The values to store, or None with `form.errors` filled in (the typed text is kept)."""
    start, end = parse_hours(form.quiet_start), parse_hours(form.quiet_end)
    min_group = _whole(form.min_group, FLOOR, MAX_GROUP)
    min_text = _whole(form.min_text_group, FLOOR, MAX_GROUP)
    days = _whole(form.retention_days, 1, MAX_RETENTION)
    problems = {
        "quiet_start": "dash.bad_time" if start is None else "",
        "quiet_end": "dash.bad_time" if end is None else "",
        "min_group": "dash.bad_threshold" if min_group is None else "",
        "min_text_group": "dash.bad_threshold" if min_text is None else "",
        "retention_days": "dash.bad_retention"
        if form.retention_days.strip() and days is None
        else "",
    }
    form.errors = {name: key for name, key in problems.items() if key}
    if form.errors:
        return None
    return {
        "quiet_start": start,
        "quiet_end": end,
        "min_group": min_group,
        "min_text_group": min_text,
        "retention_days": days,
    }


async def save(session: AsyncSession, *, school_id: int, form: SettingsForm) -> bool:
    """Store the form's settings if they are all valid; False (and `form.errors`) otherwise."""
    values = check(form)
    school = await session.get(School, school_id)
    if values is None or school is None:
        return False
    for name, value in values.items():
        setattr(school, name, value)
    session.add(school)
    await session.commit()
    return True
