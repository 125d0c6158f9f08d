"""Tests for playground.views: what the views compute from a trainer (grids, picks, values)."""

from __future__ import annotations

import numpy as np
import pytest

from playground import engine, views
from playground.trainer import Config, Trainer

CONFIG = Config(dataset="xor", n_samples=60, hidden=(4, 3), activations=("relu", "tanh"))


@pytest.fixture(scope="module")
def trainer():
    t = Trainer(CONFIG.replace(features=("x1", "x2", "x1*x2")))
    t.step(20)
    return t


def test_unit_grid_is_the_units_activation_over_the_plane(trainer):
    xs, ys, A = views.unit_grid(trainer, 2, 1, n=30)
    assert A.shape == (30, 30)
    # the grid point (xs[c], ys[r]) through the network: row r, column c of the map
    r, c = 7, 22
    X = np.array([[xs[c]], [ys[r]], [xs[c] * ys[r]]])
    cache = engine.forward(trainer.params, X, trainer.config.activations)
    assert A[r, c] == pytest.approx(cache["A2"][1, 0], rel=1e-12)
    # layer 0 is an input feature: x1*x2 here
    _, _, F = views.unit_grid(trainer, 0, 2, n=30)
    assert F[r, c] == pytest.approx(xs[c] * ys[r], rel=1e-12)
    # the output unit is the decision boundary's probability
    _, _, P = views.boundary(trainer, n=30)
    np.testing.assert_allclose(views.unit_grid(trainer, 3, 0, n=30)[2], P, rtol=1e-12)


@pytest.mark.parametrize(
    ("customdata", "picked"),
    [
        ([[2, 1, 3]], (2, 1, 3)),  # the edge W2[1, 3]
        ([[0, 1]], (0, 1, None)),  # the input unit X[1]
        ([[3, 0]], (3, 0, None)),  # the output unit
        ([None, [1, 3, 1]], (1, 3, 1)),  # a point without customdata is skipped
        ([[2, 3, 1]], None),  # W2 has 3 rows: no row 3
        ([[1, 0, 2]], None),  # W1 has 2 columns
        ([[4, 0]], None),  # no layer 4
        ([[0, 2]], None),  # 2 inputs
        ([[-1, 0]], None),
        ([["a", 0]], None),
        ([[1]], None),
        ([], None),
        (None, None),
    ],
)
def test_picked_parameter(customdata, picked):
    assert views.picked_parameter((2, 4, 3, 1), customdata) == picked


def test_parameter_values(trainer):
    frame = views.current_frame(trainer)
    value, grad, update = views.parameter_values(frame, trainer.alpha, "W2", (1, 3))
    assert value == trainer.params["W2"][1, 3]
    assert grad == trainer.grads["dW2"][1, 3]
    assert update == -trainer.alpha * grad
    value, grad, _ = views.parameter_values(frame, trainer.alpha, "B1", (2, 0))
    assert (value, grad) == (trainer.params["B1"][2, 0], trainer.grads["dB1"][2, 0])
