"""Exports: the weights JSON round trip and its strict reader, and the standalone NumPy script,
run in a fresh interpreter and held to the trainer's history and weights."""

from __future__ import annotations

import ast
import csv
import json
import os
import runpy
import subprocess
import sys

import numpy as np
import pytest

from playground import engine, export
from playground.state import DEFAULT
from playground.trainer import Trainer, make_data

EPOCHS = 200
RTOL = 1e-9  # the workspace's [Wk | Bk] products round a few last bits differently
TEST_RTOL = 2e-6  # the trainer measures the test set in float32 (engine.Evaluator)

CONFIGS = {
    "tanh-tanh": DEFAULT,
    "relu-sigmoid-leaky": DEFAULT.replace(
        dataset="moons",
        hidden=(6, 5, 4),
        activations=("relu", "sigmoid", "leaky_relu"),
        alpha=0.5,
        seed=3,
    ),
    "linear-l2": DEFAULT.replace(
        dataset="gauss",
        noise=0.2,
        hidden=(5,),
        activations=("linear",),
        features=("x1", "x2", "x1*x2"),
        l2=0.1,
        alpha=0.03,
    ),
    "tanh-l1-l2-decay": DEFAULT.replace(l1=0.03, l2=0.01, hidden=(5, 3), decay=0.01),
    "no-hidden-layer": DEFAULT.replace(dataset="gauss", hidden=(), activations=(), alpha=1.0),
    # Every Z is exactly 0 at the start: the accuracy's tie rule (z > 0 is class 1) counts.
    "zeros-sigmoid": DEFAULT.replace(
        dataset="moons", activations=("sigmoid", "sigmoid"), init="zeros", alpha=3.0
    ),
    # K classes: a softmax output of K units, its cost and the argmax accuracy (issue 16).
    "spiral-3-tanh": DEFAULT.replace(dataset="spiral", classes=3, hidden=(8, 8)),
    "blobs-5-relu-l1-l2-decay": DEFAULT.replace(
        dataset="blobs",
        classes=5,
        noise=0.3,
        hidden=(6,),
        activations=("relu",),
        l2=0.01,
        l1=0.003,
        decay=0.01,
    ),
    "pinwheel-4-no-hidden-layer": DEFAULT.replace(
        dataset="pinwheel", classes=4, hidden=(), activations=(), alpha=3.0
    ),
    # Every column of Z3 is tied at the start: argmax's first class is the prediction.
    "zeros-softmax-6": DEFAULT.replace(
        dataset="blobs", classes=6, activations=("sigmoid", "sigmoid"), init="zeros", alpha=3.0
    ),
}


def trained(config, epochs=EPOCHS):
    t = Trainer(config)
    t.step(epochs)
    return t


def run_script(source: str, tmp_path, *args: str) -> subprocess.CompletedProcess:
    """Run the exported script in a fresh interpreter, away from the project."""
    path = tmp_path / "backprop_run.py"
    path.write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, str(path), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def read_history(path) -> dict[str, np.ndarray]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "train_cost", "test_cost", "train_acc", "test_acc"]
    cols = np.array(rows[1:], dtype=np.float64).T
    return dict(zip(rows[0], cols, strict=True))


# -- the standalone script ----------------------------------------------------------------------


