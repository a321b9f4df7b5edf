"""The index against its definition, rank-bm25's BM25Okapi: same scores, same top 10, and each rank-bm25 pitfall
pinned (the empty corpus, idf 0 at exactly half the documents, the idf floor, repeated query terms)."""

from __future__ import annotations

import ast
import math
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25Okapi

from bot.retrieval import EPSILON, Index, Postings, okapi_idf

ROOT = Path(__file__).resolve().parent.parent
DOCS = [["湘江", "音乐节", "长沙"], ["湘江", "大桥", "通车"], ["株洲", "图书馆"], ["株洲", "湘江", "暴雨"]]


def close(a, b, scale=1.0) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6 * scale)


def assert_same_top(index: Index, reference: BM25Okapi, docs, query, k=10):
    """Our top k equals rank-bm25's among the documents sharing a term with the query; ties may come in any order,
    so position by position the reference scores must agree, whichever tied document stands there."""
    scores = reference.get_scores(query)
    scale = max(1.0, float(np.abs(scores).max()))
    matched = [d for d, tokens in enumerate(docs) if set(tokens) & set(query)]
    expected = sorted(matched, key=lambda d: -scores[d])[:k]
    hits = index.search(query, k)
    assert len(hits) == len(expected)
    for hit, doc in zip(hits, expected):
        assert close(hit.score, scores[doc], scale) and close(scores[hit.doc], scores[doc], scale)
    assert len({h.doc for h in hits}) == len(hits)


def test_scores_equal_rank_bm25_on_a_small_corpus():
    index, reference = Index.build(DOCS), BM25Okapi(DOCS)
    for query in (["湘江"], ["株洲", "图书馆"], ["湘江", "暴雨", "未知"], ["未知"]):
        assert np.allclose(index.scores(query), reference.get_scores(query), rtol=1e-6, atol=1e-7)


def test_idf_is_rank_bm25s_including_the_floor_from_the_mean_of_all_idf_values():
    index, reference = Index.build(DOCS), BM25Okapi(DOCS)
    for term, idf in reference.idf.items():
        assert close(index.idf(term), idf)
    # 湘江 is in 3 of 4 documents: its raw idf is negative, floored to EPSILON times the mean over every term,
    # the negative ones included.
    raw = {t: math.log(4 - n + 0.5) - math.log(n + 0.5) for t, n in
           {t: sum(t in d for d in DOCS) for d in DOCS for t in d}.items()}
    assert raw["湘江"] < 0 and close(index.idf("湘江"), EPSILON * sum(raw.values()) / len(raw))


def test_a_term_in_exactly_half_the_documents_has_idf_zero_but_still_matches():
    docs = [["株洲", "图书馆"], ["株洲", "博物馆"], ["长沙", "大桥"], ["湘潭", "大学"]]
    index, reference = Index.build(docs), BM25Okapi(docs)
    assert reference.idf["株洲"] == 0.0 and index.idf("株洲") == 0.0
    hits = index.search(["株洲"])
    assert [(h.doc, h.score) for h in hits] == [(0, 0.0), (1, 0.0)]  # a score of 0 can still be a match
    assert index.search(["长沙"])[0].doc == 2


def test_two_documents_score_everything_zero_as_in_rank_bm25():
    docs = [["株洲", "图书馆"], ["长沙", "大桥"]]
    assert list(BM25Okapi(docs).get_scores(["株洲"])) == [0.0, 0.0]
    assert [(h.doc, h.score) for h in Index.build(docs).search(["株洲"])] == [(0, 0.0)]


def test_a_negative_floor_makes_matches_score_below_non_matches_and_search_still_returns_only_matches():
    # every term in more than half the documents: the mean idf is negative, so is the floor
    docs = [["株洲", "湘江"], ["株洲", "湘江"], ["株洲", "长沙"], ["湘江", "长沙"], ["株洲", "湘江", "长沙"]]
    index, reference = Index.build(docs), BM25Okapi(docs)
    scores = reference.get_scores(["长沙"])
    assert all(scores[d] < 0 for d in (2, 3, 4)) and scores[0] == 0.0  # rank-bm25's top 1 would be a non-match
    hits = index.search(["长沙"])
    assert {h.doc for h in hits} == {2, 3, 4} and all(h.score < 0 for h in hits)
    assert all(close(h.score, scores[h.doc]) for h in hits)


