"""Tests for playground/figures.py: every figure is read back as data.

Run ``python tests/test_figures.py`` for a timing report of every builder.
"""

from __future__ import annotations

import ast
import base64
import json
import math
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go
import pytest

from playground import figures as F
from playground import views

ROOT = Path(__file__).resolve().parents[1]
FIGURES_PY = ROOT / "playground" / "figures.py"


# ---------------------------------------------------------------------------------------------
# Fixtures


def make_params(sizes, seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for k in range(1, len(sizes)):
        params[f"W{k}"] = rng.normal(size=(sizes[k], sizes[k - 1]))
        params[f"B{k}"] = rng.normal(size=(sizes[k], 1))
    return params


def make_grads(sizes, seed=1):
    rng = np.random.default_rng(seed)
    L = len(sizes) - 1
    grads = {}
    for k in range(1, L + 1):
        grads[f"dW{k}"] = rng.normal(scale=10.0 ** (k - L - 1), size=(sizes[k], sizes[k - 1]))
        grads[f"dB{k}"] = rng.normal(size=(sizes[k], 1))
        grads[f"dZ{k}"] = rng.normal(size=(sizes[k], 5))  # ignored by the builders
    return grads


def make_history(epochs=10, L=3):
    e = np.arange(epochs)
    cols = {
        "epoch": e,
        "train_cost": 0.7 * np.exp(-e / 5) + 0.1,
        "test_cost": 0.7 * np.exp(-e / 6) + 0.15,
        "train_acc": np.linspace(0.5, 0.95, epochs),
        "test_acc": np.linspace(0.45, 0.9, epochs),
    }
    for k in range(1, L + 1):
        cols[f"dW{k}_norm"] = 10.0 ** (k - L) * np.linspace(1.0, 0.5, epochs)
        cols[f"dB{k}_norm"] = np.linspace(0.2, 0.1, epochs)
        cols[f"W{k}_norm"] = np.linspace(1.0, 2.0, epochs)
    return pd.DataFrame(cols)


@pytest.fixture
def boundary_data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 40))
    Y = (X[0] > 0).astype(float)[None, :]  # (1, m)
    Xt = rng.normal(size=(2, 12))
    Yt = (Xt[0] > 0).astype(float)[None, :]
    xs, ys, XX = F.grid(X, n=30)
    P = (1 / (1 + np.exp(-3 * XX[0]))).reshape(30, 30)
    return xs, ys, P, X, Y, Xt, Yt


def validated(fig: go.Figure) -> go.Figure:
    """Re-run plotly's full validation (the builders skip it for speed)."""
    return go.Figure(fig.to_dict())


def heatmaps(fig):
    return [t for t in fig.data if t.type == "heatmap"]


def prediction(fig):
    """The decision boundary's shaded grid: a contour coloured as a heatmap, or a heatmap."""
    (trace,) = [t for t in fig.data if t.name == "prediction"]
    return trace


# ---------------------------------------------------------------------------------------------
# grid


def test_grid_shapes_order_and_coverage():
    X = np.array([[0.0, 2.0, 1.0], [-1.0, 3.0, 0.0]])
    xs, ys, XX = F.grid(X, n=5, pad=0.5)
    assert xs.shape == (5,) and ys.shape == (5,) and XX.shape == (2, 25)
    assert (xs[0], xs[-1]) == (-0.5, 2.5)
    assert (ys[0], ys[-1]) == (-1.5, 3.5)
    # a function of the grid points reshaped to (ny, nx) has rows = ys, columns = xs
    out = (10 * XX[0] + XX[1]).reshape(5, 5)
    for r in range(5):
        for c in range(5):
            assert out[r, c] == pytest.approx(10 * xs[c] + ys[r])


def test_grid_non_square_order():
    # distinct x and y ranges so a transposed order would be caught
    X = np.array([[0.0, 10.0], [0.0, 1.0]])
    xs, ys, XX = F.grid(X, n=4, pad=0.0)
    P = XX[0].reshape(4, 4)
    np.testing.assert_allclose(P[0], xs)
    np.testing.assert_allclose(XX[1].reshape(4, 4)[:, 0], ys)


@pytest.mark.parametrize("bad", [np.zeros((3, 4)), np.zeros(4), np.zeros((2, 0))])
def test_grid_rejects_bad_shapes(bad):
    with pytest.raises(ValueError):
        F.grid(bad)


# ---------------------------------------------------------------------------------------------
# matrix heatmaps


def test_weight_heatmap_z_equals_matrices_and_titles():
    params = make_params((2, 4, 3, 1))
    fig = F.weight_heatmaps(params)
    hm = heatmaps(fig)
    assert len(hm) == 3
    for k, trace in enumerate(hm, start=1):
        np.testing.assert_array_equal(trace.z, params[f"W{k}"])
    texts = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("W1 (4 × 2)") for t in texts)
    assert any(t.startswith("W2 (3 × 4)") for t in texts)
    assert any(t.startswith("W3 (1 × 3)") for t in texts)
    assert fig.layout.title.text == "Weights Wk"
    validated(fig)


def test_weight_heatmap_scale_symmetric_per_matrix():
    params = make_params((2, 4, 3, 1))
    params["W2"] = params["W2"] * 100  # very different ranges: each keeps its own
    fig = F.weight_heatmaps(params)
    for k, trace in enumerate(heatmaps(fig), start=1):
        assert trace.zmid == 0
        assert trace.zmin == -trace.zmax
        assert trace.zmax == pytest.approx(np.abs(params[f"W{k}"]).max())


def test_zero_matrix_gets_tiny_symmetric_range():
    fig = F.matrix_heatmaps({"dW1": np.zeros((2, 2))})
    (trace,) = heatmaps(fig)
    assert trace.zmax == 1e-12 and trace.zmin == -1e-12


def test_nan_in_matrix_does_not_break_range():
    fig = F.matrix_heatmaps({"W1": np.array([[np.nan, -2.0], [1.0, np.inf]])})
    (trace,) = heatmaps(fig)
    assert trace.zmax == 2.0


