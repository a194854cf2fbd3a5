"""Story helpers for polls (shared with the demo: bot/demo/polls.py)."""

from bot.demo.polls import Pick, answer, has_data, invitation, launch

__all__ = ["Pick", "answer", "has_data", "invitation", "launch"]
