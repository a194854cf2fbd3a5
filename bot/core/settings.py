"""Configuration: one pydantic-settings class, read from the environment and `.env`."""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.limits import whole_number

log = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.telegram.org"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one readable sentence."""


class Settings(BaseSettings):
    """Everything Ouderbrug can be configured with."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(default=DEFAULT_API_BASE_URL, alias="TELEGRAM_API_BASE_URL")
    database_url: str | None = Field(default=None, alias="DATABASE_URL")
    data_dir: Path = Field(default=Path("data"), alias="OUDERBRUG_DATA_DIR")
    timezone: str = Field(default="Europe/Brussels", alias="OUDERBRUG_TIMEZONE")
    default_language: str = Field(default="nl", alias="OUDERBRUG_DEFAULT_LANGUAGE")
    school_name: str = Field(default="Onze school", alias="OUDERBRUG_SCHOOL_NAME")
    # Several schools, each with its own bot (bot/core/schools.py); without it one school, `default`.
    schools_file: Path | None = Field(default=None, alias="OUDERBRUG_SCHOOLS_FILE")
    school_key: str = Field(default="default", alias="OUDERBRUG_SCHOOL_KEY")
    bot_username: str | None = Field(default=None, alias="OUDERBRUG_BOT_USERNAME")
    # Signs the dashboard's session cookies (at least 32 bytes); generated into the secrets folder
    # (session.key) if unset. Separate from OUDERBRUG_SECRET so either can be rotated alone.
    secret_key: str | None = Field(default=None, alias="OUDERBRUG_SECRET_KEY")
    # Keys the anonymous poll participation records; if unset, generated into `secret.key` in the
    # secrets folder: OUDERBRUG_SECRETS_DIR, by default `secrets` beside the data folder (never in
    # it: a copy of the data folder must not carry what links poll answers to people).
    secret: str | None = Field(default=None, alias="OUDERBRUG_SECRET", min_length=16)
    secrets_dir: Path | None = Field(default=None, alias="OUDERBRUG_SECRETS_DIR")
    log_level: str = Field(default="INFO", alias="OUDERBRUG_LOG_LEVEL")
    models_dir: Path | None = Field(default=None, alias="OUDERBRUG_MODELS_DIR")
    send_rate: float = Field(default=30.0, gt=0, alias="OUDERBRUG_SEND_RATE")
    telegram_timeout: float = Field(default=10.0, gt=0, le=120, alias="OUDERBRUG_TELEGRAM_TIMEOUT")
    translation_threads: int = Field(default=2, ge=1, le=64, alias="OUDERBRUG_TRANSLATION_THREADS")
    # Read-aloud (bot/speech/): false turns every voice copy off; espeak-ng (robotic) speaks where
    # no Piper voice is installed ("fallback"), before Piper ("prefer") or never ("off").
    read_aloud: bool = Field(default=True, alias="OUDERBRUG_READ_ALOUD")
    espeak: Literal["fallback", "prefer", "off"] = Field(
        default="fallback", alias="OUDERBRUG_ESPEAK"
    )
    speech_threads: int = Field(default=1, ge=1, le=16, alias="OUDERBRUG_SPEECH_THREADS")
    speech_cache_mb: int = Field(default=200, ge=0, le=100_000, alias="OUDERBRUG_SPEECH_CACHE_MB")
    locales_dir: Path | None = Field(default=None, alias="OUDERBRUG_LOCALES_DIR")
    flows_dir: Path | None = Field(default=None, alias="OUDERBRUG_FLOWS_DIR")
    # Webhook mode (`ouderbrug run --webhook`): the address Telegram posts to, and where we listen.
    public_url: str | None = Field(default=None, alias="OUDERBRUG_PUBLIC_URL")
    listen_host: str = Field(default="127.0.0.1", alias="OUDERBRUG_LISTEN_HOST")
    listen_port: int = Field(default=8080, ge=0, le=65535, alias="OUDERBRUG_LISTEN_PORT")
    # Telegram sends it back in a header with every update; generated into the data folder if unset.
    webhook_secret: str | None = Field(
        default=None, alias="OUDERBRUG_WEBHOOK_SECRET", min_length=16, max_length=256
    )
    # When set, /healthz and /metrics answer only requests with `Authorization: Bearer <token>`.
    metrics_token: str | None = Field(default=None, alias="OUDERBRUG_METRICS_TOKEN")
    # City scale (bot/cluster/): several `ouderbrug run` on one PostgreSQL share the schools. A
    # process owns a school's bot for `lease_seconds` and renews every `cluster_tick` seconds; a
    # dead process's schools are taken over once its leases ran out (default 15 s + one tick).
    lease_seconds: float = Field(default=15.0, ge=3, le=300, alias="OUDERBRUG_LEASE_SECONDS")
    cluster_tick: float = Field(default=1.0, gt=0, le=30, alias="OUDERBRUG_CLUSTER_TICK")
    # This process's own address for the others (dashboard pages of a school it does not own are
    # forwarded to the owner); default http://<hostname>:<listen port>.
    internal_url: str | None = Field(default=None, alias="OUDERBRUG_INTERNAL_URL")
    # The last day of the school year (MM-DD): the next night, pupils who left are deleted.
    school_year_end: str = Field(default="08-31", alias="OUDERBRUG_SCHOOL_YEAR_END")

    @field_validator("telegram_bot_token")
    @classmethod
    def _check_token(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        return check_token(value)

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("it should start with http:// or https://")
        return value.rstrip("/")

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("it should start with https:// (the address Telegram can reach)")
        return value.strip().rstrip("/")

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _check_webhook_secret(cls, value: object) -> object:
        if isinstance(value, str) and value.strip() == "":
            return None
        if isinstance(value, str) and not re.fullmatch(r"[A-Za-z0-9_-]+", value):
            raise ValueError("it may only contain letters, digits, _ and -")
        return value

    @field_validator("secret_key")
    @classmethod
    def _check_secret_key(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if len(value.strip().encode()) < 32:
            raise ValueError("it should be at least 32 bytes long (e.g. openssl rand -hex 32)")
        return value.strip()

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if len(value.strip()) < 16 or not value.strip().isascii():
            raise ValueError(
                "it should be at least 16 ASCII characters (e.g. openssl rand -hex 16)"
            )
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        return check_timezone(value)

    @field_validator("default_language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        value = value.strip().lower()
        if not value.isalpha() or not 2 <= len(value) <= 3:
            raise ValueError("it should be a language code such as nl")
        return value

    @field_validator("school_year_end")
    @classmethod
    def _check_year_end(cls, value: str) -> str:
        month, _, day = value.strip().partition("-")
        try:
            date(2001, int(month), int(day))  # not a leap year: 02-29 would skip years
        except ValueError:
            raise ValueError("it should be a month and day such as 08-31") from None
        return f"{int(month):02d}-{int(day):02d}"

    @field_validator("database_url")
    @classmethod
    def _check_db_url(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("it should start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @property
    def year_end(self) -> tuple[int, int]:
        """The school year's last day as (month, day)."""
        month, day = self.school_year_end.split("-")
        return int(month), int(day)

    @property
    def tz(self) -> ZoneInfo:
        """The school's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        """The async SQLAlchemy URL (SQLite file under the data directory by default)."""
        url = self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'ouderbrug.db'}"
        if url.startswith("postgresql://"):
            url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")
        if url.startswith("sqlite:///"):
            url = "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
        return url

    @property
    def api_base(self) -> str:
        """Bot API base for PTB (`.../bot`); the token is appended by PTB."""
        return f"{self.telegram_api_base_url}/bot"

    @property
    def api_file_base(self) -> str:
        """Bot API file base for PTB (`.../file/bot`)."""
        return f"{self.telegram_api_base_url}/file/bot"

    @property
    def models_data_dir(self) -> Path:
        """The folder whose `models/` holds the translation models (the data folder by default)."""
        return self.models_dir or self.data_dir

    @property
    def secrets_path(self) -> Path:
        """The folder (0700) of `secret.key` and `session.key`: OUDERBRUG_SECRETS_DIR, or
        `secrets` beside the data folder."""
        return self.secrets_dir or self.data_dir.absolute().parent / "secrets"

    @property
    def locales_path(self) -> Path:
        """Folder with the gettext catalogs."""
        return self.locales_dir or project_root() / "locales"

    @property
    def flows_path(self) -> Path:
        """Folder with the poll and invitation definitions."""
        return self.flows_dir or project_root() / "flows"


def check_token(value: str) -> str:
    """A bot token as @BotFather gives it, or ValueError."""
    value = value.strip()
    head, _, tail = value.partition(":")
    if whole_number(head) is None or len(tail) < 10:
        raise ValueError("it should look like 123456789:AA... as given by @BotFather")
    return value


def check_timezone(value: str) -> str:
    """A known time zone name, or ValueError."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("it is not a known time zone such as Europe/Brussels") from exc
    return value


