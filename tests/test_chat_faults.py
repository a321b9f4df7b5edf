"""Bot API faults, access and markup, against the real python-telegram-bot over HTTP on 127.0.0.1.

Adds to test_chat.py (which covers 500 and 429 on getUpdates and sendMessage, the flood reply and the token in logs)
the faults a plain HTTP error status cannot show: dropped connections, before and after the server acted, and
timeouts, on getUpdates and on sendMessage. The bot must keep running, retry what is safe to retry, answer once
the API recovers, and never send a reply twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import html.parser
import logging
import time

import httpx
import pytest
from telegram.error import NetworkError
from telegram.ext import ApplicationBuilder

import bot.chat
import bot.transport
from bot.transport import SkippingUpdatesRequest
from bot.chat import ADMINS_ONLY, build_application, redact_in_logs
from bot.engine import Engine
from bot.settings import Settings
from conftest import SMALL_ARTICLES
from fake_bot_api import Call, FakeBotApi, group_chat, polling, user

TOKEN = "123456789:AAHfaultTokenForTestsOnly-0123456789"
ADMIN = user(1001, "管理员")
READER = user(2002, "读者")
OTHER = user(3003, "路人")
GROUP = group_chat(-1007007)
WAIT = 15.0
QUESTION, FACT = "湘音节什么时候举行？", "<b>10月5日至7日</b>"
SECOND, SECOND_FACT = "城东新建几所学校？", "<b>3所</b>"
READ_TIMEOUT = 1.0  # the bot's HTTP read timeout in these tests (5 s by default), so a timeout costs ~1 s
DROPPED = 0  # the status recorded for a request whose connection was cut before the server acted on it


class ConnectionCut(Exception):
    """Raised inside the fake server's request handler: the server closes the socket without an answer."""


