"""What /stats reports of a running bot: answers and declines, answer times, votes, the most asked questions."""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Callable

from .answer import Answer

DAY = 86_400.0
LATENCIES_KEPT = 10_000
QUESTIONS_COUNTED = 10_000  # distinct questions counted for "most asked"; past this the rarest are dropped


class Stats:
    """Counters since start, with bounded memory: the latest answer times, declines of the last day, question counts."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.answered = 0
        self.declined = 0
        self.votes: Counter[str] = Counter()
        self.latencies: deque[float] = deque(maxlen=LATENCIES_KEPT)
        self.decline_times: deque[float] = deque()
        self.questions: Counter[str] = Counter()

    def record(self, answer: Answer, seconds: float, question: str | None = None) -> None:
        """Count one question: answered or declined, how long it took, and (when given) its wording."""
        if answer.best is None:
            self.declined += 1
            self.decline_times.append(self.clock())
        else:
            self.answered += 1
        self.latencies.append(seconds)
        if question and question.strip():
            self.questions[question.strip()] += 1
            if len(self.questions) > QUESTIONS_COUNTED:
                for rare, _ in self.questions.most_common()[QUESTIONS_COUNTED // 2:]:
                    del self.questions[rare]

    def vote(self, vote: str) -> None:
        self.votes[vote] += 1

    def declined_last_day(self) -> int:
        now = self.clock()
        while self.decline_times and now - self.decline_times[0] > DAY:
            self.decline_times.popleft()
        return len(self.decline_times)

    def percentile_text(self, share: float) -> str:
        """The answer time below which `share` of the latest answers fall (nearest rank), in milliseconds."""
        if not self.latencies:
            return "暂无"
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(share * len(ordered)))
        return f"{ordered[rank - 1] * 1000:.0f} 毫秒"

    def median_text(self) -> str:
        return self.percentile_text(0.5)

    def most_asked(self, count: int = 3) -> list[tuple[str, int]]:
        return self.questions.most_common(count)
