"""Stories of families: the roster, letters, approvals, reach, and writing to one family."""
