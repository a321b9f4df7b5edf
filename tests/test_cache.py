"""The saved index (bot/cache.py): a restart loads it without tokenizing, a changed file invalidates it and only that
file is tokenized again, broken cache files are rebuilt, and questions are answered while a reload runs."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

import bot.cache
from bot.answer import answer
from bot.cache import INDEX_DIR, SentenceTable, TermCounts, load_knowledge
from bot.corpus import Article, load_corpus, write_corpus_file
from bot.engine import Engine
from bot.knowledge import build_knowledge

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
    return sorted((folder / INDEX_DIR).glob("snapshot-*"))


def test_a_loaded_snapshot_answers_exactly_as_the_knowledge_built_in_memory(folder):
    built = build_knowledge(load_corpus(folder))
    loaded = load_knowledge(folder)
    assert isinstance(loaded.sentences, SentenceTable)
    assert list(loaded.articles) == list(built.articles) and list(loaded.sentences) == list(built.sentences)
    assert list(loaded.sentence_tokens) == list(built.sentence_tokens)
    assert dict(loaded.sentence_df) == dict(built.sentence_df) and loaded.abbreviations == built.abbreviations
    assert loaded.index.vocabulary == built.index.vocabulary
    for name, array in built.index.arrays().items():
        assert np.array_equal(loaded.index.arrays()[name], array), name
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


def test_a_new_dictionary_word_re_tokenizes_only_the_files_whose_text_holds_it(folder, tokenized):
    load_knowledge(folder)
    # “橘子洲” becomes a user-dictionary word (a quoted term); only a.jsonl mentions 橘子洲
    write_corpus_file(folder / "c.jsonl", [Article(id="c-001", title="橘子洲 焰火", text="“橘子洲”焰火晚会今晚举行。")])
    tokenized.clear()
    knowledge = load_knowledge(folder)
    assert sorted(tokenized) == [["c-001"], ["t-001", "t-002"]]
    assert any("橘子洲" in tokens for tokens in knowledge.sentence_tokens)
    assert answer(knowledge, QUESTIONS[0]) == answer(build_knowledge(load_corpus(folder)), QUESTIONS[0])


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


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete", "meta"])
def test_a_damaged_snapshot_is_ignored_and_rebuilt(folder, damage):
    load_knowledge(folder)
    (snapshot,) = snapshots(folder)
    target = snapshot / ("meta.json" if damage == "meta" else "indices.npy")
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:-8])
    elif damage == "delete":
        target.unlink()
    else:
        target.write_bytes(b"\x93NUMPY garbage" if damage == "garbage" else b"{not json")
    knowledge = load_knowledge(folder)
    assert "10月5日至7日" in answer(knowledge, QUESTIONS[0]).sentence
    assert load_knowledge(folder) is not None and len(snapshots(folder)) == 1


def test_a_damaged_file_cache_is_tokenized_again(folder, tokenized):
    load_knowledge(folder)
    for shard in (folder / INDEX_DIR / "files").glob("*.npz"):
        shard.write_bytes(b"PK not a zip")
    shutil.rmtree(snapshots(folder)[0])
    tokenized.clear()
    knowledge = load_knowledge(folder)
    assert len(tokenized) == 2 and "10月5日至7日" in answer(knowledge, QUESTIONS[0]).sentence


def test_leftovers_of_an_interrupted_write_are_ignored(folder):
    index_dir = folder / INDEX_DIR
    (index_dir / "tmp-1-deadbeef").mkdir(parents=True)
    (index_dir / "tmp-1-deadbeef" / "data.npy").write_bytes(b"half")
    (index_dir / "files.json").write_text("[1, 2", encoding="utf-8")
    assert "10月5日至7日" in answer(load_knowledge(folder), QUESTIONS[0]).sentence


def test_an_unwritable_cache_serves_the_knowledge_from_memory(folder, monkeypatch):
    def refuse(*args):
        raise PermissionError("read-only")

    monkeypatch.setattr(bot.cache, "_write", refuse)
    knowledge = load_knowledge(folder)
    assert not isinstance(knowledge.sentences, SentenceTable)
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
    original = bot.cache.build_knowledge

    def held_build(*args, **kwargs):
        building.set()
        assert release.wait(WAIT)
        return original(*args, **kwargs)

    monkeypatch.setattr(bot.cache, "build_knowledge", held_build)
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


def test_term_counts_behave_like_a_counter():
    counts = TermCounts({"株洲": 0, "湘江": 1, "长沙": 2}, np.array([3, 0, 1], dtype=np.int32))
    assert counts["株洲"] == 3 and counts["湘江"] == 0 and counts["未知"] == 0
    assert counts.get("未知", 0) == 0 and counts.get("未知") is None and counts.get("长沙", 0) == 1
    assert "株洲" in counts and "湘江" not in counts and len(counts) == 2 and dict(counts) == {"株洲": 3, "长沙": 1}


def test_tables_index_like_tuples(folder):
    knowledge, built = load_knowledge(folder), build_knowledge(load_corpus(folder))
    assert knowledge.sentences[-1] == built.sentences[-1] and knowledge.sentences[1:3] == list(built.sentences[1:3])
    with pytest.raises(IndexError):
        knowledge.sentences[len(built.sentences)]
    assert knowledge.articles[-1] == built.articles[-1]


def test_the_cache_stays_inside_the_corpus_folder_and_records_file_digests(folder):
    load_knowledge(folder)
    digests = json.loads((folder / INDEX_DIR / "files.json").read_text(encoding="utf-8"))
    assert sorted(digests) == ["a.jsonl", "b.jsonl"]
    assert {p.name for p in folder.iterdir()} == {"a.jsonl", "b.jsonl", INDEX_DIR}
