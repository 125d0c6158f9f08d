"""Tests for playground.engine: gradients against central differences, a worked example by hand,
activations, initialisation, numerical safety, and the Workspace held to the functional API."""

from __future__ import annotations

import ast
import math
import sys
import warnings

import numpy as np
import pytest

from playground import engine
from playground.engine import (
    ACTIVATIONS,
    LEAKY_SLOPE,
    Evaluator,
    Workspace,
    backward,
    cost,
    forward,
    init_params,
    update,
)

ACTS = sorted(ACTIVATIONS)
HIDDEN_SIZES = (4, 3, 5, 4)  # hidden layer sizes used by the gradient checks, by depth
H = 1e-6  # central-difference step
GRAD_RTOL = 1e-6  # ||num - bp|| / (||num|| + ||bp||)
KINK_MARGIN = 1e-3  # hidden |Z| kept this far from relu's kink at 0


def close(expected, rel: float):
    """``pytest.approx`` with a relative tolerance only (approx adds abs=1e-12 otherwise)."""
    return pytest.approx(expected, rel=rel, abs=0)


def relative_error(a, b) -> float:
    a, b = np.ravel(a), np.ravel(b)
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))


def out_name(params) -> str:
    return f"A{engine.n_layers(params)}"


def sigmoid_exact(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def softplus_exact(z: float) -> float:
    """log(1 + e^z), written so it never overflows."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


# ---------------------------------------------------------------------------------------------
# A small random problem for the gradient checks
# ---------------------------------------------------------------------------------------------


def make_problem(acts: tuple[str, ...], n_out: int, seed: int):
    """Perturbed params, data ``X (3, 7)`` and labels ``Y (n_out, 7)`` with every hidden |Z|
    at least KINK_MARGIN from 0 and every relu unit live.

    Tries seeds from ``seed`` on; fails loudly rather than silently checking at a kink.
    """
    m = 7
    sizes = (3, *HIDDEN_SIZES[: len(acts)], n_out)
    for attempt in range(seed, seed + 50):
        rng = np.random.default_rng(attempt)
        params = init_params(sizes, seed=attempt, method="xavier")
        for k in range(1, len(sizes)):
            params[f"W{k}"] = params[f"W{k}"] + 0.3 * rng.standard_normal(params[f"W{k}"].shape)
            params[f"B{k}"] = 0.2 + 0.3 * rng.standard_normal(params[f"B{k}"].shape)
        X = rng.standard_normal((3, m))
        Y = (rng.random((n_out, m)) < 0.5).astype(float)
        Y[:, 0], Y[:, 1] = 0.0, 1.0  # both classes in every output row
        cache = forward(params, X, acts)
        hidden_Z = [cache[f"Z{k}"] for k in range(1, len(acts) + 1)]
        far_from_kinks = min((np.abs(Z).min() for Z in hidden_Z), default=1.0) > KINK_MARGIN
        alive = all(  # every relu unit fires for some example
            (Z > 0).any(axis=1).all() for Z, a in zip(hidden_Z, acts, strict=True) if "relu" in a
        )
        if far_from_kinks and alive:
            return params, X, Y
    raise AssertionError("no random problem away from the relu kinks")  # pragma: no cover


def total_cost(params, X, Y, acts, l2, l1=0.0, output="sigmoid") -> float:
    return cost(forward(params, X, acts, output), Y, params, l2, l1, output)


def numeric_param_grads(params, X, Y, acts, l2, l1=0.0, output="sigmoid") -> dict:
    """d cost / d P for every entry of every parameter, by central differences."""
    grads = {}
    for name, P in params.items():
        G = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + H
            up = total_cost(params, X, Y, acts, l2, l1, output)
            P[idx] = old - H
            down = total_cost(params, X, Y, acts, l2, l1, output)
            P[idx] = old
            G[idx] = (up - down) / (2 * H)
        grads[f"d{name}"] = G
    return grads


def output_of(Z, output):
    """The output layer's activation, written out: the sigmoid, or the softmax."""
    if output == "softmax":
        E = np.exp(Z - Z.max(axis=0))
        return E / E.sum(axis=0)
    return 1.0 / (1.0 + np.exp(-Z))


def cost_from_Z(params, cache, k: int, Zk, Y, acts, l2, output="sigmoid") -> float:
    """The cost when layer k's pre-activation is replaced by ``Zk`` (the forward pass resumed)."""
    L = engine.n_layers(params)
    A = output_of(Zk, output) if k == L else ACTIVATIONS[acts[k - 1]].f(Zk)
    resumed = {f"Z{k}": Zk, f"A{k}": A}
    for j in range(k + 1, L + 1):
        Z = params[f"W{j}"] @ A + params[f"B{j}"]
        A = output_of(Z, output) if j == L else ACTIVATIONS[acts[j - 1]].f(Z)
        resumed[f"Z{j}"], resumed[f"A{j}"] = Z, A
    return cost(resumed, Y, params, l2, output=output)


def numeric_dZ(params, X, Y, acts, l2, k: int, output="sigmoid") -> np.ndarray:
    """m * d cost / d Zk, which the notes call dZk, by central differences."""
    cache = forward(params, X, acts, output)
    Zk = cache[f"Z{k}"].copy()
    m = X.shape[1]
    G = np.zeros_like(Zk)
    for idx in np.ndindex(Zk.shape):
        old = Zk[idx]
        Zk[idx] = old + H
        up = cost_from_Z(params, cache, k, Zk, Y, acts, l2, output)
        Zk[idx] = old - H
        down = cost_from_Z(params, cache, k, Zk, Y, acts, l2, output)
        Zk[idx] = old
        G[idx] = (up - down) / (2 * H)
    return m * G


GRAD_CASES = [
    pytest.param(act, depth, n_out, l2, id=f"{act}-depth{depth}-out{n_out}-l2={l2:g}")
    for act in ACTS
    for depth in (1, 2, 3, 4)
    for n_out in (1, 3)
    for l2 in (0.0, 0.7)
]


GRAD_CASES += [  # no hidden layer: the activation does not matter
    pytest.param("tanh", 0, n_out, l2, id=f"depth0-out{n_out}-l2={l2:g}")
    for n_out in (1, 3)
    for l2 in (0.0, 0.7)
]


@pytest.mark.parametrize(("act", "depth", "n_out", "l2"), GRAD_CASES)
def test_gradient_check(act, depth, n_out, l2):
    acts = (act,) * depth
    params, X, Y = make_problem(acts, n_out, seed=10 * depth + n_out)
    cache = forward(params, X, acts)
    bp = backward(params, cache, Y, acts, l2)
    num = numeric_param_grads(params, X, Y, acts, l2)

    names = sorted(num)
    assert set(names) <= set(bp)
    flat_num = np.concatenate([num[n].ravel() for n in names])
    flat_bp = np.concatenate([bp[n].ravel() for n in names])
    assert np.linalg.norm(flat_num) > 1e-3  # the check is not comparing zeros with zeros
    assert relative_error(flat_num, flat_bp) < GRAD_RTOL
    for n in names:  # and no single layer hides in the total
        assert bp[n].shape == num[n].shape
        np.testing.assert_allclose(bp[n], num[n], rtol=0, atol=1e-7 * (1 + np.abs(num[n]).max()))
    for k in range(1, depth + 2):
        assert np.any(bp[f"dW{k}"] != 0), f"layer {k} gets no gradient"


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("n_out", [1, 3])
def test_dZ_is_m_times_the_cost_gradient_in_Z(act, n_out):
    acts = (act, act, act)
    params, X, Y = make_problem(acts, n_out, seed=5)
    bp = backward(params, forward(params, X, acts), Y, acts, 0.4)
    for k in range(1, 5):
        num = numeric_dZ(params, X, Y, acts, 0.4, k)
        assert relative_error(num, bp[f"dZ{k}"]) < GRAD_RTOL, f"dZ{k}"


def test_l2_adds_l2_over_m_times_W_to_dW_only():
    acts = ("tanh", "relu")
    params, X, Y = make_problem(acts, 1, seed=3)
    m, l2 = X.shape[1], 0.9
    cache = forward(params, X, acts)
    plain, reg = backward(params, cache, Y, acts), backward(params, cache, Y, acts, l2)
    for k in range(1, 4):
        np.testing.assert_allclose(
            reg[f"dW{k}"] - plain[f"dW{k}"], l2 / m * params[f"W{k}"], rtol=1e-12, atol=1e-15
        )
        np.testing.assert_array_equal(reg[f"dB{k}"], plain[f"dB{k}"])
        np.testing.assert_array_equal(reg[f"dZ{k}"], plain[f"dZ{k}"])
    penalty = l2 / (2 * m) * sum(np.sum(params[f"W{k}"] ** 2) for k in range(1, 4))
    assert cost(cache, Y, params, l2) == close(cost(cache, Y) + penalty, 1e-14)
    assert cost(cache, Y, None, l2) == cost(cache, Y)  # no params, no penalty


# ---------------------------------------------------------------------------------------------
# One worked example, by hand
# ---------------------------------------------------------------------------------------------

# n0 = n1 = n2 = 2, n3 = 1, m = 2, f1 = f2 = tanh. Hand-chosen values.
EX_X = [[1.0, -2.0], [0.5, 1.2]]
EX_Y = [[1.0, 0.0]]
EX_PARAMS = {
    "W1": [[0.1, -0.2], [0.4, 0.3]],
    "B1": [[0.05], [-0.1]],
    "W2": [[0.5, -0.6], [-0.3, 0.8]],
    "B2": [[0.2], [0.1]],
    "W3": [[0.7, -0.4]],
    "B3": [[-0.15]],
}
# The numbers the hand calculation below gives (12 significant digits), to read along.
EX_VALUES = {
    "Z1": [[0.05, -0.39], [0.45, -0.54]],
    "A1": [[0.0499583749579, -0.371360227877], [0.42189900525, -0.492987966675]],
    "Z2": [[-0.0281602156711, 0.310112666067], [0.422531691713, -0.182982304977]],
    "A2": [[-0.0281527743689, 0.30053959023], [0.399061100477, -0.180967054481]],
    "Z3": [[-0.329331382249, 0.132764534953]],
    "A3": [[0.418403317044, 0.53314246611]],
    "cost": 0.816520286404,
    "dZ3": [[-0.581596682956, 0.53314246611]],
    "dW3": [[0.0883019892439, -0.164286917022]],
    "dB3": [[-0.0242271084229]],
    "dZ2": [[-0.406795005267, 0.339490817297], [0.195591019866, -0.206273017442]],
    "dW2": [[-0.0731981023387, -0.169495647893], [0.0431865021354, 0.092104886083]],
    "dB2": [[-0.0336520939853], [-0.00534099878783]],
    "dZ1": [[-0.261420712005, 0.199683957261], [0.329252443685, -0.279101976319]],
    "dW1": [[-0.330394313264, 0.0544551963555], [0.443728198162, -0.0851480748703]],
    "dB1": [[-0.030868377372], [0.0250752336829]],
}


def by_hand():
    """The notes' forward pass, cost and "Complete Back Propagation" with plain floats."""
    X, Y, P, m = EX_X, EX_Y, EX_PARAMS, 2

    def linear(W, B, A):  # Zk = Wk A(k-1) + Bk, entry by entry
        Z = []
        for i in range(len(W)):
            row = []
            for c in range(m):
                total = B[i][0]
                for j in range(len(A)):
                    total += W[i][j] * A[j][c]
                row.append(total)
            Z.append(row)
        return Z

    def dW_of(dZ, A):  # dWk = 1/m dZk A(k-1)^T
        return [
            [sum(dZ[i][c] * A[j][c] for c in range(m)) / m for j in range(len(A))]
            for i in range(len(dZ))
        ]

    def dB_of(dZ):  # dBk = 1/m sum(dZk, 1)
        return [[sum(dZ[i][c] for c in range(m)) / m] for i in range(len(dZ))]

    def back(W, dZ, A):  # dZ(k-1) = Wk^T dZk * f'(Z(k-1)), with tanh' = 1 - A^2
        out = []
        for j in range(len(A)):
            row = []
            for c in range(m):
                total = 0.0
                for i in range(len(W)):
                    total += W[i][j] * dZ[i][c]
                row.append(total * (1.0 - A[j][c] ** 2))
            out.append(row)
        return out

    v = {}
    v["Z1"] = linear(P["W1"], P["B1"], X)
    v["A1"] = [[math.tanh(z) for z in row] for row in v["Z1"]]
    v["Z2"] = linear(P["W2"], P["B2"], v["A1"])
    v["A2"] = [[math.tanh(z) for z in row] for row in v["Z2"]]
    v["Z3"] = linear(P["W3"], P["B3"], v["A2"])
    v["A3"] = [[1.0 / (1.0 + math.exp(-z)) for z in row] for row in v["Z3"]]
    a, y = v["A3"][0], Y[0]
    v["cost"] = -sum(y[i] * math.log(a[i]) + (1 - y[i]) * math.log(1 - a[i]) for i in range(m)) / m
    v["dZ3"] = [[a[i] - y[i] for i in range(m)]]
    v["dW3"], v["dB3"] = dW_of(v["dZ3"], v["A2"]), dB_of(v["dZ3"])
    v["dZ2"] = back(P["W3"], v["dZ3"], v["A2"])
    v["dW2"], v["dB2"] = dW_of(v["dZ2"], v["A1"]), dB_of(v["dZ2"])
    v["dZ1"] = back(P["W2"], v["dZ2"], v["A1"])
    v["dW1"], v["dB1"] = dW_of(v["dZ1"], X), dB_of(v["dZ1"])
    return v


def test_worked_example_by_hand():
    hand = by_hand()
    for name, value in EX_VALUES.items():  # the numbers written above are the hand calculation
        np.testing.assert_allclose(hand[name], value, rtol=1e-10, atol=1e-12, err_msg=name)

    params = {k: np.array(v) for k, v in EX_PARAMS.items()}
    X, Y, acts = np.array(EX_X), np.array(EX_Y), ("tanh", "tanh")
    cache = forward(params, X, acts)
    grads = backward(params, cache, Y, acts)
    for name in ("Z1", "A1", "Z2", "A2", "Z3", "A3"):
        assert cache[name].shape == np.shape(hand[name])
        np.testing.assert_allclose(cache[name], hand[name], rtol=0, atol=1e-12, err_msg=name)
    assert abs(cost(cache, Y) - hand["cost"]) < 1e-12
    for name in ("dZ3", "dW3", "dB3", "dZ2", "dW2", "dB2", "dZ1", "dW1", "dB1"):
        assert grads[name].shape == np.shape(hand[name])
        np.testing.assert_allclose(grads[name], hand[name], rtol=0, atol=1e-12, err_msg=name)


# ---------------------------------------------------------------------------------------------
# Vectorised = mean of per-example gradients; update
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("n_out", [1, 3])
def test_vectorised_gradient_is_mean_of_per_example_gradients(act, n_out):
    acts = (act, act)
    params, X, Y = make_problem(acts, n_out, seed=21)
    m = X.shape[1]
    full = backward(params, forward(params, X, acts), Y, acts)
    per_example = []
    for i in range(m):
        x, y = X[:, i : i + 1], Y[:, i : i + 1]
        per_example.append(backward(params, forward(params, x, acts), y, acts))
    for k in range(1, 4):
        for g in ("dW", "dB"):
            mean = sum(p[f"{g}{k}"] for p in per_example) / m
            np.testing.assert_allclose(full[f"{g}{k}"], mean, rtol=1e-12, atol=1e-15)
        # dZk's column i is example i's own dZk (no 1/m in dZ)
        columns = np.hstack([p[f"dZ{k}"] for p in per_example])
        np.testing.assert_allclose(full[f"dZ{k}"], columns, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("alpha", [0.0, 0.3, 1e6])
def test_update_is_W_minus_alpha_dW(alpha):
    params, X, Y = make_problem(("tanh", "relu"), 1, seed=2)
    grads = backward(params, forward(params, X, ("tanh", "relu")), Y, ("tanh", "relu"))
    before = {k: v.copy() for k, v in params.items()}
    new = update(params, grads, alpha)
    assert set(new) == set(params)
    for name, P in params.items():
        np.testing.assert_array_equal(new[name], P - alpha * grads[f"d{name}"])
        np.testing.assert_array_equal(P, before[name])  # inputs untouched
    if alpha:
        assert not np.array_equal(new["W1"], params["W1"])


# ---------------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------------

DEFINITIONS = {
    "sigmoid": (lambda z: 1.0 / (1.0 + np.exp(-z)), lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1.0 / np.cosh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
    ),
    "linear": (lambda z: z, np.ones_like),
}
Z_GRID = np.concatenate([np.linspace(-6, 6, 241), [-30.0, -0.3, 1e-3, 0.2, 30.0]])
Z_AWAY = Z_GRID[np.abs(Z_GRID) > 1e-2]  # away from the kinks at 0


def test_activation_names():
    assert set(ACTIVATIONS) == set(DEFINITIONS)
    assert LEAKY_SLOPE == 0.01


@pytest.mark.parametrize("act", ACTS)
def test_activation_f_and_df_match_definitions(act):
    f, df = DEFINITIONS[act]
    a = ACTIVATIONS[act]
    np.testing.assert_allclose(a.f(Z_GRID), f(Z_GRID), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(a.df(Z_GRID), df(Z_GRID), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(a.df_from_a(a.f(Z_GRID)), a.df(Z_GRID))


@pytest.mark.parametrize("act", ACTS)
def test_activation_df_matches_central_differences(act):
    a = ACTIVATIONS[act]
    num = (a.f(Z_AWAY + H) - a.f(Z_AWAY - H)) / (2 * H)
    np.testing.assert_allclose(a.df(Z_AWAY), num, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("act", ACTS)
def test_activation_out_buffers(act):
    a = ACTIVATIONS[act]
    Z = Z_GRID.reshape(2, -1).copy()
    Z_before = Z.copy()
    out = np.full_like(Z, np.nan)
    assert a.f(Z, out=out) is out
    np.testing.assert_array_equal(out, a.f(Z))
    A = a.f(Z)
    dout = np.full_like(Z, np.nan)
    assert a.df_from_a(A, out=dout) is dout
    np.testing.assert_array_equal(dout, a.df(Z))
    np.testing.assert_array_equal(Z, Z_before)  # inputs untouched


def test_relu_derivatives_at_the_kink():
    z = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(ACTIVATIONS["relu"].df(z), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(ACTIVATIONS["leaky_relu"].df(z), [LEAKY_SLOPE, LEAKY_SLOPE, 1])


@pytest.mark.parametrize("act", ACTS)
def test_activations_at_extremes_exact_limits_and_no_warnings(act):
    z = np.array([-1e4, -800.0, 800.0, 1e4])
    f, _ = DEFINITIONS[act]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A, dA = ACTIVATIONS[act].f(z), ACTIVATIONS[act].df(z)
    with np.errstate(over="ignore"):
        np.testing.assert_array_equal(A, f(z))  # sigmoid 0 and 1, tanh -1 and 1 exactly
    assert np.isfinite(dA).all()


# ---------------------------------------------------------------------------------------------
# init_params
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", engine.INIT_METHODS)
def test_init_shapes(method):
    sizes = (3, 5, 2, 4, 1)
    params = init_params(sizes, seed=1, method=method)
    assert sorted(params) == sorted(f"{p}{k}" for k in range(1, 5) for p in "WB")
    for k in range(1, len(sizes)):
        assert params[f"W{k}"].shape == (sizes[k], sizes[k - 1])
        assert params[f"B{k}"].shape == (sizes[k], 1)
        np.testing.assert_array_equal(params[f"B{k}"], 0.0)
        assert params[f"W{k}"].dtype == np.float64
    assert engine.n_layers(params) == 4


def test_init_deterministic_per_seed_and_different_per_seed():
    a, b = init_params((2, 4, 3, 1), seed=7), init_params((2, 4, 3, 1), seed=7)
    c = init_params((2, 4, 3, 1), seed=8)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    assert not np.array_equal(a["W1"], c["W1"])
    assert not np.array_equal(a["W2"], c["W2"])


@pytest.mark.parametrize(
    ("method", "expected_std"),
    [("xavier", math.sqrt(1 / 500)), ("he", math.sqrt(2 / 500)), ("small", 0.01)],
)
def test_init_statistics(method, expected_std):
    W = init_params((500, 1000), seed=3, method=method)["W1"]  # 500 000 draws
    assert W.shape == (1000, 500)
    assert W.std() == pytest.approx(expected_std, rel=0.01)
    assert abs(W.mean()) < 0.01 * expected_std * 5  # mean 0 within 5 standard errors
    fractions = np.mean(np.abs(W) < expected_std)
    assert fractions == pytest.approx(0.6827, abs=0.005)  # normal, not uniform


def test_init_zeros_and_dtype():
    params = init_params((2, 3, 1), method="zeros")
    for P in params.values():
        np.testing.assert_array_equal(P, 0.0)
    p32 = init_params((2, 3, 1), seed=0, dtype=np.float32)
    p64 = init_params((2, 3, 1), seed=0)
    assert all(P.dtype == np.float32 for P in p32.values())
    np.testing.assert_array_equal(p32["W1"], p64["W1"].astype(np.float32))


@pytest.mark.parametrize(
    ("sizes", "method"),
    [
        ((3,), "xavier"),
        ((), "xavier"),
        ((2, 0, 1), "xavier"),
        ((2, -3, 1), "he"),
        ((2, 3, 1), "uniform"),
        ((2, 3, 1), "Xavier"),
    ],
)
def test_init_rejects_bad_sizes_and_methods(sizes, method):
    with pytest.raises(ValueError):
        init_params(sizes, method=method)


# ---------------------------------------------------------------------------------------------
# forward: depths and names
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", range(1, engine.MAX_HIDDEN_LAYERS + 1))
def test_forward_any_supported_depth(depth):
    assert engine.MAX_HIDDEN_LAYERS == 6
    sizes = (2, *range(3, 3 + depth), 1)
    acts = tuple(ACTS[i % len(ACTS)] for i in range(depth))
    params = init_params(sizes, seed=depth)
    X = np.random.default_rng(0).standard_normal((2, 5))
    cache = forward(params, X, acts)
    assert cache["A0"] is X or np.array_equal(cache["A0"], X)
    for k in range(1, depth + 2):
        assert cache[f"Z{k}"].shape == (sizes[k], 5) == cache[f"A{k}"].shape
    AL = cache[f"A{depth + 1}"]
    assert ((AL > 0) & (AL < 1)).all()
    np.testing.assert_array_equal(engine.predict_proba(params, X, acts), AL)


@pytest.mark.parametrize("depth", [7, 8])
def test_forward_rejects_unsupported_depths(depth):
    sizes = (2, *[3] * depth, 1)
    params = init_params(sizes)
    with pytest.raises(ValueError):
        forward(params, np.ones((2, 4)), ("tanh",) * depth)
    with pytest.raises(ValueError):
        backward(params, {}, np.ones((1, 4)), ("tanh",) * depth)


def test_forward_rejects_unknown_activation_and_mismatched_depth():
    params = init_params((2, 3, 3, 1))
    X = np.ones((2, 4))
    with pytest.raises(ValueError, match="unknown activation"):
        forward(params, X, ("tanh", "softmax"))
    with pytest.raises(ValueError):
        forward(params, X, ("tanh",))  # 3 weight layers need 2 hidden activations
    with pytest.raises(ValueError):
        forward(params, X, ("tanh", "tanh", "tanh"))


def test_accuracy():
    AL = np.array([[0.9, 0.2, 0.6, 0.4]])
    assert engine.accuracy(AL, np.array([[1.0, 0.0, 0.0, 0.0]])) == 0.75
    assert engine.accuracy(AL, np.array([[0.0, 1.0, 0.0, 1.0]])) == 0.0


# ---------------------------------------------------------------------------------------------
# Numerical safety
# ---------------------------------------------------------------------------------------------


def test_cost_where_AL_rounds_to_0_or_1():
    Z = np.array([[-1e4, 1e4, -1e4, 1e4, -40.0, 40.0, 3.0]])
    Y = np.array([[1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0]])
    A = 1.0 / (1.0 + np.exp(-np.clip(Z, -700, 700)))
    assert A[0, 0] == 0.0 or A[0, 0] < 1e-300
    assert A[0, 1] == 1.0  # the naive log(1 - a) would be log(0)
    exact = [softplus_exact(z) - y * z for z, y in zip(Z[0], Y[0], strict=True)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = cost({"A0": np.zeros((1, 7)), "Z1": Z, "A1": A}, Y)
    assert math.isfinite(J)
    assert J == close(sum(exact) / 7, 1e-14)
    # one example at a time: the loss of z = -1e4, y = 1 is exactly 1e4
    for z, y, loss in zip(Z[0], Y[0], exact, strict=True):
        J1 = cost({"Z1": np.array([[z]]), "A1": np.array([[sigmoid_exact(z)]])}, np.array([[y]]))
        assert J1 == pytest.approx(loss, rel=1e-14, abs=1e-300)
    assert exact[0] == 1e4 and exact[1] == 1e4 and exact[2] == 0.0 and exact[3] == 0.0


def test_cost_sums_over_output_units():
    Z = np.array([[0.3, -1.2], [2.0, 0.1], [-0.5, 0.4]])
    Y = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    A = 1.0 / (1.0 + np.exp(-Z))
    by_hand = (
        -sum(
            Y[i, c] * math.log(A[i, c]) + (1 - Y[i, c]) * math.log(1 - A[i, c])
            for i in range(3)
            for c in range(2)
        )
        / 2
    )
    assert cost({"Z1": Z, "A1": A}, Y) == close(by_hand, 1e-13)


def scaled_to(params, X, acts, target=1e4):
    """``params`` with each layer scaled so that max |Zk| is ``target``, layer by layer."""
    params = {k: v.copy() for k, v in params.items()}
    for k in range(1, engine.n_layers(params) + 1):
        cache = forward(params, X, acts)
        factor = target / np.abs(cache[f"Z{k}"]).max()
        params[f"W{k}"] *= factor
        params[f"B{k}"] *= factor
    return params


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_no_warnings_and_finite_with_huge_Z_and_alpha(act, l2):
    acts = (act, act)
    params, X, Y = make_problem(acts, 3, seed=4)
    params = scaled_to(params, X, acts)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache = forward(params, X, acts)
        J = cost(cache, Y, params, l2)
        grads = backward(params, cache, Y, acts, l2)
        new = update(params, grads, 1e6)
        J_new = cost(forward(new, X, acts), Y, new, l2)  # may be huge, but must not warn
    for k in range(1, 4):
        assert np.abs(cache[f"Z{k}"]).max() == pytest.approx(1e4)
    assert all(np.isfinite(v).all() for v in cache.values())
    assert all(np.isfinite(v).all() for v in grads.values())
    assert all(np.isfinite(v).all() for v in new.values())
    assert math.isfinite(J) and J > 0
    assert not math.isnan(J_new)


# ---------------------------------------------------------------------------------------------
# Workspace: the same arithmetic in buffers
# ---------------------------------------------------------------------------------------------

WS_CASES = [
    pytest.param(acts, n_out, l2, id=f"{'-'.join(acts)}-out{n_out}-l2={l2:g}")
    for acts in [("tanh",), ("relu", "sigmoid"), ("leaky_relu", "linear", "tanh")]
    + [(a, a) for a in ("sigmoid", "linear")]
    for n_out in (1, 3)
    for l2 in (0.0, 0.4)
]


def workspace_problem(acts, n_out, l2, m=9, seed=0):
    params, _, _ = make_problem(acts, n_out, seed=seed)
    rng = np.random.default_rng(seed + 100)
    X = rng.standard_normal((3, m))
    Y = (rng.random((n_out, m)) < 0.5).astype(float)
    sizes = (3, *HIDDEN_SIZES[: len(acts)], n_out)
    ws = Workspace(sizes, acts, X, Y, l2=l2)
    ws.load(params)
    return ws, params, X, Y


@pytest.mark.parametrize(("acts", "n_out", "l2"), WS_CASES)
def test_workspace_agrees_with_functional_api(acts, n_out, l2):
    ws, params, X, Y = workspace_problem(acts, n_out, l2)
    L = len(acts) + 1
    ws.forward()
    J, acc = ws.measure()
    ws.backward()

    cache = forward(params, X, acts)
    grads = backward(params, cache, Y, acts, l2)

    for name, P in ws.params().items():
        np.testing.assert_array_equal(P, params[name])
    got_cache = ws.cache()
    assert sorted(got_cache) == sorted(cache)
    for name in cache:
        np.testing.assert_allclose(got_cache[name], cache[name], rtol=1e-12, atol=1e-14)
    got_grads = ws.grads()
    assert sorted(got_grads) == sorted(grads)
    for name in grads:
        np.testing.assert_allclose(got_grads[name], grads[name], rtol=1e-12, atol=1e-14)

    assert J == close(cost(cache, Y, params, l2), 1e-12)
    assert acc == close(engine.accuracy(cache[f"A{L}"], Y), 1e-12)

    norms = ws.norms()
    expected = [np.linalg.norm(grads[f"d{p}{k}"]) for k in range(1, L + 1) for p in "WB"]
    expected += [np.linalg.norm(params[f"{p}{k}"]) for k in range(1, L + 1) for p in "WB"]
    np.testing.assert_allclose(norms, expected, rtol=1e-12)


@pytest.mark.parametrize("choice", ["all", "none", "by shape"])
@pytest.mark.parametrize(("acts", "n_out"), [(("tanh", "relu"), 1), (("sigmoid", "tanh"), 3)])
def test_workspace_gradients_formed_transposed_or_in_place_agree(monkeypatch, choice, acts, n_out):
    """Every layer's [dWk | dBk] formed as [A(k-1); 1] dZk^T and copied, none, or as chosen by
    ``_transposed_gradient`` (here only the 40x41 layer of 1,000 points)."""
    if choice != "by shape":
        monkeypatch.setattr(engine, "_transposed_gradient", lambda n, p, m: choice == "all")
    rng = np.random.default_rng(3)
    m, sizes = 1_000, (2, 40, 40, n_out)
    X = rng.standard_normal((2, m))
    labels = rng.integers(0, n_out if n_out > 1 else 2, m)
    Y = np.eye(n_out)[:, labels] if n_out > 1 else labels[None].astype(float)
    output = "softmax" if n_out > 1 else "sigmoid"
    params = engine.init_params(sizes, 1)
    ws = Workspace(sizes, acts, X, Y, l2=0.3, output=output)
    chosen = [T is not None for T in ws._transposed[1:]]
    if choice == "by shape":  # 40x3 (120,000 multiply-adds: too few), 40x41, n_out x 41
        assert chosen == [False, True, False]
    else:
        assert chosen == [choice == "all"] * 3
    ws.load(params)
    for _ in range(2):  # a second epoch reads the gradients the first one left
        ws.forward()
        ws.backward()
        grads = backward(params, forward(params, X, acts, output), Y, acts, 0.3)
        for name, G in ws.grads().items():
            np.testing.assert_allclose(G, grads[name], rtol=1e-11, atol=1e-14)
        ws.apply_update(0.5)
        params = update(params, grads, 0.5)


@pytest.mark.parametrize("alpha", [0.1, 2.5])
def test_workspace_apply_update_equals_update_and_revert_undoes_it(alpha):
    acts = ("tanh", "relu")
    ws, params, X, Y = workspace_problem(acts, 1, 0.2)
    ws.forward()
    ws.measure()
    ws.backward()
    grads = ws.grads()
    ws.apply_update(alpha)
    expected = update(params, grads, alpha)
    for name, P in ws.params().items():
        np.testing.assert_array_equal(P, expected[name])  # exactly W - alpha dW
    functional = update(params, backward(params, forward(params, X, acts), Y, acts, 0.2), alpha)
    for name, P in ws.params().items():
        np.testing.assert_allclose(P, functional[name], rtol=1e-12, atol=1e-14)
    ws.revert()
    for name, P in ws.params().items():
        np.testing.assert_array_equal(P, params[name])


def test_workspace_step():
    acts = ("tanh", "tanh")
    ws, params, X, Y = workspace_problem(acts, 1, 0.0, m=11)
    ws.forward()
    J, _ = ws.measure()
    cache = forward(params, X, acts)
    assert J == close(cost(cache, Y), 1e-12)
    ws.backward()
    grads = backward(params, cache, Y, acts)
    ws.step(0.5)  # update, forward, backward
    new = update(params, grads, 0.5)
    for name, P in ws.params().items():
        np.testing.assert_allclose(P, new[name], rtol=1e-12, atol=1e-14)
    new_grads = backward(new, forward(new, X, acts), Y, acts)
    for name, G in ws.grads().items():
        np.testing.assert_allclose(G, new_grads[name], rtol=1e-11, atol=1e-14)


def one_unit_workspace(Z, Y):
    """A network whose output pre-activation ZL equals the input: linear hidden unit, weights 1."""
    ws = Workspace((1, 1, 1), ("linear",), Z, Y)
    ws.load({"W1": np.ones((1, 1)), "B1": np.zeros((1, 1)), "W2": np.ones((1, 1)),
             "B2": np.zeros((1, 1))})  # fmt: skip
    with np.errstate(over="ignore"):  # the Workspace leaves exp's overflow to its caller
        ws.forward()
        return ws.measure()


def test_workspace_cost_where_AL_rounds_to_0_or_1():
    Z = np.array([[-1e4, 1e4, 3.0, -1e4, 1e4, -2.0]])
    Y = np.array([[1.0, 0.0, 1.0, 0.0, 1.0, 0.0]])
    exact = [softplus_exact(z) - y * z for z, y in zip(Z[0], Y[0], strict=True)]
    J, acc = one_unit_workspace(Z[:, :3], Y[:, :3])
    assert J == close(sum(exact[:3]) / 3, 1e-14)  # (1e4 + 1e4 + 0.0486) / 3
    assert acc == 1 / 3
    J, acc = one_unit_workspace(Z[:, 3:], Y[:, 3:])
    assert J == close(sum(exact[3:]) / 3, 1e-14)  # (0 + 0 + 0.127) / 3
    assert acc == 1.0


@pytest.mark.parametrize("margin", [20.0, 40.0])
def test_workspace_cost_accurate_for_tiny_losses(margin):
    Z = np.array([[-margin, margin]])  # both right, with the same tiny loss softplus(-margin)
    Y = np.array([[0.0, 1.0]])
    J, _ = one_unit_workspace(Z, Y)
    exact = softplus_exact(-margin)
    assert cost({"Z1": Z, "A1": 1 / (1 + np.exp(-Z))}, Y) == close(exact, 1e-12)
    assert J == close(exact, 1e-9)


def test_workspace_rejects_bad_shapes_and_labels():
    X, Y = np.zeros((2, 6)), np.zeros((1, 6))
    with pytest.raises(ValueError):
        Workspace((2, 3, 1), ("tanh", "tanh"), X, Y)  # activations vs sizes
    with pytest.raises(ValueError):
        Workspace((2, 3, 1), ("tanh",), X[:, :0], Y[:, :0])  # no observation
    with pytest.raises(ValueError):
        Workspace((2, 3, 1), ("tanh",), X, Y[:, :5])  # m differs
    with pytest.raises(ValueError):
        Workspace((3, 3, 1), ("tanh",), X, Y)  # n0 mismatch
    with pytest.raises(ValueError):
        Workspace((2, 3, 1), ("tanh",), X, np.full((1, 6), 0.5))  # labels not 0/1
    with pytest.raises(ValueError):
        Workspace((2, 3, 1), ("nope",), X, Y)


# ---------------------------------------------------------------------------------------------
# Evaluator: many parameter vectors at once, in float32
# ---------------------------------------------------------------------------------------------


def evaluator_problem(acts, n_out, K=5, m=30, seed=0):
    """``K`` parameter vectors laid out as ``Workspace.theta``, with data and a Workspace."""
    rng = np.random.default_rng(seed)
    sizes = (3, *HIDDEN_SIZES[: len(acts)], n_out)
    X = rng.standard_normal((3, m))
    Y = (rng.random((n_out, m)) < 0.5).astype(float)
    ws = Workspace(sizes, acts, X, Y)
    thetas = []
    for i in range(K):
        ws.load(init_params(sizes, seed=i))
        thetas.append(ws.theta * (1 + i))  # larger weights: outputs far from 0.5 too
    return sizes, X, Y, ws, np.stack(thetas)


@pytest.mark.parametrize("n_out", [1, 3])
@pytest.mark.parametrize("acts", [("tanh", "tanh"), ("relu", "sigmoid", "leaky_relu"), ("linear",)])
def test_evaluator_agrees_with_the_notes_cost_in_float32(acts, n_out):
    sizes, X, Y, ws, thetas = evaluator_problem(acts, n_out)
    got = Evaluator(sizes, acts, X, Y, capacity=8).evaluate(thetas)
    assert got.shape == (len(thetas), 2)
    L = len(sizes) - 1
    for theta, (J, acc) in zip(thetas, got, strict=True):
        params = ws.unflatten(theta)
        cache = forward(params, X, acts)
        assert J == close(cost(cache, Y), 2e-6)  # float32's precision, not float64's
        assert acc == engine.accuracy(cache[f"A{L}"], Y)


def test_evaluator_results_do_not_depend_on_the_batch():
    acts = ("tanh", "relu")
    sizes, X, Y, _, thetas = evaluator_problem(acts, 1, K=7)
    ev = Evaluator(sizes, acts, X, Y, capacity=3)  # 7 vectors: batches of 3, 3 and 1
    together = ev.evaluate(thetas)
    alone = np.concatenate([ev.evaluate(theta) for theta in thetas])
    reversed_ = ev.evaluate(thetas[::-1])[::-1]
    assert together.tobytes() == alone.tobytes() == reversed_.tobytes()


def test_evaluator_falls_back_to_float64_beyond_float32s_range():
    acts = ("linear",)
    sizes, X, Y, ws, thetas = evaluator_problem(acts, 1, K=2)
    thetas[1] *= 1e39  # beyond float32 (3.4e38): cast to inf there, finite in float64
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = Evaluator(sizes, acts, X, Y, capacity=2).evaluate(thetas)
    assert np.isfinite(got).all()
    cache = forward(ws.unflatten(thetas[1]), X, acts)
    assert got[1, 0] == close(cost(cache, Y), 1e-12)
    assert got[1, 0] > 1e38  # a hopeless but finite cost


def test_evaluator_cost_of_tiny_losses():
    # every point right by a wide margin: losses of about exp(-40), which float32 still holds
    Z = np.array([[-40.0, 40.0]])
    Y = np.array([[0.0, 1.0]])
    ev = Evaluator((1, 1, 1), ("linear",), Z, Y, capacity=1)
    theta = np.array([1.0, 0.0, 1.0, 0.0])  # W1, B1, W2, B2: ZL = X
    J, acc = ev.evaluate(theta)[0]
    assert J == close(softplus_exact(-40.0), 1e-6)
    assert acc == 1.0


# ---------------------------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------------------------


def test_engine_imports_only_numpy(repo_root):
    tree = ast.parse((repo_root / "playground" / "engine.py").read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports (of playground modules)"
            modules.add(node.module.split(".")[0])
    third_party = {name for name in modules if name not in sys.stdlib_module_names}
    assert third_party == {"numpy"}
    assert "numpy" in modules


@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_l1_gradient_check_and_its_sign_term(act):
    acts = (act, act)
    params, X, Y = make_problem(acts, 1, seed=4)
    for name in params:  # keep every weight a central difference's step away from |w| = 0
        P = params[name]
        P[np.abs(P) < 1e-3] = 1e-3
    m, l1 = X.shape[1], 0.6
    cache = forward(params, X, acts)
    plain, reg = backward(params, cache, Y, acts), backward(params, cache, Y, acts, l1=l1)
    for k in range(1, 4):
        np.testing.assert_allclose(
            reg[f"dW{k}"] - plain[f"dW{k}"], l1 / m * np.sign(params[f"W{k}"]), rtol=1e-12,
            atol=1e-15,
        )  # fmt: skip
        np.testing.assert_array_equal(reg[f"dB{k}"], plain[f"dB{k}"])
    penalty = l1 / m * sum(np.abs(params[f"W{k}"]).sum() for k in range(1, 4))
    assert cost(cache, Y, params, l1=l1) == close(cost(cache, Y) + penalty, 1e-14)
    num = numeric_param_grads(params, X, Y, acts, 0.2, l1)
    both = backward(params, cache, Y, acts, 0.2, l1)
    names = sorted(num)
    flat_num = np.concatenate([num[n].ravel() for n in names])
    flat_bp = np.concatenate([both[n].ravel() for n in names])
    assert relative_error(flat_num, flat_bp) < GRAD_RTOL


def test_workspace_with_l1_agrees_with_functional_api():
    acts, l2, l1 = ("tanh", "relu"), 0.3, 0.5
    params, _, _ = make_problem(acts, 1, seed=0)
    rng = np.random.default_rng(100)
    X = rng.standard_normal((3, 9))
    Y = (rng.random((1, 9)) < 0.5).astype(float)
    ws = Workspace((3, *HIDDEN_SIZES[:2], 1), acts, X, Y, l2=l2, l1=l1)
    ws.load(params)
    ws.forward()
    J, _ = ws.measure()
    ws.backward()
    cache = forward(params, X, acts)
    assert J == close(cost(cache, Y, params, l2, l1), 1e-12)
    grads = backward(params, cache, Y, acts, l2, l1)
    for name, G in ws.grads().items():
        if not name.startswith("dZ"):
            np.testing.assert_allclose(G, grads[name], rtol=1e-12, atol=1e-15, err_msg=name)


@pytest.mark.parametrize("l1", [0.0, 0.4])
@pytest.mark.parametrize(("acts", "n_out", "l2"), WS_CASES[:4])
def test_workspace_batches_of_epochs_measure_each_as_alone(acts, n_out, l2, l1):
    # The trainer measures many epochs in one call: each row's cost, accuracy and norms are
    # those of the epoch measured alone (the bits too), in any order, whatever the batch.
    ws, params, X, Y = workspace_problem(acts, n_out, l2)
    ws.l1 = l1
    ZL, thetas, grads, alone = [], [], [], []
    with np.errstate(all="ignore"):
        ws.forward()
        ws.backward()
        for _ in range(5):
            ws.step(0.7)
            ZL.append(ws.ZE.copy())
            thetas.append(ws.theta.copy())
            grads.append(ws.grad.copy())
            alone.append([*ws.measure(), *ws.norms()])
    ZL, thetas, grads = np.array(ZL), np.array(thetas), np.array(grads)
    together = np.hstack([ws.measure_batch(ZL, thetas), ws.norms_batch(thetas, grads)])
    assert together.tobytes() == np.array(alone).tobytes()
    backwards = np.hstack(
        [ws.measure_batch(ZL[::-1], thetas[::-1]), ws.norms_batch(thetas[::-1], grads[::-1])]
    )
    assert backwards[::-1].tobytes() == together.tobytes()
    # and the last one is the notes' cost of those parameters
    last = ws.params()
    cache = forward(last, X, acts)
    assert together[-1, 0] == close(cost(cache, Y, last, l2, l1), 1e-12)
    assert together[-1, 1] == close(engine.accuracy(cache[f"A{ws.L}"], Y), 1e-12)


def test_workspace_forward_keeps_the_tanh_layers_activations_to_the_bit():
    # forward() forms 2 Zk in Ak with doubled weights; forward_layer() forms Zk, then Ak: the
    # same activations, bit for bit, and cache() forms each hidden Zk anew.
    ws, params, X, Y = workspace_problem(("tanh", "relu", "tanh"), 1, 0.0)
    ws.forward()
    fast = ws.cache()
    for k in range(1, ws.L + 1):
        ws.forward_layer(k)
    staged = {"A0": ws.act[0]}
    for k in range(1, ws.L + 1):
        staged[f"Z{k}"], staged[f"A{k}"] = ws.Z[k], ws.act[k]
    for name, value in staged.items():
        assert fast[name].tobytes() == value.tobytes(), name


# ---------------------------------------------------------------------------------------------
# More than two classes: the softmax output (issue 16)
# ---------------------------------------------------------------------------------------------


def one_hot(labels, K: int) -> np.ndarray:
    """``Y`` ``(K, m)``: a 1 in row ``labels[i]`` of column ``i``."""
    return np.eye(K)[:, np.asarray(labels)]


def make_softmax_problem(acts: tuple[str, ...], K: int, seed: int):
    """``make_problem``'s parameters and data, with one-hot labels of ``K`` classes (each
    class present)."""
    params, X, _ = make_problem(acts, K, seed)
    labels = np.random.default_rng(seed).integers(0, K, X.shape[1])
    labels[:K] = np.arange(K)
    return params, X, one_hot(labels, K)


def test_output_layer_for_a_number_of_classes():
    assert engine.output_layer(2) == (1, "sigmoid")  # the notes' single unit
    assert engine.output_layer(3) == (3, "softmax")
    assert engine.output_layer(np.int64(6)) == (6, "softmax")
    for bad in (1, 0, -3):
        with pytest.raises(ValueError, match="at least 2 classes"):
            engine.output_layer(bad)
    assert engine.OUTPUTS == ("sigmoid", "softmax")


SOFTMAX_GRAD_CASES = [
    pytest.param(act, depth, K, l2, id=f"{act}-depth{depth}-K{K}-l2={l2:g}")
    for act in ACTS
    for depth in (1, 2, 3, 4)
    for K in (3, 5)
    for l2 in (0.0, 0.7)
] + [
    pytest.param("tanh", 0, K, l2, id=f"depth0-K{K}-l2={l2:g}") for K in (3, 5) for l2 in (0.0, 0.7)
]


@pytest.mark.parametrize(("act", "depth", "K", "l2"), SOFTMAX_GRAD_CASES)
def test_softmax_gradient_check(act, depth, K, l2):
    # backward is the notes' (dZL = AL - Y) unchanged; the cost is the categorical
    # cross-entropy of the softmax: central differences of that cost must agree
    acts = (act,) * depth
    params, X, Y = make_softmax_problem(acts, K, seed=10 * depth + K)
    cache = forward(params, X, acts, "softmax")
    bp = backward(params, cache, Y, acts, l2)
    num = numeric_param_grads(params, X, Y, acts, l2, output="softmax")
    names = sorted(num)
    flat_num = np.concatenate([num[n].ravel() for n in names])
    flat_bp = np.concatenate([bp[n].ravel() for n in names])
    assert np.linalg.norm(flat_num) > 1e-3
    assert relative_error(flat_num, flat_bp) < GRAD_RTOL
    for n in names:
        assert bp[n].shape == num[n].shape
        np.testing.assert_allclose(bp[n], num[n], rtol=0, atol=1e-7 * (1 + np.abs(num[n]).max()))
    for k in range(1, depth + 2):
        assert np.any(bp[f"dW{k}"] != 0), f"layer {k} gets no gradient"
    # and the sigmoid's cost would give other gradients: the check tells the two apart
    sigmoid_num = numeric_param_grads(params, X, Y, acts, l2)
    assert relative_error(sigmoid_num[f"dW{depth + 1}"], bp[f"dW{depth + 1}"]) > 1e-2


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("K", [3, 5])
def test_softmax_dZ_is_m_times_the_cost_gradient_in_Z(act, K):
    acts = (act, act, act)
    params, X, Y = make_softmax_problem(acts, K, seed=5)
    bp = backward(params, forward(params, X, acts, "softmax"), Y, acts, 0.4)
    for k in range(1, 5):
        num = numeric_dZ(params, X, Y, acts, 0.4, k, output="softmax")
        assert relative_error(num, bp[f"dZ{k}"]) < GRAD_RTOL, f"dZ{k}"


# n0 = n1 = 2, n2 = K = 3, m = 2, f1 = tanh, softmax output; labels 2 and 0. Hand-chosen values.
SM_X = [[1.0, -2.0], [0.5, 1.2]]
SM_LABELS = [2, 0]
SM_PARAMS = {
    "W1": [[0.1, -0.2], [0.4, 0.3]],
    "B1": [[0.05], [-0.1]],
    "W2": [[0.5, -0.6], [-0.3, 0.8], [0.7, -0.4]],
    "B2": [[0.2], [0.1], [-0.15]],
}
# The numbers the hand calculation below gives (12 significant digits), to read along.
SM_VALUES = {
    "Z1": [[0.05, -0.39], [0.45, -0.54]],
    "A1": [[0.0499583749579, -0.371360227877], [0.42189900525, -0.492987966675]],
    "Z2": [
        [-0.0281602156711, 0.310112666067],
        [0.422531691713, -0.182982304977],
        [-0.283788739629, -0.212756972843],
    ],
    "A2": [
        [0.299058508325, 0.453813124228],
        [0.469341731471, 0.277158770758],
        [0.231599760203, 0.269028105014],
    ],
    "cost": 1.1264071775,
    "dZ2": [
        [0.299058508325, -0.546186875772],
        [0.469341731471, 0.277158770758],
        [-0.768400239797, 0.269028105014],
    ],
    "dW2": [
        [0.108886279872, 0.197718022243],
        [-0.0397390970313, 0.0306894353938],
        [-0.0691471828403, -0.228407457637],
    ],
    "dB2": [[-0.123564183723], [0.373250251115], [-0.249686067391]],
    "dZ1": [[-0.52783275124, -0.144763621445], [0.413794084017, 0.334447312943]],
    "dW1": [[-0.119152754175, -0.218816360677], [-0.127550270934, 0.30411690877]],
    "dB1": [[-0.336298186343], [0.37412069848]],
}


def softmax_by_hand():
    """The forward pass with a softmax output, the categorical cross-entropy and the notes'
    backward pass, with plain floats."""
    X, P, m, K = SM_X, SM_PARAMS, 2, 3
    Y = [[1.0 if SM_LABELS[c] == i else 0.0 for c in range(m)] for i in range(K)]

    def linear(W, B, A):
        return [
            [B[i][0] + sum(W[i][j] * A[j][c] for j in range(len(A))) for c in range(m)]
            for i in range(len(W))
        ]

    v = {"Z1": linear(P["W1"], P["B1"], X)}
    v["A1"] = [[math.tanh(z) for z in row] for row in v["Z1"]]
    v["Z2"] = linear(P["W2"], P["B2"], v["A1"])
    e = [[math.exp(v["Z2"][i][c]) for c in range(m)] for i in range(K)]
    totals = [sum(e[i][c] for i in range(K)) for c in range(m)]
    v["A2"] = [[e[i][c] / totals[c] for c in range(m)] for i in range(K)]  # softmax
    v["cost"] = -sum(Y[i][c] * math.log(v["A2"][i][c]) for i in range(K) for c in range(m)) / m
    v["dZ2"] = [[v["A2"][i][c] - Y[i][c] for c in range(m)] for i in range(K)]  # AL - Y
    v["dW2"] = [
        [sum(v["dZ2"][i][c] * v["A1"][j][c] for c in range(m)) / m for j in range(2)]
        for i in range(K)
    ]
    v["dB2"] = [[sum(v["dZ2"][i]) / m] for i in range(K)]
    v["dZ1"] = [
        [
            sum(P["W2"][i][j] * v["dZ2"][i][c] for i in range(K)) * (1 - v["A1"][j][c] ** 2)
            for c in range(m)
        ]
        for j in range(2)
    ]
    v["dW1"] = [
        [sum(v["dZ1"][i][c] * X[j][c] for c in range(m)) / m for j in range(2)] for i in range(2)
    ]
    v["dB1"] = [[sum(v["dZ1"][i]) / m] for i in range(2)]
    return v


def test_softmax_worked_example_by_hand():
    hand = softmax_by_hand()
    for name, value in SM_VALUES.items():
        np.testing.assert_allclose(hand[name], value, rtol=1e-10, atol=1e-12, err_msg=name)
    params = {k: np.array(v) for k, v in SM_PARAMS.items()}
    X, Y, acts = np.array(SM_X), one_hot(SM_LABELS, 3), ("tanh",)
    cache = forward(params, X, acts, "softmax")
    grads = backward(params, cache, Y, acts)
    for name in ("Z1", "A1", "Z2", "A2"):
        np.testing.assert_allclose(cache[name], hand[name], rtol=0, atol=1e-12, err_msg=name)
    assert cost(cache, Y, output="softmax") == close(hand["cost"], 1e-13)
    for name in ("dZ2", "dW2", "dB2", "dZ1", "dW1", "dB1"):
        np.testing.assert_allclose(grads[name], hand[name], rtol=0, atol=1e-12, err_msg=name)
    # label 2 has A2 = 0.2316 in column 0, label 0 has 0.4538 (the largest) in column 1
    assert engine.accuracy(cache["A2"], Y, "softmax") == 0.5


def test_softmax_of_two_units_is_the_sigmoid_of_their_difference():
    # softmax([z, 0]) = [sigmoid(z), 1 - sigmoid(z)]: the log-sum-exp cost must equal the
    # sigmoid's softplus cost, also where AL rounds to 0 or 1
    z = np.array([-1e4, -40.0, -3.0, -1e-9, 0.0, 0.7, 35.0, 1e4])
    y = np.array([1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    ZL = np.vstack([z, np.zeros_like(z)])
    Y = np.vstack([y, 1.0 - y])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        soft = cost({"Z1": ZL}, Y, output="softmax")
        A = forward({"W1": np.eye(2), "B1": np.zeros((2, 1))}, ZL, (), "softmax")["A1"]
    sig = cost({"Z1": z[None]}, y[None])
    assert soft == close(sig, 1e-14)
    np.testing.assert_allclose(A[0], [sigmoid_exact(v) for v in z], rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(A.sum(axis=0), 1.0, rtol=1e-15)


def test_softmax_cost_is_finite_for_huge_logits_and_spreads():
    # columns: a sure right answer, a sure wrong one, a tie, and spreads of 2e300
    ZL = np.array(
        [
            [1e300, -1e300, 5.0, 0.0, 1e300],
            [-1e300, 1e300, 5.0, 0.0, -1e300],
            [0.0, 0.0, 5.0, 0.0, 1e300],
        ]
    )
    labels = [0, 0, 1, 2, 2]
    Y = one_hot(labels, 3)
    # each loss: 0; 2e300; log 3 (three-way tie); log 3; log 2 (tied with class 0)
    exact = [0.0, 2e300, math.log(3), math.log(3), math.log(2)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cache = forward({"W1": np.eye(3), "B1": np.zeros((3, 1))}, ZL, (), "softmax")
        J = cost(cache, Y, output="softmax")
        for i, loss in enumerate(exact):
            one = cost({"Z1": ZL[:, i : i + 1]}, Y[:, i : i + 1], output="softmax")
            assert one == close(loss, 1e-15) if loss else one == 0.0
        acc = engine.accuracy(cache["A1"], Y, "softmax")
    assert math.isfinite(J)
    assert J == close(sum(exact) / 5, 1e-15)
    np.testing.assert_array_equal(cache["A1"][:, 0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(cache["A1"][:, 4], [0.5, 0.0, 0.5])
    # argmax picks the first of a tie: column 2 predicts 0 (label 1), column 3 predicts 0
    # (label 2), column 4 predicts 0 (label 2); column 0 is right and column 1 wrong
    assert acc == 1 / 5


@pytest.mark.parametrize("margin", [20.0, 40.0, 700.0])
def test_softmax_cost_accurate_for_tiny_losses(margin):
    ZL = np.array([[margin, 0.0], [0.0, 0.0], [0.0, margin]])  # both right by `margin`
    Y = one_hot([0, 2], 3)
    exact = math.log1p(2 * math.exp(-margin))  # each column's loss: log(1 + 2 e^-margin)
    assert cost({"Z1": ZL}, Y, output="softmax") == close(exact, 1e-14)
    ws = Workspace((3, 3, 3), ("linear",), ZL, Y, output="softmax")
    ws.load({"W1": np.eye(3), "B1": np.zeros((3, 1)), "W2": np.eye(3), "B2": np.zeros((3, 1))})
    ws.forward()
    J, acc = ws.measure()
    assert J == close(exact, 1e-12) and acc == 1.0
    J32, acc32 = Evaluator((3, 3, 3), ("linear",), ZL, Y, 1, output="softmax").evaluate(ws.theta)[0]
    if margin < 80:  # float32 holds e^-40; e^-700 underflows to 0, a loss of 0 then
        assert J32 == close(exact, 1e-6)
    assert acc32 == 1.0


def test_softmax_cost_against_minus_log_AL():
    params, X, Y = make_softmax_problem(("tanh", "relu"), 4, seed=8)
    cache = forward(params, X, ("tanh", "relu"), "softmax")
    AL = cache["A3"]
    np.testing.assert_allclose(AL.sum(axis=0), 1.0, rtol=1e-15)
    assert (AL > 0).all()
    direct = -np.sum(Y * np.log(AL)) / X.shape[1]
    assert cost(cache, Y, output="softmax") == close(direct, 1e-13)
    # with the penalties as for the sigmoid
    m = X.shape[1]
    penalty = 0.3 / (2 * m) * sum(np.sum(params[f"W{k}"] ** 2) for k in range(1, 4))
    penalty += 0.2 / m * sum(np.sum(np.abs(params[f"W{k}"])) for k in range(1, 4))
    assert cost(cache, Y, params, 0.3, 0.2, "softmax") == close(direct + penalty, 1e-13)


def test_softmax_accuracy_is_the_share_of_argmax_equal_to_the_label():
    AL = np.array([[0.5, 0.1, 0.3, 0.4], [0.3, 0.2, 0.3, 0.4], [0.2, 0.7, 0.4, 0.2]])
    # argmax: 0, 2, 2, 0 (the first of the tie 0.4 / 0.4)
    assert engine.accuracy(AL, one_hot([0, 2, 2, 0], 3), "softmax") == 1.0
    assert engine.accuracy(AL, one_hot([0, 2, 1, 1], 3), "softmax") == 0.5
    assert engine.accuracy(AL, one_hot([1, 0, 0, 2], 3), "softmax") == 0.0


def test_output_is_checked():
    params = init_params((2, 3, 1))
    X = np.ones((2, 4))
    with pytest.raises(ValueError, match="unknown output"):
        forward(params, X, ("tanh",), "softplus")
    with pytest.raises(ValueError, match="at least 2 units"):
        forward(params, X, ("tanh",), "softmax")  # one output unit
    with pytest.raises(ValueError, match="at least 2 units"):
        cost({"Z1": np.zeros((1, 4))}, np.zeros((1, 4)), output="softmax")
    Y3 = one_hot([0, 1, 2, 0], 3)
    with pytest.raises(ValueError, match="one-hot"):
        Workspace((2, 3, 3), ("tanh",), X, Y3 * 0.0, output="softmax")  # no class
    with pytest.raises(ValueError, match="one-hot"):
        Workspace((2, 3, 3), ("tanh",), X, np.maximum(Y3, Y3[::-1]), output="softmax")  # two
    with pytest.raises(ValueError, match="unknown output"):
        Evaluator((2, 3, 3), ("tanh",), X, Y3, 2, output="Softmax")
    Workspace((2, 3, 3), ("tanh",), X, Y3, output="softmax")  # one-hot: accepted


SOFTMAX_WS_CASES = [
    pytest.param(acts, K, l2, l1, id=f"{'-'.join(acts) or 'none'}-K{K}-l2={l2:g}-l1={l1:g}")
    for acts in [(), ("tanh",), ("relu", "sigmoid"), ("leaky_relu", "linear", "tanh")]
    for K in (3, 5)
    for l2, l1 in ((0.0, 0.0), (0.4, 0.3))
]


def softmax_workspace_problem(acts, K, l2=0.0, l1=0.0, m=9, seed=0):
    params, _, _ = make_softmax_problem(acts, K, seed)
    rng = np.random.default_rng(seed + 100)
    X = rng.standard_normal((3, m))
    labels = rng.integers(0, K, m)
    Y = one_hot(labels, K)
    ws = Workspace((3, *HIDDEN_SIZES[: len(acts)], K), acts, X, Y, l2=l2, l1=l1, output="softmax")
    ws.load(params)
    return ws, params, X, Y


@pytest.mark.parametrize(("acts", "K", "l2", "l1"), SOFTMAX_WS_CASES)
def test_softmax_workspace_agrees_with_functional_api(acts, K, l2, l1):
    ws, params, X, Y = softmax_workspace_problem(acts, K, l2, l1)
    L = len(acts) + 1
    with np.errstate(all="ignore"):
        ws.forward()
        J, acc = ws.measure()
        ws.backward()
    cache = forward(params, X, acts, "softmax")
    grads = backward(params, cache, Y, acts, l2, l1)
    got_cache = ws.cache()
    assert sorted(got_cache) == sorted(cache)
    for name in cache:
        np.testing.assert_allclose(got_cache[name], cache[name], rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(got_cache[f"A{L}"], ws.act[L])
    got_grads = ws.grads()
    for name in grads:
        np.testing.assert_allclose(got_grads[name], grads[name], rtol=1e-12, atol=1e-14)
    assert J == close(cost(cache, Y, params, l2, l1, "softmax"), 1e-12)
    assert acc == engine.accuracy(cache[f"A{L}"], Y, "softmax")
    expected = [np.linalg.norm(grads[f"d{p}{k}"]) for k in range(1, L + 1) for p in "WB"]
    expected += [np.linalg.norm(params[f"{p}{k}"]) for k in range(1, L + 1) for p in "WB"]
    np.testing.assert_allclose(ws.norms(), expected, rtol=1e-12)
    # one epoch: update, forward, backward, as the notes' update of the functional gradients
    with np.errstate(all="ignore"):
        ws.step(0.5)
    new = update(params, grads, 0.5)
    for name, P in ws.params().items():
        np.testing.assert_allclose(P, new[name], rtol=1e-12, atol=1e-14)
    new_grads = backward(new, forward(new, X, acts, "softmax"), Y, acts, l2, l1)
    for name, G in ws.grads().items():
        np.testing.assert_allclose(G, new_grads[name], rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize(("acts", "K", "l2", "l1"), SOFTMAX_WS_CASES[::3])
def test_softmax_workspace_batches_of_epochs_measure_each_as_alone(acts, K, l2, l1):
    ws, params, X, Y = softmax_workspace_problem(acts, K, l2, l1)
    ZE, thetas, alone = [], [], []
    with np.errstate(all="ignore"):
        ws.forward()
        ws.backward()
        for _ in range(5):
            ws.step(0.7)
            ZE.append(ws.ZE.copy())
            thetas.append(ws.theta.copy())
            alone.append(ws.measure())
    ZE, thetas = np.array(ZE), np.array(thetas)
    together = ws.measure_batch(ZE, thetas)
    assert together.tobytes() == np.array(alone).tobytes()
    assert ws.measure_batch(ZE[::-1], thetas[::-1])[::-1].tobytes() == together.tobytes()
    last = ws.params()
    cache = forward(last, X, acts, "softmax")
    assert together[-1, 0] == close(cost(cache, Y, last, l2, l1, "softmax"), 1e-12)
    assert together[-1, 1] == engine.accuracy(cache[f"A{ws.L}"], Y, "softmax")


def test_softmax_workspace_staged_forward_equals_forward():
    ws, params, X, Y = softmax_workspace_problem(("tanh", "relu"), 4)
    ws.forward()
    fast = ws.cache()
    for k in range(1, ws.L + 1):
        ws.forward_layer(k)
    staged = ws.cache()
    for name, value in staged.items():
        assert fast[name].tobytes() == value.tobytes(), name
    np.testing.assert_allclose(ws.act[ws.L].sum(axis=0), 1.0, rtol=1e-15)


def test_softmax_workspace_and_evaluator_with_huge_logits():
    # ZL = X through a linear hidden layer of identity weights: logits of 1e300
    ZL = np.array([[1e300, -1e300, 3.0, 0.0], [-1e300, 1e300, 3.0, 1.0], [0.0, 0.0, 3.0, 2.0]])
    Y = one_hot([0, 0, 2, 2], 3)
    ws = Workspace((3, 3, 3), ("linear",), ZL, Y, output="softmax")
    ws.load({"W1": np.eye(3), "B1": np.zeros((3, 1)), "W2": np.eye(3), "B2": np.zeros((3, 1))})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="ignore"):
            ws.forward()
        J, acc = ws.measure()
        ev = Evaluator((3, 3, 3), ("linear",), ZL, Y, 2, output="softmax").evaluate(ws.theta)
    exact = (0.0 + 2e300 + math.log(3) + (2.0 + math.log1p(math.exp(-1) + math.exp(-2)))) / 4
    assert J == close(exact, 1e-15)
    assert acc == 0.5  # column 2 is a three-way tie: predicted 0
    # float32 cannot hold 1e300: the evaluator falls back to float64 for this vector
    assert ev[0, 0] == close(exact, 1e-15) and ev[0, 1] == 0.5


@pytest.mark.parametrize("K", [3, 5])
@pytest.mark.parametrize("acts", [("tanh", "tanh"), ("relu", "sigmoid", "leaky_relu"), ("linear",)])
def test_softmax_evaluator_agrees_with_the_cost_in_float32(acts, K):
    rng = np.random.default_rng(K)
    sizes = (3, *HIDDEN_SIZES[: len(acts)], K)
    X = rng.standard_normal((3, 30))
    Y = one_hot(rng.integers(0, K, 30), K)
    ws = Workspace(sizes, acts, X, Y, output="softmax")
    thetas = []
    for i in range(5):
        ws.load(init_params(sizes, seed=i))
        thetas.append(ws.theta * (1 + i))
    thetas = np.stack(thetas)
    ev = Evaluator(sizes, acts, X, Y, capacity=3, output="softmax")
    got = ev.evaluate(thetas)  # batches of 3 and 2
    for theta, (J, acc) in zip(thetas, got, strict=True):
        params = ws.unflatten(theta)
        cache = forward(params, X, acts, "softmax")
        assert J == close(cost(cache, Y, output="softmax"), 2e-6)
        assert acc == engine.accuracy(cache[f"A{len(sizes) - 1}"], Y, "softmax")
    alone = np.concatenate([ev.evaluate(theta) for theta in thetas])
    assert alone.tobytes() == got.tobytes() == ev.evaluate(thetas[::-1])[::-1].tobytes()
    as64 = Evaluator(sizes, acts, X, Y, capacity=8, dtype=np.float64, output="softmax")
    for theta, (J, _) in zip(thetas, as64.evaluate(thetas), strict=True):
        cache = forward(ws.unflatten(theta), X, acts, "softmax")
        assert J == close(cost(cache, Y, output="softmax"), 1e-12)


def test_softmax_training_lowers_the_cost_and_learns_three_blobs():
    rng = np.random.default_rng(3)
    centres = np.array([[3.0, -3.0, 0.0], [0.0, 0.0, 3.0]])
    labels = rng.integers(0, 3, 90)
    X = centres[:, labels] + 0.5 * rng.standard_normal((2, 90))
    Y = one_hot(labels, 3)
    acts = ("tanh",)
    params = init_params((2, 5, 3), seed=0)
    J0 = total_cost(params, X, Y, acts, 0.0, output="softmax")
    for _ in range(200):
        params = update(params, backward(params, forward(params, X, acts, "softmax"), Y, acts), 0.5)
    cache = forward(params, X, acts, "softmax")
    assert cost(cache, Y, output="softmax") < J0 / 10
    assert engine.accuracy(cache["A2"], Y, "softmax") == 1.0
    assert engine.predict_proba(params, X, acts, "softmax").shape == (3, 90)


# ---------------------------------------------------------------------------------------------
# np.tanh where NumPy's own tanh is the faster (issue 15)
# ---------------------------------------------------------------------------------------------


def test_native_tanh_follows_numpys_dispatch():
    from numpy.lib.introspect import opt_func_info

    for dtype in (np.float64, np.float32):
        char = np.dtype(dtype).char
        current = opt_func_info(func_name="^tanh$")["tanh"][char + char]["current"]
        assert engine.native_tanh(dtype) == current.startswith(("X86_V4", "AVX512"))


@pytest.mark.parametrize("native", [True, False])
def test_workspace_and_evaluator_tanh_is_np_tanh_or_the_exp_form(monkeypatch, native):
    # whichever tanh the machine gets, the hot paths compute exactly that function, and the
    # plain functions keep the exp form (the exported script's)
    monkeypatch.setattr(engine, "native_tanh", lambda dtype=np.float64: native)
    acts = ("tanh", "relu", "tanh")
    ws, params, X, Y = workspace_problem(acts, 1, 0.0)
    ws.forward()
    got = ws.cache()
    cache = forward(params, X, acts)
    tanh = np.tanh if native else engine._tanh
    for k in (1, 3):
        assert got[f"A{k}"].tobytes() == tanh(got[f"Z{k}"]).tobytes(), k
        np.testing.assert_allclose(got[f"A{k}"], cache[f"A{k}"], rtol=1e-14, atol=1e-15)
    assert cache["A1"].tobytes() == engine._tanh(cache["Z1"]).tobytes()
    ws.forward_layer(1)  # the staged pass: the same bits
    assert ws.act[1].tobytes() == got["A1"].tobytes()
    # the float32 test pass, against the plain cost
    sizes = (3, *HIDDEN_SIZES[:3], 1)
    ev = Evaluator(sizes, acts, X, Y, capacity=2)
    J, acc = ev.evaluate(ws.theta)[0]
    assert J == close(cost(cache, Y), 2e-6) and acc == engine.accuracy(cache["A4"], Y)
