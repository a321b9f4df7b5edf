"""The Telegram adapter: pure formatting and state first, then the real python-telegram-bot over real HTTP
against a fake Bot API server on 127.0.0.1, and last `python -m bot telegram` as a subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

import pytest
from telegram import Chat, Message, MessageEntity, User

from bot.answer import Answer, Candidate
from bot.chat import (
    ADMINS_ONLY, DOCUMENT_REFUSED, EDITED, FAILED, NO_MESSAGE, REDACTED, SLOW_DOWN, SOURCE_CUT, SOURCE_MAX_MESSAGES,
    TEXT_ONLY, UNKNOWN_COMMAND, addressed_text, build_application, help_text, redact_in_logs,
)
from bot.telegram_text import ANSWER_MAX_CHARS, answer_html, article_messages, telegram_length
from bot.cli import main
from bot.corpus import Article, write_corpus_file
from bot.dialogue import KEEP, Conversation
from bot.feedback import FeedbackLog
from bot.engine import Engine
from bot.replies import DECLINE, DECLINE_HINT, NO_LAST_ANSWER, NOTHING_MORE, WRONG_TELEGRAM, example_questions
from bot.settings import Settings
from conftest import ROOT, SMALL_ARTICLES
from fake_bot_api import BOT_USER, FakeBotApi, group_chat, polling, replies, settle, user

TOKEN = "123456789:AAHfakeTokenForTestsOnly-0123456789"
ADMIN = user(1001, "管理员")
READER = user(2002, "读者")
GROUP = group_chat(-1005005)
WAIT = 15.0  # the bound on any single wait; a passing test waits milliseconds
# ptb's own RetryAfter constructor reads its deprecated int-valued retry_after; nothing newsqa can change
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")

FILLER = "市民反映公交线路调整以后出行更加方便,相关部门表示将继续听取各方意见。"
LONG_ARTICLE = Article(id="t-005", title="磁浮快线运营报告", byline="记者/钱七", text="\n".join(
    ["本报讯 长沙磁浮快线全长18.55公里,今天起延长运营时间。"] + [f"第{n}部分。{FILLER * 24}" for n in range(1, 13)]))
LONG_QUESTION = "磁浮快线什么时候延长运营时间？"
# questions the small corpus answers; the expected reply is computed from the engine, so tuning it breaks nothing here
FESTIVAL, SCHOOLS, LIBRARY = "湘音节什么时候举行？", "城东新建几所学校？", "株洲图书馆开放到几点？"


def answer_to(engine: Engine, question: str) -> str:
    return answer_html(engine.ask(question).best)


def candidate(sentence: str, fact: str | None = None, title: str = "标题", byline: str = "记者/甲") -> Candidate:
    return Candidate(sentence=sentence, article_id="a-1", title=title, byline=byline, score=1.0, fact=fact)


# ================================================================ state and help, no network


def test_conversation_walks_the_candidates_and_forgets_old_questions():
    answer = Answer(question="q", kind="time", candidates=(candidate("一。"), candidate("二。")), declined=False)
    memory = Conversation()
    first = memory.remember("q", "q", answer)
    assert memory.get().next().sentence == "二。"
    assert memory.get(first).next() is None
    for _ in range(KEEP):
        memory.remember("q", "q", answer)
    assert memory.get(first) is None
    assert memory.get() is memory.get(memory.latest)


def _message(text: str, chat_type: str, entities=(), reply_to: Message | None = None) -> Message:
    chat = Chat(id=1 if chat_type == "private" else -1, type=chat_type)
    return Message(message_id=5, date=None, chat=chat, text=text, entities=entities, reply_to_message=reply_to,
                   from_user=User(id=9, first_name="读者", is_bot=False))


def test_addressed_text_in_groups_needs_a_mention_or_a_reply_and_drops_the_mention():
    bot = User(id=BOT_USER["id"], first_name="NewsQA", is_bot=True)
    mention = "@newsqa_test_bot"
    assert addressed_text(_message("轨博会?", "private"), "newsqa_test_bot", bot.id) == "轨博会?"
    assert addressed_text(_message("轨博会?", "supergroup"), "newsqa_test_bot", bot.id) is None
    tagged = _message(f"{mention} 轨博会?", "group", (MessageEntity("mention", 0, len(mention)),))
    assert addressed_text(tagged, "NewsQA_Test_Bot", bot.id) == "轨博会?"
    other = _message("@someone_else 轨博会?", "group", (MessageEntity("mention", 0, 13),))
    assert addressed_text(other, "newsqa_test_bot", bot.id) is None
    answer = Message(message_id=4, date=None, chat=Chat(-1, "group"), text="答", from_user=bot)
    assert addressed_text(_message("那门票呢?", "group", reply_to=answer), "newsqa_test_bot", bot.id) == "那门票呢?"


def test_help_text_names_the_corpus_and_two_example_questions_from_it(seed_engine):
    text = help_text(seed_engine, "newsqa_test_bot")
    assert f"{seed_engine.article_count} 篇文章" in text and "来源：株洲日报 2021年12月1日" in text
    assert ".txt" not in text and ".jsonl" not in text  # papers and dates, not file names
    examples = example_questions(seed_engine.knowledge.articles)
    assert len(examples) == 2 and all(f"• {q}" in text for q in examples)


def test_redact_in_logs_scrubs_message_arguments_and_traceback(caplog):
    undo = redact_in_logs(TOKEN)
    try:
        log = logging.getLogger("bot.test")
        log.warning("url %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
        try:
            raise RuntimeError(f"cannot reach /bot{TOKEN}/getUpdates")
        except RuntimeError:
            log.exception("polling failed")
    finally:
        undo()
    assert TOKEN not in caplog.text
    assert caplog.text.count(REDACTED) >= 2


@pytest.fixture
def restore_logging():
    """run_telegram() installs log redaction for the life of the process; tests put it back."""
    factory = logging.getLogRecordFactory()
    yield
    logging.setLogRecordFactory(factory)


@pytest.mark.parametrize("env, variable", [
    ({}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSQA_ADMIN_IDS": "12,alice"}, "NEWSQA_ADMIN_IDS"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSQA_TELEGRAM_BASE_URL": "localhost:8081"}, "NEWSQA_TELEGRAM_BASE_URL"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSQA_TELEGRAM_BASE_URL": "http://h:8081/api"}, "NEWSQA_TELEGRAM_BASE_URL"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSQA_CORPUS": "/nonexistent/corpus"}, "NEWSQA_CORPUS"),
])
def test_a_missing_or_malformed_setting_stops_the_start_naming_the_variable(env, variable, monkeypatch, capsys,
                                                                           restore_logging):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["telegram"]) == 2
    err = capsys.readouterr().err
    assert variable in err
    assert TOKEN not in err


# ================================================================ the real library over real HTTP


@pytest.fixture(scope="module")
def small_engine():
    """Four short articles and one long one (for /source splitting), shared by tests that do not reload."""
    return Engine.from_articles([*SMALL_ARTICLES, LONG_ARTICLE])


def settings_for(fake: FakeBotApi, **overrides) -> Settings:
    return Settings(telegram_token=TOKEN, telegram_base_url=fake.base_url, admin_ids=frozenset({ADMIN["id"]}),
                    **overrides)


@contextlib.asynccontextmanager
async def running(fake: FakeBotApi, engine: Engine, feedback: FeedbackLog | None = None, **overrides):
    """build_application() over the engine, polling the fake server, with the token scrubbed from logs."""
    undo = redact_in_logs(TOKEN)
    try:
        async with polling(build_application(settings_for(fake, **overrides), engine, feedback)) as application:
            yield application
    finally:
        undo()


def drive(engine: Engine, scenario, **overrides) -> FakeBotApi:
    """Run scenario(fake, application) against a fresh fake server and bot; returns the server for its record."""
    async def run(fake: FakeBotApi) -> None:
        async with running(fake, engine, **overrides) as application:
            await scenario(fake, application)

    with FakeBotApi(TOKEN) as fake:
        asyncio.run(asyncio.wait_for(run(fake), timeout=60))
    return fake


def texts(calls) -> list[str]:
    return [c.params["text"] for c in calls]


def button(call, label: str) -> str:
    """The callback data of the inline button with that label under a sent message."""
    rows = call.params["reply_markup"]["inline_keyboard"]
    return next(b["callback_data"] for row in rows for b in row if b["text"] == label)


def test_start_describes_the_corpus_and_registers_the_command_list(seed_engine):
    async def scenario(fake, app):
        fake.message("/start", sender=READER)
        fake.message("/help", sender=READER)
        start, help_reply = await replies(fake, READER["id"], 2)
        assert start.params["text"] == help_reply.params["text"] == help_text(seed_engine, BOT_USER["username"])
        assert "15 篇文章" in start.params["text"]

    fake = drive(seed_engine, scenario)
    registered = fake.calls_of("setMyCommands")
    everyone = [c for c in registered if "scope" not in c.params]
    admins = [c for c in registered if c.params.get("scope", {}).get("chat_id") == ADMIN["id"]]
    assert [c["command"] for c in everyone[0].params["commands"]] == ["ask", "more", "source", "articles", "help"]
    assert [c["command"] for c in admins[0].params["commands"]][-3:] == ["reload", "stats", "feedback"]


def test_articles_lists_the_newest_articles_with_date_and_paper(seed_engine):
    async def scenario(fake, app):
        fake.message("/articles", sender=READER)
        (reply,) = await replies(fake, READER["id"], 1)
        lines = reply.params["text"].splitlines()
        assert lines[0] == "最新的 10 篇文章（共 15 篇）："
        assert lines[1] == "1. 2021年12月1日 株洲日报《以高质量调研成果 助推经济社会发展》"

    drive(seed_engine, scenario)


def test_a_question_gets_the_sentence_with_the_fact_in_bold_and_its_headline(seed_engine):
    async def scenario(fake, app):
        fake.message("轨博会什么时候举行?", sender=READER)
        (reply,) = await replies(fake, READER["id"], 1)
        assert reply.params["parse_mode"] == "HTML"
        assert reply.params["text"] == (
            "<b>12月8日至11日</b>,2021中国国际轨道交通和装备制造产业博览会(以下简称“轨博会”)将在株洲举行。\n"
            "——《2021 轨博会下周在株举行》 株洲日报 2021年12月1日（记者/任远）")
        assert button(reply, "下一句").startswith("more:") and button(reply, "原文").startswith("source:")

    drive(seed_engine, scenario)


def test_a_declined_question_says_so_and_suggests_how_to_ask(small_engine):
    async def scenario(fake, app):
        fake.message("火星上有几个足球场？", sender=READER)
        fake.message("/ask", sender=ADMIN)
        (decline,) = await replies(fake, READER["id"], 1)
        assert decline.params["text"] == f"{DECLINE}\n{DECLINE_HINT}"
        assert "reply_markup" not in decline.params
        (empty,) = await replies(fake, ADMIN["id"], 1)
        assert "请输入一个问题，例如：" in empty.params["text"]

    drive(small_engine, scenario)


def test_more_by_button_and_command_walks_the_candidates(small_engine):
    question = "湘音节门票最低多少钱？"
    candidates = small_engine.ask(question).candidates
    assert len(candidates) == 3

    async def scenario(fake, app):
        fake.message("/more", sender=READER)
        fake.message(question, sender=ADMIN)
        (nothing_yet,) = await replies(fake, READER["id"], 1)
        assert nothing_yet.params["text"] == NO_LAST_ANSWER
        (first,) = await replies(fake, ADMIN["id"], 1)
        fake.press(button(first, "下一句"), sender=ADMIN, on_message=first.result)
        second = (await replies(fake, ADMIN["id"], 2))[1]
        assert second.params["text"] == answer_html(candidates[1])
        fake.message("/more", sender=ADMIN)
        third = (await replies(fake, ADMIN["id"], 3))[2]
        assert third.params["text"] == answer_html(candidates[2])
        assert "下一句" not in str(third.params["reply_markup"])  # no further candidate to offer
        fake.message("/more", sender=ADMIN)
        assert (await replies(fake, ADMIN["id"], 4))[3].params["text"] == NOTHING_MORE
        assert fake.calls_of("answerCallbackQuery")

    drive(small_engine, scenario)


def test_source_sends_the_whole_article_split_at_paragraphs_under_4096(small_engine):
    assert small_engine.ask(LONG_QUESTION).best.article_id == LONG_ARTICLE.id
    expected = article_messages(LONG_ARTICLE)
    assert len(expected) >= 3

    async def scenario(fake, app):
        fake.message(LONG_QUESTION, sender=READER)
        (answer,) = await replies(fake, READER["id"], 1)
        fake.press(button(answer, "原文"), sender=READER, on_message=answer.result)
        by_button = (await replies(fake, READER["id"], 1 + len(expected)))[1:]
        fake.message("/source", sender=READER)
        by_command = (await replies(fake, READER["id"], 1 + 2 * len(expected)))[1 + len(expected):]
        for pieces in (by_button, by_command):
            assert texts(pieces) == expected
            shown = [c.result["text"] for c in pieces]  # as Telegram shows them, tags parsed away
            assert all(telegram_length(t) <= 4096 for t in shown)
            assert "\n".join(shown) == f"《{LONG_ARTICLE.title}》（{LONG_ARTICLE.byline}）\n{LONG_ARTICLE.text}"

    drive(small_engine, scenario)


@pytest.fixture
def own_engine(small_corpus) -> Engine:
    """An engine over its own corpus folder, for tests that change the folder and reload."""
    return Engine.from_corpus(small_corpus)


def test_reload_by_an_admin_counts_articles_and_passages_and_serves_the_new_corpus(own_engine, small_corpus):
    write_corpus_file(small_corpus / "later.jsonl", [LONG_ARTICLE])

    async def scenario(fake, app):
        fake.message(LONG_QUESTION, sender=READER)
        assert "磁浮快线全长" not in (await replies(fake, READER["id"], 1))[0].params["text"]  # not in the corpus yet
        fake.message("/reload", sender=ADMIN)
        (reloaded,) = await replies(fake, ADMIN["id"], 1)
        assert re.fullmatch(rf"已重新加载：5 篇文章，{own_engine.passage_count} 个句子，用时 \d+\.\d\d 秒。",
                            reloaded.params["text"])
        fake.message(LONG_QUESTION, sender=READER)
        assert (await replies(fake, READER["id"], 2))[1].params["text"] == answer_to(own_engine, LONG_QUESTION)

    drive(own_engine, scenario)


def test_reload_and_stats_by_a_non_admin_are_refused_politely_and_logged(small_engine, caplog):
    before = small_engine.knowledge

    async def scenario(fake, app):
        fake.message("/reload", sender=READER)
        fake.message("/stats", sender=READER, chat=GROUP)
        (refused,) = await replies(fake, READER["id"], 1)
        assert refused.params["text"] == ADMINS_ONLY.format(command="/reload")
        (refused_in_group,) = await replies(fake, GROUP["id"], 1)
        assert refused_in_group.params["text"] == ADMINS_ONLY.format(command="/stats")

    drive(small_engine, scenario)
    assert small_engine.knowledge is before
    assert f"refused /reload to user {READER['id']}" in caplog.text
    assert f"refused /stats to user {READER['id']}" in caplog.text


def test_reload_with_a_broken_corpus_file_names_file_and_line_and_keeps_the_old_index(own_engine, small_corpus):
    (small_corpus / "broken.jsonl").write_text(LONG_ARTICLE.to_json() + "\n{\"id\": \"x\", \"title\": \n",
                                                 encoding="utf-8")

    async def scenario(fake, app):
        fake.message("/reload", sender=ADMIN)
        (failed,) = await replies(fake, ADMIN["id"], 1)
        assert failed.params["text"].startswith("重新加载失败，继续使用原来的语料：")
        assert "broken.jsonl, line 2" in failed.params["text"]
        fake.message(FESTIVAL, sender=READER)
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(own_engine, FESTIVAL)

    drive(own_engine, scenario)
    assert own_engine.article_count == 4


class HeldReload(Engine):
    """An engine whose reload waits until the test lets it finish: shows what happens meanwhile."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.started, self.release = threading.Event(), threading.Event()

    def build(self):
        self.started.set()
        assert self.release.wait(WAIT)
        return super().build()


