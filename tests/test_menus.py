"""Telegram's command menu: per role and per language."""

from __future__ import annotations

from bot.demo.school import School


async def test_default_menu_exists_in_every_ui_language(school: School) -> None:
    """At start-up the parents' menu is published for each language code."""
    catalogs = school.app.bot_data.catalogs
    for lang in catalogs.languages:
        menu = school.tg.commands_for(scope={"type": "default"}, language_code=lang)
        assert [c["command"] for c in menu] == [
            "help",
            "buddy",
            "language",
            "mydata",
            "forget",
            "stop",
        ]
        assert menu[0]["description"] == catalogs.t(lang, "cmd.help")


async def test_coordinator_menu_in_their_language(school: School) -> None:
    """The coordinator's chat shows the coordinator commands."""
    sofie = await school.coordinator()
    menu = [c["command"] for c in school.tg.commands_for_chat(sofie.id)]
    assert menu == [
        "help",
        "inbox",
        "meeting",
        "myclasses",
        "classes",
        "newclass",
        "invite",
        "quiethours",
        "retention",
        "polls",
        "export",
        "dashboard",
        "language",
        "mydata",
        "forget",
        "stop",
    ]
