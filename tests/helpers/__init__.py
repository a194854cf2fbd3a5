"""Test helpers: people of a simulated school and what they do."""