def test_shared_scale_uses_global_max():
    fig = F.matrix_heatmaps(
        {"W1": np.array([[1.0]]), "W2": np.array([[-5.0, 2.0]])}, shared_scale=True
    )
    assert [t.zmax for t in heatmaps(fig)] == [5.0, 5.0]


def test_heatmap_hover_names_the_entry():
    fig = F.weight_heatmaps(make_params((2, 4, 1)))
    trace = heatmaps(fig)[0]
    assert trace.hovertemplate.startswith("W1[%{y},%{x}] = %{z")
    # rows are units of layer k, columns units of layer k-1
    assert fig.layout.xaxis.title.text == "unit in layer 0"
    assert fig.layout.yaxis.title.text == "unit in layer 1"
    assert fig.layout.yaxis.autorange == "reversed"


def test_values_printed_only_for_small_matrices():
    small = F.weight_heatmaps(make_params((2, 4, 1)))
    assert all(t.texttemplate for t in heatmaps(small))
    big = F.matrix_heatmaps({"W1": np.ones((32, 32)), "W2": np.ones((1, 1))})
    assert all(t.texttemplate is None for t in heatmaps(big))
    validated(big)


def test_kind_selects_and_sorts_numerically():
    grads = make_grads((2, 3, 3, 1))
    shuffled = {key: grads[key] for key in ("dW3", "dW1", "dZ1", "dW2", "dB1")}
    fig = F.weight_heatmaps(shuffled, kind="dW")
    assert [t.name for t in heatmaps(fig)] == ["dW1", "dW2", "dW3"]
    with pytest.raises(ValueError):
        F.weight_heatmaps(grads, kind="V")


def test_bias_heatmaps_draw_columns():
    params = make_params((2, 4, 1))
    fig = F.bias_heatmaps(params)
    hm = heatmaps(fig)
    np.testing.assert_array_equal(hm[0].z, params["B1"])
    assert any(a.text.startswith("B1 (4 × 1)") for a in fig.layout.annotations)
    # a 1-D bias is drawn as a column too
    fig1d = F.matrix_heatmaps({"B1": np.array([1.0, -2.0])})
    assert heatmaps(fig1d)[0].z.shape == (2, 1)


def test_matrix_heatmaps_rejects_bad_input():
    with pytest.raises(ValueError):
        F.matrix_heatmaps({})
    with pytest.raises(ValueError):
        F.matrix_heatmaps({"W1": np.zeros((2, 2, 2))})


# ---------------------------------------------------------------------------------------------
# gradient norms and heatmaps


def test_gradient_norms_last_point_and_log_axis():
    history = make_history(L=3)
    fig = F.gradient_norms(history)
    assert [t.name for t in fig.data] == ["‖dW1‖", "‖dW2‖", "‖dW3‖"]
    assert fig.data[0].y[-1] == history["dW1_norm"].iloc[-1]
    np.testing.assert_array_equal(fig.data[0].x, history["epoch"].to_numpy())
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.title.text == "Gradient magnitude ‖dWk‖"
    validated(fig)


def test_gradient_norms_drop_zeros_on_log_axis():
    history = make_history(L=2)
    history.loc[3, "dW1_norm"] = 0.0
    history.loc[4, "dW1_norm"] = -1.0
    y = F.gradient_norms(history).data[0].y
    assert np.isnan(y[3]) and np.isnan(y[4])
    assert np.all(y[np.isfinite(y)] > 0)


def test_gradient_norms_optional_bias_lines():
    fig = F.gradient_norms(make_history(L=2), include_bias=True)
    assert [t.name for t in fig.data] == ["‖dW1‖", "‖dB1‖", "‖dW2‖", "‖dB2‖"]


def test_gradient_heatmaps_share_one_log_range():
    grads = make_grads((2, 4, 4, 1))
    grads["dW1"][0, 0] = 0.0
    fig = F.gradient_heatmaps(grads)
    hm = heatmaps(fig)
    assert len(hm) == 3
    assert all(t.coloraxis == "coloraxis" for t in hm)
    cax = fig.layout.coloraxis
    top = max(np.abs(grads[f"dW{k}"]).max() for k in (1, 2, 3))
    assert cax.cmax == pytest.approx(math.log10(top))
    assert cax.cmin >= cax.cmax - 6
    with np.errstate(divide="ignore"):
        expected = np.log10(np.abs(grads["dW2"]))
    np.testing.assert_allclose(hm[1].z, expected)
    np.testing.assert_array_equal(hm[1].customdata, grads["dW2"])  # hover shows signed value
    assert hm[0].z[0, 0] == pytest.approx(cax.cmin)  # an exact zero sits at the bottom
    assert "10<sup>" in cax.colorbar.ticktext[0]
    assert fig.layout.title.text == "|dWk| per layer"
    validated(fig)


# ---------------------------------------------------------------------------------------------
# cost curve


def test_cost_curve_values_and_secondary_axis():
    history = make_history()
    fig = F.cost_curve(history)
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"train cost", "test cost", "train accuracy", "test accuracy"}
    np.testing.assert_array_equal(by_name["train cost"].y, history["train_cost"].to_numpy())
    np.testing.assert_array_equal(by_name["test cost"].y, history["test_cost"].to_numpy())
    np.testing.assert_array_equal(by_name["test accuracy"].y, history["test_acc"].to_numpy())
    assert by_name["train accuracy"].yaxis == "y2"
    assert by_name["train cost"].yaxis in (None, "y")
    assert by_name["train accuracy"].line.dash == "dash"
    assert tuple(fig.layout.yaxis2.range) == (0.0, 1.0)
    assert fig.layout.yaxis2.overlaying == "y" and fig.layout.yaxis2.side == "right"
    assert fig.layout.yaxis.title.text == "Cost"
    validated(fig)


