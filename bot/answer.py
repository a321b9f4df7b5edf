"""Question analysis and the template answerer: which sentence holds the asked fact, or an honest decline.

Pure functions over an immutable knowledge snapshot: `answer(knowledge, text) -> Answer`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .knowledge import TITLED_NAME_RE
from .text import CJK_RE, is_content_word, normalize

# ---------------------------------------------------------------- what kind of fact is asked for

# The first kind whose pattern matches wins, so more specific kinds come first (为什么…多少 asks for a reason,
# 多久一次 for a frequency, 哪几家 for organisations). Longer alternatives come first inside a pattern.
QUESTION_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("benefit", re.compile(r"有(什么|啥|哪些)(好处|作用|用处|效果|帮助)|能帮.{0,6}(省|减|降)|省下(什么|啥)|(什么|啥)好处")),
    ("reason", re.compile(r"为什么|为何|为啥|干嘛|什么原因|啥原因|原因是|目的是|什么目的|出于什么")),
    ("frequency", re.compile(
        r"(多久|多长时间|隔几[年月天]|几[年月天])[^,?]{0,6}一(次|回|届|期|刊|趟)|多少年一|多久一|每隔多久|隔多久|多长时间一")),
    ("duration", re.compile(
        r"多久|多长时间|有多长|多少天|几天|多少分钟|几分钟|几个小时|几个月|多少个月|多少年|几年(?!级)|(花|用)了?多少时间|要多少时间")),
    ("organization", re.compile(
        r"哪几家|哪些(单位|部门|机构|组织|公司|企业|国家)|哪(个|家)(单位|部门|机构|组织|公司|企业|学校|协会|平台|厂)"
        r"|哪家|哪所|什么(单位|部门|机构|组织|公司|企业)|谁(?=主办|承办|办|组织)")),
    ("person", re.compile(r"哪位领导|什么领导|哪一位|哪位|哪个人|什么人|哪些人|叫什么名字|叫什么|叫啥|姓什么|哪几位|是谁|谁")),
    ("time", re.compile(
        r"什么时候|啥时候|何时|哪一天|哪天|几号|几月|哪个月|哪一年|哪年|几点|什么时间|到什么时候为止|截至什么时候|哪个时间|日期")),
    ("place", re.compile(
        r"在哪儿|在哪里|在哪(?![个些家座])|哪里|哪儿|什么地方|哪个(城市|省|市|县|区|国家|地方|地区|镇|乡|村)|哪(座|国)|哪些地方")),
    ("number", re.compile(
        r"多少|几[个项场位名家处次件座所吨人期篇批届类种条户台辆]|多大|多高|多重|多远|百分之几|几成|几")),
    ("manner", re.compile(r"怎么样|怎么|怎样|如何|靠什么|用什么|通过什么|什么方式|什么办法|什么技术|什么手段|靠啥|用啥")),
    ("other", re.compile(r"什么样的?|什么|啥|哪些|哪个|哪种|哪类")),
)
KIND_BY_NAME = dict(QUESTION_KINDS)

NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
UNIT = (r"(?:多|余)?(?:万|亿)?(?:元|人次|人|个|项|场|名|家|处|吨|篇|期|剂次|剂|%|平方米|位|次|件|户|起|所|座|公里|米|届"
        r"|倍|台|辆|批|条|类|种|岁|周年|单|亩|间|套|份)")
FACT_PATTERNS: dict[str, re.Pattern] = {
    "time": re.compile(
        rf"(?:截至)?(?:\d{{4}}年)?(?:{NUM}月)?{NUM}日(?:至{NUM}日)?(?:\d{{1,2}}时)?(?:早上|上午|中午|下午|晚上)?(?:{NUM}点(?:{NUM}分)?)?"
        rf"|(?:到)?\d{{4}}年|\d{{1,2}}月(?:份|底|初)?|(?:早上|上午|中午|下午|晚上|凌晨)?{NUM}点(?:{NUM}分)?(?:前|后)?"
        r"|昨天|昨日|今天|今日|明天|今年|去年|明年|本周|下周|上周|年底|年初|月底"
    ),
    "frequency": re.compile(rf"每{NUM}?个?(?:年|月|周|天|日|季度)|逐(?:年|月|日)|{NUM}(?:年|月|天|周)一(?:届|次|刊|期|回)|一年一度"),
    "duration": re.compile(rf"{NUM}(?:多|余)?个?(?:天|日|周|月|年|小时|分钟|秒)(?:左右|以上|多)?|一周|半年|半个月"),
    "number": re.compile(rf"(?<![一二两三四五六七八九十百千])(?!一[^\d一二两三四五六七八九十百千万亿])(?:{NUM}(?:\.\d+)?{UNIT}|{NUM}(?:\.\d+)?%|\d+(?:\.\d+)?(?:多|余)?(?:万|亿)?)"),
    # a reason or benefit is the clause its cue word opens
    "reason": re.compile(r"(?:为了|旨在|因为|由于|目的|是为|为体现|为落实|从而|以便|针对|为推进|为快速|为保证|为确保|导致|使得|所以|因此|让不少)[^,。;!?]*"),
    "benefit": re.compile(r"(?:缩短|降低|减少|提高|提升|节省|节约|方便|便于|加快|从而|有效)[^,。;!?]*"),
}
# Finer wants inside a kind: the answer must have this shape (哪一年 wants a year, 几点 a clock time ...).
GRANULARITY: tuple[tuple[str, re.Pattern, re.Pattern], ...] = (
    ("time", re.compile(r"哪一?年|几几年|哪个年份"), re.compile(r"\d{4}年|今年|去年|明年")),
    ("time", re.compile(r"几点|什么时刻"), re.compile(rf"{NUM}点|{NUM}时")),
    ("number", re.compile(r"多少钱|多少元|金额|花了多少|投了多少|投资多少"), re.compile(r"元")),
    ("duration", re.compile(r"几年|多少年"), re.compile(r"年")),
    ("duration", re.compile(r"几天|多少天"), re.compile(r"天|日")),
    ("duration", re.compile(r"几分钟|多少分钟"), re.compile(r"分钟")),
    ("duration", re.compile(r"几个月|多少个月"), re.compile(r"月")),
)
ORG_SUFFIXES = ("局", "委", "会", "部", "院", "站", "厂", "公司", "办", "处", "所", "馆", "队", "室", "团", "社", "校",
                "中心", "集团", "银行")
PLACE_SUFFIXES = "省市县区镇乡村州国园"
PERSON_TITLES = re.compile(
    r"书记|部长|局长|院长|主任|市长|县长|区长|会长|主委|理事长|秘书长|馆长|校长|董事长|总经理|经理|主席|院士|负责人|工作人员")
PART_OF_DATE = re.compile(r"[月日点时分号]|年(?!以来)")
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单易常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
PERSON_WORD = re.compile(rf"(?:{PERSON_TITLES.pattern}|人|者|员|士|夫妇|夫妻|同志|老师|医生)的?$|^(?:人|者|员)")
NAMED_BODIES = re.compile(r"“([^”]{2,12})”[一二两三四五六七八九十\d]*个?(?:部门|单位|机构|机关)")  # “公检法司”四部门
NAME_CONTINUES = re.compile(r"论坛|大会|峰会|公司|集团|大学|学院|银行|医院|平台|模式|战略")
PLACE_INTRO = re.compile(r"(?:在|于|赴|到|来自|落户|位于|原籍)$")
# Which tagged spans answer which kind; a "who" question is often answered by an organisation.
SPAN_KINDS = {"person": ("nr",), "place": ("ns",), "organization": ("nt",)}

# Nouns that only say what sort of answer is wanted (名字, 时间, 目标 …): never the thing a decline turns on.
ABSTRACT_NOUNS = frozenset(
    """
    名字 名称 时间 地方 人 东西 事 事情 问题 情况 方面 结果 内容 办法 方式 标准 程度 级别 类型 性质 数字 数据 数量 人数
    规模 比例 目标 计划 打算 安排 要求 金额 总额 次数 期限 日期 年份 身份 职务 理念 机制 作用 意义 效果 成绩 成效 领导 单位 部门 机构
    城市 国家 省 市 县 区 市里 县里 区里 省里 哪个 活动 工作 消息 原因 目的 好处 角色 队伍 措施 举措 项目 技术 手段 路径
    """.split()
)
# Everyday reader words and the words the paper uses for the same thing: general equivalences of news Chinese.
SYNONYM_GROUPS = (
    "开幕 举行 举办 召开 开 办 开会", "钱 金额 投资 资金 总投资 投入 投", "打针 接种 打疫苗 疫苗", "丢 遗失 丢失 弄丢",
    "家人 亲人 家属 父母 父亲 母亲 亲属", "看望 慰问 走访 看", "观众 观展 参观 人次 游客", "老家 原籍 籍贯 家乡",
    "端掉 捣毁 查处 端", "戴 佩戴 戴着", "花 用 用时 耗时", "公布 获悉 发布 通报 对外", "领导 书记 部长 主任 负责人",
    "企业 公司 厂 厂家", "开除 双开", "处分 处理 处罚", "违反 违规 违背", "类型 性质", "数据 底数 家底",
    "担心 担忧 紧张 害怕", "当选 入选", "办结 办完 完成 办理 办好 办", "请 邀请 请来", "参加 参与 参展 参会 出席",
    "研讨 探讨 讨论", "夫妻 夫妇 两口子", "聋人 聋哑 听不见", "沟通 交流", "角色 督察员", "最先 率先 第一个 首个",
    "出 刊发 出版 发行", "碰头 会议 开会", "外地 在外", "学校 校园 小学", "门口 校门外 门外", "目标 争取 力争",
    "展会 博览会 轨博会", "环保 绿色 低碳 节能", "团体 组织 社团", "线下 实体", "安排 委托 部署", "夸 点赞 称赞 表扬",
    "拿证 交证 发证 办证", "医保 保险", "一天 1天", "两年 2年", "属于 作为", "根据 按照 依据 依照", "估计 预计 预估", "逛 观展 参观", "最快 最少 至少 最短",
    "老办法 原本 原来 以前 过去", "为止 截至 截止", "统计 累计 报告", "人数 人次",
)
SYNONYMS: dict[str, frozenset[str]] = {}
for _group in SYNONYM_GROUPS:
    _words = frozenset(_group.split())
    for _word in _words:
        SYNONYMS[_word] = SYNONYMS.get(_word, frozenset()) | _words

# POS weights: names and things are evidence; verbs and adverbs are what readers paraphrase most.
POS_WEIGHT = {"n": 1.0, "nr": 1.2, "ns": 1.1, "nt": 1.1, "nz": 1.1, "eng": 1.0, "m": 0.9, "t": 0.8, "vn": 0.8,
              "v": 0.55, "a": 0.45, "d": 0.3, "f": 0.3, "s": 0.6, "j": 0.9, "x": 0.9, "l": 0.7, "i": 0.7}

CONTEXT_SHARE_WITH_FACT = 0.7
HEAD_BONUS = 0.2
MAX_QUESTION_CHARS = 500
RETRIEVED = 60
CANDIDATES_KEPT = 3
DECLINE_BELOW = 0.5  # share of the question's evidence weight the best passage and its article must hold
# kinds whose answer is a recognisable span: when no candidate holds one, the paper does not say
FACT_REQUIRED = {"time", "frequency", "duration", "number", "person", "place", "organization"}
TYPED_KINDS = {"time", "frequency", "duration", "number", "person", "place", "organization", "reason", "benefit"}


@dataclass(frozen=True)
class Term:
    text: str
    weight: float
    forms: frozenset[str]
    start: int  # where the word stands in the question
    tag: str = ""


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # benefit, reason, frequency, duration, organization, person, time, place, number, manner, other
    terms: tuple[Term, ...]
    excluded: tuple[str, ...] = ()  # 除了开除党籍，还…: what the reader already knows is not the answer
    not_answers: tuple[str, ...] = ()  # the question's own words, their abbreviations and full names, the excluded
    head: str = ""  # 什么机制 → 机制: the answer is a kind of this, so the sentence should name it
    focus: Term | None = None  # the thing asked about (董事长 in 湖南意华的董事长是谁): the answer must speak of it
    numbers: tuple[str, ...] = ()  # figures and years the reader wrote: the answer's article must hold them
    shape: re.Pattern | None = None  # what the fact itself must contain (a year for 哪一年, 元 for 多少钱)


@dataclass(frozen=True)
class Fact:
    start: int
    end: int
    text: str


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

    @property
    def best(self) -> Candidate | None:
        return None if self.declined or not self.candidates else self.candidates[0]

    @property
    def sentence(self) -> str | None:
        return self.best.sentence if self.best else None


# ---------------------------------------------------------------- analysing the question

def question_kind(text: str) -> str:
    return _kind_and_span(text)[0]


def _kind_and_span(text: str) -> tuple[str, tuple[int, int] | None]:
    for kind, pattern in QUESTION_KINDS:
        match = pattern.search(text)
        if match:
            if kind == "person" and match.group(0).startswith("叫") and not _names_a_person(text, *match.span()):
                return "other", match.span()  # 那个论坛叫什么名字, 组成的队伍叫什么: a thing's name
            return kind, match.span()
    return "other", None


def _names_a_person(text: str, start: int, end: int) -> bool:
    """叫什么 asks for a person's name when a person word stands next to it (院长叫什么, 叫什么人)."""
    after = text[end:end + 3]
    if after[:1] and CJK_RE.match(after[0]) and not after.startswith("名"):
        return PERSON_WORD.match(after) is not None
    return PERSON_WORD.search(text[max(0, start - 4):start]) is not None


