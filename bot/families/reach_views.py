"""What /reach and /classlist show: figures and lists in the reader's language, numbers, dates and
language names the reader's way (Babel), and their buttons. Shared by the dashboard's reach page
for the words and numbers (`Words`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel.core import UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from bot.core.i18n import Catalogs, keep_ltr, number, right_to_left
from bot.core.limits import split_text
from bot.families.class_list import ClassList, FamilyLine
from bot.families.reach import UNKNOWN, Figures, Reach
from bot.models import GuardianRole

Button = tuple[str, str]
MAX_BUTTONS = 90  # Telegram refuses keyboards far beyond about a hundred buttons


@lru_cache(maxsize=4096)
def _number(lang: str, value: int) -> str:
    return number(lang, value)


@dataclass(frozen=True)
class Words:
    """The reader's catalog and language, with Babel's numbers, dates and language names."""

    catalogs: Catalogs
    lang: str

    def t(self, key: str, **values: object) -> str:
        """A message; whole numbers written the reader's way."""
        return self.catalogs.t(self.lang, key, **self.numbers(values))

    def tn(self, key: str, n: int, **values: object) -> str:
        """A plural message for the count `n`."""
        return self.catalogs.tn(self.lang, key, n, **self.numbers(values))

    def number(self, value: int) -> str:
        """A whole number the reader's way (Babel, remembered: a reach page has hundreds)."""
        return _number(self.lang, value)

    def numbers(self, values: dict[str, object]) -> dict[str, object]:
        """The whole numbers among `values` written the reader's way."""
        return {
            k: _number(self.lang, v) if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in values.items()
        }

    def message(self, lines: list[str]) -> list[str]:
        """Lines as messages under Telegram's limit; in Arabic, Persian and Pashto every line
        reads right to left, also one opening with a Latin name ('1A', 'Adam')."""
        return split_text(right_to_left("\n".join(lines), self.lang))

    def percent(self, value: float) -> str:
        """'60%' as the reader writes it (kept left to right inside Arabic, Persian and Pashto,
        where '(60%)' would otherwise show as '(%60)')."""
        try:
            shown = format_percent(value, locale=self.lang)
        except (UnknownLocaleError, ValueError):
            shown = f"{round(value * 100)}%"
        return keep_ltr(shown, self.lang)

    def decimal(self, value: float) -> str:
        """'1,4' in Dutch, '1.4' in English."""
        try:
            return format_decimal(value, format="#,##0.0", locale=self.lang)
        except (UnknownLocaleError, ValueError):
            return f"{value:.1f}"

    def day(self, value: date, *, year: bool = False) -> str:
        """'30 nov.' (with the year: '30 nov. 2026'), kept left to right in a right-to-left text."""
        try:
            text = format_skeleton("yMMMd" if year else "MMMd", value, locale=self.lang)
        except (UnknownLocaleError, ValueError, KeyError):
            text = value.isoformat()
        return keep_ltr(text, self.lang)

    def language(self, code: str) -> str:
        """A home language's name in the reader's language ('unknown' for none)."""
        if code == UNKNOWN:
            return self.t("reach.language_unknown")
        return self.catalogs.language_name(code, self.lang)

    def role(self, role: str) -> str:
        """Mother / father / other guardian; empty when not said."""
        known = {r.value for r in (GuardianRole.MOTHER, GuardianRole.FATHER, GuardianRole.OTHER)}
        return self.t(f"families.role_{role}") if role in known else ""

    def families(self, f: Figures) -> str:
        """'3 of 5 families reached (60%)'."""
        return self.tn(
            "reach.families", f.enrolled, reached=f.reached, count=f.enrolled,
            percent=self.percent(f.percent),
        )  # fmt: skip


def figure_lines(w: Words, f: Figures, announcements: int) -> list[str]:
    """A group's figures, one per line: families, guardians per family, who read, languages, roles."""
    lines = [w.families(f)]
    if f.reached:
        lines.append(w.t("reach.per_family", average=w.decimal(f.per_family)))
    if announcements:
        lines.append(w.tn("reach.read", f.read, count=f.read, last=announcements))
    else:
        lines.append(w.t("reach.read_none"))
    languages = " · ".join(
        f"{w.language(code)} {w.number(reached)}/{w.number(enrolled)}"
        for code, reached, enrolled in f.by_language
    )
    if languages:
        lines.append(w.t("reach.languages", list=languages))
    roles = dict(f.by_role)
    lines.append(
        w.t(
            "reach.roles",
            fathers=w.tn("reach.count", roles["father"], count=roles["father"]),
            mothers=w.tn("reach.count", roles["mother"], count=roles["mother"]),
            others=w.tn("reach.count", roles["other"], count=roles["other"]),
            unknown=w.tn("reach.count", roles["unknown"], count=roles["unknown"]),
        )
    )
    return lines