def test_reload_runs_off_the_event_loop_so_questions_are_answered_meanwhile(small_corpus):
    engine = HeldReload.from_corpus(small_corpus)

    async def scenario(fake, app):
        fake.message("/reload", sender=ADMIN)
        assert await asyncio.to_thread(engine.started.wait, WAIT)
        fake.message(FESTIVAL, sender=READER)
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(engine, FESTIVAL)
        assert fake.messages_to(ADMIN["id"]) == []  # the reload is still running
        engine.release.set()
        assert (await replies(fake, ADMIN["id"], 1))[0].params["text"].startswith("已重新加载：4 篇文章")

    drive(engine, scenario)


def test_stats_counts_answers_declines_times_votes_and_the_most_asked_questions(small_engine, tmp_path):
    async def scenario(fake, app):
        for n, question in enumerate((FESTIVAL, SCHOOLS, "火星上有几个足球场？", FESTIVAL), start=1):
            fake.message(question, sender=READER)
            await replies(fake, READER["id"], n)
        first = fake.messages_to(READER["id"])[0]
        fake.press(button(first, "👎"), sender=READER, on_message=first.result)
        await asyncio.to_thread(fake.wait_for, lambda: fake.calls_of("answerCallbackQuery"))
        fake.message("/stats", sender=ADMIN)
        (report,) = await replies(fake, ADMIN["id"], 1)
        lines = report.params["text"].split("\n")
        assert lines[0].startswith("语料：5 篇文章，")
        assert lines[1] == "启动以来：回答 3 个问题，婉拒 1 个；最近一天婉拒 1 个。"
        assert re.fullmatch(r"回答耗时中位数：\d+ 毫秒，95% 在 \d+ 毫秒以内。", lines[2])
        assert lines[3] == "读者评价：👍 0 次，👎 1 次。"
        assert lines[4].startswith(f"问得最多：{FESTIVAL}（2 次）、")

    drive(small_engine, scenario, feedback=FeedbackLog(tmp_path))


