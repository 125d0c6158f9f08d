"""Workshop presets: each opens from a link exactly, and each really shows its point when trained
for its ``epochs`` (the fixed seeds make every number below reproducible)."""

from __future__ import annotations

import numpy as np
import pytest

from playground import presets, state
from playground.presets import PRESETS
from playground.trainer import Trainer

SLUGS = [
    "xor-needs-hidden",
    "vanishing-sigmoid",
    "too-large-alpha",
    "zero-init",
    "dead-relu",
    "overfitting-noise",
    "three-spirals",
]


def trained(config, epochs):
    trainer = Trainer(config)
    trainer.step(epochs)
    return trainer


def dead_shares(trainer: Trainer) -> list[float]:
    """Per hidden layer, the share of units whose output is 0 for every training point."""
    cache = trainer.cache
    return [float(np.mean(np.all(cache[f"A{k}"] == 0, axis=1))) for k in range(1, trainer.L)]


# -- the table -----------------------------------------------------------------------------------


def test_the_seven_presets_exist_under_their_slugs():
    assert list(PRESETS) == SLUGS
    for slug, preset in PRESETS.items():
        assert preset.slug == slug
        assert presets.find(slug) is preset
        assert preset.title and preset.what_to_look_at
        assert 2 <= preset.explanation.count(". ") + 1 <= 3, preset.explanation
        assert 1 <= preset.epochs <= 5000


def test_find_unknown_names():
    assert presets.find("no-such-preset") is None
    assert presets.find(None) is None
    with pytest.raises(ValueError, match="unknown preset"):
        presets.preset_query("no-such-preset")


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("contrast", [False, True])
def test_preset_round_trips_through_the_url(slug, contrast):
    preset = PRESETS[slug]
    query = presets.preset_query(slug, contrast=contrast)
    assert query["preset"] == slug
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
    config, epoch, problems = state.config_from_query(query)
    assert problems == []
    assert epoch == 0
    assert config == (preset.contrast if contrast else preset.config)
    # Values a link may carry (the URL's own limits), checked directly.
    assert state.ALPHA_RANGE[0] <= config.alpha <= state.ALPHA_RANGE[1]
    assert config.l2 in state.L2_OPTIONS
    assert config.batch_size in state.BATCH_SIZES
    assert 0 <= len(config.hidden) <= state.MAX_LAYERS
    assert all(1 <= n <= state.MAX_UNITS for n in config.hidden)
    assert config.classes in state.classes_for(config.dataset)


# -- each preset shows its point ----------------------------------------------------------------


def test_xor_needs_a_hidden_layer():
    preset = PRESETS["xor-needs-hidden"]
    assert preset.config.hidden == ()  # the output unit alone
    linear = trained(preset.config, preset.epochs).history
    assert linear["train_acc"].max() < 0.8  # never better than a straight line (0.695)
    assert linear["test_acc"].max() < 0.8
    hidden = trained(preset.contrast, preset.epochs).history
    assert hidden["train_acc"].iloc[-1] >= 0.97  # 1.0
    assert hidden["test_acc"].iloc[-1] >= 0.97  # 0.995


def test_vanishing_gradients_with_sigmoid():
    preset = PRESETS["vanishing-sigmoid"]
    t = trained(preset.config, preset.epochs)
    h, L = t.history, t.L
    ratio = h["dW1_norm"] / h[f"dW{L}_norm"]
    assert ratio.min() < 1e-2
    assert ratio.iloc[0] < 1e-3  # 5.0e-4 at the start
    assert (ratio < 1e-2).sum() >= 20  # not a one-epoch accident (43 epochs)
    first = [h[f"dW{k}_norm"].iloc[0] for k in range(1, L + 1)]
    assert all(a < b for a, b in zip(first, first[1:], strict=False))  # shrinks layer by layer
    assert h["train_cost"].min() > 0.69  # it never learns: a coin toss throughout
    tanh = trained(preset.contrast, preset.epochs).history
    assert tanh["dW1_norm"].iloc[0] / tanh[f"dW{L}_norm"].iloc[0] > 0.1
    assert tanh["train_cost"].iloc[-1] < 0.1


