"""Scoring a question set: the arithmetic of accuracy@1/@3 and no-answer precision/recall, against a scripted fake."""

from __future__ import annotations

import json

import pytest

from bot.answer import Answer, Candidate
from bot.evaluate import QuestionSetError, evaluate, load_questions


def _said(*sentences: str) -> Answer:
    candidates = tuple(Candidate(sentence=s, article_id=f"a-{i}", title=f"标题{i}", byline="", score=1.0 - i / 10)
                       for i, s in enumerate(sentences))
    return Answer(question="", kind="other", candidates=candidates, declined=False, reason="scripted")


DECLINED = Answer(question="", kind="other", reason="scripted decline")


class ScriptedAsk:
    """A fake engine: answers each question from a script and keeps the questions it was asked, in order."""

    def __init__(self, script: dict[str, Answer]):
        self.script = script
        self.asked: list[str] = []

    def __call__(self, question: str) -> Answer:
        self.asked.append(question)
        return self.script[question]


QUESTIONS = [
    {"id": "q1", "question": "第一问", "answer": "12月8日至11日", "article": "甲", "type": "time"},
    {"id": "q2", "question": "第二问", "answer": "800多家", "article": "乙", "type": "number"},
    {"id": "q3", "question": "第三问", "answer": "任远", "article": "丙", "type": "person"},
    {"id": "q4", "question": "第四问", "answer": "株洲", "article": "丁", "type": "place"},
    {"id": "q5", "question": "第五问", "answer": None, "article": None, "type": "none"},
    {"id": "q6", "question": "第六问", "answer": None, "article": None, "type": "none"},
]
SCRIPT = {
    "第一问": _said("轨博会将于１２月８日 至 11日举行。", "别的句子。"),  # full-width digits and a space still match
    "第二问": _said("预计观展人数6万人次。", "将有800多家国内外企业参展。", "别的句子。"),  # right at rank 2
    "第三问": DECLINED,  # answerable but declined
    "第四问": _said("一。", "二。", "三。", "第四句在株洲。"),  # a fourth candidate does not count
    "第五问": DECLINED,  # rightly declined
    "第六问": _said("北京冬奥会的句子。"),  # answered an unanswerable question
}


@pytest.fixture
def report():
    ask = ScriptedAsk(SCRIPT)
    result = evaluate(QUESTIONS, ask)
    assert ask.asked == [q["question"] for q in QUESTIONS]
    return result


def test_counts(report):
    assert (report.answerable, report.unanswerable) == (4, 2)
    assert (report.correct_at_1, report.correct_at_3) == (1, 2)
    assert (report.declined_right, report.declined_wrong) == (1, 1)


def test_summary_figures(report):
    assert report.summary() == {
        "questions": 6,
        "accuracy@1": 0.25,
        "accuracy@3": 0.5,
        "no-answer precision": 0.5,  # of the two declines, one was right
        "no-answer recall": 0.5,  # of the two unanswerable questions, one was declined
        "unanswerable declined": "1/2",
        "answerable wrongly declined": "1/4",
    }


def test_each_miss_names_question_expected_and_what_was_said(report):
    assert len(report.misses) == 4  # q2, q3, q4, q6
    by_id = {miss.split("]")[0].lstrip("["): miss for miss in report.misses}
    assert set(by_id) == {"q2", "q3", "q4", "q6"}
    assert "wrong sentence first: 第二问" in by_id["q2"]
    assert "'800多家'" in by_id["q2"] and "预计观展人数6万人次。" in by_id["q2"]
    assert "declined: 第三问" in by_id["q3"] and "'任远'" in by_id["q3"]
    assert "answered an unanswerable question: 第六问" in by_id["q6"] and "北京冬奥会的句子。" in by_id["q6"]


def test_expected_string_is_compared_after_nfkc_and_without_white_space():
    questions = [{"question": "问", "answer": "湖南 意华", "article": "甲", "type": "organization"}]
    assert evaluate(questions, ScriptedAsk({"问": _said("湖南意华是全省10大重点产业项目。")})).correct_at_1 == 1
    assert evaluate(questions, ScriptedAsk({"问": _said("湖南省意华公司。")})).correct_at_1 == 0


def test_empty_question_set_divides_by_nothing():
    summary = evaluate([], ScriptedAsk({})).summary()
    assert summary["questions"] == 0
    assert (summary["accuracy@1"], summary["no-answer precision"], summary["no-answer recall"]) == (0.0, 1.0, 1.0)


def test_load_questions_skips_blank_lines(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS[:2]) + "\n\n", encoding="utf-8")
    assert load_questions(path) == QUESTIONS[:2]


@pytest.mark.parametrize("content, problem", [
    (b'{"question": "\xe8\xbd\xa8", "answer": null}\n{"question": ', "set.jsonl, line 2: is not a complete JSON object"),
    (b'{"question": "q", "answer": null}\n\n["q", "a"]\n', "set.jsonl, line 3: needs a \"question\" string"),
    (b'{"question": "q", "answer": 5}\n', "set.jsonl, line 1: needs"),
    (b'{"question": "\xff"}\n', "set.jsonl: cannot be read as UTF-8"),
])
def test_bad_question_file_names_file_and_line(tmp_path, content, problem):
    path = tmp_path / "set.jsonl"
    path.write_bytes(content)
    with pytest.raises(QuestionSetError) as caught:
        load_questions(path)
    assert problem in str(caught.value)


def test_missing_question_file_is_a_question_set_error(tmp_path):
    with pytest.raises(QuestionSetError, match="none.jsonl: cannot be read"):
        load_questions(tmp_path / "none.jsonl")


def test_any_of_an_answers_list_counts_after_nfkc_and_without_white_space():
    questions = [{"id": "w1", "question": "甲问", "answers": ["6300 公里", "青藏高原"]},  # no "answer" key at all
                 {"id": "w2", "question": "乙问", "answers": ["安徽省"]},
                 {"id": "w3", "question": "丙问", "answer": "不看这个", "answers": ["１５４５米"]}]
    script = {"甲问": _said("长江发源于青藏 高原。"),  # the second answer, across a space
              "乙问": _said("别的句子。", "黄山位于安徽省南部。"),  # at rank 2 only
              "丙问": _said("泰山主峰海拔1545米。")}  # full-width digits in the answer; the list wins over "answer"
    report = evaluate(questions, ScriptedAsk(script))
    assert (report.answerable, report.unanswerable) == (3, 0)
    assert (report.correct_at_1, report.correct_at_3) == (2, 3)
    assert len(report.misses) == 1 and report.misses[0].startswith("[w2] wrong sentence first: 乙问")
    assert "expected: '安徽省'" in report.misses[0]


def test_an_answers_list_of_null_is_unanswerable():
    questions = [{"id": "n1", "question": "甲问", "answer": None, "answers": None},
                 {"id": "n2", "question": "乙问", "answers": None}]
    report = evaluate(questions, ScriptedAsk({"甲问": DECLINED, "乙问": _said("某句。")}))
    assert (report.answerable, report.unanswerable, report.declined_right) == (0, 2, 1)
    assert report.summary()["unanswerable declined"] == "1/2"


def test_a_miss_names_every_listed_answer():
    questions = [{"id": "m1", "question": "问", "answers": ["6300公里", "约6300公里"], "article": "长江"}]
    report = evaluate(questions, ScriptedAsk({"问": _said("长江是中国第一长河。")}))
    assert "expected: '6300公里' or '约6300公里' in 《长江》" in report.misses[0]
