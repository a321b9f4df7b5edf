"""Chinese text handling: normalisation, sentence splitting, joining broken lines and the one tokenizer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

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


# Learned words of the kinds a corpus teaches: names, abbreviations, words that are prefixes of one another, a word
# jieba knows already (株洲), Latin with digits, a character outside jieba's dictionary.
WORD_POOL = {"轨博会": "nz", "株洲": "ns", "株洲日报": None, "掌上株洲": "nt", "中车株机": "nt", "长株潭都市圈": None,
             "G20峰会": None, "𠮷野家": None, "奥密克戎": "nz", "奥密": None, "湘音节": "nz", "湘音": None}
TEXT = "轨博会在株洲举行,掌上株洲报道奥密克戎与G20峰会;中车株机参加长株潭都市圈建设。𠮷野家开业,奥密的湘音节和湘音。"


@given(st.sets(st.sampled_from(sorted(WORD_POOL))), st.sets(st.sampled_from(sorted(WORD_POOL))))
@settings(max_examples=25, deadline=None)
def test_a_dictionary_extended_from_another_cuts_as_one_made_afresh(before, after):
    # A reload adds its new words to the last dictionary instead of adding fifty thousand again: the result must not
    # depend on which words were there before, or the same corpus would be cut differently by different processes.
    fresh = Tokenizer({w: WORD_POOL[w] for w in after})
    extended = Tokenizer({w: WORD_POOL[w] for w in after}, previous=Tokenizer({w: WORD_POOL[w] for w in before}))
    assert extended.state()[1:3] == fresh.state()[1:3]  # total, and each word's frequency and tag
    assert extended.words(TEXT) == fresh.words(TEXT)
    assert extended.tagged(TEXT) == fresh.tagged(TEXT)


def test_a_user_word_gets_the_frequency_jieba_suggests_against_its_own_dictionary():
    import jieba

    tokenizer = Tokenizer({"湘音节": "nz", "湘音": None})
    assert tokenizer.state()[2]["湘音节"][0] == jieba.suggest_freq("湘音节", False)  # jieba.dt: no user words
    assert tokenizer.words("湘音节开幕") == ["湘音节", "开幕"]
    assert ("湘音节", "nz") in tokenizer.tagged("湘音节开幕")
    assert Tokenizer().words("湘音节开幕") != ["湘音节", "开幕"]  # the word is learned, not jieba's


def test_tags_are_jiebas_own_though_jieba_posseg_was_imported_without_reading_them():
    import marshal

    import jieba
    import jieba.posseg

    reference = jieba.posseg.POSTokenizer(jieba.Tokenizer())  # reads jieba's dictionary and its tags, as jieba does
    sentence = "株洲市档案学会昨天在湖南株洲成立,张三出席;中国中车捐赠100万元。"
    assert Tokenizer().tagged(sentence) == [(p.word, p.flag) for p in reference.lcut(sentence) if p.word.strip()]
    tokenizer = Tokenizer({"轨博会": "nz"})
    again = Tokenizer({"轨博会": "nz"}, state=marshal.loads(marshal.dumps(tokenizer.state())))  # as the index saves it
    assert again.tagged(TEXT) == tokenizer.tagged(TEXT) and ("轨博会", "nz") in again.tagged(TEXT)
    assert again.tagged("张三在株洲") == [("张三", "nr"), ("在", "p"), ("株洲", "ns")]


def test_traditional_characters_are_cut_as_simplified_ones_and_tagged_as_written():
    from bot.text import simplified

    assert simplified("洪秀柱近日在「臉書」表示,颱風造成300多萬戶停電") == "洪秀柱近日在「脸书」表示,台风造成300多万户停电"
    assert simplified("株洲市档案学会昨天成立。") == "株洲市档案学会昨天成立。"  # simplified text as it is
    tokenizer = Tokenizer()
    assert tokenizer.words("國慶節籌備委員會") == tokenizer.words("国庆节筹备委员会")
    tagged = tokenizer.tagged("國務院總理 周恩來 在北京")
    assert "".join(word for word, _ in tagged) == "國務院總理周恩來在北京"  # the words as the page prints them
    assert ("北京", "ns") in tagged and ("國務院", "nt") in tagged


def test_rarity_is_jiebas_own_frequency_not_the_corpus():
    # everyday words a reader uses for the paper's (季节, 校长) are common at large; a plant's name is rare; a word in
    # no dictionary is rarest; a user word of the corpus is as rare as jieba alone would have it
    plain, extended = Tokenizer(), Tokenizer(["季节性", "龙胆草"])
    everyday, name, unknown = plain.rarity("季节"), plain.rarity("龙胆"), plain.rarity("狭叶艾纳")
    assert 0.0 < everyday < name < unknown == 1.0
    assert plain.rarity("校长") < name
    assert extended.rarity("龙胆草") == plain.rarity("龙胆草") and extended.rarity("季节") == everyday
