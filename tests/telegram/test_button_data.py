"""The one reader of button data (bot/telegram/common.py): what it takes and what it refuses."""

from __future__ import annotations

from bot.telegram.common import parse_button


def test_button_data_is_read_field_by_field() -> None:
    """Verb, the number of fields and each field's kind must all be right."""
    press = parse_button("pq:12:hard:a", "pq", "#ww")
    assert press is not None and press.numbers == (12,) and press.words == ("hard", "a")
    assert parse_button("lang:nl:", "lang", "w*") is not None  # an empty payload is fine
    for data, verb, shape in [
        ("ann:seen:²", "ann", "w#"),
        ("ann:seen:1:2", "ann", "w#"),  # one field too many
        ("ann:seen", "ann", "w#"),
        ("annc:1:9223372036854775808", "annc", "##"),
        ("lang::", "lang", "w*"),  # no language
        ("pa:v:1", "pq", "w#"),
        (None, "ann", "w#"),
    ]:
        assert parse_button(data, verb, shape) is None, data


def test_a_number_no_row_can_have_is_refused() -> None:
    """Row ids are PostgreSQL integers: 2**31 - 1 is read, anything larger names no row (and
    would make PostgreSQL refuse the query instead of the bot answering 'stale')."""
    assert parse_button("ann:seen:2147483647", "ann", "w#") is not None
    assert parse_button("ann:seen:2147483648", "ann", "w#") is None
    assert parse_button("ann:seen:9223372036854775807", "ann", "w#") is None
