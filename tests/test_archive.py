"""Answers placed in time: date, paper and page on candidates, newer issues first, named years preferred."""

from __future__ import annotations

import io

import pytest

from bot.answer import Candidate
from bot.archive import named_times, newest_first, of_time
from bot.console import ConsoleSession, answer_record
from bot.corpus import Article
from bot.engine import Engine
from bot.replies import cited_answer, source_line

EXPO = ("本报讯 轨博会将在株洲国际会展中心举行,为期四天。\n"
        "本届轨博会设置展览面积4万平方米,预计吸引观众10万人次。")
OTHER = "城东区新建学校3所,总投资4.5亿元,新增学位5400个。"


def _archive() -> Engine:
    return Engine.from_articles([
        Article(id="old", title="轨博会开幕在即", text=EXPO, byline="记者/任远", date="2019-11-30", paper="株洲日报",
                page="A1"),
        Article(id="school", title="城东新建三所学校", text=OTHER, date="2020-03-02", paper="株洲日报"),
        Article(id="new", title="轨博会开幕在即", text=EXPO, byline="记者/任远", date="2021-12-01", paper="株洲日报",
                page="A2"),
    ])


@pytest.fixture(scope="module")
def archive() -> Engine:
    return _archive()


def test_the_newer_issue_answers_and_more_shows_the_older_with_its_date(archive):
    result = archive.ask("轨博会在哪里举行?")
    assert not result.declined
    first, second = result.candidates[:2]
    assert first.sentence == second.sentence
    assert (first.article_id, first.date, first.page) == ("new", "2021-12-01", "A2")
    assert (second.article_id, second.date) == ("old", "2019-11-30")
    out = io.StringIO()
    session = ConsoleSession(archive, out)
    session.handle("轨博会在哪里举行?")
    session.more()
    shown = out.getvalue().splitlines()
    assert shown[1] == "——《轨博会开幕在即》 株洲日报 2021年12月1日 A2版（记者/任远）"
    assert shown[2] == shown[0] and shown[3] == "——《轨博会开幕在即》 株洲日报 2019年11月30日 A1版（记者/任远）"


@pytest.mark.parametrize("question", ["2019年的轨博会在哪里举行?", "2019年11月30日的报纸说轨博会在哪里举行?"])
def test_a_question_naming_the_older_time_gets_the_older_issue(archive, question):
    result = archive.ask(question)
    assert not result.declined
    assert result.best.article_id == "old" and result.best.date == "2019-11-30"
    assert result.question == question


def test_a_named_time_the_archive_does_not_hold_changes_nothing(archive):
    assert archive.ask("2030年的轨博会在哪里举行?").declined  # the reader's year is in no article and no issue


def test_the_json_record_carries_date_paper_page_and_the_citation(archive):
    record = answer_record("轨博会在哪里举行?", archive.ask("轨博会在哪里举行?"))
    assert (record["date"], record["paper"], record["page"]) == ("2021-12-01", "株洲日报", "A2")
    assert record["citation"] == "《轨博会开幕在即》 株洲日报 2021年12月1日 A2版（记者/任远）"


def _candidate(sentence: str, score: float, date: str, **more) -> Candidate:
    return Candidate(sentence=sentence, article_id=date, title="题", byline="", score=score, date=date, **more)


def test_only_equally_good_candidates_are_reordered_by_date():
    best = _candidate("甲。", 2.0, "2019-01-01")
    tie_old, tie_new = _candidate("乙。", 1.5, "2018-05-05"), _candidate("丙。", 1.5, "2020-05-05")
    reprint = _candidate("甲。", 1.0, "2022-01-01")  # the same sentence in a later issue: as good as the best
    assert newest_first((best, tie_old, tie_new, reprint)) == (reprint, tie_new, tie_old, best)
    assert newest_first((best, tie_new)) == (best, tie_new)


def test_named_times_and_their_preference():
    assert named_times("2019年的轨博会在哪里举行?") == ["2019"]
    assert named_times("2021年12月1日的报纸") == ["2021-12-01"]
    assert named_times("2021年度政协协商计划是什么?") == [] and named_times("90年代的事") == []
    old, new = _candidate("甲。", 2.0, "2021-12-01"), _candidate("乙。", 1.0, "2019-06-01")
    assert of_time((old, new), ["2019"]) == (new, old)


def test_citations_name_paper_date_page_byline_and_continuation():
    candidate = _candidate("昨天上午,株洲市档案学会成立。", 1.0, "2021-12-01", paper="株洲日报", page="3",
                           fact="昨天上午", continues="A1")
    assert source_line(candidate) == "——《题》(接A1版) 株洲日报 2021年12月1日 第3版"
    assert cited_answer(candidate).startswith("昨天(11月30日)上午,株洲市档案学会成立。\n")
    assert source_line(_candidate("甲。", 1.0, "")) == "——《题》"


def test_the_seed_answers_with_its_paper_and_date_and_dates_yesterday(seed_engine):
    rail = seed_engine.ask("轨博会什么时候举行?")
    assert source_line(rail.best) == "——《2021 轨博会下周在株举行》 株洲日报 2021年12月1日（记者/任远）"
    founded = seed_engine.ask("株洲市档案学会是什么时候成立的?")
    assert cited_answer(founded.best).startswith("昨天(11月30日)上午,株洲市档案学会成立。")
