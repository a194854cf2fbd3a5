"""Dashboard cookies: trusted only as signed with the dedicated key; CSRF tokens per session."""

from __future__ import annotations

from bot.dashboard import auth

KEY = auth.cookie_key(b"s" * 32)


def test_a_changed_or_foreign_cookie_is_refused() -> None:
    """Another school, another session id, another server's key or a broken signature: refused."""
    session = auth.WebSession(school_id=1, member_id=7, sid="a" * 43)
    value = auth.cookie_value(session, KEY)
    assert auth.read_cookie(value, KEY) == (1, "a" * 43)
    assert auth.cookie_school(value) == 1
    school, sid, signature = value.split(".")
    for forged in (
        f"2.{sid}.{signature}",
        f"{school}.{'b' * 43}.{signature}",
        f"{school}.{sid}.{'0' * 64}",
        f"{school}.{sid}.é",
        f"³.{sid}.{signature}",
        f"{school}.{sid}.{signature}.x",
        "garbage",
        "",
    ):
        assert auth.read_cookie(forged, KEY) is None, forged
    assert auth.read_cookie(value, auth.cookie_key(b"t" * 32)) is None


def test_csrf_tokens_belong_to_one_session() -> None:
    """A session's own token passes; another session's, an empty or a non-ASCII one does not."""
    mine = auth.WebSession(school_id=1, member_id=7, sid="a" * 43)
    theirs = auth.WebSession(school_id=1, member_id=7, sid="b" * 43)
    assert auth.csrf_ok(mine, KEY, auth.csrf_token(mine, KEY))
    for given in (auth.csrf_token(theirs, KEY), "", None, "ü" * 64):
        assert not auth.csrf_ok(mine, KEY, given)
