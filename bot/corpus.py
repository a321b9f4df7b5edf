"""Articles on disk: reading corpus/*.jsonl (the only code that does) and turning raw seed pages into articles."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

import jieba

from .files import atomic_write, describe
from .listing import scan
from .masthead import TEASER_RE, TEASERS_TITLE
from .layout import (
    BYLINE_LINE_RE, DATELINE_RE, LEADING_BYLINE_RE, NAMES_LINE_RE, TRAILING_BYLINE_RE, breaks_a_word, dateline_parts, is_headline, page_items,
)
from .pages import PAPERS_FILE, PageMeta, Papers, PapersError, is_iso_date, paper_from_dateline
from .text import CJK_RE, ends_sentence, join_broken

REQUIRED_FIELDS = ("id", "title", "text")
OPTIONAL_FIELDS = ("byline", "source", "kicker", "dateline", "date", "paper", "page", "continues")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    byline: str = ""
    source: str = ""
    kicker: str = ""
    dateline: str = ""
    date: str = ""  # the date, ISO YYYY-MM-DD
    paper: str = ""  # the newspaper's name: 株洲日报
    page: str = ""  # the page as the paper numbers it: A2, 3, e0004
    continues: str = ""  # the page this piece is continued from (上接A1版 → A1)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]

    def to_json(self) -> str:
        record = {k: v for k, v in asdict(self).items() if v or k in REQUIRED_FIELDS}
        return json.dumps(record, ensure_ascii=False)


class CorpusError(Exception):
    """A corpus file that cannot be served; names the file and, where it applies, the line."""

    def __init__(self, path: Path | str, line: int | None, problem: str):
        self.path, self.line, self.problem = str(path), line, problem
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {problem}")


# ---------------------------------------------------------------- reading corpus/

def read_corpus_file(path: Path) -> list[Article]:
    """Parse one JSONL corpus file; any bad line raises CorpusError naming the file and line."""
    return [article for _, article in _numbered_articles(path)]


def _numbered_articles(path: Path) -> list[tuple[int, Article]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(path, None, f"cannot be read ({describe(exc)})") from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # the byte-order mark Windows editors put before UTF-8: hand-edited files carry it
    articles = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(path, number, f"is not valid UTF-8 (byte {exc.start + 1})") from exc
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorpusError(path, number, f"is not a complete JSON object ({exc.msg})") from exc
        articles.append((number, _article_from_record(record, path, number)))
    return articles


def _article_from_record(record: object, path: Path, line: int) -> Article:
    if not isinstance(record, dict):
        raise CorpusError(path, line, "must be a JSON object with id, title and text")
    for key in REQUIRED_FIELDS:
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            raise CorpusError(path, line, f"field '{key}' is missing or empty")
    unknown = sorted(set(record) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise CorpusError(path, line, f"unknown field(s) {', '.join(unknown)}; allowed: "
                          f"{', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)}")
    for key in OPTIONAL_FIELDS:
        if key in record and not isinstance(record[key], str):
            raise CorpusError(path, line, f"field '{key}' must be a string")
    if record.get("date") and not is_iso_date(record["date"]):
        raise CorpusError(path, line, f"field 'date' must be an ISO date YYYY-MM-DD (the issue's date), "
                          f"not '{record['date'][:40]}'")
    values = {k: record[k] for k in REQUIRED_FIELDS + OPTIONAL_FIELDS if k in record}
    if not values.get("source"):
        values["source"] = path.name
    return Article(**values)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The regular *.jsonl files of corpus_dir in name order (bot/listing.py names the entries skipped); raises
    OSError when the folder cannot be listed."""
    return scan(corpus_dir).files


def load_corpus(corpus_dir: Path) -> list[Article]:
    """Every article of corpus_dir/*.jsonl, in file order; duplicate ids and an empty folder are errors."""
    if not corpus_dir.is_dir():
        raise CorpusError(corpus_dir, None, "corpus folder does not exist")
    try:
        files = corpus_files(corpus_dir)
    except OSError as exc:  # an unreadable folder is not an empty one
        raise CorpusError(corpus_dir, None, f"corpus folder cannot be listed ({describe(exc)})") from exc
    if not files:
        raise CorpusError(corpus_dir, None, "corpus folder holds no *.jsonl file")
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for path in files:
        for number, article in _numbered_articles(path):
            if article.id in seen:
                raise CorpusError(path, number, f"id '{article.id}' already used in {seen[article.id]}")
            seen[article.id] = f"{path.name}, line {number}"
            articles.append(article)
    if not articles:
        raise CorpusError(corpus_dir, None, "corpus holds no article")
    return articles


