"""Story helpers for privacy: what the database still holds about someone."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import SQLModel

from bot.demo.school import School


async def rows_mentioning(school: School, member_id: int | None, telegram_id: int) -> list[str]:
    """Every (table, column) whose value equals the member id in a member-ish column or the Telegram id."""
    found: list[str] = []
    async with school.app.bot_data.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                name = column.name
                member_ref = name in ("member_id", "used_by", "created_by", "author_id") or (
                    table.name == "member" and name == "id"
                )
                values = [telegram_id] + ([member_id] if member_ref else [])
                for value in values:
                    if str(column.type).upper().startswith(("INT", "BIGINT")):
                        q = text(f'SELECT COUNT(*) FROM "{table.name}" WHERE "{name}" = :v')
                        if (await conn.execute(q, {"v": value})).scalar():
                            found.append(f"{table.name}.{name}")
    return found
