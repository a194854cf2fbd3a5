"""Pages: the overview, announcements with their rates, invitations, the team inbox."""

from __future__ import annotations

import logging
from datetime import datetime

from aiohttp import web

from bot.conversations import service as conversations
from bot.core.i18n import RTL
from bot.dashboard import stats as dashboard_stats
from bot.dashboard.stats import Rate
from bot.dashboard.views.html import esc, ltr, meter, post_button, prose, table, user
from bot.dashboard.views.visit import Visit, coordinator_only, not_found, number

log = logging.getLogger(__name__)
PREVIEW = 90


def moment(visit: Visit, when: datetime | None) -> str:
    """A time as the school reads it."""
    if when is None:
        return ""
    return when.astimezone(visit.services.settings.tz).strftime("%d/%m %H:%M")


def short(text: str, size: int = PREVIEW) -> str:
    """The start of a text, on one line."""
    line = " ".join(text.split())
    return line if len(line) <= size else line[: size - 1] + "…"


@coordinator_only
async def overview(visit: Visit) -> web.StreamResponse:
    """The school at a glance, each figure a way into its page."""
    services = visit.services
    async with services.sessions() as session:
        figures = await dashboard_stats.overview(
            session, school_id=visit.school_id, now=services.clock.now()
        )
    cards = (
        ("classes", "dash.stat_parents", figures.parents),
        ("classes", "dash.stat_staff", figures.staff),
        ("classes", "dash.stat_classes", figures.classes),
        ("inbox", "dash.stat_open_conversations", figures.open_conversations),
        ("polls", "dash.stat_open_polls", figures.open_polls),
        ("invitations", "dash.stat_upcoming_events", figures.upcoming_events),
    )
    body = '<div class="cards">' + "".join(
        f'<a class="card" href="/dashboard/{path}"><b>{value}</b>{esc(visit.t(key))}</a>'
        for path, key, value in cards
    )
    body += "</div>"
    name = visit.member.first_name  # isolated in a right-to-left title
    title = visit.t("dash.welcome", name=f"\u2068{name}\u2069" if visit.lang in RTL else name)
    return visit.render(title, body, here="")


def _rate_cells(rate: Rate) -> list[str]:
    return [str(rate.total), meter(rate.delivered_pct), meter(rate.seen_pct)]


@coordinator_only
async def announcements(visit: Visit) -> web.StreamResponse:
    """The newest announcements: how many parents, delivered, seen."""
    async with visit.services.sessions() as session:
        rows = await dashboard_stats.announcements(session, school_id=visit.school_id)
    if not rows:
        return visit.empty("announcements")
    header = visit.columns("when", "message", "parents", "delivered", "seen")
    lines = []
    for row in rows:
        a = row.announcement
        label = user(short(a.text) or a.kind)
        if a.status == "withdrawn":
            label += " · " + esc(visit.t("dash.withdrawn"))
        elif a.status == "scheduled":
            label += " · " + esc(visit.t("dash.scheduled"))
        link = f'<a href="/dashboard/announcements/{a.id}">{label}</a>'
        when = moment(visit, a.sent_at or a.scheduled_for or a.created_at)
        lines.append([ltr(when), link, *_rate_cells(row.rate)])
    body = table(header, lines, numeric={0, 2, 3, 4})
    return visit.render(visit.t("dash.nav_announcements"), body, here="announcements")


