"""The `newsqa` command: ask, --json, --batch, --corpus/NEWSQA_CORPUS, eval (also of qa-data sets), and `newsqa`
alone."""

from __future__ import annotations

import io
import json
import lzma
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
RAIL = "轨博会什么时候举行?"
RAIL_DATES = "12月8日至11日"
RAIL_TITLE = "2021 轨博会下周在株举行"
OLYMPICS = "北京冬奥会什么时候开幕?"
FESTIVAL = "湘江音乐节什么时候举行?"  # answered only from the small corpus of conftest
CONTRACT = {"question", "answer", "candidates", "title", "score"}
BAD_LINES = ["", "   \t ", "轨" * 10_000, "😀🎉👍", "When is the rail expo?", "轨博会\x00\x07\x1b[31m\x7f什么时候举行"]


@pytest.fixture
def in_repo(monkeypatch):
    """Run as a reader would, from the project folder, with the default corpus/ and seeds/."""
    monkeypatch.chdir(ROOT)


@pytest.fixture
def elsewhere(monkeypatch, tmp_path):
    """Run from an empty folder: no corpus/ and no seeds/ that could be built into the chosen corpus."""
    monkeypatch.chdir(tmp_path)


def _check_record(record: dict, question: str) -> None:
    assert CONTRACT <= set(record)
    assert record["question"] == question
    assert len(record["candidates"]) <= 3
    if record["answer"] is None:
        assert record["title"] is None and record["score"] is None
    else:
        assert record["candidates"][0] == record["answer"]
        assert isinstance(record["title"], str) and isinstance(record["score"], float)


def test_ask_prints_the_sentence_and_its_headline(in_repo, capsys):
    assert main(["ask", RAIL]) == 0
    sentence, source = capsys.readouterr().out.splitlines()
    assert RAIL_DATES in sentence
    assert source.startswith(f"——《{RAIL_TITLE}》")


def test_ask_declines_what_the_corpus_does_not_hold(in_repo, capsys):
    assert main(["ask", OLYMPICS]) == 0
    out = capsys.readouterr().out
    assert out.startswith("抱歉，语料里没有找到")
    assert "——《" not in out