def _question_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for _, pattern in QUESTION_KINDS for m in pattern.finditer(text)]


EXCEPT_RE = re.compile(r"除了?([^,，。?？]{2,20}?)(?:以外|之外|外)?[,，]")
QUESTION_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?:%|年|月|日|万|亿)?")


def analyze(knowledge, text: str) -> Question:
    """The kind of fact asked for, the question's evidence words with weights, and its focus."""
    kind, kind_span = _kind_and_span(text)
    asking = _question_spans(text)
    known = EXCEPT_RE.search(text)
    if known:
        asking.append(known.span())
    terms: list[Term] = []
    position = 0
    for word, tag in knowledge.tokenizer.tagged(text):
        start = text.find(word, position)
        start = position if start < 0 else start
        position = start + len(word)
        word = word.lower()
        if not is_content_word(word) or any(a <= start and start + len(word) <= b for a, b in asking):
            continue
        weight = knowledge.weight(word) * POS_WEIGHT.get(tag, POS_WEIGHT.get(tag[:1], 0.6))
        if len(word) == 1:
            weight *= 0.4  # one character rarely pins a passage down on its own
        elif word in ABSTRACT_NOUNS:
            weight *= 0.3  # 问题, 方面, 情况: readers add them to any question
        terms.append(Term(word, weight, _forms(knowledge, word), start, tag))
    merged = _merge_terms(terms)
    shape = next((fact for k, asked, fact in GRANULARITY if k == kind and asked.search(text)), None)
    excluded = tuple(knowledge.tokenizer.tokens(known.group(1))) if known else ()
    head = ""
    if kind in ("other", "manner") and kind_span is not None:
        following = [t for t in merged if kind_span[1] <= t.start <= kind_span[1] + 6 and t.tag[:1] == "n"]
        head = following[-1].text if following else ""
    focus = _focus(merged, kind_span)
    asked_of = text[:kind_span[0]].rstrip("的是为") if kind_span else ""
    if kind == "person" and asked_of and not PERSON_WORD.search(asked_of):
        # 主宾国是谁, 主办方是谁: "who" of a country or a body asks for a place or an organisation
        if asked_of[-1] in PLACE_SUFFIXES:
            kind = "place"
        elif asked_of.endswith(ORG_SUFFIXES + ("方",)):
            kind = "organization"
    # the question's own words and the names they abbreviate (轨博会 → 中国国际…博览会) are never the fact asked for
    not_answers = tuple(form for t in merged for form in t.forms
                        if (form == t.text and len(form) > 1) or form not in SYNONYMS.get(t.text, (form,))) + excluded
    return Question(text=text, kind=kind, terms=merged, excluded=excluded, not_answers=not_answers, head=head,
                    focus=focus,
                    numbers=tuple(m.group(0) for m in QUESTION_NUMBER_RE.finditer(text)), shape=shape)


