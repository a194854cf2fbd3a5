"""The demo with a direct and a many-to-many model installed: Meester Karim's preview names the
route per language (bot/demo/engines.py), and the Somali and Tigrinya mothers read Somali and
Tigrinya."""

from __future__ import annotations

import io
from pathlib import Path

from bot.core.i18n import Catalogs
from bot.core.settings import project_root
from bot.demo import run_demo
from bot.translation.manage import install_from_dir
from tests.helpers.argos_model import ct2_model_folders, many_marker

__all__ = ["ct2_model_folders"]  # the fixture ct2_folders


async def test_the_demo_shows_the_route_per_language(
    tmp_path: Path, model_files: Path, ct2_folders: dict[str, Path]
) -> None:
    """argostranslate, a direct nl>tr model and the many-to-many model (licence accepted)."""
    for folder in (model_files, ct2_folders["direct"], ct2_folders["many"]):
        assert install_from_dir(tmp_path, folder, ["cc-by-nc-4.0"])[1] == []
    out = io.StringIO()
    assert await run_demo(parents=8, out=out, models_dir=tmp_path) == 0
    transcript = " ".join(out.getvalue().split())  # the transcript wraps long lines
    t = Catalogs.load(project_root() / "locales").t
    routes = "; ".join(
        [
            t("nl", "status.route_pivot", language="Oekraïens", model="argostranslate"),
            t("nl", "status.route_many", language="Somalisch", model="nllb-200-tiny"),
            t("nl", "status.route_many", language="Tigrinya", model="nllb-200-tiny"),
        ]
    )
    assert " ".join(t("nl", "status.routes", routes=routes).split()) in transcript
    assert "[Meester Karim → bot] Beste ouders, volgende week dinsdag" in transcript
    assert many_marker("so") in transcript and many_marker("ti") in transcript
    assert "[opus-mt:nl>tr]" in transcript  # Mehmet reads the direct model's Turkish
