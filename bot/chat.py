"""The Telegram adapter: thin python-telegram-bot handlers over the engine, all wired in build_application()."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from telegram import (
    BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes, Defaults, MessageHandler,
    filters,
)

from .answer import MAX_QUESTION_CHARS, Answer
from .browse import articles_listing, sources_text
from .corpus import CorpusError
from .dialogue import Asked, Conversation, answer_reading
from .engine import Engine
from .replies import (
    ARTICLE_GONE, NO_LAST_ANSWER, added_text, NOTHING_MORE, RELOAD_FAILED, WRONG_TELEGRAM, decline_text,
    example_questions, follow_up_line, reload_text, small_talk_reply, with_line,
)
from .feedback import FeedbackError, FeedbackLog
from .sessions import Sessions
from .smalltalk import asks_something, small_talk
from .stats import Stats
from .uploads import MAX_UPLOAD_BYTES, UploadError, add_file, check_name
from .settings import Settings, SettingsError
from .flood import FloodGate
from .telegram_text import answer_html, article_messages, clip, escape
from .transport import (
    REDACTED, SkippingUpdatesRequest, TokenRejected, deliver, rate_limiter, redact_in_logs, wait_for_telegram,
)

__all__ = ["REDACTED", "build_application", "deliver", "redact_in_logs", "run_telegram"]

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- what the bot says on Telegram only

WELCOME = "我是 newsqa：用中文问我报纸上的事，我回答报上写着答案的那一句，并注明出自哪篇文章。"
CORPUS_LINE = "现有语料：{articles} 篇文章，{passages} 个句子，来源：{sources}。"
HOW_TO_ASK = "私聊直接发问题；在群里请 @{username}、回复我的消息，或者用 /ask 问题。例如："
COMMAND_HELP = (
    "/ask 问题 — 提问\n/more — 同一问题的下一个候选句子\n/source — 上一个答案所在的整篇文章\n"
    "/articles — 最新的文章（日期、报纸）\n/help — 本说明\n"
    "答案下面的 👍 / 👎 告诉我答得对不对。\n管理员：/reload 重新读取语料，/stats 运行统计，/feedback 最近的 👎 和婉拒的问题"
)
ADMINS_ONLY = "抱歉，{command} 只对管理员开放。"
TEXT_ONLY = "我只能回答文字问题。请直接用中文提问，例如：{example}"
EDITED = "修改过的消息我不会重新回答；请把问题重新发一次。"
UNKNOWN_COMMAND = "没有 {command} 这个命令。输入 /help 查看可用命令。"
SLOW_DOWN = "问得太快了，请 {seconds} 秒后再问。"
OLD_QUESTION = "这个按钮对应的问题太早了，请重新提问。"
NO_MESSAGE = "这个按钮已失效，请重新提问。"
SOURCE_CUT = "全文太长，只显示前 {shown} 段。"
FAILED = "抱歉，处理这条消息时出错了，请稍后再试。"
STATS = ("语料：{articles} 篇文章，{passages} 个句子。\n启动以来：回答 {answered} 个问题，婉拒 {declined} 个；"
         "最近一天婉拒 {declined_day} 个。\n回答耗时中位数：{median}，95% 在 {p95}以内。\n"
         "读者评价：👍 {up} 次，👎 {down} 次。\n问得最多：{top}")
VOTED = {"up": "谢谢！已记下 👍", "down": "已记下 👎，管理员会看到。"}
VOTED_ALREADY = "这条已经评价过了。"
VOTE_NOT_SAVED = "抱歉，评价没能保存，请稍后再试。"
FEEDBACK_NONE = "还没有 👎，也没有婉拒的问题。"
DOCUMENT_REFUSED = "抱歉，只有管理员可以发文件添加语料。提问请直接发文字。"
DOCUMENT_RECEIVED = "收到 {name}，正在检查、建立索引……"
DOCUMENT_FAILED = "没有添加，继续使用原来的语料：{error}"
MORE_BUTTON, SOURCE_BUTTON, UP_BUTTON, DOWN_BUTTON = "下一句", "原文", "👍", "👎"

READER_COMMANDS = (
    ("ask", "提问，例如 /ask 轨博会什么时候举行？"),
    ("more", "同一问题的下一个候选句子"),
    ("source", "上一个答案所在的整篇文章"),
    ("articles", "最新的文章，带日期和报纸"),
    ("help", "能问什么、怎么问"),
)
ADMIN_COMMANDS = READER_COMMANDS + (("reload", "重新读取语料（管理员）"), ("stats", "运行统计（管理员）"),
                                    ("feedback", "最近的 👎 和婉拒的问题（管理员）"))

SOURCE_MAX_MESSAGES = 5  # /source of a longer article sends this many messages, then says it stopped

# ---------------------------------------------------------------- help, and the question a message asks the bot


def help_text(engine: Engine, bot_username: str) -> str:
    """What the bot knows (corpus size, sources), how to ask, two example questions from the corpus, commands."""
    articles = engine.knowledge.articles
    named = sources_text(articles)
    examples = example_questions(articles)
    return "\n".join([
        WELCOME,
        CORPUS_LINE.format(articles=engine.article_count, passages=engine.passage_count, sources=named or "无"),
        HOW_TO_ASK.format(username=bot_username),
        *(f"• {question}" for question in examples),
        "",
        COMMAND_HELP,
    ])


def addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a message meant for the bot, mention removed; None for group chatter not addressed to it."""
    text = message.text or ""
    if message.chat.type == ChatType.PRIVATE:
        return text
    mentions = [
        said for entity, said in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items()
        if said[1:].lower() == bot_username.lower() or (entity.user is not None and entity.user.id == bot_id)
    ]
    replied = message.reply_to_message
    if not mentions and not (replied and replied.from_user and replied.from_user.id == bot_id):
        return None
    for said in mentions:
        text = text.replace(said, " ")
    return text.strip()


