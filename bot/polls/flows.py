"""Poll flows: YAML files in `flows/`, loaded and validated with clear errors.

A flow has an id, an emoji, a title and an outcome (what the school does with the answers), and
3 to 6 questions; each question is single or multiple choice, with options (id, emoji, text) and
optionally a free "something else" answer. Every text is written in every UI language.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.core.datafiles import parse_yaml

MIN_QUESTIONS, MAX_QUESTIONS = 1, 6
MIN_OPTIONS = 2  # a question with one answer asks nothing
MAX_OPTIONS = 10  # with Skip / Something else / Done, more no longer fits a phone screen
MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback data
LONGEST_POLL_ID = "9" * 10
ID = re.compile(r"^[a-z0-9_-]{1,32}$")
KINDS = ("single", "multiple")
AUDIENCES = ("classes", "event")  # event: sent after a meeting to those who said they would come


class FlowError(ValueError):
    """A flow file with a mistake; the message names the file and the place."""


@dataclass(frozen=True)
class Option:
    """One answer to choose."""

    id: str
    emoji: str
    text: dict[str, str]
    exclusive: bool = False  # "nothing stops me": choosing it clears the others, and back


@dataclass(frozen=True)
class Question:
    """One question of a flow."""

    id: str
    kind: str  # single | multiple
    text: dict[str, str]
    options: tuple[Option, ...]
    other: bool = False  # a free "something else" answer

    def option(self, option_id: str) -> Option | None:
        """The option with that id."""
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Flow:
    """A poll definition."""

    id: str
    emoji: str
    title: dict[str, str]
    outcome: dict[str, str]
    questions: tuple[Question, ...]
    audience: str = "classes"

    def index_of(self, question_id: str) -> int | None:
        """The position of a question."""
        return next((i for i, q in enumerate(self.questions) if q.id == question_id), None)


def option_data(poll_id: int | str, question_id: str, option_id: str) -> str:
    """Callback data of an option button (the longest data the bot puts under a poll)."""
    return f"pq:{poll_id}:{question_id}:{option_id}"


def _texts(raw: Any, where: str, languages: list[str]) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise FlowError(f"{where}: expected a text for each language (nl: ..., en: ...)")
    texts = {str(k): str(v).strip() for k, v in raw.items() if v is not None}
    missing = [lang for lang in languages if not texts.get(lang)]
    if missing:
        raise FlowError(f"{where}: missing translation for {', '.join(missing)}")
    return texts


def _id(raw: Any, where: str) -> str:
    value = str(raw or "")
    if not ID.match(value):
        raise FlowError(f"{where}: id {value!r} must be 1-32 of a-z, 0-9, _ or -")
    return value


def _unique(ids: list[str], where: str) -> None:
    seen: set[str] = set()
    for value in ids:
        if value in seen:
            raise FlowError(f"{where}: duplicate id {value!r}")
        seen.add(value)


def _question(raw: Any, where: str, languages: list[str]) -> Question:
    if not isinstance(raw, dict):
        raise FlowError(f"{where}: expected a question (id, kind, text, options)")
    qid = _id(raw.get("id"), where)
    where = f"{where} ({qid})"
    kind = str(raw.get("kind", "single"))
    if kind not in KINDS:
        raise FlowError(f"{where}: kind must be single or multiple, not {kind!r}")
    raw_options = raw.get("options") or []
    if not isinstance(raw_options, list) or not raw_options:
        raise FlowError(f"{where}: needs a list of options")
    if len(raw_options) < MIN_OPTIONS:
        raise FlowError(f"{where}: needs at least {MIN_OPTIONS} options")
    if len(raw_options) > MAX_OPTIONS:
        raise FlowError(
            f"{where}: {len(raw_options)} options is too many for a keyboard (at most {MAX_OPTIONS})"
        )
    options = []
    for n, item in enumerate(raw_options, 1):
        spot = f"{where} option {n}"
        if not isinstance(item, dict):
            raise FlowError(f"{spot}: expected id, emoji and text")
        oid = _id(item.get("id"), spot)
        if not item.get("emoji"):
            raise FlowError(f"{spot} ({oid}): needs an emoji")
        data = option_data(LONGEST_POLL_ID, qid, oid)
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise FlowError(
                f"{spot} ({oid}): button data {data!r} is over {MAX_CALLBACK_BYTES} bytes; "
                "use shorter ids"
            )
        text = _texts(item.get("text"), f"{spot} ({oid})", languages)
        exclusive = bool(item.get("exclusive", False))
        options.append(Option(id=oid, emoji=str(item["emoji"]), text=text, exclusive=exclusive))
    _unique([o.id for o in options], where)
    text = _texts(raw.get("text"), where, languages)
    return Question(qid, kind, text, tuple(options), other=bool(raw.get("other", False)))


def parse_flow(raw: Any, *, source: str, languages: list[str]) -> Flow:
    """A validated Flow from parsed YAML; FlowError names the mistake."""
    if not isinstance(raw, dict):
        raise FlowError(f"{source}: expected a mapping with id, title and questions")
    fid = _id(raw.get("id"), source)
    questions_raw = raw.get("questions") or []
    if not isinstance(questions_raw, list):
        raise FlowError(f"{source}: questions must be a list")
    if not MIN_QUESTIONS <= len(questions_raw) <= MAX_QUESTIONS:
        raise FlowError(
            f"{source}: {len(questions_raw)} questions; a poll has {MIN_QUESTIONS} to {MAX_QUESTIONS}"
        )
    questions = tuple(
        _question(q, f"{source} question {n}", languages) for n, q in enumerate(questions_raw, 1)
    )
    _unique([q.id for q in questions], source)
    audience = str(raw.get("audience", "classes"))
    if audience not in AUDIENCES:
        raise FlowError(f"{source}: audience must be classes or event, not {audience!r}")
    return Flow(
        id=fid,
        emoji=str(raw.get("emoji") or "📊"),
        title=_texts(raw.get("title"), f"{source} title", languages),
        outcome=_texts(raw.get("outcome"), f"{source} outcome", languages),
        questions=questions,
        audience=audience,
    )


def load_flow(path: Path, *, languages: list[str]) -> Flow:
    """Read and validate one flow file."""
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FlowError(f"{path.name}: not valid YAML ({exc})") from exc
    return parse_flow(raw, source=path.name, languages=languages)


def load_flows(folder: Path, *, languages: list[str]) -> dict[str, Flow]:
    """Every `*.yaml` poll flow in a folder, by id (a duplicate id across files is an error)."""
    flows: dict[str, Flow] = {}
    for path in sorted(folder.glob("*.yaml")):
        flow = load_flow(path, languages=languages)
        if flow.id in flows:
            raise FlowError(f"{path.name}: duplicate flow id {flow.id!r}")
        flows[flow.id] = flow
    return flows


def to_raw(flow: Flow) -> dict[str, Any]:
    """A flow back in the shape of a flow file (what `parse_flow` reads)."""
    return {
        "id": flow.id,
        "emoji": flow.emoji,
        "title": dict(flow.title),
        "outcome": dict(flow.outcome),
        "audience": flow.audience,
        "questions": [
            {
                "id": q.id,
                "kind": q.kind,
                "other": q.other,
                "text": dict(q.text),
                "options": [
                    {"id": o.id, "emoji": o.emoji, "text": dict(o.text)}
                    | ({"exclusive": True} if o.exclusive else {})
                    for o in q.options
                ],
            }
            for q in flow.questions
        ],
    }


def dump(flow: Flow) -> str:
    """A flow as JSON, to freeze it with a poll."""
    return json.dumps(to_raw(flow), ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=256)
def frozen(definition: str) -> Flow:
    """A flow frozen with a poll (validated again; Dutch is the one language it must have)."""
    try:
        raw = json.loads(definition)
    except ValueError as exc:
        raise FlowError(f"frozen definition: not valid JSON ({exc})") from exc
    return parse_flow(raw, source="frozen definition", languages=["nl"])