def write_corpus_file(path: Path, articles: list[Article]) -> None:
    """Write articles as one JSONL file, atomically: a failure (disk full) leaves no truncated file behind."""
    atomic_write(path, "".join(a.to_json() + "\n" for a in articles))


# ---------------------------------------------------------------- seed pages → articles

# ◀◀ 上接A1版 opens a piece continued from another page; 下转A3版▶▶ ends one continued on another
CONTINUATION_RE = re.compile(r"^[◀▶◄►<>]*\s*(?:上接|接上|承上|上接第|接第)\s*(?:第\s*)?(?P<page>[A-Za-z]?\d+)\s*[版版]\s*[◀▶◄►<>]*")
CONTINUED_TO_RE = re.compile(r"\s*[(（]?\s*[◀▶◄►<>]*\s*(?:下转|转下|轉下|下轉)\s*(?:第\s*)?(?P<page>[A-Za-z]?\d+)\s*版\s*[)）]?[◀▶◄►<>]*\s*$")
# 图为…, ▲…, (张三 摄): a photo caption, kept apart from the article it sits in
CAPTION_RE = re.compile(r"^(?:图为|圖為|上图|下图|左图|右图|上圖|下圖|图[:：]|圖[:：]|[▲△])|^.{4,60}(?:摄|攝|供图|供圖)\)?$")
CAPTIONS_TITLE = "图片说明"
COLUMN_MAX_CHARS = 8  # a short line over a longer headline is its column's name (营商环境优化年), not the headline
# 编者按, 记者手记: labels of a part of an article, never its headline
LABEL_RE = re.compile(r"^(?:编者按|編者按|编者的话|编后|编后语|记者手记|记者观察|短评|相关链接|链接|背景|小贴士|延伸阅读|内容)$")
CREDIT_LINE_RE = re.compile(r"^[\u4e00-\u9fff·]{2,4}(?:\s+[\u4e00-\u9fff·]{2,4})*\s*\(\s*\d{4}[.\-/年]\d{1,2}[.\-/月]\d{1,2}日?\s*\)$")
NOTICE_TITLE_RE = re.compile(r"声明|公告|启事|通告|告知书|作废")
LIST_ITEM_RE = re.compile(r"^[·•●▪◆★\-]")
REPEAT_MIN_CHARS = 25  # a shared run this long inside one article is a reprint, not a coincidence


@dataclass
class BuildReport:
    source: str
    articles: int = 0
    lines_rejoined: int = 0
    fragments_moved: int = 0
    repeats_dropped: int = 0
    repeated_chars: int = 0
    continuation_pieces: int = 0
    run_together: int = 0  # lines holding a masthead, teasers and a story run together
    stray_latin: list[str] = field(default_factory=list)
    pages: list[tuple[PageMeta, str]] = field(default_factory=list)  # each page's metadata and where it came from
    found: list[str] = field(default_factory=list)  # one line per article: headline, continuation, byline, size

    def lines(self) -> list[str]:
        out = [f"{self.source}: {self.articles} articles"]
        for meta, origin in self.pages or [(PageMeta(), "")]:
            found = ", ".join(f"{k} {getattr(meta, k)}" for k in meta.found()) or "nothing"
            missing = ", ".join(k for k in ("paper", "date", "page") if not getattr(meta, k))
            out.append(f"  page metadata: {found}" + (f" (from {origin})" if origin else "")
                       + (f"; not found: {missing}" if missing else ""))
        out += [
            f"  broken lines rejoined: {self.lines_rejoined}",
            f"  jumped column fragments moved to their article: {self.fragments_moved}",
            f"  repeated passages dropped: {self.repeats_dropped} ({self.repeated_chars} characters)",
            f"  continuation pieces kept as articles: {self.continuation_pieces}",
        ]
        if self.run_together:
            out.append(f"  masthead lines run together with teasers and a story, split: {self.run_together}")
        if self.stray_latin:
            out.append(f"  stray Latin words left in Chinese text: {', '.join(self.stray_latin)}")
        return out + [f"  - {line}" for line in self.found]


