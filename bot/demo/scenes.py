"""More demo scenes: a question under an announcement, an edit, an album sent later, a withdrawal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import col, select

from bot.core.clock import ManualClock
from bot.demo.polls import answer, has_data
from bot.demo.school import School
from bot.models import Event
from bot.simulator import BotMessage, SimUser

PHOTO = b"\x89PNG\r\n\x1a\n demo photo"


def is_copy(message: BotMessage) -> bool:
    """A parent's copy of an announcement."""
    return "ann:seen:" in str(message.buttons)


async def report_of(teacher: SimUser) -> BotMessage:
    """The teacher's newest delivery report (it has the Withdraw button)."""
    return await teacher.wait_for_message(lambda m: "ann:wd:" in str(m.buttons), timeout=15)


async def question_and_edit(
    school: School, teacher: SimUser, copies: list[tuple[SimUser, str, BotMessage]]
) -> None:
    """A parent asks about the announcement in their language; the teacher corrects the time."""
    if not copies:
        return
    parent, lang, copy = copies[-1]
    await parent.press(school.t(lang, "announce.button_question"), message=copy)
    await parent.expect_text(school.t(lang, "announce.question_prompt"))
    await parent.send("Mag mijn oma ook komen? / Can my grandmother come too?")
    await parent.expect_text(school.t(lang, "parent.question_received"))
    await teacher.wait_for_message(lambda m: "❓" in m.text)
    report = await report_of(teacher)
    await teacher.press(school.t("nl", "announce.button_edit"), message=report)
    await teacher.expect_text(school.t("nl", "announce.edit_prompt"))
    await teacher.send(
        "Beste ouders, vrijdag 12/12 om 8u45 (niet 8u30) is er koffie in de refter. "
        "Iedereen is welkom: mama's, papa's, oma's en opa's, ook met kleine broers en zussen!"
    )
    await teacher.expect_text(school.tn("nl", "announce.edit_done", len(copies), count=len(copies)))
    await parent.wait_for(lambda u: "8u45" in copy.text, timeout=15)


async def album_tomorrow_morning(
    school: School, teacher: SimUser, families: list[SimUser], clock: ManualClock
) -> None:
    """Photos of the week, planned for tomorrow 07:30; the clock moves on and they go out."""
    if not families:
        return
    await teacher.send_album([PHOTO, PHOTO], caption="Zo was onze week in de klas! 📸")
    preview = await teacher.wait_for_message(
        lambda m: school.tn("nl", "announce.preview_album", 2, count=2) in m.text
    )
    await teacher.press(school.t("nl", "announce.schedule_button"), message=preview)
    await teacher.wait_for(lambda u: "anns:" in str(preview.buttons))
    tomorrow = next(label for row in preview.buttons for label, d in row if d.startswith("anns:") and "07:30" in label)  # fmt: skip
    await teacher.press(tomorrow, message=preview)
    await teacher.wait_for(lambda u: "ann:now:" in str(preview.buttons))
    before = sum(1 for m in families[0].messages if is_copy(m))
    clock.advance(timedelta(hours=23))
    await families[0].wait_for(
        lambda u: sum(1 for m in u.messages if is_copy(m)) > before, timeout=15
    )


async def withdrawn_by_mistake(school: School, teacher: SimUser, parent: SimUser) -> None:
    """A message sent to the wrong class is withdrawn: it disappears from the parents' phones,
    and each of them reads one line, in their language, saying which message was withdrawn."""
    before = len(parent.messages)
    await teacher.send("Morgen toets wiskunde. (Oeps, verkeerde klas!)")
    await teacher.press(school.t("nl", "announce.send_now"))
    await parent.wait_for(lambda u: any(is_copy(m) for m in u.messages[before:]), timeout=15)
    copy = next(m for m in parent.messages[before:] if is_copy(m))
    report = await report_of(teacher)
    await teacher.press(school.t("nl", "announce.button_withdraw"), message=report)
    await teacher.press(school.t("nl", "announce.withdraw_yes"))
    await parent.wait_for(lambda u: copy.deleted, timeout=15)
    await parent.wait_for(lambda u: "🗑" in u.messages[-1].text, timeout=15)  # one line says so


async def answer_in_dutch(
    school: School, teacher: SimUser, parent: SimUser, note: BotMessage
) -> None:
    """The teacher answers a parent's message in Dutch; the parent reads it in their language."""
    await teacher.press(school.t("nl", "inbox.answer_button"), message=note)
    await teacher.next_message()
    await teacher.send("Beterschap voor Adam! Dank je om het te laten weten.")
    await parent.wait_for_message(lambda m: "cans:" in str(m.buttons) or "Beterschap" in m.text)
    await teacher.press(school.t("nl", "inbox.handled_button"), message=note)
    await teacher.send("/inbox")
    await teacher.next_message()


async def help_and_buddy(
    school: School,
    sofie: SimUser,
    copies: list[tuple[SimUser, str, BotMessage]],
    families: list[SimUser],
) -> None:
    """Youssef does not understand the message; Bilal, who speaks Arabic too, is asked to help."""
    youssef = next(((p, c) for p, _, c in copies if p.first_name == "Youssef"), None)
    bilal = next((p for p in families if p.first_name == "Bilal"), None)
    if youssef is None or bilal is None:
        return
    parent, copy = youssef
    await parent.press(school.t("ar", "announce.button_help"), message=copy)
    await parent.expect_text(school.t("ar", "announce.help_received"))
    await bilal.send("/buddy")
    await bilal.press(school.t("ar", "buddy.yes_button"))
    await bilal.expect_text(school.t("ar", "buddy.on"))
    await sofie.send("/inbox")
    entry = await sofie.wait_for_message(lambda m: m.text.startswith("👤 Youssef"))
    await sofie.press(school.t("nl", "inbox.buddy_button"), message=entry)
    await sofie.press("Bilal")
    await bilal.press(
        school.t("ar", "buddy.yes_button"),
        message=await bilal.wait_for_message(lambda m: "bud:yes:" in str(m.buttons)),
    )
    await parent.press(
        school.t("ar", "buddy.yes_button"),
        message=await parent.wait_for_message(lambda m: "bud:pyes:" in str(m.buttons)),
    )
    await sofie.expect_text(school.t("nl", "buddy.team_agreed", buddy="Bilal", parent="Youssef"))