@pytest.mark.parametrize("name", CONFIGS)
def test_script_reproduces_the_trainer(name, tmp_path):
    config = CONFIGS[name]
    source = export.numpy_script(config, EPOCHS)
    proc = run_script(source, tmp_path, "history.csv", "weights.json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == ""

    t = trained(config)
    ours = read_history(tmp_path / "history.csv")
    theirs = t.history
    np.testing.assert_array_equal(ours["epoch"], np.arange(EPOCHS + 1))
    np.testing.assert_array_equal(theirs["epoch"], np.arange(EPOCHS + 1))
    for col in ("train_cost", "test_cost", "train_acc", "test_acc"):
        rtol = TEST_RTOL if col == "test_cost" else RTOL
        np.testing.assert_allclose(
            ours[col], theirs[col].to_numpy(), rtol=rtol, atol=0, err_msg=col
        )
    assert ours["train_cost"][-1] < ours["train_cost"][0]  # it did train

    text = (tmp_path / "weights.json").read_text(encoding="utf-8")
    weights = export.load_weights_json(text)  # the script writes the playground's format
    assert json.loads(text)["epoch"] == EPOCHS
    assert list(weights) == list(t.params)
    for key, P in t.params.items():
        np.testing.assert_allclose(weights[key], P, rtol=0, atol=1e-9, err_msg=key)


def test_script_prints_the_history_without_arguments(tmp_path):
    config = DEFAULT.replace(n_samples=60)
    proc = run_script(export.numpy_script(config, 5), tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "epoch,train_cost,test_cost,train_acc,test_acc"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1", "2", "3", "4", "5"]
    assert not list(tmp_path.glob("*.json"))


def test_script_stops_where_the_trainer_diverges(tmp_path):
    config = DEFAULT.replace(hidden=(4,), activations=("linear",), alpha=100.0)
    proc = run_script(export.numpy_script(config, 150), tmp_path, "-", "weights.json")
    assert proc.returncode == 0
    t = trained(config, 150)
    assert t.diverged and t.epoch == 79
    assert "diverged at epoch 80" in proc.stderr
    lines = proc.stdout.splitlines()[1:]
    epochs = [int(line.split(",")[0]) for line in lines]
    assert epochs == list(range(80))  # the same last finite epoch as the trainer
    costs = np.array([float(line.split(",")[1]) for line in lines])
    np.testing.assert_allclose(costs, t.history["train_cost"].to_numpy(), rtol=RTOL)
    weights = export.load_weights_json((tmp_path / "weights.json").read_text(encoding="utf-8"))
    for key, P in t.params.items():
        np.testing.assert_allclose(weights[key], P, rtol=RTOL, err_msg=key)


def test_script_embeds_data_and_initial_weights_bit_for_bit(tmp_path):
    config = CONFIGS["linear-l2"]
    path = tmp_path / "run.py"
    path.write_text(export.numpy_script(config, 7), encoding="utf-8")
    g = runpy.run_path(str(path), run_name="exported")  # defines everything, trains nothing
    data = make_data(config)
    for name in ("X_train", "Y_train", "X_test", "Y_test"):
        np.testing.assert_array_equal(np.array(g[name]), getattr(data, name), err_msg=name)
    initial = engine.init_params((3, 5, 1), config.seed, config.init)
    assert list(g["INITIAL"]) == list(initial)
    for key, P in initial.items():
        np.testing.assert_array_equal(np.array(g["INITIAL"][key]), P, err_msg=key)
    assert (g["EPOCHS"], g["ALPHA"], g["L2"]) == (7, 0.03, 0.1)
    assert g["ACTIVATIONS"] == ["linear"] and g["LAYER_SIZES"] == [3, 5, 1]
    assert g["FEATURES"] == ["x1", "x2", "x1*x2"]


def test_script_activations_compute_the_engines_values(tmp_path):
    path = tmp_path / "run.py"
    path.write_text(export.numpy_script(DEFAULT.replace(n_samples=50), 0), encoding="utf-8")
    g = runpy.run_path(str(path), run_name="exported")
    Z = np.random.default_rng(0).normal(0.0, 4.0, (5, 300))
    Z[0, :4] = [0.0, -0.0, 30.0, -30.0]
    with np.errstate(over="ignore"):
        for name, act in engine.ACTIVATIONS.items():
            A = act.f(Z)
            np.testing.assert_array_equal(g["F"][name](Z), A, err_msg=name)
            np.testing.assert_array_equal(
                g["DF_FROM_A"][name](A), act.df_from_a(A.copy()), err_msg=name
            )


def test_script_imports_only_numpy_json_and_sys():
    source = export.numpy_script(CONFIGS["relu-sigmoid-leaky"], 3)
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported == {"json", "sys", "numpy"}
    assert "import playground" not in source and "from playground" not in source
    # The notes' names are there, written plainly.
    for text in (
        "Complete Back Propagation",
        "dZ4 = A4 - Y",
        "dW1 = 1/m dZ1 @ A0.T",
        "W4 = W4 - alpha * dW4",
    ):
        assert text in source


def test_script_from_a_trainer_uses_its_data_and_current_alpha(tmp_path):
    config = DEFAULT.replace(n_samples=60)
    data = make_data(config)
    data = type(data)(**{**data.__dict__, "X_train": data.X_train * np.pi})
    t = Trainer(config, data=data)
    t.step(3)
    t.alpha = 1.25
    path = tmp_path / "run.py"
    path.write_text(export.numpy_script(t, 10), encoding="utf-8")
    g = runpy.run_path(str(path), run_name="exported")
    np.testing.assert_array_equal(np.array(g["X_train"]), data.X_train)
    assert g["ALPHA"] == 1.25
    # It starts from the run's initial weights, not from where the trainer is now.
    np.testing.assert_array_equal(np.array(g["INITIAL"]["W1"]), t.snapshot(0)["W1"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"config": DEFAULT.replace(batch_size=10)}, "export supports full batch"),
        ({"config": DEFAULT.replace(batch_size=1)}, "export supports full batch"),
        ({"config": DEFAULT, "epochs": -1}, "epochs"),
        ({"config": DEFAULT, "epochs": 2.5}, "epochs"),
    ],
)
def test_script_refuses(kwargs, message):
    with pytest.raises(ValueError, match=message):
        export.numpy_script(kwargs["config"], kwargs.get("epochs", 10))