def test_ask_json_prints_one_object(in_repo, capsys):
    assert main(["ask", "--json", RAIL]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    _check_record(record, RAIL)
    assert RAIL_DATES in record["answer"] and record["title"] == RAIL_TITLE


def test_batch_writes_one_json_line_per_input_line(in_repo, monkeypatch, capsys):
    questions = [RAIL, *BAD_LINES, OLYMPICS, RAIL]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(q + "\n" for q in questions)))
    assert main(["ask", "--batch"]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert len(records) == len(questions)
    for record, question in zip(records, questions):
        _check_record(record, question)
    assert RAIL_DATES in records[0]["answer"] and records[0] == records[-1]
    assert [r["answer"] for r in records[1:-3]] == [None] * (len(questions) - 4)
    assert RAIL_DATES in records[-3]["answer"]  # control characters and colour codes are stripped, not fatal
    assert records[-2]["answer"] is None
    assert captured.err == ""


def test_batch_with_windows_line_ends_and_no_final_newline(in_repo, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{RAIL}\r\n\r\n{OLYMPICS}"))
    assert main(["ask", "--batch"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["question"] for r in records] == [RAIL, "", OLYMPICS]


def test_corpus_flag_and_environment_choose_the_folder(elsewhere, small_corpus, monkeypatch, capsys):
    assert main(["ask", "--corpus", str(small_corpus), FESTIVAL]) == 0
    assert "10月5日至7日" in capsys.readouterr().out
    monkeypatch.setenv("NEWSQA_CORPUS", str(small_corpus))
    assert main(["ask", "--json", RAIL]) == 0
    assert json.loads(capsys.readouterr().out)["answer"] is None  # the small corpus knows nothing of 轨博会


def test_missing_corpus_is_a_clear_error(elsewhere, capsys):
    assert main(["ask", RAIL]) == 2
    err = capsys.readouterr().err
    assert err.startswith("corpus error: corpus") and "does not exist" in err


def test_ask_without_a_question_explains_itself(capsys):
    assert main(["ask"]) == 2
    assert "newsqa ask" in capsys.readouterr().err


def test_eval_prints_each_miss_then_the_figures(in_repo, tmp_path, capsys):
    questions = [
        {"id": "e1", "question": RAIL, "answer": RAIL_DATES, "article": RAIL_TITLE, "type": "time"},
        {"id": "e2", "question": OLYMPICS, "answer": None, "article": None, "type": "none"},
        {"id": "e3", "question": RAIL, "answer": "这串字不在语料里", "article": RAIL_TITLE, "type": "time"},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    assert main(["eval", str(path)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(out[-1])
    assert figures["questions"] == 3
    assert (figures["accuracy@1"], figures["no-answer precision"], figures["no-answer recall"]) == (0.5, 1.0, 1.0)
    misses = "\n".join(out[:-1])
    assert misses.startswith(f"[e3] wrong sentence first: {RAIL}")
    assert "'这串字不在语料里'" in misses and RAIL_DATES in misses
    assert "[e1]" not in misses and "[e2]" not in misses


def test_eval_of_a_bad_question_file_names_it(tmp_path, capsys):
    path = tmp_path / "set.jsonl"
    path.write_text('{"question": "轨博会在哪?", "answer": null}\n{"question": "没写完', encoding="utf-8")
    assert main(["eval", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"newsqa eval: {path}, line 2: ")


# ---------------------------------------------------------------- eval of a qa-data set, as an open corpus

PARAGRAPHS = {  # context_id: (title, context); seed 0 leaves out wiki-huangshan and wiki-xihu
    "wiki-changjiang": ("长江", "长江是中国第一长河。长江全长约6300公里,发源于青藏高原。"),
    "wiki-huangshan": ("黄山", "黄山位于安徽省南部。黄山以奇松、怪石、云海、温泉闻名。"),
    "wiki-taishan": ("泰山", "泰山是五岳之首。泰山主峰玉皇顶海拔1545米。"),
    "wiki-xihu": ("西湖", "西湖位于浙江省杭州市西部。西湖于2011年列入世界遗产名录。"),
}
QA = [{"id": i, "title": PARAGRAPHS[c][0], "context_id": c, "context": PARAGRAPHS[c][1], "question": q, "answers": a}
      for i, c, q, a in [
          ("cj-1", "wiki-changjiang", "长江发源于哪里?", ["青藏高原"]),
          ("cj-2", "wiki-changjiang", "中国第一长河有多长?", ["6300公里", "约6300公里"]),  # BM25 puts it second
          ("hs-1", "wiki-huangshan", "黄山位于哪个省?", ["安徽省"]),
          ("hs-2", "wiki-huangshan", "黄山以什么闻名?", ["奇松", "怪石"]),
          ("ts-1", "wiki-taishan", "泰山主峰海拔多少米?", ["1545米"]),
          ("xh-1", "wiki-xihu", "西湖哪年列入世界遗产名录?", ["2011年"]),
      ]]
BASELINE_FIGURES = {"questions": 6, "accuracy@1": 0.667, "accuracy@3": 1.0, "no-answer precision": 1.0,
                    "no-answer recall": 0.0, "unanswerable declined": "0/3", "answerable wrongly declined": "0/3"}


def _qa_file(path: Path, records=QA) -> Path:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_bytes(lzma.compress(text.encode(), preset=9) if path.name.endswith(".xz") else text.encode())
    return path


@pytest.mark.parametrize("name", ["tiny.jsonl", "tiny.jsonl.xz"])
def test_eval_scores_a_qa_data_file_as_an_open_corpus(elsewhere, tmp_path, capsys, name):
    path = _qa_file(tmp_path / name)
    assert main(["eval", str(path), "--baseline", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line) for line in out.splitlines()] == [BASELINE_FIGURES]  # figures only
    assert err == ""  # no progress bar for 6 questions
    assert main(["eval", str(path), "--baseline"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert json.loads(out[-1]) == BASELINE_FIGURES
    misses = "\n".join(out[:-1])
    assert misses.startswith("[cj-2] wrong sentence first: 中国第一长河有多长?")
    assert "expected: '6300公里' or '约6300公里' in 《长江》" in misses
    assert {line.split("]")[0] for line in out if line.startswith("[")} == {"[cj-2", "[hs-1", "[hs-2", "[xh-1"}


def test_eval_of_a_qa_data_file_with_the_engine(elsewhere, tmp_path, capsys):
    assert main(["eval", str(_qa_file(tmp_path / "tiny.jsonl")), "--quiet"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["questions"] == 6  # the model's answers may change with training; the split may not
    assert figures["unanswerable declined"].endswith("/3") and figures["answerable wrongly declined"].endswith("/3")


def test_eval_of_a_qa_data_file_refuses_a_corpus_and_names_a_bad_line(tmp_path, capsys):
    path = _qa_file(tmp_path / "tiny.jsonl")
    assert main(["eval", str(path), "--corpus", str(tmp_path), "--baseline"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "newsqa eval: a qa-data file is its own corpus; --corpus does not apply\n"
    path.write_text(path.read_text(encoding="utf-8") + '{"context": "文", "answers": ["文"]}\n', encoding="utf-8")
    assert main(["eval", str(path), "--baseline"]) == 2
    assert capsys.readouterr().err.startswith(f"newsqa eval: {path}, line 7: needs context_id")


def test_eval_limit_scores_the_first_questions_only(elsewhere, tmp_path, capsys):
    path = _qa_file(tmp_path / "tiny.jsonl")
    assert main(["eval", str(path), "--baseline", "--quiet", "--limit", "3"]) == 0
    figures = json.loads(capsys.readouterr().out)  # cj-1 right, cj-2 second, hs-1 left out
    assert (figures["questions"], figures["accuracy@1"], figures["unanswerable declined"]) == (3, 0.5, "0/1")
    for bad in ("0", "-2", "x"):
        with pytest.raises(SystemExit) as exit_:
            main(["eval", str(path), "--limit", bad])
        assert exit_.value.code == 2
        assert "--limit" in capsys.readouterr().err


def test_eval_shows_progress_on_stderr_above_200_questions(elsewhere, tmp_path, capsys):
    many = [{**QA[n % len(QA)], "id": f"q{n}"} for n in range(201)]
    path = _qa_file(tmp_path / "many.jsonl", many)
    assert main(["eval", str(path), "--baseline", "--quiet", "--limit", "200"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["questions"] == 200 and err == ""
    assert main(["eval", str(path), "--baseline", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["questions"] == 201 and "questions:" in err and "/201" in err


# ---------------------------------------------------------------- as installed commands

def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NEWSQA_CORPUS", "NEWSQA_SEEDS")}
    return {**env, "PYTHONIOENCODING": "utf-8"}


def _newsqa() -> str:
    found = shutil.which("newsqa") or shutil.which("newsqa", path=str(Path(sys.executable).parent))
    if not found:
        pytest.skip("the newsqa command is not installed (pip install -e .)")
    return found


def test_python_m_bot_batch_survives_bad_bytes():
    lines = [RAIL.encode(), b"\xff\xfe\xe8\xbd", *(line.encode() for line in BAD_LINES), OLYMPICS.encode()]
    result = subprocess.run([sys.executable, "-m", "bot", "ask", "--batch"], cwd=ROOT, env=_env(),
                            input=b"\n".join(lines) + b"\n", capture_output=True, timeout=120)
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(records) == len(lines)
    assert RAIL_DATES in records[0]["answer"]
    assert all(r["answer"] is None for r in records[1:-2]) and records[-1]["answer"] is None
    assert RAIL_DATES in records[-2]["answer"]  # the line with control characters still asks about 轨博会
    assert "\ufffd" in records[1]["question"]  # undecodable bytes are replaced, not fatal


def test_newsqa_alone_without_a_token_runs_the_console():
    result = subprocess.run([_newsqa()], cwd=ROOT, env=_env(), input=f"{RAIL}\n/quit\n", capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    sentence, source = result.stdout.splitlines()
    assert RAIL_DATES in sentence and source.startswith(f"——《{RAIL_TITLE}》")


def test_eval_feedback_scores_the_corrected_thumbs_down_of_a_feedback_log(tmp_path, capsys):
    from bot.answer import Candidate
    from bot.feedback import FeedbackLog

    log = FeedbackLog(tmp_path)
    wrong = Candidate(sentence="错句。", article_id="x", title="错题", byline="", score=1.0)
    for question in ("轨博会什么时候举行?", "北京冬奥会什么时候开幕?", "轨博会在哪举行?"):
        log.vote("down", said=question, question=question, candidate=wrong, chat="private", user_id=1)
    records = [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]
    records[0]["expected"] = "12月8日至11日"  # corrected by an admin: the right sentence holds this
    records[1]["expected"] = None  # corrected: should be declined
    log.path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert main(["eval", "--feedback", "--quiet", str(log.path)]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["questions"] == 2 and figures["accuracy@1"] == 1.0 and figures["unanswerable declined"] == "1/1"
    log.path.write_text(log.path.read_text(encoding="utf-8").replace('"expected"', '"note"'), encoding="utf-8")
    assert main(["eval", "--feedback", str(log.path)]) == 2
    assert "holds no corrected 👎" in capsys.readouterr().err


def test_eval_with_another_model_file_answers_with_it(elsewhere, tmp_path, capsys):
    from bot.ranker import MODEL_PATH

    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["threshold"] = 1.01  # a model that doubts everything: every question declined
    doubting = tmp_path / "doubting.json"
    doubting.write_text(json.dumps(data), encoding="utf-8")
    qa = str(_qa_file(tmp_path / "tiny.jsonl"))
    assert main(["eval", qa, "--quiet", "--model", str(doubting)]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["unanswerable declined"], figures["answerable wrongly declined"]) == ("3/3", "3/3")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert main(["eval", qa, "--model", str(tmp_path / "broken.json")]) == 2
    assert capsys.readouterr().err.startswith(f"newsqa eval: {tmp_path / 'broken.json'}: not a usable newsqa model")
