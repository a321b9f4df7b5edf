"""Property-based input robustness: any Unicode text up to 10,000 characters gives an answer or a decline, never an
exception, through the engine and through the batch interface.

The default suite runs a few hundred cases; `python -m pytest -m slow -s tests/test_fuzz.py` runs the long fuzz
(10,000+ cases per property) and prints its case counts.
"""

from __future__ import annotations

import io
import json
import time

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bot.answer import MAX_QUESTION_CHARS, Answer
from bot.console import ConsoleSession, answer_record, format_answer, run_batch
from bot.corpus import write_corpus_file
from bot.engine import Engine
from bot.replies import decline_text
from bot.text import CJK_RE, normalize

from conftest import SMALL_ARTICLES

MAX_CHARS = 10_000
DEFAULT_EXAMPLES = 150
LONG_EXAMPLES = 10_000

REAL_QUESTIONS = ["湘音节在哪里举行?", "城东区新建了几所学校?", "株洲图书馆开放到几点?", "暴雨过后哪条路塌方了?",
                  "门票最低多少钱?", "谁是区教育局局长?"]
EMOJI = "😀🎉👍🏽👨‍👩‍👧‍👦🇨🇳❤️‍🔥🙏🤖"
RTL_AND_INVISIBLE = "\u200f\u200e\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u2060\ufeff"
PUNCTUATION = "。，、；：？！…—·“”‘’（）《》【】「」『』,.;:?!'\"()[]{}<>/\\|-_=+*&^%$#@~`"
ARABIC_HEBREW = "مرحبا بالعالم كيف حالك שלום עולם"
MARKUP = ["<b>", "</b>", "<script>alert(1)</script>", "&amp;", "&lt;", "*粗体*", "_斜体_", "`代码`", "```", "[链接](http://x)",
          "||剧透||", "~删除~", "\\", "<a href='x'>", "**", "__"]

any_text = st.text(st.characters(codec=None), max_size=MAX_CHARS)  # every code point, lone surrogates included
long_text = st.text(st.characters(codec="utf-8"), min_size=MAX_QUESTION_CHARS - 10, max_size=MAX_CHARS)
pieces = st.one_of(
    st.sampled_from(REAL_QUESTIONS),
    st.text(st.sampled_from(EMOJI), min_size=1, max_size=20),
    st.text(st.sampled_from(RTL_AND_INVISIBLE), min_size=1, max_size=20),
    st.text(st.sampled_from(PUNCTUATION), min_size=1, max_size=40),
    st.text(st.sampled_from(ARABIC_HEBREW), min_size=1, max_size=40),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1f), min_size=1, max_size=10),  # control characters
    st.text(st.characters(min_codepoint=0x4e00, max_codepoint=0x9fff), min_size=1, max_size=30),  # CJK
    st.text(st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=30),
    st.text(st.characters(categories=("Mn", "Me", "Zs", "Zl", "Zp", "Cf", "Co")), min_size=1, max_size=20),
    st.sampled_from(MARKUP),
)
mixed_text = st.lists(pieces, max_size=30).map("".join)
only_punctuation = st.text(st.sampled_from(PUNCTUATION + RTL_AND_INVISIBLE + " \t"), max_size=300)
questions = st.one_of(any_text, mixed_text, only_punctuation, long_text)

# One batch line: no line break (one line in must be one line out), and no surrogates (stdin decodes with 'replace').
line_text = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=2_000),
    mixed_text.map(lambda t: t.replace("\n", " ").replace("\r", " ")),
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    folder = tmp_path_factory.mktemp("fuzz") / "corpus"
    write_corpus_file(folder / "small.jsonl", SMALL_ARTICLES)
    return Engine.from_corpus(folder)


def check_answer(engine: Engine, text: str) -> Answer:
    """The properties every answer holds, whatever the question."""
    result = engine.ask(text)
    assert isinstance(result, Answer)
    assert result.question == text
    if result.declined:
        assert result.candidates == () and result.best is None and result.reason
    else:
        assert result.candidates and result.best is result.candidates[0]
        known = {s.text for s in engine.knowledge.sentences}
        ids = {a.id for a in engine.knowledge.articles}
        assert all(c.sentence in known and c.article_id in ids for c in result.candidates)
    cleaned = normalize(text)
    if len(cleaned) > MAX_QUESTION_CHARS:  # never searched; a Chinese one is told it is too long
        assert result.declined
        if CJK_RE.search(cleaned):
            assert result.reason == "too long"
            assert "太长" in decline_text(result, MAX_QUESTION_CHARS, "例子")
    reply = format_answer(result, "例子")  # the console's reply is built without error too
    assert isinstance(reply, str) and reply.strip()
    json.dumps(answer_record(text, result), ensure_ascii=False)
    return result


