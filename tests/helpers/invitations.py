"""Story helpers for invitations: class 1A in four languages, and a coffee morning for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.argos_model import install_translation_models


@pytest.fixture(name="class_1a")
async def invitation_class_1a(school: School, model_files: Path) -> dict[str, SimUser]:
    """Class 1A: Juf Lies and parents in Dutch, Arabic, Turkish and Polish."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {"lies": await school.teacher(sofie, "Juf Lies", "1A")}
    for name, lang in (("Tom", "nl"), ("Amina", "ar"), ("Mehmet", "tr"), ("Kasia", "pl")):
        people[name] = await school.parent(name, lang, "1A")
    return people


async def invite(school: School, lies: SimUser, when: str = "27/11 08:30-10:00") -> object:
    """Juf Lies invites 1A to a coffee morning in the dining hall."""
    await lies.send("/meeting")
    await lies.press("☕ Koffiemoment voor ouders")
    await lies.expect_text(school.t("nl", "event.ask_when", example="12/12 08:30-10:00"))
    await lies.send(when)
    await lies.expect_text(school.t("nl", "event.ask_place"))
    await lies.send("de refter")
    await lies.press(school.t("nl", "event.option_preview"))
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    return preview
