"""Exports of a run as plain data (JSON; never pickle) and as a standalone NumPy script.

* ``weights_json(trainer)``: the current ``W1..WL``, ``B1..BL`` with the run's settings;
  ``load_weights_json(text)`` reads such a file back, refusing anything it does not expect.
* ``numpy_script(trainer_or_config, epochs)``: a runnable Python file that needs only NumPy and
  trains the same network on the same data from the same initial weights, with the notes'
  equations written out plainly. Its history matches the trainer's to about 1e-12 relative:
  the engine's workspace computes ``Wk A(k-1) + Bk`` as one product with ``[Wk | Bk]`` and sums
  the costs in another order, so the last bits may differ; the arithmetic is the same. The test
  cost matches to about 1e-7 relative: the trainer measures the test set in float32.

More than two classes (issue 16): a run of ``K >= 3`` classes has a softmax output of ``K``
units, one-hot labels ``Y`` ``(K, m)`` and the categorical cross-entropy; its weights file says
so (``"output": "softmax"``, ``"class_names"``), and its script writes out the softmax, its cost
and the argmax accuracy. Two classes export as they always did (the files also name their
sigmoid output and the class names ``"0"``, ``"1"``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import re

import numpy as np

from playground import datasets, engine, state
from playground.trainer import Config, Data, Trainer, make_data

FORMAT = "backprop-playground/weights"
VERSION = 1

MAX_JSON_CHARS = 2_000_000  # a 7-layer network of 32-unit layers takes about 0.3 MB
MAX_UNITS = state.MAX_UNITS  # units per layer, the input layer included
MAX_LAYERS = engine.MAX_HIDDEN_LAYERS + 1  # weight layers W1..WL: hidden layers + the output
MAX_CLASSES = datasets.MAX_CLASSES  # a softmax output has 3 to MAX_CLASSES units


def weights_json(trainer: Trainer) -> str:
    """The current ``W1..WL`` and ``B1..BL`` with the config and epoch they belong to, the
    output layer's kind (``"sigmoid"`` or ``"softmax"``) and the names of the classes."""
    return json.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "epoch": trainer.epoch,
            "alpha": trainer.alpha,
            "layer_sizes": list(trainer.layer_sizes),
            "config": dataclasses.asdict(trainer.config),
            "features": list(trainer.data.feature_names),
            "output": trainer.output,
            "class_names": list(trainer.data.class_names),
            "params": {name: P.tolist() for name, P in trainer.params.items()},
        },
        indent=1,
    )


# ---------------------------------------------------------------------------------------------
# Reading weights back
# ---------------------------------------------------------------------------------------------

_DOCUMENT_KEYS = {
    "format", "version", "epoch", "alpha", "layer_sizes", "config", "features", "output",
    "class_names",
}  # fmt: skip
_PARAM_NAME = re.compile(r"([WB])([1-9][0-9]?)")


def _reject_constant(name: str):
    raise ValueError(f"the weights contain {name}; only finite numbers are allowed")


