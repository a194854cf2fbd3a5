"""`ouderbrug models`: installing direct and many-to-many models from a folder, the licence
opt-in, the routes per language both ways with their licences, and pinning a route."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.translation.ct2_engine import source_tokens
from bot.translation.ct2_models import ModelFolderError, read_model
from bot.translation.manage import install_from_dir
from tests.helpers.argos_model import build_direct_model, ct2_model_folders

__all__ = ["ct2_model_folders"]  # the fixture ct2_folders


def line_of(out: str, lang: str) -> str:
    """The routes line of one language in `models list`."""
    return next(line for line in out.splitlines() if line.startswith(f"  {lang} "))


def test_the_school_installs_models_and_reads_the_routes(
    tmp_path: Path,
    model_files: Path,
    ct2_folders: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The argostranslate models, then a USB stick with a direct nl>tr model and NLLB: NLLB is
    refused until the licence is accepted; `models list` then names per language the route both
    ways, the model and its licence; a pin changes Turkish back to the pivot through English."""
    monkeypatch.setenv("OUDERBRUG_DATA_DIR", str(tmp_path / "data"))
    usb = tmp_path / "usb"
    shutil.copytree(ct2_folders["direct"], usb)
    shutil.copytree(ct2_folders["many"], usb, dirs_exist_ok=True)
    assert cli.main(["models", "install", "--from", str(model_files)]) == 0
    capsys.readouterr()

    assert cli.main(["models", "install", "--from", str(usb)]) == 1
    out, err = capsys.readouterr()
    assert "installed direct opus-mt-nl-tr (nl>tr; licence APACHE-2.0)" in out
    assert "nllb-200-tiny: its licence is CC-BY-NC-4.0 (non-commercial use only)" in err
    assert "--accept-licence cc-by-nc-4.0" in err
    assert cli.main(["models", "list"]) == 0
    assert "nl>so none" in line_of(capsys.readouterr().out, "so")

    command = ["models", "install", "--from", str(usb), "--accept-licence", "cc-by-nc-4.0"]
    assert cli.main(command) == 0
    assert "installed many-to-many nllb-200-tiny (en, nl, ps, so, ti" in capsys.readouterr().out
    assert cli.main(["models", "list"]) == 0
    out = capsys.readouterr().out
    so, ti, tr, ar, fa = (line_of(out, lang) for lang in ("so", "ti", "tr", "ar", "fa"))
    non_commercial = "(CC-BY-NC-4.0, non-commercial: accepted at install)"
    assert f"nl>so many-to-many: nllb-200-tiny nl>so {non_commercial}" in so
    assert f"so>nl many-to-many: nllb-200-tiny so>nl {non_commercial}" in so
    assert "nl>ti many-to-many: nllb-200-tiny" in ti
    assert "nl>tr direct: opus-mt-nl-tr nl>tr (APACHE-2.0)" in tr
    assert "tr>nl pivot through en: argostranslate tr>en>nl" in tr  # no direct tr>nl model
    assert "nl>ar pivot through en: argostranslate nl>en>ar" in ar
    assert fa.endswith("nl>fa none   |   fa>nl none")
    assert "  argostranslate en > ar" in out and "licence CC-BY-NC-4.0" in out

    assert cli.main(["models", "route", "tr", "pivot"]) == 0
    assert cli.main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "nl>tr pivot through en: argostranslate nl>en>tr" in line_of(out, "tr")
    assert "Pinned routes" in out and "tr: pivot" in out
    assert cli.main(["models", "route", "tr", "auto"]) == 0
    assert cli.main(["models", "list"]) == 0
    assert "nl>tr direct: opus-mt-nl-tr" in line_of(capsys.readouterr().out, "tr")


def test_a_broken_model_folder_is_refused_and_the_installed_one_stays(
    tmp_path: Path, ct2_folders: dict[str, Path]
) -> None:
    """A folder without model.bin, a metadata.json without a licence: clear errors; the model
    installed before keeps working."""
    data = tmp_path / "data"
    assert install_from_dir(data, ct2_folders["direct"])[1] == []
    broken = tmp_path / "broken"
    shutil.copytree(ct2_folders["direct"], broken)
    (broken / "opus-mt-nl-tr" / "model.bin").unlink()
    done, errors = install_from_dir(data, broken)
    assert done == [] and errors == ["opus-mt-nl-tr: missing model.bin"]
    meta = broken / "opus-mt-nl-tr" / "metadata.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "licence": ""}))
    with pytest.raises(ModelFolderError, match="must name the model's licence"):
        read_model(broken / "opus-mt-nl-tr")
    installed = read_model(data.resolve() / "models" / "ct2" / "opus-mt-nl-tr")
    assert installed.pairs == {("nl", "tr")}


def test_a_multi_target_opus_model_puts_the_target_token_in_front(tmp_path: Path) -> None:
    """opus-mt-en-cus style: several targets, each with its token (>>som<<, >>tir<<) before the
    source sentence; without a token per target the folder is refused."""
    folder = build_direct_model(tmp_path, "en", "so")
    meta = json.loads((folder / "metadata.json").read_text())
    meta.update(name="opus-mt-en-cus", targets=["so", "ti"])
    (folder / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFolderError, match="target token each"):
        read_model(folder)
    meta["target_tokens"] = {"so": ">>som<<", "ti": ">>tir<<"}
    (folder / "metadata.json").write_text(json.dumps(meta))
    model = read_model(folder)
    assert model.pairs == {("en", "so"), ("en", "ti")}
    assert source_tokens(model, ["▁Hello"], "en", "ti") == [">>tir<<", "▁Hello"]
