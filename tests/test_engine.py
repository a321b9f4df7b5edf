"""The engine: the two questions of the issue's "done when", and reload swapping whole snapshots or none."""

from __future__ import annotations

import pytest

from bot.corpus import Article, CorpusError, write_corpus_file
from bot.engine import Engine

MUSEUM = Article(id="m-001", title="株洲博物馆 新馆开放", byline="记者/钱七", text=(
    "株洲博物馆新馆于3月18日正式开放,展厅面积1.2万平方米。\n"
    "新馆每周一闭馆,其余时间免费参观。"))
MUSEUM_QUESTION = "株洲博物馆新馆什么时候开放?"
SEED_PAGE = ("株洲植物园 樱花节开幕\n\n株洲日报·掌上株洲讯(记者/孙八) 第五届株洲植物园樱花节于3月20日开幕,"
             "园内3000多株樱\n\n花进入盛花期。\n\n樱花节将持续至4月10日,门票每张40元。\n")


def test_rail_expo_dates_come_with_their_headline(seed_engine):
    result = seed_engine.ask("轨博会什么时候举行?")
    assert not result.declined
    assert "12月8日至11日" in result.sentence
    assert result.best.title == "2021 轨博会下周在株举行" and result.best.byline == "记者/任远"


def test_question_the_paper_cannot_answer_is_declined(seed_engine):
    result = seed_engine.ask("北京冬奥会什么时候开幕?")
    assert result.declined and result.best is None and result.sentence is None


def test_reload_swaps_in_a_new_snapshot_and_leaves_the_old_one_whole(small_corpus):
    engine = Engine.from_corpus(small_corpus)
    before = engine.knowledge
    assert "3月18日" not in (engine.ask(MUSEUM_QUESTION).sentence or "")  # only the new file says it
    write_corpus_file(small_corpus / "museum.jsonl", [MUSEUM])
    report = engine.reload()
    assert engine.knowledge is not before
    assert (report.articles, report.passages) == (5, engine.passage_count) and report.built_from_seeds == ()
    assert len(before.articles) == 4  # a reader still holding the old snapshot sees it unchanged
    assert "3月18日" in engine.ask(MUSEUM_QUESTION).sentence


def test_broken_file_on_reload_keeps_the_old_knowledge(small_corpus):
    engine = Engine.from_corpus(small_corpus)
    before = engine.knowledge
    (small_corpus / "museum.jsonl").write_text(MUSEUM.to_json() + "\n" + MUSEUM.to_json() + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        engine.reload()
    assert "museum.jsonl, line 2" in str(caught.value) and "already used" in str(caught.value)
    assert engine.knowledge is before
    assert "10月5日至7日" in engine.ask("湘江音乐节什么时候举行?").sentence


def test_seed_without_a_corpus_file_is_built_on_reload_and_hand_edits_survive(small_corpus, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "small.txt").write_text("这一页不会被读。\n", encoding="utf-8")  # corpus/small.jsonl exists: kept as is
    engine = Engine.from_corpus(small_corpus, seeds)
    (seeds / "garden.txt").write_text(SEED_PAGE, encoding="utf-8")
    report = engine.reload()
    assert report.built_from_seeds == ("garden.txt",)
    assert (small_corpus / "garden.jsonl").is_file() and report.articles == 5
    assert engine.article_count == 5
    answer = engine.ask("株洲植物园樱花节什么时候开幕?")
    assert "3月20日" in answer.sentence and answer.best.title == "株洲植物园 樱花节开幕"
    (garden,) = [a for a in engine.knowledge.articles if a.source == "garden.txt"]
    assert "3000多株樱花进入盛花期" in garden.text  # the broken line was joined


def test_engine_built_from_memory_cannot_reload(seed_engine):
    with pytest.raises(CorpusError, match="in memory"):
        Engine(seed_engine.knowledge).reload()
