"""qa-data sets as open corpora: read plain or xz, one article per paragraph, a seeded half of the paragraphs left out.
Scoring them with `newsqa eval` is tested in test_cli.py."""

import json
import lzma
from pathlib import Path

import pytest

from bot.evaluate import QuestionSetError
from bot.qadata import articles_of, is_qa_format, open_set, read_records

ROOT = Path(__file__).resolve().parent.parent

RECORDS = [
    {"id": f"{p}-{q}", "title": f"标题{p}", "context_id": f"c{p}", "context": f"第{p}段。这里是第{p}个段落的内容。",
     "question": f"第{p}段的问题{q}?", "answers": [f"第{p}段", f"第{p}个段落"]}
    for p in range(10) for q in range(2)
]


def write(path, records, xz=False, extra=""):
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records) + extra
    path.write_bytes(lzma.compress(text.encode(), preset=9) if xz else text.encode())
    return path


@pytest.mark.parametrize("name, xz", [("set.jsonl", False), ("set.jsonl.xz", True)])
def test_reads_plain_and_compressed(tmp_path, name, xz):
    path = write(tmp_path / name, RECORDS, xz, extra="\n  \n")  # blank lines at the end are skipped
    assert read_records(path) == RECORDS and is_qa_format(path)


def test_a_json_separator_inside_a_string_does_not_end_the_line(tmp_path):
    record = {**RECORDS[0], "context": "第一句\u2028第二句。"}  # json.dumps leaves U+2028 unescaped
    assert read_records(write(tmp_path / "set.jsonl", [record])) == [record]


@pytest.mark.parametrize("xz", [False, True])
@pytest.mark.parametrize("bad, problem", [
    ('{"question": 1}', "needs context_id, context and question strings"),
    ('{"id": "x", "context_id": "c", "context": "文", "question": "问?"', "is not a complete JSON object"),
    (json.dumps({**RECORDS[0], "answers": []}), "non-empty answers list"),
    (json.dumps({**RECORDS[0], "answers": "第0段"}), "answers list"),
    (json.dumps({**RECORDS[0], "answers": ["第0段", " "]}), "non-empty strings"),
], ids=["no-context", "cut-short", "no-answers", "answers-not-a-list", "blank-answer"])
def test_a_bad_line_is_named_with_its_file(tmp_path, xz, bad, problem):
    name = "bad.jsonl.xz" if xz else "bad.jsonl"
    path = write(tmp_path / name, RECORDS[:1], xz, extra="\n" + bad + "\n")  # line 2 blank, line 3 bad
    with pytest.raises(QuestionSetError) as caught:
        read_records(path)
    assert f"{name}, line 3: " in str(caught.value) and problem in str(caught.value)


def test_a_truncated_or_missing_file_cannot_be_read(tmp_path):
    path = tmp_path / "cut.jsonl.xz"
    path.write_bytes(lzma.compress(("".join(json.dumps(r) + "\n" for r in RECORDS)).encode())[:60])
    with pytest.raises(QuestionSetError, match="cut.jsonl.xz: cannot be read"):
        read_records(path)
    with pytest.raises(QuestionSetError, match="none.jsonl: cannot be read"):
        read_records(tmp_path / "none.jsonl")
    assert not is_qa_format(tmp_path / "none.jsonl")


def test_qa_format_is_told_by_the_first_non_empty_line(tmp_path):
    assert is_qa_format(write(tmp_path / "late.jsonl", [], extra="\n\n" + json.dumps(RECORDS[0]) + "\n"))
    eval_item = {"question": "谁?", "answer": None}
    assert not is_qa_format(write(tmp_path / "dev.jsonl", [eval_item, RECORDS[0]]))
    assert not is_qa_format(write(tmp_path / "junk.jsonl", [], extra="not json\n"))
    assert not is_qa_format(write(tmp_path / "empty.jsonl", []))


def test_one_article_per_paragraph_in_first_seen_order():
    records = [RECORDS[3], RECORDS[0], RECORDS[2], {**RECORDS[1], "context": "别的文字"}]
    records.append({**RECORDS[4], "context": "上一行\n下一行"})
    articles = articles_of(records)
    assert [(a.id, a.title) for a in articles] == [("c1", "标题1"), ("c0", "标题0"), ("c2", "标题2")]
    assert articles[1].text == RECORDS[0]["context"]  # the first record of a context_id gives its text
    assert articles[2].paragraphs == ["上一行 下一行"]  # a paragraph stays one paragraph line


def test_open_set_leaves_out_a_seeded_half():
    articles, questions = open_set(RECORDS, seed=0)
    again, questions_again = open_set(RECORDS, seed=0)
    other, _ = open_set(RECORDS, seed=1)
    assert [a.id for a in articles] == [a.id for a in again] and questions == questions_again
    assert [a.id for a in articles] == ["c1", "c3", "c5", "c7", "c8"]  # pinned: every machine leaves out the same
    assert {a.id for a in other} != {a.id for a in articles}
    assert [q["id"] for q in questions] == [r["id"] for r in RECORDS]  # every question, in file order
    kept = {a.id for a in articles}
    for q, r in zip(questions, RECORDS):
        assert q["question"] == r["question"] and q["context_id"] == r["context_id"]
        if r["context_id"] in kept:
            assert q["answers"] == r["answers"] and q["answer"] == r["answers"][0] and q["article"] == r["title"]
        else:
            assert q["answers"] is None and q["answer"] is None and q["article"] is None
    assert len(open_set(RECORDS, left_out=0)[0]) == 10 and open_set(RECORDS, left_out=1)[0] == []


def test_the_choice_depends_on_the_ids_not_on_record_order():
    shuffled = RECORDS[1::2] + RECORDS[::-2]
    assert {a.id for a in open_set(shuffled)[0]} == {a.id for a in open_set(RECORDS)[0]}


def test_the_split_of_a_large_set_is_pinned():
    records = [{**RECORDS[0], "context_id": f"p{n:03d}"} for n in range(256)]
    kept = {a.id for a in open_set(records)[0]}
    assert len(kept) == 128
    left_out = sorted({r["context_id"] for r in records} - kept)
    assert left_out[:8] == ["p000", "p003", "p008", "p009", "p010", "p015", "p016", "p017"]


@pytest.mark.parametrize("name, questions, paragraphs, unanswerable", [
    ("cmrc2018_trial.jsonl.xz", 1002, 256, 517),
    ("drcd_dev.jsonl.xz", 3524, 1000, None),
    ("drcd_test.jsonl.xz", 3493, 1000, None),
])
def test_the_shipped_training_sets(name, questions, paragraphs, unanswerable):
    """train/ holds the sets train/README.md describes; CMRC's split is the one behind the README's figures."""
    records = read_records(ROOT / "train" / name)
    articles, items = open_set(records)
    assert len(records) == questions and len(articles_of(records)) == paragraphs and len(articles) == paragraphs // 2
    if unanswerable is not None:
        assert sum(q["answers"] is None for q in items) == unanswerable
