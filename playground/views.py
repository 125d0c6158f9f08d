"""What the views need from a trainer, computed once per frame: the output over a grid, each
hidden unit's activation map, and the update matrices. numpy only; no plotting here."""

from __future__ import annotations

import base64
import dataclasses

import numpy as np
import pandas as pd

from playground import datasets, engine
from playground.figures import SHADING_LEVELS
from playground.trainer import Mark, Trainer


@dataclasses.dataclass(frozen=True)
class Frame:
    """One moment of a run, as every view draws it."""

    epoch: int
    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]  # dZk (training data), dWk, dBk at ``params``
    row: dict[str, float]  # the history row: costs, accuracies, norms
    history: pd.DataFrame  # the history up to ``epoch``


def current_frame(trainer: Trainer) -> Frame:
    return Frame(trainer.epoch, trainer.params, trainer.grads, trainer.last, trainer.history)


def metrics(epoch: int, row) -> list[tuple[str, str]]:
    """The page's five metrics of a history row, labelled and formatted for display."""
    return [
        ("Epoch", f"{epoch:,}"),
        ("Cost", f"{row['train_cost']:.4f}"),
        ("Test cost", f"{row['test_cost']:.4f}"),
        ("Train accuracy", f"{row['train_acc']:.1%}"),
        ("Test accuracy", f"{row['test_acc']:.1%}"),
    ]


def shading(P: np.ndarray) -> str:
    """The decision boundary's shading as Play sends it, base64, row 0 at the bottom (the
    grid's first y).

    Two classes, ``P`` (ny, nx) = P(class 1) in [0, 1]: one byte per grid cell,
    ``round(255 P)``. 255 steps are finer than the eye tells apart on the colour scale, and the
    P = 0.5 line runs where cells cross 127.5. Non-finite values count as 0.5.

    ``K >= 3`` classes, ``P`` (K, ny, nx) = each class's probability: two bytes per cell, all
    the cells' winning classes (argmax) and then their confidences, ``round(255 t)`` with
    ``t = (max P - 1/K) / (1 - 1/K)``: 0 where every class is as likely, 1 where the winner is
    certain. A cell whose probabilities are not finite counts as class 0 at confidence 0."""
    P = np.asarray(P, dtype=float)
    if P.ndim == 3 and P.shape[0] >= 3:
        K = P.shape[0]
        bad = ~np.isfinite(P).all(axis=0)
        P = np.where(bad, 1.0 / K, P)
        winner = np.argmax(P, axis=0).astype(np.uint8)
        t = (P.max(axis=0) - 1.0 / K) / (1.0 - 1.0 / K)
        level = np.rint(np.clip(t, 0.0, 1.0) * (SHADING_LEVELS - 1)).astype(np.uint8)
        return base64.b64encode(winner.tobytes() + level.tobytes()).decode("ascii")
    if P.ndim != 2:
        raise ValueError(f"P must be (ny, nx), or (K, ny, nx) for K >= 3, got shape {P.shape}")
    q = np.rint(np.clip(np.nan_to_num(P, nan=0.5), 0.0, 1.0) * (SHADING_LEVELS - 1))
    return base64.b64encode(q.astype(np.uint8).tobytes()).decode("ascii")


# Play animates the network view frame by frame up to this many edges (a frame sends one
# byte and one float32 per edge); larger networks redraw it a few times a second instead.
NETWORK_FRAME_EDGES = 600


def animates_network(trainer: Trainer) -> bool:
    sizes = trainer.layer_sizes
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False)) <= NETWORK_FRAME_EDGES


@dataclasses.dataclass(frozen=True)
class ReelFrame:
    """One frame of Play's reel: what the animated views show at ``epoch``."""

    epoch: int
    metrics: list[tuple[str, str]]
    shading: str | None  # ``shading`` of the decision boundary (None: fewer than 2 inputs)
    mark: Mark  # to come back to this frame (Pause)
    network: dict | None = None  # the network view's ``mats``, ``biases`` and ``node_maps``


def reel_frame(trainer: Trainer, network_kind: str | None = None) -> ReelFrame:
    """The trainer's current epoch as a frame of Play's reel; with ``network_kind`` ("W",
    "dW" or "update"), with what the network view draws of it too."""
    epoch = trainer.epoch
    plane = None
    if trainer.data.P_train.shape[0] >= 2:
        plane = shading(boundary(trainer)[2])
    network = None
    if network_kind is not None:
        network = network_inputs(trainer, trainer.params, trainer.grads, network_kind)
    return ReelFrame(epoch, metrics(epoch, trainer.last), plane, trainer.mark(), network)


