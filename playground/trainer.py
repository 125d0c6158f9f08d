"""The training loop: data, a network, epochs of full-batch gradient descent, a bounded history.

``Trainer(config).step(epochs)`` advances training; ``history`` is a pandas DataFrame with one
row per epoch (thinned past ``HISTORY_ROWS`` epochs) and ``snapshot(epoch)`` gives back the
parameters at a recorded epoch for replays.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from playground import datasets, engine

HISTORY_ROWS = 65_536  # at most this many history rows are kept; older ones are thinned
SNAPSHOT_BYTES = 16 * 2**20  # parameter snapshots for replay take at most this much
SNAPSHOT_COUNT = (16, 512)  # ... and between this many snapshots (the lower bound wins)

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

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return (len(self.features), *self.hidden, 1)

    def replace(self, **changes) -> Config:
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass(frozen=True)
class Data:
    """Train and test data in the notes' orientation, with the raw 2-D points for plotting."""

    X_train: np.ndarray  # (n0, m) input features
    Y_train: np.ndarray  # (1, m)
    X_test: np.ndarray  # (n0, m_test)
    Y_test: np.ndarray  # (1, m_test)
    P_train: np.ndarray  # (2, m) raw coordinates, for the plots
    P_test: np.ndarray  # (2, m_test)
    feature_names: tuple[str, ...]
    source: str = "generated"  # or "csv": a user's file, whose columns are the features


def csv_data(csv: datasets.CSVData, train_ratio: float, seed: int) -> Data:
    """Split a user's CSV (see ``datasets.load_csv``); its columns are the input features."""
    X_train, Y_train, X_test, Y_test = datasets.train_test_split(csv.X, csv.Y, train_ratio, seed)
    return Data(
        X_train, Y_train, X_test, Y_test, X_train[:2], X_test[:2], csv.feature_names, source="csv"
    )


