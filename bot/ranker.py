"""The trained model, the fourth and fifth steps of answering: a score per candidate and the decision to decline.

The model is a data file (bot/model/ranker.json, written by `newsqa train`), read once. Its ranker is either
LightGBM lambdarank trees or a linear model; trees are kept as flat arrays and walked with numpy, all trees at once,
so serving never imports LightGBM (which alone takes longer than the whole start-up budget). The decline model is a
classifier (trees or logistic regression) over the best candidate's figures (DECLINE_FEATURES): a calibrated
probability that the best sentence answers; below the threshold chosen on held-out data, the bot declines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).parent / "model" / "ranker.json"
FORMAT = 1


class ModelError(ValueError):
    """A model file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True)
class Trees:
    """LightGBM trees flattened: node i splits on feature[i] at threshold[i]; children < 0 are leaves ~child."""
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray  # leaf values, indexed by ~child
    roots: np.ndarray  # each tree's first node (or ~leaf for a one-leaf tree)

    def score(self, rows: np.ndarray) -> np.ndarray:
        nodes = np.broadcast_to(self.roots, (len(rows), len(self.roots))).copy()
        at = np.arange(len(rows))[:, None]
        while True:
            inner = nodes >= 0
            if not inner.any():
                break
            safe = np.where(inner, nodes, 0)
            values = rows[at, self.feature[safe]]
            step = np.where(values <= self.threshold[safe], self.left[safe], self.right[safe])
            nodes = np.where(inner, step, nodes)
        return self.leaf[~nodes].sum(axis=1)

    @classmethod
    def from_lightgbm(cls, dump: dict) -> "Trees":
        """From LightGBM's Booster.dump_model() (numerical splits, decision type <=, no missing values in our data)."""
        feature, threshold, left, right, leaf, roots = [], [], [], [], [], []

        def walk(node: dict) -> int:
            if "leaf_value" in node:
                leaf.append(node["leaf_value"])
                return ~(len(leaf) - 1)
            me = len(feature)
            feature.append(node["split_feature"])
            threshold.append(node["threshold"])
            left.append(0)
            right.append(0)
            if node.get("decision_type", "<=") != "<=":
                raise ModelError(f"unsupported split {node.get('decision_type')}")
            left[me] = walk(node["left_child"])
            right[me] = walk(node["right_child"])
            return me

        for tree in dump["tree_info"]:
            roots.append(walk(tree["tree_structure"]))
        return cls(*(np.array(v, dtype=t) for v, t in ((feature, np.int64), (threshold, np.float64), (left, np.int64),
                                                        (right, np.int64), (leaf, np.float64), (roots, np.int64))))

    def to_json(self) -> dict:
        return {k: getattr(self, k).tolist() for k in ("feature", "threshold", "left", "right", "leaf", "roots")}


@dataclass(frozen=True)
class Linear:
    """Standardised features times weights (scikit-learn's logistic regression or any linear scorer)."""
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float = 0.0

    def score(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights + self.bias

    def to_json(self) -> dict:
        return {"mean": self.mean.tolist(), "scale": self.scale.tolist(), "weights": self.weights.tolist(),
                "bias": self.bias}


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]  # the ranker's columns, as bot/features.py names them
    ranker: Trees | Linear
    decline_features: tuple[str, ...]
    decline: Trees | Linear  # log-odds: sigmoid(score) is the probability that the best candidate answers
    threshold: float  # decline below this probability
    about: dict  # what it was trained on and its held-out figures

    def scores(self, rows: np.ndarray) -> np.ndarray:
        return self.ranker.score(rows)

    def answers(self, decline_row: np.ndarray) -> float:
        """Probability that the best candidate answers the question."""
        return float(1.0 / (1.0 + np.exp(-self.decline.score(decline_row[None, :])[0])))

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "features": list(self.features), "ranker": _spec(self.ranker),
                           "decline_features": list(self.decline_features), "decline": _spec(self.decline),
                           "threshold": self.threshold, "about": self.about}, ensure_ascii=False, indent=0)

    def save(self, path: Path) -> None:
        from .files import atomic_write

        atomic_write(path, self.to_json())


def _spec(scorer: Trees | Linear) -> dict:
    return {"kind": "trees" if isinstance(scorer, Trees) else "linear", **scorer.to_json()}


def _scorer(spec: dict) -> Trees | Linear:
    arrays = {k: np.array(v) for k, v in spec.items() if k not in ("kind", "bias")}
    if spec["kind"] == "trees":
        return Trees(*(arrays[k].astype(np.float64 if k in ("threshold", "leaf") else np.int64)
                       for k in ("feature", "threshold", "left", "right", "leaf", "roots")))
    return Linear(arrays["mean"], arrays["scale"], arrays["weights"], float(spec.get("bias", 0.0)))


def load(path: Path = MODEL_PATH) -> Model:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ModelError(f"{path}: model format {data.get('format')!r}, expected {FORMAT}; run `newsqa train`")
        return Model(tuple(data["features"]), _scorer(data["ranker"]), tuple(data["decline_features"]),
                     _scorer(data["decline"]), float(data["threshold"]), data.get("about", {}))
    except ModelError:
        raise
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise ModelError(f"{path}: not a usable newsqa model ({type(exc).__name__}: {exc}); run `newsqa train`") from exc


@lru_cache(maxsize=1)
def default_model() -> Model:
    """The shipped model, read once per process."""
    return load(MODEL_PATH)