def network_inputs(trainer: Trainer, params, grads, kind: str) -> dict:
    """What the network view draws at ``params``: ``mats`` and ``biases`` of ``kind`` ("W",
    "dW" or "update") and each unit's ``node_maps``."""
    alpha = trainer.step_alpha
    return {
        "mats": matrices(params, grads, alpha, kind),
        "biases": biases(params, grads, alpha, kind),
        "node_maps": node_maps(trainer, params),
    }


def replay_frame(trainer: Trainer, epoch: int) -> Frame:
    """The run as it was at the recorded snapshot nearest ``epoch`` (at or before it): its
    parameters, their gradients recomputed on the training data, and the history so far."""
    snaps = trainer.snapshot_epochs
    at = int(snaps[max(0, np.searchsorted(snaps, epoch, side="right") - 1)])
    params = trainer.snapshot(at)
    d, acts = trainer.data, trainer.config.activations
    cache = engine.forward(params, d.X_train, acts, trainer.output)
    grads = engine.backward(params, cache, d.Y_train, acts, trainer.config.l2, trainer.config.l1)
    history = trainer.history
    history = history[history["epoch"] <= at]
    row = history.iloc[-1].to_dict()
    return Frame(at, params, grads, row, history)


def grid(P: np.ndarray, n: int = 100, pad: float = 0.5):
    """Grid axes covering the 2-D points ``P`` (2, m): ``xs`` (n,), ``ys`` (n,), ``G`` (2, n*n).

    ``G``'s columns run over x fastest, so a row of the reshaped ``(n, n)`` output is one y.
    """
    lo, hi = P.min(axis=1) - pad, P.max(axis=1) + pad
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()])


def _extent(trainer: Trainer) -> np.ndarray:
    """The points the plane's grid must cover: all the data, and for drawn data the whole
    box a generated dataset fills (there is room to click new points anywhere in it)."""
    d = trainer.data
    P = np.concatenate([d.P_train, d.P_test], axis=1)
    if d.source == "drawn":
        box = datasets.BOX - 0.5  # (grid() pads by 0.5)
        P = np.concatenate([P, [[-box, box], [-box, box]]], axis=1)
    return P


def _inputs(trainer: Trainer, G: np.ndarray) -> np.ndarray:
    """The network's input rows for grid points ``G`` (2, k): the chosen features, or for
    uploaded data with more columns, the other columns held at their training mean."""
    if trainer.data.source in ("generated", "drawn"):
        return datasets.add_features(G, trainer.data.feature_names)
    X = np.repeat(trainer.data.X_train.mean(axis=1, keepdims=True), G.shape[1], axis=1)
    X[:2] = G
    return X


def plane(trainer: Trainer, n: int = 100):
    """``xs, ys``: the axes of the grid ``boundary`` evaluates the network on."""
    xs, ys, _ = grid(_extent(trainer), n)
    return xs, ys


def boundary(trainer: Trainer, params=None, n: int = 100):
    """``xs, ys, P``: the output over a grid covering all points: P(class 1) (n, n) for two
    classes, each class's probability (K, n, n) for ``K >= 3``."""
    xs, ys, G = grid(_extent(trainer), n)
    params = trainer.params if params is None else params
    X = _inputs(trainer, G)
    A = engine.predict_proba(params, X, trainer.config.activations, trainer.output)
    if trainer.output == "softmax":
        return xs, ys, finite(A.reshape(-1, n, n), fill=1.0 / A.shape[0])
    return xs, ys, finite(A[0].reshape(n, n), fill=0.5)


def node_maps(trainer: Trainer, params=None, n: int = 24) -> list[np.ndarray]:
    """Each layer's units over a small grid: ``[(n0, n, n), (n1, n, n), ..., (nL, n, n)]``."""
    _, _, G = grid(_extent(trainer), n)
    params = trainer.params if params is None else params
    cache = engine.forward(params, _inputs(trainer, G), trainer.config.activations, trainer.output)
    return [finite(cache[f"A{k}"].reshape(-1, n, n)) for k in range(trainer.L + 1)]


def unit_grid(trainer: Trainer, k: int, i: int, params=None, n: int = 100):
    """``xs, ys, A``: unit ``i`` of layer ``k`` (0: the input feature ``X[i]``) over a grid
    covering all points, ``A`` of shape (n, n)."""
    xs, ys, G = grid(_extent(trainer), n)
    params = trainer.params if params is None else params
    X = _inputs(trainer, G)
    if k == 0:
        return xs, ys, finite(X[i].reshape(n, n))
    cache = engine.forward(params, X, trainer.config.activations, trainer.output)
    return xs, ys, finite(cache[f"A{k}"][i].reshape(n, n))


def finite(a: np.ndarray, fill: float = 0.0, big: float = 1e300) -> np.ndarray:
    """``a`` with NaN replaced by ``fill`` and infinities clipped to ``±big``: off the training
    data (a grid wider than the points) even the last finite parameters can overflow."""
    return np.nan_to_num(a, nan=fill, posinf=big, neginf=-big)


