"""The training loop: data, a network, epochs of full-batch gradient descent, a bounded history.

``Trainer(config).step(epochs)`` advances training; ``history`` is a pandas DataFrame with one
row per epoch (thinned past ``HISTORY_ROWS`` epochs) and ``snapshot(epoch)`` gives back the
parameters at a recorded epoch for replays.

More than two classes (issue 16): ``Config.classes`` chooses how many classes a generated
dataset has; a user's CSV brings its own. Two classes train the notes' single sigmoid unit;
``K >= 3`` a softmax output of ``K`` units on one-hot labels (``engine.output_layer``). The
history, ``step(until=...)``, marks, edits and snapshots are the same for both: the costs are
the notes' cost or the categorical cross-entropy, the accuracy the share of points whose most
probable class is their label.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pandas as pd

from playground import datasets, engine

HISTORY_ROWS = 65_536  # at most this many history rows are kept; older ones are thinned
SNAPSHOT_BYTES = 16 * 2**20  # parameter snapshots for replay take at most this much
SNAPSHOT_COUNT = (16, 512)  # ... and between this many snapshots (the lower bound wins)
MAX_EDIT = 1000.0  # largest |value| ``set_parameter`` accepts
UNTIL = ("train_acc", "train_cost")  # what ``step(until=...)`` can watch
TEST_BATCH = 32  # the test set is evaluated for up to this many epochs at once ...
TEST_BATCH_BYTES = 4 * 2**20  # ... whose float32 activations (and the epochs kept to measure)
# take at most about this much each
# ``step`` measures each batch of epochs in a second thread while the next batch trains, on a
# machine with a second core, where the network's activations hold at least
# ``PARALLEL_VALUES`` numbers (units of all layers after the input, times m) and its largest
# product has fewer multiply-adds than ``PARALLEL_PRODUCT``. Measured on this project's machine
# (2 cores; hidden layers of 2 to 32 units, 1 to 4 of them, m from 100 to 2,000): below the
# first bound the threads mostly wait for each other's turn at the interpreter (the default
# page's 2-4-4-1 on 200 points: 0.85 times the epochs per second of measuring in turn); above
# it they gain 1.01 to 1.27 times (2-8-8-1 on 400 points: 1.07; 2-8-8-3: 1.14). From the second
# bound OpenBLAS splits a product between two threads, so the engine keeps both cores busy
# itself (2-16-16-1 on 2,000 points: 0.96).
PARALLEL_VALUES = 6_000
PARALLEL_PRODUCT = 2**19
# Those trainers measure up to this many epochs at once (rather than ``TEST_BATCH``): the
# measuring thread then interrupts the training thread a quarter as often (S3 of
# ``playground.bench``: 1.70 against 1.54 times the naive loop's epochs per second; S 1.92
# against 1.72, where the bytes allow 67).
PARALLEL_BATCH = 128

DTYPES = {"float64": np.float64, "float32": np.float32}


@dataclasses.dataclass(frozen=True)
class Config:
    """Everything that defines a run. The same config gives the same history, bit for bit."""

    dataset: str = "circle"
    n_samples: int = 400
    noise: float = 0.0
    train_ratio: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 4)
    activations: tuple[str, ...] = ("tanh", "tanh")
    alpha: float = 0.3
    seed: int = 0
    init: str = "xavier"
    batch_size: int | None = None  # None: full batch, as in the notes
    l2: float = 0.0
    dtype: str = "float64"
    l1: float = 0.0
    decay: float = 0.0  # the update from epoch t uses alpha / (1 + decay t)
    classes: int = 2  # of a generated dataset (a user's CSV brings its own): 2 to 6

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """``(n0, ..., nL)`` on a generated dataset: ``nL`` is 1 for two classes, else ``K``."""
        return (len(self.features), *self.hidden, engine.output_layer(self.classes)[0])

    def replace(self, **changes) -> Config:
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass(frozen=True)
class Data:
    """Train and test data in the notes' orientation, with the raw 2-D points for plotting.

    ``Y`` is ``(1, m)`` (0/1) for two classes and one-hot ``(K, m)`` for ``K >= 3``
    (``datasets.one_hot``); ``labels_train`` and ``labels_test`` are the class numbers
    ``0..K-1`` of the same points, and ``class_names`` what the classes are called (a CSV's
    words; ``"0", "1", ...`` otherwise).
    """

    X_train: np.ndarray  # (n0, m) input features
    Y_train: np.ndarray  # (1, m), or (K, m) one-hot
    X_test: np.ndarray  # (n0, m_test)
    Y_test: np.ndarray  # (1, m_test), or (K, m_test) one-hot
    P_train: np.ndarray  # (2, m) raw coordinates, for the plots
    P_test: np.ndarray  # (2, m_test)
    feature_names: tuple[str, ...]
    source: str = "generated"  # or "csv": a user's file, whose columns are the features
    class_names: tuple[str, ...] = ()  # () for "0", "1", ..., "K-1"

    def __post_init__(self) -> None:
        rows = self.Y_train.shape[0]
        if self.Y_test.shape[0] != rows:
            raise ValueError("Y_train and Y_test need the same number of rows (classes)")
        K = datasets.n_classes(self.Y_train)
        if rows == 2:
            raise ValueError("two classes are one row of Y (0 and 1), not two")
        names = tuple(str(n) for n in self.class_names) or tuple(str(k) for k in range(K))
        if len(names) != K:
            raise ValueError(f"{len(names)} class names for {K} classes")
        object.__setattr__(self, "class_names", names)

    @property
    def classes(self) -> int:
        """K, the number of classes: 2 for a 0/1 row ``Y``, else ``Y``'s number of rows."""
        return datasets.n_classes(self.Y_train)

    @property
    def labels_train(self) -> np.ndarray:
        """The class number ``0..K-1`` of each training point, ``(m,)``."""
        return datasets.labels_of(self.Y_train)

    @property
    def labels_test(self) -> np.ndarray:
        """The class number of each test point, ``(m_test,)``."""
        return datasets.labels_of(self.Y_test)


