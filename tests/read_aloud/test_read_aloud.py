"""Stories of read-aloud: parents who asked for it get a voice message after each text, in the
language they read; nobody else does, and a school without voices offers nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import col

from bot.core.clock import ManualClock
from bot.core.settings import Settings
from bot.demo.school import School
from bot.models import Delivery
from bot.speech.service import default_engines
from tests.helpers.argos_model import install_translation_models
from tests.helpers.restart import restarted
from tests.read_aloud.helpers import (
    all_voiced,
    has_button,
    heard,
    install_voices,
    voice_sender,
    voice_states,
    voices_of,
)

NEWS = "Beste ouders, morgen gaan we naar het bos. Breng laarzen mee!"


def copy_of(user: object) -> object:
    """A predicate: the parent's copy of an announcement (it carries the Seen button)."""
    return lambda m: any(d.startswith("ann:seen:") for row in m.buttons for _, d in row)


async def translations(school: School, model_files: Path) -> None:
    install_translation_models(school, model_files)


async def send_now(school: School, teacher: object, text: str) -> None:
    """The teacher writes, then Send now under the preview."""
    await teacher.send(text)  # type: ignore[attr-defined]
    await teacher.wait_for_message(  # type: ignore[attr-defined]
        lambda m: any("ann:send:" in d for row in m.buttons for _, d in row)
    )
    await teacher.press(school.t("nl", "announce.send_now"))  # type: ignore[attr-defined]


async def test_an_arabic_parent_taps_yes_and_hears_the_announcement_in_arabic(
    school: School, model_files: Path
) -> None:
    """Amina joins in Arabic and taps 🔊 Yes; Noor too; Mehmet says no. Juf Lies posts: Amina and
    Noor read the Arabic text, then get a voice message (OGG/Opus, made once, uploaded once);
    Mehmet gets the text alone."""
    await translations(school, model_files)
    install_voices(school, "ar", "tr")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    arabic = school.app.bot_data.catalogs.language_name("ar", "ar")
    parents = {}
    for name, lang, yes in [("Amina", "ar", True), ("Noor", "ar", True), ("Mehmet", "tr", False)]:
        parents[name] = user = await school.parent(name, lang, "1A")
        offer = await user.wait_for_message(lambda m: has_button(m, "ra:yes"))
        assert offer.text.startswith("🔊")
        button = "read_aloud.button_yes" if yes else "read_aloud.button_no"
        await user.press(school.t(lang, button), message=offer)
        if yes:
            await user.expect_text(school.t(lang, "read_aloud.on", language=arabic))
        else:
            await user.expect_text(school.t(lang, "read_aloud.declined"))
    speaker = school.app.bot_data.speaker
    assert speaker is not None
    made = speaker.stats.performed

    await send_now(school, lies, NEWS)
    amina, noor, mehmet = parents["Amina"], parents["Noor"], parents["Mehmet"]
    texts = {p.id: await p.wait_for_message(copy_of(p)) for p in (amina, noor, mehmet)}
    await all_voiced(school)

    for parent in (amina, noor):
        text = texts[parent.id]
        assert "[en>ar]" in text.text  # the Arabic translation (the test models mark it)
        voice = voices_of(parent)
        assert len(voice) == 1, parent.messages
        assert parent.messages.index(voice[0]) > parent.messages.index(text)  # after the text
        container, codec, seconds = heard(school, voice[0])
        assert (container, codec) == ("ogg", "opus") and seconds > 0.2
    assert voices_of(amina)[0].file_id == voices_of(noor)[0].file_id  # uploaded once, then reused
    assert speaker.stats.performed == made + 1  # one Arabic text, synthesised once
    assert voices_of(mehmet) == []
    states = await voice_states(school)
    assert states[amina.chat_id] == states[noor.chat_id] == "sent"
    assert states[mehmet.chat_id] is None


