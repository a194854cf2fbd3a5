"""Bad input and bad days: clear answers, nothing lost, every failure logged."""

from __future__ import annotations

import logging

import pytest

from bot.core.db import create_engine, session_factory
from bot.demo.school import School


async def test_unknown_commands_stickers_and_forged_buttons(school: School) -> None:
    """Each gets a short answer in the user's language, and nothing breaks."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    hodan = await school.parent("Hodan", "so", "1A")
    await hodan.send("/doesnotexist")
    await hodan.expect_text(school.t("so", "error.unknown_command"))
    await hodan.send_sticker()
    await hodan.expect_text(school.t("so", "error.unsupported"))
    for forged in ("cls:archive_yes:1", "lang:xx:", "forget", "inv:teacher", "x" * 64):
        cb = await hodan.press_data(forged)
        answer = await hodan.wait_callback_answer(cb)
        assert answer.text == school.t("so", "error.stale_button"), forged
    row = await school.class_row("1A")
    assert row.archived is False


async def test_a_long_message_from_a_parent_is_kept_whole(school: School) -> None:
    """A 4,096-character message is stored for the team, not cut or lost."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    ioana = await school.parent("Ioana", "ro", "1A")
    long_text = ("Bună ziua, " * 500)[:4096]
    await ioana.send(long_text)
    await ioana.expect_text(school.t("ro", "conversation.received", who="Sofie"))
    await ioana.send("/mydata")
    msg = await ioana.next_message()
    assert school.t("ro", "mydata.messages", messages=1) in msg.text


async def test_text_instead_of_a_language_button(school: School) -> None:
    """Someone who types while the language picker is open is pointed to the buttons."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    zahra = school.person("Zahra", language_code="fa")
    await zahra.send("/start " + school.classes["1A"])
    await zahra.expect_text(school.t("fa", "start.choose_language"))
    await zahra.send("سلام")
    await zahra.expect_text(school.t("fa", "error.use_buttons"))


async def test_a_database_that_is_down_gets_a_friendly_answer_and_loses_nothing(
    school: School, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    """While the database is unreachable users hear "try again later"; afterwards all is there."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    carlos = await school.parent("Carlos", "es", "1A")
    services = school.app.bot_data
    healthy = services.sessions
    broken = create_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a folder is no database
    services.sessions = session_factory(broken)
    try:
        with caplog.at_level(logging.ERROR, logger="ouderbrug.errors"):
            await carlos.send("/mydata")
            await carlos.expect_text(school.t("es", "error.generic"))
        assert any("handler failed for update" in r.getMessage() for r in caplog.records)
    finally:
        services.sessions = healthy
        await broken.dispose()
    await carlos.send("/mydata")
    msg = await carlos.next_message()
    assert "Carlos" in msg.text and "1A" in msg.text


async def test_telegram_errors_are_retried_or_logged(
    school: School, caplog: pytest.LogCaptureFixture
) -> None:
    """A 429 is waited out and retried; a 502 is logged with the update id and the bot goes on."""
    sofie = await school.coordinator()
    school.tg.inject("sendMessage", status=429, retry_after=1, times=1)
    await sofie.send("/help")
    await sofie.expect_text(school.help("nl", "coordinator"))
    school.tg.inject("sendMessage", status=502, description="Bad Gateway", times=1)
    with caplog.at_level(logging.ERROR, logger="ouderbrug.errors"):
        await sofie.send("/mydata")
        await sofie.send("/help")
        await sofie.expect_text(school.help("nl", "coordinator"))
    assert any("handler failed for update" in r.getMessage() for r in caplog.records)
