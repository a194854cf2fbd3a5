"""What the team sees when writing first to a family: the choice of class and child, the prompt,
the preview (who gets it in which language, and why), and the report after sending."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.families.family_messages import FamilyView
from bot.models import GuardianRole, Member, SchoolClass
from bot.telegram.common import in_columns, keyboard
from bot.telegram.context import BotContext
from bot.translation.status import Outcome, plan
from bot.translation.status_views import one


def classes_keyboard(classes: list[SchoolClass]) -> InlineKeyboardMarkup:
    """One button per class: `fwc:<class_id>`."""
    return keyboard(in_columns([(c.name, f"fwc:{c.id}") for c in classes], 3))


def families_keyboard(families: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One button per family of a class, named by its children there: `fw:<family_id>`."""
    return keyboard(in_columns([(names, f"fw:{family_id}") for family_id, names in families], 2))


def who(context: BotContext, person: Member, role: str) -> str:
    """'Fatima (👩 Mama, Arabisch)': a guardian, what they are to the children, their language."""
    parts = [context.services.catalogs.language_name(person.language or "nl", context.lang)]
    if role in (GuardianRole.MOTHER, GuardianRole.FATHER, GuardianRole.OTHER):
        parts.insert(0, context.t(f"families.role_{role}"))
    return f"{person.first_name} ({', '.join(parts)})"


def outcome_for(context: BotContext, person: Member) -> Outcome:
    """What a guardian will read: their language, a second one, or the Dutch text (and why)."""
    services = context.services
    return plan(
        services.translator, source=services.settings.default_language,
        own=person.language, second=person.second_language,
    )  # fmt: skip


def prompt(context: BotContext, family: FamilyView) -> str:
    """Asking for the message: to which family, and who will get it."""
    people = ", ".join(who(context, person, role) for person, role in family.guardians)
    return context.t("families.write_prompt", children=family.label, guardians=people)


def nobody(context: BotContext, family: FamilyView) -> tuple[str, InlineKeyboardMarkup]:
    """No guardian of the family uses the bot yet: say so and offer their personal letter."""
    text = context.t("families.write_nobody", children=family.label)
    button = (context.t("families.write_letter_button"), f"lt:f:{family.family_id}")
    return text, keyboard([[button]])


def preview(context: BotContext, family: FamilyView, text: str) -> tuple[str, InlineKeyboardMarkup]:
    """The message as typed, who gets it and in which language, Send / Cancel."""
    lines = [context.t("families.write_preview", children=family.label, text=text)]
    for person, role in family.guardians:
        status = one(context.services.catalogs, context.lang, outcome_for(context, person))
        lines.append(f"• {who(context, person, role)}: {status}")
    lines.append(context.t("families.write_confirm"))
    buttons = [
        (context.t("families.write_send"), f"fws:{family.family_id}"),
        (context.t("announce.cancel"), f"fwx:{family.family_id}"),
    ]
    return "\n".join(lines), keyboard([buttons])


def sent_report(
    context: BotContext, family: FamilyView, results: list[tuple[Member, Outcome | None]]
) -> str:
    """After sending: each guardian reached (in which language) or not."""
    lines = [context.t("families.write_done", children=family.label)]
    for person, outcome in results:
        if outcome is None:
            lines.append(context.t("families.write_not_reached", name=person.first_name))
        else:
            status = one(context.services.catalogs, context.lang, outcome)
            lines.append(context.t("families.write_sent", name=person.first_name) + " " + status)
    return "\n".join(lines)
