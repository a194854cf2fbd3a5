"""UI strings from the gettext catalogs in `locales/<lang>/LC_MESSAGES/ouderbrug.po`.

Message ids are stable keys (`start.welcome`); the Dutch catalog is the reference: every other
language must have every key with the same placeholders (a test checks it).
"""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from bot.core.commands import help_lines
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


@dataclass
class Catalogs:
    """All UI catalogs, loaded once at start-up."""

    messages: dict[str, dict[str, str]] = field(default_factory=dict)
    default: str = REFERENCE

    @classmethod
    def load(cls, locales_dir: Path, default: str = REFERENCE) -> Catalogs:
        """Read every `<lang>/LC_MESSAGES/ouderbrug.po` under the folder."""
        found: dict[str, dict[str, str]] = {}
        for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            lang = po_path.parent.parent.name
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=None)
            found[lang] = {
                str(msg.id): str(msg.string)
                for msg in catalog
                if msg.id and isinstance(msg.id, str) and msg.string
            }
        if REFERENCE not in found:
            raise FileNotFoundError(f"no {REFERENCE} catalog under {locales_dir}")
        if default not in found:
            raise FileNotFoundError(f"no catalog for the default language {default!r}")
        return cls(messages=found, default=default)

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

    def t(self, lang: str | None, key: str, **values: object) -> str:
        """The message `key` in `lang`, with placeholders filled in."""
        text = self.messages.get(lang or self.default, {}).get(key)
        if text is None:
            text = self.messages[self.default].get(key) or self.messages[REFERENCE].get(key)
            if text is None:
                log.error("missing UI message %r", key)
                return key
        try:
            return text.format(**values) if values or "{" in text else text
        except (KeyError, IndexError, ValueError):
            log.exception("bad placeholders in %s/%s", lang, key)
            return self.messages[REFERENCE].get(key, key).format(**values)