def test_a_repeated_query_term_counts_once_per_occurrence():
    index, reference = Index.build(DOCS), BM25Okapi(DOCS)
    once, twice = index.scores(["株洲", "图书馆"]), index.scores(["株洲", "图书馆", "图书馆"])
    assert np.allclose(twice, reference.get_scores(["株洲", "图书馆", "图书馆"]), rtol=1e-6)
    assert twice[2] > once[2] and index.search(["图书馆", "图书馆"])[0].score == pytest.approx(2 * index.search(["图书馆"])[0].score)


@pytest.mark.parametrize("docs", [[], [[], [], []]], ids=["no documents", "only empty documents"])
def test_an_empty_corpus_searches_to_nothing_where_rank_bm25_divides_by_zero(docs):
    with pytest.raises(ZeroDivisionError):
        BM25Okapi(docs)
    index = Index.build(docs)
    assert len(index) == len(docs) and index.search(["株洲"]) == [] and list(index.scores(["株洲"])) == [0.0] * len(docs)


def test_unknown_terms_empty_queries_and_k_zero_return_nothing():
    index = Index.build(DOCS)
    assert index.search([]) == [] and index.search(["未知"]) == [] and index.search(["株洲"], k=0) == []
    assert len(index.search(["湘江"], k=2)) == 2 and len(index.search(["湘江"], k=50)) == 3


def test_ties_come_lowest_document_first():
    docs = [["株洲", "新闻"], ["长沙"], ["株洲", "新闻"], ["湘潭"], ["株洲", "新闻"]]
    assert [h.doc for h in Index.build(docs).search(["新闻"], k=2)] == [0, 2]


def test_terms_given_up_front_get_no_postings_and_stay_out_of_the_idf_mean():
    index, reference = Index.build(DOCS, terms=["从未出现", "湘江"]), BM25Okapi(DOCS)
    assert index.vocabulary["从未出现"] == 0 and index.document_frequency("从未出现") == 0
    assert index.idf("从未出现") == 0.0 and index.search(["从未出现"]) == []
    assert all(close(index.idf(t), idf) for t, idf in reference.idf.items())


def test_the_segments_rebuild_the_same_index():
    index = Index.build(DOCS)
    copy = Index(dict(index.vocabulary), index.segments)
    assert copy.search(["湘江", "株洲"]) == index.search(["湘江", "株洲"])


def test_okapi_idf_of_nothing_is_nothing():
    assert len(okapi_idf(np.zeros(0, dtype=np.int32), 0)) == 0


def zipf_corpus(rng: random.Random, docs: int, vocabulary: int) -> list[list[str]]:
    weights = [1 / (r + 1) for r in range(vocabulary)]
    words = [f"词{r}" for r in range(vocabulary)]
    return [rng.choices(words, weights, k=rng.randint(0, 30)) for _ in range(docs)]


@pytest.mark.parametrize("seed", range(5))
def test_random_corpus_top_10_and_scores_equal_rank_bm25(seed):
    rng = random.Random(seed)
    docs = zipf_corpus(rng, 600, 400)
    index, reference = Index.build(docs), BM25Okapi(docs)
    for _ in range(40):
        query = rng.sample([t for d in docs for t in d], rng.randint(1, 5)) + ["不在语料里"]
        assert np.allclose(index.scores(query), reference.get_scores(query), rtol=1e-6, atol=1e-6)
        assert_same_top(index, reference, docs, query)


@settings(max_examples=150, deadline=None)
@given(docs=st.lists(st.lists(st.sampled_from("甲乙丙丁戊己庚辛"), max_size=8), min_size=1, max_size=12),
       query=st.lists(st.sampled_from("甲乙丙丁戊己庚辛壬"), min_size=1, max_size=6))
def test_any_small_corpus_scores_and_ranks_as_rank_bm25(docs, query):
    if not any(docs):
        return  # rank-bm25 divides by zero; pinned above
    index, reference = Index.build(docs), BM25Okapi(docs)
    assert np.allclose(index.scores(query), reference.get_scores(query), rtol=1e-6, atol=1e-6)
    assert_same_top(index, reference, docs, query, k=3)


