"""Scoring a question set (format of shared/eval/README.md): accuracy@1, accuracy@3, no-answer precision/recall."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .answer import Answer
from .text import squash


@dataclass
class Report:
    answerable: int = 0
    unanswerable: int = 0
    correct_at_1: int = 0
    correct_at_3: int = 0
    declined_right: int = 0  # unanswerable and declined
    declined_wrong: int = 0  # answerable but declined
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy_at_1(self) -> float:
        return self.correct_at_1 / self.answerable if self.answerable else 0.0

    @property
    def accuracy_at_3(self) -> float:
        return self.correct_at_3 / self.answerable if self.answerable else 0.0

    @property
    def no_answer_precision(self) -> float:
        declined = self.declined_right + self.declined_wrong
        return self.declined_right / declined if declined else 1.0

    @property
    def no_answer_recall(self) -> float:
        return self.declined_right / self.unanswerable if self.unanswerable else 1.0

    def summary(self) -> dict:
        return {
            "questions": self.answerable + self.unanswerable,
            "accuracy@1": round(self.accuracy_at_1, 3),
            "accuracy@3": round(self.accuracy_at_3, 3),
            "no-answer precision": round(self.no_answer_precision, 3),
            "no-answer recall": round(self.no_answer_recall, 3),
            "unanswerable declined": f"{self.declined_right}/{self.unanswerable}",
            "answerable wrongly declined": f"{self.declined_wrong}/{self.answerable}",
        }


class QuestionSetError(ValueError):
    """A question file that cannot be scored; the message names the file and, where it applies, the line."""


def load_questions(path: Path) -> list[dict]:
    """The questions of a JSONL file; a file that cannot be read or a bad line raises QuestionSetError."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionSetError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    questions = []
    for number, item in json_lines(path, lines):
        if not (isinstance(item, dict) and isinstance(item.get("question"), str)
                and isinstance(item.get("answer"), (str, type(None)))):
            raise QuestionSetError(f"{path}, line {number}: needs a \"question\" string and an \"answer\" string or null")
        questions.append(item)
    return questions


def json_lines(path: Path, lines: list[str]):
    """(line number, parsed object) of each non-empty line; a line that is not JSON raises QuestionSetError."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionSetError(f"{path}, line {number}: is not a complete JSON object ({exc.msg})") from exc


def evaluate(questions: list[dict], ask: Callable[[str], Answer], progress: bool = False) -> Report:
    from tqdm import tqdm

    report = Report()
    for item in tqdm(questions, disable=not progress, file=sys.stderr, leave=False, desc="questions"):
        result = ask(item["question"])
        expected = expected_answers(item)
        candidates = [squash(c.sentence) for c in result.candidates]
        if not expected:
            report.unanswerable += 1
            if result.declined:
                report.declined_right += 1
            else:
                report.misses.append(_miss(item, result, "answered an unanswerable question"))
            continue
        report.answerable += 1
        targets = [squash(t) for t in expected]
        first_ok = not result.declined and bool(candidates) and any(t in candidates[0] for t in targets)
        report.correct_at_1 += first_ok
        report.correct_at_3 += any(t in c for c in candidates[:3] for t in targets)
        if result.declined:
            report.declined_wrong += 1
        if not first_ok:
            report.misses.append(_miss(item, result, "declined" if result.declined else "wrong sentence first"))
    return report


def expected_answers(item: dict) -> list[str]:
    """The strings any of which makes a sentence right: the item's "answers" list (qa-data sets list several), else
    its "answer"; empty when the question is unanswerable ("answer" null and no "answers")."""
    if item.get("answers"):
        return list(item["answers"])
    return [] if item.get("answer") is None else [item["answer"]]


def _miss(item: dict, result: Answer, what: str) -> str:
    expected = expected_answers(item)
    lines = [f"[{item.get('id', '?')}] {what}: {item['question']}",
             f"    expected: {' or '.join(map(repr, expected)) or None} in 《{item.get('article')}》 ({item.get('type')})",
             f"    asked kind: {result.kind}; {result.reason}"]
    for rank, c in enumerate((result.candidates or result.rejected)[:3], start=1):
        lines.append(f"    #{rank} 《{c.title}》 {c.sentence}")
        lines.append(f"       {c.why}")
    return "\n".join(lines)
