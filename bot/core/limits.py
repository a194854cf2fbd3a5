"""Limits of what the bot is handed and sends: whole numbers the database can hold, and text
lengths as Telegram counts them (UTF-16 code units: most emoji count twice).

Every number read from outside (button data, typed commands, web forms) goes through
`whole_number`; every text cut or split to fit a message goes through `cut` or `split_text`.
"""

from __future__ import annotations

MAX_INTEGER = 2**63 - 1  # SQLite's INTEGER and PostgreSQL's bigint: larger overflows
MAX_ROW_ID = 2**31 - 1  # every table's id is PostgreSQL's integer: a larger one can name no row
TEXT_LIMIT = 4096  # a message's text, in UTF-16 code units
CAPTION_LIMIT = 1024  # a media caption, in UTF-16 code units
ELLIPSIS = "…"


def whole_number(text: str, *, high: int = MAX_INTEGER) -> int | None:
    """`text` as a number if it is only ASCII digits and at most `high`; else None.

    `str.isdigit` also accepts "²" and "١٢", which `int` refuses or reads differently.
    """
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= high else None


def utf16_len(text: str) -> int:
    """The length of `text` as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def fitting(text: str, limit: int) -> int:
    """How many characters of `text`, from the start, fit in `limit` UTF-16 code units."""
    if len(text) * 2 <= limit or utf16_len(text) <= limit:
        return len(text)
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def cut(text: str, limit: int = TEXT_LIMIT, *, mark: str = ELLIPSIS) -> str:
    """`text` within `limit` UTF-16 code units, ending in `mark` if it had to be shortened."""
    if utf16_len(text) <= limit:
        return text
    return text[: fitting(text, limit - utf16_len(mark))].rstrip() + mark


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """`text` in parts of at most `limit` UTF-16 code units, cut at a paragraph, line or word
    boundary where one is not too far back (nothing is lost but the spaces at a cut)."""
    parts: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        room = max(1, fitting(rest, limit))
        at = max(rest.rfind("\n\n", 0, room), rest.rfind("\n", 0, room), rest.rfind(" ", 0, room))
        at = at if at > room // 2 else room
        parts.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    parts.append(rest)
    return [part for part in parts if part] or [""]