# ---------------------------------------------------------------- state kept between updates


@dataclass
class Service:
    """What every handler shares: the engine, who may administer it, the counters, the flood gate, chat states."""

    engine: Engine
    admin_ids: frozenset[int]
    flood: FloodGate
    stats: Stats = field(default_factory=Stats)
    feedback: FeedbackLog | None = None  # None: no vote buttons, nothing logged
    upload_max_bytes: int = MAX_UPLOAD_BYTES
    chats: Sessions[Conversation] = field(default_factory=lambda: Sessions(Conversation))


SERVICE = "newsqa"


def _service(context: ContextTypes.DEFAULT_TYPE) -> Service:
    return context.bot_data[SERVICE]


def _memory(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    # not ptb's chat_data, which keeps every chat forever: Sessions forgets idle chats (bot/sessions.py)
    return _service(context).chats.get(update.effective_chat.id)


# ---------------------------------------------------------------- the application


def build_application(settings: Settings, engine: Engine, feedback: FeedbackLog | None = None) -> Application:
    """The ptb Application with every handler registered; run_telegram() starts it with long polling.

    With a feedback log, answers carry 👍/👎 buttons and declined questions are logged for /feedback.
    """
    application = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.file_url)  # documents admins send come from here (a self-hosted server too)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .concurrent_updates(True)
        .rate_limiter(rate_limiter())
        .get_updates_request(SkippingUpdatesRequest())
        .post_init(register_commands)
        .build()
    )
    application.bot_data[SERVICE] = Service(engine, settings.admin_ids, FloodGate(settings.flood_per_minute),
                                            feedback=feedback, upload_max_bytes=settings.upload_max_bytes)
    new = filters.UpdateType.MESSAGE  # commands and questions; edits get their own reply
    private = filters.ChatType.PRIVATE
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, edited))
    application.add_handler(CommandHandler(["start", "help"], help_command, filters=new))
    application.add_handler(CommandHandler("ask", ask, filters=new))
    application.add_handler(CommandHandler("more", more, filters=new))
    application.add_handler(CommandHandler("source", source, filters=new))
    application.add_handler(CommandHandler("articles", articles_command, filters=new))
    application.add_handler(CommandHandler("reload", reload, filters=new))
    application.add_handler(CommandHandler("stats", stats, filters=new))
    application.add_handler(CommandHandler("feedback", feedback_command, filters=new))
    application.add_handler(CallbackQueryHandler(button))
    application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, question))
    application.add_handler(MessageHandler(new & private & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(new & private & filters.Document.ALL, document))
    application.add_handler(MessageHandler(new & private & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text))
    application.add_error_handler(error_handler)
    return application


def run_telegram(settings: Settings) -> int:
    """`newsqa telegram`: check the configuration, load the corpus, then long-poll until interrupted."""
    token = settings.require_token()
    redact_in_logs(token)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every request URL, token included, at INFO
    try:
        engine = Engine.from_corpus(settings.corpus_dir, settings.seeds_for(settings.corpus_dir))
    except CorpusError as exc:
        raise SettingsError(f"NEWSQA_CORPUS ({settings.corpus_dir}) cannot be served: {exc}") from exc
    try:  # before ptb starts: its own start-up failures come as tracebacks, and quote the token
        asyncio.run(wait_for_telegram(token, settings.telegram_base_url))
    except TokenRejected:
        raise SettingsError("Telegram rejected TELEGRAM_BOT_TOKEN: copy it again from @BotFather "
                            "(or /revoke there for a new one)") from None
    application = build_application(settings, engine, FeedbackLog(settings.feedback_for(settings.corpus_dir)))
    logger.info("serving %d articles (%d passages); %d admin(s)", engine.article_count, engine.passage_count,
                len(settings.admin_ids))
    if settings.webhook_url:  # Telegram posts each update to us: needs a public https address
        host, _, port = settings.webhook_listen.rpartition(":")
        logger.info("webhook mode: listening on %s for %s", settings.webhook_listen, settings.webhook_url)
        application.run_webhook(listen=host, port=int(port), url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                                webhook_url=settings.webhook_url, secret_token=secrets.token_urlsafe(32),
                                allowed_updates=Update.ALL_TYPES, bootstrap_retries=3)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=3)
    return 0


