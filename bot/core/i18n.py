"""UI strings from the gettext catalogs in `locales/<lang>/LC_MESSAGES/ouderbrug.po`.

Message ids are stable keys (`start.welcome`); the Dutch catalog is the reference: every other
language must have every key with the same placeholders (a test checks it).

Messages that take a count are gettext plural messages (`msgid` + `msgid_plural`, both the key,
and `msgstr[0..n]`), chosen with each catalog's own `Plural-Forms` header; `tn` fills them in.
Numbers are written the way the reader's locale writes them (Babel).
"""

from __future__ import annotations

import gettext
import logging
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

from bot.core.commands import help_lines
from bot.core.datafiles import read_catalog
from bot.models import Role

log = logging.getLogger(__name__)

DOMAIN = "ouderbrug"
REFERENCE = "nl"
# Order of the language picker: the school's languages first, then the rest as found on disk.
PICKER_ORDER = [
    "nl",
    "fr",
    "en",
    "ar",
    "tr",
    "pl",
    "ro",
    "bg",
    "es",
    "uk",
    "ru",
    "fa",
    "so",
    "ti",
    "ps",
]


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


RTL = frozenset({"ar", "fa", "ps"})  # written right to left
RLM = "\u200f"  # RIGHT-TO-LEFT MARK


def keep_ltr(text: str, lang: str | None) -> str:
    """A date and time ('05/12 14:30') isolated left to right inside a right-to-left text, so
    that day and time do not swap places (Unicode LRI ... PDI; nothing for other languages)."""
    return f"\u2066{text}\u2069" if lang in RTL else text


def _opens_left_to_right(line: str) -> bool:
    for char in line:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return False
        if kind == "L":  # Latin letters, but also ℹ️ and flags such as 🇳🇱
            return True
    return False


def right_to_left(text: str, lang: str | None) -> str:
    """In Arabic, Persian and Pashto every line reads right to left in Telegram, also one that
    opens with a Latin name, ℹ️ or 🇳🇱 (Telegram takes a line's direction from its first strong
    letter): such a line gets an invisible RIGHT-TO-LEFT MARK in front."""
    if lang not in RTL:
        return text
    lines = text.split("\n")
    return "\n".join(RLM + line if _opens_left_to_right(line) else line for line in lines)


def number(lang: str | None, value: int) -> str:
    """A count as the reader's locale writes it (1.234 in Dutch, 1,234 in English)."""
    try:
        return format_decimal(value, locale=lang or REFERENCE)
    except (UnknownLocaleError, ValueError):
        return str(value)


@cache
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


def language_name(code: str, reader: str | None) -> str:
    """The name of language `code` in the reader's language (Babel's display names): `Tigrinya`
    for a Dutch reader. Persian is named with Dari, its Afghan name, beside it."""
    loc = _locale(reader or REFERENCE) or _locale(REFERENCE)
    names = loc.languages if loc else {}
    name = names.get(code) or code
    if code == "fa" and names.get("fa_AF"):
        name = f"{name} / {names['fa_AF']}"
    return name[:1].upper() + name[1:]


PluralRule = Callable[[int], int]


def plural_rule(expr: str) -> PluralRule:
    """The gettext `plural=` C expression of a header as a function of n."""
    return gettext.c2py(expr)


