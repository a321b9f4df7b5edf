"""What a corpus teaches the tokenizer: abbreviations the paper defines and the names they stand for."""

from bot.corpus import Article
from bot.knowledge import build_knowledge, learn_vocabulary


def test_an_abbreviation_stands_for_the_name_not_the_words_before_it():
    article = Article(id="k-1", title="证书送到企业", text=(
        "昨日,市领导将证书送到了湘江星辰机械制造有限公司(简称“星辰机械”)。"
        "由市政府主办的湘江国际装备博览会(以下简称“装博会”)下月开幕。"
        "国家开发银行(简称“国开行”)提供贷款。"))
    words, abbreviations = learn_vocabulary([article])
    assert abbreviations == {"星辰机械": "湘江星辰机械制造有限公司", "装博会": "湘江国际装备博览会",
                             "国开行": "国家开发银行"}  # 开发 is a verb to jieba, but 国开行 needs its 国
    assert "送到了湘江星辰机械制造有限公司" not in words and words["湘江星辰机械制造有限公司"] == "nz"
    knowledge = build_knowledge([article])
    assert "湘江星辰机械制造有限公司" in knowledge.sentence_tokens[0]
