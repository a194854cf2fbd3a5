"""The same race on PostgreSQL (TEST_DATABASE_URL): its own transactions, the same refusal."""

from __future__ import annotations

import pytest

from bot.demo.school import School
from bot.simulator import SimUser
from tests.helpers.meetings import meeting_class_1a
from tests.meetings.test_slot_race import four_families_press_the_last_time_at_once

__all__ = ["meeting_class_1a"]
pytestmark = pytest.mark.postgres


async def test_on_postgresql_four_families_press_the_last_time_at_once(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina, Mehmet and Kasia press the last time together on PostgreSQL: one booking."""
    assert school.app.bot_data.engine.dialect.name == "postgresql"
    await four_families_press_the_last_time_at_once(school, class_1a)