@dataclass
class Catalogs:
    """All UI catalogs, loaded once at start-up."""

    messages: dict[str, dict[str, str]] = field(default_factory=dict)
    default: str = REFERENCE
    plurals: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    plural_forms: dict[str, str] = field(default_factory=dict)  # the raw `Plural-Forms` headers
    rules: dict[str, PluralRule] = field(default_factory=dict)

    @classmethod
    def load(cls, locales_dir: Path, default: str = REFERENCE) -> Catalogs:
        """Read every `<lang>/LC_MESSAGES/ouderbrug.po` under the folder."""
        found: dict[str, dict[str, str]] = {}
        plurals: dict[str, dict[str, tuple[str, ...]]] = {}
        headers: dict[str, str] = {}
        rules: dict[str, PluralRule] = {}
        for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            lang = po_path.parent.parent.name
            catalog = read_catalog(po_path)
            found[lang] = catalog.messages
            plurals[lang] = catalog.plurals
            headers[lang] = catalog.plural_forms
            rules[lang] = (
                plural_rule(catalog.plural_expr) if catalog.plural_forms else plural_rule("n != 1")
            )
        if REFERENCE not in found:
            raise FileNotFoundError(f"no {REFERENCE} catalog under {locales_dir}")
        if default not in found:
            raise FileNotFoundError(f"no catalog for the default language {default!r}")
        return cls(found, default, plurals, headers, rules)

    @property
    def languages(self) -> list[str]:
        """UI languages present, in picker order."""
        known = [code for code in PICKER_ORDER if code in self.messages]
        return known + sorted(set(self.messages) - set(known))

    def has(self, lang: str | None) -> bool:
        """Whether a UI catalog exists for that language."""
        return lang is not None and lang in self.messages

    def native_name(self, lang: str) -> str:
        """The language's own name, as written in its catalog."""
        return self.messages.get(lang, {}).get("language.native_name", lang)

    def language_name(self, code: str, reader: str | None, *, with_native: bool = False) -> str:
        """The language in the reader's words (`Tigrinya` for a Dutch teacher); with its own name
        beside it (`Tigrinya (ትግርኛ)`) where a parent reads it too."""
        name, native = language_name(code, reader), self.native_name(code)
        if not with_native or native in (name, code):
            return name
        return f"{name} ({native})"

    def pick(self, *candidates: str | None) -> str:
        """The first candidate language that has a catalog (Telegram codes like `pt-br` too)."""
        for cand in candidates:
            if not cand:
                continue
            code = cand.lower().replace("_", "-")
            if code in self.messages:
                return code
            base = code.split("-")[0]
            if base in self.messages:
                return base
        return self.default

    def help(self, lang: str | None, role: str) -> str:
        """/help for a role: its words, with the commands it may use listed from bot/core/commands.py."""
        lines = help_lines(Role(role), lambda key: self.t(lang, key))
        return self.t(lang, f"help.{role}", commands=lines)

    def tn(self, lang: str | None, key: str, n: int, **values: object) -> str:
        """The plural message `key` in `lang`, in the form its language uses for the count `n`;
        whole numbers among the values are written as the reader's locale writes them."""
        for code in (lang or self.default, self.default, REFERENCE):
            forms = self.plurals.get(code, {}).get(key)
            if forms:
                break
        else:
            log.error("missing plural UI message %r", key)
            return key
        index = self.rules[code](abs(n))
        text = forms[index] if 0 <= index < len(forms) else forms[-1]
        filled = {
            name: number(code, v) if isinstance(v, int) and not isinstance(v, bool) else v
            for name, v in values.items()
        }
        try:
            return right_to_left(text.format(**filled), code)
        except (KeyError, IndexError, ValueError):
            log.exception("bad placeholders in %s/%s", code, key)
            return key

    def t(self, lang: str | None, key: str, **values: object) -> str:
        """The message `key` in `lang`, with placeholders filled in."""
        text = self.messages.get(lang or self.default, {}).get(key)
        if text is None and key in self.plurals.get(REFERENCE, {}):
            # A plural message read with t(): its count is `count`, or the only whole number.
            counts = [v for v in values.values() if isinstance(v, int) and not isinstance(v, bool)]
            count = values.get("count", counts[0] if len(counts) == 1 else None)
            if not isinstance(count, int):
                log.error("plural UI message %r needs tn() with its count", key)
                count = 2
            return self.tn(lang, key, count, **values)
        if text is None:
            text = self.messages[self.default].get(key) or self.messages[REFERENCE].get(key)
            if text is None:
                log.error("missing UI message %r", key)
                return key
            lang = None  # another language's text keeps its own direction
        try:
            return right_to_left(text.format(**values) if values or "{" in text else text, lang)
        except (KeyError, IndexError, ValueError):
            log.exception("bad placeholders in %s/%s", lang, key)
            return self.messages[REFERENCE].get(key, key).format(**values)
