"""Sweeps: the same grid sequentially and on loky workers, progress, cancellation, limits and
divergence."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from joblib import Parallel, delayed

from playground import sweep as sweep_module
from playground.state import DEFAULT
from playground.sweep import MAX_CELLS, MAX_EPOCHS, sweep
from playground.trainer import Trainer

AXES = {"alpha": [0.03, 0.3, 3.0], "n1": [2, 4]}
EPOCHS = 60


def direct(config, epochs=EPOCHS) -> dict[str, float]:
    t = Trainer(config)
    t.step(epochs)
    return t.last


@pytest.fixture(scope="module")
def sequential():
    calls = []
    result = sweep(DEFAULT, AXES, EPOCHS, n_jobs=1, on_result=lambda *a: calls.append(a))
    return result, calls


def test_sequential_sweep_equals_training_each_config(sequential):
    result, calls = sequential
    assert result.names == ("alpha", "n1")
    assert result.values.shape == (3, 2) and result.total == 6
    assert result.completed == 6 and not result.cancelled
    assert result.finished.all() and not result.diverged.any()
    assert (result.epochs_done == EPOCHS).all()
    assert calls == [(done, 6) for done in range(1, 7)]  # one progress call per cell
    for i, alpha in enumerate(AXES["alpha"]):
        for j, n1 in enumerate(AXES["n1"]):
            row = direct(DEFAULT.replace(alpha=alpha, hidden=(n1, 4)))
            assert result.values[i, j] == row["train_cost"]  # bit for bit
            assert result.test_costs[i, j] == row["test_cost"]
            assert result.train_accs[i, j] == row["train_acc"]
            assert result.test_accs[i, j] == row["test_acc"]
    assert result.value_at(alpha=0.3, n1=4) == result.values[1, 1]
    assert len(np.unique(result.values)) == 6  # the cells really differ


def test_loky_sweep_equals_the_sequential_one(sequential):
    expected, _ = sequential
    calls = []
    result = sweep(DEFAULT, AXES, EPOCHS, n_jobs=2, on_result=lambda *a: calls.append(a))
    for name in ("values", "test_costs", "train_accs", "test_accs", "diverged", "epochs_done"):
        np.testing.assert_array_equal(getattr(result, name), getattr(expected, name), name)
    assert result.completed == 6 and not result.cancelled
    assert calls == [(done, 6) for done in range(1, 7)]


def test_cancel_stops_a_sequential_sweep(monkeypatch):
    built = []

    class CountingTrainer(Trainer):
        def __init__(self, config, data=None):
            built.append(config)
            super().__init__(config, data)

    monkeypatch.setattr(sweep_module, "Trainer", CountingTrainer)
    calls = []
    result = sweep(
        DEFAULT,
        AXES,
        EPOCHS,
        n_jobs=1,
        on_result=lambda *a: calls.append(a),
        should_stop=lambda: len(calls) >= 2,
    )
    assert result.cancelled and result.completed == 2 < result.total
    assert len(built) == 2  # the other four cells were never trained
    assert calls == [(1, 6), (2, 6)]
    assert result.finished.sum() == 2
    assert np.isnan(result.values[~result.finished]).all()
    assert np.isfinite(result.values[result.finished]).all()
    assert (result.epochs_done[~result.finished] == -1).all()


def test_cancel_stops_a_loky_sweep():
    calls = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # joblib's "tasks ... cancelled" warning is expected
        result = sweep(  # ... and silenced by sweep
            DEFAULT,
            AXES,
            EPOCHS,
            n_jobs=2,
            on_result=lambda *a: calls.append(a),
            should_stop=lambda: len(calls) >= 2,
        )
    assert result.cancelled and result.completed == 2 < result.total
    assert calls == [(1, 6), (2, 6)]
    assert np.isnan(result.values).sum() == 4
    assert np.isnan(result.test_costs[~result.finished]).all()
    assert np.isfinite(result.values[result.finished]).all()


def test_closing_joblibs_generator_cancels_running_tasks(tmp_path):
    """What ``sweep`` relies on: closing an unordered generator stops the loky workers, so
    the tasks already running never finish (without it, the 2 * n_jobs pre-dispatched tasks
    would run to completion)."""

    def task(i, folder):  # local, so loky ships it by value
        time.sleep(1.0)
        (folder / str(i)).write_text("done")
        return i

    results = Parallel(n_jobs=2, backend="loky", return_as="generator_unordered")(
        delayed(task)(i, tmp_path) for i in range(12)
    )
    got = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for i in results:
            got.append(i)
            if len(got) == 2:
                break
        results.close()
    time.sleep(2.0)  # time enough for any surviving task to finish and write its mark
    marks = sorted(int(p.name) for p in tmp_path.iterdir())
    assert len(got) == 2 and set(got) <= set(marks)
    assert len(marks) <= 3, marks  # at most a task that finished in the same instant


def test_divergent_cell_is_reported_not_raised():
    base = DEFAULT.replace(hidden=(4,), activations=("linear",))
    result = sweep(base, {"alpha": [0.3, 100.0]}, 150, n_jobs=1)
    assert result.values.shape == (2, 1) and result.names == ("alpha",)
    assert result.diverged.tolist() == [[False], [True]]
    assert np.isnan(result.values[1, 0]) and np.isnan(result.test_costs[1, 0])
    assert np.isfinite(result.values[0, 0])
    assert result.epochs_done.tolist() == [[150], [79]]  # where the trainer stopped
    assert result.completed == 2 and not result.cancelled


def test_other_axes_and_aliases():
    base = DEFAULT.replace(hidden=(3, 3))
    result = sweep(base, {"hidden_2": [1, 2], "seed": [0, 5]}, 5, n_jobs=1)
    assert result.names == ("n2", "seed")
    assert result.values[1, 1] == direct(base.replace(hidden=(3, 2), seed=5), 5)["train_cost"]
    result = sweep(DEFAULT, {"noise": [0.0, 0.5], "l2": [0.0, 1.0]}, 5, n_jobs=1)
    assert result.values[1, 1] == direct(DEFAULT.replace(noise=0.5, l2=1.0), 5)["train_cost"]


@pytest.mark.parametrize(
    ("axes", "epochs", "message"),
    [
        ({"alpha": [0.1] * 8, "n1": list(range(1, 10))}, 10, "72 cells is too large; at most 64"),
        ({"seed": list(range(MAX_CELLS + 1))}, 10, "at most 64"),
        ({"alpha": [0.1]}, MAX_EPOCHS + 1, "epochs must be a whole number from 0 to 5000"),
        ({"alpha": [0.1]}, -1, "epochs"),
        ({"alpha": [0.1]}, 2.5, "epochs"),
        ({}, 10, "give 1 or 2 axes"),
        ({"alpha": [0.1], "n1": [2], "seed": [0]}, 10, "give 1 or 2 axes"),
        ({"dataset": ["xor"]}, 10, "cannot sweep 'dataset'"),
        ({"n2": [2]}, 10, "two hidden layers"),
        ({"n1": [2], "hidden_1": [3]}, 10, "given twice"),
        ({"alpha": []}, 10, "at least one value"),
        ({"alpha": "0.1"}, 10, "list of values"),
        ({"alpha": [0.0]}, 10, "alpha"),
        ({"alpha": [1000.0]}, 10, "alpha"),
        ({"alpha": [float("nan")]}, 10, "alpha"),
        ({"n1": [33]}, 10, "from 1 to 32"),
        ({"n1": [2.5]}, 10, "whole number"),
        ({"n1": [True]}, 10, "whole number"),
        ({"seed": [-1]}, 10, "seed"),
        ({"noise": [0.9]}, 10, "noise"),
        ({"l2": [-0.1]}, 10, "L2"),
    ],
)
def test_limits(axes, epochs, message):
    with pytest.raises(ValueError, match=message):
        sweep(DEFAULT.replace(hidden=(4,), activations=("tanh",)), axes, epochs, n_jobs=1)


def test_limits_are_checked_before_any_training(monkeypatch):
    monkeypatch.setattr(sweep_module, "Trainer", None)  # would fail if anything trained
    with pytest.raises(ValueError, match="at most 64"):
        sweep(DEFAULT, {"alpha": [0.1] * 10, "seed": list(range(7))}, 10, n_jobs=1)


def test_k_class_sweep_equals_training_each_config():
    """A sweep of three-class runs (issue 16): each cell a softmax run, the same bit for bit as
    training its config directly, sequentially and on loky workers."""
    base = DEFAULT.replace(dataset="spiral", classes=3, hidden=(6, 6), n_samples=300)
    axes = {"alpha": [0.3, 1.0], "n1": [3, 8]}
    result = sweep(base, axes, 80, n_jobs=1)
    parallel = sweep(base, axes, 80, n_jobs=2)
    np.testing.assert_array_equal(parallel.values, result.values)
    np.testing.assert_array_equal(parallel.test_accs, result.test_accs)
    for i, alpha in enumerate(axes["alpha"]):
        for j, n1 in enumerate(axes["n1"]):
            config = base.replace(alpha=alpha, hidden=(n1, 6))
            t = Trainer(config)
            assert t.output == "softmax" and t.params["W3"].shape == (3, 6)
            t.step(80)
            assert result.values[i, j] == t.last["train_cost"]  # bit for bit
            assert result.train_accs[i, j] == t.last["train_acc"]
            assert result.test_costs[i, j] == t.last["test_cost"]
    assert (result.values < np.log(3)).all()  # every cell learned something past a guess
    assert len(np.unique(result.values)) == 4


def test_a_base_with_more_classes_than_its_dataset_makes_is_refused(monkeypatch):
    monkeypatch.setattr(sweep_module, "Trainer", None)  # would fail if anything trained
    with pytest.raises(ValueError, match="the moons dataset has 2 classes, not 3"):
        sweep(DEFAULT.replace(dataset="moons", classes=3), {"alpha": [0.1]}, 10, n_jobs=1)
