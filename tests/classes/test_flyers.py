"""The QR flyer: every UI language on one A4 page, drawn with the fonts the project ships, a
picture strip, and a loud error (never a language left out) when that cannot be done."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from bot.classes import flyer_fonts
from bot.classes.flyer_drawing import FlyerText, render_flyer
from bot.classes.flyer_fonts import FlyerError, check_language, font, missing_letters
from bot.classes.flyers import flyer_texts, make_flyer
from bot.core.i18n import Catalogs
from bot.demo.school import School

LOCALES = Path(__file__).resolve().parents[2] / "locales"
LINK = "https://t.me/ouderbrug_test_bot?start=cabc12345"
# "Telegram" as each language writes it in the flyer's line: the parent needs the app.
TELEGRAM = {"ar": "تيليغرام", "fa": "تلگرام", "ps": "ټیلیګرام", "ti": "ቴሌግራም"}


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    """The real catalogs."""
    return Catalogs.load(LOCALES)


def flyer_for(catalogs: Catalogs, lang: str = "nl") -> bytes:
    """The PNG of class 1A's flyer, headed in `lang`."""
    return make_flyer(
        catalogs, link=LINK, class_name="1A", school_name="Basisschool De Buurt", lang=lang
    ).png


def test_every_ui_language_is_on_one_a4_flyer_in_a_font_that_draws_it(catalogs: Catalogs) -> None:
    """All 15 languages are drawn, each with a shipped font that has every letter of its line,
    and each line says to install Telegram; the PNG and the PDF are one A4 page."""
    flyer = make_flyer(
        catalogs, link=LINK, class_name="1A", school_name="Basisschool De Buurt", lang="ar"
    )
    assert len(catalogs.languages) == 15
    assert sorted(flyer.languages) == sorted(catalogs.languages)
    for text in flyer_texts(catalogs):
        check_language(text.lang, text.title + text.body)
        for bold in (False, True):
            assert missing_letters(font(text.lang, 24, bold=bold), text.title + text.body) == ""
        assert TELEGRAM.get(text.lang, "Telegram") in text.body, text.lang
    assert missing_letters(font("ti", 24), "Telegram") == "Taeglmr"  # the check can say no
    assert str(font("ps", 24).path).startswith(str(flyer_fonts.ASSETS))
    assert Image.open(io.BytesIO(flyer.png)).size == (1240, 1754)  # A4 at 150 dpi
    assert flyer.pdf.startswith(b"%PDF") and flyer.pdf.count(b"/Type /Page\n") == 1
    assert b"/MediaBox [ 0 0 595.2 841.92 ]" in flyer.pdf  # A4 in points


def test_a_missing_font_is_a_loud_error(
    catalogs: Catalogs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the Ethiopic font the flyer is refused, naming it, instead of dropping Tigrinya."""
    for shipped in flyer_fonts.ASSETS.glob("*.ttf"):
        if "Ethiopic" not in shipped.name:
            shutil.copy(shipped, tmp_path / shipped.name)
    monkeypatch.setattr(flyer_fonts, "ASSETS", tmp_path)
    with pytest.raises(FlyerError, match=r"NotoSansEthiopic-Regular\.ttf is missing"):
        flyer_for(catalogs)


def test_without_text_shaping_arabic_script_is_a_loud_error(
    catalogs: Catalogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No libraqm: Arabic, Persian and Pashto would print unshaped, so the flyer is refused."""
    monkeypatch.setattr(flyer_fonts.features, "check", lambda feature: feature != "raqm")
    with pytest.raises(FlyerError, match="libfribidi0"):
        flyer_for(catalogs)


def test_languages_that_do_not_fit_are_a_loud_error() -> None:
    """Sixty languages cannot fit on one page even in small print: an error, not a cut list."""
    many = [FlyerText("nl", "Blijf op de hoogte van de klas", "Installeer Telegram " * 6)] * 60
    with pytest.raises(FlyerError, match="do not fit"):
        render_flyer(link=LINK, class_name="1A", school_name="De Buurt", lines=many)


async def test_a_coordinator_is_told_when_the_flyer_cannot_be_made(
    school: School, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/newclass on a server that lost a font: the link comes, then a clear note, no flyer."""
    sofie = await school.coordinator()
    monkeypatch.setattr(flyer_fonts, "ASSETS", tmp_path)
    await sofie.send("/newclass 1A")
    await sofie.expect_text("https://t.me/")
    await sofie.expect_text(school.t("nl", "classes.flyer_failed"))
    assert not [m for m in sofie.messages if m.kind in ("photo", "document")]
