"""Answers placed in time: each candidate gets its article's date, paper and page; among equally good sentences the
newer issue comes first; a question that names a year or a date prefers the articles of that time."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from .answer import Answer, Candidate
from .text import squash

# 2019年的轨博会, 2021年12月1日的报纸: a year (not 2021年度, not 90年代) or a whole date the reader names
NAMED_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?)?(?!度|代)")


def with_metadata(knowledge, candidate: Candidate) -> Candidate:
    """The candidate with its article's date, paper, page and continuation filled in."""
    article = knowledge.find_article(candidate.article, candidate.article_id)
    if article is None:
        return candidate
    return replace(candidate, date=article.date, paper=article.paper, page=article.page,
                   continues=article.continues)


def named_times(question: str) -> list[str]:
    """The issue dates or years a question names, as ISO prefixes: '2019', '2021-12-01'."""
    out = []
    for year, month, day in NAMED_DATE_RE.findall(question):
        out.append(f"{year}-{int(month):02d}-{int(day):02d}" if day else f"{year}-{int(month):02d}" if month else year)
    return out


def newest_first(candidates: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """Equally good candidates (the same score, or the same sentence reprinted) in order of date, newest first;
    the places of the others do not change."""
    groups: list[list[int]] = []
    for i, c in enumerate(candidates):
        for group in groups:
            first = candidates[group[0]]
            if c.score == first.score or squash(c.sentence) == squash(first.sentence):
                group.append(i)
                break
        else:
            groups.append([i])
    ordered = list(candidates)
    for group in groups:
        members = sorted((candidates[i] for i in group), key=lambda c: c.date, reverse=True)  # ISO sorts by time
        for position, member in zip(group, members):
            ordered[position] = member
    return tuple(ordered)


def of_time(candidates: tuple[Candidate, ...], times: list[str]) -> tuple[Candidate, ...]:
    """Candidates from issues of the named times first, in their order; then the others."""
    def matches(c: Candidate) -> bool:
        return any(c.date.startswith(t) for t in times)

    return tuple([c for c in candidates if matches(c)] + [c for c in candidates if not matches(c)])


def place_in_time(knowledge, question: str, ask: Callable[[str], Answer]) -> Answer:
    """ask(question), its candidates carrying date, paper and page and ordered by time as the module says.

    When the question names a time and no candidate comes from it, the question is asked again without the time
    words (the issue's date is printed beside the article, rarely in it) and its candidates of that time win."""
    result = _dated(knowledge, ask(question))
    times = named_times(question)
    if not times:
        return result
    if not any(c.date.startswith(t) for c in result.candidates for t in times):
        plain = NAMED_DATE_RE.sub("", question).strip()
        again = _dated(knowledge, ask(plain)) if plain else result
        if again.candidates and any(c.date.startswith(t) for c in again.candidates for t in times):
            result = replace(again, question=result.question)
    if result.candidates:
        result = replace(result, candidates=of_time(result.candidates, times))
    return result


def _dated(knowledge, result: Answer) -> Answer:
    candidates = newest_first(tuple(with_metadata(knowledge, c) for c in result.candidates))
    rejected = tuple(with_metadata(knowledge, c) for c in result.rejected)
    return replace(result, candidates=candidates, rejected=rejected)
