"""The drawn pictograms and the strip: the right size for the number chosen, ten different
pictures, and the same order as tapped."""

from __future__ import annotations

import io
from itertools import combinations

import pytest
from PIL import Image, ImageChops, ImageStat

from bot.pictograms.choice import PICTOGRAMS
from bot.pictograms.strip import COLUMNS, GAP, TILE, strip_png, strip_size


def tiles(png: bytes, count: int) -> list[Image.Image]:
    """The tiles of a strip, cut out where the layout puts them."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = []
    for n in range(count):
        row, column = divmod(n, COLUMNS)
        left, top = GAP + column * (TILE + GAP), GAP + row * (TILE + GAP)
        out.append(image.crop((left, top, left + TILE, top + TILE)))
    return out


def difference(a: Image.Image, b: Image.Image) -> float:
    """The mean difference of two pictures, 0 (the same) to 255."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


@pytest.mark.parametrize("count", [1, 2, 4, 5, 10])
def test_the_strip_has_one_tile_per_pictogram_four_a_row(count: int) -> None:
    """1 to 4 pictograms side by side; from 5 on a second and third row."""
    keys = tuple(PICTOGRAMS)[:count]
    image = Image.open(io.BytesIO(strip_png(keys)))
    columns, rows = min(count, COLUMNS), -(-count // COLUMNS)
    assert (
        image.size
        == strip_size(count)
        == (
            GAP + columns * (TILE + GAP),
            GAP + rows * (TILE + GAP),
        )
    )
    assert image.format == "PNG"


def test_the_ten_pictures_all_differ() -> None:
    """No two pictograms look alike (each pair differs clearly, not by a few pixels)."""
    pictures = dict(zip(PICTOGRAMS, tiles(strip_png(tuple(PICTOGRAMS)), 10), strict=True))
    for a, b in combinations(pictures, 2):
        assert difference(pictures[a], pictures[b]) > 8, (a, b)


def test_the_strip_keeps_the_order_they_were_tapped() -> None:
    """🎒 then 🏊 is not 🏊 then 🎒: the tiles swap places."""
    forward = tiles(strip_png(("swimming", "bring")), 2)
    backward = tiles(strip_png(("bring", "swimming")), 2)
    assert difference(forward[0], backward[1]) < 1 and difference(forward[1], backward[0]) < 1
    assert difference(forward[0], backward[0]) > 8


def test_an_unknown_pictogram_is_an_error() -> None:
    """Nothing is drawn for a key that is not in the set (or for none at all)."""
    with pytest.raises(ValueError):
        strip_png(("unicorn",))
    with pytest.raises(ValueError):
        strip_png(())
