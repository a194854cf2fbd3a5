"""A class's printable QR flyer, with the invitation in the school's most spoken languages."""

from __future__ import annotations

from bot.classes.flyer_drawing import Flyer, FlyerText, render_flyer
from bot.core.i18n import Catalogs

FLYER_LANGUAGES = ("nl", "fr", "en", "ar", "tr", "pl", "ro", "uk", "bg", "es", "ru", "so", "ti")


def make_flyer(
    catalogs: Catalogs, *, link: str, class_name: str, school_name: str, lang: str
) -> Flyer:
    """Render the flyer; the heading is in `lang`, the invitation in every flyer language."""
    texts = [
        FlyerText(
            lang=code, title=catalogs.t(code, "flyer.title"), body=catalogs.t(code, "flyer.body")
        )
        for code in FLYER_LANGUAGES
        if catalogs.has(code)
    ]
    return render_flyer(
        link=link,
        class_name=catalogs.t(lang, "flyer.class", name=class_name),
        school_name=school_name,
        lines=texts,
    )


def flyer_basename(class_name: str) -> str:
    """A file-name-safe form of a class name."""
    return "flyer-" + "".join(ch if ch.isalnum() else "-" for ch in class_name)
