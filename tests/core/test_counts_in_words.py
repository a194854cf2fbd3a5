"""Counts read as words: '1 gesprek' and '2 gesprekken' in Dutch, '5 zdjęć' and '5 rodziców' in
Polish (its 'many' form), told by the real bot over the fake Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.clock import ManualClock
from bot.demo.school import School

PHOTOS = [f"\x89PNG klas {n}".encode() for n in range(5)]


async def test_one_conversation_two_conversations_and_five_photos_in_polish(
    school: School, clock: ManualClock
) -> None:
    """Juf Lies hears of 1 waiting conversation, the next day of 2; in Polish her album preview
    counts 5 photos and 5 parents the Polish way."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "2B")
    lies = await school.teacher(sofie, "Juf Lies", "2B")
    tom = await school.parent("Tom", "nl", "2B")
    await sofie.send("/classes")
    await sofie.expect_text("2B: 1 ouder, 1 leerkracht")

    await tom.send("Is er morgen turnen?")
    await lies.wait_for_message(lambda m: "Is er morgen turnen?" in m.text)
    clock.set(datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # Monday 16:00 in Brussels
    await lies.expect_text(
        "📬 Er wacht 1 gesprek met ouders op een antwoord. Bekijk het met /inbox."
    )
    mehmet = await school.parent("Mehmet", "tr", "2B")
    await mehmet.send("Yarın okul var mı?")
    await lies.wait_for_message(lambda m: "Yarın okul var mı?" in m.text)
    clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # Tuesday 16:00
    await lies.expect_text(
        "📬 Er wachten 2 gesprekken met ouders op een antwoord. Bekijk ze met /inbox."
    )

    await school.crowd("2B", 3, ("pl",))  # five parents now
    await sofie.send("/classes")
    await sofie.expect_text("2B: 5 ouders, 1 leerkracht")
    await lies.send("/language")
    await school.pick_language(lies, "pl")
    await lies.send_album(PHOTOS, caption="Zdjęcia z wycieczki")
    preview = await lies.wait_for_message(lambda m: "🖼 Album: 5 zdjęć." in m.text, timeout=10)
    assert "👪 5 rodziców" in preview.text
