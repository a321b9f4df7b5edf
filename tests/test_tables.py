"""The snapshot's tables over a saved index (bot/tables.py): items made on access read like the built knowledge's."""

from __future__ import annotations

import numpy as np
import pytest

from bot.cache import load_knowledge
from bot.corpus import load_corpus, write_corpus_file
from bot.knowledge import build_knowledge
from bot.tables import PackedStrings, TermCounts

from conftest import SMALL_ARTICLES


def test_packed_strings_decode_each_item_on_its_own():
    words = ["株洲", "", "湘江风光带", "a"]
    data = [w.encode("utf-8") for w in words]
    offsets = np.cumsum([0, *map(len, data)])
    packed = PackedStrings(np.frombuffer(b"".join(data), dtype=np.uint8), offsets)
    assert len(packed) == 4 and [packed[i] for i in range(4)] == words


def test_term_counts_behave_like_a_counter():
    counts = TermCounts({"株洲": 0, "湘江": 1, "长沙": 2}, np.array([3, 0, 1], dtype=np.int32))
    assert counts["株洲"] == 3 and counts["湘江"] == 0 and counts["未知"] == 0
    assert counts.get("未知", 0) == 0 and counts.get("未知") is None and counts.get("长沙", 0) == 1
    assert "株洲" in counts and "湘江" not in counts and len(counts) == 2 and dict(counts) == {"株洲": 3, "长沙": 1}


def test_tables_index_like_tuples(tmp_path):
    folder = tmp_path / "corpus"
    write_corpus_file(folder / "a.jsonl", SMALL_ARTICLES[:2])
    write_corpus_file(folder / "b.jsonl", SMALL_ARTICLES[2:])
    knowledge, built = load_knowledge(folder, background=False), build_knowledge(load_corpus(folder))
    assert len(knowledge.sentences) == len(built.sentences) and len(knowledge.articles) == len(built.articles)
    assert knowledge.sentences[-1] == built.sentences[-1] and knowledge.sentences[1:3] == list(built.sentences[1:3])
    assert list(knowledge.sentence_tokens[0]) == list(built.sentence_tokens[0])
    with pytest.raises(IndexError):
        knowledge.sentences[len(built.sentences)]
    assert knowledge.articles[-1] == built.articles[-1]
