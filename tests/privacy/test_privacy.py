"""Stories of privacy: /mydata, /forget, /stop."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import SQLModel

from bot.demo.school import School


async def test_mydata_shows_everything_stored(school: School) -> None:
    """A parent sees their name, languages, role and classes, in their language."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A", second="nl")
    await mehmet.send("/mydata")
    msg = await mehmet.next_message()
    for part in ("Mehmet", "Türkçe", "Nederlands", "1A", school.t("tr", "role.parent")):
        assert part in msg.text


async def test_forget_leaves_no_personal_row_behind(school: School) -> None:
    """After /forget and Yes, no table holds the parent's Telegram id or member id."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    amina = await school.parent("Amina", "ar", "1A", second="fr")
    await amina.send("Mijn dochter is ziek vandaag.")
    await amina.expect_text(school.t("ar", "conversation.received", who="Sofie"))
    member = await school.member(amina)
    assert member is not None
    await amina.send("/forget")
    await amina.press(school.t("ar", "forget.no"))
    await amina.expect_text(school.t("ar", "forget.cancelled"))
    assert await school.member(amina) is not None
    await amina.send("/forget")
    await amina.press(school.t("ar", "forget.yes"))
    await amina.expect_text(school.t("ar", "forget.done"))
    assert await school.member(amina) is None
    leftovers = await _rows_mentioning(school, member.id, amina.id)
    assert leftovers == [], leftovers


async def _rows_mentioning(school: School, member_id: int | None, telegram_id: int) -> list[str]:
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


async def test_stop_pauses_and_start_resumes(school: School) -> None:
    """/stop pauses messages; /start welcomes the parent back."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    kasia = await school.parent("Kasia", "pl", "1A")
    await kasia.send("/stop")
    await kasia.expect_text(school.t("pl", "stop.done"))
    member = await school.member(kasia)
    assert member is not None and member.status == "stopped"
    await kasia.send("/start")
    await kasia.expect_text(school.t("pl", "start.welcome_back"))
    member = await school.member(kasia)
    assert member is not None and member.status == "active"


async def test_the_last_coordinator_cannot_disappear(school: School) -> None:
    """The school must keep a coordinator, so the last one is asked to invite another first."""
    sofie = await school.coordinator()
    await sofie.send("/forget")
    await sofie.press(school.t("nl", "forget.yes"))
    await sofie.expect_text(school.t("nl", "forget.last_coordinator"))
    assert await school.member(sofie) is not None
