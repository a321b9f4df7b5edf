"""Text for Telegram's HTML messages (pure): escaping, the answer with its fact in bold, lengths as Telegram counts
them, and long text split under its message limit."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from telegram.constants import MessageLimit

from .answer import Candidate
from .corpus import Article
from .replies import answer_text, source_line


def escape(text: str) -> str:
    """Escape text for Telegram's HTML parse mode (<, > and & only; quotes are fine in text)."""
    return html.escape(text, quote=False)


ANSWER_MAX_CHARS = 3000  # an answer sentence longer than this is cut for display; with its source it fits 4,096
ABOVE_MAX_CHARS = 200  # a line over the answer (a follow-up's question) is cut to this


def clip(text: str, limit: int) -> str:
    """Text cut to at most `limit` Telegram length units, ending in … when cut."""
    if telegram_length(text) <= limit:
        return text
    return _cut(text, limit - 1)[0] + "…"


def answer_html(candidate: Candidate, above: str = "") -> str:
    """The candidate sentence with its fact in bold, then its source line; everything else escaped. `above`, a plain
    line over the answer (what a follow-up was taken to ask), is cut to ABOVE_MAX_CHARS; the source line gives way
    so that the whole still fits one message."""
    sentence, fact = answer_text(candidate)
    sentence = clip(sentence, ANSWER_MAX_CHARS)
    start = sentence.find(fact) if fact else -1
    if start < 0:
        body = escape(sentence)
    else:
        end = start + len(fact)
        body = f"{escape(sentence[:start])}<b>{escape(fact)}</b>{escape(sentence[end:])}"
    head = clip(above, ABOVE_MAX_CHARS) + "\n" if above else ""
    room = MessageLimit.MAX_TEXT_LENGTH - ANSWER_MAX_CHARS - 1 - telegram_length(head)
    return f"{escape(head)}{body}\n{escape(clip(source_line(candidate), room))}"


def telegram_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units: a character outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


SENTENCE_RE = re.compile(r"[^。!?;！？；…]*[。!?;！？；…]*")


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Pieces of at most `limit`, cut between paragraphs; a longer paragraph between sentences, then anywhere."""
    paragraphs = []
    for paragraph in text.split("\n"):
        if telegram_length(paragraph) <= limit:
            paragraphs.append(paragraph)
        else:
            sentences = (s for s in SENTENCE_RE.findall(paragraph) if s)
            paragraphs += _pack((cut for s in sentences for cut in _cut(s, limit)), "", limit)
    return [piece for piece in _pack(paragraphs, "\n", limit) if piece.strip()]


def _pack(units: Iterable[str], separator: str, limit: int) -> list[str]:
    """Greedily join units with separator into pieces no longer than limit (each unit fits on its own)."""
    pieces: list[str] = []
    for unit in units:
        if pieces and telegram_length(pieces[-1] + separator + unit) <= limit:
            pieces[-1] += separator + unit
        else:
            pieces.append(unit)
    return pieces


def _cut(text: str, limit: int) -> list[str]:
    """Hard cuts of at most limit units, never inside a surrogate pair."""
    cuts, current = [""], 0
    for char in text:
        width = telegram_length(char)
        if current + width > limit:
            cuts.append("")
            current = 0
        cuts[-1] += char
        current += width
    return cuts


def article_messages(article: Article, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """A whole article as HTML messages under Telegram's limit: the headline in bold, cut at paragraph boundaries."""
    byline = f"（{article.byline}）" if article.byline else ""
    heading = f"《{article.title}》{byline}"
    # Telegram's limit counts the text after entity parsing, so the raw text is split and each piece escaped after.
    pieces = split_text(f"{heading}\n{article.text}", limit)
    messages = [escape(piece) for piece in pieces]
    if pieces[0].startswith(heading):
        messages[0] = f"<b>{escape(heading)}</b>{escape(pieces[0][len(heading):])}"
    return messages