def test_script_allows_a_batch_as_large_as_the_data():
    config = DEFAULT.replace(n_samples=100, batch_size=100)  # 50 training points: full batch
    assert "EPOCHS = 4" in export.numpy_script(config, 4)


# -- K classes -----------------------------------------------------------------------------------


def test_k_class_configs_are_softmax_runs():  # what the parametrised run above relies on
    for name, K in (("spiral-3-tanh", 3), ("blobs-5-relu-l1-l2-decay", 5), ("zeros-softmax-6", 6)):
        t = Trainer(CONFIGS[name])
        assert t.output == "softmax" and t.layer_sizes[-1] == K and t.data.Y_train.shape[0] == K
    first = Trainer(CONFIGS["zeros-softmax-6"]).history.iloc[0]
    assert first["train_acc"] == pytest.approx(1 / 6, abs=0.02)  # ties: class 0 everywhere


def test_two_class_scripts_show_no_softmax():
    source = export.numpy_script(DEFAULT, 3)
    assert (
        "softmax" not in source.replace('"output": "sigmoid"', "") and "CLASS_NAMES" not in source
    )
    assert "Y is (1, m)." in source and "# (1, m): labels 0 and 1" in source
    assert "A3 = sigmoid\n" in source and "return np.mean((ZL > 0.0) == (Y > 0.5))" in source


def test_k_class_script_embeds_one_hot_labels_names_and_shapes(tmp_path):
    config = CONFIGS["spiral-3-tanh"]
    source = export.numpy_script(config, 4)
    path = tmp_path / "run.py"
    path.write_text(source, encoding="utf-8")
    g = runpy.run_path(str(path), run_name="exported")
    data = make_data(config)
    for name in ("X_train", "Y_train", "X_test", "Y_test"):
        np.testing.assert_array_equal(np.array(g[name]), getattr(data, name), err_msg=name)
    assert np.array(g["Y_train"]).shape == (3, 200)
    assert g["LAYER_SIZES"] == [2, 8, 8, 3] and g["CLASS_NAMES"] == ["0", "1", "2"]
    for text in (
        "Y is (K, m) one-hot (K = 3 classes)",
        "Z3 = W3 @ A2 + B3      A3 = softmax(Z3)  (K = 3 classes: each column sums to 1)",
        "Cost:  J = -1/m sum(Y * log A3)",
        "dZ3 = A3 - Y      (the softmax with its cost gives the sigmoid's line)",
        "# (K, m): one-hot, a 1 in the row of each point's class",
        "f = softmax if k == L else F[ACTIVATIONS[k - 1]]",
        "softmax output over 3 classes",
    ):
        assert text in source, text