def _merge_terms(terms: list[Term]) -> tuple[Term, ...]:
    """Keep each word once (the first, with the highest weight seen)."""
    best: dict[str, Term] = {}
    for term in terms:
        if term.text not in best or term.weight > best[term.text].weight:
            best[term.text] = term if term.text not in best else Term(
                term.text, term.weight, term.forms, best[term.text].start, term.tag)
    return tuple(sorted(best.values(), key=lambda t: t.start))


def _forms(knowledge, word: str) -> frozenset[str]:
    forms = {word} | set(SYNONYMS.get(word, ()))
    if word in knowledge.abbreviations:
        forms.add(knowledge.abbreviations[word])
    forms |= {short for short, full in knowledge.abbreviations.items() if full == word}
    return frozenset(forms)


def _focus(terms: tuple[Term, ...], span: tuple[int, int] | None) -> Term | None:
    """The noun right after the question phrase (几位院士) or right before it (董事长是谁)."""
    if span is None:
        return None
    nouns = [t for t in terms if t.tag[:1] in ("n", "t") and t.text not in ABSTRACT_NOUNS and len(t.text) > 1]
    after = [t for t in nouns if span[1] <= t.start <= span[1] + 3]
    if after:
        run = after[-1]
        for t in nouns:  # the head of a noun phrase is its last noun: 株洲的公租房 → 公租房
            if run.start < t.start <= run.start + len(run.text) + 2:
                run = t
        return run
    before = [t for t in nouns if span[0] - 3 <= t.start + len(t.text) <= span[0]]
    return before[-1] if before else None


