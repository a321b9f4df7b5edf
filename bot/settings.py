"""Configuration, read from the environment in one place (README lists every variable)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_TELEGRAM_BASE_URL = "https://api.telegram.org/bot"


class SettingsError(ValueError):
    """A configuration value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    seeds_dir: Path | None = None  # None: the seeds/ folder beside the corpus folder
    telegram_token: str = field(default="", repr=False)  # never printed: repr hides it
    telegram_base_url: str = DEFAULT_TELEGRAM_BASE_URL
    admin_ids: frozenset[int] = frozenset()
    flood_per_minute: int = 20
    feedback_dir: Path | None = None  # None: feedback/ beside the corpus folder
    telegram_file_url: str = ""  # "": derived from telegram_base_url (…/bot → …/file/bot)
    upload_max_bytes: int = 20 * 1024 * 1024
    webhook_url: str = ""  # "": long polling
    webhook_listen: str = "0.0.0.0:8443"
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        return cls(
            corpus_dir=Path(env.get("NEWSQA_CORPUS") or "corpus"),
            seeds_dir=Path(env["NEWSQA_SEEDS"]) if env.get("NEWSQA_SEEDS") else None,
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            telegram_base_url=_base_url(env.get("NEWSQA_TELEGRAM_BASE_URL", "")),
            admin_ids=_admin_ids(env.get("NEWSQA_ADMIN_IDS", "")),
            flood_per_minute=_positive_int(env, "NEWSQA_FLOOD_PER_MINUTE", 20),
            feedback_dir=Path(env["NEWSQA_FEEDBACK_DIR"]) if env.get("NEWSQA_FEEDBACK_DIR") else None,
            telegram_file_url=_file_url(env.get("NEWSQA_TELEGRAM_FILE_URL", "")),
            upload_max_bytes=_positive_int(env, "NEWSQA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024),
            webhook_url=_webhook_url(env.get("NEWSQA_WEBHOOK_URL", "")),
            webhook_listen=_listen(env.get("NEWSQA_WEBHOOK_LISTEN", "")),
            log_level=_log_level(env.get("NEWSQA_LOG_LEVEL", "INFO")),
        )

    def seeds_for(self, corpus_dir: Path) -> Path:
        """Raw pages to build into corpus_dir: NEWSQA_SEEDS, else seeds/ beside that corpus (never another's)."""
        return self.seeds_dir if self.seeds_dir is not None else corpus_dir.parent / "seeds"

    def feedback_for(self, corpus_dir: Path) -> Path:
        """Where votes and declined questions are logged: NEWSQA_FEEDBACK_DIR, else feedback/ beside the corpus."""
        return self.feedback_dir if self.feedback_dir is not None else corpus_dir.parent / "feedback"

    @property
    def file_url(self) -> str:
        """Where documents are downloaded from: NEWSQA_TELEGRAM_FILE_URL, else the base URL's …/bot as …/file/bot."""
        if self.telegram_file_url:
            return self.telegram_file_url
        head, bot, tail = self.telegram_base_url.rpartition("/bot")
        return f"{head}/file/bot{tail}" if bot else self.telegram_base_url

    def require_token(self) -> str:
        token = self.telegram_token
        if not token:
            raise SettingsError("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and export it")
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]{20,}", token):
            raise SettingsError("TELEGRAM_BOT_TOKEN is malformed: expected '<digits>:<letters>' as BotFather gives it")
        return token


def _base_url(value: str) -> str:
    value = value.strip()
    if not value:
        return DEFAULT_TELEGRAM_BASE_URL
    if not re.match(r"https?://[^\s/]+", value):
        raise SettingsError(f"NEWSQA_TELEGRAM_BASE_URL must be an http(s) URL such as {DEFAULT_TELEGRAM_BASE_URL}")
    if "{token}" in value or value.endswith("/bot"):
        return value
    if urlsplit(value).path in ("", "/"):
        return value.rstrip("/") + "/bot"  # the token is appended to this URL: without /bot it would join the port
    raise SettingsError(f"NEWSQA_TELEGRAM_BASE_URL must end in /bot (the token follows it), such as {DEFAULT_TELEGRAM_BASE_URL}")


def _file_url(value: str) -> str:
    value = value.strip()
    if value and not re.match(r"https?://[^\s/]+", value):
        raise SettingsError("NEWSQA_TELEGRAM_FILE_URL must be an http(s) URL such as https://api.telegram.org/file/bot")
    return value


def _webhook_url(value: str) -> str:
    value = value.strip()
    if value and not re.match(r"https?://[^\s/]+", value):
        raise SettingsError("NEWSQA_WEBHOOK_URL must be the https URL Telegram posts updates to, "
                            "such as https://bot.example.org/newsqa")
    return value


def _listen(value: str) -> str:
    value = value.strip() or "0.0.0.0:8443"
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(f"NEWSQA_WEBHOOK_LISTEN must be host:port, such as 0.0.0.0:8443, not '{value}'")
    return value


def _admin_ids(value: str) -> frozenset[int]:
    ids = set()
    for part in value.replace(" ", "").split(","):
        if not part:
            continue
        if not re.fullmatch(r"-?\d+", part):
            raise SettingsError(f"NEWSQA_ADMIN_IDS must be comma-separated Telegram user ids; '{part}' is not one")
        ids.add(int(part))
    return frozenset(ids)


def _positive_int(env, name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise SettingsError(f"{name} must be a positive whole number, not '{raw}'")
    return int(raw)


def _log_level(value: str) -> str:
    level = value.strip().upper() or "INFO"
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError("NEWSQA_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
    return level
