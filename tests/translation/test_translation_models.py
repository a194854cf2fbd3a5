"""Installing models: from a folder (offline schools) and from an Argos package index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from bot.translation.manage import (
    ModelFileError,
    check_model_file,
    install_from_dir,
    install_from_index,
    list_installed,
)


def test_a_corrupt_file_is_refused_and_the_others_still_install(
    tmp_path: Path, model_files: Path
) -> None:
    """A truncated archive, a zip without its folder: clear errors; good models install."""
    folder = tmp_path / "usb"
    folder.mkdir()
    for good in sorted(model_files.glob("*.argosmodel"))[:2]:
        (folder / good.name).write_bytes(good.read_bytes())
    (folder / "broken.argosmodel").write_bytes(b"PK\x03\x04 not really a zip")
    import zipfile

    with zipfile.ZipFile(folder / "flat.argosmodel", "w") as zf:
        zf.writestr("metadata.json", "{}")
    done, errors = install_from_dir(tmp_path / "data", folder)
    assert len(done) == 2
    assert any("broken.argosmodel" in e for e in errors) and any(
        "flat.argosmodel" in e for e in errors
    )
    assert len(list_installed(tmp_path / "data")) == 2
    with pytest.raises(ModelFileError):
        check_model_file(folder / "flat.argosmodel")


def test_install_from_an_index_with_progress(
    tmp_path: Path, model_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`models install ar` reads the index, downloads nl>en and en>ar with progress, installs both."""
    from bot.translation.environment import configure_argos_environment, import_argos

    index = [
        {"type": "translate", "from_code": s, "to_code": t, "from_name": s, "to_name": t, "package_version": "0.1",
         "argos_version": "1.9", "links": [(model_files / f"translate-{s}_{t}.argosmodel").as_uri()]}
        for s, t in [("nl", "en"), ("en", "ar"), ("en", "tr")]
    ]  # fmt: skip
    (tmp_path / "index.json").write_text(json.dumps(index))
    configure_argos_environment(tmp_path / "data")
    _package, settings = import_argos()
    monkeypatch.setattr(settings, "remote_package_index", (tmp_path / "index.json").as_uri())
    seen: list[tuple[str, int, int]] = []
    done, errors = install_from_index(tmp_path / "data", ["ar", "so"], lambda *p: seen.append(p))
    assert done == ["nl>en", "en>ar"]
    assert errors == ["so: no model offered in the index"]
    assert seen and seen[-1][1] == seen[-1][2] > 0


def test_offline_index_gives_a_clear_way_forward(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No internet: the error says how to install from a folder instead."""
    from bot.translation.environment import configure_argos_environment, import_argos

    configure_argos_environment(tmp_path / "data")
    _package, settings = import_argos()
    monkeypatch.setattr(settings, "remote_package_index", (tmp_path / "missing.json").as_uri())
    done, errors = install_from_index(tmp_path / "data", ["ar"], lambda *p: None)
    assert done == [] and "models install --from DIR" in errors[0]


def test_the_models_command(
    tmp_path: Path,
    model_files: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ouderbrug models install --from DIR` then `models list`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OUDERBRUG_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["models", "list"]) == 0
    assert "No translation models installed" in capsys.readouterr().out
    assert cli.main(["models", "install", "--from", str(model_files)]) == 0
    assert cli.main(["models", "list"]) == 0
    assert "en > ar" in capsys.readouterr().out


def test_argostranslate_never_writes_in_the_home_folder(tmp_path: Path, model_files: Path) -> None:
    """In a fresh process with HOME pointing at an empty folder, install and translate; HOME stays empty."""
    home = tmp_path / "home"
    home.mkdir()
    script = f"""
import asyncio
from pathlib import Path
from bot.translation import Translator
from bot.translation.manage import install_from_dir
data = Path({str(tmp_path / "data")!r})
print(install_from_dir(data, Path({str(model_files)!r})))
async def main():
    t = Translator(data_dir=data, glossary_dir=Path("locales/glossary"))
    await t.start()
    print((await t.translate("Hallo allemaal.", source="nl", target="ar")).text)
    await t.close()
asyncio.run(main())
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "XDG_"))}
    env["HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=Path(__file__).resolve().parents[2],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[en>ar]" in done.stdout
    assert list(home.rglob("*")) == []