def test_stickers_photos_voice_edits_and_unknown_commands_get_short_replies_and_questions_still_work(small_engine):
    example = example_questions(small_engine.knowledge.articles)[0]

    async def scenario(fake, app):
        fake.sticker(sender=READER)
        await replies(fake, READER["id"], 1)  # one at a time: concurrent replies may overtake each other
        fake.photo(sender=READER)
        await replies(fake, READER["id"], 2)
        fake.voice(sender=READER)
        await replies(fake, READER["id"], 3)
        fake.message("湘音节几号开幕？", sender=READER, edited=True)
        await replies(fake, READER["id"], 4)
        fake.message("/frobnicate@newsqa_test_bot", sender=READER)
        await replies(fake, READER["id"], 5)
        fake.message(FESTIVAL, sender=READER)
        sent = texts(await replies(fake, READER["id"], 6))
        assert sent[:3] == [TEXT_ONLY.format(example=example)] * 3
        assert sent[3:5] == [EDITED, UNKNOWN_COMMAND.format(command="/frobnicate")]
        assert sent[5] == answer_to(small_engine, FESTIVAL)

    drive(small_engine, scenario)


def test_in_a_group_the_bot_answers_only_when_mentioned_replied_to_or_asked_with_ask(small_engine):
    async def scenario(fake, app):
        fake.message(FESTIVAL, sender=READER, chat=GROUP)
        fake.sticker(sender=READER, chat=GROUP)
        fake.message("/frobnicate", sender=READER, chat=GROUP)
        fake.message("@newsqa_test_bot 湘音节什么时候举行？", sender=READER, chat=GROUP)
        (mentioned,) = await replies(fake, GROUP["id"], 1)
        assert mentioned.params["text"] == answer_to(small_engine, FESTIVAL)
        assert mentioned.params["reply_parameters"]["message_id"]  # quotes the asker in a busy group
        fake.message(SCHOOLS, sender=READER, chat=GROUP, reply_to=mentioned.result)
        assert (await replies(fake, GROUP["id"], 2))[1].params["text"] == answer_to(small_engine, SCHOOLS)
        last = fake.message("/ask@newsqa_test_bot 株洲图书馆开放到几点？", sender=READER, chat=GROUP)
        assert (await replies(fake, GROUP["id"], 3))[2].params["text"] == answer_to(small_engine, LIBRARY)
        await settle(fake, app, last)
        assert len(fake.messages_to(GROUP["id"])) == 3  # the unaddressed message, sticker and command: silence

    drive(small_engine, scenario)


