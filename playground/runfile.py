"""Save a run to a file and load it back to continue exactly where it stopped.

A run file is an ``.npz`` archive (read with ``allow_pickle=False``, so loading it can never run
code) holding the data, the parameters, the history, the replay snapshots and a small JSON
header with the config, the epoch, ``alpha`` and the mini-batch random state. Loading it and
training on gives, bit for bit, what the uninterrupted run would have given.

A run of ``K >= 3`` classes (issue 16) keeps its one-hot labels ``(K, m)``, its number of classes
(in the config) and its classes' names (``class_names``: a CSV's words). Files saved before
there were K classes have neither and load as the two-class runs they are.
"""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np

from playground import datasets
from playground.trainer import Config, Data, Trainer

FORMAT = "backprop-playground/run"
VERSION = 1
MAX_BYTES = 16 * 2**20  # a run file larger than this is refused
_ARRAYS = ("X_train", "Y_train", "X_test", "Y_test", "P_train", "P_test")


class RunFileError(ValueError):
    """A file that is not a run saved by this playground, or is damaged."""


def save(t: Trainer) -> bytes:
    """The run as ``.npz`` bytes."""
    header = {
        "format": FORMAT,
        "version": VERSION,
        "config": dataclasses.asdict(t.config),
        "epoch": t.epoch,
        "alpha": t.alpha,
        "diverged": t.diverged,
        "message": t.message,
        "feature_names": list(t.data.feature_names),
        "source": t.data.source,
        "class_names": list(t.data.class_names),
        "rng": t._rng.bit_generator.state,
        "hist": {"n": t._hist.n, "stride": t._hist.stride},
        "snaps": {"n": t._snaps.n, "stride": t._snaps.stride},
    }
    arrays = {name: getattr(t.data, name) for name in _ARRAYS}
    arrays["theta"] = t.ws.theta
    arrays["last"] = t._last
    arrays["hist_rows"] = t._hist.rows[: t._hist.n]
    arrays["hist_epochs"] = t._hist.epochs[: t._hist.n]
    arrays["snap_rows"] = t._snaps.rows[: t._snaps.n]
    arrays["snap_epochs"] = t._snaps.epochs[: t._snaps.n]
    buf = io.BytesIO()
    np.savez_compressed(buf, header=np.frombuffer(json.dumps(header).encode(), np.uint8), **arrays)
    return buf.getvalue()


def load(content: bytes) -> Trainer:
    """A trainer restored from ``save``'s bytes; raises RunFileError for anything else."""
    if len(content) > MAX_BYTES:
        raise RunFileError(f"A run file can be at most {MAX_BYTES // 2**20} MB.")
    not_a_run = RunFileError("This is not a run file saved by Backprop Playground.")
    try:
        loaded = np.load(io.BytesIO(content), allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):  # a bare .npy array
            raise not_a_run
        with loaded as npz:
            files = {name: npz[name] for name in npz.files}
    except RunFileError:
        raise
    except Exception as err:  # any damage inside the archive (zip, zlib, npy headers)
        raise not_a_run from err
    try:
        header = json.loads(files.pop("header").tobytes().decode())
        if header.get("format") != FORMAT or header.get("version") != VERSION:
            raise RunFileError("This file is not a Backprop Playground run (version 1).")
        return _restore(header, files)
    except RunFileError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as err:
        raise RunFileError(f"The run file is damaged ({type(err).__name__}).") from err


def _restore(header: dict, files: dict[str, np.ndarray]) -> Trainer:
    raw = dict(header["config"])
    raw["features"] = tuple(raw["features"])
    raw["hidden"] = tuple(int(n) for n in raw["hidden"])
    raw["activations"] = tuple(raw["activations"])
    config = Config(**raw)
    arrays = {}
    for name in _ARRAYS:
        a = files[name]
        if a.dtype != np.float64 or a.ndim != 2 or not np.isfinite(a).all():
            raise RunFileError(f"The run file's {name} is not a finite float64 matrix.")
        arrays[name] = a
    names = header.get("class_names", [])  # (not in files saved before issue 16)
    if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
        raise RunFileError("The run file's class names are not a list of names.")
    if any(len(n) > datasets.MAX_NAME for n in names) or len(set(names)) != len(names):
        raise RunFileError("The run file's class names are too long or repeated.")
    data = Data(
        **arrays,
        feature_names=tuple(header["feature_names"]),
        source=str(header["source"]),
        class_names=tuple(names),
    )
    t = Trainer(config, data=data)  # validates the config against the data's shapes
    theta = files["theta"]
    if theta.shape != t.ws.theta.shape or not np.isfinite(theta).all():
        raise RunFileError("The run file's parameters do not fit its network.")
    hist_rows, snap_rows = files["hist_rows"], files["snap_rows"]
    if hist_rows.ndim != 2 or hist_rows.shape[1] != len(t.columns):
        raise RunFileError("The run file's history does not fit its network.")
    if snap_rows.ndim != 2 or snap_rows.shape[1] != t.ws.theta.size:
        raise RunFileError("The run file's snapshots do not fit its network.")
    np.copyto(t.ws.theta, theta)
    t.epoch = int(header["epoch"])
    t.alpha = float(header["alpha"])
    t.diverged = bool(header["diverged"])
    t.message = str(header["message"])
    t._rng.bit_generator.state = header["rng"]
    _fill(t._hist, hist_rows, files["hist_epochs"], header["hist"])
    _fill(t._snaps, snap_rows, files["snap_epochs"], header["snaps"])
    np.copyto(t._last, files["last"])
    with np.errstate(all="ignore"):
        t.ws.forward()
        t._measure_now()
    t._row[[2, 4]] = t._last[[2, 4]]
    np.copyto(t._measured_theta, t.ws.theta)
    t._measured_test = t._last[[2, 4]].copy()
    return t


def _fill(table, rows: np.ndarray, epochs: np.ndarray, meta: dict) -> None:
    n = int(meta["n"])
    if n != len(rows) or n != len(epochs) or n > table.capacity:
        raise RunFileError("The run file's history is inconsistent or longer than kept here.")
    if n and (np.diff(epochs) <= 0).any():
        raise RunFileError("The run file's epochs are out of order.")
    if n > len(table.rows):
        table.rows = np.resize(table.rows, (n, table.rows.shape[1]))
        table.epochs = np.resize(table.epochs, n)
    table.rows[:n] = rows
    table.epochs[:n] = epochs
    table.n, table.stride = n, int(meta["stride"])