def csv_data(csv: datasets.CSVData, train_ratio: float, seed: int) -> Data:
    """Split a user's CSV (see ``datasets.load_csv``); its columns are the input features."""
    X_train, Y_train, X_test, Y_test = datasets.train_test_split(csv.X, csv.Y, train_ratio, seed)
    return Data(
        X_train,
        Y_train,
        X_test,
        Y_test,
        X_train[:2],
        X_test[:2],
        csv.feature_names,
        source="csv",
        class_names=csv.class_names,
    )


MAX_DRAWN = 500  # points a visitor may draw
# The points a drawing starts from: two of each class, in the corners (x1, x2, label).
START_POINTS = ((-3.0, 3.0, 0.0), (3.0, -3.0, 0.0), (-3.0, -3.0, 1.0), (3.0, 3.0, 1.0))


def drawn_data(points, config: Config, classes: int = 2) -> Data:
    """Train and test data from points a visitor drew: ``[(x1, x2, label), ...]`` with labels
    ``0..classes-1``, split by ``config.train_ratio`` and featurised by ``config.features`` as a
    generated dataset is. Two classes: ``Y`` (1, m); more: one-hot ``(classes, m)``, which may
    hold a class that has no point yet (the softmax then learns that it is nowhere)."""
    P = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    if not 2 <= len(P) <= MAX_DRAWN or not np.isfinite(P).all():
        raise ValueError(f"between 2 and {MAX_DRAWN} finite points are needed")
    if not 2 <= classes <= datasets.MAX_CLASSES:
        raise ValueError(f"2 to {datasets.MAX_CLASSES} classes, got {classes}")
    if not np.isin(P[:, 2], np.arange(classes)).all():
        raise ValueError(f"labels must be whole numbers from 0 to {classes - 1}")
    labels = P[:, 2].astype(np.int64)
    Y = P[:, 2:].T if classes == 2 else datasets.one_hot(labels, classes)
    return _split_points(P[:, :2].T, Y, config, source="drawn")


def make_data(config: Config) -> Data:
    """Generate, split and featurise the dataset named by ``config``."""
    X, Y = datasets.make_dataset(
        config.dataset, config.n_samples, config.noise, config.seed, config.classes
    )
    return _split_points(X, Y, config)


def _split_points(P: np.ndarray, Y: np.ndarray, config: Config, source: str = "generated"):
    """2-D points ``P`` (2, m) and labels ``Y`` (1 or K, m), split by ``config.train_ratio`` and
    ``config.seed``, with ``config.features`` computed from the points."""
    P_train, Y_train, P_test, Y_test = datasets.train_test_split(
        P, Y, config.train_ratio, config.seed
    )
    return Data(
        X_train=datasets.add_features(P_train, config.features),
        Y_train=Y_train,
        X_test=datasets.add_features(P_test, config.features),
        Y_test=Y_test,
        P_train=P_train,
        P_test=P_test,
        feature_names=tuple(config.features),
        source=source,
    )


