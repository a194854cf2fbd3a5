"""`ouderbrug models install whisper-small` (from Hugging Face, here a local HTTP server laid out
like it) and `--from DIR` (offline): the model lands where the bot reads it and transcribes."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot import cli
from bot.transcription import Transcriber, installed_models
from bot.transcription import manage as whisper
from tests.helpers.whisper_model import real_voice


@pytest.fixture
def hugging_face(tmp_path: Path, whisper_files: Path) -> Iterator[Path]:
    """A local server with `/Systran/faster-whisper-small/resolve/main/<file>`; yields its root."""
    root = tmp_path / "hf"
    repo = root / "Systran" / "faster-whisper-small" / "resolve" / "main"
    shutil.copytree(whisper_files / "faster-whisper-tiny", repo)
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    url = f"http://127.0.0.1:{port}/Systran/faster-whisper-{{size}}/resolve/main/{{file}}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(whisper, "HF", url)
        yield repo
    server.shutdown()


def test_whisper_small_downloads_and_transcribes(
    tmp_path: Path,
    hugging_face: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The administrator installs whisper-small: its licence is shown, the files land in
    data/whisper/whisper-small, `models list` names it, and it transcribes."""
    monkeypatch.setenv("OUDERBRUG_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["models", "list"]) == 0
    assert "no Whisper model installed" in capsys.readouterr().out
    assert cli.main(["models", "install", "whisper-small"]) == 0
    out = capsys.readouterr().out
    assert "whisper-small: licence MIT" in out and "installed whisper-small" in out
    assert installed_models(tmp_path / "data") == ["whisper-small"]
    assert cli.main(["models", "list"]) == 0
    assert (
        "Voice notes: whisper-small (whisper-small in use), licence MIT" in capsys.readouterr().out
    )
    heard = asyncio.run(
        Transcriber(tmp_path / "data").transcribe(b"OggS" + bytes(100), language="tr")
    )
    assert heard is None  # not audio at all: nothing, and no exception
    heard = asyncio.run(Transcriber(tmp_path / "data").transcribe(real_voice(), language="tr"))
    assert heard is not None and (heard.text, heard.language) == ("merhaba dünya", "tr")


def test_a_failed_download_installs_nothing(
    tmp_path: Path, hugging_face: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """model.bin is missing on the server: the command fails and no half model is left behind."""
    monkeypatch.setenv("OUDERBRUG_DATA_DIR", str(tmp_path / "data"))
    (hugging_face / "model.bin").unlink()
    assert cli.main(["models", "install", "whisper-small"]) == 1
    assert installed_models(tmp_path / "data") == []
    assert not Transcriber(tmp_path / "data").can_transcribe()


def test_offline_install_from_a_folder(
    tmp_path: Path, whisper_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A USB stick with faster-whisper-tiny/: `--from` installs it as whisper-tiny."""
    monkeypatch.setenv("OUDERBRUG_DATA_DIR", str(tmp_path / "data"))
    assert cli.main(["models", "install", "--from", str(whisper_files)]) == 0
    assert installed_models(tmp_path / "data") == ["whisper-tiny"]
    assert Transcriber(tmp_path / "data").can_transcribe()
