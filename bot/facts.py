"""Typed facts in a sentence (dates, amounts, names, places, organisations …): what a question of each kind asks for.

Used twice: as features (does a candidate hold a fact of the asked kind that the question does not, and how near the
question's words) and for the bold span of an answer. Patterns describe news Chinese in general; no question's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .knowledge import TITLED_NAME_RE

KINDS = ("time", "frequency", "duration", "number", "person", "place", "organization", "reason", "benefit", "manner",
         "other")

# ---------------------------------------------------------------- what facts look like

DIGITS = r"[零〇一二两三四五六七八九十百千万亿]"
NUM = rf"(?:\d+(?:[.,]\d+)*|{DIGITS}+(?:点{DIGITS}+)?)"
UNIT = (r"(?:多|余)?(?:万|亿)?(?:元|人次|人|个|项|场|名|家|处|吨|篇|期|剂次|剂|平方米|平方公里|位|次|件|户|起|所|座|公里|千米|米"
        r"|届|倍|台|辆|批|条|类|种|岁|周年|单|亩|间|套|份|公斤|千克|克|千瓦|度|册|部|本|首|幅|棵|株|头|只|票|张|栋|层|床|班|门)")
PATTERNS: dict[str, re.Pattern] = {
    "time": re.compile(
        rf"(?:\d{{4}}年|{DIGITS}{{4}}年)?(?:{NUM}月)?{NUM}[日号](?:[至到-]{NUM}[日号])?(?:(?:早上|上午|中午|下午|晚上|凌晨)?{NUM}[点时](?:{NUM}分|半)?)?"
        rf"|(?:\d{{4}}|{DIGITS}{{4}})年(?:{NUM}月(?:份|底|初|中旬|上旬|下旬)?)?|\d{{1,2}}月(?:份|底|初|中旬|上旬|下旬)?"
        rf"|(?:早上|上午|中午|下午|晚上|凌晨){NUM}[点时](?:{NUM}分|半)?|{NUM}[点时]{NUM}分"
        r"|\d{2,4}年代|(?:前|昨|今|明|后)[天日]|(?:去|今|明|前)年|(?:本|上|下)(?:周|月)|(?:年|月)(?:底|初)"
        r"|(?:春|夏|秋|冬)季|(?:[东西南北]?[汉晋唐宋元明清秦隋]朝|[东西南北][汉晋周])(?:时期|末年|初年)?|世纪"),
    "frequency": re.compile(rf"每(?:{NUM}个?)?(?:年|月|周|天|日|季度|星期)|逐(?:年|月|日)|{NUM}(?:年|月|天|周)一(?:届|次|刊|期|回)|一年一度"),
    "duration": re.compile(rf"(?<!\d){NUM}(?:多|余)?(?:个(?:月|星期|小时|钟头|多月)|天|周|星期|年|小时|分钟|秒|世纪)(?:左右|以上|多|之久)?"
                           r"|半(?:年|个月|天|小时)"),
    "number": re.compile(
        rf"(?:百分之{DIGITS}+(?:点{DIGITS}+)?|{NUM}(?:多|余)?(?:万|亿)?{UNIT}|{NUM}%|{NUM}(?:多|余)?[万亿]|{DIGITS}成|\d+(?:\.\d+)?)"),
    # a reason or benefit is the clause its cue word opens
    "reason": re.compile(r"(?:为了|旨在|因为|由于|目的是|是为了|从而|以便|导致|使得|所以|因此)[^,，。;；!?！？]+"),
    "benefit": re.compile(r"(?:缩短|降低|减少|提高|提升|节省|节约|方便|便于|加快|有效|有助于|有利于)[^,，。;；!?！？]+"),
}
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单易常温康施文牛樊葛邢安齐乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
ORG_SUFFIXES = ("局", "委", "会", "部", "院", "站", "厂", "公司", "办", "处", "所", "馆", "队", "室", "团", "社", "校", "中心",
                "集团", "银行", "大学", "学院", "医院", "协会", "学会", "政府", "法院", "检察院", "组织", "联盟")
PLACE_SUFFIXES = "省市县区镇乡村州国园洲山河湖岛街路"
NAME_CONTINUES = re.compile(r"论坛|大会|峰会|公司|集团|大学|学院|银行|医院|平台|模式|战略|日报|晚报|电视台")
NAMED_BODIES = re.compile(r"“([^”]{2,12})”[一二两三四五六七八九十\d]*个?(?:部门|单位|机构|机关)")  # “公检法司”四部门
PART_OF_DATE = re.compile(r"[月日号点时分]|年(?!以来|多|间)")
# which kinds of fact answer which kind of question, best first ("who" is sometimes a body: 谁主办)
ANSWERED_BY = {"person": ("person", "organization"), "organization": ("organization",), "place": ("place",),
               "time": ("time",), "frequency": ("frequency",), "duration": ("duration", "time"), "number": ("number",),
               "reason": ("reason",), "benefit": ("benefit", "reason")}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    kind: str


# ---------------------------------------------------------------- finding them

def spans(sentence: str, tagged: list[tuple[str, str]]) -> list[Span]:
    """Every typed fact of the sentence, each kind found on its own (spans of different kinds may overlap)."""
    found: list[Span] = []
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(sentence):
            if not m.group(0):
                continue
            if kind == "duration" and re.match(r"(?:\d{4}|[零〇一二三四五六七八九]{4})年", m.group(0)):
                continue  # 2021年 is a year, not three thousand years
            if kind == "number" and (PART_OF_DATE.match(sentence, m.end()) or _inside_word(sentence, m)):
                continue  # 12 of 12月, 一 of 一起: part of a date or of a word, not an amount
            found.append(Span(m.start(), m.end(), m.group(0), kind))
    found += _named(sentence, tagged)
    return found


def _inside_word(sentence: str, m: re.Match) -> bool:
    """A run of number characters that is part of a word (一起, 万一, 十分, 三峡): no digit, no unit, no %."""
    text = m.group(0)
    if text[0] == "一" and len(text) == 2:
        return True  # 一起, 一家, 一名: the numeral one before a measure word reads as "a", not as an amount
    if any(c.isdigit() for c in text) or text.endswith(("%", "成")) or text.startswith("百分之"):
        return False
    if re.search(UNIT + "$", text) or text[-1] in "万亿":
        return len(text) < 2
    return True


def _named(sentence: str, tagged: list[tuple[str, str]]) -> list[Span]:
    found = []
    position = 0
    for word, flag in tagged:
        start = sentence.find(word, position)
        if start < 0:
            continue
        position = start + len(word)
        if len(word) < 2 or len(word) > 16:
            continue
        if flag.startswith("nr") and 2 <= len(word) <= 3 and word[0] in SURNAMES and word[-1] not in PLACE_SUFFIXES \
                and not word.endswith(ORG_SUFFIXES):
            found.append(Span(start, position, word, "person"))  # jieba guesses nr for many words; a name has a surname
        elif (flag == "nt" or (flag[:1] in ("n", "j") and _org_name(word))) and not flag.startswith("nr"):
            found.append(Span(start, position, word, "organization"))
        elif (flag.startswith("ns") or (flag[:1] == "n" and word[-1] in PLACE_SUFFIXES)) \
                and not NAME_CONTINUES.match(sentence, position):
            found.append(Span(start, position, word, "place"))  # 湘江 in 湘江论坛 names a forum, not a place
    found += [Span(m.start(1), m.end(1), m.group(1), "person") for m in TITLED_NAME_RE.finditer(sentence)]
    found += [Span(m.start(1), m.end(1), m.group(1), "organization") for m in NAMED_BODIES.finditer(sentence)]
    return found


_ORG_NAME_RE = re.compile("|".join(rf".{{2,}}{re.escape(suffix)}" for suffix in sorted(ORG_SUFFIXES, key=len, reverse=True)))


def _org_name(word: str) -> bool:
    """党支部, 服务中心: a name ending in an organisation's suffix, longer than the suffix plus one character."""
    return _ORG_NAME_RE.fullmatch(word) is not None