# ---------------------------------------------------------------- matching words in text

def abbreviation_pattern(term: str) -> re.Pattern | None:
    """农科院 ~ 农业科学院: an unknown short word may be the first characters of a longer name's parts."""
    if not (3 <= len(term) <= 5) or not all(CJK_RE.match(c) for c in term):
        return None  # two characters with a gap (会…长) match far too much to mean anything
    return re.compile(re.escape(term[0]) + "".join(f"[\u4e00-\u9fff]{{0,4}}?{re.escape(c)}" for c in term[1:]))


def match_credit(term: Term, text: str, tokens: frozenset[str], pattern: re.Pattern | None) -> float:
    """1 when the word (or a synonym, abbreviation, expansion) is in the text; part credit for shared characters."""
    for form in term.forms:
        if (len(form) > 1 and form in text) or (len(form) == 1 and form in tokens):
            return 1.0
    if pattern is not None and pattern.search(text):
        return 1.0
    if len(term.text) > 1:
        shared = _longest_shared_run(term.text, text)
        if shared * 2 >= len(term.text):
            return 0.5 * shared / len(term.text)
    return 0.0


def _longest_shared_run(word: str, text: str) -> int:
    """Length of the longest piece of word found in text (聋哑 vs 聋人 → 1): part credit for a paraphrase."""
    for size in range(len(word), 0, -1):
        if any(word[i:i + size] in text for i in range(len(word) - size + 1)
               if all(CJK_RE.match(c) for c in word[i:i + size])):
            return size
    return 0


