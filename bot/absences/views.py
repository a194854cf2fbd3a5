"""What absence notes look like: days in the reader's language, reason pictures, the team's note."""

from __future__ import annotations

from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton

from bot.absences.service import ANSWER_REASONS, NOTE_REASONS, day_number
from bot.core.i18n import Catalogs, keep_ltr
from bot.families.service import Child
from bot.models import Absence, AbsenceReason, Member
from bot.telegram.common import Button, in_columns


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("nl")


def one_day(day: date, lang: str) -> str:
    """'ma 23 november' as Babel writes it in the reader's language."""
    return keep_ltr(format_skeleton("MMMMEEEEd", day, locale=_locale(lang)), lang)


def days(first: date, last: date, lang: str) -> str:
    """One day, or 'ma 23 – vr 27 nov', in the reader's language."""
    if first == last:
        return one_day(first, lang)
    return keep_ltr(format_interval(first, last, "MMMEd", locale=_locale(lang)), lang)


def reason_name(catalogs: Catalogs, lang: str, reason: str) -> str:
    """'🤒 Sick' ... in the reader's language; 'unexplained' for a teacher's mark not answered."""
    return catalogs.t(lang, f"absence.reason_{reason or 'none'}")


def reason_buttons(
    catalogs: Catalogs, lang: str, prefix: str, reasons: tuple[AbsenceReason, ...] = NOTE_REASONS
) -> list[list[Button]]:
    """The reasons by picture, two per row; data `<prefix>:<reason>`."""
    return in_columns([(reason_name(catalogs, lang, r), f"{prefix}:{r.value}") for r in reasons], 2)


def answer_buttons(catalogs: Catalogs, lang: str, absence_id: int) -> list[list[Button]]:
    """Sick / coming later / other under the family's question; `abq:<absence>:<reason>`."""
    return reason_buttons(catalogs, lang, f"abq:{absence_id}", ANSWER_REASONS)


def when_buttons(
    catalogs: Catalogs, lang: str, pupil_id: int, today: date | None, tomorrow: date
) -> list[list[Button]]:
    """Today (only on a school day: None on a weekend or holiday) / the next school day /
    several days."""
    d = day_number(tomorrow)
    first = (
        []
        if today is None
        else [
            (
                catalogs.t(lang, "absence.today"),
                f"ab:d:{pupil_id}:{day_number(today)}:{day_number(today)}",
            )
        ]
    )
    return [
        [*first, (catalogs.t(lang, "absence.tomorrow", day=one_day(tomorrow, lang)), f"ab:d:{pupil_id}:{d}:{d}")],
        [(catalogs.t(lang, "absence.several"), f"ab:m:{pupil_id}")],
    ]  # fmt: skip


def day_buttons(lang: str, choices: list[date], data: str) -> list[list[Button]]:
    """The coming school days as buttons, `<data>:<yyyymmdd>`."""
    return in_columns([(one_day(d, lang), f"{data}:{day_number(d)}") for d in choices], 2)


def team_text(
    catalogs: Catalogs,
    lang: str,
    absence: Absence,
    child: Child,
    parent: Member | None,
) -> str:
    """The note as the class teacher and the office read it (their language: Dutch)."""
    text = catalogs.t(
        lang,
        "absence.team_note",
        child=child.label,
        days=days(absence.first_day, absence.last_day, lang),
        reason=reason_name(catalogs, lang, absence.reason),
        parent=parent.first_name if parent else "—",
    )
    return text + words_lines(catalogs, lang, absence)


def words_lines(catalogs: Catalogs, lang: str, absence: Absence) -> str:
    """The parent's words and, beside them, their Dutch (or why there is none)."""
    if not absence.note:
        return "\n🎤" if absence.voice_file_id else ""
    language = catalogs.language_name(absence.note_language or "nl", lang)
    text = "\n\n" + catalogs.t(lang, "absence.team_words", language=language, text=absence.note)
    if absence.note_nl:
        text += "\n" + catalogs.t(lang, "absence.team_words_nl", text=absence.note_nl)
    elif absence.note_language not in (None, "nl"):  # no model, or the translation failed
        text += "\n" + catalogs.t(lang, "absence.team_not_translated", language=language)
    return text
