"""Page metadata: the paper, issue date and page of a raw page, from its file name, its header lines and datelines."""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

PAPERS_FILE = "papers.toml"
# zzrb-2021-12-01-A2.txt: paper code, issue date, optional page (letters and digits, as the paper numbers it)
FILE_NAME_RE = re.compile(
    r"^(?P<code>[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z][A-Za-z0-9]*)*)[-_](?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[-_](?:p|page)?(?P<page>[A-Za-z]{0,2}\d{1,4}))?$", re.I)
PAPER_NAME = (r"[\u4e00-\u9fff]{2,10}?(?:日报|日報|晚报|晚報|时报|時報|商报|商報|晨报|晨報|早报|早報|都市报|青年报|"
              r"法制报|文汇报|文匯報|广播电视报|廣播電視報|侨报|僑報)")
DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)"),
)
PUBLICATION_NUMBERS = r"国内统一连续出版物号\s*[:：]\s*CN\s*[\d\-/]+|邮发代号\s*[:：]\s*[\d\-]+"  # a masthead's
# The pieces a page header is made of; a line made only of these (or starting with two kinds of them) is a header.
HEADER_PIECES = (
    ("date", DATE_PATTERNS[0]), ("date", DATE_PATTERNS[1]),
    ("page", re.compile(r"第\s*(?P<page>[A-Za-z]{0,2}\s*\d{1,4})\s*[版页頁]")),
    ("page", re.compile(r"(?P<page>[A-Za-z]{1,2}\d{1,4})\s*版")),
    ("page", re.compile(r"(?P<page>[A-Za-z]\d{1,3})(?=\s*[:：]|\s)")),
    ("paper", re.compile(r"《\s*(?P<paper>[^》\s]{2,16}?)\s*》")),
    ("paper", re.compile(rf"(?P<paper>{PAPER_NAME})(?!讯|訊|社|记者|記者|·)")),
    ("weekday", re.compile(r"星期[一二三四五六日天]?|周[一二三四五六日]")),
    ("lunar", re.compile(r"[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年[正一二三四五六七八九十冬腊臘]{1,2}月[初十廿三][一二三四五六七八九十]")),
    ("issue", re.compile(r"(?:总第|總第|第)?\s*\d+\s*期|本期\s*\d+\s*版")),
    ("author", re.compile(r"(?:作者|记者|記者)\s*[:：]\s*(?P<author>[^\s:：]{2,12})")),
    ("chrome", re.compile(r"(?:刊发日期|发布日期|出版日期|日期)\s*[:：]")),
    ("chrome", re.compile(r"(?:责任编辑|責任編輯|版面设计|版面設計|美编|美編|校对|校對|编辑|編輯|阅读次数|"
                          r"点击数|浏览次数)\s*[:：]\s*(?:[^\s:：]*(?=\s|$)|(?=\S+[:：]))")),
    ("chrome", re.compile(rf"{PUBLICATION_NUMBERS}|数字报纸|数字报|电子版|编印")),
    ("chrome", re.compile(r"[^\s,。:：]{2,30}?(?:主管|主办)(?=\s|$)")),
)
SEPARATORS = re.compile(r"[\s/|*>·•()（）:：,-]+")
SECTION_RE = re.compile(r"[^\s\d:：()（）/|>,。]{1,12}")


class PapersError(ValueError):
    """A papers table that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class PageMeta:
    paper: str = ""
    date: str = ""  # ISO YYYY-MM-DD
    page: str = ""
    section: str = ""  # the page's name (要闻, 时评)
    author: str = ""  # a byline printed in a page's record fields

    def over(self, base: "PageMeta") -> "PageMeta":
        """This metadata, its blanks filled from base."""
        return PageMeta(**{f.name: getattr(self, f.name) or getattr(base, f.name) for f in fields(self)})

    def found(self) -> list[str]:
        return [f.name for f in fields(self) if f.name in ("paper", "date", "page") and getattr(self, f.name)]


@dataclass(frozen=True)
class Papers:
    """seeds/papers.toml: paper codes of file names → names, and per-file metadata for seeds named otherwise."""

    codes: dict
    files: dict

    @classmethod
    def load(cls, folder: Path) -> "Papers":
        path = folder / PAPERS_FILE
        if not path.is_file():
            return cls({}, {})
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PapersError(f"{path}: {exc}") from exc
        codes, files = data.get("papers", {}), data.get("files", {})
        for name, entry in files.items():
            if entry.get("date") and not is_iso_date(str(entry["date"])):
                raise PapersError(f"{path}: [files.\"{name}\"] date must be YYYY-MM-DD, not {entry['date']!r}")
        return cls({k.lower(): v for k, v in codes.items()}, files)

    def for_file(self, name: str) -> tuple[PageMeta, str]:
        """Metadata a seed's file name gives, and where it came from (for the build report)."""
        if name in self.files:
            entry = self.files[name]
            meta = PageMeta(paper=self.codes.get(str(entry.get("paper", "")).lower(), entry.get("paper", "")),
                            date=entry.get("date", ""), page=str(entry.get("page", "")))
            return meta, f"{PAPERS_FILE} [files]"
        match = FILE_NAME_RE.match(Path(name).stem)
        if not match:
            return PageMeta(), ""
        code = match.group("code").lower()
        page = (match.group("page") or "").upper()
        meta = PageMeta(paper=self.codes.get(code, ""), date=iso_date(match.group("date")), page=page)
        note = "file name" + ("" if meta.paper else f" (code {code} not in {PAPERS_FILE})")
        return meta, note


