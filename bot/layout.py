"""A raw page's lines → paragraph blocks and page headers: line breaks, record layouts and one-line page dumps."""

from __future__ import annotations

import re

import jieba

from .masthead import MARKER_RE, repeats_masthead, run_together
from .pages import PageMeta, iso_date, parse_header
from .text import CJK_RE, ends_sentence, join_broken, normalize

HEADLINE_MAX_CHARS = 40
_BYLINE_WORDS = r"(?:本报|本報|晚报|晚報|融媒|特约|特約|见习|見習|实习|實習)?(?:记者|記者|通讯员|通訊員|实习生|實習生|摄影|攝影)"
# 株洲日报·掌上株洲讯(记者/任远), 本报讯(商 闻), 香港文匯報訊(記者 蘇榕蓉 福州報道), 【本报讯】, 新华社北京8月3日电
DATELINE_RE = re.compile(
    r"^(?:【\s*(?P<bracketed>[^【】\s]{0,24}?[讯訊])\s*】|(?P<dateline>[^()\s【】,。]{0,24}?[讯訊]|新华社[^()\s,。]{0,16}电))?"
    rf"\s*\((?P<byline>{_BYLINE_WORDS}[^()]*|[\u4e00-\u9fff·\s、,]{{2,30}})\)\s*"
    r"|^(?:【\s*(?P<bracketed2>[^【】\s]{0,24}?[讯訊])\s*】|(?P<dateline2>[^()\s【】,。“”]{0,24}?[讯訊]|新华社[^()\s,。]{0,16}电))\s*"
)
# 本报记者 何黄彪, □晚报记者 高琳琳, N本报记者 施建华 黄启鹏 文/图, 记者缪鲁报道: a byline on a line of its own
NAME = r"[\u4e00-\u9fff·]{2,4}"
BYLINE_LINE_RE = re.compile(
    rf"^[□■◇◆N]?\s*(?P<byline>(?:{_BYLINE_WORDS}|文|图|文/图)\s*[/:：]?\s*{NAME}(?:[\s、,]+{NAME})*"
    r"(?:\s*(?:文/图|摄|攝|报道|報道|文))?)$")
NAMES_LINE_RE = re.compile(rf"^{NAME}(?:\s+{NAME}){{1,5}}$")  # 乐梦融 王爱东 杨路遥: the writers, under a headline
TRAILING_BYLINE_RE = re.compile(
    rf"(?<=[。!?”」])\s*\((?P<byline>(?:{_BYLINE_WORDS}\s*)?[\u4e00-\u9fff·]{{1,4}}(?:[\s、]+[\u4e00-\u9fff·]{{1,4}})*)\)\s*$")
# 记者缪鲁报道 近日……, 记者 张三 近日……: a byline opening the text, without brackets
LEADING_BYLINE_RE = re.compile(
    rf"^(?P<byline>{_BYLINE_WORDS}(?:\s*[/:：]\s*|\s+){NAME}(?:、{NAME})*(?:\s*(?:报道|報道))?)(?:\s*[:：]\s*|\s+)"
    rf"|^(?P<reported>{_BYLINE_WORDS}{NAME}(?:报道|報道))\s*[:：]?\s*")
RECORD_RE = re.compile(r"^【(?P<key>[^】]{1,8})】\s*=\s*(?P<value>.*)$")
CATALOGUE_RE = re.compile(r"^(?P<key>[\u4e00-\u9fff]{2,6})\s*[:：]\s*(?P<value>[^。!?]{0,200}。?)$")
RECORD_KEYS = {"标题": "title", "题名": "title", "颗粒名称": "title", "日期": "date", "出版日期": "date",
               "版次": "page", "版号": "page", "作者": "author", "责任者": "author", "内容出处": "paper", "报纸": "paper",
               "刊名": "paper", "摘要": "summary"}
SOURCE_LABEL_RE = re.compile(r"^(?:知识出处|文献出处|知識出處)$")
INDENT_RE = re.compile(r"^(?:\s{2,}|\u3000)")
DUMP_MIN_CHARS = 200  # a line this long with spaces inside words is a whole page flattened (PDF text)
SPACED_CJK_RE = re.compile(r"(?<=[\u4e00-\u9fff，、「」“”])\s+(?=[\u4e00-\u9fff，、「」“”])")


def is_headline(block: str) -> bool:
    """A short line with no sentence punctuation: a headline, a deck or a sub-headline."""
    return (
        2 <= len(block) <= HEADLINE_MAX_CHARS
        and "。" not in block
        and block.count(",") <= 1
        and block.count("“") == block.count("”")
        and not ends_sentence(block)
        and block[-1] not in ",、"
        and not DATELINE_RE.match(block)
        and not BYLINE_LINE_RE.match(block)
        and not block.startswith("——")  # ——食指《相信未来》: the source of a quotation
        and not re.match(r"^[·•●▪◆★\-]", block)
        and CJK_RE.search(block) is not None
    )


