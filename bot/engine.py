"""The one owner of mutable state: the current knowledge snapshot, answered from and swapped whole on reload."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from .answer import Answer, answer
from .archive import place_in_time
from .cache import load_knowledge, on_background_commit
from .corpus import Article, CorpusError, build_corpus, load_corpus
from .files import describe, remove_stale_temporaries
from .knowledge import Knowledge, build_knowledge
from .listing import Skipped, scan
from .ranker import Model

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadReport:
    articles: int
    passages: int
    seconds: float
    built_from_seeds: tuple[str, ...] = ()
    skipped: tuple[Skipped, ...] = ()  # *.jsonl entries that are not readable files: named, not passed over


class Engine:
    """ask() reads whichever snapshot is current; reload() builds a new one aside and swaps it in one assignment."""

    def __init__(self, knowledge: Knowledge, corpus_dir: Path | None = None, seeds_dir: Path | None = None,
                 model: Model | None = None):
        self.knowledge = knowledge
        self.model = model  # the answer model (None: the shipped one); `newsqa eval --model` scores another
        self.corpus_dir = corpus_dir
        self.seeds_dir = seeds_dir
        self.builds = 0  # reload builds run: coalescing shows here
        self._reload_lock = threading.Lock()  # guards the two fields below
        self._pending: Future | None = None  # the build every request made since the running one started will get
        self._building = False
        if corpus_dir is not None:  # the index's background work committed (older files re-tokenized, segments merged)
            on_background_commit(corpus_dir, self.request_reload)  # a reload then only opens the new commit

    @classmethod
    def from_corpus(cls, corpus_dir: Path, seeds_dir: Path | None = None, model: Model | None = None) -> "Engine":
        """The engine over corpus_dir, from its saved index when the files are unchanged (see bot/cache.py)."""
        remove_stale_temporaries(corpus_dir)
        knowledge, _, _ = _load(corpus_dir, seeds_dir)
        return cls(knowledge, corpus_dir, seeds_dir, model)

    @classmethod
    def from_articles(cls, articles: list[Article], model: Model | None = None) -> "Engine":
        return cls(build_knowledge(articles), model=model)

    def ask(self, question: str) -> Answer:
        knowledge = self.knowledge  # one snapshot for the whole question, even if a reload swaps it meanwhile
        return place_in_time(knowledge, question, lambda text: answer(knowledge, text, self.model))

    def reload(self) -> ReloadReport:
        """Re-read the corpus (and seeds not yet built); on CorpusError the current snapshot stays in place."""
        return self.request_reload().result()

    def request_reload(self) -> Future:
        """Ask for a reload without waiting: requests made while a build runs share one follow-up build, so a burst
        of /reload costs at most two builds. The future gives the ReloadReport or raises CorpusError."""
        if self.corpus_dir is None:
            raise CorpusError("(none)", None, "this engine was built from articles in memory, not from a folder")
        with self._reload_lock:
            if self._pending is None:
                self._pending = Future()
                if not self._building:
                    self._building = True
                    # daemon: a build in progress must not hold up Ctrl-C; its files are written atomically
                    threading.Thread(target=self._build_pending, name="newsqa-reload", daemon=True).start()
            return self._pending

    def _build_pending(self) -> None:
        while True:
            with self._reload_lock:
                future, self._pending = self._pending, None
                if future is None:
                    self._building = False
                    return
            future.set_running_or_notify_cancel()
            try:
                future.set_result(self.build())
            except BaseException as exc:  # handed to every waiter; this thread must live on for the next request
                future.set_exception(exc)

    def build(self) -> ReloadReport:
        """Build a snapshot from the folder now, in this thread, and swap it in; reload() is what callers use."""
        self.builds += 1
        started = time.perf_counter()
        knowledge, built, skipped = _load(self.corpus_dir, self.seeds_dir)
        self.knowledge = knowledge  # the swap: readers see the old or the new snapshot, never a mix
        return ReloadReport(len(knowledge.articles), knowledge.passages, time.perf_counter() - started, built, skipped)

    @property
    def article_count(self) -> int:
        return len(self.knowledge.articles)

    @property
    def passage_count(self) -> int:
        return self.knowledge.passages


def _load(corpus_dir: Path, seeds_dir: Path | None) -> tuple[Knowledge, tuple[str, ...], tuple[Skipped, ...]]:
    """Knowledge of corpus_dir (after building missing seeds), the seeds built and the entries skipped. File faults
    become CorpusError naming the path and the cause (磁盘已满, 没有权限); an unusable saved index only costs speed."""
    try:
        built = _build_missing(corpus_dir, seeds_dir)
        try:
            knowledge = load_knowledge(corpus_dir)  # re-tokenizes only the files that changed
        except OSError as exc:
            log.warning("the saved index is not usable (%s: %s); serving the corpus from memory",
                        exc.filename or corpus_dir, describe(exc))
            knowledge = build_knowledge(load_corpus(corpus_dir))
        skipped = tuple(scan(corpus_dir).skipped)
    except OSError as exc:
        raise CorpusError(exc.filename or corpus_dir, None, describe(exc)) from exc
    for entry in skipped:
        log.warning("skipped corpus entry %s: %s", entry.path, entry.reason)
    return knowledge, built, skipped


def _build_missing(corpus_dir: Path, seeds_dir: Path | None) -> tuple[str, ...]:
    """Build corpus files for seeds that have none yet; the names of the seeds built."""
    if seeds_dir is not None and seeds_dir.is_dir() and corpus_dir.is_dir():
        return tuple(r.source for r in build_corpus(seeds_dir, corpus_dir, only_missing=True))
    return ()
