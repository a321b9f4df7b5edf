"""Chinese text handling: normalisation, sentence splitting, joining broken lines and the one tokenizer."""

from __future__ import annotations

import pytest

from bot.text import Tokenizer, ends_sentence, join_broken, normalize, split_sentences, squash


def test_normalize_folds_full_width_forms_and_white_space():
    assert normalize("  （记者　李四）１２月８日\t\n举行  ") == "(记者 李四)12月8日 举行"


def test_normalize_removes_control_and_invisible_characters():
    assert normalize("轨\x00博\x07会\u200b举\ufeff行\u202e\x1b") == "轨博会举行"
    assert normalize("\x00\u200b \t") == ""


def test_squash_is_the_evaluation_form_without_any_white_space():
    assert squash(" １２月 ８日\n至11日 ") == "12月8日至11日"


def test_split_sentences_keeps_closing_quotes_with_their_sentence():
    assert split_sentences("他说:“好。”然后走了。还有半句") == ["他说:“好。”", "然后走了。", "还有半句"]


def test_split_sentences_at_each_sentence_mark_and_drops_bare_punctuation():
    assert split_sentences("甲!乙?丙;丁") == ["甲!", "乙?", "丙;", "丁"]
    assert split_sentences("。。!") == []
    assert split_sentences("") == []


@pytest.mark.parametrize("text, finished", [
    ("活动已基本就绪。", True), ("他说:“好。”", True), ("真的吗?", True),
    ("在打造内陆地区改革开放高地上干在实处、走在", False), ("方便市", False), ("", False),
])
def test_ends_sentence(text, finished):
    assert ends_sentence(text) is finished


@pytest.mark.parametrize("left, right, joined", [
    ("市", "区两级部门开启", "市区两级部门开启"),
    ("引进Hello", "World公司", "引进Hello World公司"),
    ("总投资3", "亿元", "总投资3亿元"),
])
def test_join_broken_puts_a_space_only_between_latin_words(left, right, joined):
    assert join_broken(left, right) == joined


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer(["轨博会"])  # building a jieba dictionary takes most of a second: once per module


def test_user_words_stay_whole(tokenizer):
    assert tokenizer.words("轨博会什么时候举行?")[0] == "轨博会"


def test_tokens_drop_question_words_stop_words_and_punctuation(tokenizer):
    tokens = tokenizer.tokens("请问轨博会的展览面积是多少?")
    assert "轨博会" in tokens
    assert not {"请问", "的", "是", "多少", "?"} & set(tokens)


def test_latin_words_are_lower_cased_so_questions_match_passages(tokenizer):
    assert "vr" in tokenizer.tokens("利用VR技术提升体验") and "vr" in tokenizer.tokens("vr技术是什么?")
