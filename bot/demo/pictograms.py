"""The demo's pictograms (issue 19): Juf Lies adds 🏊 and 🎒 to a message about swimming; Adam's
father receives one picture without words with the Arabic text under it."""

from __future__ import annotations

from functools import partial

from bot.demo.school import School
from bot.simulator import SimUser
from bot.simulator.state import BotMessage


def ticked(grid: BotMessage, label: str, _user: SimUser) -> bool:
    """The grid shows `label` (with its ✅) on a button."""
    return label in grid.labels


async def pictograms_scene(school: School, teacher: SimUser) -> None:
    """Write, tap two pictograms, Done (the strip above the preview), send; a parent's copy."""
    t = school.t
    rachid = next(u for u in school.tg.users.values() if u.first_name == "Rachid")
    await teacher.send("Vrijdag gaan we zwemmen. Breng een handdoek en een zwembroek mee.")
    await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(t("nl", "pictograms.button"))
    grid = await teacher.wait_for_message(lambda m: "apg:" in str(m.buttons))
    for key, emoji in (("swimming", "🏊"), ("bring", "🎒")):
        label = f"{emoji} {t('nl', f'pictograms.{key}')}"
        await teacher.press(label, message=grid)
        await teacher.wait_for(partial(ticked, grid, f"✅ {label}"))
    await teacher.press(t("nl", "pictograms.done"), message=grid)
    preview = await teacher.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await teacher.press(t("nl", "announce.send_now"), message=preview)
    await rachid.wait_for_message(
        lambda m: m.kind == "photo" and "ann:seen:" in str(m.buttons), timeout=15
    )
