"""The coordinator dashboard: /dashboard login links, figures, and its web pages."""
