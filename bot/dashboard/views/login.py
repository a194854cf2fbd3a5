"""Logging in with a one-time link, logging out, and the style sheet."""

from __future__ import annotations

import logging

from aiohttp import web

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
    seen_urls: set[str] = set()
    redeemed = auth.Redeemed(auth.LoginOutcome.UNKNOWN)
    for app in apps_of(request):  # schools may share a database or each have their own
        services = app.bot_data
        if not services.poll_secret or services.settings.db_url in seen_urls:
            continue
        seen_urls.add(services.settings.db_url)
        async with services.sessions() as session:
            redeemed = await auth.redeem_login(session, token=token, now=services.clock.now())
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
    web_session = auth.new_session(
        school_id=member.school_id, member_id=member.id, now=school_app.bot_data.clock.now()
    )
    response = web.HTTPSeeOther("/dashboard/")
    public = school_app.bot_data.settings.public_url or ""
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


@coordinator_only
async def logout(visit: Visit) -> web.StreamResponse:
    """Forget the session in this browser."""
    response = message_page(visit.request, "dash.logged_out", lang=visit.lang)
    response.del_cookie(COOKIE, path="/dashboard")
    return response


async def style(request: web.Request) -> web.StreamResponse:
    """The one style sheet."""
    response = web.Response(text=CSS, content_type="text/css", charset="utf-8")
    response.headers["Cache-Control"] = "max-age=3600"
    return response
