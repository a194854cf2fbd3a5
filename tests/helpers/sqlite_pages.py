"""An insider's view of a SQLite file: its pages as the database file and its WAL hold them.

No SQL: the bytes are read as an attacker with a copy of `ouderbrug.db` and `ouderbrug.db-wal`
would read them (https://www.sqlite.org/fileformat2.html): the latest committed image of every
page (the WAL's frames over the file's), the b-tree of one table walked from its root page, and
for every row the byte offset of its cell in the page. SQLite writes a new cell just below the
cells already there, so in a page that was only ever appended to, a higher offset means an older
row: the order of writing.
"""

from __future__ import annotations

import shutil
import sqlite3
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for n in range(9):
        byte = data[at + n]
        if n == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + n + 1
    raise AssertionError("unreachable")


def pages(db: Path) -> dict[int, bytes]:
    """Page number -> its latest committed image, from the file and its WAL (if any)."""
    raw = db.read_bytes()
    size = struct.unpack(">H", raw[16:18])[0] or 65536
    found = {n + 1: raw[n * size : (n + 1) * size] for n in range(len(raw) // size)}
    wal = Path(str(db) + "-wal")
    data = wal.read_bytes() if wal.exists() else b""
    if len(data) < 32:
        return found
    salts = data[16:24]
    committed: dict[int, bytes] = {}
    frame_size, at = 24 + size, 32
    while at + frame_size <= len(data):
        number, commit = struct.unpack(">II", data[at : at + 8])
        if data[at + 8 : at + 16] != salts:
            break  # frames left from before the last reset
        committed[number] = data[at + 24 : at + frame_size]
        if commit:
            found.update(committed)
            committed = {}
        at += frame_size
    return found


def wal_frames(db: Path) -> int:
    """How many frames the WAL holds now (0: empty or truncated)."""
    wal = Path(str(db) + "-wal")
    if not wal.exists() or wal.stat().st_size < 32:
        return 0
    size = struct.unpack(">H", db.read_bytes()[16:18])[0] or 65536
    return (wal.stat().st_size - 32) // (24 + size)


def root_page(db: Path, table: str) -> int:
    """The root page of a table, read from copies of the file and its WAL (the attacker's)."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.db"
        shutil.copyfile(db, copy)
        if Path(str(db) + "-wal").exists():
            shutil.copyfile(str(db) + "-wal", str(copy) + "-wal")
        conn = sqlite3.connect(copy)
        try:
            row = conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
            ).fetchone()
        finally:
            conn.close()
    return int(row[0])


@dataclass(frozen=True)
class Cell:
    """One row of a WITHOUT ROWID table: its page, the offset of its cell, its first column."""

    page: int
    offset: int
    key: str


def _first_text(payload: bytes) -> str:
    header, at = _varint(payload, 0)
    serial, _ = _varint(payload, at)
    assert serial >= 13 and serial % 2 == 1, "the first column is text"
    return payload[header : header + (serial - 13) // 2].decode()


def cells(db: Path, table: str) -> list[Cell]:
    """Every row of a WITHOUT ROWID table (an index b-tree), with where its cell sits."""
    images, out = pages(db), []
    todo = [root_page(db, table)]
    while todo:
        number = todo.pop()
        page = images[number]
        start = 100 if number == 1 else 0
        kind = page[start]
        assert kind in (0x02, 0x0A), f"page {number} is not an index b-tree page ({kind})"
        count = struct.unpack(">H", page[start + 3 : start + 5])[0]
        head = 12 if kind == 0x02 else 8
        if kind == 0x02:
            todo.append(struct.unpack(">I", page[start + 8 : start + 12])[0])
        for n in range(count):
            offset = struct.unpack(">H", page[start + head + 2 * n : start + head + 2 * n + 2])[0]
            at = offset
            if kind == 0x02:
                todo.append(struct.unpack(">I", page[at : at + 4])[0])
                at += 4
            size, at = _varint(page, at)
            out.append(Cell(number, offset, _first_text(page[at : at + size])))
    return out


def written_order(db: Path, table: str) -> list[list[str]]:
    """Per page, the keys of its rows from the oldest cell to the newest (highest offset first)."""
    by_page: dict[int, list[Cell]] = {}
    for cell in cells(db, table):
        by_page.setdefault(cell.page, []).append(cell)
    return [
        [c.key for c in sorted(found, key=lambda c: -c.offset)]
        for _, found in sorted(by_page.items())
    ]
