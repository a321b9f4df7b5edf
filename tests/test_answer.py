"""The answering pipeline end to end on small corpora of our own and on the seed page (never on dev questions)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.answer import answer
from bot.corpus import Article
from bot.engine import Engine
from bot.ranker import default_model
from conftest import SMALL_ARTICLES


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles(SMALL_ARTICLES)


def test_the_sentence_holding_the_asked_fact_is_chosen(engine):
    assert "10月5日至7日" in engine.ask("湘音节什么时候开幕?").sentence
    assert "4.5亿元" in engine.ask("城东新建学校总投资多少钱?").sentence
    assert "王海峰" in engine.ask("城东区教育局局长是谁?").sentence


def test_answer_names_its_source_and_bolds_the_fact(engine):
    result = engine.ask("湘音节预计有多少观众?")
    best = result.best
    assert best.title == "湘江音乐节 下月开幕" and best.byline == "记者/张三"
    assert best.fact == "12万人次"
    assert len(result.candidates) <= 3 and result.candidates[0] is best


@pytest.mark.parametrize("padded", ["请问一下，湘音节什么时候开幕？谢谢！", "我想问下湘音节什么时候开幕呀", "湘音节什么时候开幕？？",
                                    "请教一下，湘音节什么时候开幕", "请问下湘音节什么时候开幕", "湘音节到底什么时候开幕"])
def test_padding_words_do_not_change_the_answer(engine, padded):
    plain = engine.ask("湘音节什么时候开幕")
    again = engine.ask(padded)
    assert again.sentence == plain.sentence and again.probability == pytest.approx(plain.probability)


def test_decline_follows_the_calibrated_probability(engine):
    model = default_model()
    for question in ("湘音节什么时候开幕?", "北京冬奥会什么时候开幕?", "长沙明天天气怎么样?"):
        result = answer(engine.knowledge, question)
        assert 0.0 <= result.probability <= 1.0
        assert result.declined == (result.probability < model.threshold)
        never = answer(engine.knowledge, question, dataclasses.replace(model, threshold=0.0))
        always = answer(engine.knowledge, question, dataclasses.replace(model, threshold=1.01))
        assert not never.declined and always.declined
        assert always.rejected and always.rejected[0].sentence == never.sentence


def test_a_decline_is_plain(engine):
    result = engine.ask("北京冬奥会什么时候开幕?")
    assert result.declined and result.sentence is None and result.candidates == ()
    assert "chance of answering" in result.reason


@pytest.mark.parametrize("question", ["", "   ", "\u200f\u202e", "\x1b[31m\x1b[0m"])
def test_empty_questions_are_declined_as_empty(engine, question):
    result = engine.ask(question)
    assert result.declined and result.reason == "empty"


@pytest.mark.parametrize("question", ["?!。,", "🎉🎉🎉", "When does the festival open?"])
def test_questions_without_chinese_are_declined_as_such(engine, question):
    assert engine.ask(question).reason == "not chinese"


def test_terminal_colour_codes_are_ignored(engine):
    assert "10月5日至7日" in engine.ask("\x1b[31m湘音节什么时候开幕?\x1b[0m").sentence


def test_overlong_question_is_declined_as_too_long(engine):
    assert engine.ask("湘音节" * 4000).reason == "too long"


def test_seed_corpus_answers_and_declines(seed_engine):
    result = seed_engine.ask("轨博会什么时候举行?")
    assert "12月8日至11日" in result.sentence and result.best.title == "2021 轨博会下周在株举行"
    assert result.best.fact == "12月8日至11日"
    assert seed_engine.ask("北京冬奥会什么时候开幕?").declined


# A Hong Kong page printed in traditional characters, beside the simplified corpus (my own text, not a test page).
TRADITIONAL = Article(id="hk-001", title="灣仔舉辦書展", byline="記者 陳大文", text=(
    "第三十屆香港書展昨日在灣仔會議展覽中心開幕,為期七天。\n"
    "主辦機構表示,今年書展共有六百八十家參展商,預計吸引一百萬人次入場。\n"
    "書展期間將舉行三百場文化講座。"))


def test_traditional_and_simplified_characters_answer_one_another():
    engine = Engine.from_articles([*SMALL_ARTICLES, TRADITIONAL])
    simple = engine.ask("香港书展有多少家参展商?")  # a simplified question of a traditional page
    assert simple.sentence == "主辦機構表示,今年書展共有六百八十家參展商,預計吸引一百萬人次入場。"  # shown as printed
    assert not simple.declined and simple.best.title == "灣仔舉辦書展" and simple.best.fact == "六百八十家"
    assert engine.ask("书展预计吸引多少人次?").best.fact == "一百萬人次"  # the fact found as 万, bold as printed
    assert "灣仔會議展覽中心" in engine.ask("書展在哪裡開幕?").sentence  # and a traditional one
    assert "10月5日至7日" in engine.ask("湘音節什麼時候開幕?").sentence  # of a simplified page
