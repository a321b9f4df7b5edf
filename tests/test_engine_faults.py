"""Server file faults met by the engine (issue 13): a disk that fills while a reload builds a seed, folders the bot
may not read, /reload spam, and corpus entries that are not files. Each says plainly what is wrong, with the path,
and nothing already served is lost.

Permissions are tested twice: in-process with an injected PermissionError, and for real in a subprocess that drops
to an unprivileged user (as root, a chmod alone would not stop anything and the test would pass for nothing)."""

from __future__ import annotations

import asyncio
import errno
import io
import logging
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest

import bot.engine
from bot.cli import main
from bot.console import ConsoleSession
from bot.corpus import CorpusError, write_corpus_file
from bot.engine import Engine
from conftest import ROOT, SEED, SMALL_ARTICLES
from test_engine import MUSEUM, MUSEUM_QUESTION
from test_files import ROOM, full_disk

FESTIVAL, FESTIVAL_FACT = "湘音节在哪里举行?", "橘子洲"
EXPO, EXPO_FACT = "轨博会什么时候举行?", "12月8日至11日"
WAIT = 15.0  # the bound on any single wait; a passing test waits milliseconds


@pytest.fixture
def seeded(small_corpus, tmp_path) -> tuple[Engine, Path]:
    """An engine over the small corpus with an empty seeds folder; then a seed page arrives in it."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    engine = Engine.from_corpus(small_corpus, seeds)
    shutil.copy(SEED, seeds / SEED.name)
    return engine, small_corpus / f"{SEED.stem}.jsonl"


def corpus_entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".index")


# ================================================================ 2: disk full

def test_disk_full_while_a_reload_builds_a_seed_names_the_file_leaves_nothing_and_the_next_reload_works(seeded):
    engine, target = seeded
    before = engine.knowledge
    with pytest.MonkeyPatch.context() as disk:
        written = full_disk(disk, target.parent)
        with pytest.raises(CorpusError) as caught:
            engine.reload()
    assert written["bytes"] == ROOM  # the disk filled in the middle of the corpus file
    assert str(caught.value) == f"{target}: 磁盘已满"
    assert engine.knowledge is before and FESTIVAL_FACT in engine.ask(FESTIVAL).sentence
    assert corpus_entries(target.parent) == ["small.jsonl"]  # no truncated file, no temporary
    # space freed: the next reload builds the seed, no file to delete by hand
    report = engine.reload()
    assert report.built_from_seeds == (SEED.name,) and EXPO_FACT in engine.ask(EXPO).sentence
    assert corpus_entries(target.parent) == sorted(["small.jsonl", target.name])


def test_console_reload_on_a_full_disk_says_so_with_the_path_and_keeps_answering(seeded):
    engine, target = seeded
    out = io.StringIO()
    session = ConsoleSession(engine, out)
    with pytest.MonkeyPatch.context() as disk:
        full_disk(disk, target.parent)
        assert session.handle("/reload")
    assert session.handle(FESTIVAL)
    reply, answer, _source = out.getvalue().splitlines()
    assert reply == f"重新加载失败，继续使用原来的语料：{target}: 磁盘已满"
    assert FESTIVAL_FACT in answer


def test_newsqa_build_on_a_full_disk_prints_one_line_and_leaves_no_file(tmp_path, capsys):
    seeds, corpus = tmp_path / "seeds", tmp_path / "corpus"
    seeds.mkdir()
    corpus.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    with pytest.MonkeyPatch.context() as disk:
        full_disk(disk, corpus)
        assert main(["build", "--seeds", str(seeds), "--corpus", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert err == f"newsqa build: {corpus / SEED.stem}.jsonl: 磁盘已满\n"
    assert list(corpus.iterdir()) == []
    assert main(["build", "--seeds", str(seeds), "--corpus", str(corpus)]) == 0
    assert corpus_entries(corpus) == [f"{SEED.stem}.jsonl"]


def test_a_full_disk_while_saving_the_index_serves_from_memory_and_leaves_no_temporary(small_corpus, monkeypatch,
                                                                                        caplog):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(np, "save", no_space)
    monkeypatch.setattr(np, "savez", no_space)
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(small_corpus)
    assert FESTIVAL_FACT in engine.ask(FESTIVAL).sentence
    index = small_corpus / ".index"
    assert not [p for p in index.rglob("*") if "tmp" in p.name]
    assert "No space left on device" in caplog.text


# ================================================================ 4: permissions, injected

def deny(monkeypatch, folder: Path) -> None:
    """Act as chmod 000 on folder for a user other than root: it can be seen but not listed, nothing inside opened."""
    folder = str(folder.resolve())
    inside = folder + os.sep

    def denied(path) -> PermissionError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))

    def guard(real, blocks):
        def call(path, *args, **kwargs):
            if isinstance(path, (str, os.PathLike)) and blocks(os.path.abspath(os.fspath(path))):
                raise denied(path)
            return real(path, *args, **kwargs)
        return call

    inner = lambda p: p.startswith(inside)  # noqa: E731
    monkeypatch.setattr(os, "scandir", guard(os.scandir, lambda p: p == folder or inner(p)))
    monkeypatch.setattr(os, "listdir", guard(os.listdir, lambda p: p == folder or inner(p)))
    monkeypatch.setattr(os, "stat", guard(os.stat, inner))
    monkeypatch.setattr(os, "lstat", guard(os.lstat, inner))
    monkeypatch.setattr(os, "open", guard(os.open, lambda p: p == folder or inner(p)))
    monkeypatch.setattr(io, "open", guard(io.open, inner))
    monkeypatch.setattr("builtins.open", guard(open, inner))


def test_an_unreadable_corpus_folder_is_named_as_no_permission_not_as_empty(small_corpus, monkeypatch):
    engine = Engine.from_corpus(small_corpus)
    before = engine.knowledge
    deny(monkeypatch, small_corpus)
    with pytest.raises(CorpusError) as caught:
        engine.reload()
    assert str(small_corpus) in str(caught.value) and "没有权限" in str(caught.value)
    assert "no *.jsonl" not in str(caught.value)
    assert engine.knowledge is before


def test_an_unreadable_corpus_file_is_named_as_no_permission(small_corpus, monkeypatch):
    engine = Engine.from_corpus(small_corpus)
    write_corpus_file(small_corpus / "museum.jsonl", [MUSEUM])
    real_open = io.open

    def locked(path, *args, **kwargs):
        if os.fspath(path).endswith("museum.jsonl"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(io, "open", locked)
    with pytest.raises(CorpusError) as caught:
        engine.reload()
    assert str(caught.value) == f"{small_corpus / 'museum.jsonl'}: cannot be read (没有权限)"


def test_an_unreadable_index_is_passed_over_and_the_corpus_served_from_memory(small_corpus, monkeypatch, caplog):
    Engine.from_corpus(small_corpus)  # the saved index exists
    write_corpus_file(small_corpus / "museum.jsonl", [MUSEUM])
    deny(monkeypatch, small_corpus / ".index")
    with caplog.at_level(logging.WARNING):
        engine = Engine.from_corpus(small_corpus)  # a fresh start
        assert engine.reload().articles == 5
    assert "3月18日" in engine.ask(MUSEUM_QUESTION).sentence
    assert f"{small_corpus / '.index'}" in caplog.text and "没有权限" in caplog.text


def test_console_survives_a_reload_that_fails_on_permissions(small_corpus, monkeypatch):
    engine = Engine.from_corpus(small_corpus)
    out = io.StringIO()
    session = ConsoleSession(engine, out)
    with pytest.MonkeyPatch.context() as locked:
        deny(locked, small_corpus)
        assert session.handle("/reload")
    assert session.handle(FESTIVAL)
    reply, answer, _source = out.getvalue().splitlines()
    assert reply.startswith("重新加载失败，继续使用原来的语料：") and "没有权限" in reply
    assert FESTIVAL_FACT in answer


# ================================================================ 4: permissions, for real

AS_UNPRIVILEGED = """
import os, sys
import jieba, numpy, scipy.sparse, tqdm  # everything the run imports, loaded while the interpreter is readable
import bot.answer, bot.cache, bot.cli, bot.console, bot.engine, bot.ranker, bot.text, bot.thesaurus
jieba.initialize()
bot.text.base_tags(), bot.thesaurus.known(""), bot.ranker.default_model()  # data files of installed packages
import cn2an; cn2an.cn2an("一百", "smart")  # (and packages imported on first use) may be unreadable to nobody
if os.geteuid() == 0:
    import pwd
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)
sys.exit(bot.cli.main(sys.argv[1:]))
"""


@pytest.fixture
def open_folder():
    """A corpus folder an unprivileged user can reach (pytest's tmp_path sits inside a private folder)."""
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("nobody")
        except KeyError:
            pytest.skip("no unprivileged user to run as")
    top = Path(tempfile.mkdtemp())
    top.chmod(0o755)
    folder = top / "corpus"
    write_corpus_file(folder / "small.jsonl", SMALL_ARTICLES)
    yield folder
    for path in (folder, folder / ".index"):
        if path.exists():
            path.chmod(0o755)
    shutil.rmtree(top)


def unprivileged(*args: str, **kwargs):
    return subprocess.Popen([sys.executable, "-c", AS_UNPRIVILEGED, *args], cwd=ROOT, text=True, encoding="utf-8",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def test_a_fresh_start_with_an_unreadable_index_answers_and_logs_the_path(open_folder):
    Engine.from_corpus(open_folder)
    index = open_folder / ".index"
    index.chmod(0)
    process = unprivileged("ask", "--corpus", str(open_folder), FESTIVAL)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert FESTIVAL_FACT in out and "Traceback" not in err
    assert str(index) in err and "没有权限" in err


def test_console_reload_of_an_unreadable_folder_says_no_permission_and_the_session_goes_on(open_folder):
    process = unprivileged("console", "--corpus", str(open_folder), stdin=subprocess.PIPE)

    def say(line: str, replies: int) -> list[str]:
        process.stdin.write(line + "\n")
        process.stdin.flush()
        return [process.stdout.readline().rstrip("\n") for _ in range(replies)]

    try:
        assert FESTIVAL_FACT in say(FESTIVAL, 2)[0]
        open_folder.chmod(0)
        (reply,) = say("/reload", 1)
        assert reply == f"重新加载失败，继续使用原来的语料：{open_folder}: corpus folder cannot be listed (没有权限)"
        assert FESTIVAL_FACT in say(FESTIVAL, 2)[0]
        open_folder.chmod(0o755)
        assert say("/reload", 1)[0].startswith("已重新加载：4 篇文章")
    finally:
        open_folder.chmod(0o755)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and "Traceback" not in err


# ================================================================ 7: /reload spam

def hold_first_build(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """The first build waits, after reading the folder, until the test sets the second event."""
    loaded, release = threading.Event(), threading.Event()
    real_load = bot.engine._load

    def held(*args):
        result = real_load(*args)
        if not loaded.is_set():
            loaded.set()
            assert release.wait(WAIT)
        return result

    monkeypatch.setattr(bot.engine, "_load", held)
    return loaded, release


def test_reloads_asked_for_while_one_builds_share_a_single_follow_up_build(small_corpus, monkeypatch):
    engine = Engine.from_corpus(small_corpus)
    loaded, release = hold_first_build(monkeypatch)
    first = engine.request_reload()
    assert loaded.wait(WAIT)  # the first build has read the folder: a change now needs another build
    write_corpus_file(small_corpus / "museum.jsonl", [MUSEUM])
    later, reports = [], []

    def admin() -> None:  # as each /reload handler does: ask, then wait for the report
        later.append(engine.request_reload())
        reports.append(later[-1].result(WAIT))

    waiting = [threading.Thread(target=admin) for _ in range(19)]
    for thread in waiting:
        thread.start()
    while len(later) < len(waiting):  # every request is in before the first build may finish
        assert first.running()
        threading.Event().wait(0.01)
    release.set()
    for thread in waiting:
        thread.join(WAIT)
    assert first.result(WAIT).articles == 4
    assert all(f is later[0] for f in later) and [r.articles for r in reports] == [5] * 19
    assert engine.builds == 2  # 20 requests: the one running and a single follow-up
    assert "3月18日" in engine.ask(MUSEUM_QUESTION).sentence
    assert engine.reload().articles == 5 and engine.builds == 3  # an idle engine builds at once


def test_a_failed_build_is_reported_to_every_request_it_served_and_the_next_one_builds_again(small_corpus):
    engine = Engine.from_corpus(small_corpus)
    (small_corpus / "bad.jsonl").write_text("{\n", encoding="utf-8")
    futures = [engine.request_reload() for _ in range(3)]
    for future in futures:
        with pytest.raises(CorpusError, match="bad.jsonl, line 1"):
            future.result(WAIT)
    (small_corpus / "bad.jsonl").unlink()
    assert engine.reload().articles == 4


# ================================================================ 10: entries that are not files

def odd_entries(folder: Path) -> dict[str, str]:
    """Entries named like corpus files that cannot be read as one; name -> the reason the reload gives."""
    (folder / "loop.jsonl").symlink_to(folder / "loop.jsonl")
    (folder / "dangling.jsonl").symlink_to(folder / "nowhere.jsonl")
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "archive.jsonl").mkdir()
    return {"loop.jsonl": "符号链接循环", "dangling.jsonl": "符号链接指向的文件不存在",
            "pipe.jsonl": "是命名管道（FIFO），不是普通文件", "archive.jsonl": "是文件夹，不是文件"}


def test_each_skipped_entry_is_named_in_the_reload_report_and_the_log(small_corpus, caplog):
    engine = Engine.from_corpus(small_corpus)
    expected = odd_entries(small_corpus)
    with caplog.at_level(logging.WARNING):
        report = engine.reload()
    assert report.articles == 4
    assert {s.path.name: s.reason for s in report.skipped} == expected
    for name, reason in expected.items():
        assert f"skipped corpus entry {small_corpus / name}: {reason}" in caplog.text


def test_the_console_reload_reply_names_each_skipped_entry(small_corpus):
    engine = Engine.from_corpus(small_corpus)
    expected = odd_entries(small_corpus)
    out = io.StringIO()
    ConsoleSession(engine, out).handle("/reload")
    done, skipped = out.getvalue().splitlines()
    assert done.startswith("已重新加载：4 篇文章")
    assert skipped.startswith("跳过了不是普通文件的条目：")
    for name, reason in expected.items():
        assert f"{name}（{reason}）" in skipped


def test_skipped_entries_are_logged_at_a_fresh_start(small_corpus, caplog):
    odd_entries(small_corpus)
    with caplog.at_level(logging.WARNING):
        assert Engine.from_corpus(small_corpus).article_count == 4
    assert caplog.text.count("skipped corpus entry") == 4


# ================================================================ through Telegram (the real ptb against the fake Bot API)

def test_telegram_admin_hears_the_disk_is_full_with_the_path_and_the_next_reload_builds_the_seed(seeded):
    from fake_bot_api import replies
    from test_chat import ADMIN, drive

    engine, target = seeded

    async def scenario(fake, app):
        with pytest.MonkeyPatch.context() as disk:
            full_disk(disk, target.parent)
            fake.message("/reload", sender=ADMIN)
            (failed,) = await replies(fake, ADMIN["id"], 1)
        assert failed.params["text"] == f"重新加载失败，继续使用原来的语料：{target}: 磁盘已满"
        fake.message("/reload", sender=ADMIN)
        built = (await replies(fake, ADMIN["id"], 2))[1].params["text"]
        assert built.startswith("已重新加载：") and built.endswith(f"新建语料文件：{SEED.name}")

    drive(engine, scenario)
    assert EXPO_FACT in engine.ask(EXPO).sentence


def test_telegram_reload_spam_costs_two_builds_and_every_admin_message_gets_the_report(small_corpus, monkeypatch):
    from fake_bot_api import replies
    from test_chat import ADMIN, READER, answer_to, drive

    engine = Engine.from_corpus(small_corpus)
    loaded, release = hold_first_build(monkeypatch)
    requests, request = [], engine.request_reload
    monkeypatch.setattr(engine, "request_reload", lambda: requests.append(request()) or requests[-1])

    async def scenario(fake, app):
        fake.message("/reload", sender=ADMIN)
        assert await asyncio.to_thread(loaded.wait, WAIT)
        write_corpus_file(small_corpus / "museum.jsonl", [MUSEUM])
        for _ in range(19):
            fake.message("/reload", sender=ADMIN)
        fake.message(FESTIVAL, sender=READER)  # answered while 20 reloads are pending
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(engine, FESTIVAL)
        for _ in range(int(WAIT / 0.01)):  # every /reload has been asked for before the first build may finish
            if len(requests) == 20:
                break
            await asyncio.sleep(0.01)
        assert len(requests) == 20 and not requests[0].done()
        release.set()
        sent = [c.params["text"] for c in await replies(fake, ADMIN["id"], 20)]
        assert sum(t.startswith("已重新加载：4 篇文章") for t in sent) == 1
        assert sum(t.startswith("已重新加载：5 篇文章") for t in sent) == 19

    drive(engine, scenario)
    assert engine.builds == 2
