"""The office's export of absences per period: one row per absence, CSV (`;`, BOM, CRLF) and
XLSX, for the school's administration."""

from __future__ import annotations

from datetime import date, timedelta

from bot.absences.marks import school_year_start
from bot.core.i18n import Catalogs
from bot.families.service import Child
from bot.models import Absence
from bot.polls.export import Row, to_csv, workbook


def periods(today: date) -> dict[str, tuple[date, date]]:
    """This week, this month, last month, this school year (from 1 September)."""
    monday = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    year_start = school_year_start(today)
    return {
        "week": (monday, monday + timedelta(days=6)),
        "month": (month, today),
        "lastmonth": (last_month_end.replace(day=1), last_month_end),
        "year": (year_start, today),
    }


def rows(catalogs: Catalogs, lang: str, found: list[tuple[Absence, Child]]) -> list[Row]:
    """Child, class, first and last day, reason, source (family or teacher), words, their Dutch."""
    out: list[Row] = []
    for absence, child in found:
        reason = catalogs.t(lang, f"absence.reason_{absence.reason or 'none'}")
        source = catalogs.t(lang, f"absence.source_{absence.source}")
        out.append(
            [
                f"{child.first_name} {child.last_initial}".strip(),
                child.class_name,
                absence.first_day.isoformat(),
                absence.last_day.isoformat(),
                reason,
                source,
                absence.note,
                absence.note_nl or "",
            ]
        )
    return out


def files(
    catalogs: Catalogs, lang: str, found: list[tuple[Absence, Child]], first: date, last: date
) -> list[tuple[str, bytes]]:
    """(file name, content) of the CSV and the XLSX."""
    header = catalogs.t(lang, "absence.export_header").split("|")
    table = rows(catalogs, lang, found)
    base = f"absences-{first.isoformat()}-{last.isoformat()}"
    return [
        (f"{base}.csv", to_csv(header, table)),
        (
            f"{base}.xlsx",
            workbook([(catalogs.t(lang, "absence.export_sheet")[:31], header, table)]),
        ),
    ]
