"""BM25 retrieval over immutable segments that scores exactly like rank-bm25's BM25Okapi over the whole corpus.

Each segment keeps only term frequencies and passage lengths; the global statistics (passage count, average length,
document frequencies, the idf floor) are combined when the index is made, and a question's scores are computed at
query time from the postings of its own terms. Adding a segment therefore recomputes global tables, never postings.
"""

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
POSTINGS = ("rows", "indptr", "docs", "tf", "lengths", "max_tf", "min_length")  # the arrays of one Postings
# Bounds and scores are float64 sums taken in different orders: leave room for rounding when pruning.
BOUND_SLACK = 1e-9


@dataclass(frozen=True)
class Hit:
    doc: int
    score: float


@dataclass(frozen=True, eq=False)
class Postings:
    """One segment's postings, term-major: for global term rows[i] (ascending), the segment's documents
    docs[indptr[i]:indptr[i+1]] (ascending) and their term frequencies tf; lengths: each document's token count;
    max_tf and min_length per row bound the best contribution the term can make in this segment."""

    rows: np.ndarray
    indptr: np.ndarray
    docs: np.ndarray
    tf: np.ndarray
    lengths: np.ndarray
    max_tf: np.ndarray
    min_length: np.ndarray

    @classmethod
    def from_counts(cls, docs: np.ndarray, terms: np.ndarray, counts: np.ndarray, lengths: np.ndarray) -> "Postings":
        """Postings of (document, term, count) triples; repeated pairs are summed into term frequencies."""
        lengths = np.asarray(lengths, dtype=np.int32)
        n = max(len(lengths), 1)
        key = terms.astype(np.int64) * n + docs
        order = np.argsort(key, kind="stable")
        key, counts = key[order], counts[order]
        if not len(key):
            empty = np.zeros(0, dtype=np.int32)
            return cls(empty, np.zeros(1, dtype=np.int64), empty, empty, lengths, empty, empty)
        first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        tf = np.add.reduceat(counts, first).astype(np.int32)
        key = key[first]
        term_of, doc_of = key // n, (key % n).astype(np.int32)
        starts = np.flatnonzero(np.concatenate(([True], term_of[1:] != term_of[:-1])))
        indptr = np.append(starts, len(key)).astype(np.int64)
        return cls(rows=term_of[starts].astype(np.int32), indptr=indptr, docs=doc_of, tf=tf, lengths=lengths,
                   max_tf=np.maximum.reduceat(tf, starts).astype(np.int32),
                   min_length=np.minimum.reduceat(lengths[doc_of], starts).astype(np.int32))

    @classmethod
    def of_docs(cls, docs: Sequence[Sequence[str]], vocabulary: dict[str, int]) -> "Postings":
        """Postings of token lists; terms new to the vocabulary are appended to it."""
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        add = lambda term: vocabulary.setdefault(term, len(vocabulary))  # noqa: E731
        rows = np.fromiter(map(add, chain.from_iterable(docs)), dtype=np.int32, count=int(lengths.sum()))
        doc_ids = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
        return cls.from_counts(doc_ids, rows, np.ones(len(rows), dtype=np.int32), lengths)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in POSTINGS}

    def find(self, row: int) -> tuple[int, int]:
        """The posting range of a global term row in this segment ((0, 0) when the segment lacks it)."""
        i = int(np.searchsorted(self.rows, row))
        if i < len(self.rows) and self.rows[i] == row:
            return int(self.indptr[i]), int(self.indptr[i + 1])
        return 0, 0


