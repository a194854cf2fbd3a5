"""`ouderbrug models list`: per language the route both ways, the installed models, the pins."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

from bot.translation.ct2_models import MANY
from bot.translation.engine import PIVOT, ArgosEngine
from bot.translation.routes import SCHOOL, Route, Router, read_pins, routes_file


def argos_licence(folder: Path) -> str:
    """The licence an argostranslate package states in its metadata.json, if any."""
    try:
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    found = meta.get("license") or meta.get("licence") if isinstance(meta, dict) else None
    return str(found).upper() if found else "licence not stated in the package"


def describe_route(router: Router, route: Route | None) -> str:
    """`direct: opus-mt-nl-tr (APACHE-2.0)`, `pivot through en: ...`, or `none`."""
    if route is None:
        return "none"
    chain = ">".join(route.languages)
    if route.model is not None:
        extra = ", non-commercial: accepted at install" if "-nc" in route.licence else ""
        return f"{route.kind}: {route.engine} {chain} ({route.licence.upper()}{extra})"
    pairs = router.argos.pairs()
    hops = itertools.pairwise(route.languages)
    licences = sorted({argos_licence(pairs[hop].path) for hop in hops if hop in pairs})
    kind = f"pivot through {PIVOT}" if route.kind != "direct" else "direct"
    return f"{kind}: argostranslate {chain} ({'; '.join(licences)})"


def route_lines(data_dir: Path, languages: Sequence[str]) -> list[str]:
    """The whole listing, one line per language and model."""
    router = Router(data_dir, ArgosEngine(data_dir))
    pins = read_pins(data_dir)
    lines = [f"Translation routes ({SCHOOL} = the school's language):"]
    for lang in [code for code in languages if code != SCHOOL]:
        parts = []
        for source, target in ((SCHOOL, lang), (lang, SCHOOL)):
            route = router.route(source, target)
            text = describe_route(router, route)
            pinned = pins.get(lang)
            if pinned and (route is None or route.kind != pinned):
                text += f" [pinned {pinned}: not installed, best available used]"
            parts.append(f"{source}>{target} {text}")
        lines.append(f"  {lang:<3} " + "   |   ".join(parts))
    lines.append("Installed models:")
    installed = sorted(router.argos.pairs().values(), key=lambda p: (p.source, p.target))
    for p in installed:
        version = str(getattr(p.package, "package_version", ""))
        lines.append(f"  argostranslate {p.source} > {p.target}\t{version}\t{p.path.name}")
    for model in router.ct2.models():
        covers = (
            ", ".join(sorted(model.codes))
            if model.kind == MANY
            else ", ".join(f"{a} > {b}" for a, b in sorted(model.pairs))
        )
        lines.append(f"  {model.kind} {model.name}: {covers}\tlicence {model.licence.upper()}")
    if not installed and not router.ct2.models():
        lines.append("  none. Try: ouderbrug models install en ar tr (or --from DIR)")
    if pins:
        pinned = ", ".join(f"{k}: {v}" for k, v in sorted(pins.items()))
        lines.append(f"Pinned routes ({routes_file(data_dir)}): {pinned}")
    return lines