def find_facts(sentence: str, kind: str, tagged: list[tuple[str, str]]) -> list[Fact]:
    """Spans of the sentence that are facts of the asked kind (dates, amounts, names, places ...)."""
    spans: list[Fact] = []
    if kind in FACT_PATTERNS:
        spans += [Fact(m.start(), m.end(), m.group(0)) for m in FACT_PATTERNS[kind].finditer(sentence) if m.group(0)
                  and not (kind == "number" and (PART_OF_DATE.match(sentence, m.end()) or "+" in sentence[m.start() - 1:m.end() + 1]))]
        if kind == "duration":
            spans += [f for f in find_facts(sentence, "time", tagged) if "至" in f.text]
    if kind in ("person", "place", "organization"):
        position = 0
        for word, flag in tagged:
            start = sentence.find(word, position)
            if start < 0:
                continue
            position = start + len(word)
            if len(word) < 2 or (kind == "place" and NAME_CONTINUES.match(sentence, position)):
                continue  # 湘江 in 湘江论坛 names a forum, not a place
            if kind == "person" and flag.startswith("nr") and not (2 <= len(word) <= 3 and word[0] in SURNAMES
                                                                    and word[-1] not in PLACE_SUFFIXES
                                                                    and not word.endswith(ORG_SUFFIXES)):
                continue  # jieba guesses 'nr' for many unknown words; a Chinese name starts with a surname
            if ((flag.startswith(SPAN_KINDS[kind]) and len(word) <= 12)
                    or (kind in ("organization", "person") and (flag == "nt" or _org_name(word) and flag[:1] == "n"))
                    or (kind == "place" and word[-1] in PLACE_SUFFIXES and flag[:1] == "n")):
                spans.append(Fact(start, position, word))
        if kind == "person":
            spans += [Fact(m.start(), m.end(), m.group(0)) for m in TITLED_NAME_RE.finditer(sentence)]
        if kind == "organization":
            spans += [Fact(m.start(1), m.end(1), m.group(1)) for m in NAMED_BODIES.finditer(sentence)]
    return spans


