"""Personal invitation letters as one PDF, one A4 page per family: the school, the children's
names, one QR code per guardian (with the bot's name and the line to send for typing it), the
picture strip of the class flyer and the invitation in the family's languages.

Drawn like the class flyer (bot/classes/flyer_drawing.py): Pillow with the shipped Noto fonts,
Arabic, Persian and Pashto shaped right to left by libraqm, Tigrinya in the Ethiopic font; a text
that cannot be drawn whole raises FlyerError instead of printing boxes. The invitation of a set of
languages is drawn once and pasted on every page that has it; each page is JPEG-compressed as soon
as it is drawn, so a long print does not hold every page's pixels.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import qrcode
from PIL import Image, ImageDraw
from qrcode.constants import ERROR_CORRECT_Q

from bot.classes.flyer_drawing import (
    ACCENT,
    BODY,
    DPI,
    HEIGHT,
    INK,
    MARGIN,
    SOFT,
    WIDTH,
    line_height,
)
from bot.classes.flyer_drawing import _heading as heading
from bot.classes.flyer_drawing import _wrap as wrap
from bot.classes.flyer_fonts import (
    FlyerError,
    Font,
    check_language,
    direction,
    font,
    missing_letters,
)
from bot.classes.flyer_strip import PAPER, draw_strip
from bot.core.codes import deep_link, family_payload

__all__ = ["FlyerError", "LetterPage", "LetterText", "Printer", "check_texts", "heading"]

QR_TOP, TEXT_GAP, GUTTER = 232, 18, 40
CODE_LINES, STRIP = 84, 210  # below each QR: the bot and the line to send; the picture strip
SIZES = ((32, 25), (29, 23), (27, 21), (25, 20), (23, 18), (21, 17))  # title, body px
QUALITY = 90  # JPEG: sharp QR modules and letters, about 300 KB a page
MASK = 2  # the QR codes' mask pattern (see qr_image)


@dataclass(frozen=True)
class LetterText:
    """The invitation in one language."""

    lang: str
    title: str
    body: str


@dataclass(frozen=True)
class LetterPage:
    """One family's page: the children line, its texts (in order) and its codes in clear."""

    children: str
    texts: tuple[LetterText, ...]
    codes: tuple[str, ...]


def check_texts(texts: Sequence[LetterText]) -> None:
    """FlyerError if a language's text cannot be drawn whole (font, shaping)."""
    for text in texts:
        check_language(text.lang, text.title + " " + text.body)


