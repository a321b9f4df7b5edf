"""What the corpus holds, for readers: its newest articles with date and paper (/articles), and its papers and
issue dates (the 来源 of /help), never file names."""

from __future__ import annotations

import heapq
from collections import defaultdict

from .pages import date_label, page_label

ARTICLES_SHOWN = 10
BROWSE_SCAN = 50_000  # past this many articles only the last ones are read: corpus files in name order put the newest
#                       issues last when they follow the CODE-YYYY-MM-DD pattern, and a listing must not read 1M rows
NO_ARTICLES = "语料里还没有文章。"
ARTICLES_HEADING = "最新的 {shown} 篇文章（共 {total} 篇）："
UNNAMED_PAPER = "未注明报纸"


def _scanned(articles):
    start = max(0, len(articles) - BROWSE_SCAN)
    return (articles[i] for i in range(start, len(articles)))


def newest_articles(articles, count: int = ARTICLES_SHOWN) -> list:
    """The count newest articles (by issue date; undated ones last), newest first; ties keep corpus order."""
    indexed = ((a.date or "", -i, a) for i, a in enumerate(_scanned(articles)))
    return [a for _, _, a in heapq.nlargest(count, indexed, key=lambda t: (t[0], t[1]))]


def article_line(article) -> str:
    """2021年12月1日 株洲日报 A2版《2021 轨博会下周在株举行》"""
    where = " ".join(p for p in (date_label(article.date) if article.date else "", article.paper,
                                 page_label(article.page)) if p)
    continued = f"(接{page_label(article.continues)})" if article.continues else ""
    return f"{where}《{article.title}》{continued}" if where else f"《{article.title}》{continued}"


def articles_listing(articles, count: int = ARTICLES_SHOWN) -> str:
    """/articles: a heading, then one line per newest article with its date and paper."""
    newest = newest_articles(articles, count)
    if not newest:
        return NO_ARTICLES
    lines = [ARTICLES_HEADING.format(shown=len(newest), total=len(articles))]
    return "\n".join(lines + [f"{n}. {article_line(a)}" for n, a in enumerate(newest, start=1)])


def sources_text(articles, papers_shown: int = 3) -> str:
    """The papers and issue dates the corpus holds: 株洲日报 2021年12月1日; 舟山晚报 2019年1月2日至2025年12月18日（3期）."""
    issues: dict[str, set[str]] = defaultdict(set)
    for article in _scanned(articles):
        issues[article.paper or UNNAMED_PAPER].add(article.date)
    parts = []
    for paper in sorted(issues, key=lambda p: (-len(issues[p]), p))[:papers_shown]:
        dates = sorted(d for d in issues[paper] if d)
        if not dates:
            parts.append(paper)
        elif len(dates) == 1:
            parts.append(f"{paper} {date_label(dates[0])}")
        else:
            parts.append(f"{paper} {date_label(dates[0])}至{date_label(dates[-1])}（{len(dates)}期）")
    more = f" 等 {len(issues)} 种" if len(issues) > papers_shown else ""
    return "、".join(parts) + more if parts else "无"
