"""The UI catalogs: every language has every message, with the same placeholders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.core.commands import COMMANDS
from bot.core.i18n import REFERENCE, Catalogs, placeholders
from bot.core.settings import project_root

ROOT = project_root()
REQUIRED = [
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
CATALOGS = Catalogs.load(ROOT / "locales")


def test_every_required_ui_language_is_there() -> None:
    """The fifteen languages the issue asks for are present, each with its own native name."""
    assert set(REQUIRED) <= set(CATALOGS.languages)
    names = [CATALOGS.native_name(code) for code in CATALOGS.languages]
    assert len(set(names)) == len(names)
    assert CATALOGS.native_name("ar") == "العربية"


@pytest.mark.parametrize("lang", sorted(set(CATALOGS.languages) - {REFERENCE}))
def test_a_language_has_every_key_and_the_same_placeholders(lang: str) -> None:
    """Missing messages and changed placeholders fail, naming the key."""
    ref, cat = CATALOGS.messages[REFERENCE], CATALOGS.messages[lang]
    missing = sorted(set(ref) - set(cat))
    assert not missing, f"{lang} misses {missing}"
    extra = sorted(set(cat) - set(ref))
    assert not extra, f"{lang} has unknown keys {extra}"
    wrong = [k for k in ref if placeholders(ref[k]) != placeholders(cat[k])]
    assert not wrong, f"{lang} changes placeholders in {wrong}"
    for value in cat.values():
        value.format(**dict.fromkeys(placeholders(value), "x"))  # no stray braces


def test_the_check_catches_a_missing_key_and_a_renamed_placeholder(tmp_path: Path) -> None:
    """The completeness check itself can fail: a broken copy of a catalog is caught."""
    for lang in ("nl", "fr"):
        src = ROOT / "locales" / lang / "LC_MESSAGES" / "ouderbrug.po"
        dst = tmp_path / lang / "LC_MESSAGES" / "ouderbrug.po"
        dst.parent.mkdir(parents=True)
        text = src.read_text(encoding="utf-8")
        if lang == "fr":
            text = text.replace("{class_name}", "{classe}", 1)
            text = re.sub(r'msgid "stop.done"\nmsgstr ".*"\n', "", text)
        dst.write_text(text, encoding="utf-8")
    broken = Catalogs.load(tmp_path)
    ref, cat = broken.messages["nl"], broken.messages["fr"]
    assert "stop.done" in set(ref) - set(cat)
    assert any(placeholders(ref[k]) != placeholders(cat[k]) for k in ref if k in cat)


def test_every_key_used_in_code_exists() -> None:
    """Each literal catalog key in bot/ is in the reference catalog (and each command has a menu text)."""
    ref = CATALOGS.messages[REFERENCE]
    used: set[str] = set()
    pattern = re.compile(r"^[a-z0-9_]+\.[a-z0-9_.]+$")
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "t"
            ):
                for arg in node.args:
                    if (
                        isinstance(arg, ast.Constant)
                        and isinstance(arg.value, str)
                        and pattern.match(arg.value)
                    ):
                        used.add(arg.value)
    assert used, "the scan found no keys: it is broken"
    assert not sorted(used - set(ref)), sorted(used - set(ref))
    for command in COMMANDS:
        if command.menu:
            assert command.description_key in ref
    for role in ("parent", "teacher", "coordinator"):
        assert f"help.{role}" in ref and f"role.{role}" in ref


def test_menu_descriptions_fit_telegram() -> None:
    """Command descriptions are 1-256 characters on one line, in every language."""
    for lang in CATALOGS.languages:
        for command in COMMANDS:
            text = CATALOGS.t(lang, command.description_key)
            assert 1 <= len(text) <= 256 and "\n" not in text, (lang, command.name)


def test_picking_a_language_from_a_telegram_code() -> None:
    """Telegram's language_code (pt-br, ar, ...) maps to a catalog, else the default."""
    assert CATALOGS.pick("ar") == "ar"
    assert CATALOGS.pick("uk-UA") == "uk"
    assert CATALOGS.pick("xx", None) == "nl"
    assert CATALOGS.pick(None, "tr") == "tr"
