"""What /mydata shows of a guardian's families: the children, the role, how they were linked."""

from __future__ import annotations

from collections.abc import Callable

from babel.dates import format_date

from bot.models import GuardianRole, LinkStatus, LinkVia
from bot.privacy.family_data import FamilyData

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
    return "\n\n".join(parts)


def _status(status: str) -> str:
    return "refused" if status == LinkStatus.REFUSED else "pending"
