"""The shipped fonts (`bot/assets/`, SIL Open Font License), one per script, checked letter by
letter: the flyer's (what cannot be drawn is an error, never a dropped language) and the poll
chart's (`runs`: each piece of a line in a font that draws it)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import ImageFont, features

ASSETS = Path(__file__).resolve().parents[1] / "assets"
RTL = frozenset({"ar", "fa", "ps"})
# The font family of each language's script; every other language is Latin or Cyrillic.
FAMILY = {"ar": "NotoSansArabic", "fa": "NotoSansArabic", "ps": "NotoSansArabic"}
FAMILY["ti"] = "NotoSansEthiopic"
LATIN = "NotoSans"
SCALE = {
    "NotoSansArabic": 1.2,
    "NotoSansEthiopic": 1.1,
}  # its letters are small at the same pixel size: read alike
Font = ImageFont.FreeTypeFont


class FlyerError(RuntimeError):
    """The flyer cannot show every language properly (a font or text shaping is missing, or
    the texts do not fit): said loudly instead of printing a flyer that leaves someone out."""


def family_of(lang: str | None) -> str:
    """The font family that draws a language's script (None: the flyer's Latin heading)."""
    return FAMILY.get(lang or "", LATIN)


def font_file(family: str, bold: bool) -> Path:
    """The shipped font file, or FlyerError saying which is missing."""
    path = ASSETS / f"{family}-{'Bold' if bold else 'Regular'}.ttf"
    if not path.is_file():
        raise FlyerError(f"the flyer's font {path} is missing (it ships with Ouderbrug: reinstall)")
    return path


@cache
def _load(path: str, size: int) -> Font:
    return ImageFont.truetype(path, size)


def font(lang: str | None, size: int, *, bold: bool = False) -> Font:
    """The font for a language's script at (about) a pixel size."""
    family = family_of(lang)
    return _load(str(font_file(family, bold)), round(size * SCALE.get(family, 1)))


def missing_letters(face: Font, text: str) -> str:
    """The characters of `text` the font has no glyph for (drawn like a private-use point)."""
    path = str(face.path)
    return "".join(sorted({ch for ch in text if not ch.isspace() and not _has_glyph(path, ch)}))


@cache
def _has_glyph(path: str, ch: str) -> bool:
    """Whether the font file draws `ch` otherwise than its "no glyph" box (checked once)."""
    face = ImageFont.truetype(path, 16, layout_engine=ImageFont.Layout.BASIC)

    def shape(letter: str) -> tuple[tuple[float, ...], bytes]:
        return face.getbbox(letter), bytes(face.getmask(letter))

    return shape(ch) != shape("\ue000")


def runs(lang: str | None, text: str, size: int, *, bold: bool = False) -> list[tuple[str, Font]]:
    """`text` cut into pieces, each with the first font that draws all its letters: the script's
    own, else the Latin one (brackets and Latin words inside Arabic or Ge'ez text); Western
    digits always in the Latin one."""
    faces = [font(lang, size, bold=bold)]
    if family_of(lang) != LATIN:
        faces.append(font(None, size, bold=bold))
    pieces: list[tuple[str, Font]] = []
    for ch in text:
        if ch in "0123456789":  # one Latin piece for "67% (8)": bidi keeps it together
            face = faces[-1]
        elif pieces and _draws(pieces[-1][1], ch):
            face = pieces[-1][1]
        else:
            face = _first(faces, ch)
        if pieces and pieces[-1][1] is face:
            pieces[-1] = (pieces[-1][0] + ch, face)
        else:
            pieces.append((ch, face))
    return pieces


def _draws(face: Font, ch: str) -> bool:
    return ch.isspace() or _has_glyph(str(face.path), ch)


def _first(faces: list[Font], ch: str) -> Font:
    return next((face for face in faces if _draws(face, ch)), faces[0])


def direction(lang: str) -> str | None:
    """ "rtl" for Arabic-script languages (needs libraqm: FlyerError without it), else None."""
    if lang not in RTL:
        return None
    if not features.check("raqm"):
        raise FlyerError(
            f"{lang} needs text shaping (libraqm with FriBiDi): install libfribidi0 (Debian) so "
            "that Pillow's libraqm can shape Arabic, Persian and Pashto"
        )
    return "rtl"


def check_language(lang: str, text: str) -> None:
    """FlyerError if a language's text has letters its fonts cannot draw (or cannot shape)."""
    direction(lang)
    for bold in (False, True):
        gaps = missing_letters(font(lang, 24, bold=bold), text)
        if gaps:
            family = family_of(lang)
            raise FlyerError(f"{family} cannot draw {gaps!r} of the {lang} text on the flyer")
