"""BM25 retrieval that scores exactly like rank-bm25's BM25Okapi but reads only the postings of the question's terms."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

K1 = 1.5
B = 0.75
EPSILON = 0.25
BUILD_CHUNK = 100_000  # documents per step of the build's progress bar
ARRAYS = ("indptr", "indices", "data", "doc_freq", "idf", "term_max")  # what Index.arrays() returns and Index() takes
# Bounds are float64 sums of float32 maxima while scores add up in float32: leave room for rounding when pruning.
BOUND_SLACK = 1e-4


@dataclass(frozen=True)
class Hit:
    doc: int
    score: float


class Index:
    """An immutable BM25Okapi index: build once from token lists, search many times, never mutate.

    Postings are stored term-major (CSR): for term row r, documents indices[indptr[r]:indptr[r+1]] in ascending
    order, with data holding each document's precomputed contribution idf * saturated tf (float32), and term_max[r]
    the largest of them (the bound that lets a search skip most postings of common words).
    """

    def __init__(self, vocabulary: dict[str, int], doc_count: int, *, indptr: np.ndarray, indices: np.ndarray,
                 data: np.ndarray, doc_freq: np.ndarray, idf: np.ndarray, term_max: np.ndarray):
        self.vocabulary = vocabulary  # term -> row; rows past the built terms may have no postings
        self.doc_count = doc_count
        self.indptr, self.indices, self.data = indptr, indices, data
        self.doc_freq, self.idf_values, self.term_max = doc_freq, idf, term_max
        self._scratch = threading.local()  # one score accumulator per thread: search never allocates doc_count floats

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]], terms: Iterable[str] = (), progress: bool = True) -> "Index":
        """Precompute every (term, document) contribution with BM25Okapi's formula and idf floor.

        terms are placed first in the vocabulary whether or not a document holds them (they get no postings and
        stay out of the idf average, as in rank-bm25, whose idf table only knows the corpus's words).
        """
        from scipy import sparse
        from tqdm import tqdm

        doc_count = len(docs)
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=doc_count)
        vocabulary = {term: row for row, term in enumerate(dict.fromkeys(chain(terms, chain.from_iterable(docs))))}
        rows = np.empty(int(lengths.sum()), dtype=np.int32)
        position = 0
        with tqdm(total=doc_count, desc="indexing passages", unit="passage", delay=1.0, disable=None) as bar:
            for start in range(0, doc_count, BUILD_CHUNK):
                chunk = docs[start:start + BUILD_CHUNK]
                size = int(lengths[start:start + BUILD_CHUNK].sum())
                rows[position:position + size] = np.fromiter(
                    map(vocabulary.__getitem__, chain.from_iterable(chunk)), dtype=np.int32, count=size)
                position += size
                bar.update(len(chunk))
        cols = np.repeat(np.arange(doc_count, dtype=np.int32), lengths)
        # COO -> CSR sums repeated (term, document) pairs into term frequencies and sorts each row by document.
        matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                   shape=(len(vocabulary), doc_count))
        matrix.sum_duplicates()
        indptr = matrix.indptr.astype(np.int64)
        indices = matrix.indices.astype(np.int32)
        doc_freq = np.diff(indptr).astype(np.int32)
        idf = okapi_idf(doc_freq, doc_count)
        data = _contributions(matrix.data, indices, lengths, np.repeat(idf, doc_freq))
        term_max = np.zeros(len(doc_freq), dtype=np.float32)
        if len(data):
            term_max[doc_freq > 0] = np.maximum.reduceat(data, indptr[:-1][doc_freq > 0])
        return cls(vocabulary, doc_count, indptr=indptr, indices=indices, data=data, doc_freq=doc_freq, idf=idf,
                   term_max=term_max)

    def arrays(self) -> dict[str, np.ndarray]:
        """The numeric state, for saving; Index(vocabulary, doc_count, **arrays) rebuilds the same index."""
        return {name: getattr(self, "idf_values" if name == "idf" else name) for name in ARRAYS}

    def __len__(self) -> int:
        return self.doc_count

    def idf(self, term: str) -> float:
        row = self.vocabulary.get(term)
        return float(self.idf_values[row]) if row is not None else 0.0

    def document_frequency(self, term: str) -> int:
        row = self.vocabulary.get(term)
        return int(self.doc_freq[row]) if row is not None else 0

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Every document's score, as rank-bm25's get_scores gives it (for tests and comparisons, not for serving)."""
        scores = np.zeros(self.doc_count, dtype=np.float64)
        for row, times in self._rows(query).items():
            docs, contributions = self._postings(row)
            scores[docs] += contributions.astype(np.float64) * times
        return scores

    def search(self, query: Sequence[str], k: int = 10) -> list[Hit]:
        """Top-k documents that contain at least one query term, best first (ties: lower document first).

        A document sharing no term with the query is never returned, whatever its score: with the idf floor a
        positive score does not by itself mean a match, and a zero score can still be a match (idf exactly 0).
        """
        rows = self._rows(query)
        if not rows or k <= 0:
            return []
        # Terms with the highest possible contribution first; once the k-th best score so far beats what the
        # remaining terms could add to any document, only the documents still in reach get those terms (MaxScore).
        # Each document adds its terms in the same order either way, so pruning never changes a score.
        terms = sorted(((row, times, max(0.0, float(self.term_max[row])) * times) for row, times in rows.items()),
                       key=lambda term: -term[2])
        prunable = all(self.idf_values[row] >= 0 for row, _, _ in terms)  # else partial scores are no lower bounds
        remaining = sum(bound for _, _, bound in terms)
        unread = sum(int(self.indptr[row + 1] - self.indptr[row]) for row, _, _ in terms)
        scores = self._accumulator()
        touched: list[np.ndarray] = []
        try:
            survivors = None
            for position, (row, times, bound) in enumerate(terms):
                docs, contributions = self._postings(row)
                scores[docs] += contributions * times if times != 1 else contributions
                touched.append(docs)
                remaining -= bound
                unread -= len(docs)
                reach = remaining * (1 + BOUND_SLACK) + BOUND_SLACK
                read = sum(map(len, touched))
                if prunable and position + 1 < len(terms) and read < unread and reach < sum(t[2] for t in terms[:position + 1]):
                    survivors = _in_reach(touched, scores, k, reach)
                    if survivors is not None:
                        for later_row, later_times, _ in terms[position + 1:]:
                            self._add_for(survivors, later_row, later_times, scores)
                        break
            best = _top([survivors] if survivors is not None else touched, scores, k)
            return [Hit(int(doc), float(scores[doc])) for doc in best]
        finally:
            if sum(map(len, touched)) > self.doc_count // 16:
                scores.fill(0.0)
            else:
                for docs in touched:
                    scores[docs] = 0.0

    def _rows(self, query: Sequence[str]) -> Counter:
        # rank-bm25 adds a repeated query term once per occurrence; a term with no postings adds nothing
        return Counter(row for row in map(self.vocabulary.get, query)
                       if row is not None and self.indptr[row + 1] > self.indptr[row])

    def _postings(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.indptr[row], self.indptr[row + 1]
        return self.indices[start:end], self.data[start:end]

    def _add_for(self, docs: np.ndarray, row: int, times: int, scores: np.ndarray) -> None:
        """Add one term's contributions to the given (sorted) documents only, finding them by binary search."""
        postings, contributions = self._postings(row)
        at = np.searchsorted(postings, docs)
        at[at == len(postings)] = 0
        found = postings[at] == docs
        scores[docs[found]] += contributions[at[found]] * times if times != 1 else contributions[at[found]]

    def _accumulator(self) -> np.ndarray:
        scores = getattr(self._scratch, "scores", None)
        if scores is None:
            scores = self._scratch.scores = np.zeros(self.doc_count, dtype=np.float32)
        return scores


def _kth_best(docs: np.ndarray, scores: np.ndarray, k: int) -> float | None:
    """The k-th best score among distinct documents, None if there are fewer than k."""
    if len(docs) < k:
        return None
    values = scores[docs]
    return float(values[np.argpartition(values, len(values) - k)[len(values) - k]])


def _in_reach(touched: list[np.ndarray], scores: np.ndarray, k: int, reach: float) -> np.ndarray | None:
    """The documents seen so far that the remaining terms (adding at most reach) could still lift into the top k,
    or None when a document not seen yet could still make it."""
    seen = touched[0] if len(touched) == 1 else np.unique(np.concatenate(touched))
    threshold = _kth_best(seen, scores, k)
    if threshold is None or reach >= threshold:
        return None
    return seen[scores[seen] + reach >= threshold]


def _top(lists: list[np.ndarray], scores: np.ndarray, k: int) -> np.ndarray:
    """The k best distinct documents of several lists of distinct documents, by score then id.

    The k-th best score within any one list is a lower bound of the k-th best overall, so every entry below it is
    dropped before sorting; ties at the bound are kept. With no list of k documents, fewer than k documents score
    above the k-th best, so fewer than k * len(lists) entries do: the (k * len(lists))-th largest value bounds them.
    """
    candidates = lists[0] if len(lists) == 1 else np.concatenate(lists)
    values = scores[candidates]
    threshold = _kth_best(min(lists, key=len), scores, k)
    if threshold is None and len(values) > k * len(lists):
        keep = k * len(lists)
        threshold = float(np.partition(values, len(values) - keep)[len(values) - keep])
    if threshold is not None:
        candidates = candidates[values >= threshold]
    distinct = np.unique(candidates)
    return distinct[np.lexsort((distinct, -scores[distinct]))[:k]]


def okapi_idf(doc_freq: np.ndarray, doc_count: int) -> np.ndarray:
    """rank-bm25's BM25Okapi idf: log((N-n+.5)/(n+.5)), negatives replaced by EPSILON * the mean of all idf values.

    The mean runs over every term the documents hold, negative idf included, so it can itself be negative; a term
    in exactly half the documents gets idf 0. Terms no document holds get 0 and stay out of the mean.
    """
    present = doc_freq > 0
    idf = np.zeros(len(doc_freq), dtype=np.float64)
    if not present.any():
        return idf
    n = doc_freq[present].astype(np.float64)
    raw = np.log(doc_count - n + 0.5) - np.log(n + 0.5)
    idf[present] = np.where(raw < 0, EPSILON * raw.mean(), raw)
    return idf


def _contributions(tf: np.ndarray, docs: np.ndarray, lengths: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl)) for each posting, stored as float32."""
    if not len(tf):
        return np.zeros(0, dtype=np.float32)
    average = lengths.mean()  # > 0 here: some document holds a term
    tf = tf.astype(np.float64)
    norm = K1 * (1 - B + B * lengths[docs] / average)
    return (idf * (tf * (K1 + 1) / (tf + norm))).astype(np.float32)


def smooth_idf(doc_freq: int, doc_count: int) -> float:
    """An idf that never reaches zero or below: the weight of a word as evidence, for coverage and declining."""
    return math.log(1 + (doc_count + 1) / (doc_freq + 1))