async def register_commands(application: Application) -> None:
    """Publish the command menu: reader commands for everyone, admin commands too in each admin's private chat."""
    try:
        await deliver(lambda: application.bot.set_my_commands([BotCommand(*c) for c in READER_COMMANDS]))
    except TelegramError as exc:
        logger.warning("could not register the command list: %s", exc)
    for admin_id in sorted(application.bot_data[SERVICE].admin_ids):
        try:
            await application.bot.set_my_commands([BotCommand(*c) for c in ADMIN_COMMANDS],
                                                  scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # e.g. "chat not found": the admin has not opened a chat with the bot yet
            logger.warning("could not register admin commands for user %s: %s", admin_id, exc)


# ---------------------------------------------------------------- handlers


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot knows, how to ask, two example questions, the commands."""
    await say(update, context, help_text(_service(context).engine, context.bot.username))


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: answered in private chats, in groups only when it mentions or replies to the bot.

    In a group, a reply to the bot that asks nothing (哈哈, 谢谢, 不错) is conversation among people: left alone.
    """
    text = addressed_text(update.effective_message, context.bot.username, context.bot.id)
    if text is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE and not _mentions_bot(update.effective_message, context):
        if not asks_something(text):
            return
    await answer_question(update, context, text)


def _mentions_bot(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    return f"@{context.bot.username}".lower() in (message.text or "").lower()


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask 问题: answer the question after the command (how to ask in a group without a mention)."""
    await answer_question(update, context, " ".join(context.args or ()))


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/more: the next candidate sentence for the chat's last question."""
    await send_more(update, context, None)


async def articles_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/articles: the newest articles with their dates and papers."""
    await say(update, context, articles_listing(_service(context).engine.knowledge.articles))


async def source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/source: the article of the sentence shown last, in as many messages as it takes."""
    await send_source(update, context, None, None)


BUTTON_RE = re.compile(r"(more|source|up|down):(\d+)(?::(\d+))?")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline button under an answer: 下一句 (more) or 原文 (source) for that answer's question."""
    query = update.callback_query
    match = BUTTON_RE.fullmatch(query.data or "")
    if query.message is None or update.effective_chat is None or match is None:
        # a button of an inline message, or data not ours: no chat to answer in, so only a toast
        await deliver(lambda: query.answer(NO_MESSAGE))
        return
    kind, number, index = match.group(1), int(match.group(2)), match.group(3)
    if kind in ("up", "down"):
        await deliver(lambda: query.answer(vote(update, context, kind, number, int(index or 0))))
        return
    await deliver(query.answer)
    if kind == "more":
        await send_more(update, context, number)
    else:
        await send_source(update, context, number, int(index or 0))


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload (admins): rebuild the index from corpus/ in a worker thread; a broken file keeps the old index."""
    if not await is_admin(update, context, "/reload"):
        return
    try:
        # built in the engine's own thread (other chats go on), a burst of /reload shares one follow-up build
        report = await asyncio.wrap_future(_service(context).engine.request_reload())
    except CorpusError as exc:
        logger.warning("reload by user %s failed, old index kept: %s", update.effective_user.id, exc)
        await say(update, context, RELOAD_FAILED.format(error=exc))
        return
    logger.info("reload by user %s: %d articles, %d passages in %.2f s", update.effective_user.id, report.articles,
                report.passages, report.seconds)
    await say(update, context, reload_text(report))


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (admins): corpus size, questions answered and declined since start, median answer latency."""
    if not await is_admin(update, context, "/stats"):
        return
    service = _service(context)
    top = "、".join(f"{question}（{count} 次）" for question, count in service.stats.most_asked()) or "暂无"
    await say(update, context, STATS.format(
        articles=service.engine.article_count, passages=service.engine.passage_count,
        answered=service.stats.answered, declined=service.stats.declined,
        declined_day=service.stats.declined_last_day(), median=service.stats.median_text(),
        p95=service.stats.percentile_text(0.95), up=service.stats.votes["up"], down=service.stats.votes["down"],
        top=clip(top, 1500),
    ))


def vote(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str, number: int, index: int) -> str:
    """A 👍/👎 under answer `number` (candidate `index`): logged with its own question; the toast to show."""
    service = _service(context)
    asked = _memory(update, context).get(number)
    if asked is None or service.feedback is None:
        return OLD_QUESTION
    user = update.effective_user
    voter = user.id if user else None
    if asked.votes.get((voter, index)) == kind:
        return VOTED_ALREADY
    try:
        service.feedback.vote(kind, said=asked.said, question=asked.question, candidate=asked.candidate(index),
                              chat=update.effective_chat.type, user_id=voter)
    except FeedbackError as exc:
        logger.error("%s", exc)
        return VOTE_NOT_SAVED
    asked.votes[(voter, index)] = kind
    service.stats.vote(kind)
    return VOTED[kind]


async def feedback_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feedback (admins): the latest 👎 with their questions and answers, and the latest declined questions."""
    if not await is_admin(update, context, "/feedback"):
        return
    log = _service(context).feedback
    downs, declines = log.latest() if log else ([], [])
    if not downs and not declines:
        await say(update, context, FEEDBACK_NONE)
        return
    lines = [f"最近的 👎（{len(downs)} 条）："] + [
        f"• {e.time[:16].replace('T', ' ')} 问：{e.question}\n  答：{clip(e.answer or '', 200)}（《{e.title}》）"
        for e in downs] + ["", f"最近婉拒的问题（{len(declines)} 个）："] + [
        f"• {e.time[:16].replace('T', ' ')} {e.question}" for e in declines]
    lines.append(f"\n改正方法：在 {log.path.name} 的 👎 行里加上 \"expected\"，见 README。")
    await say(update, context, "\n".join(lines))


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file in a private chat: an admin's .txt page or .jsonl corpus file is added and served; others are refused."""
    sent = update.effective_message.document
    user = update.effective_user
    service = _service(context)
    if user is None or user.id not in service.admin_ids:
        logger.warning("refused document %r from user %s: not in NEWSQA_ADMIN_IDS", sent.file_name,
                       user.id if user else None)
        await say(update, context, DOCUMENT_REFUSED)
        return
    try:
        name = check_name(sent.file_name, service.upload_max_bytes, sent.file_size)
        await say(update, context, DOCUMENT_RECEIVED.format(name=name))
        data = bytes(await (await context.bot.get_file(sent.file_id)).download_as_bytearray())
        added = await asyncio.to_thread(add_file, service.engine, name, data, service.upload_max_bytes)
    except UploadError as exc:
        logger.warning("document %r from user %s not added: %s", sent.file_name, user.id, exc)
        await say(update, context, DOCUMENT_FAILED.format(error=exc))
        return
    logger.info("document %s from user %s added: %d articles; now %d articles, %d passages", added.name, user.id,
                added.articles, added.reload.articles, added.reload.passages)
    await say(update, context, added_text(added))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, photo, voice message ... in a private chat: say that only text questions are answered."""
    await say(update, context, TEXT_ONLY.format(example=_example(_service(context).engine)))


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message in a private chat: ask for the question again rather than answer twice."""
    await say(update, context, EDITED)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have, in a private chat: point to /help."""
    command = (update.effective_message.text or "/").split()[0].split("@")[0]
    await say(update, context, UNKNOWN_COMMAND.format(command=command))


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log each exception with its update id; tell the reader when the fault is ours rather than Telegram's."""
    if update is None and isinstance(context.error, TelegramError):  # getUpdates failed: ptb polls again by itself
        logger.warning("polling for updates failed (%s); trying again shortly", context.error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("update %s failed", update_id, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat and not isinstance(context.error, TelegramError):
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, escape(FAILED))


# ---------------------------------------------------------------- what the handlers share


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Ask the engine in a worker thread, count it, and reply with the best sentence and its buttons or a decline."""
    if not await admitted(update, context):
        return
    service = _service(context)
    kind = small_talk(text)
    if kind is not None:
        await say(update, context, small_talk_reply(kind, _example(service.engine), WRONG_TELEGRAM))
        return
    conversation = _memory(update, context)
    reading = conversation.reading(text, service.engine.knowledge.tokenizer.tagged)  # a follow-up made whole
    started = time.perf_counter()
    asked, result = await asyncio.to_thread(answer_reading, service.engine.ask, text, reading)  # off the event loop
    service.stats.record(result, time.perf_counter() - started, asked)
    understood = follow_up_line(text, asked)
    if result.best is None:
        _log_decline(update, service, text, asked, result)
        declined = decline_text(result, MAX_QUESTION_CHARS, _example(service.engine))
        await say(update, context, with_line(understood, declined))
        return
    number = conversation.remember(text, asked, result)
    await send_html(update, context, answer_html(result.best, understood),
                    _buttons(number, conversation.get(number), service.feedback is not None))


async def send_more(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int | None) -> None:
    """The next candidate of question `number` (None: the chat's latest), with buttons again."""
    if not await admitted(update, context):
        return
    memory = _memory(update, context)
    asked = memory.get(number)
    if asked is None:
        await say(update, context, NO_LAST_ANSWER if number is None else OLD_QUESTION)
        return
    candidate = asked.next()
    if candidate is None:
        if not asked.told_end or number is None:  # a button pressed again at the end stays quiet
            asked.told_end = True
            await say(update, context, NOTHING_MORE)
        return
    await send_html(update, context, answer_html(candidate),
                    _buttons(number or memory.latest, asked, _service(context).feedback is not None))


async def send_source(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int | None,
                      index: int | None) -> None:
    """The article of candidate `index` of question `number` (None: the candidate the chat saw last)."""
    if not await admitted(update, context):
        return
    asked = _memory(update, context).get(number)
    if asked is None:
        await say(update, context, NO_LAST_ANSWER if number is None else OLD_QUESTION)
        return
    candidate = asked.candidate(index)
    article = _service(context).engine.knowledge.find_article(candidate.article, candidate.article_id)
    if article is None:
        await say(update, context, ARTICLE_GONE)
        return
    pieces = article_messages(article)
    for piece in pieces[:SOURCE_MAX_MESSAGES]:
        await send_html(update, context, piece)
    if len(pieces) > SOURCE_MAX_MESSAGES:  # a huge article must not flood the chat nor hold up shutdown
        await say(update, context, SOURCE_CUT.format(shown=SOURCE_MAX_MESSAGES))


def _log_decline(update: Update, service: Service, said: str, asked: str, result: Answer) -> None:
    if service.feedback is None:
        return
    user = update.effective_user
    try:
        service.feedback.declined(said=said, question=asked, reason=result.reason, chat=update.effective_chat.type,
                                  user_id=user.id if user else None)
    except FeedbackError as exc:  # the reader still gets the reply
        logger.error("%s", exc)


def _buttons(number: int, asked: Asked, votes: bool = True) -> InlineKeyboardMarkup:
    """下一句 (while there is one) and 原文; under them 👍 and 👎 for the candidate this message shows."""
    row = []
    if asked.shown < len(asked.answer.candidates):
        row.append(InlineKeyboardButton(MORE_BUTTON, callback_data=f"more:{number}"))
    shown = asked.shown - 1
    row.append(InlineKeyboardButton(SOURCE_BUTTON, callback_data=f"source:{number}:{shown}"))
    rows = [row]
    if votes:
        rows.append([InlineKeyboardButton(UP_BUTTON, callback_data=f"up:{number}:{shown}"),
                     InlineKeyboardButton(DOWN_BUTTON, callback_data=f"down:{number}:{shown}")])
    return InlineKeyboardMarkup(rows)


def _example(engine: Engine) -> str:
    return example_questions(engine.knowledge.articles)[0]


async def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> bool:
    """True for a user listed in NEWSQA_ADMIN_IDS; anyone else gets a polite refusal, and the attempt is logged."""
    user = update.effective_user
    if user is not None and user.id in _service(context).admin_ids:
        return True
    logger.warning("refused %s to user %s: not in NEWSQA_ADMIN_IDS", command, user.id if user else None)
    await say(update, context, ADMINS_ONLY.format(command=command))
    return False


async def admitted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """The flood limit: False (after one "slow down" reply) when this user asks faster than allowed."""
    user = update.effective_user
    if user is None:
        return True
    gate = _service(context).flood.admit(user.id)
    if gate.admitted:
        return True
    logger.info("flood limit: user %s held back for %.0f s", user.id, gate.wait)
    if gate.warn:
        await say(update, context, SLOW_DOWN.format(seconds=math.ceil(gate.wait)))
    return False


async def say(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Reply with plain text (escaped for the HTML parse mode)."""
    await send_html(update, context, escape(text))


async def send_html(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                    markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply in the update's chat: quoting the question in groups, in its forum topic, with Bot API retries."""
    message = update.message
    if message is not None:
        await deliver(lambda: message.reply_text(text, reply_markup=markup))
    else:
        await deliver(lambda: context.bot.send_message(update.effective_chat.id, text, reply_markup=markup))
