"""Stories of an invitation's translation status told truly, before and after sending.

No translation model is installed (as in `ouderbrug demo`): a template's title and text come
with people's translations in every language, so Claire (French) and Hodan (Somali) read a
coffee morning in their language, with the organiser's place name as written; only an own
invitation, typed in Dutch, reaches them in Dutch, and the preview says so.
"""

from __future__ import annotations

from bot.demo.school import School
from bot.invitations.handlers import MAX_TEXT
from bot.simulator import SimUser


def is_invitation(message: object) -> bool:
    """A parent's invitation (it has the RSVP buttons)."""
    return "rsvp:yes:" in str(getattr(message, "buttons", ""))


def opening(school: School, key: str, count: int) -> str:
    """A status line of the Dutch preview up to its list of languages ('🌍 ...: 3 (')."""
    return school.t("nl", key, count=count, languages="\0").split("\0")[0]


async def preview_of(school: School, lies: SimUser) -> object:
    """The place, the options as they come, and the preview with its Send now button."""
    await lies.expect_text(school.t("nl", "event.ask_when", example="12/12 08:30-10:00"))
    await lies.send("vrijdag 8u30 tot 10u")
    await lies.expect_text(school.t("nl", "event.ask_place"))
    await lies.send("de refter")
    await lies.press(school.t("nl", "event.option_preview"))
    return await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))


async def class_without_models(school: School) -> dict[str, SimUser]:
    """Class 1A: Juf Lies, Tom (Dutch), Claire (French) and Hodan (Somali); no models at all."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    people = {"lies": await school.teacher(sofie, "Juf Lies", "1A")}
    for name, lang in (("Tom", "nl"), ("Claire", "fr"), ("Hodan", "so")):
        people[name] = await school.parent(name, lang, "1A")
    return people


async def test_a_template_invitation_is_in_their_language_without_a_model(school: School) -> None:
    """The preview counts Claire and Hodan in their own language, and their copies carry no
    "not translated" line: only the place, "de refter", stays as Juf Lies wrote it."""
    people = await class_without_models(school)
    lies = people["lies"]
    await lies.send("/meeting")
    await lies.press("☕ Koffiemoment voor ouders")
    preview = await preview_of(school, lies)
    assert opening(school, "status.own", 3) in preview.text  # Dutch, French, Somali
    in_dutch = school.t("nl", "status.no_model", count=7, languages="").split("7")[0]
    assert in_dutch not in preview.text  # nobody is said to read it in Dutch
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    for name, lang in (("Claire", "fr"), ("Hodan", "so")):
        copy = await people[name].wait_for_message(is_invitation, timeout=10)
        assert school.t(lang, "status.note_dutch") not in copy.text, name
        assert school.t(lang, "event.place_line", place="de refter") in copy.text, name
        assert school.t(lang, "event.machine_mark") not in copy.text  # nothing machine-made
        assert school.t(lang, "event.not_anonymous") in copy.text


async def test_an_own_invitation_without_a_model_is_said_to_be_in_dutch(school: School) -> None:
    """Juf Lies types her own title and text: she is not promised that every parent reads it in
    their language; the preview counts Claire and Hodan in Dutch for want of a model, and their
    copies say so in their language."""
    people = await class_without_models(school)
    lies = people["lies"]
    await lies.send("/meeting")
    await lies.press(school.t("nl", "event.own_button"))
    await lies.send("Soep en babbel")
    prompt = await lies.expect_text(school.tn("nl", "event.ask_text", MAX_TEXT, max=MAX_TEXT))
    assert "als er een vertaalmodel voor is" in prompt.text  # no promise the preview refutes
    await lies.send("We koken samen soep. Breng een groente mee.")
    preview = await preview_of(school, lies)
    assert opening(school, "status.own", 1) in preview.text  # Tom
    assert opening(school, "status.no_model", 2) in preview.text
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    for name, lang in (("Claire", "fr"), ("Hodan", "so")):
        copy = await people[name].wait_for_message(is_invitation, timeout=10)
        assert school.t(lang, "status.note_dutch") in copy.text, name
        assert "Soep en babbel" in copy.text


async def test_a_place_written_as_sentences_says_it_is_not_translated(school: School) -> None:
    """Juf Lies describes the way in two Dutch sentences: Claire reads the coffee morning in
    French, with one line saying that only the place is still in Dutch, as the school wrote it."""
    people = await class_without_models(school)
    lies, claire = people["lies"], people["Claire"]
    await lies.send("/meeting")
    await lies.press("☕ Koffiemoment voor ouders")
    await lies.expect_text(school.t("nl", "event.ask_when", example="12/12 08:30-10:00"))
    await lies.send("vrijdag 8u30 tot 10u")
    await lies.expect_text(school.t("nl", "event.ask_place"))
    way = "Achteraan in de refter. Volg de gele pijlen vanaf de poort."
    await lies.send(way)
    await lies.press(school.t("nl", "event.option_preview"))
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    copy = await claire.wait_for_message(is_invitation, timeout=10)
    place = school.t("fr", "event.place_line", place=way)
    note = school.t("fr", "event.place_not_translated", language="Nederlands")
    assert f"{place}\n{note}" in copy.text
    assert school.t("fr", "status.note_dutch") not in copy.text  # the rest is French
    tom = await people["Tom"].wait_for_message(is_invitation, timeout=10)
    assert school.t("nl", "event.place_not_translated", language="Nederlands") not in tom.text