def test_too_large_alpha_makes_the_cost_jump():
    preset = PRESETS["too-large-alpha"]
    t = trained(preset.config, preset.epochs)
    cost = t.history["train_cost"].to_numpy()
    rises = np.diff(cost) > 0
    assert t.diverged or (rises.mean() > 0.25 and cost.max() > 2 * cost[0])  # 52%, 5.5 vs 0.71
    # alpha = 10 is chaotic: the last bits of tanh (NumPy's AVX-512 tanh or not) decide
    # where it ends, so the tail is judged as a whole: it keeps bouncing and stays high
    tail = cost[-50:]
    assert (np.diff(tail) > 0).mean() > 0.3  # 51% (49% without AVX-512)
    assert tail.mean() > 0.25  # 0.38 (0.71 without AVX-512)
    calm = trained(preset.contrast, preset.epochs).history["train_cost"].to_numpy()
    assert (np.diff(calm) > 0).mean() < 0.05  # falls (almost) every epoch
    assert calm[-1] < 0.1


def test_zero_init_keeps_every_unit_of_a_layer_identical():
    preset = PRESETS["zero-init"]
    t = trained(preset.config, preset.epochs)
    P = t.params
    for k in range(1, t.L + 1):
        W, B = P[f"W{k}"], P[f"B{k}"]
        scale = max(np.abs(W).max(), 1e-300)
        assert np.abs(W - W[0]).max() <= 1e-12 * scale, f"rows of W{k} differ"  # same units
        assert np.abs(B - B[0]).max() <= 1e-12 * max(np.abs(B).max(), 1e-300)
        if k > 1:  # ... fed by identical units: the columns are equal too
            assert np.abs(W - W[:, :1]).max() <= 1e-12 * scale, f"columns of W{k} differ"
    assert np.abs(P["W1"]).max() > 0.1  # the weights did move (0.92), yet stayed copies
    cache = t.cache
    assert np.abs(cache["A1"] - cache["A1"][0]).max() <= 1e-12  # same picture for every unit
    acc = t.history["train_acc"].iloc[-1]
    assert acc < 0.95  # 0.885: one unit per layer
    xavier = trained(preset.contrast, preset.epochs)
    assert xavier.history["train_acc"].iloc[-1] >= 0.99
    assert np.abs(xavier.params["W1"] - xavier.params["W1"][0]).max() > 0.1


def test_dead_relus():
    preset = PRESETS["dead-relu"]
    t = trained(preset.config, preset.epochs)
    shares = dead_shares(t)  # [0.125, 0.75, 1.0]
    assert max(shares) >= 0.5
    assert t.history["train_acc"].iloc[-1] < 0.6
    calm = trained(preset.contrast, preset.epochs)
    assert max(dead_shares(calm)) < 0.5  # [0, 0, 0.125]
    assert calm.history["train_acc"].iloc[-1] >= 0.97


def test_overfitting_with_noise():
    preset = PRESETS["overfitting-noise"]
    h = trained(preset.config, preset.epochs).history
    train, test = h["train_cost"].to_numpy(), h["test_cost"].to_numpy()
    best = int(test.argmin())  # epoch 361 (the history has one row per epoch here)
    assert 0 < best < 0.5 * preset.epochs  # first it generalises, then it stops
    assert test[-1] > train[-1] + 0.5  # 1.05 vs 0.03
    assert test[-1] > 2 * test[best]  # 0.33 -> 1.05
    assert train[-1] < 0.5 * train[best]  # the training cost kept falling meanwhile
    assert h["test_acc"].iloc[-1] < h["test_acc"].iloc[best]
    reg = trained(preset.contrast, preset.epochs).history["test_cost"].to_numpy()
    assert reg[-1] < 1.1 * reg.min() and reg[-1] < 0.5 * test[-1]


def test_three_spirals_need_a_wider_network():
    preset = PRESETS["three-spirals"]
    assert (preset.config.dataset, preset.config.classes) == ("spiral", 3)
    small = trained(preset.config, preset.epochs)
    assert small.output == "softmax" and small.params["W3"].shape == (3, 4)  # three output units
    assert small.grads["dZ3"].shape == (3, 500)  # dZ3 = A3 - Y, 3 x 500
    h = small.history
    assert abs(h["train_cost"].iloc[0] - np.log(3)) < 0.1  # 1.127: about a guess of 1/3 each
    assert h["train_acc"].max() < 0.65  # never past 62%
    assert h["test_acc"].iloc[-1] < 0.65  # 0.55
    assert h["train_acc"].iloc[-1] > 0.45  # better than a guess (33%), but not by much
    wide = trained(preset.contrast, preset.epochs)
    assert wide.params["W3"].shape == (3, 16)
    w = wide.history
    assert w["train_acc"].iloc[-1] >= 0.99  # 0.998
    assert w["test_acc"].iloc[-1] >= 0.95  # 0.972
    # Every class is predicted where it belongs: each class's own points mostly right.
    predicted = np.argmax(wide.cache["A3"], axis=0)
    labels = wide.data.labels_train
    assert all(np.mean(predicted[labels == c] == c) > 0.95 for c in range(3))
