"""Load run: `newsqa telegram` against the local fake Bot API, many users asking at once, an admin /reload midway.

    python scripts/load_telegram.py                 # 200 users x 10 questions (the README figures)
    python scripts/load_telegram.py --users 20 --questions 3

Each simulated user asks in their own private chat, one question after another (the next once the previous is
answered). Every reply is checked to be exactly the reply the engine gives to that user's question, sent once, to
that user's chat. Prints the count, throughput and p50/p95 reply latency; exits 1 on any loss or duplicate.
Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fake_bot_api import Call, FakeBotApi, user  # noqa: E402  (tests/ is put on the path just above)

TOKEN = "123456789:AAHloadTestTokenNotReal-0123456789"
ADMIN_ID = 900_000_001
FIRST_USER_ID = 100_000_001
REPLY_WAIT = 60.0  # the bound on waiting for any one reply
START_WAIT = 90.0


class TimedBotApi(FakeBotApi):
    """The fake Bot API, also noting when each message reached each chat (for latencies and exactly-once checks)."""

    def __init__(self, token: str):
        super().__init__(token)
        self.delivered: dict[int, list[tuple[float, Call]]] = {}
        self._arrivals: dict[int, threading.Semaphore] = {}

    def watch(self, chat_id: int) -> None:
        self._arrivals[chat_id] = threading.Semaphore(0)

    def _record(self, call: Call) -> None:  # called with the server's lock held
        super()._record(call)
        if call.method == "sendMessage" and call.status == 200:
            chat_id = call.params.get("chat_id")
            self.delivered.setdefault(chat_id, []).append((time.perf_counter(), call))
            if chat_id in self._arrivals:
                self._arrivals[chat_id].release()

    def next_arrival(self, chat_id: int, timeout: float) -> bool:
        return self._arrivals[chat_id].acquire(timeout=timeout)


@dataclass
class Report:
    users: int
    questions: int
    expected: int
    delivered_once: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    reload_reply: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and self.delivered_once == self.expected

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")

    def lines(self) -> list[str]:
        out = [
            f"users: {self.users}, questions each: {self.questions}",
            f"replies delivered exactly once, in the right chat: {self.delivered_once} of {self.expected}",
            f"throughput: {self.delivered_once / self.seconds:.1f} replies/s over {self.seconds:.1f} s"
            if self.seconds else "throughput: n/a",
            f"reply latency: p50 {self.percentile(0.50) * 1000:.0f} ms, p95 {self.percentile(0.95) * 1000:.0f} ms, "
            f"max {max(self.latencies, default=0) * 1000:.0f} ms",
            f"admin /reload midway: {self.reload_reply or 'no reply'}",
        ]
        out += [f"PROBLEM: {p}" for p in self.problems[:20]]
        if len(self.problems) > 20:
            out.append(f"... and {len(self.problems) - 20} more problems")
        return out


def question_pool(limit: int = 24) -> list[str]:
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "paraphrase.jsonl").open(encoding="utf-8")]
    return questions[:limit] + ["北京冬奥会什么时候开幕?", "<b>轨博会</b> *几号* 开?"]  # a decline, and markup


def expected_replies(corpus: Path, questions: list[str]) -> dict[str, str]:
    """The exact text the bot sends for each question, computed with the same engine in this process."""
    from bot.answer import MAX_QUESTION_CHARS
    from bot.chat import _example
    from bot.telegram_text import answer_html, escape
    from bot.engine import Engine
    from bot.replies import decline_text

    engine = Engine.from_corpus(corpus)
    expected = {}
    for question in questions:
        result = engine.ask(question)
        expected[question] = (answer_html(result.best) if result.best is not None
                              else escape(decline_text(result, MAX_QUESTION_CHARS, _example(engine))))
    return expected


def bot_command() -> list[str]:
    installed = shutil.which("newsqa")
    return [installed, "telegram"] if installed else [sys.executable, "-m", "bot", "telegram"]


def run_load(users: int, questions: int, corpus: Path | None = None, log_path: Path | None = None,
             echo=print) -> Report:
    """Start the fake API and the bot, run the load, stop the bot; the report says what was delivered."""
    report = Report(users, questions, users * questions)
    pool = question_pool()
    with tempfile.TemporaryDirectory(prefix="newsqa-load-") as scratch:
        work = Path(scratch)
        live = work / "corpus"
        shutil.copytree(corpus or ROOT / "corpus", live)
        expected = expected_replies(live, pool)
        log_path = log_path or work / "bot.log"
        with TimedBotApi(TOKEN) as fake, log_path.open("w", encoding="utf-8") as log:
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSQA_TELEGRAM_BASE_URL": fake.base_url,
                   "NEWSQA_ADMIN_IDS": str(ADMIN_ID), "NEWSQA_CORPUS": str(live),
                   "NEWSQA_SEEDS": str(work / "no-seeds"), "NEWSQA_FLOOD_PER_MINUTE": str(max(questions * 2, 20)),
                   "NEWSQA_LOG_LEVEL": "WARNING", "PYTHONIOENCODING": "utf-8"}
            bot = subprocess.Popen(bot_command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                fake.wait_for(lambda: fake.calls_of("getUpdates") or bot.poll() is not None, START_WAIT,
                              "the bot to start polling")
                if bot.poll() is not None:
                    report.problems.append(f"the bot exited with {bot.returncode} before polling")
                    return report
                echo(f"bot polling; {users} users x {questions} questions ...")
                _drive(fake, report, users, questions, pool, expected)
            finally:
                bot.send_signal(signal.SIGINT)
                try:
                    code = bot.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    bot.kill()
                    code = bot.wait()
                    report.problems.append("the bot did not stop within 30 s of SIGINT")
        output = log_path.read_text(encoding="utf-8")
        if code != 0:
            report.problems.append(f"the bot exited with {code}: {output[-1000:]}")
        if TOKEN in output:
            report.problems.append("the token appears in the bot's output")
        if "Traceback" in output:
            report.problems.append(f"the bot logged a traceback: {output[output.index('Traceback'):][:800]}")
    return report


def _drive(fake: TimedBotApi, report: Report, users: int, questions: int, pool: list[str],
           expected: dict[str, str]) -> None:
    readers = [user(FIRST_USER_ID + n, f"读者{n}") for n in range(users)]
    admin = user(ADMIN_ID, "管理员")
    for reader in readers + [admin]:
        fake.watch(reader["id"])
    asked: dict[int, list[tuple[float, str]]] = {r["id"]: [] for r in readers}
    half = threading.Event()
    answered = [0]
    update_ids: list[int] = []
    lock = threading.Lock()

    def reader_session(n: int, reader: dict) -> None:
        for k in range(questions):
            question = pool[(n * 7 + k) % len(pool)]  # neighbours ask different things
            asked[reader["id"]].append((time.perf_counter(), question))
            update_ids.append(fake.message(question, sender=reader))
            if not fake.next_arrival(reader["id"], REPLY_WAIT):
                with lock:
                    report.problems.append(f"user {reader['id']}: no reply to question {k + 1} within {REPLY_WAIT:.0f} s")
                return
            with lock:
                answered[0] += 1
                if answered[0] * 2 >= report.expected:
                    half.set()

    def admin_session() -> None:
        half.wait(timeout=REPLY_WAIT * questions)
        update_ids.append(fake.message("/reload", sender=admin))
        if fake.next_arrival(admin["id"], REPLY_WAIT):
            report.reload_reply = fake.delivered[admin["id"]][0][1].params["text"].split("\n")[0]
        else:
            report.problems.append("the admin's /reload got no reply")

    threads = [threading.Thread(target=reader_session, args=(n, r), daemon=True) for n, r in enumerate(readers)]
    threads.append(threading.Thread(target=admin_session, daemon=True))
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REPLY_WAIT * (questions + 1))
    report.seconds = time.perf_counter() - started
    # a duplicate would come after the reply it repeats: wait until every update is confirmed and the bot is idle
    fake.wait_fetched(max(update_ids), REPLY_WAIT)  # the bot holds every update; a duplicate would follow soon
    time.sleep(1.0)
    _check(fake, report, readers, asked, expected)


def _check(fake: TimedBotApi, report: Report, readers: list[dict], asked: dict, expected: dict[str, str]) -> None:
    known_chats = {r["id"] for r in readers} | {ADMIN_ID}
    strays = sorted(set(fake.delivered) - known_chats)
    if strays:
        report.problems.append(f"messages sent to chats nobody asked from: {strays[:5]}")
    for reader in readers:
        chat_id = reader["id"]
        got = fake.delivered.get(chat_id, [])
        sent = asked[chat_id]
        if len(got) != len(sent):
            report.problems.append(f"user {chat_id}: {len(sent)} questions, {len(got)} replies")
        for (asked_at, question), (arrived_at, call) in zip(sent, got):
            if call.params["text"] != expected[question]:
                report.problems.append(f"user {chat_id}: reply to {question!r} was {call.params['text']!r}, "
                                       f"expected {expected[question]!r}")
                continue
            report.delivered_once += 1
            report.latencies.append(arrived_at - asked_at)
    admin_replies = fake.delivered.get(ADMIN_ID, [])
    if len(admin_replies) != 1:
        report.problems.append(f"the admin's /reload got {len(admin_replies)} replies")
    elif not report.reload_reply.startswith("已重新加载"):
        report.problems.append(f"the /reload reply was {report.reload_reply!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--questions", type=int, default=10, help="questions per user")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: the repository's corpus/)")
    parser.add_argument("--log", type=Path, help="keep the bot's log here")
    args = parser.parse_args(argv)
    report = run_load(args.users, args.questions, args.corpus, args.log)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
