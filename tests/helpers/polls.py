"""Story helpers for polls (shared with the demo: bot/demo/polls.py)."""

from bot.demo.polls import Pick, adapt, answer, has_data, invitation, launch, type_text

__all__ = ["Pick", "adapt", "answer", "has_data", "invitation", "launch", "type_text"]
