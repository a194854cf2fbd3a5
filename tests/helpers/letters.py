"""Personal invitation letters in tests: a roster put in the database as an import would, and
the PDF read back page by page (its pictures, and the QR codes on them compared module by module
with the codes that were made)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from PIL import Image, ImageDraw

from bot.classes.flyer_drawing import SOFT, WIDTH
from bot.core.codes import deep_link
from bot.demo.school import School
from bot.families import service as families
from bot.families.letter_drawing import heading, qr_boxes

BOT = "ouderbrug_test_bot"


async def enrol(school: School, children: Sequence[tuple[str, str]], languages: str = "") -> int:
    """A family on the roster: its children as (first name, class name); returns its id."""
    services = school.app.bot_data
    now = services.clock.now()
    async with services.sessions() as session:
        family = await families.new_family(session, school_id=services.school_id, now=now)
        for first_name, class_name in children:
            school_class = await school.class_row(class_name)
            await families.add_pupil(
                session,
                school_id=services.school_id,
                family_id=family.id or 0,
                class_id=school_class.id,
                first_name=first_name,
                last_initial="B." if first_name in ("Adam", "Sara") else "",
                languages=languages,
                now=now,
            )
        await session.commit()
        return family.id or 0


def record_codes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The codes of each letter as they are made (the database keeps only their hashes): what
    a test compares the printed QR codes with."""
    made: list[list[str]] = []
    real: Callable[..., Any] = families.issue_codes

    async def issue_codes(*args: Any, **kwargs: Any) -> list[str]:
        codes = await real(*args, **kwargs)
        made.append(list(codes))
        return codes

    monkeypatch.setattr(families, "issue_codes", issue_codes)
    return made


def page_count(pdf: bytes) -> int:
    """The PDF's pages, as poppler's pdfinfo counts them when it is installed."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    return pdf.count(b"/Type /Page /Parent")


def pages(pdf: bytes) -> list[Image.Image]:
    """Each page's picture (the letters are drawn as one JPEG per page)."""
    found = re.finditer(rb"/Filter /DCTDecode /Length (\d+) >>\nstream\n", pdf)
    return [Image.open(io.BytesIO(pdf[m.end() : m.end() + int(m.group(1))])) for m in found]


def _ink(image: Image.Image) -> list[bool]:
    return [value < 128 for value in image.convert("L").tobytes()]


def qr_codes_match(page: Image.Image, codes: Sequence[str]) -> bool:
    """Whether the page shows exactly these codes' QR codes, in order (module for module,
    allowing for the JPEG's blur at the edges)."""
    links = [deep_link(BOT, "f" + code) for code in codes]
    for left, top, expected in qr_boxes(links):
        box = (left, top, left + expected.size[0], top + expected.size[1])
        seen, wanted = _ink(page.crop(box)), _ink(expected)
        if sum(a != b for a, b in zip(seen, wanted, strict=True)) > len(wanted) // 100:
            return False
    return True


def names_children(page: Image.Image, children: str) -> bool:
    """Whether the page's heading is these children's names (drawn again and compared)."""
    band = Image.new("RGB", (WIDTH, 190), SOFT)
    heading(ImageDraw.Draw(band), [children], 56, 96)
    box = (0, 80, WIDTH, 180)
    seen, wanted = _ink(page.crop(box)), _ink(band.crop(box))
    return (
        sum(wanted) > 0
        and sum(a != b for a, b in zip(seen, wanted, strict=True)) < sum(wanted) // 20
    )