def test_long_histories_are_thinned_keeping_ends_and_spikes():
    h = make_history(epochs=20_000)
    h.loc[12_345, "train_cost"] = 50.0  # one spike, as when alpha is too large for a moment
    h.loc[7_777, "dW2_norm"] = 1e-9  # one dip on the log axis
    figs = {
        "cost": F.cost_curve(h),
        "norms": F.gradient_norms(h, include_bias=True),
        "compare": F.compare_runs(h, h, "a", "b"),
    }
    for name, fig in figs.items():
        for trace in fig.data:
            assert len(trace.x) <= F.MAX_LINE_POINTS, (name, trace.name, len(trace.x))
            assert trace.x[0] == 0 and trace.x[-1] == 19_999, (name, trace.name)
    train = next(t for t in figs["cost"].data if t.name == "train cost")
    assert train.y[-1] == h["train_cost"].iloc[-1]  # the last point is the last epoch's, exact
    assert 50.0 in train.y and 12_345 in train.x
    dw2 = next(t for t in figs["norms"].data if t.name == "‖dW2‖")
    assert 1e-9 in dw2.y
    full = F.cost_curve(h, max_points=None)  # all points on request
    assert len(full.data[0].x) == 20_000
    short = F.cost_curve(make_history(epochs=50))  # short histories are left alone
    np.testing.assert_array_equal(short.data[0].x, np.arange(50))


def test_cost_curve_empty_and_one_row():
    empty = make_history().iloc[:0]
    fig = F.cost_curve(empty)
    assert all(len(t.x) == 0 for t in fig.data)
    one = make_history().iloc[:1]
    fig = F.cost_curve(one, log_y=True)
    assert all(t.mode == "markers" for t in fig.data)  # a single point must still show
    assert fig.layout.yaxis.type == "log"
    validated(fig)


@pytest.mark.parametrize("builder", [F.cost_curve, F.gradient_norms])
def test_epoch_axis_labels_whole_epochs(builder):
    short = builder(make_history(epochs=3))  # epochs 0..2: Plotly alone would tick 0.5, 1.5
    axis = short.layout.xaxis
    assert (axis.tick0, axis.dtick, axis.tickformat) == (0, 1, ",d")
    only_first = builder(make_history(epochs=1)).layout.xaxis
    assert list(only_first.range) == [-0.1, 1.0]  # epoch 0's marker clear of the edge
    long = builder(make_history(epochs=50)).layout.xaxis
    assert long.dtick is None and long.range is None and long.tickformat == ",d"


def test_compare_runs_share_whole_epoch_axes_and_a_labelled_log_axis():
    fig = F.compare_runs(make_history(epochs=4), make_history(epochs=4), "A", "B")
    assert fig.layout.xaxis.dtick == fig.layout.xaxis2.dtick == 1
    # the norms span two decades: powers of ten only, labelled as on the other log axes
    assert fig.layout.yaxis2.type == "log" and fig.layout.yaxis2.dtick == 1
    assert fig.layout.yaxis2.tickfont.size == 17


def test_cost_curve_without_test_columns():
    history = make_history()[["epoch", "train_cost", "train_acc"]]
    fig = F.cost_curve(history)
    assert [t.name for t in fig.data] == ["train cost", "train accuracy"]
    with pytest.raises(ValueError):
        F.cost_curve(history.drop(columns="train_cost"))


# ---------------------------------------------------------------------------------------------
# network graph


def edge_segments(fig):
    """(x0, y0, x1, y1, color, width) for every drawn edge line."""
    out = []
    for t in fig.data:
        if t.mode != "lines" or t.x is None or len(t.x) < 3:
            continue
        x = np.asarray(t.x, dtype=float)
        y = np.asarray(t.y, dtype=float)
        for s in range(0, len(x), 3):
            out.append((x[s], y[s], x[s + 1], y[s + 1], t.line.color, t.line.width))
    return out


def edge_of(seg, sizes):
    """Which (k, i, j) a segment joins: node y of unit i in a layer of n is (n-1)/2 - i."""
    x0, y0, _, y1 = seg[:4]
    k = round(x0) + 1
    j = round((sizes[k - 1] - 1) / 2 - y0)
    i = round((sizes[k] - 1) / 2 - y1)
    return k, i, j


def hover_trace(fig):
    (trace,) = [t for t in fig.data if t.name == "edges"]
    return trace


def test_network_one_hover_point_per_edge():
    sizes = (2, 4, 3, 1)
    fig = F.network_graph(sizes, make_params(sizes))
    trace = hover_trace(fig)
    assert len(trace.x) == len(trace.hovertext) == 2 * 4 + 4 * 3 + 3 * 1
    points = set(zip(np.round(trace.x, 9), np.round(trace.y, 9), strict=True))
    assert len(points) == len(trace.x)  # no two hover points coincide
    validated(fig)


def test_network_clickable_points_say_which_weight_or_unit():
    sizes = (2, 4, 3, 1)
    params = make_params(sizes)
    fig = F.network_graph(sizes, params, biases={f"B{k}": params[f"B{k}"] for k in (1, 2, 3)})
    trace = hover_trace(fig)
    for (k, i, j), text in zip(np.asarray(trace.customdata).tolist(), trace.hovertext, strict=True):
        assert text.startswith(f"W{k}[{i},{j}] = {F._fmt(params[f'W{k}'][i, j])}")
    units = []
    for t in fig.data:
        if t.name.startswith("nodes"):
            for (k, i), x, y in zip(np.asarray(t.customdata).tolist(), t.x, t.y, strict=True):
                assert x == k and y == (sizes[k] - 1) / 2 - i  # the node drawn for unit i
                units.append((k, i))
    assert sorted(units) == [(k, i) for k, n in enumerate(sizes) for i in range(n)]


def test_network_highlight_shades_the_layers_a_stage_works_on():
    sizes = (2, 4, 3, 1)
    assert not F.network_graph(sizes, make_params(sizes)).layout.shapes
    fig = F.network_graph(sizes, make_params(sizes), highlight=(2,))
    (band,) = fig.layout.shapes
    assert band.type == "rect" and band.layer == "below" and band.yref == "paper"
    assert 1 < band.x0 < band.x1 < 3  # from past layer 1's nodes to layer 2's
    every = F.network_graph(sizes, make_params(sizes), highlight=(1, 2, 3))
    assert len(every.layout.shapes) == 3
    with pytest.raises(ValueError, match="highlight"):
        F.network_graph(sizes, make_params(sizes), highlight=(4,))


