"""Point argostranslate at Ouderbrug's data folder before it is imported.

argostranslate reads its settings once, at import, from the environment; importing it also creates
its data, config and cache folders. We set every one of them under the data folder first, so
nothing is written into the user's home directory, and re-point an already imported copy
(tests use several data folders in one process).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)


def argos_dirs(data_dir: Path) -> dict[str, Path]:
    """Where argostranslate keeps packages, index, config and cache under our data folder."""
    base = data_dir.resolve()
    return {
        "ARGOS_PACKAGES_DIR": base / "models" / "packages",
        "XDG_DATA_HOME": base / "models" / "argos-data",
        "XDG_CONFIG_HOME": base / "models" / "argos-config",
        "XDG_CACHE_HOME": base / "models" / "argos-cache",
    }


def configure_argos_environment(data_dir: Path, threads: int = 1) -> None:
    """Set argostranslate's environment (folders, CPU, threads) and re-point it if imported."""
    dirs = argos_dirs(data_dir)
    for key, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        os.environ[key] = str(path)
    os.environ["ARGOS_DEVICE_TYPE"] = "cpu"
    os.environ["ARGOS_INTER_THREADS"] = "1"
    os.environ["ARGOS_INTRA_THREADS"] = str(max(1, threads))
    if "argostranslate.settings" in sys.modules:
        _repoint(sys.modules["argostranslate.settings"], dirs)


def _repoint(settings: Any, dirs: dict[str, Path]) -> None:
    """Move an already imported argostranslate to other folders and forget loaded models."""
    packages = dirs["ARGOS_PACKAGES_DIR"]
    data = dirs["XDG_DATA_HOME"] / "argos-translate"
    cache = dirs["XDG_CACHE_HOME"] / "argos-translate"
    data.mkdir(parents=True, exist_ok=True)
    (cache / "downloads").mkdir(parents=True, exist_ok=True)
    settings.package_data_dir = packages
    settings.package_dirs = [packages]
    settings.data_dir = data
    settings.cache_dir = cache
    settings.downloads_dir = cache / "downloads"
    settings.local_package_index = data / "index.json"
    forget_loaded_models()


def forget_loaded_models() -> None:
    """Drop argostranslate's in-process caches (after installing or removing packages)."""
    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:
        translate.installed_translates.clear()
        translate.get_installed_languages.cache_clear()


def import_argos() -> tuple[ModuleType, ModuleType]:
    """argostranslate's `package` and `settings` modules (import them only after configuring)."""
    if "ARGOS_PACKAGES_DIR" not in os.environ:
        raise RuntimeError("configure_argos_environment() must run before argostranslate is used")
    from argostranslate import package, settings

    return package, settings
