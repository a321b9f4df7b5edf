"""The console through real text streams: run_repl in-process, `newsqa console` as a process, and on a terminal."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console import run_repl
from bot.corpus import Article, write_corpus_file
from bot.engine import Engine
from bot.replies import NO_LAST_ANSWER, NOTHING_MORE, WRONG_CONSOLE, cited_answer

ROOT = Path(__file__).resolve().parent.parent
RAIL = "轨博会什么时候举行?"
RAIL_DATES = "12月8日至11日"
RAIL_SOURCE = "——《2021 轨博会下周在株举行》 株洲日报 2021年12月1日（记者/任远）"
OLYMPICS = "北京冬奥会什么时候开幕?"
DECLINE = "抱歉，语料里没有找到能回答这个问题的句子。"


def converse(engine: Engine, *lines: str) -> list[str]:
    """Feed lines to the console as a pipe would; return what it printed, line by line."""
    out = io.StringIO()
    assert run_repl(engine, io.StringIO("".join(f"{line}\n" for line in lines)), out, interactive=False) == 0
    return out.getvalue().splitlines()


def test_question_gets_the_sentence_and_its_source(seed_engine):
    sentence, source = converse(seed_engine, RAIL)
    assert RAIL_DATES in sentence
    assert source == RAIL_SOURCE


def test_unanswerable_question_is_declined(seed_engine):
    assert converse(seed_engine, OLYMPICS)[0] == DECLINE


def test_more_walks_the_candidates_then_says_there_are_no_more(seed_engine):
    candidates = seed_engine.ask(RAIL).candidates
    printed = converse(seed_engine, RAIL, *["/more"] * len(candidates))
    expected = [candidates[0].sentence, RAIL_SOURCE]
    for candidate in candidates[1:]:
        expected += [candidate.sentence, f"——《{candidate.title}》 株洲日报 2021年12月1日（{candidate.byline}）"]
    assert printed == expected + [NOTHING_MORE]


def test_source_prints_the_whole_article_of_the_last_answer(seed_engine):
    article = next(a for a in seed_engine.knowledge.articles if a.title == "2021 轨博会下周在株举行")
    printed = converse(seed_engine, RAIL, "/source")
    assert printed[2] == "《2021 轨博会下周在株举行》（记者/任远）"
    assert printed[3:] == article.text.split("\n")


def test_more_and_source_before_any_question(seed_engine):
    assert converse(seed_engine, "/more", "/source") == [NO_LAST_ANSWER, NO_LAST_ANSWER]


def test_more_and_source_keep_the_last_answer_across_declines_and_empty_lines(seed_engine):
    candidates = seed_engine.ask(RAIL).candidates
    printed = converse(seed_engine, RAIL, OLYMPICS, "", "/more", "/source")
    assert printed[2] == DECLINE and printed[4].startswith("请输入一个问题")
    assert printed[5:7] == cited_answer(candidates[1]).split("\n")
    assert printed[7] == f"《{candidates[1].title}》（{candidates[1].byline}）"  # the article of the sentence shown


def test_help_lists_the_commands_and_the_corpus(seed_engine):
    text = "\n".join(converse(seed_engine, "/help"))
    for command in ("/help", "/more", "/source", "/reload", "/quit"):
        assert command in text
    assert "15 篇文章" in text


def test_unknown_command_is_named(seed_engine):
    assert converse(seed_engine, "/frobnicate now") == ["未知命令 /frobnicate。输入 /help 查看可用命令。"]


def test_quit_stops_reading(seed_engine):
    assert converse(seed_engine, "/quit", RAIL) == []


def test_end_of_input_leaves_cleanly(seed_engine):
    assert converse(seed_engine) == []


@pytest.mark.parametrize("question, reply", [
    ("", "请输入一个问题"),
    (" \t  ", "请输入一个问题"),
    ("轨" * 10_000, "问题太长了（10000 字）"),
    ("😀🎉", ""),
    ("When is the rail expo?", "我只能回答用中文提的问题"),
    ("\x00\x07\x1b[2J\x7f", ""),
])
def test_bad_input_gets_a_clear_reply(seed_engine, question, reply):
    printed = converse(seed_engine, question, RAIL)
    assert printed[-2:] == [printed[-2], RAIL_SOURCE]  # the console is still answering afterwards
    replies = printed[:-2]
    assert replies and all(replies)
    assert replies[0].startswith(reply)
    assert not any(RAIL_DATES in line for line in replies)


# ---------------------------------------------------------------- /reload

MUSEUM = Article(id="m-001", title="株洲博物馆 新馆开放", byline="记者/钱七", text=(
    "株洲博物馆新馆于3月18日正式开放,展厅面积1.2万平方米。\n"
    "新馆每周一闭馆,其余时间免费参观。"))


def test_reload_reads_a_new_file_and_a_broken_one_keeps_the_old_index(small_corpus):
    engine = Engine.from_corpus(small_corpus)
    write_corpus_file(small_corpus / "museum.jsonl", [MUSEUM])
    printed = converse(engine, "/reload", "株洲博物馆新馆什么时候开放?")
    assert printed[0].startswith("已重新加载：5 篇文章，")
    assert "3月18日" in printed[1] and printed[2] == "——《株洲博物馆 新馆开放》（记者/钱七）"

    (small_corpus / "broken.jsonl").write_text(MUSEUM.to_json().replace("m-001", "m-002") + "\n{\"id\": \"m-3\", \"ti",
                                              encoding="utf-8")
    printed = converse(engine, "/reload", "株洲博物馆新馆什么时候开放?")
    assert printed[0].startswith("重新加载失败，继续使用原来的语料：")
    assert "broken.jsonl, line 2" in printed[0]
    assert "3月18日" in printed[1]
    assert engine.article_count == 5


# ---------------------------------------------------------------- the real command

def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NEWSQA_CORPUS", "NEWSQA_SEEDS")}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def _read_until(stream, marker: str) -> str:
    """Lines from the console up to the one holding marker (or the end of its output)."""
    lines = []
    while line := stream.readline():
        lines.append(line)
        if marker in line:
            break
    return "".join(lines)


def test_newsqa_console_through_a_pipe(tmp_path):
    """A whole session: question, /more, /source, /help, unknown command, /reload good and broken, /quit."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console", "--corpus", str(corpus)], cwd=tmp_path, env=_env(),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        process.stdin.write(f"{RAIL}\n/mark-1\n")
        process.stdin.flush()
        first = _read_until(process.stdout, "/mark-1")  # the index is loaded once this arrives
        write_corpus_file(corpus / "museum.jsonl", [MUSEUM])
        process.stdin.write("/more\n/source\n/help\n/reload\n株洲博物馆新馆什么时候开放?\n/mark-2\n")
        process.stdin.flush()
        second = _read_until(process.stdout, "/mark-2")
        (corpus / "zz-broken.jsonl").write_bytes(b'{"id": "x", "title": "\xff", "text": "x"}\n')
        out, err = process.communicate(f"/reload\n{RAIL}\n/quit\n{OLYMPICS}\n", timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert first.splitlines() == [first.splitlines()[0], RAIL_SOURCE, "未知命令 /mark-1。输入 /help 查看可用命令。"]
    assert RAIL_DATES in first
    assert "《2021 轨博会下周在株举行》（记者/任远）\n" in second and "/reload  " in second
    assert "已重新加载：16 篇文章" in second and "3月18日" in second
    lines = out.splitlines()
    assert lines[0].startswith("重新加载失败") and "zz-broken.jsonl, line 1" in lines[0] and "UTF-8" in lines[0]
    assert RAIL_DATES in lines[1] and lines[2] == RAIL_SOURCE
    assert len(lines) == 3  # nothing after /quit


@pytest.fixture
def terminal():
    """`newsqa console` on a pseudo-terminal, at its first prompt (skipped where pexpect is not installed)."""
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "bot", "console"], cwd=str(ROOT), env=_env(), encoding="utf-8",
                          timeout=30, dimensions=(40, 200))
    child.expect("问> ")
    yield child
    child.close(force=True)


