"""A parent's voice note as the "few words" after an absence note: the class teacher and the office
get the voice itself, under the Dutch header about the child; it is kept with the note and the
parent finds it again in /mydata.

The clock starts on Monday 23 November 2026, 10:00 in Brussels.
"""

from __future__ import annotations

from datetime import date

from bot.absences.views import days
from bot.demo.school import School
from tests.absences.test_absence_notes import stored

MONDAY = date(2026, 11, 23)
VOICE = b"OggS\x00\x02" + bytes(200)  # a tiny Ogg/Opus voice note


async def test_a_voice_note_reaches_the_teacher_under_a_dutch_header(school: School) -> None:
    """Mehmet reports Adam sick and speaks a few words instead of typing them: Juf Lies and the
    office receive his voice note captioned in Dutch with the child; it is stored with the note."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A", child="Adam")
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.today"))
    await mehmet.press(school.t("tr", "absence.reason_sick"))
    await lies.expect_text(days(MONDAY, MONDAY, "nl"))
    sent = await mehmet.send_voice(VOICE, duration=4)
    await mehmet.expect_text(school.t("tr", "absence.words_received"))
    header = school.t("nl", "absence.team_addition", child="Adam (1A)")
    for person in (lies, sofie):
        voice = await person.wait_for_message(lambda m: m.kind == "voice")
        assert header in voice.text  # the caption says whose voice note it is, in Dutch
        assert school.tg.files[voice.file_id].data == VOICE  # type: ignore[index]
    [absence] = await stored(school)
    assert absence.voice_file_id == sent["voice"]["file_id"] and absence.note == ""
    await mehmet.send("/mydata")
    shown = await mehmet.expect_text(school.t("tr", "mydata.absences"))
    assert school.t("tr", "mydata.absence_voice") in shown.text
