"""Atomic writes: a disk that fills up in the middle of a write leaves the old file (or none), never a truncated
one, and the error names the file and says 磁盘已满. The full disk is an OSError(ENOSPC) injected at os.write for
files in one folder, after the first bytes went to disk, as a small file system would."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.files import append_line, atomic_write, describe, remove_stale_temporaries

ROOM = 8192  # bytes the "disk" takes before it is full


def full_disk(monkeypatch, folder: Path, room: int = ROOM) -> dict:
    """From now on, writes to files inside folder fail with ENOSPC once room bytes were written; returns a record
    of the bytes written so a test can check the failure really happened mid-file."""
    real_write, written = os.write, {"bytes": 0}
    inside = str(folder.resolve()) + os.sep

    def write(fd: int, data) -> int:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if not target.startswith(inside):
            return real_write(fd, data)
        if written["bytes"] >= room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        count = real_write(fd, bytes(data[:room - written["bytes"]]))
        written["bytes"] += count
        return count

    monkeypatch.setattr(os, "write", write)
    return written


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_write_that_fills_the_disk_leaves_the_old_file_whole_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "a.jsonl"
    target.write_text("旧内容\n", encoding="utf-8")
    written = full_disk(monkeypatch, tmp_path)
    with pytest.raises(OSError) as caught:
        atomic_write(target, "新" * 10_000)
    assert written["bytes"] == ROOM  # the failure came in the middle of the file
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert describe(caught.value) == "磁盘已满"
    assert target.read_text(encoding="utf-8") == "旧内容\n"
    assert leftovers(tmp_path) == ["a.jsonl"]


def test_a_new_file_that_fills_the_disk_is_not_created_and_the_next_write_succeeds(tmp_path):
    target = tmp_path / "new.jsonl"
    with pytest.MonkeyPatch.context() as disk:
        full_disk(disk, tmp_path)
        with pytest.raises(OSError):
            atomic_write(target, b"x" * (ROOM + 1))
        assert leftovers(tmp_path) == []
    # space freed
    atomic_write(target, b"x" * (ROOM + 1))
    assert target.read_bytes() == b"x" * (ROOM + 1) and leftovers(tmp_path) == ["new.jsonl"]


def test_a_rewritten_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "log.jsonl"
    target.write_text("a\n", encoding="utf-8")
    target.chmod(0o600)
    atomic_write(target, "b\n")
    assert target.read_text(encoding="utf-8") == "b\n" and target.stat().st_mode & 0o777 == 0o600


def test_append_line_adds_whole_lines_and_a_full_disk_leaves_the_log_as_it_was(tmp_path, monkeypatch):
    log = tmp_path / "feedback" / "votes.jsonl"
    append_line(log, '{"vote": "up"}')
    append_line(log, '{"vote": "down"}\n')
    assert log.read_text(encoding="utf-8") == '{"vote": "up"}\n{"vote": "down"}\n'
    full_disk(monkeypatch, log.parent, room=20)
    with pytest.raises(OSError) as caught:
        append_line(log, '{"vote": "up", "question": "轨博会什么时候举行？"}')
    assert describe(caught.value) == "磁盘已满" and str(log) in str(caught.value)
    assert log.read_text(encoding="utf-8") == '{"vote": "up"}\n{"vote": "down"}\n'
    assert leftovers(log.parent) == ["votes.jsonl"]


def test_describe_names_common_causes_in_chinese():
    assert describe(PermissionError(errno.EACCES, "Permission denied", "x")) == "没有权限"
    assert describe(OSError(errno.EROFS, "Read-only file system")) == "文件系统是只读的"
    assert describe(OSError(errno.ENAMETOOLONG, "File name too long")) == "File name too long"


def test_temporaries_of_killed_processes_are_removed_and_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    stale = tmp_path / f".a.jsonl.tmp-{int(dead.stdout)}-0123abcd"
    live = tmp_path / f".b.jsonl.tmp-{os.getppid()}-0123abcd"  # our parent is alive while we run
    for path in (stale, live, tmp_path / "a.jsonl"):
        path.write_text("x", encoding="utf-8")
    assert remove_stale_temporaries(tmp_path) == [stale]
    assert leftovers(tmp_path) == sorted([live.name, "a.jsonl"])
