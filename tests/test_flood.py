"""The flood gate (bot/flood.py): the limit admitted, one warning, then quiet until the window moves."""

from __future__ import annotations

from bot.flood import FloodGate


def test_flood_gate_admits_the_limit_warns_once_then_stays_quiet_until_the_window_moves():
    now = [0.0]
    gate = FloodGate(limit=2, window=60, clock=lambda: now[0])

    def at(seconds: float):
        now[0] = seconds
        verdict = gate.admit(7)
        return verdict.admitted, verdict.warn, verdict.wait

    assert at(0)[0] and at(10)[0]
    assert at(20) == (False, True, 40)
    assert at(30) == (False, False, 30)  # told once already: quiet
    assert gate.admit(8).admitted  # other users are not held back
    assert at(60)[0]  # the question at 0 left the window
    assert at(61) == (False, True, 9)  # a new run of refusals is told again
    assert at(70)[0]
