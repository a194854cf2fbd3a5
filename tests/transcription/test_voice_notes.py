"""Stories of voice notes understood: a parent speaks Turkish, the team reads Dutch beside the audio.

The transcript passes through the real transcriber (faster-whisper on a tiny CTranslate2 Whisper
model that always hears `merhaba dünya`) and the real translator (the marker models: Turkish ->
English -> Dutch gives `[en>nl]`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot.demo.school import School
from bot.models import Announcement, InboxMessage, TranslationCache
from bot.simulator import SimUser
from bot.transcription import Transcriber
from bot.transcription.manage import run_install
from bot.translation.service import source_hash
from tests.helpers.argos_model import install_translation_models
from tests.helpers.whisper_model import real_voice

VOICE = b"OggS\x00\x02" + bytes(200)  # not real audio: the transcriber must cope
HEARD = "merhaba dünya"


def install_whisper(school: School, folder: Path) -> None:
    """The server's administrator installs a Whisper model (`ouderbrug models install --from`)."""
    services = school.app.bot_data
    done, errors = run_install(services.settings.models_data_dir, [], folder, lambda *_: None)
    assert done == ["whisper-tiny"] and not errors
    services.transcriber = Transcriber(services.settings.models_data_dir)


@pytest.fixture
async def class_1a(school: School, model_files: Path) -> dict[str, SimUser]:
    """Class 1A: Juf Lies and Mehmet (Turkish), translation models installed."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    return {
        "lies": await school.teacher(sofie, "Juf Lies", "1A"),
        "Mehmet": await school.parent("Mehmet", "tr", "1A"),
    }


def claims_transcript(school: School, text: str) -> bool:
    """Does a Dutch text say that a voice note was transcribed (either variant)?"""
    plain = school.t("nl", "team.transcribed", text="").split("—")[0].strip()
    translated = school.t("nl", "team.transcribed_translated", language="", text="")
    return plain in text or translated.split("—")[0].split("  ")[0].strip() in text


async def stored_voice(school: School) -> InboxMessage:
    async with school.app.bot_data.sessions() as session:
        [message] = list(await session.exec(select(InboxMessage)))
    return message


async def cached_translations_of(school: School, text: str) -> int:
    async with school.app.bot_data.sessions() as session:
        found = await session.exec(
            select(TranslationCache).where(TranslationCache.source_hash == source_hash(text))
        )
        return len(list(found))


async def test_a_turkish_voice_note_reaches_the_teacher_as_dutch_text(
    school: School, class_1a: dict[str, SimUser], whisper_files: Path
) -> None:
    """Mehmet speaks Turkish; Juf Lies gets his voice note and, beside it, the Dutch of what he said,
    marked as machine transcription; /inbox shows it too; /forget removes it with the message."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    install_whisper(school, whisper_files)
    audio = real_voice()
    await mehmet.send_voice(audio, duration=2)
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    voice = await lies.wait_for_message(lambda m: m.kind == "voice")
    assert school.tg.files[voice.file_id].data == audio  # type: ignore[index]
    line = school.t("nl", "team.transcribed_translated", language="Turks", text="[en>nl]")
    note = await lies.wait_for_message(lambda m: line in m.text)
    assert note.buttons  # answer, handled, ...
    assert claims_transcript(school, note.text)  # the check below (no model) can fail
    message = await stored_voice(school)
    assert (message.transcript, message.text_nl, message.kind) == (HEARD, "[en>nl]", "voice")
    assert await cached_translations_of(school, HEARD) == 1
    await lies.send("/inbox")
    await lies.wait_for_message(lambda m: m.text.startswith("👤 Mehmet") and line in m.text)
    await mehmet.send("/forget")
    await mehmet.press(school.t("tr", "forget.yes"))
    await mehmet.expect_text(school.t("tr", "forget.done"))
    async with school.app.bot_data.sessions() as session:
        assert not list(await session.exec(select(InboxMessage)))  # the transcript went with it
    assert await cached_translations_of(school, HEARD) == 0  # and its cached translation


