"""The flood gate: how many questions one user may ask in a window, and the one "slow down" said when over."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Gate:
    """The flood gate's verdict on one question."""

    admitted: bool
    warn: bool = False  # the first refusal of a run: say "slow down" once, then stay quiet
    wait: float = 0.0  # seconds until the user may ask again


class FloodGate:
    """Per user, at most `limit` questions in any `window` seconds (a sliding window).

    Over the limit the user is told once to slow down and then not answered until the window lets them in
    again: a flood of questions never becomes a flood of replies.
    """

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._asked: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def admit(self, user_id: int) -> Gate:
        now = self.clock()
        if len(self._asked) > 10_000:
            self._forget_idle(now)
        times = self._asked.setdefault(user_id, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._warned.discard(user_id)
            return Gate(True)
        warn = user_id not in self._warned
        self._warned.add(user_id)
        return Gate(False, warn, self.window - (now - times[0]))

    def _forget_idle(self, now: float) -> None:
        for user_id in [u for u, times in self._asked.items() if not times or now - times[-1] >= self.window]:
            del self._asked[user_id]
            self._warned.discard(user_id)
