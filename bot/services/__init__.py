"""Plain, typed service functions: the logic behind the handlers, callable from tests and CLI."""
