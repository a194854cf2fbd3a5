"""Numbers the database can hold and texts that fit in a message, as Telegram counts them."""

from __future__ import annotations

import pytest

from bot.core.limits import MAX_INTEGER, cut, split_text, utf16_len, whole_number


@pytest.mark.parametrize(
    "text", ["²", "١٢", "1e5", "", "-1", "+1", " 1", "1_000", "0x1", "12345678901234567890"]
)
def test_only_ascii_digits_within_64_bits_are_numbers(text: str) -> None:
    """What `str.isdigit` or `int` would take but the database or the meaning would not."""
    assert whole_number(text) is None


def test_the_largest_number_sqlite_holds_is_a_number_and_one_more_is_not() -> None:
    """The boundary: 2**63 - 1 is read, 2**63 is refused; `high` lowers it."""
    assert whole_number(str(MAX_INTEGER)) == MAX_INTEGER
    assert whole_number(str(MAX_INTEGER + 1)) is None
    assert whole_number("42") == 42 and whole_number("42", high=10) is None


def test_a_cut_text_fits_as_telegram_counts_and_says_it_was_cut() -> None:
    """2,048 emoji are 4,096 UTF-16 code units: with a heading they need cutting."""
    text = "Hallo: " + "😀" * 2048
    shortened = cut(text)
    assert utf16_len(shortened) <= 4096 and shortened.endswith("…")
    assert cut("kort") == "kort"


def test_a_split_text_loses_nothing_and_each_part_fits() -> None:
    """Parts end at a word where one is near, else at the limit; never inside an emoji."""
    flood = "😀" * 3000
    parts = split_text(flood)
    assert "".join(parts) == flood and all(utf16_len(p) <= 4096 for p in parts)
    words = " ".join(["woord"] * 2000)
    parts = split_text(words, 100)
    assert " ".join(parts) == words and all(utf16_len(p) <= 100 for p in parts)
