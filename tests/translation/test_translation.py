"""Offline translation with real (tiny) argostranslate models: routes, cache, fallback, safety."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest

from bot.translation import Translator
from bot.translation.textproc import mask, split_sentences
from tests.helpers.argos_model import marker

ANNOUNCEMENT = "Morgen is er turnen. Vergeet je sportkleren niet! Tot morgen."


async def test_a_direct_model_translates_every_sentence(translator: Translator) -> None:
    """Three Dutch sentences become three English ones, marked as machine-made."""
    result = await translator.translate(ANNOUNCEMENT, source="nl", target="en")
    assert result.text.count(marker("nl", "en")) == 3
    assert (result.machine, result.fallback, result.path) == (True, False, ("nl", "en"))


async def test_arabic_pivots_through_english(translator: Translator) -> None:
    """There is no nl>ar model: the text goes nl>en>ar, sentence by sentence."""
    result = await translator.translate(ANNOUNCEMENT, source="nl", target="ar")
    assert result.path == ("nl", "en", "ar")
    assert result.text.count(marker("en", "ar")) == 3
    assert "حصة الرياضة" in result.text  # 'turnen', as the school glossary says it in Arabic


async def test_no_model_falls_back_to_the_second_language_then_dutch(
    translator: Translator,
) -> None:
    """Somali has no model: a parent who also reads French gets French; otherwise Dutch."""
    french = await translator.translate_for(ANNOUNCEMENT, source="nl", languages=["so", "fr", "nl"])
    assert (french.target, french.fallback, french.machine) == ("fr", True, True)
    dutch = await translator.translate_for(ANNOUNCEMENT, source="nl", languages=["so", "ps"])
    assert (dutch.target, dutch.text, dutch.fallback, dutch.machine) == (
        "nl",
        ANNOUNCEMENT,
        True,
        False,
    )
    own = await translator.translate_for(ANNOUNCEMENT, source="nl", languages=["nl"])
    assert (own.text, own.machine, own.fallback) == (ANNOUNCEMENT, False, False)


async def test_a_broadcast_to_1000_parents_in_8_languages_translates_8_times(
    translator: Translator,
) -> None:
    """Concurrent identical requests share one translation; later ones come from the cache."""
    languages = ["en", "ar", "tr", "pl", "ro", "uk", "bg", "fr"]
    results = await asyncio.gather(
        *(
            translator.translate_for(ANNOUNCEMENT, source="nl", languages=[languages[i % 8], "nl"])
            for i in range(1000)
        )
    )
    assert translator.stats.performed == 8
    assert translator.stats.joined + translator.stats.cache_hits == 992
    assert {r.target for r in results} == set(languages)


async def test_the_database_cache_survives_a_restart(
    translator: Translator, tmp_path: Path
) -> None:
    """A second Translator on the same database translates nothing again."""
    await translator.translate(ANNOUNCEMENT, source="nl", target="tr")
    again = Translator(
        data_dir=translator.data_dir,
        glossary_dir=translator.glossary_dir,
        sessions=translator.sessions,
    )
    await again.start()
    try:
        result = await again.translate(ANNOUNCEMENT, source="nl", target="tr")
    finally:
        await again.close()
    assert (result.cached, again.stats.performed, result.path) == (True, 0, ("nl", "en", "tr"))


async def test_names_dates_links_and_school_words_are_kept_right(translator: Translator) -> None:
    """Names, dates, times, amounts and links come out unchanged; glossary words as the glossary says."""
    text = (
        "Het oudercontact met juf Lies van klas 1A is op 12/03 om 18u30. "
        "Inschrijven kost € 5,50 via https://debuurt.be/inschrijven of 0470 12 34 56 #oudercafe"
    )
    result = await translator.translate(text, source="nl", target="en", protected=["Lies", "1A"])
    for kept in (
        "Lies",
        "1A",
        "12/03",
        "18u30",
        "€ 5,50",
        "https://debuurt.be/inschrijven",
        "0470 12 34 56",
        "#oudercafe",
    ):
        assert kept in result.text, kept
    assert "parent-teacher meeting" in result.text and "oudercontact" not in result.text
    assert result.text.count(marker("nl", "en")) == 2


def test_masks_are_restored_where_the_model_put_them() -> None:
    """A model that keeps the masks (moved, spaced) gets the exact spans back; HTML survives."""
    masked = mask(
        "<b>Oudercontact</b> op 12/03 met Lies.",
        names=["Lies"],
        glossary={"oudercontact": "parent meeting"},
    )
    assert "12/03" not in masked.text and "Lies" not in masked.text and "<b>" not in masked.text
    moved = masked.text.replace("[1]", "[ 1 ]")  # models sometimes add spaces inside
    assert masked.restore(moved) == "<b>Parent meeting</b> op 12/03 met Lies."


def test_sentences_split_offline_without_breaking_abbreviations() -> None:
    """Abbreviations, initials and list numbers do not end a sentence."""
    text = "Breng o.a. je turnzak mee. Dhr. J. Peeters komt ook! 1. Eerst spelen. Daarna eten?"
    assert split_sentences(text) == [
        "Breng o.a. je turnzak mee.",
        "Dhr. J. Peeters komt ook!",
        "1. Eerst spelen.",
        "Daarna eten?",
    ]


@pytest.mark.parametrize("text", ["", "   \n  ", "🎉🎈👍", "https://debuurt.be"])
async def test_nothing_to_translate_comes_back_unchanged(translator: Translator, text: str) -> None:
    """Empty text, only emoji or only a link: returned as is, no model run."""
    result = await translator.translate(text, source="nl", target="en")
    assert result.text == text and translator.stats.performed == 0 and not result.machine


async def test_long_and_mixed_text(translator: Translator) -> None:
    """A 4,096-character text in mixed scripts is translated line by line, keeping the lines."""
    line = "Morgen is er feest op de speelplaats. غدا حفلة. Завтра праздник."
    text = "\n".join([line] * 60)[:4096]
    result = await translator.translate(text, source="nl", target="en")
    assert result.text.count("\n") == text.count("\n")
    assert "speelplaats" not in result.text


async def test_a_model_folder_that_disappears_falls_back(
    translator: Translator, caplog: pytest.LogCaptureFixture
) -> None:
    """If the en>tr model is deleted under our feet, Turkish parents get the fallback, no crash."""
    translator.available_pairs()  # scanned while the model was there
    shutil.rmtree(translator.engine.pairs()[("en", "tr")].path)
    with caplog.at_level(logging.WARNING):
        result = await translator.translate_for(
            "Hallo allemaal.", source="nl", languages=["tr", "en"]
        )
    assert (result.target, result.fallback) == ("en", True)
    assert not translator.can_translate("nl", "tr")
