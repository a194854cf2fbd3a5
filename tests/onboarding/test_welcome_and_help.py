"""Stories of a parent's first minutes: the screen before START, the welcome, and /help."""

from __future__ import annotations

from bot.demo.school import School

REACH_NL = "Schrijf hier gewoon in je eigen taal, of stuur een spraakbericht."
REACH_EN = "just write here in your own language, or send a voice message."


async def test_the_screen_before_start_describes_the_bot_in_every_language(school: School) -> None:
    """At start-up the bot sets its description and short description for every UI language,
    and the school's default language's for everyone else, within Telegram's limits."""
    catalogs = school.app.bot_data.catalogs
    texts = school.tg.bot_texts
    assert len(catalogs.languages) == 15
    for lang in catalogs.languages:
        description = texts[("description", lang)]
        short = texts[("short_description", lang)]
        assert description == school.t(lang, "bot.description"), lang
        assert short == school.t(lang, "bot.short_description"), lang
        assert 0 < len(description) <= 512 and 0 < len(short) <= 120, lang
        assert "START" in description, lang
    assert texts[("description", "")] == school.t("nl", "bot.description")
    assert texts[("short_description", "")] == school.t("nl", "bot.short_description")
    assert "spraakbericht" in texts[("description", "nl")]  # true: voice notes reach the team


async def test_the_welcome_leads_with_the_class_and_its_teacher(school: School) -> None:
    """Amina joins with her letter for her child in 1A: the first lines say to whose school she is
    connected and that Juf Lies teaches the class;
    the welcome follows."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    await school.teacher(sofie, "Juf Lies", "1A")
    amina = await school.parent("Amina", "ar", "1A")
    joined = school.t("ar", "families.joined", children="Kind Amina (1A)")
    welcome = next(m for m in amina.messages if joined in m.text)
    lines = welcome.text.splitlines()
    assert lines[0] == joined
    assert lines[1] == school.t("ar", "start.class_teacher", teachers="Juf Lies")
    assert welcome.text.index(school.t("ar", "start.welcome", name="Amina")) > len(lines[0])
    await school.new_class(sofie, "2B")  # a class without a teacher yet: no teacher line
    [letter] = await school.letter("2B", "Sami", guardians=1)
    await amina.send("/start " + letter)
    joined = school.t("ar", "families.joined", children="Sami (2B)")
    second = await amina.expect_text(joined)
    assert second.text.splitlines()[0:2] == [joined, ""]


async def test_parent_help_says_just_write_or_speak_here_and_a_voice_note_reaches_the_teacher(
    school: School,
) -> None:
    """/help tells a parent to just write or send a voice message; Tom does, and Juf Lies gets
    both, the voice note as it was recorded."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    tom = await school.parent("Tom", "nl", "1A")
    kate = await school.parent("Kate", "en", "1A")
    await tom.send("/help")
    help_nl = await tom.expect_text(REACH_NL)
    assert help_nl.text == school.help("nl", "parent")
    await kate.send("/help")
    help_en = await kate.expect_text(REACH_EN)
    assert help_en.text == school.help("en", "parent")
    await tom.send_voice(b"OggS hallo juf", duration=4)
    await tom.expect_text(school.t("nl", "conversation.received", who="Juf Lies"))
    voice = await lies.wait_for_message(lambda m: m.kind == "voice")
    assert school.tg.file_bytes(voice.file_id) == b"OggS hallo juf"
