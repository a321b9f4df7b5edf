"""The saved index (bot/cache.py): a restart loads it without tokenizing, a changed file invalidates it and only that
file is tokenized again, broken cache files are rebuilt, and questions are answered while a reload runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import bot.cache
import bot.segments
from bot.answer import answer
from bot.cache import INDEX_DIR, load_knowledge
from bot.tables import SentenceTable
from bot.corpus import Article, load_corpus, write_corpus_file
from bot.engine import Engine
from bot.knowledge import build_knowledge
from bot.text import Tokenizer

from conftest import SMALL_ARTICLES

QUESTIONS = ["湘音节什么时候举行?", "城东区新建了几所学校?", "株洲图书馆为什么延长开放时间?", "谁组织工人抢修道路?",
             "北京冬奥会什么时候开幕?"]
MUSEUM = Article(id="m-001", title="株洲博物馆 新馆开放", byline="记者/钱七", text=(
    "株洲博物馆新馆于3月18日正式开放,展厅面积1.2万平方米。\n新馆每周一闭馆,其余时间免费参观。"))
WAIT = 30


@pytest.fixture
def folder(tmp_path) -> Path:
    """Two corpus files, so that one can change while the other stays."""
    live = tmp_path / "corpus"
    write_corpus_file(live / "a.jsonl", SMALL_ARTICLES[:2])
    write_corpus_file(live / "b.jsonl", SMALL_ARTICLES[2:])
    return live


@pytest.fixture
def tokenized(monkeypatch) -> list[list[str]]:
    """Records the article ids of every passage_parts call: which files were tokenized."""
    calls: list[list[str]] = []
    original = bot.cache.passage_parts

    def recording(articles, tokenizer):
        articles = list(articles)
        calls.append([a.id for a in articles])
        return original(articles, tokenizer)

    monkeypatch.setattr(bot.cache, "passage_parts", recording)
    return calls


def snapshots(folder: Path) -> list[Path]:
    """The segment folders of the saved index."""
    return sorted((folder / INDEX_DIR).glob("seg-*"))


def same_search(loaded, built, question: str) -> bool:
    """Same top 10 (documents and scores) and the same score for every passage."""
    tokens = built.tokenizer.tokens(question)
    return (loaded.index.search(tokens) == built.index.search(tokens)
            and np.array_equal(loaded.index.scores(tokens), built.index.scores(tokens)))


def test_a_loaded_snapshot_answers_exactly_as_the_knowledge_built_in_memory(folder):
    built = build_knowledge(load_corpus(folder))
    loaded = load_knowledge(folder)
    assert isinstance(loaded.sentences, SentenceTable)
    assert list(loaded.articles) == list(built.articles) and list(loaded.sentences) == list(built.sentences)
    assert list(loaded.sentence_tokens) == list(built.sentence_tokens)
    assert dict(loaded.sentence_df) == dict(built.sentence_df) and loaded.abbreviations == built.abbreviations
    assert loaded.index.vocabulary.keys() == built.index.vocabulary.keys()
    assert all(same_search(loaded, built, q) for q in QUESTIONS)
    assert loaded.tokenizer.user_words == built.tokenizer.user_words
    for question in QUESTIONS:
        assert answer(loaded, question) == answer(built, question)


def test_a_restart_loads_the_snapshot_without_tokenizing(folder, tokenized):
    load_knowledge(folder)
    assert len(tokenized) == 2
    again = load_knowledge(folder)
    assert len(tokenized) == 2 and len(snapshots(folder)) == 1
    assert "10月5日至7日" in answer(again, QUESTIONS[0]).sentence


def test_a_changed_file_invalidates_the_snapshot_and_only_that_file_is_tokenized_again(folder, tokenized):
    first = load_knowledge(folder)
    (before,) = snapshots(folder)
    write_corpus_file(folder / "b.jsonl", [*SMALL_ARTICLES[2:], MUSEUM])
    tokenized.clear()
    second = load_knowledge(folder)
    assert tokenized == [[a.id for a in [*SMALL_ARTICLES[2:], MUSEUM]]]
    assert snapshots(folder) != [before] and len(snapshots(folder)) == 1  # the old one is pruned
    assert len(first.articles) == 4 and len(second.articles) == 5  # the old snapshot, still mapped, is whole
    assert "3月18日" in answer(second, "株洲博物馆新馆什么时候开放?").sentence
    assert answer(second, QUESTIONS[0]) == answer(build_knowledge(load_corpus(folder)), QUESTIONS[0])


def test_a_new_dictionary_word_re_tokenizes_in_the_background_only_the_files_whose_text_holds_it(folder, tokenized):
    engine = Engine.from_corpus(folder)
    # “橘子洲” becomes a user-dictionary word (a quoted term); of the older files only a.jsonl mentions 橘子洲
    write_corpus_file(folder / "c.jsonl", [Article(id="c-001", title="橘子洲 焰火", text="“橘子洲”焰火晚会今晚举行。")])
    tokenized.clear()
    engine.reload()
    assert tokenized[0] == ["c-001"]  # the reload tokenizes the new file; the older files follow in the background
    knowledge = engine.knowledge
    (hit, *_) = knowledge.index.search(knowledge.tokenizer.tokens("橘子洲焰火晚会"))
    assert knowledge.sentences[hit.doc].text == "“橘子洲”焰火晚会今晚举行。"
    bot.cache.wait_for_background(WAIT)
    assert sorted(tokenized) == [["c-001"], ["t-001", "t-002"]]
    knowledge = load_knowledge(folder)
    assert any("橘子洲" in tokens for tokens in knowledge.sentence_tokens[:6])
    assert_as_built(knowledge, folder)
    for _ in range(int(WAIT / 0.05)):  # the engine heard of the commit and reloaded
        if any("橘子洲" in tokens for tokens in engine.knowledge.sentence_tokens[:6]):
            break
        threading.Event().wait(0.05)
    assert_as_built(engine.knowledge, folder)


def test_new_code_rebuilds_everything(folder, tokenized, monkeypatch):
    load_knowledge(folder)
    monkeypatch.setattr(bot.cache, "TOKENIZING_CODE", "changed")
    monkeypatch.setattr(bot.cache, "SNAPSHOT_CODE", "changed")
    tokenized.clear()
    load_knowledge(folder)
    assert len(tokenized) == 2 and len(snapshots(folder)) == 1


def test_a_file_changed_to_the_same_size_is_noticed(folder):
    load_knowledge(folder)
    path = folder / "a.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("橘子洲", "岳麓山"), encoding="utf-8")
    assert "岳麓山" in answer(load_knowledge(folder), "湘音节在哪里举行?").sentence


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def _flip_last_byte_keeping_times(path: Path) -> None:
    before = path.stat()
    _flip_last_byte(path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time still moves


def _zero(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def _reverse_terms(index_dir: Path) -> None:
    (terms,) = index_dir.glob("terms-*.json")
    terms.write_text(json.dumps(json.loads(terms.read_text(encoding="utf-8"))[::-1], ensure_ascii=False),
                     encoding="utf-8")


DAMAGES = {
    "truncated array": lambda seg, root: (seg / "docs.npy").write_bytes((seg / "docs.npy").read_bytes()[:-8]),
    "garbage array": lambda seg, root: (seg / "docs.npy").write_bytes(b"\x93NUMPY garbage"),
    "missing array": lambda seg, root: (seg / "tf.npy").unlink(),
    "zeroed postings, same size": lambda seg, root: _zero(seg / "tf.npy"),
    "one flipped byte of text": lambda seg, root: _flip_last_byte(seg / "sentence_text.npy"),
    "one flipped byte of token ids": lambda seg, root: _flip_last_byte(seg / "token_ids.npy"),
    "one flipped byte, file times put back": lambda seg, root: _flip_last_byte_keeping_times(seg / "docs.npy"),
    "reversed terms": lambda seg, root: _reverse_terms(root),
    "malformed segment description": lambda seg, root: (seg / "segment.json").write_text("{not json"),
    "malformed commit": lambda seg, root: (root / "commit.json").write_text("[1, 2"),
    "commit of wrong types": lambda seg, root: (root / "commit.json").write_text('{"body": 3, "crc": []}'),
    "malformed vocabulary": lambda seg, root: [p.write_text('{"user_words": 5}') for p in root.glob("vocab-*.json")],
    "malformed catalog": lambda seg, root: [p.write_text("[]") for p in root.glob("catalog-*.json")],
    "malformed files.json": lambda seg, root: (root / "files.json").write_text('{"a.jsonl": [1, "x", {}]}'),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_index_is_detected_and_rebuilt(folder, damage):
    built = build_knowledge(load_corpus(folder))
    load_knowledge(folder)
    (segment,) = snapshots(folder)
    DAMAGES[damage](segment, folder / INDEX_DIR)
    knowledge = load_knowledge(folder)
    assert "10月5日至7日" in answer(knowledge, QUESTIONS[0]).sentence
    assert list(knowledge.sentences) == list(built.sentences) and list(knowledge.articles) == list(built.articles)
    assert all(same_search(knowledge, built, q) for q in QUESTIONS)
    again = load_knowledge(folder)  # the rebuilt index is whole and used
    assert len(snapshots(folder)) == 1 and all(same_search(again, built, q) for q in QUESTIONS)


@pytest.mark.parametrize("damage", ["garbage", "wrong shape", "wrong words"])
def test_a_damaged_or_misshapen_tokenization_shard_is_tokenized_again(folder, tokenized, damage):
    load_knowledge(folder)
    for shard in (folder / INDEX_DIR / "files").glob("*.npz"):
        if damage == "garbage":
            shard.write_bytes(b"PK not a zip")
            continue
        with np.load(shard) as data:
            arrays = dict(data)
        meta = json.loads(str(arrays["meta"]))
        if damage == "wrong shape":
            arrays["positions"] = arrays["positions"].reshape(-1)
        else:
            meta["words"] = 17
        arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False))
        with shard.open("wb") as handle:
            np.savez(handle, **arrays)
    (folder / INDEX_DIR / "commit.json").unlink()
    tokenized.clear()
    knowledge = load_knowledge(folder)
    assert len(tokenized) == 2 and "10月5日至7日" in answer(knowledge, QUESTIONS[0]).sentence


def test_a_damaged_file_cache_is_tokenized_again(folder, tokenized):
    load_knowledge(folder)
    for shard in (folder / INDEX_DIR / "files").glob("*.npz"):
        shard.write_bytes(b"PK not a zip")
    shutil.rmtree(snapshots(folder)[0])
    tokenized.clear()
    knowledge = load_knowledge(folder)
    assert len(tokenized) == 2 and "10月5日至7日" in answer(knowledge, QUESTIONS[0]).sentence


def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_leftovers_of_dead_processes_are_removed_at_start_and_those_of_live_ones_kept(folder):
    index_dir = folder / INDEX_DIR
    dead, alive = index_dir / f"tmp-{dead_pid()}-deadbeef", index_dir / f"tmp-{os.getpid()}-cafebabe"
    for leftover in (dead, alive):
        leftover.mkdir(parents=True)
        (leftover / "data.npy").write_bytes(b"half")
    (index_dir / "files").mkdir()
    shard_leftover = index_dir / "files" / f"tmp-{dead_pid()}-0badf00d.npz"
    shard_leftover.write_bytes(b"half")
    (index_dir / "files.json").write_text("[1, 2", encoding="utf-8")
    assert "10月5日至7日" in answer(load_knowledge(folder), QUESTIONS[0]).sentence
    assert not dead.exists() and not shard_leftover.exists() and alive.exists()


def test_an_unwritable_cache_serves_the_knowledge_from_memory(folder, monkeypatch):
    def refuse(*args):
        raise PermissionError("read-only")

    monkeypatch.setattr(bot.segments, "write", refuse)
    knowledge = load_knowledge(folder)
    assert not (folder / INDEX_DIR / "commit.json").exists() and not snapshots(folder)
    assert "10月5日至7日" in answer(knowledge, QUESTIONS[0]).sentence


def test_two_threads_loading_the_same_folder_both_get_the_snapshot(folder):
    results = []
    threads = [threading.Thread(target=lambda: results.append(load_knowledge(folder))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert len(results) == 2 and all(len(k.articles) == 4 for k in results)
    assert len(snapshots(folder)) == 1


def test_questions_are_answered_from_the_old_snapshot_while_a_reload_runs(folder, monkeypatch):
    engine = Engine.from_corpus(folder)
    write_corpus_file(folder / "b.jsonl", [MUSEUM])  # the reload drops three articles and adds the museum
    building, release = threading.Event(), threading.Event()
    original = bot.cache.compose

    def held_build(*args, **kwargs):
        building.set()
        assert release.wait(WAIT)
        return original(*args, **kwargs)

    monkeypatch.setattr(bot.cache, "compose", held_build)
    reload = threading.Thread(target=engine.reload)
    reload.start()
    try:
        assert building.wait(WAIT)
        during = engine.ask("株洲图书馆每天开放到几点?")  # t-003, gone from the new corpus
        assert reload.is_alive()  # answered while the reload was still building
        assert "晚上9点" in during.sentence
    finally:
        release.set()
        reload.join(WAIT)
    assert engine.article_count == 3 and "3月18日" in engine.ask("株洲博物馆新馆什么时候开放?").sentence


def test_the_cache_stays_inside_the_corpus_folder_and_records_file_digests(folder):
    load_knowledge(folder)
    digests = json.loads((folder / INDEX_DIR / "files.json").read_text(encoding="utf-8"))
    assert sorted(digests) == ["a.jsonl", "b.jsonl"]
    assert {p.name for p in folder.iterdir()} == {"a.jsonl", "b.jsonl", INDEX_DIR}


# ---------------------------------------------------------------- several segments: add, change, remove, merge

def files_of(folder: Path) -> list[tuple[str, ...]]:
    """The corpus files each committed segment holds, in order."""
    body = json.loads((folder / INDEX_DIR / "commit.json").read_text(encoding="utf-8"))["body"]
    return [tuple(json.loads((folder / INDEX_DIR / name / "segment.json").read_text(encoding="utf-8"))["files"][i][0]
                  for i in range(len(json.loads((folder / INDEX_DIR / name / "segment.json").read_text())["files"])))
            for name, _ in body["segments"]]


def assert_as_built(knowledge, folder: Path) -> None:
    """The saved index serves exactly what a build in memory of the whole folder serves."""
    built = build_knowledge(load_corpus(folder))
    assert list(knowledge.sentences) == list(built.sentences) and list(knowledge.articles) == list(built.articles)
    assert dict(knowledge.sentence_df) == dict(built.sentence_df)
    for question in [*QUESTIONS, "株洲博物馆新馆什么时候开放?", "株洲图书馆每天开放到几点?"]:
        tokens = built.tokenizer.tokens(question)
        ours, theirs = knowledge.index.search(tokens), built.index.search(tokens)
        assert [h.doc for h in ours] == [h.doc for h in theirs]
        assert np.allclose([h.score for h in ours], [h.score for h in theirs], rtol=1e-12, atol=0)
        assert answer(knowledge, question) == answer(built, question)


@pytest.fixture
def many(tmp_path, monkeypatch) -> Path:
    """Four files, at most 3 passages a segment: the first build makes several segments."""
    monkeypatch.setattr(bot.cache, "SEGMENT_TARGET", 3)
    monkeypatch.setattr(bot.cache, "MERGE_AT", 100)
    live = tmp_path / "corpus"
    for number, article in enumerate(SMALL_ARTICLES):
        write_corpus_file(live / f"{number}.jsonl", [article])
    return live


def test_a_first_build_groups_files_into_segments_and_serves_as_one_index(many):
    knowledge = load_knowledge(many)
    assert files_of(many) == [("0.jsonl",), ("1.jsonl",), ("2.jsonl",), ("3.jsonl",)]
    assert len(knowledge.index.segments) == 4
    assert_as_built(knowledge, many)
    assert_as_built(load_knowledge(many), many)


def test_adding_a_file_writes_one_segment_and_tokenizes_only_that_file(many, tokenized):
    load_knowledge(many)
    before = set(snapshots(many))
    write_corpus_file(many / "4.jsonl", [MUSEUM])
    tokenized.clear()
    knowledge = load_knowledge(many)
    assert tokenized == [["m-001"]]
    assert before < set(snapshots(many)) and len(set(snapshots(many)) - before) == 1
    assert "3月18日" in answer(knowledge, "株洲博物馆新馆什么时候开放?").sentence
    assert_as_built(knowledge, many)


def test_a_reload_maps_only_the_segments_the_snapshot_it_replaces_does_not_hold(many, monkeypatch):
    engine = Engine.from_corpus(many)
    read: list[str] = []
    original = bot.segments.read
    monkeypatch.setattr(bot.segments, "read", lambda folder, *rest: read.append(folder.name) or original(folder, *rest))
    write_corpus_file(many / "4.jsonl", [MUSEUM])
    engine.reload()
    assert len(read) == 1 and files_of(many)[-1] == ("4.jsonl",)  # the new segment, read back once written
    assert "3月18日" in engine.ask("株洲博物馆新馆什么时候开放?").sentence
    # a segment changed on disk after it was checked is read and checked again, not trusted
    segment = snapshots(many)[0]
    (segment / "lengths.npy").write_bytes((segment / "lengths.npy").read_bytes())  # same bytes, a new time
    read.clear()
    Engine.from_corpus(many)
    assert read == [segment.name]
    # and a segment no snapshot holds any longer is forgotten: its maps (and their open files) are released
    del engine
    import gc

    gc.collect()
    alive = [k for k, v in bot.cache._segments_seen.items() if v[2]() is not None]
    assert not [k for k in alive if Path(k[0]).parent == many / INDEX_DIR]


def test_a_new_process_reads_the_checksums_only_of_files_changed_since_they_were_written(many, monkeypatch):
    load_knowledge(many)
    summed: list[str] = []
    original = bot.segments.file_crc
    monkeypatch.setattr(bot.segments, "file_crc", lambda path: summed.append(path.name) or original(path))
    bot.cache._segments_seen.clear()  # what a new process remembers
    knowledge = load_knowledge(many)
    assert summed == [] and "10月5日至7日" in answer(knowledge, QUESTIONS[0]).sentence
    segment = snapshots(many)[0]
    shutil.copy2(segment / "tf.npy", copy := segment / "tf.copy")  # a copy keeps bytes and times, not the inode
    os.replace(copy, segment / "tf.npy")
    bot.cache._segments_seen.clear()
    assert_as_built(load_knowledge(many), many)
    assert summed == ["tf.npy"]


def test_changing_or_removing_a_file_rewrites_only_its_segment(many, tokenized):
    load_knowledge(many)
    before = set(snapshots(many))
    write_corpus_file(many / "1.jsonl", [SMALL_ARTICLES[1], MUSEUM])
    tokenized.clear()
    knowledge = load_knowledge(many)
    assert tokenized == [["t-002", "m-001"]] and len(before - set(snapshots(many))) == 1
    assert_as_built(knowledge, many)
    (many / "2.jsonl").unlink()
    kept = set(snapshots(many))
    knowledge = load_knowledge(many)
    assert len(kept - set(snapshots(many))) == 1 and not set(snapshots(many)) - kept  # one segment gone, none new
    assert "株洲图书馆" not in " ".join(a.title for a in knowledge.articles)
    assert_as_built(knowledge, many)


def test_a_file_inserted_between_others_keeps_file_order(many):
    load_knowledge(many)
    write_corpus_file(many / "1a.jsonl", [MUSEUM])
    knowledge = load_knowledge(many)
    assert [a.id for a in knowledge.articles] == ["t-001", "t-002", "m-001", "t-003", "t-004"]
    assert_as_built(knowledge, many)


def test_many_small_segments_are_merged_in_the_background_with_the_same_results(many, monkeypatch):
    write_corpus_file(many / "4.jsonl", [MUSEUM])
    knowledge = load_knowledge(many)
    assert len(knowledge.index.segments) == 5
    monkeypatch.setattr(bot.cache, "MERGE_AT", 2)
    monkeypatch.setattr(bot.cache, "SEGMENT_TARGET", 5)
    write_corpus_file(many / "5.jsonl", [Article(id="m-002", title="株洲 新馆", text="新馆设有青少年体验区。")])
    knowledge = load_knowledge(many)  # answers at once from six segments; the merge runs behind
    bot.cache.wait_for_background(WAIT)
    assert len(knowledge.index.segments) == 6
    assert_as_built(knowledge, many)
    merged = load_knowledge(many)
    assert len(merged.index.segments) == 3 and len(snapshots(many)) == 3  # merged ones replaced, old ones removed
    assert [f for group in files_of(many) for f in group] == [f"{n}.jsonl" for n in range(6)]
    assert_as_built(merged, many)


def test_merge_policy_packs_adjacent_small_segments_up_to_the_target(monkeypatch):
    monkeypatch.setattr(bot.cache, "SEGMENT_TARGET", 10)
    monkeypatch.setattr(bot.cache, "MERGE_AT", 3)
    assert bot.cache.merge_plan([10, 2, 2, 10]) == []  # few small segments: left alone
    assert bot.cache.merge_plan([10, 2, 2, 3, 4, 10, 1]) == [(1, 4)]  # 2+2+3 fit, then 4 alone, 1 alone
    assert bot.cache.merge_plan([3, 3, 3, 3, 3]) == [(0, 3), (3, 5)]
    assert bot.cache.merge_plan([12, 9, 9, 9, 9]) == []  # no two fit together


# ---------------------------------------------------------------- kill -9 at any point of a build, reload or merge

KILLER = r"""
import os, pathlib, shutil, signal, sys
import numpy as np
import bot.cache, bot.segments

