"""The dashboard behind a load balancer: a coordinator's requests may reach a process that does
not run the school's bot; that process forwards them to the one that does (bot/cluster/proxy.py).

Two real aiohttp servers on 127.0.0.1 play two processes on one database: "north" owns the
school's lease and runs its bot, "south" runs none. The coordinator only ever talks to south.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import insert

from bot.app import BotApp
from bot.cluster.proxy import FORWARDED, Forwarder
from bot.core.clock import ManualClock
from bot.core.settings import Settings, load_settings
from bot.dashboard.views import setup_dashboard
from bot.demo.school import School
from bot.models import ClusterProcess, SchoolLease
from bot.models import School as SchoolRow
from bot.simulator import FakeTelegram
from bot.web.runner import LiveApps
from bot.web.server import WebServer
from tests.conftest import START, TOKEN
from tests.helpers.dashboard import ask_login_link, text_of

LATER = datetime(2100, 1, 1, tzinfo=UTC)  # a lease still running, by any database's clock
CSRF = re.compile(r'name="?csrf"? value="([0-9a-f]+)"')


@dataclass
class Process:
    """One process's web side: its server and its forwarder."""

    server: WebServer
    forwarder: Forwarder

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>."""
        return self.server.local_url


@pytest.fixture
def settings(tg: FakeTelegram, fresh_db: str, tmp_path: Path) -> Settings:
    """The test settings with a public address (the load balancer's), so /dashboard gives links."""
    return load_settings(
        env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        DATABASE_URL=fresh_db,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
        OUDERBRUG_SCHOOL_NAME="Basisschool De Buurt",
        # Not https: the test's browser sends the cookie over plain http to 127.0.0.1.
        OUDERBRUG_PUBLIC_URL="http://ouderbrug.stad.example",
        OUDERBRUG_ESPEAK="off",
    )


@asynccontextmanager
async def process(
    name: str, apps: dict[str, BotApp], app: BotApp, clock: ManualClock
) -> AsyncIterator[Process]:
    """A web server with the dashboard of the bots in `apps` and the forwarder in front."""
    web_app = web.Application()
    setup_dashboard(web_app, LiveApps(apps))
    assert app.bot_data.shared is not None
    forwarder = Forwarder(
        sessions=app.bot_data.shared.sessions, clock=clock, process_id=name,
        owned=lambda: set(apps),
    )  # fmt: skip
    forwarder.install(web_app)
    server = WebServer(web_app, "127.0.0.1", 0)
    await server.start()
    try:
        yield Process(server, forwarder)
    finally:
        await server.stop()
        await forwarder.close()


@pytest.fixture
async def north_south(app: BotApp, clock: ManualClock) -> AsyncIterator[tuple[Process, Process]]:
    """North runs the school's bot and holds its lease; south runs nothing."""
    async with (
        process("north", {"default": app}, app, clock) as north,
        process("south", {}, app, clock) as south,
    ):
        assert app.bot_data.shared is not None
        async with app.bot_data.shared.sessions() as session:
            for name, where in (("north", north.url), ("south", south.url)):
                await session.exec(  # type: ignore[call-overload]
                    insert(ClusterProcess).values(
                        id=name, address=where, started_at=START, seen_at=START, stopping=False
                    )
                )
            await session.exec(  # type: ignore[call-overload]
                insert(SchoolLease).values(
                    school_key="default", owner="north", epoch=1, expires_at=LATER,
                    acquired_at=START,
                )
            )  # fmt: skip
            await session.commit()
        yield north, south


def on(process: Process, link: str) -> str:
    """The same path on this process (the load balancer sent the browser there)."""
    return process.url + "/dashboard/" + link.split("/dashboard/", 1)[1]


async def test_a_coordinator_served_by_the_process_without_the_bot(
    school: School, north_south: tuple[Process, Process]
) -> None:
    """Sofie's login link, her overview and her settings form all land on south: south sends
    each on to north, which answers; the quiet hours she saves are the school's."""
    north, south = north_south
    sofie = await school.coordinator()
    link = await ask_login_link(sofie)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as browser:
        async with browser.get(on(south, link)) as response:
            assert response.status == 200 and str(response.url) == south.url + "/dashboard/"
            assert school.t("nl", "dash.welcome", name="Sofie") in text_of(await response.text())
        async with browser.get(south.url + "/dashboard/settings") as response:
            page = await response.text()
            assert response.status == 200
        found = CSRF.search(page)
        assert found is not None
        form = {"csrf": found.group(1), "quiet_start": "20:30", "quiet_end": "07:30"}
        form |= {"min_group": "5", "min_text_group": "5", "retention_days": ""}
        async with browser.post(south.url + "/dashboard/settings", data=form) as response:
            assert response.status == 200
    async with school.app.bot_data.sessions() as session:
        row = await session.get(SchoolRow, school.app.bot_data.school_id)
        assert row is not None and (row.quiet_start, row.quiet_end) == ("20:30", "07:30")
    assert south.forwarder.forwarded >= 4 and north.forwarder.forwarded == 0


async def test_a_forwarded_request_is_never_forwarded_again(
    school: School, north_south: tuple[Process, Process]
) -> None:
    """A request that already went through one process is answered where it lands, even when
    the lease says another process owns the school: no request can go round in circles."""
    north, south = north_south
    sofie = await school.coordinator()
    link = await ask_login_link(sofie)
    async with aiohttp.ClientSession() as browser:
        headers = {FORWARDED: "north"}
        async with browser.get(on(south, link), headers=headers, allow_redirects=False) as response:
            assert response.status == 503, "south has no bot of its own to answer with"
        async with browser.get(on(north, link), allow_redirects=False) as response:
            assert response.status == 303, "the link was not used by the refused request"
    assert south.forwarder.forwarded == 0 and north.forwarder.forwarded == 0


async def test_a_process_owning_no_school_sends_a_stranger_to_one_that_does(
    school: School, north_south: tuple[Process, Process]
) -> None:
    """Someone opens /dashboard/ on south without a cookie: the page asking to log in comes
    from north (south has no bot to word it)."""
    north, south = north_south
    assert north.forwarder.forwarded == 0
    async with aiohttp.ClientSession() as browser:
        async with browser.get(south.url + "/dashboard/") as response:
            assert response.status == 401
            assert school.t("nl", "dash.login_needed") in text_of(await response.text())
        async with browser.get(south.url + "/dashboard/style.css") as response:
            assert response.status == 200, "the style sheet is the same everywhere"
    assert south.forwarder.forwarded == 1 and north.forwarder.forwarded == 0


async def test_while_the_school_is_taken_over_a_login_link_waits(
    school: School, app: BotApp, north_south: tuple[Process, Process]
) -> None:
    """North died and its lease is free: south, which does not run the bot either, answers
    503 (try again) without using the link; once north holds the school again, it opens."""
    north, south = north_south
    sofie = await school.coordinator()
    link = await ask_login_link(sofie)
    assert app.bot_data.shared is not None
    async with app.bot_data.shared.sessions() as session:
        lease = await session.get(SchoolLease, "default")
        assert lease is not None
        lease.owner, lease.expires_at = None, START
        session.add(lease)
        await session.commit()
    async with aiohttp.ClientSession() as browser:
        async with browser.get(on(south, link), allow_redirects=False) as response:
            assert response.status == 503 and response.headers["Retry-After"] == "5"
        async with app.bot_data.shared.sessions() as session:
            lease = await session.get(SchoolLease, "default")
            assert lease is not None
            lease.owner, lease.expires_at = "north", LATER
            session.add(lease)
            await session.commit()
        async with browser.get(on(south, link), allow_redirects=False) as response:
            assert response.status == 303, "the link was still unused"
    assert south.forwarder.forwarded == 1 and north.forwarder.forwarded == 0
