"""Shared fixtures: a small Chinese corpus of our own, and isolation from the caller's environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import Article, write_corpus_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_2164a063d2e08902.txt"

SMALL_ARTICLES = [
    Article(id="t-001", title="湘江音乐节 下月开幕", byline="记者/张三", text=(
        "本报讯 2030湘江国际流行音乐节(以下简称“湘音节”)将于10月5日至7日在长沙橘子洲举行。\n"
        "湘音节由长沙市文旅局主办,每年一届,今年预计吸引观众12万人次。\n"
        "主办方介绍,门票分为三档,最低80元。")),
    Article(id="t-002", title="城东新建三所学校", byline="记者/李四", text=(
        "城东区今年新建学校3所,总投资4.5亿元,新增学位5400个。\n"
        "区教育局局长王海峰表示,新学校将于明年9月投入使用。")),
    Article(id="t-003", title="株洲图书馆延长开放时间", byline="记者/王五", text=(
        "从12月1日起,株洲市图书馆每天开放至晚上9点。\n"
        "延长开放时间是为了方便上班族下班后借阅图书。\n"
        "馆长刘芳说,去年全馆接待读者86万人次。")),
    Article(id="t-004", title="暴雨过后抢修道路", byline="记者/赵六", text=(
        "受连日暴雨影响,芦淞区两条道路出现塌方。\n"
        "区住建局组织40名工人连夜抢修,道路已于昨天恢复通行。")),
]


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch):
    """No test sees the developer's Telegram token, admins or corpus choice."""
    for name in ("TELEGRAM_BOT_TOKEN", "NEWSQA_ADMIN_IDS", "NEWSQA_TELEGRAM_BASE_URL", "NEWSQA_CORPUS",
                 "NEWSQA_SEEDS", "NEWSQA_FLOOD_PER_MINUTE", "NEWSQA_LOG_LEVEL", "NEWSQA_FEEDBACK_DIR",
                 "NEWSQA_TELEGRAM_FILE_URL", "NEWSQA_WEBHOOK_URL", "NEWSQA_WEBHOOK_LISTEN", "NEWSQA_UPLOAD_MAX_BYTES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    """A corpus folder holding four short articles of our own."""
    folder = tmp_path / "corpus"
    write_corpus_file(folder / "small.jsonl", SMALL_ARTICLES)
    return folder


@pytest.fixture(scope="session")
def seed_engine():
    """The engine over the committed corpus built from the seed page (built once per test session)."""
    from bot.engine import Engine

    return Engine.from_corpus(ROOT / "corpus")


@pytest.fixture
def unused_port() -> int:
    """A loopback TCP port nothing listens on (bound and released, so the kernel just handed it out)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
