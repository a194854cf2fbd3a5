"""Dashboard sessions live on the server: logout, "log out everywhere", demotion and the night's
purge end them at once; every school of one database logs in; a forged cookie is a 401.

The coordinator's browser here is a real HTTP client with its own cookie jar (aiohttp) talking to
the real dashboard server; the bot runs against the fake Telegram.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlmodel import func, select

from bot.core.clock import ManualClock
from bot.core.settings import Settings, SettingsError, load_settings
from bot.dashboard import auth
from bot.demo.school import School
from bot.models import DashboardLogin, DashboardSession, Member
from bot.models import School as SchoolRow
from bot.simulator import SimUser
from tests.helpers.dashboard import Served, ask_login_link

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def settings(web_settings: Settings) -> Settings:
    """The bot's settings point at the dashboard's web server (tests/dashboard/conftest.py)."""
    return web_settings


class Browser:
    """One browser: its own cookie jar."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def open(self, url: str) -> tuple[int, str]:
        """GET a page (following redirects): status and text."""
        async with self.http.get(url if url.startswith("http") else self.base + url) as response:
            return response.status, await response.text()

    async def press(self, path: str) -> tuple[int, str]:
        """Press a one-button form of the overview (its CSRF token included)."""
        _, page = await self.open("/dashboard/")
        found = CSRF.search(page)
        assert found is not None, page
        async with self.http.post(self.base + path, data={"csrf": found[1]}) as response:
            return response.status, await response.text()

    def cookie(self) -> str:
        """The session cookie's value."""
        return next(c.value for c in self.http.cookie_jar if c.key == "ouderbrug_dashboard")

    def use_cookie(self, value: str) -> None:
        """Put a cookie into this browser (copied from another, or forged)."""
        self.http.cookie_jar.update_cookies({"ouderbrug_dashboard": value})

    async def close(self) -> None:
        await self.http.close()


@pytest.fixture
async def browsers(served: Served) -> AsyncIterator[list[Browser]]:
    """Three separate browsers."""
    opened = [Browser(served.url) for _ in range(3)]
    yield opened
    for browser in opened:
        await browser.close()


def shown(page: str) -> str:
    """A page's text as the browser shows it (without tags)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


async def signed_in(browser: Browser, user: SimUser) -> None:
    """The coordinator asks /dashboard and opens the link in this browser: the overview."""
    status, _ = await browser.open(await ask_login_link(user))
    assert status == 200
    assert (await browser.open("/dashboard/inbox"))[0] == 200


async def another_coordinator(school: School, coordinator: SimUser, name: str) -> SimUser:
    """The coordinator invites a colleague as coordinator; the colleague opens the link."""
    await coordinator.send("/invite")
    await coordinator.press(school.t("nl", "invite.role_coordinator"))
    message = await coordinator.expect_text("https://t.me/")
    user = school.person(name)
    await user.send("/start " + message.text.split("start=", 1)[1].split()[0])
    await school.pick_language(user, "nl")
    await user.expect_text(school.t("nl", "invite.joined", role=school.t("nl", "role.coordinator")))
    return user


async def rows(school: School, table: type[DashboardSession] | type[DashboardLogin]) -> int:
    """How many rows a table holds (for the school)."""
    async with school.app.bot_data.sessions() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


async def test_logout_ends_the_session_even_for_a_copied_cookie(
    school: School, browsers: list[Browser]
) -> None:
    """Sofie's cookie, copied into another browser, works until she logs out; then neither opens."""
    sofie = await school.coordinator()
    mine, thief, _ = browsers
    await signed_in(mine, sofie)
    thief.use_cookie(mine.cookie())
    assert (await thief.open("/dashboard/polls"))[0] == 200
    status, page = await mine.press("/dashboard/logout")
    assert status == 200 and school.t("nl", "dash.logged_out") in shown(page)
    status, page = await thief.open("/dashboard/polls")
    assert status == 401 and school.t("nl", "dash.login_needed") in shown(page)
    assert await rows(school, DashboardSession) == 0


async def test_log_out_everywhere_ends_every_session_of_the_coordinator(
    school: School, browsers: list[Browser]
) -> None:
    """Sofie is signed in on her laptop and her phone; Karim too. 'Log out everywhere' on the
    laptop ends both of Sofie's sessions and leaves Karim's."""
    sofie = await school.coordinator()
    karim = await another_coordinator(school, sofie, "Karim")
    laptop, phone, karims = browsers
    for browser, user in ((laptop, sofie), (phone, sofie), (karims, karim)):
        await signed_in(browser, user)
    _, page = await laptop.open("/dashboard/")
    assert school.t("nl", "dash.logout_everywhere") in shown(page)
    status, page = await laptop.press("/dashboard/logout-everywhere")
    assert status == 200 and school.t("nl", "dash.logged_out_everywhere") in shown(page)
    assert (await phone.open("/dashboard/"))[0] == 401
    assert (await laptop.open("/dashboard/"))[0] == 401
    assert (await karims.open("/dashboard/"))[0] == 200


