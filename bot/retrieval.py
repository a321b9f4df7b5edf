"""BM25 retrieval that scores exactly like rank-bm25's BM25Okapi but reads only the postings of the question's terms."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

K1 = 1.5
B = 0.75
EPSILON = 0.25


@dataclass(frozen=True)
class Hit:
    doc: int
    score: float


class Index:
    """An immutable BM25Okapi index: build once from token lists, search many times, never mutate."""

    def __init__(self, vocabulary: dict[str, int], idf: np.ndarray, contributions: sparse.csr_matrix,
                 doc_count: int, doc_freq: np.ndarray):
        self.vocabulary = vocabulary
        self.idf_values = idf
        self.contributions = contributions  # term x document: idf * saturated tf, precomputed
        self.doc_count = doc_count
        self.doc_freq = doc_freq

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]]) -> "Index":
        """Precompute every (term, document) contribution with BM25Okapi's formula and idf floor."""
        vocabulary: dict[str, int] = {}
        rows, cols, tfs = [], [], []
        lengths = np.zeros(len(docs), dtype=np.float64)
        for doc_id, tokens in enumerate(docs):
            lengths[doc_id] = len(tokens)
            for term, tf in Counter(tokens).items():
                rows.append(vocabulary.setdefault(term, len(vocabulary)))
                cols.append(doc_id)
                tfs.append(tf)
        doc_count = len(docs)
        n_terms = len(vocabulary)
        rows_a = np.asarray(rows, dtype=np.int64)
        cols_a = np.asarray(cols, dtype=np.int64)
        tf_a = np.asarray(tfs, dtype=np.float64)
        doc_freq = np.bincount(rows_a, minlength=n_terms).astype(np.float64)
        idf = _okapi_idf(doc_freq, doc_count)
        # An empty corpus (or one of empty documents) would divide by zero in rank-bm25; here it scores nothing.
        avgdl = lengths.mean() if doc_count and lengths.sum() else 1.0
        norm = K1 * (1 - B + B * lengths[cols_a] / avgdl)
        values = idf[rows_a] * tf_a * (K1 + 1) / (tf_a + norm)
        contributions = sparse.csr_matrix((values, (rows_a, cols_a)), shape=(n_terms, doc_count))
        contributions.sort_indices()
        return cls(vocabulary, idf, contributions, doc_count, doc_freq)

    def __len__(self) -> int:
        return self.doc_count

    def idf(self, term: str) -> float:
        position = self.vocabulary.get(term)
        return float(self.idf_values[position]) if position is not None else 0.0

    def document_frequency(self, term: str) -> int:
        position = self.vocabulary.get(term)
        return int(self.doc_freq[position]) if position is not None else 0

    def search(self, query: Sequence[str], k: int = 10) -> list[Hit]:
        """Top-k documents that contain at least one query term, best first, with their BM25Okapi scores.

        A document sharing no term with the query is never returned, whatever its score: with the idf floor a
        positive score does not by itself mean a match, and a zero score can still be a match (idf exactly 0).
        """
        rows = [self.vocabulary[t] for t in query if t in self.vocabulary]
        if not rows or k <= 0:
            return []
        counts = Counter(rows)  # rank-bm25 adds a repeated query term once per occurrence
        docs_parts, score_parts = [], []
        for row, times in counts.items():
            start, end = self.contributions.indptr[row], self.contributions.indptr[row + 1]
            docs_parts.append(self.contributions.indices[start:end])
            score_parts.append(self.contributions.data[start:end] * times)
        docs = np.concatenate(docs_parts)
        scores = np.concatenate(score_parts)
        unique_docs, inverse = np.unique(docs, return_inverse=True)
        totals = np.bincount(inverse, weights=scores)
        if len(unique_docs) > k:
            top = np.argpartition(-totals, k - 1)[:k]
        else:
            top = np.arange(len(unique_docs))
        order = sorted(top, key=lambda i: (-totals[i], unique_docs[i]))
        return [Hit(int(unique_docs[i]), float(totals[i])) for i in order]


def _okapi_idf(doc_freq: np.ndarray, doc_count: int) -> np.ndarray:
    """rank-bm25's BM25Okapi idf: log((N-n+.5)/(n+.5)), negatives replaced by EPSILON * mean idf."""
    if not len(doc_freq):
        return np.zeros(0)
    idf = np.log(doc_count - doc_freq + 0.5) - np.log(doc_freq + 0.5)
    average = idf.sum() / len(idf)
    return np.where(idf < 0, EPSILON * average, idf)


def smooth_idf(doc_freq: int, doc_count: int) -> float:
    """An idf that never reaches zero or below: the weight of a word as evidence, for coverage and declining."""
    return math.log(1 + (doc_count + 1) / (doc_freq + 1))
