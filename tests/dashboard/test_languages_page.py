"""The dashboard's "Talen en stemmen" page: per language the translation route both ways with its
model and licence, the read-aloud voice, and how many parents use it and asked for read-aloud;
over HTTP (a real client with its own cookies) and in Chromium at phone size."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser
from sqlmodel import select

from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import Member
from bot.simulator import SimUser
from bot.speech import manage as voices
from bot.speech.service import voices_folder
from bot.translation.manage import install_from_dir
from tests.helpers.argos_model import ct2_model_folders
from tests.helpers.dashboard import PHONE_360, Served, ask_login_link, screenshot, text_of
from tests.helpers.piper_voice import write_tiny_voice

__all__ = ["ct2_model_folders"]  # the fixture ct2_folders


@pytest.fixture
def settings(web_settings: Settings) -> Settings:
    """The bot's settings point at the dashboard's web server (tests/dashboard/conftest.py)."""
    return web_settings


async def wants_voice(school: School, *people: SimUser) -> None:
    """These parents asked for read-aloud (as /voice records it)."""
    async with school.app.bot_data.sessions() as session:
        for person in people:
            found = select(Member).where(Member.telegram_id == person.id)
            member = (await session.exec(found)).one()
            member.read_aloud = True
            session.add(member)
        await session.commit()


async def a_school(
    school: School, ct2_folders: dict[str, Path], model_files: Path, usb: Path
) -> SimUser:
    """Two Somali mothers (one asked for read-aloud) and a Dutch father who asked for it too; the
    school installed argostranslate packages (tests/conftest.py MODEL_PAIRS), the many-to-many
    model (licence accepted) and a Dutch Piper voice. Returns Sofie, the coordinator."""
    services = school.app.bot_data
    sofie = await school.coordinator()
    await school.new_class(sofie, "3B")
    hodan = await school.parent("Hodan", "so", "3B")
    await school.parent("Amina", "so", "3B")
    jan = await school.parent("Jan", "nl", "3B")
    await wants_voice(school, hodan, jan)
    models = services.settings.models_data_dir
    for folder in (model_files, ct2_folders["many"]):
        assert install_from_dir(models, folder, ["cc-by-nc-4.0"])[1] == []
    assert services.translator is not None
    services.translator.reload_models()
    write_tiny_voice(usb / "nl_BE-tiny-x_low")  # laid out as Piper publishes it, CC0-1.0
    done, errors = voices.install_from_dir(voices_folder(services.settings), usb)
    assert errors == [] and len(done) == 1, errors
    assert services.speaker is not None
    services.speaker.reload()  # as after `ouderbrug voices install --from DIR`
    return sofie


async def test_the_languages_page_over_http(
    school: School,
    served: Served,
    ct2_folders: dict[str, Path],
    tmp_path: Path,
    model_files: Path,
) -> None:
    """Sofie opens "Talen en stemmen": Somali goes both ways through the many-to-many model with
    its non-commercial licence, two Somali parents of whom one asked for read-aloud; Dutch is read
    by the installed Piper voice; Tigrinya (also in the tiny model) has no parents yet; Arabic
    goes through English both ways with argostranslate; French and Polish only one way (French
    straight from Dutch, Polish through English): nothing from them reaches the team in Dutch."""
    sofie = await a_school(school, ct2_folders, model_files, tmp_path / "usb")
    t = school.t
    link = await ask_login_link(sofie)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(link) as response:
            assert response.status == 200
        async with http.get(served.url + "/dashboard/languages") as response:
            assert response.status == 200
            page = await response.text()
    text = text_of(page)
    assert f'<h1 dir="auto">{t("nl", "dash.nav_languages")}</h1>' in page
    assert 'href="/dashboard/languages" class=here' in page
    many = f"{t('nl', 'dash.route_many')}: nllb-200-tiny (CC-BY-NC-4.0)"
    assert f"Somalisch {many} {many} {t('nl', 'dash.voice_none')} 2 1" in text
    assert f"Tigrinya {many} {many} {t('nl', 'dash.voice_none')} 0 0" in text
    voice = "Piper nl_BE-tiny-x_low (CC0-1.0)"
    assert f"Nederlands – – {voice} 1 1" in text
    speaker = school.app.bot_data.speaker
    assert speaker is not None
    robot = {True: t("nl", "dash.voice_espeak"), False: t("nl", "dash.voice_none")}
    pivot = f"{t('nl', 'dash.route_pivot')}: argostranslate ({t('nl', 'dash.licence_unknown')})"
    assert f"Arabisch {pivot} {pivot} {robot['ar' in speaker.voices()]} 0 0" in text
    direct = f"{t('nl', 'dash.route_direct')}: argostranslate ({t('nl', 'dash.licence_unknown')})"
    assert f"Frans {direct} {t('nl', 'dash.route_none')} {robot['fr' in speaker.voices()]}" in text
    assert f"Pools {pivot} {t('nl', 'dash.route_none')} {robot['pl' in speaker.voices()]}" in text
    for code in school.app.bot_data.catalogs.languages:  # all 15 languages of the bot
        assert school.app.bot_data.catalogs.language_name(code, "nl") in text


async def test_nobody_sees_the_languages_page_without_a_session(
    school: School, served: Served
) -> None:
    """Without a session the page asks to log in and shows nothing of the school."""
    await school.coordinator()
    async with aiohttp.ClientSession() as http:
        async with http.get(served.url + "/dashboard/languages") as got:
            assert got.status == 401
            page = await got.text()
    assert school.t("nl", "dash.col_voice") not in page


async def test_the_languages_page_on_a_phone(
    school: School,
    served: Served,
    browser: Browser,
    ct2_folders: dict[str, Path],
    tmp_path: Path,
    model_files: Path,
) -> None:
    """At 360 px wide nothing runs off the screen sideways; the screenshot is kept to look at."""
    sofie = await a_school(school, ct2_folders, model_files, tmp_path / "usb")
    context = await browser.new_context(viewport=PHONE_360)
    page = await context.new_page()
    await page.goto(await ask_login_link(sofie))
    await page.click(f"text={school.t('nl', 'dash.nav_languages')}")
    await page.wait_for_url("**/dashboard/languages")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "nllb-200-tiny" in await page.inner_text("body")
    await screenshot(page, "languages-phone-360")
