"""The school glossary: the same everyday school words in every language the translator serves."""

from __future__ import annotations

from bot.core.settings import project_root
from bot.translation.glossary import Glossaries
from bot.translation.textproc import mask

GLOSSARIES = Glossaries.load(project_root() / "locales" / "glossary")
EVERYDAY = [
    "pedagogische studiedag",
    "facultatieve vrije dag",
    "luizen",
    "toets",
    "huiswerk",
    "agenda",
    "brooddoos",
    "fruitdag",
    "turnen",
    "zwemmen",
    "middagtoezicht",
]


def test_every_language_has_the_same_terms_with_the_everyday_words() -> None:
    """Fourteen languages, the same Dutch terms in each, none left empty, the everyday ones in."""
    assert len(GLOSSARIES.terms) == 14
    english = set(GLOSSARIES.for_language("en"))
    assert set(EVERYDAY) <= english and len(english) >= 29
    for lang, terms in GLOSSARIES.terms.items():
        assert set(terms) == english, (lang, sorted(set(terms) ^ english))
        assert all(value.strip() for value in terms.values()), lang


def test_a_teachers_message_keeps_the_school_words() -> None:
    """'Pedagogische studiedag' and 'fruitdag' are masked whole and come back as the glossary says."""
    text = "Vrijdag is het pedagogische studiedag. Maandag is het fruitdag en turnen."
    masked = mask(text, glossary=GLOSSARIES.for_language("ar"))
    assert "studiedag" not in masked.text and "fruitdag" not in masked.text
    assert sorted(masked.glossary.values()) == sorted(
        ["يوم تكوين المعلمين (لا دراسة)", "يوم الفاكهة (أحضر قطعة فاكهة)", "حصة الرياضة"]
    )