class FaultyBotApi(FakeBotApi):
    """The fake Bot API with two more faults: a dropped connection and a slow answer (a client timeout)."""

    def __init__(self, token: str):
        super().__init__(token)
        self._server.handle_error = lambda request, address: None  # a cut connection is the point, not news
        self._network_faults: dict[str, list[tuple[str, float]]] = {}

    def drop(self, method: str, *, after: bool = False, times: int = 1) -> None:
        """Cut the next `times` connections of `method`: before the server acts, or after (the reply is lost)."""
        with self._changed:
            self._network_faults.setdefault(method, []).extend([("after" if after else "before", 0.0)] * times)

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next `times` calls of `method` only after `seconds` (past the bot's read timeout)."""
        with self._changed:
            self._network_faults.setdefault(method, []).extend([("delay", seconds)] * times)

    def handle(self, method: str, params: dict):
        with self._changed:
            faults = self._network_faults.get(method)
            kind, seconds = faults.pop(0) if faults else (None, 0.0)
            if kind == "before":
                self._record(Call(method, params, DROPPED))
                raise ConnectionCut(method)
        if kind == "delay":
            time.sleep(seconds)
        answer = super().handle(method, params)
        if kind == "after":
            raise ConnectionCut(method)
        return answer


class QuickTimeouts(ApplicationBuilder):
    """build_application's builder with short read timeouts, so a timeout test waits about a second."""

    def __init__(self) -> None:
        super().__init__()
        self.read_timeout(READ_TIMEOUT)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles(SMALL_ARTICLES)


@contextlib.asynccontextmanager
async def running(fake: FakeBotApi, engine: Engine):
    """The Application started as run_polling() starts it, stopped cleanly after."""
    undo = redact_in_logs(TOKEN)
    settings = Settings(telegram_token=TOKEN, telegram_base_url=fake.base_url, admin_ids=frozenset({ADMIN["id"]}))
    try:
        async with polling(build_application(settings, engine)) as application:
            yield application
    finally:
        undo()


def drive(engine: Engine, scenario, monkeypatch) -> FaultyBotApi:
    monkeypatch.setattr(bot.chat, "ApplicationBuilder", QuickTimeouts)
    monkeypatch.setattr(bot.chat, "SkippingUpdatesRequest", lambda: SkippingUpdatesRequest(read_timeout=READ_TIMEOUT))
    monkeypatch.setattr(bot.transport, "SERVER_ERROR_PAUSE", 0.1)

    async def run(fake: FaultyBotApi) -> None:
        async with running(fake, engine) as application:
            await scenario(fake, application)

    with FaultyBotApi(TOKEN) as fake:
        asyncio.run(asyncio.wait_for(run(fake), timeout=60))
    return fake


async def replies(fake: FakeBotApi, chat_id: int, count: int) -> list:
    return await asyncio.to_thread(fake.wait_messages, chat_id, count, WAIT)


async def settle(fake: FakeBotApi, application, update_id: int, quiet: float = 0.5) -> None:
    """Until every update up to update_id was fetched and handled, and a little longer: a retry would show by then."""
    await asyncio.to_thread(fake.wait_fetched, update_id, WAIT)
    await asyncio.wait_for(application.update_queue.join(), WAIT)
    await asyncio.sleep(quiet)


def statuses(fake: FakeBotApi, method: str) -> list[int]:
    return [c.status for c in fake.calls_of(method)]


# ---------------------------------------------------------------- getUpdates


@pytest.mark.parametrize("fault", ["dropped before", "dropped after", "timeout"])
def test_getupdates_faults_are_survived_and_the_question_answered_once(engine, monkeypatch, fault):
    async def scenario(fake, app):
        await asyncio.to_thread(fake.wait_for, lambda: fake.calls_of("getUpdates"), WAIT, "polling")
        asked = fake.message(QUESTION, sender=READER)
        if fault == "timeout":
            fake.delay("getUpdates", READ_TIMEOUT + 2.5)  # past the read timeout the bot allows a long poll
        else:
            fake.drop("getUpdates", after=fault == "dropped after", times=2)
        (reply,) = await replies(fake, READER["id"], 1)
        assert FACT in reply.params["text"]
        await settle(fake, app, asked)
        fake.message(SECOND, sender=READER)
        assert SECOND_FACT in (await replies(fake, READER["id"], 2))[1].params["text"]
        return asked

    fake = drive(engine, scenario, monkeypatch)
    assert len(fake.messages_to(READER["id"])) == 2  # an update fetched twice is still answered once


# ---------------------------------------------------------------- sendMessage


@pytest.mark.parametrize("fault", ["dropped before the server acted", "dropped after", "timeout"])
def test_sendmessage_whose_fate_is_unknown_is_not_sent_twice_and_the_bot_goes_on(engine, monkeypatch, caplog, fault):
    """No answer from the server: the message may have been sent, and resending would show the reader a duplicate.
    The bot cannot tell a cut before from a cut after, so it sends once, logs the update, and goes on."""
    async def scenario(fake, app):
        if fault == "timeout":
            fake.delay("sendMessage", READ_TIMEOUT + 1.0)
        else:
            fake.drop("sendMessage", after=fault == "dropped after")
        asked = fake.message(QUESTION, sender=READER)
        await settle(fake, app, asked, quiet=READ_TIMEOUT + 1.5)  # the delayed answer lands; a retry would too
        assert f"update {asked} failed" in caplog.text  # logged, with the update it belongs to
        fake.message(SECOND, sender=READER)
        await asyncio.to_thread(fake.wait_for, lambda: any(SECOND_FACT in m.params["text"]
                                                           for m in fake.messages_to(READER["id"])), WAIT, "reply")

    fake = drive(engine, scenario, monkeypatch)
    first, second = fake.calls_of("sendMessage")  # one attempt for each question, never a resend
    assert FACT in first.params["text"] and SECOND_FACT in second.params["text"]
    assert len(fake.messages_to(READER["id"])) == (1 if fault == "dropped before the server acted" else 2)
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("cause, attempts", [
    (httpx.ConnectError("connection refused"), 2),  # never reached the server: safe to send again
    (httpx.RemoteProtocolError("server disconnected"), 1),  # the request went out: may have been delivered
    (httpx.ReadError("connection reset"), 1),
    (None, 2),  # an HTTP 5xx from the server: it did not act
])
def test_deliver_retries_only_what_cannot_have_arrived(monkeypatch, cause, attempts):
    monkeypatch.setattr(bot.transport, "SERVER_ERROR_PAUSE", 0)
    made = []

    async def call():
        made.append(1)
        if len(made) == 1:
            error = NetworkError(f"httpx.{type(cause).__name__}: {cause}" if cause else "Internal Server Error (500)")
            raise error from cause
        return True

    async def attempt():
        with contextlib.suppress(NetworkError):
            await bot.transport.deliver(call)

    asyncio.run(attempt())
    assert len(made) == attempts


def test_a_long_outage_of_every_kind_is_survived_and_the_bot_answers_after(engine, monkeypatch, caplog):
    async def scenario(fake, app):
        await asyncio.to_thread(fake.wait_for, lambda: fake.calls_of("getUpdates"), WAIT, "polling")
        fake.fail("getUpdates", status=502, times=2)
        fake.drop("getUpdates", times=2)
        fake.fail("getUpdates", status=429, retry_after=1)
        fake.fail("sendMessage", status=500)
        fake.fail("sendMessage", status=429, retry_after=1)
        asked = fake.message(QUESTION, sender=READER)
        (reply,) = await replies(fake, READER["id"], 1)
        assert FACT in reply.params["text"]
        await settle(fake, app, asked)

    fake = drive(engine, scenario, monkeypatch)
    assert statuses(fake, "sendMessage") == [500, 429, 200]
    assert len(fake.messages_to(READER["id"])) == 1
    assert TOKEN not in caplog.text


# ---------------------------------------------------------------- access


def test_admin_commands_check_the_sender_on_every_call_in_private_chats_and_groups(monkeypatch, small_corpus, caplog):
    engine = Engine.from_corpus(small_corpus)

    async def scenario(fake, app):
        steps = [
            (OTHER, None, "/reload", False), (ADMIN, None, "/reload", True), (OTHER, None, "/reload", False),
            (OTHER, GROUP, "/reload", False), (ADMIN, GROUP, "/reload@newsqa_test_bot", True),
            (OTHER, GROUP, "/reload@newsqa_test_bot", False), (OTHER, GROUP, "/stats", False),
            (ADMIN, GROUP, "/stats", True), (OTHER, None, "/stats", False), (ADMIN, None, "/stats", True),
        ]
        sent = {}
        for sender, chat, command, allowed in steps:
            chat_id = (chat or sender)["id"]
            fake.message(command, sender=sender, chat=chat)
            sent[chat_id] = sent.get(chat_id, 0) + 1
            reply = (await replies(fake, chat_id, sent[chat_id]))[-1].params["text"]
            refusal = ADMINS_ONLY.format(command=command.split("@")[0])
            assert (reply != refusal) is allowed, (sender["first_name"], command, reply)
            assert TOKEN not in reply
            if allowed and command.startswith("/reload"):
                assert reply.startswith("已重新加载：4 篇文章")

    drive(engine, scenario, monkeypatch)
    assert caplog.text.count(f"to user {OTHER['id']}: not in NEWSQA_ADMIN_IDS") == 6


# ---------------------------------------------------------------- markup in questions


class TelegramHtml(html.parser.HTMLParser):
    """Accepts only what the bot may send in HTML parse mode: <b> pairs and the three escapes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open = 0
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag != "b" or attrs or self.open:
            self.problems.append(f"<{tag}>")
        self.open += 1

    def handle_endtag(self, tag):
        self.open -= 1
        if tag != "b" or self.open < 0:
            self.problems.append(f"</{tag}>")

    def handle_entityref(self, name):
        if name not in ("lt", "gt", "amp"):
            self.problems.append(f"&{name};")

    def handle_charref(self, name):
        self.problems.append(f"&#{name};")


MARKUP_QUESTIONS = [
    "<b>湘音节</b>什么时候举行？", "<script>alert(1)</script>", "湘音节 & 门票 <i>多少钱</i>?", "*湘音节* _什么时候_ `举行`?",
    "[湘音节](http://example.com) 在哪里举行?", "&lt;b&gt; 城东新建几所学校？", "/ask <a href='x'>城东</a>新建几所学校？",
    "/nosuchcommand <b>", "湘音节" * 200, "😀<b>" * 300,
]


def test_html_and_markdown_in_questions_never_reach_a_reply_unescaped(engine, monkeypatch):
    async def scenario(fake, app):
        for question in MARKUP_QUESTIONS:
            fake.message(question, sender=READER)
        return await replies(fake, READER["id"], len(MARKUP_QUESTIONS))

    fake = drive(engine, scenario, monkeypatch)
    sent = fake.messages_to(READER["id"])
    assert len(sent) == len(MARKUP_QUESTIONS)
    for call in sent:
        checker = TelegramHtml()
        checker.feed(call.params["text"])
        checker.close()
        assert checker.problems == [] and checker.open == 0, call.params["text"]
        assert call.params.get("parse_mode") == "HTML"
    texts = [c.params["text"] for c in sent]
    assert any(t.startswith("问题太长了") for t in texts)  # the over-long ones get the polite reply
    assert "<script>" not in "".join(texts)


# ---------------------------------------------------------------- the token


def test_token_is_kept_out_of_stats_errors_and_logs_when_everything_fails(engine, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)

    async def scenario(fake, app):
        fake.fail("sendMessage", status=500, times=3)
        lost = fake.message(QUESTION, sender=READER)
        await settle(fake, app, lost)
        fake.drop("getUpdates")
        fake.message("/stats", sender=ADMIN)
        (stats,) = await replies(fake, ADMIN["id"], 1)
        assert TOKEN not in stats.params["text"] and "123456789" not in stats.params["text"]

    drive(engine, scenario, monkeypatch)
    assert "failed" in caplog.text
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        if record.exc_info:
            assert TOKEN not in str(record.exc_info[1])
