"""Features of (question, candidate): each family measured on a small corpus of our own, for all candidates at once."""

import numpy as np
import pytest

from bot.candidates import ARTICLES_EXPANDED, RETRIEVED, candidates
from bot.features import DECLINE_FEATURES, FEATURES, INDEX, decline_row, features
from bot.knowledge import build_knowledge
from bot.question import analyze
from conftest import SMALL_ARTICLES


@pytest.fixture(scope="module")
def knowledge():
    return build_knowledge(SMALL_ARTICLES)


def table(knowledge, text):
    question = analyze(text, knowledge.tokenizer, knowledge.weight)
    found = candidates(knowledge, question)
    rows = features(knowledge, question, found)
    sentences = [knowledge.sentences[d].text for d in found.docs.tolist()]
    return question, found, rows, sentences


def row_of(rows, sentences, part):
    return rows[next(i for i, s in enumerate(sentences) if part in s)]


def test_one_row_per_candidate_one_column_per_feature(knowledge):
    _, found, rows, sentences = table(knowledge, "湘音节什么时候开幕?")
    assert rows.shape == (len(found), len(FEATURES)) and np.isfinite(rows).all()
    assert len(set(sentences)) == len(sentences)


def test_the_articles_other_sentences_join_the_candidates(knowledge):
    # 门票 is only in the festival's third sentence; its neighbours in the article come along with it
    _, found, rows, sentences = table(knowledge, "门票最低多少钱?")
    assert any("最低80元" in s for s in sentences)
    added = [s for s, r in zip(sentences, rows) if not r[INDEX["retrieved"]]]
    assert all(found.rank[i] == RETRIEVED for i in range(len(found)) if not rows[i, INDEX["retrieved"]])
    assert ARTICLES_EXPANDED >= 1 and added is not None


def test_word_shares_in_sentence_context_and_article(knowledge):
    _, _, rows, sentences = table(knowledge, "湘音节由哪个单位主办?")
    holder = row_of(rows, sentences, "长沙市文旅局主办")
    other = row_of(rows, sentences, "门票分为三档")
    assert holder[INDEX["w_sentence"]] == pytest.approx(1.0)
    assert other[INDEX["w_sentence"]] < holder[INDEX["w_sentence"]]
    assert other[INDEX["w_article"]] == pytest.approx(1.0)  # same article: all the words are there
    assert holder[INDEX["missing_article"]] == 0.0


def test_a_rare_word_missing_from_the_article_is_measured(knowledge):
    _, _, rows, _ = table(knowledge, "湘音节的冠名赞助商是谁?")
    assert rows[:, INDEX["missing_article"]].min() > 0.0  # no article speaks of a sponsor


def test_the_asked_kind_of_fact_is_found_near_the_words(knowledge):
    _, _, rows, sentences = table(knowledge, "湘音节什么时候举行?")
    dated = row_of(rows, sentences, "10月5日至7日")
    assert dated[INDEX["kind_time"]] == 1.0 and dated[INDEX["has_time"]] == 1.0 and dated[INDEX["has_asked"]] == 1.0
    assert dated[INDEX["asked_distance"]] < 20
    undated = row_of(rows, sentences, "门票分为三档")
    assert undated[INDEX["has_asked"]] == 0.0


def test_whether_a_fact_of_the_asked_kind_has_the_shape_and_counter_the_question_asks(knowledge):
    _, _, rows, sentences = table(knowledge, "图书馆每天开放到几点?")  # 几点 asks a time of day
    assert row_of(rows, sentences, "晚上9点")[INDEX["asked_shape"]] == 1.0
    _, _, rows, sentences = table(knowledge, "湘音节几点开幕?")
    dated = row_of(rows, sentences, "10月5日至7日")
    assert dated[INDEX["has_asked"]] == 1.0 and dated[INDEX["asked_shape"]] == 0.0  # a date, not a time of day
    _, _, rows, sentences = table(knowledge, "新学校有多少名学生?")  # 多少名 counts in 名
    assert row_of(rows, sentences, "40名工人")[INDEX["asked_counter"]] == 1.0
    counted = row_of(rows, sentences, "新增学位5400个")  # amounts, none of them in 名
    assert counted[INDEX["asked_count"]] == 3 and counted[INDEX["asked_counter"]] == 0.0
    _, _, rows, _ = table(knowledge, "湘音节由哪个单位主办?")
    assert (rows[:, INDEX["asked_counter"]] == -1).all()  # no counter asked


def test_shared_characters_count_when_words_differ(knowledge):
    # 展 of 开展 is not a jieba word of the sentence, but the characters 开放 are
    _, _, rows, sentences = table(knowledge, "图书馆开放到几点?")
    holder = row_of(rows, sentences, "晚上9点")
    assert holder[INDEX["char2"]] > 0.5 and holder[INDEX["lcs_chars"]] >= 2


def test_decline_row_describes_the_best_candidate(knowledge):
    _, _, rows, _ = table(knowledge, "湘音节什么时候举行?")
    scores = rows[:, INDEX["w_sentence"]] + rows[:, INDEX["has_asked"]]
    row = decline_row(rows, scores)
    assert row.shape == (len(DECLINE_FEATURES),)
    assert row[DECLINE_FEATURES.index("score")] == scores.max()
    assert 0.0 < row[DECLINE_FEATURES.index("share")] <= 1.0
    assert row[DECLINE_FEATURES.index("w_sentence")] == rows[int(np.argmax(scores)), INDEX["w_sentence"]]


