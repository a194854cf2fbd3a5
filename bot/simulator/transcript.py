"""A readable transcript of what everyone saw (the demo prints it)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from bot.simulator.state import TranscriptEvent


def render_transcript(events: Iterable[TranscriptEvent], width: int = 100) -> str:
    """One block per event: who to whom, the text indented, buttons as [ label ]."""
    lines: list[str] = []
    for event in events:
        if event.kind == "press":
            lines.append(f"[{event.who} presses {event.text}]")
            continue
        mark = {"edit": " (edited)", "delete": " (deleted)"}.get(event.kind, "")
        lines.append(f"[{event.who} → {event.to}]{mark}")
        for paragraph in event.text.splitlines() or [""]:
            wrapped = textwrap.wrap(paragraph, width - 4) or [""]
            lines.extend("    " + part for part in wrapped)
        for row in event.buttons:
            lines.append("    " + " ".join(f"[ {label} ]" for label, _ in row))
    return "\n".join(lines)
