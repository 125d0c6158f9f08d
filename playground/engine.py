"""The notes' network in NumPy: forward pass, cost, "Complete Back Propagation", update.

Shapes follow the notes: ``X`` (= ``A0``) is ``(n0, m)``, ``Wk`` is ``(nk, nk-1)``, ``Bk`` is
``(nk, 1)``, ``Zk`` and ``Ak`` are ``(nk, m)`` and ``Y`` is ``(nL, m)``. Layers ``1..L-1`` are
hidden, with activations ``f1, f2, ...``; layer ``L`` is the sigmoid output. The notes' network is
``L = 3``: ``X -> (W1, f1) -> (W2, f2) -> (W3, sigmoid)``.

More than two classes: with ``output="softmax"`` the output layer's ``K = nL`` units are a
softmax, ``AL = exp(ZL) / sum(exp(ZL), 0)``, with the categorical cross-entropy
``J = -1/m sum(Y * log AL)`` and one-hot labels ``Y`` ``(K, m)``. Its ``dZL = AL - Y`` is the
sigmoid's, so ``backward``, ``update`` and every equation after ``dZL`` are the notes' as they
stand. Two classes stay the notes' single sigmoid unit (``output_layer``); ``output="sigmoid"``
(the default) with ``nL > 1`` is ``nL`` independent sigmoid units, their costs summed.

Two implementations of the same arithmetic live here:

* the functions ``forward``, ``cost``, ``backward`` and ``update`` read like the notes, one line
  per equation, and take and return plain dicts of arrays;
* ``Workspace`` runs the same equations in preallocated buffers (``out=``), layer by layer, for
  the trainer's hot loop and the staged step. Tests hold the two to each other.

This module imports only numpy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.floating]

LEAKY_SLOPE = 0.01

INIT_METHODS = ("xavier", "he", "small", "zeros")
MAX_HIDDEN_LAYERS = 6
OUTPUTS = ("sigmoid", "softmax")  # the output layer: the notes' sigmoid, or a softmax over K units
TRANSPOSED_GRADIENT = 2**20  # multiply-adds from which a gradient product may be transposed


# ---------------------------------------------------------------------------------------------
# Activations: each writes into ``out`` (allocated when None) and returns it.
# ``df_from_a`` is the derivative f'(Z) written from A = f(Z), as the trainer uses it.
# ---------------------------------------------------------------------------------------------


# The activations below let exp overflow to inf where that gives the right limit
# (1 / (1 + inf) = 0); callers run them under ``np.errstate(over="ignore")``.


def _sigmoid(Z: Array, out: Array | None = None) -> Array:
    """1 / (1 + exp(-Z)); exact limits 0 and 1 for large |Z|."""
    out = np.negative(Z, out=out)
    np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _sigmoid_df_from_a(A: Array, out: Array | None = None) -> Array:
    out = np.subtract(1.0, A, out=out)  # 1 - A
    out *= A  # A (1 - A)
    return out


@functools.cache
def native_tanh(dtype=np.float64) -> bool:
    """Whether ``np.tanh`` is the faster tanh here for ``dtype``: where NumPy runs its AVX-512 loop
    (dispatch target ``X86_V4``, or ``AVX512...`` in older NumPy), as on this project's machine
    since issue 15: 0.9 ns per float64 value against 1.7 for ``1 - 2 / (1 + exp(2 Z))`` when first
    measured, 1.8-1.9 against 1.6-2.4 on a busier day (the exp form a little faster on 64,000
    values, slower on 3,200); float32: 0.17 against 0.5 in a batch. Elsewhere the exp form: on a CPU
    without AVX-512 NumPy's float64 tanh took 13-18 ns a value and exp 5-9 (README, "Speed"), and
    with ``NPY_DISABLE_CPU_FEATURES=X86_V4`` here ``np.tanh`` is no faster in float64 and 1.7 times
    slower in float32. Decided by NumPy's own dispatch (``numpy.lib.introspect``), never by timing,
    so that a machine always computes the same tanh and a run repeats bit for bit. Used by the
    Workspace and the Evaluator (the trainer's hot loop); ``ACTIVATIONS["tanh"]`` keeps the exp form
    everywhere."""
    try:
        from numpy.lib.introspect import opt_func_info

        char = np.dtype(dtype).char
        current = opt_func_info(func_name="^tanh$")["tanh"][char + char]["current"]
    except (ImportError, KeyError, TypeError):  # pragma: no cover - other NumPy versions
        return False
    return str(current).startswith(("X86_V4", "AVX512"))


def _tanh(Z: Array, out: Array | None = None) -> Array:
    """tanh(Z) = 1 - 2 / (1 + exp(2 Z)); about twice as fast as np.tanh on CPUs without AVX-512.

    The plain functions (and the exported script) always use this formula; the Workspace and
    the Evaluator use ``np.tanh`` where it is the faster (``native_tanh``): the same values to
    an ulp or two."""
    out = np.multiply(Z, 2.0, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.divide(2.0, out, out=out)
    return np.subtract(1.0, out, out=out)


def _tanh_df_from_a(A: Array, out: Array | None = None) -> Array:
    out = np.multiply(A, A, out=out)
    return np.subtract(1.0, out, out=out)  # 1 - A^2


def _relu(Z: Array, out: Array | None = None) -> Array:
    return np.maximum(Z, 0.0, out=out)


def _relu_df_from_a(A: Array, out: Array | None = None) -> Array:
    if out is None:
        out = np.empty_like(A)
    return np.greater(A, 0.0, out=out)  # 1 where Z > 0, else 0


def _leaky_relu(Z: Array, out: Array | None = None) -> Array:
    out = np.multiply(Z, LEAKY_SLOPE, out=out)
    return np.maximum(Z, out, out=out)


def _leaky_relu_df_from_a(A: Array, out: Array | None = None) -> Array:
    if out is None:
        out = np.empty_like(A)
    np.greater(A, 0.0, out=out)
    out *= 1.0 - LEAKY_SLOPE
    out += LEAKY_SLOPE  # 1 where Z > 0, else the slope
    return out


def _linear(Z: Array, out: Array | None = None) -> Array:
    if out is None:
        return Z.copy()
    np.copyto(out, Z)
    return out


def _linear_df_from_a(A: Array, out: Array | None = None) -> Array:
    if out is None:
        return np.ones_like(A)
    out.fill(1.0)
    return out


class Activation(NamedTuple):
    """An activation and its derivative, as the notes write ``f`` and ``f'``.

    ``f(Z)`` and ``df(Z)`` take pre-activations; ``df_from_a(A)`` is the same derivative written
    from the activation's output ``A = f(Z)`` (cheaper: no second pass over ``Z``). Each takes an
    optional ``out=`` buffer. ``identity_df`` marks an activation whose derivative is 1.
    """

    f: Callable[..., Array]
    df: Callable[[Array], Array]
    df_from_a: Callable[..., Array]
    identity_df: bool = False


def _quiet(fn: Callable[..., Array]) -> Callable[..., Array]:
    """``fn`` under ``np.errstate(over="ignore")``, for callers outside the engine."""

    def wrapped(Z, out=None):
        with np.errstate(over="ignore"):
            return fn(Z, out=out)

    wrapped.__doc__ = fn.__doc__
    return wrapped


def _from_z(f: Callable[..., Array], df_from_a: Callable[..., Array]) -> Callable[[Array], Array]:
    return lambda Z: df_from_a(f(np.asarray(Z, dtype=float)))


_SAFE_SIGMOID, _SAFE_TANH = _quiet(_sigmoid), _quiet(_tanh)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        _SAFE_SIGMOID, _from_z(_SAFE_SIGMOID, _sigmoid_df_from_a), _sigmoid_df_from_a
    ),
    "tanh": Activation(_SAFE_TANH, _from_z(_SAFE_TANH, _tanh_df_from_a), _tanh_df_from_a),
    "relu": Activation(_relu, _from_z(_relu, _relu_df_from_a), _relu_df_from_a),
    "leaky_relu": Activation(
        _leaky_relu, _from_z(_leaky_relu, _leaky_relu_df_from_a), _leaky_relu_df_from_a
    ),
    "linear": Activation(
        _linear, _from_z(_linear, _linear_df_from_a), _linear_df_from_a, identity_df=True
    ),
}


_RAW = {"sigmoid": _sigmoid, "tanh": _tanh}


def _f(name: str) -> Callable[..., Array]:
    """The activation function without the errstate wrapper (callers provide it)."""
    return _RAW.get(name, ACTIVATIONS[name].f)


def _check_activations(activations: Sequence[str]) -> tuple[str, ...]:
    names = tuple(activations)
    if not 0 <= len(names) <= MAX_HIDDEN_LAYERS:
        raise ValueError(f"between 0 and {MAX_HIDDEN_LAYERS} hidden layers, got {len(names)}")
    for name in names:
        if name not in ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}; choose from {sorted(ACTIVATIONS)}")
    return names


def _check_layers(
    layer_sizes: Sequence[int], activations: Sequence[str]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The activations and the layer sizes ``(n0, ..., nL)``, checked against each other."""
    names = _check_activations(activations)
    sizes = tuple(int(n) for n in layer_sizes)
    if len(sizes) != len(names) + 2:
        raise ValueError("layer_sizes must have one more entry than there are activations")
    return names, sizes


def output_layer(classes: int) -> tuple[int, str]:
    """``(nL, output)`` for ``classes`` classes: the notes' single sigmoid unit for two classes,
    a softmax over ``K`` units for ``K >= 3``."""
    K = int(classes)
    if K < 2:
        raise ValueError(f"at least 2 classes are needed, got {classes!r}")
    return (1, "sigmoid") if K == 2 else (K, "softmax")


def _check_output(output: str, nL: int) -> str:
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; choose from {OUTPUTS}")
    if output == "softmax" and nL < 2:
        raise ValueError(f"a softmax output needs at least 2 units, got {nL}")
    return output


def n_layers(params: Mapping[str, Array]) -> int:
    """L, the number of weight layers in ``params`` (hidden layers + the output layer)."""
    L = 0
    while f"W{L + 1}" in params:
        L += 1
    return L


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


def init_params(
    layer_sizes: Sequence[int], seed: int = 0, method: str = "xavier", dtype=np.float64
) -> dict[str, Array]:
    """Initial ``W1..WL`` (``(nk, nk-1)``) and ``B1..BL`` (``(nk, 1)``, zeros).

    ``layer_sizes`` is ``(n0, n1, ..., nL)``. Methods: ``"xavier"`` (normal, variance 1/n_{k-1}),
    ``"he"`` (normal, variance 2/n_{k-1}), ``"small"`` (normal x 0.01) and ``"zeros"`` (every
    unit of a layer identical: the symmetry problem). Deterministic for a ``seed``.
    """
    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer sizes must be at least two positive integers, got {sizes}")
    if method not in INIT_METHODS:
        raise ValueError(f"unknown init method {method!r}; choose from {INIT_METHODS}")
    rng = np.random.default_rng(seed)
    params: dict[str, Array] = {}
    for k in range(1, len(sizes)):
        shape = (sizes[k], sizes[k - 1])
        if method == "zeros":
            W = np.zeros(shape)
        else:
            scale = {"xavier": np.sqrt(1.0 / sizes[k - 1]), "he": np.sqrt(2.0 / sizes[k - 1])}
            W = rng.standard_normal(shape) * scale.get(method, 0.01)
        params[f"W{k}"] = W.astype(dtype)
        params[f"B{k}"] = np.zeros((sizes[k], 1), dtype=dtype)
    return params


# ---------------------------------------------------------------------------------------------
# The notes' equations, one line each
# ---------------------------------------------------------------------------------------------


def _softmax(Z: Array) -> Array:
    """``exp(Z) / sum(exp(Z), 0)`` column by column, from ``Z - max(Z, 0)`` (no overflow)."""
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))  # (K, m), the largest 1 in each column
    return E / np.sum(E, axis=0, keepdims=True)