def test_the_bot_survives_getupdates_failing_with_500_and_429(small_engine, caplog):
    async def scenario(fake, app):
        fake.fail("getUpdates", status=500)
        fake.fail("getUpdates", status=429, retry_after=1)
        fake.message(FESTIVAL, sender=READER)
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(small_engine, FESTIVAL)

    fake = drive(small_engine, scenario)
    assert [c.status for c in fake.calls_of("getUpdates") if c.status != 200] == [500, 429]
    assert "polling for updates failed (Internal Server Error)" in caplog.text


def test_sendmessage_429_is_waited_out_and_500_retried(small_engine):
    async def scenario(fake, app):
        fake.fail("sendMessage", status=429, retry_after=1)
        fake.fail("sendMessage", status=500)
        fake.message(FESTIVAL, sender=READER)
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(small_engine, FESTIVAL)

    fake = drive(small_engine, scenario)
    assert [c.status for c in fake.calls_of("sendMessage")] == [429, 500, 200]


def test_a_persistent_bot_api_error_is_logged_with_the_update_id_and_the_bot_keeps_running(small_engine, caplog):
    async def scenario(fake, app):
        fake.fail("sendMessage", status=500, times=3)
        lost = fake.message(FESTIVAL, sender=READER)
        await settle(fake, app, lost)
        assert f"update {lost} failed" in caplog.text
        fake.message(SCHOOLS, sender=READER)
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(small_engine, SCHOOLS)

    drive(small_engine, scenario)


class Fragile(Engine):
    """An engine with a bug: one question makes it raise."""

    def ask(self, question):
        if "爆炸" in question:
            raise RuntimeError("engine bug")
        return super().ask(question)


def test_a_handler_exception_is_logged_with_the_update_id_and_the_reader_is_told(caplog):
    engine = Fragile.from_articles(SMALL_ARTICLES)

    async def scenario(fake, app):
        bad = fake.message("爆炸了吗？", sender=READER)
        (sorry,) = await replies(fake, READER["id"], 1)
        assert sorry.params["text"] == FAILED
        assert f"update {bad} failed" in caplog.text and "RuntimeError: engine bug" in caplog.text
        fake.message(FESTIVAL, sender=READER)
        assert (await replies(fake, READER["id"], 2))[1].params["text"] == answer_to(engine, FESTIVAL)

    drive(engine, scenario)


def test_asking_faster_than_the_flood_limit_gets_one_slow_down_reply(small_engine):
    async def scenario(fake, app):
        last = 0
        for question in (FESTIVAL, SCHOOLS, LIBRARY, "湘音节门票最低多少钱？"):
            last = fake.message(question, sender=READER)
        await settle(fake, app, last)
        sent = texts(fake.messages_to(READER["id"]))
        slow = [t for t in sent if t.startswith("问得太快了")]
        assert len(sent) == 3 and len(slow) == 1
        assert re.fullmatch(SLOW_DOWN.format(seconds=r"\d+"), slow[0])

    drive(small_engine, scenario, flood_per_minute=2)


