"""The demo's read-aloud (issue 19): Adam's father asks for messages read aloud; Juf Lies's next
message reaches him as Arabic text and, when the school has an Arabic voice (espeak-ng or a Piper
voice), as a voice message after it. Without a voice the bot says so, and only the text comes."""

from __future__ import annotations

from bot.demo.school import School
from bot.read_aloud.views import can_read_aloud
from bot.simulator import SimUser


async def read_aloud_scene(school: School, teacher: SimUser) -> None:
    """🔊 Yes under the offer (or /voice), then an announcement with its voice copy."""
    t = school.t
    rachid = next(u for u in school.tg.users.values() if u.first_name == "Rachid")
    member = await school.member(rachid)
    assert member is not None
    lang = member.language or "nl"
    if not member.read_aloud:
        offered = any("ra:yes" in str(m.buttons) for m in rachid.messages)
        if offered:
            await rachid.press(t(lang, "read_aloud.button_yes"))
        else:
            await rachid.send("/voice")
        await rachid.wait_for_message(lambda m: m.text.startswith("🔊"))
        member = await school.member(rachid)
        assert member is not None
    voiced = can_read_aloud(school.app.bot_data, member) is not None
    heard = sum(1 for m in rachid.messages if m.kind == "voice")
    await teacher.send("Morgen is het fruitdag. Geef een stuk fruit mee in een doosje met naam.")
    preview = await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(t("nl", "announce.send_now"), message=preview)
    await rachid.wait_for_message(lambda m: "fruitdag" in m.text)  # under the Arabic, or alone
    if voiced:  # the voice copy follows once every text copy is out
        await rachid.wait_for(
            lambda u: sum(1 for m in u.messages if m.kind == "voice") > heard, timeout=30
        )
