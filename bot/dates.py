"""Relative time words (昨天, 下周, 今年 …) resolved against the issue's date and written beside the word."""

from __future__ import annotations

import datetime
import re

import jieba

DAYS = {"前天": -2, "前日": -2, "昨天": -1, "昨日": -1, "昨晚": -1, "昨夜": -1, "今天": 0, "今日": 0, "今晨": 0,
        "今晚": 0, "明天": 1, "明日": 1, "后天": 2}
WEEKS = {"上周": -1, "上星期": -1, "本周": 0, "这周": 0, "下周": 1, "下星期": 1}
MONTHS = {"上月": -1, "上个月": -1, "本月": 0, "这个月": 0, "下月": 1, "下个月": 1}
YEARS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1}
RECENT = {"近日", "日前", "近期"}  # some days before the issue: the issue's date bounds them
RELATIVE_RE = re.compile("|".join(sorted([*DAYS, *WEEKS, *MONTHS, *YEARS, *RECENT], key=len, reverse=True)))
# What jieba may glue to a relative word inside one token (昨天上午, 今年以来, 本月底); anything else (明日之星)
# means the characters are not a time word there.
GLUED = re.compile(r"(?:上午|下午|早上|晚上|中午|凌晨|傍晚|夜里|夜间|以来|年初|年底|底|初|中旬|上旬|下旬|末|起|前|后)?")


def resolve(word: str, issue: datetime.date) -> str:
    """The absolute date a relative time word of an issue means, as a reader would write it (11月30日, 2021年)."""
    if word in DAYS:
        return _day(issue + datetime.timedelta(days=DAYS[word]), issue)
    if word in WEEKS:
        monday = issue - datetime.timedelta(days=issue.weekday()) + datetime.timedelta(weeks=WEEKS[word])
        sunday = monday + datetime.timedelta(days=6)
        end = (f"{sunday.day}日" if sunday.month == monday.month
               else f"{sunday.year}年{sunday.month}月{sunday.day}日" if sunday.year != monday.year else _day(sunday, issue))
        return f"{_day(monday, issue)}至{end}"
    if word in MONTHS:
        month = issue.month - 1 + MONTHS[word]
        year, month = issue.year + month // 12, month % 12 + 1
        return f"{month}月" if year == issue.year else f"{year}年{month}月"
    if word in YEARS:
        return f"{issue.year + YEARS[word]}年"
    if word in RECENT:
        return f"{_day(issue, issue)}前"
    raise KeyError(word)


def _day(day: datetime.date, issue: datetime.date) -> str:
    return f"{day.month}月{day.day}日" if day.year == issue.year else f"{day.year}年{day.month}月{day.day}日"


def with_dates(text: str, issue_date: str) -> str:
    """text with the absolute date in brackets after each relative time word: 昨天上午 → 昨天(11月30日)上午.

    Words inside quotation marks are left alone (they count from the day the speaker spoke, not the issue), and so
    are words already followed by a bracket."""
    try:
        issue = datetime.date.fromisoformat(issue_date)
    except (TypeError, ValueError):
        return text
    if not RELATIVE_RE.search(text):
        return text
    token_end, position = {}, 0  # where each jieba token starting at a position ends
    for token in jieba.lcut(text, HMM=False):
        token_end[position] = position = position + len(token)
    out, last = [], 0
    for match in RELATIVE_RE.finditer(text):
        start, end = match.span()
        if start not in token_end or token_end[start] < end or text[end:end + 1] in "(（":
            continue  # 截至日前, 节日前: the characters belong to other words
        if not GLUED.fullmatch(text[end:token_end[start]]) or _quoted(text, start):
            continue
        out.append(text[last:end] + f"({resolve(match.group(0), issue)})")
        last = end
    return "".join(out) + text[last:]


def _quoted(text: str, position: int) -> bool:
    before = text[:position]
    return before.count("“") > before.count("”") or before.count("「") > before.count("」")
