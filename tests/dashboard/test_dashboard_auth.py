"""Dashboard sessions: a cookie is trusted only as signed, only until it expires."""

from __future__ import annotations

from datetime import timedelta

from bot.dashboard import auth
from tests.conftest import START

KEY = auth.session_key(b"s" * 32)


def test_a_changed_expired_or_foreign_cookie_is_refused() -> None:
    """Another member id, a later expiry, another server's key or an old cookie: no session."""
    session = auth.new_session(school_id=1, member_id=7, now=START)
    value = auth.cookie_value(session, KEY)
    assert auth.read_cookie(value, KEY, now=START) == session
    assert auth.cookie_school(value) == 1
    school, member, expires, nonce, signature = value.split(".")
    for forged in (
        f"{school}.8.{expires}.{nonce}.{signature}",
        f"2.{member}.{expires}.{nonce}.{signature}",
        f"{school}.{member}.{int(expires) + 3600}.{nonce}.{signature}",
        f"{school}.{member}.{expires}.{nonce}.{'0' * 64}",
        f"{school}.{member}.{expires}.{nonce}.é",
        "garbage",
    ):
        assert auth.read_cookie(forged, KEY, now=START) is None, forged
    other = auth.session_key(b"t" * 32)
    assert auth.read_cookie(value, other, now=START) is None
    assert auth.read_cookie(value, KEY, now=START + auth.SESSION_LIFETIME) is None
    assert auth.read_cookie(value, KEY, now=START + timedelta(hours=7)) is not None


def test_csrf_tokens_belong_to_one_session() -> None:
    """A session's own token passes; another session's, an empty or a non-ASCII one does not."""
    mine = auth.new_session(school_id=1, member_id=7, now=START)
    theirs = auth.new_session(school_id=1, member_id=7, now=START)
    assert auth.csrf_ok(mine, KEY, auth.csrf_token(mine, KEY))
    for given in (auth.csrf_token(theirs, KEY), "", None, "ü" * 64):
        assert not auth.csrf_ok(mine, KEY, given)
