"""What teachers type as the moment of an invitation, read relative to the school's clock.

The clock stands on Monday 7 December 2026, 09:00 in Brussels. '12/12' is day/month.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.when_nl import Refusal, Span, parse

TZ = ZoneInfo("Europe/Brussels")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)


def local(moment: datetime | None) -> str | None:
    return moment.astimezone(TZ).strftime("%a %d/%m/%Y %H:%M") if moment else None


READ = [
    # what the issue quotes
    ("vrijdag 8u30", "Fri 11/12/2026 08:30", None),
    ("morgen 8u30", "Tue 08/12/2026 08:30", None),
    ("12 december 8u30", "Sat 12/12/2026 08:30", None),
    ("do 10/12 14u", "Thu 10/12/2026 14:00", None),
    ("12/12 om 8u30 tot 10u", "Sat 12/12/2026 08:30", "10:00"),
    # and more of the same kind
    ("12/12 08:30-10:00", "Sat 12/12/2026 08:30", "10:00"),
    ("12/12 08:30 – 10:00", "Sat 12/12/2026 08:30", "10:00"),
    ("12-12-2026 8u30", "Sat 12/12/2026 08:30", None),
    ("12.12.26 8.30", "Sat 12/12/2026 08:30", None),
    ("Vrijdag 11 december om 8u30", "Fri 11/12/2026 08:30", None),
    ("vr 11/12 van 8u30 tot 10u", "Fri 11/12/2026 08:30", "10:00"),
    ("12 dec. 14 uur", "Sat 12/12/2026 14:00", None),
    ("overmorgen 15u", "Wed 09/12/2026 15:00", None),
    ("vandaag 15u", "Mon 07/12/2026 15:00", None),
    ("maandag 8u30", "Mon 14/12/2026 08:30", None),  # today's 08:30 has passed: next week
    ("maandag 15u", "Mon 07/12/2026 15:00", None),  # still to come today
    ("volgende woensdag 13u30", "Wed 09/12/2026 13:30", None),
    ("donderdag half 9", "Thu 10/12/2026 08:30", None),
    ("dinsdag 7u 's avonds", "Tue 08/12/2026 19:00", None),
    ("14:00", "Mon 07/12/2026 14:00", None),
    ("8u", "Tue 08/12/2026 08:00", None),  # passed today: tomorrow
    ("5/1 8u30", "Tue 05/01/2027 08:30", None),  # January, typed in December: next year
    ("10/6 8u30", "Thu 10/06/2027 08:30", None),  # half a year ago: next June (then too far)
    ("29/2 9u", "Tue 29/02/2028 09:00", None),  # the next 29 February
    ("15 januari 2027 9u", "Fri 15/01/2027 09:00", None),
    ("za 12 december, 10u-12u", "Sat 12/12/2026 10:00", "12:00"),
]


@pytest.mark.parametrize(("typed", "start", "end"), READ)
def test_a_teacher_types_a_moment_and_the_bot_reads_it(
    typed: str, start: str, end: str | None
) -> None:
    found = parse(typed, now=NOW, tz=TZ)
    assert isinstance(found, Span), found
    assert local(found.start) == start
    assert (found.end.astimezone(TZ).strftime("%H:%M") if found.end else None) == end


REFUSED = [
    ("12/11 8u30", "past"),  # three weeks ago, typed by mistake: not next November
    ("1/12/2026 8u30", "past"),
    ("30/9 8u30", "past"),  # ten weeks ago, nearer than next September
    ("vandaag 8u", "past"),
    ("morgen", "unreadable"),  # no time
    ("vrijdag", "unreadable"),
    ("volgende week", "unreadable"),
    ("32/12 8u", "unreadable"),
    ("12/13 8u", "unreadable"),
    ("12 decembre 8u", "unreadable"),
    ("25u", "unreadable"),
    ("8u75", "unreadable"),
    ("vr 10/12 14u", "weekday"),  # 10 December is a Thursday
    ("12/12 10u tot 8u30", "end"),
    ("morgen 8u30 tot 29u", "unreadable"),
    ("", "unreadable"),
]


@pytest.mark.parametrize(("typed", "reason"), REFUSED)
def test_a_moment_that_cannot_be_used_is_refused_with_its_reason(typed: str, reason: str) -> None:
    assert parse(typed, now=NOW, tz=TZ) == Refusal(reason)


def test_the_invitation_says_which_line_answers_a_refused_moment() -> None:
    """Each refusal has its own clear line; a typed end is kept, else the template's length."""
    from bot.invitations.service import parse_span

    def span(typed: str) -> object:
        return parse_span(typed, now=NOW, tz=TZ, minutes=60)

    assert span("12/11 8u30") == "event.when_past"
    assert span("10/6 8u30") == "event.when_far"  # more than 90 days ahead
    assert span("vr 10/12 14u") == "event.when_weekday"
    assert span("12/12 10u tot 8u30") == "event.when_end"
    assert span("morgen") == "event.bad_when"
    start, end = span("12/12 om 8u30 tot 10u")  # type: ignore[misc]
    assert (end - start).total_seconds() == 90 * 60
    start, end = span("vrijdag 8u30")  # type: ignore[misc]
    assert (end - start).total_seconds() == 60 * 60
