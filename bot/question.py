"""Question analysis, the first step of answering: what the reader asks for and which words are evidence.

Polite padding (请问、我想问下、谢谢、呀) and trailing punctuation are removed first: they carry no evidence, so a
question asked with or without them gets the same answer. The question words (什么时候, 多少, 谁 …) decide the kind
of fact wanted and are not evidence either; the remaining content words, weighted by how rare they are in the
corpus, are what candidates are searched and scored with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import CJK_RE, is_content_word, normalize, simplified

MAX_QUESTION_CHARS = 500

# Openings and closings that only make a question polite. Applied repeatedly, so 你好，请问一下… loses both.
# An asking verb goes whole with what follows it (请问下, 请教一下, 问个问题): cut short, 请问下… would leave 下….
# A bare 问 or 打听 needs that tail or a 想 before it, so 问题出在哪 keeps its 问题 (and 请教育局… its 教育局); an
# interjection needs a mark after it (嗯，…).
_ASK = (r"(?:(?:我?想|我?要)?(?:(?:请问|求问)(?:一下|下)?|请教(?:一下|下|(?=[\s,，:：])))"
        r"|(?:我?想|我?要)?(?:问|打听)(?:一下|下|问|一个问题|个问题|个事|件事)|(?:我?想|我?要)(?:问|打听)(?!题))(?:你|您)?")
_LEADING = re.compile(
    r"^(?:你好|您好|哈喽|嗨|hi|hello|(?:嗯|哎|唉|喂|那个)(?=[\s,，.。:：!！~～、])|劳驾|麻烦(?:你|您)?|打扰一下|打扰了"
    rf"|{_ASK}|我问你|有(?:谁|人)知道|(?:你|您)知道|我想知道|想知道|我想了解一下|我想了解|能不能告诉我|能告诉我|可以告诉我"
    r"|告诉我|请告诉我|(?:请)?帮(?:我|忙)(?:查|找|看)(?:一下|查|找|看)?|查一下|请"
    r"|的?(?:报纸|报道|新闻|文章)上?(?:说|讲|称|提到|写)(?:的|了|过)?)[\s,，.。:：!！~～、]*",  # the medium is not the fact
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:[\s,，.。!！?？~～、…]|谢谢(?:你|您|啦|了|大家)?|多谢(?:了|啦)?|谢啦|感谢|麻烦了|拜托了|thx|thanks|thank you"
    r"|在线等(?:[\s,，]*急)?|求解答|请回答|(?:你|您)?知道吗|来着|呀|啊|哈|呢|吧|呗|啦|哦|喔|嘛|嘞|哇|呐)+$",
    re.IGNORECASE,
)
# Adverbs that only press the question (轨博会到底哪天开幕, 究竟有多少), taken out where they stand before its verb or
# question phrase; elsewhere they are words of the text (坚持到底).
_PRESSING = re.compile(r"(?:到底|究竟)(?=是|有|在|要|能|会|该|哪|什么|啥|多|几|谁|怎|为|如何)")

# What a number that names something is called (a code question asks for one).
CODE_WORDS = ("号码", "编号", "电话", "热线", "代码", "邮编", "账号", "卡号", "车牌", "车牌号", "注册号", "证号", "执照号",
              "门牌号", "工号", "学号", "批号", "文号")
# Verbs ending in 为 by their first character (称为, 改为, 列为, 誉为 …): the 为 of 为什么 right after one is theirs.
_WEI_VERBS = "称作认视改列名译评誉选划定分变化转升"
# Measure words that follow 几: 几个, 第几届 and 哪几座 are question phrases whole, so no 个/届/座 is left as evidence.
_MEASURE = "[个项场位名家处次件座所吨人期篇批届类种条户台辆岁元米间]"
# The first kind whose pattern matches wins, so more specific kinds come first (为什么…多少 asks for a reason,
# 多久一次 and 每隔多久 for a frequency while 隔多久才 asks a length, 哪几家 for organisations; 哪几个 asks which, not
# how many). Longer alternatives come first inside a pattern.
KIND_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("benefit", re.compile(r"有(什么|啥|哪些)(好处|作用|用处|效果|帮助)|(什么|啥)好处")),
    # 为什么 after a verb ending in 为 (称为, 改为, 列为) asks what a thing is called or made, not why; 成为何 is as
    # often a name ending in 成 (潘仕成为何…) as 成为 + 何
    ("reason", re.compile(rf"(?<!原)(?:是)?因为(?:什么|何|啥)|(?<![{_WEI_VERBS}成])为(?:什么|啥)|(?<![{_WEI_VERBS}])为何"
                          r"|干嘛|什么原因|啥原因|原因是|目的是|什么目的|出于什么")),
    ("frequency", re.compile(
        r"(多久|多长时间|隔几[年月天]|几[年月天])[^,?]{0,6}一(次|回|届|期|刊|趟)|多少年一|多久一|每隔多久|多长时间一")),
    # 哪几天 asks which days (a time), 几天 how many (a duration)
    ("duration", re.compile(
        r"多久|多长时间|有多长|多少天|(?<!哪)几天|多少分钟|几分钟|几个小时|(?<!哪)几个月|多少个月|多少年|(?<!哪)几年(?!级)"
        r"|(花|用)了?多少时间|要多少时间")),
    ("organization", re.compile(
        r"哪几家|哪些(单位|部门|机构|组织|公司|企业|国家)|哪(个|家)(单位|部门|机构|组织|公司|企业|学校|协会|平台|厂)"
        r"|哪家|哪所|什么(单位|部门|机构|组织|公司|企业)|谁(?=主办|承办|办|组织)")),
    # a number that names rather than counts: 电话是多少 wants 0731-28681234, not an amount (the word named stays evidence)
    ("code", re.compile(
        "(?:" + "|".join(f"(?<={w})" for w in CODE_WORDS) + r")(?:是|为)?(?:多少|什么|啥)"
        r"|(?:什么|哪个|啥)(?=" + "|".join(CODE_WORDS) + ")")),
    ("person", re.compile(r"哪位|哪一位|哪个人|什么人|哪些人|叫什么名字|姓什么|哪几位|是谁|谁")),
    ("time", re.compile(
        r"什么时候|啥时候|何时|哪[一几]?天|几号|几月|哪(?:几)?个月|哪[一几]?年|几点|什么时间|哪个时间|什么年代|哪个朝代|哪个时期"
        r"|多会儿|日期")),
    ("place", re.compile(
        r"在哪儿|在哪里|在哪一?边|在哪(?![个些家座位边])|哪一?边|哪里|哪儿|什么地方|何地|何处|哪个(城市|省|市|县|区|国家|地方|地区|镇|乡|村)|哪(座|国)|哪些地方")),
    ("number", re.compile(
        rf"多少|第几{_MEASURE}?|(?<!哪)几{_MEASURE}|多大|多高|多重|多远|多长|多深|多宽|百分之几|几成|(?<!哪)几(?![何乎])")),
    ("manner", re.compile(r"怎么样|怎么|怎样|如何|靠什么|用什么|通过什么|什么方式|什么办法|什么手段")),
    ("other", re.compile(rf"什么样的?|什么|啥|哪些|哪几{_MEASURE}?|哪个|哪种|哪类|哪一")),
)
KINDS = tuple(kind for kind, _ in KIND_PATTERNS)
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# What a numeral-and-measure word (一种, 几倍, 哪一条) begins with: cut across a question phrase, it is part of it.
_NUMERALS = "一几哪第两"


@dataclass(frozen=True)
class Term:
    text: str
    weight: float  # how rare the word is in the corpus (smoothed idf over sentences)
    start: int  # where it stands in the question


@dataclass(frozen=True)
class Question:
    text: str  # the question as searched: normalised, padding removed
    kind: str  # one of KINDS
    asking: tuple[int, int] | None  # where the question words stand
    terms: tuple[Term, ...]  # evidence words, each once, in question order
    numbers: tuple[str, ...]  # figures the reader wrote (2019, 35): an answer's article should hold them

    @property
    def weight(self) -> float:
        return sum(t.weight for t in self.terms) or 1.0


def strip_padding(text: str) -> str:
    """请问一下，轨博会到底哪天开幕呀？谢谢！ → 轨博会哪天开幕 (never strips a question down to nothing)."""
    return _until_still(_PRESSING.sub("", normalize(text)), lambda t: _TRAILING.sub("", _LEADING.sub("", t)))


def strip_opening(text: str) -> str:
    """请问，那门票多少钱？ → 那门票多少钱？: the polite opening alone, the question's own words and mark kept."""
    return _until_still(text, lambda t: _LEADING.sub("", t))


