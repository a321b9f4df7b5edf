"""Telegram's HTML text (bot/telegram_text.py): the fact in bold, everything else escaped, long text cut under the
limit at paragraph and sentence boundaries, lengths counted as Telegram counts them."""

from __future__ import annotations

import html
import re

from telegram.constants import MessageLimit

from bot.answer import Candidate
from bot.corpus import Article
from bot.telegram_text import ABOVE_MAX_CHARS, answer_html, article_messages, split_text, telegram_length


def candidate(sentence: str, fact: str | None = None, title: str = "标题", byline: str = "记者/甲") -> Candidate:
    return Candidate(sentence=sentence, article_id="a-1", title=title, byline=byline, score=1.0, fact=fact)


def test_answer_html_bolds_the_fact_and_escapes_everything_else():
    text = answer_html(candidate("A<B & C 在12月8日举行。", fact="12月8日", title="<新闻>", byline="记者/乙"))
    assert text == "A&lt;B &amp; C 在<b>12月8日</b>举行。\n——《&lt;新闻&gt;》（记者/乙）"


def test_answer_html_dates_relative_words_in_the_bold_fact_and_cites_paper_and_date():
    dated = Candidate(sentence="昨天上午,株洲市档案学会成立。", article_id="a-1", title="株洲市档案学会 昨成立",
                      byline="记者/何春林", score=1.0, fact="昨天上午", date="2021-12-01", paper="株洲日报")
    assert answer_html(dated) == ("<b>昨天(11月30日)上午</b>,株洲市档案学会成立。\n"
                                  "——《株洲市档案学会 昨成立》 株洲日报 2021年12月1日（记者/何春林）")


def test_answer_html_without_a_fact_in_the_sentence_only_escapes():
    assert answer_html(candidate("x<y", fact="不在句中", byline="")) == "x&lt;y\n——《标题》"
    assert answer_html(candidate("x<y", fact=None, byline="")) == "x&lt;y\n——《标题》"


def test_a_line_above_the_answer_is_escaped_and_a_long_one_still_fits_one_message():
    assert answer_html(candidate("x<y", fact=None, byline=""), "（接上一个问题：a<b）") == (
        "（接上一个问题：a&lt;b）\nx&lt;y\n——《标题》")
    huge = candidate("句" * 5000, fact=None, title="题" * 5000, byline="")
    text = answer_html(huge, "问" * 600)
    assert telegram_length(html.unescape(re.sub("<[^>]+>", "", text))) <= MessageLimit.MAX_TEXT_LENGTH
    assert text.startswith("问" * (ABOVE_MAX_CHARS - 1) + "…\n" + "句")


def test_split_text_cuts_between_paragraphs_and_stays_under_the_limit():
    paragraphs = [f"第{n}段" + "字" * 30 for n in range(10)]
    pieces = split_text("\n".join(paragraphs), limit=100)
    assert len(pieces) > 1
    assert all(telegram_length(p) <= 100 for p in pieces)
    assert "\n".join(pieces) == "\n".join(paragraphs)  # every cut fell on a paragraph boundary
    assert split_text("短文。") == ["短文。"]


def test_split_text_cuts_an_overlong_paragraph_between_sentences_then_anywhere():
    sentences = "一句话说完了。" * 10  # 70 characters, sentences of 7
    pieces = split_text(sentences, limit=20)
    assert all(p.endswith("。") and telegram_length(p) <= 20 for p in pieces)
    assert "".join(pieces) == sentences
    no_stops = "😀" * 15 + "字" * 5  # emoji count twice in Telegram's length and are never split in half
    pieces = split_text(no_stops, limit=8)
    assert all(telegram_length(p) <= 8 for p in pieces)
    assert "".join(pieces) == no_stops


def test_article_messages_bold_the_headline_escape_the_text_and_respect_the_limit():
    article = Article(id="x", title="A&B 报告", byline="记者/丙", text="\n".join(["<段落> " + "字" * 40] * 6))
    messages = article_messages(article, limit=100)
    assert messages[0].startswith("<b>《A&amp;B 报告》（记者/丙）</b>\n&lt;段落&gt; ")
    visible = [html.unescape(re.sub(r"</?b>", "", m)) for m in messages]
    assert all(telegram_length(v) <= 100 for v in visible)
    assert "\n".join(visible) == f"《A&B 报告》（记者/丙）\n{article.text}"
