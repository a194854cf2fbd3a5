"""The coordinator dashboard's access: one-time login links, server-side sessions, CSRF tokens.

A login link carries a random token; the database keeps only its SHA-256 with the school, the
member and an expiry (10 minutes), and the first use marks it used. A coordinator gets at most
LINKS_PER_HOUR links an hour. Opening a link starts a session: a row holding the SHA-256 of a
random id, the member, the school and an expiry (8 hours); the cookie `school.id.signature`
carries the id, signed with HMAC-SHA256 under the dedicated signing key (OUDERBRUG_SECRET_KEY or
`session.key` in the secrets folder, never the poll secret). Deleting the row ends the session at
once: logout, "log out everywhere", a coordinator who is demoted or removed, /forget
(`delete_sessions`). Each form carries a CSRF token derived from the session's id; every check
compares in constant time. Old login rows and expired sessions are purged (bot/dashboard/jobs.py).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, event, func, inspect, update
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.limits import MAX_ROW_ID, whole_number
from bot.core.settings import Settings, generated_secret, secret_file
from bot.models import DashboardLogin, DashboardSession, Member, Role

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=8)
LINKS_PER_HOUR = 5  # /dashboard answers with a link at most this often per coordinator
LOGIN_KEPT = timedelta(hours=1)  # login rows (used or not) are purged after this
KEY_FILE = "session.key"
MIN_KEY_BYTES = 32


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_login(
    session: AsyncSession, *, school_id: int, member_id: int, now: datetime
) -> str | None:
    """A new one-time login token (shown once, stored only as a hash); None when the member
    already had LINKS_PER_HOUR links in the last hour."""
    await purge(session, now=now)
    recent = await session.exec(
        select(func.count())
        .select_from(DashboardLogin)
        .where(DashboardLogin.member_id == member_id, DashboardLogin.created_at > now - LOGIN_KEPT)
    )
    if recent.one() >= LINKS_PER_HOUR:
        return None
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


async def login_school(session: AsyncSession, *, token: str) -> int | None:
    """The school a login token is for, without using it (which process should open it)."""
    if not 20 <= len(token) <= 100:
        return None
    found = await session.exec(
        select(DashboardLogin.school_id).where(DashboardLogin.token_hash == _hash(token))
    )
    return found.first()


async def redeem_login(session: AsyncSession, *, token: str, now: datetime) -> Redeemed:
    """Use a login token once: the first valid use wins, even with two at the same moment.

    `session` must see every school of its database (the token says which school it is for).
    """
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


@dataclass(frozen=True)
class WebSession:
    """A signed-in coordinator: their school and member id, and the session's random id."""

    school_id: int
    member_id: int
    sid: str  # only in the cookie; the database keeps its hash


async def start_session(
    session: AsyncSession, *, school_id: int, member_id: int, now: datetime
) -> WebSession:
    """A session for a coordinator who just opened a valid link."""
    sid = secrets.token_urlsafe(32)
    session.add(
        DashboardSession(
            school_id=school_id,
            member_id=member_id,
            id_hash=_hash(sid),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    await session.commit()
    return WebSession(school_id, member_id, sid)


async def find_session(
    session: AsyncSession, *, school_id: int, sid: str, now: datetime
) -> WebSession | None:
    """The session with this id if it still exists and has not expired."""
    row = (
        await session.exec(
            select(DashboardSession).where(
                DashboardSession.id_hash == _hash(sid), DashboardSession.school_id == school_id
            )
        )
    ).first()
    if row is None or row.expires_at <= now:
        return None
    return WebSession(row.school_id, row.member_id, sid)


async def end_session(session: AsyncSession, *, sid: str) -> None:
    """Log out: the session's row is deleted, so a copied cookie opens nothing any more."""
    await session.exec(delete(DashboardSession).where(col(DashboardSession.id_hash) == _hash(sid)))
    await session.commit()


async def delete_sessions(session: AsyncSession, *, member_id: int) -> int:
    """End every dashboard session of a member (log out everywhere, demotion, /forget).

    Part of the caller's transaction: the sessions end when the caller commits.
    """
    result = await session.exec(
        delete(DashboardSession).where(col(DashboardSession.member_id) == member_id)
    )
    return int(result.rowcount or 0)


async def purge(session: AsyncSession, *, now: datetime) -> int:
    """Delete login rows older than LOGIN_KEPT and expired sessions; how many rows went."""
    logins = await session.exec(
        delete(DashboardLogin).where(col(DashboardLogin.created_at) <= now - LOGIN_KEPT)
    )
    ended = await session.exec(
        delete(DashboardSession).where(col(DashboardSession.expires_at) <= now)
    )
    await session.commit()
    return int(logins.rowcount or 0) + int(ended.rowcount or 0)


@event.listens_for(Session, "before_flush")
def _demoted_coordinators_lose_their_sessions(session: Session, *_: Any) -> None:
    """A member whose role changes from coordinator to anything else is signed out at once."""
    for member in session.dirty:
        if not isinstance(member, Member) or member.id is None:
            continue
        before = inspect(member).attrs.role.history.deleted or ()
        if Role.COORDINATOR in before and member.role != Role.COORDINATOR:
            session.execute(
                delete(DashboardSession).where(col(DashboardSession.member_id) == member.id)
            )


def load_signing_key(settings: Settings) -> bytes:
    """The dashboard's signing key: OUDERBRUG_SECRET_KEY, or `session.key` in the secrets folder
    (OUDERBRUG_SECRETS_DIR, 0700; generated on first use, readable by its owner only; an older
    `<data dir>/session.key` is moved there, so signed-in coordinators stay signed in). Never the
    poll secret, so rotating one leaves the other working."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = secret_file(settings, KEY_FILE)
    value, made = generated_secret(path)
    if made:
        log.info("generated the dashboard's signing key in %s", path)
    key = value.encode()
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{path} holds fewer than {MIN_KEY_BYTES} bytes")
    return key


def cookie_key(signing_key: bytes) -> bytes:
    """The key that signs dashboard cookies and CSRF tokens, derived from the signing key."""
    return hmac.new(signing_key, b"ouderbrug:dashboard-session", hashlib.sha256).digest()


def _sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def cookie_value(web_session: WebSession, key: bytes) -> str:
    """The cookie: school, session id and their signature."""
    payload = f"{web_session.school_id}.{web_session.sid}"
    return f"{payload}.{_sign(key, payload)}"


def cookie_school(value: str) -> int | None:
    """The school a cookie claims (to find its bot and database), or None."""
    return whole_number(value.split(".", 1)[0], high=MAX_ROW_ID)


def read_cookie(value: str, key: bytes) -> tuple[int, str] | None:
    """(school, session id) if the cookie's signature is right; whether the session still
    exists is `find_session`'s question."""
    parts = value.split(".")
    school_id = whole_number(parts[0], high=MAX_ROW_ID) if len(parts) == 3 else None
    if school_id is None or not 20 <= len(parts[1]) <= 100:
        return None
    if not hmac.compare_digest(_sign(key, ".".join(parts[:2])).encode(), parts[2].encode()):
        return None
    return school_id, parts[1]


def csrf_token(web_session: WebSession, key: bytes) -> str:
    """The CSRF token of a session's forms."""
    return _sign(key, f"csrf:{web_session.sid}")


def csrf_ok(web_session: WebSession, key: bytes, given: str | None) -> bool:
    """Whether a form's CSRF token belongs to this session (constant-time)."""
    return hmac.compare_digest(csrf_token(web_session, key).encode(), (given or "").encode())
