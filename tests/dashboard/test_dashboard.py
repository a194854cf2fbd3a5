"""Stories of the coordinator dashboard, in a real browser (Debian's Chromium via Playwright)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from aiohttp import ClientSession
from playwright.async_api import Browser, Page
from sqlmodel import select

from bot.app import BotApp
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.polls import DEMO_PICKS
from bot.demo.school import School
from bot.models import Member, Poll, PollResponse, PollStatus, SchoolClass
from bot.models import School as SchoolRow
from bot.polls.flows import dump
from bot.simulator import SimUser
from tests.helpers.dashboard import (
    DESKTOP,
    PHONE,
    Served,
    ask_login_link,
    screenshot,
)
from tests.helpers.invitations import invite
from tests.helpers.polls import answer, launch


@pytest.fixture
def settings(web_settings: Settings) -> Settings:
    """The bot's settings point at the dashboard's web server (tests/dashboard/conftest.py)."""
    return web_settings


async def open_page(browser: Browser, url: str, *, phone: bool = False) -> Page:
    """A fresh browser context (no cookies) showing `url`."""
    context = await browser.new_context(viewport=PHONE if phone else DESKTOP)
    page = await context.new_page()
    await page.goto(url)
    return page


async def post_from(page: Page, path: str, form: dict[str, str]) -> tuple[int, str]:
    """A POST from inside the signed-in browser (its cookies), as a forged form would send."""
    response = await page.request.post(page.url.split("/dashboard")[0] + path, form=form)
    return response.status, await response.text()


async def test_a_coordinator_opens_the_dashboard_and_changes_the_quiet_hours(
    school: School, served: Served, browser: Browser, clock: ManualClock
) -> None:
    """Sofie asks /dashboard, opens the link, sees Lies's message and the poll chart, sets 20:00-08:00."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    families = [("Tom", "nl"), ("Amina", "ar"), ("Mehmet", "tr"), ("Kasia", "pl"), ("Ana", "ro")]
    parents = [(await school.parent(name, lang, "1A"), lang) for name, lang in families]
    await lies.send("Morgen is het sportdag. Breng een drinkbus mee.")
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    tom = parents[0][0]
    copy = await tom.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=10)
    await tom.press(school.t("nl", "announce.button_seen"), message=copy)
    poll_id = await launch(school, sofie, "barriers", None)
    for (parent, lang), picks in zip(parents, DEMO_PICKS, strict=True):
        done = await answer(school, parent, lang, poll_id, picks)
        await parent.wait_for(lambda u: done.text.startswith("🙏"))

    page = await open_page(browser, await ask_login_link(sofie))
    assert page.url.endswith("/dashboard/")
    assert await page.locator("h1").inner_text() == school.t("nl", "dash.welcome", name="Sofie")
    await screenshot(page, "overview")
    await page.click(f"text={school.t('nl', 'dash.nav_announcements')}")
    await page.click("text=Morgen is het sportdag")
    assert school.t("nl", "dash.by_language") in await page.inner_text("body")
    await screenshot(page, "announcement")
    rows = await page.locator("table").first.locator("tr").all_inner_texts()
    assert any("Nederlands" in r and "100%" in r for r in rows)  # Tom saw it
    await page.click(f"text={school.t('nl', 'dash.nav_polls')}")
    await page.click("table a")
    chart = page.locator("img.chart")
    await chart.wait_for()
    assert await chart.evaluate("img => img.complete && img.naturalWidth") == 1000
    await screenshot(page, "poll")
    totals = await page.request.get(page.url + "/totals.csv")
    assert "De taal" in (await totals.body()).decode("utf-8-sig")
    xlsx = await page.request.get(page.url + "/results.xlsx")
    assert (await xlsx.body()).startswith(b"PK")

    await page.click(f"text={school.t('nl', 'dash.nav_settings')}")
    await page.fill("#quiet_start", "20:00")
    await page.fill("#quiet_end", "8u00")
    await page.click(f"button:has-text('{school.t('nl', 'dash.save')}')")
    await page.wait_for_url("**/settings?saved=1")
    assert await page.input_value("#quiet_end") == "08:00"
    await screenshot(page, "settings")

    clock.set(datetime(2026, 11, 24, 6, 30, tzinfo=UTC))  # Tuesday 07:30: still quiet now
    await lies.send("Vandaag turnen.")
    await lies.expect_text(
        school.t("nl", "announce.quiet_note", start="20:00", end="08:00", time="08:00")
    )