_OUTPUT_F = {"sigmoid": _sigmoid, "softmax": _softmax}


def forward(
    params: Mapping[str, Array], X: Array, activations: Sequence[str], output: str = "sigmoid"
) -> dict[str, Array]:
    """Forward pass: ``Zk = Wk A(k-1) + Bk``, ``Ak = fk(Zk)``, ``AL = sigmoid(ZL)`` (or
    ``softmax(ZL)`` with ``output="softmax"``).

    Returns the cache ``{"A0": X, "Z1": ..., "A1": ..., ..., "ZL": ..., "AL": ...}``.
    """
    names = _check_activations(activations)
    L = n_layers(params)
    if L != len(names) + 1:
        raise ValueError(f"{L} weight layers need {L - 1} hidden activations, got {len(names)}")
    out_f = _OUTPUT_F[_check_output(output, params[f"W{L}"].shape[0])]
    cache = {"A0": X}
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, L + 1):
            f = _f(names[k - 1]) if k < L else out_f
            cache[f"Z{k}"] = params[f"W{k}"] @ cache[f"A{k - 1}"] + params[f"B{k}"]  # (nk, m)
            cache[f"A{k}"] = f(cache[f"Z{k}"])  # (nk, m)
    return cache


def predict_proba(
    params: Mapping[str, Array], X: Array, activations: Sequence[str], output: str = "sigmoid"
) -> Array:
    """The network's output ``AL`` for inputs ``X`` (n0, m): probabilities of class 1 (``(1, m)``),
    or with ``output="softmax"`` each class's probability (``(K, m)``, columns summing to 1)."""
    return forward(params, X, activations, output)[f"A{n_layers(params)}"]


def _softplus(Z: Array) -> Array:
    """log(1 + exp(Z)) for any Z without overflow: max(Z, 0) + log1p(exp(-|Z|))."""
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def _softplus_into(t: Array, u: Array, w: Array, s: Array) -> None:
    """``u = softplus(t) = max(t, 0) + log1p(exp(-|t|))`` in place, given ``u = exp(-|t|)``,
    for arrays of one shape; ``t``, ``w`` and ``s`` are overwritten. ``log1p(u)`` is computed as
    ``log(w) - ((w - 1) - u)`` with ``w = 1 + u``: ``(w - 1) - u`` is exactly the rounding error
    of ``w``, so this is within an ulp of ``np.log1p`` (and ``u`` itself where ``w`` rounds to
    1), and faster: here float64 ``log`` takes about 27 us for 3,200 values against
    ``log1p``'s 47 (neither is vectorised on this CPU), and float32 ``log`` is vectorised while
    ``log1p`` has no float32 loop of its own (1.7 against 13 ns per value)."""
    np.add(u, 1.0, out=w)
    np.subtract(w, 1.0, out=s)
    np.subtract(s, u, out=s)
    np.log(w, out=w)
    np.subtract(w, s, out=u)
    np.maximum(t, 0.0, out=t)
    np.add(u, t, out=u)


