"""The first coordinator's link is printed once, when it is made: a restart does not make (or
print) another while it is unused and valid, but says when it was printed and which command
makes a new one; once it expires the next start makes and prints a fresh one. Never logged."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.app import BotApp, build_application
from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.runtime import running
from bot.simulator import FakeTelegram
from tests.helpers.restart import stop

LINK = "https://t.me/ouderbrug_test_bot?start=i"


def console(capsys: pytest.CaptureFixture[str]) -> str:
    """What the bot printed on the console (stderr) since the last look."""
    return capsys.readouterr().err


async def test_a_restart_keeps_the_printed_link_and_says_how_to_make_a_new_one(
    tg: FakeTelegram,
    settings: Settings,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The ICT person starts the bot: the link. They restart it twice before Sofie has used it:
    no new link, one line with the date of the first and `ouderbrug invite --role coordinator`.
    Sofie then joins with the first link, which still works."""
    caplog.set_level(logging.DEBUG)
    async with running(build_application(settings, clock=clock), poll_timeout=5) as first:
        printed = console(capsys)
        link = first.bot_data.bootstrap_link
        assert link and link.startswith(LINK) and printed.count(LINK) == 1 and link in printed
    for _ in range(2):
        clock.advance(timedelta(hours=1))
        async with running(build_application(settings, clock=clock), poll_timeout=5) as again:
            assert again.bot_data.bootstrap_link is None
            said = console(capsys)
            assert LINK not in said
            assert "A one-time link was already printed on 2026-11-23 09:00 UTC" in said
            assert "run `ouderbrug invite --role coordinator` to make a new one" in said
    async with running(build_application(settings, clock=clock), poll_timeout=5) as last:
        console(capsys)
        school = School(tg=tg, app=last)
        last.bot_data.bootstrap_link = link  # the one printed at the first start
        await school.coordinator("Sofie")
        await stop(last)
    assert "No coordinator yet" not in caplog.text  # the console only, never a log record
    async with running(build_application(settings, clock=clock), poll_timeout=5):
        assert "No coordinator yet" not in console(capsys)  # Sofie is the coordinator now


async def test_an_expired_link_is_replaced_and_printed_at_the_next_start(
    settings: Settings, clock: ManualClock, app: BotApp, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nobody used the link for eight days (it is valid for seven): the next start makes a new
    one and prints it, once."""
    old = app.bot_data.bootstrap_link
    await stop(app)
    clock.advance(timedelta(days=8))
    console(capsys)
    async with running(build_application(settings, clock=clock), poll_timeout=5) as fresh:
        new = fresh.bot_data.bootstrap_link
        printed = console(capsys)
        assert new and new != old and new in printed and "already printed" not in printed
