"""Story helpers for announcements: class 1A with five families, and sending to them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.argos_model import install_translation_models

TEXT = "Beste ouders, morgen gaan we naar het bos. Breng laarzen mee!"


@pytest.fixture(name="class_1a")
async def announcement_class_1a(school: School, model_files: Path) -> dict[str, SimUser]:
    """Class 1A with its teacher and five families, translation models installed."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {"sofie": sofie, "lies": await school.teacher(sofie, "Juf Lies", "1A")}
    for name, lang, second in [
        ("Amina", "ar", "fr"),
        ("Mehmet", "tr", None),
        ("Hodan", "so", "en"),
        ("Zahra", "fa", None),
        ("Tom", "nl", None),
    ]:
        people[name] = await school.parent(name, lang, "1A", second=second)
    return people


async def send_announcement(school: School, teacher: SimUser, text: str = TEXT) -> None:
    """The teacher writes, sees the preview, presses Send now and waits for the final report."""
    await teacher.send(text)
    preview = await teacher.wait_for_message(
        lambda m: any("ann:send:" in d for row in m.buttons for _, d in row)
    )
    assert "5" in preview.text
    await teacher.press(school.t("nl", "announce.send_now"))