def is_iso_date(value: str) -> bool:
    """True for a real day written YYYY-MM-DD, the corpus form."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False  # 2021-02-30: the right shape, but no such day
    return True


def iso_date(text: str) -> str:
    """The ISO form of a date written 2021年12月1日, 2021.12.1 or 2021-12-01; '' when there is none or no such day."""
    for pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
            except ValueError:
                return ""
    return ""


def parse_header(line: str) -> tuple[PageMeta, str] | None:
    """A page header at the start of line (株洲日报 2021年12月1日 星期三 A2版, 第A4版:时评2017年06月22日 星期四):
    its metadata and the text after it; None when the line is not one."""
    text = line.strip()
    position, kinds, meta = 0, [], {}
    after_page = False
    while position < len(text):
        sep = SEPARATORS.match(text, position)
        if sep:
            position = sep.end()
            continue
        for kind, pattern in HEADER_PIECES:
            match = pattern.match(text, position)
            if match and match.end() > position:
                break
        else:
            end = _section_end(text, position) if after_page else position
            if end == position or not _section_words(text[position:end]):
                break
            meta.setdefault("section", text[position:end].strip("*·"))
            position = end
            continue
        kinds.append(kind)
        after_page = kind == "page"
        if kind == "date":
            meta.setdefault("date", iso_date(match.group(0)))
        elif kind in ("page", "paper", "author"):
            meta.setdefault(kind, re.sub(r"\s+", "", match.group(kind)).upper() if kind == "page"
                            else match.group(kind))
        position = match.end()
    rest = text[position:].strip()
    strong = {"date", "page"} & set(kinds)
    whole_line = not re.search(r"[\u4e00-\u9fff]", rest) and len(rest) <= 8
    only_chrome = whole_line and set(kinds) <= {"chrome", "issue"} and "chrome" in kinds
    lone_paper = whole_line and kinds == ["paper"] and len(text) <= 16  # 当代日报, 《当代日报》 on a line alone
    if not kinds or not (strong or (whole_line and "paper" in kinds and len(kinds) >= 2) or only_chrome or lone_paper):
        return None
    if not whole_line and (len({"date", "page", "paper"} & set(kinds)) < 2 or text[position - 1:position] in ",，"):
        return None  # 2021年12月1日,省政府……: a sentence that opens with a date
    if whole_line:
        rest = ""
    return PageMeta(**meta), rest


def _section_end(text: str, start: int) -> int:
    """Where a page name after 版: ends: at the next header piece, a digit or a separator, 12 characters at most."""
    end = start
    while end < len(text) and end - start < 12 and SECTION_RE.match(text[end]):
        if end > start and any(p.match(text, end) for _, p in HEADER_PIECES):
            break
        end += 1
    return end


def _section_words(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text)) and not re.search(r"[。,;!?]", text)


def paper_from_dateline(dateline: str) -> str:
    """株洲日报·掌上株洲讯 → 株洲日报; 香港文匯報訊 → 香港文匯報; 本报讯 names no paper."""
    match = re.match(rf"(?:{PAPER_NAME})", dateline)
    return match.group(0) if match else ""


def page_label(page: str) -> str:
    """How a citation prints a page: 3 → 第3版, A2 → A2版; a page already written with 版 stays as it is."""
    if not page or "版" in page or "页" in page:
        return page
    if page.isdigit():
        return f"第{int(page)}版"
    return f"{page}版"


def date_label(iso: str) -> str:
    """2021-12-01 → 2021年12月1日."""
    try:
        day = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.year}年{day.month}月{day.day}日"
