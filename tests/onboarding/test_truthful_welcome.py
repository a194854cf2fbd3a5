"""Stories of a welcome that promises only what is true: a parent whose language has no
translation model reads, in their own language, in which language the school's messages will
come; a parent whose language has one is welcomed as before. And the screen before START
promises translation only where the school has it, within Telegram's limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.i18n import Catalogs
from bot.core.limits import utf16_len
from bot.demo.school import School
from bot.simulator import BotMessage, SimUser
from tests.helpers.argos_model import install_translation_models

LOCALES = Path(__file__).resolve().parents[2] / "locales"
TRUTH_KEYS = ("start.messages_in_dutch", "start.messages_in_second")


@pytest.fixture(name="class_1a")
async def class_1a_with_models(school: School, model_files: Path) -> School:
    """Class 1A of a school that installed the tiny test models (Arabic yes, Somali none)."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    return school


def welcome_of(school: School, parent: SimUser, lang: str) -> BotMessage:
    """The message that says the parent joined (their child is in 1A) and welcomes them."""
    joined = school.t(lang, "families.joined", children=f"Kind {parent.first_name} (1A)")
    return next(m for m in parent.messages if joined in m.text)


async def test_a_somali_parent_reads_that_messages_come_in_dutch_for_now(class_1a: School) -> None:
    """Hodan picks Soomaali and no second language: there is no Somali model, so her welcome
    says, in Somali, that the school's messages come in Dutch for now, and why."""
    hodan = await class_1a.parent("Hodan", "so", "1A")
    welcome = welcome_of(class_1a, hodan, "so")
    truth = class_1a.t("so", "start.messages_in_dutch", wanted="Soomaali")
    assert truth in welcome.text
    assert welcome.text.index(truth) > welcome.text.index(
        class_1a.t("so", "start.welcome", name="Hodan")
    )
    assert "{" not in truth and truth != "start.messages_in_dutch"


async def test_a_somali_parent_with_english_reads_that_messages_come_in_english(
    class_1a: School,
) -> None:
    """Ayaan reads English too: the school has a Dutch→English model, so her welcome says the
    messages come in her second language, English, named in Somali."""
    ayaan = await class_1a.parent("Ayaan", "so", "1A", second="en")
    welcome = welcome_of(class_1a, ayaan, "so")
    english = class_1a.app.bot_data.catalogs.language_name("en", "so")
    truth = class_1a.t("so", "start.messages_in_second", wanted="Soomaali", language=english)
    assert truth in welcome.text
    assert class_1a.t("so", "start.messages_in_dutch", wanted="Soomaali") not in welcome.text


async def test_an_arabic_parent_is_welcomed_in_arabic_without_the_line(class_1a: School) -> None:
    """Amina picks العربية: the school translates into Arabic, so her welcome promises it and
    says nothing about Dutch; Tom, who reads Dutch, gets no such line either."""
    amina = await class_1a.parent("Amina", "ar", "1A")
    tom = await class_1a.parent("Tom", "nl", "1A")
    for parent, lang, name in ((amina, "ar", "Amina"), (tom, "nl", "Tom")):
        welcome = welcome_of(class_1a, parent, lang)
        assert class_1a.t(lang, "start.welcome", name=name) in welcome.text
        for key in TRUTH_KEYS:
            first_words = class_1a.t(lang, key, wanted="X", language="Y").split("(")[0]
            assert first_words not in welcome.text, (lang, key)


def test_the_descriptions_fit_telegram_and_promise_translation_only_where_it_exists() -> None:
    """Every language's description (512) and short description (120) fit Telegram's limits,
    counted as Telegram counts; the new lines exist in every language with their placeholders."""
    catalogs = Catalogs.load(LOCALES)
    assert len(catalogs.languages) == 15
    for lang in catalogs.languages:
        assert 0 < utf16_len(catalogs.t(lang, "bot.description")) <= 512, lang
        assert 0 < utf16_len(catalogs.t(lang, "bot.short_description")) <= 120, lang
        line = catalogs.t(lang, "start.messages_in_second", wanted="W", language="L")
        assert "W" in line and "L" in line, lang
    nl = catalogs.t("nl", "bot.description")
    assert "in jouw taal als de school er een vertaling voor heeft" in nl
    assert "in hun eigen taal" not in nl


async def test_a_parent_who_switches_to_tigrinya_reads_that_messages_come_in_dutch(
    class_1a: School,
) -> None:
    """Amina reads Arabic, then switches to ትግርኛ with /language and no second language: there is
    no Tigrinya model, so the bot says, in Tigrinya, that the school's messages come in Dutch for
    now. Back in Arabic, nothing of the kind is said."""
    amina = await class_1a.parent("Amina", "ar", "1A")
    await amina.send("/language")
    await amina.expect_text(class_1a.t("ar", "language.prompt"))
    await class_1a.pick_language(amina, "ti")
    tigrinya = class_1a.app.bot_data.catalogs.language_name("ti", "ti")
    await amina.expect_text(class_1a.t("ti", "start.messages_in_dutch", wanted=tigrinya))
    await amina.send("/language")
    await amina.expect_text(class_1a.t("ti", "language.prompt"))
    await class_1a.pick_language(amina, "ar")
    await amina.send("/help")
    await amina.expect_text(class_1a.help("ar", "parent"))
    dutch_line = class_1a.t("ar", "start.messages_in_dutch", wanted="X").split("(")[0]
    assert not any(dutch_line in m.text for m in amina.messages)
