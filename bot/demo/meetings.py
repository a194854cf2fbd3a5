"""The demo's parent-teacher meetings (issue 18): Juf Lies publishes an evening of 15-minute
conversations for 1A; Lotte's mother books one, Adam's father books in Arabic and asks for an
interpreter; Juf Lies opens her schedule with who has not booked yet, and moves the evening to the
hall: the two families who booked are told, with an updated calendar file."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.school import School
from bot.simulator import SimUser


async def meetings_scene(school: School, teacher: SimUser) -> None:
    """/oudercontact in ten days, two bookings, the teacher's overview."""
    t, services = school.t, school.app.bot_data
    users = {u.first_name: u for u in school.tg.users.values()}
    day = (services.clock.now() + timedelta(days=10)).astimezone(services.settings.tz)
    await teacher.send("/oudercontact")
    await teacher.send(f"{day:%d/%m} 16:00-18:00")
    await teacher.press(school.tn("nl", "meet.minutes", 15, minutes=15))
    await teacher.press(t("nl", "meet.no_break"))
    await teacher.send("lokaal 12")
    preview = await teacher.wait_for_message(lambda m: "mp:pub:0" in str(m.buttons))
    if "▫️ 1A" in str(preview.buttons):  # a teacher of several classes ticks 1A
        await teacher.press("▫️ 1A", message=preview)
        await teacher.wait_for(lambda u: "✅ 1A" in str(preview.buttons))
    await teacher.press(t("nl", "meet.publish_button"), message=preview)
    await teacher.wait_for(lambda u: "mo:" in str(preview.buttons))
    for name, time, lang in (("Els", "16:00", "nl"), ("Rachid", "16:15", "ar")):
        parent = users.get(name)
        if parent is None:
            continue
        offer = await parent.wait_for_message(lambda m: "ms:" in str(m.buttons), timeout=15)
        await parent.press(time, message=offer)
        await parent.wait_for(lambda u: "mc:" in str(offer.buttons))  # noqa: B023 (awaited here)
        if lang == "ar":
            asked = t(lang, "meet.interpreter_asked")
            await parent.press(t(lang, "meet.interpreter_button"), message=offer)
            await parent.wait_for(lambda u: asked in offer.text)  # noqa: B023 (awaited here)
    await teacher.press(t("nl", "meet.overview_button"), message=preview)
    schedule = await teacher.wait_for_message(lambda m: "mk:" in str(m.buttons), timeout=15)
    await teacher.press(t("nl", "meet.move_button"), message=schedule)
    await teacher.wait_for_message(lambda m: m.text.startswith(t("nl", "meet.ask_new_place", place="lokaal 12")), timeout=15)  # fmt: skip
    await teacher.send("de aula")
    await teacher.wait_for_message(lambda m: "de aula" in m.text and "📍" not in m.text, timeout=15)  # fmt: skip
