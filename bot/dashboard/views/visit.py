"""Who is asking: the signed-in coordinator, their school's bot, their language; error pages.

Every dashboard page runs through `coordinator_only`: it reads the signed cookie, finds the bot of
the cookie's school, checks that the member is still a coordinator there, and hands the page a
`Visit`. Everything a page shows is read for `visit.school_id` only.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web

from bot.core.limits import MAX_ROW_ID, whole_number
from bot.dashboard import auth
from bot.dashboard.views.html import esc, page, post_button, prose
from bot.models import Member

if TYPE_CHECKING:
    from bot.app import BotApp
    from bot.telegram.context import BotData

log = logging.getLogger(__name__)

COOKIE = "ouderbrug_dashboard"
APPS = web.AppKey("dashboard_apps", Sequence["BotApp"])
NAV = (
    ("", "dash.nav_overview"),
    ("announcements", "dash.nav_announcements"),
    ("polls", "dash.nav_polls"),
    ("invitations", "dash.nav_invitations"),
    ("inbox", "dash.nav_inbox"),
    ("classes", "dash.nav_classes"),
    ("reach", "dash.nav_reach"),
    ("absences", "dash.nav_absences"),
    ("meetings", "dash.nav_meetings"),
    ("languages", "dash.nav_languages"),
    ("settings", "dash.nav_settings"),
)


def apps_of(request: web.Request) -> Sequence[BotApp]:
    """The bots (one per school) this server hosts."""
    return request.app[APPS]


def app_for(request: web.Request, school_id: int) -> BotApp | None:
    """The bot of a school, once it has started."""
    for app in apps_of(request):
        if getattr(app.bot_data, "school_id", 0) == school_id and app.bot_data.poll_secret:
            return app
    return None


_KEYS: dict[tuple[str | None, str], bytes] = {}


def key_of(app: BotApp) -> bytes:
    """The key that signs a school's cookies and CSRF tokens (from the dedicated signing key)."""
    settings = app.bot_data.settings
    cached = (settings.secret_key, str(settings.secrets_path))
    if cached not in _KEYS:
        _KEYS[cached] = auth.cookie_key(auth.load_signing_key(settings))
    return _KEYS[cached]


@dataclass
class Visit:
    """A signed-in coordinator's request."""

    request: web.Request
    app: BotApp
    web_session: auth.WebSession
    member: Member
    lang: str

    @property
    def services(self) -> BotData:
        """The school's bot services."""
        return self.app.bot_data

    @property
    def school_id(self) -> int:
        """The only school this visit may see."""
        return self.web_session.school_id

    @property
    def csrf(self) -> str:
        """The CSRF token for this session's forms."""
        return auth.csrf_token(self.web_session, key_of(self.app))

    def t(self, key: str, **values: object) -> str:
        """A message in the coordinator's language."""
        return self.services.catalogs.t(self.lang, key, **values)

    def tn(self, key: str, n: int, **values: object) -> str:
        """A plural message in the coordinator's language, in the form for the count `n`."""
        return self.services.catalogs.tn(self.lang, key, n, **values)

    def note(self, key: str) -> str:
        """One friendly line, e.g. what a page shows once there is something."""
        return f'<p class="note">{prose(self.t(key))}</p>'

    def empty(self, here: str) -> web.Response:
        """A page of the navigation with nothing to show yet (`dash.<here>_none`)."""
        return self.render(self.t(f"dash.nav_{here}"), self.note(f"dash.{here}_none"), here=here)

    def columns(self, *names: str) -> list[str]:
        """A table's column headers (`dash.col_<name>`)."""
        return [self.t(f"dash.col_{name}") for name in names]

    def render(self, title: str, body: str, *, here: str, status: int = 200) -> web.Response:
        """A page with the school's name and the navigation."""
        links = "".join(
            f'<a href="/dashboard/{path}"{" class=here" if path == here else ""}>'
            f"{esc(self.t(key))}</a>"
            for path, key in NAV
        )
        logout = post_button("/dashboard/logout", self.t("dash.logout"), self.csrf, light=True)
        logout += post_button(
            "/dashboard/logout-everywhere", self.t("dash.logout_everywhere"), self.csrf, light=True
        )
        nav = f"<nav>{links}{logout}</nav>"
        text = page(
            lang=self.lang,
            title=title,
            body=body,
            school=self.services.settings.school_name,
            nav=nav,
        )
        return html_response(text, status=status)


