"""A class's printable QR flyer, with the invitation in every UI language."""

from __future__ import annotations

from bot.classes.flyer_drawing import Flyer, FlyerText, render_flyer
from bot.classes.flyer_fonts import FlyerError
from bot.core.i18n import Catalogs

__all__ = ["Flyer", "FlyerError", "flyer_basename", "flyer_texts", "make_flyer"]


def flyer_texts(catalogs: Catalogs) -> list[FlyerText]:
    """The invitation in every UI language, in the catalogs' order."""
    return [
        FlyerText(
            lang=code, title=catalogs.t(code, "flyer.title"), body=catalogs.t(code, "flyer.body")
        )
        for code in catalogs.languages
    ]


def make_flyer(
    catalogs: Catalogs, *, link: str, class_name: str, school_name: str, lang: str
) -> Flyer:
    """Render the flyer; the heading is in `lang`, the invitation in every UI language
    (FlyerError, never a language left out, when that cannot be done)."""
    return render_flyer(
        link=link,
        class_name=class_name,
        class_label=catalogs.t(lang, "flyer.class", name=class_name),
        school_name=school_name,
        lines=flyer_texts(catalogs),
    )


def flyer_basename(class_name: str) -> str:
    """A file-name-safe form of a class name."""
    return "flyer-" + "".join(ch if ch.isalnum() else "-" for ch in class_name)