def breaks_a_word(left: str, right: str) -> bool:
    """True when a word runs across the break (勇|敢地闯): the right piece continues the left one."""
    tail, head = left[-6:], right[:6]
    position = 0
    for word in jieba.lcut(tail + head, HMM=False):
        if position < len(tail) < position + len(word) and all(CJK_RE.match(c) for c in word):
            return True
        position += len(word)
    return False


def page_items(raw: str, counts: dict) -> list[str | PageMeta]:
    """Paragraph blocks and, between them, the page headers (PageMeta) of a raw page; counts gets what was done."""
    items: list[str | PageMeta] = []
    block: list[tuple[str, bool]] = []  # (normalised line, indented in the raw page)

    def close() -> None:
        if block:
            items.extend(_paragraphs(block, counts))
            block.clear()

    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    catalogue = _catalogue_lines(lines)
    masthead, marker = "", ""  # the masthead seen so far; a teaser's 3版 waiting for its headline
    source_next = False  # after 知识出处, the source's name
    for number, raw_line in enumerate(lines):
        line = normalize(raw_line)
        if not line:
            close()
            continue
        if marker and is_headline(line):
            items.append(f"{marker}版 {line}")  # 3版 / 第十三届中部博览会…: a teaser on two lines
            marker = ""
            continue
        marker = ""
        if source_next and is_headline(line):
            close()
            items.append(line)  # the name of the paper or book the record comes from: the headline of what follows
            source_next = False
            continue
        source_next = False
        if SOURCE_LABEL_RE.match(line):
            close()
            items.append(PageMeta())  # a catalogue record's 知识出处: a new piece starts, about its source
            source_next = True
            continue
        if glued := run_together(line):
            close()
            masthead += glued[0]
            items.extend(glued[1])
            counts["run_together_lines"] = counts.get("run_together_lines", 0) + 1
            continue
        if repeats_masthead(line, masthead) or re.fullmatch(r"\d{1,3}", line):
            close()  # the masthead printed again, or a bare page number: page furniture
            continue
        if found := MARKER_RE.match(line):
            close()
            marker = found["page"]
            continue
        record = RECORD_RE.match(line) or (CATALOGUE_RE.match(line) if number in catalogue else None)
        if record:
            close()
            items.extend(_record_items(record.group("key"), record.group("value").strip(), counts))
            continue
        if _flattened(line):
            close()
            counts["dump_lines"] = counts.get("dump_lines", 0) + 1
            header = parse_header(line)
            if header:
                items.append(header[0])
                line = header[1]
            items.extend(_undump(line, despace=len(SPACED_CJK_RE.findall(line)) >= 5))
            continue
        header = parse_header(line)
        if header is None:
            head, line = _glued_headline(line)
            if head:
                close()  # 石村撤乡设镇 本报讯(记者 徐教连)近日……: a headline run into its article's first line
                items.append(head)
            block.append((_unspace(line), bool(INDENT_RE.match(raw_line)) and not head))
            continue
        close()
        items.append(header[0])
        if header[1]:
            block.append((header[1], False))
    close()
    return items


def _flattened(line: str) -> bool:
    """A whole page or issue on one line: long, with spaces inside words (PDF column breaks), or with several
    articles' datelines, or with several spaces after sentences where headlines and paragraphs were run together."""
    if len(GLUED_DATELINE_RE.findall(line)) >= 2:
        return True  # two articles' 本报讯 on one line, however short
    return len(line) >= DUMP_MIN_CHARS and (len(SPACED_CJK_RE.findall(line)) >= 5
                                            or len(re.findall(r"[。!?”」]\s+\S", line)) >= 2)


def _unspace(line: str) -> str:
    """湖 南 城 市 报 → 湖南城市报: a line of single characters spaced out, as mastheads and PDF text print them."""
    parts = line.split(" ")
    if len(parts) >= 4 and all(len(p) == 1 and CJK_RE.match(p) for p in parts):
        return "".join(parts)
    return line


