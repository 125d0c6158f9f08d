"""Tests for playground.trainer: learning, the history against the engine, determinism, alpha
changes, divergence, bounded memory, snapshots and replays, mini-batches, l2, float32, config."""

from __future__ import annotations

import dataclasses
import math
import threading
import warnings

import numpy as np
import pandas as pd
import pytest

from playground import engine
from playground import trainer as tr
from playground.trainer import Config, Data, Trainer, history_columns

# XOR, hidden (4, 4) tanh/tanh, alpha 0.3, 400 points (200 for training): seeds 0..4 first reach
# 97 % training accuracy at epochs 409, 189, 79, 192 and 141, and all are at 100 % by epoch 1000.
XOR_CONFIG = Config(dataset="xor", hidden=(4, 4), activations=("tanh", "tanh"), alpha=0.3)
XOR_EPOCHS = 1000  # budget: 2.4x the slowest of the seeds 0..4
# Circle, same network: seeds 0..4 reach 97 % by epochs 126, 99, 137, 105 and 92.
CIRCLE_CONFIG = XOR_CONFIG.replace(dataset="circle")
CIRCLE_EPOCHS = 400
TARGET_ACCURACY = 0.97

SMALL = Config(dataset="circle", n_samples=40, hidden=(3, 2), activations=("tanh", "tanh"))
TINY = Config(dataset="circle", n_samples=20, hidden=(2,), activations=("tanh",), alpha=0.1)
# With the default caps the default network's trainer holds at most this much, however long it
# runs (history rows are thinned, snapshots are capped): see test_memory_bound_from_constants.
DEFAULT_RUN_MAX_BYTES = 10 * 2**20


def close(expected, rel: float):
    """``pytest.approx`` with a relative tolerance only (approx adds abs=1e-12 otherwise)."""
    return pytest.approx(expected, rel=rel, abs=0)


def engine_view(t: Trainer, params):
    """What the engine says about ``params`` on the trainer's data: costs, accuracies, grads."""
    d, acts, l2 = t.data, t.config.activations, t.config.l2
    train = engine.forward(params, d.X_train, acts)
    test = engine.forward(params, d.X_test, acts)
    AL = f"A{t.L}"
    return {
        "train_cost": engine.cost(train, d.Y_train, params, l2),
        "test_cost": engine.cost(test, d.Y_test),
        "train_acc": engine.accuracy(train[AL], d.Y_train),
        "test_acc": engine.accuracy(test[AL], d.Y_test),
        "grads": engine.backward(params, train, d.Y_train, acts, l2),
    }


def assert_params_equal(a, b):
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def stepped(config: Config, epochs: int) -> Trainer:
    t = Trainer(config)
    assert t.step(epochs) == epochs
    return t


# ---------------------------------------------------------------------------------------------
# Learning
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_xor_is_learned(seed):
    t = Trainer(XOR_CONFIG.replace(seed=seed))
    start = t.last
    assert t.step(XOR_EPOCHS) == XOR_EPOCHS
    assert t.epoch == XOR_EPOCHS and not t.diverged
    assert t.last["train_acc"] >= TARGET_ACCURACY
    assert t.last["train_cost"] < start["train_cost"] / 5
    # the engine agrees that these parameters separate the training points
    view = engine_view(t, t.params)
    assert view["train_acc"] >= TARGET_ACCURACY
    assert view["test_acc"] >= 0.9


@pytest.mark.parametrize("seed", range(5))
def test_circle_is_learned(seed):
    t = stepped(CIRCLE_CONFIG.replace(seed=seed), CIRCLE_EPOCHS)
    assert t.last["train_acc"] >= TARGET_ACCURACY
    assert engine_view(t, t.params)["train_acc"] >= TARGET_ACCURACY


def test_train_convenience():
    t = tr.train(SMALL, 5)
    assert t.epoch == 5
    assert_params_equal(t.params, stepped(SMALL, 5).params)


# ---------------------------------------------------------------------------------------------
# History against the engine
# ---------------------------------------------------------------------------------------------


def test_history_columns():
    assert history_columns(3) == [
        "epoch", "train_cost", "test_cost", "train_acc", "test_acc",
        "dW1_norm", "dB1_norm", "dW2_norm", "dB2_norm", "dW3_norm", "dB3_norm",
        "W1_norm", "B1_norm", "W2_norm", "B2_norm", "W3_norm", "B3_norm",
    ]  # fmt: skip
    assert len(history_columns(1)) == 5 + 4 and len(history_columns(7)) == 5 + 28


@pytest.mark.parametrize(
    "config",
    [
        SMALL,
        SMALL.replace(activations=("tanh", "relu"), seed=3),
        SMALL.replace(l2=0.3, activations=("leaky_relu", "sigmoid"), seed=3),
    ],
    ids=["tanh-tanh", "tanh-relu", "l2"],
)
def test_history_rows_equal_the_engine(config):
    N = 6
    t = stepped(config, N)
    # no output exactly at the tie ZL = 0 (see test_accuracy_of_a_tie_agrees_with_the_engine)
    first = engine.forward(t.snapshot(0), t.data.X_train, config.activations)
    assert (first[f"Z{t.L}"] != 0).all()
    h = t.history
    assert list(h.columns) == history_columns(t.L) == t.columns
    assert h["epoch"].tolist() == list(range(N + 1))
    assert h["epoch"].dtype == np.int64
    assert np.isfinite(h.to_numpy(dtype=float)).all()
    assert t.last == h.iloc[-1].to_dict()
    assert set(range(N + 1)) <= set(t.snapshot_epochs.tolist())
    for e, row in h.iterrows():
        params = t.snapshot(e)
        view = engine_view(t, params)
        assert row["train_cost"] == close(view["train_cost"], 1e-12), e
        assert row["test_cost"] == close(view["test_cost"], 2e-6), e  # measured in float32
        for col in ("train_acc", "test_acc"):
            assert row[col] == close(view[col], 1e-12), (e, col)
        for k in range(1, t.L + 1):
            for p in "WB":
                grad_norm = np.linalg.norm(view["grads"][f"d{p}{k}"])
                assert row[f"d{p}{k}_norm"] == close(grad_norm, 1e-11), (e, p, k)
                assert row[f"{p}{k}_norm"] == close(np.linalg.norm(params[f"{p}{k}"]), 1e-12)
    # the cost went down, and the rows are not all the same
    assert h["train_cost"].iloc[-1] < h["train_cost"].iloc[0]
    assert h["W1_norm"].nunique() == N + 1


