"""Features, the third step of answering: numbers that describe how well each candidate sentence fits the question.

Every feature is general (no word lists of questions, no tuned weights): the trained model (bot/ranker.py) decides
how much each one counts. FEATURES names the columns in order; the model file records the list it was trained on.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from . import entities, facts, thesaurus
from .candidates import Candidates, RETRIEVED
from .question import KINDS, Question
from .text import simplified

TYPED_KINDS = ("time", "duration", "frequency", "number", "code", "person", "place", "organization", "reason", "benefit")
FAR = 100  # characters: "no such span near the question's words"

FEATURES = (
    "bm25", "bm25_rel", "bm25_rank", "retrieved", "article_rel", "article_rank",
    "w_sentence", "w_context", "w_article", "w_title", "n_sentence", "n_article",
    "missing_article", "missing_context", "thesaurus",
    "char1", "char2", "char2_context", "char3", "lcs", "lcs_chars", "phrases",
    "window", "spread", "position", "first", "article_sentences", "length", "question_length", "terms",
    "numbers_sentence", "numbers_article", "unseen", "unseen_rarest",
    "w_previous", "w_next", "pronoun_first", "pivot_here", "pivot_distance",
    *(f"{name}_behind" for name in ("w_sentence", "w_context", "char2", "lcs", "bm25", "asked_distance")),
    "rare_missing_context", "rare_missing_article", "rare_unseen", "lead_context", "lead_article",
    "has_asked", "asked_count", "asked_shape", "asked_counter", "asked_distance", "asked_before",
    "asked_outside_question", "w_beyond_title",
    "lead_sentences", "rarest_sentences", "w_partial",
    *(f"kind_{k}" for k in KINDS),
    *(f"has_{k}" for k in TYPED_KINDS), "named_asked",
)
INDEX = {name: column for column, name in enumerate(FEATURES)}


def _content(question: Question) -> str:
    """The question's text without its question words: what a sentence can share with it."""
    text = question.text.lower()
    if question.asking:
        a, b = question.asking
        text = text[:a] + " " + text[b:]
    return text


_PUNCTUATION_RE = re.compile(r"[^\w\u3400-\u9fff]+")


def _grams(text: str, n: int) -> set[str]:
    """Character n-grams of text with punctuation and spaces removed."""
    text = _PUNCTUATION_RE.sub("", text)
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def _longest_common(a: str, b: str) -> int:
    """Longest run of a's characters found in b (a is the short question, b a sentence)."""
    best = 0
    for i in range(len(a)):
        size = best + 1
        while i + size <= len(a) and a[i:i + size] in b:
            best = size
            size += 1
    return best


