"""Tests for playground.views: what the views compute from a trainer (grids, picks, values)."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from playground import engine, views
from playground.trainer import Config, Data, Trainer

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


@pytest.mark.parametrize(
    ("value", "start"),
    [(0.25, 0.25), (-1000.0, -1000.0), (6.7e9, 1000.0), (-1e23, -1000.0), (float("nan"), 0.0),
     (float("-inf"), 0.0)],
)  # fmt: skip
def test_an_edit_starts_within_what_it_can_set(value, start):
    assert views.edit_start(value, 1000.0) == start


def test_metrics_as_the_page_shows_them():
    row = {"train_cost": 0.123456, "test_cost": 0.5, "train_acc": 0.9876, "test_acc": 1.0}
    assert views.metrics(12345, row) == [
        ("Epoch", "12,345"),
        ("Cost", "0.1235"),
        ("Test cost", "0.5000"),
        ("Train accuracy", "98.8%"),
        ("Test accuracy", "100.0%"),
    ]


def test_shading_is_one_byte_per_cell_bottom_row_first():
    P = np.array([[0.0, 0.25, np.nan], [0.5, 0.75, 1.0]])  # row 0: the grid's first y
    raw = np.frombuffer(base64.b64decode(views.shading(P)), dtype=np.uint8)
    assert raw.tolist() == [0, 64, 128, 128, 191, 255]
    # the P = 0.5 line falls between the bytes 127 and 128, as the player draws it
    assert (raw.reshape(P.shape) >= 128).tolist() == (np.nan_to_num(P, nan=0.5) >= 0.5).tolist()
    with pytest.raises(ValueError, match=r"\(ny, nx\)"):
        views.shading(np.zeros(4))


def test_shading_of_k_classes_is_the_winner_then_its_confidence():
    # three classes over a 1 x 3 grid: certain class 2, a tie, class 1 at 0.6
    P = np.array([[[0.0, 1 / 3, 0.2]], [[0.0, 1 / 3, 0.6]], [[1.0, 1 / 3, 0.2]]])
    raw = np.frombuffer(base64.b64decode(views.shading(P)), dtype=np.uint8)
    winners, levels = raw[:3], raw[3:]
    assert winners.tolist() == [2, 0, 1]
    # t = (max P - 1/K) / (1 - 1/K): 1 when certain, 0 for a tie, (0.6 - 1/3) / (2/3) = 0.4
    assert levels.tolist() == [255, 0, round(255 * 0.4)]
    bad = np.full((4, 1, 1), np.nan)
    assert np.frombuffer(base64.b64decode(views.shading(bad)), np.uint8).tolist() == [0, 0]


def test_the_plane_of_k_classes_is_each_classes_probability():
    t = Trainer(CONFIG.replace(dataset="blobs", classes=4))
    t.step(30)
    xs, ys, P = views.boundary(t, n=20)
    assert P.shape == (4, 20, 20)
    np.testing.assert_allclose(P.sum(axis=0), 1.0)
    right = views.class_accuracy(t)
    assert [name for name, _, _ in right] == ["0", "1", "2", "3"]
    assert sum(n for _, _, n in right) == t.m
    assert sum(r for _, r, _ in right) / t.m == pytest.approx(t.last["train_acc"])
    maps = views.node_maps(t, n=8)
    np.testing.assert_allclose(maps[-1].sum(axis=0), 1.0)  # the softmax's units


def test_class_accuracy_of_two_classes_counts_the_sigmoids_side():
    t = Trainer(CONFIG)
    t.step(20)
    right = views.class_accuracy(t)
    assert [name for name, _, _ in right] == ["0", "1"]
    assert sum(r for _, r, _ in right) / t.m == pytest.approx(t.last["train_acc"])


def test_a_reel_frame_is_the_trainers_current_epoch():
    t = Trainer(CONFIG)
    t.step(7)
    frame = views.reel_frame(t)
    assert frame.epoch == 7
    assert frame.metrics == views.metrics(7, t.last)
    xs, ys, P = views.boundary(t)
    px, py = views.plane(t)  # the axes alone, as the figure takes them while playing
    np.testing.assert_array_equal(px, xs)
    np.testing.assert_array_equal(py, ys)
    raw = np.frombuffer(base64.b64decode(frame.shading), dtype=np.uint8).reshape(P.shape)
    np.testing.assert_array_equal(raw, np.rint(P * 255))
    X = np.linspace(-1, 1, 20)[None, :]  # a CSV with one feature: no plane to shade
    Y = (X > 0).astype(float)
    one = Data(X[:, ::2], Y[:, ::2], X[:, 1::2], Y[:, 1::2], X[:, ::2], X[:, 1::2], ("x",))
    assert views.reel_frame(Trainer(CONFIG.replace(features=("x1",)), data=one)).shading is None
