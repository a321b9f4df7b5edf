"""The one owner of mutable state: the current knowledge snapshot, answered from and swapped whole on reload."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .answer import Answer, answer
from .archive import place_in_time
from .cache import load_knowledge
from .corpus import Article, CorpusError, build_corpus
from .knowledge import Knowledge, build_knowledge


@dataclass(frozen=True)
class ReloadReport:
    articles: int
    passages: int
    seconds: float
    built_from_seeds: tuple[str, ...] = ()


class Engine:
    """ask() reads whichever snapshot is current; reload() builds a new one aside and swaps it in one assignment."""

    def __init__(self, knowledge: Knowledge, corpus_dir: Path | None = None, seeds_dir: Path | None = None):
        self.knowledge = knowledge
        self.corpus_dir = corpus_dir
        self.seeds_dir = seeds_dir
        self._reload_lock = threading.Lock()  # two admins reloading at once would build twice for nothing

    @classmethod
    def from_corpus(cls, corpus_dir: Path, seeds_dir: Path | None = None) -> "Engine":
        """The engine over corpus_dir, from its saved index when the files are unchanged (see bot/cache.py)."""
        _build_missing(corpus_dir, seeds_dir)
        return cls(load_knowledge(corpus_dir), corpus_dir, seeds_dir)

    @classmethod
    def from_articles(cls, articles: list[Article]) -> "Engine":
        return cls(build_knowledge(articles))

    def ask(self, question: str) -> Answer:
        knowledge = self.knowledge  # one snapshot for the whole question, even if a reload swaps it meanwhile
        return place_in_time(knowledge, question, lambda text: answer(knowledge, text))

    def reload(self) -> ReloadReport:
        """Re-read the corpus (and seeds not yet built); on CorpusError the current snapshot stays in place."""
        if self.corpus_dir is None:
            raise CorpusError("(none)", None, "this engine was built from articles in memory, not from a folder")
        with self._reload_lock:
            started = time.perf_counter()
            built = _build_missing(self.corpus_dir, self.seeds_dir)
            knowledge = load_knowledge(self.corpus_dir)  # re-tokenizes only the files that changed
            self.knowledge = knowledge  # the swap: readers see the old or the new snapshot, never a mix
            return ReloadReport(len(knowledge.articles), knowledge.passages, time.perf_counter() - started, built)

    @property
    def article_count(self) -> int:
        return len(self.knowledge.articles)

    @property
    def passage_count(self) -> int:
        return self.knowledge.passages


def _build_missing(corpus_dir: Path, seeds_dir: Path | None) -> tuple[str, ...]:
    """Build corpus files for seeds that have none yet; the names of the seeds built."""
    if seeds_dir is not None and seeds_dir.is_dir() and corpus_dir.is_dir():
        return tuple(r.source for r in build_corpus(seeds_dir, corpus_dir, only_missing=True))
    return ()
