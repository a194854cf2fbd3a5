"""At OUDERBRUG_LOG_LEVEL=DEBUG the log still holds no bot token, no Telegram user id or name,
no login or invite link: the real bot runs real updates with the CLI's logging set-up."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import BotApp, build_application
from bot.core.clock import ManualClock
from bot.core.logs import QUIET, redact, setup_logging
from bot.core.settings import Settings, load_settings
from bot.demo.polls import DEMO_PICKS
from bot.demo.school import School
from bot.runtime import running
from bot.simulator import FakeTelegram
from tests.conftest import TOKEN
from tests.helpers.dashboard import ask_login_link
from tests.helpers.polls import answer, launch

PARENT_ID = 731_592_468  # a Telegram user id that appears nowhere else
PARENT_NAME = "Zeynepgül"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The CLI's logging at DEBUG, written to a buffer; the previous set-up restored after."""
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in [*QUIET, ""]}
    stream = io.StringIO()
    handler = setup_logging("DEBUG", stream=stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name or None).setLevel(level)


@pytest.fixture
def settings(tg: FakeTelegram, fresh_db: str, tmp_path: Path) -> Settings:
    """The test settings, with a public address so /dashboard sends a login link."""
    return load_settings(
        env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        DATABASE_URL=fresh_db,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
        OUDERBRUG_PUBLIC_URL="https://ouderbrug.example-school.be",
        OUDERBRUG_LOG_LEVEL="DEBUG",
    )


@pytest.fixture
async def app(
    settings: Settings, clock: ManualClock, captured: io.StringIO
) -> AsyncIterator[BotApp]:
    """The real bot, started after logging was set up (its start-up is logged too)."""
    application = build_application(settings, clock=clock)
    async with running(application, poll_timeout=5) as started:
        yield started


async def test_debug_logs_hold_no_token_id_name_or_link(
    school: School, captured: io.StringIO, settings: Settings
) -> None:
    """A coordinator joins by her one-time link, asks a dashboard link; a parent joins by the
    class link and answers an anonymous poll. The DEBUG log says a lot, and none of that."""
    invite = (school.app.bot_data.bootstrap_link or "").split("start=")[1]
    sofie = await school.coordinator()
    class_code = await school.new_class(sofie, "1A")
    login = (await ask_login_link(sofie)).rsplit("/", 1)[1]
    zeynep = await school.parent(PARENT_NAME, "tr", "1A", user_id=PARENT_ID)
    poll_id = await launch(school, sofie, "barriers", None)
    await answer(school, zeynep, "tr", poll_id, DEMO_PICKS[0])
    logging.getLogger("bot.test").debug(
        "a careless line: %s/bot%s/getMe %s", settings.api_base, TOKEN, f"?start={invite}"
    )
    text = captured.getvalue()
    assert " DEBUG " in text and " INFO " in text  # it did log, at DEBUG
    assert "a careless line" in text and "[redacted]" in text
    secrets = {
        "token": TOKEN.split(":")[1],
        "user id": str(PARENT_ID),
        "name": PARENT_NAME,
        "invite": invite,
        "class code": class_code,
        "login link": login,
    }
    leaked = {what: value for what, value in secrets.items() if value in text}
    assert not leaked, leaked


def test_redaction_covers_tokens_urls_and_links() -> None:
    """Each kind of secret is replaced; times, ids of rows and plain words stay."""
    line = (
        f"POST https://api.telegram.org/bot{TOKEN}/sendMessage token={TOKEN} "
        "https://t.me/school_bot?start=iABCdef123 https://x.be/dashboard/login/Zq-9_ab "
        "at 12:30, poll 17"
    )
    cleaned = redact(line)
    assert TOKEN.split(":")[1] not in cleaned
    assert "iABCdef123" not in cleaned and "Zq-9_ab" not in cleaned
    assert "at 12:30, poll 17" in cleaned
