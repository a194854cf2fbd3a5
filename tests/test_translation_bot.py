"""Translation inside the bot: what parents write reaches the team in Dutch too."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from bot.demo.school import School
from bot.models import InboxMessage
from bot.translation.manage import install_from_dir


async def test_a_turkish_parent_writes_and_the_team_gets_dutch_beside_the_original(
    school: School, model_files: Path
) -> None:
    """Mehmet writes in Turkish; the stored message keeps his words and adds a Dutch translation."""
    services = school.app.bot_data
    install_from_dir(services.settings.models_data_dir, model_files)
    assert services.translator is not None
    services.translator.reload_models()
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    mehmet = await school.parent("Mehmet", "tr", "1A")
    await mehmet.send("Merhaba, oğlum yarın hasta. Okula gelemiyor.")
    await mehmet.expect_text(school.t("tr", "parent.message_received"))

    async def translated() -> InboxMessage | None:
        async with services.sessions() as session:
            row = (await session.exec(select(InboxMessage))).one()
        return row if row.text_nl else None

    row = None
    for _ in range(200):  # the translation is stored right after the receipt, in the same handler
        row = await translated()
        if row is not None:
            break
        await mehmet.send("/help")
        await mehmet.expect_text(school.t("tr", "help.parent"))
    assert row is not None
    assert row.text == "Merhaba, oğlum yarın hasta. Okula gelemiyor."
    assert row.text_nl == "[en>nl] [en>nl]"
    assert row.language == "tr"
