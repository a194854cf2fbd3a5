"""The school team and settings: staff invites, quiet hours, thresholds."""
