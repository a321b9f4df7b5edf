"""Chinese text handling: normalisation, sentence splitting and the one tokenizer used for passages and questions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import jieba
import jieba.posseg

# jieba logs its dictionary loading at DEBUG/INFO on every start; readers do not need it.
jieba.setLogLevel(60)

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

    def __init__(self, user_words: dict[str, str] | Iterable[str] = (), state: tuple | None = None):
        self._jieba = jieba.Tokenizer()
        tagged = user_words if isinstance(user_words, dict) else {w: None for w in user_words}
        self.user_words = tuple(sorted(tagged.items(), key=lambda kv: (kv[0], kv[1] or "")))
        # state: what state() returned for the same user words, so there is no dictionary to read or extend. Without
        # it, jieba's own dictionary (read once per process) is copied and the user words are added to the copy.
        fresh = state is None
        if fresh:
            jieba.dt.check_initialized()
            state = (dict(jieba.dt.FREQ), jieba.dt.total, dict(jieba.posseg.dt.word_tag_tab))
        self._jieba.FREQ, self._jieba.total, tags = state
        self._jieba.initialized = True
        self._posseg = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
        self._posseg.tokenizer, self._posseg.word_tag_tab = self._jieba, tags
        if fresh:
            for word, tag in self.user_words:
                self._jieba.add_word(word, freq=None, tag=tag)
            self._posseg.makesure_userdict_loaded()

    def state(self) -> tuple:
        """jieba's prefix dictionary and tag table with the user words in: Tokenizer(words, state) is this tokenizer
        again without reading jieba's dictionary or adding the words one by one (the cache saves it)."""
        self._jieba.check_initialized()
        self._posseg.makesure_userdict_loaded()
        return self._jieba.FREQ, self._jieba.total, self._posseg.word_tag_tab

    def words(self, text: str) -> list[str]:
        """All jieba words of normalised text, lower-cased, white space dropped."""
        return [w.lower() for w in self._jieba.lcut(normalize(text), HMM=True) if w.strip()]

    def tokens(self, text: str) -> list[str]:
        """Content tokens: words minus punctuation, question words and stop words."""
        return [w for w in self.words(text) if is_content_word(w)]

    def tagged(self, text: str, hmm: bool = True) -> list[tuple[str, str]]:
        """(word, part-of-speech) pairs from jieba.posseg; hmm=False skips guessing unknown words (20 times faster:
        names in the dictionary and the user words are still tagged)."""
        return [(p.word, p.flag) for p in self._posseg.lcut(normalize(text), HMM=hmm) if p.word.strip()]


def is_content_word(word: str) -> bool:
    return bool(_WORD_CHAR_RE.search(word)) and word not in QUESTION_WORDS and word not in STOPWORDS
