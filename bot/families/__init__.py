"""Families: the roster, guardians, personal letters, class-link approval, reach."""
