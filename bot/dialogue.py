"""One chat's conversation, the same in the console and on Telegram: its recent answers (for /more, /source and
votes on older messages) and the topic that a follow-up question without one of its own refers to."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .answer import Answer, Candidate
from .question import strip_opening
from .smalltalk import asks_something
from .text import is_content_word

FOLLOW_UP_SECONDS = 300.0  # a question without its own topic refers to the previous one for five minutes
KEEP = 8  # answers a chat can still go back to (/more, 原文, 👍/👎 under an older message)

Tagger = Callable[[str], list[tuple[str, str]]]  # jieba.posseg pairs, e.g. Knowledge.tokenizer.tagged

# Words that ask rather than name: a noun right after one belongs to the question (什么时候, 什么地方, 多少钱).
ASKING_RE = re.compile(r"什么|哪|谁|怎|多少|几|啥|何|多大|多久|多长|吗|呢")
# Parts of speech that name a thing (jieba: n* nouns and names, j abbreviations, eng Latin words, vn verbal nouns,
# i four-character set phrases, which jieba also makes of a noun and its time word: 今天天气怎么样 asks of its own).
NAMING_TAGS = ("n", "j", "eng", "vn", "i")
NAME_TAGS = ("nr", "ns", "nt", "nz", "j", "eng")  # proper names: the heart of a topic when a question has one
# A leading 那/那么 ("then, what about") joins a question to the previous one without naming anything itself: what
# follows is about the previous topic unless it holds a proper name (那门票多少钱 after 湘江音乐节…; not 那北京冬奥会…).
LEADING_CONJUNCTION_RE = re.compile(r"^\s*(?:那么|那)(?=[^个些里儿边样种])")


@dataclass
class Asked:
    """One answered question: what the reader said, what the engine was asked, and how far /more has gone."""

    said: str
    question: str
    answer: Answer
    shown: int = 1
    told_end: bool = False  # 下一句 past the last candidate is answered once, then stays quiet
    votes: dict = field(default_factory=dict)  # (user id, candidate) -> 'up' or 'down': each vote logged once

    def next(self) -> Candidate | None:
        if self.shown >= len(self.answer.candidates):
            return None
        self.shown += 1
        return self.answer.candidates[self.shown - 1]

    def candidate(self, index: int | None = None) -> Candidate:
        """Candidate `index` (None: the one shown last)."""
        candidates = self.answer.candidates
        return candidates[min(self.shown - 1 if index is None else index, len(candidates) - 1)]


@dataclass
class Topic:
    words: tuple[str, ...]
    since: float


@dataclass(frozen=True)
class Reading:
    """What a question is taken to ask. guessed: read as a follow-up only because it names no noun of its own
    (打了多少剂次 after 轨博会…: jieba finds no noun in it), not because it refers back."""

    asked: str
    guessed: bool = False


@dataclass
class Conversation:
    """A chat's recent answers, numbered so a button under an older message finds its own question, and its topic."""

    clock: Callable[[], float] = time.monotonic
    asked: dict[int, Asked] = field(default_factory=dict)
    latest: int = 0
    topic: Topic | None = None

    def remember(self, said: str, question: str, answer: Answer) -> int:
        """Keep an answered question; declines are not kept, so /more and /source still speak of the last answer."""
        self.latest += 1
        self.asked[self.latest] = Asked(said, question, answer)
        self.asked.pop(self.latest - KEEP, None)
        return self.latest

    def get(self, number: int | None = None) -> Asked | None:
        return self.asked.get(self.latest if number is None else number)

    def question_for(self, said: str, tagged: Tagger) -> str:
        """What to ask the engine (`reading`'s question)."""
        return self.reading(said, tagged).asked

    def reading(self, said: str, tagged: Tagger) -> Reading:
        """What to ask the engine: `said` itself, or, for a follow-up, `said` about the previous question's topic.

        A question is a follow-up when it refers back (它, 其, 该, 这个 …), names nothing of its own (签约了几个？), or
        leads with 那 and names no proper name (那门票多少钱？); a question naming its own topic starts a new one. The
        topic lasts FOLLOW_UP_SECONDS after its last use.
        """
        now = self.clock()
        if not asks_something(said):  # empty lines, "OK", a pasted link: nothing to complete
            return Reading(said)
        words = tagged(said)
        own = topic_words(words)
        # a demonstrative before a name of its own (本届轨博会, 这次轨博会) points at that name, not back
        names_own = any(tag.startswith(NAME_TAGS) for _, tag in words)
        referring = [] if names_own else [w for w, tag in words if _refers_back(w, tag)]
        fresh = self.topic is not None and now - self.topic.since < FOLLOW_UP_SECONDS
        core = strip_opening(said.strip())  # 请问，那门票多少钱？ leads with 那 once the politeness is set aside
        joined = LEADING_CONJUNCTION_RE.match(core) is not None and not names_own
        if fresh and (referring or not own or joined):
            self.topic.since = now
            return Reading(_about(core, "".join(self.topic.words), referring[0] if referring else None),
                           guessed=not referring and not joined)
        self.topic = Topic(own, now) if own else None
        return Reading(said)


def answer_reading(ask: Callable[[str], Answer], said: str, reading: Reading) -> tuple[str, Answer]:
    """The engine's answer to the reading, and what it answered. A guessed follow-up whose reading is declined is
    asked as said too and answered so if it can be. A question that refers back (它, 那…) keeps its reading: asked
    alone it would be about whatever else the paper names."""
    result = ask(reading.asked)
    if reading.guessed and result.declined:
        alone = ask(said)
        if not alone.declined:
            return said, alone
    return reading.asked, result


def topic_words(tagged: list[tuple[str, str]]) -> tuple[str, ...]:
    """The phrases a question names (runs of naming words outside the asking phrase); those holding a proper name
    when there are any (湘江音乐节 rather than 门票)."""
    phrases: list[list[tuple[str, str]]] = []
    previous_asks = False
    run: list[tuple[str, str]] = []
    for word, tag in tagged:
        names = tag.startswith(NAMING_TAGS) and is_content_word(word) and not ASKING_RE.search(word)
        if names and not previous_asks:
            run.append((word, tag))
        else:
            if run:
                phrases.append(run)
            run = []
        previous_asks = bool(ASKING_RE.search(word)) and tag in ("r", "m")
    if run:
        phrases.append(run)
    named = [p for p in phrases if any(tag.startswith(NAME_TAGS) for _, tag in p)]
    return tuple("".join(w for w, _ in p) for p in (named or phrases))


def _refers_back(word: str, tag: str) -> bool:
    """A pronoun or demonstrative that is not a question word (它, 其, 该, 这个, 那里); not a bare 那/那么."""
    return tag == "r" and not ASKING_RE.search(word) and word not in ("那", "那么")


def _about(said: str, topic: str, pronoun: str | None) -> str:
    """The follow-up made whole: the pronoun replaced by the topic (那它在哪举行 → 轨博会在哪举行), or the topic
    put in front (那签约了几个 → 轨博会签约了几个)."""
    text = LEADING_CONJUNCTION_RE.sub("", said, count=1).strip()
    if pronoun:
        bare = re.sub(r"^那(?=它|他|她|其)", "", pronoun)  # jieba keeps 那它 together
        at = text.find(pronoun)
        if at >= 0:
            return text[:at] + topic + text[at + len(pronoun):]
        at = text.find(bare)
        if at >= 0:
            return text[:at] + topic + text[at + len(bare):]
    return topic + text