def _emphasis(facts: list[Fact], positions: list[int], kind: str, sentence: str) -> Fact:
    """The fact to show in bold: for "who" a name before an office, else the one nearest the matched words,
    joined with the facts right next to it (浙江 温州市 永嘉县 → 浙江温州市永嘉县)."""
    found = [p for p in positions if p >= 0] or [0]
    names = [f for f in facts if TITLED_NAME_RE.fullmatch(f.text) or (len(f.text) <= 3 and f.text[0] in SURNAMES)]
    best = min((names if kind == "person" else []) or facts,
               key=lambda f: (min(abs(f.start - p) for p in found), -len(f.text)))
    start, end = best.start, best.end
    for f in sorted(facts, key=lambda f: f.start):
        if f.start <= end < f.end:
            end = f.end
    for f in sorted(facts, key=lambda f: -f.end):
        if f.start < start <= f.end:
            start = f.start
    return Fact(start, end, sentence[start:end])


def _org_name(word: str) -> bool:
    """党支部, 服务中心: a name ending in an organisation's suffix, longer than the suffix plus one character."""
    return any(word.endswith(suffix) and len(word) >= len(suffix) + 2 for suffix in ORG_SUFFIXES)


# ---------------------------------------------------------------- choosing the sentence

@dataclass
class _Scored:
    sentence: int
    bm25: float
    in_sentence: float
    in_context: float
    in_article: float
    fact: Fact | None
    score: float = 0.0
    notes: str = ""


