"""Random codes for class links and invites, and Telegram deep links."""

from __future__ import annotations

import hashlib
import secrets

# Lowercase letters and digits without look-alikes (0/o, 1/l/i): easy to type from a flyer.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CLASS_PREFIX = "c"
INVITE_PREFIX = "i"
FAMILY_PREFIX = "f"  # a personal invitation letter (bot/families/)


def random_code(length: int) -> str:
    """A random code from an unambiguous alphabet."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def hash_code(code: str) -> str:
    """The stored form of an invite code (the code itself is shown once, never stored)."""
    return hashlib.sha256(code.encode()).hexdigest()


def deep_link(bot_username: str, payload: str) -> str:
    """`https://t.me/<bot>?start=<payload>`; payloads are at most 64 chars of [A-Za-z0-9_-]."""
    return f"https://t.me/{bot_username}?start={payload}"


def class_payload(join_code: str) -> str:
    """Start payload for a class link."""
    return f"{CLASS_PREFIX}{join_code}"


def family_payload(code: str) -> str:
    """Start payload for a personal invitation letter's code."""
    return f"{FAMILY_PREFIX}{code}"


def invite_payload(code: str) -> str:
    """Start payload for a staff invite."""
    return f"{INVITE_PREFIX}{code}"


# The longest payload of ours is an invite (1 + 20 characters); Telegram allows 64. A longer one
# is nobody's code: it travels as UNKNOWN_CODE (no prefix of ours), so the language buttons that
# carry it stay within Telegram's 64 bytes of callback data and the answer is "unknown code".
MAX_CODE_PAYLOAD = 32
UNKNOWN_CODE = "-"
