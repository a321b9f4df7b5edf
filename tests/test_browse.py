"""Browsing the archive: the newest articles with date and paper, the papers and dates it holds, example questions."""

from __future__ import annotations

import io

from bot.browse import articles_listing, newest_articles, sources_text
from bot.console import ConsoleSession
from bot.corpus import Article
from bot.engine import Engine
from bot.replies import example_questions


def _article(n: int, date: str, paper: str = "株洲日报", **more) -> Article:
    return Article(id=f"a{n}", title=f"标题{n}", text="正文。", date=date, paper=paper, **more)


ARCHIVE = [_article(1, "2019-11-30", page="A1"), _article(2, "2021-12-01", page="3"), _article(3, ""),
           _article(4, "2020-06-11", paper="滁州日报"), _article(5, "2021-12-01", continues="A1")]


def test_newest_first_undated_last_ties_in_corpus_order():
    assert [a.id for a in newest_articles(ARCHIVE, 10)] == ["a2", "a5", "a4", "a1", "a3"]
    assert [a.id for a in newest_articles(ARCHIVE, 2)] == ["a2", "a5"]


def test_the_listing_names_date_paper_and_page():
    lines = articles_listing(ARCHIVE, 3).splitlines()
    assert lines == ["最新的 3 篇文章（共 5 篇）：", "1. 2021年12月1日 株洲日报 第3版《标题2》",
                     "2. 2021年12月1日 株洲日报《标题5》(接A1版)", "3. 2020年6月11日 滁州日报《标题4》"]
    assert articles_listing([]) == "语料里还没有文章。"


def test_sources_name_papers_and_their_issue_dates_not_files():
    assert sources_text(ARCHIVE) == "株洲日报 2019年11月30日至2021年12月1日（2期）、滁州日报 2020年6月11日"
    assert sources_text([_article(1, "", paper="")]) == "未注明报纸"


def test_the_console_lists_articles_and_help_names_the_sources():
    out = io.StringIO()
    session = ConsoleSession(Engine.from_articles(ARCHIVE), out)
    session.handle("/articles")
    session.handle("/help")
    printed = out.getvalue()
    assert "1. 2021年12月1日 株洲日报 第3版《标题2》" in printed
    assert "来源：株洲日报 2019年11月30日至2021年12月1日（2期）、滁州日报 2020年6月11日" in printed


def test_example_questions_come_from_two_different_articles(seed_engine):
    first, second = example_questions(seed_engine.knowledge.articles)
    assert first == "轨博会什么时候举行？"
    assert "轨博会" not in second and second.endswith("是怎么回事？")


def test_example_questions_never_ask_about_the_gathered_captions_or_teasers():
    gathered = [Article(id=f"g-{n}", title=title, text="3版 第十三届中部博览会娄底签约项目12个")
                for n, title in enumerate(("本期导读", "图片说明"))]
    story = Article(id="s-1", title="爱心送考活动启动", text="6月4日,第二十届爱心送考活动启动仪式举行。")
    assert example_questions(gathered + [story]) == ["爱心送考活动启动是怎么回事？"]
