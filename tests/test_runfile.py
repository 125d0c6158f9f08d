"""Saving a run and continuing it: bit for bit the uninterrupted run; bad files refused."""

import io
import json

import numpy as np
import pandas as pd
import pytest

from playground import runfile
from playground.trainer import Config, Trainer

CONFIGS = [
    Config(),
    Config(dataset="xor", hidden=(5, 3, 2), activations=("relu", "tanh", "sigmoid"), alpha=0.1),
    Config(batch_size=10, l2=0.01, alpha=0.05),  # mini-batch: the shuffling state matters too
    Config(hidden=(), activations=(), l1=0.01, decay=0.01),  # and the decay counts from 0
]


@pytest.mark.parametrize("config", CONFIGS, ids=["default", "deep", "minibatch", "no-hidden"])
def test_save_load_continue_matches_uninterrupted_run(config):
    straight = Trainer(config)
    straight.step(120)
    first = Trainer(config)
    first.step(70)
    resumed = runfile.load(runfile.save(first))
    assert resumed.epoch == 70
    resumed.step(50)
    pd.testing.assert_frame_equal(resumed.history, straight.history, check_exact=True)
    for name, value in straight.params.items():
        np.testing.assert_array_equal(resumed.params[name], value)
    assert resumed.snapshot_epochs.tolist() == straight.snapshot_epochs.tolist()
    np.testing.assert_array_equal(resumed.snapshot(30)["W1"], straight.snapshot(30)["W1"])


def test_alpha_changed_mid_run_is_kept():
    t = Trainer(Config())
    t.step(10)
    t.alpha = 0.05
    assert runfile.load(runfile.save(t)).alpha == 0.05


def test_diverged_run_stays_diverged():
    t = Trainer(Config(activations=("linear", "linear"), alpha=10.0))
    t.step(100)
    assert t.diverged
    back = runfile.load(runfile.save(t))
    assert back.diverged and back.epoch == t.epoch and back.step(5) == 0


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _tampered(change) -> bytes:
    t = Trainer(Config())
    t.step(5)
    with np.load(io.BytesIO(runfile.save(t)), allow_pickle=False) as npz:
        files = {k: npz[k] for k in npz.files}
    header = json.loads(files["header"].tobytes())
    change(header, files)
    files["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    return _npz(**files)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a zip at all",
        b"PK\x03\x04" + b"\x00" * 100,
        _npz(header=np.frombuffer(b'{"format": "other"}', np.uint8)),
        _npz(header=np.array([1.0, 2.0])),
        _npz(x=np.ones(3)),
        b"\x93NUMPY",
    ],
    ids=["empty", "text", "bad-zip", "other-format", "header-not-json", "no-header", "npy"],
)
def test_junk_is_refused(content):
    with pytest.raises(runfile.RunFileError):
        runfile.load(content)


def test_pickled_arrays_are_never_loaded():
    buf = io.BytesIO()
    np.savez(buf, header=np.array([{"format": runfile.FORMAT}], dtype=object))
    with pytest.raises(runfile.RunFileError):
        runfile.load(buf.getvalue())


@pytest.mark.parametrize(
    "change",
    [
        lambda h, f: f.update(theta=f["theta"][:-1]),
        lambda h, f: f.update(theta=np.full_like(f["theta"], np.nan)),
        lambda h, f: f.update(X_train=f["X_train"].astype(np.float32)),
        lambda h, f: h["config"].update(hidden=[4, 4, 4]),
        lambda h, f: h["config"].update(activations=["evil", "tanh"]),
        lambda h, f: h["hist"].update(n=10**9),
        lambda h, f: f.update(hist_epochs=f["hist_epochs"][::-1].copy()),
        lambda h, f: h.update(version=99),
    ],
    ids=["theta-size", "theta-nan", "dtype", "hidden", "activation", "hist-n", "order", "ver"],
)
def test_damaged_files_are_refused(change):
    with pytest.raises(runfile.RunFileError):
        runfile.load(_tampered(change))


def test_size_limit():
    with pytest.raises(runfile.RunFileError, match="at most"):
        runfile.load(b"\x00" * (runfile.MAX_BYTES + 1))