@dataclass
class _Draft:
    headlines: list[str]
    meta: PageMeta = PageMeta()
    byline: str = ""
    dateline: str = ""
    paragraphs: list[str] = field(default_factory=list)
    dangling: bool = False  # the last paragraph stops mid-sentence: its rest is printed elsewhere
    continues: str = ""  # the page this piece is continued from
    continued_to: str = ""  # the page it goes on to

    def add(self, block: str, *, subhead: bool = False) -> None:
        if self.dangling:
            self.paragraphs[-1] = join_broken(self.paragraphs[-1], block)
        else:
            self.paragraphs.append(block)
        self.dangling = not subhead and not ends_sentence(self.paragraphs[-1])


def _main_headline(lines: list[str]) -> int:
    """Index of the main headline among stacked headline lines (the rest are kickers and decks)."""

    def weight(line: str) -> int:
        score = 0
        if re.search(r"\S\s+\S", line) and CJK_RE.search(line.split()[-1]):
            score += 2  # "株洲市档案学会 昨成立": the two-part main line of Chinese papers
        if "," in line:
            score -= 2  # kickers run as a phrase with a comma
        if line.endswith(":"):
            score -= 3  # "株洲高新区:" introduces the line below it
        return score

    candidates = range(len(lines))
    if len(lines) > 1 and len(lines[0]) <= COLUMN_MAX_CHARS and " " not in lines[0] and any(
            len(line) > COLUMN_MAX_CHARS for line in lines[1:]):
        candidates = range(1, len(lines))  # 我与晚报的故事 over 那些年,我的青春…: a column's name tops the stack
    return max(candidates, key=lambda i: (weight(lines[i]), len(lines[i]) > COLUMN_MAX_CHARS, i))


def _words(text: str) -> set[str]:
    return {w for w in jieba.lcut(text) if len(w) > 1 and CJK_RE.search(w)}


class _Similarity:
    """idf-weighted share of a block's words found in an article: where a jumped column belongs."""

    def __init__(self, blocks: list[str]):
        df = Counter()
        for block in blocks:
            df.update(_words(block))
        self.n = max(len(blocks), 1)
        self.df = df

    def idf(self, gram: str) -> float:
        return math.log(1 + self.n / (1 + self.df[gram]))

    def score(self, block: str, article_text: str) -> float:
        grams = _words(block)
        if not grams:
            return 0.0
        have = _words(article_text)
        total = sum(self.idf(g) for g in grams)
        return sum(self.idf(g) for g in grams if g in have) / total


def _drop_repeats(block: str, article_text: str, report: BuildReport) -> str:
    """Remove runs of block that the article already printed (OCR pages repeat passages)."""
    if len(block) < REPEAT_MIN_CHARS or not article_text:
        return block
    matcher = SequenceMatcher(None, article_text, block, autojunk=False)
    spans = [(m.b, m.b + m.size) for m in matcher.get_matching_blocks() if m.size >= REPEAT_MIN_CHARS]
    for start, end in reversed(spans):
        report.repeats_dropped += 1
        report.repeated_chars += end - start
        block = block[:start] + block[end:]
    return block.strip()


def _place_fragment(block: str, drafts: list[_Draft], current: _Draft, similarity: _Similarity) -> _Draft:
    """The article a block read after a column jump belongs to: the most similar, open ends first."""

    def fit(draft: _Draft) -> float:
        bonus = 0.1 * draft.dangling + 0.05 * (draft is current)
        return similarity.score(block, " ".join(draft.headlines + draft.paragraphs)) + bonus

    return max(drafts, key=fit)


