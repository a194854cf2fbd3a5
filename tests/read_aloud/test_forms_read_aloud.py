"""A permission form is read aloud too: the question about the child, never the Dutch under it."""

from __future__ import annotations

from pathlib import Path

from bot.demo.school import School
from tests.permissions.test_forms import SWIM, send_form
from tests.read_aloud.helpers import heard, install_voices, voices_of
from tests.read_aloud.test_read_aloud import translations


async def test_a_permission_form_about_adam_is_read_aloud_in_arabic(
    school: School, model_files: Path
) -> None:
    """Amina (Arabic) asked for read-aloud; Juf Lies asks whether Adam may go swimming: Amina
    gets the Arabic question and then a voice message of it; Tom, who did not ask, gets none."""
    await translations(school, model_files)
    install_voices(school, "ar", "nl")
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    amina = await school.parent("Amina", "ar", "1A", child="Adam")
    await amina.press(school.t("ar", "read_aloud.button_yes"))
    tom = await school.parent("Tom", "nl", "1A", child="Lotte")
    await tom.press(school.t("nl", "read_aloud.button_no"))
    await send_form(school, lies, SWIM)
    question = await amina.wait_for_message(lambda m: "fa:" in str(m.buttons))
    await amina.wait_for(lambda u: len(voices_of(u)) == 1)
    voice = voices_of(amina)[0]
    assert amina.messages.index(voice) > amina.messages.index(question)
    container, codec, seconds = heard(school, voice)
    assert (container, codec) == ("ogg", "opus") and seconds > 0
    await tom.wait_for_message(lambda m: "fa:" in str(m.buttons))
    assert voices_of(tom) == []
