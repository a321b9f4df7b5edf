"""Typed facts in sentences and the span shown in bold: of the asked kind, whole, never a fragment, else nothing."""

import pytest
from hypothesis import given, strategies as st

from bot.facts import emphasis, of_kind, spans
from bot.text import Tokenizer

TOKENIZER = Tokenizer()


def found(sentence, kind):
    return [s.text for s in spans(sentence, TOKENIZER.tagged(sentence, hmm=False)) if s.kind == kind]


@pytest.mark.parametrize("sentence, kind, expected", [
    ("音乐节将于10月5日至7日在长沙举行。", "time", "10月5日至7日"),
    ("昨天上午,学会成立。", "time", "昨天"),
    ("新学校将于2031年投入使用。", "time", "2031年"),
    ("活动在晚上8点30分开始。", "time", "晚上8点30分"),
    ("总投资4.5亿元,新增学位5400个。", "number", "4.5亿元"),
    ("共吸引一百零五万人参观。", "number", "一百零五万人"),
    ("同比增长百分之五点七。", "number", "百分之五点七"),
    ("接种率达到93.5%。", "number", "93.5%"),
    ("展会为期3天。", "duration", "3天"),
    ("工程持续两个月。", "duration", "两个月"),
    ("音乐节每年一届。", "frequency", "每年"),
    ("博览会两年一届。", "frequency", "两年一届"),
    ("馆长刘芳介绍了情况。", "person", "刘芳"),
    ("他们来自浙江温州市永嘉县。", "place", "永嘉县"),
])
def test_facts_of_each_kind(sentence, kind, expected):
    assert expected in found(sentence, kind)


def test_parts_of_dates_and_words_are_not_amounts():
    assert found("11月30日早上7点30分,志愿者上岗。", "number") == []
    assert found("大家一起努力。", "number") == []
    assert "2021年" not in found("2021年,工程开工。", "duration")


def test_the_questions_own_words_are_not_answers():
    sentence = "株洲市图书馆馆长刘芳说,去年接待读者86万人次。"
    tagged = TOKENIZER.tagged(sentence, hmm=False)
    def persons(question):
        return [s.text for s in of_kind(spans(sentence, tagged), "person", question) if s.kind == "person"]

    assert persons("刘芳说了什么") == []
    assert persons("馆长是谁") == ["刘芳"]


def emphasised(sentence, kind, question="", anchors=()):
    span = emphasis(sentence, TOKENIZER.tagged(sentence, hmm=False), kind, question, anchors)
    return span.text if span else None


def test_bold_is_the_fact_nearest_the_question_words():
    sentence = "全市60岁以上老年人疫苗接种率达到93.5%。"
    at = sentence.find("接种率")
    assert emphasised(sentence, "number", "接种率是多少", [at, at + 3]) == "93.5%"


def test_bold_joins_adjacent_spans_of_the_kind():
    assert emphasised("他们来自浙江温州市永嘉县。", "place", "他们是哪里人") == "浙江温州市永嘉县"
    assert emphasised("音乐节将于10月5日至7日举行。", "time", "音乐节什么时候举行") == "10月5日至7日"


@pytest.mark.parametrize("sentence, kind", [
    ("奥密克戎变异株传播力更强。", "place"),  # no place in the sentence: bold nothing
    ("全市冷冻食品抽检全部合格。", "number"),
    ("大会取得圆满成功。", "time"),
    ("这是一项重要工作。", "manner"),
])
def test_no_span_of_the_kind_bolds_nothing(sentence, kind):
    assert emphasised(sentence, kind) is None


@given(st.text(max_size=80))
def test_spans_lie_inside_the_sentence(text):
    for span in spans(text, TOKENIZER.tagged(text, hmm=False)):
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.text
