"""Chinese text handling: normalisation, sentence splitting and the one tokenizer used for passages and questions."""

from __future__ import annotations

import functools
import io
import math
import re
import sys
import unicodedata
from collections.abc import Iterable

import jieba
import opencc

# jieba logs its dictionary loading at DEBUG/INFO on every start; readers do not need it.
jieba.setLogLevel(60)

# jieba.posseg reads jieba's whole dictionary again when imported, 350,000 lines for their part-of-speech tags (a
# third of a second at every start). newsqa never uses its module-level tagger: a Tokenizer carries the tags in its
# state (saved with the index), so the import is given an empty dictionary, and base_tags() reads the real one only
# when a state is made afresh.
if "jieba.posseg" not in sys.modules:
    jieba.dt.get_dict_file = lambda: io.BytesIO()  # shadows the method for the import only
    try:
        import jieba.posseg
    finally:
        del jieba.dt.get_dict_file
import jieba.posseg  # noqa: E402 (bound here when it was imported before)

SENTENCE_END = "。!?;…"
CLOSERS = "”’\")】》」』"
# NFKC turns the ellipsis …… into ......, which ends a sentence too (a lone . is a decimal point).
_SENTENCE_RE = re.compile(rf"(?:[^{SENTENCE_END}\n.]|\.(?!\.\.))*(?:(?:[{SENTENCE_END}]|\.{{3,}})+[{CLOSERS}]*|\n|$)")
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")  # terminal colour codes pasted with a question
_CONTROL_RE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACE_RE = re.compile(r"\s+")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD_CHAR_RE = re.compile(r"[\w\u3400-\u9fff]")


def normalize(text: str) -> str:
    """NFKC, invisible and control characters removed, runs of white space folded to one space."""
    text = unicodedata.normalize("NFKC", _ANSI_RE.sub("", text))
    text = _CONTROL_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


