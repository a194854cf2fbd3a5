"""The coordinator dashboard: server-rendered pages under /dashboard/, one school per session.

`setup_dashboard(web_app, bot_apps)` adds the routes to the aiohttp application that also serves
the webhook. `bot_apps` holds one PTB Application per school; it is read at each request, so the
bots may start after the routes are added.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiohttp import web

from bot.dashboard.views import absences, forms, login, meetings, pages, polls, reach, school
from bot.dashboard.views.languages import languages_page
from bot.dashboard.views.visit import APPS

if TYPE_CHECKING:
    from bot.app import BotApp

__all__ = ["setup_dashboard"]


def setup_dashboard(web_app: web.Application, bot_apps: Sequence[BotApp]) -> None:
    """Add the dashboard's routes (pages, downloads, login and logout) to `web_app`."""
    web_app[APPS] = bot_apps
    web_app.add_routes(
        [
            web.get("/dashboard", pages.overview),
            web.get("/dashboard/", pages.overview),
            web.get("/dashboard/style.css", login.style),
            web.get("/dashboard/login/{token}", login.login),
            web.post("/dashboard/logout", login.logout),
            web.post("/dashboard/logout-everywhere", login.logout_everywhere),
            web.get("/dashboard/announcements", pages.announcements),
            web.get(r"/dashboard/announcements/{id:\d+}", pages.announcement),
            web.get("/dashboard/invitations", pages.invitations),
            web.get("/dashboard/inbox", pages.inbox),
            web.post(r"/dashboard/inbox/{id:\d+}/handled", pages.mark_handled),
            web.get("/dashboard/polls", polls.poll_list),
            web.get(r"/dashboard/polls/{id:\d+}", polls.poll_page),
            web.get(r"/dashboard/polls/{id:\d+}/chart.png", polls.chart),
            web.get(
                r"/dashboard/polls/{id:\d+}/{kind:totals\.csv|texts\.csv|results\.xlsx}",
                polls.export,
            ),
            web.get("/dashboard/classes", school.classes),
            web.get("/dashboard/reach", reach.reach_page),
            web.get("/dashboard/absences", absences.absences_page),
            web.get("/dashboard/meetings", meetings.meetings_page),
            web.get("/dashboard/languages", languages_page),
            web.get("/dashboard/meetings/schedule.csv", meetings.meetings_file),
            web.get(r"/dashboard/absences/{period:[a-z]+}.{kind:csv|xlsx}", absences.absences_file),
            web.get(r"/dashboard/forms/{id:\d+}.csv", forms.form_file),  # the office's form lists
            web.get(r"/dashboard/classes/{id:\d+}/flyer.{kind:png|pdf}", school.flyer),
            web.get("/dashboard/settings", school.settings_page),
            web.post("/dashboard/settings", school.save_settings),
        ]
    )
