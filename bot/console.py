"""The console front end: an interactive REPL and a batch mode, both over injected text streams."""

from __future__ import annotations

import json
from typing import TextIO

from .answer import MAX_QUESTION_CHARS, Answer
from .browse import articles_listing, sources_text
from .corpus import CorpusError
from .dialogue import Conversation, answer_reading
from .feedback import FeedbackError, FeedbackLog
from .engine import Engine
from .replies import (
    ARTICLE_GONE, NO_LAST_ANSWER, NOTHING_MORE, RELOAD_FAILED, WRONG_CONSOLE, cited_answer, decline_text,
    example_questions, follow_up_line, reload_text, small_talk_reply, source_line, with_line,
)
from .smalltalk import small_talk

PROMPT = "问> "
VOTED = {"up": "已记下 👍（{question}）。", "down": "已记下 👎（{question}），管理员会在 {path} 里看到并改正。"}
FEEDBACK_OFF = "这个控制台没有反馈记录，评价没有保存。"
HELP = """直接输入中文问题，回车提问。命令：
  /help    显示本帮助
  /more    上一个问题的下一个候选句子
  /source  上一个答案所在的整篇文章
  /good    上一个答案答对了（记入反馈）
  /bad     上一个答案答错了（记入反馈，管理员会看到）
  /articles 最新的文章（日期、报纸）
  /reload  重新读取语料（corpus/），失败时继续使用旧索引
  /quit    退出（也可以按 Ctrl-D）"""


def format_answer(result: Answer, example: str) -> str:
    if result.declined or not result.candidates:
        return decline_text(result, MAX_QUESTION_CHARS, example)
    best = result.candidates[0]
    return cited_answer(best)


class ConsoleSession:
    """One reader's conversation (bot/dialogue.py, as on Telegram): follow-ups, /more and /source of the last answer."""

    def __init__(self, engine: Engine, out: TextIO, feedback: FeedbackLog | None = None):
        self.engine = engine
        self.out = out
        self.feedback = feedback
        self.conversation = Conversation()

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def handle(self, line: str) -> bool:
        """Process one input line; False when the reader wants to leave."""
        text = line.strip()
        if text.startswith("/"):
            command = text.split()[0].lower()
            if command in ("/quit", "/exit", "/q"):
                return False
            handler = {"/help": self.help, "/more": self.more, "/source": self.source, "/reload": self.reload,
                       "/good": lambda: self.vote("up"), "/bad": lambda: self.vote("down"),
                       "/articles": self.articles}.get(command)
            if handler is None:
                self.say(f"未知命令 {command}。输入 /help 查看可用命令。")
            else:
                handler()
            return True
        kind = small_talk(text)
        if kind is not None:
            self.say(small_talk_reply(kind, self.example(), WRONG_CONSOLE))
            return True
        reading = self.conversation.reading(text, self.engine.knowledge.tokenizer.tagged)
        question, result = answer_reading(self.engine.ask, text, reading)
        if not result.declined:  # a decline keeps the last answer for /more and /source
            self.conversation.remember(text, question, result)
        # only a decline shows an example question: not worth making for every answer
        reply = format_answer(result, self.example() if result.declined else "")
        self.say(with_line(follow_up_line(text, question), reply))
        return True

    def example(self) -> str:
        return example_questions(self.engine.knowledge.articles)[0]

    def articles(self) -> None:
        self.say(articles_listing(self.engine.knowledge.articles))

    def help(self) -> None:
        self.say(HELP)
        self.say(f"语料：{self.engine.article_count} 篇文章，{self.engine.passage_count} 个句子，"
                 f"来源：{sources_text(self.engine.knowledge.articles)}。例如：{self.example()}")

    def more(self) -> None:
        asked = self.conversation.get()
        if asked is None:
            self.say(NO_LAST_ANSWER)
            return
        candidate = asked.next()
        if candidate is None:
            self.say(NOTHING_MORE)
        else:
            self.say(cited_answer(candidate))

    def source(self) -> None:
        asked = self.conversation.get()
        if asked is None:
            self.say(NO_LAST_ANSWER)
            return
        shown = asked.candidate()
        article = self.engine.knowledge.find_article(shown.article, shown.article_id)
        if article is None:
            self.say(ARTICLE_GONE)
            return
        byline = f"（{article.byline}）" if article.byline else ""
        self.say(f"《{article.title}》{byline}\n{article.text}")

    def vote(self, vote: str) -> None:
        """/good and /bad: the candidate shown last, with the question it answered, into the feedback log."""
        asked = self.conversation.get()
        if asked is None:
            self.say(NO_LAST_ANSWER)
            return
        if self.feedback is None:
            self.say(FEEDBACK_OFF)
            return
        try:
            self.feedback.vote(vote, said=asked.said, question=asked.question, candidate=asked.candidate(),
                               chat="console", user_id=None)
        except FeedbackError as exc:
            self.say(str(exc))
            return
        self.say(VOTED[vote].format(question=asked.question, path=self.feedback.path))

    def reload(self) -> None:
        try:
            report = self.engine.reload()
        except CorpusError as exc:
            self.say(RELOAD_FAILED.format(error=exc))
            return
        self.say(reload_text(report))


def run_repl(engine: Engine, stdin: TextIO, out: TextIO, interactive: bool, feedback: FeedbackLog | None = None) -> int:
    """Read questions until /quit, end of input or Ctrl-C; readline gives line editing and history on a terminal."""
    session = ConsoleSession(engine, out, feedback)
    if interactive:
        try:
            import readline  # noqa: F401  (importing it is what turns on editing and history for input())
        except ImportError:
            pass
        session.say(f"newsqa：{engine.article_count} 篇文章。输入问题，/help 查看命令，/quit 退出。")
    while True:
        try:
            line = input(PROMPT) if interactive else stdin.readline()
        except (EOFError, KeyboardInterrupt):
            session.say("")
            return 0
        if not interactive and line == "":
            return 0
        try:
            if not session.handle(line):
                return 0
        except KeyboardInterrupt:
            session.say("")
            return 0


def answer_record(question: str, result: Answer) -> dict:
    """The batch and --json contract: one flat JSON object per question."""
    best = result.best
    return {
        "question": question,
        "answer": best.sentence if best else None,
        "candidates": [c.sentence for c in result.candidates[:3]] if best else [],
        "title": best.title if best else None,
        "byline": best.byline if best else None,
        "date": (best.date or None) if best else None,
        "paper": (best.paper or None) if best else None,
        "page": (best.page or None) if best else None,
        "citation": source_line(best).removeprefix("——") if best else None,
        "score": best.score if best else None,
        "declined": result.declined,
        "reason": result.reason,
    }


def run_batch(engine: Engine, stdin: TextIO, out: TextIO) -> int:
    """Exactly one JSON line out for every line in, blank lines included."""
    for line in stdin:
        question = line.rstrip("\n").rstrip("\r")
        out.write(json.dumps(answer_record(question, engine.ask(question)), ensure_ascii=False) + "\n")
        out.flush()
    return 0
