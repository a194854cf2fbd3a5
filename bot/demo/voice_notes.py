"""The demo's voice notes understood (issue 19): Adam's father speaks instead of writing. Juf Lies
gets the voice note at once; when a Whisper model is installed (`ouderbrug models install
whisper-small`), its Dutch follows, marked as machine transcription. Without one, only the audio
comes and no text claims otherwise."""

from __future__ import annotations

from bot.demo.school import School
from bot.simulator import SimUser

VOICE = b"OggS\x00\x02" + bytes(200)  # a stand-in voice note (the demo has no microphone)


async def voice_notes_scene(school: School, teacher: SimUser) -> None:
    """Rachid sends a voice note; the teacher receives the audio (and the Dutch, with a model)."""
    rachid = next(u for u in school.tg.users.values() if u.first_name == "Rachid")
    before = len(teacher.messages)
    await rachid.send_voice(VOICE, duration=3)
    await rachid.next_message()  # "received: ..." (the receipt)
    await teacher.wait_for(
        lambda u: any(m.kind == "voice" for m in u.messages[before:]), timeout=15
    )
    transcriber = school.app.bot_data.transcriber
    if transcriber is not None and transcriber.can_transcribe():
        mark = school.t("nl", "team.transcribed", text="").split("—")[0].strip()
        await teacher.wait_for(lambda u: any(mark in m.text for m in u.messages[before:]))
