"""The short path of a poll press: parents invited to a poll are known before they press."""

from __future__ import annotations

from typing import NoReturn

from bot.demo.school import School
from bot.onboarding import lookups
from tests.helpers.polls import invitation, launch


def no_database() -> NoReturn:
    raise AssertionError("a press of an invited parent went to the database to find them")


async def test_invited_parents_press_without_a_lookup_of_who_they_are(school: School) -> None:
    """The invitation warms the caches: member and classes are there, exactly as stored."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    parents = [
        await school.parent(name, lang, "1A") for name, lang in (("Amina", "ar"), ("Tom", "nl"))
    ]
    poll_id = await launch(school, sofie, "barriers", parents=2)
    data = school.app.bot_data
    cached = {}
    for parent in parents:
        await invitation(parent, poll_id)
    for parent in parents:
        member = await lookups.member_of(
            data.caches,
            no_database,
            school_id=data.school_id,
            telegram_id=parent.id,  # type: ignore[arg-type]
        )
        assert member is not None and member.id is not None
        classes = await lookups.classes_of(data.caches, no_database, member_id=member.id)  # type: ignore[arg-type]
        cached[parent.id] = (lookups.values_of(member), classes)

    data.caches.members.clear()
    data.caches.classes.clear()
    for parent in parents:
        stored = await lookups.member_of(
            data.caches, data.sessions, school_id=data.school_id, telegram_id=parent.id
        )
        assert stored is not None and stored.id is not None
        classes = await lookups.classes_of(data.caches, data.sessions, member_id=stored.id)
        assert cached[parent.id] == (lookups.values_of(stored), classes)
