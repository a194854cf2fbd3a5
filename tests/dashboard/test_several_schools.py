"""Several schools on one database (the documented setup): every school's coordinators log in to
their own school's dashboard, and only there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.core.clock import ManualClock
from bot.core.schools import school_settings
from bot.core.settings import load_settings
from bot.demo.school import School
from bot.runtime import running_schools
from bot.simulator import FakeTelegram
from tests.conftest import TOKEN
from tests.helpers.dashboard import Served, ask_login_link, serve_dashboard

TOKEN_B = "987654321:TEST-token-for-the-second-school"


@pytest.fixture
async def web() -> AsyncIterator[Served]:
    """The dashboard's web server on 127.0.0.1."""
    async with serve_dashboard() as served:
        yield served


@pytest.fixture
async def two_schools(
    tg: FakeTelegram, fresh_db: str, tmp_path: Path, clock: ManualClock, web: Served
) -> AsyncIterator[tuple[School, School]]:
    """De Buurt and De Klimop, each with its own bot, one database, one dashboard server."""
    tg_b = tg.add_bot(token=TOKEN_B, bot_username="klimop_ouderbrug_bot", bot_name="De Klimop")
    path = tmp_path / "schools.yaml"
    path.write_text(
        "schools:\n"
        f"  - {{key: debuurt, name: Basisschool De Buurt, token: '{TOKEN}'}}\n"
        f"  - {{key: klimop, name: GO! De Klimop, token: '{TOKEN_B}'}}\n",
        encoding="utf-8",
    )
    base = load_settings(
        env_file=None,
        OUDERBRUG_SCHOOLS_FILE=str(path),
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        DATABASE_URL=fresh_db,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
        OUDERBRUG_PUBLIC_URL=web.url,
    )
    async with running_schools(school_settings(base), clock=clock, poll_timeout=5) as apps:
        web.apps.extend(apps)
        yield School(tg=tg, app=apps[0]), School(tg=tg_b, app=apps[1])


async def test_the_second_schools_coordinator_logs_in_to_her_own_school(
    two_schools: tuple[School, School], web: Served
) -> None:
    """Sofie (De Buurt) and Karim (De Klimop) each open their link: each sees their own school's
    name, and Karim's cookie with De Buurt's school number opens nothing."""
    buurt, klimop = two_schools
    sofie = await buurt.coordinator("Sofie")
    karim = await klimop.coordinator("Karim")
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as karims:
        async with karims.get(await ask_login_link(karim)) as response:
            assert response.status == 200
            assert "GO! De Klimop" in await response.text()
        value = next(c.value for c in jar if c.key == "ouderbrug_dashboard")
        school_b = klimop.app.bot_data.school_id
        assert value.startswith(f"{school_b}.")
        forged = f"{buurt.app.bot_data.school_id}." + value.split(".", 1)[1]
        jar.clear()
        jar.update_cookies({"ouderbrug_dashboard": forged})
        async with karims.get(web.url + "/dashboard/") as response:
            assert response.status == 401
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as sofies:
        async with sofies.get(await ask_login_link(sofie)) as response:
            assert response.status == 200
            page = await response.text()
            assert "Basisschool De Buurt" in page and "GO! De Klimop" not in page
