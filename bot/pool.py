"""Tokenizing many corpus files on every core: a process pool sized to the machine, closed after use."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator

POOL_MIN_ARTICLES = 2000  # below this, starting the workers (jieba and its dictionary each) costs more than it saves
MAX_PROCESSES: int | None = None  # None: every core this process may use (the benchmark sets 1 to compare)

_worker_tokenizer = None


def workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def tokenize_files(jobs: list[list], words: dict, tokenizer, split: Callable, processes: int | None = None,
                   cache_dir=None) -> list:
    """split(articles, tokenizer) of each job, in order, with one progress bar; on all cores when the jobs are many.

    Workers start with spawn (a reload runs in a thread, and forking a threaded process is unsafe) and make their
    own Tokenizer from words (from the jieba state saved in cache_dir when there is one), which gives the same
    tokens as the caller's.
    """
    from tqdm import tqdm

    total = sum(map(len, jobs))
    count = min(processes or MAX_PROCESSES or workers(), len(jobs))
    with tqdm(total=total, desc="tokenizing articles", unit="article", delay=1.0, disable=None) as bar:
        if count < 2 or total < POOL_MIN_ARTICLES:
            return [split(_counted(articles, bar), tokenizer) for articles in jobs]
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(count, mp_context=context, initializer=_start, initargs=(words, cache_dir)) as pool:
            futures = [pool.submit(_split, articles) for articles in jobs]
            results = []
            for future, articles in zip(futures, jobs):
                results.append(future.result())
                bar.update(len(articles))
            return results


def _start(words: dict, cache_dir) -> None:
    from .cache import tokenizer_for

    global _worker_tokenizer
    _worker_tokenizer = tokenizer_for(words, cache_dir)


def _split(articles: list):
    from .knowledge import passage_parts

    return passage_parts(articles, _worker_tokenizer)


def _counted(items: list, bar) -> Iterator:
    for item in items:
        yield item
        bar.update(1)
