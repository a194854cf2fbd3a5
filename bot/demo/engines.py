"""The demo's translation routes (issue 19): Meester Karim writes to 3B (Somali, Tigrinya,
Pashto, Persian, Ukrainian ... families) and the preview says, per language, whether it is
translated straight from Dutch, with a many-to-many model (NLLB-200) or through English, and
who gets Dutch for want of any model; he cancels. What it says depends on the models installed
on this server (`ouderbrug models list`): without any, the preview says so truthfully."""

from __future__ import annotations

from bot.demo.school import School
from bot.simulator import SimUser

TEXT = "Beste ouders, volgende week dinsdag is er geen zwemles. Breng wel de turnzak mee."


async def engines_scene(school: School, teacher: SimUser) -> None:
    """A preview to 3B showing the route per language, then Cancel."""
    await teacher.send(TEXT)
    preview = await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(school.t("nl", "announce.cancel"), message=preview)
    cancelled = school.t("nl", "announce.cancelled")
    await teacher.wait_for(lambda u: any(m.text == cancelled for m in u.messages))
