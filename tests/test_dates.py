"""Relative time words resolved against the issue's date."""

from __future__ import annotations

import datetime

import pytest

from bot.dates import resolve, with_dates

ISSUE = "2021-12-01"  # a Wednesday


@pytest.mark.parametrize("text, shown", [
    ("昨天上午,株洲市档案学会成立。", "昨天(11月30日)上午,株洲市档案学会成立。"),
    ("昨日,72岁的老人拿着春联。", "昨日(11月30日),72岁的老人拿着春联。"),
    ("今年以来,这种新模式取得显著成效。", "今年(2021年)以来,这种新模式取得显著成效。"),
    ("去年全馆接待读者86万人次。", "去年(2020年)全馆接待读者86万人次。"),
    ("2021 轨博会下周在株举行", "2021 轨博会下周(12月6日至12日)在株举行"),
    ("近日,2位专家入选院士。", "近日(12月1日前),2位专家入选院士。"),
    ("本月底前完成。", "本月(12月)底前完成。"),
])
def test_relative_words_get_the_absolute_date_beside_them(text, shown):
    assert with_dates(text, ISSUE) == shown


@pytest.mark.parametrize("text", [
    "他说:“早听说今天有活动。”",  # counted from the day the speaker spoke
    "今天(12月1日)开幕。",  # the paper already gave the date
    "生日前一天,他回到老家。",  # 日前 across two words
    "他是体坛明日之星。",
    "12月8日至11日在株洲举行。",
])
def test_words_that_are_not_relative_dates_of_the_issue_are_left_alone(text):
    assert with_dates(text, ISSUE) == text


def test_no_date_or_a_bad_date_changes_nothing():
    assert with_dates("昨天上午成立。", "") == "昨天上午成立。"
    assert with_dates("昨天上午成立。", "2021-13-01") == "昨天上午成立。"


def test_dates_across_a_year_end_carry_the_year():
    new_year = datetime.date(2021, 1, 1)  # a Friday
    assert resolve("昨天", new_year) == "2020年12月31日"
    assert resolve("上周", new_year) == "2020年12月21日至27日"
    assert resolve("本周", new_year) == "2020年12月28日至2021年1月3日"
    assert resolve("上月", new_year) == "2020年12月"
    assert resolve("明年", new_year) == "2022年"