async def test_links_work_once_and_for_ten_minutes_in_the_coordinators_language(
    school: School, served: Served, browser: Browser, clock: ManualClock
) -> None:
    """A reused link and an expired one each get a clear page, in Arabic, right to left."""
    sofie = await school.coordinator()
    async with school.app.bot_data.sessions() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == sofie.id))).one()
        member.language = "ar"
        session.add(member)
        await session.commit()
    link = await ask_login_link(sofie)
    first = await open_page(browser, link, phone=True)
    assert await first.get_attribute("html", "dir") == "rtl"
    await screenshot(first, "overview-ar-phone")
    again = await open_page(browser, link)
    assert school.t("ar", "dash.login_used") in await again.inner_text("body")
    late = await ask_login_link(sofie)
    clock.advance(timedelta(minutes=10, seconds=1))
    expired = await open_page(browser, late, phone=True)
    assert school.t("ar", "dash.login_expired") in await expired.inner_text("body")
    await screenshot(expired, "expired-ar-phone")
    unknown = await open_page(browser, link.rsplit("/", 1)[0] + "/" + "x" * 30)
    assert "/dashboard" in await unknown.inner_text("body")


async def test_forms_without_the_right_csrf_token_change_nothing(
    school: School, served: Served, browser: Browser
) -> None:
    """A POST with no token or another session's token is refused; the settings stay."""
    sofie = await school.coordinator()
    page = await open_page(browser, await ask_login_link(sofie))
    other = await open_page(browser, await ask_login_link(sofie))
    await other.goto(served.url + "/dashboard/settings")
    foreign = await other.input_value("input[name=csrf]")
    values = {"quiet_start": "12:00", "quiet_end": "13:00", "min_group": "3"}
    values |= {"min_text_group": "3", "retention_days": ""}
    for form in (values, values | {"csrf": "0" * 64}, values | {"csrf": foreign}):
        status, text = await post_from(page, "/dashboard/settings", form)
        assert status == 403 and school.t("nl", "dash.csrf_failed") in text
    async with school.app.bot_data.sessions() as session:
        row = await session.get(SchoolRow, school.app.bot_data.school_id)
        assert row is not None and (row.quiet_start, row.min_group) == ("21:00", 5)
    await page.goto(served.url + "/dashboard/settings")
    await page.fill("#min_group", "2")
    await page.click("button:has-text('Bewaren')")
    assert school.t("nl", "dash.bad_threshold", min=3, max=100) in await page.inner_text("body")
    assert await page.input_value("#min_group") == "2"  # what was typed is kept
    await screenshot(page, "settings-error")


async def test_a_coordinator_never_sees_another_schools_poll(
    school: School, served: Served, browser: Browser
) -> None:
    """School B's poll (rows made directly) is a 404 for school A's coordinator, like a missing one."""
    sofie = await school.coordinator()
    now = school.app.bot_data.clock.now()
    async with school.app.bot_data.sessions() as session:
        other = SchoolRow(name="School B", created_at=now)
        if hasattr(other, "key"):  # with several schools on one server, each has its own key
            other.key = "school-b"
        session.add(other)
        await session.flush()
        klass = SchoolClass(
            school_id=other.id or 0, name="6B", join_code="bbbbbbbb", created_at=now
        )
        session.add(klass)
        poll = Poll(
            school_id=other.id or 0, flow_id="barriers", status=PollStatus.OPEN, invited=9,
            created_at=now, opened_at=now, closes_at=now + timedelta(days=7),
        )  # fmt: skip
        session.add(poll)
        await session.flush()
        session.add_all(
            PollResponse(id=f"b{i}", poll_id=poll.id or 0, day=date(2026, 11, 23)) for i in range(9)
        )
        await session.commit()
    page = await open_page(browser, await ask_login_link(sofie))
    for path in (
        f"/polls/{poll.id}",
        f"/polls/{poll.id}/chart.png",
        f"/polls/{poll.id}/totals.csv",
    ):
        response = await page.goto(served.url + "/dashboard" + path)
        assert response is not None and response.status == 404, path
    assert school.t("nl", "dash.not_found") in await page.inner_text("body")
    response = await page.goto(served.url + f"/dashboard/classes/{klass.id}/flyer.png")
    assert response is not None and response.status == 404
    await page.goto(served.url + "/dashboard/polls")
    assert "School B" not in await page.inner_text("body")


