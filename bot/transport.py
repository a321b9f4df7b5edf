"""Talking to the Bot API safely: updates that cannot be read are skipped, replies are never sent twice, 429s are
waited out by ptb's AIORateLimiter, and the token stays out of every log line."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import httpx
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

logger = logging.getLogger(__name__)


class SkippingUpdatesRequest(HTTPXRequest):
    """The getUpdates connection: an update python-telegram-bot cannot parse is replaced by an empty one.

    Left as it is, ptb fails on the whole batch and fetches it again forever, so nobody is answered. An empty
    `Update(update_id)` lets the updater move its offset past it; no handler matches it. Logged once per update.
    """

    def __init__(self, read_timeout: float = 5.0) -> None:
        super().__init__(connection_pool_size=1, read_timeout=read_timeout)  # as ptb's own getUpdates connection

    async def post(self, url: str, *args, **kwargs):
        result = await super().post(url, *args, **kwargs)
        if url.endswith("/getUpdates") and isinstance(result, list):
            return [kept for kept in map(_readable, result) if kept is not None]
        return result


def _readable(item: object) -> object | None:
    """The update if ptb can parse it; else only its update_id (None when it has not even that)."""
    try:
        Update.de_json(item, None)
        return item
    except Exception as exc:  # any shape a hostile or broken server sends: KeyError, TypeError, ValueError ...
        update_id = item.get("update_id") if isinstance(item, dict) else None
        logger.warning("skipped update %s that could not be read (%s: %s)", update_id, type(exc).__name__, exc)
        return {"update_id": update_id} if isinstance(update_id, int) else None


def rate_limiter() -> AIORateLimiter:
    """Telegram's documented limits (30 messages a second, 20 a minute per group); a 429 is waited out twice."""
    return AIORateLimiter(max_retries=2)


SEND_ATTEMPTS = 3
SERVER_ERROR_PAUSE = 1.0


async def deliver(call: Callable[[], Awaitable[object]]) -> None:
    """Make a Bot API call, retrying only a server error or a refused connection (3 attempts in all).

    429s are the rate limiter's. A request Telegram refused (BadRequest, Forbidden) would be refused again. A
    timeout, or a connection dropped after the request was sent, is not retried: Telegram may have delivered the
    message, and a reader should not get it twice.
    """
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            await call()
            return
        except (BadRequest, Forbidden, TimedOut):
            raise
        except NetworkError as exc:  # HTTP 5xx, or the connection failed
            if attempt == SEND_ATTEMPTS or _may_have_arrived(exc):
                raise
            logger.warning("Bot API call failed (%s); retrying in %.0f s", exc, SERVER_ERROR_PAUSE)
        await asyncio.sleep(SERVER_ERROR_PAUSE)


def _may_have_arrived(exc: NetworkError) -> bool:
    """A connection lost after the request went out (not an HTTP error, not a refused connect): like a timeout,
    Telegram may have acted on it, so it is not resent."""
    cause = exc.__cause__
    return isinstance(cause, httpx.HTTPError) and not isinstance(cause, httpx.ConnectError)


# ---------------------------------------------------------------- the token stays out of the logs

REDACTED = "<TELEGRAM_BOT_TOKEN>"


def redact_in_logs(secret: str) -> Callable[[], None]:
    """From now on every log record has `secret` replaced, in its message and its traceback; returns the undo.

    A record factory rather than a handler filter: it covers every handler, including ones added later.
    """
    previous = logging.getLogRecordFactory()

    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub(record, secret)
        return record

    logging.setLogRecordFactory(make_record)
    return lambda: logging.setLogRecordFactory(previous)


def _scrub(record: logging.LogRecord, secret: str) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed log call: logging reports that itself when the record is formatted
        return
    if secret in message:
        record.msg, record.args = message.replace(secret, REDACTED), ()
    if record.exc_info and record.exc_info[1] is not None:
        trace = logging.Formatter().formatException(record.exc_info)
        if secret in trace:
            record.exc_text = trace.replace(secret, REDACTED)


# ---------------------------------------------------------------- start-up: is Telegram there, does it take the token

FIRST_RETRY_SECONDS = 1.0
LONGEST_RETRY_SECONDS = 60.0


class TokenRejected(Exception):
    """Telegram answered that the token is not a bot's (HTTP 401/404 on getMe)."""


async def wait_for_telegram(token: str, base_url: str, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                            attempts: int | None = None) -> str:
    """Ask getMe until Telegram answers, one log line per failed try and a doubling pause; the bot's username.

    Raises TokenRejected when Telegram refuses the token (no retry helps), NetworkError after `attempts` tries.
    """
    from telegram import Bot
    from telegram.error import InvalidToken

    pause, attempt = FIRST_RETRY_SECONDS, 0
    while True:
        attempt += 1
        try:
            async with Bot(token, base_url=base_url) as bot:  # entering the context calls getMe
                return bot.username
        except InvalidToken:
            raise TokenRejected() from None  # ptb's message quotes the token: not passed on
        except NetworkError as exc:
            if attempts is not None and attempt >= attempts:
                raise
            logger.warning("cannot reach Telegram (%s); trying again in %.0f s", _reason(exc), pause)
        await sleep(pause)
        pause = min(pause * 2, LONGEST_RETRY_SECONDS)


def _reason(exc: NetworkError) -> str:
    """What went wrong, in a few words: the library's message, or its cause's type when it says nothing."""
    cause = exc.__cause__
    said = str(exc).strip()
    if isinstance(cause, httpx.HTTPError):
        said = f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__
    return said or type(exc).__name__
