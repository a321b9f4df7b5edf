"""newsqa bench: the synthetic archive is realistic enough to measure with, and the command prints every figure.
No timing is asserted: figures depend on the machine."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from bot.bench import BM25S_MISSING, _bm25s, same_top, synthetic_corpus, table, vocabulary_size
from bot.retrieval import Hit
from bot.text import split_sentences

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def archive():
    return synthetic_corpus(2000, 30)


def test_the_archive_has_the_passages_asked_for_and_its_articles_split_back_into_them(archive):
    sentences, sentence_tokens, title_tokens = archive.parts
    assert len(sentences) == len(sentence_tokens) == 2000 and len(title_tokens) == len(archive.articles)
    for number, article in enumerate(archive.articles[:50]):
        own = [s.text for s in sentences if s.article == number]
        assert [t for p in article.paragraphs for t in split_sentences(p)] == own


def test_questions_are_a_few_words_of_one_passage(archive):
    _, sentence_tokens, _ = archive.parts
    passages = [set(tokens) for tokens in sentence_tokens]
    assert len(archive.questions) == 30
    for question in archive.questions:
        assert 1 <= len(question) <= 4 and any(set(question) <= tokens for tokens in passages)


def test_the_vocabulary_grows_with_the_archive_and_word_counts_fall_off_like_zipf(archive):
    small = {t for tokens in synthetic_corpus(300, 1).parts[1] for t in tokens}
    counts = Counter(t for tokens in archive.parts[1] for t in tokens)
    assert len(small) < len(counts) and vocabulary_size(10_000) < vocabulary_size(1_000_000)
    frequencies = sorted(counts.values(), reverse=True)
    assert frequencies[0] > 50 * np.median(frequencies)


def test_same_top_accepts_ties_in_any_order_and_nothing_else():
    reference = np.array([0.0, 2.0, 3.0, 2.0, 1.0])
    assert same_top(reference, [Hit(2, 3.0), Hit(3, 2.0), Hit(1, 2.0), Hit(4, 1.0)], k=4)
    assert same_top(reference, [Hit(2, 3.0), Hit(3, 2.0)], k=2)  # 1 and 3 tie for second place
    assert not same_top(reference, [Hit(2, 3.0), Hit(4, 1.0)], k=2)
    assert not same_top(reference, [Hit(2, 3.0)], k=2)
    assert not same_top(reference, [Hit(2, 2.5), Hit(1, 2.0)], k=2)


def test_bm25s_missing_is_said_with_the_command_that_installs_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "bm25s", None)
    assert _bm25s([["株洲"]], [["株洲"]]) == {"bm25s": BM25S_MISSING}
    assert BM25S_MISSING == "bm25s not installed (pip install -e '.[bench]')"


def test_newsqa_bench_prints_every_figure_as_json_and_as_a_table():
    process = subprocess.run([sys.executable, "-m", "bot", "bench", "--passages", "400", "--questions", "12", "--json"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr
    (figures,) = json.loads(process.stdout)
    assert figures["passages"] == 400 and figures["top10_checked"] == 12 and figures["top10_same"] == 12
    for key in ("newsqa_ms", "ask_ms", "rank_bm25_ms", "build_s", "save_s", "load_s", "cold_start_s", "peak_rss_mb",
                "reload_s", "rank_bm25_build_s", "text_build_1_s", "text_build_all_s", "segments"):
        assert key in figures
    assert figures["reload_found"] == figures["reload_checked"] == 20  # the added file's passages are searched
    assert figures["newsqa_ms"]["n"] == 12 and figures["cold_start_declined"] in (True, False)
    printed = table([figures])
    for column in ("newsqa p50", "rank-bm25 p50", "bm25s p50", "vs rank-bm25", "top-10 same", "cold start", "peak RSS",
                   "add 1 file", "rank-bm25 rebuild", "text build 1 core", "all cores"):
        assert column in printed
    assert "12/12" in printed and "400" in printed
