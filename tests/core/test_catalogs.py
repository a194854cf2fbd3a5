"""The UI catalogs: every language has every message, with the same placeholders."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest
from babel import Locale

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
            if isinstance(node, ast.Call) and getattr(
                node.func, "attr", getattr(node.func, "id", "")
            ) in ("t", "tn"):
                for arg in node.args:
                    if (
                        isinstance(arg, ast.Constant)
                        and isinstance(arg.value, str)
                        and pattern.match(arg.value)
                    ):
                        used.add(arg.value)
    assert used, "the scan found no keys: it is broken"
    missing = used - set(ref) - set(CATALOGS.plurals[REFERENCE])
    assert not missing, sorted(missing)
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


# Plural messages: gettext plural forms, chosen with each catalog's own Plural-Forms header.
COUNTS = (0, 1, 2, 5, 11, 21, 101)
FORMS = {"ar": 6, "pl": 3, "uk": 3, "ru": 3, "ro": 3}  # the rest have 2 (one, other)


@pytest.mark.parametrize("lang", REQUIRED)
def test_each_catalog_declares_plural_forms_that_agree_with_cldr(lang: str) -> None:
    """The header is there, has the right number of forms, and for every whole number up to
    1000 picks one form per CLDR category (Babel's rules), a different form for each category."""
    header = CATALOGS.plural_forms[lang]
    assert f"nplurals={FORMS.get(lang, 2)};" in header.replace(" ", ""), header
    rule, cldr = CATALOGS.rules[lang], Locale.parse(lang).plural_form
    seen: dict[str, set[int]] = {}
    for n in range(1001):
        seen.setdefault(cldr(n), set()).add(rule(n))
    assert all(len(indexes) == 1 for indexes in seen.values()), seen
    assert len({min(i) for i in seen.values()}) == len(seen) == FORMS.get(lang, 2), seen


def test_plural_messages_exist_in_every_language_with_every_form() -> None:
    """Each plural message of the reference is plural everywhere, with as many forms as the
    language's header says, each with the reference's placeholders."""
    ref = CATALOGS.plurals[REFERENCE]
    assert {"inbox.summary", "poll.invite", "count.parents", "announce.preview_album"} <= set(ref)
    for key, forms in ref.items():
        assert len({frozenset(placeholders(f)) for f in forms}) == 1, key
    for lang in REQUIRED:
        cat = CATALOGS.plurals[lang]
        assert set(cat) == set(ref), (lang, sorted(set(ref) ^ set(cat)))
        for key, forms in cat.items():
            assert len(forms) == FORMS.get(lang, 2), (lang, key)
            wanted = placeholders(ref[key][0])
            assert all(placeholders(f) == wanted for f in forms), (lang, key)
            assert not set(cat) & set(CATALOGS.messages[lang]), lang  # never singular as well


@pytest.mark.parametrize("lang", REQUIRED)
def test_every_plural_message_renders_for_typical_counts(lang: str) -> None:
    """For 0, 1, 2, 5, 11, 21 and 101 every plural message gives a filled-in text."""
    for key, forms in CATALOGS.plurals[REFERENCE].items():
        names = placeholders(forms[0])
        for n in COUNTS:
            values = {
                name: n if name in ("count", "days", "min", "minutes") else "x" for name in names
            }
            text = CATALOGS.tn(lang, key, n, **values)
            assert text and text != key and "{" not in text, (lang, key, n)


def test_known_plural_results() -> None:
    """A few results checked by hand: Dutch 1 and 2, Polish 5 ('many'), Russian 21, Arabic 11,
    Romanian 21 ('de'), French 0 (singular), numbers written the Dutch way."""

    def invite(lang: str, n: int) -> str:
        return CATALOGS.tn(lang, "poll.invite", n, emoji="", title="", count=n, date="").split(
            "\n"
        )[3]

    assert CATALOGS.tn("nl", "inbox.summary", 1, count=1).startswith("📬 Er wacht 1 gesprek met")
    assert CATALOGS.tn("nl", "inbox.summary", 2, count=2).startswith("📬 Er wachten 2 gesprekken")
    assert CATALOGS.tn("nl", "count.teachers", 1, count=1) == "1 leerkracht"
    assert CATALOGS.tn("nl", "announce.preview_album", 1, count=1) == "🖼 Album met 1 foto."
    assert "2 krótkie pytania," in invite("pl", 2)
    assert "5 krótkich pytań," in invite("pl", 5)
    assert "22 krótkie pytania," in invite("pl", 22)
    assert "21 короткий вопрос," in invite("ru", 21) and "5 коротких вопросов," in invite("ru", 5)
    assert "11 سؤالاً قصيراً" in invite("ar", 11) and "2 سؤالان قصيران" in invite("ar", 2)
    assert "21 de întrebări scurte" in invite("ro", 21) and "19 întrebări scurte" in invite(
        "ro", 19
    )
    assert "0 petite question," in invite("fr", 0)
    assert CATALOGS.tn("nl", "count.parents", 1234, count=1234) == "1.234 ouders"
    # A plural message read with t() still takes its count.
    assert CATALOGS.t("nl", "inbox.summary", count=1) == CATALOGS.tn(
        "nl", "inbox.summary", 1, count=1
    )


def test_the_plural_check_catches_a_missing_form(tmp_path: Path) -> None:
    """A Polish plural message that lost its 'many' form is not taken as complete."""
    for lang in ("nl", "pl"):
        src = ROOT / "locales" / lang / "LC_MESSAGES" / "ouderbrug.po"
        dst = tmp_path / lang / "LC_MESSAGES" / "ouderbrug.po"
        dst.parent.mkdir(parents=True)
        text = src.read_text(encoding="utf-8")
        if lang == "pl":
            text = re.sub(
                r'(msgid_plural "poll.invite"\n(?:msgstr\[\d\] ".*"\n){2})msgstr\[2\] ".*"\n',
                r"\1",
                text,
            )
        dst.write_text(text, encoding="utf-8")
    broken = Catalogs.load(tmp_path)
    assert "poll.invite" in broken.plurals["nl"]
    assert len(broken.plurals["pl"].get("poll.invite", ())) != 3


def test_plural_messages_are_read_with_tn_in_code() -> None:
    """Every literal key given to tn() is a plural message; t() is not given one of them."""
    plural = set(CATALOGS.plurals[REFERENCE])
    with_t: set[str] = set()
    with_tn: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                keys = {
                    a.value
                    for a in node.args[:2]
                    if isinstance(a, ast.Constant) and isinstance(a.value, str) and "." in a.value
                }
                (with_tn if name == "tn" else with_t if name == "t" else set()).update(keys)
    assert with_tn and with_tn <= plural, sorted(with_tn - plural)
    assert not with_t & plural, sorted(with_t & plural)


def test_staff_read_language_names_in_their_own_language() -> None:
    """A Dutch coordinator reads 'Tigrinya', not a script they may not read (with the language's
    own name beside it where a parent reads it too); Persian carries its Afghan name Dari, in the
    picker too."""
    assert CATALOGS.language_name("ti", "nl") == "Tigrinya"
    assert CATALOGS.language_name("ps", "nl") == "Pasjtoe"
    assert CATALOGS.language_name("fa", "nl") == "Perzisch / Dari"
    assert CATALOGS.language_name("ar", "fr") == "Arabe"
    assert CATALOGS.language_name("ti", "nl", with_native=True) == "Tigrinya (ትግርኛ)"
    assert CATALOGS.language_name("nl", "nl", with_native=True) == "Nederlands"
    assert CATALOGS.language_name("fa", "nl", with_native=True) == "Perzisch / Dari (فارسی / دری)"
    assert "دری" in CATALOGS.native_name("fa")


@pytest.mark.parametrize("lang", ["ar", "fa", "ps"])
def test_right_to_left_lines_read_right_to_left_in_telegram(lang: str) -> None:
    """Telegram gives a line the direction of its first strong letter: in Arabic, Persian and
    Pashto no line may open left to right, even with a Latin name (a placeholder) or ℹ️ in front.
    The catalogs themselves write Ouderbrug after a word in the language's script."""
    for key, text in CATALOGS.messages[lang].items():
        assert not text.startswith("Ouderbrug") and "\nOuderbrug" not in text, key
        filled = CATALOGS.t(lang, key, **dict.fromkeys(placeholders(text), "Sofie"))
        for line in filled.split("\n"):
            first = next(
                (unicodedata.bidirectional(c) for c in line
                 if unicodedata.bidirectional(c) in ("L", "R", "AL")),
                "R",
            )  # fmt: skip
            assert first in ("R", "AL"), (key, line)
    dutch = CATALOGS.t("nl", "classes.item", name="1A", parents="x", teachers="y")
    assert dutch == "1A: x, y"  # left-to-right languages are left alone
