"""Joining: /start, the language picker, /language, /help; members and their lookups."""