def test_the_token_never_appears_in_logs_or_messages(small_engine, caplog):
    caplog.set_level(logging.DEBUG)

    async def scenario(fake, app):
        fake.message(FESTIVAL, sender=READER)
        fake.message("/reload", sender=READER)
        await replies(fake, READER["id"], 2)

    fake = drive(small_engine, scenario)
    assert REDACTED in caplog.text  # the library did log request URLs; they were scrubbed
    assert TOKEN not in caplog.text
    assert not [c for c in fake.calls if TOKEN in str(c.params)]


# ================================================================ talking to the bot (issue 11)


def test_thanks_greetings_and_wrong_answers_get_a_fitting_reply_not_a_decline(seed_engine):
    example = example_questions(seed_engine.knowledge.articles)[0]

    async def scenario(fake, app):
        for n, text in enumerate(("谢谢", "你好！", "答错了", "哈哈哈"), start=1):
            fake.message(text, sender=READER)
            await replies(fake, READER["id"], n)
        sent = texts(fake.messages_to(READER["id"]))
        assert sent == ["不客气！还有想知道的，直接问我。", f"你好！我回答报纸上的事，用中文直接提问就行，例如：{example}",
                        WRONG_TELEGRAM, "😄 还有什么想问的，尽管问。"]

    drive(seed_engine, scenario)


def test_a_follow_up_question_is_answered_about_the_previous_topic(seed_engine):
    place = answer_html(seed_engine.ask("轨博会在哪举行？").best)
    assert "株洲" in place

    async def scenario(fake, app):
        fake.message("轨博会什么时候举行？", sender=READER)
        (when,) = await replies(fake, READER["id"], 1)
        assert "<b>12月8日至11日</b>" in when.params["text"]
        fake.message("那它在哪举行？", sender=READER)  # said above the answer: what the follow-up was taken to ask
        assert (await replies(fake, READER["id"], 2))[1].params["text"] == "（接上一个问题：轨博会在哪举行？）\n" + place
        fake.message("那签约了几个？", sender=READER)
        signed = (await replies(fake, READER["id"], 3))[2].result["text"]
        assert signed.startswith("（接上一个问题：轨博会签约了几个？）\n") and "签约项目23个" in signed
        fake.message("那北京冬奥会什么时候开幕？", sender=READER)  # a topic of its own: not about 轨博会
        assert (await replies(fake, READER["id"], 4))[3].params["text"].startswith(DECLINE)

    drive(seed_engine, scenario)


def test_a_guessed_follow_up_the_paper_cannot_answer_is_answered_as_asked(seed_engine):
    doses = answer_html(seed_engine.ask("打了多少剂次").best)
    assert "641万余剂次" in doses

    async def scenario(fake, app):
        fake.message("轨博会什么时候举行？", sender=READER)
        await replies(fake, READER["id"], 1)
        fake.message("打了多少剂次", sender=READER)  # first read as about 轨博会 (no noun of its own), declined so
        assert (await replies(fake, READER["id"], 2))[1].params["text"] == doses  # no 接上一个问题 line: asked as said

    drive(seed_engine, scenario)


def test_in_a_group_a_reply_to_the_bot_that_asks_nothing_is_left_alone(seed_engine):
    async def scenario(fake, app):
        fake.message("@newsqa_test_bot 轨博会什么时候举行？", sender=READER, chat=GROUP)
        (answer,) = await replies(fake, GROUP["id"], 1)
        fake.message("哈哈", sender=READER, chat=GROUP, reply_to=answer.result)
        fake.message("谢谢", sender=ADMIN, chat=GROUP, reply_to=answer.result)
        fake.message("这个活动不错", sender=READER, chat=GROUP, reply_to=answer.result)
        fake.message("那它在哪举行？", sender=READER, chat=GROUP, reply_to=answer.result)
        (_, place) = await replies(fake, GROUP["id"], 2)
        assert "株洲" in place.params["text"]
        last = fake.message("@newsqa_test_bot 谢谢", sender=READER, chat=GROUP)
        await settle(fake, app, last)
        assert texts(fake.messages_to(GROUP["id"]))[2:] == ["不客气！还有想知道的，直接问我。"]

    drive(seed_engine, scenario)


def test_next_sentence_past_the_last_candidate_says_so_once(small_engine):
    question = "湘音节门票最低多少钱？"

    async def scenario(fake, app):
        fake.message(question, sender=READER)
        (first,) = await replies(fake, READER["id"], 1)
        for count in (2, 3, 4):  # one at a time: concurrent replies may overtake each other
            fake.press(button(first, "下一句"), sender=READER, on_message=first.result)
            await replies(fake, READER["id"], count)
        last = fake.press(button(first, "下一句"), sender=READER, on_message=first.result)
        await settle(fake, app, last)
        sent = texts(fake.messages_to(READER["id"]))
        assert len(sent) == 4 and sent[-1] == NOTHING_MORE
        assert len(fake.calls_of("answerCallbackQuery")) == 4  # every press answered: no spinning button

    drive(small_engine, scenario)


