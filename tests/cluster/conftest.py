"""The city-scale tests' database: an engine on the empty test database, and sessions that see
every school (leases, processes and the webhook inbox belong to no school)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.db import SessionFactory, create_engine, session_factory


@pytest.fixture
async def engine(fresh_db: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the empty test database."""
    made = create_engine(fresh_db)
    yield made
    await made.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> SessionFactory:
    """Sessions that see every school."""
    return session_factory(engine)
