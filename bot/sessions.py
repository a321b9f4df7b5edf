"""Per-chat state with a bound: a chat idle for IDLE_SECONDS is forgotten, and at most MAX_CHATS are kept."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

State = TypeVar("State")

IDLE_SECONDS = 3600.0  # an hour without a message: /more, /source and follow-ups of that chat start afresh
MAX_CHATS = 10_000  # beyond this the least recently active chat is forgotten first (about 5 KB a chat)


class Sessions(Generic[State]):
    """A least-recently-used map from chat id to its state, made on first use and dropped when idle.

    Touching a chat moves it to the end, so the idle ones are always at the front: each call drops those
    and stops at the first fresh one, so the cost stays constant however many chats there are.
    """

    def __init__(self, make: Callable[[], State], idle_seconds: float = IDLE_SECONDS, max_chats: int = MAX_CHATS,
                 clock: Callable[[], float] = time.monotonic):
        self.make, self.idle_seconds, self.max_chats, self.clock = make, idle_seconds, max_chats, clock
        self._states: OrderedDict[int, tuple[float, State]] = OrderedDict()

    def get(self, chat_id: int) -> State:
        """The chat's state (a fresh one when it has none or it expired), marked as used now."""
        now = self.clock()
        self._expire(now)
        entry = self._states.pop(chat_id, None)
        state = entry[1] if entry is not None else self.make()
        self._states[chat_id] = (now, state)
        while len(self._states) > self.max_chats:
            self._states.popitem(last=False)
        return state

    def _expire(self, now: float) -> None:
        while self._states:
            used, _ = next(iter(self._states.values()))
            if now - used < self.idle_seconds:
                return
            self._states.popitem(last=False)

    def __len__(self) -> int:
        return len(self._states)
