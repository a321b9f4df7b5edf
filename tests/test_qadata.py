"""qa-data sets as open corpora: read plain or xz, half the paragraphs left out (seeded), scored by `newsqa eval`."""

import json
import lzma

import pytest

from bot.cli import main
from bot.evaluate import QuestionSetError, evaluate
from bot.answer import Answer, Candidate
from bot.qadata import is_qa_format, open_set, read_records

RECORDS = [
    {"id": f"{p}-{q}", "title": f"标题{p}", "context_id": f"c{p}", "context": f"第{p}段。这里是第{p}个段落的内容。",
     "question": f"第{p}段的问题{q}?", "answers": [f"第{p}段"]}
    for p in range(10) for q in range(2)
]


def write(path, records, xz=False):
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_bytes(lzma.compress(text.encode()) if xz else text.encode())
    return path


@pytest.mark.parametrize("name, xz", [("set.jsonl", False), ("set.jsonl.xz", True)])
def test_reads_plain_and_compressed(tmp_path, name, xz):
    path = write(tmp_path / name, RECORDS, xz)
    assert read_records(path) == RECORDS and is_qa_format(path)


def test_a_bad_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(RECORDS[0], ensure_ascii=False) + "\n{\"question\": 1}\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match=r"bad.jsonl, line 2"):
        read_records(path)


def test_eval_format_is_not_qa_format(tmp_path):
    path = tmp_path / "dev.jsonl"
    path.write_text(json.dumps({"question": "谁?", "answer": None}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert not is_qa_format(path)


def test_open_set_leaves_out_a_seeded_half():
    articles, questions = open_set(RECORDS, seed=0)
    again, _ = open_set(RECORDS, seed=0)
    other, _ = open_set(RECORDS, seed=1)
    assert len(articles) == 5 and [a.id for a in articles] == [a.id for a in again]
    assert {a.id for a in other} != {a.id for a in articles}
    kept = {a.id for a in articles}
    for q in questions:
        assert (q["answers"] is None) == (q["context_id"] not in kept)


def test_any_listed_answer_counts():
    def ask(text):
        return Answer(text, "other", (Candidate("这里说的是乙。", "a", "t", "", 1.0),), declined=False)

    report = evaluate([{"question": "?", "answer": "甲", "answers": ["甲", "乙"]}], ask)
    assert report.correct_at_1 == 1


def test_newsqa_eval_scores_a_qa_file_as_an_open_corpus(tmp_path, capsys):
    path = write(tmp_path / "tiny.jsonl", RECORDS)
    assert main(["eval", str(path), "--quiet", "--baseline"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["questions"] == 20 and figures["unanswerable declined"] == "0/10"  # the baseline never declines
    assert figures["answerable wrongly declined"] == "0/10" and figures["accuracy@1"] > 0
    assert main(["eval", str(path), "--corpus", str(tmp_path)]) == 2
    assert "--corpus does not apply" in capsys.readouterr().err
