"""Draw the invitation templates' pictures (flows/invitations/pictures/*.png), without words.

Pictures speak to parents who read little or no Dutch: each template gets a few large emoji on a
warm background. Needs Noto Color Emoji (Debian: fonts-noto-color-emoji); the PNG files are kept in
the repository, so this runs only when a picture changes:
    .venv/bin/python scripts/draw_invitation_pictures.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
OUT = Path(__file__).resolve().parent.parent / "flows" / "invitations" / "pictures"
SIZE = (960, 540)
STRIKE = 109  # Noto Color Emoji's only bitmap size

# template id: (background top, background bottom, big emoji, small emoji around it)
PICTURES = {
    "coffee": ("#fde7c8", "#f6c38b", "☕", "🥐🫖👩🏽👨🏻👵🏾"),
    "class_visit": ("#d6ecff", "#9ccaf5", "🏫", "📚✏️🧒🏿👨🏽🎨"),
    "school_party": ("#ffe0ef", "#f7a8cb", "🎉", "🎈🎶🍰👨🏾💃🏻"),
    "parent_group": ("#e2f4dc", "#a9dc98", "🤝", "👩🏻👨🏿👩🏾👨🏼💬"),
    "workshop": ("#ece3ff", "#c3adf5", "🛠️", "📱📖🥪👨🏽💡"),
    "welcome": ("#fff6c7", "#f6df73", "👋", "🏠🧒🏽👩🏻👨🏾🌷"),
}


def emoji(char: str, size: int) -> Image.Image:
    """One emoji as an RGBA image of `size` pixels."""
    font = ImageFont.truetype(str(FONT), STRIKE)
    tile = Image.new("RGBA", (STRIKE * 2, STRIKE * 2), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((STRIKE // 2, STRIKE // 2), char, font=font, embedded_color=True)
    glyph = tile.crop(tile.getbbox() or (0, 0, 1, 1))
    scale = size / max(glyph.size)
    glyph = glyph.resize(
        (round(glyph.width * scale), round(glyph.height * scale)), Image.Resampling.LANCZOS
    )
    square = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    square.paste(glyph, ((size - glyph.width) // 2, (size - glyph.height) // 2), glyph)
    return square


def split(text: str) -> list[str]:
    """Emoji one by one (keeps skin tones, joiners and variation selectors together)."""
    out: list[str] = []
    for char in text:
        joined = out and (
            out[-1].endswith("\u200d") or char in "\u200d\ufe0f" or 0x1F3FB <= ord(char) <= 0x1F3FF
        )
        if joined:
            out[-1] += char
        else:
            out.append(char)
    return out


def draw(top: str, bottom: str, big: str, small: str) -> Image.Image:
    """A soft vertical gradient, the big emoji in the middle, the small ones on an arc below."""
    image = Image.new("RGB", SIZE)
    pen = ImageDraw.Draw(image)
    a, b = (
        Image.new("RGB", (1, 1), top).getpixel((0, 0)),
        Image.new("RGB", (1, 1), bottom).getpixel((0, 0)),
    )
    for y in range(SIZE[1]):
        f = y / SIZE[1]
        pen.line(
            [(0, y), (SIZE[0], y)], fill=tuple(int(a[i] + (b[i] - a[i]) * f) for i in range(3))
        )
    pen.ellipse((SIZE[0] // 2 - 190, 40, SIZE[0] // 2 + 190, 420), fill="#ffffff")
    centre = emoji(big, 260)
    image.paste(centre, (SIZE[0] // 2 - 130, 100), centre)
    items = split(small)
    for n, char in enumerate(items):
        x = 70 + n * (SIZE[0] - 140 - 110) // max(1, len(items) - 1)
        y = 400 - (60 if n in (0, len(items) - 1) else 0)
        tile = emoji(char, 110)
        image.paste(tile, (x, y), tile)
    return image


def main() -> None:
    """Write every picture."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (top, bottom, big, small) in PICTURES.items():
        path = OUT / f"{name}.png"
        draw(top, bottom, big, small).save(path, optimize=True)
        print(path, path.stat().st_size)


if __name__ == "__main__":
    main()
