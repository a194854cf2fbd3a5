"""Announcements: compose, preview, send (outbox and sender), edit, withdraw, schedule, questions."""