async def test_a_teacher_gets_no_dashboard_and_a_demoted_coordinator_loses_it(
    school: School, served: Served, browser: Browser
) -> None:
    """Lies is refused /dashboard; Sofie's open session ends the moment she is a teacher."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    await lies.send("/dashboard")
    await lies.expect_text(school.t("nl", "error.not_allowed"))
    page = await open_page(browser, await ask_login_link(sofie))
    async with ClientSession() as anonymous:
        async with anonymous.get(served.url + "/dashboard/inbox") as response:
            assert response.status == 401
    async with school.app.bot_data.sessions() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == sofie.id))).one()
        member.role = "teacher"
        session.add(member)
        await session.commit()
    response = await page.goto(served.url + "/dashboard/announcements")
    assert response is not None and response.status == 401  # her sessions were deleted
    assert school.t("en", "dash.login_needed") in await page.inner_text("body")  # browser's


async def test_without_a_public_url_the_command_explains(school: School, app: BotApp) -> None:
    """No OUDERBRUG_PUBLIC_URL: /dashboard says the dashboard is not set up."""
    app.bot_data.settings.public_url = None
    sofie: SimUser = await school.coordinator()
    await sofie.send("/dashboard")
    await sofie.expect_text(school.t("nl", "dash.not_configured"))


async def test_inbox_classes_and_invitations_on_a_phone(
    school: School, served: Served, browser: Browser
) -> None:
    """Mehmet's message shows in the inbox and is marked handled; 1A's link and flyer; an invitation."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A")
    await mehmet.send("Merhaba, oğlum yarın hasta.")
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    await invite(school, lies)  # a coffee morning on 27/11 08:30 in de refter
    invitation = await mehmet.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
    await mehmet.press(school.t("tr", "event.button_yes"), message=invitation)
    await mehmet.expect_text(school.t("tr", "event.how_many"))

    page = await open_page(browser, await ask_login_link(sofie), phone=True)
    await page.goto(served.url + "/dashboard/inbox")
    assert "Merhaba, oğlum yarın hasta." in await page.inner_text("body")
    await screenshot(page, "inbox-phone")
    await page.click(f"button:has-text('{school.t('nl', 'dash.mark_handled')}')")
    await page.wait_for_url("**/dashboard/inbox")
    assert school.t("nl", "dash.inbox_none") in await page.inner_text("body")

    await page.goto(served.url + "/dashboard/invitations")
    row = await page.locator("table tr").nth(1).inner_text()
    assert "Koffiemoment voor ouders" in row and "de refter" in row
    await screenshot(page, "invitations-phone")

    await page.goto(served.url + "/dashboard/classes")
    assert f"https://t.me/ouderbrug_test_bot?start={school.classes['1A']}" in await page.inner_text(
        "body"
    )
    await screenshot(page, "classes-phone")
    flyer = await page.request.get(page.url + "/" + (await _class_id(school, "1A")) + "/flyer.png")
    assert flyer.status == 200 and (await flyer.body()).startswith(b"\x89PNG")
    pdf = await page.request.get(page.url + "/" + (await _class_id(school, "1A")) + "/flyer.pdf")
    assert pdf.status == 200 and (await pdf.body()).startswith(b"%PDF")


async def _class_id(school: School, name: str) -> str:
    return str((await school.class_row(name)).id)


async def test_an_adapted_poll_shows_with_its_own_words(
    school: School, served: Served, browser: Browser
) -> None:
    """A school's own poll (its definition frozen with it, no flow file) has its page and title."""
    sofie = await school.coordinator()
    services = school.app.bot_data
    shipped = services.flows["barriers"]
    own = replace(
        shipped, id="own-7", title={**shipped.title, "nl": "Wat houdt jou weg van De Buurt?"}
    )
    now = services.clock.now()
    async with services.sessions() as session:
        poll = Poll(
            school_id=services.school_id, flow_id=own.id, definition=dump(own),
            status=PollStatus.OPEN, invited=3, created_at=now, opened_at=now,
            closes_at=now + timedelta(days=7),
        )  # fmt: skip
        session.add(poll)
        await session.commit()
    page = await open_page(browser, await ask_login_link(sofie))
    await page.goto(served.url + "/dashboard/polls")
    assert "Wat houdt jou weg van De Buurt?" in await page.inner_text("body")
    response = await page.goto(served.url + f"/dashboard/polls/{poll.id}")
    assert response is not None and response.status == 200
    assert "Wat houdt jou weg van De Buurt?" in await page.inner_text("body")
