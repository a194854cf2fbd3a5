"""Parents and the school team write to each other: inbox, answers, buddies, retention."""
