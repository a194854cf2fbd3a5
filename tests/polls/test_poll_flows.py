"""The poll flows shipped in flows/ load; a flow file with a mistake gets a clear error."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.i18n import Catalogs
from bot.core.settings import project_root
from bot.polls.flows import FlowError, load_flow, load_flows, parse_flow

LANGUAGES = Catalogs.load(project_root() / "locales").languages


def test_shipped_flows_load_in_every_language() -> None:
    """Barriers, how-to-hear and informal-moments polls (3-6 questions), the one-question
    thank-you after a meeting, every UI language."""
    flows = load_flows(project_root() / "flows", languages=LANGUAGES)
    assert {"barriers", "hear", "moments", "thanks"} <= set(flows)
    assert flows["thanks"].audience == "event" and len(flows["thanks"].questions) == 1
    assert len(LANGUAGES) == 15
    barriers = flows["barriers"]
    assert [o.id for o in barriers.questions[0].options][-1] == "nothing"
    for flow in flows.values():
        assert 3 <= len(flow.questions) <= 6 or flow.audience == "event"
        for q in flow.questions:
            assert all(o.emoji for o in q.options)
            assert set(LANGUAGES) <= set(q.text)


def _good() -> dict[str, Any]:
    raw = yaml.safe_load((project_root() / "flows" / "barriers.yaml").read_text("utf-8"))
    return copy.deepcopy(raw)


def test_missing_translation_is_named() -> None:
    raw = _good()
    del raw["questions"][1]["options"][2]["text"]["ti"]
    with pytest.raises(
        FlowError, match=r"question 2 \(often\) option 3 \(rarely\): missing translation for ti"
    ):
        parse_flow(raw, source="x.yaml", languages=LANGUAGES)


def test_duplicate_ids_are_named() -> None:
    raw = _good()
    raw["questions"][0]["options"][1]["id"] = "language"
    with pytest.raises(FlowError, match="duplicate id 'language'"):
        parse_flow(raw, source="x.yaml", languages=LANGUAGES)
    raw = _good()
    raw["questions"][2]["id"] = "hard"
    with pytest.raises(FlowError, match=r"x\.yaml: duplicate id 'hard'"):
        parse_flow(raw, source="x.yaml", languages=LANGUAGES)


def test_too_many_options_and_long_button_data() -> None:
    raw = _good()
    options = raw["questions"][0]["options"]
    raw["questions"][0]["options"] = options + [dict(options[0], id=f"x{n}") for n in range(5)]
    with pytest.raises(FlowError, match="14 options is too many for a keyboard"):
        parse_flow(raw, source="x.yaml", languages=LANGUAGES)
    raw = _good()
    raw["questions"][0]["id"] = "q" * 30
    raw["questions"][0]["options"][0]["id"] = "o" * 30
    with pytest.raises(FlowError, match="over 64 bytes"):
        parse_flow(raw, source="x.yaml", languages=LANGUAGES)


def test_other_mistakes(tmp_path: Path) -> None:
    raw = _good()
    raw["questions"][0]["kind"] = "ranking"
    with pytest.raises(FlowError, match="kind must be single or multiple"):
        parse_flow(raw, source="x.yaml", languages=LANGUAGES)
    raw = _good()
    raw["questions"] = raw["questions"] * 3
    with pytest.raises(FlowError, match="9 questions; a poll has 1 to 6"):
        parse_flow(raw, source="x.yaml", languages=LANGUAGES)
    raw = _good()
    raw["questions"][0]["options"][0]["id"] = "Bad Id:"
    with pytest.raises(FlowError, match="must be 1-32 of a-z"):
        parse_flow(raw, source="x.yaml", languages=LANGUAGES)
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(FlowError, match=r"broken\.yaml: not valid YAML"):
        load_flow(broken, languages=LANGUAGES)
    (tmp_path / "broken.yaml").unlink()
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(yaml.safe_dump(_good(), allow_unicode=True), "utf-8")
    with pytest.raises(FlowError, match=r"b\.yaml: duplicate flow id 'barriers'"):
        load_flows(tmp_path, languages=LANGUAGES)


def test_the_bot_does_not_start_with_a_broken_flow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ouderbrug run` names the file and the mistake, in one sentence, before connecting."""
    from bot import cli

    raw = _good()
    del raw["title"]["so"]
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "mine.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456789:TEST-token-for-ouderbrug-tests")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OUDERBRUG_FLOWS_DIR", str(tmp_path / "flows"))
    monkeypatch.setenv("OUDERBRUG_LOCALES_DIR", str(project_root() / "locales"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err
    assert "mine.yaml title: missing translation for so" in err


def test_cli_checks_the_flows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A school copies a poll, edits it and checks it with `ouderbrug flows check`."""
    from bot import cli

    folder = tmp_path / "flows"
    folder.mkdir()
    raw = _good()
    raw["id"] = "barriers-2027"
    (folder / "copy.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OUDERBRUG_FLOWS_DIR", str(folder))
    monkeypatch.setenv("OUDERBRUG_LOCALES_DIR", str(project_root() / "locales"))
    assert cli.main(["flows", "check"]) == 0
    assert "barriers-2027\t3 questions\t🚧 Naar school komen" in capsys.readouterr().out
    raw["questions"][0]["options"] += [raw["questions"][0]["options"][0]] * 2
    (folder / "copy.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    assert cli.main(["flows", "check"]) == 1
    assert "11 options is too many" in capsys.readouterr().out