def test_a_thumbs_down_on_an_older_answer_is_logged_with_its_own_question_and_shown_in_feedback(
        small_engine, tmp_path):
    log = FeedbackLog(tmp_path / "feedback")
    festival, schools = small_engine.ask(FESTIVAL).best, small_engine.ask(SCHOOLS).best

    async def scenario(fake, app):
        fake.message(FESTIVAL, sender=READER)
        (older,) = await replies(fake, READER["id"], 1)
        fake.message(SCHOOLS, sender=READER)
        await replies(fake, READER["id"], 2)
        fake.message("火星上有几个足球场？", sender=READER)
        await replies(fake, READER["id"], 3)
        for _ in range(2):  # the second press of the same vote is not logged again
            fake.press(button(older, "👎"), sender=READER, on_message=older.result)
            await asyncio.to_thread(fake.wait_for, lambda n=_: len(fake.calls_of("answerCallbackQuery")) > n)
        toasts = [c.params.get("text") for c in fake.calls_of("answerCallbackQuery")]
        assert toasts == ["已记下 👎，管理员会看到。", "这条已经评价过了。"]
        fake.message("/feedback", sender=READER)
        assert (await replies(fake, READER["id"], 4))[3].params["text"] == ADMINS_ONLY.format(command="/feedback")
        fake.message("/feedback", sender=ADMIN)
        (shown,) = await replies(fake, ADMIN["id"], 1)
        text = html.unescape(shown.params["text"])
        assert f"问：{FESTIVAL}\n  答：{festival.sentence}（《{festival.title}》）" in text
        assert "最近婉拒的问题（1 个）：" in text and text.count("火星上有几个足球场？") == 1
        assert SCHOOLS not in text

    drive(small_engine, scenario, feedback=log)
    records = [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]
    vote = next(r for r in records if r["vote"] == "down")
    assert [r.get("vote") for r in records] == [None, "down"]
    assert vote["question"] == FESTIVAL and vote["answer"] == festival.sentence != schools.sentence
    assert vote["article_id"] == "t-001" and vote["chat"] == "private" and vote["time"].endswith("Z")
    assert re.fullmatch(r"[0-9a-f]{16}", vote["user"])
    assert str(READER["id"]) not in log.path.read_text(encoding="utf-8") and "读者" not in str(records)


def test_a_vote_on_a_follow_up_logs_the_question_it_was_answered_as(seed_engine, tmp_path):
    log = FeedbackLog(tmp_path)

    async def scenario(fake, app):
        fake.message("轨博会什么时候举行？", sender=READER)
        await replies(fake, READER["id"], 1)
        fake.message("那它在哪举行？", sender=READER)
        follow_up = (await replies(fake, READER["id"], 2))[1]
        fake.press(button(follow_up, "👍"), sender=READER, on_message=follow_up.result)
        await asyncio.to_thread(fake.wait_for, lambda: fake.calls_of("answerCallbackQuery"))

    drive(seed_engine, scenario, feedback=log)
    (record,) = [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]
    assert (record["vote"], record["question"], record["said"]) == ("up", "轨博会在哪举行？", "那它在哪举行？")


def test_an_admin_adds_a_page_as_a_document_and_the_next_question_is_answered_from_it(small_corpus, caplog):
    from test_uploads import PAGE

    engine = Engine.from_corpus(small_corpus, small_corpus.parent / "seeds")

    async def scenario(fake, app):
        fake.message("科技馆新馆什么时候开放？", sender=READER)
        assert "5月1日" not in (await replies(fake, READER["id"], 1))[0].params["text"]  # not in the corpus yet
        fake.document("kejiguan.txt", PAGE.encode("utf-8"), sender=READER)
        assert (await replies(fake, READER["id"], 2))[1].params["text"] == DOCUMENT_REFUSED
        fake.document("kejiguan.txt", PAGE.encode("utf-8"), sender=ADMIN)
        received, report = texts(await replies(fake, ADMIN["id"], 2))
        assert received == "收到 kejiguan.txt，正在检查、建立索引……"
        assert report.startswith("已添加 kejiguan.txt：2 篇文章（无需修复）。\n已重新加载：6 篇文章，")
        fake.message("科技馆新馆什么时候开放？", sender=READER)
        assert "5月1日" in (await replies(fake, READER["id"], 3))[2].result["text"]

    fake = drive(engine, scenario)
    assert [c.params["file_path"] for c in fake.calls_of("download")] == ["documents/BQACAgIAAxkBdoc2.bin"]
    assert "refused document 'kejiguan.txt' from user 2002: not in NEWSQA_ADMIN_IDS" in caplog.text
    assert (small_corpus.parent / "seeds" / "kejiguan.txt").is_file()


def test_a_bad_or_too_big_document_is_refused_with_file_and_line_and_the_index_stays(small_corpus):
    engine = Engine.from_corpus(small_corpus)
    before = engine.knowledge
    broken = (SMALL_ARTICLES[0].to_json().replace("t-001", "n-1") + '\n{"id": "n-2", "tittle": "x"}\n').encode()

    async def scenario(fake, app):
        fake.document("broken.jsonl", broken, sender=ADMIN)
        failed = texts(await replies(fake, ADMIN["id"], 2))[1]
        assert failed.startswith("没有添加，继续使用原来的语料：broken.jsonl, line 2: ")
        fake.document("huge.txt", b"x", sender=ADMIN, size=30 * 1024 * 1024)
        assert texts(await replies(fake, ADMIN["id"], 3))[2] == (
            "没有添加，继续使用原来的语料：huge.txt：文件太大（30.0 MB），上限是 20.0 MB")
        fake.message(FESTIVAL, sender=READER)
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(engine, FESTIVAL)

    fake = drive(engine, scenario)
    assert engine.knowledge is before and sorted(p.name for p in small_corpus.glob("*.jsonl")) == ["small.jsonl"]
    assert len(fake.calls_of("download")) == 1  # the huge one was never downloaded


def test_the_file_url_is_derived_from_the_base_url_or_set_on_its_own():
    assert Settings(telegram_base_url="http://127.0.0.1:8081/bot").file_url == "http://127.0.0.1:8081/file/bot"
    assert Settings().file_url == "https://api.telegram.org/file/bot"
    assert Settings.from_env({"NEWSQA_TELEGRAM_FILE_URL": "http://files:9/f/bot"}).file_url == "http://files:9/f/bot"


# ================================================================ hostile updates and huge texts (issue 13)


