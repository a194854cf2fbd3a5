"""What a permission form looks like: the family's copy (translated like announcements, not
anonymous, with its deadline), the teacher's preview and list."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.core.i18n import keep_ltr
from bot.core.limits import TEXT_LIMIT, utf16_len
from bot.core.when import show
from bot.families.service import Child
from bot.models import Member, PermissionForm
from bot.permissions.service import Line
from bot.telegram.common import Button, keyboard
from bot.telegram.context import BotData
from bot.translation.status import render
from bot.translation.status_views import note

ANSWERED = "\n\n✔️ "  # where the family's current answer is shown under the copy


def question_for(form: PermissionForm, child: Child) -> str:
    """The Dutch question with the child's first name where the teacher wrote {child}."""
    return form.question.replace("{child}", child.first_name)


def deadline(services: BotData, when: datetime, lang: str) -> str:
    """'di 24 nov. 18:00' in the reader's language."""
    return keep_ltr(show(when, tz=services.settings.tz, lang=lang), lang)


async def family_copy(
    services: BotData, form: PermissionForm, member: Member, child: Child, *, dutch_below: bool
) -> tuple[str, list[list[Button]], str | None]:
    """The question about one child, in the guardian's language (or marked as not translated);
    a machine translation carries the Dutch question under it with the school's `dutch_below`.
    Third: what read-aloud may speak (the copy without the Dutch), None when the question is
    not in the language of the copy's frame (a voice would read Dutch words as another tongue)."""
    catalogs = services.catalogs
    lang = catalogs.pick(member.language, member.second_language)
    body, outcome = await render(
        services.translator, question_for(form, child), source="nl", own=member.language,
        second=member.second_language, protected=[child.first_name],
    )  # fmt: skip
    first = note(catalogs, outcome)
    text = catalogs.t(
        lang, "form.copy", child=child.label, question=body,
        deadline=deadline(services, form.deadline, lang),
    )  # fmt: skip
    if form.photo_consent:
        text += "\n" + catalogs.t(lang, "form.photo_note")
    spoken = text if outcome.language == lang else None
    if outcome.machine and dutch_below:
        below = catalogs.t(lang, "announce.original_below") + "\n" + question_for(form, child)
        if utf16_len(text + below) + 200 <= TEXT_LIMIT:  # room for the status line
            text += "\n\n" + below
    rows = [
        [
            (catalogs.t(lang, "form.yes"), f"fa:{form.id}:{child.pupil_id}:y"),
            (catalogs.t(lang, "form.no"), f"fa:{form.id}:{child.pupil_id}:n"),
        ]
    ]
    return (f"{first}\n\n{text}" if first else text), rows, spoken


def answered_line(services: BotData, lang: str, form: PermissionForm, yes: bool) -> str:
    """'✔️ Your answer: Yes. You can change it until ...'."""
    choice = services.catalogs.t(lang, "form.yes" if yes else "form.no")
    when = deadline(services, form.deadline, lang)
    return ANSWERED + services.catalogs.t(lang, "form.answered", answer=choice, deadline=when)


def draft_buttons(services: BotData, lang: str, form: PermissionForm) -> list[list[Button]]:
    """Deadline choices, the photo-consent mark, Send and Cancel."""
    t, tn, fid = services.catalogs.t, services.catalogs.tn, form.id
    photo = "✅ " if form.photo_consent else "◻️ "
    return [
        [(tn(lang, "form.in_days", d, count=d), f"pf:d:{fid}:{d}") for d in (2, 7, 14)],
        [(photo + t(lang, "form.photo_button"), f"pf:p:{fid}:0")],
        [(t(lang, "form.send"), f"pf:s:{fid}:0"), (t(lang, "form.cancel"), f"pf:x:{fid}:0")],
    ]


def preview_text(
    services: BotData, lang: str, form: PermissionForm, class_name: str, copies: int
) -> str:
    """The teacher's preview: the Dutch question, the class, how many guardians, the deadline."""
    catalogs = services.catalogs
    return catalogs.t(
        lang, "form.preview", question=form.question, name=class_name,
        guardians=catalogs.tn(lang, "form.guardians", copies, count=copies),
        deadline=deadline(services, form.deadline, lang),
    )  # fmt: skip


def report_markup(services: BotData, lang: str, form_id: int) -> InlineKeyboardMarkup:
    """📋 List and ⬇️ CSV under the teacher's report."""
    t = services.catalogs.t
    row = [
        (t(lang, "form.list_button"), f"pf:l:{form_id}:0"),
        (t(lang, "form.export_button"), f"pf:e:{form_id}:0"),
    ]
    return keyboard([row])


def list_text(services: BotData, lang: str, form: PermissionForm, lines: list[Line]) -> str:
    """Yes / no / not yet per child, with the totals."""
    t = services.catalogs.t
    marks = {True: "✅", False: "❌", None: "⏳"}
    yes = sum(1 for x in lines if x.answer is True)
    no = sum(1 for x in lines if x.answer is False)
    head = t(
        lang, "form.list_title", question=form.question, yes=yes, no=no,
        open=len(lines) - yes - no, deadline=deadline(services, form.deadline, lang),
    )  # fmt: skip
    return "\n".join([head, ""] + [f"{marks[x.answer]} {x.child.label}" for x in lines])


def answer_word(services: BotData, lang: str, answer: bool | None) -> str:
    """Yes / No / Not yet, for the export."""
    key = {True: "form.answer_yes", False: "form.answer_no", None: "form.answer_open"}[answer]
    return services.catalogs.t(lang, key)


def export_rows(services: BotData, lang: str, lines: list[Line]) -> list[list[str | int]]:
    """The CSV rows of a form's list: first name, initial, class, yes / no / not yet."""
    return [
        [x.child.first_name, x.child.last_initial, x.child.class_name,
         answer_word(services, lang, x.answer)]
        for x in lines
    ]  # fmt: skip
