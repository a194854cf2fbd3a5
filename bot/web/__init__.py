"""The school's web side: webhook, health, metrics and the coordinator dashboard."""