async def test_voice_turns_read_aloud_on_and_off_and_mydata_says_so(school: School) -> None:
    """Tom (Dutch) has no voice on the server: /voice notes his wish and says truthfully that
    messages stay text for now; once a Dutch voice is installed /voice says they will come."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    tom = await school.parent("Tom", "nl", "1A")
    assert not any(has_button(m, "ra:yes") for m in tom.messages)  # nothing offered
    nl = school.app.bot_data.catalogs.language_name("nl", "nl")
    await tom.send("/voice")
    await tom.expect_text(school.t("nl", "read_aloud.on_no_voice", language=nl))
    await tom.send("/mydata")
    await tom.expect_text(school.t("nl", "mydata.read_aloud_on"))
    await tom.send("/voice")
    await tom.expect_text(school.t("nl", "read_aloud.off"))
    await tom.send("/mydata")
    await tom.expect_text(school.t("nl", "mydata.read_aloud_off"))
    install_voices(school, "nl")
    await tom.send("/voice")
    await tom.expect_text(school.t("nl", "read_aloud.on", language=nl))
    member = await school.member(tom)
    assert member is not None and member.read_aloud


async def test_a_team_answer_is_read_aloud_and_its_audio_is_not_kept(
    school: School, model_files: Path
) -> None:
    """Mehmet asked for read-aloud; Juf Lies answers his question: he reads it in Turkish and
    hears it, and the server keeps no audio of that personal answer."""
    await translations(school, model_files)
    install_voices(school, "tr")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A")
    await mehmet.press(school.t("tr", "read_aloud.button_yes"))
    await mehmet.send("Merhaba, oğlum yarın hasta.")
    await mehmet.expect_text(school.t("tr", "conversation.received", who="Juf Lies"))
    note = await lies.wait_for_message(
        lambda m: any(d.startswith("conv:ans:") for row in m.buttons for _, d in row)
    )
    speaker = school.app.bot_data.speaker
    assert speaker is not None and speaker.cache_dir is not None
    cached = set(speaker.cache_dir.glob("*.ogg"))
    await lies.press(school.t("nl", "inbox.answer_button"), message=note)
    await lies.send("Beterschap! Geen probleem.")
    await lies.expect_text(school.t("nl", "inbox.answer_sent", name="Mehmet"))
    answer = await mehmet.wait_for_message(
        lambda m: any(d.startswith("cans:orig:") for row in m.buttons for _, d in row)
    )
    await mehmet.wait_for(lambda u: len(voices_of(u)) == 1)
    voice = voices_of(mehmet)[0]
    assert mehmet.messages.index(voice) > mehmet.messages.index(answer)
    assert heard(school, voice)[:2] == ("ogg", "opus")
    assert speaker.cache_dir.is_dir()
    assert set(speaker.cache_dir.glob("*.ogg")) == cached  # nothing of the answer on disk


async def test_a_poll_reminder_is_read_aloud(school: School, model_files: Path) -> None:
    """Kasia (Polish) asked for read-aloud: the poll's invitation and its reminder each come with
    a voice message; Tom, who did not ask, gets none."""
    from datetime import UTC, datetime

    from bot.polls.jobs import tick
    from tests.helpers.polls import invitation, launch

    await translations(school, model_files)
    install_voices(school, "pl", "nl")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    kasia = await school.parent("Kasia", "pl", "1A")
    await kasia.press(school.t("pl", "read_aloud.button_yes"))
    polish = school.app.bot_data.catalogs.language_name("pl", "pl")
    await kasia.expect_text(school.t("pl", "read_aloud.on", language=polish))
    tom = await school.parent("Tom", "nl", "1A")
    await tom.press(school.t("nl", "read_aloud.button_no"))
    poll_id = await launch(school, sofie, "hear", parents=2)
    await invitation(kasia, poll_id)
    await kasia.wait_for(lambda u: len(voices_of(u)) == 1)  # the invitation, read aloud
    school.app.bot_data.clock.set(datetime(2026, 11, 26, 6, 30, tzinfo=UTC))  # type: ignore[attr-defined]
    await tick(school.app.bot, school.app.bot_data)  # 07:30 in Brussels: the first reminder
    await kasia.wait_for(lambda u: any(m.text.startswith("⏰") for m in u.messages))
    await kasia.wait_for(lambda u: len(voices_of(u)) == 2)
    reminder = next(m for m in kasia.messages if m.text.startswith("⏰"))
    assert kasia.messages.index(voices_of(kasia)[1]) > kasia.messages.index(reminder)
    await tom.wait_for(lambda u: any(m.text.startswith("⏰") for m in u.messages))
    await all_voiced(school)
    assert voices_of(tom) == []


async def test_without_any_voice_nothing_is_offered_and_texts_still_arrive(
    school: School, model_files: Path
) -> None:
    """No voice installed: Amina is not offered read-aloud; she asks with /voice anyway and is
    told there is no Arabic voice yet. The announcement reaches her as text; its voice copy is
    noted as impossible, and the report is complete."""
    await translations(school, model_files)
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    amina = await school.parent("Amina", "ar", "1A")
    assert not any(has_button(m, "ra:yes") for m in amina.messages)
    arabic = school.app.bot_data.catalogs.language_name("ar", "ar")
    await amina.send("/voice")
    await amina.expect_text(school.t("ar", "read_aloud.on_no_voice", language=arabic))
    await send_now(school, lies, NEWS)
    await amina.wait_for_message(copy_of(amina))
    await all_voiced(school)
    assert voices_of(amina) == []
    assert (await voice_states(school))[amina.chat_id] == "none"


async def test_voice_copies_wanted_before_a_restart_are_sent_after_it(
    school: School, model_files: Path, settings: Settings, clock: ManualClock
) -> None:
    """The bot stops after the texts went out but before the voices (one was even claimed, as a
    crash would leave it): the restarted bot sends both voice copies, once each (the claimed one
    at once on SQLite, where no other sender can hold it; on PostgreSQL when its lease ends)."""
    await translations(school, model_files)
    install_voices(school, "ar")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    amina, noor = [await school.parent(n, "ar", "1A") for n in ("Amina", "Noor")]
    for parent in (amina, noor):
        await parent.press(school.t("ar", "read_aloud.button_yes"))
    await voice_sender(school).stop()  # the voices wait; the texts go out
    await send_now(school, lies, NEWS)
    for parent in (amina, noor):
        await parent.wait_for_message(copy_of(parent))
    await school.app.bot_data.sender.idle.wait()  # type: ignore[union-attr]
    assert set((await voice_states(school)).values()) == {"wanted"}
    async with school.app.bot_data.sessions() as session:  # a claim a crash left behind
        await session.exec(
            update(Delivery)
            .where(col(Delivery.chat_id) == amina.chat_id)
            .values(voice="sending", next_attempt_at=clock.now() + timedelta(minutes=5))
        )
        await session.commit()
    async with restarted(school.app, settings, clock) as fresh:
        again = School(tg=school.tg, app=fresh)
        await noor.wait_for(lambda u: len(voices_of(u)) == 1)
        clock.advance(timedelta(minutes=5))  # the crashed claim's lease is over
        await amina.wait_for(lambda u: len(voices_of(u)) == 1)
        await all_voiced(again)
        states = await voice_states(again)
        assert states[amina.chat_id] == states[noor.chat_id] == "sent"
    assert len(voices_of(amina)) == len(voices_of(noor)) == 1


@pytest.mark.espeak
async def test_espeak_ng_reads_aloud_where_no_piper_voice_is_installed(
    school: School, model_files: Path
) -> None:
    """With espeak-ng as the fallback (the default outside the tests) a Romanian parent, for whom
    no Piper voice is installed, hears the announcement read by espeak-ng."""
    await translations(school, model_files)
    speaker = school.app.bot_data.speaker
    assert speaker is not None
    speaker.engines = default_engines(speaker.voices_dir, "fallback")
    speaker.reload()
    assert (speaker.voice_for("ro") or "").startswith("espeak-ng")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    ioana = await school.parent("Ioana", "ro", "1A")
    await ioana.press(school.t("ro", "read_aloud.button_yes"))
    await send_now(school, lies, NEWS)
    text = await ioana.wait_for_message(copy_of(ioana))
    assert "[en>ro]" in text.text
    await ioana.wait_for(lambda u: len(voices_of(u)) == 1)
    container, codec, seconds = heard(school, voices_of(ioana)[0])
    assert (container, codec) == ("ogg", "opus") and seconds > 1.0


async def test_an_edited_announcement_is_read_aloud_anew_and_a_withdrawn_one_falls_silent(
    school: School, model_files: Path
) -> None:
    """Juf Lies fixes the day: Amina's old voice message is deleted and a new one of the edited
    text follows. Then she withdraws it: the voice message disappears with the text."""
    await translations(school, model_files)
    install_voices(school, "ar")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    amina = await school.parent("Amina", "ar", "1A")
    await amina.press(school.t("ar", "read_aloud.button_yes"))
    await send_now(school, lies, NEWS)
    copy = await amina.wait_for_message(copy_of(amina))
    await amina.wait_for(lambda u: len(voices_of(u)) == 1)
    first = voices_of(amina)[0]
    report = await lies.wait_for_message(lambda m: "ann:wd:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.button_edit"), message=report)
    await lies.expect_text(school.t("nl", "announce.edit_prompt"))
    await lies.send("Beste ouders, overmorgen gaan we naar het bos. Breng laarzen mee! Tot dan.")
    await amina.wait_for(lambda u: school.t("ar", "announce.edited_mark") in copy.text)
    await amina.wait_for(lambda u: first.deleted and len(voices_of(u)) == 1)
    second = voices_of(amina)[0]
    assert second.file_id != first.file_id  # the edited words (one sentence more), spoken anew
    assert heard(school, second)[:2] == ("ogg", "opus")
    await all_voiced(school)
    await lies.press(school.t("nl", "announce.button_withdraw"), message=report)
    await lies.press(school.t("nl", "announce.withdraw_yes"))
    await amina.wait_for(lambda u: copy.deleted and second.deleted, timeout=10)


async def test_an_invitation_and_its_reminder_are_read_aloud_in_turkish(
    school: School, model_files: Path, clock: ManualClock
) -> None:
    """Mehmet asked for read-aloud: Juf Lies's coffee-morning invitation reaches him in Turkish
    with a voice message after it; he comes, and the reminder the day before is read aloud too."""
    from datetime import UTC, datetime

    from tests.helpers.invitations import invite

    await translations(school, model_files)
    install_voices(school, "tr")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A")
    await mehmet.press(school.t("tr", "read_aloud.button_yes"))
    await invite(school, lies)
    copy = await mehmet.wait_for_message(lambda m: "rsvp:yes:" in str(m.buttons), timeout=10)
    await mehmet.wait_for(lambda u: len(voices_of(u)) == 1)
    assert mehmet.messages.index(voices_of(mehmet)[0]) > mehmet.messages.index(copy)
    await mehmet.press(school.t("tr", "event.button_yes"), message=copy)
    await mehmet.expect_text(school.t("tr", "event.how_many"))
    clock.set(datetime(2026, 11, 26, 7, 30, tzinfo=UTC))  # Thursday 08:30: one day before
    reminder = await mehmet.wait_for_message(lambda m: m.text.startswith("⏰"), timeout=10)
    await mehmet.wait_for(lambda u: len(voices_of(u)) == 2)
    assert mehmet.messages.index(voices_of(mehmet)[1]) > mehmet.messages.index(reminder)
    assert heard(school, voices_of(mehmet)[1])[:2] == ("ogg", "opus")


async def test_a_voice_without_a_translation_is_told_truthfully(school: School) -> None:
    """An Arabic voice is installed but no translation model: Amina's copies come in Dutch, which
    no Arabic voice reads; /voice says so instead of claiming there is no Arabic voice."""
    install_voices(school, "ar")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    amina = await school.parent("Amina", "ar", "1A")
    assert not any(has_button(m, "ra:yes") for m in amina.messages)  # nothing offered
    arabic = school.app.bot_data.catalogs.language_name("ar", "ar")
    await amina.send("/voice")
    await amina.expect_text(school.t("ar", "read_aloud.on_no_translation", language=arabic))
