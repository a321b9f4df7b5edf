"""The load run at small scale: `newsqa telegram` against the fake Bot API, users asking at once, an admin /reload
midway; every question gets exactly one reply, the right one, in the asker's chat. No timing is asserted."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

from load_telegram import run_load  # noqa: E402


def test_every_question_gets_exactly_one_reply_in_its_chat_under_concurrent_load(tmp_path):
    report = run_load(users=20, questions=3, log_path=tmp_path / "bot.log", echo=lambda *_: None)
    assert report.problems == [], "\n".join(report.lines())
    assert report.delivered_once == report.expected == 60
    assert report.reload_reply.startswith("已重新加载：15 篇文章")
