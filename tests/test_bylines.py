"""Questions about who wrote an article are answered by its byline (bot/bylines.py)."""

from __future__ import annotations

import pytest

from bot.bylines import asks_author, writer
from bot.engine import Engine
from bot.replies import source_line
from conftest import SMALL_ARTICLES


@pytest.mark.parametrize("question", ["写湘音节这篇稿子的记者是谁", "这条消息的作者是谁", "这篇报道是哪位记者写的",
                                      "图书馆那篇文章作者叫什么", "谁写的这篇学校的报道"])
def test_questions_asking_for_the_writer(question):
    assert asks_author(question)


@pytest.mark.parametrize("question", ["记者是哪天了解到接种情况的", "文章开头引用的诗是哪位诗人写的", "记者打电话问的是哪个大队",
                                      "记者问她的说法是不是跟谁不同调", "湘音节什么时候开幕"])
def test_questions_about_something_else(question):
    assert not asks_author(question)


@pytest.mark.parametrize("byline, name", [
    ("记者 徐教连", "徐教连"), ("记者/何春林 通讯员/李敏", "何春林"), ("N本报记者 施建华 黄启鹏 文/图", "施建华 黄启鹏"),
    ("见习记者 乐梦融 特约通讯员 王爱东", "乐梦融"), ("小杰", "小杰"), ("邬 盛", "邬 盛"), ("記者 陳大文", "陳大文"),
    ("記者蘇榕蓉福州報道", None), ("", None), ("本报记者", None)])
def test_the_writer_is_the_first_name_the_byline_prints(byline, name):
    assert writer(byline) == name


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles(SMALL_ARTICLES)


def test_the_byline_answers_who_wrote_the_article(engine):
    result = engine.ask("城东新建学校那篇报道是哪位记者写的?")
    assert not result.declined and result.sentence == "记者/李四" and result.best.fact == "李四"
    assert result.best.title == "城东新建三所学校"
    assert source_line(result.best) == "——《城东新建三所学校》"  # the byline is the answer: not repeated under it


def test_a_writer_question_about_an_article_the_corpus_lacks_gets_no_byline(engine):
    result = engine.ask("写轨博会开幕这篇稿子的记者是谁?")
    assert result.declined or not result.sentence.startswith("记者/")