@pytest.mark.parametrize("bad", [
    {"message": {"message_id": 1, "text": "hi"}},  # no chat, no date
    {"message": "not an object"},
    {"callback_query": {"id": 5}},
])
def test_an_update_the_library_cannot_parse_is_skipped_logged_once_and_the_next_question_answered(
        small_engine, caplog, bad):
    async def scenario(fake, app):
        skipped = fake.raw(bad)
        fake.message(FESTIVAL, sender=READER)
        (reply,) = await replies(fake, READER["id"], 1)
        assert reply.params["text"] == answer_to(small_engine, FESTIVAL)
        await asyncio.to_thread(fake.wait_fetched, skipped)
        assert caplog.text.count(f"skipped update {skipped} that could not be read") == 1

    fake = drive(small_engine, scenario)
    assert all(c.status == 200 for c in fake.calls_of("getUpdates"))
    assert "Traceback" not in caplog.text


HUGE = Article(id="t-006", title="超长句子报道", byline="", text="本报讯 超长测试句子提到的磁悬浮列车" + "很长" * 3000 + "。")


def test_an_answer_sentence_over_4096_characters_is_cut_for_display_and_sent_once():
    engine = Engine.from_articles([*SMALL_ARTICLES, HUGE])
    best = engine.ask("超长测试句子提到了什么列车？").best
    assert best is not None and len(best.sentence) > 4096

    async def scenario(fake, app):
        fake.message("超长测试句子提到了什么列车？", sender=READER)
        (reply,) = await replies(fake, READER["id"], 1)
        shown = reply.result["text"]
        assert telegram_length(shown) <= 4096
        assert shown.startswith("本报讯 超长测试句子") and shown.endswith("…\n——《超长句子报道》")
        assert telegram_length(shown.split("\n")[0]) == ANSWER_MAX_CHARS

    fake = drive(engine, scenario)
    assert [c.status for c in fake.calls_of("sendMessage")] == [200]


def test_a_message_telegram_refuses_as_bad_is_never_sent_again(small_engine, caplog):
    async def scenario(fake, app):
        fake.fail("sendMessage", status=400)
        refused = fake.message(FESTIVAL, sender=READER)
        await settle(fake, app, refused)
        fake.message(SCHOOLS, sender=READER)
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(small_engine, SCHOOLS)

    fake = drive(small_engine, scenario)
    assert [c.status for c in fake.calls_of("sendMessage")] == [400, 200]
    assert "Retrying" not in caplog.text and "retrying" not in caplog.text


def test_source_of_a_huge_article_stops_after_the_documented_number_of_messages(small_engine):
    huge = Article(id="t-007", title="全年大事记", byline="", text="\n".join(
        ["本报讯 全年大事记收录了九百九十九件大事。"] + [f"第{n}件。{FILLER * 40}" for n in range(400)]))
    engine = Engine.from_articles([*SMALL_ARTICLES, huge])
    assert len(article_messages(huge)) > 100

    async def scenario(fake, app):
        fake.message("全年大事记收录了多少件大事？", sender=READER)
        await replies(fake, READER["id"], 1)
        last = fake.message("/source", sender=READER)
        await settle(fake, app, last)
        sent = texts(fake.messages_to(READER["id"]))
        assert len(sent) == 1 + SOURCE_MAX_MESSAGES + 1
        assert sent[1:-1] == article_messages(huge)[:SOURCE_MAX_MESSAGES]
        assert sent[-1] == SOURCE_CUT.format(shown=SOURCE_MAX_MESSAGES) == "全文太长，只显示前 5 段。"

    drive(engine, scenario)


def test_a_button_pressed_without_a_message_gets_a_quiet_toast(small_engine, caplog):
    async def scenario(fake, app):
        pressed = fake.press("more:1", sender=READER, on_message=None)
        await settle(fake, app, pressed)
        (toast,) = fake.calls_of("answerCallbackQuery")
        assert toast.params["text"] == NO_MESSAGE
        fake.message(FESTIVAL, sender=READER)
        assert (await replies(fake, READER["id"], 1))[0].params["text"] == answer_to(small_engine, FESTIVAL)

    drive(small_engine, scenario)
    assert "AttributeError" not in caplog.text and "failed" not in caplog.text


def test_chat_state_is_kept_outside_ptbs_unbounded_chat_data(small_engine):
    async def scenario(fake, app):
        for n in range(5):
            fake.message(FESTIVAL, sender=user(3000 + n))
        for n in range(5):
            await replies(fake, 3000 + n, 1)
        assert len(app.bot_data["newsqa"].chats) == 5
        assert not any(app.chat_data.values())

    drive(small_engine, scenario)


# ================================================================ `python -m bot telegram`, as a reader runs it


def test_newsqa_telegram_answers_refuses_reloads_and_survives_a_sticker(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    log = tmp_path / "bot.log"
    with FakeBotApi(TOKEN) as fake, log.open("w") as log_file:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSQA_TELEGRAM_BASE_URL": fake.base_url,
               "NEWSQA_ADMIN_IDS": f"{ADMIN['id']}", "NEWSQA_CORPUS": str(corpus),
               "NEWSQA_SEEDS": str(tmp_path / "no-seeds"), "NEWSQA_LOG_LEVEL": "DEBUG"}
        bot = subprocess.Popen([sys.executable, "-m", "bot", "telegram"], cwd=ROOT, env=env,
                               stdout=log_file, stderr=subprocess.STDOUT)
        try:
            fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=45, what="the bot to start polling")
            fake.message("轨博会什么时候举行?", sender=READER)
            assert "<b>12月8日至11日</b>" in fake.wait_messages(READER["id"], 1)[0].params["text"]
            fake.message("/reload", sender=READER)
            assert fake.wait_messages(READER["id"], 2)[1].params["text"] == ADMINS_ONLY.format(command="/reload")
            fake.message("/reload", sender=ADMIN)
            assert fake.wait_messages(ADMIN["id"], 1)[0].params["text"].startswith("已重新加载：15 篇文章")
            fake.sticker(sender=READER)
            assert fake.wait_messages(READER["id"], 3)[2].params["text"].startswith("我只能回答文字问题")
            fake.message("轨博会什么时候举行?", sender=READER)
            assert "<b>12月8日至11日</b>" in fake.wait_messages(READER["id"], 4)[3].params["text"]
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                code = bot.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                bot.kill()
                raise
    output = log.read_text(encoding="utf-8")
    assert code == 0, output[-3000:]
    assert f"refused /reload to user {READER['id']}" in output
    assert TOKEN not in output


