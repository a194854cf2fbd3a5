"""The families scene of the demo (issue 17): the coordinator imports a small roster, the teacher
of 1A prints the letters of her families not reached yet, a mother joins with her letter, a father
without one comes by the class link and the teacher approves, and the coordinator reads the reach."""

from __future__ import annotations

from sqlmodel import select

from bot.core.codes import family_payload
from bot.demo.school import School
from bot.families import service as families
from bot.models import Pupil
from bot.simulator import BotMessage, SimUser

# The administration's export as a school has it: `;`, a BOM, a column the bot never stores.
ROSTER = (
    "\ufeffVoornaam;Naam;Klas;Thuistaal;Gezin;Geboortedatum\r\n"
    "Adam;Benali;1A;Arabisch;G-101;2019-03-02\r\n"
    "Sara;Benali;3B;ar;G-101;2016-11-20\r\n"
    "Lotte;Peeters;1A;nl;G-102;2019-06-14\r\n"
    "Milan;Nowak;1A;pl;G-103;2019-01-30\r\n"
)


def button(message: BotMessage, prefix: str, label: str = "") -> str:
    """The callback data of the button whose data starts with `prefix` (and label with `label`)."""
    return next(
        b.value
        for row in message.buttons
        for b in row
        if b.value.startswith(prefix) and b.text.startswith(label)
    )


async def families_scene(school: School, coordinator: SimUser, teacher: SimUser) -> None:
    """Roster, letters, a letter join, a class-link join approved, and the reach (all of 1A)."""
    t = school.t
    await coordinator.send_document(
        ROSTER.encode("utf-8"), "leerlingen.csv", "text/csv", caption="/import"
    )
    report = await coordinator.wait_for_message(lambda m: "imp:go:" in str(m.buttons))
    await coordinator.press(t("nl", "roster.button_import"), message=report)
    await coordinator.expect_text(t("nl", "roster.imported", added=4, changed=0, archived=0))

    await teacher.send("/letters")  # Juf Lies: the families of her 1A the school does not reach
    which = await teacher.wait_for_message(lambda m: "lt:c:" in str(m.buttons))
    await teacher.press(t("nl", "letters.button_not_reached", name="1A"), message=which)
    await teacher.wait_for_message(lambda m: (m.file_name or "").endswith(".pdf"))

    # Lotte's mother scans the QR on her letter. (The codes of the PDF above exist only on paper:
    # the demo prints her one more letter code through the service instead of reading the PDF.)
    services = school.app.bot_data
    async with services.sessions() as session:
        lotte = (await session.exec(select(Pupil).where(Pupil.first_name == "Lotte"))).one()
        [code] = await families.issue_codes(
            session, school_id=services.school_id, family_id=lotte.family_id, count=1,
            now=services.clock.now(),
        )  # fmt: skip
        await session.commit()
    els = school.person("Els", "nl")
    await els.send("/start " + family_payload(code))
    await school.pick_language(els, "nl")
    await els.expect_text(t("nl", "families.joined", children="Lotte P. (1A)"))
    await els.press(t("nl", "families.role_mother"))
    await els.expect_text(t("nl", "families.role_saved", role=t("nl", "families.role_mother")))

    # Adam's father has no letter with him: he scans 1A's class QR; Juf Lies approves.
    rachid = school.person("Rachid", "ar")
    await rachid.send("/start " + school.classes["1A"])
    await school.pick_language(rachid, "ar")
    picker = await rachid.wait_for_message(lambda m: "jq:p:" in str(m.buttons))
    await rachid.press_data(button(picker, "jq:p:", "Adam"), picker)
    await rachid.press(t("ar", "families.role_father"))
    await rachid.expect_text(t("ar", "approval.requested", class_name="1A"))
    notice = await teacher.wait_for_message(
        lambda m: "Rachid" in m.text and "jr:a:" in str(m.buttons)
    )
    await teacher.press(t("nl", "approval.approve"), message=notice)
    await rachid.wait_for_message(lambda m: "✅" in m.text and "1A" in m.text)

    await coordinator.send("/reach")  # per class, per home language, mothers and fathers apart
    await coordinator.wait_for_message(lambda m: "lt:n:" in str(m.buttons))