def _catalogue_lines(lines: list[str]) -> set[int]:
    """Line numbers of runs of two or more 'key: value' lines (知识类型: 析出资源), blank lines aside: a catalogue
    record, not text."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    keyed = [bool(CATALOGUE_RE.match(normalize(lines[i]))) for i in filled]
    out: set[int] = set()
    for k, is_key in enumerate(keyed):
        if is_key and ((k > 0 and keyed[k - 1]) or (k + 1 < len(keyed) and keyed[k + 1])):
            out.add(filled[k])
    return out


def _record_items(key: str, value: str, counts: dict) -> list[str | PageMeta]:
    """A record field: the title becomes a headline block, date, page, paper and author page metadata."""
    counts["record_fields"] = counts.get("record_fields", 0) + 1
    field = RECORD_KEYS.get(key)
    if not value or field is None:
        return []
    if field == "title":
        return [value]
    if field == "summary":
        return [value]
    if field == "date":
        return [PageMeta(date=iso_date(value))] if iso_date(value) else []
    if field == "paper":
        match = re.search(r"《([^》]{2,16})》", value)
        return [PageMeta(paper=match.group(1) if match else value)]
    return [PageMeta(**{field: value})]


def _undump(line: str, despace: bool = True) -> list[str]:
    """A whole page flattened on one line: pieces at the spaces after a sentence and around short headline-like
    runs, with the spaces that PDF column breaks left inside words removed."""
    pieces = re.split(r"(?<=[。!?”」])\s+", line)
    out: list[str] = []
    for piece in pieces:
        # 逾千兩岸青年共話創業 香港文匯報訊…: a short run before a space and a dateline (or text) is a headline
        while not DATELINE_RE.match(piece):
            cut = _headline_cut(piece)
            if cut is None:
                break
            out.append(piece[:cut].strip())
            piece = piece[cut:].lstrip()
        out.append(SPACED_CJK_RE.sub("", piece) if despace else piece)
    return [p for p in out if p]


GLUED_DATELINE_RE = re.compile(r"(?:本报讯|本報訊|【本报讯】|【本報訊】|新华社|新華社|中新社)")


def _glued_headline(line: str) -> tuple[str, str]:
    """A headline printed on the same line as its article's dateline, with or without a space between: the
    headline and the rest; ('', line) when the line opens otherwise."""
    glued = GLUED_DATELINE_RE.search(line, 4, HEADLINE_MAX_CHARS + 1)
    if glued and is_headline(line[:glued.start()].strip()) and DATELINE_RE.match(line[glued.start():]):
        return line[:glued.start()].strip(), line[glued.start():]
    for match in re.finditer(r"\s+", line[:HEADLINE_MAX_CHARS + 12]):
        rest = line[match.end():]
        dateline = DATELINE_RE.match(rest)
        if dateline and dateline_parts(dateline)[0] and is_headline(line[:match.start()]):
            return line[:match.start()], rest
    return "", line


def _headline_cut(piece: str) -> int | None:
    """Where a short headline-like run at the start of a flattened piece ends: before a dateline, or before text
    when the run reads as a headline; None when the piece starts with text."""
    one = re.match(r"[^\s,。,]{2,20}\s+", piece)
    two = re.match(r"[^\s,。,]{2,20}\s[^\s,。,]{1,12}\s+", piece)
    for match in (one, two):
        if match and DATELINE_RE.match(piece[match.end():]) and dateline_parts(DATELINE_RE.match(piece[match.end():]))[0]:
            return match.end()
    for match in (two, one):
        if match and is_headline(match.group(0).strip()) and len(piece) - match.end() >= 8:
            return match.end()
    return None


def _paragraphs(block: list[tuple[str, bool]], counts: dict) -> list[str]:
    """The lines of one block as paragraphs: a line broken mid-sentence is joined to the next; a line that ends a
    sentence, a headline-like line before a new start, and a line before an indented one end a paragraph."""
    out: list[str] = []
    text = block[0][0]
    for (previous, _), (line, indented) in zip(block, block[1:]):
        if _continues(previous, line, indented):
            text = join_broken(text, line)
            counts["lines_rejoined"] = counts.get("lines_rejoined", 0) + 1
        else:
            out.append(text)
            text = line
    out.append(text)
    return out


def _continues(previous: str, line: str, indented: bool) -> bool:
    if indented or ends_sentence(previous):
        return False
    if DATELINE_RE.match(line) or BYLINE_LINE_RE.match(line) or BYLINE_LINE_RE.match(previous):
        return False
    if is_headline(previous) and not breaks_a_word(previous, line):
        # a stack of headline lines, or a short headline over a long line of text; lines of one width run on
        return not is_headline(line) and len(previous) >= 0.7 * len(line)
    return True


def dateline_parts(match: re.Match) -> tuple[str, str]:
    """The dateline (株洲日报·掌上株洲讯, 本报讯) and byline (记者/任远) of a DATELINE_RE match."""
    dateline = next((match.group(g) for g in ("dateline", "bracketed", "dateline2", "bracketed2") if match.group(g)), "")
    return dateline.strip(), (match.group("byline") or "").strip()
