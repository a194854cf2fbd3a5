"""Installing voices: from Piper's index over HTTP (a local server here), from a folder offline,
with each voice's licence shown; `ouderbrug voices list` says per language what reads it aloud."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import cli
from bot.speech import Speaker
from bot.speech.manage import install_from_dir, install_from_index, installed, remove_voice
from tests.helpers.piper_voice import write_tiny_voice

NAME = "nl_BE-nathalie-medium"  # published under this name; here our tiny voice stands in


@pytest.fixture
def piper_site(tmp_path: Path) -> Iterator[str]:
    """A local copy of huggingface.co/rhasspy/piper-voices/resolve/main/: voices.json + files."""
    root = tmp_path / "site"
    voice_dir = root / "nl" / "nl_BE" / "nathalie" / "medium"
    write_tiny_voice(voice_dir, NAME, licence="CC-BY-4.0")
    files = {
        f"nl/nl_BE/nathalie/medium/{p.name}": {
            "size_bytes": p.stat().st_size,
            "md5_digest": hashlib.md5(p.read_bytes()).hexdigest(),
        }
        for p in voice_dir.iterdir()
    }
    entry = {"key": NAME, "name": "nathalie", "quality": "medium", "num_speakers": 1,
             "language": {"code": "nl_BE", "family": "nl", "region": "BE"}, "files": files}  # fmt: skip
    (root / "voices.json").write_text(json.dumps({NAME: entry}))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    thread.join()


def test_install_dutch_from_pipers_index_with_progress_and_licence(
    tmp_path: Path, piper_site: str
) -> None:
    seen: list[tuple[str, int, int]] = []
    folder = tmp_path / "voices"
    done, errors = install_from_index(
        folder, ["nl", "bg", "so"], lambda *p: seen.append(p), index_url=piper_site + "voices.json",
        files_url=piper_site,
    )  # fmt: skip
    assert done == [f"{NAME} (nl), licence: CC-BY-4.0"]
    assert errors == [
        "bg: no Piper voice; espeak-ng speaks it (robotic)",
        "so: no Piper voice and no espeak-ng voice: not read aloud",
    ]
    assert {label for label, _, _ in seen} == {f"{NAME}.onnx", f"{NAME}.onnx.json", "MODEL_CARD"}
    assert [(v.name, v.language, v.licence) for v in installed(folder)] == [
        (NAME, "nl", "CC-BY-4.0")
    ]
    speaker = Speaker(voices_dir=folder, espeak="off")
    speaker.reload()
    assert speaker.voice_for("nl") == f"piper:{NAME}"


def test_an_unreachable_index_says_how_to_install_offline(tmp_path: Path) -> None:
    done, errors = install_from_index(
        tmp_path / "voices", ["nl"], lambda *p: None, index_url="http://127.0.0.1:9/voices.json"
    )
    assert done == [] and "ouderbrug voices install --from DIR" in errors[0]


def test_install_from_a_folder_refuses_a_broken_voice_and_keeps_the_rest(tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    write_tiny_voice(usb / "tr_TR-tiny-x_low", "tr_TR-tiny-x_low", language="tr", region="TR")
    (usb / "broken.onnx").write_bytes(b"not a model")
    (usb / "broken.onnx.json").write_text(json.dumps({"nope": 1}))
    (usb / "lonely.onnx").write_bytes(b"no config beside it")
    folder = tmp_path / "voices"
    done, errors = install_from_dir(folder, usb)
    assert done == ["tr_TR-tiny-x_low (tr), licence: CC0-1.0"]
    assert any(e.startswith("broken.onnx.json: not a Piper voice config") for e in errors)
    assert any(e.startswith("lonely.onnx: lonely.onnx.json missing") for e in errors)
    assert [v.name for v in installed(folder)] == ["tr_TR-tiny-x_low"]
    assert remove_voice(folder, "tr_TR-tiny-x_low") and installed(folder) == []
    assert not remove_voice(folder, "tr_TR-tiny-x_low")


def test_the_voices_command_lists_every_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "usb"
    write_tiny_voice(usb, "ar_JO-tiny-x_low", language="ar", espeak_voice="ar", region="JO")
    monkeypatch.setenv("OUDERBRUG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OUDERBRUG_ESPEAK", "off")
    monkeypatch.chdir(tmp_path)  # no .env from the project
    assert cli.main(["voices", "install", "--from", str(usb)]) == 0
    assert "installed ar_JO-tiny-x_low (ar), licence: CC0-1.0" in capsys.readouterr().out
    assert cli.main(["voices", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    arabic = next(line for line in lines if line.startswith("ar "))
    assert "piper:ar_JO-tiny-x_low" in arabic and "CC0-1.0" in arabic
    for language in ("nl", "bg", "so", "ti", "ps"):  # espeak-ng off: nothing else speaks
        row = next(line for line in lines if line.startswith(f"{language} "))
        assert "not read aloud" in row
    assert cli.main(["voices", "remove", "ar_JO-tiny-x_low"]) == 0
