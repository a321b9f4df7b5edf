"""The answerer's mechanisms, each pinned on small examples of our own (not on the dev questions)."""

from __future__ import annotations

import re

import pytest

from bot.answer import (
    Term,
    analyze,
    abbreviation_pattern,
    find_facts,
    match_credit,
    question_kind,
)
from bot.corpus import Article
from bot.engine import Engine
from bot.knowledge import learn_vocabulary
from conftest import SMALL_ARTICLES


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles(SMALL_ARTICLES)


@pytest.mark.parametrize("question, kind", [
    ("湘音节什么时候开幕?", "time"),
    ("湘音节哪天开始?", "time"),
    ("图书馆几号开始延长开放?", "time"),
    ("湘音节多久办一次?", "frequency"),
    ("抢修用了多长时间?", "duration"),
    ("新建学校总投资多少钱?", "number"),
    ("来了几位专家?", "number"),
    ("图书馆馆长是谁?", "person"),
    ("湘音节在哪里举办?", "place"),
    ("湘音节是哪个单位主办的?", "organization"),
    ("为什么延长开放时间?", "reason"),
    ("这样做有什么好处?", "benefit"),
    ("怎么借阅图书?", "manner"),
    ("湘音节的主题是什么?", "other"),
])
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_question_words_are_not_evidence(engine):
    question = analyze(engine.knowledge, "湘音节在哪个城市举办?")
    words = {t.text for t in question.terms}
    assert "湘音节" in words
    assert not words & {"哪个", "城市", "哪", "?"}


def test_focus_is_the_thing_asked_about(engine):
    assert analyze(engine.knowledge, "城东区教育局的局长是谁?").focus.text == "局长"
    assert analyze(engine.knowledge, "图书馆去年接待了多少读者?").focus.text == "读者"


def test_abbreviations_are_learned_from_the_text():
    words, abbreviations = learn_vocabulary([Article(
        id="a", title="标题", text="2030湘江国际流行音乐节(以下简称“湘音节”)将举行。市长王海峰出席。")])
    assert abbreviations == {"湘音节": "湘江国际流行音乐节"}
    assert words["湘音节"] == "nz" and words["王海峰"] == "nr"


def test_user_dictionary_keeps_learned_words_whole(engine):
    assert "湘音节" in engine.knowledge.tokenizer.tokens("湘音节什么时候开幕")


def test_abbreviation_in_question_finds_the_full_name(engine):
    result = engine.ask("湘江国际流行音乐节每几年办一届?")
    assert "每年一届" in result.sentence
    result = engine.ask("湘音节由哪个单位主办?")
    assert "长沙市文旅局" in result.sentence


def test_unknown_short_word_may_abbreviate_a_longer_name():
    pattern = abbreviation_pattern("农科院")
    assert pattern.search("湖南省农业科学院院长")
    assert abbreviation_pattern("会长") is None  # two characters with a gap match too much


def test_synonyms_and_partial_credit():
    term = Term("观众", 1.0, frozenset({"观众", "观展"}), 0)
    assert match_credit(term, "预计观展人数6万", frozenset(), None) == 1.0
    term = Term("聋哑", 1.0, frozenset({"聋哑"}), 0)
    assert 0 < match_credit(term, "两位都是聋人", frozenset(), None) < 1.0
    single = Term("开", 1.0, frozenset({"开"}), 0)
    assert match_credit(single, "开幕式", frozenset({"开幕式"}), None) == 0.0  # one character matches tokens only


@pytest.mark.parametrize("sentence, kind, expected", [
    ("将于10月5日至7日在长沙举行。", "time", "10月5日至7日"),
    ("每天开放至晚上9点。", "time", "晚上9点"),
    ("总投资4.5亿元,新增学位5400个。", "number", "4.5亿元"),
    ("湘音节每年一届。", "frequency", "每年"),
    ("仅用不到20分钟完成。", "duration", "20分钟"),
])
def test_facts_of_each_kind(engine, sentence, kind, expected):
    facts = find_facts(sentence, kind, engine.knowledge.tokenizer.tagged(sentence))
    assert expected in [f.text for f in facts]


def test_parts_of_dates_are_not_counts(engine):
    sentence = "11月30日早上7点30分,志愿者上岗。"
    facts = find_facts(sentence, "number", engine.knowledge.tokenizer.tagged(sentence))
    assert facts == []


