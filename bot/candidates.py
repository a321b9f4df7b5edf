"""Candidates, the second step of answering: the sentences worth scoring for a question.

BM25 (the index's exact rank-bm25 scores over sentence-with-context passages) fetches the best RETRIEVED sentences.
The answer sentence often shares few words with the question, while its article shares many: so every sentence of
the best ARTICLES_EXPANDED articles joins the candidates too (on CMRC 2018 trial, the top 60 sentences hold the
answer sentence for 87% of questions; with the best 3 articles' sentences, 91%).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .question import Question

RETRIEVED = 60
ARTICLES_EXPANDED = 3
SENTENCES_PER_ARTICLE = 80  # a long article adds the sentences nearest its best hit, not hundreds


@dataclass(frozen=True)
class Candidates:
    docs: np.ndarray  # sentence positions in the snapshot
    bm25: np.ndarray  # the sentence's passage score (0 for a sentence added with its article)
    rank: np.ndarray  # its place in the BM25 list (RETRIEVED for an added sentence)
    article_bm25: np.ndarray  # the best passage score of its article
    article_rank: np.ndarray  # its article's place among the candidates' articles
    top: float  # the best passage score: scores are compared relative to it

    def __len__(self) -> int:
        return len(self.docs)


def search_words(knowledge, question: Question) -> list[str]:
    """The question's words as index tokens, with the full names of abbreviations the paper defined."""
    words = []
    for term in question.terms:
        words.append(term.text)
        full = knowledge.abbreviations.get(term.text)
        if full:
            words += knowledge.tokenizer.tokens(full)
    return words


def article_span(knowledge, doc: int) -> range:
    """The positions of all sentences of doc's article (sentences of one article are stored together)."""
    sentences = knowledge.sentences
    start = doc - sentences[doc].position
    end = doc + 1
    article = sentences[doc].article
    while end < len(sentences) and sentences[end].article == article:
        end += 1
    return range(start, end)


def candidates(knowledge, question: Question) -> Candidates | None:
    hits = knowledge.index.search(search_words(knowledge, question), RETRIEVED)
    if not hits:
        return None
    score = {hit.doc: hit.score for hit in hits}
    rank = {hit.doc: r for r, hit in enumerate(hits)}
    best_of_article: dict[int, tuple[float, int]] = {}
    for hit in hits:
        article = knowledge.sentences[hit.doc].article
        if article not in best_of_article:
            best_of_article[article] = (hit.score, hit.doc)
    article_order = list(best_of_article)  # hits come best first, so articles do too
    docs = [hit.doc for hit in hits]
    for article in article_order[:ARTICLES_EXPANDED]:
        span = article_span(knowledge, best_of_article[article][1])
        if len(span) > SENTENCES_PER_ARTICLE:
            middle = best_of_article[article][1]
            start = max(span.start, min(middle - SENTENCES_PER_ARTICLE // 2, span.stop - SENTENCES_PER_ARTICLE))
            span = range(start, start + SENTENCES_PER_ARTICLE)
        docs += [doc for doc in span if doc not in score]
    article_place = {article: place for place, article in enumerate(article_order)}
    articles = [knowledge.sentences[doc].article for doc in docs]
    return Candidates(
        docs=np.array(docs, dtype=np.int64),
        bm25=np.array([score.get(doc, 0.0) for doc in docs]),
        rank=np.array([rank.get(doc, RETRIEVED) for doc in docs], dtype=np.float64),
        article_bm25=np.array([best_of_article[a][0] for a in articles]),
        article_rank=np.array([article_place[a] for a in articles], dtype=np.float64),
        top=hits[0].score or 1.0,
    )