async def test_a_demoted_coordinator_is_signed_out_at_once(
    school: School, browsers: list[Browser]
) -> None:
    """Sofie becomes a teacher: her session rows are deleted with the change itself."""
    sofie = await school.coordinator()
    browser = browsers[0]
    await signed_in(browser, sofie)
    async with school.app.bot_data.sessions() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == sofie.id))).one()
        member.role = "teacher"
        session.add(member)
        await session.commit()
    assert await rows(school, DashboardSession) == 0
    assert (await browser.open("/dashboard/"))[0] == 401
    assert member.id is not None
    async with school.app.bot_data.sessions() as session:  # what /forget calls (engineer h4)
        assert await auth.delete_sessions(session, member_id=member.id) == 0


async def test_a_removed_coordinator_leaves_no_session_behind(
    school: School, browsers: list[Browser]
) -> None:
    """Sofie's member row is deleted (as /forget does): her session rows go with it."""
    sofie = await school.coordinator()
    browser = browsers[0]
    await signed_in(browser, sofie)
    async with school.app.bot_data.sessions() as session:
        member = (await session.exec(select(Member).where(Member.telegram_id == sofie.id))).one()
        await session.delete(member)
        await session.commit()
    assert await rows(school, DashboardSession) == 0
    assert (await browser.open("/dashboard/"))[0] == 401


async def test_sessions_end_after_eight_hours_and_old_rows_go_at_night(
    school: School, browsers: list[Browser], clock: ManualClock
) -> None:
    """After 8 hours the cookie opens nothing; at 03:20 the expired session and the used and
    unused login rows are deleted."""
    sofie = await school.coordinator()
    browser = browsers[0]
    await signed_in(browser, sofie)
    await ask_login_link(sofie)  # a link never opened
    assert (await rows(school, DashboardSession), await rows(school, DashboardLogin)) == (1, 2)
    clock.advance(timedelta(hours=7, minutes=59))
    assert (await browser.open("/dashboard/"))[0] == 200
    clock.advance(timedelta(minutes=1))
    assert (await browser.open("/dashboard/"))[0] == 401
    scheduler = school.app.bot_data.scheduler
    assert scheduler is not None
    clock.set(datetime(2026, 11, 24, 2, 21, tzinfo=UTC))  # 03:21 in Brussels
    await scheduler.ran("dashboard-purge", 1)
    assert (await rows(school, DashboardSession), await rows(school, DashboardLogin)) == (0, 0)


async def test_a_coordinator_gets_five_links_an_hour(school: School, clock: ManualClock) -> None:
    """The sixth /dashboard within an hour is refused kindly; an hour later a link comes again."""
    sofie = await school.coordinator()
    for _ in range(auth.LINKS_PER_HOUR):
        await ask_login_link(sofie)
    await sofie.send("/dashboard")
    await sofie.expect_text(school.t("nl", "dash.too_many_links"))
    clock.advance(timedelta(hours=1))
    await ask_login_link(sofie)


@pytest.mark.parametrize(
    "forged",
    ["³.1.x", "1.³.x", "١.abcdefghijklmnopqrstuvwxyz.0", "1", "", "1." + "a" * 43 + ".é", "..."],
)
async def test_a_forged_cookie_is_a_login_page_never_an_error(
    school: School, browsers: list[Browser], forged: str
) -> None:
    """Superscript and Arabic-Indic digits, missing parts, a non-ASCII signature: 401."""
    await school.coordinator()
    browser = browsers[0]
    browser.use_cookie(forged)
    status, page = await browser.open("/dashboard/")
    assert status == 401 and school.t("nl", "dash.login_needed") in shown(page)


async def test_the_signing_key_is_not_the_poll_secret(
    school: School, browsers: list[Browser], settings: Settings
) -> None:
    """The cookie key comes from its own file (0600), not the poll secret: another poll secret
    keeps Sofie signed in, another OUDERBRUG_SECRET_KEY signs her out; a short key is refused."""
    sofie = await school.coordinator()
    browser = browsers[0]
    await signed_in(browser, sofie)
    key_file = settings.secrets_path / auth.KEY_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) >= auth.MIN_KEY_BYTES
    services = school.app.bot_data
    services.poll_secret = b"another poll secret, rotated....."
    assert (await browser.open("/dashboard/"))[0] == 200
    services.settings.secret_key = "k" * 32
    assert (await browser.open("/dashboard/"))[0] == 401
    await signed_in(browser, sofie)
    with pytest.raises(SettingsError, match=r"OUDERBRUG_SECRET_KEY .* at least 32 bytes"):
        load_settings(env_file=None, OUDERBRUG_SECRET_KEY="short")


async def test_quiet_hours_in_other_digits_are_refused(
    school: School, browsers: list[Browser]
) -> None:
    """'7:0٥' (an Arabic-Indic 5) is not stored as a time: the form says so, nothing changes."""
    sofie = await school.coordinator()
    browser = browsers[0]
    await signed_in(browser, sofie)
    _, page = await browser.open("/dashboard/settings")
    found = CSRF.search(page)
    assert found is not None
    form = {"csrf": found[1], "quiet_start": "20:00", "quiet_end": "7:0٥", "min_group": "5"}
    form |= {"min_text_group": "10", "retention_days": ""}
    async with browser.http.post(browser.base + "/dashboard/settings", data=form) as response:
        assert response.status == 400
        assert school.t("nl", "dash.bad_time", min=3, max=100) in shown(await response.text())
    async with school.app.bot_data.sessions() as session:
        row = await session.get(SchoolRow, school.app.bot_data.school_id)
        assert row is not None and (row.quiet_start, row.quiet_end) == ("21:00", "07:00")