def _until_still(text: str, strip) -> str:
    """strip applied until it changes nothing (你好，请问… loses both), stopping before it would leave nothing."""
    while True:
        shorter = strip(text)
        if shorter == text or not shorter:
            return text
        text = shorter


def question_kind(text: str, words: list[tuple[int, int]] = ()) -> tuple[str, tuple[int, int] | None]:
    """The asked kind and where its question phrase stands. words, where the tokenizer's words stand, rule out a
    match that begins inside one word and ends inside the next: 如何|处理 holds no 何处, 许多|高校 no 多高, 多伦多|大学
    no 多大."""
    for kind, pattern in KIND_PATTERNS:
        for match in pattern.finditer(text):
            if not _across_words(match.span(), words):
                return kind, match.span()
    return "other", None


def _across_words(span: tuple[int, int], words: list[tuple[int, int]]) -> bool:
    a, b = span
    head = next((w for w in words if w[0] < a < w[1]), None)
    tail = next((w for w in words if w[0] < b < w[1]), None)
    return head is not None and tail is not None and head != tail


def refusal(text: str) -> str:
    """Why text cannot be searched at all ('' when it can): empty, no Chinese, too long."""
    cleaned = normalize(text)
    if not cleaned:
        return "empty"
    if not CJK_RE.search(cleaned):
        return "not chinese"
    if len(cleaned) > MAX_QUESTION_CHARS:
        return "too long"
    return ""