def _softmax_losses(ZL: Array, Y: Array) -> Array:
    """``-sum(Y * log softmax(ZL), 0)``, each column's loss ``(m,)``, from ``ZL`` (``(K, m)``).

    With ``S = ZL - max(ZL, 0)`` (each column's largest entry 0, the rest negative),
    ``log sum(exp(ZL)) = max + log sum(exp(S))`` and the loss of a one-hot column is
    ``log sum(exp(S)) - S[label]``. ``E = exp(S)`` is 1 at the max (and wherever it rounds to
    1), below 1 elsewhere; ``sum(E) = 1 + r`` with ``r`` summed as the entries below 1 plus the
    number of 1s less one, so that the first term is ``log1p(r)``, accurate where ``r`` is tiny
    (a sure, right answer), between 0 and ``log K``. The loss is finite for any finite ``ZL``
    whose columns spread over less than float64's largest number (``S`` overflows to ``-inf``
    beyond that: a loss above 1.8e308).
    """
    S = ZL - np.max(ZL, axis=0, keepdims=True)  # (K, m), <= 0
    E = np.exp(S)
    ones = np.floor(E)  # 1 where E is 1, else 0
    r = np.sum(E - ones, axis=0) + (np.sum(ones, axis=0) - 1)
    # -sum(Y log AL) = sum(Y (log sum exp S - S)); Y's zeros skip S (0 * -inf would be nan)
    return np.log1p(r) * np.sum(Y, axis=0) - np.sum(Y * S, axis=0, where=Y != 0)


def cost(
    cache: Mapping[str, Array],
    Y: Array,
    params: Mapping[str, Array] | None = None,
    l2: float = 0.0,
    l1: float = 0.0,
    output: str = "sigmoid",
) -> float:
    """The notes' cost ``-1/m sum(y log a + (1-y) log(1-a))``, summed over output units; with
    ``output="softmax"`` the categorical cross-entropy ``-1/m sum(Y * log AL)``.

    Computed from ``ZL`` rather than ``AL``: with ``a = sigmoid(z)``, ``-log a = softplus(-z)``
    and ``-log(1-a) = softplus(z)``, so each loss is ``y softplus(-z) + (1-y) softplus(z)``
    (``= softplus(z) - y z``), finite and accurate even where ``AL`` rounds to exactly 0 or 1.
    The softmax's loss is a log-sum-exp of ``ZL`` (``_softmax_losses``).
    With ``l2 > 0`` adds ``l2/(2m) sum ||Wk||^2``; with ``l1 > 0``, ``l1/m sum |Wk|``.
    """
    L = max(int(k[1:]) for k in cache if k.startswith("Z"))
    ZL = cache[f"Z{L}"]
    m = ZL.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):
        if _check_output(output, ZL.shape[0]) == "softmax":
            J = float(np.sum(_softmax_losses(ZL, Y)) / m)
        else:
            J = float(np.sum(Y * _softplus(-ZL) + (1 - Y) * _softplus(ZL)) / m)
        if l2 and params is not None:
            J += l2 / (2 * m) * sum(float(np.sum(params[f"W{k}"] ** 2)) for k in range(1, L + 1))
        if l1 and params is not None:
            J += l1 / m * sum(float(np.sum(np.abs(params[f"W{k}"]))) for k in range(1, L + 1))
    return J


def backward(
    params: Mapping[str, Array],
    cache: Mapping[str, Array],
    Y: Array,
    activations: Sequence[str],
    l2: float = 0.0,
    l1: float = 0.0,
) -> dict[str, Array]:
    """The notes' "Complete Back Propagation", for any depth.

    ``dZL = AL - Y`` (the sigmoid's with the notes' cost, and the softmax's with the categorical
    cross-entropy and one-hot ``Y``: the same line for both); for k = L..1:
    ``dWk = 1/m dZk A(k-1)^T`` (+ ``l2/m Wk`` + ``l1/m sign(Wk)``, with sign(0) = 0: the L1
    penalty's subgradient), ``dBk = 1/m sum(dZk, 1)`` and
    ``dZ(k-1) = Wk^T dZk * f(k-1)'(Z(k-1))``.
    Returns ``{"dZk", "dWk", "dBk"}`` for every layer k.
    """
    names = _check_activations(activations)
    L = n_layers(params)
    m = Y.shape[1]
    grads: dict[str, Array] = {}
    with np.errstate(over="ignore", invalid="ignore"):
        grads[f"dZ{L}"] = cache[f"A{L}"] - Y  # (nL, m)
        for k in range(L, 0, -1):
            dZ = grads[f"dZ{k}"]
            grads[f"dW{k}"] = (dZ @ cache[f"A{k - 1}"].T) * (1.0 / m)  # (nk, nk-1)
            if l2:
                grads[f"dW{k}"] += (l2 / m) * params[f"W{k}"]
            if l1:
                grads[f"dW{k}"] += (l1 / m) * np.sign(params[f"W{k}"])
            grads[f"dB{k}"] = np.sum(dZ, axis=1, keepdims=True) * (1.0 / m)  # (nk, 1)
            if k > 1:
                act = ACTIVATIONS[names[k - 2]]
                back = params[f"W{k}"].T @ dZ  # (nk-1, m)
                grads[f"dZ{k - 1}"] = (
                    back if act.identity_df else back * act.df_from_a(cache[f"A{k - 1}"])
                )
    return grads


def update(
    params: Mapping[str, Array], grads: Mapping[str, Array], alpha: float
) -> dict[str, Array]:
    """Gradient descent: ``Wk = Wk - alpha dWk``, ``Bk = Bk - alpha dBk``; returns new params."""
    with np.errstate(over="ignore", invalid="ignore"):
        return {name: P - alpha * grads[f"d{name}"] for name, P in params.items()}


def accuracy(AL: Array, Y: Array, output: str = "sigmoid") -> float:
    """Share of outputs on the right side of 0.5; with ``output="softmax"``, share of columns
    whose most probable class (``argmax(AL)``, the first of a tie) is the label
    (``argmax(Y)``)."""
    if _check_output(output, AL.shape[0]) == "softmax":
        return float(np.mean(np.argmax(AL, axis=0) == np.argmax(Y, axis=0)))
    return float(np.mean((AL > 0.5) == (Y > 0.5)))


# ---------------------------------------------------------------------------------------------
# Workspace: the same equations in preallocated buffers
# ---------------------------------------------------------------------------------------------


def _tanh_of_half_ops(Z2: Array, A: Array) -> list:
    """``A = tanh(Z2 / 2) = 1 - 2 / (1 + exp(Z2))`` (``_tanh`` from its ``2 Z``): the Workspace
    and the Evaluator form ``2 Z`` directly, with doubled weights (doubling is exact)."""
    return [
        (np.exp, (Z2, A)),
        (np.add, (A, 1.0, A)),
        (np.divide, (2.0, A, A)),
        (np.subtract, (1.0, A, A)),
    ]


