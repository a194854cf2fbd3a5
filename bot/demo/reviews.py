"""The demo's human review (issue 19): Sofie makes Meester Karim reviewer for Arabic; with a
translation model installed, Juf Lies's next message reaches 1A's Arabic parents by machine, Karim
improves the Arabic and their copies change in place, now marked as checked by someone who speaks
Arabic. Without a model there is nothing a machine translated, so nobody is asked."""

from __future__ import annotations

from bot.demo.school import School
from bot.simulator import SimUser

BETTER = "أولياء الأمور الأعزاء، غداً نذهب إلى الغابة. أحضروا الأحذية المطاطية!"


async def reviews_scene(school: School, coordinator: SimUser, teacher: SimUser) -> None:
    """/reviewers ➕ Karim, Arabic; a message; Karim's ✏️ with his own Arabic; Rachid's copy."""
    t = school.t
    karim = next(u for u in school.tg.users.values() if u.first_name == "Meester Karim")
    await coordinator.send("/reviewers")
    await coordinator.expect_text(t("nl", "reviews.list_head"))
    await coordinator.press(t("nl", "reviews.button_add"))
    await coordinator.press("Meester Karim")
    await coordinator.press(school.app.bot_data.catalogs.language_name("ar", "nl"))
    await karim.wait_for_message(lambda m: "👀" in m.text)
    await teacher.send("Beste ouders, morgen gaan we naar het bos. Breng laarzen mee!")
    await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(t("nl", "announce.send_now"))
    translator = school.app.bot_data.translator
    if translator is None or not translator.can_translate("nl", "ar"):
        return  # no Arabic model: the Arabic parents read Dutch, nothing to review
    request = await karim.wait_for_message(lambda m: "rv:fix:" in str(m.buttons), timeout=15)
    await karim.press(t("nl", "reviews.button_fix"), message=request)
    await karim.expect_text(t("nl", "reviews.fix_prompt", language="Arabisch"))
    await karim.send(BETTER)
    await karim.wait_for_message(lambda m: m.text.startswith("✅"))
    rachid = next(u for u in school.tg.users.values() if u.first_name == "Rachid")
    await rachid.wait_for(lambda u: any(BETTER in m.text for m in u.messages), timeout=15)
