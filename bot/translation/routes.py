"""Per language, the route a text takes: the best installed engine, or the one the school pins.

- `direct`: one model for exactly this pair (a CTranslate2 Opus-MT conversion the school
  installed first, else a single argostranslate package such as nl>fr);
- `many-to-many`: one model for many languages (NLLB-200: Somali, Tigrinya, Pashto ...);
- `pivot`: argostranslate through English (nl>en, then en>ar).

The best available wins (direct > many-to-many > pivot) unless `routes.yaml` in the models
folder pins a kind for a language (`tr: pivot`, or `auto`); a pinned kind that is not installed
falls back to the best available, and `ouderbrug models list` says so.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.core.datafiles import parse_yaml
from bot.translation.ct2_engine import Ct2Engine
from bot.translation.ct2_models import DIRECT, MANY, Ct2Model
from bot.translation.engine import ArgosEngine, EngineError

log = logging.getLogger(__name__)
PIVOT_KIND, AUTO = "pivot", "auto"
KINDS = (DIRECT, MANY, PIVOT_KIND)
SCHOOL = "nl"


@dataclass(frozen=True)
class Route:
    """How one (source, target) pair is translated."""

    kind: str  # direct | many-to-many | pivot
    languages: tuple[str, ...]  # ("nl", "tr") or ("nl", "en", "ar")
    model: Ct2Model | None = None  # the CTranslate2 model, None for argostranslate
    licence: str = ""

    @property
    def engine(self) -> str:
        """The engine's or model's name, e.g. `opus-mt-nl-tr` or `argostranslate`."""
        return self.model.name if self.model else "argostranslate"

    @property
    def id(self) -> str:
        """Part of the translation cache key: another engine never serves an old text."""
        version = self.model.version if self.model else ""
        return f"{self.kind}:{self.engine}:{version}:{'>'.join(self.languages)}"


def routes_file(data_dir: Path) -> Path:
    """The school's pins: `<models folder>/models/routes.yaml`."""
    return data_dir.resolve() / "models" / "routes.yaml"


def read_pins(data_dir: Path) -> dict[str, str]:
    """Language -> pinned kind (a broken file pins nothing and is logged)."""
    path = routes_file(data_dir)
    if not path.is_file():
        return {}
    try:
        data = parse_yaml(path.read_bytes()) or {}
    except ValueError as err:
        log.warning("ignoring %s: %s", path, err)
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k).lower(): str(v).lower() for k, v in data.items() if str(v).lower() in KINDS}


def write_pin(data_dir: Path, language: str, kind: str) -> None:
    """Pin a language to a kind of route (`auto` removes the pin)."""
    pins = read_pins(data_dir)
    pins.pop(language, None)
    if kind != AUTO:
        pins[language] = kind
    path = routes_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{lang}: {pins[lang]}\n" for lang in sorted(pins))
    path.write_text("# pinned translation routes: direct | many-to-many | pivot\n" + body)


class Router:
    """Chooses and runs routes over the argostranslate and CTranslate2 engines."""

    def __init__(self, data_dir: Path, argos: ArgosEngine, threads: int = 1) -> None:
        self.data_dir = data_dir
        self.argos = argos
        self.ct2 = Ct2Engine(data_dir, threads=threads)
        self._pins: dict[str, str] | None = None

    def reload(self) -> None:
        """Pick up installed or removed models and changed pins."""
        self.argos.reload()
        self.ct2.reload()
        self._pins = None

    def pins(self) -> dict[str, str]:
        """The school's pins (read once, again after `reload`)."""
        if self._pins is None:
            self._pins = read_pins(self.data_dir)
        return self._pins

    def candidates(self, source: str, target: str) -> list[Route]:
        """Every available route for a pair, best first."""
        found: list[Route] = []
        models = self.ct2.models()
        for kind in (DIRECT, MANY):
            found += [
                Route(kind, (source, target), m, m.licence)
                for m in models
                if m.kind == kind and (source, target) in m.pairs
            ]
            if kind == DIRECT and (source, target) in self.argos.pairs():
                found.append(Route(DIRECT, (source, target)))
        chain = self.argos.route(source, target)
        if chain is not None and len(chain) > 2:
            found.append(Route(PIVOT_KIND, chain))
        return found

    def route(self, source: str, target: str) -> Route | None:
        """The route a text takes from source to target (None: no model for it)."""
        if source == target:
            return None
        found = self.candidates(source, target)
        pinned = self.pins().get(target if target != SCHOOL else source)
        chosen = [r for r in found if r.kind == pinned] if pinned else []
        return next(iter(chosen or found), None)

    def pairs(self) -> set[tuple[str, str]]:
        """Every (source, target) one installed model translates."""
        out = set(self.argos.pairs())
        for model in self.ct2.models():
            out |= model.pairs
        return out

    def run(self, route: Route, sentences: list[str]) -> list[str]:
        """Translate a batch along a route (in a worker thread)."""
        if not sentences:
            return sentences
        if route.model is not None:
            return self.ct2.translate_batch(route.model, sentences, *route.languages)
        if len(route.languages) < 2:
            raise EngineError("an empty route")
        for a, b in itertools.pairwise(route.languages):
            sentences = self.argos.translate_batch(sentences, a, b)
        return sentences
