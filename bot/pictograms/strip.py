"""The strip parents receive: the chosen pictograms side by side, large, without a word."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

from bot.pictograms.choice import PICTOGRAMS
from bot.pictograms.tiles import draw

TILE = 320  # pixels: Telegram shows photos up to 1,280 pixels wide, so four tiles a row keep
COLUMNS = 4  # each picture about a quarter of a phone's width
GAP = 24


def strip_size(count: int) -> tuple[int, int]:
    """The strip's width and height for `count` pictograms (rows of at most COLUMNS)."""
    columns, rows = min(count, COLUMNS), -(-count // COLUMNS)
    return (GAP + columns * (TILE + GAP), GAP + rows * (TILE + GAP))


@lru_cache(maxsize=64)
def strip_png(keys: tuple[str, ...]) -> bytes:
    """The PNG of the pictograms `keys`, in that order (drawn once per combination)."""
    if not keys or any(k not in PICTOGRAMS for k in keys):
        raise ValueError(f"not a set of pictograms: {keys!r}")
    image = Image.new("RGB", strip_size(len(keys)), (255, 255, 255))
    corners = Image.new("L", (TILE, TILE), 0)
    ImageDraw.Draw(corners).rounded_rectangle((0, 0, TILE - 1, TILE - 1), radius=36, fill=255)
    for n, key in enumerate(keys):
        row, column = divmod(n, COLUMNS)
        image.paste(
            draw(key, TILE), (GAP + column * (TILE + GAP), GAP + row * (TILE + GAP)), corners
        )
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
