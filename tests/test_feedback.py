"""The feedback log: whole lines or nothing, user ids only as salted hashes, latest entries, the regression set."""

from __future__ import annotations

import errno
import json
import os

import pytest

from bot.answer import Candidate
from bot.feedback import FeedbackError, FeedbackLog, regression_set

ANSWER = Candidate(sentence="湘音节将于10月5日至7日举行。", article_id="t-001", title="湘江音乐节 下月开幕", byline="",
                   score=1.0)


def lines(log: FeedbackLog) -> list[dict]:
    return [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]


def test_votes_and_declines_are_appended_with_hashed_users_and_read_back_newest_first(tmp_path):
    log = FeedbackLog(tmp_path / "feedback")
    log.vote("down", said="湘音节几号？", question="湘音节几号？", candidate=ANSWER, chat="private", user_id=2002)
    log.declined(said="火星呢？", question="火星呢？", reason="no match", chat="group", user_id=2002)
    log.declined(said="", question="", reason="empty", chat="group", user_id=2002)  # not a question: not logged
    log.vote("down", said="那它呢？", question="湘音节在哪？", candidate=ANSWER, chat="console", user_id=None)
    first, second, third = lines(log)
    assert first["user"] == second["user"] != "2002" and len(first["user"]) == 16
    assert third["user"] is None and third["said"] == "那它呢？" and "said" not in first
    assert FeedbackLog(tmp_path / "feedback")._user(2002) == first["user"]  # the salt is kept: hashes stay stable
    downs, declines = log.latest()
    assert [d.question for d in downs] == ["湘音节在哪？", "湘音节几号？"]
    assert [d.question for d in declines] == ["火星呢？"]
    assert oct(os.stat(log.path).st_mode & 0o777) == "0o600"


def test_a_line_cut_short_by_a_crash_is_skipped_and_the_next_record_starts_on_its_own_line(tmp_path):
    log = FeedbackLog(tmp_path)
    log.vote("up", said="q", question="q", candidate=ANSWER, chat="private", user_id=1)
    with log.path.open("a", encoding="utf-8") as file:
        file.write('{"time": "2026-11-28T12:00:00Z", "vote": "do')
    log.vote("down", said="q2", question="q2", candidate=ANSWER, chat="private", user_id=1)
    assert [d.question for d in log.latest()[0]] == ["q2"]
    assert log.path.read_text(encoding="utf-8").splitlines()[2].startswith('{"time"')


def test_a_full_disk_leaves_the_log_as_it_was_and_says_so_with_the_path(tmp_path, monkeypatch):
    log = FeedbackLog(tmp_path)
    log.vote("up", said="q", question="q", candidate=ANSWER, chat="private", user_id=1)
    before = log.path.read_bytes()
    real_write = os.write

    def half_then_full(fd, data):
        real_write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(FeedbackError, match="磁盘已满") as caught:
        log.vote("down", said="q", question="q", candidate=ANSWER, chat="private", user_id=1)
    assert str(log.path) in str(caught.value)
    monkeypatch.undo()
    assert log.path.read_bytes() == before


def test_corrected_thumbs_down_become_a_regression_set(tmp_path):
    log = FeedbackLog(tmp_path)
    for question in ("湘音节几号？", "湘音节在哪？", "火星呢？"):
        log.vote("down", said=question, question=question, candidate=ANSWER, chat="private", user_id=1)
    log.vote("up", said="好问题？", question="好问题？", candidate=ANSWER, chat="private", user_id=1)
    records = lines(log)
    records[0]["expected"] = "湘音节将于10月5日至7日在长沙橘子洲举行。"  # what an admin adds by hand
    records[2]["expected"] = None  # the bot should have declined
    records[3]["expected"] = "an up vote is never a regression case"
    log.path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert regression_set(log.path) == [
        {"id": "feedback-1", "question": "湘音节几号？", "answer": "湘音节将于10月5日至7日在长沙橘子洲举行。",
         "article": "湘江音乐节 下月开幕", "type": "feedback"},
        {"id": "feedback-3", "question": "火星呢？", "answer": None, "article": "湘江音乐节 下月开幕", "type": "feedback"},
    ]
