"""Pages: classes with their parents' links and QR flyers; the school settings form."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.announcements.service import school_of
from bot.classes import service as class_svc
from bot.classes.flyers import flyer_basename, make_flyer
from bot.core.codes import class_payload, deep_link
from bot.dashboard.views.html import esc, hidden_csrf, table, user
from bot.dashboard.views.visit import Visit, coordinator_only, no_store, not_found, number
from bot.polls.results import FLOOR
from bot.school import settings as school_settings

log = logging.getLogger(__name__)


def bot_username(visit: Visit) -> str:
    """The school bot's username, for the parents' links."""
    return visit.services.settings.bot_username or visit.app.bot.username


@coordinator_only
async def classes(visit: Visit) -> web.StreamResponse:
    """Every class with its counts, the parents' link and the flyer."""
    async with visit.services.sessions() as session:
        found = await class_svc.list_classes(session, school_id=visit.school_id)
    if not found:
        return visit.empty("classes")
    header = visit.columns("class", "parents", "teachers", "link")
    rows = []
    for c in found:
        link = deep_link(bot_username(visit), class_payload(c.join_code))
        flyers = (
            f'<a href="/dashboard/classes/{c.id}/flyer.png">{esc(visit.t("dash.flyer_png"))}</a>'
            f' · <a href="/dashboard/classes/{c.id}/flyer.pdf">{esc(visit.t("dash.flyer_pdf"))}</a>'
        )
        cell = f'<span class="link">{esc(link)}</span><br>{flyers}'
        rows.append([user(c.name), str(c.parents), str(c.teachers), cell])
    body = table(header, rows, numeric={1, 2})
    return visit.render(visit.t("dash.nav_classes"), body, here="classes")


@coordinator_only
async def flyer(visit: Visit) -> web.StreamResponse:
    """A class's printable QR flyer, PNG or PDF."""
    services = visit.services
    kind = visit.request.match_info["kind"]
    async with services.sessions() as session:
        try:
            found = await class_svc.get_class(
                session, school_id=visit.school_id, class_id=number(visit, "id") or 0
            )
        except class_svc.ClassError:
            return not_found(visit)
        name = await class_svc.school_name(session, school_id=visit.school_id)
    made = make_flyer(
        services.catalogs,
        link=deep_link(bot_username(visit), class_payload(found.join_code)),
        class_name=found.name,
        school_name=name,
        lang=visit.lang,
    )
    data, content_type = (made.pdf, "application/pdf") if kind == "pdf" else (made.png, "image/png")
    response = web.Response(body=data, content_type=content_type)
    filename = f"{flyer_basename(found.name)}.{kind}"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    no_store(response)
    return response


FIELDS = (
    ("quiet_start", "dash.quiet_start", "dash.quiet_hint"),
    ("quiet_end", "dash.quiet_end", ""),
    ("min_group", "dash.min_group", "dash.threshold_hint"),
    ("min_text_group", "dash.min_text_group", "dash.threshold_hint"),
    ("retention_days", "dash.retention", "dash.retention_hint"),
)


def _form(visit: Visit, form: school_settings.SettingsForm, saved: bool) -> web.Response:
    body = f'<p class="ok">{esc(visit.t("dash.saved"))}</p>' if saved else ""
    body += '<form class="settings" method="post" action="/dashboard/settings">'
    body += hidden_csrf(visit.csrf)
    limits = {"min": FLOOR, "max": school_settings.MAX_GROUP}
    for name, label, hint in FIELDS:
        value = getattr(form, name)
        body += f'<label for="{name}">{esc(visit.t(label))}</label>'
        body += f'<input id="{name}" name="{name}" value="{esc(value)}" inputmode="numeric">'
        if name in form.errors:
            problem = visit.t(form.errors[name], **limits)
            body += f' <span class="error">{esc(problem)}</span>'
        if hint:
            body += f'<div class="muted">{esc(visit.t(hint, **limits))}</div>'
    body += f"<p><button>{esc(visit.t('dash.save'))}</button></p></form>"
    status = 400 if form.errors else 200
    return visit.render(visit.t("dash.nav_settings"), body, here="settings", status=status)


@coordinator_only
async def settings_page(visit: Visit) -> web.StreamResponse:
    """The settings form with the school's current values."""
    async with visit.services.sessions() as session:
        school = await school_of(session, school_id=visit.school_id)
    saved = visit.request.query.get("saved") == "1"
    return _form(visit, school_settings.SettingsForm.of(school), saved)


@coordinator_only
async def save_settings(visit: Visit) -> web.StreamResponse:
    """Store the settings, or show the form again with what was typed and what is wrong."""
    posted = await visit.request.post()
    form = school_settings.SettingsForm(
        *(str(posted.get(name, "")) for name, _, _ in FIELDS)  # type: ignore[arg-type]
    )
    async with visit.services.sessions() as session:
        if not await school_settings.save(session, school_id=visit.school_id, form=form):
            log.info("dashboard: settings refused: %s", sorted(form.errors))
            return _form(visit, form, saved=False)
    log.info("dashboard: member %s changed the school settings", visit.member.id)
    raise web.HTTPSeeOther("/dashboard/settings?saved=1")