def _f_ops(name: str, Z: Array, A: Array) -> list:
    """``A = f(Z)`` as ``(function, args)`` pairs: the operations of ``_tanh``, ``_sigmoid``, ..."""
    if name == "tanh":
        if native_tanh(A.dtype):
            return [(np.tanh, (Z, A))]
        return [(np.multiply, (Z, 2.0, A)), *_tanh_of_half_ops(A, A)]
    if name == "sigmoid":
        return [
            (np.negative, (Z, A)),
            (np.exp, (A, A)),
            (np.add, (A, 1.0, A)),
            (np.reciprocal, (A, A)),
        ]
    if name == "relu":
        return [(functools.partial(np.maximum, out=A), (Z, 0.0))]
    if name == "leaky_relu":
        return [(np.multiply, (Z, LEAKY_SLOPE, A)), (functools.partial(np.maximum, out=A), (Z, A))]
    return [(np.copyto, (A, Z))]  # linear


def _df_ops(name: str, A: Array, D: Array) -> list:
    """``D = f'(Z)`` from ``A = f(Z)``: the operations of ``_tanh_df_from_a``, ...

    Empty for ``linear`` (f' = 1)."""
    if name == "tanh":
        return [(np.multiply, (A, A, D)), (np.subtract, (1.0, D, D))]
    if name == "sigmoid":
        return [(np.subtract, (1.0, A, D)), (np.multiply, (D, A, D))]
    if name == "relu":
        return [(np.greater, (A, 0.0, D))]
    if name == "leaky_relu":
        return [
            (np.greater, (A, 0.0, D)),
            (np.multiply, (D, 1.0 - LEAKY_SLOPE, D)),
            (np.add, (D, LEAKY_SLOPE, D)),
        ]
    return []  # linear: f' = 1


def _run(ops: list) -> None:
    for fn, args in ops:
        fn(*args)


def _max_rows_ops(Z: Array, out: Array) -> list:
    """``out = max(Z, 0)`` (``(1, m)``) of ``Z`` ``(K, m)``: for two or three rows one row after
    another (0.9 us here for three rows of 400, against 1.0 for ``np.maximum.reduce``), for
    more ``np.maximum.reduce`` (1.2 against 1.8 us for six)."""
    if len(Z) > 3:
        return [(functools.partial(np.maximum.reduce, axis=0, out=out[0]), (Z,))]
    maximum = functools.partial(np.maximum, out=out)
    ops = [(maximum, (Z[0:1], Z[1:2]))]
    return ops + [(maximum, (out, Z[i : i + 1])) for i in range(2, len(Z))]


def _sum_rows_ops(E: Array, out: Array) -> list:
    """``out = sum(E, 0)`` (``(1, m)``), as ``_max_rows_ops``: the rows added in order either
    way."""
    if len(E) > 3:
        return [(functools.partial(np.add.reduce, axis=0, out=out[0]), (E,))]
    ops = [(np.add, (E[0:1], E[1:2], out))]
    return ops + [(np.add, (out, E[i : i + 1], out)) for i in range(2, len(E))]


def _log1p_into(u: Array, w: Array, s: Array) -> None:
    """``u = log1p(u)`` in place for ``u >= 0`` (``w`` and ``s`` scratch of its shape), as
    ``log(w) - ((w - 1) - u)`` with ``w = 1 + u`` (see ``_softplus_into``)."""
    np.add(u, 1.0, out=w)
    np.subtract(w, 1.0, out=s)
    np.subtract(s, u, out=s)
    np.log(w, out=w)
    np.subtract(w, s, out=u)


def _softmax_measures(S: Array, E: Array, labels: Array, label_at: Array) -> Array:
    """``(K, 2)``: ``[J, accuracy]`` of ``K`` softmax outputs, from ``S = ZL - max(ZL, 0)`` and
    ``E = exp(S)`` (each ``(K, nL, m)``), the labels ``(m,)`` and where each column's label sits
    in a flattened ``(nL, m)`` array (``label_at``).

    Each loss is ``log1p(r) - S[label]``, with ``r = sum(E) - 1`` summed as in
    ``_softmax_losses``. The prediction is the class of largest ``ZL``, the first of a tie: a
    point is right where its label's ``S`` is 0 and no other class's ``E`` is 1 (else, where
    some column ties, by ``argmax``). That is the class of largest ``AL`` too, but where two
    probabilities round to one number. Each row of the result on its own, as in
    ``Workspace.measure_batch``. (Reductions over the classes with ``where=``, ``argmax`` or
    ``np.modf`` took 5 to 15 times as long here as ``floor`` and a sum, so ``argmax`` is kept
    for ties.)
    """
    K, nL, m = S.shape
    ones = np.floor(E)  # (K, nL, m): 1 where E is 1 (a column's max), else 0 (nan stays nan)
    r = np.add.reduce(np.subtract(E, ones), axis=1)  # (K, m): the entries below 1
    count = np.add.reduce(ones, axis=1)  # (K, m): the 1s of each column
    np.subtract(count, 1.0, out=count)  # 0 unless the column's max is tied (or nan)
    tied = not np.max(count) <= 0.0
    r += count  # sum(E) - 1: the entries below 1, then the 1s but one
    _log1p_into(r, count, np.empty_like(r))  # r = log sum exp(S), in [0, log nL]
    picked = np.take(S.reshape(K, nL * m), label_at, axis=1)  # S[label]
    r -= picked
    out = np.empty((K, 2))
    out[:, 0] = np.add.reduce(r, axis=1)
    right = np.equal(picked, 0.0, out=picked)  # the label's logit is the largest ...
    if tied:  # ... and, where a column ties, no class before it is as large
        right = (right == 1.0) & (np.argmax(S, axis=1) == labels)
    out[:, 1] = np.add.reduce(right, axis=1)
    out /= m
    return out


def _transposed_gradient(n: int, p: int, m: int) -> bool:
    """Whether the Workspace forms a layer's ``(n, p)`` gradient ``dZk [A(k-1); 1]^T`` (over
    ``m`` points) as its transpose ``[A(k-1); 1] dZk^T`` and copies it into place. Both are
    the same sums; which one OpenBLAS does faster depends on the shape. Measured on this
    project's machine (2 threads): the transposed product took 0.6 to 0.8 as long where the
    product is split between threads (from about 2^20 multiply-adds) and the layer has at least
    8 rows and not far fewer than its inputs (32x33 by 2,000 points: 78 against 129 us; 256x257
    by 20,000: 28.7 against 31.1 ms; 256x3 by 20,000: 1.7 against 3.1 ms), and up to 1.6 times
    as long for a layer of a few rows after a wide one (3x257 by 20,000: 3.1 against 1.9 ms).
    Below the threshold the copy is the larger cost (0.5 us)."""
    return n * p * m >= TRANSPOSED_GRADIENT and n >= 8 and 8 * n >= p