def _expect_clean_exit(child) -> None:
    import pexpect

    child.expect(pexpect.EOF)
    child.close()
    assert (child.exitstatus, child.signalstatus) == (0, None)
    assert "Traceback" not in child.before


def test_terminal_prompt_history_and_ctrl_d(terminal):
    terminal.sendline(RAIL)
    terminal.expect(RAIL_DATES)
    terminal.expect("问> ")
    terminal.send("\x1b[A\r")  # up-arrow: readline recalls the last question
    terminal.expect(RAIL_DATES)
    terminal.expect("问> ")
    terminal.sendeof()
    _expect_clean_exit(terminal)


def test_terminal_ctrl_c_leaves_cleanly(terminal):
    import pexpect

    terminal.sendintr()
    # CPython's readline notices a SIGINT that lands between printing the prompt and waiting for a key only at the
    # next key (seen in two full test runs, never alone): a reader who presses Ctrl-C again gets out
    if terminal.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=10) == 1:
        terminal.sendintr()
    _expect_clean_exit(terminal)


# ---------------------------------------------------------------- talking: small talk and follow-ups, as on Telegram


def test_small_talk_gets_a_short_reply_not_a_decline(seed_engine):
    printed = converse(seed_engine, "谢谢", "答错了", "你好")
    assert printed[0] == "不客气！还有想知道的，直接问我。"
    assert printed[1] == WRONG_CONSOLE and "/bad" in printed[1]
    assert printed[2].startswith("你好！") and DECLINE not in printed