def test_sentence_holding_the_asked_fact_beats_one_repeating_the_words():
    articles = [
        Article(id="x1", title="枫林音乐会", text="枫林音乐会是本市最受欢迎的音乐会。\n枫林音乐会将于5月3日在枫林公园举行。"),
        Article(id="x2", title="城西修路", text="城西道路改造工程已完工。"),
        Article(id="x3", title="春季招聘会", text="春季招聘会吸引了300家企业。"),
    ]
    engine = Engine.from_articles(articles)
    assert "5月3日" in engine.ask("枫林音乐会什么时候举行?").sentence
    assert "枫林公园" in engine.ask("枫林音乐会在哪里举行?").sentence


def test_answer_names_its_source_and_the_fact(engine):
    result = engine.ask("湘音节预计有多少观众?")
    best = result.best
    assert best.title == "湘江音乐节 下月开幕" and best.byline == "记者/张三"
    assert best.fact == "12万人次"
    assert len(result.candidates) <= 3 and result.candidates[0] is best


@pytest.mark.parametrize("question, why", [
    ("湘音节的票价是谁定的?", "never speaks of"),  # the focus is absent from the article
    ("城东区教育局局长今年多大年纪?", "never speaks of"),
    ("2031年湘音节在哪里举办?", "never mentions 2031"),  # a year the article does not hold
    ("长沙明天天气怎么样?", "evidence"),  # too little of the question anywhere
    ("湘音节几点举行?", "fact"),  # a clock time is asked for; no sentence holds one
    ("北京冬奥会什么时候开幕?", ""),
])
def test_declines_when_the_corpus_does_not_say(engine, question, why):
    result = engine.ask(question)
    assert result.declined and result.sentence is None and result.candidates == ()
    assert why in result.reason


@pytest.mark.parametrize("question", ["", "   ", "\u200f\u202e", "\x1b[31m\x1b[0m"])
def test_empty_questions_are_declined_as_empty(engine, question):
    result = engine.ask(question)
    assert result.declined and result.reason == "empty"


@pytest.mark.parametrize("question", ["?!。,", "🎉🎉🎉", "When does the festival open?"])
def test_questions_without_chinese_are_declined_as_such(engine, question):
    result = engine.ask(question)
    assert result.declined and result.reason == "not chinese"


def test_terminal_colour_codes_are_ignored(engine):
    assert "10月5日至7日" in engine.ask("\x1b[31m湘音节什么时候开幕?\x1b[0m").sentence


def test_overlong_question_is_declined_as_too_long(engine):
    assert engine.ask("湘音节" * 4000).reason == "too long"


def test_seed_corpus_answers_and_declines(seed_engine):
    answer = seed_engine.ask("轨博会什么时候举行?")
    assert "12月8日至11日" in answer.sentence and answer.best.title == "2021 轨博会下周在株举行"
    assert re.search(r"\d", answer.best.fact)
    assert seed_engine.ask("北京冬奥会什么时候开幕?").declined


@pytest.mark.parametrize("question, kind", [
    ("图书馆馆长叫什么?", "person"),
    ("那个论坛叫什么名字?", "other"),  # a thing's name, not a person's
    ("志愿者组成的队伍叫什么?", "other"),
    ("音乐节的主宾国是谁?", "place"),  # "who" of a country
    ("活动的主办方是谁?", "organization"),
])
def test_who_and_what_is_it_called(engine, question, kind):
    assert analyze(engine.knowledge, question).kind == kind


def test_what_the_reader_sets_aside_is_not_the_answer(engine):
    question = analyze(engine.knowledge, "除了长沙市文旅局，还有谁参与主办?")
    assert "长沙市文旅局" not in {t.text for t in question.terms}
    assert question.excluded


def test_the_kind_named_after_what_is_preferred():
    articles = [
        Article(id="m1", title="社区议事会成立", text=("社区议事会今天成立,居民代表出席。\n"
                                                 "社区议事会实行“居民提事、集体议事”的工作机制。")),
        Article(id="m2", title="城西修路", text="城西道路改造工程已完工。"),
        Article(id="m3", title="春季招聘会", text="春季招聘会吸引了300家企业。"),
    ]
    result = Engine.from_articles(articles).ask("社区议事会按照什么机制运作?")
    assert "工作机制" in result.sentence


def test_bold_fact_is_the_whole_name_and_not_a_formula(seed_engine):
    assert seed_engine.ask("在芦淞区办参保的那对聋人夫妻老家在哪里?").best.fact == "浙江温州市永嘉县"
    assert seed_engine.ask("行刑衔接新模式明确了多少项工作衔接标准?").best.fact == "12项"  # not the 4 of “1+4”
    assert "李武宁" in seed_engine.ask("走访院士亲人是受哪位领导委托的?").best.fact
