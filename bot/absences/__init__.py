"""Absence notes: a guardian reports, the class teacher and the office hear of it, in Dutch."""
