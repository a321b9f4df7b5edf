"""The feedback log: readers' votes on answers (👍/👎, /good, /bad) and the questions the bot declined, one JSON line
each in `feedback/feedback.jsonl`, appended so that no record is ever half-written; read back for /feedback and
turned into a regression set once an admin has written the right answer into a 👎 line."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .answer import Candidate

LOG_NAME = "feedback.jsonl"
SALT_NAME = ".salt"  # user ids are stored only as a hash salted with this file's secret
TAIL_BYTES = 256 * 1024  # /feedback reads only the end of the log, however long it grows
SILENT_DECLINES = ("empty", "too long", "not chinese")  # not questions the corpus failed: not worth an admin's time


class FeedbackError(Exception):
    """The log could not be written; the message names the path and the cause (磁盘已满, 没有权限 …)."""


@dataclass(frozen=True)
class Entry:
    """One line of the log, as /feedback shows it."""

    time: str
    question: str
    answer: str | None
    title: str | None


class FeedbackLog:
    """Appends votes and declines to `folder/feedback.jsonl` and reads the latest back."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / LOG_NAME
        self._lock = threading.Lock()  # the console and worker threads may append at once
        self._salt: bytes | None = None

    def vote(self, vote: str, *, said: str, question: str, candidate: Candidate, chat: str,
             user_id: int | None) -> None:
        """Record 'up' or 'down' for the candidate shown for `question` (`said` is what the reader typed)."""
        self._append({"time": _now(), "vote": vote, **_asked(said, question), "answer": candidate.sentence,
                      "article_id": candidate.article_id, "title": candidate.title, "chat": chat,
                      "user": self._user(user_id)})

    def declined(self, *, said: str, question: str, reason: str, chat: str, user_id: int | None) -> None:
        """Record a question the bot could not answer (not an empty, over-long or non-Chinese one)."""
        if reason in SILENT_DECLINES:
            return
        self._append({"time": _now(), "vote": None, "declined": True, **_asked(said, question), "answer": None,
                      "chat": chat, "user": self._user(user_id)})

    def latest(self, count: int = 5) -> tuple[list[Entry], list[Entry]]:
        """The latest `count` 👎 votes and the latest `count` declined questions, newest first."""
        downs: list[Entry] = []
        declines: list[Entry] = []
        for record in reversed(self._tail()):
            target = downs if record.get("vote") == "down" else declines if record.get("declined") else None
            if target is not None and len(target) < count:
                target.append(Entry(record.get("time", ""), record.get("question", ""), record.get("answer"),
                                    record.get("title")))
        return downs, declines

    # ------------------------------------------------------------ writing

    def _append(self, record: dict) -> None:
        """One whole line or nothing: a single write in append mode, undone (truncated back) if it fails midway."""
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            except OSError as exc:
                raise _error(self.path, exc) from exc
            try:
                size = os.fstat(fd).st_size
                if size and _last_byte(self.path, size) != b"\n":
                    data = b"\n" + data  # a line cut short earlier (a crash) must not swallow this one
                try:
                    written = os.write(fd, data)
                    if written != len(data):
                        raise OSError(errno.ENOSPC, "short write")
                    os.fsync(fd)
                except OSError as exc:
                    os.ftruncate(fd, size)
                    raise _error(self.path, exc) from exc
            finally:
                os.close(fd)

    def _user(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if self._salt is None:
            self._salt = _salt(self.folder)
        return hashlib.sha256(self._salt + str(user_id).encode()).hexdigest()[:16]

    # ------------------------------------------------------------ reading

    def _tail(self) -> list[dict]:
        try:
            with self.path.open("rb") as file:
                size = file.seek(0, os.SEEK_END)
                file.seek(max(0, size - TAIL_BYTES))
                data = file.read()
        except FileNotFoundError:
            return []
        lines = data.split(b"\n")
        if size > TAIL_BYTES:
            lines = lines[1:]  # the first line read may be the end of a longer one
        return [record for record in map(_record, lines) if record is not None]


def regression_set(path: Path) -> list[dict]:
    """The 👎 lines an admin has corrected (given an "expected" sentence, or null for "should decline") as an eval
    question set: {"id", "question", "answer"} in the format of `newsqa eval`."""
    questions = []
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            record = _record(line.encode("utf-8"))
            if record and record.get("vote") == "down" and "expected" in record and record.get("question"):
                questions.append({"id": f"feedback-{number}", "question": record["question"],
                                  "answer": record["expected"], "article": record.get("title"), "type": "feedback"})
    return questions


def _asked(said: str, question: str) -> dict:
    """The question as the engine was asked it, and what the reader typed when that differs (a follow-up)."""
    return {"question": question} if said == question else {"question": question, "said": said}


def _record(line: bytes) -> dict | None:
    try:
        record = json.loads(line)
    except ValueError:  # a blank line or one cut short by a crash: skipped, never fatal
        return None
    return record if isinstance(record, dict) else None


def _last_byte(path: Path, size: int) -> bytes:
    with path.open("rb") as file:
        file.seek(size - 1)
        return file.read(1)


def _salt(folder: Path) -> bytes:
    """The folder's secret salt, made once (owner-only) so hashes stay stable across restarts."""
    path = folder / SALT_NAME
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    salt = secrets.token_hex(16).encode()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()  # another process made it first
    with os.fdopen(fd, "wb") as file:
        file.write(salt)
    return salt


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(path: Path, exc: OSError) -> FeedbackError:
    cause = {errno.ENOSPC: "磁盘已满", errno.EACCES: "没有权限", errno.EROFS: "只读文件系统"}.get(exc.errno,
                                                                                      exc.strerror or str(exc))
    return FeedbackError(f"反馈记录写不进 {path}：{cause}")


def load_regression_set(path: Path) -> list[dict]:
    """`newsqa eval --feedback FILE`: the corrected 👎 of a feedback log; QuestionSetError when there are none."""
    from .evaluate import QuestionSetError

    try:
        questions = regression_set(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionSetError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    if not questions:
        raise QuestionSetError(f'{path}: holds no corrected 👎 (add "expected" to a line with "vote": "down"; '
                               "see README, Feedback)")
    return questions