def html_response(text: str, *, status: int = 200) -> web.Response:
    """An HTML answer that is never cached and never leaks its address."""
    response = web.Response(text=text, status=status, content_type="text/html", charset="utf-8")
    no_store(response)
    return response


def no_store(response: web.StreamResponse) -> None:
    """Headers every dashboard answer carries."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )


def message_page(
    request: web.Request, key: str, *, lang: str | None = None, status: int = 200
) -> web.Response:
    """A page with one sentence (expired link, no access, ...), in `lang` or the school's."""
    apps = [a for a in apps_of(request) if getattr(a.bot_data, "poll_secret", b"")]
    if not apps:
        return web.Response(text="Ouderbrug", status=503)
    catalogs = apps[0].bot_data.catalogs
    lang = catalogs.pick(lang, *accepted_languages(request))
    text = page(
        lang=lang,
        title=catalogs.t(lang, "dash.title"),
        body=f'<p class="note">{prose(catalogs.t(lang, key))}</p>',
    )
    return html_response(text, status=status)


def accepted_languages(request: web.Request) -> list[str]:
    """The browser's languages, best first (for pages shown before anyone is known)."""
    header = request.headers.get("Accept-Language", "")
    return [part.split(";")[0].strip() for part in header.split(",") if part.strip()][:5]


async def current_visit(request: web.Request) -> Visit | web.Response:
    """The signed-in coordinator, or the page to show instead (log in, no access)."""
    value = request.cookies.get(COOKIE, "")
    school_id = auth.cookie_school(value)
    app = app_for(request, school_id) if school_id is not None else None
    signed = auth.read_cookie(value, key_of(app)) if app is not None else None
    if app is None or signed is None:
        return message_page(request, "dash.login_needed", status=401)
    services = app.bot_data
    async with services.sessions() as session:
        found = await auth.find_session(
            session, school_id=signed[0], sid=signed[1], now=services.clock.now()
        )
        member = await session.get(Member, found.member_id) if found else None
        if found is not None and not auth.is_coordinator(member, school_id=found.school_id):
            log.info("dashboard: member %s is no longer a coordinator", found.member_id)
            await auth.delete_sessions(session, member_id=found.member_id)
            await session.commit()
            response = message_page(
                request, "dash.no_access", lang=member.language if member else None, status=403
            )
            response.del_cookie(COOKIE, path="/dashboard")
            return response
    if found is None or member is None:
        response = message_page(request, "dash.login_needed", status=401)
        response.del_cookie(COOKIE, path="/dashboard")
        return response
    lang = services.catalogs.pick(member.language)
    return Visit(request=request, app=app, web_session=found, member=member, lang=lang)


Handler = Callable[[Visit], Awaitable[web.StreamResponse]]


def coordinator_only(handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Run a page for a signed-in coordinator; POSTs must carry this session's CSRF token."""

    async def run(request: web.Request) -> web.StreamResponse:
        visit = await current_visit(request)
        if isinstance(visit, web.Response):
            return visit
        if request.method == "POST":
            form = await request.post()
            given = form.get("csrf")
            key = key_of(visit.app)
            if not auth.csrf_ok(visit.web_session, key, given if isinstance(given, str) else None):
                log.warning("dashboard: refused a POST to %s without a valid token", request.path)
                return message_page(request, "dash.csrf_failed", lang=visit.lang, status=403)
        return await handler(visit)

    return run


def not_found(visit: Visit) -> web.Response:
    """The same answer for another school's object as for one that does not exist."""
    body = f'<p class="note">{prose(visit.t("dash.not_found"))}</p>'
    return visit.render(visit.t("dash.not_found_title"), body, here="", status=404)


def number(visit: Visit, name: str) -> int | None:
    """A numeric path part, or None."""
    value = visit.request.match_info.get(name, "")
    return whole_number(value, high=MAX_ROW_ID)
