"""What some tests need from the machine: Debian's Chromium (the dashboard's browser tests),
Debian's espeak-ng (read-aloud) and a PostgreSQL database (tests of what only PostgreSQL does).

Outside CI a test whose need is missing is skipped, and the run ends with one line per missing
thing saying what to install; with `CI=true` it runs and fails, so CI never passes without them.
Mark a test `@pytest.mark.browser`, `@pytest.mark.espeak` or `@pytest.mark.postgres` (tests/conftest.py checks the marks
before each test, before any fixture; a test using a fixture named `browser` is marked for you),
or call `require(...)` where the thing is used (as `chromium()` in tests/helpers/dashboard.py).
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest


def chromium_path() -> str:
    """Debian's Chromium (OUDERBRUG_CHROMIUM names another binary)."""
    return os.environ.get("OUDERBRUG_CHROMIUM") or "/usr/bin/chromium"


def _has_chromium() -> bool:
    path = Path(chromium_path())
    return path.is_file() and os.access(path, os.X_OK)


def _has_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def _has_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@dataclass(frozen=True)
class Need:
    """Something a kind of test needs: how to tell it is there, and what to do when it is not."""

    missing: str
    found: Callable[[], bool]
    remedy: str


NEEDS = {
    "browser": Need(
        "Chromium is missing",
        _has_chromium,
        "apt-get install chromium (or set OUDERBRUG_CHROMIUM to a Chromium binary)",
    ),
    "espeak": Need(
        "espeak-ng is missing",
        _has_espeak,
        "apt-get install espeak-ng (read-aloud's fallback voice; .ci/run installs it)",
    ),
    "postgres": Need(
        "PostgreSQL is not configured",
        _has_postgres,
        "set TEST_DATABASE_URL=postgresql+asyncpg://USER:PASSWORD@HOST:5432/DB (.ci/run does)",
    ),
}
SKIPPED: Counter[str] = Counter()  # tests skipped in this run, per need


def in_ci() -> bool:
    """Whether this run is CI's (`CI=true`, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require(kind: str) -> None:
    """Skip the current test (outside CI) or fail it (CI=true) when the machine lacks `kind`."""
    need = NEEDS[kind]
    if need.found():
        return
    if in_ci():
        pytest.fail(f"CI=true and {need.missing}: {need.remedy}", pytrace=False)
    SKIPPED[kind] += 1
    pytest.skip(f"{need.missing}: {need.remedy}")


def summary() -> list[str]:
    """One line per missing thing that made tests skip."""
    return [
        f"{count} {kind} test(s) skipped: {NEEDS[kind].missing}; to run them: {NEEDS[kind].remedy}"
        for kind, count in sorted(SKIPPED.items())
    ]
