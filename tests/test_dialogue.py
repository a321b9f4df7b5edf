"""Follow-up questions: a question that names nothing of its own, or refers back, is asked about the previous
question's topic for a few minutes; a question with its own topic starts afresh."""

from __future__ import annotations

import dataclasses

import pytest

from bot.dialogue import FOLLOW_UP_SECONDS, Conversation, Reading, answer_reading, topic_words

RAIL = "轨博会什么时候举行？"


@pytest.fixture
def tagged(seed_engine):
    return seed_engine.knowledge.tokenizer.tagged


def ask_in_turn(conversation: Conversation, tagged, *questions: str) -> list[str]:
    return [conversation.question_for(q, tagged) for q in questions]


def test_follow_ups_without_a_topic_of_their_own_are_asked_about_the_previous_one(tagged):
    asked = ask_in_turn(Conversation(), tagged, RAIL, "那它在哪举行？", "它的主题呢？", "那签约了几个？", "其规模有多大？")
    assert asked == [RAIL, "轨博会在哪举行？", "轨博会的主题呢？", "轨博会签约了几个？", "轨博会规模有多大？"]


def test_a_question_with_its_own_topic_starts_afresh_and_becomes_the_topic(tagged):
    conversation = Conversation()
    asked = ask_in_turn(conversation, tagged, RAIL, "那北京冬奥会什么时候开幕？", "它在哪举行？")
    assert asked == [RAIL, "那北京冬奥会什么时候开幕？", "北京冬奥会在哪举行？"]


def test_the_topic_is_forgotten_after_a_few_quiet_minutes(tagged):
    now = [0.0]
    conversation = Conversation(clock=lambda: now[0])
    conversation.question_for(RAIL, tagged)
    now[0] = FOLLOW_UP_SECONDS - 1
    assert conversation.question_for("在哪举行？", tagged) == "轨博会在哪举行？"  # and the topic is used again now
    now[0] += FOLLOW_UP_SECONDS - 1
    assert conversation.question_for("那签约了几个？", tagged) == "轨博会签约了几个？"
    now[0] += FOLLOW_UP_SECONDS
    assert conversation.question_for("那它在哪举行？", tagged) == "那它在哪举行？"


def test_without_a_previous_topic_and_for_what_asks_nothing_the_text_is_asked_as_it_is(tagged):
    conversation = Conversation()
    assert conversation.question_for("那它在哪举行？", tagged) == "那它在哪举行？"
    conversation.question_for(RAIL, tagged)
    assert conversation.question_for("", tagged) == ""
    assert conversation.question_for("株洲", tagged) == "株洲"


def test_topic_words_are_the_named_phrases_outside_the_asking_words(tagged):
    assert topic_words(tagged(RAIL)) == ("轨博会",)
    assert topic_words(tagged("湘江音乐节门票多少钱？")) == ("湘江音乐节门票",)  # 钱 belongs to 多少钱
    assert topic_words(tagged("在哪举行？")) == ()
    assert topic_words(tagged("那签约了几个？")) == ()


def test_follow_ups_get_the_right_answers_from_the_engine(seed_engine, tagged):
    conversation = Conversation()
    replies = [seed_engine.ask(q) for q in ask_in_turn(conversation, tagged, RAIL, "那它在哪举行？", "那签约了几个？")]
    assert "12月8日至11日" in replies[0].sentence
    assert "在株洲举行" in replies[1].sentence
    assert "签约项目23个" in replies[2].sentence


def test_a_demonstrative_before_a_name_of_its_own_is_not_a_follow_up(tagged):
    conversation = Conversation()
    conversation.question_for("档案学会哪天成立的？", tagged)
    assert conversation.question_for("本届轨博会的主题是什么？", tagged) == "本届轨博会的主题是什么？"
    assert conversation.question_for("它在哪举行？", tagged) == "轨博会在哪举行？"


def test_a_leading_na_asks_about_the_previous_topic_unless_a_proper_name_follows(tagged):
    conversation = Conversation()
    asked = ask_in_turn(conversation, tagged, RAIL, "那门票多少钱？", "那结果呢？", "那北京冬奥会什么时候开幕？")
    assert asked == [RAIL, "轨博会门票多少钱？", "轨博会结果呢？", "那北京冬奥会什么时候开幕？"]
    assert conversation.question_for("门票多少钱？", tagged) == "门票多少钱？"  # no 那: a topic of its own


def test_a_polite_opening_does_not_hide_a_follow_up(tagged):
    asked = ask_in_turn(Conversation(), tagged, RAIL, "请问，那门票多少钱？", "你好，请问它在哪举行？", "我想问下那签约了几个？")
    assert asked == [RAIL, "轨博会门票多少钱？", "轨博会在哪举行？", "轨博会签约了几个？"]


def test_a_set_phrase_is_a_topic_of_its_own_not_a_follow_up(tagged):
    conversation = Conversation()
    conversation.question_for("天台小学的志愿者戴的是什么？", tagged)
    assert conversation.question_for("今天天气怎么样", tagged) == "今天天气怎么样"  # jieba: 今天天气 is one phrase (i)


def test_a_guessed_follow_up_that_is_declined_is_asked_as_said(seed_engine, tagged):
    conversation = Conversation()
    conversation.question_for(RAIL, tagged)
    reading = conversation.reading("打了多少剂次", tagged)  # names no noun: read as about 轨博会, a guess
    asked = reading.asked
    assert asked == "轨博会打了多少剂次" and reading.guessed
    alone = seed_engine.ask("打了多少剂次")
    assert not alone.declined and "641万余剂次" in alone.sentence
    declined = dataclasses.replace(alone, candidates=(), declined=True)
    answers = {asked: declined, "打了多少剂次": alone}
    assert answer_reading(answers.__getitem__, "打了多少剂次", reading) == ("打了多少剂次", alone)
    # answered as read, the reading stands; and so does a declined reading the question as said cannot improve on
    answers = {asked: alone, "打了多少剂次": declined}
    assert answer_reading(answers.__getitem__, "打了多少剂次", reading) == (asked, alone)
    answers = {asked: declined, "打了多少剂次": declined}
    assert answer_reading(answers.__getitem__, "打了多少剂次", reading) == (asked, declined)


def test_a_follow_up_that_refers_back_keeps_its_reading(seed_engine, tagged):
    conversation = Conversation()
    conversation.question_for(RAIL, tagged)
    for said in ("那它在哪举行？", "那签约了几个？", "它的主题呢？"):
        reading = conversation.reading(said, tagged)
        assert not reading.guessed
        asked = []
        declined = dataclasses.replace(seed_engine.ask(said), candidates=(), declined=True)
        answer_reading(lambda q: asked.append(q) or declined, said, Reading("轨博会…", reading.guessed))
        assert asked == ["轨博会…"]  # the question as said is never asked: it is about whatever else the paper names