def test_k_class_script_functions_compute_the_engines_values(tmp_path):
    path = tmp_path / "run.py"
    path.write_text(export.numpy_script(CONFIGS["spiral-3-tanh"], 0), encoding="utf-8")
    g = runpy.run_path(str(path), run_name="exported")
    rng = np.random.default_rng(1)
    Z = rng.normal(0.0, 5.0, (4, 500))
    Z[:, 0] = [1e300, -1e300, 0.0, 5.0]  # far apart: still a finite loss
    Z[:, 1] = [2.0, 2.0, 2.0, -1.0]  # a tie for the largest: argmax's first class
    Z[:, 2] = [40.0, 0.0, 0.0, 0.0]  # a sure, right answer: a tiny loss
    Z[:, 3] = 0.0  # every class tied
    labels = rng.integers(0, 4, 500)
    labels[:4] = [1, 2, 0, 3]
    Y = np.eye(4)[:, labels]
    with np.errstate(over="ignore"):
        A = engine.predict_proba({"W1": np.eye(4), "B1": np.zeros((4, 1))}, Z, (), "softmax")
        np.testing.assert_allclose(g["softmax"](Z), A, rtol=1e-15, atol=0)
        want = engine.cost({"Z1": Z}, Y, output="softmax")
        assert np.isfinite(want) and want > 1e299 / 500
        assert g["cost"](Z, Y) == pytest.approx(want, rel=1e-14)
        small = Z[:, 2:3]
        tiny = engine.cost({"Z1": small}, Y[:, 2:3], output="softmax")
        assert 0 < tiny < 1e-16 and g["cost"](small, Y[:, 2:3]) == pytest.approx(tiny, rel=1e-12)
    Z32, Y32 = Z[:, 4:].astype(np.float32), Y[:, 4:].astype(np.float32)
    assert g["cost"](Z32, Y32).dtype == np.float32  # a float32 run's cost stays float32
    assert g["cost"](Z32, Y32) == pytest.approx(g["cost"](Z[:, 4:], Y[:, 4:]), rel=1e-6)
    assert g["accuracy"](Z, Y) == engine.accuracy(A, Y, output="softmax")
    assert g["accuracy"](Z[:, 1:2], np.eye(4)[:, [0]]) == 1.0  # the first of the tie


def test_k_class_script_stops_where_the_trainer_diverges(tmp_path):
    config = DEFAULT.replace(
        dataset="blobs", classes=3, hidden=(4,), activations=("linear",), alpha=100.0
    )
    proc = run_script(export.numpy_script(config, 300), tmp_path, "-", "weights.json")
    assert proc.returncode == 0
    t = trained(config, 300)
    assert t.diverged and 0 < t.epoch < 300
    assert f"diverged at epoch {t.epoch + 1}" in proc.stderr
    lines = proc.stdout.splitlines()[1:]
    assert [int(line.split(",")[0]) for line in lines] == list(range(t.epoch + 1))
    costs = np.array([float(line.split(",")[1]) for line in lines])
    np.testing.assert_allclose(costs, t.history["train_cost"].to_numpy(), rtol=RTOL)
    weights = export.load_weights_json((tmp_path / "weights.json").read_text(encoding="utf-8"))
    for key, P in t.params.items():
        np.testing.assert_allclose(weights[key], P, rtol=RTOL, err_msg=key)


def test_k_class_script_of_a_csv_with_word_labels(tmp_path):
    from playground import datasets
    from playground.trainer import Config, csv_data

    rng = np.random.default_rng(5)
    rows = ["width,height,fruit"]
    for name, (cx, cy) in (("pear", (2, 0)), ("apple", (-2, 1)), ("fig", (0, -2))):
        rows += [f"{cx + rng.normal():.4f},{cy + rng.normal():.4f},{name}" for _ in range(30)]
    csv = datasets.load_csv("\n".join(rows).encode(), multiclass=True)
    config = Config(hidden=(5,), activations=("tanh",))
    t = Trainer(config, data=csv_data(csv, 0.5, 0))
    assert t.data.class_names == ("apple", "fig", "pear") and t.output == "softmax"
    t.step(60)
    source = export.numpy_script(t, 60)
    assert "CLASS_NAMES = ['apple', 'fig', 'pear']" in source
    proc = run_script(source, tmp_path, "history.csv", "weights.json")
    assert proc.returncode == 0, proc.stderr
    ours = read_history(tmp_path / "history.csv")
    np.testing.assert_allclose(ours["train_cost"], t.history["train_cost"], rtol=RTOL)
    np.testing.assert_allclose(ours["test_acc"], t.history["test_acc"], rtol=RTOL)
    doc = json.loads((tmp_path / "weights.json").read_text(encoding="utf-8"))
    assert doc["output"] == "softmax" and doc["class_names"] == ["apple", "fig", "pear"]
    assert doc["layer_sizes"] == [2, 5, 3]
    export.load_weights_json(json.dumps(doc))  # what it writes reads back