_TO_SIMPLIFIED = opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters as simplified ones (OpenCC t2s: 臉書 → 脸书, 國慶節 → 国庆节), the form every comparison
    of words uses: a question typed in one script finds a page printed in the other (Hong Kong and Taiwan papers,
    pages from before 1956). Simplified text is left as it is. Positions stay those of the text: a conversion that
    would change the length (none in OpenCC's tables for Chinese characters) is not made."""
    try:
        converted = _TO_SIMPLIFIED.convert(text)
    except UnicodeEncodeError:  # a lone surrogate (not text; OpenCC takes UTF-8): compared as it is
        return text
    return converted if len(converted) == len(text) else text


def squash(text: str) -> str:
    """The comparison form used by the evaluation: NFKC with all white space removed."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph at 。!?; and similar, keeping closing quotes with their sentence."""
    pieces = (m.group(0).strip() for m in _SENTENCE_RE.finditer(paragraph))
    return [p for p in pieces if p and _WORD_CHAR_RE.search(p)]


def ends_sentence(text: str) -> bool:
    """True when text ends like a finished sentence (so a following block is not its continuation)."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def is_cjk(char: str) -> bool:
    return bool(CJK_RE.match(char))


def join_broken(left: str, right: str) -> str:
    """Join two pieces of one sentence that a line break separated; a space only between Latin words."""
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


# Words that ask rather than tell: they carry no evidence about where the answer is.
QUESTION_WORDS = frozenset(
    """
    什么 什么样 啥 为啥 为什么 为何 怎么 怎么样 怎样 如何 哪 哪里 哪儿 哪个 哪些 哪位 哪家 哪天 哪年 哪月 哪一年 哪一天
    几 几个 几位 几名 几家 几次 几项 几场 几天 几年 几号 几点 几月 多少 多久 多长 多大 多远 多高 谁 是谁 何时 何地 何人
    吗 呢 吧 啊 呀 么 请问 一下 告诉 知道 想 问 问问 请 能否 能不能 可以 是否 有没有 是不是
    """.split()
)

# Function words and everyday filler: frequent everywhere, evidence nowhere.
STOPWORDS = frozenset(
    """
    的 了 是 在 和 与 及 或 也 都 就 还 又 而 并 被 把 对 从 向 给 让 由 于 以 之 其 该 这 那 这个 那个 这次 这些 那些 此
    有 个 位 种 次 上 下 中 里 内 外 等 着 过 来 去 到 说 要 会 能 将 已 已经 被 为 着 吧 得 地 所 这位 那位 一 一个 一些
    我 你 他 她 它 我们 你们 他们 她们 咱们 大家 自己 今年 最后 最近 目前 现在 时候 一共 总共 大概 大约 一起 主要 具体
    """.split()
)
# 今年/最近/最后 are removed because readers add them to questions whose sentences rarely repeat them.


class Tokenizer:
    """jieba with an optional user dictionary; one instance tokenizes both passages and questions."""

    def __init__(self, user_words: dict[str, str] | Iterable[str] = (), state: tuple | None = None,
                 previous: "Tokenizer | None" = None):
        self._jieba = jieba.Tokenizer()
        tagged = user_words if isinstance(user_words, dict) else {w: None for w in user_words}
        self.user_words = tuple(sorted(tagged.items(), key=lambda kv: (kv[0], kv[1] or "")))
        # state: what state() returned for the same user words (the cache saves it), so nothing is computed; else the
        # dictionary of previous (a reload's few new words added to it) or of jieba alone, with the user words added.
        if state is None:
            state = dictionary_with(dict(self.user_words), previous.state() if previous is not None else None)
        self._state = state
        self._jieba.FREQ, self._jieba.total, added, _, tags = state
        self._own_total = state[1] - sum(suggested for suggested, _, _ in added.values())  # jieba's own dictionary's
        self._jieba.initialized = True
        tags = dict(tags)  # jieba's own, the user words' on top
        tags.update((word, tag) for word, (_, _, tag) in added.items() if tag)
        self._posseg = _pos_tagger(self._jieba, tags)

    def state(self) -> tuple:
        """(prefix dictionary, total, {user word: (its frequency, jieba's own or None, its tag)}, prefixes added,
        jieba's own tags):
        Tokenizer(words, state) is this tokenizer again at once, and dictionary_with extends it."""
        return self._state

    def rarity(self, word: str) -> float:
        """How rare a word is in Chinese at large, 0 (everyday) to 1 (not in jieba's own dictionary): from the word
        frequencies jieba ships, not from this corpus. A question word the paper lacks is telling when it is a name
        (rare at large: the topic is not here) and much less so when it is an everyday word (体重, 季节, 校门 asked in
        other words than the paper's)."""
        added = self._state[2]
        own = added[word][1] if word in added else self._state[0].get(word)
        return min(1.0, math.log((self._own_total + 1) / ((own or 0) + 1)) / math.log(self._own_total + 1))

    def known(self, word: str) -> bool:
        """Whether word is in the dictionary (jieba's own or the corpus's words), not only a prefix of longer words."""
        return bool(self._jieba.FREQ.get(word))

    def words(self, text: str) -> list[str]:
        """All jieba words of normalised text in simplified characters, lower-cased, white space dropped."""
        return [w.lower() for w in self._jieba.lcut(simplified(normalize(text)), HMM=True) if w.strip()]

    def tokens(self, text: str) -> list[str]:
        """Content tokens: words minus punctuation, question words and stop words."""
        return [w for w in self.words(text) if is_content_word(w)]

    def tagged(self, text: str, hmm: bool = True) -> list[tuple[str, str]]:
        """(word, part-of-speech) pairs from jieba.posseg; hmm=False skips guessing unknown words (20 times faster:
        names in the dictionary and the user words are still tagged). Words are cut and tagged in simplified
        characters and given back as the normalised text writes them."""
        text = normalize(text)
        pairs, position = [], 0
        for pair in self._posseg.lcut(simplified(text), HMM=hmm):
            word, position = text[position:position + len(pair.word)], position + len(pair.word)
            if word.strip():
                pairs.append((word, pair.flag))
        return pairs


def dictionary_with(words: dict[str, str | None], previous: tuple | None = None) -> tuple:
    """jieba's prefix dictionary with these user words, as Tokenizer.state() gives it. Each word gets the frequency
    jieba suggests for it against jieba's own dictionary alone (suggest_freq, what add_word gives a word without one),
    so the result depends on the words only, not on their order: extending a previous state (a reload that adds a
    day's paper teaches tens of words among fifty thousand) gives the very dictionary a fresh build would, in
    milliseconds instead of seconds."""
    if previous is None:
        jieba.dt.check_initialized()
        freq, total, added, prefixes, base = dict(jieba.dt.FREQ), jieba.dt.total, {}, set(), jieba.dt
        tags = base_tags()
    else:
        freq, total, added, prefixes, base = dict(previous[0]), previous[1], dict(previous[2]), set(previous[3]), None
        tags = previous[4]
    new = sorted(w for w in words if w not in added)
    if new and base is None:  # jieba's own dictionary again: the user words as jieba had them, no prefix of ours
        base = jieba.Tokenizer()
        base.FREQ = {**freq, **{w: own for w, (_, own, _) in added.items() if own is not None}}
        for key in prefixes.union(w for w, (_, own, _) in added.items() if own is None):
            base.FREQ.pop(key, None)
        base.total, base.initialized = total - sum(f for f, _, _ in added.values()), True
    for word in [w for w in added if w not in words]:
        suggested, own, _ = added.pop(word)
        total -= suggested
        freq[word] = own or 0  # jieba's own frequency; 0 (a prefix only) for a word jieba lacks
        if own is None:
            prefixes.add(word)
    for word in new:
        suggested = base.suggest_freq(word, False)
        added[word] = (suggested, base.FREQ.get(word), words[word])
        freq[word], total = suggested, total + suggested
        prefixes.discard(word)
        for end in range(1, len(word)):
            if word[:end] not in freq:
                freq[word[:end]] = 0
                prefixes.add(word[:end])
    for word in [w for w in words.keys() & added.keys() if added[w][2] != words[w]]:  # a word's tag changed
        added[word] = (*added[word][:2], words[word])
    return freq, total, added, sorted(prefixes), tags


@functools.cache
def base_tags() -> dict[str, str]:
    """jieba's own part-of-speech tags (what jieba.posseg reads at import), keyed by the very strings of jieba's
    prefix dictionary, so that a state saved with marshal holds each word once."""
    jieba.dt.check_initialized()
    reader = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    reader.load_word_tag(jieba.dt.get_dict_file())
    keys = {word: word for word in jieba.dt.FREQ}
    return {keys.get(word, word): tag for word, tag in reader.word_tag_tab.items()}


def plain_tagged(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech) pairs of jieba's own dictionary and tags alone (no user words, no HMM guessing)."""
    return [(pair.word, pair.flag) for pair in _plain_tagger().lcut(text, HMM=False)]


@functools.cache
def _plain_tagger():
    jieba.dt.check_initialized()
    return _pos_tagger(jieba.dt, base_tags())


def _pos_tagger(tokenizer: jieba.Tokenizer, tags: dict[str, str]):
    """jieba.posseg over this tokenizer's dictionary and these tags (its constructor would read jieba's files)."""
    reader = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
    reader.tokenizer, reader.word_tag_tab = tokenizer, tags
    return reader


def is_content_word(word: str) -> bool:
    return bool(_WORD_CHAR_RE.search(word)) and word not in QUESTION_WORDS and word not in STOPWORDS