bot.cache.SEGMENT_TARGET, bot.cache.MERGE_AT = int(sys.argv[3]), int(sys.argv[4])
count, kill_at = 0, int(sys.argv[2])


def hooked(function):
    def step(*args, **kwargs):
        global count
        count += 1
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return step


# every write, rename and removal the index makes is a point where the process may die
os.replace, np.save, shutil.rmtree = hooked(os.replace), hooked(np.save), hooked(shutil.rmtree)
pathlib.Path.unlink, pathlib.Path.mkdir = hooked(pathlib.Path.unlink), hooked(pathlib.Path.mkdir)
bot.cache._write_bytes, bot.segments._write_bytes = hooked(bot.cache._write_bytes), hooked(bot.segments._write_bytes)
bot.cache.load_knowledge(pathlib.Path(sys.argv[1]))
bot.cache.wait_for_background()
print(count)
"""


def run_killer(folder: Path, kill_at: int, target: int, merge_at: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLER, str(folder), str(kill_at), str(target), str(merge_at)],
                          cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=120)


def crash_points(total: int, rng) -> list[int]:
    """Two points at random (the slow run tries every one)."""
    return rng.sample(range(1, total + 1), min(2, total))


def prepare_scenario(folder: Path, scenario: str, monkeypatch) -> tuple[int, int]:
    """Set up the corpus so that the killed process does a build, a reload or a reload then a merge."""
    monkeypatch.setattr(bot.cache, "SEGMENT_TARGET", 3)
    for number, article in enumerate(SMALL_ARTICLES):
        write_corpus_file(folder / f"{number}.jsonl", [article])
    if scenario == "build":
        return 3, 100
    load_knowledge(folder)
    write_corpus_file(folder / "1.jsonl", [SMALL_ARTICLES[1], MUSEUM])
    write_corpus_file(folder / "4.jsonl", [Article(id="m-002", title="株洲 新馆", text="新馆设有青少年体验区。")])
    return (3, 100) if scenario == "reload" else (5, 2)


def crash_and_restart(tmp_path: Path, scenario: str, monkeypatch, every: bool) -> None:
    """Kill a process doing the scenario at some of its writes (every: at each one), then start clean."""
    import random

    folder = tmp_path / "corpus"
    target, merge_at = prepare_scenario(folder, scenario, monkeypatch)
    pristine = tmp_path / "pristine"
    shutil.copytree(folder, pristine)
    counted = run_killer(folder, 0, target, merge_at)
    assert counted.returncode == 0, counted.stderr
    total = int(counted.stdout.split()[-1])
    for point in range(1, total + 1) if every else crash_points(total, random.Random(scenario)):
        shutil.rmtree(folder)
        shutil.copytree(pristine, folder)
        killed = run_killer(folder, point, target, merge_at)
        assert killed.returncode == -9, (point, killed.stderr)
        knowledge = load_knowledge(folder)  # a clean start
        assert_as_built(knowledge, folder)
        assert not list((folder / INDEX_DIR).glob("tmp-*"))  # the dead process's temporaries are gone
        assert_as_built(load_knowledge(folder), folder)  # and what it committed is whole


@pytest.mark.parametrize("scenario", ["build", "reload", "merge"])
def test_a_process_killed_during_a_build_reload_or_merge_leaves_an_index_used_whole_or_rebuilt(
        tmp_path, scenario, monkeypatch):
    crash_and_restart(tmp_path, scenario, monkeypatch, every=False)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", ["build", "reload", "merge"])
def test_a_kill_at_every_write_of_a_build_reload_or_merge_leaves_an_index_used_whole_or_rebuilt(
        tmp_path, scenario, monkeypatch):
    crash_and_restart(tmp_path, scenario, monkeypatch, every=True)


def test_the_saved_jieba_dictionary_cuts_exactly_as_a_new_one_and_a_damaged_one_is_made_again(folder, monkeypatch):
    monkeypatch.setattr(bot.cache, "_last_tokenizer", None)  # not the one an earlier test made in this process
    knowledge = load_knowledge(folder)
    words = dict(knowledge.tokenizer.user_words)
    (saved,) = (folder / INDEX_DIR).glob("jieba-*.marshal")
    monkeypatch.setattr(bot.cache, "_last_tokenizer", None)
    restored = bot.cache.tokenizer_for(words, folder / INDEX_DIR)
    fresh = Tokenizer(words)
    for article in SMALL_ARTICLES:
        assert restored.tokens(article.text) == fresh.tokens(article.text)
        assert restored.tagged(article.text) == fresh.tagged(article.text)
    _flip_last_byte(saved)
    monkeypatch.setattr(bot.cache, "_last_tokenizer", None)
    remade = bot.cache.tokenizer_for(words, folder / INDEX_DIR)
    assert remade.tagged(SMALL_ARTICLES[0].text) == fresh.tagged(SMALL_ARTICLES[0].text)
