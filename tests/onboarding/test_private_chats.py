"""A member's chat is their private chat with the bot, never a group's (defence in depth: the
middleware already keeps groups out, bot/telegram/middleware.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from bot.core.clock import ManualClock
from bot.core.db import create_engine, session_factory
from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import Member
from bot.onboarding import members
from tests.conftest import START
from tests.helpers.restart import restarted

GROUP_CHAT = -1001234567890


async def test_no_member_is_created_with_a_group_chat_id(fresh_db: str) -> None:
    """A group's id, another person's chat: refused, nothing stored; the own chat: stored."""
    engine = create_engine(fresh_db)
    sessions, now = session_factory(engine), ManualClock(START).now()
    try:
        async with sessions() as session:
            school = await members.ensure_school(session, name="De Buurt", now=now)
            assert school.id is not None
            for chat_id in (GROUP_CHAT, 4242, -4241, 0):
                with pytest.raises(members.NotPrivateChat):
                    await members.get_or_create_member(
                        session, school_id=school.id, telegram_id=4241, chat_id=chat_id,
                        first_name="Eve", now=now,
                    )  # fmt: skip
            assert (await session.exec(select(Member))).all() == []
            member, created = await members.get_or_create_member(
                session, school_id=school.id, telegram_id=4241, chat_id=4241,
                first_name="Eve", now=now,
            )  # fmt: skip
            assert created and member.chat_id == 4241
            with pytest.raises(members.NotPrivateChat):  # nor found again through a group
                await members.get_or_create_member(
                    session, school_id=school.id, telegram_id=4241, chat_id=GROUP_CHAT,
                    first_name="Eve", now=now,
                )  # fmt: skip
    finally:
        await engine.dispose()


async def test_a_member_bound_to_a_group_before_is_moved_back_to_their_own_chat(
    school: School, settings: Settings, clock: ManualClock
) -> None:
    """Amina's row holds a group's chat id (joined through a group before groups were kept out):
    at the next start the bot moves her back to her own chat."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    amina = await school.parent("Amina", "ar", "1A")
    async with school.app.bot_data.sessions() as session:
        await session.exec(
            update(Member).where(col(Member.telegram_id) == amina.id).values(chat_id=GROUP_CHAT)
        )
        await session.commit()
    async with restarted(school.app, settings, clock) as fresh:
        async with fresh.bot_data.sessions() as session:
            rows = (await session.exec(select(Member.telegram_id, Member.chat_id))).all()
        assert rows and all(chat == user for user, chat in rows)