def test_network_hover_text_names_the_value():
    sizes = (2, 4, 3, 1)
    params = make_params(sizes)
    params["W2"][1, 3] = -0.52
    fig = F.network_graph(sizes, params)
    texts = hover_trace(fig).hovertext
    assert any(t.startswith("W2[1,3] = -0.52") for t in texts)
    dfig = F.network_graph(sizes, {f"dW{k}": params[f"W{k}"] for k in (1, 2, 3)}, kind="dW")
    assert any(t.startswith("dW2[1,3] = -0.52") for t in hover_trace(dfig).hovertext)


def test_network_edges_colour_by_sign_and_width_by_magnitude():
    sizes = (2, 3, 3, 1)
    params = make_params(sizes, seed=5)
    fig = F.network_graph(sizes, params)
    segs = edge_segments(fig)
    assert len(segs) == 2 * 3 + 3 * 3 + 3
    neg, pos = F._SIGN_COLORS["light"]
    seen = set()
    rows = []
    for seg in segs:
        k, i, j = edge_of(seg, sizes)
        seen.add((k, i, j))
        w = params[f"W{k}"][i, j]
        assert seg[4] == (pos if w >= 0 else neg)
        rows.append((abs(w), seg[5]))
    assert len(seen) == len(segs)  # every edge drawn exactly once
    rows.sort()
    widths = [w for _, w in rows]
    assert widths == sorted(widths)  # monotone in |value|
    assert min(widths) >= 0.5 and max(widths) == 8.0  # the largest |value| gets 8 px


def test_edge_widths_bounds_and_few_traces():
    assert F.edge_widths(np.array([0.0, 0.5, 1.0]), 1.0).tolist() == [0.5, 3.5, 8.0]
    sizes = (2, 8, 8, 1)
    fig = F.network_graph(sizes, make_params(sizes))
    line_traces = [t for t in fig.data if t.mode == "lines"]
    assert len(line_traces) <= 2 + 2 * 6  # 2 legend samples + sign x width buckets


def test_network_nodes_show_biases_and_labels():
    sizes = (2, 4, 1)
    params = make_params(sizes)
    params["B2"][0, 0] = 0.1
    fig = F.network_graph(sizes, params, biases=params, activations=["tanh"])
    texts = [s for t in fig.data if t.name and t.name.startswith("nodes") for s in t.hovertext]
    assert len(texts) == sum(sizes)
    assert any(s.startswith("a2[0]") and "B2[0] = 0.1" in s for s in texts)
    assert any(s.startswith("X[1]") for s in texts)
    labels = [a.text for a in fig.layout.annotations]
    assert labels[0].startswith("X") and "n0=2" in labels[0]
    assert labels[1].startswith("layer 1 · tanh") and "n1=4" in labels[1]
    assert labels[2].startswith("output · sigmoid")
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    validated(fig)


def test_network_node_maps_and_their_limits():
    sizes = (2, 3, 1)
    g = 6
    rng = np.random.default_rng(0)
    maps = [rng.normal(size=(n, g, g)) for n in sizes]
    fig = F.network_graph(sizes, make_params(sizes), node_maps=maps)
    hm = heatmaps(fig)
    assert len(hm) == 3
    z = np.asarray(hm[1].z, dtype=float)
    # unit 0 (top node) is the last block of rows: heatmap rows go upwards (float32 on screen)
    np.testing.assert_allclose(z[-g:], maps[1][0], rtol=1e-6)
    np.testing.assert_allclose(z[:g], maps[1][2], rtol=1e-6)
    assert np.isnan(z[g]).all()  # gap rows between boxes
    validated(fig)
    big = (2, 9, 1)  # more than 8 units: that layer has no maps
    maps = [rng.normal(size=(n, g, g)) for n in big]
    fig = F.network_graph(big, make_params(big), node_maps=maps)
    assert [t.name for t in heatmaps(fig)] == ["maps layer 0", "maps layer 2"]


def apply_network_frame(base: go.Figure, reel: dict, i: int) -> list[dict]:
    """What the page does with frame ``i`` of ``network_reel`` (playground/web), in Python:
    the base figure's traces with the frame's edges, hover values, maps and node colours."""
    import base64

    data = [t.to_plotly_json() for t in base.data]
    tr, frame = reel["traces"], reel["frames"][i]
    codes = np.frombuffer(base64.b64decode(frame["edges"]), dtype=np.uint8)
    values = np.frombuffer(base64.b64decode(frame["values"]), dtype=np.float32)
    E = codes.size
    ends = np.frombuffer(base64.b64decode(reel["ends"]), dtype=np.float32).reshape(4, E)
    for c in range(tr["lines"]):
        sel = np.flatnonzero(codes == c)
        xs = np.column_stack([ends[0, sel], ends[1, sel], np.full(sel.size, np.nan)]).ravel()
        ys = np.column_stack([ends[2, sel], ends[3, sel], np.full(sel.size, np.nan)]).ravel()
        data[tr["edges"] + c] = {**data[tr["edges"] + c], "x": xs, "y": ys}
    hover = data[tr["hover"]]
    data[tr["hover"]] = {**hover, "values": values}
    for idx, m in zip(tr["maps"], frame["maps"], strict=True):
        cells = np.frombuffer(base64.b64decode(m["z"]), dtype=np.uint8).reshape(-1, m["cols"])
        z = m["zmin"] + cells / 254 * (m["zmax"] - m["zmin"])
        z = np.where(cells == 255, np.nan, z)
        data[idx] = {**data[idx], "z": z, "zmin": m["zmin"], "zmax": m["zmax"]}
    for idx, vals in zip(tr["nodes"], frame["nodes"], strict=True):
        data[idx] = {**data[idx], "values": vals, "bmax": frame["bmax"]}
    return data


