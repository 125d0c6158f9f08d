"""Tests for playground/checks.py (gradient check, activation statistics, learning-rate preview)
and the figures that show them (``activation_view``, ``lr_preview_figure``,
``gradcheck_figure`` in playground/figures.py), read back as data.

Run ``python tests/test_checks.py`` for the gradient check's timings.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from playground import checks, engine
from playground import figures as F

ROOT = Path(__file__).resolve().parents[1]
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")


# ---------------------------------------------------------------------------------------------
# Fixtures


def network(sizes, acts, m=200, seed=0, bias=0.1):
    """Parameters (Xavier weights, small random biases), inputs and 0/1 labels (XOR-like)."""
    rng = np.random.default_rng(seed)
    params = engine.init_params(sizes, seed)
    for k in range(1, len(sizes)):
        params[f"B{k}"] = rng.normal(scale=bias, size=(sizes[k], 1))
    X = rng.normal(size=(sizes[0], m))
    Y = (X[0] * X[-1] > 0).astype(float)[None, :].repeat(sizes[-1], axis=0)
    return params, X, Y, tuple(acts)


def by_name(rows):
    return {r.name: r for r in rows}


def validated(fig: go.Figure) -> go.Figure:
    """Re-run plotly's full validation (the builders skip it for speed)."""
    return go.Figure(fig.to_dict())


# ---------------------------------------------------------------------------------------------
# Gradient check: the real backprop passes


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_real_backprop_agrees_to_seven_digits(act):
    params, X, Y, acts = network((2, 4, 4, 1), (act, act), seed=3)
    rows = checks.gradient_check(params, X, Y, acts)
    assert [r.name for r in rows] == ["W1", "B1", "W2", "B2", "W3", "B3"]
    for r in rows:
        assert r.rel_error < 1e-7, (r.name, r.rel_error)
        assert r.verdict.startswith("excellent (< 1e-7)")
        assert r.checked == r.total == math.prod(r.shape)
        if act in checks.KINKED and r.name[1] != "3":
            assert r.kinks == 0  # away from the kinks: no step crossed z = 0
        else:
            assert r.kinks is None  # no ReLU-type layer downstream of this matrix
    assert checks.overall(rows).startswith("All 6 matrices pass")


@pytest.mark.parametrize("acts", [("tanh", "relu", "sigmoid"), ("leaky_relu", "linear", "tanh")])
def test_deeper_mixed_network_with_l2_and_two_outputs(acts):
    params, X, Y, acts = network((3, 5, 4, 3, 2), acts, m=150, seed=1)
    # Two independent sigmoid units (the engine's nL > 1 sigmoid output), asked for by name:
    # left out, more than one output unit is taken for a softmax.
    rows = checks.gradient_check(params, X, Y, acts, l2=0.7, output="sigmoid")
    assert len(rows) == 8
    assert max(r.rel_error for r in rows) < 1e-7
    # The L2 term matters: dropping it from backprop's gradient is caught.
    grads = engine.backward(params, engine.forward(params, X, acts), Y, acts, l2=0.0)
    wrong = by_name(
        checks.gradient_check(params, X, Y, acts, l2=0.7, grads=grads, output="sigmoid")
    )
    assert wrong["W1"].rel_error > 1e-3 and wrong["B1"].rel_error < 1e-7  # no L2 on biases


def test_inputs_are_cast_to_float64():
    params, X, Y, acts = network((2, 4, 4, 1), ("sigmoid", "tanh"), seed=2)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    rows = checks.gradient_check(p32, X.astype(np.float32), Y.astype(np.float32), acts)
    assert max(r.rel_error for r in rows) < 1e-7  # float32 differences would give ~1e-3


# ---------------------------------------------------------------------------------------------
# Gradient check: broken gradients are caught


def test_scaled_gradient_is_wrong():
    params, X, Y, acts = network((2, 4, 4, 1), ("tanh", "tanh"))
    grads = engine.backward(params, engine.forward(params, X, acts), Y, acts)
    grads["dW2"] = grads["dW2"] * 1.1
    rows = by_name(checks.gradient_check(params, X, Y, acts, grads=grads))
    assert rows["W2"].rel_error == pytest.approx(0.1 / 2.1, rel=1e-4)
    assert rows["W2"].verdict.startswith("wrong (≥ 1e-3)")
    assert "bug in the backward pass" in rows["W2"].verdict
    assert all(r.rel_error < 1e-7 for name, r in rows.items() if name != "W2")
    summary = checks.overall(list(rows.values()))
    assert summary.startswith("Backprop looks wrong for W2")


def test_missing_derivative_factor_is_wrong(monkeypatch):
    """Backprop without f'(Z) (dZ1 = W2^T dZ2 only) breaks every gradient below layer 2."""
    params, X, Y, acts = network((2, 4, 4, 1), ("tanh", "tanh"))
    cache = engine.forward(params, X, acts)
    with monkeypatch.context() as mp:
        act = engine.ACTIVATIONS["tanh"]
        mp.setitem(engine.ACTIVATIONS, "tanh", act._replace(df_from_a=lambda A: np.ones_like(A)))
        broken = engine.backward(params, cache, Y, acts)
    rows = by_name(checks.gradient_check(params, X, Y, acts, grads=broken))
    for name in ("W1", "B1", "W2", "B2"):
        assert rows[name].rel_error >= 1e-3, name
        assert rows[name].verdict.startswith("wrong")
    assert rows["W3"].rel_error < 1e-7 and rows["B3"].rel_error < 1e-7  # dZ3 = A3 - Y is intact


