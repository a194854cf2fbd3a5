"""The Telegram side shared by every capability: context, middleware, pacing, HTTP, menus, errors."""
