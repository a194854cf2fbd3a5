"""What services raise when something cannot be done: the message key to show, with its values."""

from __future__ import annotations


class KeyedError(Exception):
    """An operation that cannot be done; `key` names the catalog message, `values` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
