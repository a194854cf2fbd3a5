"""A parent who wrote words with an absence note and then uses /forget: the words, the Dutch made
of them and their cached translations leave the database and its file; the note (child, days,
reason) stays, the school's record, without the parent."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.demo.school import School
from bot.models import Absence
from tests.helpers.argos_model import install_translation_models
from tests.helpers.privacy import in_files, needles, raw_bytes

WORDS = "Oğlumun ateşi var, Zeynep teyze bakıyor."


async def test_forget_takes_the_words_of_an_absence_note_and_keeps_the_note(
    school: School, db_url: str, model_files: Path
) -> None:
    """Mehmet reports Adam sick with a few words, then /forget: the words are nowhere."""
    services = school.app.bot_data
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A", child="Adam")
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.today"))
    await mehmet.press(school.t("tr", "absence.reason_sick"))
    await mehmet.send(WORDS)
    await mehmet.expect_text(school.t("tr", "absence.words_received"))
    await lies.expect_text(WORDS)
    async with services.sessions() as session:
        [note] = list(await session.exec(select(Absence)))
    assert note.note == WORDS and note.note_nl and note.reported_by is not None
    dutch = note.note_nl
    if db_url.startswith("sqlite"):
        assert in_files(raw_bytes(db_url), needles([WORDS], mehmet.id))

    await mehmet.send("/forget")
    await mehmet.press(school.t("tr", "forget.yes"))
    await mehmet.expect_text(school.t("tr", "forget.done"))

    async with services.sessions() as session:
        [kept] = list(await session.exec(select(Absence)))
    assert (kept.reason, kept.first_day, kept.pupil_id) == (
        note.reason,
        note.first_day,
        note.pupil_id,
    )
    assert (kept.note, kept.note_nl, kept.reported_by, kept.voice_file_id) == ("", None, None, None)
    if db_url.startswith("sqlite"):  # the raw file and its WAL, as an insider would copy them
        assert in_files(raw_bytes(db_url), needles([WORDS, dutch], mehmet.id)) == []
