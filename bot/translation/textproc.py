"""Text handling around machine translation: sentence splitting that works offline, and masking
of what must never be translated (names, dates, times, amounts, links, phone numbers, e-mail
addresses, emoji, hashtags, HTML tags) and of glossary terms.

Masks are short bracketed numbers (`[7]`), which translation models copy through. If a model
drops a mask, the protected text is not lost: it is appended to that sentence in brackets, so a
date or a phone number always reaches the parent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_DAYS = "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag"
_EMOJI = (
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f\u200d"
    "\U0001f1e6-\U0001f1ff]+"
)
PROTECTED_PATTERNS: tuple[tuple[str, str], ...] = (
    ("html", r"<[^<>]+>|&(?:[a-zA-Z]+|#\d+);"),
    ("url", r"\b(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)]"),
    ("email", r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    ("phone", r"(?:\+\d{2}|\b0)(?:[\s./-]?\d){8,10}\b"),
    (
        "date",
        rf"\b\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b(?:\s+\d{{4}})?",
    ),
    ("time", r"\b\d{1,2}(?:[:.]\d{2}|[uh](?:\d{2})?)\b(?:\s?uur)?"),
    (
        "amount",
        r"€\s?\d+(?:[.,]\d{1,2})?|\b\d+(?:[.,]\d{1,2})?\s?(?:euro|EUR)\b|\b\d+(?:[.,]\d{1,2})?\s?€",
    ),
    ("hashtag", r"#\w+"),
    ("emoji", _EMOJI),
    ("mask", r"\[\d+\]"),
)
_PROTECTED = re.compile("|".join(f"(?P<{n}>{p})" for n, p in PROTECTED_PATTERNS), re.IGNORECASE)
_MASK = re.compile(r"\[\s*(\d+)\s*\]")
_ABBREVIATIONS = {
    "bv", "bijv", "o.a", "enz", "dr", "mevr", "dhr", "nr", "ca", "vb", "blz", "incl", "excl",
    "p", "e.d", "m.a.w", "i.p.v", "t.e.m", "st", "juf", "mr", "mrs", "ms", "etc",
}  # fmt: skip
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+")


def split_sentences(line: str) -> list[str]:
    """Sentences of one line, without splitting after abbreviations, initials or list numbers."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        candidate = line[start : match.start()].rstrip()
        last_word = candidate.rsplit(maxsplit=1)[-1] if candidate.split() else ""
        stem = last_word.rstrip(".").lower()
        if stem in _ABBREVIATIONS or (len(stem) == 1 and stem.isalpha()) or stem.isdigit():
            continue
        parts.append(line[start : match.end()].strip())
        start = match.end()
    rest = line[start:].strip()
    if rest:
        parts.append(rest)
    return parts


@dataclass
class Masked:
    """A text with its protected spans replaced by `[n]` masks."""

    text: str
    spans: dict[int, str] = field(default_factory=dict)
    glossary: dict[int, str] = field(default_factory=dict)  # mask -> target-language term

    def restore(self, translated: str) -> str:
        """Put the protected spans back; any the model dropped are appended in brackets."""
        used: set[int] = set()

        def put_back(match: re.Match[str]) -> str:
            number = int(match.group(1))
            if number in self.glossary:
                used.add(number)
                return self.glossary[number]
            if number in self.spans:
                used.add(number)
                return self.spans[number]
            return match.group(0)

        restored = _MASK.sub(put_back, translated)
        missing = [
            self.spans[n] for n in self.spans if n not in used and not _is_decoration(self.spans[n])
        ]
        missing += [self.glossary[n] for n in self.glossary if n not in used]
        if missing:
            restored = f"{restored} ({' '.join(missing)})".strip()
        return restored

    @property
    def has_words(self) -> bool:
        """Whether anything is left to translate once masks are removed."""
        return any(ch.isalpha() for ch in _MASK.sub("", self.text))


def _is_decoration(span: str) -> bool:
    """HTML tags and emoji may be dropped without losing information."""
    return span.startswith("<") or not any(ch.isalnum() for ch in span)


def mask(
    text: str,
    *,
    names: Sequence[str] = (),
    glossary: Mapping[str, str] | None = None,
    start: int = 1,
) -> Masked:
    """Replace names, glossary terms and protected spans by numbered masks."""
    result = Masked(text="")
    lookup = {term.lower(): value for term, value in (glossary or {}).items()}
    counter, position, out = start, 0, []
    for begin, end in _spans(text, names, lookup):
        out.append(text[position:begin])
        span = text[begin:end]
        term = lookup.get(span.lower())
        if term is not None:
            result.glossary[counter] = _match_case(span, term)
        else:
            result.spans[counter] = span
        out.append(f"[{counter}]")
        counter, position = counter + 1, end
    out.append(text[position:])
    result.text = "".join(out)
    return result


def _spans(text: str, names: Sequence[str], terms: Mapping[str, str]) -> list[tuple[int, int]]:
    """Non-overlapping spans to mask: names and glossary terms first, then protected patterns."""
    words = tuple(
        sorted({n.strip() for n in names if n.strip()} | set(terms), key=len, reverse=True)
    )
    special = _words_pattern(words)
    found = [(m.start(), m.end()) for m in special.finditer(text)] if special else []
    for match in _PROTECTED.finditer(text):
        if not any(match.start() < e and s < match.end() for s, e in found):
            found.append((match.start(), match.end()))
    return sorted(found)


@lru_cache(maxsize=256)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled pattern for a set of names and terms (compiled once, reused)."""
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.I)


def _match_case(source: str, term: str) -> str:
    """Capitalise a glossary term when the Dutch word was capitalised (sentence start)."""
    if source[:1].isupper() and term[:1].islower():
        return term[:1].upper() + term[1:]
    return term
