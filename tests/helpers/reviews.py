"""Story helpers for reviews: class 1A with two Polish families, an Arabic, a Somali and a Dutch
one; Kasia, a Polish language buddy in 2B; making someone a reviewer; sending an announcement."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.school import School
from bot.simulator import BotMessage, SimUser
from tests.helpers.argos_model import install_translation_models

TEXT = "Beste ouders, morgen gaan we naar het bos. Breng laarzen mee!"
MACHINE = "[en>pl]"  # the marker model's Polish (through English), once per sentence
BETTER = "Drodzy rodzice, jutro idziemy do lasu. Proszę zabrać kalosze!"


@pytest.fixture(name="families")
async def reviews_families(school: School, model_files: Path) -> dict[str, SimUser]:
    """Class 1A (Juf Lies) with Marek and Ewa (Polish), Amina (Arabic), Hodan (Somali: no
    model) and Tom (Dutch); Kasia, a Polish mother in 2B who volunteers as language buddy."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.new_class(sofie, "2B")
    people = {"sofie": sofie, "lies": await school.teacher(sofie, "Juf Lies", "1A")}
    for name, lang in [("Marek", "pl"), ("Ewa", "pl"), ("Amina", "ar"), ("Hodan", "so")]:
        people[name] = await school.parent(name, lang, "1A")
    people["Tom"] = await school.parent("Tom", "nl", "1A")
    kasia = people["Kasia"] = await school.parent("Kasia", "pl", "2B")
    await kasia.send("/buddy")
    await kasia.press(school.t("pl", "buddy.yes_button"))
    await kasia.expect_text(school.t("pl", "buddy.on"))
    return people


async def make_reviewer(school: School, coordinator: SimUser, name: str, language: str) -> None:
    """The coordinator opens /reviewers, ➕, picks the person and the language (its Dutch name)."""
    await coordinator.send("/reviewers")
    await coordinator.expect_text(school.t("nl", "reviews.list_head"))
    await coordinator.press(school.t("nl", "reviews.button_add"))
    await coordinator.expect_text(school.t("nl", "reviews.pick_member"))
    await coordinator.press(name)
    await coordinator.expect_text(school.t("nl", "reviews.pick_language", name=name))
    await coordinator.press(language)
    await coordinator.expect_text(school.t("nl", "reviews.added", name=name, language=language))


def is_copy(message: BotMessage) -> bool:
    """A parent's copy of an announcement (it has the Seen button)."""
    return "ann:seen:" in str(message.buttons)


def is_request(message: BotMessage) -> bool:
    """A review request (✅ / ✏️ under it)."""
    return "rv:ok:" in str(message.buttons)


async def send(school: School, teacher: SimUser, text: str = TEXT) -> BotMessage:
    """The teacher writes, presses Send now; the final report once all six copies went out."""
    await teacher.send(text)
    preview = await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(school.t("nl", "announce.send_now"), message=preview)
    head = school.t("nl", "announce.report", classes="1A", sent=5, total=5, seen=0, failed=0)
    return await teacher.wait_for_message(
        lambda m: "ann:wd:" in str(m.buttons) and m.text.startswith(head), timeout=10
    )


def checked(school: School, lang: str, language: str) -> str:
    """The line under a reviewed copy (the Dutch original below it: the school's default)."""
    name = school.app.bot_data.catalogs.language_name(language, lang)
    return school.t(lang, "reviews.checked_mark_below", language=name)


def polish(school: School) -> str:
    """Polish, named as a Polish reader reads it (Babel)."""
    return school.app.bot_data.catalogs.language_name("pl", "pl")