def qr_image(link: str, size: int) -> Image.Image:
    """A QR code like the flyer's (bot/classes/flyer_drawing.py), with one fixed mask pattern:
    trying all eight for the "best" one took four fifths of a letter's drawing time, and any
    mask scans (the standard's penalty only steers away from rare finder-like patches)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4, box_size=1, mask_pattern=MASK)
    qr.add_data(link)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    modules = img.size[0]
    return img.resize((size // modules * modules,) * 2, Image.Resampling.NEAREST)


def qr_size(guardians: int) -> int:
    """The side of each QR code: large for one or two guardians, smaller for more."""
    return 400 if guardians <= 2 else max(220, (WIDTH - 2 * MARGIN) // guardians - GUTTER)


def qr_boxes(links: Sequence[str]) -> list[tuple[int, int, Image.Image]]:
    """(left, top, image) of each guardian's QR code, centred in its share of the width."""
    size, cell = qr_size(len(links)), (WIDTH - 2 * MARGIN) // max(len(links), 1)
    images = [qr_image(link, size) for link in links]
    return [
        (MARGIN + k * cell + (cell - image.size[0]) // 2, QR_TOP, image)
        for k, image in enumerate(images)
    ]


def _codes(draw: ImageDraw.ImageDraw, page: Image.Image, codes: Sequence[str], bot: str) -> None:
    """Each code's QR with its number above and, below, the bot's name and the line to send."""
    badge, small, line = font(None, 26, bold=True), font(None, 22), font(None, 28, bold=True)
    links = [deep_link(bot, family_payload(code)) for code in codes]
    bottom = QR_TOP + qr_size(len(codes))
    for k, ((left, top, image), code) in enumerate(zip(qr_boxes(links), codes, strict=True)):
        page.paste(image, (left, top))
        draw.ellipse((left - 14, top - 14, left + 30, top + 30), fill=ACCENT)
        draw.text((left + 8, top + 8), str(k + 1), font=badge, fill=PAPER, anchor="mm")
        centre = left + image.size[0] // 2
        draw.text((centre, bottom + 8), "@" + bot, font=small, fill=BODY, anchor="mt")
        text = f"/start {family_payload(code)}"
        draw.text((centre, bottom + 40), text, font=line, fill=INK, anchor="mt")


Line = tuple[str, Font, int, bool]  # text, font, line height, is the title


class Blocks:
    """Each language's invitation wrapped and drawn once per size and column width (the Dutch
    block is on every letter of a print): a print's cache."""

    def __init__(self) -> None:
        self.wrapped: dict[tuple[LetterText, tuple[int, int], int], list[Line]] = {}
        self.drawn: dict[tuple[LetterText, tuple[int, int], int], Image.Image] = {}
        self.draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def lines(self, text: LetterText, sizes: tuple[int, int], width: int) -> list[Line]:
        """The block's lines with their font and height."""
        key = (text, sizes, width)
        if key not in self.wrapped:
            title, body = font(text.lang, sizes[0], bold=True), font(text.lang, sizes[1])
            self.wrapped[key] = [
                (ln, face, line_height(face), face is title)
                for face, words in ((title, text.title), (body, text.body))
                for ln in wrap(self.draw, words, face, width, text.lang)
            ]
        return self.wrapped[key]

    def height(self, text: LetterText, sizes: tuple[int, int], width: int) -> int:
        """The block's height with the gap below it."""
        return sum(step for _, _, step, _ in self.lines(text, sizes, width)) + TEXT_GAP

    def image(self, text: LetterText, sizes: tuple[int, int], width: int) -> Image.Image:
        """The block drawn, right-aligned for right-to-left languages."""
        key = (text, sizes, width)
        if key not in self.drawn:
            block = Image.new("RGB", (width, self.height(text, sizes, width)), "white")
            draw, rtl, y = ImageDraw.Draw(block), direction(text.lang), 0
            x, anchor = (width, "ra") if rtl else (0, "la")
            for line, face, step, is_title in self.lines(text, sizes, width):
                fill = INK if is_title else BODY
                draw.text((x, y), line, font=face, fill=fill, anchor=anchor, direction=rtl)
                y += step
            self.drawn[key] = block
        return self.drawn[key]

    def layout(
        self, texts: Sequence[LetterText], width: int, room: int, columns: int
    ) -> tuple[tuple[int, int], list[tuple[int, int, int]]] | None:
        """The largest sizes at which the blocks fit, and where each goes (index, column, top):
        side by side in rows of `columns`, each row as high as its highest block."""
        for sizes in SIZES:
            placed: list[tuple[int, int, int]] = []
            top = 0
            for start in range(0, len(texts), columns):
                row = range(start, min(start + columns, len(texts)))
                placed += [(index, index - start, top) for index in row]
                top += max(self.height(texts[index], sizes, width) for index in row)
            if top <= room:
                return sizes, placed
        return None


def _texts_image(blocks: Blocks, texts: tuple[LetterText, ...], height: int) -> Image.Image:
    """The invitation in every language of a letter, in one or two columns, as large as fits."""
    area = Image.new("RGB", (WIDTH, height), "white")
    columns = 1 if len(texts) == 1 else 2
    width = (WIDTH - 2 * MARGIN - (columns - 1) * GUTTER) // columns
    found = blocks.layout(texts, width, height, columns)
    if found is None:
        raise FlyerError(f"{len(texts)} languages do not fit on one letter even at 8 pt")
    sizes, placed = found
    mirrored = direction(texts[0].lang) is not None  # a right-to-left family reads from the right
    for index, place, top in placed:
        column = columns - 1 - place if mirrored else place
        area.paste(
            blocks.image(texts[index], sizes, width), (MARGIN + column * (width + GUTTER), top)
        )
    return area


def text_top(guardians: int) -> int:
    """Where the invitation's languages start: below the codes and the picture strip."""
    return strip_top(guardians) + STRIP + 2 * TEXT_GAP + 24


def strip_top(guardians: int) -> int:
    """Where the picture strip starts: below the codes and the lines under them."""
    return QR_TOP + qr_size(guardians) + CODE_LINES + TEXT_GAP


class Printer:
    """Letters of one print: every language set and heading checked, and the invitation of each
    language set drawn, before any code is made (`prepare`); then the pages (`render`)."""

    def __init__(self, *, school_name: str, bot: str, guardians: int) -> None:
        self.school_name, self.bot, self.guardians = school_name, bot, guardians
        self.texts: dict[tuple[LetterText, ...], Image.Image] = {}
        self.bases: dict[int, Image.Image] = {}
        self.blocks = Blocks()

    def prepare(self, children: str, texts: tuple[LetterText, ...]) -> None:
        """FlyerError when a family's letter cannot be drawn whole; its texts drawn once."""
        if texts not in self.texts:
            check_texts(texts)
            room = HEIGHT - text_top(self.guardians) - MARGIN  # 12 mm: any printer prints it
            self.texts[texts] = _texts_image(self.blocks, texts, room)
        if all(missing_letters(font(lang, 56, bold=True), children) for lang in (None, "ar", "ti")):
            raise FlyerError(f"no shipped font can draw the names {children!r}")  # as heading()

    def prepare_all(self, pages: Sequence[tuple[str, tuple[LetterText, ...]]]) -> None:
        """`prepare` each (children, texts) of a print."""
        for children, texts in pages:
            self.prepare(children, texts)

    def base(self, guardians: int) -> Image.Image:
        """What every page has (drawn once): the school's band, the picture strip, a line."""
        if guardians not in self.bases:
            page = Image.new("RGB", (WIDTH, HEIGHT), "white")
            draw = ImageDraw.Draw(page)
            draw.rectangle((0, 0, WIDTH, 190), fill=SOFT)
            draw.rectangle((0, 190, WIDTH, 198), fill=ACCENT)
            heading(draw, [self.school_name or " "], 44, 26)
            line = draw_strip(draw, MARGIN, strip_top(guardians), WIDTH - 2 * MARGIN) + TEXT_GAP
            draw.line((MARGIN, line, WIDTH - MARGIN, line), fill=ACCENT, width=3)
            self.bases[guardians] = page
        return self.bases[guardians]

    def page(self, letter: LetterPage) -> bytes:
        """One family's page as a JPEG."""
        if letter.texts not in self.texts:
            self.prepare(letter.children, letter.texts)
        page = self.base(len(letter.codes)).copy()
        draw = ImageDraw.Draw(page)
        heading(draw, [letter.children], 56, 96)
        _codes(draw, page, letter.codes, self.bot)
        page.paste(self.texts[letter.texts], (0, text_top(len(letter.codes))))
        out = io.BytesIO()
        page.save(out, format="JPEG", quality=QUALITY, dpi=(DPI, DPI))
        return out.getvalue()

    def render(self, letters: Sequence[LetterPage]) -> bytes:
        """Every letter, one A4 page each, as one PDF."""
        return pdf_of_jpegs([self.page(letter) for letter in letters])


def pdf_of_jpegs(pages: Sequence[bytes]) -> bytes:
    """A PDF with each JPEG (A4 at DPI) as a full page."""
    points = f"{WIDTH * 72 / DPI:.2f} {HEIGHT * 72 / DPI:.2f}"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []

    def put(body: bytes) -> None:
        offsets.append(out.tell())
        out.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")

    kids = " ".join(f"{3 + 3 * k} 0 R" for k in range(len(pages)))
    put(b"<< /Type /Catalog /Pages 2 0 R >>")
    put(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for k, jpeg in enumerate(pages):
        page, image, content = 3 + 3 * k, 4 + 3 * k, 5 + 3 * k
        put(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {points}] /Resources << /XObject "
            f"<< /Im{k} {image} 0 R >> >> /Contents {content} 0 R >>".encode()
        )
        assert page == len(offsets)
        put(
            f"<< /Type /XObject /Subtype /Image /Width {WIDTH} /Height {HEIGHT} /ColorSpace "
            f"/DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpeg)} >>\n"
            f"stream\n".encode()
            + jpeg
            + b"\nendstream"
        )
        draw = f"q {points.split()[0]} 0 0 {points.split()[1]} 0 0 cm /Im{k} Do Q".encode()
        put(b"<< /Length %d >>\nstream\n" % len(draw) + draw + b"\nendstream")
    xref = out.tell()
    out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets))
    out.write(f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\n".encode())
    out.write(f"startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
