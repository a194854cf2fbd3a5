"""Translation status, told truthfully: who reads a text in their language, in their second
language, or in the school's Dutch, and why (no model installed, or the engine failed at send).

One mechanism for every place that says something was translated: the announcement preview and
report, each parent's copy, and the answer confirmation. `plan` says it before sending (nothing
is translated); `render` does the translation and says what really happened to that one copy.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.translation.service import Translator

log = logging.getLogger(__name__)
OWN, SECOND, NO_MODEL, FAILED = "own", "second", "original", "failed"  # Delivery.via values
DUTCH = (NO_MODEL, FAILED)


@dataclass(frozen=True)
class Outcome:
    """What one reader gets: the language of the text, and why it is that one."""

    wanted: str  # the reader's own language
    language: str  # the language the text is in
    via: str  # own | second | original (no model) | failed (the engine failed at send time)
    machine: bool = False  # machine-translated
    reviewed: bool = False  # the machine's translation was checked by a person (bot/reviews/)

    @property
    def in_their_language(self) -> bool:
        """The reader reads it in their own language (translated, or it was already in it)."""
        return self.via == OWN


def _route(translator: Translator | None, source: str, target: str) -> bool:
    return target == source or (translator is not None and translator.can_translate(source, target))


def plan(
    translator: Translator | None,
    *,
    source: str,
    own: str | None,
    second: str | None = None,
    text: str = "-",
) -> Outcome:
    """Before sending: what a reader will get (nothing is translated here)."""
    wanted = own or source
    if wanted == source or not text.strip():
        return Outcome(wanted, wanted, OWN)
    if _route(translator, source, wanted):
        return Outcome(wanted, wanted, OWN, machine=True)
    if second and second != wanted and _route(translator, source, second):
        return Outcome(wanted, second, SECOND, machine=second != source)
    return Outcome(wanted, source, NO_MODEL)


async def render(
    translator: Translator | None,
    text: str,
    *,
    source: str,
    own: str | None,
    second: str | None = None,
    protected: Sequence[str] = (),
) -> tuple[str, Outcome]:
    """Translate for one reader: into their language, else their second one, else the original.

    An engine failure is not hidden: that reader gets the next language (or the original), and
    the outcome says `failed`, so the copy carries the "not translated" line and the report
    counts it in Dutch.
    """
    wanted = own or source
    if wanted == source or not text.strip():
        return text, Outcome(wanted, wanted, OWN)
    failed = False
    for index, target in enumerate(dict.fromkeys(x for x in (wanted, second) if x)):
        via = OWN if index == 0 else SECOND
        if target == source:
            return text, Outcome(wanted, source, via)
        if translator is None or not translator.can_translate(source, target):
            continue
        try:
            result = await translator.translate(
                text, source=source, target=target, protected=protected
            )
        except Exception as err:  # an engine failure must not lose the copy
            log.warning("translation %s>%s failed at send time: %s", source, target, err)
            translator.stats.failures += 1
            failed = True
            continue
        return result.text, Outcome(
            wanted, target, via, machine=result.machine, reviewed=result.reviewed
        )
    return text, Outcome(wanted, source, FAILED if failed else NO_MODEL)


@dataclass
class Tally:
    """Counts of outcomes: in their language (per language), in a second language (per pair),
    in Dutch for want of a model or because the engine failed (per wanted language)."""

    own: Counter[str] = field(default_factory=Counter)
    second: Counter[tuple[str, str]] = field(default_factory=Counter)
    no_model: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome, count: int = 1) -> None:
        """Count `count` readers with this outcome."""
        self.add_row(outcome.via, outcome.wanted, outcome.language, count)

    def add_row(self, via: str, wanted: str, language: str, count: int = 1) -> None:
        """Count stored outcomes (a delivery row's via, wanted and delivered language)."""
        if via == SECOND:
            self.second[(wanted, language)] += count
        elif via == NO_MODEL:
            self.no_model[wanted] += count
        elif via == FAILED:
            self.failed[wanted] += count
        else:
            self.own[language] += count

    @property
    def total(self) -> int:
        """Every reader counted."""
        return sum(sum(c.values()) for c in (self.own, self.second, self.no_model, self.failed))

    @property
    def dutch(self) -> int:
        """Readers who get the original, untranslated."""
        return sum(self.no_model.values()) + sum(self.failed.values())


def tally(outcomes: Iterable[Outcome]) -> Tally:
    """Count outcomes."""
    counted = Tally()
    for outcome in outcomes:
        counted.add(outcome)
    return counted
