"""Typed facts in a sentence (dates, amounts, names, places, organisations …): what a question of each kind asks for.

Used twice: as features (does a candidate hold a fact of the asked kind that the question does not, and how near the
question's words) and for the bold span of an answer, which is a whole fact of the asked kind or nothing at all.
Everything here describes news Chinese in general; nothing is keyed to a particular question.

- Times, durations, frequencies and amounts are found with patterns. A figure is taken only whole (never the 3 of
  93.5%), numerals written in characters are checked with `cn2an` (一百零五万 and 百分之五点七 count; 万一, 千万 and 一二三
  do not), and a unit must end where a word ends (四部门 is no amount of 部).
- Persons, places and organisations come from jieba.posseg's tags (dictionary words only: unknown names come out as
  single characters), checked against surnames, place and organisation endings, and the Cilin thesaurus: a common
  word such as 文明 that jieba tags as a name is not a person.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import thesaurus
from .knowledge import TITLED_NAME_RE
from .text import simplified

KINDS = ("time", "frequency", "duration", "number", "code", "person", "place", "organization", "reason", "benefit",
         "manner", "other")

# ================================================================ word lists

SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单易常温康施文牛樊葛邢安齐乔伍庞颜倪庄聂章"
    "鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤"
    "阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞"
    "敖巩明佘池查麻苑迟邝乐"
)
# Offices news puts right before or after a name (副主席范建宏参加, 杨守春副主任会来), and roles it puts before one
# (工作人员龙诗琴借助, 城管队员姚炜); bot.knowledge.TITLED_NAME_RE finds names after offices too.
OFFICES = ("书记", "部长", "局长", "院长", "市长", "县长", "区长", "镇长", "乡长", "村长", "厅长", "处长", "科长", "所长", "校长",
           "馆长", "站长", "队长", "团长", "社长", "厂长", "行长", "董事长", "理事长", "秘书长", "检察长", "庭长", "省长", "组长",
           "会长", "主任", "主委", "主席", "院士", "经理", "总裁", "总编辑", "主编", "主持人", "法官", "检察官")
ROLES = OFFICES + ("编辑", "记者", "通讯员", "实习生", "工作人员", "队员", "老人", "市民", "村民", "居民", "作家", "诗人",
                   "教授", "医生", "护士", "老师", "教师", "民警", "志愿者", "负责人", "党员", "代表", "委员", "支书", "选手",
                   "运动员", "学生", "网友", "老伯", "大爷")
# An organisation's name ends in one of these (会 only in bodies: 博览会, 大会 and 调度会 are events, not bodies) …
ORG_SUFFIXES = ("局", "委", "部", "院", "站", "厂", "公司", "办", "处", "所", "馆", "队", "室", "团", "社", "校", "中心",
                "集团", "银行", "大学", "学院", "医院", "政府", "法院", "检察院", "组织", "联盟", "电视台", "电台",
                "学会", "协会", "委员会", "商会", "工会", "联合会", "理事会", "基金会", "研究会", "促进会", "联谊会", "贸促会",
                "常委会", "红十字会")
# … unless it ends in one of these ordinary words (老干部, 服务大局, 公共场所, 市委常委, 组织部部长: people and things).
NOT_ORG_ENDINGS = ("干部", "职工", "群众", "人员", "会议室", "大局", "全局", "格局", "布局", "结局", "场所", "之处", "网站", "常委",
                   "教室", "部长", "局长", "院长", "处长", "所长", "馆长", "队长", "团长", "社长", "校长", "主任")
# A place's name ends in one of these; venues (县体育馆, 定海区政府大楼) are places too, organisations or not.
PLACE_SUFFIXES = "省市县区镇乡村州国园洲山河湖岛街路巷"
VENUES = ("馆", "中心", "广场", "体育场", "公园", "大厦", "大楼", "酒店", "宾馆", "饭店", "礼堂", "会堂", "剧院", "机场",
          "车站", "码头", "景区", "楼", "会议室")
PLACE_CATEGORIES = frozenset({"Cb", "Di"})  # Cilin's places, and its countries and cities: common words that are places
# Words jieba tags as places that name no place in particular, and characters that make none before 县/市/区 (全县).
GENERIC_PLACES = {"城市", "全国", "国内", "国外", "海外", "各地", "当地", "本地", "外地", "异地", "内地", "全省", "全市", "全县",
                  "全区", "地区", "山区", "城区", "市区", "郊区", "农村", "城乡", "乡村", "社区", "基层", "中外", "东西", "南北"}
NOT_PLACE_HEADS = set("全各本该我此每哪某外其同邻新老旧大小上下东西南北中两三多首原省市县区镇乡村")
# After these a place is where something happens (将在株洲举行): it wins a tie over a place inside a name.
PLACE_CUES = ("在", "于", "到", "赴", "至", "来自", "位于", "前往", "落户", "地处", "原籍", "抵达", "来到", "回到", "走进", "从")
# A place right before one of these is part of a name (湘江论坛, 中国国际轨道交通…博览会), not where something is.
NAME_CONTINUES = re.compile(r"论坛|大会|峰会|公司|集团|大学|学院|银行|医院|平台|模式|战略|日报|晚报|电视台|国际|杯")
NAMED_BODIES = re.compile(r"“([^”]{2,12})”[一二两三四五六七八九十\d]*个?(?:部门|单位|机构|机关)")  # “公检法司”四部门

UNITS = ("平方公里", "平方公尺", "平方米", "立方米", "公里", "千米", "公尺", "公分", "厘米", "毫米", "米", "英尺", "英里",
         "公顷", "亩", "公斤", "千克", "克", "吨", "斤", "千瓦时", "千瓦", "美元", "港元", "欧元", "元", "人次", "人", "剂次",
         "剂", "个", "项", "场", "名", "家", "处", "篇", "期", "位", "次", "件", "户", "起", "所", "座",
         "届", "倍", "台", "辆", "批", "条", "类", "种", "周岁", "岁", "周年", "单", "间", "套", "份", "度",
         "册", "部", "本", "首", "幅", "棵", "株", "头", "只", "票", "张", "栋", "层", "床", "班", "门",
         "例", "针", "刀", "枚", "级", "支", "段", "块", "架", "艘", "列", "字", "页")
# What a question asks the amount of (接种率有多高 → %, 多少钱 → 元): amounts in another measure cannot answer it.
# The first line that matches decides (经费占生产总值多少 asks a share, not money).
ASKED_MEASURES = (
    (re.compile(r"率|比例|占|比重|百分之几|几成|百分比|份额"), ("%", "‰", "成", "分之")),
    (re.compile(r"几岁|多大年纪|年龄|岁数|高龄"), ("岁",)),
    (re.compile(r"多少人|几个人|几人|人数|观众|游客|参观者|参与者|人次"), ("人",)),
    (re.compile(r"面积|占地"), ("平方", "亩", "公顷")),
    (re.compile(r"多远|距离|里程|长度|多长"), ("公里", "千米", "米")),
    (re.compile(r"多重|重量"), ("吨", "公斤", "千克", "克", "斤")),
    (re.compile(r"多高|高度|海拔"), ("米",)),
    (re.compile(r"钱|资金|投资|金额|费用|收入|价格|票价|成本|资产|产值|营收|经费|奖金|补贴|多少元"), ("元",)),
)
# What part of a date a time question asks for (几点 → 早上7点): times that give it come first.
ASKED_PRECISION = (
    (re.compile(r"几点|几时|什么时刻|钟点"), ("点", "时", "分", ":")),
    (re.compile(r"哪[一几]?年|几几年|什么年代|哪个年代"), ("年", "世纪", "朝")),
    (re.compile(r"几月|哪个月|哪几个月"), ("月",)),
    (re.compile(r"哪[一几]?天|几号|几日|日期|星期几|周几|礼拜几"), ("日", "号", "天", "星期", "周")),
    (re.compile(r"朝代|时期"), ("朝", "世纪", "年代", "时期")),
)
# 哪个县, 哪家公司, 什么单位: the asked thing's name ends like the word after the question word.
ASKED_HEAD = re.compile(r"(?:哪|什么|何)(?:一|几)?(?:个|家|所|座|位|条|些|级)?([\u4e00-\u9fff]{1,3})")
PLURAL = re.compile(r"哪些|哪几|有谁|都有|分别")  # the answer is a list: bold all of it
# Which kinds of fact answer which kind of question, best first ("who" is sometimes a body: 谁主办).
ANSWERED_BY = {"person": ("person", "organization"), "organization": ("organization",), "place": ("place",),
               "time": ("time",), "frequency": ("frequency",), "duration": ("duration", "time"), "number": ("number",),
               "code": ("code",), "reason": ("reason",), "benefit": ("benefit", "reason")}
# Spans of a kind that make one fact when they touch (浙江 温州市 永嘉县) or stand one of these apart (12月8日至11日).
JOINED_KINDS = {"time": "至到-–—~", "duration": "至到-–—~", "number": "至到-–—~", "frequency": "", "place": ""}
LIST_JOINERS = ("、", "和", "及", "与")
CLAUSE_ENDS = re.compile(r"[,，;；:：。!！?？]")

# ================================================================ patterns

ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
CN_DIGITS = "零〇一二两三四五六七八九"
CN = rf"[{CN_DIGITS}十百千万亿几]+(?:点[{CN_DIGITS}]+)?"
NUM = rf"(?:{ARABIC}|{CN})"
NOT_AFTER = r"(?<![A-Za-z\d.])"  # a figure starts a run of digits, never inside one (3 of 93.5%, 7 of A7版)
UNIT = "|".join(UNITS)
# A number question naming what it counts (多少个项目, 几辆车): its measure words (投资) do not bind the answer's shape.
COUNTED = re.compile(rf"(?:多少|几)个?(?:{UNIT})|(?:多少|几)个")
DURATION_UNIT = "年|月|星期|周|天|日|小时|钟头|分钟|秒"
PERIOD = r"(?:早上|早晨|清晨|上午|中午|下午|傍晚|晚上|夜间|凌晨|当晚)"
YEAR = rf"(?:\d{{4}}|[{CN_DIGITS}]{{4}})年"
MONTH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])月"
DAY_NUMBER = r"(?:\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
HOUR = r"(?:\d{1,2}|十[一二]?|[一二两三四五六七八九])"
CLOCK = (rf"{PERIOD}{HOUR}[点时](?:\d{{1,2}}分|半|钟|许)?|{HOUR}[点时](?:\d{{1,2}}分|[一二三四五]?十[一二三四五六七八九]?分|半|钟|许)"
         rf"|{PERIOD}?\d{{1,2}}:\d{{2}}")  # 上午9点, 7点30分 (a bare 3点 is as often 3 points as three o'clock)
TO = r"[至到\-–—~]"
DATE = (rf"(?:{YEAR})?(?:{MONTH})?{DAY_NUMBER}[日号](?:{TO}(?:{MONTH})?{DAY_NUMBER}[日号])?"
        rf"(?:{PERIOD}?{HOUR}[点时](?:\d{{1,2}}分|半|钟|许)?|{PERIOD})?")  # 2021年12月8日至11日, 11月29日24时
PATTERNS: dict[str, re.Pattern] = {
    "time": re.compile(
        rf"{NOT_AFTER}(?:{DATE}|{YEAR}(?:{MONTH}(?:份|底|初|中旬|上旬|下旬)?|底|初|末)?(?:{TO}{YEAR})?"
        rf"|{MONTH}(?:份|底|初|中旬|上旬|下旬)?|{CLOCK}|(?:上世纪)?(?:\d{{2,4}}|[五六七八九]十)年代|\d{{1,2}}世纪(?:初|末|中叶)?)"
        rf"|[一二三四五六七八九十]{{1,3}}世纪(?:初|末|中叶)?|[前昨今明后][天日]{PERIOD}?|[去今明前]年(?:底|初)?|[本上下](?:周|月)"
        r"|年[底初]|月[底初]|(?:星期|礼拜)[一二三四五六日天]|周[一二三四五六日](?![年月天])|[春夏秋冬]季"
        r"|(?:春节|元旦|除夕|(?:元宵|清明|端午|中秋|国庆|重阳)节)(?:期间|前后|前夕|当天)?|(?:国庆|中秋|端午)(?:期间|前后|前夕|当天)"
        r"|(?:[东西南北]?[汉晋唐宋元明清秦隋]朝|[东西南北][汉晋周])(?:时期|末年|初年)?"),
    "frequency": re.compile(  # 每月, 每两年一届, 一年一度, 十天一刊
        rf"每隔?(?:{NUM}个?)?(?:年|月|周|天|日|季度|星期|小时)(?:[一两二三四五六七八九十]?(?:届|刊|期|度))?|逐(?:年|月|日)"
        rf"|{NUM}个?(?:年|月|天|周|星期)一(?:届|次|刊|期|回|度)"),
    "duration": re.compile(
        rf"{NOT_AFTER}{NUM}(?:多|余)?(?:个(?:多)?(?:月|星期|小时|钟头)|天|周|星期|年|小时|分钟|秒钟?|世纪)(?:左右|以上|之久|多)?"
        r"|半(?:年|个月|天|小时)|一个半(?:月|小时)"),
    "number": re.compile(
        rf"{NOT_AFTER}(?:百分之{CN}|{CN}分之{CN}|第?{NUM}\s?(?:多|余)?(?:万亿|[万亿])?(?:多|余)?(?:{UNIT})|{ARABIC}\s?[%‰]"
        rf"|{CN}成(?![员为功立绩果就本熟])|{NUM}(?:多|余)?[万亿])"),
    # a number that names (a telephone, a licence, a postcode): a long run of digits that is no amount or date
    "code": re.compile(rf"{NOT_AFTER}(?:0\d{{2,3}}-\d{{7,8}}|\d{{5,}})(?![A-Za-z\d.%‰]|,\d)"
                       rf"(?!\s?(?:多|余|万|亿|{UNIT}|{DURATION_UNIT}))"),
    # a reason or benefit is the clause its cue word opens
    "reason": re.compile(r"(?:为了|旨在|因为|因(?![为此而素])|由于|目的是|是为了|从而|以便|导致|使得|所以|因此)[^,，。;；!?！？]+"),
    "benefit": re.compile(r"(?:缩短|降低|减少|提高|提升|节省|节约|方便|便于|加快|有效|有助于|有利于)[^,，。;；!?！？]+"),
}
_CN_RUN = re.compile(rf"[{CN_DIGITS}十百千万亿几]+(?:点[{CN_DIGITS}]+)?")
_ARABIC_RUN = re.compile(ARABIC)
_ORG_RE = re.compile("|".join(rf".{{2,}}{re.escape(s)}" for s in sorted(ORG_SUFFIXES, key=len, reverse=True)))
_ROLE_RE = re.compile("(?:" + "|".join(ROLES) + ")$")
_OFFICE_RE = re.compile("(?:" + "|".join(OFFICES) + ")$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BODY_ENDS = {suffix[-1] for suffix in ORG_SUFFIXES + VENUES}
_LIST_RE = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,3}(?:、[\u4e00-\u9fff]{2,3})+(?![\u4e00-\u9fff])")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    kind: str


# ================================================================ finding them

def spans(sentence: str, tagged: list[tuple[str, str]]) -> list[Span]:
    """Every typed fact of the sentence, each kind found on its own (spans of different kinds may overlap).

    tagged: jieba.posseg's (word, flag) pairs for the sentence (bot.text.Tokenizer.tagged). Should its words not follow
    the sentence's text, names are not looked for. Facts are found in the sentence's simplified characters, each
    folded as NFKC writes it (300多萬戶 as 300多万户, 陳大文 as 陈大文, 92％ as 92%, ２０２１年 as 2021年): positions are
    the sentence's own, texts the folded ones."""
    plain = as_read(sentence)  # same length: the words are the same stretches of it
    tokens = _aligned(sentence, tagged)
    tokens = [(start, end, plain[start:end], flag) for start, end, _, flag in tokens] if tokens is not None else None
    sentence = plain
    ends = {end for _, end, _, _ in tokens} if tokens is not None else None
    found: list[Span] = []
    for kind, pattern in PATTERNS.items():
        for m in pattern.finditer(sentence):
            if m.group(0) and _whole(sentence, m.start(), m.end(), kind, m.group(0), ends):
                found.append(Span(m.start(), m.end(), m.group(0), kind))
    words = tokens or []
    persons = _persons(sentence, words)
    found += persons + [p for p in _places(sentence, words) + _bodies(sentence, words)
                        if not any(n.start <= p.start and p.end <= n.end for n in persons)]
    found += [Span(m.start(1), m.end(1), m.group(1), "organization") for m in NAMED_BODIES.finditer(sentence)]
    lengths = [s for s in found if s.kind in ("duration", "time")]
    return list(dict.fromkeys(s for s in found if s.kind != "number"  # 两个 of 两个月 is a length, not an amount
                              or not any(d.start <= s.start and s.end <= d.end for d in lengths)))