def test_a_missing_name_weighs_more_than_a_missing_everyday_word(knowledge):
    # the corpus knows neither 季节 nor 龙胆; the first is a reader's everyday word, the second a topic it lacks
    _, _, everyday, _ = table(knowledge, "湘音节在什么季节举行?")
    _, _, name, _ = table(knowledge, "湘音节的龙胆在哪里举行?")
    assert everyday[:, INDEX["rare_unseen"]].max() < name[:, INDEX["rare_unseen"]].min()
    assert everyday[:, INDEX["rare_missing_context"]].min() < name[:, INDEX["rare_missing_context"]].min()
    held = row_of(*table(knowledge, "湘音节由哪个单位主办?")[2:], "长沙市文旅局主办")
    assert held[INDEX["rare_missing_context"]] == 0.0 and held[INDEX["rare_missing_article"]] == 0.0


def test_whether_the_word_a_question_leads_with_is_in_the_sentences_context_and_article(knowledge):
    # 图书馆 leads both questions: the library's article holds it, the festival's does not
    _, _, rows, sentences = table(knowledge, "图书馆每天开放到几点?")
    library = row_of(rows, sentences, "每天开放至晚上9点")
    assert library[INDEX["lead_context"]] == 1.0 and library[INDEX["lead_article"]] == 1.0
    _, _, rows, sentences = table(knowledge, "龙胆图书馆的门票多少钱?")  # 龙胆 leads, and no article has it
    festival = row_of(rows, sentences, "最低80元")
    assert festival[INDEX["lead_context"]] == 0.0 and festival[INDEX["lead_article"]] == 0.0
    best = np.zeros(len(rows))
    best[next(i for i, s in enumerate(sentences) if "最低80元" in s)] = 1.0
    assert decline_row(rows, best)[DECLINE_FEATURES.index("lead_article")] == 0.0  # the decline model sees it


def test_a_name_of_the_asked_kind_that_the_question_lacks_is_counted(knowledge):
    # 谁 asks for a person: LAC finds 刘芳 in the library's sentence; the question already names 王海峰, so his
    # sentence holds no person it lacks
    _, _, rows, sentences = table(knowledge, "图书馆馆长是谁?")
    assert row_of(rows, sentences, "馆长刘芳说")[INDEX["named_asked"]] == 1.0
    assert row_of(rows, sentences, "每天开放至晚上9点")[INDEX["named_asked"]] == 0.0
    _, _, rows, sentences = table(knowledge, "王海峰是哪个单位的局长?")
    assert row_of(rows, sentences, "王海峰表示")[INDEX["named_asked"]] >= 1.0  # 区教育局, an organisation
    _, _, rows, _ = table(knowledge, "图书馆每天开放到几点?")  # asks for no name: not tagged at all
    assert (rows[:, INDEX["named_asked"]] == -1.0).all()


def test_only_the_candidates_bm25_ranks_highest_are_tagged(knowledge, monkeypatch):
    from bot import entities

    monkeypatch.setattr(entities, "TAGGED_RANKS", 1)
    question, found, rows, sentences = table(knowledge, "图书馆馆长是谁?")
    column = rows[:, INDEX["named_asked"]]
    assert (column[found.rank < 1] >= 0).all() and (found.rank < 1).sum() == 1
    assert (column[found.rank >= 1] == entities.UNTAGGED).all()


def test_what_the_question_asks_beyond_its_headline(knowledge):
    # 株洲 and 图书馆 are in the headline 株洲图书馆延长开放时间: what the question asks beyond it is 馆长
    _, _, rows, sentences = table(knowledge, "株洲图书馆的馆长是谁?")
    assert row_of(rows, sentences, "馆长刘芳说")[INDEX["w_beyond_title"]] == pytest.approx(1.0)
    assert row_of(rows, sentences, "每天开放至晚上9点")[INDEX["w_beyond_title"]] == 0.0
    # every word of the question is in the school article's headline: nothing beyond it to look for
    _, _, rows, sentences = table(knowledge, "城东新建几所学校?")
    assert row_of(rows, sentences, "新建学校3所")[INDEX["w_beyond_title"]] == -1


def test_how_often_the_article_repeats_the_topic_and_words_the_sentence_holds_only_in_part(knowledge):
    _, _, rows, sentences = table(knowledge, "湘音节的票最低多少钱?")
    price = row_of(rows, sentences, "最低80元")
    assert price[INDEX["lead_sentences"]] == 2.0  # 湘音节 is in the festival article's first two sentences
    assert 0.0 < price[INDEX["w_partial"]] < 1.0  # 票 only inside 门票: held in part, not as a word
    _, _, rows, sentences = table(knowledge, "图书馆的门票多少钱?")  # the festival's article never names a library
    price = row_of(rows, sentences, "最低80元")
    assert price[INDEX["lead_sentences"]] == 0.0 and price[INDEX["w_partial"]] == 0.0
    assert {"lead_sentences", "rarest_sentences", "w_partial"} <= set(DECLINE_FEATURES)