def reach_parts(w: Words, reach: Reach, *, whole_school: bool) -> list[str]:
    """/reach: the total, week by week, each class, and where "not reached" leads; split to fit."""
    title = w.t("reach.title_school" if whole_school else "reach.title_own")
    if not reach.total.enrolled:
        return [title + "\n\n" + w.t("reach.none")]
    lines = [title, "", *figure_lines(w, reach.total, reach.announcements), ""]
    lines.append(w.t("reach.weeks"))
    top = max((n for _, n in reach.weeks), default=0) or 1
    for monday, count in reach.weeks:
        bar = "▇" * round(8 * count / top) if count else "·"
        lines.append(w.t("reach.week", week=w.day(monday), bar=bar, count=count))
    for shown in reach.classes:
        f = shown.figures
        if not f.enrolled:  # no pupils on its list (yet): nothing to say
            continue
        lines += ["", f"🏫 {shown.name}", *figure_lines(w, f, shown.announcements)]
        if f.not_reached:
            n = len(f.not_reached)
            lines.append(w.tn("reach.not_reached", n, count=n))
    if reach.total.not_reached:
        lines += ["", w.t("reach.buddy_note")]
    return w.message(lines)


def reach_buttons(w: Words, reach: Reach, *, whole_school: bool) -> list[list[Button]]:
    """Letters for the families not reached: of each class, and (coordinators) of every class."""
    rows: list[list[Button]] = []
    if whole_school and reach.total.not_reached:
        rows.append([(w.t("reach.button_letters_all"), "lt:n:0")])
    for shown in reach.classes:
        n = len(shown.figures.not_reached)
        if n:
            label = w.t("reach.button_letters", name=shown.name, count=n)
            rows.append([(label, f"lt:n:{shown.class_id}")])
    return rows[:MAX_BUTTONS]


def family_lines(w: Words, family: FamilyLine) -> list[str]:
    """A family: its children, then each guardian who joined (role, language, last active)."""
    lines = ["👧 " + ", ".join(family.children)]
    for g in family.guardians:
        details = [w.role(g.role)] if w.role(g.role) else []
        if g.language:
            details.append(w.language(g.language))
        if g.active_on is not None:
            details.append(w.t("classlist.active", day=w.day(g.active_on, year=True)))
        lines.append(f"   • {g.first_name}" + (f" ({' · '.join(details)})" if details else ""))
    return lines


def class_list_parts(w: Words, found: ClassList, families: Figures) -> list[str]:
    """/classlist of one class: who joined, who waits for approval, who is not reached; split."""
    lines = [w.t("classlist.title", name=found.name, families=w.families(families))]
    if not found.reached and not found.not_reached:
        return [lines[0] + "\n\n" + w.t("classlist.empty", name=found.name)]
    for family in found.reached:
        lines += ["", *family_lines(w, family)]
    if found.pending:
        lines += ["", w.t("classlist.pending_title")]
        for p in found.pending:
            role = w.role(p.role)
            who = f"{p.first_name} ({role})" if role else p.first_name
            lines.append("   • " + w.t("classlist.pending", name=who, child=p.child))
    if found.not_reached:
        lines += ["", w.t("classlist.not_reached_title")]
        lines += ["   • " + ", ".join(family.children) for family in found.not_reached]
    return w.message(lines)


def class_list_buttons(w: Words, found: ClassList) -> list[list[Button]]:
    """Write to a family, letters for those not reached, remove a member."""
    rows: list[list[Button]] = []
    if found.reached:
        rows.append([(w.t("classlist.button_write"), f"clw:{found.class_id}")])
    if found.not_reached:
        rows.append([(w.t("classlist.button_letters"), f"lt:n:{found.class_id}")])
    if found.reached:
        rows.append([(w.t("classlist.button_remove"), f"clr:{found.class_id}")])
    return rows


def family_buttons(found: ClassList) -> list[list[Button]]:
    """One `fw:<family>` button per reached family, named by its children."""
    return [
        [("✉️ " + ", ".join(family.children), f"fw:{family.family_id}")]
        for family in found.reached[:MAX_BUTTONS]
    ]


def member_buttons(found: ClassList) -> list[list[Button]]:
    """One `rm:<class>:<member>` button per guardian who joined, with their children."""
    rows = [
        [
            (
                f"➖ {g.first_name} ({', '.join(family.children)})",
                f"rm:{found.class_id}:{g.member_id}",
            )
        ]
        for family in found.reached
        for g in family.guardians
    ]
    return rows[:MAX_BUTTONS]
