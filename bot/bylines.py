"""Questions about who wrote an article (这篇稿子的记者是谁, 哪位記者寫的, 文章作者叫什么名字): the page prints the writer
in the byline, never in a sentence, so no sentence can answer them. The article is the one the ranker puts first;
its byline answers when the article holds every other word of the question (else the question is about an article
the corpus may not have, and the usual decline decides)."""

from __future__ import annotations

import re

from .text import simplified

# Asking for the writer: 记者/作者 + 是谁/叫什么/是哪位, 谁写的, 哪位记者 (patterns of simplified text).
AUTHOR_QUESTION_RE = re.compile(
    r"(记者|作者|撰稿人|执笔人)(是谁|叫什么|是哪位|是哪个|姓什么)|(谁|哪位|哪个人)(写|撰写|采写)的|哪(位|个|名)(记者|作者)")
# Words that name the writing or point at it, not its topic: they need not occur in the article.
ABOUT_THE_WRITING = frozenset("这篇 这条 那篇 那条 篇 条 稿子 稿件 文章 消息 报道 新闻 作者 记者 写 撰写 采写 名字 执笔".split())
# The roles and credits a byline prints around names (记者/张三, N本报记者 李四 文/图, 見習記者 …).
_ROLES_RE = re.compile(r"^[N□]|本报|本刊|见习|实习生|特约|首席|通讯员|记者|作者|撰稿|文/图|摄影|摄|供稿|报道|[/:]")


def asks_author(question: str) -> bool:
    """Whether a question (as analysed: simplified, padding removed) asks who wrote the article."""
    return AUTHOR_QUESTION_RE.search(question) is not None


def topic_in(question_terms, title: str, text: str) -> bool:
    """Whether the article (its headline and text) holds every word of the question that is not about the writing."""
    article = simplified(f"{title} {text}").lower()
    topic = [t for t in question_terms if t not in ABOUT_THE_WRITING]
    return bool(topic) and all(t in article for t in topic)


def writer(byline: str) -> str | None:
    """The names a byline prints first, as printed (记者/何春林 通讯员/李敏 → 何春林; 邬 盛 → 邬 盛); None when there is
    none, or when they run into the place of the report (記者蘇榕蓉福州報道: which characters are the name is unsure)."""
    plain = simplified(byline)
    at = 0
    for role in [*_ROLES_RE.finditer(plain), None]:
        start, end = (role.start(), role.end()) if role else (len(plain), len(plain))
        piece = plain[at:start].strip()
        if piece:
            if role is not None and role.group(0) == "报道":
                return None
            first = plain.index(piece, at)
            return byline[first:first + len(piece)]
        at = end
    return None
