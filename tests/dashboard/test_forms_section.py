"""The dashboard's forms section (on the absences page): the office sees every form of the school
with yes / no / not yet per child and downloads each form's CSV; another school's form number or a
visitor without a session gets nothing."""

from __future__ import annotations

import html
import re

import aiohttp
import pytest

from bot.core.settings import Settings
from bot.demo.school import School
from tests.helpers.dashboard import Served, ask_login_link
from tests.permissions.test_forms import SWIM, send_form

TAGS = re.compile(r"<[^>]+>")


@pytest.fixture
def settings(web_settings: Settings) -> Settings:
    """The bot's settings point at the dashboard's web server (tests/dashboard/conftest.py)."""
    return web_settings


async def test_the_office_reads_every_form_and_downloads_its_csv(
    school: School, served: Served
) -> None:
    """Juf Lies asks 1A about swimming, Mehmet says no for Adam; Sofie's absences page lists the
    form with Adam "nee" and Lotte "nog niet", and its CSV says the same."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A", child="Adam")
    await school.parent("Tom", "nl", "1A", child="Lotte")
    link = await ask_login_link(sofie)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(link) as response:
            assert response.status == 200
        async with http.get(served.url + "/dashboard/absences") as response:
            before = await response.text()
        form_id = await send_form(school, lies, SWIM)
        copy = await mehmet.expect_text("Mag Adam vrijdag mee naar het zwembad?")
        await mehmet.press(school.t("tr", "form.no"), message=copy)
        await mehmet.expect_text(school.t("tr", "form.no"))
        async with http.get(served.url + "/dashboard/absences") as response:
            assert response.status == 200
            page = await response.text()
        async with http.get(served.url + f"/dashboard/forms/{form_id}.csv") as response:
            assert response.status == 200
            raw = await response.read()
        async with http.get(served.url + f"/dashboard/forms/{form_id + 1}.csv") as response:
            assert response.status == 404
    assert school.t("nl", "dash.forms_none") in html.unescape(before)
    text = " ".join(html.unescape(TAGS.sub(" ", page)).split())
    assert school.t("nl", "dash.forms_title") in text and SWIM in text
    assert "Adam 1A nee" in text and "Lotte 1A nog niet" in text
    assert raw.startswith(b"\xef\xbb\xbf") and "Adam;;1A;nee" in raw.decode("utf-8-sig")
    async with aiohttp.ClientSession() as http:
        async with http.get(served.url + f"/dashboard/forms/{form_id}.csv") as got:
            assert got.status == 401 and b"Adam" not in await got.read()