def test_trainer_views_equal_the_engine_at_the_current_epoch():
    t = stepped(SMALL, 4)
    params = t.params
    cache = engine.forward(params, t.data.X_train, SMALL.activations)
    grads = engine.backward(params, cache, t.data.Y_train, SMALL.activations)
    for name, value in t.cache.items():
        np.testing.assert_allclose(value, cache[name], rtol=1e-12, atol=1e-15)
    for name, value in t.grads.items():
        np.testing.assert_allclose(value, grads[name], rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config", [SMALL, SMALL.replace(batch_size=7, l2=0.1)], ids=["full-batch", "mini-batch"]
)
def test_same_config_same_run_bit_for_bit(config):
    a, b = stepped(config, 25), Trainer(config)
    for chunk in (1, 10, 14):  # stepping in other chunks changes nothing
        b.step(chunk)
    pd.testing.assert_frame_equal(a.history, b.history, check_exact=True)
    assert_params_equal(a.params, b.params)
    c = stepped(config.replace(seed=config.seed + 1), 25)
    assert not a.history.equals(c.history)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


# ---------------------------------------------------------------------------------------------
# Changing alpha between steps
# ---------------------------------------------------------------------------------------------


def test_changing_alpha_continues_from_the_current_parameters():
    t = stepped(SMALL.replace(alpha=0.3), 5)
    params, grads = t.params, t.grads
    t.alpha = 0.05
    assert t.epoch == 5
    assert_params_equal(t.params, params)

    assert t.step(1) == 1
    assert t.epoch == 6
    # exactly the update the trainer's own gradients give with the new alpha ...
    assert_params_equal(t.params, engine.update(params, grads, 0.05))
    # ... which is the notes' update with the engine's gradients
    acts = SMALL.activations
    cache = engine.forward(params, t.data.X_train, acts)
    manual = engine.update(params, engine.backward(params, cache, t.data.Y_train, acts), 0.05)
    for name, P in t.params.items():
        np.testing.assert_allclose(P, manual[name], rtol=1e-12, atol=1e-15)
    assert t.history["epoch"].tolist() == list(range(7))
    # not a restart with the new alpha, and not the old alpha
    assert not np.array_equal(t.params["W1"], stepped(SMALL.replace(alpha=0.05), 6).params["W1"])
    assert not np.array_equal(t.params["W1"], stepped(SMALL.replace(alpha=0.3), 6).params["W1"])


# ---------------------------------------------------------------------------------------------
# Divergence
# ---------------------------------------------------------------------------------------------

DIVERGING = Config(
    dataset="circle", n_samples=100, hidden=(4, 4), activations=("linear", "linear"), alpha=10.0
)


def everything_finite(t: Trainer, params) -> bool:
    """The trainer's test for a step: costs, gradients and parameters all finite."""
    with np.errstate(all="ignore"):
        view = engine_view(t, params)
        values = [view["train_cost"], view["test_cost"]]
        values += [float(np.sum(np.abs(g))) for g in view["grads"].values()]
        values += [float(np.sum(np.abs(P))) for P in params.values()]
    return all(math.isfinite(v) for v in values)


def test_divergence_stops_at_the_last_finite_epoch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = Trainer(DIVERGING)
        done = t.step(1000)
        params, last_epoch = t.params, t.epoch
        assert t.step(5) == 0
    assert t.diverged
    assert "diverged" in t.message
    assert 0 < done == last_epoch < 1000
    assert f"epoch {last_epoch}" in t.message
    assert t.epoch == last_epoch  # a refused step does not count
    assert_params_equal(t.params, params)
    assert all(np.isfinite(P).all() for P in params.values())
    assert all(np.isfinite(G).all() for G in t.grads.values())
    h = t.history
    assert np.isfinite(h.to_numpy(dtype=float)).all()
    assert h["epoch"].tolist() == list(range(last_epoch + 1))
    assert t.last["epoch"] == last_epoch
    # it really is the last finite epoch: the same run, and one more update breaks it
    assert_params_equal(params, stepped(DIVERGING, last_epoch).params)
    assert everything_finite(t, params)
    with np.errstate(all="ignore"):
        next_params = engine.update(params, t.grads, DIVERGING.alpha)
    assert not everything_finite(t, next_params)


def test_divergence_with_a_huge_alpha_raises_no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = Trainer(SMALL.replace(activations=("linear", "linear"), alpha=1e6))
        t.step(100)
    assert t.diverged and t.epoch < 100
    assert np.isfinite(t.history.to_numpy(dtype=float)).all()


def test_stable_run_does_not_diverge():
    t = stepped(SMALL, 50)
    assert not t.diverged and t.message == ""


# ---------------------------------------------------------------------------------------------
# Bounded memory
# ---------------------------------------------------------------------------------------------


def test_history_is_thinned_to_a_bounded_size(monkeypatch):
    monkeypatch.setattr(tr, "HISTORY_ROWS", 64)
    t = stepped(SMALL, 1000)
    h = t.history
    assert len(h) <= 64 + 1
    assert len(h) >= 16  # thinned, not emptied
    epochs = h["epoch"].to_numpy()
    assert epochs[0] == 0 and epochs[-1] == 1000
    assert (np.diff(epochs) > 0).all()
    spacing = np.diff(epochs[:-1])
    assert (spacing == spacing[0]).all()  # evenly thinned
    # the rows kept still belong to their epochs (where a snapshot of that epoch was kept too)
    both = sorted(set(epochs.tolist()) & set(t.snapshot_epochs.tolist()))
    assert len(both) >= 5
    for e in both:
        row = h.loc[h["epoch"] == e].iloc[0]
        params = t.snapshot(e)
        assert row["train_cost"] == close(engine_view(t, params)["train_cost"], 1e-12)
        assert row["W1_norm"] == close(np.linalg.norm(params["W1"]), 1e-12)
    assert h.iloc[-1]["train_cost"] == close(engine_view(t, t.params)["train_cost"], 1e-12)


@pytest.mark.parametrize("batch", [1, 5])
def test_test_metrics_do_not_depend_on_how_epochs_are_batched(monkeypatch, batch):
    # The test set is measured for up to TEST_BATCH epochs at once; a full history table (that
    # grows or thins next) is measured first. Batches of 1 or 5 and the default give one history.
    monkeypatch.setattr(tr, "HISTORY_ROWS", 64)
    reference = stepped(SMALL, 300)
    monkeypatch.setattr(tr, "TEST_BATCH", batch)
    t = Trainer(SMALL)
    for chunk in (1, 7, 92, 200):
        t.step(chunk)
    pd.testing.assert_frame_equal(t.history, reference.history, check_exact=True)
    assert t._test.capacity == batch
    assert np.isfinite(t.history.to_numpy(dtype=float)).all()


class NonFiniteFrom:
    """Stands in for the trainer's test evaluator: the real results, but not finite from the
    ``epoch``-th parameters it is given on (the trainer measures epoch 0, 1, 2, ... in order)."""

    def __init__(self, evaluator, epoch: int) -> None:
        self.real, self.epoch, self.seen = evaluator, epoch, 0
        self.capacity = evaluator.capacity

    def evaluate(self, thetas):
        out = self.real.evaluate(thetas)
        for i in range(len(out)):
            if self.seen + i >= self.epoch:
                out[i, 0] = np.inf
        self.seen += len(out)
        return out