def features(knowledge, question: Question, found: Candidates) -> np.ndarray:
    """One row per candidate, one column per FEATURES name."""
    rows = np.zeros((len(found), len(FEATURES)), dtype=np.float64)
    terms = question.terms
    total = sum(t.weight for t in terms) or 1.0
    rarest = max((t.weight for t in terms), default=1.0) or 1.0
    content = _content(question)
    grams = {n: _grams(content, n) for n in (1, 2, 3)}
    pairs = [a.text + b.text for a, b in zip(terms, terms[1:]) if a.start + len(a.text) == b.start]
    articles: dict[int, tuple[str, set[str], int]] = {}
    kind_column = INDEX[f"kind_{question.kind}"]
    # words of the question that no sentence of the corpus holds: the same for every candidate, telling for declining
    unseen = [t for t in terms if not knowledge.sentence_df.get(t.text)]
    rows[:, INDEX["unseen"]] = sum(t.weight for t in unseen) / total
    rows[:, INDEX["unseen_rarest"]] = max((t.weight for t in unseen), default=0.0) / rarest
    # how rare at large (not in this corpus) the words missing are: a name missing is telling, an everyday word less
    rarity = {t.text: knowledge.tokenizer.rarity(t.text) for t in terms}
    rows[:, INDEX["rare_unseen"]] = max((rarity[t.text] for t in unseen), default=0.0)
    # the words right next to the question phrase (成立 in 哪一年成立): the answer stands beside them
    pivots = _pivots(question)
    # the word a question leads with is most often its topic (龙胆 in 龙胆生长的地区海拔约是多少米)
    lead = min(terms, key=lambda t: t.start).text if terms else None
    rarest_word = max(terms, key=lambda t: t.weight).text if terms else None
    # who, where, which body: LAC's names in the candidates BM25 ranks highest (bot/entities.py)
    if question.kind in entities.ASKED_TAG:
        rows[:, INDEX["named_asked"]] = entities.UNTAGGED
        tagged = np.flatnonzero(found.rank < entities.TAGGED_RANKS)
        for row, names in zip(tagged, knowledge.named(found.docs[tagged].tolist())):
            rows[row, INDEX["named_asked"]] = entities.asked(names, question.kind, question.text)
    else:
        rows[:, INDEX["named_asked"]] = -1  # the question asks for no name
    rows[:, INDEX["asked_shape"]] = rows[:, INDEX["asked_counter"]] = -1  # no shape asked (set by _typed)
    sentences = knowledge.sentences
    plain: dict[int, str] = {}  # each sentence's text as compared (simplified, lower case), once per question

    def compared(j: int) -> str:
        if j not in plain:
            plain[j] = simplified(sentences[j].text).lower()
        return plain[j]

    for row, doc in enumerate(found.docs.tolist()):
        sentence = sentences[doc]
        text = compared(doc)
        tokens = set(knowledge.sentence_tokens[doc])
        if sentence.article not in articles:
            articles[sentence.article] = _article(knowledge, sentence.article, doc)
        title, article_tokens, size = articles[sentence.article]
        neighbours = [j for j in (doc - 1, doc + 1) if 0 <= j < len(sentences) and sentences[j].article == sentence.article]
        context = set(tokens).union(*(knowledge.sentence_tokens[j] for j in neighbours))
        context_text = text + "".join(compared(j) for j in neighbours) + title
        f = rows[row]
        if lead is None:
            f[INDEX["lead_context"]] = f[INDEX["lead_article"]] = -1
        w_sentence = w_context = w_article = w_title = w_synonym = w_partial = 0.0
        beyond = beyond_here = 0.0  # the question's words its headline does not hold: what it asks beyond the topic
        n_sentence = n_article = 0
        missing_article = missing_context = rare_article = rare_context = 0.0
        anchors = []
        for term in terms:
            word = term.text
            here = word in tokens or (len(word) > 1 and word in text)
            near = here or word in context or (len(word) > 1 and word in context_text)
            anywhere = near or word in article_tokens
            w_sentence += term.weight * here
            w_context += term.weight * near
            w_article += term.weight * anywhere
            in_title = word in title
            w_title += term.weight * in_title
            if not in_title:
                beyond += term.weight
                beyond_here += term.weight * here
            n_sentence += here
            n_article += anywhere
            if word == lead:
                f[INDEX["lead_context"]], f[INDEX["lead_article"]] = near, anywhere
            if not anywhere:
                missing_article = max(missing_article, term.weight)
                rare_article = max(rare_article, rarity[word])
            if not near:
                missing_context = max(missing_context, term.weight)
                rare_context = max(rare_context, rarity[word])
            if here:
                at = text.find(word)
                if at >= 0:
                    anchors.append(at)
            else:
                # a word the sentence holds only in part, by its characters (剂 in 剂次, 院 in 医院, 开发区 → 开发)
                w_partial += term.weight * sum(c in text for c in word) / len(word)
                if len(word) > 1 and thesaurus.synonyms_in(word, tokens):
                    w_synonym += term.weight
        f[0] = found.bm25[row]
        f[1] = found.bm25[row] / found.top
        f[2] = math.log1p(found.rank[row])
        f[3] = found.rank[row] < RETRIEVED
        f[4] = found.article_bm25[row] / found.top
        f[5] = found.article_rank[row]
        f[6:10] = w_sentence / total, w_context / total, w_article / total, w_title / total
        f[10] = n_sentence / max(len(terms), 1)
        f[11] = n_article / max(len(terms), 1)
        f[12] = missing_article / rarest
        f[13] = missing_context / rarest
        f[14] = w_synonym / total
        f[INDEX["w_beyond_title"]] = beyond_here / beyond if beyond else -1
        # how many of the article's sentences hold the question's topic and its rarest word: an article about it
        # repeats it, one that names it in passing (a title in a list) holds it once
        f[INDEX["lead_sentences"]] = article_tokens.get(lead, 0) if terms else -1
        f[INDEX["rarest_sentences"]] = article_tokens.get(rarest_word, 0) if terms else -1
        f[INDEX["w_partial"]] = w_partial / total
        f[INDEX["rare_missing_context"]], f[INDEX["rare_missing_article"]] = rare_context, rare_article
        sentence_grams = {n: _grams(text, n) for n in (1, 2, 3)}
        f[15] = len(grams[1] & sentence_grams[1]) / max(len(grams[1]), 1)
        f[16] = len(grams[2] & sentence_grams[2]) / max(len(grams[2]), 1)
        f[17] = len(grams[2] & _grams(context_text, 2)) / max(len(grams[2]), 1)
        f[18] = len(grams[3] & sentence_grams[3]) / max(len(grams[3]), 1)
        lcs = _longest_common(content, text)
        f[19] = lcs / max(len(content.replace(" ", "")), 1)
        f[20] = lcs
        f[21] = sum(p in text for p in pairs) / max(len(pairs), 1) if pairs else -1
        window = (max(anchors) - min(anchors)) if len(anchors) > 1 else 0
        f[22] = window
        f[23] = window / max(len(text), 1)
        f[24] = sentence.position / max(size, 1)
        f[25] = sentence.position == 0
        f[26] = math.log1p(size)
        f[27] = math.log1p(len(text))
        f[28] = math.log1p(len(question.text))
        f[29] = len(terms)
        if question.numbers:
            f[30] = sum(n in text for n in question.numbers) / len(question.numbers)
            f[31] = sum(n in context_text or any(n in t for t in article_tokens) for n in question.numbers) / len(question.numbers)
        else:
            f[30] = f[31] = -1
        f[kind_column] = 1.0
        for column, j in ((INDEX["w_previous"], doc - 1), (INDEX["w_next"], doc + 1)):
            if j in neighbours:
                f[column] = _share(terms, set(knowledge.sentence_tokens[j]), compared(j)) / total
        f[INDEX["pronoun_first"]] = _PRONOUN_RE.match(text) is not None
        pivot_at = [at for at in (text.find(p) for p in pivots) if at >= 0]
        f[INDEX["pivot_here"]] = len(pivot_at) / len(pivots) if pivots else -1
        f[INDEX["pivot_distance"]] = FAR
        if question.kind in TYPED_KINDS:
            _typed(f, knowledge, doc, sentence.text, question, anchors, pivot_at)
    # how far each candidate stands behind the best one on the strongest single signals
    for name in ("w_sentence", "w_context", "char2", "lcs", "bm25"):
        column = rows[:, INDEX[name]]
        rows[:, INDEX[f"{name}_behind"]] = column.max() - column
    distance = rows[:, INDEX["asked_distance"]]
    rows[:, INDEX["asked_distance_behind"]] = distance - distance.min()
    return rows