@pytest.mark.parametrize("kind", ["W", "dW"])
def test_network_reel_frames_redraw_the_figure_of_their_values(kind):
    sizes = (2, 4, 3, 1)
    g = 6
    rng = np.random.default_rng(3)
    frames = []
    for seed in range(3):
        params = make_params(sizes, seed=seed)
        mats = {f"{kind}{k}": params[f"W{k}"] for k in (1, 2, 3)}
        maps = [rng.normal(size=(n, g, g)) for n in sizes]
        maps[-1] = rng.uniform(size=(1, g, g))
        frames.append({"mats": mats, "biases": params, "node_maps": maps})
    reel = F.network_reel(sizes, frames, kind=kind)
    base = F.network_graph(sizes, **frames[0], kind=kind, every_width=True)
    assert len(reel["frames"]) == 3
    for i, frame in enumerate(frames):
        want = F.network_graph(sizes, **frame, kind=kind, every_width=True)
        got = apply_network_frame(base, reel, i)
        assert [t.name for t in want.data] == [t["name"] for t in got]  # same traces
        for w, t in zip(want.data, got, strict=True):
            if w.type == "scatter" and w.mode == "lines" and w.showlegend is False:
                # every edge in the line trace of its width and sign
                assert len(t["x"]) == len(w.x)
                np.testing.assert_allclose(np.asarray(t["x"], float), w.x, atol=1e-6)
                np.testing.assert_allclose(np.asarray(t["y"], float), w.y, atol=1e-6)
            elif w.name == "edges":
                shown = [
                    f"{kind}{k}[{i},{j}] = {F._fmt(v)}"
                    for (k, i, j), v in zip(t["customdata"], t["values"].tolist(), strict=True)
                ]
                assert [s.split("<br>")[0] for s in w.hovertext] == shown
            elif w.type == "heatmap":  # to 1/254 of the map's range
                span = w.zmax - w.zmin
                assert (t["zmin"], t["zmax"]) == (w.zmin, w.zmax)
                np.testing.assert_allclose(t["z"], w.z, atol=span / 254 / 2 + 1e-6)
                assert np.array_equal(np.isnan(t["z"]), np.isnan(np.asarray(w.z, float)))
            elif w.name.startswith("nodes"):
                biases = [frame["biases"][f"B{k}"][i, 0] if k else 0.0 for k, i in w.customdata]
                np.testing.assert_allclose(t["values"], biases)
                if w.marker.cmax is not None:
                    assert t["bmax"] == w.marker.cmax
    assert len(base.data) == 2 + 12 + 1 + 4 + 1  # legend, every width x sign, hover, maps, nodes
    # the colours the page paints the maps with: each map trace's own scale, in 256 levels
    for index, name in zip(reel["traces"]["maps"], reel["traces"]["map_colors"], strict=True):
        scale = base.data[index].colorscale
        colors = reel["colors"][name]
        assert len(colors) == 256
        assert pcolors.unlabel_rgb(colors[0]) == pcolors.hex_to_rgb(scale[0][1])
        assert pcolors.unlabel_rgb(colors[-1]) == pcolors.hex_to_rgb(scale[-1][1])
    assert reel["traces"]["map_colors"] == ["diverging", "diverging", "diverging", "class"]


def test_network_reel_of_a_diverged_network_is_finite():
    sizes = (2, 3, 1)
    params = make_params(sizes)
    params["W1"][0, 0], params["W2"][0, 1] = np.inf, np.nan
    params["B1"][1, 0], params["B2"][0, 0] = -1e300, np.inf
    maps = [np.full((n, 4, 4), 1e300) for n in sizes]
    maps[1][0, 0, 0] = -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reel = F.network_reel(sizes, [{"mats": params, "biases": params, "node_maps": maps}])
    (frame,) = reel["frames"]
    assert np.isfinite(np.frombuffer(base64.b64decode(frame["values"]), np.float32)).all()
    for m in frame["maps"]:
        assert np.isfinite([m["zmin"], m["zmax"]]).all()
    json.dumps(reel, allow_nan=False)  # the page gets numbers only


def test_network_rejects_bad_shapes():
    sizes = (2, 4, 1)
    params = make_params(sizes)
    with pytest.raises(ValueError):
        F.network_graph((2, 5, 1), params)
    with pytest.raises(ValueError):
        F.network_graph(sizes, {"W1": params["W1"]})
    with pytest.raises(ValueError):
        F.network_graph(sizes, params, node_maps=[None])


def test_network_large_and_smallest():
    sizes = (2, 32, 32, 32, 32, 32, 32, 1)
    fig = F.network_graph(sizes, make_params(sizes))
    assert len(hover_trace(fig).x) == 2 * 32 + 5 * 32 * 32 + 32
    assert max(t.line.width for t in fig.data if t.mode == "lines") < 8  # thinner when dense
    tiny = F.network_graph((1, 1), {"W1": np.array([[0.0]])})
    assert len(hover_trace(tiny).x) == 1


# ---------------------------------------------------------------------------------------------
# decision boundary


def test_decision_boundary_z_and_points(boundary_data):
    xs, ys, P, X, Y, Xt, Yt = boundary_data
    fig = F.decision_boundary(xs, ys, P, X, Y, Xt, Yt)
    hm = prediction(fig)
    assert hm.type == "contour" and hm.contours.coloring == "heatmap"
    assert (hm.contours.start, hm.contours.end, hm.contours.showlines) == (0.5, 0.5, True)
    assert np.asarray(hm.z).dtype == np.float32  # half the bytes per frame
    np.testing.assert_allclose(hm.z, P, rtol=1e-6)
    np.testing.assert_array_equal(hm.x, xs)
    assert (hm.zmin, hm.zmax) == (0.0, 1.0)
    assert len([t for t in fig.data if t.type in ("heatmap", "contour")]) == 1  # grid sent once
    names = [t.name for t in fig.data if t.type == "scatter"]
    assert names == ["train class 0", "train class 1", "test class 0", "test class 1"]
    train1 = next(t for t in fig.data if t.name == "train class 1")
    np.testing.assert_array_equal(train1.x, X[0, Y[0] == 1])
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.title.text == "Decision boundary"
    validated(fig)