def analyze(text: str, tokenizer, weight) -> Question:
    """The question's kind and its evidence words; weight(word) gives a word's rarity in the corpus."""
    cleaned = simplified(strip_padding(text))  # one script for the patterns and the words (為什麼 → 为什么)
    words = _placed(tokenizer.words(cleaned), cleaned.lower())
    kind, asking = question_kind(cleaned, [(start, start + len(word)) for word, start in words])
    spans = [m.span() for _, pattern in KIND_PATTERNS for m in pattern.finditer(cleaned)]
    terms: dict[str, Term] = {}
    for word, start in words:
        if any(a <= start and start + len(word) <= b for a, b in spans):
            continue
        word, start = _outside(word, start, asking, tokenizer.known)
        if not is_content_word(word):
            continue
        if word not in terms:
            terms[word] = Term(word, weight(word), start)
    numbers = tuple(m.group(0) for m in _NUMBER_RE.finditer(cleaned))
    return Question(cleaned, kind, asking, tuple(terms.values()), numbers)


def _placed(words: list[str], text: str) -> list[tuple[str, int]]:
    """Each word with where it starts in text."""
    placed, position = [], 0
    for word in words:
        start = text.find(word, position)
        start = position if start < 0 else start
        position = start + len(word)
        placed.append((word, start))
    return placed


def _outside(word: str, start: int, asking: tuple[int, int] | None, known) -> tuple[str, int]:
    """The word less the part the question phrase covers, and where it starts, when that part leaves a word of the
    dictionary: jieba may cut across the question phrase (展区有多大面积 → 多/大面积: the evidence is 面积; 哪些方面 →
    方面). Otherwise the whole word: what is left is no word (多少年轻人 → 轻人, where 多少年 was read as the phrase)."""
    if not asking:
        return word, start
    a, b = asking
    end = start + len(word)
    if start < a < end <= b:  # the phrase covers the word's tail
        rest, at = word[:a - start], start
    elif a <= start < b < end:  # … or its head
        rest, at = word[b - start:], b
    else:
        return word, start
    if len(rest) == 1 and word[0] in _NUMERALS:  # 哪一/一种, 哪/哪一条, 几/几倍: a measure word, no evidence
        return "", at
    return (rest, at) if len(rest) > 1 and known(rest) else (word, start)