def answer(knowledge, text: str) -> Answer:
    """Answer one question from a knowledge snapshot: the best sentence and two more, or a decline."""
    question_text = normalize(text)
    if not question_text:
        return Answer(question=text, kind="none", reason="empty")
    if not has_cjk(question_text):
        return Answer(question=text, kind="none", reason="not chinese")  # emoji, English, punctuation only
    if len(question_text) > MAX_QUESTION_CHARS:
        return Answer(question=text, kind="none", reason="too long")
    question = analyze(knowledge, question_text)
    if not question.terms:
        return Answer(question=text, kind=question.kind, reason="the question has no words to search for")

    query = [token for term in question.terms for form in sorted(term.forms)
             for token in (knowledge.tokenizer.tokens(form) or [form])]
    hits = knowledge.index.search(query, RETRIEVED)
    if not hits:
        return Answer(question=text, kind=question.kind, reason="no passage shares a word with the question")

    patterns = {t.text: abbreviation_pattern(t.text) for t in question.terms
                if knowledge.sentence_df.get(t.text, 0) == 0}
    total = sum(t.weight for t in question.terms) or 1.0
    top_bm25 = hits[0].score or 1.0
    scored = [_score(knowledge, question, hit.doc, hit.score / top_bm25, patterns, total) for hit in hits]
    scored.sort(key=lambda s: -s.score)
    candidates = tuple(_candidate(knowledge, s, question) for s in scored[:CANDIDATES_KEPT])

    refusal = _decline_reason(knowledge, question, scored[:CANDIDATES_KEPT], patterns)
    if refusal:
        return Answer(question=text, kind=question.kind, reason=refusal, rejected=candidates)
    return Answer(question=text, kind=question.kind, candidates=candidates, declined=False, reason=candidates[0].why)