def test_decision_boundary_colour_bar_and_legend_sit_under_the_plot(boundary_data):
    xs, ys, P, X, Y, Xt, Yt = boundary_data
    fig = F.decision_boundary(xs, ys, P, X, Y, Xt, Yt, height=500)
    bar = prediction(fig).colorbar
    assert bar.orientation == "h" and bar.yref == "container" and bar.yanchor == "bottom"
    legend = fig.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0.0, "bottom")
    # the bar starts above the legend's rows, and both fit in the bottom margin
    assert 0 < bar.y * 500 < fig.layout.margin.b


def test_decision_boundary_discretize_and_hide_test(boundary_data):
    xs, ys, P, X, Y, Xt, Yt = boundary_data
    fig = F.decision_boundary(xs, ys, P, X, Y, Xt, Yt, discretize=True, show_test=False)
    assert prediction(fig).type == "heatmap"  # sharp class edges
    np.testing.assert_array_equal(prediction(fig).z, (P >= 0.5).astype(float))
    assert not any(t.name and t.name.startswith("test") for t in fig.data)
    fig = F.decision_boundary(xs, ys, P, X, Y)  # no test set given
    assert not any(t.name and t.name.startswith("test") for t in fig.data)


def test_decision_boundary_point_size_scaling(boundary_data):
    xs, ys, P, X, Y, Xt, Yt = boundary_data
    err = np.linspace(0.0, 0.9, X.shape[1])
    fig = F.decision_boundary(xs, ys, P, X, Y, point_size=err)
    sizes = np.concatenate(
        [np.asarray(t.marker.size) for t in fig.data if t.name and t.name.startswith("train")]
    )
    assert sizes.min() == pytest.approx(6.0) and sizes.max() == pytest.approx(20.0)
    np.testing.assert_allclose(F.point_sizes([0.0, 1.0, 2.0]), [6.0, 13.0, 20.0])
    np.testing.assert_allclose(F.point_sizes(np.zeros(3)), [6.0, 6.0, 6.0])
    with pytest.raises(ValueError):
        F.decision_boundary(xs, ys, P, X, Y, point_size=err[:-1])


def test_decision_boundary_rejects_bad_input(boundary_data):
    xs, ys, P, X, Y, _, _ = boundary_data
    with pytest.raises(ValueError):
        F.decision_boundary(xs, ys, P.T[:, :-1], X, Y)
    with pytest.raises(ValueError):
        F.decision_boundary(xs, ys, P, X, Y * 2)
    with pytest.raises(ValueError):
        F.decision_boundary(xs, ys, P, X.T, Y)


# ---------------------------------------------------------------------------------------------
# templates, fonts, purity


def all_figures(template):
    sizes = (2, 4, 3, 1)
    params = make_params(sizes)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 10))
    Y = (X[0] > 0).astype(float)[None, :]
    xs, ys, XX = F.grid(X, n=10)
    P = (1 / (1 + np.exp(-XX[0]))).reshape(10, 10)
    return [
        F.decision_boundary(xs, ys, P, X, Y, template=template),
        F.weight_heatmaps(params, template=template),
        F.bias_heatmaps(params, template=template),
        F.gradient_norms(make_history(), template=template),
        F.gradient_heatmaps(make_grads(sizes), template=template),
        F.cost_curve(make_history(), template=template),
        F.network_graph(sizes, params, biases=params, template=template),
    ]


@pytest.mark.parametrize("template", ["plotly_white", "plotly_dark"])
def test_every_builder_takes_a_template_and_readable_fonts(template):
    for fig in all_figures(template):
        full = validated(fig)
        assert full.layout.template.layout.paper_bgcolor == (
            "white" if template == "plotly_white" else "rgb(17,17,17)"
        )
        assert full.layout.font.size >= 14
        assert full.layout.title.font.size >= 14
        assert full.layout.title.text


def test_unknown_template_rejected():
    with pytest.raises(ValueError):
        F.cost_curve(make_history(), template="no_such_template")


def test_module_imports_no_streamlit_or_pandas():
    tree = ast.parse(FIGURES_PY.read_text())
    runtime = set()
    for node in tree.body:  # top-level imports only; pandas may appear under TYPE_CHECKING
        if isinstance(node, ast.Import):
            runtime |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            runtime.add(node.module.split(".")[0])
    allowed = {"__future__", "base64", "dataclasses", "functools", "math", "re", "collections"}
    allowed |= {"typing"}
    allowed |= {"numpy", "plotly"}
    assert runtime <= allowed | {"tsdownsample"}  # tsdownsample: thinning long lines
    code = "import sys; import playground.figures; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# Timing report (not a test): python tests/test_figures.py