def check_batch(engine: Engine, lines: list[str]) -> None:
    out = io.StringIO()
    assert run_batch(engine, io.StringIO("".join(f"{line}\n" for line in lines)), out) == 0
    written = out.getvalue().split("\n")
    assert written[-1] == ""  # every record ends its line
    records = [json.loads(line) for line in written[:-1]]
    assert [r["question"] for r in records] == lines
    for record in records:
        assert record["declined"] is (record["answer"] is None)
        assert isinstance(record["reason"], str)


# ---------------------------------------------------------------- the default suite: a few hundred cases

@settings(max_examples=DEFAULT_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                 HealthCheck.data_too_large])
@given(text=questions)
@example(text="")
@example(text="\u200f\u202e")
@example(text="。。。？？？！！！")
@example(text="😀" * 5_000)
@example(text="湘音节在哪里举行?" * 1_111)
@example(text="\ud800湘音节在哪里举行?\udfff")
@example(text="\x00\x1b[31m湘音节\x7f在哪里举行?")
@example(text="<b>湘音节</b>在哪里举行?")
def test_any_text_gets_an_answer_or_a_decline(engine, text):
    check_answer(engine, text)


@settings(max_examples=DEFAULT_EXAMPLES // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                      HealthCheck.data_too_large])
@given(lines=st.lists(line_text, max_size=8))
@example(lines=["", " ", "\u2028", "\x85", "\x1c\x1d\x1e", "湘音节在哪里举行?"])
@example(lines=["x" * MAX_CHARS])
def test_batch_gives_one_json_line_per_line_in(engine, lines):
    check_batch(engine, lines)


@settings(max_examples=DEFAULT_EXAMPLES // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                                      HealthCheck.data_too_large])
@given(lines=st.lists(st.one_of(questions, st.sampled_from(["/more", "/source", "/help", "/nonsense", "/"])),
                      max_size=6))
def test_console_session_replies_to_every_line(engine, lines):
    out = io.StringIO()
    session = ConsoleSession(engine, out)
    for line in lines:
        assume("/quit" not in line and "/exit" not in line and line.strip().split()[:1] != ["/q"])
        before = len(out.getvalue())
        assert session.handle(line) is True
        assert len(out.getvalue()) > before  # every line gets a reply, never silence


def test_over_long_question_gets_a_polite_too_long_reply(engine):
    text = "湘音节在哪里举行?" * 100
    result = engine.ask(text)
    assert result.declined and result.reason == "too long"
    reply = format_answer(result, "例子")
    assert "太长" in reply and str(MAX_QUESTION_CHARS) in reply


def test_longest_allowed_question_is_still_answered(engine):
    text = "湘音节在哪里举行?".ljust(MAX_QUESTION_CHARS, " ")
    assert engine.ask(text).reason != "too long"


# ---------------------------------------------------------------- the long run: -m slow

@pytest.mark.slow
def test_long_fuzz_run_of_ten_thousand_cases_each(engine):
    started = time.perf_counter()

    counts = {"engine": 0, "batch": 0}
    long_run = settings(max_examples=LONG_EXAMPLES, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck))

    @long_run
    @given(text=questions)
    def engine_property(text):
        counts["engine"] += 1
        check_answer(engine, text)

    @long_run
    @given(lines=st.lists(line_text, min_size=1, max_size=3))
    def batch_property(lines):
        counts["batch"] += 1
        check_batch(engine, lines)

    engine_property()
    batch_property()
    engine_cases, batch_cases = counts["engine"], counts["batch"]
    seconds = time.perf_counter() - started
    print(f"\nlong fuzz run: engine {engine_cases} cases, batch {batch_cases} cases, "
          f"{engine_cases + batch_cases} in all, 0 failures, {seconds:.0f} s")
    assert engine_cases >= LONG_EXAMPLES and batch_cases >= LONG_EXAMPLES