async def test_without_a_model_the_voice_note_comes_alone_and_nothing_claims_a_transcript(
    school: School, class_1a: dict[str, SimUser]
) -> None:
    """No Whisper model installed: Juf Lies gets the voice note; no text speaks of a transcript."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    assert school.app.bot_data.transcriber is not None
    assert not school.app.bot_data.transcriber.can_transcribe()
    await mehmet.send_voice(VOICE, duration=3)
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    await lies.wait_for_message(lambda m: m.kind == "voice")
    note = await lies.wait_for_message(lambda m: bool(m.buttons))
    assert not claims_transcript(school, note.text)
    message = await stored_voice(school)
    assert message.transcript is None and message.text_nl is None


async def test_a_broken_model_never_loses_the_voice_note(
    school: School, class_1a: dict[str, SimUser], whisper_files: Path, tmp_path: Path
) -> None:
    """The model folder is damaged (model.bin cut short): the voice note still reaches Juf Lies."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    install_whisper(school, whisper_files)
    models = school.app.bot_data.settings.models_data_dir / "whisper" / "whisper-tiny"
    (models / "model.bin").write_bytes(b"broken")
    await mehmet.send_voice(VOICE, duration=3)
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    await lies.wait_for_message(lambda m: m.kind == "voice")
    note = await lies.wait_for_message(lambda m: bool(m.buttons))
    assert not claims_transcript(school, note.text)
    transcriber = school.app.bot_data.transcriber
    assert transcriber is not None and not transcriber.can_transcribe()  # stops promising


async def test_a_spoken_absence_reason_follows_in_dutch(
    school: School, model_files: Path, whisper_files: Path
) -> None:
    """Mehmet reports Adam sick and says why in Turkish: Juf Lies gets the voice note at once, then
    the Dutch of it under the same header, marked as machine transcription."""
    install_translation_models(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A", child="Adam")
    install_whisper(school, whisper_files)
    await mehmet.send("/absent")
    await mehmet.press(school.t("tr", "absence.today"))
    await mehmet.press(school.t("tr", "absence.reason_sick"))
    await mehmet.send_voice(real_voice(), duration=2)
    await mehmet.expect_text(school.t("tr", "absence.words_received"))
    header = school.t("nl", "absence.team_addition", child="Adam (1A)")
    voice = await lies.wait_for_message(lambda m: m.kind == "voice" and header in m.text)
    assert not claims_transcript(school, voice.text)  # the voice went out before its words
    line = school.t("nl", "team.transcribed_translated", language="Turks", text="[en>nl]")
    words = await lies.wait_for_message(lambda m: line in m.text)
    assert words.text.startswith(header)


async def test_the_teacher_answers_by_voice_and_the_parent_reads_turkish(
    school: School, class_1a: dict[str, SimUser], whisper_files: Path
) -> None:
    """Juf Lies answers Mehmet with a voice note: he gets her voice and the text of it translated
    to Turkish, marked as machine transcription and machine translation."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    install_whisper(school, whisper_files)
    await mehmet.send("Merhaba, oğlum yarın hasta.")
    note = await lies.wait_for_message(lambda m: "conv:ans:" in str(m.buttons))
    await lies.press(school.t("nl", "inbox.answer_button"), message=note)
    await lies.expect_text(school.t("nl", "inbox.answer_prompt", name="Mehmet", language="Turks"))
    spoken = real_voice()
    await lies.send_voice(spoken, duration=2)
    await lies.expect_text(school.t("nl", "inbox.answer_sent", name="Mehmet"))
    voice = await mehmet.wait_for_message(lambda m: m.kind == "voice")
    assert school.tg.files[voice.file_id].data == spoken  # type: ignore[index]
    answer = await mehmet.wait_for_message(lambda m: "cans:orig:" in str(m.buttons))
    assert "[en>tr]" in answer.text and "Juf Lies" in answer.text
    assert school.t("tr", "conversation.voice_transcribed") in answer.text
    assert school.t("tr", "announce.machine_mark") in answer.text


async def test_a_spoken_announcement_reaches_parents_as_voice_and_their_language(
    school: School, class_1a: dict[str, SimUser], whisper_files: Path
) -> None:
    """Juf Lies speaks an announcement: the preview counts Mehmet among those who read it in
    Turkish (the Dutch transcript is translated); he gets her voice with the Turkish text."""
    lies, mehmet = class_1a["lies"], class_1a["Mehmet"]
    install_whisper(school, whisper_files)
    spoken = real_voice()
    await lies.send_voice(spoken, duration=2)
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    assert "Turks" in preview.text
    async with school.app.bot_data.sessions() as session:  # the Dutch words, marked as machine's
        draft = (await session.exec(select(Announcement))).one()
    assert draft.text == school.t("nl", "team.transcribed", text="merhaba dünya")
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    voice = await mehmet.wait_for_message(lambda m: m.kind == "voice")
    assert school.tg.files[voice.file_id].data == spoken  # type: ignore[index]
    await mehmet.wait_for(lambda u: any("[en>tr]" in m.text for m in u.messages))
