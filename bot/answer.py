"""Answering one question, as a pipeline a reader can follow module by module:

question analysis (bot/question.py) → candidates from BM25 (bot/candidates.py) → features (bot/features.py) →
model score and the decline decision (bot/ranker.py, a trained data file) → the fact span to bold (bot/facts.py);
a question asking who wrote the article is answered by that article's byline (bot/bylines.py).

Pure functions over an immutable knowledge snapshot: `answer(knowledge, text) -> Answer`.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field

import numpy as np

from . import bylines, facts, thesaurus
from .candidates import candidates
from .features import columns, decline_columns, decline_row, features
from .question import MAX_QUESTION_CHARS, analyze, refusal
from .ranker import Model, default_model
from .text import simplified

__all__ = ["Answer", "Candidate", "MAX_QUESTION_CHARS", "answer"]
CANDIDATES_KEPT = 3


@dataclass(frozen=True)
class Candidate:
    sentence: str
    article_id: str
    title: str
    byline: str
    score: float
    fact: str | None = None  # the span holding the asked fact, for emphasis
    why: str = ""
    article: int = -1  # the article's position in the snapshot that answered, for finding it again fast
    date: str = ""  # the article's issue date, paper, page and the page it continues from (filled by bot/archive.py)
    paper: str = ""
    page: str = ""
    continues: str = ""


@dataclass(frozen=True)
class Answer:
    question: str
    kind: str
    candidates: tuple[Candidate, ...] = ()
    declined: bool = True
    reason: str = ""  # why it declined ('empty', 'too long', or an explanation), or why the first candidate won
    rejected: tuple[Candidate, ...] = field(default=(), compare=False)  # what a decline turned down, for eval
    probability: float = 0.0  # the model's probability that the first candidate answers

    @property
    def best(self) -> Candidate | None:
        return None if self.declined or not self.candidates else self.candidates[0]

    @property
    def sentence(self) -> str | None:
        return self.best.sentence if self.best else None


_preparing = threading.Lock()


def prepare() -> None:
    """Read what every answer needs, once: the shipped model and the thesaurus (0.2 s); questions arriving together
    at the start wait for one reading instead of each making its own."""
    with _preparing:
        default_model()
        thesaurus.known("")


def answer(knowledge, text: str, model: Model | None = None) -> Answer:
    """The best sentence and two more, or a decline when the model doubts the best one answers."""
    prepare()
    problem = refusal(text)
    if problem:
        return Answer(question=text, kind="none", reason=problem)
    question = analyze(text, knowledge.tokenizer, knowledge.weight)
    if not question.terms:
        return Answer(question=text, kind=question.kind, reason="the question has no words to search for")
    found = candidates(knowledge, question)
    if found is None:
        return Answer(question=text, kind=question.kind, reason="no passage shares a word with the question")
    model = model or default_model()
    rows = features(knowledge, question, found)
    scores = model.scores(rows[:, columns(model.features)])
    probability = model.answers(decline_row(rows, scores)[decline_columns(model.decline_features)])
    order = np.argsort(-scores, kind="stable")[:CANDIDATES_KEPT]
    kept = tuple(_candidate(knowledge, question, int(found.docs[i]), float(scores[i]), probability if n == 0 else None)
                 for n, i in enumerate(order))
    by_writer = _by_writer(knowledge, question, kept[0])
    if by_writer is not None:
        return Answer(question=text, kind=question.kind, candidates=(by_writer, *kept[1:]), declined=False,
                      reason=by_writer.why, probability=probability)
    if probability < model.threshold:
        reason = f"the model gives the best sentence a {probability:.0%} chance of answering (below {model.threshold:.0%})"
        return Answer(question=text, kind=question.kind, reason=reason, rejected=kept, probability=probability)
    return Answer(question=text, kind=question.kind, candidates=kept, declined=False, reason=kept[0].why,
                  probability=probability)


def _by_writer(knowledge, question, best: Candidate) -> Candidate | None:
    """The best article's byline as the answer when the question asks who wrote that article (bot/bylines.py)."""
    if not bylines.asks_author(question.text):
        return None
    article = knowledge.articles[best.article]
    if not article.byline or not bylines.topic_in([t.text for t in question.terms], article.title, article.text):
        return None
    return dataclasses.replace(best, sentence=article.byline, fact=bylines.writer(article.byline),
                               why=f"the byline of the article the question names ({best.why})")


def _candidate(knowledge, question, doc: int, score: float, probability: float | None) -> Candidate:
    sentence = knowledge.sentences[doc]
    article = knowledge.articles[sentence.article]
    lowered = simplified(sentence.text).lower()
    anchors = [edge for t in question.terms for at in [lowered.find(t.text)] if at >= 0 for edge in (at, at + len(t.text))]
    span = facts.emphasis(sentence.text, knowledge.tagged_sentence(doc), question.kind, question.text, anchors)
    why = f"model score {score:.2f}" + (f", probability it answers {probability:.0%}" if probability is not None else "")
    return Candidate(sentence=sentence.text, article_id=article.id, title=article.title, byline=article.byline,
                     score=round(score, 4), fact=span.text if span else None, why=why, article=sentence.article)