def make_data(config: Config) -> Data:
    """Generate, split and featurise the dataset named by ``config``."""
    X, Y = datasets.make_dataset(config.dataset, config.n_samples, config.noise, config.seed)
    P_train, Y_train, P_test, Y_test = datasets.train_test_split(
        X, Y, config.train_ratio, config.seed
    )
    return Data(
        X_train=datasets.add_features(P_train, config.features),
        Y_train=Y_train,
        X_test=datasets.add_features(P_test, config.features),
        Y_test=Y_test,
        P_train=P_train,
        P_test=P_test,
        feature_names=tuple(config.features),
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

    def truncate(self, epoch: int) -> None:
        """Forget rows after ``epoch``."""
        self.n = int(np.searchsorted(self.epochs[: self.n], epoch, side="right"))


class Trainer:
    """Trains the network of ``config`` on its data, epoch by epoch.

    ``data`` overrides the generated dataset (for a user's CSV). ``alpha`` may be changed
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
        self.layer_sizes = (d.X_train.shape[0], *config.hidden, d.Y_train.shape[0])
        self.m = d.X_train.shape[1]
        self.ws = engine.Workspace(
            self.layer_sizes,
            config.activations,
            np.concatenate([d.X_train, d.X_test], axis=1),
            np.concatenate([d.Y_train, d.Y_test], axis=1),
            self.m,
            l2=config.l2,
            dtype=DTYPES[config.dtype],
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
        self._row = np.zeros(len(self.columns))  # the row being measured
        self._row_measures = self._row[1:5]
        self._measure_in_place = self.ws.dtype == self._row.dtype and self.ws._parts == 2
        self._row_norms = self._row[5:]
        with np.errstate(all="ignore"):
            self.ws.forward()
            self._measure_and_record()

    # -- training ----------------------------------------------------------------------------

    def step(self, epochs: int = 1) -> int:
        """Train up to ``epochs`` epochs; returns how many were done (fewer on divergence)."""
        done = 0
        if self.diverged:
            return 0
        ws, alpha = self.ws, self.alpha
        full_batch = self.config.batch_size is None or self.config.batch_size >= self.m
        with np.errstate(all="ignore"):
            if not ws.grads_ready:  # a staged backward was left half done: finish it first
                ws.backward()
            for _ in range(int(epochs)):
                if full_batch:
                    ws.apply_update(alpha)
                else:
                    np.copyto(ws.previous, ws.theta)
                    self._minibatch_epoch(alpha)
                ws.forward()
                self.epoch += 1
                if not self._measure_and_record():
                    self.epoch -= 1
                    ws.revert()
                    ws.forward()
                    self._measure_and_record(record=False)
                    self.diverged = True
                    self.message = (
                        f"Training diverged at epoch {self.epoch + 1}: the cost or a weight "
                        f"became infinite with alpha = {alpha:g}. Stopped at epoch "
                        f"{self.epoch}, the last finite parameters. Lower alpha and reset."
                    )
                    break
                done += 1
        return done

    def _minibatch_epoch(self, alpha: float) -> None:
        d, size = self.data, int(self.config.batch_size)
        order = self._rng.permutation(self.m)
        params = {f"{p}{k}": getattr(self.ws, p)[k] for k in range(1, self.L + 1) for p in "WB"}
        for start in range(0, self.m, size):
            idx = order[start : start + size]
            X, Y = d.X_train[:, idx].astype(self.ws.dtype), d.Y_train[:, idx]
            cache = engine.forward(params, X, self.config.activations)
            grads = engine.backward(params, cache, Y, self.config.activations, self.config.l2)
            for name, P in params.items():
                P -= alpha * grads[f"d{name}"]

    def _measure_and_record(self, record: bool = True) -> bool:
        """Measure the forward pass just made, compute its gradients and record a history row.

        Returns False (and records nothing) when anything is non-finite.
        """
        ws, row = self.ws, self._row
        if self._measure_in_place:  # train_cost, test_cost, train_acc, test_acc
            ws._measure(self._row_measures)
        else:
            J, acc = ws.measure()
            row[1 : 1 + len(J)] = J
            row[3 : 3 + len(acc)] = acc
        ws.backward()
        ws.norms(out=self._row_norms)
        if not math.isfinite(sum(row.tolist())):  # (row[0], the old epoch, is finite)
            return False
        if not record:
            return True
        epoch = self.epoch
        row[0] = epoch
        np.copyto(self._last, row)
        hist = self._hist
        if epoch % hist.stride == 0:
            slot = hist.slot(epoch)
            if slot is not None:
                slot[:] = row
        snaps = self._snaps
        if epoch % snaps.stride == 0:
            slot = snaps.slot(epoch)
            if slot is not None:
                slot[:] = ws.theta
        return True

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
        """The forward values at the current parameters, training columns: ``A0, Z1, A1, ...``."""
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
        arrays = [self._hist.rows, self._snaps.rows, ws._buf, ws._scratch, ws._mvec, ws._select]
        arrays += [
            *ws.A,
            *ws.Z[1:],
            *ws.dZ[1:],
            *ws._deriv[1:],
            *ws._l2_tmp[1:],
            ws.Y,
            ws._neg_sign,
        ]
        return int(sum(a.nbytes for a in arrays))


def _validate(config: Config) -> None:
    if len(config.hidden) != len(config.activations):
        raise ValueError("give one activation per hidden layer")
    if not 1 <= len(config.hidden) <= engine.MAX_HIDDEN_LAYERS:
        raise ValueError(f"between 1 and {engine.MAX_HIDDEN_LAYERS} hidden layers")
    if any(int(n) < 1 for n in config.hidden):
        raise ValueError("every hidden layer needs at least one unit")
    if not (np.isfinite(config.alpha) and config.alpha > 0):
        raise ValueError("alpha must be a positive number")
    if not (np.isfinite(config.l2) and config.l2 >= 0):
        raise ValueError("l2 must be zero or positive")
    if config.batch_size is not None and int(config.batch_size) < 1:
        raise ValueError("batch size must be at least 1 (or None for full batch)")
    if config.dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}")


def train(config: Config, epochs: int) -> Trainer:
    """Convenience: a trainer for ``config`` stepped ``epochs`` epochs."""
    t = Trainer(config)
    t.step(epochs)
    return t


__all__: Sequence[str] = ["Config", "Data", "Trainer", "make_data", "train", "history_columns"]
