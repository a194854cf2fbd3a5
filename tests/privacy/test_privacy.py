"""Stories of privacy: /mydata, /forget, /stop."""

from __future__ import annotations

from bot.demo.school import School
from tests.helpers.privacy import rows_mentioning


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
    leftovers = await rows_mentioning(school, member.id, amina.id)
    assert leftovers == [], leftovers


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