class Index:
    """An immutable BM25Okapi index over segments (documents numbered segment after segment): search many times,
    never mutate. Made from segments in milliseconds: nothing per posting is computed until a question needs it."""

    def __init__(self, vocabulary: dict[str, int], segments: Sequence[Postings]):
        self.vocabulary = vocabulary  # term -> global row; rows no document holds have df 0
        self.segments = tuple(segments)
        sizes = [len(s.lengths) for s in self.segments]
        self.bases = np.concatenate(([0], np.cumsum(sizes, dtype=np.int64))).astype(np.int64)
        self.doc_count = int(self.bases[-1])
        self.doc_freq = np.zeros(len(vocabulary), dtype=np.int64)
        for segment in self.segments:
            self.doc_freq[segment.rows] += np.diff(segment.indptr)
        self.idf_values = okapi_idf(self.doc_freq, self.doc_count)
        lengths = (np.concatenate([s.lengths for s in self.segments]) if self.segments
                   else np.zeros(0, dtype=np.int32))
        total = int(lengths.sum(dtype=np.int64))
        average = total / self.doc_count if total else 1.0
        # rank-bm25's very expression, so every score is the same float64 it computes
        self._norm = K1 * (1 - B + B * lengths / average)
        saturation = np.zeros(len(vocabulary), dtype=np.float64)
        for segment in self.segments:
            if len(segment.rows):
                norm = K1 * (1 - B + B * segment.min_length / average)
                best = segment.max_tf * (K1 + 1) / (segment.max_tf + norm)  # rises with tf, falls with length
                saturation[segment.rows] = np.maximum(saturation[segment.rows], best)
        self.term_max = np.maximum(self.idf_values, 0.0) * saturation  # no posting of the term contributes more
        self._scratch = threading.local()  # one score accumulator per thread: search never allocates doc_count floats

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]], terms: Iterable[str] = (), progress: bool = True) -> "Index":
        """A one-segment index of token lists. terms are placed first in the vocabulary whether or not a document
        holds them (they get no postings and stay out of the idf average, as in rank-bm25)."""
        from tqdm import tqdm

        doc_count = len(docs)
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=doc_count)
        vocabulary = {term: row for row, term in enumerate(dict.fromkeys(chain(terms, chain.from_iterable(docs))))}
        rows = np.empty(int(lengths.sum()), dtype=np.int32)
        position = 0
        with tqdm(total=doc_count, desc="indexing passages", unit="passage", delay=1.0,
                  disable=None if progress else True) as bar:
            for start in range(0, doc_count, BUILD_CHUNK):
                chunk = docs[start:start + BUILD_CHUNK]
                size = int(lengths[start:start + BUILD_CHUNK].sum())
                rows[position:position + size] = np.fromiter(
                    map(vocabulary.__getitem__, chain.from_iterable(chunk)), dtype=np.int32, count=size)
                position += size
                bar.update(len(chunk))
        doc_ids = np.repeat(np.arange(doc_count, dtype=np.int32), lengths)
        postings = Postings.from_counts(doc_ids, rows, np.ones(len(rows), dtype=np.int32), lengths)
        return cls(vocabulary, [postings])

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
            scores[docs] += contributions * times
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
        terms = sorted(((row, times, float(self.term_max[row]) * times) for row, times in rows.items()),
                       key=lambda term: -term[2])
        prunable = all(self.idf_values[row] >= 0 for row, _, _ in terms)  # else partial scores are no lower bounds
        remaining = sum(bound for _, _, bound in terms)
        unread = sum(int(self.doc_freq[row]) for row, _, _ in terms)
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
        return Counter(row for row in map(self.vocabulary.get, query) if row is not None and self.doc_freq[row])

    def _contributions(self, row: int, docs: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl)) for global documents docs, in float64."""
        return self.idf_values[row] * (tf * (K1 + 1) / (tf + self._norm[docs]))

    def _postings(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Global documents holding the term (ascending) and its contribution to each."""
        docs, tfs = [], []
        for base, segment in zip(self.bases.tolist(), self.segments):
            start, end = segment.find(row)
            if end > start:
                docs.append(segment.docs[start:end] + base if base else segment.docs[start:end].astype(np.int64))
                tfs.append(segment.tf[start:end])
        found = np.concatenate(docs) if len(docs) > 1 else docs[0]
        return found, self._contributions(row, found, np.concatenate(tfs) if len(tfs) > 1 else tfs[0])

    def _add_for(self, docs: np.ndarray, row: int, times: int, scores: np.ndarray) -> None:
        """Add one term's contributions to the given (sorted) documents only, finding them by binary search."""
        cuts = np.searchsorted(docs, self.bases).tolist()
        for number, segment in enumerate(self.segments):
            local = docs[cuts[number]:cuts[number + 1]] - self.bases[number]
            start, end = segment.find(row)
            if not len(local) or end == start:
                continue
            postings = segment.docs[start:end]
            at = np.searchsorted(postings, local)
            at[at == len(postings)] = 0
            found = postings[at] == local
            hits = local[found] + self.bases[number]
            contributions = self._contributions(row, hits, segment.tf[start:end][at[found]])
            scores[hits] += contributions * times if times != 1 else contributions

    def _accumulator(self) -> np.ndarray:
        scores = getattr(self._scratch, "scores", None)
        if scores is None:
            scores = self._scratch.scores = np.zeros(self.doc_count, dtype=np.float64)
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


def smooth_idf(doc_freq: int, doc_count: int) -> float:
    """An idf that never reaches zero or below: the weight of a word as evidence, for coverage and declining."""
    return math.log(1 + (doc_count + 1) / (doc_freq + 1))
