"""Question sets in the qa-data format (../shared/qa-data/README.md), served as open corpora.

Each paragraph is an article; a seeded random half of the paragraphs is left out of the corpus, so questions about
them have no answer there and must be declined. Eval items carry "answers" (any of them in the answer sentence
counts as right) or None for a left-out paragraph's question.
"""

from __future__ import annotations

import json
import lzma
import random
from pathlib import Path

from .corpus import Article
from .evaluate import QuestionSetError, json_lines


def _lines(path: Path, first_only: bool = False) -> list[str]:
    """The file's lines (xz-compressed when its name ends in .xz); with first_only, up to its first non-empty one.
    Lines end at line ends only, not at U+2028 or other separators JSON text may hold unescaped."""
    try:
        opener = lzma.open if path.name.endswith(".xz") else open
        with opener(path, "rt", encoding="utf-8") as stream:
            lines = []
            for line in stream:
                lines.append(line.rstrip("\r\n"))
                if first_only and line.strip():
                    break
            return lines
    except (OSError, UnicodeDecodeError, lzma.LZMAError, EOFError) as exc:
        raise QuestionSetError(f"{path}: cannot be read ({exc})") from exc


def read_records(path: Path) -> list[dict]:
    records = []
    for number, item in json_lines(path, _lines(path)):
        if not (isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("context_id", "context", "question"))
                and isinstance(item.get("answers"), list) and item["answers"]
                and all(isinstance(a, str) and a.strip() for a in item["answers"])):
            raise QuestionSetError(f"{path}, line {number}: needs context_id, context and question strings and a "
                                   "non-empty answers list of non-empty strings (the qa-data format)")
        records.append(item)
    return records


def is_qa_format(path: Path) -> bool:
    """Whether the first record of the file has a context and an answers list."""
    try:
        first = next((line for line in _lines(path, first_only=True) if line.strip()), "")
        item = json.loads(first)
    except (QuestionSetError, json.JSONDecodeError):
        return False
    return isinstance(item, dict) and "context" in item and "answers" in item


def articles_of(records: list[dict]) -> list[Article]:
    articles: dict[str, Article] = {}
    for r in records:
        if r["context_id"] not in articles:
            articles[r["context_id"]] = Article(id=r["context_id"], title=r.get("title") or r["context_id"],
                                                text=" ".join(r["context"].split("\n")))
    return list(articles.values())


def open_set(records: list[dict], seed: int = 0, left_out: float = 0.5) -> tuple[list[Article], list[dict]]:
    """The articles kept in the corpus and every question in the eval format (answers None when left out).

    The paragraphs left out are random.Random(seed).sample of the sorted context ids: the same on every machine
    (tests/test_qadata.py pins the choice, since Python promises only random() itself to stay the same)."""
    ids = sorted({r["context_id"] for r in records})
    gone = set(random.Random(seed).sample(ids, int(len(ids) * left_out)))
    articles = [a for a in articles_of(records) if a.id not in gone]
    questions = []
    for r in records:
        away = r["context_id"] in gone
        questions.append({"id": r.get("id", ""), "question": r["question"], "context_id": r["context_id"],
                          "answer": None if away else r["answers"][0], "answers": None if away else r["answers"],
                          "article": None if away else r.get("title") or r["context_id"]})
    return articles, questions