def _parse_int(digits: str) -> int | float:
    """JSON integers: exact up to 18 digits; longer ones as floats (a 400-digit number becomes
    ``inf`` and is refused as too large, instead of tripping Python's int-size limit)."""
    return int(digits) if len(digits) <= 18 else float(digits)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _matrix(name: str, value: object) -> np.ndarray:
    """A finite float64 matrix from a JSON list of rows, or ValueError naming ``name``."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"{name} must be a non-empty list of rows (lists of numbers)")
    if len(value) > MAX_UNITS:
        raise ValueError(f"{name} has {len(value)} rows; at most {MAX_UNITS} units per layer")
    width = None
    for i, row in enumerate(value):
        if not isinstance(row, list) or not row:
            raise ValueError(f"{name}: row {i + 1} must be a non-empty list of numbers")
        if width is None:
            width = len(row)
        if len(row) != width:
            raise ValueError(f"{name}: rows of different lengths ({width} and {len(row)})")
        if width > MAX_UNITS:
            raise ValueError(f"{name} has {width} columns; at most {MAX_UNITS} units per layer")
        if not all(_is_number(x) for x in row):
            raise ValueError(f"{name}: row {i + 1} holds something other than numbers")
    try:
        M = np.array(value, dtype=np.float64)
    except OverflowError:
        M = np.array([np.inf])
    if not np.isfinite(M).all():
        raise ValueError(f"{name} holds a number too large for float64")
    return M


def load_weights_json(text: str | bytes) -> dict[str, np.ndarray]:
    """Parameters ``{"W1": ..., "B1": ..., ..., "WL": ..., "BL": ...}`` (float64) from JSON.

    Accepts what ``weights_json`` and the exported script write (an object whose ``"params"``
    holds the matrices, with the other keys ``weights_json`` writes), or the bare ``"params"``
    object. Strict: ``W1..WL`` and ``B1..BL`` and nothing else, with ``2 <= L <=
    MAX_LAYERS``; ``Wk`` is ``(nk, nk-1)`` and ``Bk`` ``(nk, 1)`` along one chain of layer
    sizes of at most ``MAX_UNITS`` units ending in one output unit (the notes' sigmoid, two
    classes) or ``K = 3..MAX_CLASSES`` (a softmax over ``K`` classes); every entry a finite
    number. Anything else raises ValueError with a message that says what is wrong.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")  # a byte-order mark is harmless
        except UnicodeDecodeError:
            raise ValueError("the weights file is not UTF-8 text") from None
    if not isinstance(text, str):
        raise ValueError(f"expected JSON text, got {type(text).__name__}")
    text = text.removeprefix("\ufeff")
    if len(text) > MAX_JSON_CHARS:
        raise ValueError(
            f"the weights file is too large ({len(text):,} characters; at most {MAX_JSON_CHARS:,})"
        )
    try:
        doc = json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int)
    except json.JSONDecodeError as e:
        raise ValueError(f"not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise ValueError("not valid weights: the JSON is nested too deeply") from None
    if not isinstance(doc, dict):
        raise ValueError("the weights must be a JSON object with W1, B1, W2, B2, ...")

    if "params" in doc:
        unknown = sorted(set(doc) - _DOCUMENT_KEYS - {"params"})
        if unknown:
            raise ValueError(f"unexpected keys in the weights file: {', '.join(unknown)[:200]}")
        if "format" in doc and doc["format"] != FORMAT:
            raise ValueError(f"format must be {FORMAT!r}")
        if "version" in doc and doc["version"] != VERSION:
            raise ValueError(f"unsupported version {str(doc['version'])[:20]!r}; expected 1")
        params = doc["params"]
        if not isinstance(params, dict):
            raise ValueError('"params" must be an object with W1, B1, W2, B2, ...')
    else:
        params = doc

    found: dict[str, int] = {}
    for key in params:
        match = _PARAM_NAME.fullmatch(key)
        if match is None or not 1 <= int(match[2]) <= MAX_LAYERS:
            raise ValueError(
                f"unexpected key {key[:40]!r}: expected W1..WL and B1..BL with L <= {MAX_LAYERS}"
            )
        found[key] = int(match[2])
    if not found:
        raise ValueError("no weights found: expected W1..WL and B1..BL")
    L = max(found.values())
    missing = [f"{p}{k}" for k in range(1, L + 1) for p in "WB" if f"{p}{k}" not in params]
    if missing:
        raise ValueError(f"missing {', '.join(missing)} (W1..W{L} and B1..B{L} are needed)")

    out: dict[str, np.ndarray] = {}
    sizes = [None]
    for k in range(1, L + 1):
        W, B = _matrix(f"W{k}", params[f"W{k}"]), _matrix(f"B{k}", params[f"B{k}"])
        n, n_prev = W.shape
        if k == 1:
            sizes = [n_prev]
        elif n_prev != sizes[-1]:
            raise ValueError(
                f"W{k} has {n_prev} columns but layer {k - 1} has {sizes[-1]} units "
                f"(W{k} must be (n{k}, n{k - 1}))"
            )
        if B.shape != (n, 1):
            raise ValueError(f"B{k} must be ({n}, 1) to match W{k}, got {B.shape}")
        sizes.append(n)
        out[f"W{k}"], out[f"B{k}"] = W, B
    if not (sizes[-1] == 1 or 3 <= sizes[-1] <= MAX_CLASSES):
        raise ValueError(
            f"the output layer must have one unit (two classes) or 3 to {MAX_CLASSES} "
            f"(a softmax over the classes); W{L} has {sizes[-1]} rows"
        )

    if "params" in doc:
        _check_metadata(doc, sizes)
    return out


def _check_metadata(doc: dict, sizes: list[int]) -> None:
    """The optional keys next to ``"params"`` must agree with the matrices."""
    if "layer_sizes" in doc and doc["layer_sizes"] != sizes:
        raise ValueError(
            f"layer_sizes {str(doc['layer_sizes'])[:60]} do not match the weights' {sizes}"
        )
    if "epoch" in doc and not (
        isinstance(doc["epoch"], int) and not isinstance(doc["epoch"], bool) and doc["epoch"] >= 0
    ):
        raise ValueError("epoch must be a whole number, 0 or more")
    if "alpha" in doc and not (
        _is_number(doc["alpha"]) and math.isfinite(doc["alpha"]) and doc["alpha"] > 0
    ):
        raise ValueError("alpha must be a positive number")
    if "features" in doc:
        feats = doc["features"]
        if not (isinstance(feats, list) and all(isinstance(f, str) for f in feats)):
            raise ValueError("features must be a list of names")
        if len(feats) != sizes[0]:
            raise ValueError(f"{len(feats)} feature names for {sizes[0]} inputs")
    if "config" in doc and not isinstance(doc["config"], dict):
        raise ValueError("config must be an object")
    nL = sizes[-1]
    output, classes = ("sigmoid", 2) if nL == 1 else ("softmax", nL)
    if "output" in doc and doc["output"] != output:
        raise ValueError(
            f"output {str(doc['output'])[:20]!r} does not match the weights: {nL} output "
            f"unit{'s' * (nL > 1)} {'is' if nL == 1 else 'are'} a {output}"
        )
    if "class_names" in doc:
        names = doc["class_names"]
        if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            raise ValueError("class_names must be a list of names")
        if len(names) != classes:
            raise ValueError(f"{len(names)} class names for {classes} classes")
        if any(len(n) > datasets.MAX_NAME for n in names) or len(set(names)) != len(names):
            raise ValueError(
                f"class names must differ and have at most {datasets.MAX_NAME} characters"
            )


# ---------------------------------------------------------------------------------------------
# The standalone NumPy script
# ---------------------------------------------------------------------------------------------


def _literal(A: np.ndarray, indent: int = 4, width: int = 96) -> str:
    """A nested-list literal of the 2-D ``A``, every float written with ``repr`` (exact)."""
    pad = " " * indent
    lines = ["["]
    for row in np.asarray(A, dtype=np.float64).tolist():
        line = pad + "["
        for i, x in enumerate(row):
            item = repr(float(x)) + ("," if i < len(row) - 1 else "],")
            if len(line) + 1 + len(item) > width and not line.endswith("["):
                lines.append(line)
                line = pad + " " + item
            else:
                line += ("" if line.endswith("[") else " ") + item
        lines.append(line)
    lines.append("]")
    return "\n".join(lines)


def _unrolled(L: int, activations: tuple[str, ...], classes: int = 2) -> str:
    """This run's equations written out for its depth, as the notes write them for L = 3
    (with a softmax output of ``classes`` units for more than two classes)."""
    fwd = []
    for k in range(1, L + 1):
        f = "sigmoid" if k == L else f"f{k}  ({activations[k - 1]})"
        if k == L and classes > 2:
            f = f"softmax(Z{L})  (K = {classes} classes: each column sums to 1)"
        fwd.append(f"    Z{k} = W{k} @ A{k - 1} + B{k}      A{k} = {f}")
    if classes > 2:
        fwd += ["", f"Cost:  J = -1/m sum(Y * log A{L})  (the categorical cross-entropy)"]
    back = [f"    dZ{L} = A{L} - Y"]
    if classes > 2:
        back[0] += "      (the softmax with its cost gives the sigmoid's line)"
    for k in range(L, 0, -1):
        back.append(f"    dW{k} = 1/m dZ{k} @ A{k - 1}.T      dB{k} = 1/m sum(dZ{k}, 1)")
        if k > 1:
            back.append(f"    dZ{k - 1} = W{k}.T @ dZ{k} * f{k - 1}'(Z{k - 1})")
    upd = [
        f"    W{k} = W{k} - alpha * dW{k}      B{k} = B{k} - alpha * dB{k}" for k in range(L, 0, -1)
    ]
    return "\n".join(
        ["This run's network, unrolled (A0 = X):", *fwd, "", "Complete Back Propagation:"]
        + back
        + ["", "Update:", *upd]
    )


_TEMPLATE = '''#!/usr/bin/env python3
"""A Backprop Playground run as a standalone NumPy script.

@@SUMMARY@@

Usage:  python @@NAME@@ [HISTORY.csv] [WEIGHTS.json]

Trains the network below for EPOCHS epochs of full-batch gradient descent with the course
notes' equations, on the run's exact data and from its exact initial weights. Prints the
history (epoch, train_cost, test_cost, train_acc, test_acc) as CSV, or writes it to
HISTORY.csv ("-" for the screen); with WEIGHTS.json also writes the final W1..WL and
B1..BL as JSON (the playground's weights format). Needs only NumPy.

Shapes follow the notes: X (= A0) is (n0, m) with one column per observation, Wk is
(nk, nk-1), Bk is (nk, 1), Zk and Ak are (nk, m), @@Y_SHAPE@@.

@@UNROLLED@@
"""

import json
import sys

import numpy as np

# -- the run -----------------------------------------------------------------------------------

LAYER_SIZES = @@LAYER_SIZES@@  # n0, n1, ..., nL
# f1, f2, ... of the hidden layers; layer L is @@OUTPUT_LAYER@@
ACTIVATIONS = @@ACTIVATIONS@@
@@CLASS_NAMES@@ALPHA = @@ALPHA@@  # the learning rate alpha
DECAY = @@DECAY@@  # the update from epoch t uses ALPHA / (1 + DECAY t) (0: ALPHA throughout)
L2 = @@L2@@  # L2 regularisation: adds L2/(2m) sum ||Wk||^2 to the cost (0: none)
L1 = @@L1@@  # L1 regularisation: adds L1/m sum |Wk| to the cost (0: none)
EPOCHS = @@EPOCHS@@
DTYPE = np.@@DTYPE@@
LEAKY_SLOPE = @@LEAKY_SLOPE@@  # leaky ReLU: f(z) = z for z > 0, else LEAKY_SLOPE * z
FEATURES = @@FEATURES@@  # the input rows of X
CONFIG = @@CONFIG@@  # the playground settings of this run, for the record

# -- the data, every number exactly as in the playground (a float's repr reads back bit for bit)

X_train = @@X_train@@  # (n0, m)
Y_train = @@Y_train@@  # @@Y_COMMENT@@
X_test = @@X_test@@  # (n0, m_test)
Y_test = @@Y_test@@  # @@Y_TEST_COMMENT@@

# -- the initial parameters, exactly: Wk is (nk, nk-1), Bk is (nk, 1)

INITIAL = {
@@INITIAL@@
}


# -- activations f, and their derivatives f' written from A = f(Z) ----------------------------


def sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))  # 1 / (1 + e^-z)


def tanh(Z):
    return 1.0 - 2.0 / (1.0 + np.exp(2.0 * Z))  # = tanh(z), the formula the playground uses


def relu(Z):
    return np.maximum(Z, 0.0)


def leaky_relu(Z):
    return np.maximum(Z, LEAKY_SLOPE * Z)


def linear(Z):
    return Z
@@SOFTMAX@@

F = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu, "linear": linear}

DF_FROM_A = {
    "sigmoid": lambda A: (1.0 - A) * A,  # f'(z) = a (1 - a)
    "tanh": lambda A: 1.0 - A * A,  # f'(z) = 1 - a^2
    "relu": lambda A: (A > 0.0).astype(A.dtype),  # 1 where z > 0, else 0
    "leaky_relu": lambda A: np.where(A > 0.0, 1.0, LEAKY_SLOPE).astype(A.dtype),
    "linear": lambda A: np.ones_like(A),  # f'(z) = 1
}


# -- the notes' equations ----------------------------------------------------------------------


def forward(params, X):
    """Zk = Wk @ A(k-1) + Bk and Ak = fk(Zk) for k = 1..L, from A0 = X; AL = @@OUT@@(ZL)."""
    L = len(LAYER_SIZES) - 1
    cache = {"A0": X}
    for k in range(1, L + 1):
        f = @@OUT@@ if k == L else F[ACTIVATIONS[k - 1]]
        cache[f"Z{k}"] = params[f"W{k}"] @ cache[f"A{k - 1}"] + params[f"B{k}"]  # Zk (nk, m)
        cache[f"A{k}"] = f(cache[f"Z{k}"])  # Ak = fk(Zk)  (nk, m)
    return cache


@@COST@@def backward(params, cache, Y):
    """The notes' "Complete Back Propagation" for any depth L:

        dZL = AL - Y
        for k = L, ..., 1:
            dWk = 1/m dZk @ A(k-1).T   (+ L2/m Wk + L1/m sign(Wk))
            dBk = 1/m sum(dZk, 1)
            dZ(k-1) = Wk.T @ dZk * f(k-1)'(Z(k-1))
    """
    L = len(LAYER_SIZES) - 1
    inv_m = 1.0 / Y.shape[1]  # 1/m
    grads = {}
    grads[f"dZ{L}"] = cache[f"A{L}"] - Y  # dZL = AL - Y  (nL, m)
    for k in range(L, 0, -1):
        dZ = grads[f"dZ{k}"]
        grads[f"dW{k}"] = inv_m * (dZ @ cache[f"A{k - 1}"].T)  # dWk = 1/m dZk A(k-1)^T
        if L2:
            grads[f"dW{k}"] = grads[f"dW{k}"] + (L2 * inv_m) * params[f"W{k}"]  # + L2/m Wk
        if L1:  # + L1/m sign(Wk), with sign(0) = 0
            grads[f"dW{k}"] = grads[f"dW{k}"] + np.sign(params[f"W{k}"]) * (L1 * inv_m)
        grads[f"dB{k}"] = inv_m * np.sum(dZ, axis=1, keepdims=True)  # dBk = 1/m sum(dZk, 1)
        if k > 1:
            f_prime = DF_FROM_A[ACTIVATIONS[k - 2]](cache[f"A{k - 1}"])  # f(k-1)'(Z(k-1))
            grads[f"dZ{k - 1}"] = (params[f"W{k}"].T @ dZ) * f_prime  # (nk-1, m)
    return grads


def update(params, grads, alpha):
    """Wk = Wk - alpha * dWk and Bk = Bk - alpha * dBk for every layer."""
    return {name: P - alpha * grads[f"d{name}"] for name, P in params.items()}


def finite(costs, arrays):
    """Whether the costs and the norms ||P|| = sqrt(sum P^2) of the arrays are all finite."""
    norms = [np.sqrt(np.sum(np.square(P))) for P in arrays]
    return bool(np.isfinite(np.sum(costs)) and np.isfinite(np.sum(norms)))


# -- training ----------------------------------------------------------------------------------


def train():
    """Returns the history rows and the final parameters (the last finite ones)."""
    L = len(LAYER_SIZES) - 1
    X, Y = np.array(X_train, dtype=DTYPE), np.array(Y_train, dtype=DTYPE)
    X2, Y2 = np.array(X_test, dtype=DTYPE), np.array(Y_test, dtype=DTYPE)
    m = Y.shape[1]
    params = {name: np.array(value, dtype=DTYPE) for name, value in INITIAL.items()}
    previous, rows, epoch = params, [], 0
    while True:
        cache = forward(params, X)
        train_cost = cost(cache[f"Z{L}"], Y)
        if L2:  # the penalty belongs to the training cost; the test cost is the data loss
            train_cost += L2 / (2 * m) * sum(np.vdot(W, W) for W in weights(params))
        if L1:
            train_cost += L1 / m * sum(np.sum(np.abs(W)) for W in weights(params))
        test_ZL = forward(params, X2)[f"Z{L}"]
        test_cost = cost(test_ZL, Y2) if Y2.size else np.nan
        grads = backward(params, cache, Y)
        measured = (train_cost, test_cost) if Y2.size else (train_cost,)
        gradients = [G for name, G in grads.items() if not name.startswith("dZ")]
        if not finite(measured, [*gradients, *params.values()]):
            print(
                f"Training diverged at epoch {epoch}: the cost or a weight became infinite "
                f"with alpha = {ALPHA}. Stopped at epoch {epoch - 1}.",
                file=sys.stderr,
            )
            return rows, previous, epoch - 1
        train_acc = accuracy(cache[f"Z{L}"], Y)
        test_acc = accuracy(test_ZL, Y2) if Y2.size else np.nan
        rows.append((epoch, train_cost, test_cost, train_acc, test_acc))
        if epoch == EPOCHS:
            return rows, params, epoch
        alpha = ALPHA / (1.0 + DECAY * epoch) if DECAY else ALPHA
        previous, params = params, update(params, grads, alpha)
        epoch += 1


def weights(params):
    return [P for name, P in params.items() if name.startswith("W")]


def main(argv):
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        rows, params, epoch = train()
    lines = ["epoch,train_cost,test_cost,train_acc,test_acc"]
    lines += [",".join([str(r[0])] + [repr(float(v)) for v in r[1:]]) for r in rows]
    text = "\\n".join(lines) + "\\n"
    if len(argv) > 1 and argv[1] != "-":
        with open(argv[1], "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    if len(argv) > 2:
        doc = {
            "format": "backprop-playground/weights",
            "version": 1,
            "epoch": epoch,
            "alpha": ALPHA,
            "layer_sizes": LAYER_SIZES,
            "config": CONFIG,
            "features": FEATURES,
            "output": @@OUTPUT_NAME@@,
            "class_names": @@CLASS_LIST@@,
            "params": {name: P.tolist() for name, P in params.items()},
        }
        with open(argv[2], "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
'''


_SIGMOID_COST = '''def softplus(Z):
    """log(1 + e^z) without overflow: max(z, 0) + log(1 + e^-|z|)."""
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def cost(ZL, Y):
    """Cost = -1/m sum(y log(a) + (1 - y) log(1 - a)) with a = sigmoid(z).

    -log(sigmoid(z)) = softplus(-z) and -log(1 - sigmoid(z)) = softplus(z), so Loss_i is
    softplus((1 - 2 y) z): the same number, finite even where a rounds to exactly 0 or 1.
    """
    m = Y.shape[1]
    return np.sum(softplus((1.0 - 2.0 * Y) * ZL)) / m


def accuracy(ZL, Y):
    """Share of points whose predicted class (1 where a > 0.5, that is z > 0) is the label."""
    return np.mean((ZL > 0.0) == (Y > 0.5))


'''

_SOFTMAX = '''

def softmax(Z):
    """Each column's exp(z) divided by the column's sum: K probabilities that sum to 1.
    exp(Z - max(Z)) gives the same numbers and cannot overflow (the largest is exp(0) = 1)."""
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))  # (K, m)
    return E / np.sum(E, axis=0, keepdims=True)  # (K, m)
'''

_SOFTMAX_COST = '''def cost(ZL, Y):
    """Cost = -1/m sum(Y * log(AL)) with AL = softmax(ZL): the categorical cross-entropy.

    Y is one-hot, so Loss_i = -log(a_i) of point i's own class. With S = ZL - max(ZL) (each
    column's largest entry 0), log(AL) = S - log(sum(exp(S))), so Loss_i is
    log(sum(exp(S))) - S[class of i]: finite even where a rounds to exactly 0 or 1. The sum of
    exp(S) is 1 (the largest entry) + r (the others), and log1p(r) stays accurate when r is tiny.
    """
    m = Y.shape[1]
    S = ZL - np.max(ZL, axis=0, keepdims=True)  # (K, m), <= 0
    E = np.exp(S)
    below = np.sum(np.where(E < 1.0, E, 0.0), axis=0)  # (m,): the entries below the largest
    r = below + (np.sum(E == 1.0, axis=0, dtype=E.dtype) - 1)  # (m,): + the others tied with it
    own = np.sum(np.where(Y == 1.0, S, 0.0), axis=0)  # S[class of i], (m,)
    return np.sum(np.log1p(r) - own) / m


def accuracy(ZL, Y):
    """Share of points whose predicted class, the most probable one (the largest z, the first
    of a tie: argmax), is the label (the row of the 1 in Y)."""
    return np.mean(np.argmax(ZL, axis=0) == np.argmax(Y, axis=0))


'''


def numpy_script(trainer_or_config: Trainer | Config, epochs: int) -> str:
    """A standalone Python script (imports only numpy, json and sys) that trains this run.

    It holds the run's settings, its data and its initial parameters exactly (every float by
    its ``repr``), and trains ``epochs`` epochs of full-batch gradient descent with the
    notes' equations, for the config's depth and activations. ``alpha`` is the trainer's
    current one (the config's for a Config). A trainer's own data is used, so an uploaded CSV
    exports too. A float32 run exports with ``DTYPE = np.float32`` and agrees with the trainer
    to float32 precision only. Raises ValueError for mini-batch runs ("export supports full
    batch") and for a negative ``epochs``.
    """
    if isinstance(trainer_or_config, Trainer):
        config, data = trainer_or_config.config, trainer_or_config.data
        alpha = float(trainer_or_config.alpha)
    elif isinstance(trainer_or_config, Config):
        config, alpha = trainer_or_config, float(trainer_or_config.alpha)
        data = make_data(config)
    else:
        raise TypeError("numpy_script needs a Trainer or a Config")
    if isinstance(epochs, bool) or not isinstance(epochs, int | np.integer) or epochs < 0:
        raise ValueError(f"epochs must be a whole number, 0 or more; got {epochs!r}")
    m = data.X_train.shape[1]
    if config.batch_size is not None and int(config.batch_size) < m:
        raise ValueError(
            f"export supports full batch only; this run uses mini-batches of "
            f"{config.batch_size}. Choose batch size 'full' to export it."
        )
    return _script(config, data, alpha, int(epochs))


def _script(config: Config, data: Data, alpha: float, epochs: int) -> str:
    sizes = (data.X_train.shape[0], *config.hidden, data.Y_train.shape[0])
    K = data.classes
    softmax = engine.output_layer(K)[1] == "softmax"
    initial = engine.init_params(sizes, config.seed, config.init)
    L = len(sizes) - 1
    config_dict = json.loads(json.dumps(dataclasses.asdict(config)))  # tuples -> lists
    init_lines = []
    for name, P in initial.items():
        init_lines.append(f'    "{name}": {_literal(P, indent=8)},'.replace("\n]", "\n    ]"))
    depth = f"{L - 1} hidden layer{'s' * (L > 2)}"
    output = f"softmax output over {K} classes" if softmax else "sigmoid output"
    summary = (
        f"Dataset {config.dataset!r} ({data.source}), {data.X_train.shape[1]} training and "
        f"{data.X_test.shape[1]} test points; layer sizes {list(sizes)} ({depth}: "
        f"{', '.join(config.activations)}; {output}); alpha = {alpha!r}, "
        f"L2 = {float(config.l2)!r}, L1 = {float(config.l1)!r}, decay = "
        f"{float(config.decay)!r}, init {config.init!r}, "
        f"seed {config.seed}."
    )
    values = {
        "SUMMARY": _wrap(summary, 96),
        "NAME": "backprop_run.py",
        "UNROLLED": _unrolled(L, tuple(config.activations), K),
        "Y_SHAPE": f"Y is (K, m) one-hot (K = {K} classes)" if softmax else "Y is (1, m)",
        "OUTPUT_LAYER": "a softmax over the K classes" if softmax else "the sigmoid output",
        "CLASS_NAMES": (
            f"CLASS_NAMES = {list(data.class_names)!r}  # classes 0..K-1: the rows of Y and AL\n"
            if softmax
            else ""
        ),
        "Y_COMMENT": (
            "(K, m): one-hot, a 1 in the row of each point's class"
            if softmax
            else "(1, m): labels 0 and 1"
        ),
        "Y_TEST_COMMENT": "(K, m_test)" if softmax else "(1, m_test)",
        "SOFTMAX": _SOFTMAX if softmax else "",
        "OUT": "softmax" if softmax else "sigmoid",
        "COST": _SOFTMAX_COST if softmax else _SIGMOID_COST,
        "OUTPUT_NAME": json.dumps("softmax" if softmax else "sigmoid"),
        "CLASS_LIST": json.dumps(list(data.class_names)),
        "LAYER_SIZES": repr([int(n) for n in sizes]),
        "ACTIVATIONS": repr(list(config.activations)),
        "ALPHA": repr(alpha),
        "DECAY": repr(float(config.decay)),
        "L2": repr(float(config.l2)),
        "L1": repr(float(config.l1)),
        "EPOCHS": str(epochs),
        "DTYPE": config.dtype,
        "LEAKY_SLOPE": repr(engine.LEAKY_SLOPE),
        "FEATURES": repr(list(data.feature_names)),
        "CONFIG": "{\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in config_dict.items()) + "}",
        "X_train": _literal(data.X_train),
        "Y_train": _literal(data.Y_train),
        "X_test": _literal(data.X_test),
        "Y_test": _literal(data.Y_test),
        "INITIAL": "\n".join(init_lines),
    }
    return re.sub(r"@@(\w+)@@", lambda m: values[m[1]], _TEMPLATE)


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])
