"""Logging in with a one-time link, logging out, and the style sheet."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web

from bot.core.db import session_factory
from bot.dashboard import auth
from bot.dashboard.views.html import CSS
from bot.dashboard.views.visit import (
    COOKIE,
    Visit,
    app_for,
    apps_of,
    coordinator_only,
    key_of,
    message_page,
    no_store,
)

if TYPE_CHECKING:
    from bot.app import BotApp

log = logging.getLogger(__name__)

OUTCOME_PAGES = {
    auth.LoginOutcome.EXPIRED: "dash.login_expired",
    auth.LoginOutcome.USED: "dash.login_used",
    auth.LoginOutcome.UNKNOWN: "dash.login_unknown",
    auth.LoginOutcome.NOT_COORDINATOR: "dash.no_access",
}


async def login(request: web.Request) -> web.StreamResponse:
    """Open a one-time link: a session cookie and the overview, or a page saying why not."""
    token = request.match_info.get("token", "")
    redeemed = auth.Redeemed(auth.LoginOutcome.UNKNOWN)
    for engine in {id(a.bot_data.engine): a.bot_data.engine for a in started(request)}.values():
        # A link names its school: look it up among every school of each database.
        async with session_factory(engine)() as session:
            redeemed = await auth.redeem_login(session, token=token, now=now_of(request))
        if redeemed.outcome != auth.LoginOutcome.UNKNOWN:
            break
    member = redeemed.member
    lang = member.language if member else None
    if redeemed.outcome != auth.LoginOutcome.OK or member is None or member.id is None:
        log.info("dashboard login refused: %s", redeemed.outcome)
        status = 404 if redeemed.outcome == auth.LoginOutcome.UNKNOWN else 410
        if redeemed.outcome == auth.LoginOutcome.NOT_COORDINATOR:
            status = 403
        return message_page(request, OUTCOME_PAGES[redeemed.outcome], lang=lang, status=status)
    school_app = app_for(request, member.school_id)
    if school_app is None:
        return message_page(request, "dash.login_unknown", lang=lang, status=404)
    services = school_app.bot_data
    async with services.sessions() as session:
        web_session = await auth.start_session(
            session, school_id=member.school_id, member_id=member.id, now=services.clock.now()
        )
    response = web.HTTPSeeOther("/dashboard/")
    public = services.settings.public_url or ""
    response.set_cookie(
        COOKIE,
        auth.cookie_value(web_session, key_of(school_app)),
        max_age=int(auth.SESSION_LIFETIME.total_seconds()),
        path="/dashboard",
        httponly=True,
        samesite="Lax",
        secure=public.startswith("https://") or request.secure,
    )
    no_store(response)
    log.info("dashboard: coordinator %s logged in (school %s)", member.id, member.school_id)
    raise response


def started(request: web.Request) -> list[BotApp]:
    """The schools' bots that have started (their database is open)."""
    return [a for a in apps_of(request) if a.bot_data.poll_secret and a.bot_data.engine]


def now_of(request: web.Request) -> datetime:
    """The time on the (injected) clock of the bots."""
    return started(request)[0].bot_data.clock.now()


@coordinator_only
async def logout(visit: Visit) -> web.StreamResponse:
    """End this session: its row is deleted, so a copy of the cookie opens nothing any more."""
    async with visit.services.sessions() as session:
        await auth.end_session(session, sid=visit.web_session.sid)
    log.info("dashboard: coordinator %s logged out", visit.member.id)
    response = message_page(visit.request, "dash.logged_out", lang=visit.lang)
    response.del_cookie(COOKIE, path="/dashboard")
    return response


@coordinator_only
async def logout_everywhere(visit: Visit) -> web.StreamResponse:
    """End every session of this coordinator, on every browser and phone."""
    async with visit.services.sessions() as session:
        ended = await auth.delete_sessions(session, member_id=visit.web_session.member_id)
        await session.commit()
    log.info("dashboard: coordinator %s logged out of %s sessions", visit.member.id, ended)
    response = message_page(visit.request, "dash.logged_out_everywhere", lang=visit.lang)
    response.del_cookie(COOKIE, path="/dashboard")
    return response


async def style(request: web.Request) -> web.StreamResponse:
    """The one style sheet."""
    response = web.Response(text=CSS, content_type="text/css", charset="utf-8")
    response.headers["Cache-Control"] = "max-age=3600"
    return response
