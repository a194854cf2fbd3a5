"""Read-aloud (issue 19): voice messages after the school's messages, for parents who ask."""
