"""What a voice reads of a message: its words, without emojis, markup, links or commands."""

from __future__ import annotations

import re
import unicodedata

URL = re.compile(r"(?:https?://|www\.|tg://)\S+", re.IGNORECASE)
COMMAND = re.compile(r"(?<![\w/])/[A-Za-z_]\w*")  # /start, /voice: nothing to hear
TAG = re.compile(r"</?[A-Za-z][^>]*>")  # HTML markup
MARKS = re.compile(r"(\*\*|__|~~|[*_`~|>#]+)")  # Markdown emphasis, quotes, headings, spoilers
BULLET = re.compile(r"^\s*(?:[-•·▪◦–—]+|\d+[.)])\s+", re.MULTILINE)
SPACES = re.compile(r"[ \t\u00a0]+")
BEFORE_STOP = re.compile(r" +([.,!?;:…،؟])")  # "bos !" once a picture or mark is gone
INVISIBLE = {"Cf", "Cc", "Co", "Cn"}  # direction marks, joiners, variation selectors, controls
PICTURES = {"So", "Sk"}  # emoji, pictographs, arrows, modifiers


def _letter_or_mark(ch: str) -> bool:
    """Keep text, digits, punctuation and spaces; drop pictures and invisible characters."""
    if ch in "\n ":
        return True
    category = unicodedata.category(ch)
    if ch in "\u200c\u200d" and category == "Cf":
        return ch == "\u200c"  # ZWNJ is part of Persian and Pashto spelling; ZWJ glues emoji
    return category not in INVISIBLE and category not in PICTURES


def speakable(text: str) -> str:
    """The words of `text` as a voice should read them: links, slash commands, HTML and Markdown
    marks, emojis and other pictures, direction marks and list bullets go; each line ends as a
    sentence so the voice pauses; blank and repeated whitespace collapses. '' when nothing is
    left to say."""
    text = URL.sub(" ", text)
    text = TAG.sub(" ", text)
    text = COMMAND.sub(" ", text)
    text = "".join(ch for ch in text if _letter_or_mark(ch))
    text = MARKS.sub(" ", text)
    text = BULLET.sub("", text)
    lines = []
    for line in text.splitlines():
        line = BEFORE_STOP.sub(r"\1", SPACES.sub(" ", line)).strip(" -–—:;,")
        if not any(ch.isalnum() for ch in line):
            continue
        if line[-1] not in ".!?…؟۔።?":
            line += "."
        lines.append(line)
    return "\n".join(lines)