# -- the weights JSON ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trainer():
    return trained(CONFIGS["relu-sigmoid-leaky"], 20)


def test_weights_json_round_trip(trainer):
    text = export.weights_json(trainer)
    doc = json.loads(text)
    assert doc["format"] == export.FORMAT and doc["epoch"] == 20
    assert doc["params"] == {k: P.tolist() for k, P in trainer.params.items()}
    back = export.load_weights_json(text)
    assert list(back) == list(trainer.params)
    for key, P in trainer.params.items():
        np.testing.assert_array_equal(back[key], P)  # exact: JSON floats round-trip
        assert back[key].dtype == np.float64
    assert doc["output"] == "sigmoid" and doc["class_names"] == ["0", "1"]
    bare = export.load_weights_json(json.dumps(doc["params"]))  # just the params object
    assert all(np.array_equal(bare[k], back[k]) for k in back)
    assert export.load_weights_json(text.encode("utf-8")).keys() == back.keys()


def test_k_class_weights_json_round_trip():
    t = trained(CONFIGS["blobs-5-relu-l1-l2-decay"], 10)
    text = export.weights_json(t)
    doc = json.loads(text)
    assert doc["output"] == "softmax" and doc["class_names"] == ["0", "1", "2", "3", "4"]
    assert doc["layer_sizes"] == [2, 6, 5] and doc["config"]["classes"] == 5
    back = export.load_weights_json(text)
    assert back["W2"].shape == (5, 6) and back["B2"].shape == (5, 1)
    for key, P in t.params.items():
        np.testing.assert_array_equal(back[key], P)


@pytest.mark.parametrize("K", [3, 4, 6])
def test_load_weights_json_accepts_a_softmax_of_k_units(K):
    params = {k: P.tolist() for k, P in engine.init_params((2, 4, K), seed=0).items()}
    names = [f"class {c}" for c in range(K)]
    doc = {"layer_sizes": [2, 4, K], "output": "softmax", "class_names": names, "params": params}
    out = export.load_weights_json(json.dumps(doc))
    assert out["W2"].shape == (K, 4)


def _params(sizes=(2, 3, 1)) -> dict:
    return {
        name: P.tolist() for name, P in engine.init_params(sizes, seed=1, method="xavier").items()
    }


def _doc(**changes) -> dict:
    doc = {"format": export.FORMAT, "version": 1, "epoch": 3, "alpha": 0.3}
    doc["layer_sizes"], doc["features"], doc["params"] = [2, 3, 1], ["x1", "x2"], _params()
    doc.update(changes)
    return doc


def _with(**params) -> str:
    p = _params()
    for key, value in params.items():
        if value is None:
            del p[key]
        else:
            p[key] = value
    return json.dumps({"params": p})


