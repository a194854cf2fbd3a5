"""The absences page: the absences of a period (this week, this month, last month, the school
year) as a table, with the same CSV and XLSX files as /absences in the bot (bot/absences/export.py)."""

from __future__ import annotations

from aiohttp import web

from bot.absences import export, service
from bot.absences.views import days
from bot.dashboard.views.forms import forms_section
from bot.dashboard.views.html import esc, ltr, table, user
from bot.dashboard.views.visit import Visit, coordinator_only, no_store, not_found

PERIODS = ("week", "month", "lastmonth", "year")
TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@coordinator_only
async def absences_page(visit: Visit) -> web.StreamResponse:
    """The absences of a period (`?period=`, this month by default) and their downloads."""
    period = visit.request.query.get("period", "month")
    services = visit.services
    today = services.clock.now().astimezone(services.settings.tz).date()
    choices = export.periods(today)
    if period not in choices:
        return not_found(visit)
    first, last = choices[period]
    async with services.sessions() as session:
        found = await service.in_period(session, school_id=visit.school_id, first=first, last=last)
    links = " · ".join(
        f'<a href="/dashboard/absences?period={name}"{" class=here" if name == period else ""}>'
        f"{esc(visit.t(f'absence.period_{name}'))}</a>"
        for name in PERIODS
    )
    span = days(first, last, visit.lang)
    body = f"<p>{links}</p><p>{esc(visit.tn('absence.exported', len(found), count=len(found), period=span))}</p>"  # fmt: skip
    body += (
        f'<p><a href="/dashboard/absences/{period}.csv">CSV</a> · '
        f'<a href="/dashboard/absences/{period}.xlsx">XLSX</a></p>'
    )
    rows = [
        [user(r[0]), user(r[1]), ltr(r[2]), ltr(r[3]), esc(r[4]), esc(r[5]), user(r[6]), user(r[7])]
        for r in export.rows(services.catalogs, visit.lang, found)
    ]
    body += table(visit.t("absence.export_header").split("|"), rows, numeric=set())
    body += await forms_section(visit)  # the school's permission forms and their lists
    return visit.render(visit.t("dash.nav_absences"), body, here="absences")


@coordinator_only
async def absences_file(visit: Visit) -> web.StreamResponse:
    """The CSV (`;`, BOM, CRLF) or XLSX of a period."""
    period, kind = visit.request.match_info["period"], visit.request.match_info["kind"]
    services = visit.services
    today = services.clock.now().astimezone(services.settings.tz).date()
    choices = export.periods(today)
    if period not in choices or kind not in TYPES:
        return not_found(visit)
    first, last = choices[period]
    async with services.sessions() as session:
        found = await service.in_period(session, school_id=visit.school_id, first=first, last=last)
    name, data = next(
        (n, d)
        for n, d in export.files(services.catalogs, visit.lang, found, first, last)
        if n.endswith("." + kind)
    )
    response = web.Response(body=data, content_type=TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    no_store(response)
    return response
