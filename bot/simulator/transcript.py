"""A readable transcript of what everyone saw (the demo prints it)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from bot.simulator.state import TranscriptEvent

INDENT = "    "
MARKS = {"edit": "(edited) ", "delete": "(deleted) "}


def display_width(text: str) -> int:
    """Columns on a terminal: wide (CJK) characters take two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def wrap(text: str, width: int) -> list[str]:
    """Word-wrap one paragraph by display width (a word longer than a line stays whole)."""
    if display_width(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and display_width(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def _buttons(event: TranscriptEvent) -> list[str]:
    rows = [" ".join(f"[ {label} ]" for label, _ in row) for row in event.buttons]
    rows += [" ".join(f"‹ {label} ›" for label in row) for row in event.keyboard]
    return ["  " + row for row in rows if row]


def render_event(event: TranscriptEvent, width: int = 100) -> list[str]:
    """The lines of one event: `[who → to] text`, longer texts indented below, then buttons."""
    if event.kind == "press":
        return [f"[{event.who} presses {event.text}]"]
    head = f"[{event.direction}] {MARKS.get(event.kind, '')}"
    if event.kind == "answer":
        head += f"({event.media}) "
    elif event.media:
        head += f"<{event.media}> "
    paragraphs = event.text.splitlines() or [""]
    lines: list[str] = []
    first = paragraphs[0]
    if display_width(head + first) <= width:
        lines.append((head + first).rstrip())
        paragraphs = paragraphs[1:]
    else:
        lines.append(head.rstrip())
    for paragraph in paragraphs:
        if not paragraph.strip():
            lines.append("")
            continue
        lines.extend(INDENT + part for part in wrap(paragraph, width - len(INDENT)))
    return lines + _buttons(event)


def render_transcript(events: Iterable[TranscriptEvent], width: int = 100) -> str:
    """The whole conversation, one block per event."""
    lines: list[str] = []
    for event in events:
        lines.extend(render_event(event, width))
    return "\n".join(lines)
