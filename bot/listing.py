"""What a corpus folder holds: the regular *.jsonl files to read, and every other *.jsonl entry with why it is
skipped (a folder, a FIFO, a dangling link or a link loop), so a reload can name them instead of passing over them."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .files import describe

SUFFIX = ".jsonl"


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path.name}（{self.reason}）"


@dataclass(frozen=True)
class Listing:
    files: list[Path]
    skipped: list[Skipped]


def scan(folder: Path) -> Listing:
    """The *.jsonl entries of folder in name order, split into readable kinds and skipped ones; raises OSError when
    the folder itself cannot be listed (missing, no permission)."""
    folder = Path(folder)
    with os.scandir(folder) as entries:
        names = sorted(entry.name for entry in entries if entry.name.endswith(SUFFIX))
    files, skipped = [], []
    for name in names:
        path = folder / name
        reason = _why_not_a_file(path)
        if reason is None:
            files.append(path)
        elif reason:
            skipped.append(Skipped(path, reason))
    return Listing(files, skipped)


def _why_not_a_file(path: Path) -> str | None:
    """None for a regular file (or a link to one); "" for an entry gone since the listing; else the reason."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "符号链接循环"
        if exc.errno == errno.ENOENT:
            return "符号链接指向的文件不存在" if os.path.islink(path) else ""
        return describe(exc)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "是文件夹，不是文件"
    if stat.S_ISFIFO(mode):
        return "是命名管道（FIFO），不是普通文件"
    if stat.S_ISSOCK(mode):
        return "是套接字，不是普通文件"
    return "是设备文件，不是普通文件"
