"""The demo's school routines (issue 18): Lotte's mother reports her sick in three taps, Juf Lies
marks Adam absent and his father answers in Arabic, and a permission form about the swimming
pool that Lotte's mother answers."""

from __future__ import annotations

from bot.demo.school import School
from bot.simulator import SimUser


async def routines_scene(school: School, teacher: SimUser) -> None:
    """/absent by a parent, /absent by the teacher, /form with one answer."""
    t = school.t
    users = {u.first_name: u for u in school.tg.users.values()}
    els, rachid = users["Els"], users["Rachid"]
    await els.send("/absent")
    await els.press(t("nl", "absence.today"))
    await els.press(t("nl", "absence.reason_sick"))
    await els.wait_for_message(lambda m: m.text.startswith("✅") and "Lotte" in m.text)

    await teacher.send("/absent")
    classes = await teacher.wait_for_message(lambda m: "abt:c:" in str(m.buttons))
    await teacher.press("1A", message=classes)
    await teacher.wait_for(lambda u: "abt:p:" in str(classes.buttons))
    await teacher.press("Adam B. (1A)", message=classes)
    question = await rachid.wait_for_message(lambda m: "abq:" in str(m.buttons))
    await rachid.press(t("ar", "absence.reason_late"), message=question)
    await teacher.wait_for_message(lambda m: m.text.startswith("💬") and "Rachid" in m.text)

    await teacher.send("/form")
    classes = await teacher.wait_for_message(lambda m: "pf:c:" in str(m.buttons))
    await teacher.press("1A", message=classes)
    await teacher.wait_for(lambda u: not classes.buttons)
    await teacher.send("Mag {child} vrijdag mee naar het zwembad?")
    await teacher.wait_for_message(lambda m: "pf:s:" in str(m.buttons))
    await teacher.press(t("nl", "form.send"))
    copy = await els.wait_for_message(lambda m: "fa:" in str(m.buttons) and "Lotte" in m.text)
    await els.press(t("nl", "form.yes"), message=copy)
    await els.wait_for_message(lambda m: "✔️" in m.text)
    await teacher.press(t("nl", "form.list_button"))
    await teacher.wait_for_message(lambda m: "✅ Lotte P. (1A)" in m.text)
    await els.send("/mydata")  # her note and her answer are in what the school keeps of her
    await els.wait_for_message(lambda m: t("nl", "mydata.forms") in m.text)