def history_columns(L: int) -> list[str]:
    cols = ["epoch", "train_cost", "test_cost", "train_acc", "test_acc"]
    cols += [f"d{p}{k}_norm" for k in range(1, L + 1) for p in ("W", "B")]
    cols += [f"{p}{k}_norm" for k in range(1, L + 1) for p in ("W", "B")]
    return cols


class _Thinned:
    """A fixed-capacity table of rows, one per ``stride`` epochs; when full, every other row is
    dropped and the stride doubles, so any number of epochs fits in ``capacity`` rows."""

    def __init__(self, capacity: int, width: int, dtype=np.float64) -> None:
        self.capacity = capacity
        start = min(capacity, 256)  # grows by doubling up to ``capacity``
        self.rows = np.empty((start, width), dtype=dtype)
        self.epochs = np.empty(start, dtype=np.int64)
        self.n = 0
        self.stride = 1

    def wants(self, epoch: int) -> bool:
        return epoch % self.stride == 0

    def slot(self, epoch: int) -> np.ndarray:
        """The row to fill for ``epoch`` (call only when ``wants(epoch)``)."""
        if self.n == len(self.rows) < self.capacity:
            size = min(self.capacity, 2 * self.n)
            self.rows = np.resize(self.rows, (size, self.rows.shape[1]))
            self.epochs = np.resize(self.epochs, size)
        if self.n == len(self.rows):
            half = (self.n + 1) // 2
            self.rows[:half] = self.rows[: self.n : 2]
            self.epochs[:half] = self.epochs[: self.n : 2]
            self.n, self.stride = half, self.stride * 2
            if epoch % self.stride:
                return None
        self.epochs[self.n] = epoch
        self.n += 1
        return self.rows[self.n - 1]

    def extend(self, epochs: np.ndarray, rows: np.ndarray) -> None:
        """Add the rows of ``epochs`` (increasing, after the last row) that the stride keeps."""
        keep = epochs % self.stride == 0
        if not keep.all():
            epochs, rows = epochs[keep], rows[keep]
        n, k = self.n, len(epochs)
        if n + k <= len(self.rows):  # the common case: no growing or thinning on the way
            self.rows[n : n + k] = rows
            self.epochs[n : n + k] = epochs
            self.n = n + k
            return
        for epoch, row in zip(epochs.tolist(), rows, strict=True):
            if epoch % self.stride == 0:
                slot = self.slot(epoch)
                if slot is not None:
                    slot[:] = row

    def truncate(self, epoch: int) -> None:
        """Forget rows after ``epoch``."""
        self.n = int(np.searchsorted(self.epochs[: self.n], epoch, side="right"))


@dataclasses.dataclass(frozen=True, eq=False)
class Mark:
    """A moment of a run to come back to (``Trainer.mark``, ``Trainer.rewind``)."""

    epoch: int
    theta: np.ndarray  # the parameters, laid out as the workspace's ``theta``
    rng_state: dict  # the mini-batch order's generator state


