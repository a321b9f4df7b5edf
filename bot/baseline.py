"""The plain approach, for comparison: jieba + rank-bm25 over sentences, top sentence, never declines."""

from __future__ import annotations

from pathlib import Path

import jieba
from rank_bm25 import BM25Okapi

from .answer import Answer, Candidate
from .corpus import load_corpus
from .text import split_sentences


class Baseline:
    def __init__(self, rows: list[tuple[str, str]]):
        self.rows = rows  # (sentence, title)
        self.bm25 = BM25Okapi([jieba.lcut(sentence) for sentence, _ in rows])

    @classmethod
    def from_corpus(cls, corpus_dir: Path) -> "Baseline":
        return cls.from_articles(load_corpus(corpus_dir))

    @classmethod
    def from_articles(cls, articles) -> "Baseline":
        return cls([(s, a.title) for a in articles for p in a.paragraphs for s in split_sentences(p)])

    def ask(self, question: str) -> Answer:
        scores = self.bm25.get_scores(jieba.lcut(question))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:3]
        candidates = tuple(Candidate(self.rows[i][0], "", self.rows[i][1], "", float(scores[i])) for i in order)
        return Answer(question=question, kind="baseline", candidates=candidates, declined=False, reason="top BM25")