@pytest.mark.parametrize("batch", [32, 4])  # found at the end of step(), or within it
def test_a_non_finite_test_cost_stops_training_at_the_epoch_before(monkeypatch, batch):
    monkeypatch.setattr(tr, "TEST_BATCH", batch)
    t = Trainer(SMALL)
    t._test = NonFiniteFrom(t._test, 13)
    t._test.seen = 1  # epoch 0 was measured at construction
    assert t.step(100) == 12
    assert t.diverged and t.epoch == 12
    assert "diverged" in t.message and "epoch 12" in t.message
    reference = stepped(SMALL, 12)
    assert_params_equal(t.params, reference.params)
    pd.testing.assert_frame_equal(t.history, reference.history, check_exact=True)
    assert t.last == reference.last
    assert t.step(5) == 0


def test_a_non_finite_test_cost_at_the_start_is_refused():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (2, 40))
    Y = (X[0:1] > 0).astype(float)
    X_test = np.sign(X[:, 20:]) * 1.7e308  # finite, but the outputs overflow
    data = Data(X[:, :20], Y[:, :20], X_test, Y[:, 20:], X[:, :20], X_test, ("a", "b"))
    config = SMALL.replace(activations=("linear", "linear"), hidden=(8, 8))
    with pytest.raises(ValueError, match="non-finite cost"):
        Trainer(config, data=data)


def test_memory_stops_growing(monkeypatch):
    monkeypatch.setattr(tr, "HISTORY_ROWS", 64)
    monkeypatch.setattr(tr, "SNAPSHOT_COUNT", (16, 32))
    t = Trainer(TINY)
    sizes = []
    for _ in range(20):
        assert t.step(1000) == 1000
        sizes.append(t.memory_bytes)
        assert len(t.history) <= 65
        assert len(t.snapshot_epochs) <= 32
    assert t.epoch == 20_000
    assert len(set(sizes)) == 1, sizes  # no growth after the caps are reached
    assert t.history["epoch"].iloc[-1] == 20_000
    assert t.snapshot_epochs[0] == 0 and t.snapshot_epochs[-1] > 15_000


def saturated_memory(monkeypatch, config, rows, snapshots, epochs=300) -> int:
    monkeypatch.setattr(tr, "HISTORY_ROWS", rows)
    monkeypatch.setattr(tr, "SNAPSHOT_COUNT", (16, snapshots))
    t = stepped(config, epochs)
    assert len(t.history) <= rows + 1 and len(t.snapshot_epochs) <= snapshots
    return t.memory_bytes


def test_memory_bound_from_constants(monkeypatch):
    config = Config()  # the default network and data
    t = Trainer(config)
    columns, theta_bytes = len(t.columns), t.ws.theta.nbytes
    per_row, per_snapshot = columns * 8, theta_bytes

    # With the caps reached, memory = fixed buffers + rows x row + snapshots x snapshot:
    small = saturated_memory(monkeypatch, config, 64, 32)
    larger = saturated_memory(monkeypatch, config, 128, 64)
    assert larger - small == 64 * per_row + 32 * per_snapshot
    fixed = small - 64 * per_row - 32 * per_snapshot
    assert 0 < fixed < 2**20
    monkeypatch.undo()

    # ... so with the default caps, a run of any length (a million epochs) holds at most:
    low, high = tr.SNAPSHOT_COUNT
    snapshots = max(low, min(high, tr.SNAPSHOT_BYTES // theta_bytes))
    bound = fixed + tr.HISTORY_ROWS * per_row + snapshots * per_snapshot
    assert snapshots * per_snapshot <= max(tr.SNAPSHOT_BYTES, low * theta_bytes)
    assert bound <= DEFAULT_RUN_MAX_BYTES
    assert t.memory_bytes <= bound
    t.step(600)  # past the snapshot cap for this network
    assert len(t.snapshot_epochs) <= snapshots
    assert t.memory_bytes <= bound


# ---------------------------------------------------------------------------------------------
# Snapshots and replays
# ---------------------------------------------------------------------------------------------


def test_snapshot_of_current_epoch_and_replays():
    t = stepped(SMALL, 9)
    assert_params_equal(t.snapshot(9), t.params)
    assert_params_equal(t.snapshot(0), Trainer(SMALL).params)
    for k in (1, 4, 8):
        assert_params_equal(t.snapshot(k), stepped(SMALL, k).params)
    t.step(3)
    assert_params_equal(t.snapshot(12), t.params)
    assert_params_equal(t.snapshot(9), stepped(SMALL, 9).params)


def test_thinned_snapshots_replay_exactly(monkeypatch):
    monkeypatch.setattr(tr, "SNAPSHOT_COUNT", (16, 16))
    t = stepped(SMALL, 100)
    epochs = t.snapshot_epochs
    assert len(epochs) <= 16 and epochs[0] == 0 and (np.diff(epochs) > 0).all()
    k = int(epochs[len(epochs) // 2])
    assert 0 < k < 100
    assert_params_equal(t.snapshot(k), stepped(SMALL, k).params)
    assert_params_equal(t.snapshot(k + 1), t.snapshot(k))  # nearest recorded at or before
    assert_params_equal(t.snapshot(-5), t.snapshot(0))


# ---------------------------------------------------------------------------------------------
# Mini-batches, l2, float32
# ---------------------------------------------------------------------------------------------

BATCH = Config(dataset="circle", n_samples=200, batch_size=10)


def test_mini_batch_trains_and_differs_from_full_batch():
    t = Trainer(BATCH)
    start = t.last
    assert t.step(40) == 40
    assert t.last["train_acc"] >= 0.9 > start["train_acc"]
    assert t.last["train_cost"] < start["train_cost"] / 2
    full = stepped(BATCH.replace(batch_size=None), 40)
    assert not np.allclose(t.params["W1"], full.params["W1"])
    # the history still measures the parameters reached, on all the data
    view = engine_view(t, t.params)
    assert t.last["train_cost"] == close(view["train_cost"], 1e-12)


def test_batch_as_large_as_the_data_is_full_batch():
    a, b = stepped(BATCH.replace(batch_size=None), 5), stepped(BATCH.replace(batch_size=10_000), 5)
    pd.testing.assert_frame_equal(a.history, b.history, check_exact=True)


def test_l2_adds_l2_over_m_W_to_the_gradient():
    l2 = 0.5
    plain, reg = Trainer(SMALL), Trainer(SMALL.replace(l2=l2))
    assert_params_equal(plain.params, reg.params)
    W = plain.params
    m = plain.m
    g0, g1 = plain.grads, reg.grads
    for k in range(1, plain.L + 1):
        np.testing.assert_allclose(g1[f"dW{k}"] - g0[f"dW{k}"], l2 / m * W[f"W{k}"], atol=1e-15)
        np.testing.assert_array_equal(g1[f"dB{k}"], g0[f"dB{k}"])
    penalty = l2 / (2 * m) * sum(np.sum(W[f"W{k}"] ** 2) for k in range(1, plain.L + 1))
    assert reg.last["train_cost"] == close(plain.last["train_cost"] + penalty, 1e-13)
    assert reg.last["test_cost"] == plain.last["test_cost"]  # the test cost is the data loss
    # and the penalty keeps the weights smaller
    plain.step(200)
    reg.step(200)

    def weight_sq(t):
        return sum(t.last[f"W{k}_norm"] ** 2 for k in range(1, t.L + 1))

    assert weight_sq(reg) < 0.75 * weight_sq(plain)


def test_float32_trains():
    t = Trainer(CIRCLE_CONFIG.replace(dtype="float32"))
    assert all(P.dtype == np.float32 for P in t.params.values())
    start = t.last
    t.step(300)
    assert all(P.dtype == np.float32 for P in t.params.values())
    assert t.last["train_acc"] >= TARGET_ACCURACY > start["train_acc"]
    assert t.last["train_cost"] < start["train_cost"] / 5
    as64 = stepped(CIRCLE_CONFIG, 300)
    assert t.last["train_cost"] == close(as64.last["train_cost"], 1e-3)


# ---------------------------------------------------------------------------------------------
# Config validation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"hidden": (4, 4), "activations": ("tanh",)},
        {"hidden": (4,), "activations": ("tanh", "tanh")},
        {"hidden": (2,) * 7, "activations": ("tanh",) * 7},
        {"hidden": (4, 0), "activations": ("tanh", "tanh")},
        {"hidden": (-1,), "activations": ("tanh",)},
        {"activations": ("tanh", "softmax")},
        {"alpha": 0.0},
        {"alpha": -0.1},
        {"alpha": float("nan")},
        {"alpha": float("inf")},
        {"l2": -1.0},
        {"l2": float("nan")},
        {"batch_size": 0},
        {"dtype": "float16"},
        {"init": "uniform"},
        {"dataset": "nope"},
    ],
    ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()),
)
def test_bad_config_raises_value_error(changes):
    with pytest.raises(ValueError):
        Trainer(SMALL.replace(**changes))


def test_good_edge_configs_are_accepted():
    Trainer(SMALL.replace(hidden=(1,) * 6, activations=("relu",) * 6))
    Trainer(SMALL.replace(hidden=(1,), activations=("linear",), batch_size=1, alpha=1e-9))


# ---------------------------------------------------------------------------------------------
# Regressions: ties in accuracy, warnings at construction
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        SMALL.replace(init="zeros"),  # every output is exactly 0.5 at epoch 0
        # relu at init: inputs where every relu unit is off give ZL = BL = 0 exactly (10 of 20 here)
        SMALL.replace(activations=("tanh", "relu"), seed=2),
    ],
    ids=["zeros-init", "relu-dead-inputs"],
)
def test_accuracy_of_a_tie_agrees_with_the_engine(config):
    t = Trainer(config)
    view = engine_view(t, t.params)
    ZL = engine.forward(t.params, t.data.X_train, config.activations)[f"Z{t.L}"]
    assert (ZL == 0).sum() >= 5  # the case in question
    assert t.last["train_acc"] == view["train_acc"]  # zeros: history 0.0, engine 0.55


