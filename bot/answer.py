"""Question analysis and the template answerer: which sentence holds the asked fact, or an honest decline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import CJK_RE

# ---------------------------------------------------------------- what kind of fact is asked for

# Order matters: the first kind whose pattern matches the question wins (为什么…多少 asks for a reason).
QUESTION_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("reason", re.compile(r"为什么|为何|为啥|干嘛|干什么用|什么原因|原因是|目的是|什么目的|有什么好处|有什么用|有啥用|意义")),
    ("frequency", re.compile(r"多久.{0,4}一次|多长时间.{0,4}一次|几年一|多久.{0,2}一届|隔多久|多少年一")),
    ("duration", re.compile(r"多久|多长时间|多少天|几天|多少分钟|几分钟|几个月|多少个月|多少年|几年(?!级)|花了多少时间|用了多少时间|要多少时间")),
    ("person", re.compile(r"谁|哪位|哪个人|什么人|哪些人|叫什么(名字)?|姓什么|哪几位|什么领导|哪位领导")),
    ("time", re.compile(r"什么时候|何时|哪天|哪一天|几号|几月|哪个月|哪年|哪一年|几点|什么时间|啥时候|日期|哪个时间")),
    ("number", re.compile(r"多少|几[个项场位名家处次件座所吨万亿人期篇批届类种条条户台辆]|几|多大|多高|多重|多远|比例|百分之|比率|率是")),
    ("place", re.compile(r"哪里|哪儿|在哪|什么地方|哪个(城市|省|市|县|区|国家|地方|地区|镇|乡|村)|哪(座|国)|老家|原籍|籍贯")),
    ("organization", re.compile(r"哪个(单位|部门|机构|组织|公司|企业|学校|协会|平台|厂)|哪些(单位|部门|机构|组织|公司|企业|国家)|哪家|什么(单位|部门|机构|组织|公司|企业)")),
    ("manner", re.compile(r"怎么|怎样|如何|靠什么|用什么|通过什么|什么方式|什么办法|什么技术|什么手段")),
)

NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
UNIT = (r"(?:多|余|左右)?(?:万|亿)?(?:元|人次|人|个|项|场|名|家|处|吨|篇|期|剂次|剂|%|平方米|位|次|件|户|起|所|座|公里|米|届"
        r"|倍|台|辆|批|条|类|种|岁|周年|大|省|区|市|县|单|亩|间|套|份|万)")
FACT_PATTERNS: dict[str, re.Pattern] = {
    "time": re.compile(
        rf"(?:\d{{4}}年)?(?:{NUM}月)?{NUM}日(?:至{NUM}日)?(?:\d{{1,2}}时)?|\d{{4}}年|\d{{1,2}}月"
        rf"|(?:早上|上午|中午|下午|晚上|凌晨)?{NUM}点(?:{NUM}分)?(?:前|后)?"
        r"|昨天|昨日|今天|今日|明天|近日|日前|当日|当天|今年|去年|明年|本周|下周|上周|暮春|年底|年初|月底"
    ),
    "frequency": re.compile(rf"每{NUM}?(?:年|月|周|天|日|季度)|{NUM}(?:年|月|天)一(?:届|次|刊|期)|一年一度"),
    "duration": re.compile(rf"{NUM}(?:多|余)?个?(?:天|日|周|月|年|小时|分钟|秒)(?:左右|以上|多)?|一周|半年|半个月"),
    "number": re.compile(rf"{NUM}(?:\.\d+)?{UNIT}|{NUM}%|\d+(?:\.\d+)?"),
    "reason": re.compile(r"为了|旨在|因为|由于|目的|是为|为体现|为落实|从而|以便|针对|为推进|为快速|为保证|为确保|导致|使得|所以|因此|让不少"),
}
PERSON_TITLES = re.compile(
    r"(?:书记|部长|局长|院长|主任|市长|县长|区长|会长|主委|理事长|秘书长|馆长|校长|董事长|总经理|经理|主席|委员|院士|"
    r"工作人员|负责人|记者|通讯员|专家)"
)
ORG_SUFFIX = re.compile(r"[\u4e00-\u9fff]{2,}(?:局|委|会|部|院|站|厂|公司|中心|办|学会|协会|政府|集团|学校|小学|中学|大学|银行|医院|所|馆|队|室)")
PLACE_SUFFIX = re.compile(r"[\u4e00-\u9fff]{1,6}(?:省|市|县|区|镇|乡|村|州|国)")


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # reason, frequency, duration, person, time, number, place, organization, manner, other
    terms: tuple[str, ...]  # content words that are evidence
    numbers: tuple[str, ...] = ()  # figures and years the reader wrote: the answer must share them


def question_kind(text: str) -> str:
    for kind, pattern in QUESTION_KINDS:
        if pattern.search(text):
            return kind
    return "other"


QUESTION_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?:%|年|月|日|万|亿|个|家|名|项|场)?")


def question_numbers(text: str) -> tuple[str, ...]:
    return tuple(m.group(0) for m in QUESTION_NUMBER_RE.finditer(text))


# ---------------------------------------------------------------- facts inside a sentence

@dataclass(frozen=True)
class Fact:
    start: int
    end: int
    text: str


def find_facts(sentence: str, kind: str, tagged: list[tuple[str, str]] | None = None) -> list[Fact]:
    """Spans of the sentence that are facts of the asked kind (dates, amounts, names, places ...)."""
    if kind in FACT_PATTERNS:
        spans = [Fact(m.start(), m.end(), m.group(0)) for m in FACT_PATTERNS[kind].finditer(sentence)]
        if kind == "duration":
            spans += [f for f in find_facts(sentence, "time") if "至" in f.text]
        return [s for s in spans if s.text.strip()]
    if kind in ("person", "place", "organization") and tagged is not None:
        wanted = {"person": ("nr",), "place": ("ns",), "organization": ("nt",)}[kind]
        spans, position = [], 0
        for word, flag in tagged:
            start = sentence.find(word, position)
            if start < 0:
                continue
            position = start + len(word)
            if flag.startswith(wanted) and len(word) > 1:
                spans.append(Fact(start, position, word))
        pattern = {"person": None, "place": PLACE_SUFFIX, "organization": ORG_SUFFIX}[kind]
        if pattern is not None:
            spans += [Fact(m.start(), m.end(), m.group(0)) for m in pattern.finditer(sentence)]
        if kind == "person":
            spans += [Fact(m.start(), m.end(), m.group(0)) for m in PERSON_TITLES.finditer(sentence)]
        return spans
    return []


# ---------------------------------------------------------------- the reply

@dataclass(frozen=True)
class Candidate:
    sentence: str
    article_id: str
    title: str
    byline: str
    score: float
    fact: str | None = None  # the span holding the asked fact, for emphasis
    why: str = ""


@dataclass(frozen=True)
class Answer:
    question: str
    kind: str
    candidates: tuple[Candidate, ...] = ()
    declined: bool = True
    reason: str = ""  # why it declined, or why the first candidate won
    alternatives: tuple[Candidate, ...] = field(default=(), compare=False)

    @property
    def best(self) -> Candidate | None:
        return None if self.declined or not self.candidates else self.candidates[0]

    @property
    def sentence(self) -> str | None:
        return self.best.sentence if self.best else None


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


# ---------------------------------------------------------------- choosing the sentence

# Everyday reader words and the words the paper uses for the same thing. Small on purpose: each group is a
# general equivalence of news Chinese, not a patch for one question.
SYNONYM_GROUPS = (
    "开幕 举行 举办 召开 开 办", "钱 金额 投资 资金 总投资", "打针 接种 打疫苗", "丢 遗失 丢失",
    "家人 亲人 家属 父母 父亲 母亲", "看望 慰问 走访", "观众 观展 参观", "老家 原籍 籍贯 家乡",
    "端掉 捣毁 查处", "戴 佩戴", "好处 作用 效果 缩短 降低", "花 用", "公布 获悉 发布 通报", "领导 书记 部长 主任",
    "城市 市", "国家 国", "企业 公司 厂", "活动 论坛", "开除 双开", "处分 处理", "违反 违规", "类型 性质",
    "数据 底数", "目标 要求", "单位 部门 机构", "担心 担忧", "当选 入选", "办结 办完 完成 办理", "带 戴",
)
SYNONYMS: dict[str, frozenset[str]] = {}
for _group in SYNONYM_GROUPS:
    _words = frozenset(_group.split())
    for _word in _words:
        SYNONYMS[_word] = SYNONYMS.get(_word, frozenset()) | _words

MAX_QUESTION_CHARS = 500
DECLINE_BELOW = 0.55  # share of the question's evidence weight the best passage must hold
CANDIDATES_KEPT = 3
RETRIEVED = 60
# kinds whose answer is a recognisable span; the others (manner, other) are judged on word overlap alone
TYPED_KINDS = {"time", "frequency", "duration", "number", "person", "place", "organization", "reason"}


def analyze(knowledge, text: str) -> Question:
    """The kind of fact asked for and the question's evidence words, question phrases removed."""
    kind = question_kind(text)
    stripped = text
    for _, pattern in QUESTION_KINDS:
        stripped = pattern.sub(" ", stripped)
    terms = tuple(dict.fromkeys(knowledge.tokenizer.tokens(stripped)))
    return Question(text=text, kind=kind, terms=terms, numbers=question_numbers(text))


