"""A fresh machine: tests that need Chromium or PostgreSQL are skipped there with one clear line
saying what to install, and with CI=true they run and fail (tests/helpers/machine.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = """
import pytest


@pytest.mark.browser
def test_in_a_browser():
    pass


@pytest.mark.postgres
def test_on_postgresql():
    pass


def test_anywhere():
    pass
"""


def run_sample(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """pytest in a subprocess, with this project's conftest, on three tiny tests."""
    sample = tmp_path / "test_sample.py"
    sample.write_text(SAMPLE)
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "TEST_DATABASE_URL")}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "tests.conftest",
        "-p",
        "no:cacheprovider",
    ]
    command += ["-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), str(sample)]
    return subprocess.run(
        command, cwd=ROOT, env=environ | env, capture_output=True, text=True, timeout=120
    )


def test_without_chromium_and_postgresql_the_tests_that_need_them_are_skipped(
    tmp_path: Path,
) -> None:
    """Outside CI: a pass, and one line per missing thing with what to install."""
    done = run_sample(tmp_path, OUDERBRUG_CHROMIUM=str(tmp_path / "no-chromium"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 2 skipped" in done.stdout
    lines = done.stdout.splitlines()
    browser = [line for line in lines if line.startswith("1 browser test(s) skipped")]
    postgres = [line for line in lines if line.startswith("1 postgres test(s) skipped")]
    assert browser == [
        "1 browser test(s) skipped: Chromium is missing; to run them: apt-get install chromium"
        " (or set OUDERBRUG_CHROMIUM to a Chromium binary)"
    ]
    assert len(postgres) == 1 and "set TEST_DATABASE_URL=postgresql+asyncpg://" in postgres[0]


def test_in_ci_they_run_and_fail_without_chromium_or_postgresql(tmp_path: Path) -> None:
    """CI=true: both fail, saying what is missing; nothing is skipped."""
    done = run_sample(tmp_path, CI="true", OUDERBRUG_CHROMIUM=str(tmp_path / "no-chromium"))
    assert done.returncode != 0
    assert "1 passed, 2 errors" in done.stdout, done.stdout
    assert "CI=true and Chromium is missing: apt-get install chromium" in done.stdout
    assert "CI=true and PostgreSQL is not configured" in done.stdout
    assert "skipped" not in done.stdout


def test_with_chromium_and_postgresql_they_run(tmp_path: Path) -> None:
    """Both present (a stand-in executable for Chromium): everything runs, in CI too."""
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    done = run_sample(
        tmp_path,
        CI="true",
        OUDERBRUG_CHROMIUM=str(fake),
        TEST_DATABASE_URL="postgresql+asyncpg://ouderbrug:x@127.0.0.1:5432/unused",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout
