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
            log_level=_log_level(env.get("NEWSQA_LOG_LEVEL", "INFO")),
        )

    def seeds_for(self, corpus_dir: Path) -> Path:
        """Raw pages to build into corpus_dir: NEWSQA_SEEDS, else seeds/ beside that corpus (never another's)."""
        return self.seeds_dir if self.seeds_dir is not None else corpus_dir.parent / "seeds"

    def feedback_for(self, corpus_dir: Path) -> Path:
        """Where votes and declined questions are logged: NEWSQA_FEEDBACK_DIR, else feedback/ beside the corpus."""
        return self.feedback_dir if self.feedback_dir is not None else corpus_dir.parent / "feedback"

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