def matrices(params, grads, alpha: float, kind: str) -> dict[str, np.ndarray]:
    """``{"W1": ...}`` for kind "W", ``{"dW1": ...}`` for "dW", ``{"-alpha dW1": ...}`` for
    "update" (the change the next step makes)."""
    L = engine.n_layers(params)
    if kind == "W":
        return {f"W{k}": params[f"W{k}"] for k in range(1, L + 1)}
    if kind == "dW":
        return {f"dW{k}": grads[f"dW{k}"] for k in range(1, L + 1)}
    return {f"-α·dW{k}": -alpha * grads[f"dW{k}"] for k in range(1, L + 1)}


def biases(params, grads, alpha: float, kind: str) -> dict[str, np.ndarray]:
    """The bias counterpart of ``matrices``."""
    L = engine.n_layers(params)
    if kind == "W":
        return {f"B{k}": params[f"B{k}"] for k in range(1, L + 1)}
    if kind == "dW":
        return {f"dB{k}": grads[f"dB{k}"] for k in range(1, L + 1)}
    return {f"-α·dB{k}": -alpha * grads[f"dB{k}"] for k in range(1, L + 1)}


def point_error(frame: Frame) -> np.ndarray:
    """``|dZL|`` of each training point (m,): how wrong the network is about it."""
    L = engine.n_layers(frame.params)
    return np.abs(frame.grads[f"dZ{L}"]).sum(axis=0)


def class_accuracy(trainer: Trainer, params=None) -> list[tuple[str, int, int]]:
    """Each class's ``(name, right, points)`` on the training data at ``params``: how many of
    its points the network puts in it (the largest output; for two classes, P >= 0.5)."""
    d = trainer.data
    params = trainer.params if params is None else params
    A = engine.predict_proba(params, d.X_train, trainer.config.activations, trainer.output)
    predicted = np.argmax(A, axis=0) if A.shape[0] > 1 else (A[0] >= 0.5).astype(int)
    labels = d.labels_train
    return [
        (name, int(np.sum((labels == c) & (predicted == c))), int(np.sum(labels == c)))
        for c, name in enumerate(d.class_names)
    ]


def class_accuracy_labels(trainer: Trainer, params=None) -> list[tuple[str, str]]:
    """``class_accuracy`` as the page shows it: ``(class name, "97% (117 of 120)")``."""
    return [
        (name, f"{right / total:.0%} ({right} of {total})" if total else "no points")
        for name, right, total in class_accuracy(trainer, params)
    ]


def class_counts(labels, classes: int) -> list[int]:
    """How many of ``labels`` (class numbers) each of ``classes`` classes has."""
    return np.bincount(np.asarray(labels, dtype=np.int64), minlength=classes)[:classes].tolist()


def nearest_point(P: np.ndarray, x: float, y: float) -> int:
    """The column of ``P`` (2, m) nearest to the clicked point ``(x, y)``."""
    return int(np.argmin((P[0] - x) ** 2 + (P[1] - y) ** 2))


def picked_parameter(layer_sizes, customdata) -> tuple[int, int, int | None] | None:
    """What a click on the network picked, from the clicked points' ``customdata``: an edge's
    ``[k, i, j]`` (the weight ``Wk[i, j]``) or a unit's ``[k, i]`` (``j`` is then None). The
    first that fits ``layer_sizes`` wins; None when nothing does (e.g. a pick from another
    network)."""
    sizes = [int(n) for n in layer_sizes]
    L = len(sizes) - 1
    for cd in customdata or []:
        if not isinstance(cd, (list, tuple)) or len(cd) not in (2, 3):
            continue
        try:
            k, i, *rest = (int(v) for v in cd)
        except (TypeError, ValueError):
            continue
        if rest:
            if 1 <= k <= L and 0 <= i < sizes[k] and 0 <= rest[0] < sizes[k - 1]:
                return k, i, rest[0]
        elif 0 <= k <= L and 0 <= i < sizes[k]:
            return k, i, None
    return None


def parameter_values(frame: Frame, alpha: float, name: str, index) -> tuple[float, float, float]:
    """One parameter's value, its gradient and the change the next step makes, ``-alpha d``."""
    value = float(frame.params[name][tuple(index)])
    grad = float(frame.grads[f"d{name}"][tuple(index)])
    return value, grad, -alpha * grad


def edit_start(value: float, limit: float) -> float:
    """The value an edit form starts from: ``value`` itself when an edit could set it, else the
    nearest value it can (within ``±limit``; 0 for a value that is not finite)."""
    if not np.isfinite(value):
        return 0.0
    return float(min(max(value, -limit), limit))
