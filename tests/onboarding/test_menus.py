"""Telegram's command menu: per role and per language."""

from __future__ import annotations

from bot.demo.school import School


async def test_default_menu_exists_in_every_ui_language(school: School) -> None:
    """At start-up the parents' menu is published for private chats in each language code, and
    groups (the default scope) get no menu: there the bot only points to its private chat."""
    catalogs = school.app.bot_data.catalogs
    for lang in catalogs.languages:
        assert school.tg.commands_for(scope={"type": "default"}, language_code=lang) == []
        menu = school.tg.commands_for(scope={"type": "all_private_chats"}, language_code=lang)
        assert [c["command"] for c in menu] == [
            "help",
            "absent",
            "buddy",
            "voice",
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
        "absent",
        "inbox",
        "write",
        "meeting",
        "form",
        "oudercontact",
        "myclasses",
        "classlist",
        "reach",
        "letters",
        "classes",
        "newclass",
        "import",
        "addpupil",
        "removepupil",
        "invite",
        "quiethours",
        "retention",
        "dutchoriginal",
        "reviewers",
        "polls",
        "export",
        "absences",
        "dashboard",
        "language",
        "mydata",
        "forget",
        "stop",
    ]


def test_help_lists_every_command_of_the_menu_in_every_language() -> None:
    """/help cannot fall behind the menu: it lists the role's menu commands, in each language."""
    from pathlib import Path

    from bot.core.commands import menu_for
    from bot.core.i18n import Catalogs
    from bot.models import Role

    catalogs = Catalogs.load(Path(__file__).resolve().parents[2] / "locales", "nl")
    for lang in catalogs.languages:
        for role in Role:
            text = catalogs.help(lang, role.value)
            assert "{" not in text, (lang, role)
            for command in menu_for(role):
                if command.name != "help":
                    line = f"/{command.name} – {catalogs.t(lang, command.description_key)}"
                    assert line in text, (lang, role, command.name)