def timing_report(repeats: int = 50) -> None:
    import timeit

    sizes = (2, 8, 8, 1)
    params = make_params(sizes)
    grads = make_grads(sizes)
    history = make_history(epochs=1000, L=3)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 200))
    Y = (X[0] > 0).astype(float)[None, :]
    xs, ys, XX = F.grid(X, n=100)
    P = (1 / (1 + np.exp(-XX[0]))).reshape(100, 100)
    g = 20
    maps = [rng.normal(size=(n, g, g)) for n in sizes]
    acts = ["tanh", "tanh"]
    cases = {
        "grid(n=100)": lambda: F.grid(X, n=100),
        "decision_boundary 100x100": lambda: F.decision_boundary(
            xs, ys, P, X, Y, X, Y, point_size=np.abs(rng.normal(size=200))
        ),
        "weight_heatmaps": lambda: F.weight_heatmaps(params),
        "bias_heatmaps": lambda: F.bias_heatmaps(params),
        "gradient_norms (1000 epochs)": lambda: F.gradient_norms(history),
        "gradient_heatmaps": lambda: F.gradient_heatmaps(grads),
        "cost_curve (1000 epochs)": lambda: F.cost_curve(history),
        "network_graph": lambda: F.network_graph(sizes, params, biases=params, activations=acts),
        "network_graph + node maps": lambda: F.network_graph(
            sizes, params, biases=params, activations=acts, node_maps=maps
        ),
    }
    print(f"{'builder (2-8-8-1 network)':32s} {'build ms':>9s} {'+to_json ms':>12s}")
    for name, fn in cases.items():
        build = min(timeit.repeat(fn, number=1, repeat=repeats)) * 1000
        fig = fn()
        if isinstance(fig, go.Figure):
            js = min(timeit.repeat(fig.to_json, number=1, repeat=repeats)) * 1000
            print(f"{name:32s} {build:9.2f} {js:12.2f}")
        else:
            print(f"{name:32s} {build:9.2f} {'-':>12s}")
    big = (2, 32, 32, 32, 32, 32, 32, 1)
    bp = make_params(big)
    build = min(timeit.repeat(lambda: F.network_graph(big, bp), number=1, repeat=10)) * 1000
    print(f"{'network_graph 7 layers x 32':32s} {build:9.2f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    timing_report()


def test_heatmap_panels_give_every_cell_the_same_size():
    mats = {"W1": np.ones((4, 2)), "W2": np.ones((4, 4)), "W3": np.ones((1, 4)), "B3": [[1.0]]}
    fig = F.matrix_heatmaps(mats)
    width = [fig.layout[f"xaxis{s}"].domain for s in ("", "2", "3", "4")]
    height = [fig.layout[f"yaxis{s}"].domain for s in ("", "2", "3", "4")]
    w = [b - a for a, b in width]
    h = [b - a for a, b in height]
    assert w[1] == pytest.approx(2 * w[0]) and w[2] == pytest.approx(w[1])  # by columns
    assert h[0] == h[1] == 1.0 and h[2] == pytest.approx(0.25)  # W3: one row of four cells
    assert all(b == 1.0 for _, b in height)  # all hang from the same top line
    assert w[3] > w[0] / 2  # a one-column bias keeps room for its labels
    assert fig.layout.yaxis3.title.text == ""  # one row: no "unit in layer 3" running off
    assert all(a < b for (_, a), (b, _) in zip(width, width[1:], strict=False))  # no overlap


def test_unit_map_is_the_units_values_on_a_symmetric_scale(boundary_data):
    xs, ys, _, X, Y, _, _ = boundary_data
    A = np.tanh(np.add.outer(ys, -2 * xs))  # some unit's values over the grid
    fig = F.unit_map(xs, ys, A, X, Y, name="a1[2]")
    validated(fig)
    (hm,) = heatmaps(fig)
    np.testing.assert_allclose(np.asarray(hm.z, dtype=float), A, rtol=1e-6)
    assert hm.zmin == -hm.zmax == -np.abs(A).max()
    assert hm.colorbar.title.text == "a1[2]"
    assert fig.layout.title.text == "a1[2] over the input plane"
    points = [t for t in fig.data if t.type == "scatter"]
    assert sum(len(t.x) for t in points) == X.shape[1]
    with pytest.raises(ValueError):
        F.unit_map(xs, ys, A[:-1], X, Y, name="a1[2]")


def test_decision_boundary_for_the_player_leaves_the_plane_to_an_image(boundary_data):
    xs, ys, P, X, Y, Xt, Yt = boundary_data
    full = F.decision_boundary(xs, ys, P, X, Y, Xt, Yt, height=500)
    fig = F.decision_boundary(xs, ys, P, X, Y, Xt, Yt, height=500, shading="image")
    stand_in = prediction(fig)
    assert stand_in.type == "heatmap" and stand_in.opacity == 0.0
    assert stand_in.hoverinfo == "none"  # no label, but a click on the plane still counts
    assert np.asarray(stand_in.z).size == 1  # no grid: the frames carry it
    # one cell whose edges are the grid's: autorange (a double click) gives the same axes
    assert (tuple(stand_in.x), tuple(stand_in.y)) == ((xs[0], xs[-1]), (ys[0], ys[-1]))
    # the same colour bar, points, axes and legend as the full figure
    assert stand_in.colorbar.to_plotly_json() == prediction(full).colorbar.to_plotly_json()
    assert stand_in.colorscale == prediction(full).colorscale
    assert fig.to_dict()["data"][1:] == full.to_dict()["data"][1:]
    assert fig.layout.xaxis == full.layout.xaxis and fig.layout.yaxis == full.layout.yaxis
    (image,) = fig.layout.images
    assert (image.xref, image.yref, image.layer, image.sizing) == ("x", "y", "below", "stretch")
    assert (image.x, image.y) == (xs[0], ys[-1])  # its top-left corner: the grid's
    assert (image.sizex, image.sizey) == pytest.approx((xs[-1] - xs[0], ys[-1] - ys[0]))
    assert not full.layout.images
    validated(fig)
    with pytest.raises(ValueError, match="shading"):
        F.decision_boundary(xs, ys, P, X, Y, shading="svg")
    # the frames carry the output: the figure is the same without it
    no_p = F.decision_boundary(xs, ys, None, X, Y, Xt, Yt, height=500, shading="image")
    assert no_p.to_dict() == fig.to_dict()
    with pytest.raises(ValueError):
        F.decision_boundary(xs, ys, None, X, Y)  # the contour needs it


def test_shading_colours_follow_the_boundarys_colour_scale(boundary_data):
    for template in ("plotly_white", "plotly_dark"):
        xs, ys, P, X, Y, Xt, Yt = boundary_data
        scale = prediction(F.decision_boundary(xs, ys, P, X, Y, template=template)).colorscale
        smooth = F.shading_colors(template)
        assert len(smooth["colors"]) == F.SHADING_LEVELS == views.SHADING_LEVELS
        ends = [pcolors.hex_to_rgb(scale[0][1]), pcolors.hex_to_rgb(scale[-1][1])]
        assert [pcolors.unlabel_rgb(smooth["colors"][i]) for i in (0, -1)] == ends
        assert (
            smooth["line"]
            == prediction(F.decision_boundary(xs, ys, P, X, Y, template=template)).line.color
        )
        sharp = F.shading_colors(template, discretize=True)
        assert sharp["line"] is None  # the discretized map has no contour line
        assert set(sharp["colors"][:128]) == {scale[0][1]}  # P < 0.5: class 0's colour ...
        assert set(sharp["colors"][128:]) == {scale[-1][1]}  # ... P >= 0.5: class 1's


# ---------------------------------------------------------------------------------------------
# K >= 3 classes (issue 16)


def values(a):
    """An array of a figure, whether plotly keeps it as an array or as its typed-array dict."""
    if isinstance(a, dict):
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=np.dtype(a["dtype"]))
    return np.asarray(a, dtype=float)