_PRONOUN_RE = re.compile(r"(?:他们|她们|它们|他|她|它|其|该|此|这)")


def _pivots(question: Question) -> list[str]:
    """The question's words that touch its question phrase (at most two characters between)."""
    if not question.asking:
        return []
    start, end = question.asking
    before = [t for t in question.terms if start - 2 <= t.start + len(t.text) <= start]
    after = [t for t in question.terms if end <= t.start <= end + 2]
    return [t.text for t in before[-1:] + after[:1]]


def _share(terms, tokens: set[str], text: str) -> float:
    """The weight of the terms a sentence holds (as a word, or inside a longer word)."""
    return sum(t.weight for t in terms if t.text in tokens or (len(t.text) > 1 and t.text in text))


def _typed(f: np.ndarray, knowledge, doc: int, sentence: str, question: Question, anchors: list[int],
           pivot_at: list[int]) -> None:
    """Does the sentence hold a fact of the asked kind that the question does not, and how near the matched words."""
    asked = facts.of_kind(facts.spans(sentence, knowledge.tagged_sentence(doc)), question.kind, question.text)
    f[INDEX["asked_count"]] = len(asked)
    f[INDEX["asked_shape"]], f[INDEX["asked_counter"]] = facts.fitting(asked, question.kind, question.text)
    if not asked:
        f[INDEX["asked_distance"]] = FAR
        return
    f[INDEX["has_asked"]] = 1.0
    f[INDEX[f"has_{question.kind}"]] = 1.0
    if anchors:
        distance = min(min(abs(s.start - a), abs(s.end - a)) for s in asked for a in anchors)
        f[INDEX["asked_distance"]] = min(distance, FAR)
        f[INDEX["asked_before"]] = any(s.end <= min(anchors) for s in asked)
    else:
        f[INDEX["asked_distance"]] = FAR
    f[INDEX["asked_outside_question"]] = sum(simplified(s.text) not in question.text for s in asked) / len(asked)
    if pivot_at:
        f[INDEX["pivot_distance"]] = min(FAR, min(min(abs(s.start - a), abs(s.end - a)) for s in asked for a in pivot_at))


