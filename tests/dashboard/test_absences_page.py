"""The dashboard's absences page: the office sees the month's absences and downloads them, over
HTTP with a real client and its own cookies; without a session it sees nothing."""

from __future__ import annotations

import html
import io
import re

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.core.settings import Settings
from bot.demo.school import School
from tests.helpers.dashboard import Served, ask_login_link

TAGS = re.compile(r"<[^>]+>")


@pytest.fixture
def settings(web_settings: Settings) -> Settings:
    """The bot's settings point at the dashboard's web server (tests/dashboard/conftest.py)."""
    return web_settings


async def test_the_absences_page_and_its_files(school: School, served: Served) -> None:
    """Mehmet reports Adam sick today; Sofie's dashboard lists it and gives the CSV and XLSX."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A", child="Adam")
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.today"))
    await mehmet.press(school.t("tr", "absence.reason_sick"))
    await sofie.expect_text(school.t("nl", "absence.reason_sick"))
    link = await ask_login_link(sofie)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(link) as response:
            assert response.status == 200
        async with http.get(served.url + "/dashboard/absences") as response:
            assert response.status == 200
            page = await response.text()
        async with http.get(served.url + "/dashboard/absences/month.csv") as response:
            assert response.status == 200
            raw = await response.read()
        async with http.get(served.url + "/dashboard/absences/week.xlsx") as response:
            book = load_workbook(io.BytesIO(await response.read()))
        async with http.get(served.url + "/dashboard/absences/decade.csv") as response:
            assert response.status == 404
    text = " ".join(html.unescape(TAGS.sub(" ", page)).split())
    assert "Adam 1A 2026-11-23 2026-11-23 🤒 Ziek" in text
    assert 'href="/dashboard/absences" class=here' in page
    assert raw.startswith(b"\xef\xbb\xbf") and b"Adam;1A;2026-11-23" in raw
    assert [c.value for c in next(book.active.iter_rows(min_row=2))][:2] == ["Adam", "1A"]  # type: ignore[union-attr]
    async with aiohttp.ClientSession() as http, http.get(served.url + "/dashboard/absences") as got:
        assert got.status == 401 and "Adam" not in await got.text()
