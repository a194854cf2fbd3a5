"""Stories of an invitation read in the parent's own language (issue 15).

The fixed lines are the catalogs' human text, the date is formatted by Babel in the parent's
locale, a template's title and text are the people's translations in
flows/invitations/templates.yaml, and only the organiser's own words are machine-translated
(the test models turn every sentence into one marker, such as `[en>ar]`).
The clock stands on Monday 23 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from bot.core.settings import project_root
from bot.demo.school import School
from bot.invitations.service import load_templates
from bot.simulator import SimUser
from tests.helpers.invitations import invitation_class_1a

__all__ = ["invitation_class_1a"]  # the fixture class_1a of the invitation stories
BRUSSELS = ZoneInfo("Europe/Brussels")
TEMPLATES = load_templates(project_root() / "flows" / "invitations" / "templates.yaml")
START = datetime(2026, 11, 27, 8, 30, tzinfo=BRUSSELS)  # "vrijdag 8u30 tot 10u", typed on Monday
END = datetime(2026, 11, 27, 10, 0, tzinfo=BRUSSELS)


def is_invitation(message: object) -> bool:
    """A parent's invitation (it has the RSVP buttons)."""
    return "rsvp:yes:" in str(getattr(message, "buttons", ""))


async def invitation_of(school: School, parent: SimUser, lang: str) -> str:
    """The parent's invitation, without the Dutch original the school adds under translations."""
    copy = await parent.wait_for_message(is_invitation, timeout=10)
    return copy.text.split(school.t(lang, "announce.original_below"))[0]


async def send(school: School, lies: SimUser) -> None:
    """The options as they come (children welcome, an interpreter offered), preview, send."""
    await lies.send("de refter")
    await lies.press(school.t("nl", "event.option_preview"))
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)


async def test_a_coffee_morning_read_in_arabic_and_polish(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Amina and Kasia read the coffee morning as people wrote it in their language; only the place is machine-made."""
    lies = class_1a["lies"]
    hodan = await school.parent("Hodan", "so", "1A")  # no Somali model is installed
    await lies.send("/meeting")
    await lies.press("☕ Koffiemoment voor ouders")
    await lies.expect_text(school.t("nl", "event.ask_when", example="12/12 08:30-10:00"))
    await lies.send("vrijdag 8u30 tot 10u")
    await lies.expect_text(school.t("nl", "event.ask_place"))
    await send(school, lies)
    coffee = TEMPLATES["coffee"]
    for name, lang in (("Amina", "ar"), ("Kasia", "pl")):
        text = await invitation_of(school, class_1a[name], lang)
        assert f"☕ {coffee.titles[lang]}" in text and coffee.texts[lang] in text, name
        assert coffee.title not in text and coffee.text not in text  # no Dutch, no machine
        day = format_date(START, "full", locale=lang)  # e.g. "piątek, 27 listopada 2026"
        assert day in text and format_time(END, "short", locale=lang) in text
        when = next(line for line in text.splitlines() if day in line)
        fixed = school.t(lang, "event.when_line", day="\0", end="\0").split("\0")
        assert all(part in when for part in fixed)  # the catalog's line around Babel's date
        for key in ("event.children_yes", "event.interpreter_line", "event.not_anonymous"):
            assert school.t(lang, key) in text, (name, key)
        marker = f"[en>{lang}]"
        assert text.count(marker) == 1  # the place, the organiser's only words here
        place = school.t(lang, "event.place_line", place=marker)  # (+ the school's glossary)
        line = next(line for line in text.splitlines() if line.startswith(place))
        assert line.endswith("(de refter)")  # the place as written, to find it
        assert school.t(lang, "event.machine_mark_below") in text  # says which part is machine-made
        assert school.t(lang, "announce.machine_mark_below") not in text
    somali = await invitation_of(school, hodan, "so")  # people's Somali; the place as written
    assert coffee.texts["so"] in somali
    assert school.t("so", "event.place_line", place="de refter") in somali
    assert school.t("so", "status.note_dutch") not in somali  # it is not "in Dutch"
    assert "[" not in somali and format_date(START, "full", locale="so") in somali
    tom = await invitation_of(school, class_1a["Tom"], "nl")
    assert "vrijdag 27 november 2026" in tom and coffee.text in tom and "[" not in tom


async def test_an_own_invitation_machine_translates_only_the_organisers_words(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """Juf Lies writes her own title and two sentences: those are machine-made, the rest is the catalog's."""
    lies, kasia = class_1a["lies"], class_1a["Kasia"]
    await lies.send("/meeting")
    await lies.press(school.t("nl", "event.own_button"))
    await lies.send("Soep en babbel")
    await lies.send("We koken samen soep. Breng een groente mee.")
    await lies.expect_text(school.t("nl", "event.ask_when", example="12/12 08:30-10:00"))
    await lies.send("27 november 8u30 tot 10u")
    await lies.expect_text(school.t("nl", "event.ask_place"))
    await send(school, lies)
    text = await invitation_of(school, kasia, "pl")
    assert text.count("[en>pl]") == 4  # the title, two sentences and the place
    assert "Soep" not in text.split(school.t("pl", "event.place_line", place=""))[0]
    assert format_date(START, "full", locale="pl") in text
    assert school.t("pl", "event.not_anonymous") in text
    assert school.t("pl", "event.interpreter_line") in text


def test_every_shipped_template_is_written_in_every_ui_language() -> None:
    """Like the polls: each template's title and text exist in all fifteen languages."""
    from tests.core.test_catalogs import REQUIRED

    for template in TEMPLATES.values():
        assert set(REQUIRED) <= set(template.titles), template.id
        assert set(REQUIRED) <= set(template.texts), template.id
        assert all(template.titles.values()) and all(template.texts.values())
