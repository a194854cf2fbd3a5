"""The "Oudercontact" page: each meeting evening with booked / free / not-booked counts per class
and interpreter requests per language; the schedule of every evening as CSV (`;`, BOM, CRLF)."""

from __future__ import annotations

from aiohttp import web

from bot.dashboard.views.html import esc, ltr, table, user
from bot.dashboard.views.visit import Visit, coordinator_only, no_store
from bot.meetings import report
from bot.meetings.views import clock, day, languages
from bot.polls.export import Row, to_csv


@coordinator_only
async def meetings_page(visit: Visit) -> web.StreamResponse:
    """Every evening, newest first: its counts per class and its interpreters."""
    services, tz, lang = visit.services, visit.services.settings.tz, visit.lang
    async with services.sessions() as session:
        found = await report.evenings(session, school_id=visit.school_id)
    title = visit.t("dash.nav_meetings")
    if not found:
        return visit.render(title, visit.note("dash.meetings_none"), here="meetings")
    body = '<p><a href="/dashboard/meetings/schedule.csv">CSV</a></p>'
    for evening, _ in found:
        plan = evening.plan
        when = f"{day(plan.starts_at, tz=tz, lang=lang)} {clock(plan.starts_at, tz=tz)}–{clock(plan.ends_at, tz=tz)}"  # fmt: skip
        status = " · " + visit.t("mydata.meeting_cancelled") if plan.status != "open" else ""
        who = evening.teacher or visit.t("dash.meetings_no_teacher")
        body += f"<h2>{esc(when)} · {user(who)} · {user(plan.place)}{esc(status)}</h2>"
        body += f"<p>{esc(visit.tn('dash.meetings_free', evening.free, count=evening.free, slots=evening.slots))}</p>"  # fmt: skip
        rows = ([user(c.name), ltr(c.booked), ltr(c.not_booked)] for c in evening.classes)
        body += table(visit.columns("class", "booked", "not_booked"), rows, numeric={1, 2})
        if evening.interpreters:
            needs = ([esc(languages(services.catalogs, lang, code) or "?"), ltr(n)] for code, n in evening.interpreters)  # fmt: skip
            body += table(visit.columns("language", "interpreters"), needs, numeric={1})
    return visit.render(title, body, here="meetings")


@coordinator_only
async def meetings_file(visit: Visit) -> web.StreamResponse:
    """The schedule of every evening: one row per booked conversation."""
    services, tz, lang = visit.services, visit.services.settings.tz, visit.lang
    async with services.sessions() as session:
        found = await report.evenings(session, school_id=visit.school_id)
    rows: list[Row] = [
        [
            r.starts_at.astimezone(tz).date().isoformat(),
            clock(r.starts_at, tz=tz),
            clock(r.ends_at, tz=tz),
            r.teacher,
            r.place,
            r.class_name,
            r.child,
            languages(services.catalogs, lang, r.interpreter),
            visit.t("mydata.meeting_cancelled") if r.cancelled else "",
        ]
        for _, schedule in found
        for r in schedule
    ]
    data = to_csv(visit.t("dash.meetings_header").split("|"), rows)
    response = web.Response(body=data, content_type="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="oudercontact.csv"'
    no_store(response)
    return response