def _aligned(sentence: str, tagged) -> list[tuple[int, int, str, str]] | None:
    """(start, end, word, flag) of each tagged word, found in turn in the sentence; None if one is not there. The
    tagger gives words as normalised text writes them (NFKC: ， as , and （ as (, full-width letters as ASCII), so
    they are looked for in the sentence with each character so folded, which keeps its positions: Wikipedia's and
    many papers' full-width punctuation would otherwise hide every name of the sentence."""
    sentence = _folded(sentence)
    out, position = [], 0
    for word, flag in tagged:
        if not word:
            continue
        start = sentence.find(word, position)
        if start < 0:
            return None
        position = start + len(word)
        out.append((start, position, word, flag))
    return out


def _folded(text: str) -> str:
    """text with each character as NFKC writes it, where that is one character (a character NFKC makes longer, ㎡ →
    m2, stays as it is): the same length, so positions in it are the text's."""
    return "".join(f if len(f := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)


def as_read(sentence: str) -> str:
    """The sentence as spans() reads it: simplified characters, each folded as NFKC writes it; the same length."""
    return _folded(simplified(sentence))


def _whole(sentence: str, start: int, end: int, kind: str, text: str, ends) -> bool:
    """A figure counts only whole: not a run of digits cut short, not a numeral inside a word (一起, 万一, 四部门), not
    a year read as a length (2021年), not a day without its month in characters (一日三餐) or a house number (6号)."""
    if end < len(sentence) and text[-1].isdigit() and (sentence[end].isdigit() or sentence[end] in ".%"):
        return False
    if kind == "time":
        return re.fullmatch(rf"{CN}日|{NUM}号", text) is None
    if kind in ("number", "duration", "frequency") and ends is not None and end not in ends:
        return False  # the unit starts a longer word: 四部门, 一成不变
    if kind == "duration" and re.fullmatch(rf"{YEAR}.*", text):
        return False
    if kind in ("number", "duration") and not any(c.isdigit() for c in text):
        numerals = _CN_RUN.findall(text.removeprefix("百分之").removeprefix("第"))
        if numerals:
            if kind == "number" and len(text) == 2 and text[0] == "一":
                return False  # 一家, 一名: the numeral one before a measure word reads as "a"
            return _is_numeral(numerals[0])
    return True


@lru_cache(maxsize=4096)
def _is_numeral(run: str) -> bool:
    """一百零五万, 五点七, 两千, 十几, 三四: a number in characters; not 万一, 千万 (不要), 一二三 (digits read out)."""
    run = run.replace("两", "二")
    if len(run) == 1:
        return run not in "百千万亿几"
    if "几" in run:  # 十几, 几十, 几百: vague but a number; 几 alone is "a few"
        rest = run.replace("几", "")
        return bool(rest) and (rest in ("十", "百", "千", "万", "亿") or _is_numeral(rest))
    digits = "一二三四五六七八九"
    if re.fullmatch(rf"[{digits}]{{2}}[十百千万亿]?", run) and digits.index(run[1]) - digits.index(run[0]) == 1:
        return True  # 三四天, 七八十人: two neighbouring digits give a rough figure
    return _value_of(run, "strict") is not None


def _value_of(numeral: str, mode: str = "smart") -> float | None:
    """cn2an's reading of a numeral in characters (None when it is none); cn2an is imported on first use (0.25 s)."""
    import cn2an

    try:
        return float(cn2an.cn2an(numeral.replace("两", "二"), mode))
    except (ValueError, KeyError):
        return None


def _common(word: str) -> bool:
    """A common word (one of the Cilin thesaurus: 文明, 荣誉, 高昂) is never a name, whatever jieba's tag says."""
    return thesaurus.known(word)


def _placeless(word: str) -> bool:
    """A common word that names no place (深度, 嘉宾, 青春: jieba tags them ns); 中国, 北京 and 城镇 do."""
    return thesaurus.known(word) and not thesaurus.categories(word) & PLACE_CATEGORIES


# ---------------------------------------------------------------- persons

def _persons(sentence: str, tokens) -> list[Span]:
    """Tagged names with a surname (刘芳); a surname with the given name jieba split off (姚/炜, 杨/路遥); the two or
    three characters after a role word (工作人员龙诗琴) or an office (部长罗琼); lists of such names (刘胜刚、金海山、张革)."""
    found = {m.start(1): m.end(1) for m in TITLED_NAME_RE.finditer(sentence) if m.group(1)[0] in SURNAMES}
    inside = {p for a, b in found.items() for p in range(a, b)}
    for i, (start, end, word, _) in enumerate(tokens):
        if word[0] in SURNAMES and start not in inside:
            name = _person_at(sentence, tokens, i)
            if name:
                found[name[0]] = name[1]
                inside.update(range(*name))
    if "、" not in sentence:
        return [Span(a, b, sentence[a:b], "person") for a, b in sorted(found.items())]
    starts = {start for start, _, _, _ in tokens}
    ends = {end for _, end, _, _ in tokens}
    by_start = {start: word for start, _, word, _ in tokens}
    for m in _LIST_RE.finditer(sentence):  # 刘胜刚、金海山、张革
        items = _list_items(m.group(0), m.start())
        if all(_listed_name(sentence, a, b, by_start, starts, ends) for a, b in items):
            found.update(dict(items))
    for start in sorted(found):  # 作家王剑冰、乔叶专题讲座: a name listed after a name is a name
        end = found[start]
        while sentence.startswith("、", end):
            item = next((size for size in (3, 2) if end + 1 + size in ends
                         and _listed_name(sentence, end + 1, end + 1 + size, by_start, starts, ends)), 0)
            if not item:
                break
            found.setdefault(end + 1, end + 1 + item)
            end += 1 + item
    return [Span(a, b, sentence[a:b], "person") for a, b in sorted(found.items())]


def _person_at(sentence: str, tokens, i: int) -> tuple[int, int] | None:
    start, end, word, flag = tokens[i]
    if word[0] not in SURNAMES or _common(word):
        return None
    if flag.startswith("nr") and 2 <= len(word) <= 3 and word[-1] not in PLACE_SUFFIXES and not _org(word):
        return start, end
    if len(word) != 1:
        return None
    last, j = end, i + 1
    while flag[:1] == "n" and j < len(tokens) and tokens[j][0] == last and tokens[j][3].startswith("nr") \
            and tokens[j][1] - start <= 3:
        last, j = tokens[j][1], j + 1
    if last - start >= 2:
        return start, last
    after_role = i > 0 and _ROLE_RE.search(tokens[i - 1][2]) and not sentence[tokens[i - 1][1]:start].strip()
    for j in (i + 2, i + 1):  # three characters, else two, ending where a word ends and a name may end
        if j < len(tokens) and 2 <= tokens[j][1] - start <= 3 and tokens[j][0] == tokens[j - 1][1] \
                and all(len(t[2]) <= 2 and _CJK.match(t[2]) for t in tokens[i:j + 1]) \
                and not any(t[3][:1] in ("d", "p", "c", "u", "r", "m", "q", "f") for t in tokens[i + 1:j + 1]):
            if (after_role and _name_may_end(tokens, j + 1)) or _office_follows(tokens, j + 1):
                return start, tokens[j][1]
    return None


def _office_follows(tokens, j: int) -> bool:
    """杨守春副主任: an office right after the characters."""
    if j + 1 < len(tokens) and tokens[j][2] in ("副", "原", "总", "前", "代"):
        j += 1  # 副/主任
    return j < len(tokens) and tokens[j][0] == tokens[j - 1][1] and len(tokens[j][2]) >= 2 \
        and _OFFICE_RE.search(tokens[j][2]) is not None


def _name_may_end(tokens, j: int) -> bool:
    if j >= len(tokens) or tokens[j][0] > tokens[j - 1][1]:
        return True  # the sentence ends, or white space follows (通讯员 王爱东 实习生)
    return tokens[j][3][:1] in ("v", "p", "c", "u", "d", "x") or tokens[j][3] == "eng"


def _list_items(text: str, offset: int) -> list[tuple[int, int]]:
    items, position = [], offset
    for item in text.split("、"):
        items.append((position, position + len(item)))
        position += len(item) + 1
    return items


def _listed_name(sentence: str, start: int, end: int, by_start, starts, ends) -> bool:
    """An item of a list is a name when it starts with a surname that jieba left as a character of its own."""
    word, item = by_start.get(start, ""), sentence[start:end]
    return start in starts and end in ends and len(word) == 1 and word in SURNAMES and not _common(item) \
        and all(_CJK.match(c) for c in item)


# ---------------------------------------------------------------- places and organisations

def _places(sentence: str, tokens) -> list[Span]:
    """jieba's places (ns) and names with a place ending (芦淞区, 东市街), not inside a name (湘江论坛); a place jieba
    does not know comes out as one or two characters and the ending (古/县, 石/哲/镇)."""
    found = []
    for i, (start, end, word, flag) in enumerate(tokens):
        if flag[:1] == "n" and _is_place(word, flag) and not NAME_CONTINUES.match(sentence, end):
            found.append(Span(start, end, word, "place"))
        elif word in ("县", "市", "区", "镇", "乡", "村"):
            run = 0  # single characters right before the ending (a longer run is no name)
            while run < 3 and i - run > 0 and _place_character(*tokens[i - run - 1]) \
                    and tokens[i - run - 1][1] == tokens[i - run][0]:
                run += 1
            if run == 2 or (run == 1 and tokens[i - 1][2] not in NOT_PLACE_HEADS):
                first = tokens[i - run][0]
                found.append(Span(first, end, sentence[first:end], "place"))
    return found


def _place_character(start: int, end: int, word: str, flag: str) -> bool:
    return len(word) == 1 and _CJK.match(word) is not None and flag[:1] in ("n", "a", "b", "j", "z")


def _is_place(word: str, flag: str) -> bool:
    """A word jieba tags as a place (ns) that is no common word naming no place (深度), or a noun with a place's ending
    long enough not to be a plain noun (地区, 社区), and not 各乡镇, 县市区 or 住宅小区."""
    if flag[:1] != "n" or len(word) < 2 or word in GENERIC_PLACES or _org(word) or word.endswith(NOT_ORG_ENDINGS) \
            or _placeless(word):
        return False
    if flag.startswith("ns"):
        return True
    return len(word) >= 3 and word[-1] in PLACE_SUFFIXES and word[0] not in NOT_PLACE_HEADS \
        and not word.endswith(tuple(GENERIC_PLACES))


def _org(word: str) -> bool:
    """党支部, 服务中心, 贸促会: an organisation's ending after at least two characters."""
    return _ORG_RE.fullmatch(word) is not None and not word.endswith(NOT_ORG_ENDINGS)


def _bodies(sentence: str, tokens) -> list[Span]:
    """An organisation or venue word with the place, name and noun words right before it: 攸县/县委/组织部 →
    攸县县委组织部, 芦淞区/政务/服务中心, 交通运输/局 (its ending a word of its own), 县/体育馆 (a venue: also a place)."""
    found = []
    for i, (start, end, word, flag) in enumerate(tokens):
        if word[-1] not in _BODY_ENDS or flag[:1] not in ("n", "j") or word.endswith(NOT_ORG_ENDINGS) \
                or _common(sentence[end - 1:end + 1]):
            continue  # 天台/小学校/门外: the ending 校 belongs with 门 (校门), jieba cut it off
        head, first = word, i
        if i > 0 and len(word) == 1 and tokens[i - 1][1] == start and tokens[i - 1][3][:1] in ("n", "j") \
                and len(tokens[i - 1][2]) >= 2 and not _org(tokens[i - 1][2]):
            head, first = tokens[i - 1][2] + word, i - 1  # 德育/部 → 德育部, 农村/局
        is_org = (flag == "nt" or _org(head) or head in ORG_SUFFIXES) and len(head) >= 2
        is_venue = head.endswith(VENUES) and head not in GENERIC_PLACES
        if not (is_org or is_venue):
            continue
        while first > 0 and tokens[first - 1][1] == tokens[first][0] and end - tokens[first - 1][0] <= 24 \
                and _name_part(*tokens[first - 1][2:]) and (is_venue or not _body_word(*tokens[first - 1][2:])):
            first -= 1  # a body's name stops at the body before it (公司/大兴机械厂); a venue's takes it in
        while first < i and len(tokens[first][2]) == 1 and not _name_part(*tokens[first][2:], alone=True):
            first += 1  # a lone character starts no name (经/市委常委会), though one may stand inside it (湖南/意/华)
        text = sentence[tokens[first][0]:end]
        if head in ORG_SUFFIXES and first == i and flag != "nt":
            is_org = False  # 医院, 公司 alone name no body; 市北/医院 does
        if is_org:
            found.append(Span(tokens[first][0], end, text, "organization"))
        if is_venue and len(text) >= 3 and (first < i or not _common(text)):
            found.append(Span(tokens[first][0], end, text, "place"))  # 政府大楼, 体育馆; not 大楼 alone
    return found


def _body_word(word: str, flag: str) -> bool:
    return flag == "nt" or _org(word) or (len(word) > 1 and word in ORG_SUFFIXES)


def _name_part(word: str, flag: str, alone: bool = False) -> bool:
    """A word that can stand inside a name before its ending: places, names, nouns (not roles, not 全市, 干部 or 地处);
    of single characters only 市, 县 … and endings (市/交通运输局, 婺城区/委/宣传部) unless inside a name (湖南/意/华)."""
    if word in ("市", "省", "县", "区") or (len(word) == 1 and word in ORG_SUFFIXES):
        return True
    if (alone and len(word) == 1) or _ROLE_RE.search(word) or word in GENERIC_PLACES or word in PLACE_CUES \
            or word.endswith(NOT_ORG_ENDINGS):
        return False
    return flag[:1] in ("n", "j", "s") or flag in ("vn", "b")


# ================================================================ which answer the question

def of_kind(found: list[Span], kind: str, question: str = "") -> list[Span]:
    """The spans that can answer a question of this kind and are not the question's own words, best first: kinds in the
    order the question takes them (persons before organisations), then spans of the shape asked (多少钱 → 元, 几点 →
    7点, 哪个县 → …县), then spans in the counter the question uses (多少辆 → 辆), then by position."""
    wanted = ANSWERED_BY.get(kind, ())
    asked = _numbers(question) if question else set()
    shape, counter = _asked_shape(kind, question)
    places = {s.text for s in found if s.kind == "place"}
    chosen = [s for s in found if s.kind in wanted and not _said_in(s, question, asked, places)]
    return sorted(chosen, key=lambda s: (*_rank(s, wanted, shape), not _counted(counter, s), s.start))


def fitting(asked: list[Span], kind: str, question: str) -> tuple[float, float]:
    """How the spans of the asked kind (of_kind's) fit the question's wording: does one have the shape it asks
    (多少钱 → 元, 几点 → 7点, 哪个县 → …县), is one in the counter it uses (多少名 → 名); each 1 or 0, or -1 when the
    wording asks for none. A sentence about the topic without the detail asked often holds a fact of the kind but
    not of the shape: 9月15日 for 几点开始, 800多家 for 多少钱."""
    shape, counter = _asked_shape(kind, question)
    return (-1.0 if shape is None else float(any(shape(s) for s in asked)),
            -1.0 if counter is None else float(any(counter(s) for s in asked)))


def _counted(counter, span: Span) -> bool:
    return counter is None or counter(span)


def _asked_shape(kind: str, question: str):
    """Two tests of a span from the question's wording: of the shape asked (strong) and in its counter (weak), each
    None when the wording gives none: 多少钱 → 元; 哪一年 → 年; 哪个县 → …县; 多少辆 → 辆; 几天 → 天."""
    marks: tuple[str, ...] = ()
    counter: tuple[str, ...] = ()
    heads: tuple[str, ...] = ()
    if kind == "number":
        if not COUNTED.search(question):  # 投资了多少个项目 asks for projects: what it counts decides, not 投资
            marks = next((measure for pattern, measure in ASKED_MEASURES if pattern.search(question)), ())
        counted = re.search(rf"(?:多少|几)({UNIT})", question)  # 多少个项目 counts in 个, not 项
        counter = (counted.group(1),) if counted and counted.group(1) != "个" else ()
    elif kind == "duration":  # 几天, 多少个月: a span in that unit (not 20分钟 for 几年)
        counted = re.search(rf"(?:多少|几)个?({DURATION_UNIT})", question)
        counter = (counted.group(1),) if counted else ()
    elif kind == "time":
        marks = tuple(m for pattern, precision in ASKED_PRECISION if pattern.search(question) for m in precision)
    elif kind in ("person", "place", "organization"):
        # 哪个县的组织部 → spans ending in 县的组, 县的 or 县
        heads = tuple(m.group(1)[:n] for m in ASKED_HEAD.finditer(question) for n in (3, 2, 1) if len(m.group(1)) >= n)
        heads = tuple(h for h in heads if h not in ("里", "儿", "位", "些", "人", "是", "的", "天", "年", "种"))
    shape = (lambda s: any(h and s.text.endswith(h) for h in heads)) if heads else \
        (lambda s: any(m in s.text for m in marks)) if marks else None
    return shape, (lambda s: any(m in s.text for m in counter)) if counter else None


def _rank(span: Span, wanted: tuple[str, ...], shape) -> tuple[int, bool]:
    return wanted.index(span.kind), shape is not None and not shape(span)


def _said_in(span: Span, question: str, asked_numbers: set[str], places=frozenset()) -> bool:
    """The question's own words are not its answer: a span inside the question, a short name whose first two
    characters it names (株洲市 when it says 株洲), the full name of what it names (湖南意华交通装备股份有限公司 when it
    says 湖南意华; a place it names may start an answer: 株洲市图书馆), or figures it gives (2021年 when it says 2021)."""
    if not question:
        return False
    text = span.text.replace(" ", "")
    if text in question:
        return True
    if span.kind in ("person", "place", "organization"):
        if len(text) <= 3:
            return text[:2] in question
        named = next((text[:n] for n in range(len(text) - 1, 2, -1) if text[:n] in question), None)
        return named is not None and named not in places
    if span.kind in ("reason", "benefit"):
        return False
    figures = _numbers(text)
    return bool(figures) and figures <= asked_numbers


def _numbers(text: str) -> set[str]:
    """The values of the figures in text, in one form (11 and 十一 both give '11')."""
    values = {f"{float(m.group(0).replace(',', '')):g}" for m in _ARABIC_RUN.finditer(text)}
    for m in _CN_RUN.finditer(text):
        value = _value_of(m.group(0)) if _is_numeral(m.group(0)) and "几" not in m.group(0) else None
        if value is not None:
            values.add(f"{value:g}")
    return values


def emphasis(sentence: str, tagged: list[tuple[str, str]], kind: str, question: str = "", anchors=()) -> Span | None:
    """The one span to bold: of the asked kind and shape, not the question's own words, in the clause nearest the
    question's matched words (anchors: positions in the sentence), then nearest in characters; joined with spans of
    its kind that touch it (浙江 温州市 永嘉县 → 浙江温州市永嘉县; 12月8日 至 11日), or with the whole list when the
    question asks for several (哪些部门). None when the sentence holds no fact of the kind, and for manner and other
    questions, whose answers have no shape to find."""
    if kind not in ANSWERED_BY:
        return None
    found = spans(sentence, tagged)
    printed, sentence = sentence, as_read(sentence)  # found as spans() reads it, cut from the printed text
    candidates = of_kind(found, kind, question)
    if not candidates:
        return None
    wanted = ANSWERED_BY[kind]
    shape, counter = _asked_shape(kind, question)
    best_rank = _rank(candidates[0], wanted, shape)
    if kind == "number" and best_rank[1]:
        return None  # 多少钱 and no sum of money here: 800多家 would be a wrong answer in bold
    candidates = [s for s in candidates if _rank(s, wanted, shape) == best_rank]
    separators = [m.start() for m in CLAUSE_ENDS.finditer(sentence)]
    at = list(anchors) or [0]
    clauses = {bisect.bisect_left(separators, a) for a in at}

    def nearness(s: Span):
        clause = min(abs(bisect.bisect_left(separators, s.start) - c) for c in clauses)
        chars = min(min(abs(s.start - a), abs(s.end - a)) for a in at)
        cued = s.kind == "place" and sentence[:s.start].endswith(PLACE_CUES)
        return clause, not _counted(counter, s), chars, not cued, -len(s.text), s.start

    best = min(candidates, key=nearness)
    start, end = best.start, best.end
    if best.kind in JOINED_KINDS:
        start, end = _joined(sentence, [s for s in found if s.kind == best.kind], start, end, JOINED_KINDS[best.kind])
    if PLURAL.search(question) and best.kind in ("person", "place", "organization"):
        start, end = _listed(sentence, [s for s in found if s.kind == best.kind], start, end)
    return Span(start, end, printed[start:end], best.kind)


def _joined(sentence: str, same: list[Span], start: int, end: int, joiners: str) -> tuple[int, int]:
    """Grow over spans of the kind that overlap, touch, or stand one joining character away (12月8日至11日)."""
    grown = True
    while grown:
        grown = False
        for s in same:
            if s.start < start and (s.end >= start or (s.end == start - 1 and sentence[s.end] in joiners)):
                start, grown = s.start, True
            if s.end > end and (s.start <= end or (s.start == end + 1 and sentence[end] in joiners)):
                end, grown = s.end, True
    return start, end


def _listed(sentence: str, same: list[Span], start: int, end: int) -> tuple[int, int]:
    """市委宣传部、市创管办、市文明办: when several are asked for, every span of the kind listed with the chosen one."""
    for s in sorted(same, key=lambda s: s.start):
        if s.start > end and sentence[end:s.start] in LIST_JOINERS:
            end = s.end
    for s in sorted(same, key=lambda s: -s.end):
        if s.end < start and sentence[s.end:start] in LIST_JOINERS:
            start = s.start
    return start, end