def test_a_follow_up_is_answered_about_the_previous_question_and_a_new_topic_starts_afresh(seed_engine):
    printed = converse(seed_engine, RAIL, "那它在哪举行？", "那签约了几个？", OLYMPICS)
    assert printed[0:2] == [seed_engine.ask(RAIL).sentence, RAIL_SOURCE]
    # a follow-up says what it was taken to ask, above its answer; a question of its own does not
    assert printed[2] == "（接上一个问题：轨博会在哪举行？）" and "在株洲举行" in printed[3]
    assert printed[5] == "（接上一个问题：轨博会签约了几个？）" and "签约项目23个" in printed[6]
    assert printed[8] == DECLINE


def test_a_guessed_follow_up_the_paper_cannot_answer_is_answered_as_asked(seed_engine):
    printed = converse(seed_engine, RAIL, "打了多少剂次")  # no noun of its own: first read as about 轨博会, declined
    assert "641万余剂次" in printed[2] and "接上一个问题" not in printed[2]
    assert printed[3].startswith("——《全市累计完成疫苗接种")


def test_good_and_bad_vote_on_the_answer_shown_last_with_its_question(seed_engine, tmp_path):
    from bot.feedback import FeedbackLog

    log = FeedbackLog(tmp_path / "feedback")
    out = io.StringIO()
    lines = [RAIL, "那它在哪举行？", "/more", "/bad", OLYMPICS, "/good"]
    run_repl(seed_engine, io.StringIO("\n".join(lines) + "\n"), out, interactive=False, feedback=log)
    printed = out.getvalue().splitlines()
    assert f"已记下 👎（轨博会在哪举行？），管理员会在 {log.path} 里看到并改正。" in printed
    assert "已记下 👍（轨博会在哪举行？）。" == printed[-1]  # the decline in between does not take the vote
    down, up = [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]
    shown = seed_engine.ask("轨博会在哪举行？").candidates[1].sentence  # /more showed the second candidate
    assert (down["vote"], down["said"], down["answer"], down["chat"], down["user"]) == (
        "down", "那它在哪举行？", shown, "console", None)
    assert up["vote"] == "up"


def test_votes_without_a_feedback_log_or_an_answer_say_so(seed_engine):
    assert converse(seed_engine, "/bad", RAIL, "/good")[0] == NO_LAST_ANSWER
    assert converse(seed_engine, RAIL, "/good")[-1] == "这个控制台没有反馈记录，评价没有保存。"


@pytest.mark.parametrize("env, said", [
    ({"NEWSQA_LOG_LEVEL": "LOUD"}, "configuration error: NEWSQA_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR"),
    ({"NEWSQA_CORPUS": "no-such-folder"}, "corpus error: no-such-folder: corpus folder does not exist"),
])
def test_console_configuration_errors_are_one_line_and_exit_2(tmp_path, env, said):
    done = subprocess.run([sys.executable, "-m", "bot", "console"], cwd=tmp_path, input="轨博会?\n",
                          env={**_env(), "PYTHONPATH": str(ROOT), **env}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [said] and done.stdout == ""