@coordinator_only
async def announcement(visit: Visit) -> web.StreamResponse:
    """One announcement: its text, and delivered and seen rates by language and by class."""
    announcement_id = number(visit, "id")
    catalogs = visit.services.catalogs
    async with visit.services.sessions() as session:
        found = await dashboard_stats.announcement(
            session, school_id=visit.school_id, announcement_id=announcement_id or 0
        )
        if found is None:
            return not_found(visit)
        languages = await dashboard_stats.by_language(session, announcement_id=found.id or 0)
        classes = await dashboard_stats.by_class(session, announcement=found)
    rates = visit.columns("parents", "delivered", "seen")
    body = f'<p><a href="/dashboard/announcements">{esc(visit.t("dash.back"))}</a></p>'
    body += f'<div class="msg"><p class="muted">{ltr(moment(visit, found.sent_at))}</p>'
    body += f'<p dir="auto">{esc(found.text or found.kind)}</p></div>'
    body += f"<h2>{esc(visit.t('dash.by_language'))}</h2>"
    body += table(
        [*visit.columns("language"), *rates],
        ([esc(catalogs.language_name(r.label, visit.lang)), *_rate_cells(r)] for r in languages),
        numeric={1, 2, 3},
    )
    body += f"<h2>{esc(visit.t('dash.by_class'))}</h2>"
    body += table(
        [*visit.columns("class"), *rates],
        ([user(r.label), *_rate_cells(r)] for r in classes),
        numeric={1, 2, 3},
    )
    return visit.render(short(found.text, 60) or found.kind, body, here="announcements")


@coordinator_only
async def invitations(visit: Visit) -> web.StreamResponse:
    """Invitations to meetings with yes, maybe, no, people and interpreter requests."""
    catalogs = visit.services.catalogs
    async with visit.services.sessions() as session:
        rows = await dashboard_stats.events(session, school_id=visit.school_id)
    if not rows:
        return visit.empty("invitations")
    header = visit.columns("when", "meeting", "yes", "people", "maybe", "no", "interpreters")
    lines = []
    for row in rows:
        event, c = row.event, row.counts
        title = user(event.title) + (f" · {user(event.place)}" if event.place else "")
        if event.status == "cancelled":
            title += " · " + esc(visit.t("dash.cancelled"))
        asked = ", ".join(
            f"{catalogs.language_name(code, visit.lang)} {n}" for code, n in c.interpreters
        )
        cells = [str(c.yes), str(c.people), str(c.maybe), str(c.no)]
        lines.append([ltr(moment(visit, event.starts_at)), title, *cells, esc(asked or "–")])
    body = table(header, lines, numeric={0, 2, 3, 4, 5})
    return visit.render(visit.t("dash.nav_invitations"), body, here="invitations")


@coordinator_only
async def inbox(visit: Visit) -> web.StreamResponse:
    """Open conversations with their newest messages (in Dutch beside the original)."""
    catalogs = visit.services.catalogs
    async with visit.services.sessions() as session:
        rows = await dashboard_stats.inbox(session, school_id=visit.school_id)
    body = f'<p class="muted">{prose(visit.t("dash.inbox_answer_in_bot"))}</p>'
    if not rows:
        body += visit.note("dash.inbox_none")
    for row in rows:
        parent, conversation = row.parent, row.conversation
        to = visit.t("dash.to_school" if conversation.to_school else "dash.to_teacher")
        language = catalogs.language_name(parent.language or "nl", visit.lang)
        body += f'<div class="msg"><p><b>{user(parent.first_name)}</b> · {esc(language)}'
        body += f' · <span class="muted">{esc(to)}</span></p>'
        for message in row.messages:
            who = "→" if message.direction == "out" else "←"
            text = message.text or message.kind
            body += f'<p><span class="muted">{ltr(moment(visit, message.created_at))} {who}</span> '
            body += f"{user(text)}</p>"
            if message.direction == "in" and message.text_nl and message.text_nl != message.text:
                body += f'<p class="muted">🇳🇱 {user(message.text_nl)}</p>'
        action = f"/dashboard/inbox/{conversation.id}/handled"
        body += post_button(action, visit.t("dash.mark_handled"), visit.csrf) + "</div>"
    return visit.render(visit.t("dash.nav_inbox"), body, here="inbox")


@coordinator_only
async def mark_handled(visit: Visit) -> web.StreamResponse:
    """The team is done with a conversation (a new message from the parent reopens it)."""
    services = visit.services
    async with services.sessions() as session:
        found = await dashboard_stats.conversation(
            session, school_id=visit.school_id, conversation_id=number(visit, "id") or 0
        )
        if found is None:
            return not_found(visit)
        await conversations.set_handled(session, conversation=found, now=services.clock.now())
    log.info("dashboard: conversation %s handled by member %s", found.id, visit.member.id)
    raise web.HTTPSeeOther("/dashboard/inbox")