BAD = {
    "empty": ("", "not valid JSON"),
    "not JSON": ("weights, please", "not valid JSON"),
    "truncated": (json.dumps(_doc())[:-10], "not valid JSON"),
    "a list": ("[1, 2, 3]", "JSON object"),
    "a number": ("42", "JSON object"),
    "NaN": (json.dumps(_doc()).replace("0.0", "NaN", 1), "NaN"),
    "Infinity": (_with(B1=[[0.0], [-1e999], [0.0]]).replace("-Infinity", "-Infinity"), "Infinity"),
    "1e999": (_with(B1=[[0.0], [0.0], [0.0]]).replace("[0.0]", "[1e999]", 1), "too large"),
    "huge int": (_with(B2=[[10**400]]), "too large"),
    "string entry": (_with(W2=[["1", 2.0, 3.0]]), "other than numbers"),
    "bool entry": (_with(W2=[[True, 2.0, 3.0]]), "other than numbers"),
    "null entry": (_with(W2=[[None, 2.0, 3.0]]), "other than numbers"),
    "nested deeper": (_with(W2=[[[1.0], 2.0, 3.0]]), "other than numbers"),
    "matrix is a number": (_with(W1=1.0), "list of rows"),
    "row is a number": (_with(W1=[1.0, 2.0, 3.0]), "row 1"),
    "empty matrix": (_with(W1=[]), "non-empty"),
    "ragged rows": (_with(W1=[[1.0, 2.0], [1.0], [1.0, 2.0]]), "different lengths"),
    "missing B2": (_with(B2=None), "missing B2"),
    "missing W1": (_with(W1=None), "missing W1"),
    "no params": ("{}", "no weights"),
    "unknown key": (_with(W3x=[[1.0]]), "unexpected key"),
    "zero layer": (_with(W0=[[1.0]]), "unexpected key"),
    "W8": (_with(W8=[[1.0]], B8=[[0.0]]), "unexpected key"),
    "unknown document key": (json.dumps(_doc(password="x")), "unexpected keys"),
    "params not an object": (json.dumps(_doc(params=[1, 2])), '"params" must be an object'),
    "other format": (json.dumps(_doc(format="pickle")), "format"),
    "other version": (json.dumps(_doc(version=2)), "version"),
    "columns do not chain": (_with(W2=[[1.0, 2.0]]), "W2 has 2 columns but layer 1 has 3 units"),
    "bias shape": (_with(B1=[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]), r"B1 must be \(3, 1\)"),
    "bias rows": (_with(B1=[[0.0], [0.0]]), r"B1 must be \(3, 1\)"),
    "two outputs": (_with(W2=[[1.0] * 3] * 2, B2=[[0.0]] * 2), "one unit .* or 3 to 6"),
    "seven outputs": (_with(W2=[[1.0] * 3] * 7, B2=[[0.0]] * 7), "has 7 rows"),
    "output not the units'": (json.dumps(_doc(output="softmax")), "1 output unit is a sigmoid"),
    "softmax called sigmoid": (
        json.dumps(
            _doc(
                output="sigmoid",
                layer_sizes=[2, 3, 3],
                params={**_params(), "W2": [[1.0] * 3] * 3, "B2": [[0.0]] * 3},
            )
        ),
        "3 output units are a softmax",
    ),
    "class names count": (json.dumps(_doc(class_names=["a", "b", "c"])), "3 class names for 2"),
    "class names not text": (json.dumps(_doc(class_names=[0, 1])), "list of names"),
    "class names twice": (json.dumps(_doc(class_names=["a", "a"])), "must differ"),
    "33 units": (_with(W1=[[1.0, 1.0]] * 33), "at most 32"),
    "33 inputs": (_with(W1=[[1.0] * 33] * 3), "at most 32"),
    "layer sizes disagree": (json.dumps(_doc(layer_sizes=[2, 4, 1])), "layer_sizes"),
    "negative epoch": (json.dumps(_doc(epoch=-1)), "epoch"),
    "alpha a string": (json.dumps(_doc(alpha="fast")), "alpha"),
    "features count": (json.dumps(_doc(features=["x1"])), "feature names"),
    "too long": (" " * (export.MAX_JSON_CHARS + 1) + "{}", "too large"),
    "deeply nested": ("[" * 100_000 + "]" * 100_000, "nested too deeply|JSON object"),
    "not UTF-8": (b"\xff\xfe{}", "UTF-8"),
}


@pytest.mark.parametrize("case", BAD)
def test_load_weights_json_rejects(case):
    text, message = BAD[case]
    with pytest.raises(ValueError, match=message):
        export.load_weights_json(text)


def test_load_weights_json_rejects_non_text():
    with pytest.raises(ValueError, match="expected JSON text"):
        export.load_weights_json({"W1": [[1.0]]})


def test_load_weights_json_accepts_the_largest_network():
    sizes = (32, *([32] * 6), 1)
    params = {k: P.tolist() for k, P in engine.init_params(sizes, seed=0).items()}
    out = export.load_weights_json(json.dumps({"params": params}, indent=1))
    assert len(out) == 14 and out["W7"].shape == (1, 32) and out["W1"].shape == (32, 32)


def test_load_weights_json_of_a_network_without_hidden_layers():
    params = export.load_weights_json(json.dumps({"W1": [[1.0, 2.0]], "B1": [[0.5]]}))
    assert sorted(params) == ["B1", "W1"] and params["W1"].shape == (1, 2)
    assert params["B1"][0, 0] == 0.5
