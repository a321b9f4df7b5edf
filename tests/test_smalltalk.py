"""Small talk is told apart from questions by what the whole message is made of."""

from __future__ import annotations

import pytest

from bot.replies import WRONG_CONSOLE, WRONG_TELEGRAM, small_talk_reply
from bot.smalltalk import asks_something, small_talk


@pytest.mark.parametrize("text, kind", [
    ("谢谢", "thanks"), ("谢谢！", "thanks"), ("多谢啦", "thanks"), ("Thanks", "thanks"),
    ("你好", "greeting"), ("您好，机器人", "greeting"), ("hi", "greeting"), ("在吗？", "greeting"),
    ("答错了", "wrong"), ("不对啊", "wrong"), ("答非所问", "wrong"),
    ("哈哈哈", "laughter"), ("233", "laughter"), ("😂😂", "laughter"),
    ("好的", "ok"), ("嗯嗯", "ok"),
])
def test_small_talk_is_recognised_by_kind(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize("text", [
    "你好，轨博会在哪举行？", "轨博会什么时候举行", "谢谢你们报道的轨博会在哪里", "", "   ", "株洲", "哈" * 30,
])
def test_questions_and_other_text_are_not_small_talk(text):
    assert small_talk(text) is None


def test_asks_something_needs_a_question_mark_or_word():
    assert asks_something("轨博会在哪") and asks_something("门票？") and asks_something("是不是免费")
    assert not asks_something("这个活动不错") and not asks_something("哈哈")


def test_replies_fit_the_kind_and_the_front_end():
    assert small_talk_reply("thanks", "例", WRONG_TELEGRAM).startswith("不客气")
    assert small_talk_reply("greeting", "轨博会什么时候举行？", WRONG_TELEGRAM).endswith("例如：轨博会什么时候举行？")
    assert "👎" in small_talk_reply("wrong", "例", WRONG_TELEGRAM)
    assert "/bad" in small_talk_reply("wrong", "例", WRONG_CONSOLE)
