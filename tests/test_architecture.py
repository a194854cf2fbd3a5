"""The shape of `bot/`: one package per capability, dependencies in one direction, small modules.

A newcomer who wants to change polls finds them in `bot/polls/`; these checks keep it that way.
Every import counts, also those inside functions and under `if TYPE_CHECKING:` (a cycle hidden
in a function is still a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
MAX_LINES = 350
# The Telegram (and web) side of a capability: handlers, what they show, timed jobs, the sender.
# Every other module of a capability is a service: a session and plain values in, plain values out.
TELEGRAM_SIDE = ("handlers", "views", "jobs", "sender")
CAPABILITIES = (
    "onboarding",
    "classes",
    "announcements",
    "translation",
    "polls",
    "invitations",
    "conversations",
    "privacy",
    "school",
    "dashboard",
)
FORBIDDEN_IN_SERVICES = ("telegram.ext", "bot.telegram", "bot.app", "bot.runtime", "bot.web")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {module_name(p): p for p in BOT.rglob("*.py")}
    return {name: path for name, path in found.items() if ".migrations.versions" not in name}


def imports_of(name: str, path: Path) -> set[str]:
    """Every module `name` imports (absolute names), wherever the import statement is."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def graph() -> dict[str, set[str]]:
    """Internal imports between `bot` modules (a package's own `__init__` excluded)."""
    known = modules()
    return {
        name: {m for m in imports_of(name, path) if m in known and m != name and m != "bot"}
        for name, path in known.items()
    }


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules around it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def is_telegram_side(name: str) -> bool:
    leaf = name.split(".")[2:]
    return any(
        part == role or part.startswith(f"{role}_") or part.endswith(f"_{role}")
        for part in leaf
        for role in TELEGRAM_SIDE
    )


def services() -> list[str]:
    return sorted(
        name
        for name in modules()
        if name.count(".") >= 2
        and name.split(".")[1] in CAPABILITIES
        and not name.endswith("__init__")
        and not is_telegram_side(name)
    )


def test_the_finder_sees_a_cycle_when_there_is_one() -> None:
    """The check itself can fail: a → b → c → a is found, a tree is not."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycles_anywhere_in_bot() -> None:
    """No module of `bot/` reaches itself through its imports."""
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_services_take_plain_values_not_the_bot() -> None:
    """A capability's services never import PTB's ext, the bot's context or any handler."""
    edges = graph()
    wrong = []
    for name in services():
        every = imports_of(name, modules()[name])
        for imported in sorted(every | edges[name]):
            if imported.startswith(FORBIDDEN_IN_SERVICES) or (
                imported.startswith("bot.") and is_telegram_side(imported)
            ):
                wrong.append(f"{name} imports {imported}")
    assert services(), "no service modules found: is the layout still bot/<capability>/?"
    assert not wrong, "\n".join(wrong)


def test_core_and_models_depend_on_no_capability() -> None:
    """Infrastructure (`bot.core`, `bot.models`) sits below every capability."""
    wrong = [
        f"{name} imports {imported}"
        for name, imported_set in graph().items()
        if name.startswith(("bot.core", "bot.models"))
        for imported in imported_set
        if not imported.startswith(("bot.core", "bot.models"))
    ]
    assert not wrong, "\n".join(wrong)


def test_old_catch_all_folders_are_gone() -> None:
    """Features live in their capability's folder, not in bot/features or bot/services."""
    assert not (BOT / "features").exists()
    assert not (BOT / "services").exists()
    for capability in CAPABILITIES:
        assert (BOT / capability / "__init__.py").exists(), capability


@pytest.mark.parametrize("name", sorted(modules()))
def test_modules_stay_small(name: str) -> None:
    """Each module stays readable in one sitting (migrations are history and excluded)."""
    lines = len(modules()[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name}: {lines} lines (split it along its seams)"