def alternatives(knowledge, term: str) -> set[str]:
    forms = {term} | set(SYNONYMS.get(term, ()))
    if term in knowledge.abbreviations:
        forms.add(knowledge.abbreviations[term])
    forms |= {short for short, full in knowledge.abbreviations.items() if full == term}
    return forms


def abbreviation_pattern(term: str) -> re.Pattern | None:
    """農科院 ~ 农业科学院: an unknown short word may be the first characters of a longer name's parts."""
    if not (2 <= len(term) <= 5) or not all(CJK_RE.match(c) for c in term):
        return None
    return re.compile(term[0] + "".join(f"[\u4e00-\u9fff]{{0,4}}?{re.escape(c)}" for c in term[1:]))


@dataclass
class _Scored:
    sentence: int
    bm25: float
    in_sentence: float
    in_context: float
    facts: list
    score: float = 0.0
    missing: tuple[str, ...] = ()


def answer(knowledge, text: str) -> Answer:
    """Answer one question from a knowledge snapshot: the best sentence and two more, or a decline."""
    from .text import normalize

    question_text = normalize(text)
    if not question_text or not re.search(r"[\w\u4e00-\u9fff]", question_text):
        return Answer(question=text, kind="none", reason="empty")
    if len(question_text) > MAX_QUESTION_CHARS:
        return Answer(question=text, kind="none", reason="too long")
    question = analyze(knowledge, question_text)
    if not question.terms:
        return Answer(question=text, kind=question.kind, reason="no content words")

    forms = {t: alternatives(knowledge, t) for t in question.terms}
    patterns = {t: abbreviation_pattern(t) for t in question.terms if knowledge.sentence_df.get(t, 0) == 0}
    query = [f for t in question.terms for f in sorted(forms[t]) for f in knowledge.tokenizer.tokens(f) or [f]]
    hits = knowledge.index.search(query, RETRIEVED)
    if not hits:
        return Answer(question=text, kind=question.kind, reason="no passage shares a word with the question")

    weights = {t: knowledge.weight(t) for t in question.terms}
    total = sum(weights.values())

    def present(term: str, haystack: str) -> bool:
        if any(f.lower() in haystack for f in forms[term]):
            return True
        pattern = patterns.get(term)
        return bool(pattern and pattern.search(haystack))

    top_bm25 = hits[0].score or 1.0
    scored = []
    for hit in hits:
        sentence = knowledge.sentences[hit.doc]
        article = knowledge.articles[sentence.article]
        own = sentence.text.lower()
        neighbours = [knowledge.sentences[j].text for j in (hit.doc - 1, hit.doc + 1)
                      if 0 <= j < len(knowledge.sentences) and knowledge.sentences[j].article == sentence.article]
        context = " ".join([article.title, article.kicker, *neighbours]).lower()
        whole = (article.title + article.kicker + article.text).lower()
        in_sentence = sum(w for t, w in weights.items() if present(t, own))
        in_context = sum(w for t, w in weights.items() if present(t, own) or present(t, context))
        in_article = sum(w for t, w in weights.items() if present(t, whole))
        facts = find_facts(sentence.text, question.kind, knowledge.tokenizer.tagged(sentence.text)
                           if question.kind in ("person", "place", "organization") else None)
        facts = [f for f in facts if not any(f.text in t or t in f.text for t in question.terms if len(t) > 1)]
        item = _Scored(hit.doc, hit.score / top_bm25, in_sentence / total,
                       (in_context + 0.5 * in_article) / (1.5 * total), facts)
        item.missing = tuple(t for t in question.terms if not present(t, whole))
        item.score = (0.25 * item.bm25 + item.in_sentence + 0.5 * item.in_context
                      + (0.35 if facts and question.kind in TYPED_KINDS else 0.0))
        scored.append(item)
    scored.sort(key=lambda s: -s.score)
    best = scored[0]
    candidates = tuple(_candidate(knowledge, s, question) for s in scored[:CANDIDATES_KEPT])
    article_text = knowledge.articles[knowledge.sentences[best.sentence].article].text
    missing_numbers = [n for n in question.numbers if n not in article_text and n not in candidates[0].title]
    coverage = max(s.in_context for s in scored[:3])
    if missing_numbers:
        return Answer(question=text, kind=question.kind, candidates=candidates, declined=True,
                      reason=f"the corpus never pairs these words with {', '.join(missing_numbers)}")
    if coverage < DECLINE_BELOW:
        return Answer(question=text, kind=question.kind, candidates=candidates, declined=True,
                      reason=f"best passage holds {coverage:.0%} of the question's evidence "
                             f"(missing: {', '.join(best.missing) or '-'})")
    return Answer(question=text, kind=question.kind, candidates=candidates, declined=False,
                  reason=candidates[0].why)


def _candidate(knowledge, item: _Scored, question: Question) -> Candidate:
    sentence = knowledge.sentences[item.sentence]
    article = knowledge.articles[sentence.article]
    fact = item.facts[0].text if item.facts else None
    why = (f"score {item.score:.2f}: bm25 {item.bm25:.2f}, words in sentence {item.in_sentence:.0%}, "
           f"with context {item.in_context:.0%}, {question.kind} fact {fact or 'none'}")
    return Candidate(sentence=sentence.text, article_id=article.id, title=article.title, byline=article.byline,
                     score=round(item.score, 4), fact=fact, why=why)
