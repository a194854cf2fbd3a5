"""The dependency locks agree with pyproject.toml, and every install uses them with hashes.

`scripts/lock` writes requirements.lock (to run) and requirements-dev.lock (to run and test) with
pip-compile; these tests fail when pyproject.toml asks for a package or a version the locks do
not pin, when a lock pins a direct dependency pyproject.toml no longer names, or when a pin has
no hash.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)(.*?)(?=^\S|\Z)", re.M | re.S)
DIRECT = "ouderbrug (pyproject.toml)"


def project() -> dict:  # type: ignore[type-arg]
    """pyproject.toml's [project] table."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]  # type: ignore[no-any-return]


def wanted(*, dev: bool) -> list[Requirement]:
    """What pyproject.toml asks for (with the dev extra for the dev lock)."""
    names = project()["dependencies"] + (project()["optional-dependencies"]["dev"] if dev else [])
    return [Requirement(line) for line in names]


def pins(name: str) -> dict[str, tuple[Version, str]]:
    """A lock's packages: canonical name -> (version, the rest of its entry: hashes, via)."""
    text = (ROOT / name).read_text()
    return {
        canonicalize_name(found[1]): (Version(found[2]), found[3]) for found in PIN.finditer(text)
    }


@pytest.mark.parametrize(
    ("lock", "dev"), [("requirements.lock", False), ("requirements-dev.lock", True)]
)
def test_the_lock_pins_what_pyproject_asks_for_with_hashes(lock: str, dev: bool) -> None:
    """Every dependency is pinned at a version its range allows, every pin carries hashes, and
    the lock's direct dependencies are exactly pyproject.toml's."""
    pinned = pins(lock)
    assert len(pinned) > 20, "the lock was not read"
    requirements = wanted(dev=dev)
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{lock} lacks {requirement}: run scripts/lock"
        version = pinned[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, pyproject.toml wants {requirement}: run scripts/lock"
        )
    for name, (version, rest) in pinned.items():
        assert "--hash=sha256:" in rest, f"{lock}: {name}=={version} has no hash"
    direct = {name for name, (_, rest) in pinned.items() if DIRECT in rest}
    assert direct == {canonicalize_name(r.name) for r in requirements}, "run scripts/lock"


def test_both_locks_install_the_same_versions() -> None:
    """What runs in production (requirements.lock) is what the tests ran on."""
    running, testing = pins("requirements.lock"), pins("requirements-dev.lock")
    assert set(running) <= set(testing)
    assert {n: v for n, (v, _) in running.items()} == {n: testing[n][0] for n in running}


def test_every_install_goes_through_a_lock_with_hashes() -> None:
    """scripts/_venv.sh (scripts/run, scripts/test, .ci/run) and the Dockerfile install the
    locks with --require-hashes, and the project itself without resolving anything else."""
    venv = (ROOT / "scripts" / "_venv.sh").read_text()
    assert "--require-hashes" in venv and "requirements-dev.lock" in venv
    assert all("--no-deps" in line for line in venv.splitlines() if "-e " in line)
    docker = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements.lock" in docker
    assert all(
        "--no-deps" in line
        for line in docker.splitlines()
        if "pip install" in line and "-r requirements" not in line
    )
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
