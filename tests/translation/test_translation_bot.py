"""Translation inside the bot: what parents write reaches the team in Dutch too."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.demo.school import School
from bot.models import InboxMessage
from tests.helpers.argos_model import install_translation_models


async def test_a_turkish_parent_writes_and_the_teacher_reads_dutch_beside_the_original(
    school: School, model_files: Path
) -> None:
    """Mehmet writes in Turkish; Juf Lies gets his words and the Dutch translation; both are stored."""
    services = school.app.bot_data
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A")
    original = "Merhaba, oğlum yarın hasta. Okula gelemiyor."
    await mehmet.send(original)
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    heading = school.t(
        "nl",
        "team.parent_message",
        name="Mehmet",
        classes="Kind Mehmet (1A)",
        language="Turks",
        text=original,
    )
    note = await lies.expect_text(heading)
    assert school.t("nl", "team.translated", text="[en>nl] [en>nl]") in note.text
    async with services.sessions() as session:
        row = (await session.exec(select(InboxMessage))).one()
    assert (row.text, row.text_nl, row.language) == (original, "[en>nl] [en>nl]", "tr")


async def test_a_voice_note_without_a_teacher_reaches_the_coordinator(school: School) -> None:
    """No teacher in 2B yet: the coordinator gets the voice note itself and who sent it."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2B")
    hodan = await school.parent("Hodan", "so", "2B")
    await hodan.send_voice(b"OggS fake voice", duration=4)
    await hodan.expect_text(school.t("so", "conversation.received", who="Sofie"))
    voice = await sofie.wait_for_message(lambda m: m.kind == "voice")
    assert school.tg.file_bytes(voice.file_id) == b"OggS fake voice"
    await sofie.expect_text(
        school.t(
            "nl",
            "team.parent_message",
            name="Hodan",
            classes="Kind Hodan (2B)",
            language="Somalisch",
            text="—",
        )
    )
