"""The dashboard's "Oudercontact" page: coordinator Sofie sees Juf Lies's evening with the booked,
free and not-booked counts of class 1A and the interpreters per language, and downloads the
schedule as CSV; without a session nothing is shown."""

from __future__ import annotations

import html
import re

import aiohttp
import pytest

from bot.core.settings import Settings
from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.dashboard import Served, ask_login_link
from tests.helpers.meetings import meeting_class_1a, offered, publish

__all__ = ["meeting_class_1a"]  # the fixture class_1a of these stories
TAGS = re.compile(r"<[^>]+>")


@pytest.fixture
def settings(web_settings: Settings) -> Settings:
    """The bot's settings point at the dashboard's web server (tests/dashboard/conftest.py)."""
    return web_settings


async def test_the_meetings_page_counts_and_its_schedule_file(
    school: School, class_1a: dict[str, SimUser], served: Served
) -> None:
    """Amina books 16:00 with an interpreter, Tom 16:15; Mehmet and Kasia do not: 2 booked, 2 not
    booked, 6 of 8 times free, Arabic 1; the CSV lists both conversations."""
    sofie, lies, tom, amina = class_1a["sofie"], class_1a["lies"], class_1a["Tom"], class_1a["Amina"]  # fmt: skip
    await publish(school, lies)
    for parent, time in ((amina, "16:00"), (tom, "16:15")):
        copy = await offered(parent)
        await parent.press(time, message=copy)
        await parent.wait_for(lambda u, c=copy: "✅" in c.text)
    copy = [m for m in amina.messages if "mi:" in str(m.buttons)][-1]
    await amina.press(school.t("ar", "meet.interpreter_button"), message=copy)
    await amina.wait_for(lambda u: school.t("ar", "meet.interpreter_asked") in copy.text)
    link = await ask_login_link(sofie)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(link) as response:
            assert response.status == 200
        async with http.get(served.url + "/dashboard/meetings") as response:
            assert response.status == 200
            page = await response.text()
        async with http.get(served.url + "/dashboard/meetings/schedule.csv") as response:
            assert response.status == 200 and response.content_type == "text/csv"
            raw = await response.read()
    text = " ".join(html.unescape(TAGS.sub(" ", page)).split())
    assert "donderdag 26 november 16:00–18:00 · Juf Lies · lokaal 12" in text
    assert school.tn("nl", "dash.meetings_free", 6, count=6, slots=8) in text
    assert "1A 2 2" in text  # booked, not booked yet
    assert "Arabisch 1" in text
    assert 'href="/dashboard/meetings" class=here' in page
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == school.t("nl", "dash.meetings_header").replace("|", ";")
    assert lines[1] == "2026-11-26;16:00;16:15;Juf Lies;lokaal 12;1A;Kind Amina (1A);Arabisch;"
    assert lines[2] == "2026-11-26;16:15;16:30;Juf Lies;lokaal 12;1A;Kind Tom (1A);;"
    async with aiohttp.ClientSession() as http, http.get(served.url + "/dashboard/meetings") as got:
        assert got.status == 401 and "Juf Lies" not in await got.text()
    async with aiohttp.ClientSession() as http:
        async with http.get(served.url + "/dashboard/meetings/schedule.csv") as got:
            assert got.status == 401 and b"Kind Amina" not in await got.read()