def three_class_data(K=3, n=12, m=30, seed=0):
    rng = np.random.default_rng(seed)
    xs, ys = np.linspace(-1, 1, n), np.linspace(-2, 2, n)
    logits = rng.normal(size=(K, n, n))
    P = np.exp(logits) / np.exp(logits).sum(axis=0)
    X = rng.uniform(-1, 1, (2, m))
    labels = np.arange(m) % K
    Y = np.eye(K)[:, labels]  # one-hot (K, m)
    return xs, ys, P, X, Y, labels


@pytest.mark.parametrize("template", ["plotly_white", "plotly_dark"])
def test_k_classes_have_a_colour_each_in_points_and_legend(template):
    xs, ys, P, X, Y, labels = three_class_data(K=4)
    names = ("cat", "dog", "eel", "fox")
    fig = validated(
        F.decision_boundary(xs, ys, P, X, Y, X, Y, class_names=names, template=template)
    )
    colors = F.class_colors(template, 4)
    assert len(set(colors)) == 4
    for c, name in enumerate(names):
        (train,) = [t for t in fig.data if t.name == f"train class {name}"]
        (test,) = [t for t in fig.data if t.name == f"test class {name}"]
        assert train.marker.color == test.marker.color == colors[c]
        np.testing.assert_array_equal(values(train.x), X[0, labels == c])
    # classes 0 and 1 keep the two-class figure's orange and blue
    two = F.decision_boundary(xs, ys, P[0], X, (labels[None, :] % 2), template=template)
    (first,) = [t for t in two.data if t.name == "train class 0"]
    assert first.marker.color == colors[0]


def test_k_classes_plane_is_the_winner_shaded_by_its_probability():
    xs, ys, P, X, Y, _ = three_class_data(K=3)
    fig = F.decision_boundary(xs, ys, P, X, Y)
    validated(fig)
    trace = prediction(fig)
    z = np.asarray(trace.z, dtype=float)
    winner, top = np.argmax(P, axis=0), P.max(axis=0)
    np.testing.assert_array_equal(np.floor(z), winner)  # the integer part: the class
    t = (top - 1 / 3) / (2 / 3)
    np.testing.assert_allclose(z - winner, 0.999 * t, atol=1e-6)  # the rest: its strength
    assert trace.zmin == 0 and trace.zmax == 3
    # each third of the scale runs from the neutral colour to that class's tint
    scale = [(pos, col) for pos, col in trace.colorscale]
    tints = F.class_tints("plotly_white", 3)
    assert [col for _, col in scale[1::2]] == tints
    assert scale[0][0] == 0 and scale[2][0] == pytest.approx(1 / 3)
    sharp = prediction(F.decision_boundary(xs, ys, P, X, Y, discretize=True))
    np.testing.assert_allclose(np.asarray(sharp.z, float), winner + 0.999, atol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        F.decision_boundary(xs, ys, P[0], X, Y)  # one plane for three classes


def test_k_classes_shading_colours_for_the_player():
    names = ["a", "b", "c"]
    sc = F.shading_colors("plotly_white", class_names=names)
    assert sc["classes"] == F.class_tints("plotly_white", 3) and sc["names"] == names
    assert sc["line"] is not None
    assert F.shading_colors("plotly_white", True, class_names=names)["line"] is None
    assert "colors" in F.shading_colors("plotly_white", class_names=["0", "1"])  # two: as ever


def test_a_softmax_output_is_ringed_in_its_classes_colours_and_its_maps_in_theirs():
    sizes = (2, 3, 3)
    params = make_params(sizes)
    maps = [np.random.default_rng(k).uniform(0, 1, (n, 6, 6)) for k, n in enumerate(sizes)]
    maps[-1] = maps[-1] / maps[-1].sum(axis=0)  # a softmax's units sum to 1
    fig = F.network_graph(sizes, views.matrices(params, {}, 0.1, "W"), node_maps=maps,
                          class_names=["x", "y", "z"])  # fmt: skip
    validated(fig)
    rings = fig.data[-1]
    assert rings.name == "classes" and list(rings.marker.color) == F.class_colors("plotly_white", 3)
    labels = [a.text for a in fig.layout.annotations]
    assert any("output · softmax" in text for text in labels)
    hover = " ".join(" ".join(t.hovertext or ()) for t in fig.data if t.hovertext is not None)
    assert "a2[1] = P(class y)" in hover
    (out_map,) = [t for t in fig.data if t.name == "maps layer 2"]
    z = np.asarray(out_map.z, dtype=float)
    assert out_map.zmax == 3 and np.nanmax(z) < 3
    # the bottom box is unit 2: its cells are 2 + 0.95 P(class 2)
    np.testing.assert_allclose(z[:6], 2 + 0.95 * maps[-1][2], rtol=1e-6)
    reel = F.network_reel(sizes, [{"mats": views.matrices(params, {}, 0.1, "W"),
                                   "node_maps": maps}])  # fmt: skip
    assert reel["traces"]["map_colors"][-1] == "classes3"
    assert len(reel["colors"]["classes3"]) == F.SHADING_LEVELS
    with pytest.raises(ValueError, match="softmax"):
        F.network_graph((2, 3, 1), views.matrices(make_params((2, 3, 1)), {}, 0.1, "W"),
                        class_names=["a"])  # fmt: skip


def test_unit_map_of_k_classes_draws_each_class():
    xs, ys, P, X, Y, labels = three_class_data(K=5)
    fig = F.unit_map(xs, ys, P[0], X, Y, name="a3[0]", class_names="abcde")
    validated(fig)
    names = [t.name for t in fig.data if t.type == "scatter"]
    assert names == [f"train class {c}" for c in "abcde"]