class Workspace:
    """Buffers and in-place steps for one network on fixed data.

    The columns of ``X`` (n0, m) are the ``m`` training observations (the trainer measures its
    test set with an ``Evaluator``).

    Each layer's parameters sit side by side in one matrix ``Wb[k] = [Wk | Bk]``
    (``(nk, nk-1 + 1)``), and every activation buffer ``A[k]`` carries a last row of ones, so
    ``Zk = Wk A(k-1) + Bk`` is the single product ``Wb[k] @ A[k-1]`` and the same product in
    backward gives ``[dWk | dBk] = dZk [A(k-1); 1]^T`` (the ones row sums ``dZk`` over the
    observations). ``W[k]``, ``B[k]``, ``dW[k]``, ``dB[k]`` are views. All parameters live in
    one vector ``theta`` and all gradients in ``grad``, so the update and every norm take a few
    NumPy calls whatever the depth. ``theta`` and ``previous`` (the parameters before the last
    update) are two buffers that trade places at each update, so the update writes the new
    parameters straight into the old buffer instead of copying ``theta`` first: read ``theta``,
    ``Wb``, ``W`` and ``B`` from the workspace after an update, not from earlier references.

    Stages, in the order of one epoch (``step``): ``apply_update(alpha)``,
    ``forward_layer(1..L)``, ``measure()``, ``backward_layer(L..1)``, ``finish_gradients()``.
    Each stage runs a list of in-place NumPy operations built once (``_f_ops``, ``_df_ops``);
    ``forward`` and ``backward`` run the same operations in one loop (``forward`` with a
    shortcut for tanh layers that leaves their ``Zk`` unformed: see ``__init__``). The output
    layer keeps ``ZL`` and ``exp(-ZL)`` side by side in ``ZE``, for ``measure_batch`` (a softmax
    output keeps ``S = ZL - max(ZL, 0)`` and ``exp(S)``); the trainer measures many epochs at
    once with ``measure_batch`` and ``norms_batch``.

    The stages let ``exp`` overflow to ``inf`` where that gives the right limit, and leave the
    warning to the caller: run them under ``np.errstate(over="ignore", invalid="ignore")``
    (``Trainer.step`` enters it once per call, not once per epoch).
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations: Sequence[str],
        X: Array,
        Y: Array,
        l2: float = 0.0,
        dtype=np.float64,
        l1: float = 0.0,
        output: str = "sigmoid",
    ) -> None:
        self.activations, self.sizes = _check_layers(layer_sizes, activations)
        sizes, L = self.sizes, len(self.sizes) - 1
        self.L = L
        self.output = _check_output(output, sizes[-1])
        softmax = self.output == "softmax"
        self.l1 = float(l1)
        m = X.shape[1]
        if m < 1 or Y.shape != (sizes[-1], m) or X.shape[0] != sizes[0]:
            raise ValueError("X must be (n0, m) and Y (nL, m), with m >= 1")
        self.m, self.l2, self.dtype = int(m), float(l2), np.dtype(dtype)
        dt = self.dtype

        # [theta_a | grad | theta_b]: theta is theta_a or theta_b (the other is ``previous``),
        # each laid out as [Wb1, Wb2, ...] flattened; theta and grad are adjacent either way.
        shapes = [(sizes[k], sizes[k - 1] + 1) for k in range(1, L + 1)]
        counts = [r * c for r, c in shapes]
        self.size = size = sum(counts)
        self._buf = np.zeros(3 * size, dtype=dt)
        self.grad = self._buf[size : 2 * size]
        thetas = (self._buf[:size], self._buf[2 * size :])
        self._scratch = np.empty(size, dtype=dt)
        starts = np.cumsum([0, *counts])

        def layers(vector):
            out = [None]
            for k in range(1, L + 1):
                out.append(vector[starts[k - 1] : starts[k]].reshape(shapes[k - 1]))
            return out

        self.dWb = layers(self.grad)
        self.dW = [None] + [dWb[:, :-1] for dWb in self.dWb[1:]]
        self.dB = [None] + [dWb[:, -1:] for dWb in self.dWb[1:]]
        # The norms' segments (``norms_batch``): the order that puts each of dW1, dB1, ...,
        # dWL, dBL, W1, B1, ..., BL side by side in [grad | theta], and where each starts.
        cells = [starts[k] + np.arange(r * c).reshape(r, c) for k, (r, c) in enumerate(shapes)]
        order = [
            offset + part
            for offset in (0, size)
            for c in cells
            for part in (c[:, :-1].ravel(), c[:, -1])
        ]
        self._segment_starts = np.cumsum([0] + [len(o) for o in order[:-1]])
        self._segment_order = np.concatenate(order)
        self._weight_mask = np.zeros(size, dtype=dt)  # 1 where theta holds a weight, 0 a bias
        for c in cells:
            self._weight_mask[c[:, :-1]] = 1.0

        # Activations with a row of ones below (the ones row also gives [dWk | dBk]).
        self.A = [np.ones((sizes[0] + 1, m), dtype=dt)]
        self.A[0][:-1] = X
        self.Z = [None]
        for k in range(1, L):
            self.Z.append(np.empty((sizes[k], m), dtype=dt))
        # The output layer's ZL and exp(-ZL) (which its sigmoid forms, and its cost reuses),
        # side by side: the trainer keeps both for ``measure_batch`` in one copy. A softmax
        # keeps S = ZL - max(ZL, 0) and exp(S) there instead, and ZL on its own.
        self.ZE = np.empty((2, sizes[L], m), dtype=dt)
        self.Z.append(np.empty((sizes[L], m), dtype=dt) if softmax else self.ZE[0])
        self._colmax = np.empty((1, m), dtype=dt)  # (softmax) max(ZL, 0), then sum(exp(S), 0)
        for k in range(1, L + 1):
            self.A.append(np.ones((sizes[k] + (k < L), m), dtype=dt))
        self.dZ = [None] + [np.empty((sizes[k], m), dtype=dt) for k in range(1, L + 1)]
        self._deriv = [None] + [np.empty((sizes[k], m), dtype=dt) for k in range(1, L)]
        self.act = [A[: sizes[k]] for k, A in enumerate(self.A)]  # Ak without the ones row

        # Labels, and what the cost and accuracy need of them.
        self.Y = np.ascontiguousarray(Y, dtype=dt)
        if not np.isin(self.Y, (0.0, 1.0)).all():
            raise ValueError("labels Y must be 0 or 1")
        if softmax and not (self.Y.sum(axis=0) == 1.0).all():
            raise ValueError("a softmax output needs one-hot labels: one 1 in each column of Y")
        self.labels = np.argmax(self.Y, axis=0)  # (m,) (softmax: each column's class)
        # (softmax) where each column's label sits in a flattened (nL, m) array
        self._label_at = self.labels * m + np.arange(m)
        # t = -(2y - 1) z makes each loss softplus(t) (see ``measure_batch``).
        self._neg_sign = (1.0 - 2.0 * self.Y).ravel()
        self._sign = -self._neg_sign
        self._class0 = float(np.sum(1.0 - self.Y))
        self._divisor = np.array([m, self.Y.size], dtype=np.float64)
        self.inv_m = 1.0 / m
        self._l2_tmp = [None] + [np.empty(s[:1] + (s[1] - 1,), dtype=dt) for s in shapes]
        # ``[dWk | dBk]`` of some large layers is formed transposed, ``[A(k-1); 1] dZk^T``, then
        # copied into place (``_transposed_gradient``).
        self._transposed = [None] + [
            np.empty(s[::-1], dtype=dt) if _transposed_gradient(*s, m) else None for s in shapes
        ]

        # ``forward`` forms a tanh layer's 2 Zk straight in Ak, as one product with a doubled
        # copy of [Wk | Bk] (one multiply of theta by ``_scale``, 2 for the entries of tanh
        # layers and 1 elsewhere, each epoch): tanh starts from exp(2 Zk) (``_tanh``), so this
        # spares an operation on every tanh layer's Zk. Doubling is exact: Ak is the same to the
        # bit. The hidden layers' Zk are then formed by ``forward_layer`` and ``cache`` only.
        # Where ``np.tanh`` is the faster tanh (``native_tanh``), tanh layers are as any other.
        tanh_layers = [k for k in range(1, L) if self.activations[k - 1] == "tanh"]
        if native_tanh(dt):
            tanh_layers = []
        self._scale = np.ones(size, dtype=dt)
        for k in tanh_layers:
            self._scale[starts[k - 1] : starts[k]] = 2.0
        self._doubled = np.empty(size, dtype=dt)
        doubled = layers(self._doubled)

        # Everything that depends on which buffer holds theta, for both choices.
        self._sets = []
        for p in (0, 1):
            theta, previous = thetas[p], thetas[1 - p]
            Wb = layers(theta)
            W = [None] + [x[:, :-1] for x in Wb[1:]]
            B = [None] + [x[:, -1:] for x in Wb[1:]]
            # The products use ``np.dot``, not ``np.matmul``: the same BLAS call for 2-D arrays
            # (the same result to the bit), with about 1 us less overhead per call, which is
            # ~6 % of the default network's epoch. (An ``nk = 1`` layer's ``Wk^T dZk`` is then an
            # outer product: each entry one product, as with ``np.multiply``.)
            fwd = [None]
            for k in range(1, L + 1):
                name = "sigmoid" if k == L else self.activations[k - 1]
                product = (np.dot, (Wb[k], self.A[k - 1], self.Z[k]))
                if k < L:
                    fwd.append([product, *_f_ops(name, self.Z[k], self.act[k])])
                elif softmax:  # ``_softmax``, keeping S = ZL - max(ZL, 0) and exp(S) in ZE
                    S, E, A, c = self.ZE[0], self.ZE[1], self.act[L], self._colmax
                    fwd.append([product, *_max_rows_ops(self.Z[L], c)])
                    fwd[-1] += [
                        (np.subtract, (self.Z[L], c, S)),
                        (np.exp, (S, E)),
                        *_sum_rows_ops(E, c),
                        (np.divide, (E, c, A)),
                    ]
                else:  # the sigmoid of ``_sigmoid``, keeping exp(-ZL) in ZE[1]
                    E, A = self.ZE[1], self.act[L]
                    fwd.append(
                        [
                            product,
                            (np.negative, (self.Z[L], E)),
                            (np.exp, (E, E)),
                            (np.add, (E, 1.0, A)),
                            (np.reciprocal, (A, A)),
                        ]
                    )
            fwd_all = [(np.multiply, (theta, self._scale, self._doubled))] if tanh_layers else []
            for k in range(1, L + 1):
                if k in tanh_layers:
                    a = self.act[k]
                    fwd_all += [
                        (np.dot, (doubled[k], self.A[k - 1], a)),
                        *_tanh_of_half_ops(a, a),
                    ]
                else:
                    fwd_all += fwd[k]
            bwd = [None]
            for k in range(1, L + 1):
                ops = []
                if k == L:  # dZL = AL - Y
                    ops.append((np.subtract, (self.act[L], self.Y, self.dZ[L])))
                if self._transposed[k] is None:
                    ops.append((np.dot, (self.dZ[k], self.A[k - 1].T, self.dWb[k])))
                else:  # the same sums as [A(k-1); 1] dZk^T, then laid out as [dWk | dBk]
                    T = self._transposed[k]
                    ops.append((np.dot, (self.A[k - 1], self.dZ[k].T, T)))
                    ops.append((np.copyto, (self.dWb[k], T.T)))
                if k > 1:
                    ops.append((np.dot, (W[k].T, self.dZ[k], self.dZ[k - 1])))
                    df = _df_ops(self.activations[k - 2], self.act[k - 1], self._deriv[k - 1])
                    if df:
                        ops += [
                            *df,
                            (np.multiply, (self.dZ[k - 1], self._deriv[k - 1], self.dZ[k - 1])),
                        ]
                bwd.append(ops)
            finish = [(np.multiply, (self.grad, self.inv_m, self.grad))]
            if self.l2:
                for k in range(1, L + 1):
                    tmp = self._l2_tmp[k]
                    finish.append((np.multiply, (W[k], self.l2 * self.inv_m, tmp)))
                    finish.append((np.add, (self.dW[k], tmp, self.dW[k])))
            if self.l1:  # + l1/m sign(Wk)
                for k in range(1, L + 1):
                    tmp = self._l2_tmp[k]
                    finish.append((np.sign, (W[k], tmp)))
                    finish.append((np.multiply, (tmp, self.l1 * self.inv_m, tmp)))
                    finish.append((np.add, (self.dW[k], tmp, self.dW[k])))
            self._sets.append(
                {
                    "theta": theta,
                    "previous": previous,
                    "Wb": Wb,
                    "W": W,
                    "B": B,
                    "fwd": fwd,
                    "fwd_all": fwd_all,
                    "bwd": bwd,
                    "finish": finish,
                    "bwd_all": [op for k in range(L, 0, -1) for op in bwd[k]] + finish,
                }
            )
        self._use(0)
        self.grads_ready = True  # False between a backward_layer and finish_gradients

    def _use(self, parity: int) -> None:
        """Make buffer ``parity`` hold theta (and the other one ``previous``)."""
        s = self._sets[parity]
        self._parity, self._set = parity, s
        self.theta, self.previous = s["theta"], s["previous"]
        self.Wb, self.W, self.B = s["Wb"], s["W"], s["B"]
        self._fwd, self._fwd_all, self._bwd = s["fwd"], s["fwd_all"], s["bwd"]
        self._finish, self._bwd_all = s["finish"], s["bwd_all"]

    # -- parameters ------------------------------------------------------------------------

    def load(self, params: Mapping[str, Array]) -> None:
        for k in range(1, self.L + 1):
            np.copyto(self.W[k], params[f"W{k}"])
            np.copyto(self.B[k], params[f"B{k}"])

    def unflatten(self, theta: Array) -> dict[str, Array]:
        """``{"W1": ..., "B1": ..., ...}`` (copies) from a vector laid out as ``theta``."""
        out, start = {}, 0
        for k in range(1, self.L + 1):
            r, c = self.Wb[k].shape
            Wb = theta[start : start + r * c].reshape(r, c)
            out[f"W{k}"], out[f"B{k}"] = Wb[:, :-1].copy(), Wb[:, -1:].copy()
            start += r * c
        return out

    def params(self) -> dict[str, Array]:
        """A copy of the parameters as a ``{"W1": ..., "B1": ...}`` dict."""
        return self.unflatten(self.theta)

    def grads(self) -> dict[str, Array]:
        """A copy of the last gradients: ``dZk``, ``dWk`` and ``dBk``."""
        out = {}
        for k in range(1, self.L + 1):
            out[f"dZ{k}"] = self.dZ[k].copy()
            out[f"dW{k}"], out[f"dB{k}"] = self.dW[k].copy(), self.dB[k].copy()
        return out

    def cache(self) -> dict[str, Array]:
        """A copy of the forward values ``A0, Z1, A1, ...`` (each hidden ``Zk`` formed anew:
        ``forward`` does not keep it)."""
        out = {"A0": self.act[0].copy()}
        for k in range(1, self.L + 1):
            Z = self.Z[k].copy() if k == self.L else np.dot(self.Wb[k], self.A[k - 1])
            out[f"Z{k}"], out[f"A{k}"] = Z, self.act[k].copy()
        return out

    # -- the stages of one epoch -------------------------------------------------------------

    def forward_layer(self, k: int) -> None:
        """``Zk = Wk A(k-1) + Bk`` (one product with ``[Wk | Bk]``) and ``Ak = fk(Zk)``."""
        _run(self._fwd[k])

    def forward(self) -> None:
        """All layers: the operations of ``forward_layer`` (for tanh layers, with 2 Zk formed
        in Ak directly: see ``__init__``)."""
        for fn, args in self._fwd_all:
            fn(*args)

    def measure(self) -> tuple[float, float]:
        """Cost and accuracy of the current forward pass: ``(J, accuracy)`` (``measure_batch``)."""
        J, accuracy = self.measure_batch(self.ZE[None], self.theta[None])[0].tolist()
        return J, accuracy

    def measure_batch(self, ZE: Array, thetas: Array) -> Array:
        """``(K, 2)``: ``[J, accuracy]`` of ``K`` forward passes on the training data, from
        their outputs' ``ZE`` (``(K, 2, nL, m)``: ``ZL`` and ``exp(-ZL)``, as ``self.ZE``) and
        their parameters ``thetas`` (``(K, size)``, laid out as ``theta``: the L2 and L1
        penalties need the weights). A softmax output is measured by ``_softmax_measures``.

        The labels are 0/1, so with ``t = -(2y - 1) z`` each loss (see ``cost``) is
        ``softplus(t) = max(t, 0) + log1p(exp(-|t|))`` (``_softplus_into``), where
        ``exp(-|t|) = exp(-|z|)`` is the smaller of ``e = exp(-z)`` and ``1 / e``: finite and
        accurate for every finite ``z``, even where ``AL`` rounds to 0 or 1. A prediction is
        class 1 where ``z > 0`` (``AL > 0.5``). Each row is summed on its own, so a result does
        not depend on ``K`` or on the other rows: the trainer measures many epochs in one call.
        """
        if self.output == "softmax":
            out = _softmax_measures(ZE[:, 0], ZE[:, 1], self.labels, self._label_at)
        else:
            out = self._sigmoid_measures(ZE)
        if self.l2:  # + l2/(2m) sum ||Wk||^2
            sq = np.multiply(thetas, thetas)
            sq *= self._weight_mask
            out[:, 0] += self.l2 / (2 * self.m) * sq.sum(axis=1)
        if self.l1:  # + l1/m sum |Wk|
            a = np.abs(thetas)
            a *= self._weight_mask
            out[:, 0] += self.l1 / self.m * a.sum(axis=1)
        return out

    def _sigmoid_measures(self, ZE: Array) -> Array:
        """``(K, 2)``: ``[J, accuracy]`` without the penalties, for the sigmoid output."""
        K = ZE.shape[0]
        Z, E = ZE[:, 0].reshape(K, -1), ZE[:, 1].reshape(K, -1)
        t = np.multiply(Z, self._neg_sign)
        u, w, scratch = np.empty_like(t), np.empty_like(t), np.empty_like(t)
        with np.errstate(divide="ignore"):  # 1 / 0 = inf where exp(-z) underflows: min is 0
            np.reciprocal(E, out=u)
        np.minimum(u, E, out=u)  # exp(-|z|), to an ulp
        _softplus_into(t, u, w, scratch)
        out = np.empty((K, 2))
        out[:, 0] = np.add.reduce(u, axis=1)
        predicted = np.greater(Z, 0.0, out=t)  # 1.0 for class 1, 0.0 for class 0
        # right answers = sum(P over class 1) - sum(P over class 0) + the class-0 count: whole
        # numbers, exact in any order of summation
        out[:, 1] = predicted @ self._sign
        out[:, 1] += self._class0
        out /= self._divisor
        return out

    def backward_layer(self, k: int) -> None:
        """``[dWk | dBk] = dZk [A(k-1); 1]^T`` and ``dZ(k-1) = Wk^T dZk * f'(Z(k-1))``.

        ``dZL = AL - Y`` is formed first. The factor ``1/m`` of ``dWk`` and ``dBk`` is applied to
        all gradients at once in ``finish_gradients``.
        """
        self.grads_ready = False
        _run(self._bwd[k])

    def finish_gradients(self) -> None:
        """Scale by ``1/m`` (and add ``l2/m Wk``, ``l1/m sign(Wk)`` when regularising)."""
        _run(self._finish)
        self.grads_ready = True

    def backward(self) -> None:
        for fn, args in self._bwd_all:
            fn(*args)
        self.grads_ready = True

    def apply_update(self, alpha: float) -> None:
        """``theta = theta - alpha grad`` for every ``Wk`` and ``Bk`` at once.

        The new parameters go into the ``previous`` buffer, which then becomes ``theta``.
        """
        np.multiply(self.grad, alpha, self._scratch)
        np.subtract(self.theta, self._scratch, self.previous)
        self._use(1 - self._parity)

    def revert(self) -> None:
        """Undo the last ``apply_update``."""
        np.copyto(self.theta, self.previous)

    # -- norms for the history ---------------------------------------------------------------

    def norms(self, out: Array | None = None) -> Array:
        """``||dW1||, ||dB1||, ..., ||dWL||, ||dBL||, ||W1||, ||B1||, ..., ||BL||`` now."""
        norms = self.norms_batch(self.theta[None], self.grad[None])[0]
        if out is None:
            return norms
        np.copyto(out, norms)
        return out

    def norms_batch(self, thetas: Array, grads: Array) -> Array:
        """``(K, 4L)``: the norms of ``norms`` for ``K`` epochs' parameters and gradients
        (``(K, size)`` each, laid out as ``theta``); each row on its own, as ``measure_batch``.
        """
        both = np.concatenate((grads, thetas), axis=1)
        sq = np.take(both, self._segment_order, axis=1)
        np.multiply(sq, sq, out=sq)
        sums = np.add.reduceat(sq, self._segment_starts, axis=1)
        return np.sqrt(sums, out=sums)

    def step(self, alpha: float) -> None:
        """One epoch after the first forward/backward: update, forward, backward."""
        self.apply_update(alpha)
        self.forward()
        self.backward()


# ---------------------------------------------------------------------------------------------
# Evaluator: cost and accuracy of many parameter vectors at once
# ---------------------------------------------------------------------------------------------


class Evaluator:
    """The cost and accuracy of a batch of parameter vectors on fixed data, in one pass.

    The trainer measures its test set with this: it keeps the parameters of the epochs since
    the last evaluation and evaluates them together, so a batch of ``K`` epochs takes one NumPy
    call per operation instead of ``K``. ``thetas`` rows are laid out as ``Workspace.theta``
    (``[W1 | B1]``, ``[W2 | B2]``, ... flattened row by row).

    The arithmetic is the forward pass and the cost of ``forward`` and ``cost`` (the loss in the
    stable form ``max(t, 0) + log1p(exp(-|t|))``) in ``dtype``, float32 by default: about three
    times faster than float64 for ``exp``, and 7 significant digits for a number the page shows
    with 4. Each vector's result is independent of the others in the batch and of the batch's
    size. A vector whose float32 result is not finite (parameters beyond float32's range) is
    evaluated again in float64. A softmax output (``output="softmax"``, one-hot ``Y``) is
    measured as ``Workspace.measure_batch`` measures it.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activations: Sequence[str],
        X: Array,
        Y: Array,
        capacity: int,
        dtype=np.float32,
        output: str = "sigmoid",
    ) -> None:
        self.activations, self.sizes = _check_layers(layer_sizes, activations)
        sizes, L = self.sizes, len(self.sizes) - 1
        self.L = L
        self.output = _check_output(output, sizes[-1])
        m = X.shape[1]
        if m < 1 or X.shape[0] != sizes[0] or Y.shape != (sizes[-1], m):
            raise ValueError("X must be (n0, m) and Y (nL, m), with m >= 1")
        self.m, self.capacity, self.dtype = m, max(1, int(capacity)), np.dtype(dtype)
        self._X, self._Y = X, Y
        K, dt = self.capacity, self.dtype
        self._shapes = [(sizes[k], sizes[k - 1] + 1) for k in range(1, L + 1)]
        self._ends = np.cumsum([r * c for r, c in self._shapes]).tolist()
        self.size = self._ends[-1]
        self._A0 = np.ones((sizes[0] + 1, m), dtype=dt)
        with np.errstate(over="ignore"):  # beyond float32: inf, then measured in float64
            self._A0[:-1] = X
        self._Wb = [np.empty((K, r, c), dtype=dt) for r, c in self._shapes]
        # Layer after layer, each Zk is used once to form Ak, and each Ak once to form Z(k+1):
        # the layers share one Z buffer, and hidden layers of one size one A buffer (with its
        # row of ones), so the batch's working set stays small.
        zs = np.empty(K * max(sizes[1:]) * m, dtype=dt)
        self._Z = [zs[: K * n * m].reshape(K, n, m) for n in sizes[1:]]
        shared = {n: np.ones((K, n + 1, m), dtype=dt) for n in set(sizes[1:-1])}
        self._A = [shared[n] for n in sizes[1:-1]]
        self._loss = np.empty((K, sizes[-1], m), dtype=dt)
        self._tmp = np.empty((K, sizes[-1], m), dtype=dt)
        self._w = np.empty((K, sizes[-1], m), dtype=dt)
        self._predicted = np.empty((K, sizes[-1], m), dtype=dt)
        Y = np.asarray(Y, dtype=dt)
        self._neg_sign = 1.0 - 2.0 * Y  # t = -(2y - 1) z: the loss is softplus(t)
        self._sign = -self._neg_sign.ravel()  # for the right answers, as ``measure_batch``
        self._class0 = float(np.sum(1.0 - Y))
        self._labels = np.argmax(Y, axis=0)  # (softmax) each column's class, and where it
        self._label_at = self._labels * m + np.arange(m)  # sits in a flattened (nL, m) array
        self._colmax = np.empty((K, 1, m), dtype=dt)  # (softmax) max(ZL, 0) of each vector
        self._fallback: Evaluator | None = None

    @staticmethod
    def capacity_for(layer_sizes: Sequence[int], m: int, budget_bytes: int, dtype=np.float32):
        """How many vectors fit a batch whose buffers take about ``budget_bytes``."""
        per = sum(2 * int(n) + 1 for n in layer_sizes[1:]) * m * np.dtype(dtype).itemsize
        return max(1, int(budget_bytes // max(per, 1)))

    @property
    def nbytes(self) -> int:
        arrays = [self._A0, self._loss, self._tmp, self._w, self._predicted]
        arrays += [*self._Wb, self._Z[0].base, *{id(A): A for A in self._A}.values()]
        return int(sum(a.nbytes for a in arrays))

    def evaluate(self, thetas: Array) -> Array:
        """``(K, 2)``: ``[cost, accuracy]`` of each row of ``thetas`` (``K`` up to capacity)."""
        thetas = np.atleast_2d(thetas)
        K = thetas.shape[0]
        if K > self.capacity:
            step = self.capacity
            return np.concatenate([self.evaluate(thetas[i : i + step]) for i in range(0, K, step)])
        with np.errstate(all="ignore"):
            out = self._evaluate(thetas, K)
        bad = ~np.isfinite(out).all(axis=1)
        if bad.any() and self.dtype != np.float64:
            if self._fallback is None:
                self._fallback = Evaluator(
                    self.sizes, self.activations, self._X, self._Y, 1, np.float64, self.output
                )
            for i in np.flatnonzero(bad):
                out[i] = self._fallback.evaluate(thetas[i])[0]
        return out

    def _evaluate(self, thetas: Array, K: int) -> Array:
        start, A = 0, self._A0
        for k in range(1, self.L + 1):
            r, c = self._shapes[k - 1]
            Wb = self._Wb[k - 1][:K]
            vectors = thetas[:, start : self._ends[k - 1]].reshape(K, r, c)
            start = self._ends[k - 1]
            name = self.activations[k - 1] if k < self.L else "sigmoid"
            if name == "tanh" and native_tanh(self.dtype):
                name = "np.tanh"
            # tanh(z) = 1 - 2 / (1 + exp(2z)) (``_tanh``): the weights are copied doubled, so
            # the product is 2z (exactly twice z: doubling is exact)
            np.multiply(vectors, 2.0 if name == "tanh" else 1.0, out=Wb, casting="unsafe")
            Z = self._Z[k - 1][:K]
            np.matmul(Wb, A, out=Z)
            if k < self.L:
                A = self._A[k - 1][:K]
                if name == "tanh":  # Z holds 2z
                    _run(_tanh_of_half_ops(Z, A[:, :r]))
                elif name == "np.tanh":
                    np.tanh(Z, out=A[:, :r])
                else:
                    _run(_f_ops(name, Z, A[:, :r]))
        if self.output == "softmax":  # S = ZL - max(ZL, 0) in Z, then exp(S)
            colmax, E = self._colmax[:K], self._loss[:K]
            _run(_max_rows_ops(Z.transpose(1, 0, 2), colmax.transpose(1, 0, 2)))
            np.subtract(Z, colmax, out=Z)
            np.exp(Z, out=E)
            return _softmax_measures(Z, E, self._labels, self._label_at)
        # loss = softplus(t), t = -(2y - 1) z; right answers as in ``Workspace.measure_batch``
        predicted = self._predicted[:K]
        np.greater(Z, 0.0, out=predicted)
        t, u, w = self._tmp[:K], self._loss[:K], self._w[:K]
        np.multiply(Z, self._neg_sign, out=t)
        np.abs(t, out=u)
        np.negative(u, out=u)
        np.exp(u, out=u)
        _softplus_into(t, u, w, Z)  # (Z, no longer needed, as scratch)
        out = np.empty((K, 2))
        out[:, 0] = u.reshape(K, -1).sum(axis=1)  # (each row's own pairwise sum)
        out[:, 1] = predicted.reshape(K, -1) @ self._sign
        out[:, 1] += self._class0
        out /= (self.m, u[0].size)
        return out