def parse_seed(raw: str, source: str, file_meta: tuple[PageMeta, str] = (PageMeta(), "")) -> tuple[list[Article], BuildReport]:
    """Split one raw OCR page into articles, repairing broken lines, jumped columns and repeats; page headers give
    each article its paper, date and page (file_meta, from the file name, fills what they leave out)."""
    report = BuildReport(source=source)
    counts: dict = {}
    items = page_items(raw, counts)
    report.lines_rejoined += counts.get("lines_rejoined", 0)
    report.run_together = counts.get("run_together_lines", 0)
    blocks = [item for item in items if isinstance(item, str)]
    similarity = _Similarity(blocks)
    meta_at = _page_meta(items, file_meta, report)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    following_jumps = False  # after a column jump, each block is placed by content, not by position
    gathered: dict[tuple[str, str, str], _Draft] = {}  # each page's photo captions, and its teasers
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if i and meta_at[i] is not meta_at[i - 1]:
            if current is not None and not current.paragraphs:
                current.meta = meta_at[i]  # a record line between a headline and its text (刊发日期, 作者)
            else:
                current, following_jumps = None, False  # a new page: nothing runs on from the page before
        if match := CONTINUATION_RE.match(block):
            current = _Draft(headlines=[], meta=meta_at[i], continues=match.group("page").upper())
            drafts.append(current)
            report.continuation_pieces += 1
            following_jumps = False
            block = block[match.end():].strip()
            i += 1
            if block:
                current.add(block)
            continue
        if match := CONTINUED_TO_RE.search(block):
            if current is not None:
                current.continued_to = match.group("page").upper()
                current.dangling = False  # its rest is on that page, not in the next block
            block = block[:match.start()].strip()
            if not block:
                i += 1
                continue
        teaser = TEASER_RE.match(block)
        apart = (CAPTIONS_TITLE if CAPTION_RE.match(block) and not DATELINE_RE.match(block)
                 else TEASERS_TITLE if teaser and is_headline(teaser["title"]) else "")
        if apart:  # photo captions and teasers: one article of each a page; the article around them runs on
            # captions belong to their page; teasers to the issue (a summary's and the page's own are one index)
            page_key = (apart, meta_at[i].date, meta_at[i].page if apart == CAPTIONS_TITLE else "")
            if page_key not in gathered:
                gathered[page_key] = _Draft(headlines=[apart], meta=meta_at[i])
                drafts.append(gathered[page_key])
            if block not in gathered[page_key].paragraphs:  # a teaser printed in the page's summary and on it
                gathered[page_key].paragraphs.append(block)
            i += 1
            continue
        if byline := BYLINE_LINE_RE.match(block):
            if current is not None and not current.byline:
                current.byline = byline.group("byline")  # 本报记者 何黄彪 on a line of its own
                i += 1
                continue
        if CREDIT_LINE_RE.match(block) or (current is not None and not current.paragraphs and _same(block, current)):
            i += 1  # 徐教连 (1994.02.01), or the headline printed again: record furniture
            continue
        if is_headline(block) and not LABEL_RE.match(block):
            run_end = i
            while (run_end < len(blocks) and is_headline(blocks[run_end]) and not CONTINUATION_RE.match(blocks[run_end])
                   and not LABEL_RE.match(blocks[run_end]) and not CREDIT_LINE_RE.match(blocks[run_end])):
                run_end += 1
            run = _unique(blocks[i:run_end])
            following = blocks[run_end] if run_end < len(blocks) else ""
            if len(run) > 1 and NAMES_LINE_RE.match(run[-1]) and DATELINE_RE.match(following) and all(
                    name in following for name in run[-1].split()):
                run = run[:-1]  # 乐梦融 王爱东 杨路遥 over 本报讯(见习记者 乐梦融 …): the writers, not a deck
            if current is not None and current.paragraphs and _same(" ".join(run), current):
                i = run_end  # the headline printed again inside its article (这个“ ” / 好“坚强”)
                continue
            starts_article = (
                current is None
                or DATELINE_RE.match(following) is not None
                or BYLINE_LINE_RE.match(following) is not None
                or len(run) >= 2
                or (NOTICE_TITLE_RE.search(run[-1]) is not None and LIST_ITEM_RE.match(following) is not None)
            )
            if starts_article:
                if current is not None and not current.paragraphs and not current.headlines:
                    drafts.remove(current)
                current = _Draft(headlines=run, meta=meta_at[i])
                drafts.append(current)
                following_jumps = False
                i = run_end
                if following and (match := DATELINE_RE.match(following)):
                    if meta_at[run_end] is not current.meta:
                        current.meta = meta_at[run_end].over(current.meta)  # 刊发日期/作者 between headline and text
                    current.dateline, current.byline = dateline_parts(match)
                    if lead := following[match.end():].strip():
                        current.add(lead)  # the text after the byline opens the article: never a sub-headline
                    i += 1
                continue
        match = DATELINE_RE.match(block)
        if match and dateline_parts(match)[0] and (current is None or current.paragraphs or not current.dateline):
            if current is None or current.paragraphs:
                # 本报讯(记者 …) with no headline before it: a new article all the same
                current = _Draft(headlines=[], meta=meta_at[i])
                drafts.append(current)
            current.dateline, current.byline = dateline_parts(match)
            following_jumps = False
            if lead := block[match.end():].strip():
                current.add(lead)
            i += 1
            continue
        # a lone short line inside an article is a sub-headline (it stays a paragraph of its own), unless its
        # last word runs on into the next block: then it is the short first piece of a broken paragraph
        subhead = is_headline(block) and not (i + 1 < len(blocks) and breaks_a_word(block, blocks[i + 1]))
        target = current
        if current is None:
            target = _Draft(headlines=[], meta=meta_at[i])
            drafts.append(target)
        elif (current.dangling or following_jumps) and not subhead and not (
            current.dangling and breaks_a_word(current.paragraphs[-1], block)
        ):
            target = _place_fragment(block, drafts, current, similarity)
            if target is not current:
                report.fragments_moved += 1
                following_jumps = True
        block = _drop_repeats(block, "\n".join(target.paragraphs), report)
        if block:
            report.lines_rejoined += target.dangling
            target.add(block, subhead=subhead)
        current = target
        i += 1

    stem = Path(source).stem
    articles = []
    # a page without a header names its paper in its datelines (株洲日报·掌上株洲讯): that paper is the page's
    dateline_paper: dict[int, str] = {}
    for draft in drafts:
        if paper := paper_from_dateline(draft.dateline):
            dateline_paper.setdefault((draft.meta.date, draft.meta.page), paper)
    heads = {d.meta.page: d for d in drafts if d.continued_to and d.headlines}
    printed = [d for d in drafts if d.paragraphs]
    squashed = [re.sub(r"\s+", "", "".join(d.paragraphs)) for d in printed]
    kept = [d for k, d in enumerate(printed) if not _printed_again(k, squashed, report)]
    for number, draft in enumerate(kept):
        _take_trailing_byline(draft)
        if draft.headlines:
            main = _main_headline(draft.headlines)
            title = _title(draft.headlines[main])
            kicker = " / ".join(h for k, h in enumerate(draft.headlines) if k != main)
        else:
            title, kicker = _untitled(draft, heads), ""
        text = "\n".join(draft.paragraphs)
        report.stray_latin.extend(re.findall(r"(?<=[\u4e00-\u9fff] )[a-z]+(?= [\u4e00-\u9fff])", text))
        meta = draft.meta
        articles.append(Article(
            id=f"{stem}-{number + 1:03d}", title=title, text=text, byline=draft.byline or meta.author,
            source=source, kicker=kicker, dateline=draft.dateline,
            date=meta.date, paper=meta.paper or dateline_paper.get((meta.date, meta.page), ""), page=meta.page,
            continues=draft.continues,
        ))
    report.articles = len(articles)
    report.found = [f"《{a.title}》" + (f"(接{a.continues}版)" if a.continues else "") + (f" {a.page}版" if a.page else "")
                    + f" {a.byline or 'no byline'}, {len(a.paragraphs)} paragraphs, {len(a.text)} characters"
                    for a in articles]
    report.pages = [(m.over(PageMeta(paper=dateline_paper.get((m.date, m.page), ""))),
                     f"{o}; paper from datelines" if (m.date, m.page) in dateline_paper and not m.paper else o)
                    for m, o in report.pages]
    return articles, report