class Trainer:
    """Trains the network of ``config`` on its data, epoch by epoch.

    Every recorded epoch's history row has the training cost and accuracy of the epoch's
    forward pass (float64, or the config's dtype) and the test cost and accuracy, measured in
    float32 for up to ``TEST_BATCH`` (``PARALLEL_BATCH``) epochs at once (``engine.Evaluator``)
    before ``step`` returns: the same history however the epochs are split into steps.

    ``data`` overrides the generated dataset (for a user's CSV), and brings its own number of
    classes (``config.classes`` is for generated data). ``output`` is the output layer's kind:
    ``"sigmoid"`` for two classes, ``"softmax"`` for more. ``alpha`` may be changed
    between steps without losing the training state. When a step makes the cost or a
    parameter non-finite, training stops at the last finite parameters: ``diverged`` is then
    set, ``message`` says why, and nothing non-finite enters the history.
    """

    def __init__(self, config: Config, data: Data | None = None) -> None:
        _validate(config)
        self.config = config
        self.alpha = float(config.alpha)
        self.data = data if data is not None else make_data(config)
        d = self.data
        if d.X_test.shape[1] < 1 or d.X_train.shape[1] < 1:
            raise ValueError("the data needs at least one training and one test column")
        nL, self.output = engine.output_layer(d.classes)
        self.layer_sizes = (d.X_train.shape[0], *config.hidden, nL)
        self.m = d.X_train.shape[1]
        self.ws = engine.Workspace(
            self.layer_sizes,
            config.activations,
            d.X_train,
            d.Y_train,
            l2=config.l2,
            dtype=DTYPES[config.dtype],
            l1=config.l1,
            output=self.output,
        )
        # Whether ``step`` measures in a second thread (``PARALLEL_VALUES``).
        sizes = self.layer_sizes
        largest = max(a * (b + 1) for a, b in zip(sizes[1:], sizes[:-1], strict=True)) * self.m
        values = sum(sizes[1:]) * self.m
        self._parallel = PARALLEL_VALUES <= values and largest < PARALLEL_PRODUCT and _cores() > 1
        # The test set's cost and accuracy: measured for every recorded epoch, in float32 and
        # in batches of epochs (see ``engine.Evaluator`` and ``_flush``).
        m_test = d.X_test.shape[1]
        batch = engine.Evaluator.capacity_for(self.layer_sizes, m_test, TEST_BATCH_BYTES)
        self._test = engine.Evaluator(
            self.layer_sizes,
            config.activations,
            d.X_test,
            d.Y_test,
            min(PARALLEL_BATCH if self._parallel else TEST_BATCH, batch),
            output=self.output,
        )
        self.ws.load(engine.init_params(self.layer_sizes, config.seed, config.init))
        self.L = self.ws.L
        self.epoch = 0
        self.diverged = False
        self.message = ""
        self._rng = np.random.default_rng([config.seed, 1])  # mini-batch order
        self.columns = history_columns(self.L)
        self._hist = _Thinned(HISTORY_ROWS, len(self.columns))
        per_snapshot = self.ws.theta.nbytes
        count = max(SNAPSHOT_COUNT[0], min(SNAPSHOT_COUNT[1], SNAPSHOT_BYTES // per_snapshot))
        self._snaps = _Thinned(count, self.ws.theta.size, dtype=self.ws.theta.dtype)
        self._last = np.full(len(self.columns), np.nan)  # the newest recorded row
        self._row = np.zeros(len(self.columns))  # the current parameters' row (``_measure_now``)
        # Epochs trained but not yet measured (``_Pending``): ``_flush`` measures them together
        # (training and test cost and accuracy, norms) into the history: one NumPy call per
        # operation for up to ``capacity`` epochs. Where ``_parallel``, ``step`` measures one
        # batch in a second thread while the next trains into the spare buffers.
        ws = self.ws
        per_epoch = (2 * ws.size + ws.ZE.size) * ws.dtype.itemsize
        cap = max(1, min(self._test.capacity, TEST_BATCH_BYTES // per_epoch))
        self._pending = _Pending(cap, ws)
        self._spare = _Pending(cap, ws) if self._parallel else None
        # The parameters and test metrics of the newest epoch measured, to go back to if a
        # later epoch turns out not finite.
        self._measured_theta = ws.theta.copy()
        self._measured_test = np.full(2, np.nan)  # [test cost, test accuracy] of that epoch
        with np.errstate(all="ignore"):
            ws.forward()
            ws.backward()
            self._keep()
            self._flush()

    # -- training ----------------------------------------------------------------------------

    def step(self, epochs: int = 1, until: tuple[str, float] | None = None) -> int:
        """Train up to ``epochs`` epochs; returns how many were done (fewer on divergence).

        ``until``: stop after the first epoch whose training accuracy reaches a value
        (``("train_acc", 1.0)``) or whose training cost falls to one (``("train_cost", 0.05)``).
        """
        start = self.epoch
        watch = None
        if until is not None:
            name, goal = until
            if name not in UNTIL or not math.isfinite(goal):
                raise ValueError(f"until takes ({' or '.join(UNTIL)}, a finite number)")
            watch = (name, float(goal))
        if self.diverged:
            return 0
        ws, decay = self.ws, self.config.decay
        full_batch = self.config.batch_size is None or self.config.batch_size >= self.m
        cap = self._pending.capacity
        # Measured in a second thread while the next batch trains (``_measure``, ``_collect``):
        # the same numbers, in the same order, as measured here (``_flush``).
        parallel = full_batch and self._parallel and int(epochs) >= 2 * cap
        pool = ThreadPoolExecutor(1, "measure") if parallel else contextlib.nullcontext()
        measuring = None  # (the batch in the other thread, its future)
        update, forward, backward = ws.apply_update, ws.forward, ws.backward
        with np.errstate(all="ignore"), pool:
            if not ws.grads_ready:  # a staged backward was left half done: finish it first
                backward()
            for _ in range(int(epochs)):
                alpha = self.alpha / (1.0 + decay * self.epoch) if decay else self.alpha
                if full_batch:
                    update(alpha)
                else:
                    np.copyto(ws.previous, ws.theta)
                    self._minibatch_epoch(alpha)
                forward()
                backward()
                self.epoch += 1
                j = self._keep()
                if watch is not None and not full_batch and self._reached(watch, j):
                    break  # (mini-batch: each epoch checked, as its shuffles cannot be undone)
                if j + 1 < cap:
                    continue
                if not parallel:
                    if self._flush(watch) or self.diverged:
                        break
                    continue
                if measuring is not None:
                    stopped = self._collect(*measuring, watch)
                    measuring = None
                    if stopped:
                        break
                full = self._pending
                measuring = (full, pool.submit(self._measure, full))
                self._pending, self._spare = self._spare, full
            if measuring is None or not self._collect(*measuring, watch):
                self._flush(watch)
        return self.epoch - start

    def _reached(self, watch: tuple[str, float], j: int) -> bool:
        """Whether pending epoch ``j`` meets ``step``'s ``until``."""
        p = self._pending
        theta, grad, z = p.slots[j]
        row = self._train_rows(z[None], theta[None], grad[None], p.epochs[j : j + 1])
        return bool(_meets(watch, row)[0])

    @property
    def step_alpha(self) -> float:
        """The learning rate of the next update: ``alpha / (1 + decay epoch)``."""
        return self.alpha / (1.0 + self.config.decay * self.epoch)

    def _diverge(self) -> None:
        self.diverged = True
        self.message = (
            f"Training diverged at epoch {self.epoch + 1}: the cost or a weight "
            f"became infinite with alpha = {self.alpha:g}. Stopped at epoch "
            f"{self.epoch}, the last finite parameters. Lower alpha and reset."
        )

    def _minibatch_epoch(self, alpha: float) -> None:
        d, size = self.data, int(self.config.batch_size)
        order = self._rng.permutation(self.m)
        params = {f"{p}{k}": getattr(self.ws, p)[k] for k in range(1, self.L + 1) for p in "WB"}
        for start in range(0, self.m, size):
            idx = order[start : start + size]
            X, Y = d.X_train[:, idx].astype(self.ws.dtype), d.Y_train[:, idx]
            cache = engine.forward(params, X, self.config.activations, self.output)
            c = self.config
            grads = engine.backward(params, cache, Y, c.activations, c.l2, c.l1)
            for name, P in params.items():
                P -= alpha * grads[f"d{name}"]

    def _keep(self) -> int:
        """Keep the current epoch's parameters, gradients and ``ZE`` for ``_flush``; returns
        its place among the pending epochs."""
        p = self._pending
        j = p.n
        theta, grad, z = p.slots[j]
        ws = self.ws
        np.copyto(theta, ws.theta)
        np.copyto(grad, ws.grad)
        np.copyto(z, ws.ZE)
        p.epochs[j] = self.epoch
        p.n = j + 1
        return j

    def _measure_now(self) -> bool:
        """Gradients, training cost, accuracy and norms at the current parameters into
        ``_row`` (the test metrics are left as they are); False if any is not finite."""
        ws, row = self.ws, self._row
        ws.backward()
        epoch = np.array([self.epoch])
        new = self._train_rows(ws.ZE[None], ws.theta[None], ws.grad[None], epoch)[0]
        kept = row[[2, 4]]
        row[:] = new
        row[[2, 4]] = kept
        return bool(np.isfinite(new).all())

    def _train_rows(self, ZE, thetas, grads, epochs) -> np.ndarray:
        """History rows of epochs from their ``ZE``, parameters and gradients: the epoch, the
        training cost and accuracy and the norms, and 0 for the test metrics (``_flush``
        measures those)."""
        ws = self.ws
        rows = np.empty((len(epochs), len(self.columns)))  # (``history_columns``)
        rows[:, 0] = epochs
        rows[:, 1:4:2] = ws.measure_batch(ZE, thetas)  # train cost, accuracy
        rows[:, 2:5:2] = 0.0
        rows[:, 5:] = ws.norms_batch(thetas, grads)
        return rows

    def _flush(self, watch: tuple[str, float] | None = None) -> bool:
        """Measure the epochs still pending and record them in the history and snapshots
        (``_measure``, ``_record``)."""
        if self._pending.n == 0:
            return False
        return self._record(self._pending, *self._measure(self._pending), watch)

    def _measure(self, p: _Pending) -> tuple[np.ndarray, int]:
        """The history rows of the epochs in ``p`` and how many lead up to the first whose
        numbers are not all finite (all of them if none). Training cost and accuracy, norms and
        the test set's cost and accuracy are each measured for all of them at once. Reads
        ``p``, the workspace's constants and the test ``Evaluator`` only: ``step`` runs it in a
        second thread while the next epochs train into the other buffers."""
        n = p.n
        thetas, epochs = p.theta[:n], p.epochs[:n]
        with np.errstate(all="ignore"):  # (the error state of numpy is the thread's own)
            rows = self._train_rows(p.ZE[:n], thetas, p.grad[:n], epochs)
            finite = np.isfinite(rows).all(axis=1)
            good = n if finite.all() else int(np.argmin(finite))
            if good:
                test = rows[:good, 2:5:2] = self._test.evaluate(thetas[:good])
                finite = np.isfinite(test).all(axis=1)
                if not finite.all():
                    good = int(np.argmin(finite))
        return rows, good

    def _collect(self, p: _Pending, future: Future, watch: tuple[str, float] | None) -> bool:
        """Record the batch ``p`` measured in the other thread; True if training stopped in it
        (it diverged, or met ``watch``): the epochs trained since are then dropped."""
        stopped = self._record(p, *future.result(), watch) or self.diverged
        if stopped:
            self._pending.n = 0
        return stopped

    def _record(
        self, p: _Pending, rows: np.ndarray, good: int, watch: tuple[str, float] | None
    ) -> bool:
        """Record the measured epochs of ``p`` in the history and snapshots.

        When an epoch's numbers are not all finite (the cost or a parameter overflowed, or its
        test outputs beyond float64), training goes back to the epoch before it and stops.
        With ``watch`` (``step``'s ``until``), training goes back to the first epoch that meets
        it, if any, and True is returned.
        """
        n, p.n = p.n, 0
        ws = self.ws
        thetas, epochs = p.theta[:n], p.epochs[:n]
        if good < n and epochs[good] == 0:
            raise ValueError("the data give a non-finite cost at the initial parameters")
        reached = False
        if watch is not None and good:
            met = _meets(watch, rows[:good])
            if met.any():
                reached, good = True, int(np.argmax(met)) + 1
        if good:
            self._hist.extend(epochs[:good], rows[:good])
            self._snaps.extend(epochs[:good], thetas[:good])
            np.copyto(self._last, rows[good - 1])
            np.copyto(self._measured_theta, thetas[good - 1])
            self._measured_test = rows[good - 1, 2:5:2].copy()
        if reached:  # back to the epoch that met the goal: the ones after it are dropped
            if self.epoch != epochs[good - 1]:
                self.epoch = int(epochs[good - 1])
                np.copyto(ws.theta, thetas[good - 1])
                ws.forward()
                ws.backward()
            return True
        if good == n:
            return False
        # Back to the epoch before the first bad one, whose parameters were measured last.
        self.epoch = int(epochs[good]) - 1
        self._hist.truncate(self.epoch)
        self._snaps.truncate(self.epoch)
        np.copyto(ws.theta, self._measured_theta)
        ws.forward()
        self._measure_now()
        self._row[[2, 4]] = self._measured_test
        self._diverge()
        return False

    # -- editing a parameter -------------------------------------------------------------------

    def set_parameter(self, name: str, index: tuple[int, ...], value: float) -> None:
        """Set one weight or bias, e.g. ``("W2", (1, 3), 0.5)``, at the current epoch.

        The forward pass, gradients and the current epoch's history row (and snapshot) are
        measured again with the new value, so the next step trains from it. Raises
        ``ValueError`` for an unknown parameter or index, or a value that is not a finite
        number of at most ``MAX_EDIT`` in size.
        """
        kind, layer = name[:1], name[1:]
        if kind not in ("W", "B") or not layer.isdigit() or not 1 <= int(layer) <= self.L:
            raise ValueError(f"no parameter {name!r}: W1..W{self.L} or B1..B{self.L}")
        target = (self.ws.W if kind == "W" else self.ws.B)[int(layer)]
        try:
            index = tuple(int(i) for i in index)
            if len(index) != 2:
                raise IndexError
            if not all(0 <= i < n for i, n in zip(index, target.shape, strict=True)):
                raise IndexError
        except (TypeError, ValueError, IndexError):
            raise ValueError(f"{name} has shape {target.shape}; no entry {index!r}") from None
        if not (isinstance(value, (int, float)) and math.isfinite(value)):
            raise ValueError(f"{name}{list(index)} must be a finite number; got {value!r}")
        if abs(value) > MAX_EDIT:
            raise ValueError(f"{name}{list(index)} must lie between -{MAX_EDIT:g} and {MAX_EDIT:g}")
        if self.diverged:
            raise ValueError("training diverged: reset before editing a parameter")
        ws = self.ws
        old = float(target[index])
        target[index] = value
        with np.errstate(all="ignore"):
            ws.forward()
            finite = self._measure_now()
            test = self._test.evaluate(ws.theta)[0] if finite else None
            if test is None or not np.isfinite(test).all():
                target[index] = old  # (out of reach within MAX_EDIT; kept safe anyway)
                ws.forward()
                self._measure_now()
                raise ValueError(f"{name}{list(index)} = {value:g} makes the cost infinite")
        row = self._row
        row[0] = self.epoch
        row[[2, 4]] = test
        np.copyto(self._last, row)
        hist, snaps = self._hist, self._snaps
        if hist.n and hist.epochs[hist.n - 1] == self.epoch:
            hist.rows[hist.n - 1] = row
        if snaps.n and snaps.epochs[snaps.n - 1] == self.epoch:
            snaps.rows[snaps.n - 1] = ws.theta
        np.copyto(self._measured_theta, ws.theta)
        self._measured_test = test

    # -- coming back to an earlier epoch -------------------------------------------------------

    def mark(self) -> Mark:
        """The moment training is at now, to ``rewind`` to later."""
        state = copy.deepcopy(self._rng.bit_generator.state)
        return Mark(self.epoch, self.ws.theta.copy(), state)

    def rewind(self, mark: Mark) -> None:
        """Go back to ``mark``, an earlier moment of this run: its epoch, parameters and
        mini-batch order; the history and snapshots after it are dropped. Training on from there
        gives the same history, bit for bit, as a run that never went past it. Raises
        ``ValueError`` for a mark that is not of this run's past, or after divergence."""
        ws = self.ws
        if not isinstance(mark, Mark) or mark.theta.shape != ws.theta.shape:
            raise ValueError("not a mark of this network")
        if not 0 <= mark.epoch <= self.epoch:
            raise ValueError(f"epoch {mark.epoch} is not in this run's past (now {self.epoch})")
        if self.diverged:
            raise ValueError("training diverged: reset instead")
        self._flush()
        self.epoch = int(mark.epoch)
        self._hist.truncate(self.epoch)
        self._snaps.truncate(self.epoch)
        np.copyto(ws.theta, mark.theta)
        self._rng.bit_generator.state = copy.deepcopy(mark.rng_state)
        with np.errstate(all="ignore"):
            ws.forward()
            self._measure_now()
            test = self._test.evaluate(ws.theta)[0]
        row = self._row
        row[0] = self.epoch
        row[[2, 4]] = test
        np.copyto(self._last, row)
        np.copyto(self._measured_theta, ws.theta)
        self._measured_test = test

    # -- what the views read -------------------------------------------------------------------

    @property
    def params(self) -> dict[str, np.ndarray]:
        """A copy of the current ``W1, B1, ..., WL, BL``."""
        return self.ws.params()

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """The gradients at the current parameters: ``dZk``, ``dWk``, ``dBk``."""
        return self.ws.grads()

    @property
    def cache(self) -> dict[str, np.ndarray]:
        """The forward values at the current parameters on the training data: ``A0, Z1, ...``."""
        return self.ws.cache()

    @property
    def last(self) -> dict[str, float]:
        """The newest history row as a dict."""
        return dict(zip(self.columns, self._last.tolist(), strict=True))

    @property
    def history(self) -> pd.DataFrame:
        """One row per recorded epoch (every epoch until ``HISTORY_ROWS``, then thinned)."""
        h = self._hist
        rows = h.rows[: h.n]
        if h.n == 0 or h.epochs[h.n - 1] != self.epoch:
            rows = np.vstack([rows, self._last])
        df = pd.DataFrame(rows, columns=self.columns)
        df["epoch"] = df["epoch"].astype(np.int64)
        return df

    @property
    def snapshot_epochs(self) -> np.ndarray:
        return self._snaps.epochs[: self._snaps.n].copy()

    def snapshot(self, epoch: int) -> dict[str, np.ndarray]:
        """Parameters at the recorded epoch nearest to ``epoch`` (at or before it)."""
        s = self._snaps
        i = max(0, int(np.searchsorted(s.epochs[: s.n], epoch, side="right")) - 1)
        return self.ws.unflatten(s.rows[i])

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the history, the snapshots and the workspace buffers."""
        ws = self.ws
        arrays = [self._hist.rows, self._snaps.rows, ws._buf, ws._scratch]
        arrays += [self._measured_theta]
        arrays += [a for p in (self._pending, self._spare) if p is not None for a in p.arrays]
        arrays += [
            *ws.A,
            *ws.Z[1:-1],
            ws.ZE,
            *ws.dZ[1:],
            *ws._deriv[1:],
            *ws._l2_tmp[1:],
            ws.Y,
            ws._neg_sign,
        ]
        if self.output == "softmax":  # ZL beside ZE, and the labels
            arrays += [ws.Z[self.L], ws._colmax, ws.labels, ws._label_at]
        return int(sum(a.nbytes for a in arrays)) + self._test.nbytes


class _Pending:
    """Up to ``capacity`` epochs trained but not yet measured: their parameters, gradients and
    outputs' ``ZE`` (``n`` of them so far)."""

    def __init__(self, capacity: int, ws: engine.Workspace) -> None:
        self.theta = np.empty((capacity, ws.size), dtype=ws.dtype)
        self.grad = np.empty((capacity, ws.size), dtype=ws.dtype)
        self.ZE = np.empty((capacity, *ws.ZE.shape), dtype=ws.dtype)
        self.epochs = np.empty(capacity, dtype=np.int64)
        self.slots = list(zip(self.theta, self.grad, self.ZE, strict=True))
        self.capacity, self.n = capacity, 0

    @property
    def arrays(self) -> list[np.ndarray]:
        return [self.theta, self.grad, self.ZE, self.epochs]


def _cores() -> int:
    """The processors this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _meets(watch: tuple[str, float], rows: np.ndarray) -> np.ndarray:
    """Which history rows meet ``step``'s ``until`` (``watch``)."""
    name, goal = watch
    return rows[:, 3] >= goal if name == "train_acc" else rows[:, 1] <= goal


def _validate(config: Config) -> None:
    if len(config.hidden) != len(config.activations):
        raise ValueError("give one activation per hidden layer")
    if not 0 <= len(config.hidden) <= engine.MAX_HIDDEN_LAYERS:
        raise ValueError(f"between 0 and {engine.MAX_HIDDEN_LAYERS} hidden layers")
    if any(int(n) < 1 for n in config.hidden):
        raise ValueError("every hidden layer needs at least one unit")
    if not (np.isfinite(config.alpha) and config.alpha > 0):
        raise ValueError("alpha must be a positive number")
    if not (np.isfinite(config.l2) and config.l2 >= 0):
        raise ValueError("l2 must be zero or positive")
    if not (np.isfinite(config.l1) and config.l1 >= 0):
        raise ValueError("l1 must be zero or positive")
    if not (np.isfinite(config.decay) and config.decay >= 0):
        raise ValueError("decay must be zero or positive")
    if config.batch_size is not None and int(config.batch_size) < 1:
        raise ValueError("batch size must be at least 1 (or None for full batch)")
    if config.dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}")
    classes = config.classes
    if not (isinstance(classes, int | np.integer) and not isinstance(classes, bool)) or not (
        2 <= classes <= datasets.MAX_CLASSES
    ):
        raise ValueError(f"classes must be a whole number from 2 to {datasets.MAX_CLASSES}")


def train(config: Config, epochs: int) -> Trainer:
    """Convenience: a trainer for ``config`` stepped ``epochs`` epochs."""
    t = Trainer(config)
    t.step(epochs)
    return t


__all__: Sequence[str] = [
    "Config", "Data", "Mark", "Trainer", "make_data", "train", "history_columns",
]  # fmt: skip
