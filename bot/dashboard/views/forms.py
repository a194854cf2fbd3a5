"""The forms section of the absences page: every permission form of the school sent in the last
30 days (yes / no / not yet per child, as the author sees it in the bot) and each form's CSV."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from bot.dashboard.views.html import esc, table, user
from bot.dashboard.views.visit import Visit, coordinator_only, no_store, not_found, number
from bot.models import PermissionForm
from bot.permissions import service
from bot.permissions.views import answer_word, deadline, export_rows
from bot.polls.export import to_csv

RECENT = timedelta(days=30)
SHOWN = 12  # the newest forms on the page


async def forms_section(visit: Visit) -> str:
    """'📝 Forms', then per form its question, counts, CSV link and one row per child."""
    services = visit.services
    since = services.clock.now() - RECENT  # a form closed longer ago is not shown
    async with services.sessions() as session:
        forms = await service.recent(
            session, school_id=visit.school_id, author_id=None, since=since, limit=SHOWN
        )
        lists = [(form, await service.status(session, form=form)) for form in forms]
    body = f"<h2>{esc(visit.t('dash.forms_title'))}</h2>"
    if not lists:
        return body + f"<p>{esc(visit.t('dash.forms_none'))}</p>"
    header = visit.t("form.export_header").split("|")
    for form, lines in lists:
        yes = sum(1 for x in lines if x.answer is True)
        no = sum(1 for x in lines if x.answer is False)
        title = visit.t(
            "form.list_title", question=form.question, yes=yes, no=no,
            open=len(lines) - yes - no, deadline=deadline(services, form.deadline, visit.lang),
        )  # fmt: skip
        body += "<h3>" + "<br>".join(user(x) for x in title.splitlines()) + "</h3>"
        body += f'<p><a href="/dashboard/forms/{form.id}.csv">CSV</a></p>'
        rows = [
            [user(x.child.first_name), user(x.child.last_initial), user(x.child.class_name),
             esc(answer_word(services, visit.lang, x.answer))]
            for x in lines
        ]  # fmt: skip
        body += table(header, rows, numeric=set())
    return body


@coordinator_only
async def form_file(visit: Visit) -> web.StreamResponse:
    """One form's list as CSV (`;`, BOM, CRLF), for any form of the visitor's school."""
    form_id = number(visit, "id")
    services = visit.services
    async with services.sessions() as session:
        form = await session.get(PermissionForm, form_id) if form_id is not None else None
        if form is None or form.school_id != visit.school_id or form.sent_at is None:
            return not_found(visit)
        lines = await service.status(session, form=form)
    header = visit.t("form.export_header").split("|")
    data = to_csv(header, export_rows(services, visit.lang, lines))
    response = web.Response(body=data, content_type="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="form-{form.id}.csv"'
    no_store(response)
    return response