def _printed_again(k: int, texts: list[str], report: BuildReport) -> bool:
    """True when the k-th article's whole text (texts: each article's, white space removed) is printed again in another
    article of the file (a page's summary cut off with "..." before the page itself, a teaser index repeated): the
    fuller or earlier copy is kept."""
    text = re.sub(r"(?:\.{3,}|…+)$", "", texts[k])
    if len(text) < REPEAT_MIN_CHARS:
        return False
    for j, other in enumerate(texts):
        if j != k and text in other and (len(other) > len(text) or j < k):
            report.repeats_dropped += 1
            report.repeated_chars += len(text)
            return True
    return False


def _same(text: str, draft: _Draft) -> bool:
    """True when text is the draft's headline printed again (spacing aside)."""
    squashed = re.sub(r"\s+", "", text)
    return bool(squashed) and squashed in {re.sub(r"\s+", "", h) for h in draft.headlines} | {
        re.sub(r"\s+", "", "".join(draft.headlines))}


def _unique(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not out or re.sub(r"\s+", "", line) != re.sub(r"\s+", "", out[-1]):
            out.append(line)
    return out


def _title(headline: str) -> str:
    """《当代日报》 → 当代日报: a headline that is only a quoted name."""
    match = re.fullmatch(r"《\s*([^《》]+?)\s*》", headline)
    return match.group(1) if match else headline


def _take_trailing_byline(draft: _Draft) -> None:
    """(记者 月映红) or (湛承兵 王 群) after the last sentence, or 记者缪鲁报道 before the first: the article's
    byline, not its text."""
    lead = LEADING_BYLINE_RE.match(draft.paragraphs[0])
    if lead and not draft.byline and len(draft.paragraphs[0]) > lead.end():
        draft.byline = (lead.group("byline") or lead.group("reported")).strip()
        draft.paragraphs[0] = draft.paragraphs[0][lead.end():]
    match = TRAILING_BYLINE_RE.search(draft.paragraphs[-1])
    if match and not draft.byline:
        draft.byline = match.group("byline").strip()
        draft.paragraphs[-1] = draft.paragraphs[-1][:match.start()].rstrip()


def _untitled(draft: _Draft, heads: dict) -> str:
    """The title of a piece printed without a headline: the headline of the article it continues, when this build
    holds it; else its first sub-headline; else its first words."""
    if draft.continues and draft.continues in heads:
        return _title(heads[draft.continues].headlines[_main_headline(heads[draft.continues].headlines)])
    subhead = next((p for p in draft.paragraphs if is_headline(p) and not LABEL_RE.match(p)), "")
    if subhead:
        return subhead
    lead = re.split(r"[,。;!?:]", draft.paragraphs[0], maxsplit=1)[0].strip("“”\"")
    return lead if len(lead) <= 16 else lead[:16] + "…"


def _page_meta(items: list, file_meta: tuple[PageMeta, str], report: BuildReport) -> list[PageMeta]:
    """The page metadata in force at each block. Headers before any text, or one after another, add up; a header
    after text that names a date or page other than the one in force starts a new page; one that does not (作者:,
    刊发日期:, or a page number where none was known) adds to the page it is on."""
    base, origin = file_meta
    current, origins, at = base, [origin] if origin else [], []
    seen_text = False
    pages: list[tuple[PageMeta, list[str]]] = []
    opened = False  # a header after text started a new page
    for item in items:
        if not isinstance(item, PageMeta):
            if not pages or opened:
                pages.append((current, origins))
            elif pages[-1][0] is not current:
                pages[-1] = (current, origins)  # the same page, more of its metadata
            opened = False
            seen_text = True
            at.append(current)
            continue
        # a header that only fills a blank (第1页 under a summary that gave the date alone) is the same page
        new_page = seen_text and ((item.date and current.date and item.date != current.date)
                                  or (item.page and current.page and item.page != current.page))
        if new_page:
            current, origins = item.over(base), ["page header"] + ([origin] if origin else [])
            opened = True
        else:
            current = item.over(current)
            origins = ["page header"] + [o for o in origins if o != "page header"]
        seen_text = seen_text and not new_page
    report.pages = [(meta, " and ".join(o)) for meta, o in pages]
    return at


def build_corpus(seeds_dir: Path, corpus_dir: Path, only_missing: bool = False) -> list[BuildReport]:
    """seeds_dir/*.txt → corpus_dir/<seed stem>.jsonl, one file per seed; returns what was repaired and found.

    seeds_dir/papers.toml (see bot/pages.py) names the papers of file-name codes and gives metadata to seeds
    named otherwise; a malformed one is a CorpusError naming it."""
    try:
        papers = Papers.load(seeds_dir)
    except PapersError as exc:
        raise CorpusError(seeds_dir / PAPERS_FILE, None, str(exc).split(": ", 1)[-1]) from exc
    reports = []
    for seed in sorted(seeds_dir.glob("*.txt")):
        target = corpus_dir / f"{seed.stem}.jsonl"
        if only_missing and target.exists():
            continue
        articles, report = parse_seed(seed.read_text(encoding="utf-8", errors="replace"), seed.name,
                                      papers.for_file(seed.name))
        write_corpus_file(target, articles)
        reports.append(report)
    return reports