def private_data_dir(settings: Settings) -> Path:
    """At start: the data folder exists and only its owner can open it (0700), also when an older
    version or the umask left it open. Only that folder: never its parents, and not a folder this
    user does not own (a mount point given to it); that one gets a warning instead."""
    folder = Path(settings.data_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = folder.stat()
    if info.st_mode & 0o077 == 0:
        return folder
    if info.st_uid != os.getuid():
        log.warning("the data folder %s is open to others and not ours to change", folder)
        return folder
    os.chmod(folder, 0o700)
    log.info("made the data folder %s private (0700)", folder)
    return folder


def secret_file(settings: Settings, name: str) -> Path:
    """Where the generated secret `name` lives: in the secrets folder (made 0700), never the data
    folder; a copy an older version left in the data folder is moved there first (0600)."""
    path = settings.secrets_path / name
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    old = Path(settings.data_dir) / name
    if old.exists() and not path.exists():
        shutil.move(str(old), str(path))
        os.chmod(path, 0o600)
        log.warning("moved %s out of the data folder, to %s", name, path)
    return path


def generated_secret(path: Path) -> tuple[str, bool]:
    """The secret in `path`, generated (64 hex characters, 0600) if there is none yet; and whether
    this call made it. Whole or not at all: the file appears only once written (a draft linked
    into place), so processes starting together on a shared folder all read the first one made
    and never an empty or half-written file."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(draft, path)
            return path.read_text(encoding="ascii").strip(), True
        except FileExistsError:
            pass  # another process was first: its secret counts
        finally:
            draft.unlink()
    return path.read_text(encoding="ascii").strip(), False


def project_root() -> Path:
    """The repository (or install) root that holds `locales/` and `flows/`."""
    return Path(__file__).resolve().parents[2]


_FIELD_NAMES = {name: (f.alias or name) for name, f in Settings.model_fields.items()}


def load_settings(*, env_file: str | None = ".env", **overrides: object) -> Settings:
    """Read the settings; a bad value raises SettingsError with one clear sentence."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[arg-type,call-arg]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "a setting"
        name = _FIELD_NAMES.get(field, field)
        reason = str(err["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"The setting {name} is not valid: {reason}.") from None
