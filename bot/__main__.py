"""`python -m bot` is the `ouderbrug` command."""

from bot.cli import main

raise SystemExit(main())
