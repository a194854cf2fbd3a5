"""The coordinator dashboard's access: one-time login links, signed session cookies, CSRF tokens.

A login link carries a random token; the database keeps only its SHA-256 with the school, the
member and an expiry (10 minutes), and the first use marks it used. Opening it gives a session
cookie `school.member.expiry.nonce.signature`, signed with HMAC-SHA256 under a key derived from the
server secret (bot/polls/anonymity.py), valid 8 hours. Each form carries a CSRF token derived
from the session's nonce; every check compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.limits import MAX_ROW_ID, whole_number
from bot.models import DashboardLogin, Member, Role

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=8)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_login(
    session: AsyncSession, *, school_id: int, member_id: int, now: datetime
) -> str:
    """A new one-time login token (shown once, stored only as a hash)."""
    token = secrets.token_urlsafe(32)
    session.add(
        DashboardLogin(
            school_id=school_id,
            member_id=member_id,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    await session.commit()
    return token


class LoginOutcome(StrEnum):
    """What opening a login link gave."""

    OK = "ok"
    EXPIRED = "expired"
    USED = "used"
    UNKNOWN = "unknown"
    NOT_COORDINATOR = "not_coordinator"


@dataclass(frozen=True)
class Redeemed:
    """The outcome of a login link, and whose link it was (for the language of the answer)."""

    outcome: LoginOutcome
    member: Member | None = None


async def redeem_login(session: AsyncSession, *, token: str, now: datetime) -> Redeemed:
    """Use a login token once: the first valid use wins, even with two at the same moment."""
    if not 20 <= len(token) <= 100:
        return Redeemed(LoginOutcome.UNKNOWN)
    found = (
        await session.exec(select(DashboardLogin).where(DashboardLogin.token_hash == _hash(token)))
    ).first()
    if found is None:
        return Redeemed(LoginOutcome.UNKNOWN)
    member = await session.get(Member, found.member_id)
    if found.used_at is not None:
        return Redeemed(LoginOutcome.USED, member)
    if found.expires_at <= now:
        return Redeemed(LoginOutcome.EXPIRED, member)
    claimed = await session.exec(
        update(DashboardLogin)
        .where(col(DashboardLogin.id) == found.id, col(DashboardLogin.used_at).is_(None))
        .values(used_at=now)
    )
    await session.commit()
    if claimed.rowcount != 1:
        return Redeemed(LoginOutcome.USED, member)
    if not is_coordinator(member, school_id=found.school_id):
        return Redeemed(LoginOutcome.NOT_COORDINATOR, member)
    return Redeemed(LoginOutcome.OK, member)


def is_coordinator(member: Member | None, *, school_id: int) -> bool:
    """Whether the member is (still) a coordinator of that school."""
    return member is not None and member.school_id == school_id and member.role == Role.COORDINATOR


def session_key(secret: bytes) -> bytes:
    """The key that signs dashboard cookies, derived from the server secret."""
    return hmac.new(secret, b"ouderbrug:dashboard-session", hashlib.sha256).digest()


@dataclass(frozen=True)
class WebSession:
    """A signed-in coordinator: their school and member id, until when, and the CSRF nonce."""

    school_id: int
    member_id: int
    expires: int  # Unix seconds
    nonce: str

    @property
    def payload(self) -> str:
        """The signed part of the cookie."""
        return f"{self.school_id}.{self.member_id}.{self.expires}.{self.nonce}"


def new_session(*, school_id: int, member_id: int, now: datetime) -> WebSession:
    """A session for a coordinator who just opened a valid link."""
    expires = int((now + SESSION_LIFETIME).timestamp())
    return WebSession(school_id, member_id, expires, secrets.token_urlsafe(16))


def _sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def cookie_value(web_session: WebSession, key: bytes) -> str:
    """The cookie: payload and its signature."""
    return f"{web_session.payload}.{_sign(key, web_session.payload)}"


def cookie_school(value: str) -> int | None:
    """The school a cookie claims (to pick the key that must have signed it), or None."""
    head = value.split(".", 1)[0]
    return whole_number(head, high=MAX_ROW_ID)


def read_cookie(value: str, key: bytes, *, now: datetime) -> WebSession | None:
    """The session in a cookie if its signature is right and it has not expired."""
    parts = value.split(".")
    if len(parts) != 5 or any(whole_number(p) is None for p in parts[:3]):
        return None
    payload, signature = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(_sign(key, payload).encode(), signature.encode()):
        return None
    found = WebSession(int(parts[0]), int(parts[1]), int(parts[2]), parts[3])
    return found if found.expires > now.timestamp() else None


def csrf_token(web_session: WebSession, key: bytes) -> str:
    """The CSRF token of a session's forms."""
    return _sign(key, f"csrf:{web_session.nonce}")


def csrf_ok(web_session: WebSession, key: bytes, given: str | None) -> bool:
    """Whether a form's CSRF token belongs to this session (constant-time)."""
    return hmac.compare_digest(csrf_token(web_session, key).encode(), (given or "").encode())
