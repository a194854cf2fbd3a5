"""The dashboard's reach page: the same figures as /reach, per class, language and week, and who is
not reached yet; over HTTP (a real client with its own cookies) and in Chromium at phone size."""

from __future__ import annotations

from datetime import timedelta

import aiohttp
import pytest
from playwright.async_api import Browser
from sqlmodel import select

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import GuardianRole, Member
from bot.simulator import SimUser
from tests.families.test_reach import join
from tests.helpers.dashboard import PHONE_360, Served, ask_login_link, screenshot, text_of


@pytest.fixture
def settings(web_settings: Settings) -> Settings:
    """The bot's settings point at the dashboard's web server (tests/dashboard/conftest.py)."""
    return web_settings


async def families(school: School, clock: ManualClock) -> SimUser:
    """1A: Adam's father and mother joined, Sara's mother, Noor not reached; 2B: Milan's mother
    joined the week after, without saying her role. Returns Sofie, the coordinator."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2B")
    adam = await school.letter("1A", "Adam", languages="ar", guardians=2)
    sara = await school.letter("1A", "Sara", languages="tr", guardians=1)
    await school.letter("1A", "Noor", languages="ti", guardians=1)
    milan = await school.letter("2B", "Milan", languages="pl", guardians=1)
    await join(school, adam[0], "Youssef", "ar", "Adam (1A)", GuardianRole.FATHER)
    await join(school, adam[1], "Fatima", "ar", "Adam (1A)", GuardianRole.MOTHER)
    await join(school, sara[0], "Elif", "tr", "Sara (1A)", GuardianRole.MOTHER)
    clock.advance(timedelta(days=7))
    await join(school, milan[0], "Kasia", "pl", "Milan (2B)", None)
    return sofie


async def test_the_reach_page_over_http(school: School, served: Served, clock: ManualClock) -> None:
    """Sofie opens the reach page: 3 of 4 families, per class, language, week; Noor not reached."""
    sofie = await families(school, clock)
    link = await ask_login_link(sofie)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(link) as response:
            assert response.status == 200
        async with http.get(served.url + "/dashboard/reach") as response:
            assert response.status == 200
            page = await response.text()
    text = text_of(page)
    total = school.tn("nl", "reach.families", 4, reached=3, count=4, percent="75%")
    assert total in text
    assert school.tn("nl", "reach.count", 1, count=1) in text
    # per class: 1A 2/3 with one father and two mothers; 2B 1/1 with neither
    assert "1A 3 2/3 1 2 –" in text
    assert "2B 1 1/1 0 0 –" in text
    # per language, Babel's names in the coordinator's language
    for row in ("Arabisch 1/1", "Pools 1/1", "Tigrinya 0/1", "Turks 1/1"):
        assert row in text
    # week by week: the last two weeks 2 and 3 families of 4
    assert "16 nov 0/4 23 nov 2/4 30 nov 3/4" in text
    assert "Nog niet bereikt 1A · Noor" in text
    assert 'href="/dashboard/reach" class=here' in page


async def test_another_school_or_nobody_sees_no_reach(school: School, served: Served) -> None:
    """Without a session the reach page asks to log in and shows nothing of the school."""
    await school.coordinator()
    async with aiohttp.ClientSession() as http, http.get(served.url + "/dashboard/reach") as got:
        assert got.status == 401
        assert "Adam" not in await got.text()


async def test_the_reach_page_on_a_phone(
    school: School, served: Served, browser: Browser, clock: ManualClock
) -> None:
    """At 360 px wide nothing runs off the screen sideways; the screenshot is kept to look at."""
    sofie = await families(school, clock)
    context = await browser.new_context(viewport=PHONE_360)
    page = await context.new_page()
    await page.goto(await ask_login_link(sofie))
    await page.click(f"text={school.t('nl', 'dash.nav_reach')}")
    await page.wait_for_url("**/dashboard/reach")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert "Noor" in await page.inner_text("body")
    await screenshot(page, "reach-phone-360")


async def test_the_reach_page_in_arabic_on_a_phone(
    school: School, served: Served, browser: Browser, clock: ManualClock
) -> None:
    """In Arabic the page reads right to left; names and numbers keep their own direction."""
    sofie = await families(school, clock)
    async with school.app.bot_data.sessions() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == sofie.id))).one()
        member.language = "ar"
        session.add(member)
        await session.commit()
    context = await browser.new_context(viewport=PHONE_360)
    page = await context.new_page()
    await page.goto(await ask_login_link(sofie))
    await page.goto(page.url.split("/dashboard")[0] + "/dashboard/reach")
    assert await page.get_attribute("html", "dir") == "rtl"
    body = await page.inner_text("body")
    assert school.t("ar", "dash.nav_reach") in body and "العربية" in body
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await screenshot(page, "reach-phone-360-ar")
