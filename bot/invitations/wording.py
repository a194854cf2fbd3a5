"""An invitation's text in one language: the catalogs' fixed lines, Babel's date, the given words.

The organiser's own words (an own title and text, the place) are the only part that may need a
machine translation; the templates come with people's translations (flows/invitations/).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.core import UnknownLocaleError
from babel.dates import format_date, format_time

from bot.models import Event


def is_sentence(text: str) -> bool:
    """Words a reader must understand ("At the back of the hall. Follow the arrows."), not a name
    or an address to find as written ("de refter", "Kerkstraat 12, 2000 Antwerpen")."""
    return len(text.split()) >= 8 or re.search(r"[.!?;]\s+\w", text) is not None


def moment(start: datetime, end: datetime, *, tz: ZoneInfo, lang: str) -> tuple[str, str]:
    """'vrijdag 27 november 2026 08:30' and '10:00', formatted by Babel in `lang` (else Dutch)."""
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("nl")
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = format_date(local_start, "full", locale=locale)
    clock = format_time(local_start, "short", locale=locale)
    pattern = str(locale.datetime_formats.get("medium", "{1} {0}")).replace("'", "")
    return pattern.format(clock, day), format_time(local_end, "short", locale=locale)


def invitation_text(
    event: Event,
    *,
    emoji: str,
    words: tuple[str, str, str],
    t: Callable[..., str],
    lang: str,
    tz: ZoneInfo,
) -> str:
    """Title, warm words, when, where, who: `words` (title, text, place) in `lang` already."""
    title, text, place = words
    day, end = moment(event.starts_at, event.ends_at, tz=tz, lang=lang)
    lines = [f"{emoji} {title}", "", text, ""]
    lines.append(t(lang, "event.when_line", day=day, end=end))
    lines.append(t(lang, "event.place_line", place=place))
    lines.append(t(lang, "event.children_yes" if event.children_welcome else "event.children_no"))
    if event.interpreter_offered:
        lines.append(t(lang, "event.interpreter_line"))
    lines.append(t(lang, "event.not_anonymous"))
    return "\n".join(lines)
