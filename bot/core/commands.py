"""The command table: who may use each command and what the menu shows, in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.models import Role

PARENT, TEACHER, COORDINATOR = Role.PARENT, Role.TEACHER, Role.COORDINATOR
EVERYONE = frozenset({PARENT, TEACHER, COORDINATOR})
STAFF = frozenset({TEACHER, COORDINATOR})
COORDINATORS = frozenset({COORDINATOR})


@dataclass(frozen=True)
class Command:
    """A slash command: its roles and whether it shows in the menu."""

    name: str
    roles: frozenset[Role]
    menu: bool = True

    @property
    def description_key(self) -> str:
        """The catalog key of its menu description."""
        return f"cmd.{self.name}"


COMMANDS: tuple[Command, ...] = (
    Command("start", EVERYONE, menu=False),
    Command("help", EVERYONE),
    Command("absent", EVERYONE),
    Command("inbox", STAFF),
    Command("write", STAFF),
    Command("meeting", STAFF),
    Command("form", STAFF),
    Command("oudercontact", STAFF),
    Command("slots", STAFF, menu=False),
    Command("myclasses", STAFF),
    Command("classlist", STAFF),
    Command("reach", STAFF),
    Command("letters", STAFF),
    Command("classes", COORDINATORS),
    Command("newclass", COORDINATORS),
    Command("import", COORDINATORS),
    Command("addpupil", COORDINATORS),
    Command("removepupil", COORDINATORS),
    Command("invite", COORDINATORS),
    Command("quiethours", COORDINATORS),
    Command("retention", COORDINATORS),
    Command("dutchoriginal", COORDINATORS),
    Command("reviewers", COORDINATORS),
    Command("polls", COORDINATORS),
    Command("export", COORDINATORS),
    Command("absences", COORDINATORS),
    Command("dashboard", COORDINATORS),
    Command("buddy", frozenset({PARENT})),
    Command("voice", frozenset({PARENT})),
    Command("language", EVERYONE),
    Command("mydata", EVERYONE),
    Command("forget", EVERYONE),
    Command("stop", EVERYONE),
    Command("cancel", EVERYONE, menu=False),
)
BY_NAME = {c.name: c for c in COMMANDS}


def allowed(command: str, role: str | None) -> bool:
    """Whether a member with `role` may use `/command` (unknown commands: yes, to get help)."""
    cmd = BY_NAME.get(command)
    if cmd is None:
        return True
    return Role(role or PARENT) in cmd.roles


def help_lines(role: Role, describe: Callable[[str], str]) -> str:
    """The commands of a role for /help, one per line with its menu description."""
    return "\n".join(
        f"/{c.name} – {describe(c.description_key)}" for c in menu_for(role) if c.name != "help"
    )


def menu_for(role: Role) -> list[Command]:
    """The commands a role sees in Telegram's menu, in order."""
    return [c for c in COMMANDS if c.menu and role in c.roles]
