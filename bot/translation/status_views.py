"""The translation status in words: the preview's and report's lines, a reader's note, one answer.

Every text that says whether something was translated is made here, from `status.Outcome`s, so
the preview, the report, the parents' copies and the confirmations always say the same.
"""

from __future__ import annotations

from collections import Counter

from bot.core.i18n import Catalogs
from bot.translation.ct2_models import DIRECT, MANY
from bot.translation.service import Translator
from bot.translation.status import FAILED, NO_MODEL, OWN, SECOND, Outcome, Tally


def _listed(catalogs: Catalogs, lang: str, counts: Counter[str]) -> str:
    name = catalogs.language_name
    return ", ".join(f"{name(code, lang)} {n}" for code, n in counts.most_common())


def lines(catalogs: Catalogs, lang: str, counted: Tally) -> list[str]:
    """One line per kind of outcome: how many, in which languages (named in the reader's
    language), and why not translated."""
    t, name, out = catalogs.t, catalogs.language_name, []
    if counted.own:
        own = _listed(catalogs, lang, counted.own)
        out.append(t(lang, "status.own", count=sum(counted.own.values()), languages=own))
    if counted.second:
        pairs = ", ".join(
            f"{name(wanted, lang)} → {name(got, lang)} {n}"
            for (wanted, got), n in counted.second.most_common()
        )
        out.append(t(lang, "status.second", count=sum(counted.second.values()), languages=pairs))
    if counted.no_model:
        names = _listed(catalogs, lang, counted.no_model)
        count = sum(counted.no_model.values())
        out.append(t(lang, "status.no_model", count=count, languages=names))
    if counted.failed:
        names = _listed(catalogs, lang, counted.failed)
        out.append(t(lang, "status.failed", count=sum(counted.failed.values()), languages=names))
    return out


def routes(
    catalogs: Catalogs, lang: str, translator: Translator | None, source: str, counted: Tally
) -> list[str]:
    """One line naming, per language the text will be machine-translated into, the route it
    takes: straight from Dutch, with a many-to-many model, or through English ([] if none)."""
    targets = [x for x in counted.own if x != source]
    targets += [got for (_wanted, got) in counted.second if got != source and got not in targets]
    found = []
    for target in targets:
        route = translator.route_for(source, target) if translator is not None else None
        if route is None:
            continue
        key = {DIRECT: "status.route_direct", MANY: "status.route_many"}.get(
            route.kind, "status.route_pivot"
        )
        name = catalogs.language_name(target, lang)
        found.append(catalogs.t(lang, key, language=name, model=route.engine))
    return [catalogs.t(lang, "status.routes", routes="; ".join(found))] if found else []


def note(catalogs: Catalogs, outcome: Outcome) -> str:
    """The first line of a reader's copy when it is not in their language ('' when it is)."""
    lang = catalogs.pick(outcome.wanted)
    if outcome.via == OWN:
        return ""
    if outcome.via == SECOND and outcome.language != catalogs.default:
        return catalogs.t(
            lang, "status.note_second", language=catalogs.native_name(outcome.language)
        )
    return catalogs.t(lang, "status.note_dutch")


def one(catalogs: Catalogs, lang: str, outcome: Outcome) -> str:
    """What happened to one text, for the person who wrote it (an answer's confirmation)."""

    def name(code: str) -> str:
        return catalogs.language_name(code, lang)

    if outcome.via == OWN:
        key = "status.one_translated" if outcome.machine else "status.one_as_written"
        return catalogs.t(lang, key, language=name(outcome.language))
    if outcome.via == SECOND:
        return catalogs.t(
            lang, "status.one_second", language=name(outcome.language), wanted=name(outcome.wanted)
        )
    key = "status.one_failed" if outcome.via == FAILED else "status.one_no_model"
    assert outcome.via in (FAILED, NO_MODEL)
    return catalogs.t(lang, key, wanted=name(outcome.wanted))
