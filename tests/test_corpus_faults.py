"""Corpus faults met on a reload: each gives a clear message naming the file (and line), and the engine keeps
serving the snapshot it had — the same object, the same answers, nothing already loaded lost.

test_corpus.py checks each fault's message when loading; here the angle is the running engine's reload.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

import bot.corpus
from bot.console import ConsoleSession
from bot.corpus import Article, CorpusError, write_corpus_file
from bot.engine import Engine

from conftest import SMALL_ARTICLES

KNOWN = "湘音节在哪里举行?"
KNOWN_FACT = "橘子洲"
EXTRA = Article(id="x-001", title="株洲博物馆 新馆开放", byline="记者/钱七", text=(
    "株洲博物馆新馆于3月18日正式开放,展厅面积1.2万平方米。\n新馆每周一闭馆,其余时间免费参观。"))
EXTRA_QUESTION = "株洲博物馆新馆什么时候开放?"
EXTRA_FACT = "3月18日"
GOOD_LINE = EXTRA.to_json().replace("x-001", "x-002").encode("utf-8")


@pytest.fixture
def folder(tmp_path) -> Path:
    live = tmp_path / "live"
    write_corpus_file(live / "small.jsonl", SMALL_ARTICLES)
    write_corpus_file(live / "extra.jsonl", [EXTRA])
    return live


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    """The snapshot of the five articles, built once: snapshots are immutable, so engines may share it."""
    start = tmp_path_factory.mktemp("start")
    write_corpus_file(start / "small.jsonl", SMALL_ARTICLES)
    write_corpus_file(start / "extra.jsonl", [EXTRA])
    return Engine.from_corpus(start).knowledge


@pytest.fixture
def engine(folder, knowledge) -> Engine:
    engine = Engine(knowledge, folder)  # as if built from folder, which holds the same files
    assert engine.article_count == 5 and EXTRA_FACT in engine.ask(EXTRA_QUESTION).sentence
    return engine


def broken_file(bad_line: bytes):
    """Write a new file whose second line is bad; the error must name it and line 2."""
    def make(folder: Path) -> tuple[str, int | None]:
        (folder / "new.jsonl").write_bytes(GOOD_LINE + b"\n" + bad_line + b"\n")
        return "new.jsonl", 2
    return make


def remove_folder(folder: Path) -> tuple[str, int | None]:
    shutil.rmtree(folder)
    return str(folder), None


def empty_folder(folder: Path) -> tuple[str, int | None]:
    for path in folder.iterdir():
        if path.is_file():
            path.unlink()
    return str(folder), None


def emptied_files(folder: Path) -> tuple[str, int | None]:
    for path in folder.iterdir():
        path.write_text("\n", encoding="utf-8")
    return str(folder), None


FAULTS = {
    "truncated line": (broken_file(b'{"id": "n-1", "title": "\xe6\x88\xaa\xe6\x96\xad", "text": "\xe6\xb2\xa1'),
                       "not a complete JSON object"),
    "invalid UTF-8": (broken_file(b'{"id": "n-1", "title": "\xff\xfe", "text": "x"}'), "not valid UTF-8"),
    "cut inside a character": (broken_file('{"id": "n-1", "title": "截断", "text": "没'.encode("utf-8")[:-1]),
                               "not valid UTF-8"),
    "unknown field": (broken_file(b'{"id": "n-1", "title": "t", "text": "x", "author": "a"}'), "unknown field(s) author"),
    "missing title": (broken_file(b'{"id": "n-1", "text": "x"}'), "'title' is missing or empty"),
    "not an object": (broken_file(b'"just a string"'), "must be a JSON object"),
    "missing folder": (remove_folder, "does not exist"),
    "empty folder": (empty_folder, "no *.jsonl file"),
    "files without articles": (emptied_files, "no article"),
}


def assert_old_snapshot_kept(engine: Engine, before, answer_before) -> None:
    assert engine.knowledge is before
    assert engine.article_count == 5
    assert engine.ask(KNOWN) == answer_before
    assert EXTRA_FACT in engine.ask(EXTRA_QUESTION).sentence  # the file loaded before is still served


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_on_reload_names_file_and_line_and_keeps_the_index(engine, folder, fault):
    make, problem = FAULTS[fault]
    before, answer_before = engine.knowledge, engine.ask(KNOWN)
    assert KNOWN_FACT in answer_before.sentence
    name, line = make(folder)
    with pytest.raises(CorpusError) as caught:
        engine.reload()
    message = str(caught.value)
    assert name in message and problem in message
    assert caught.value.line == line
    if line:
        assert f"{name}, line {line}: " in message
    assert_old_snapshot_kept(engine, before, answer_before)


def test_file_removed_during_a_reload_is_named_and_the_index_kept(engine, folder, monkeypatch):
    """The folder is listed, then a listed file vanishes before it is read (another process moving files)."""
    listed = bot.corpus.corpus_files

    def list_then_lose_one(corpus_dir):
        files = listed(corpus_dir)
        (corpus_dir / "extra.jsonl").unlink()
        return files

    monkeypatch.setattr(bot.corpus, "corpus_files", list_then_lose_one)
    before, answer_before = engine.knowledge, engine.ask(KNOWN)
    with pytest.raises(CorpusError) as caught:
        engine.reload()
    assert "extra.jsonl" in str(caught.value) and "cannot be read" in str(caught.value)
    assert_old_snapshot_kept(engine, before, answer_before)

    monkeypatch.setattr(bot.corpus, "corpus_files", listed)  # the next reload sees the folder as it now is
    assert engine.reload().articles == 4
    assert "3月18日" not in (engine.ask(EXTRA_QUESTION).sentence or "")  # the lost file's fact is gone


def test_folder_or_broken_link_named_like_a_corpus_file_does_not_break_a_reload(engine, folder):
    (folder / "locked.jsonl").mkdir()  # a directory named like a corpus file is skipped, not read
    (folder / "dangling.jsonl").symlink_to(folder / "nowhere.jsonl")  # a broken link is not a file either
    before = engine.knowledge
    assert engine.reload().articles == 5 and engine.knowledge is not before


def test_fixed_fault_is_picked_up_by_the_next_reload(engine, folder):
    before = engine.knowledge
    (folder / "new.jsonl").write_bytes(GOOD_LINE + b"\n" + b'{"id": "n-1", "ti')
    with pytest.raises(CorpusError):
        engine.reload()
    assert engine.knowledge is before
    (folder / "new.jsonl").write_bytes(GOOD_LINE + b"\n")
    assert engine.reload().articles == 6


def test_several_faults_in_a_row_never_lose_the_index(engine, folder):
    before, answer_before = engine.knowledge, engine.ask(KNOWN)
    for fault, (make, _) in FAULTS.items():
        if fault in ("missing folder",):
            continue
        make(folder)
        with pytest.raises(CorpusError):
            engine.reload()
        assert_old_snapshot_kept(engine, before, answer_before)
    remove_folder(folder)
    with pytest.raises(CorpusError):
        engine.reload()
    assert_old_snapshot_kept(engine, before, answer_before)


def test_console_reload_reports_the_fault_and_keeps_answering(engine, folder):
    out = io.StringIO()
    session = ConsoleSession(engine, out)
    (folder / "new.jsonl").write_bytes(GOOD_LINE + b"\n" + b'{"id": "n-1", "title": "t", "text": "x", "author": "a"}\n')
    session.handle("/reload")
    session.handle(KNOWN)
    reply, answer, _source = out.getvalue().splitlines()
    assert reply.startswith("重新加载失败，继续使用原来的语料：")
    assert "new.jsonl, line 2" in reply and "author" in reply
    assert KNOWN_FACT in answer
