"""A page's front matter: the masthead, its publishing details and the teasers that point to other pages.

Digital-edition sites print a page twice: once as its parts one a line, and once as a summary where masthead,
publishing details (出版物号, 期, 主办), teasers (3版 第十三届中部博览会…) and the lead story run together on one
line with nothing between them. Both are turned into the same items: page metadata, teaser blocks
(`3版 <headline>`, gathered by the builder into one 本期导读 article an issue) and the lead story's headline and text.
"""

from __future__ import annotations

import re

from .pages import HEADER_PIECES, PUBLICATION_NUMBERS, PageMeta, iso_date

TEASERS_TITLE = "本期导读"
# 3版 第十三届中部博览会娄底签约项目12个: a teaser block, as page_items emits it
TEASER_RE = re.compile(r"^(?P<page>[A-Z]?\d{1,2})版\s(?P<title>\S.*)$")
MARKER_RE = re.compile(r"^(?P<page>[A-Z]?\d{1,2})版$")  # 3版 on a line of its own, its headline on the next
# where a teaser's page marker starts inside a run-together line: 3版第…, …12个7版娄底…
_INNER_MARKER_RE = re.compile(r"(?<![\d第期A-Za-z])(?P<page>[A-Z]?\d{1,2})版(?=[\u4e00-\u9fff\d])")
# the publishing details of a masthead, found anywhere in a run-together line (no separators around them)
_DETAILS = tuple(p for kind, p in HEADER_PIECES if kind in ("date", "issue", "weekday", "lunar")) + (
    re.compile(PUBLICATION_NUMBERS),
    re.compile(r"[^\s,。:：]{2,30}?(?:主管|主办|出版)"),
)
_DETAILS_GAP = 40  # words between two publishing details, at most (a department's name)
_MASTHEAD_MAX = 60  # the masthead's words before the first detail, at most (the paper's name, its platforms)
_RUN_MIN_CHARS = 100
# how a news story's first sentence opens: a date, a time word or a dateline
_LEAD_RE = re.compile(r"\d{1,2}月\d{1,2}日|本报讯|本報訊|近日|日前|昨天|昨日|今天|今日|记者|記者")


def run_together(line: str) -> tuple[str, list[str | PageMeta]] | None:
    """A masthead, its details, teasers and the lead story on one line: (the masthead with its details, the items
    the rest holds); None when the line does not open with a masthead's publishing details."""
    if len(line) < _RUN_MIN_CHARS:
        return None
    spans = _detail_spans(line)
    if len(spans) < 3:
        return None
    start, end = spans[0][0], spans[-1][1]
    if re.search(r"[,，。;；!?]", line[:end]):
        return None  # 2021年12月1日,第5期培训班…主办: a sentence; a masthead has no clause punctuation
    if not re.search(r"[。!?]", line[end:]):
        return None  # a masthead line without a story after it: a page header, parse_header's job
    items: list[str | PageMeta] = []
    date = iso_date(line[start:end])
    if date:
        items.append(PageMeta(date=date))
    rest = line[end:].lstrip()
    while marker := _INNER_MARKER_RE.match(rest):
        following = _INNER_MARKER_RE.search(rest, marker.end() + 4)
        if following:
            items.append(f"{marker['page']}版 {rest[marker.end():following.start()].strip()}")
            rest = rest[following.start():]
            continue
        teaser, headline, text = _last_teaser(rest[marker.end():])
        items.append(f"{marker['page']}版 {teaser}")
        items += [piece for piece in (headline, text) if piece]
        rest = ""
    if rest:
        items.append(rest)
    return line[:end], items


def _detail_spans(line: str) -> list[tuple[int, int]]:
    """Spans of the publishing details at the start of line, each within _DETAILS_GAP of the one before."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        found = [m for m in (p.search(line, position) for p in _DETAILS) if m and m.end() > m.start()]
        if not found:
            return spans
        match = min(found, key=lambda m: (m.start(), -m.end()))
        if match.start() - position > (_DETAILS_GAP if spans else _MASTHEAD_MAX):
            return spans
        spans.append((match.start(), match.end()))
        position = match.end()


def _last_teaser(piece: str) -> tuple[str, str, str]:
    """The last teaser runs into the lead story: (teaser, headline, text). The text starts where the first
    sentence opens with a date or a time word; a two-part headline (汇聚青春正能量 无偿献血传爱心) before it has two
    halves of one length, which tells where the teaser ends. When no such opening is found, the piece is the teaser."""
    first_stop = re.search(r"[,，。:：;；!?]", piece)
    head_end = first_stop.start() if first_stop else len(piece)
    leads = list(_LEAD_RE.finditer(piece, 0, head_end))
    if not leads:
        return piece, "", ""
    cut = leads[-1].start()
    head, text = piece[:cut].rstrip(), piece[cut:]
    halves = head.rsplit(" ", 1)
    if len(halves) == 2 and " " not in halves[0] and len(halves[0]) >= len(halves[1]) + 2 >= 6:
        width = len(halves[1])
        return halves[0][:-width], f"{halves[0][-width:]} {halves[1]}", text
    return head, "", text


def repeats_masthead(line: str, masthead: str) -> bool:
    """True for a short line that only repeats words of the masthead already seen (湖 南 城 市 广 播 电 视 报)."""
    squashed = re.sub(r"\s+", "", line)
    return 2 <= len(squashed) <= 40 and squashed in re.sub(r"\s+", "", masthead)
