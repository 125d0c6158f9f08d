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
    # K classes: a softmax output of K units on one-hot labels (issue 16)
    Config(dataset="spiral", classes=3, hidden=(8, 8), alpha=1.0),
    Config(
        dataset="blobs",
        classes=6,
        batch_size=30,
        l2=0.01,
        noise=0.2,
        hidden=(5,),
        activations=("relu",),
    ),  # fmt: skip
]
IDS = ["default", "deep", "minibatch", "no-hidden", "spiral-3", "blobs-6-minibatch"]


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_save_load_continue_matches_uninterrupted_run(config):
    straight = Trainer(config)
    straight.step(120)
    first = Trainer(config)
    first.step(70)
    resumed = runfile.load(runfile.save(first))
    assert resumed.epoch == 70
    assert resumed.output == first.output and resumed.data.classes == first.data.classes
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


# -- K classes and files from before them ----------------------------------------------------------


def _with_header(content: bytes, change) -> bytes:
    with np.load(io.BytesIO(content), allow_pickle=False) as npz:
        files = {k: npz[k] for k in npz.files}
    header = json.loads(files["header"].tobytes())
    change(header, files)
    files["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    return _npz(**files)


def test_a_k_class_run_keeps_its_classes_and_their_names():
    from playground import datasets
    from playground.trainer import csv_data

    rng = np.random.default_rng(2)
    rows = ["a,b,animal"]
    for name, (cx, cy) in (("owl", (2, 0)), ("cat", (-2, 1)), ("eel", (0, -2)), ("ant", (2, 2))):
        rows += [f"{cx + rng.normal():.3f},{cy + rng.normal():.3f},{name}" for _ in range(20)]
    csv = datasets.load_csv("\n".join(rows).encode(), multiclass=True)
    config = Config(hidden=(6,), activations=("tanh",), alpha=0.5)
    straight = Trainer(config, data=csv_data(csv, 0.5, 0))
    straight.step(90)
    first = Trainer(config, data=csv_data(csv, 0.5, 0))
    first.step(40)
    back = runfile.load(runfile.save(first))
    assert back.data.class_names == ("ant", "cat", "eel", "owl") and back.data.classes == 4
    assert back.output == "softmax" and back.data.source == "csv"
    np.testing.assert_array_equal(back.data.labels_train, first.data.labels_train)
    back.step(50)
    pd.testing.assert_frame_equal(back.history, straight.history, check_exact=True)
    assert back.ws.theta.tobytes() == straight.ws.theta.tobytes()


def test_files_saved_before_k_classes_still_load():
    """A version-1 file of before issue 16: no class_names in its header, no classes in its
    config. It loads as the two-class run it is and continues bit for bit."""
    config = Config(dataset="moons", hidden=(5,), activations=("tanh",))
    straight = Trainer(config)
    straight.step(60)
    first = Trainer(config)
    first.step(25)

    def old(header, files):
        del header["class_names"]
        del header["config"]["classes"]

    back = runfile.load(_with_header(runfile.save(first), old))
    assert back.config == config and back.data.class_names == ("0", "1")
    assert back.output == "sigmoid"
    back.step(35)
    pd.testing.assert_frame_equal(back.history, straight.history, check_exact=True)


@pytest.mark.parametrize(
    "change",
    [
        lambda h, f: h.update(class_names=["0", "1", "2"]),  # three names for two classes
        lambda h, f: h.update(class_names="01"),
        lambda h, f: h.update(class_names=[0, 1]),
        lambda h, f: h.update(class_names=["x", "x"]),
        lambda h, f: h.update(class_names=["x" * 41, "y"]),
        lambda h, f: h["config"].update(classes=9),
        lambda h, f: h["config"].update(classes="3"),
        lambda h, f: f.update(Y_train=np.vstack([f["Y_train"], 1 - f["Y_train"]])),  # 2 rows
        lambda h, f: f.update(Y_train=np.full((3, f["Y_train"].shape[1]), 1.0)),  # not one-hot
    ],
    ids=[
        "names-count",
        "names-str",
        "names-int",
        "names-twice",
        "names-long",
        "classes-9",
        "classes-str",
        "two-rows",
        "not-one-hot",
    ],  # fmt: skip
)
def test_damaged_class_information_is_refused(change):
    t = Trainer(Config())
    t.step(3)
    with pytest.raises(runfile.RunFileError):
        runfile.load(_with_header(runfile.save(t), change))