async def second_thoughts(school: School, copies: list[tuple[SimUser, str, BotMessage]]) -> None:
    """A parent edits a message already sent and presses a damaged button: both get a clear answer."""
    if not copies:
        return
    parent, lang, copy = copies[0]
    sent = await parent.send("Morgen komen we iets later, rond 9 uur.")
    await parent.edit(sent, "Morgen komen we iets later, rond 9u30.")
    await parent.expect_text(school.t(lang, "edit.not_passed_on"))
    press = await parent.press_data("ann:seen:²", copy)
    await parent.wait_callback_answer(press)


async def coffee_morning(school: School, teacher: SimUser, families: list[SimUser]) -> None:
    """The teacher invites the class to a coffee morning next week; two parents come, one with two."""
    if not families:
        return
    services = school.app.bot_data
    day = (services.clock.now() + timedelta(days=7)).astimezone(services.settings.tz)
    await teacher.send("/meeting")
    await teacher.press("☕ Koffiemoment voor ouders")
    await teacher.expect_text(school.t("nl", "event.ask_when", example="12/12 08:30-10:00"))
    await teacher.send(f"{day:%d/%m} om 8u30 tot 10u")  # as teachers type it (bot/core/when_nl.py)
    await teacher.expect_text(school.t("nl", "event.ask_place"))
    await teacher.send("de refter")
    await teacher.wait_for_message(lambda m: "evo:ok:" in str(m.buttons))
    await teacher.send_location(51.2172, 4.4210)  # the school on the map, for parents who walk
    await teacher.expect_text(school.t("nl", "event.location_set"))
    await teacher.press(school.t("nl", "event.option_preview"))
    preview = await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(school.t("nl", "announce.send_now"), message=preview)
    for parent, people in zip(families[:2], ("2", "1"), strict=False):
        copy = await parent.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=15)
        lang = services.catalogs.pick(parent.language_code)
        await parent.press(school.t(lang, "event.button_yes"), message=copy)
        await parent.press(people)


async def follow_ups(school: School, teacher: SimUser, parent: SimUser, clock: ManualClock) -> None:
    """A parent writes twice more: the teacher hears of the first at once, of the second (folded
    into one notification with whatever else comes) ten minutes later; nothing goes unseen."""

    def note_with(words: str) -> Callable[[BotMessage], bool]:
        return lambda m: words in m.text and "conv:ans:" in str(m.buttons)

    lang = school.app.bot_data.catalogs.pick(parent.language_code)
    await parent.send("لديه حمى أيضاً.")
    await teacher.wait_for_message(note_with("لديه حمى أيضاً."))
    await parent.send("سأرسل شهادة الطبيب غداً.")
    await parent.expect_text(school.t(lang, "conversation.received", who="Juf Lies"))
    clock.advance(timedelta(minutes=10))
    await teacher.wait_for_message(note_with("سأرسل شهادة الطبيب غداً."), timeout=15)


async def thank_you_after_the_meeting(school: School, parent: SimUser, clock: ManualClock) -> None:
    """The coffee morning is over: who said yes gets one anonymous question, and answers it."""
    services = school.app.bot_data
    async with services.sessions() as session:
        found = await session.exec(select(Event).order_by(col(Event.id).desc()))
        event = found.first()
    if event is None:
        return
    before = {m.message_id for m in parent.messages if has_data(m, "pg:")}
    clock.set(event.ends_at + timedelta(minutes=31))
    await parent.wait_for(
        lambda u: any(has_data(m, "pg:") and m.message_id not in before for m in u.messages),
        timeout=15,
    )
    message = next(m for m in parent.messages if has_data(m, "pg:") and m.message_id not in before)
    poll_id = int(
        next(b.value for row in message.buttons for b in row if b.value.startswith("pg:")).split(
            ":"
        )[1]
    )
    lang = services.catalogs.pick(parent.language_code)
    await answer(school, parent, lang, poll_id, ["yes"])


async def second_school(klimop: School, buurt: School) -> None:
    """De Klimop's coordinator starts, a De Buurt parent joins there too, and the news of one
    school never reaches the other's chat."""
    karim = await klimop.coordinator("Karim (coordinator, De Klimop)")
    await klimop.new_class(karim, "2B")
    people = [u for u in buurt.tg.users.values() if u.language_code != "nl"]
    parent = next((u for u in people if u.language_code == "tr"), people[0] if people else None)
    lang = parent.language_code if parent else "nl"
    joined = await klimop.parent(
        parent.first_name if parent else "Noor", lang, "2B", user_id=parent.id if parent else None
    )
    text = "Vrijdag is het sportdag in De Klimop: breng sportschoenen mee."
    await karim.send(text)
    await karim.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await karim.press(klimop.t("nl", "announce.send_now"))
    await joined.wait_for_message(lambda m: "ann:seen:" in str(m.buttons), timeout=15)
    await joined.send("/mydata")
    await joined.next_message()
