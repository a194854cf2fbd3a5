"""What /mydata shows of a guardian's families: the children, the role, how they were linked."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.absences.views import days
from bot.models import GuardianRole, LinkStatus, LinkVia
from bot.privacy.family_data import FamilyData
from bot.privacy.meeting_data import MeetingLine

Translate = Callable[..., str]  # context.t: (key, **values) -> text


def role_label(t: Translate, role: str) -> str:
    """'👩 Mama', or 'role not said'."""
    known = {r.value for r in GuardianRole if r != GuardianRole.UNKNOWN}
    return t(f"families.role_{role}") if role in known else t("mydata.role_unknown")


def family_lines(t: Translate, data: FamilyData, *, locale: str) -> str:
    """The families part of /mydata: when last used or asked, then whose parent they are (empty
    when there is nothing of the kind)."""
    when = []
    if data.active_on is not None:
        when.append(t("mydata.active_on", date=format_date(data.active_on, "long", locale=locale)))
    if data.asked_on is not None:
        when.append(t("mydata.asked_on", date=format_date(data.asked_on, "long", locale=locale)))
    lines: list[str] = []
    for link in data.links:
        values = {"children": ", ".join(link.children) or "—", "role": role_label(t, link.role)}
        if link.status == LinkStatus.APPROVED:
            via = link.via if link.via in {v.value for v in LinkVia} else LinkVia.SCHOOL
            lines.append(t("mydata.link", via=t(f"mydata.via_{via}"), **values))
        else:
            lines.append(t(f"mydata.{_status(link.status)}", **values))
    for request in data.requests:
        child = f"{request.child} ({request.class_name})" if request.child else request.class_name
        lines.append(
            t(f"mydata.{_status(request.status)}", children=child, role=role_label(t, request.role))
        )
    parts = ["\n".join(when)] if when else []
    if lines:
        parts.append("\n".join([t("mydata.families"), *lines]))
    if any(link.children for link in data.links):  # children on the roster: the school's record
        parts.append(t("mydata.roster_note"))
    parts += routine_parts(t, data, locale=locale)
    return "\n\n".join(parts)


def routine_parts(t: Translate, data: FamilyData, *, locale: str) -> list[str]:
    """The absence notes they reported (with their own words) and the form answers they gave."""
    parts = []
    if data.notes:
        lines = [t("mydata.absences")]
        for note in data.notes:
            reason = t(f"absence.reason_{note.reason or 'none'}")
            when = days(note.first_day, note.last_day, locale)
            lines.append(t("mydata.absence", child=note.child, days=when, reason=reason))
            if note.words:
                lines.append(t("mydata.absence_words", text=note.words))
            if note.voice:
                lines.append(t("mydata.absence_voice"))
        parts.append("\n".join(lines))
    if data.replies:
        lines = [t("mydata.forms")]
        for reply in data.replies:
            answer = t("form.yes" if reply.yes else "form.no")
            lines.append(
                t("mydata.form_answer", child=reply.child, answer=answer, question=reply.question)
            )
        parts.append("\n".join(lines))
    return parts


def _status(status: str) -> str:
    return "refused" if status == LinkStatus.REFUSED else "pending"


def meeting_lines(
    t: Translate, found: list[MeetingLine], *, tz: ZoneInfo, lang: str, name: Callable[[str], str]
) -> str:
    """The parent-teacher meetings part of /mydata (empty when nothing was booked); `name` gives
    a language's name for a language code."""
    from bot.meetings.views import clock, day

    if not found:
        return ""
    lines = [t("mydata.meetings")]
    for line in found:
        text = t(
            "mydata.meeting", child=line.child or "—", place=line.place or "—",
            day=day(line.starts_at, tz=tz, lang=lang), time=clock(line.starts_at, tz=tz),
        )  # fmt: skip
        if line.interpreter:
            codes = [name(c) for c in line.language.split(",") if c]
            text += " " + t("mydata.meeting_interpreter", language=" / ".join(codes) or "—")
        if line.cancelled:
            text += " " + t("mydata.meeting_cancelled")
        lines.append(text)
    return "\n".join(lines)
