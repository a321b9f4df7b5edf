"""Per-chat state is bounded: idle chats are forgotten, and no more than max_chats are ever kept."""

from __future__ import annotations

from bot.sessions import IDLE_SECONDS, MAX_CHATS, Sessions


def test_a_chat_keeps_its_state_while_active_and_starts_afresh_after_being_idle():
    now = [0.0]
    sessions = Sessions(list, idle_seconds=60, clock=lambda: now[0])
    sessions.get(1).append("asked")
    now[0] = 59
    assert sessions.get(1) == ["asked"]  # used again: the idle time starts over
    now[0] = 118
    assert sessions.get(2) == [] and sessions.get(1) == ["asked"]
    now[0] = 178.5
    assert sessions.get(3) == [] and len(sessions) == 1  # 1 and 2 idle for a minute: forgotten
    assert sessions.get(1) == []


def test_twenty_thousand_chats_never_hold_more_than_the_bound_and_the_latest_survive():
    now = [0.0]
    sessions = Sessions(dict, clock=lambda: now[0])
    for chat in range(20_000):
        now[0] += 0.01  # all well within the idle time: only the size bound applies
        sessions.get(chat)["n"] = chat
    assert len(sessions) == MAX_CHATS
    assert sessions.get(19_999) == {"n": 19_999}
    assert sessions.get(0) == {}  # the least recently active was dropped first
    now[0] += IDLE_SECONDS
    sessions.get(-1)
    assert len(sessions) == 1