def test_rejects_bad_shapes():
    params, X, Y, acts = network((2, 4, 1), ("tanh",))
    with pytest.raises(ValueError):
        checks.gradient_check(params, X, Y[:, :10], acts)
    with pytest.raises(ValueError):
        checks.gradient_check(params, X, Y, ("tanh", "tanh"))
    grads = engine.backward(params, engine.forward(params, X, acts), Y, acts)
    grads["dW1"] = grads["dW1"].T
    with pytest.raises(ValueError):
        checks.gradient_check(params, X, Y, acts, grads=grads)
    with pytest.raises(ValueError):
        checks.gradient_check(params, X, Y, acts, h=0.0)


def test_nan_parameters_give_not_a_number_without_warnings():
    params, X, Y, acts = network((2, 4, 1), ("tanh",))
    params["W2"][0, 1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = checks.gradient_check(params, X, Y, acts)
    assert all(math.isnan(r.rel_error) for r in rows)
    assert rows[0].verdict.startswith("not a number")
    assert "could not be compared" in checks.overall(rows)


# ---------------------------------------------------------------------------------------------
# Gradient check: sampling, batching, the oracle


def test_sampling_checks_at_most_max_entries_and_is_seeded():
    params, X, Y, acts = network((3, 12, 9, 1), ("tanh", "sigmoid"), m=50)
    rows = checks.gradient_check(params, X, Y, acts, max_entries=7)
    for r in rows:
        assert r.total == math.prod(r.shape)
        assert r.checked == min(7, r.total)
    again = checks.gradient_check(params, X, Y, acts, max_entries=7)
    other = checks.gradient_check(params, X, Y, acts, max_entries=7, seed=1)
    assert [r.rel_error for r in rows] == [r.rel_error for r in again]
    assert [r.rel_error for r in rows] != [r.rel_error for r in other]
    everything = checks.gradient_check(params, X, Y, acts, max_entries=None)
    assert [r.checked for r in everything] == [36, 12, 108, 9, 9, 1]


def test_sampled_entries_are_the_ones_compared():
    """Break a single entry of dW2: found only when the sample contains it."""
    params, X, Y, acts = network((3, 12, 9, 1), ("tanh", "tanh"), m=50)
    grads = engine.backward(params, engine.forward(params, X, acts), Y, acts)
    grads["dW2"] = grads["dW2"].copy()
    grads["dW2"][4, 7] += 1.0
    found = []
    for seed in range(12):
        r = by_name(
            checks.gradient_check(params, X, Y, acts, max_entries=20, seed=seed, grads=grads)
        )
        found.append(r["W2"].rel_error > 1e-3)
        assert r["W1"].rel_error < 1e-7
    # 20 of 108 entries: each seed finds the bad one with probability 20/108.
    assert any(found) and not all(found)


def test_batched_perturbations_equal_engine_forward_and_cost(monkeypatch):
    """The fast path evaluates exactly ``engine.cost(engine.forward(perturbed params))``."""
    params, X, Y, acts = network((2, 5, 4, 3, 1), ("relu", "tanh", "leaky_relu"), m=30)
    P64 = {k: v.astype(np.float64) for k, v in params.items()}
    cache = engine.forward(P64, X, acts)
    h = 1e-3
    for kind, k in (("W", 1), ("B", 2), ("W", 3), ("W", 4), ("B", 4)):
        P = P64[f"{kind}{k}"]
        flat = np.arange(P.size)
        for batch in (checks._BATCH_ELEMENTS, 1):  # many entries per batch, then one
            monkeypatch.setattr(checks, "_BATCH_ELEMENTS", batch)
            plus, minus, _ = checks._perturbed_costs(P64, cache, Y, acts, 0.3, kind, k, flat, h)
            for n, e in enumerate(flat):
                for step, got in ((h, plus[n]), (-h, minus[n])):
                    moved = {key: v.copy() for key, v in P64.items()}
                    moved[f"{kind}{k}"].flat[e] += step
                    want = engine.cost(engine.forward(moved, X, acts), Y, moved, 0.3)
                    assert got == pytest.approx(want, rel=1e-13, abs=1e-15)


def test_kink_crossings_are_counted_and_explain_the_error():
    """A ReLU unit with z = 1e-8 at one point: every step of h = 1e-5 on its bias crosses the
    kink, and the finite difference there is off; without that entry the error is tiny."""
    params, X, Y, acts = network((2, 3, 1), ("relu",), m=20, seed=4)
    Z1 = params["W1"] @ X + params["B1"]
    params["B1"][0, 0] -= Z1[0, 0] - 1e-8  # z1[0] at point 0 sits just above the kink
    params["B1"][1:] += 5.0  # units 1 and 2 positive everywhere: far from their kinks
    rows = by_name(checks.gradient_check(params, X, Y, acts))
    b1 = rows["B1"]
    assert b1.kinks == 1 and b1.checked == 3
    assert b1.rel_error > 1e-5
    assert b1.rel_error_smooth < 1e-7
    assert "stepped across a ReLU kink" in b1.verdict and "kinks explain it" in b1.verdict
    assert rows["W2"].kinks is None
    assert "ReLU kinks" in checks.overall(list(rows.values()))


def test_default_network_is_fast():
    params, X, Y, acts = network((2, 4, 4, 1), ("tanh", "tanh"), m=200)
    start = time.perf_counter()
    checks.gradient_check(params, X, Y, acts)
    assert time.perf_counter() - start < 1.0  # ~10 ms; loose for a busy machine


@pytest.mark.slow
def test_six_layers_of_32_units_stay_usable():
    params, X, Y, acts = network((2, *[32] * 6, 1), ["tanh"] * 6, m=1000)
    start = time.perf_counter()
    rows = checks.gradient_check(params, X, Y, acts)
    elapsed = time.perf_counter() - start
    assert sum(r.checked for r in rows) == 5 * 60 + 60 + 6 * 32 + 32 + 1
    assert max(r.rel_error for r in rows) < 1e-7
    # 2-3 s on an idle 2-core machine; the bound is loose because other processes competing
    # for the cores (and BLAS threads waiting on them) can make it several times slower.
    assert elapsed < 60.0


# ---------------------------------------------------------------------------------------------
# Verdicts in words


def test_verdict_levels_and_digits():
    assert verdict_level(3e-10) == "excellent"
    assert checks.verdict(3e-10).endswith("agree to 9 digits.")
    assert checks.verdict(0.0).endswith("agree exactly.")
    assert verdict_level(3e-6) == "fine"
    assert verdict_level(3e-4) == "suspicious"
    assert verdict_level(0.05) == "wrong"
    assert verdict_level(5e-3) == "wrong"
    assert checks.verdict(float("nan")).startswith("not a number")
    assert checks.verdict(float("inf")).startswith("not a number")


def verdict_level(rel_err):
    return checks.verdict(rel_err).split(" ")[0]


def test_verdict_mentions_kinks_only_for_relu_networks():
    smooth = checks.verdict(2e-4)
    assert "kink" not in smooth and "slightly off" in smooth
    crossed = checks.verdict(2e-4, kinks=2, checked=30, rel_err_smooth=3e-10)
    assert "2 of the 30 checked entries stepped across a ReLU kink" in crossed
    assert "kinks explain it" in crossed and "slightly off" not in crossed
    still = checks.verdict(0.05, kinks=1, checked=30, rel_err_smooth=0.04)
    assert "still too large" in still and "bug" in still
    none = checks.verdict(2e-4, kinks=0)
    assert "kinks do not explain this" in none
    assert "kink" not in checks.verdict(2e-9, kinks=3, checked=10, rel_err_smooth=1e-9)


def test_verdict_tiny_gradients():
    text = checks.verdict(3e-4, tiny=True)
    assert "rounding noise" in text and "slightly off" not in text


def test_overall_summaries():
    def row(name, rel, kinks=None, smooth=None):
        return checks.GradCheckRow(name, (2, 2), 4, 4, rel, rel, 1.0, 1.0, kinks, smooth, 0.0, "")

    assert checks.overall([]) == "Nothing was checked."
    assert "even the worst, B1, agrees to 7 digits" in checks.overall(
        [row("W1", 2e-10), row("B1", 3e-8)]
    )
    assert checks.overall([row("W1", 2e-10), row("B1", 3e-6)]).startswith("All 2 matrices pass")
    text = checks.overall([row("W1", 0.2), row("W2", 0.3), row("B1", 1e-9)])
    assert text.startswith("Backprop looks wrong for W1 (2.0e-01), W2 (3.0e-01)")
    assert "those layers" in text
    assert checks.overall([row("W1", 2e-4)]).startswith("Suspicious: W1")
    kinked = checks.overall([row("W1", 2e-4, kinks=1, smooth=1e-9)])
    assert kinked.startswith("Backprop is right") and "ReLU kinks" in kinked


# ---------------------------------------------------------------------------------------------
# Activation statistics


def hand_cache(acts_and_Z):
    cache = {"A0": np.zeros((1, 1))}
    for k, (name, Z) in enumerate(acts_and_Z, start=1):
        Z = np.asarray(Z, dtype=float)
        cache[f"Z{k}"], cache[f"A{k}"] = Z, engine.ACTIVATIONS[name].f(Z)
    return cache


def test_saturation_shares():
    cache = hand_cache(
        [
            ("sigmoid", [[-10.0, 0.0, 10.0, 0.5], [6.0, -1.0, 1.0, 2.0]]),  # 3 of 8 in the tails
            ("tanh", [[-3.0, 0.0, 3.0, 0.1], [5.0, 1.0, 0.0, 0.0]]),  # 3 of 8 beyond |0.99|
        ]
    )
    s1, s2 = checks.activation_stats(cache, ("sigmoid", "tanh"))
    assert (s1.layer, s1.name, s1.units) == (1, "sigmoid", 2)
    assert s1.saturated == pytest.approx(3 / 8)
    assert s2.saturated == pytest.approx(3 / 8)
    assert s1.dead is None and s1.inactive is None and s1.dead_share is None
    A2 = cache["A2"]
    assert s2.mean_abs_df == pytest.approx(np.mean(1 - A2**2))
    A1 = cache["A1"]
    assert s1.mean_abs_df == pytest.approx(np.mean(A1 * (1 - A1)))


def test_dead_relus_and_inactive_leaky_units():
    Z_relu = [
        [-1.0, -2.0, -0.5, -3.0],  # dead
        [1.0, -2.0, 0.5, -3.0],  # alive at two points
        [0.0, -1.0, -0.1, 0.0],  # dead: output 0 everywhere
        [2.0, 2.0, 2.0, 2.0],
    ]
    Z_leaky = [[-1.0, -2.0, -3.0, -0.1], [1.0, -1.0, 1.0, -1.0]]
    cache = hand_cache([("relu", Z_relu), ("leaky_relu", Z_leaky), ("linear", Z_leaky)])
    relu, leaky, linear = checks.activation_stats(cache, ("relu", "leaky_relu", "linear"))
    assert relu.dead == 2 and relu.dead_share == 0.5 and relu.saturated is None
    assert relu.mean_abs_df == pytest.approx(6 / 16)  # f' = 1 where z > 0
    assert leaky.dead is None and leaky.inactive == 1
    assert leaky.mean_abs_df == pytest.approx((2 * 1.0 + 6 * engine.LEAKY_SLOPE) / 8)
    assert linear.dead is None and linear.inactive is None and linear.saturated is None
    assert linear.mean_abs_df == 1.0


def test_z_samples_are_strided_and_bounded():
    rng = np.random.default_rng(0)
    small = rng.normal(size=(3, 7))
    big = rng.normal(size=(10, 2001))  # 20010 values: every 5th
    (s_small,) = checks.activation_stats(hand_cache([("tanh", small)]), ("tanh",))
    (s_big,) = checks.activation_stats(hand_cache([("tanh", big)]), ("tanh",))
    np.testing.assert_array_equal(s_small.Z, small.ravel())
    assert s_big.Z.size <= checks.MAX_STATS_SAMPLES
    np.testing.assert_array_equal(s_big.Z, big.ravel()[::5])


def test_activation_stats_reads_a_trainer():
    from playground.trainer import Config, Trainer

    t = Trainer(Config(hidden=(4, 3), activations=("relu", "sigmoid")))
    stats = checks.activation_stats(t.cache, t.config.activations)
    assert [(s.layer, s.name, s.units) for s in stats] == [(1, "relu", 4), (2, "sigmoid", 3)]
    assert stats[0].Z.size == 4 * t.m


def test_activation_curves_and_panels():
    z, f, df = checks.activation_curves("tanh")
    assert z[0] == -5.0 and z[-1] == 5.0 and z.size == 201
    np.testing.assert_allclose(f, np.tanh(z), atol=1e-12)
    np.testing.assert_allclose(df, 1 - np.tanh(z) ** 2, atol=1e-12)
    with pytest.raises(ValueError):
        checks.activation_curves("softmax")
    cache = hand_cache([("relu", [[-12.0, 1.0, 3.0]]), ("tanh", [[0.0, 1.0, 2.0]])])
    p1, p2 = checks.activation_panels(checks.activation_stats(cache, ("relu", "tanh")))
    assert p1["z_grid"][0] == -12.0 and p1["z_grid"][-1] == 5.0  # covers the z values
    assert p2["z_grid"][0] == -5.0 and p2["z_grid"][-1] == 5.0
    np.testing.assert_array_equal(p1["f"], np.maximum(p1["z_grid"], 0.0))
    assert p1["dead"] == 0 and p2["saturated"] == 0.0 and p1["name"] == "relu"


# ---------------------------------------------------------------------------------------------
# Learning-rate preview


def test_lr_preview_tiny_steps_follow_the_gradient():
    params, X, Y, acts = network((2, 4, 4, 1), ("tanh", "tanh"))
    cache = engine.forward(params, X, acts)
    grads = engine.backward(params, cache, Y, acts)
    pv = checks.lr_preview(params, grads, X, Y, acts, alphas=[1e-12, 1e-6, 1e-3])
    assert pv.current == engine.cost(cache, Y)
    assert pv.costs[0] == pytest.approx(pv.current, abs=1e-12)
    assert pv.costs[2] < pv.costs[1] < pv.current  # downhill along -dtheta
    # First order: J(theta) - J(theta - a dtheta) ~ a ||dtheta||^2.
    sq = sum(float(np.sum(grads[f"d{p}{k}"] ** 2)) for k in (1, 2, 3) for p in "WB")
    assert (pv.current - pv.costs[1]) / 1e-6 == pytest.approx(sq, rel=1e-3)


def test_lr_preview_defaults_and_l2():
    params, X, Y, acts = network((2, 4, 1), ("sigmoid",))
    cache = engine.forward(params, X, acts)
    grads = engine.backward(params, cache, Y, acts, l2=2.0)
    pv = checks.lr_preview(params, grads, X, Y, acts, l2=2.0)
    assert pv.alphas.size == pv.costs.size == 40
    assert pv.alphas[0] == pytest.approx(1e-4) and pv.alphas[-1] == pytest.approx(100.0)
    assert np.all(np.diff(np.log(pv.alphas)) == pytest.approx(np.log(1e6) / 39))
    assert pv.current == pytest.approx(engine.cost(cache, Y, params, 2.0))
    assert pv.costs[0] < pv.current


def test_lr_preview_huge_steps_give_nan_without_warnings():
    params, X, Y, acts = network((2, 4, 4, 1), ("linear", "linear"))
    grads = engine.backward(params, engine.forward(params, X, acts), Y, acts)
    alphas = [1e-2, 1e3, 1e8, 1e200, 1e300]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pv = checks.lr_preview(params, grads, X, Y, acts, alphas=alphas)
    assert np.isfinite(pv.costs[0]) and pv.costs[0] < pv.current
    assert pv.costs[1] > 100 * pv.current  # far past the minimum along the line
    assert np.isnan(pv.costs[-1])  # theta overflows to inf: NaN, never inf
    assert not np.any(np.isinf(pv.costs))
    # A cost that overflows to +inf (B2 = 1e308 with every label 0) is reported as NaN too.
    zero = {f"d{key}": np.zeros_like(P) for key, P in params.items()}
    zero["dB3"] = -np.ones_like(params["B3"])
    Y0 = np.zeros_like(Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pv = checks.lr_preview(params, zero, X, Y0, acts, alphas=[1.0, 1e308])
    assert np.isfinite(pv.costs[0]) and np.isnan(pv.costs[1])


def test_best_alpha():
    assert checks.best_alpha([0.1, 1.0, 10.0], [0.5, 0.2, np.nan]) == 1.0
    assert checks.best_alpha([0.1, 1.0, 10.0], [np.inf, 0.7, 0.3]) == 10.0
    assert checks.best_alpha([0.1, 1.0], [np.nan, np.nan]) is None
    with pytest.raises(ValueError):
        checks.best_alpha([0.1, 1.0], [0.3])


# ---------------------------------------------------------------------------------------------
# More than two classes: a softmax output (issue 16)


def softmax_network(sizes, acts, m=120, seed=0, bias=0.1):
    """Parameters, inputs and one-hot labels of ``K = sizes[-1]`` classes (by angle sector)."""
    rng = np.random.default_rng(seed)
    params = engine.init_params(sizes, seed)
    for k in range(1, len(sizes)):
        params[f"B{k}"] = rng.normal(scale=bias, size=(sizes[k], 1))
    X = rng.normal(size=(sizes[0], m))
    K = sizes[-1]
    labels = (np.floor((np.arctan2(X[1], X[0]) + np.pi) / (2 * np.pi) * K).astype(int)) % K
    return params, X, np.eye(K)[:, labels], tuple(acts)


def central_differences(params, X, Y, acts, output, h=1e-6, l2=0.0, l1=0.0):
    """Every entry's slope ``(J(theta + h) - J(theta - h)) / 2h``, one entry at a time, with the
    engine's plain forward and cost (the oracle the batched check is held to)."""
    out = {}
    for name, P in params.items():
        slope = np.empty(P.shape)
        for e in range(P.size):
            J = []
            for step in (h, -h):
                moved = {key: v.copy() for key, v in params.items()}
                moved[name].flat[e] += step
                cache = engine.forward(moved, X, acts, output)
                J.append(engine.cost(cache, Y, moved, l2, l1, output))
            slope.flat[e] = (J[0] - J[1]) / (2 * h)
        out[f"d{name}"] = slope
    return out


@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("K", [3, 5])
def test_softmax_backprop_agrees_with_central_differences(act, K):
    params, X, Y, acts = softmax_network((2, 4, 3, K), (act, act), seed=K)
    cache = engine.forward(params, X, acts, "softmax")
    grads = engine.backward(params, cache, Y, acts)
    oracle = central_differences(params, X, Y, acts, "softmax")
    for name, slope in oracle.items():  # the notes' dZL = AL - Y is the softmax's slope too
        np.testing.assert_allclose(grads[name], slope, rtol=1e-6, atol=1e-9, err_msg=name)
    for output in (None, "softmax"):  # inferred from the K output units, or named
        rows = checks.gradient_check(params, X, Y, acts, output=output)
        assert [r.name for r in rows] == ["W1", "B1", "W2", "B2", "W3", "B3"]
        assert all(r.rel_error < 1e-7 for r in rows), [(r.name, r.rel_error) for r in rows]
        assert rows[-2].shape == (K, 3) and rows[-1].shape == (K, 1)
        assert checks.overall(rows).startswith("All 6 matrices pass")


def test_softmax_check_with_l1_l2_and_no_hidden_layer():
    params, X, Y, acts = softmax_network((3, 4), (), m=80, seed=2)
    rows = checks.gradient_check(params, X, Y, acts, l2=0.4, l1=0.05, max_entries=None)
    assert [r.name for r in rows] == ["W1", "B1"] and rows[0].checked == 12
    assert max(r.rel_error for r in rows) < 1e-7
    oracle = central_differences(params, X, Y, acts, "softmax", l2=0.4, l1=0.05)
    grads = engine.backward(params, engine.forward(params, X, acts, "softmax"), Y, acts, 0.4, 0.05)
    np.testing.assert_allclose(grads["dW1"], oracle["dW1"], rtol=1e-6, atol=1e-9)


def test_k_class_run_checked_as_independent_sigmoids_is_wrong():
    """The mistake the output argument prevents: the softmax's gradients held to the cost of
    K independent sigmoids disagree, and the check says so."""
    params, X, Y, acts = softmax_network((2, 4, 4, 3), ("tanh", "tanh"), seed=1)
    grads = engine.backward(params, engine.forward(params, X, acts, "softmax"), Y, acts)
    right = checks.gradient_check(params, X, Y, acts, grads=grads, output="softmax")
    assert max(r.rel_error for r in right) < 1e-7
    wrong = by_name(checks.gradient_check(params, X, Y, acts, grads=grads, output="sigmoid"))
    assert wrong["W3"].rel_error > 1e-2 and wrong["W3"].verdict.startswith("wrong")
    assert checks.overall(list(wrong.values())).startswith("Backprop looks wrong")


def test_softmax_broken_gradient_is_caught():
    params, X, Y, acts = softmax_network((2, 4, 4, 3), ("tanh", "relu"), seed=3)
    cache = engine.forward(params, X, acts, "softmax")
    grads = engine.backward(params, cache, Y, acts)
    grads["dB3"] = grads["dB3"].copy()
    grads["dB3"][1, 0] *= -1.0  # one class's bias gradient with the wrong sign
    rows = by_name(checks.gradient_check(params, X, Y, acts, grads=grads))
    assert rows["B3"].rel_error > 1e-3 and rows["W3"].rel_error < 1e-7


def test_softmax_check_reads_a_trainer():
    from playground.trainer import Config, Trainer

    t = Trainer(Config(dataset="spiral", classes=4, hidden=(5, 5), alpha=0.5))
    t.step(20)
    d = t.data
    rows = checks.gradient_check(
        t.params, d.X_train, d.Y_train, t.config.activations, output=t.output
    )
    assert t.output == "softmax" and max(r.rel_error for r in rows) < 1e-7
    pv = checks.lr_preview(
        t.params, t.grads, d.X_train, d.Y_train, t.config.activations, output=t.output
    )
    assert pv.current == pytest.approx(t.last["train_cost"], rel=1e-12)


def test_output_kind():
    assert checks.output_kind(1) == "sigmoid" and checks.output_kind(3) == "softmax"
    assert checks.output_kind(3, "sigmoid") == "sigmoid"
    with pytest.raises(ValueError, match="unknown output"):
        checks.output_kind(3, "tanh")
    with pytest.raises(ValueError, match="at least 2 units"):
        checks.output_kind(1, "softmax")
    params, X, Y, acts = network((2, 3, 1), ("tanh",))
    with pytest.raises(ValueError, match="at least 2 units"):
        checks.gradient_check(params, X, Y, acts, output="softmax")


def test_softmax_lr_preview_follows_the_softmax_cost():
    params, X, Y, acts = softmax_network((2, 4, 4, 3), ("tanh", "tanh"), seed=4)
    cache = engine.forward(params, X, acts, "softmax")
    grads = engine.backward(params, cache, Y, acts)
    pv = checks.lr_preview(params, grads, X, Y, acts, alphas=[1e-6, 1e-3, 1.0])
    assert pv.current == engine.cost(cache, Y, output="softmax")
    assert pv.current != pytest.approx(engine.cost(engine.forward(params, X, acts), Y), rel=0.05)
    assert pv.costs[1] < pv.costs[0] < pv.current  # downhill along -dtheta
    sq = sum(float(np.sum(g**2)) for name, g in grads.items() if name[1] in "WB")
    assert (pv.current - pv.costs[0]) / 1e-6 == pytest.approx(sq, rel=1e-3)  # first order
    stepped = {key: P - 1.0 * grads[f"d{key}"] for key, P in params.items()}
    want = engine.cost(engine.forward(stepped, X, acts, "softmax"), Y, output="softmax")
    assert pv.costs[2] == pytest.approx(want, rel=1e-14)


def test_output_stats_of_a_softmax_by_hand():
    # Four points, three classes: ZL chosen so that AL's columns are easy to read.
    Z = np.log(
        np.array(
            [
                [0.995, 0.2, 0.001, 0.3],
                [0.004, 0.5, 0.998, 0.3],
                [0.001, 0.3, 0.001, 0.4],
            ]
        )
    )
    A = np.exp(Z) / np.exp(Z).sum(axis=0)
    Y = np.eye(3)[:, [0, 1, 0, 2]]  # labels 0, 1, 0, 2
    s = checks.output_stats({"A0": np.zeros((1, 4)), "Z1": Z, "A1": A}, Y)
    assert (s.layer, s.output, s.units, s.classes, s.m) == (1, "softmax", 3, 3, 4)
    assert s.confident == 0.5  # points 0 and 2 are sure (0.995, 0.998) ...
    assert s.confident_wrong == 0.25  # ... and point 2 surely wrong (class 1, label 0)
    assert s.accuracy == 0.75
    assert s.mean_true_prob == pytest.approx((0.995 + 0.5 + 0.001 + 0.4) / 4)
    assert s.mean_abs_dZ == pytest.approx(np.mean(np.abs(A - Y)))
    assert s.predicted.tolist() == [1, 2, 1] and s.actual.tolist() == [2, 1, 1]
    np.testing.assert_array_equal(s.Z, Z.ravel())


def test_output_stats_of_the_notes_sigmoid():
    Z = np.array([[-6.0, 0.2, 5.0, -0.1, 8.0]])
    A = 1.0 / (1.0 + np.exp(-Z))
    Y = np.array([[0.0, 1.0, 1.0, 1.0, 0.0]])
    s = checks.output_stats({"Z2": Z, "A2": A, "Z1": Z, "A1": A}, Y)
    assert (s.layer, s.output, s.units, s.classes) == (2, "sigmoid", 1, 2)
    assert s.confident == 0.6 and s.confident_wrong == 0.2  # 8.0 with label 0
    assert s.accuracy == 0.6
    assert s.predicted.tolist() == [2, 3] and s.actual.tolist() == [2, 3]
    true_prob = [1 - A[0, 0], A[0, 1], A[0, 2], A[0, 3], 1 - A[0, 4]]
    assert s.mean_true_prob == pytest.approx(np.mean(true_prob))
    with pytest.raises(ValueError):
        checks.output_stats({"Z1": Z, "A1": A}, Y[:, :3])
    with pytest.raises(ValueError):
        checks.output_stats({"A0": Z}, Y)


def test_output_stats_read_a_k_class_trainer():
    from playground.trainer import Config, Trainer

    t = Trainer(Config(dataset="blobs", classes=5, hidden=(6,), activations=("tanh",)))
    start = checks.output_stats(t.cache, t.data.Y_train, t.output)
    t.step(300)
    late = checks.output_stats(t.cache, t.data.Y_train, t.output)
    assert late.classes == 5 and late.actual.sum() == t.m
    assert late.accuracy == t.last["train_acc"]
    assert late.mean_true_prob > start.mean_true_prob  # it learned
    A2, Y = t.cache["A2"], t.data.Y_train
    assert late.mean_true_prob == pytest.approx(np.mean(np.sum(A2 * Y, axis=0)), rel=1e-12)
    assert (late.predicted > 0).sum() == 5  # it predicts every class by now


# ---------------------------------------------------------------------------------------------
# Figures


def panels_for_test():
    cache = hand_cache(
        [
            ("tanh", [[-3.0, 0.0, 3.0, 0.1], [5.0, 1.0, 0.0, 0.0]]),
            ("relu", [[-1.0, -2.0, -0.5, -3.0], [1.0, -2.0, 0.5, -3.0], [0.0, -1, -1, 0]]),
            ("leaky_relu", [[-1.0, -2.0, -3.0, -0.1], [1.0, -1.0, 1.0, -1.0]]),
            ("sigmoid", [[-10.0, 0.0, 10.0, 0.5]]),
        ]
    )
    acts = ("tanh", "relu", "leaky_relu", "sigmoid")
    return checks.activation_panels(checks.activation_stats(cache, acts))


def test_activation_view_traces_are_the_curves_and_histograms():
    panels = panels_for_test()
    fig = F.activation_view(panels)
    curves = [t for t in fig.data if t.type == "scatter"]
    hists = [t for t in fig.data if t.type == "bar"]
    assert len(curves) == 2 * len(panels) and len(hists) == len(panels)
    for p, panel in enumerate(panels):
        f_trace, df_trace = curves[2 * p], curves[2 * p + 1]
        assert (f_trace.name, df_trace.name) == ("f(z)", "f′(z)")
        np.testing.assert_array_equal(f_trace.x, panel["z_grid"])
        np.testing.assert_array_equal(f_trace.y, panel["f"])
        np.testing.assert_array_equal(df_trace.y, panel["df"])
        counts, _ = np.histogram(
            panel["Z"], bins=40, range=(panel["z_grid"][0], panel["z_grid"][-1])
        )
        np.testing.assert_allclose(hists[p].y, counts / panel["Z"].size)
        assert sum(hists[p].y) == pytest.approx(1.0)
        assert f_trace.xaxis == hists[p].xaxis  # one panel: curves and histogram together
        assert f_trace.yaxis != hists[p].yaxis  # ... on two y axes
        assert fig.layout[f_trace.yaxis.replace("y", "yaxis")].overlaying == hists[p].yaxis
    assert [t.showlegend for t in curves[:4]] == [True, True, False, False]


def test_activation_view_titles_and_notes():
    fig = F.activation_view(panels_for_test())
    texts = [a.text for a in fig.layout.annotations]
    for title in ("Layer 1: tanh", "Layer 2: relu", "Layer 3: leaky_relu", "Layer 4: sigmoid"):
        assert title in texts
    notes = " | ".join(texts)
    assert "38% saturated" in notes  # tanh: 3 of 8 outputs beyond |0.99|
    assert "2 of 3 ReLUs dead" in notes
    assert "1 of 2 units never positive" in notes
    assert "50% saturated" in notes  # sigmoid: 2 of 4
    assert "mean |f′(z)|" in notes
    # Four panels: three in the first row, one in the second.
    x_axes = [k for k in fig.layout.to_plotly_json() if k.startswith("xaxis")]
    assert len(x_axes) == 4
    assert fig.layout.xaxis4.domain[0] == 0.0
    assert fig.layout.yaxis7.domain[1] < fig.layout.yaxis.domain[0]


def test_activation_view_small_shares_and_bad_input():
    z = np.linspace(-5, 5, 11)
    layer = {"name": "sigmoid", "z_grid": z, "f": z, "df": z, "Z": [0.0], "saturated": 0.004}
    fig = F.activation_view([layer])
    assert "0.4% saturated" in [a.text for a in fig.layout.annotations]
    with pytest.raises(ValueError):
        F.activation_view([])
    with pytest.raises(ValueError):
        F.activation_view([{**layer, "f": z[:-1]}])
    with pytest.raises(ValueError):
        F.activation_view([{k: v for k, v in layer.items() if k != "Z"}])


def test_lr_preview_figure_as_data():
    alphas = np.logspace(-4, 2, 7)
    costs = np.array([0.69, 0.689, 0.68, 0.6, 0.4, np.inf, np.nan])
    fig = F.lr_preview_figure(alphas, costs, 0.3, 0.69)
    curve = fig.data[0]
    np.testing.assert_array_equal(curve.x, alphas)
    np.testing.assert_array_equal(curve.y[:5], costs[:5])
    assert np.all(np.isnan(np.asarray(curve.y[5:], dtype=float)))  # a break, not a spike
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.title.text == "Cost after one step of size α along −dθ"
    marker, current = fig.layout.shapes
    assert marker.x0 == marker.x1 == 0.3
    label = next(a for a in fig.layout.annotations if a.text == "α = 0.3")
    assert label.x == pytest.approx(math.log10(0.3)) and label.yref == "paper"
    assert current.y0 == current.y1 == 0.69 and current.yref == "y"
    assert current.name == "now: J(θ) = 0.69" and current.showlegend
    star = next(t for t in fig.data if t.marker.symbol == "star")
    assert list(star.x) == [alphas[4]] and list(star.y) == [0.4]
    crosses = next(t for t in fig.data if t.name.startswith("diverges"))
    np.testing.assert_array_equal(crosses.x, alphas[5:])
    note, _ = fig.layout.annotations
    assert note.text == "diverges" and note.x == pytest.approx(math.log10(alphas[5]))


def test_lr_preview_figure_all_finite_and_log_cost_axis():
    alphas = np.logspace(-4, 2, 5)
    fig = F.lr_preview_figure(alphas, [0.7, 0.6, 0.3, 5.0, 900.0], 1.0, 0.7)
    assert [a.text for a in fig.layout.annotations] == ["α = 1"]  # no "diverges" note
    assert not any(t.name.startswith("diverges") for t in fig.data)
    assert fig.layout.yaxis.type == "log"  # costs spanning over 100x
    flat = F.lr_preview_figure(alphas, [0.7, 0.6, 0.3, 0.5, 0.9], 1.0, 0.7)
    assert flat.layout.yaxis.type is None
    with pytest.raises(ValueError):
        F.lr_preview_figure(alphas, [0.7, 0.6], 1.0, 0.7)
    with pytest.raises(ValueError):
        F.lr_preview_figure(alphas, [0.7] * 5, 0.0, 0.7)
    with pytest.raises(ValueError):
        F.lr_preview_figure(-alphas, [0.7] * 5, 1.0, 0.7)


def test_gradcheck_figure_as_data():
    params, X, Y, acts = network((2, 4, 4, 1), ("tanh", "tanh"))
    grads = engine.backward(params, engine.forward(params, X, acts), Y, acts)
    grads["dW2"] = grads["dW2"] * 1.1
    rows = checks.gradient_check(params, X, Y, acts, grads=grads)
    fig = F.gradcheck_figure(rows)
    (bars,) = fig.data
    assert list(bars.x) == [r.name for r in rows]
    np.testing.assert_array_equal(bars.y, [r.rel_error for r in rows])
    assert fig.layout.yaxis.type == "log"
    assert {s.y0 for s in fig.layout.shapes} >= {1e-7, 1e-5}
    patterns = list(bars.marker.pattern.shape)
    assert patterns[2] == "/" and patterns.count("/") == 1  # W2 alone is hatched: wrong
    assert bars.marker.color[2] != bars.marker.color[0]
    assert "of 16 checked" in bars.hovertext[2]


def test_gradcheck_figure_zero_nan_and_mappings():
    rows = [{"name": "W1", "rel_error": 0.0}, {"name": "B1", "rel_error": float("nan")}]
    fig = F.gradcheck_figure(rows)
    assert list(fig.data[0].text) == ["0", "NaN"]
    assert fig.data[0].y[0] == 1e-16 and math.isnan(fig.data[0].y[1])
    with pytest.raises(ValueError):
        F.gradcheck_figure([])


def all_check_figures(template):
    alphas = np.logspace(-4, 2, 9)
    costs = np.array([0.7, 0.7, 0.69, 0.6, 0.5, 0.8, 3.0, np.nan, np.nan])
    rows = [{"name": "W1", "rel_error": 3e-9}, {"name": "B1", "rel_error": 0.02}]
    return [
        F.activation_view(panels_for_test(), template=template),
        F.lr_preview_figure(alphas, costs, 0.3, 0.7, template=template),
        F.gradcheck_figure(rows, template=template),
    ]


@pytest.mark.parametrize("template", ["plotly_white", "plotly_dark"])
def test_check_figures_validate_with_readable_fonts(template):
    for fig in all_check_figures(template):
        full = validated(fig)
        assert full.layout.template.layout.paper_bgcolor == (
            "white" if template == "plotly_white" else "rgb(17,17,17)"
        )
        assert full.layout.font.size >= 14 and full.layout.title.font.size >= 14
        assert full.layout.title.text
        for a in full.layout.annotations:
            assert a.font.size is None or a.font.size >= 14
        for s in full.layout.shapes:
            assert s.label.font.size is None or s.label.font.size >= 14
        for t in full.data:
            if "textfont" in t and t.textfont.size is not None:
                assert t.textfont.size >= 14


def test_checks_imports_only_numpy_and_the_engine():
    tree = ast.parse((ROOT / "playground" / "checks.py").read_text())
    runtime = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            runtime |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            runtime.add(node.module)
    assert runtime <= {
        "__future__",
        "math",
        "collections.abc",
        "typing",
        "numpy",
        "numpy.typing",
        "playground",
    }
    code = (
        "import sys; import playground.checks; "
        "print(sorted(m for m in ('streamlit', 'plotly', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# Timing report (not a test): python tests/test_checks.py


def timing_report(repeats: int = 3) -> None:
    cases = {
        "2-4-4-1 tanh, m=200": network((2, 4, 4, 1), ("tanh", "tanh"), m=200),
        "2-(32 x 6)-1 tanh, m=1000": network((2, *[32] * 6, 1), ["tanh"] * 6, m=1000),
        "2-(32 x 6)-1 relu, m=1000": network((2, *[32] * 6, 1), ["relu"] * 6, m=1000),
    }
    for name, (params, X, Y, acts) in cases.items():
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            rows = checks.gradient_check(params, X, Y, acts)
            times.append(time.perf_counter() - start)
        print(f"{name:28s} best {min(times):7.3f} s   {sum(r.checked for r in rows)} entries")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    timing_report()
