"""A tiny real Whisper model (tests/helpers/whisper_model.py), built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.whisper_model import build_whisper_model


@pytest.fixture(scope="session")
def whisper_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as an offline school copies over: `faster-whisper-tiny/` with the model inside."""
    folder = tmp_path_factory.mktemp("whisper")
    build_whisper_model(folder / "faster-whisper-tiny")
    return folder