def test_large_inputs_raise_no_warnings_at_construction():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (2, 40)) * np.array([[1000.0], [2000.0]])  # unscaled features
    Y = (X[0:1] > 0).astype(float)
    data = Data(X[:, :20], Y[:, :20], X[:, 20:], Y[:, 20:], X[:, :20], X[:, 20:], ("a", "b"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = Trainer(SMALL, data=data)
    assert np.isfinite(t.history.to_numpy(dtype=float)).all()


# ---------------------------------------------------------------------------------------------
# Editing a parameter
# ---------------------------------------------------------------------------------------------


def test_set_parameter_measures_the_epoch_again_and_training_continues_from_it():
    t = stepped(SMALL, 10)
    t.set_parameter("W2", (1, 2), 0.75)
    t.set_parameter("B1", (0, 0), -1.5)
    params = t.params
    assert params["W2"][1, 2] == 0.75 and params["B1"][0, 0] == -1.5
    assert t.epoch == 10
    view = engine_view(t, params)
    last = t.last
    assert last["epoch"] == 10
    assert last["train_cost"] == close(view["train_cost"], 1e-12)
    assert last["test_cost"] == close(view["test_cost"], 2e-6)
    assert last["test_acc"] == view["test_acc"]
    assert t.history.iloc[-1].to_dict() == last  # the epoch's row, not a new one
    assert len(t.history) == 11
    assert_params_equal(t.snapshot(10), params)  # a replay of epoch 10 shows the edit
    for name, G in view["grads"].items():
        if name.startswith("d") and not name.startswith("dZ"):
            np.testing.assert_allclose(t.grads[name], G, rtol=1e-12, atol=1e-15)
    t.step(1)
    expected = engine.update(params, view["grads"], t.alpha)
    for name, P in t.params.items():
        np.testing.assert_allclose(P, expected[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("name", "index", "value", "words"),
    [
        ("W9", (0, 0), 1.0, "no parameter"),
        ("Z1", (0, 0), 1.0, "no parameter"),
        ("W", (0, 0), 1.0, "no parameter"),
        ("W1", (3, 0), 1.0, "no entry"),
        ("W1", (0, -1), 1.0, "no entry"),
        ("W1", (0,), 1.0, "no entry"),
        ("W1", ("a", 0), 1.0, "no entry"),
        ("B2", (0, 1), 1.0, "no entry"),
        ("W1", (0, 0), float("nan"), "finite"),
        ("W1", (0, 0), float("inf"), "finite"),
        ("W1", (0, 0), "1", "finite"),
        ("W1", (0, 0), 1e4, "between"),
    ],
)
def test_set_parameter_refuses_what_it_cannot_set(name, index, value, words):
    t = stepped(SMALL, 3)
    before, last = t.params, t.last
    with pytest.raises(ValueError, match=words):
        t.set_parameter(name, index, value)
    assert_params_equal(t.params, before)
    assert t.last == last


def test_set_parameter_after_divergence_is_refused():
    t = Trainer(DIVERGING)
    t.step(1000)
    assert t.diverged
    with pytest.raises(ValueError, match="reset"):
        t.set_parameter("W1", (0, 0), 0.0)


def test_l1_is_applied_and_pulls_weights_towards_zero():
    plain = stepped(SMALL.replace(alpha=0.3), 300)
    l1 = stepped(SMALL.replace(alpha=0.3, l1=3.0), 300)
    view = engine_view(l1, l1.params)
    assert l1.last["train_cost"] == close(
        engine.cost(engine.forward(l1.params, l1.data.X_train, SMALL.activations),
                    l1.data.Y_train, l1.params, 0.0, 3.0), 1e-12
    )  # fmt: skip
    assert l1.last["test_cost"] == close(view["test_cost"], 2e-6)  # the data loss only

    def size(t):
        return sum(np.abs(t.params[f"W{k}"]).sum() for k in range(1, t.L + 1))

    assert size(l1) < 0.8 * size(plain)
    with pytest.raises(ValueError, match="l1"):
        Trainer(SMALL.replace(l1=-1.0))


@pytest.mark.parametrize("batch_size", [None, 64])  # checked per batch of epochs; per epoch
@pytest.mark.parametrize(("until", "column", "met"), [
    (("train_acc", 0.9), "train_acc", lambda v: v >= 0.9),
    (("train_cost", 0.5), "train_cost", lambda v: v <= 0.5),
])  # fmt: skip
def test_step_until_stops_at_the_first_epoch_that_reaches_the_goal(until, column, met, batch_size):
    config = CIRCLE_CONFIG.replace(seed=1, batch_size=batch_size)
    full = stepped(config, 400)
    values = full.history[column].to_numpy()
    first = int(np.argmax([met(v) for v in values]))
    assert 0 < first < 400 and met(values[first])
    t = Trainer(config)
    done = t.step(400, until=until) + t.step(0)
    assert done == t.epoch == first
    pd.testing.assert_frame_equal(t.history, full.history.iloc[: first + 1], check_exact=True)
    # it stands at that epoch as a run that never went past it: parameters, gradients, and
    # the training from there
    there = stepped(config, first)
    assert_params_equal(t.params, there.params)
    for name, G in there.grads.items():
        np.testing.assert_array_equal(t.grads[name], G)
    assert t.last == there.last
    assert t.step(1, until=until) == 1  # already there: one more epoch, then it stops again
    t.step(400 - t.epoch)
    pd.testing.assert_frame_equal(t.history, full.history, check_exact=True)


def test_step_until_refuses_what_it_cannot_watch():
    t = Trainer(SMALL)
    for until in (("test_acc", 1.0), ("train_acc", float("nan")), ("cost", 0.1)):
        with pytest.raises(ValueError, match="until"):
            t.step(5, until=until)
    assert t.epoch == 0


def test_decay_makes_the_update_from_epoch_t_use_alpha_over_1_plus_decay_t():
    config = SMALL.replace(alpha=0.5, decay=0.1)
    t = stepped(config, 12)
    params = t.snapshot(0)
    d, acts = t.data, config.activations
    for e in range(12):
        grads = engine.backward(params, engine.forward(params, d.X_train, acts), d.Y_train, acts)
        params = engine.update(params, grads, 0.5 / (1 + 0.1 * e))
    for name, P in t.params.items():
        np.testing.assert_allclose(P, params[name], rtol=1e-12, atol=1e-15, err_msg=name)
    assert t.step_alpha == 0.5 / (1 + 0.1 * 12)
    assert stepped(SMALL, 3).step_alpha == SMALL.alpha  # no decay: alpha itself
    with pytest.raises(ValueError, match="decay"):
        Trainer(SMALL.replace(decay=-0.1))


def test_no_hidden_layer_is_logistic_regression():
    # The output unit alone: a straight boundary. Fine for two Gaussian blobs, hopeless on XOR.
    base = Config(n_samples=200, hidden=(), activations=(), alpha=1.0)
    gauss = stepped(base.replace(dataset="gauss"), 300)
    xor = stepped(base.replace(dataset="xor"), 300)
    assert gauss.layer_sizes == (2, 1) and set(gauss.params) == {"W1", "B1"}
    assert gauss.last["train_acc"] >= 0.95
    assert xor.last["train_acc"] <= 0.75
    view = engine_view(gauss, gauss.params)
    assert gauss.last["train_cost"] == close(view["train_cost"], 1e-12)
    for name in ("dW1", "dB1"):
        np.testing.assert_allclose(gauss.grads[name], view["grads"][name], rtol=1e-12, atol=1e-15)


def test_drawn_data_is_split_and_featurised_like_a_generated_dataset():
    points = [(-3.0, 3.0, 0.0), (3.0, -3.0, 0.0), (-3.0, -3.0, 1.0), (3.0, 3.0, 1.0), (0.5, 1, 1)]
    config = SMALL.replace(features=("x1", "x2", "x1*x2"), train_ratio=0.6)
    d = tr.drawn_data(points, config)
    assert d.source == "drawn" and d.X_train.shape == (3, 3) and d.X_test.shape == (3, 2)
    P = np.concatenate([d.P_train, d.P_test], axis=1)
    Y = np.concatenate([d.Y_train, d.Y_test], axis=1)[0]
    assert sorted(zip(P[0], P[1], Y, strict=True)) == sorted(points)
    np.testing.assert_array_equal(d.X_train[2], d.P_train[0] * d.P_train[1])
    t = Trainer(config, data=d)
    t.step(50)
    assert np.isfinite(t.history.to_numpy(dtype=float)).all()
    for bad in ([(0.0, 0.0, 1.0)], [(0.0, 0.0, 2.0), (1.0, 1.0, 0.0)], [(np.nan, 0, 1)] * 3):
        with pytest.raises(ValueError):
            tr.drawn_data(bad, config)
    with pytest.raises(ValueError):
        tr.drawn_data([(0.0, 0.0, 1.0)] * (tr.MAX_DRAWN + 1), config)


def test_drawn_points_of_k_classes_train_a_softmax():
    points = [(-3.0, 3.0, 0), (3.0, -3.0, 0), (-3.0, -3.0, 1), (3.0, 3.0, 1), (0, 4, 2), (0, 5, 2)]
    d = tr.drawn_data(points, SMALL.replace(train_ratio=0.5), classes=4)
    assert d.classes == 4 and d.Y_train.shape[0] == 4  # class 3 has no point yet
    labels = np.concatenate([d.labels_train, d.labels_test])
    assert sorted(labels.tolist()) == [0, 0, 1, 1, 2, 2]
    t = Trainer(SMALL, data=d)
    assert t.output == "softmax" and t.layer_sizes[-1] == 4
    t.step(30)
    assert np.isfinite(t.last["train_cost"])
    with pytest.raises(ValueError, match="0 to 2"):
        tr.drawn_data([*points, (1.0, 1.0, 3)], SMALL, classes=3)  # a label beyond the classes
    with pytest.raises(ValueError, match="classes"):
        tr.drawn_data(points, SMALL, classes=7)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_rewind_to_a_mark_continues_as_if_training_never_went_past_it(batch_size):
    config = Config(dataset="moons", n_samples=120, hidden=(5, 4), batch_size=batch_size)
    t = Trainer(config)
    t.step(30)
    mark = t.mark()
    t.step(25)  # Play's frames past what the page showed
    t.rewind(mark)
    assert t.epoch == 30
    straight = Trainer(config)
    straight.step(30)
    pd.testing.assert_frame_equal(t.history, straight.history, check_exact=True)
    assert t.last == straight.last
    for name, value in straight.params.items():
        np.testing.assert_array_equal(t.params[name], value)
    assert np.array_equal(t.snapshot_epochs, straight.snapshot_epochs)
    t.step(20)
    straight.step(20)
    pd.testing.assert_frame_equal(t.history, straight.history, check_exact=True)


def test_rewind_refuses_what_is_not_this_runs_past():
    t = Trainer(Config(hidden=(3,), activations=("tanh",)))
    t.step(5)
    ahead = t.mark()
    t.rewind(t.mark())  # now: allowed, nothing changes
    assert t.epoch == 5
    t.rewind(Trainer(Config(hidden=(3,), activations=("tanh",))).mark())  # epoch 0: allowed
    assert t.epoch == 0
    with pytest.raises(ValueError, match="past"):
        t.rewind(ahead)  # epoch 5 is now in the future
    with pytest.raises(ValueError, match="network"):
        t.rewind(Trainer(Config(hidden=(4,), activations=("tanh",))).mark())
    diverging = Trainer(DIVERGING)
    start = diverging.mark()
    diverging.step(1000)
    assert diverging.diverged
    with pytest.raises(ValueError, match="diverged"):
        diverging.rewind(start)


@pytest.mark.parametrize("batch", [1, 3])
def test_divergence_found_within_a_batch_stops_at_the_same_epoch(monkeypatch, batch):
    # Epochs are measured in batches: training runs on past a diverging epoch to the end of
    # its batch, then goes back. It must end where measuring each epoch at once ends.
    reference = Trainer(DIVERGING)
    reference.step(1000)
    monkeypatch.setattr(tr, "TEST_BATCH", batch)
    t = Trainer(DIVERGING)
    assert t.step(1000) == reference.epoch
    assert t.diverged and t.message == reference.message
    assert_params_equal(t.params, reference.params)
    for name, G in reference.grads.items():
        np.testing.assert_array_equal(t.grads[name], G)
    pd.testing.assert_frame_equal(t.history, reference.history, check_exact=True)
    assert t.last == reference.last


def measured_in(t: Trainer, parallel: bool) -> list[bool]:
    """Make ``t`` measure its batches in a second thread or not (whatever its network and this
    machine); returns a list that says, for each batch measured, whether it was measured in a
    thread other than the main one."""
    t._parallel = parallel
    if parallel and t._spare is None:
        t._spare = tr._Pending(t._pending.capacity, t.ws)
    where, measure = [], t._measure

    def spy(p):
        where.append(threading.current_thread() is not threading.main_thread())
        return measure(p)

    t._measure = spy
    return where


def goal_at(config: Config, column: str, epoch: int) -> float:
    """A goal for ``column`` that the run of ``config`` first meets at ``epoch``."""
    values = stepped(config, epoch + 1).history[column].to_numpy()
    if column == "train_acc":
        assert values[epoch] > values[:epoch].max()
    else:
        assert values[epoch] < values[:epoch].min()
    return float(values[epoch])


@pytest.mark.parametrize("case", [
    "plain", "diverging", "goal within a batch", "goal at a batch's end", "three classes",
])  # fmt: skip
def test_measuring_in_a_second_thread_gives_the_same_run(case):
    # step measures a batch of epochs in a second thread while the next trains: the run, its
    # history and where it stops (divergence, a goal met in the measured batch while the next
    # batch trained on) are those of measuring each batch before training on.
    config = {"diverging": DIVERGING, "three classes": PINWHEEL3}.get(case, CIRCLE_CONFIG)
    steps = [(300, None), (40, None), (250, None)]
    if case.startswith("goal"):
        cap = Trainer(config)._pending.capacity
        epoch = 2 * cap if case.endswith("end") else 2 * cap - 7  # the second batch's last
        steps = [(300, ("train_cost", goal_at(config, "train_cost", epoch))), (100, None)]
    runs = []
    for parallel in (False, True):
        t = Trainer(config)
        where = measured_in(t, parallel)
        done = [t.step(n, until=until) for n, until in steps]
        assert any(where) == parallel
        runs.append((t, done))
    (serial, done), (threaded, threaded_done) = runs
    assert threaded_done == done
    assert serial.epoch == threaded.epoch and serial.diverged == threaded.diverged
    assert serial.message == threaded.message
    assert (case == "diverging") == serial.diverged
    if case.startswith("goal"):
        assert done[0] == epoch
    assert_params_equal(threaded.params, serial.params)
    for name, G in serial.grads.items():
        np.testing.assert_array_equal(threaded.grads[name], G)
    pd.testing.assert_frame_equal(threaded.history, serial.history, check_exact=True)
    assert threaded.last == serial.last
    np.testing.assert_array_equal(threaded.snapshot_epochs, serial.snapshot_epochs)


def test_networks_that_gain_from_it_measure_in_a_second_thread(monkeypatch):
    # Only between the bounds (with fewer values the threads wait for each other; with larger
    # products OpenBLAS keeps the cores busy itself), and with a second core.
    monkeypatch.setattr(tr, "_cores", lambda: 2)
    gains = CIRCLE_CONFIG.replace(hidden=(8, 8), n_samples=800)  # (8 + 8 + 1) x 400 values
    assert Trainer(gains)._parallel
    assert Trainer(gains)._spare is not None
    # ... and measure more epochs at once (as many as the bytes allow, up to PARALLEL_BATCH)
    assert tr.TEST_BATCH < Trainer(gains)._pending.capacity <= tr.PARALLEL_BATCH
    assert not Trainer(CIRCLE_CONFIG)._parallel  # (4 + 4 + 1) x 200 values
    assert Trainer(CIRCLE_CONFIG)._spare is None
    assert not Trainer(gains.replace(hidden=(32, 32), n_samples=2000))._parallel  # 32 x 33 x 1000
    monkeypatch.setattr(tr, "_cores", lambda: 1)
    assert not Trainer(gains)._parallel


def test_thinned_table_extended_in_blocks_equals_row_by_row():
    one, block = tr._Thinned(16, 2), tr._Thinned(16, 2)
    epochs = np.arange(0, 100)
    rows = np.stack([epochs * 1.0, -epochs * 1.0], axis=1)
    for e, row in zip(epochs.tolist(), rows, strict=True):
        if one.wants(e):
            slot = one.slot(e)
            if slot is not None:
                slot[:] = row
    for start in range(0, 100, 7):  # blocks that grow the table, thin it, and skip epochs
        block.extend(epochs[start : start + 7], rows[start : start + 7])
    assert (one.n, one.stride) == (block.n, block.stride)
    np.testing.assert_array_equal(one.epochs[: one.n], block.epochs[: block.n])
    np.testing.assert_array_equal(one.rows[: one.n], block.rows[: block.n])
    assert block.stride > 1 and block.n <= 16


# ---------------------------------------------------------------------------------------------
# More than two classes: a softmax output (issue 16)
# ---------------------------------------------------------------------------------------------

# Pinwheel, 3 classes, hidden (8, 8) tanh/tanh, alpha 0.3: seeds 0..4 first reach 97 %
# training accuracy at epochs 122, 216, 100, 144 and 194; 5 classes at 536, 440, 429, 493, 668.
PINWHEEL3 = Config(dataset="pinwheel", classes=3, hidden=(8, 8), activations=("tanh", "tanh"))
SMALL3 = SMALL.replace(dataset="blobs", classes=3, noise=0.4)  # 40 points, hidden (3, 2)


def softmax_view(t: Trainer, params):
    """``engine_view`` with the softmax output: what the engine says about ``params``."""
    d, acts, c = t.data, t.config.activations, t.config
    train = engine.forward(params, d.X_train, acts, "softmax")
    test = engine.forward(params, d.X_test, acts, "softmax")
    AL = f"A{t.L}"
    return {
        "train_cost": engine.cost(train, d.Y_train, params, c.l2, c.l1, "softmax"),
        "test_cost": engine.cost(test, d.Y_test, output="softmax"),
        "train_acc": engine.accuracy(train[AL], d.Y_train, "softmax"),
        "test_acc": engine.accuracy(test[AL], d.Y_test, "softmax"),
        "grads": engine.backward(params, train, d.Y_train, acts, c.l2, c.l1),
    }


@pytest.mark.parametrize(("K", "epochs"), [(3, 600), (5, 1500)])
@pytest.mark.parametrize("seed", range(3))
def test_k_classes_are_learned(K, epochs, seed):
    t = Trainer(PINWHEEL3.replace(classes=K, seed=seed))
    assert t.output == "softmax" and t.layer_sizes == (2, 8, 8, K)
    assert t.data.Y_train.shape == (K, 200) and t.data.classes == K
    start = t.last
    assert start["train_acc"] < 0.8
    done = t.step(epochs, until=("train_acc", TARGET_ACCURACY))
    assert done < epochs and not t.diverged
    assert t.last["train_acc"] >= TARGET_ACCURACY
    assert t.last["train_cost"] < start["train_cost"] / 4
    view = softmax_view(t, t.params)
    assert view["train_acc"] >= TARGET_ACCURACY and view["test_acc"] >= 0.85


def test_two_classes_stay_the_single_sigmoid_unit():
    t = Trainer(SMALL.replace(classes=2))
    assert t.output == "sigmoid" and t.layer_sizes == (2, 3, 2, 1) == SMALL.layer_sizes
    assert t.data.Y_train.shape == (1, 20) and t.data.class_names == ("0", "1")
    np.testing.assert_array_equal(t.data.labels_train, t.data.Y_train[0])
    # the same run as a config that never mentions classes, bit for bit
    a, b = stepped(SMALL, 30), stepped(SMALL.replace(classes=2), 30)
    pd.testing.assert_frame_equal(a.history, b.history, check_exact=True)
    for blob in ("blobs", "pinwheel", "spiral"):  # the K-class generators make two as well
        assert Trainer(SMALL.replace(dataset=blob)).layer_sizes[-1] == 1


def test_config_layer_sizes_follow_the_classes():
    assert Config(classes=3).layer_sizes == (2, 4, 4, 3)
    assert Config(classes=6, hidden=()).layer_sizes == (2, 6)
    assert Config().layer_sizes == (2, 4, 4, 1)


@pytest.mark.parametrize(
    "config",
    [
        SMALL3,
        SMALL3.replace(classes=5, activations=("tanh", "relu"), seed=3),
        SMALL3.replace(l2=0.3, l1=0.1, activations=("leaky_relu", "sigmoid"), seed=3),
    ],
    ids=["K3-tanh", "K5-relu", "K3-l2-l1"],
)
def test_k_class_history_rows_equal_the_engine(config):
    N = 6
    t = stepped(config, N)
    h = t.history
    assert list(h.columns) == history_columns(t.L) == t.columns
    assert h["epoch"].tolist() == list(range(N + 1))
    assert np.isfinite(h.to_numpy(dtype=float)).all()
    for e, row in h.iterrows():
        params = t.snapshot(e)
        view = softmax_view(t, params)
        assert row["train_cost"] == close(view["train_cost"], 1e-12), e
        assert row["test_cost"] == close(view["test_cost"], 2e-6), e  # measured in float32
        assert row["train_acc"] == view["train_acc"], e
        assert row["test_acc"] == view["test_acc"], e
        for k in range(1, t.L + 1):
            for p in "WB":
                grad_norm = np.linalg.norm(view["grads"][f"d{p}{k}"])
                assert row[f"d{p}{k}_norm"] == close(grad_norm, 1e-11), (e, p, k)
                assert row[f"{p}{k}_norm"] == close(np.linalg.norm(params[f"{p}{k}"]), 1e-12)
    assert h["train_cost"].iloc[-1] < h["train_cost"].iloc[0]
    # the trainer's views at the current epoch are the engine's
    cache = engine.forward(t.params, t.data.X_train, config.activations, "softmax")
    for name, value in t.cache.items():
        np.testing.assert_allclose(value, cache[name], rtol=1e-12, atol=1e-15)
    for name, G in softmax_view(t, t.params)["grads"].items():
        np.testing.assert_allclose(t.grads[name], G, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "config", [SMALL3, SMALL3.replace(batch_size=7, l2=0.1)], ids=["full-batch", "mini-batch"]
)
def test_k_class_run_bit_for_bit_however_it_is_stepped(config):
    a, b = stepped(config, 25), Trainer(config)
    for chunk in (1, 10, 14):
        b.step(chunk)
    pd.testing.assert_frame_equal(a.history, b.history, check_exact=True)
    assert_params_equal(a.params, b.params)
    c = stepped(config.replace(seed=config.seed + 1), 25)
    assert not a.history.equals(c.history)


@pytest.mark.parametrize("batch", [1, 5])
def test_k_class_test_metrics_do_not_depend_on_how_epochs_are_batched(monkeypatch, batch):
    monkeypatch.setattr(tr, "HISTORY_ROWS", 64)
    reference = stepped(SMALL3, 300)
    monkeypatch.setattr(tr, "TEST_BATCH", batch)
    t = Trainer(SMALL3)
    for chunk in (1, 7, 92, 200):
        t.step(chunk)
    pd.testing.assert_frame_equal(t.history, reference.history, check_exact=True)
    assert_params_equal(t.snapshot(256), reference.snapshot(256))


@pytest.mark.parametrize("batch_size", [None, 64])
def test_k_class_step_until_stops_at_the_first_epoch_that_reaches_the_goal(batch_size):
    config = PINWHEEL3.replace(seed=1, batch_size=batch_size)
    full = stepped(config, 300)
    values = full.history["train_acc"].to_numpy()
    first = int(np.argmax(values >= 0.9))
    assert 0 < first < 300 and values[first] >= 0.9 > values[:first].max()
    t = Trainer(config)
    assert t.step(300, until=("train_acc", 0.9)) == t.epoch == first
    pd.testing.assert_frame_equal(t.history, full.history.iloc[: first + 1], check_exact=True)
    assert_params_equal(t.params, stepped(config, first).params)
    t.step(300 - t.epoch)
    pd.testing.assert_frame_equal(t.history, full.history, check_exact=True)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_k_class_rewind_to_a_mark_continues_as_if_training_never_went_past_it(batch_size):
    config = SMALL3.replace(classes=4, n_samples=120, hidden=(5, 4), batch_size=batch_size)
    t = Trainer(config)
    t.step(30)
    mark = t.mark()
    t.step(25)
    t.rewind(mark)
    straight = stepped(config, 30)
    pd.testing.assert_frame_equal(t.history, straight.history, check_exact=True)
    assert t.last == straight.last
    assert_params_equal(t.params, straight.params)
    t.step(20)
    straight.step(20)
    pd.testing.assert_frame_equal(t.history, straight.history, check_exact=True)


def test_k_class_set_parameter_measures_the_epoch_again():
    t = stepped(SMALL3, 10)
    assert t.params["W3"].shape == (3, 2)
    t.set_parameter("W3", (2, 1), 0.75)  # the third class's unit
    t.set_parameter("B3", (1, 0), -1.5)
    params = t.params
    assert params["W3"][2, 1] == 0.75 and params["B3"][1, 0] == -1.5
    view = softmax_view(t, params)
    last = t.last
    assert last["train_cost"] == close(view["train_cost"], 1e-12)
    assert last["test_cost"] == close(view["test_cost"], 2e-6)
    assert last["train_acc"] == view["train_acc"] and last["test_acc"] == view["test_acc"]
    assert t.history.iloc[-1].to_dict() == last and len(t.history) == 11
    assert_params_equal(t.snapshot(10), params)
    with pytest.raises(ValueError, match="no entry"):
        t.set_parameter("B3", (3, 0), 1.0)  # three classes: rows 0..2
    t.step(1)
    expected = engine.update(params, view["grads"], t.alpha)
    for name, P in t.params.items():
        np.testing.assert_allclose(P, expected[name], rtol=1e-12, atol=1e-15)


def test_k_class_divergence_stops_at_the_last_finite_epoch():
    config = SMALL3.replace(activations=("linear", "linear"), alpha=10.0, n_samples=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = Trainer(config)
        done = t.step(1000)
    assert t.diverged and 0 < done == t.epoch < 1000
    assert np.isfinite(t.history.to_numpy(dtype=float)).all()
    assert_params_equal(t.params, stepped(config, t.epoch).params)
    with np.errstate(all="ignore"):
        nxt = engine.update(t.params, t.grads, config.alpha)
        J = engine.cost(
            engine.forward(nxt, t.data.X_train, config.activations, "softmax"),
            t.data.Y_train,
            output="softmax",
        )
    assert not (math.isfinite(J) and all(np.isfinite(P).all() for P in nxt.values()))


def test_k_class_accuracy_of_a_tie_is_the_first_class():
    # zeros init: every unit of the output alike, every point predicted class 0
    t = Trainer(SMALL3.replace(init="zeros"))
    share_of_class_0 = float(np.mean(t.data.labels_train == 0))
    assert 0 < share_of_class_0 < 1
    assert t.last["train_acc"] == share_of_class_0 == softmax_view(t, t.params)["train_acc"]
    assert t.last["train_cost"] == close(math.log(3), 1e-15)  # AL = 1/3 everywhere


def test_k_class_float32_and_mini_batches_train():
    t32 = stepped(SMALL3.replace(dtype="float32", classes=4), 200)
    assert t32.ws.theta.dtype == np.float32
    assert t32.last["train_cost"] < t32.history["train_cost"].iloc[0] / 2
    full = stepped(SMALL3, 50)
    mini = stepped(SMALL3.replace(batch_size=5), 50)
    assert mini.last["train_cost"] < mini.history["train_cost"].iloc[0]
    assert not np.array_equal(full.params["W1"], mini.params["W1"])


def test_data_carries_labels_and_class_names():
    d = tr.make_data(SMALL3.replace(classes=4, n_samples=60))
    assert d.classes == 4 and d.class_names == ("0", "1", "2", "3")
    assert d.Y_train.shape == (4, 30) and d.Y_test.shape == (4, 30)
    np.testing.assert_array_equal(d.labels_train, np.argmax(d.Y_train, axis=0))
    np.testing.assert_array_equal(d.labels_test, np.argmax(d.Y_test, axis=0))
    assert d.labels_train.dtype == np.int64
    # a CSV's word labels: their names in class order, through the split to the trainer
    rows = "".join(f"{i % 7},{(i * 3) % 5},{['cat', 'dog', 'emu'][i % 3]}\n" for i in range(30))
    csv = tr.datasets.load_csv(("a,b,label\n" + rows).encode(), multiclass=True)
    data = tr.csv_data(csv, 0.5, seed=0)
    assert data.class_names == ("cat", "dog", "emu") and data.source == "csv"
    t = Trainer(SMALL, data=data)  # the data's 3 classes, whatever config.classes says
    assert t.output == "softmax" and t.layer_sizes == (2, 3, 2, 3)
    t.step(5)
    assert np.isfinite(t.history.to_numpy(dtype=float)).all()


def test_data_refuses_inconsistent_labels():
    d = tr.make_data(SMALL3)
    with pytest.raises(ValueError, match="class names"):
        dataclasses.replace(d, class_names=("a", "b"))
    with pytest.raises(ValueError, match="same number of rows"):
        dataclasses.replace(d, Y_test=d.Y_test[:1])
    with pytest.raises(ValueError, match="one row"):
        dataclasses.replace(d, Y_train=d.Y_train[:2], Y_test=d.Y_test[:2])


@pytest.mark.parametrize("classes", [1, 7, 2.5, True, "3"])
def test_bad_numbers_of_classes_are_refused(classes):
    with pytest.raises(ValueError, match="classes"):
        Trainer(SMALL.replace(dataset="blobs", classes=classes))


def test_a_two_class_dataset_with_more_classes_is_refused():
    with pytest.raises(ValueError, match="The circle dataset has 2 classes"):
        Trainer(SMALL.replace(classes=3))


def test_k_class_memory_counts_the_softmax_buffers():
    two, six = (
        Trainer(SMALL.replace(dataset="blobs")),
        Trainer(SMALL.replace(dataset="blobs", classes=6)),
    )
    extra = six.ws.Z[six.L].nbytes + six.ws._colmax.nbytes + six.ws.labels.nbytes
    assert six.memory_bytes > two.memory_bytes + extra