def _score(knowledge, question: Question, doc: int, bm25: float, patterns, total: float) -> _Scored:
    sentence = knowledge.sentences[doc]
    article = knowledge.articles[sentence.article]
    own = sentence.text.lower()
    tagged = knowledge.tagged_sentence(doc)
    tokens = frozenset(w for w, _ in tagged)
    neighbours = [knowledge.sentences[j].text for j in (doc - 1, doc + 1)
                  if 0 <= j < len(knowledge.sentences) and knowledge.sentences[j].article == sentence.article]
    context = " ".join([article.title, article.kicker, *neighbours]).lower()
    whole = f"{article.title} {article.kicker} {article.text}".lower()

    in_sentence = in_context = in_article = 0.0
    positions = []
    for term in question.terms:
        pattern = patterns.get(term.text)
        own_credit = match_credit(term, own, tokens, pattern)
        context_credit = max(own_credit, match_credit(term, context, frozenset(), pattern))
        article_credit = max(context_credit, match_credit(term, whole, frozenset(), pattern))
        in_sentence += term.weight * own_credit
        in_context += term.weight * context_credit
        in_article += term.weight * article_credit
        if own_credit >= 1.0:
            positions += [own.find(f) for f in term.forms if len(f) > 1 and f in own]

    # A reader's adjacent words found adjacent in the sentence (组织纪律 vs 组织…纪律) mark the right one.
    phrase = sum(0.08 for a, b in zip(question.terms, question.terms[1:])
                 if a.start + len(a.text) == b.start and (a.text + b.text) in own)

    fact = None
    fact_bonus = 0.0
    if question.kind in TYPED_KINDS:
        facts = [f for f in find_facts(sentence.text, question.kind, tagged)
                 if not any(f.text in t or t in f.text for t in question.not_answers)
                 and (question.shape is None or question.shape.search(f.text))]
        if facts:
            # the fact nearest to the question's words is the one asked about
            def distance(f: Fact) -> int:
                return min((abs(f.start - p) for p in positions if p >= 0), default=40)

            nearest = min(facts, key=distance)
            fact_bonus = 0.35 if distance(nearest) <= 12 else 0.25 if distance(nearest) <= 30 else 0.15
            fact = _emphasis(facts, positions, question.kind, sentence.text)
            if question.kind == "person" and not any(not _org_name(f.text) for f in facts):
                fact_bonus -= 0.1  # "who" is more often a name than an office
            if question.kind == "place" and PLACE_INTRO.search(sentence.text[:nearest.start]):
                fact_bonus += 0.1  # 将在株洲举行: the place a verb happens at

    focus_bonus = 0.0
    if question.focus is not None:
        credit = match_credit(question.focus, own, tokens, patterns.get(question.focus.text))
        head = question.focus.text[-2:]
        focus_bonus = 0.15 if credit >= 1.0 else 0.08 if len(question.focus.text) > 2 and head in own else 0.0

    # Matched words close together (轨博会…举行 within ten characters) beat the same words spread over a long list.
    found = sorted(p for p in positions if p >= 0)
    window = found[-1] - found[0] if len(found) > 1 else 0
    proximity = 0.15 * math.exp(-window / 40) if found else 0.0
    length_penalty = 0.08 * max(0.0, math.log(max(len(own), 1) / 60))
    if question.head and question.head in own:
        focus_bonus += HEAD_BONUS
    item = _Scored(doc, bm25, in_sentence / total, in_context / total, in_article / total, fact)
    # A sentence holding the asked kind of fact may leave the event's words to its neighbours (罗琼出席调度会。)
    own_share = max(item.in_sentence, CONTEXT_SHARE_WITH_FACT * item.in_context) if fact else item.in_sentence
    item.score = (own_share + 0.4 * item.in_context + 0.2 * item.in_article + 0.2 * bm25
                  + fact_bonus + phrase + focus_bonus + proximity - length_penalty)
    item.notes = (f"score {item.score:.2f} = words in sentence {item.in_sentence:.0%}, with context {item.in_context:.0%}, "
                  f"in article {item.in_article:.0%}, bm25 {bm25:.2f}, {question.kind} fact {fact.text if fact else '-'}"
                  f" (+{fact_bonus:.2f}), phrase +{phrase:.2f}, focus +{focus_bonus:.2f}, near +{proximity:.2f}")
    return item


def _decline_reason(knowledge, question: Question, top: list[_Scored], patterns) -> str:
    """Why the corpus does not answer this question, or '' when the best sentence should be given."""
    best = top[0]
    article = knowledge.articles[knowledge.sentences[best.sentence].article]
    whole = f"{article.title} {article.kicker} {article.text}".lower()
    missing_numbers = [n for n in question.numbers if n.lower() not in whole]
    if missing_numbers:
        return f"the best article never mentions {', '.join(missing_numbers)}"
    focus = question.focus
    if focus is not None and question.kind in FACT_REQUIRED and match_credit(focus, whole, frozenset(), patterns.get(focus.text)) < 1.0:
        return f"the best article never speaks of {focus.text}, which the question asks about"
    if question.kind in FACT_REQUIRED and not best.fact:
        return f"no candidate sentence holds a {question.kind} fact of the shape asked for"
    coverage = max(s.in_context * 0.7 + s.in_article * 0.3 for s in top)
    if coverage < DECLINE_BELOW:
        return f"the best passage holds only {coverage:.0%} of the question's evidence"
    return ""


def _candidate(knowledge, item: _Scored, question: Question) -> Candidate:
    sentence = knowledge.sentences[item.sentence]
    article = knowledge.articles[sentence.article]
    return Candidate(sentence=sentence.text, article_id=article.id, title=article.title, byline=article.byline,
                     score=round(item.score, 4), fact=item.fact.text if item.fact else None, why=item.notes,
                     article=sentence.article)


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None