# ---------------------------------------------------------------- which answer the question

def of_kind(found: list[Span], kind: str, question: str = "") -> list[Span]:
    """The spans that can answer a question of this kind (best kind first) and are not the question's own words."""
    wanted = ANSWERED_BY.get(kind, ())
    chosen = [s for s in found if s.kind in wanted and not _said_in(s.text, question)]
    return sorted(chosen, key=lambda s: (wanted.index(s.kind), s.start))


def _said_in(text: str, question: str) -> bool:
    squashed = text.replace(" ", "")
    return bool(question) and (squashed in question or (len(squashed) >= 2 and question.find(squashed[:2]) >= 0
                                                        and len(squashed) <= 3))


def emphasis(sentence: str, tagged, kind: str, question: str = "", anchors=()) -> Span | None:
    """The one span to bold: of the asked kind, nearest the question's matched words, joined with spans of that kind
    right next to it (浙江 温州市 永嘉县 → 浙江温州市永嘉县). None when the sentence holds no fact of the kind."""
    candidates = of_kind(spans(sentence, tagged), kind, question)
    if not candidates:
        return None
    first_kind = candidates[0].kind
    candidates = [s for s in candidates if s.kind == first_kind]
    found = list(anchors) or [0]
    best = min(candidates, key=lambda s: (min(min(abs(s.start - a), abs(s.end - a)) for a in found), -len(s.text)))
    start, end = best.start, best.end
    for s in sorted(candidates, key=lambda s: s.start):  # grow right over touching or overlapping spans
        if s.start <= end < s.end:
            end = s.end
    for s in sorted(candidates, key=lambda s: -s.end):  # and left
        if s.start < start <= s.end:
            start = s.start
    return Span(start, end, sentence[start:end], first_kind)