def _bot_env(fake: FakeBotApi, tmp_path, **extra) -> dict:
    return {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "NEWSQA_TELEGRAM_BASE_URL": fake.base_url,
            "NEWSQA_CORPUS": str(ROOT / "corpus"), "NEWSQA_SEEDS": str(tmp_path / "no-seeds"), **extra}


def test_a_token_telegram_rejects_stops_the_start_with_one_line_and_exit_2(tmp_path):
    with FakeBotApi("987654321:AAHanotherTokenTheServerKnows-000000") as fake:
        done = subprocess.run([sys.executable, "-m", "bot", "telegram"], cwd=ROOT, env=_bot_env(fake, tmp_path),
                              capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    problems = [line for line in output.splitlines() if "TELEGRAM_BOT_TOKEN" in line or "Traceback" in line]
    assert problems == ["configuration error: Telegram rejected TELEGRAM_BOT_TOKEN: copy it again from @BotFather "
                        "(or /revoke there for a new one)"]
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


def test_telegram_unreachable_at_start_gives_one_line_per_retry_then_the_bot_serves(tmp_path):
    log = tmp_path / "bot.log"
    with FakeBotApi(TOKEN) as fake, log.open("w") as log_file:
        fake.fail("getMe", status=502, times=2)
        bot = subprocess.Popen([sys.executable, "-m", "bot", "telegram"], cwd=ROOT, env=_bot_env(fake, tmp_path),
                               stdout=log_file, stderr=subprocess.STDOUT)
        try:
            fake.message("轨博会什么时候举行?", sender=READER)
            assert "<b>12月8日至11日</b>" in fake.wait_messages(READER["id"], 1, timeout=60)[0].params["text"]
        finally:
            bot.send_signal(signal.SIGTERM)
            code = bot.wait(timeout=WAIT)
    output = log.read_text(encoding="utf-8")
    retries = [line for line in output.splitlines() if "cannot reach Telegram" in line]
    assert code == 0 and len(retries) == 2, output
    assert retries[0].endswith("trying again in 1 s") and retries[1].endswith("trying again in 2 s")
    assert "Traceback" not in output and TOKEN not in output


def test_wait_for_telegram_doubles_its_pause_and_gives_up_only_when_told(unused_port):
    from telegram.error import NetworkError

    from bot.transport import wait_for_telegram

    pauses = []

    async def sleep(seconds):
        pauses.append(seconds)

    with pytest.raises(NetworkError):
        asyncio.run(wait_for_telegram(TOKEN, f"http://127.0.0.1:{unused_port}/bot", sleep=sleep, attempts=8))
    assert pauses == [1, 2, 4, 8, 16, 32, 60]


def test_webhook_mode_answers_a_question_posted_to_it_and_refuses_a_wrong_secret(tmp_path, unused_port):
    log = tmp_path / "bot.log"
    hook = f"http://127.0.0.1:{unused_port}/newsqa-hook"
    with FakeBotApi(TOKEN) as fake, log.open("w") as log_file:
        env = _bot_env(fake, tmp_path, NEWSQA_WEBHOOK_URL=hook, NEWSQA_WEBHOOK_LISTEN=f"127.0.0.1:{unused_port}")
        bot = subprocess.Popen([sys.executable, "-m", "bot", "telegram"], cwd=ROOT, env=env,
                               stdout=log_file, stderr=subprocess.STDOUT)
        try:
            (registered,) = fake.wait_for(lambda: fake.calls_of("setWebhook"), timeout=45, what="setWebhook")
            assert registered.params["url"] == hook and len(registered.params["secret_token"]) >= 32
            fake.wait_for(lambda: _listening(unused_port), what="the webhook server to listen")
            fake.message("轨博会什么时候举行?", sender=READER)  # posted to the webhook, not queued for getUpdates
            assert "<b>12月8日至11日</b>" in fake.wait_messages(READER["id"], 1)[0].params["text"]
            forged = {"update_id": 999, "message": {"message_id": 9, "date": 0, "chat": {"id": 5, "type": "private"},
                                                    "text": "轨博会在哪举行?"}}
            assert fake.post_update(forged, secret="not-the-secret") == 403
            assert fake.calls_of("getUpdates") == []
        finally:
            bot.send_signal(signal.SIGTERM)
            code = bot.wait(timeout=WAIT)
    output = log.read_text(encoding="utf-8")
    assert code == 0, output[-3000:]
    assert [c.status for c in fake.calls_of("webhook")] == [200, 403]
    assert fake.messages_to(5) == [] and TOKEN not in output


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_sigterm_while_sending_a_huge_article_stops_the_bot_promptly(tmp_path):
    huge = Article(id="t-008", title="全年大事记", byline="", text="\n".join(
        ["本报讯 全年大事记收录了九百九十九件大事。"] + [f"第{n}件。{FILLER * 40}" for n in range(2000)]))
    corpus = tmp_path / "corpus"
    write_corpus_file(corpus / "huge.jsonl", [*SMALL_ARTICLES, huge])
    with FakeBotApi(TOKEN) as fake:
        env = _bot_env(fake, tmp_path, NEWSQA_CORPUS=str(corpus))
        bot = subprocess.Popen([sys.executable, "-m", "bot", "telegram"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            fake.message("全年大事记收录了多少件大事？", sender=READER)
            fake.wait_messages(READER["id"], 1, timeout=60)
            fake.message("/source", sender=READER)
            fake.wait_messages(READER["id"], 2)
        finally:
            bot.send_signal(signal.SIGTERM)
            code = bot.wait(timeout=WAIT)  # raises if shutdown waits for a long send
    assert code == 0
    assert len(fake.messages_to(READER["id"])) <= 1 + SOURCE_MAX_MESSAGES + 1
