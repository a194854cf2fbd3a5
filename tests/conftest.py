"""Fixtures: a fake Telegram on 127.0.0.1, a real database, the real bot polling it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import BotApp, build_application
from bot.core.clock import ManualClock
from bot.core.db import create_all, create_engine, drop_all, session_factory
from bot.core.settings import Settings, load_settings
from bot.demo.school import School
from bot.runtime import running
from bot.simulator import FakeTelegram
from bot.translation import Translator
from tests.helpers import machine


def pytest_configure(config: pytest.Config) -> None:
    """The marks of tests that need something from the machine (tests/helpers/machine.py)."""
    config.addinivalue_line("markers", "browser: needs Chromium (skipped outside CI without it)")
    config.addinivalue_line("markers", "espeak: needs espeak-ng (skipped outside CI without it)")
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (skipped outside CI without it)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a `browser` fixture (Chromium, tests/helpers/dashboard.py) needs it."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Outside CI skip, with CI=true fail, a test whose machine lacks what its marks name."""
    for kind in machine.NEEDS:
        if item.get_closest_marker(kind) is not None:
            machine.require(kind)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per missing thing that made tests skip, saying what to install."""
    for line in machine.summary():
        terminalreporter.write_line(line, yellow=True, bold=True)


TOKEN = "123456789:TEST-token-for-ouderbrug-tests"
BOT_USERNAME = "ouderbrug_test_bot"
# A Monday in term time, 10:00 in Brussels.
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves by hand."""
    return ManualClock(START)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A real SQLite file, or the PostgreSQL database of TEST_DATABASE_URL."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
async def fresh_db(db_url: str) -> AsyncIterator[str]:
    """An empty schema."""
    engine = create_engine(db_url)
    try:
        if db_url.startswith("postgresql"):
            await drop_all(engine)
        await create_all(engine)
    finally:
        await engine.dispose()
    yield db_url


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """The fake Telegram Bot API server."""
    async with FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME) as server:
        yield server


@pytest.fixture
def settings(tg: FakeTelegram, fresh_db: str, tmp_path: Path) -> Settings:
    """Settings pointing the bot at the fake server and the test database."""
    return load_settings(
        env_file=None,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=tg.base_url.removesuffix("/bot"),
        DATABASE_URL=fresh_db,
        OUDERBRUG_DATA_DIR=str(tmp_path / "data"),
        OUDERBRUG_SCHOOL_NAME="Basisschool De Buurt",
        # No voice unless a test installs one (tests/read_aloud/): the same stories with or
        # without Debian's espeak-ng on the machine.
        OUDERBRUG_ESPEAK="off",
    )


@pytest.fixture
async def app(settings: Settings, clock: ManualClock) -> AsyncIterator[BotApp]:
    """The real bot, long-polling the fake server."""
    application = build_application(settings, clock=clock)
    async with running(application, poll_timeout=5) as started:
        yield started


@pytest.fixture
def school(tg: FakeTelegram, app: BotApp) -> School:
    """A story helper: people who join the school and what they do."""
    return School(tg=tg, app=app)


# Translation: tiny real argostranslate models, built once per test session.
MODEL_PAIRS = [("nl", "en"), ("en", "nl"), ("nl", "fr"), ("tr", "en"), ("ar", "en")] + [
    ("en", code) for code in ("ar", "tr", "pl", "ro", "uk", "bg")
]


@pytest.fixture(scope="session")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of `.argosmodel` files, like the one an offline school would copy over."""
    from tests.helpers.argos_model import build_marker_model

    folder = tmp_path_factory.mktemp("argosmodels")
    for source, target in MODEL_PAIRS:
        build_marker_model(folder, source, target)
    return folder


@pytest.fixture
async def translator(tmp_path: Path, model_files: Path, fresh_db: str) -> AsyncIterator[Translator]:
    """The Translator with the test models installed by argostranslate's own installer."""
    from bot.translation.manage import install_from_dir

    data_dir = tmp_path / "data"
    done, errors = install_from_dir(data_dir, model_files)
    assert not errors and len(done) == len(MODEL_PAIRS)
    engine = create_engine(fresh_db)
    service = Translator(
        data_dir=data_dir,
        glossary_dir=Path(__file__).resolve().parents[1] / "locales" / "glossary",
        sessions=session_factory(engine),
        clock=ManualClock(START),
    )
    await service.start()
    try:
        yield service
    finally:
        await service.close()
        await engine.dispose()
