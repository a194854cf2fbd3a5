"""Fixtures of the poll stories that fill the database directly."""

from __future__ import annotations

import pytest

from bot.core.db import create_engine, session_factory


@pytest.fixture
async def sessions(fresh_db: str):  # type: ignore[no-untyped-def]
    """Sessions on an empty schema, for filling a poll without the bot."""
    engine = create_engine(fresh_db)
    yield session_factory(engine)
    await engine.dispose()
