"""The Bot API connection's pure parts: which updates are kept, skipped or dropped (the HTTP side is in
test_chat.py and test_chat_faults.py, against the fake Bot API)."""

from __future__ import annotations

import logging

from bot.transport import _readable

GOOD = {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "问"}}


def test_a_readable_update_is_kept_as_it_is():
    assert _readable(GOOD) is GOOD


def test_an_unreadable_update_keeps_only_its_id_so_the_offset_moves_past_it(caplog):
    caplog.set_level(logging.WARNING)
    assert _readable({"update_id": 8, "message": {"message_id": 1, "text": "hi"}}) == {"update_id": 8}
    assert _readable({"update_id": 9, "message": "not an object"}) == {"update_id": 9}
    assert caplog.text.count("skipped update 8 that could not be read") == 1
    assert "Traceback" not in caplog.text


def test_an_item_without_an_update_id_is_dropped():
    assert _readable({"message": "not an object"}) is None
    assert _readable("garbage") is None
