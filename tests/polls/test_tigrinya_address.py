"""Tigrinya poll texts address parents one way: politely (2nd person plural), as the invitations do."""

from __future__ import annotations

import re

import yaml

from bot.core.i18n import Catalogs
from bot.core.settings import project_root

ROOT = project_root()
# Informal singular 'you' (masculine): -ካ / -ኻ (your, you as object), ትደሊ, ትፈቱ, ትኽእል.
INFORMAL = re.compile(r"\w+[ካኻ](?!\w)|(?<!\w)(?:ትደሊ|ትፈቱ|ትኽእል|ትመጽእ)(?!\w)")
PARENT_KEYS = [
    "poll.invite", "poll.reminder", "poll.start_button", "poll.multiple_hint", "poll.skip_button",
    "poll.stop_button", "poll.write_other", "poll.text_cut", "poll.thanks", "poll.stopped",
    "poll.already_answered", "poll.type_it",
]  # fmt: skip


def tigrinya_in(node: object) -> list[str]:
    """Every `ti:` text in a parsed flow file."""
    if isinstance(node, dict):
        found = [str(node["ti"])] if isinstance(node.get("ti"), str) else []
        return found + [t for value in node.values() for t in tigrinya_in(value)]
    if isinstance(node, list):
        return [t for value in node for t in tigrinya_in(value)]
    return []


def test_poll_flows_and_poll_messages_speak_to_parents_politely() -> None:
    """No informal 'you' in the shipped polls or in what a parent reads while answering one."""
    texts = [
        text
        for path in sorted((ROOT / "flows").rglob("*.yaml"))
        for text in tigrinya_in(yaml.safe_load(path.read_text(encoding="utf-8")))
    ]
    assert len(texts) > 40
    catalogs = Catalogs.load(ROOT / "locales")
    for key in PARENT_KEYS:
        texts += catalogs.plurals["ti"].get(key) or [catalogs.messages["ti"][key]]
    informal = [(t, INFORMAL.findall(t)) for t in texts if INFORMAL.search(t)]
    assert not informal, informal
    assert any("ኩም" in t for t in texts)  # the polite forms are there
