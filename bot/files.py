"""Writing files so a failure leaves the old file or none, never a truncated one; OS faults in plain words.

Every file the bot writes (corpus files, logs) goes through atomic_write or append_line: the bytes go to a temporary
name in the same folder, are flushed to disk, and only then renamed over the target.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import threading
import uuid
from pathlib import Path

CAUSES = {
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "文件系统是只读的",
    errno.ENOENT: "不存在",
    errno.ELOOP: "符号链接循环",
    errno.EIO: "磁盘读写出错",
    errno.EISDIR: "是文件夹，不是文件",
    errno.ENOTDIR: "路径中有一段不是文件夹",
}
TEMPORARY_RE = re.compile(r"^\..+\.tmp-(\d+)-[0-9a-f]{8}$")  # what atomic_write names its temporaries


def describe(exc: OSError) -> str:
    """The cause of an OS error in plain Chinese (磁盘已满, 没有权限, ...), else the system's own words."""
    return CAUSES.get(exc.errno) or exc.strerror or str(exc)


def atomic_write(path: Path | str, data: bytes | str) -> None:
    """Write data (str as UTF-8) to path via a temporary file in the same folder: written, fsynced, renamed. On any
    failure the temporary file is removed, path keeps its old content (or stays absent), and the OSError names path."""
    path = Path(path)
    payload = memoryview(data.encode("utf-8") if isinstance(data, str) else data)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    created = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        created = True
        try:
            try:
                os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))  # a rewritten file keeps its permissions
            except FileNotFoundError:
                pass
            while payload:
                payload = payload[os.write(fd, payload):]
            os.fsync(fd)  # on disk before the rename: a crash leaves the old file or the new one, not an empty one
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        if created:
            try:
                tmp.unlink()
            except OSError:
                pass
        raise OSError(exc.errno, describe(exc), str(path)) from exc
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; file systems that cannot sync a folder are left as they are."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_append_lock = threading.Lock()


def append_line(path: Path | str, line: str) -> None:
    """Add one line to a log file through atomic_write (old content + the line): a full disk leaves the log as it
    was, never with half a line. Serialized within this process; the cost grows with the log, fine for small logs."""
    path = Path(path)
    with _append_lock:
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        atomic_write(path, old + line.rstrip("\n").encode("utf-8") + b"\n")


def remove_stale_temporaries(folder: Path | str) -> list[Path]:
    """Remove temporaries atomic_write left in folder when its process was killed (that process is gone)."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = TEMPORARY_RE.match(entry.name)
        if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
