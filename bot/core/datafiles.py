"""The project's data files (gettext catalogs, YAML flows, templates, glossaries), parsed fast.

Every bot start reads them (and a test suite starts the bot hundreds of times): YAML goes through
libyaml's safe loader when PyYAML has it, and a catalog file is parsed once per version of the file
(its path, size and modification time), each caller getting its own copy of the dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po

Loader: Any
try:
    Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    Loader = yaml.SafeLoader


def parse_yaml(text: str | bytes) -> Any:
    """YAML with the safe loader (no Python objects); yaml.YAMLError on a mistake."""
    return yaml.load(text, Loader=Loader)


@dataclass(frozen=True)
class ParsedCatalog:
    """What Ouderbrug reads from one `.po` file."""

    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    plural_forms: str  # the raw `Plural-Forms` header ("" when absent)
    plural_expr: str


def read_catalog(path: Path) -> ParsedCatalog:
    """One catalog file, parsed once per version of the file; the dictionaries are copies."""
    stat = path.stat()
    parsed = _read_catalog(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return ParsedCatalog(
        dict(parsed.messages), dict(parsed.plurals), parsed.plural_forms, parsed.plural_expr
    )


@lru_cache(maxsize=128)
def _read_catalog(path: str, _mtime_ns: int, _size: int) -> ParsedCatalog:
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=None)
    messages = {
        str(msg.id): str(msg.string)
        for msg in catalog
        if msg.id and isinstance(msg.id, str) and msg.string
    }
    plurals = {
        str(msg.id[0]): tuple(str(form) for form in msg.string)
        for msg in catalog
        if msg.pluralizable and isinstance(msg.string, tuple | list) and all(msg.string)
    }
    header = next((v for k, v in catalog.mime_headers if k.lower() == "plural-forms"), "")
    return ParsedCatalog(messages, plurals, header, catalog.plural_expr)
