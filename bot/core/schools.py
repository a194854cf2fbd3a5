"""Several schools in one installation: the schools file (OUDERBRUG_SCHOOLS_FILE).

Each school has its own Telegram bot (own token, so its own rate budget, name and picture) and
its own data. Without a schools file there is one school, `default`, from TELEGRAM_BOT_TOKEN and
OUDERBRUG_SCHOOL_NAME, exactly as before.

    schools:
      - key: debuurt            # short and stable: it names the school in the database
        name: Basisschool De Buurt
        token_env: DEBUURT_BOT_TOKEN   # or `token: 123456789:AA...`
        timezone: Europe/Brussels      # optional (default OUDERBRUG_TIMEZONE)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from dotenv import dotenv_values

from bot.core.datafiles import parse_yaml
from bot.core.settings import Settings, SettingsError, check_timezone, check_token

DEFAULT_KEY = "default"
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
FIELDS = {"key", "name", "token", "token_env", "timezone", "bot_username"}


def school_settings(settings: Settings) -> list[Settings]:
    """One Settings per school: from the schools file, or the single school of the environment."""
    if settings.schools_file is None:
        return [settings]
    return load_schools_file(settings.schools_file, settings)


def load_schools_file(path: Path, base: Settings) -> list[Settings]:
    """Read and check the schools file; any mistake raises SettingsError with one sentence."""
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"The schools file {path} cannot be read: {exc.strerror}.") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise SettingsError(f"The schools file {path} is not valid YAML{line}.") from None
    entries = raw.get("schools") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise SettingsError(f"The schools file {path} needs a list `schools:` with one school.")
    found: list[Settings] = []
    for number, entry in enumerate(entries, start=1):
        found.append(_school(path, number, entry, base))
    _check_unique(path, found)
    return found


def _school(path: Path, number: int, entry: Any, base: Settings) -> Settings:
    """One school of the file, as the base settings with its own key, name, token and zone."""
    where = f"School {number} in {path}"
    if not isinstance(entry, dict):
        raise SettingsError(f"{where} should be a mapping with key, name and token.")
    unknown = sorted(set(map(str, entry)) - FIELDS)
    if unknown:
        raise SettingsError(f"{where} has an unknown field {unknown[0]!r}.")
    key = str(entry.get("key", "")).strip()
    if not KEY_PATTERN.match(key):
        raise SettingsError(
            f"{where} needs a key of lowercase letters, digits, - or _ (at most 32), not {key!r}."
        )
    where = f"The school {key!r} in {path}"
    name = str(entry.get("name", "")).strip()
    if not name or len(name) > 200:
        raise SettingsError(f"{where} needs a name (at most 200 characters).")
    token = _token(where, entry)
    try:
        token = check_token(token)
        zone = check_timezone(str(entry.get("timezone") or base.timezone))
    except ValueError as exc:
        raise SettingsError(f"{where} has a bad token or time zone: {exc}.") from None
    username = entry.get("bot_username")
    return base.model_copy(
        update={
            "school_key": key,
            "school_name": name,
            "telegram_bot_token": token,
            "timezone": zone,
            "bot_username": str(username).lstrip("@") if username else None,
        }
    )


def _token(where: str, entry: dict[str, Any]) -> str:
    """The token written in the file, or read from the environment variable it names."""
    if entry.get("token") and entry.get("token_env"):
        raise SettingsError(f"{where} should give either token or token_env, not both.")
    if entry.get("token"):
        return str(entry["token"]).strip()
    variable = str(entry.get("token_env") or "").strip()
    if not variable:
        raise SettingsError(f"{where} needs a token (or token_env: the variable that holds it).")
    value = (os.environ.get(variable) or dotenv_values(".env").get(variable) or "").strip()
    if not value:
        raise SettingsError(f"{where} reads its token from {variable}, which is not set.")
    return value


def _check_unique(path: Path, schools: list[Settings]) -> None:
    """No key and no token may appear twice."""
    keys: set[str] = set()
    tokens: dict[str, str] = {}
    for school in schools:
        if school.school_key in keys:
            raise SettingsError(f"The key {school.school_key!r} appears twice in {path}.")
        keys.add(school.school_key)
        token = school.telegram_bot_token or ""
        if token in tokens:
            raise SettingsError(
                f"The schools {tokens[token]!r} and {school.school_key!r} in {path} share a "
                "token: every school needs its own bot."
            )
        tokens[token] = school.school_key


def pick_school(schools: list[Settings], key: str | None) -> Settings:
    """The school an admin command is about (`--school KEY`, required when there are several)."""
    if key is None:
        if len(schools) > 1:
            keys = ", ".join(s.school_key for s in schools)
            raise SettingsError(f"There are several schools: choose one with --school ({keys}).")
        return schools[0]
    for school in schools:
        if school.school_key == key:
            return school
    keys = ", ".join(s.school_key for s in schools)
    raise SettingsError(f"There is no school with the key {key!r} (known: {keys}).")
