"""Read-only views of a saved index's segments (bot/cache.py): the knowledge's tables, whose items are made from the
segments' mapped arrays on access, so that a million passages load without a million objects."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from .corpus import Article
from .knowledge import Sentence
from .segments import ARTICLE_FIELDS, Segment


class PackedStrings(Sequence[str]):
    """Strings packed in one UTF-8 array: the i-th is decoded on access, never all at once."""

    def __init__(self, buffer: np.ndarray, offsets: np.ndarray):
        self.buffer, self.offsets = buffer, offsets

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.buffer[self.offsets[i]:self.offsets[i + 1]].tobytes().decode("utf-8")


class _Table(Sequence):
    """A sequence over the segments in order whose items are made on access (a million passages load without a
    million objects)."""

    def __init__(self, segments: Sequence[Segment], count):
        sizes = [count(s) for s in segments]
        self.starts = [0, *np.cumsum(sizes).tolist()]
        self.segments = segments
        self.article_starts = [0, *np.cumsum([s.article_count for s in segments]).tolist()]

    def __len__(self) -> int:
        return self.starts[-1]

    def _item(self, segment: int, i: int):
        raise NotImplementedError

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        segment = bisect.bisect_right(self.starts, i) - 1
        return self._item(segment, i - self.starts[segment])


class SentenceTable(_Table):
    def __init__(self, segments: Sequence[Segment]):
        super().__init__(segments, lambda s: s.sentence_count)
        self.texts = [PackedStrings(s.arrays["sentence_text"], s.arrays["sentence_offsets"]) for s in segments]

    def _item(self, segment: int, i: int) -> Sentence:
        article, paragraph, position = self.segments[segment].arrays["sentence_positions"][i].tolist()
        return Sentence(self.texts[segment][i], article + self.article_starts[segment], paragraph, position)


class ArticleTable(_Table):
    def __init__(self, segments: Sequence[Segment]):
        super().__init__(segments, lambda s: s.article_count)
        self.fields = [PackedStrings(s.arrays["article_text"], s.arrays["article_offsets"]) for s in segments]

    def _item(self, segment: int, i: int) -> Article:
        width = len(ARTICLE_FIELDS)
        return Article(*(self.fields[segment][i * width + f] for f in range(width)))


class TokenTable(_Table):
    def __init__(self, segments: Sequence[Segment], terms: list[str]):
        super().__init__(segments, lambda s: s.sentence_count)
        self.terms = terms

    def _item(self, segment: int, i: int) -> tuple[str, ...]:
        arrays = self.segments[segment].arrays
        offsets = arrays["token_offsets"]
        return tuple(self.terms[t] for t in arrays["token_ids"][offsets[i]:offsets[i + 1]].tolist())


class TermCounts(Mapping):
    """A Counter-like read-only view: term -> count, 0 for a term never counted."""

    def __init__(self, vocabulary: dict[str, int], counts: np.ndarray):
        self.vocabulary, self.counts = vocabulary, counts

    def __getitem__(self, term: str) -> int:
        row = self.vocabulary.get(term)
        return int(self.counts[row]) if row is not None else 0

    def get(self, term: str, default=None):
        count = self[term]
        return count if count else default

    def __contains__(self, term) -> bool:
        return bool(self[term])

    def __iter__(self) -> Iterator[str]:
        return (term for term, row in self.vocabulary.items() if self.counts[row])

    def __len__(self) -> int:
        return int(np.count_nonzero(self.counts))
