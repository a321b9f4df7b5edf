"""The model file: trees flattened for numpy score exactly as LightGBM does; a model survives a save/load round trip."""

import json

import numpy as np
import pytest

from bot.ranker import Linear, Model, ModelError, Trees, default_model, load
from bot.features import DECLINE_FEATURES, FEATURES


def tiny_data(seed=0):
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(400, 5))
    labels = (rows[:, 0] + 0.5 * rows[:, 3] > 0.3).astype(int)
    return rows, labels, np.full(40, 10)


def test_flattened_trees_score_like_lightgbm():
    lightgbm = pytest.importorskip("lightgbm")
    rows, labels, groups = tiny_data()
    ranker = lightgbm.LGBMRanker(n_estimators=20, num_leaves=7, min_child_samples=5, random_state=0,
                                 deterministic=True, num_threads=1, verbose=-1)
    ranker.fit(rows, labels, group=groups)
    trees = Trees.from_lightgbm(ranker.booster_.dump_model())
    fresh = np.random.default_rng(1).normal(size=(50, 5))
    assert np.allclose(trees.score(fresh), ranker.predict(fresh), atol=1e-9)
    # the model learned something: rows with a high first column score higher
    assert np.corrcoef(trees.score(fresh), fresh[:, 0])[0, 1] > 0.5


def model_with(ranker) -> Model:
    n = len(DECLINE_FEATURES)
    decline = Linear(np.zeros(n), np.ones(n), np.linspace(-1, 1, n), 0.25)
    return Model(FEATURES, ranker, DECLINE_FEATURES, decline, 0.4, {"trained on": ["test"]})


def test_round_trip_keeps_every_score(tmp_path):
    lightgbm = pytest.importorskip("lightgbm")
    rng = np.random.default_rng(2)
    rows = rng.normal(size=(300, len(FEATURES)))
    labels = (rows[:, 6] > 0).astype(int)
    ranker = lightgbm.LGBMRanker(n_estimators=10, num_leaves=5, min_child_samples=5, random_state=0,
                                 deterministic=True, num_threads=1, verbose=-1).fit(rows, labels, group=[30] * 10)
    model = model_with(Trees.from_lightgbm(ranker.booster_.dump_model()))
    model.save(tmp_path / "m.json")
    again = load(tmp_path / "m.json")
    assert again.features == model.features and again.threshold == 0.4
    assert np.array_equal(again.scores(rows), model.scores(rows))
    row = rng.normal(size=len(DECLINE_FEATURES))
    assert again.answers(row) == pytest.approx(model.answers(row))
    assert 0.0 < again.answers(row) < 1.0


def test_linear_round_trip(tmp_path):
    linear = Linear(np.ones(len(FEATURES)), np.full(len(FEATURES), 2.0), np.arange(len(FEATURES), dtype=float), 1.5)
    model_with(linear).save(tmp_path / "m.json")
    rows = np.random.default_rng(3).normal(size=(7, len(FEATURES)))
    assert np.allclose(load(tmp_path / "m.json").scores(rows), linear.score(rows))


@pytest.mark.parametrize("content", ["", "{", json.dumps({"format": 99}), json.dumps({"format": 1, "ranker": {}})])
def test_a_broken_model_file_is_named(tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match="broken.json"):
        load(path)


def test_the_shipped_model_loads_and_matches_the_features():
    model = default_model()
    assert set(model.features) <= set(FEATURES)
    assert set(model.decline_features) <= set(DECLINE_FEATURES)
    assert 0.0 < model.threshold < 1.0
    assert model.about["held out (leave one set out)"], "newsqa train records its held-out figures in the model"