def _article(knowledge, article: int, doc: int) -> tuple[str, Counter, int]:
    """An article's headline (lower case), its sentences' tokens with how many sentences hold each, and its
    sentence count."""
    from .candidates import article_span

    record = knowledge.articles[article]
    span = article_span(knowledge, doc)
    tokens: Counter = Counter()
    for j in span:
        tokens.update(set(knowledge.sentence_tokens[j]))
    return simplified(f"{record.title} {record.kicker}").lower(), tokens, len(span)


# The decline model sees the best candidate's evidence and how far it stands above the rest.
DECLINE_FROM_BEST = ("w_sentence", "w_context", "w_article", "w_title", "n_article", "missing_article", "missing_context",
                     "unseen", "unseen_rarest", "terms", "rare_missing_context", "rare_missing_article", "rare_unseen",
                     "lead_context", "lead_article", "asked_distance",
                     "thesaurus", "char2", "char2_context", "lcs", "bm25_rel", "article_rel", "has_asked",
                     "numbers_article", "asked_shape", "asked_counter", "pivot_here", "pivot_distance",
                     "w_beyond_title", "lead_sentences", "rarest_sentences", "w_partial", *(f"kind_{k}" for k in KINDS))
DECLINE_FEATURES = ("score", "margin", "share", "near", *DECLINE_FROM_BEST)


def columns(names) -> np.ndarray:
    """Positions of the named features in FEATURES (a model names the columns it was trained on)."""
    unknown = [n for n in names if n not in INDEX]
    if unknown:
        raise KeyError(f"features this code does not compute: {', '.join(unknown)}")
    return np.array([INDEX[n] for n in names], dtype=np.int64)


def decline_columns(names) -> np.ndarray:
    """Positions of the named decline features in DECLINE_FEATURES."""
    index = {name: i for i, name in enumerate(DECLINE_FEATURES)}
    return np.array([index[name] for name in names], dtype=np.int64)


def decline_row(rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """DECLINE_FEATURES for one question: the best candidate's score, its margin over the second, its share of the
    candidates' softmax, how near a fact of the asked kind stands, and the best candidate's own evidence."""
    best = int(np.argmax(scores))
    ordered = np.sort(scores)[::-1]
    margin = ordered[0] - ordered[1] if len(ordered) > 1 else 1.0
    weights = np.exp(scores - ordered[0])
    near = 1.0 - min(rows[best, INDEX["asked_distance"]], FAR) / FAR
    own = rows[best, columns(DECLINE_FROM_BEST)]
    return np.concatenate([[ordered[0], margin, 1.0 / weights.sum(), near], own])