def test_common_words_are_skipped_for_documents_out_of_reach_without_changing_the_top_10(monkeypatch):
    rng = random.Random(11)
    docs = [["常见"] * rng.randint(1, 3) + [f"填充{rng.randint(0, 50)}"] for _ in range(400)]
    for doc in rng.sample(range(400), 12):
        docs[doc] += ["罕见"] * rng.randint(1, 2)
    index, reference = Index.build(docs), BM25Okapi(docs)
    lookups = []
    original = Index._add_for
    monkeypatch.setattr(Index, "_add_for", lambda self, *args: lookups.append(args[1]) or original(self, *args))
    for query in (["罕见", "常见"], ["常见", "罕见", "罕见"], ["罕见", "常见", "填充7"]):
        assert_same_top(index, reference, docs, query)
    assert index.vocabulary["常见"] in lookups  # the common word was read only for the rare word's documents


def test_searches_from_many_threads_at_once_agree_with_one_thread():
    rng = random.Random(7)
    docs = zipf_corpus(rng, 2000, 800)
    index = Index.build(docs)
    queries = [rng.sample([t for d in docs for t in d], rng.randint(1, 4)) for _ in range(300)]
    alone = [index.search(q) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(index.search, queries)) == alone


def test_no_code_passes_rank_bm25_a_tokenizer():
    """BM25Okapi(corpus, tokenizer=...) starts a multiprocessing pool that is never closed."""
    for path in (ROOT / "bot").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "BM25Okapi":
                assert len(node.args) <= 1 and not node.keywords, f"{path.name}:{node.lineno}"


def segmented(docs, cuts) -> Index:
    """An index of docs split into segments at the given positions, sharing one vocabulary."""
    vocabulary: dict[str, int] = {}
    bounds = [0, *cuts, len(docs)]
    return Index(vocabulary, [Postings.of_docs(docs[a:b], vocabulary) for a, b in zip(bounds, bounds[1:])])


@pytest.mark.parametrize("seed", range(4))
def test_an_index_of_many_segments_scores_and_ranks_as_rank_bm25_over_the_whole_corpus(seed):
    rng = random.Random(100 + seed)
    docs = zipf_corpus(rng, 700, 300)
    cuts = sorted(rng.sample(range(1, len(docs)), rng.randint(1, 12)))
    index, whole, reference = segmented(docs, cuts), Index.build(docs), BM25Okapi(docs)
    assert len(index.segments) == len(cuts) + 1 and len(index) == len(docs)
    for term, idf in reference.idf.items():  # global statistics: df, N, avgdl and the idf floor across segments
        assert close(index.idf(term), idf)
    for _ in range(40):
        query = rng.sample([t for d in docs for t in d], rng.randint(1, 5)) + ["不在语料里"]
        assert np.allclose(index.scores(query), reference.get_scores(query), rtol=1e-9, atol=1e-12)
        assert_same_top(index, reference, docs, query)
        ours, theirs = index.search(query), whole.search(query)  # idf means summed in another order: 1 ulp apart
        assert [h.doc for h in ours] == [h.doc for h in theirs]
        assert np.allclose([h.score for h in ours], [h.score for h in theirs], rtol=1e-12, atol=0)


@settings(max_examples=100, deadline=None)
@given(docs=st.lists(st.lists(st.sampled_from("甲乙丙丁戊己庚辛"), max_size=8), min_size=1, max_size=14),
       query=st.lists(st.sampled_from("甲乙丙丁戊己庚辛壬"), min_size=1, max_size=6), data=st.data())
def test_any_split_into_segments_ranks_as_rank_bm25(docs, query, data):
    if not any(docs):
        return
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(docs) - 1)), max_size=4)))
    cuts = [c for c in cuts if 0 < c < len(docs)]
    index, reference = segmented(docs, cuts), BM25Okapi(docs)
    assert np.allclose(index.scores(query), reference.get_scores(query), rtol=1e-9, atol=1e-12)
    assert_same_top(index, reference, docs, query, k=3)


def test_empty_segments_change_nothing():
    vocabulary: dict[str, int] = {}
    parts = [Postings.of_docs([], vocabulary), Postings.of_docs(DOCS[:2], vocabulary), Postings.of_docs([[]], vocabulary),
             Postings.of_docs(DOCS[2:], vocabulary)]
    index = Index(vocabulary, parts)
    docs = DOCS[:2] + [[]] + DOCS[2:]
    assert np.allclose(index.scores(["湘江", "株洲"]), BM25Okapi(docs).get_scores(["湘江", "株洲"]))
    assert [h.doc for h in index.search(["株洲"])] == [3, 4]
