"""The demo a newcomer runs, and the operator's command line."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.core.i18n import Catalogs
from bot.core.settings import project_root
from bot.demo import FAMILIES, run_demo


async def test_the_demo_shows_parents_joining_in_their_languages() -> None:
    """The demo's transcript shows the welcome in at least five languages and the team joining."""
    out = io.StringIO()
    assert await run_demo(parents=20, out=out) == 0
    transcript = out.getvalue()
    for native in ("العربية", "Türkçe", "Polski", "Română", "Українська"):
        assert native in transcript
    catalogs = Catalogs.load(project_root() / "locales")
    for name, lang, _class, _second in FAMILIES:
        first_line = catalogs.t(lang, "start.welcome", name=name).splitlines()[0]
        assert first_line in transcript, (lang, first_line)
    assert "Juf Lies" in transcript and "Meester Karim" in transcript
    assert "20 parents joined" in transcript
    # Families (bot/demo/families.py): the roster imported (the birth date column read past), the
    # letters of 1A's families not reached yet, a letter join, a class-link join approved, reach.
    assert "<document leerlingen.csv> /import" in transcript
    assert "Geboortedatum" in transcript  # named in the report as not stored
    assert "<document letters-" in transcript and ".pdf" in transcript
    assert catalogs.t("nl", "families.joined", children="Lotte P. (1A)") in transcript
    assert f"[Juf Lies presses [ {catalogs.t('nl', 'approval.approve')} ]]" in transcript
    assert catalogs.t("nl", "reach.title_school") in transcript
    # Routines (bot/demo/routines.py): a parent's absence note, a teacher's mark, a form.
    assert catalogs.t("nl", "absence.reason_sick") in transcript
    assert catalogs.t("ar", "absence.question", child="Adam") in transcript
    assert "✅ Lotte P. (1A)" in transcript
    # Meeting slots (bot/demo/meetings.py): Lotte's mother books, Adam's father books in Arabic and
    # asks for an interpreter, Juf Lies opens her schedule.
    assert catalogs.t("ar", "meet.interpreter_asked") in transcript
    assert "16:15 Adam B. (1A) 🗣 Arabisch" in transcript
    # Pictograms (bot/demo/pictograms.py): Juf Lies taps 🏊 and 🎒; parents get one picture.
    assert f"[Juf Lies presses [ 🎒 {catalogs.t('nl', 'pictograms.bring')} ]]" in transcript
    assert "<photo" in transcript.split(catalogs.t("nl", "pictograms.bring"))[-1]


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI in a fresh folder with its own SQLite database."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith(("TELEGRAM_", "OUDERBRUG_", "DATABASE_URL")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("OUDERBRUG_BOT_USERNAME", "school_bot")
    monkeypatch.setenv(
        "OUDERBRUG_LOCALES_DIR", str(Path(__file__).resolve().parents[1] / "locales")
    )
    return tmp_path


def test_cli_manages_classes_and_invites(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """db upgrade, class create/list/rename/archive/flyer and invite work from the shell."""
    assert cli.main(["db", "upgrade"]) == 0
    assert (cli_env / "data" / "ouderbrug.db").exists()
    assert cli.main(["class", "create", "1A"]) == 0
    assert "1A: https://t.me/school_bot?start=c" in capsys.readouterr().out
    assert cli.main(["class", "rename", "1A", "1B"]) == 0
    assert cli.main(["class", "list"]) == 0
    listed = capsys.readouterr().out
    assert "1B\t0 parents\t0 teachers\thttps://t.me/school_bot?start=c" in listed
    assert cli.main(["class", "flyer", "1B", "--out", str(cli_env / "print")]) == 0
    assert (cli_env / "print" / "flyer-1B.pdf").read_bytes().startswith(b"%PDF")
    assert cli.main(["invite", "--role", "teacher", "--class", "1B"]) == 0
    assert "https://t.me/school_bot?start=i" in capsys.readouterr().out
    assert cli.main(["invite", "--role", "teacher", "--class", "9Z"]) == 1
    assert cli.main(["class", "archive", "1B"]) == 0
    assert cli.main(["class", "archive", "1B"]) == 1


async def test_the_demo_translates_when_models_are_installed(
    tmp_path: Path, model_files: Path
) -> None:
    """With models in the data folder, parents read the announcement translated and one opens the original."""
    from bot.translation.manage import install_from_dir

    install_from_dir(tmp_path, model_files)
    out = io.StringIO()
    assert await run_demo(parents=8, out=out, models_dir=tmp_path) == 0
    transcript = out.getvalue()
    assert "[en>ar]" in transcript and "[en>tr]" in transcript
    catalogs = Catalogs.load(project_root() / "locales")
    assert f"[Amina presses [ {catalogs.t('ar', 'announce.button_original')} ]]" in transcript
    assert "nl: [en>nl]" in transcript
    # Read-aloud (bot/demo/read_aloud.py): Adam's father asks for it; with espeak-ng's Arabic
    # voice his copy is followed by a voice message, without it the bot says there is none yet.
    if shutil.which("espeak-ng"):
        assert "[bot → Rachid] <voice" in transcript
    else:
        arabic = catalogs.language_name("ar", "ar")
        no_voice = catalogs.t("ar", "read_aloud.on_no_voice", language=arabic)
        assert no_voice[:20] in transcript and "[bot → Rachid] <voice" not in transcript
