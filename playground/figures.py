"""Plotly figure builders for the Backprop Playground.

Every public builder takes arrays or a history DataFrame, validates them, builds plain-dict
traces and a plain-dict layout, and returns one ``plotly.graph_objects.Figure``. Nothing here
imports streamlit or keeps state between calls.

Shapes follow the notes: ``X`` is ``(n0, m)``, ``Wk`` is ``(nk, nk-1)``, ``Bk`` is ``(nk, 1)``,
labels ``Y`` are ``(1, m)``. Prediction grids are ``xs (nx,)``, ``ys (ny,)`` and
``P (ny, nx)`` (rows follow ``ys``), as produced by :func:`grid`.

Speed: the builders run inside a live Streamlit fragment several times per second, so figures
are assembled from dicts with ``go.Figure(..., _validate=False)`` (plotly's per-property
validation costs ~25 ms per figure; the tests re-validate every figure instead), and several
small heatmaps share one figure as subplots.

Colours: orange means negative / class 0, blue means positive / class 1 (as in TensorFlow
Playground); the pair stays distinct under the common colour-vision deficiencies.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.colors as pcolors
import plotly.graph_objects as go
import plotly.io as pio
from numpy.typing import ArrayLike, NDArray
from tsdownsample import NaNMinMaxLTTBDownsampler

if TYPE_CHECKING:  # pandas is only needed for type hints
    import pandas as pd

__all__ = [
    "bias_heatmaps",
    "cost_curve",
    "decision_boundary",
    "edge_widths",
    "gradient_heatmaps",
    "gradient_norms",
    "grid",
    "matrix_heatmaps",
    "network_reel",
    "network_graph",
    "point_sizes",
    "weight_heatmaps",
]

# ---------------------------------------------------------------------------------------------
# Constants (immutable)

FONT_SIZE = 15  # base font: tick labels, legend, hover
TITLE_SIZE = 20  # figure title
SUBTITLE_SIZE = 16  # subplot titles, axis titles

# (negative / class 0, positive / class 1) per theme: orange vs blue.
_SIGN_COLORS = {"light": ("#E66100", "#0072B2"), "dark": ("#F5A040", "#56B4E9")}
# Neutral midpoint of the diverging scales per theme.
_MID_COLOR = {"light": "#F7F7F7", "dark": "#2E2E2E"}
# K >= 3 classes: a colour per class, the same in the points, the legend, the plane's shading,
# the network's output units and the page's accuracy per class. Classes 0 and 1 keep the two
# classes' orange and blue; the others are Okabe-Ito's green, purple, brown and gold.
_CLASS_COLORS = {
    "light": ("#E66100", "#0072B2", "#009E73", "#CC79A7", "#8C510A", "#C99A00"),
    "dark": ("#F5A040", "#56B4E9", "#3DD6A3", "#E7A6CF", "#C89A5E", "#F0E442"),
}
# Okabe-Ito colours for one line per layer (yellow only on dark pages, dark blue only on light).
_LAYER_COLORS = {
    "light": ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999"),
    "dark": ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#D55E00", "#BBBBBB"),
}
_NEUTRAL = {"light": "#555555", "dark": "#BBBBBB"}

# Lines over epochs draw at most this many points per trace: a 65,536-row history would send
# ~1 MB per chart and frame. MinMax-LTTB keeps the first and last point and every spike.
MAX_LINE_POINTS = 600
_DOWNSAMPLER = NaNMinMaxLTTBDownsampler()

_SIGN_NAMES = ("negative", "positive")
_TRAILING_INT = re.compile(r"(\d+)$")


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _theme(template: str) -> tuple[Any, str]:
    """Resolve a template name to (Template object, "light" | "dark")."""
    if not isinstance(template, str) or template not in pio.templates:
        raise ValueError(f"template must be one of {sorted(pio.templates)}, got {template!r}")
    tmpl = pio.templates[template]
    bg = tmpl.layout.paper_bgcolor
    return tmpl, "dark" if bg is not None and _luminance(bg) < 0.5 else "light"


_TRACE_TYPES = ("scatter", "heatmap", "contour", "bar")  # all the builders draw
_LAYOUT_KEYS = ("polar", "ternary", "scene", "geo", "colorscale", "coloraxis")  # never used
_SLIM: dict[str, go.layout.Template] = {}


def _slim_template(template: str) -> go.layout.Template:
    """``template`` without the defaults of trace types and layouts the builders never draw:
    the same look, ~5 kB less sent with every figure (the builders set every colour scale)."""
    if template not in _SLIM:
        full = pio.templates[template].to_plotly_json()
        data = {k: v for k, v in full.get("data", {}).items() if k in _TRACE_TYPES}
        layout = {k: v for k, v in full.get("layout", {}).items() if k not in _LAYOUT_KEYS}
        _SLIM[template] = go.layout.Template(data=data, layout=layout)
    return _SLIM[template]


def _luminance(color: str) -> float:
    """Rough relative luminance in [0, 1] of 'white', 'black', '#rrggbb' or 'rgb(r,g,b)'."""
    c = color.strip().lower()
    if c in ("white", "black"):
        return 1.0 if c == "white" else 0.0
    if c.startswith("#") and len(c) == 7:
        rgb = [int(c[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        nums = re.findall(r"[\d.]+", c)
        if len(nums) < 3:
            return 1.0
        rgb = [float(v) for v in nums[:3]]
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255.0


def _diverging_scale(tone: str) -> list[list[Any]]:
    """Orange (negative) - neutral - blue (positive); |value| reads as contrast to the page."""
    if tone == "dark":
        return [
            [0.0, "#FDB863"],
            [0.25, "#E08214"],
            [0.5, _MID_COLOR[tone]],
            [0.75, "#4393C3"],
            [1.0, "#92C5DE"],
        ]
    return [
        [0.0, "#B35806"],
        [0.25, "#F1A340"],
        [0.5, _MID_COLOR[tone]],
        [0.75, "#67A9CF"],
        [1.0, "#2166AC"],
    ]


def _class_scale(tone: str) -> list[list[Any]]:
    """Muted orange - neutral - muted blue for P(class 1), so saturated points stand out."""
    if tone == "dark":
        return [[0.0, "#7A4314"], [0.5, _MID_COLOR[tone]], [1.0, "#1F4F78"]]
    return [[0.0, "#FBC693"], [0.5, _MID_COLOR[tone]], [1.0, "#A3CBEA"]]


def class_colors(template: str, classes: int) -> list[str]:
    """The colour of each of ``classes`` classes (2 to 6) in ``template``'s tone."""
    _, tone = _theme(template)
    if not 2 <= classes <= len(_CLASS_COLORS[tone]):
        raise ValueError(f"classes must be 2 to {len(_CLASS_COLORS[tone])}, got {classes}")
    return list(_CLASS_COLORS[tone][:classes])


def _rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _mix(a: str, b: str, t: float) -> str:
    """The colour ``t`` of the way from ``a`` to ``b`` (both '#rrggbb')."""
    ra, rb = _rgb(a), _rgb(b)
    return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(ra, rb, strict=True))


def class_tints(template: str, classes: int) -> list[str]:
    """Each class's colour muted toward the page, for the plane where that class wins (so that
    its points, in the full colour, stand out on it)."""
    _, tone = _theme(template)
    page = "#FFFFFF" if tone == "light" else "#1A1A1A"
    return [
        _mix(c, page, 0.6 if tone == "light" else 0.45) for c in class_colors(template, classes)
    ]


def _figure(
    data: list[dict[str, Any]],
    layout: dict[str, Any],
    template: str,
    title: str | None,
    height: int | None,
) -> go.Figure:
    """Assemble one Figure from plain dicts without plotly's slow per-property validation."""
    _theme(template)  # validates the name
    base: dict[str, Any] = {
        "template": _slim_template(template),
        "font": {"size": FONT_SIZE},
        "hoverlabel": {"font": {"size": FONT_SIZE}},
        "margin": {"l": 70, "r": 30, "t": 80, "b": 60},
    }
    if title is not None:
        base["title"] = {
            "text": title,
            "font": {"size": TITLE_SIZE},
            "x": 0.01,
            "xanchor": "left",
            "y": 0.98,
            "yanchor": "top",
        }
    if height is not None:
        base["height"] = int(height)
    base.update(layout)
    return go.Figure(data=data, layout=base, _validate=False)


def _axis_title(text: str) -> dict[str, Any]:
    return {"text": text, "font": {"size": SUBTITLE_SIZE}}


def _as_2d(name: str, a: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 1:  # accept a bias given as (nk,) and draw it as the column (nk, 1)
        arr = arr[:, None]
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {arr.shape}")
    return arr


def _abs_max(a: NDArray[np.float64]) -> float:
    """Largest finite |value|, or 1e-12 when there is none (all zero / NaN)."""
    finite = np.abs(a[np.isfinite(a)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0.0 else 1e-12


def _numbered(mats: Mapping[str, Any], prefix: str) -> list[tuple[int, str]]:
    """(k, key) for keys exactly ``prefix + k``, sorted by k."""
    pat = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    found = [(int(m.group(1)), key) for key in mats if (m := pat.match(key))]
    return sorted(found)


def _layer_of(name: str) -> int | None:
    m = _TRAILING_INT.search(name)
    return int(m.group(1)) if m else None


def _dtick(n: int, max_ticks: int = 8) -> int:
    return max(1, math.ceil(n / max_ticks))


def _decimals(zmax: float) -> int:
    """Decimals so that the largest value shows two significant digits (1..6)."""
    return int(min(6, max(1, 1 - math.floor(math.log10(zmax)))))


def _fmt(v: float) -> str:
    return f"{v:.3g}" if np.isfinite(v) else str(v)


# ---------------------------------------------------------------------------------------------
# Grid over the input plane


def grid(
    X: ArrayLike, n: int = 100, pad: float = 0.5
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Regular grid covering the 2-D data, padded by ``pad`` on every side.

    Parameters
    ----------
    X : (2, m) raw input coordinates.
    n : points per axis (n >= 2).
    pad : margin added beyond min..max of each coordinate.

    Returns
    -------
    xs : (n,) first coordinate, ys : (n,) second coordinate,
    XX : (2, n*n) grid points as columns, ordered so that ``output.reshape(n, n)`` is
    ``(ny, nx)`` with row r at ``ys[r]`` and column c at ``xs[c]``.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2 or X.shape[1] < 1:
        raise ValueError(f"X must have shape (2, m) with m >= 1, got {X.shape}")
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    lo = X.min(axis=1) - pad  # (2,)
    hi = X.max(axis=1) + pad  # (2,)
    hi = np.where(hi > lo, hi, lo + 1.0)  # a degenerate coordinate still gets a range
    xs = np.linspace(lo[0], hi[0], int(n))  # (n,)
    ys = np.linspace(lo[1], hi[1], int(n))  # (n,)
    XX = np.empty((2, int(n) * int(n)))  # (2, n*n)
    XX[0] = np.tile(xs, int(n))  # x varies fastest: one row of the grid after another
    XX[1] = np.repeat(ys, int(n))
    return xs, ys, XX


# ---------------------------------------------------------------------------------------------
# 1. Decision boundary


def _labels(name: str, Y: ArrayLike, m: int) -> tuple[NDArray[np.int64], int]:
    """Each point's class (m,) and the number of classes, from ``Y``: (1, m) 0/1 labels (two
    classes) or (K, m) one-hot columns (K >= 3)."""
    Y = np.asarray(Y, dtype=float)
    if Y.ndim == 2 and Y.shape[0] >= 3 and Y.shape[1] == m:
        if not (np.isin(Y, (0.0, 1.0)).all() and (Y.sum(axis=0) == 1.0).all()):
            raise ValueError(f"{name} must be one-hot: one 1 in each column")
        return np.argmax(Y, axis=0), Y.shape[0]
    y = Y.reshape(-1)
    if y.size != m:
        raise ValueError(f"{name} must hold {m} labels (shape (1, m)), got {np.shape(Y)}")
    if not np.all((y == 0.0) | (y == 1.0)):
        raise ValueError(f"{name} must contain only 0/1 labels")
    return (y == 1.0).astype(np.int64), 2


def _points(name: str, X: ArrayLike) -> NDArray[np.float64]:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ValueError(f"{name} must have shape (2, m), got {X.shape}")
    return X


def point_sizes(values: ArrayLike, lo: float = 6.0, hi: float = 20.0) -> NDArray[np.float64]:
    """Marker sizes in px: ``lo`` for 0, ``hi`` for the largest |value|, linear in between."""
    v = np.abs(np.asarray(values, dtype=float).reshape(-1))
    v = np.where(np.isfinite(v), v, 0.0)
    top = float(v.max()) if v.size else 0.0
    if top <= 0.0:
        return np.full(v.shape, lo)
    return lo + (hi - lo) * (v / top)


_LEGEND_PX = 64  # two legend rows under the decision boundary, at a presenter's font too
_DEFAULT_HEIGHT = 450  # Plotly's own height for a figure that sets none


def _plane_layout(xs: NDArray[np.float64], ys: NDArray[np.float64]) -> dict[str, Any]:
    """Axes of a map over the input plane (x1 across, x2 up, one unit each way), and the legend
    and colour bar under it (bottom, upwards: legend, colour bar, x axis)."""
    return {
        "xaxis": {
            "title": _axis_title("x1"),
            "range": [float(xs[0]), float(xs[-1])],
            "constrain": "domain",
            "showgrid": False,
            "zeroline": False,
        },
        "yaxis": {
            "title": _axis_title("x2"),
            "range": [float(ys[0]), float(ys[-1])],
            "scaleanchor": "x",
            "scaleratio": 1,
            "constrain": "domain",
            "showgrid": False,
            "zeroline": False,
        },
        "legend": {  # at the bottom: above the plot, a wrapped legend runs into the title
            "orientation": "h",
            "x": 0.5,
            "xanchor": "center",
            "yref": "container",
            "y": 0.0,
            "yanchor": "bottom",
        },
        "margin": {"l": 60, "r": 20, "t": 60, "b": _LEGEND_PX + 100},
    }


def _bottom_colorbar(title: str, height: int | None) -> dict[str, Any]:
    """A horizontal colour bar under a plane map: beside it, it would take a fifth of a
    narrow column's width from the square plot."""
    return {
        "title": {"text": title, "side": "right"},
        "orientation": "h",
        "len": 0.6,
        "thickness": 12,
        "x": 0.5,
        "xanchor": "center",
        "yref": "container",  # in px from the bottom: just above the legend
        "y": _LEGEND_PX / (height or _DEFAULT_HEIGHT),
        "yanchor": "bottom",
    }


def _pieces_scale(tone: str, K: int) -> list[list[Any]]:
    """A colour scale over [0, K] (as fractions of K) in ``K`` pieces: from ``c`` to ``c + 1``,
    the page's neutral colour to class ``c``'s tint. A value ``c + t`` (``0 <= t < 1``) is class
    ``c`` at strength ``t``."""
    scale: list[list[Any]] = []
    mid = _MID_COLOR[tone]
    for c, tint in enumerate(class_tints("plotly_dark" if tone == "dark" else "plotly_white", K)):
        scale += [[c / K, mid], [(c + 1) / K - 1e-9 if c < K - 1 else 1.0, tint]]
    return scale


def _prediction(
    xs: NDArray[np.float64],
    ys: NDArray[np.float64],
    P: NDArray[np.float64],
    K: int,
    names: Sequence[str],
    discretize: bool,
    boundary_line: bool,
    tone: str,
    height: int | None,
) -> dict[str, Any]:
    """The plane's shading as one trace. Two classes: P(class 1) as a contour coloured as a
    heatmap, whose one contour is the P = 0.5 line (a plain heatmap of the classes when
    discretized, for sharp edges). ``K >= 3``: a heatmap of ``winner + t`` (``t``, 0..1, the
    winner's probability above ``1/K`` as a share of what it could be) on a colour scale made of
    ``K`` pieces, each from the page's neutral colour to that class's tint (``t = 1`` throughout
    when discretized), with each cell's class and probability on hover."""
    if K == 2:
        # Probabilities need no more than float32 on screen; it halves the grid sent per frame.
        z = (P >= 0.5).astype(np.float32) if discretize else P.astype(np.float32)
        trace: dict[str, Any] = {
            "type": "heatmap" if discretize else "contour",
            "x": xs,
            "y": ys,
            "z": z,
            "zmin": 0.0,
            "zmax": 1.0,
            "colorscale": _class_scale(tone),
            "showscale": not discretize,
            "colorbar": {**_bottom_colorbar("P(class 1)", height), "tickvals": [0, 0.5, 1]},
            "hovertemplate": "x1 = %{x:.2f}<br>x2 = %{y:.2f}<br>"
            + ("class = %{z:.0f}" if discretize else "P(class 1) = %{z:.3f}")
            + "<extra></extra>",
            "name": "prediction",
        }
        if discretize:
            trace["zmid"] = 0.5
        else:
            trace["contours"] = {
                "start": 0.5,
                "end": 0.5,
                "size": 1.0,
                "coloring": "heatmap",
                "showlines": boundary_line,
            }
            trace["line"] = {"color": _NEUTRAL[tone], "width": 2}
        return trace
    winner = np.argmax(P, axis=0)  # (ny, nx)
    top = P.max(axis=0)
    t = np.ones_like(top) if discretize else np.clip((top - 1.0 / K) / (1.0 - 1.0 / K), 0, 1)
    scale = _pieces_scale(tone, K)
    label = np.asarray(names, dtype=object)[winner]
    return {
        "type": "heatmap",
        "x": xs,
        "y": ys,
        "z": (winner + 0.999 * t).astype(np.float32),
        "zmin": 0.0,
        "zmax": float(K),
        "colorscale": scale,
        "showscale": False,
        "customdata": np.stack([label, np.round(top, 3)], axis=-1),
        "hovertemplate": "x1 = %{x:.2f}<br>x2 = %{y:.2f}<br>class %{customdata[0]}, "
        "P = %{customdata[1]:.3f}<extra></extra>",
        "name": "prediction",
    }


def decision_boundary(
    xs: ArrayLike,
    ys: ArrayLike,
    P: ArrayLike | None,
    X_train: ArrayLike,
    Y_train: ArrayLike,
    X_test: ArrayLike | None = None,
    Y_test: ArrayLike | None = None,
    *,
    show_test: bool = True,
    discretize: bool = False,
    point_size: ArrayLike | None = None,
    size_label: str = "|dZ|",
    boundary_line: bool = True,
    shading: str = "trace",
    class_names: Sequence[str] | None = None,
    title: str = "Decision boundary",
    template: str = "plotly_white",
    height: int | None = 520,
) -> go.Figure:
    """P(class 1) over the input plane with the training (and test) points on top; for
    ``K >= 3`` classes, the winning class's colour shaded by its probability.

    Parameters
    ----------
    xs : (nx,), ys : (ny,) grid coordinates; P : (ny, nx) probabilities of class 1, or for
        K >= 3 classes (K, ny, nx) each class's probability.
    X_train : (2, m), Y_train : (1, m) 0/1 labels, or (K, m) one-hot; X_test, Y_test likewise
        (optional).
    class_names : what the K classes are called in the legend and hover (default 0..K-1).
    show_test : draw the test points (diamonds with a dark outline).
    discretize : colour by the predicted class (P >= 0.5) instead of the probability.
    point_size : optional (m,) per-point error (e.g. |dZL|) sizing train points 6..20 px.
    boundary_line : draw the P = 0.5 contour as a line.
    shading : ``"trace"``: ``P`` as a contour (a heatmap when discretized), with its values on
        hover; ``"image"``: the plane is left for an image under the points (``layout.images[0]``,
        placed over the grid, its ``source`` empty), which a player fills frame after frame from
        ``views.shading`` and ``shading_colors`` (Play: swapping an image is far cheaper for the
        browser than redrawing a contour and every point); ``P`` is not needed then (None).
    """
    if shading not in ("trace", "image"):
        raise ValueError(f"shading must be 'trace' or 'image', got {shading!r}")
    _, tone = _theme(template)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if xs.ndim != 1 or ys.ndim != 1 or xs.size < 2 or ys.size < 2:
        raise ValueError("xs and ys must be 1-D with at least 2 points each")
    X_train = _points("X_train", X_train)
    y_train, K = _labels("Y_train", Y_train, X_train.shape[1])
    names = [str(c) for c in range(K)] if class_names is None else [str(c) for c in class_names]
    if len(names) != K:
        raise ValueError(f"class_names must name the {K} classes, got {len(names)}")
    grid_shape = (ys.size, xs.size) if K == 2 else (K, ys.size, xs.size)
    if P is None and shading == "image":
        P = np.full(grid_shape, 1.0 / K if K > 2 else 0.5)  # (only the stand-in is built from it)
    P = np.asarray(P, dtype=float)
    if P.shape != grid_shape:
        raise ValueError(f"P must have shape {grid_shape} for {K} classes, got {P.shape}")
    sizes = None
    if point_size is not None:
        err = np.asarray(point_size, dtype=float).reshape(-1)
        if err.size != X_train.shape[1]:
            raise ValueError(f"point_size must hold {X_train.shape[1]} values, got {err.size}")
        sizes = point_sizes(err)
    with_test = show_test and X_test is not None and Y_test is not None
    if with_test:
        X_test = _points("X_test", X_test)
        y_test, K_test = _labels("Y_test", Y_test, X_test.shape[1])
        if K_test != K:
            raise ValueError(f"Y_test has {K_test} classes, Y_train {K}")

    colors = _SIGN_COLORS[tone] if K == 2 else class_colors(template, K)
    prediction = _prediction(xs, ys, P, K, names, discretize, boundary_line, tone, height)
    layout = _plane_layout(xs, ys)
    if shading == "image":
        # The colour bar stays, on a transparent one-cell stand-in for the shading whose edges
        # are the grid's (so a double click's autorange finds the same axes); it takes hover
        # and clicks anywhere on the plane (drawing points) without showing a label.
        prediction = {
            "type": "heatmap",
            "x": [float(xs[0]), float(xs[-1])],
            "y": [float(ys[0]), float(ys[-1])],
            "z": [[0.5]],
            **{k: prediction[k] for k in ("zmin", "zmax", "colorscale", "showscale")},
            **({"colorbar": prediction["colorbar"]} if "colorbar" in prediction else {}),
            "opacity": 0.0,
            "hoverinfo": "none",
            "name": "prediction",
        }
        layout["images"] = [
            {
                "source": "",
                "xref": "x",
                "yref": "y",
                "x": float(xs[0]),
                "y": float(ys[-1]),
                "sizex": float(xs[-1] - xs[0]),
                "sizey": float(ys[-1] - ys[0]),
                "sizing": "stretch",
                "layer": "below",
                "name": "shading",
            }
        ]
    data: list[dict[str, Any]] = [prediction]
    for cls in range(K):
        mask = y_train == cls
        trace: dict[str, Any] = {
            "type": "scatter",
            "mode": "markers",
            "x": X_train[0, mask],
            "y": X_train[1, mask],
            "name": f"train class {names[cls]}",
            "legendgroup": "train",
            "marker": {
                "symbol": "circle",
                "size": sizes[mask] if sizes is not None else 9,
                "color": colors[cls],
                "opacity": 1.0,  # plotly would default sized ("bubble") markers to 0.7
                "line": {"color": "white", "width": 1.2},
            },
            "hovertemplate": f"train · class {names[cls]}<br>x1 = %{{x:.2f}}<br>x2 = %{{y:.2f}}"
            + (f"<br>{size_label} = %{{customdata:.3f}}" if sizes is not None else "")
            + "<extra></extra>",
        }
        if sizes is not None:
            trace["customdata"] = np.abs(err[mask])
        data.append(trace)
    if with_test:
        for cls in range(K):
            mask = y_test == cls
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": X_test[0, mask],
                    "y": X_test[1, mask],
                    "name": f"test class {names[cls]}",
                    "legendgroup": "test",
                    "marker": {
                        "symbol": "diamond",
                        "size": 9,
                        "color": colors[cls],
                        "line": {"color": "#1A1A1A", "width": 1},
                    },
                    "hovertemplate": f"test · class {names[cls]}<br>x1 = %{{x:.2f}}<br>"
                    "x2 = %{y:.2f}<extra></extra>",
                }
            )
    return _figure(data, layout, template, title, height)


SHADING_LEVELS = 256  # the player's shading: P(class 1) in this many steps (views.shading)


@functools.lru_cache(maxsize=8)
def _levels(tone: str, scale: str) -> tuple[str, ...]:
    """The colour scale ``scale`` ("class" or "diverging") of ``tone`` in SHADING_LEVELS steps
    (the same few scales every frame: sampled once)."""
    if scale.startswith("classes"):  # "classes3": a softmax's unit maps (``_pieces_scale``)
        colors = _pieces_scale(tone, int(scale[len("classes") :]))
    else:
        colors = _class_scale(tone) if scale == "class" else _diverging_scale(tone)
    return tuple(pcolors.sample_colorscale(colors, np.linspace(0.0, 1.0, SHADING_LEVELS).tolist()))


def shading_colors(
    template: str = "plotly_white",
    discretize: bool = False,
    class_names: Sequence[str] | None = None,
) -> dict[str, Any]:
    """What the player needs to paint ``views.shading`` bytes as ``decision_boundary`` does.

    Two classes (``class_names`` None or two names): ``colors``, the CSS colour of each of the
    256 levels (discretized: two colours, split at the P = 0.5 line), and ``line``, the colour
    of the P = 0.5 contour (``None``: no line).

    ``K >= 3`` classes: ``classes``, each class's tint (the plane where it wins, at full
    confidence), ``mid``, the colour of no confidence (every class as likely), ``names`` (for
    the readout under the mouse), ``line``, the colour of the borders between the classes'
    regions (``None`` when discretized: every winner at its full tint, sharp edges)."""
    _, tone = _theme(template)
    if class_names is not None and len(class_names) >= 3:
        K = len(class_names)
        return {
            "classes": class_tints(template, K),
            "mid": _MID_COLOR[tone],
            "names": [str(n) for n in class_names],
            "line": None if discretize else _NEUTRAL[tone],
        }
    scale = _class_scale(tone)
    if discretize:
        low, high = scale[0][1], scale[-1][1]
        half = SHADING_LEVELS // 2
        return {"colors": [low] * half + [high] * (SHADING_LEVELS - half), "line": None}
    return {"colors": list(_levels(tone, "class")), "line": _NEUTRAL[tone]}


def unit_map(
    xs: ArrayLike,
    ys: ArrayLike,
    A: ArrayLike,
    X_train: ArrayLike,
    Y_train: ArrayLike,
    *,
    name: str,
    class_names: Sequence[str] | None = None,
    title: str | None = None,
    template: str = "plotly_white",
    height: int | None = 460,
) -> go.Figure:
    """One unit's value over the input plane, large, with the training points on top (``Y_train``
    (1, m) 0/1 or (K, m) one-hot, the classes called ``class_names``).

    ``A`` is ``(ny, nx)`` over the grid ``xs``, ``ys`` (as from ``views.unit_grid``); ``name``
    labels the colour bar and hover (``"a1[2]"``). The colour scale is diverging and symmetric
    around 0 (a unit's sign is what the next layer's weights act on), the points are drawn
    small and outlined so the map stays readable under them.
    """
    _, tone = _theme(template)
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    A = np.asarray(A, dtype=float)
    if A.shape != (ys.size, xs.size):
        raise ValueError(f"A must have shape (ny, nx) = {(ys.size, xs.size)}, got {A.shape}")
    X_train = _points("X_train", X_train)
    y_train, K = _labels("Y_train", Y_train, X_train.shape[1])
    names = [str(c) for c in (range(K) if class_names is None else class_names)]
    zm = _abs_max(A)
    big = np.finfo(np.float32).max
    data: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "x": xs,
            "y": ys,
            "z": np.clip(A, -big, big).astype(np.float32),
            "zmin": -zm,
            "zmax": zm,
            "colorscale": _diverging_scale(tone),
            "colorbar": _bottom_colorbar(name, height),
            "hovertemplate": f"x1 = %{{x:.2f}}<br>x2 = %{{y:.2f}}<br>{name} = %{{z:.3g}}"
            "<extra></extra>",
            "name": name,
        }
    ]
    colors = _SIGN_COLORS[tone] if K == 2 else class_colors(template, K)
    for cls in range(K):
        mask = y_train == cls
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": X_train[0, mask],
                "y": X_train[1, mask],
                "name": f"train class {names[cls]}",
                "marker": {"size": 6, "color": colors[cls], "line": {"color": "white", "width": 1}},
                "hoverinfo": "skip",
            }
        )
    layout = _plane_layout(xs, ys)
    return _figure(data, layout, template, title or f"{name} over the input plane", height)


# ---------------------------------------------------------------------------------------------
# Heatmap grids (one subplot column per matrix, one figure)


def _heatmap_grid_layout(
    n: int,
    titles: Sequence[str],
    x_titles: Sequence[str],
    y_titles: Sequence[str],
    shapes: Sequence[tuple[int, int]],
    tone: str,
    right_margin: int,
) -> dict[str, Any]:
    """Axes and subplot-title annotations for ``n`` side-by-side heatmaps.

    Every cell has the same size: a panel's width follows its number of columns (a one-column
    bias gets a little more, for its labels) and its height its number of rows, all panels
    hanging from the same top line; so ``W3 (1 x 4)`` is one row of four cells, not a tall bar.
    """
    spacing = 0.07 if n <= 3 else 0.045
    weights = [max(float(c), 1.6) for _, c in shapes]
    unit = (1.0 - spacing * (n - 1)) / sum(weights)
    tallest = max(r for r, _ in shapes)
    max_ticks = 8 if n <= 3 else 4  # narrow panels: fewer ticks, so labels never rotate
    layout: dict[str, Any] = {"annotations": []}
    x0 = 0.0
    for p in range(n):
        sfx = "" if p == 0 else str(p + 1)
        width = weights[p] * unit
        if p:
            x0 += weights[p - 1] * unit + spacing
        rows, cols = shapes[p]
        layout[f"xaxis{sfx}"] = {
            "domain": [x0, min(1.0, x0 + width)],
            "anchor": f"y{sfx}",
            "title": _axis_title(x_titles[p]),
            "tick0": 0,
            "dtick": _dtick(cols, max_ticks),
            "showticklabels": cols > 1,
            "showgrid": False,
            "zeroline": False,
            "ticks": "",
        }
        layout[f"yaxis{sfx}"] = {
            "domain": [1.0 - rows / tallest, 1.0],
            "anchor": f"x{sfx}",
            "title": _axis_title(y_titles[p]),
            "title_standoff": 4,
            "autorange": "reversed",  # row 0 on top, as the matrix is written
            "tick0": 0,
            "dtick": _dtick(rows, max_ticks),
            "showgrid": False,
            "zeroline": False,
            "ticks": "",
        }
        layout["annotations"].append(
            {
                "text": titles[p],
                "font": {"size": SUBTITLE_SIZE},
                "x": x0 + width / 2,
                "y": 1.0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "yshift": 6,
                "showarrow": False,
            }
        )
    layout["margin"] = {"l": 60, "r": right_margin, "t": 120, "b": 60}
    layout["plot_bgcolor"] = "rgba(0,0,0,0)"
    return layout


def _axis_labels(name: str, shape: tuple[int, int]) -> tuple[str, str]:
    """(x title, y title): columns are units of layer k-1, rows units of layer k."""
    k = _layer_of(name)
    if k is None:
        return ("column j", "row i")
    x_title = "" if shape[1] == 1 else f"unit in layer {k - 1}"
    return x_title, "" if shape[0] == 1 else f"unit in layer {k}"


def matrix_heatmaps(
    mats: Mapping[str, ArrayLike],
    *,
    title: str | None = None,
    show_values: bool | None = None,
    shared_scale: bool = False,
    template: str = "plotly_white",
    height: int | None = 400,
) -> go.Figure:
    """Signed matrices side by side as heatmaps in ONE figure, one subplot column each.

    Parameters
    ----------
    mats : name -> matrix, drawn in the given order, e.g. ``{"W1": (n1, n0), "W2": ...}``;
        a bias ``Bk`` may be ``(nk, 1)`` or ``(nk,)``. Hover reads ``"W1[i,j] = 0.431"``
        (row i = unit of layer k, column j = unit of layer k-1).
    show_values : print the values in the cells; default: when every matrix is at most 8 x 8
        and there are at most 24 cell columns in total.
    shared_scale : one colour range (and colour bar) for all matrices instead of one each.

    Each heatmap has a diverging scale symmetric around 0 (``zmin = -zmax``, ``zmid = 0``);
    the per-matrix range ``±zmax`` is printed under its subplot title.
    """
    _, tone = _theme(template)
    if not mats:
        raise ValueError("mats must contain at least one matrix")
    names = list(mats)
    arrays = [_as_2d(name, mats[name]) for name in names]
    shapes = [a.shape for a in arrays]
    if show_values is None:
        show_values = all(r <= 8 and c <= 8 for r, c in shapes) and sum(c for _, c in shapes) <= 24
    zmaxes = [_abs_max(a) for a in arrays]
    if shared_scale:
        zmaxes = [max(zmaxes)] * len(zmaxes)
    scale = _diverging_scale(tone)
    data = []
    titles = []
    for p, (name, z, zmax) in enumerate(zip(names, arrays, zmaxes, strict=True)):
        sfx = "" if p == 0 else str(p + 1)
        trace: dict[str, Any] = {
            "type": "heatmap",
            "z": z,
            "zmin": -zmax,
            "zmax": zmax,
            "zmid": 0.0,
            "colorscale": scale,
            "showscale": False,
            "xaxis": f"x{sfx}",
            "yaxis": f"y{sfx}",
            "xgap": 1 if max(z.shape) <= 16 else 0,
            "ygap": 1 if max(z.shape) <= 16 else 0,
            "name": name,
            "hovertemplate": f"{name}[%{{y}},%{{x}}] = %{{z:.3g}}<extra></extra>",
        }
        if show_values:
            trace["texttemplate"] = f"%{{z:.{_decimals(zmax)}f}}"
            trace["textfont"] = {"size": 14}
        if shared_scale and p == len(names) - 1:
            trace["showscale"] = True
            trace["colorbar"] = {"thickness": 16, "len": 0.9}
        data.append(trace)
        rows, cols = z.shape
        rng = "" if shared_scale else f"<br>±{_fmt(zmax)}"
        titles.append(f"{name} ({rows} × {cols}){rng}")
    x_titles, y_titles = zip(
        *(_axis_labels(nm, s) for nm, s in zip(names, shapes, strict=True)), strict=True
    )
    layout = _heatmap_grid_layout(
        len(names), titles, x_titles, y_titles, shapes, tone, 90 if shared_scale else 20
    )
    return _figure(data, layout, template, title, height)


def _select(params: Mapping[str, ArrayLike], kind: str) -> dict[str, ArrayLike]:
    keys = _numbered(params, kind)
    if not keys:
        raise ValueError(f"no matrices named {kind}1, {kind}2, ... in {sorted(params)}")
    return {key: params[key] for _, key in keys}


_KIND_TITLES = {
    "W": "Weights Wk",
    "B": "Biases Bk",
    "dW": "Gradients dWk",
    "dB": "Gradients dBk",
}


def weight_heatmaps(
    params: Mapping[str, ArrayLike],
    *,
    kind: str = "W",
    title: str | None = None,
    template: str = "plotly_white",
    **kwargs: Any,
) -> go.Figure:
    """The matrices ``kind1 .. kindL`` of ``params`` (e.g. W1..WL or dW1..dWL) as heatmaps.

    A thin wrapper of :func:`matrix_heatmaps`; other keyword arguments are passed on.
    """
    mats = _select(params, kind)
    if title is None:
        title = _KIND_TITLES.get(kind, f"{kind}k")
    return matrix_heatmaps(mats, title=title, template=template, **kwargs)


def bias_heatmaps(
    params: Mapping[str, ArrayLike],
    *,
    kind: str = "B",
    title: str | None = None,
    template: str = "plotly_white",
    **kwargs: Any,
) -> go.Figure:
    """The bias columns ``B1 .. BL`` (each ``(nk, 1)``) as heatmaps in one figure."""
    return weight_heatmaps(params, kind=kind, title=title, template=template, **kwargs)


def gradient_heatmaps(
    grads: Mapping[str, ArrayLike],
    *,
    decades: int = 6,
    title: str = "|dWk| per layer",
    template: str = "plotly_white",
    height: int | None = 400,
) -> go.Figure:
    """``log10 |dWk|`` for every layer with ONE shared colour range (Viridis).

    A shared range makes vanishing gradients in early layers visible. The range spans at most
    ``decades`` powers of ten below the largest |dW|; exact zeros are drawn at the bottom of
    the range. Hover shows the signed value, e.g. ``"dW1[2,0] = -0.00123"``.
    """
    _, tone = _theme(template)
    keys = _numbered(grads, "dW")
    if not keys:
        raise ValueError(f"grads needs dW1, dW2, ...; got {sorted(grads)}")
    names = [key for _, key in keys]
    arrays = [_as_2d(name, grads[name]) for name in names]
    top = max(_abs_max(a) for a in arrays)
    zmax = math.log10(top)
    smallest = min(
        (
            float(np.abs(a[np.isfinite(a) & (a != 0)]).min())
            for a in arrays
            if np.any(np.isfinite(a) & (a != 0))
        ),
        default=top,
    )
    zmin = max(zmax - decades, math.log10(smallest))
    if zmax - zmin < 1.0:  # keep at least one decade so the scale reads sensibly
        zmin = zmax - 1.0
    ticks = list(range(math.ceil(zmin), math.floor(zmax) + 1))
    data = []
    titles = []
    for p, (name, g) in enumerate(zip(names, arrays, strict=True)):
        sfx = "" if p == 0 else str(p + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.log10(np.abs(g))  # (nk, nk-1)
        z = np.where(np.isneginf(z), zmin, z)
        data.append(
            {
                "type": "heatmap",
                "z": z,
                "customdata": g,
                "coloraxis": "coloraxis",
                "xaxis": f"x{sfx}",
                "yaxis": f"y{sfx}",
                "xgap": 1 if max(g.shape) <= 16 else 0,
                "ygap": 1 if max(g.shape) <= 16 else 0,
                "name": name,
                "hovertemplate": f"{name}[%{{y}},%{{x}}] = %{{customdata:.3g}}<extra></extra>",
            }
        )
        sep = "<br>" if len(names) > 4 else " "  # narrow panels: shape on its own line
        titles.append(f"|{name}|{sep}({g.shape[0]} × {g.shape[1]})")
    shapes = [a.shape for a in arrays]
    x_titles, y_titles = zip(
        *(_axis_labels(nm, s) for nm, s in zip(names, shapes, strict=True)), strict=True
    )
    layout = _heatmap_grid_layout(len(names), titles, x_titles, y_titles, shapes, tone, 110)
    layout["coloraxis"] = {
        "colorscale": "Viridis",
        "cmin": zmin,
        "cmax": zmax,
        "colorbar": {
            "title": {"text": "|dW|", "side": "top"},
            "tickvals": ticks,
            "ticktext": [f"10<sup>{t}</sup>" for t in ticks],
            "thickness": 16,
            "len": 0.9,
        },
    }
    return _figure(data, layout, template, title, height)


# ---------------------------------------------------------------------------------------------
# History charts


def _column(history: pd.DataFrame, name: str) -> NDArray[np.float64]:
    return history[name].to_numpy(dtype=float)


def _thin(
    x: NDArray[np.float64], y: NDArray[np.float64], max_points: int | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``x, y`` cut to at most ``max_points`` that keep the line's shape (None: all)."""
    if max_points is None or x.size <= max_points:
        return x, y
    keep = _DOWNSAMPLER.downsample(x, y, n_out=max(max_points, 4))
    return x[keep], y[keep]


def _line(
    x: NDArray[np.float64], y: NDArray[np.float64], max_points: int | None, **trace: Any
) -> dict[str, Any]:
    """A scatter trace of ``y`` over ``x``, thinned for the screen."""
    x, y = _thin(x, y, max_points)
    return {"type": "scatter", "x": x, "y": y, **trace}


def _check_history(history: pd.DataFrame, required: Sequence[str]) -> None:
    if not hasattr(history, "columns"):
        raise ValueError("history must be a pandas DataFrame")
    missing = [c for c in required if c not in history.columns]
    if missing:
        raise ValueError(f"history is missing columns {missing}")


def _positive(y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Non-positive values become NaN so a log axis drops them."""
    return np.where(y > 0, y, np.nan)


def _log_axis(title: str, series: Sequence[NDArray[np.float64]]) -> dict[str, Any]:
    """A log y axis; label only powers of ten when the data span 1.5 decades or more."""
    axis: dict[str, Any] = {
        "title": _axis_title(title),
        "type": "log",
        "exponentformat": "power",
        "tickfont": {"size": 17},  # the exponents print at 3/4 size: still 12.75 px
        "dtick": "D2",  # within a decade, label 2 and 5 only (all of 2..9 would crowd)
    }
    finite = [y[np.isfinite(y)] for y in series]
    finite = [y for y in finite if y.size]
    if finite:
        lo = min(float(y.min()) for y in finite)
        hi = max(float(y.max()) for y in finite)
        if math.log10(hi) - math.log10(lo) >= 1.5:
            axis["dtick"] = 1
    return axis


def _epoch_axis(epochs: Sequence[NDArray[np.float64]], **extra: Any) -> dict[str, Any]:
    """An x axis of whole epochs: while the runs are short (up to 10 epochs) one tick per
    epoch, so Plotly never labels fractions such as 0.2 or 0.4; later its own integer ticks."""
    last = max((float(np.nanmax(e)) for e in epochs if np.size(e)), default=0.0)
    axis: dict[str, Any] = {"title": _axis_title("epoch"), "rangemode": "tozero",
                            "tickformat": ",d", **extra}  # fmt: skip
    if last <= 10:
        axis.update(tick0=0, dtick=1)
    if last < 1:  # epoch 0 alone: a marker, not at the very edge
        axis["range"] = [-0.1, 1.0]
    return axis


def gradient_norms(
    history: pd.DataFrame,
    *,
    include_bias: bool = False,
    title: str = "Gradient magnitude ‖dWk‖",
    template: str = "plotly_white",
    height: int | None = 380,
    max_points: int | None = MAX_LINE_POINTS,
) -> go.Figure:
    """One line per layer of ``dWk_norm`` over ``epoch`` on a log axis (dashed ``dBk_norm``
    too when ``include_bias``). Zeros and negatives are dropped (NaN). Each line keeps at most
    ``max_points`` points (first, last and extremes included; None keeps all)."""
    _check_history(history, ["epoch"])
    _, tone = _theme(template)
    palette = _LAYER_COLORS[tone]
    ks = sorted(int(m.group(1)) for c in history.columns if (m := re.match(r"^dW(\d+)_norm$", c)))
    if not ks:
        raise ValueError("history has no dWk_norm columns")
    epoch = _column(history, "epoch")
    mode = "lines" if len(history) > 1 else "markers"
    data = []
    for idx, k in enumerate(ks):
        color = palette[idx % len(palette)]
        data.append(
            _line(
                epoch,
                _positive(_column(history, f"dW{k}_norm")),
                max_points,
                mode=mode,
                name=f"‖dW{k}‖",
                line={"color": color, "width": 2.5},
                marker={"color": color, "size": 8},
                hovertemplate=f"‖dW{k}‖ = %{{y:.3g}}<extra></extra>",
            )
        )
        if include_bias and f"dB{k}_norm" in history.columns:
            data.append(
                _line(
                    epoch,
                    _positive(_column(history, f"dB{k}_norm")),
                    max_points,
                    mode=mode,
                    name=f"‖dB{k}‖",
                    line={"color": color, "width": 2, "dash": "dot"},
                    marker={"color": color, "size": 7},
                    hovertemplate=f"‖dB{k}‖ = %{{y:.3g}}<extra></extra>",
                )
            )
    layout = {
        "xaxis": _epoch_axis([epoch]),
        "yaxis": _log_axis("norm (log scale)", [t["y"] for t in data]),
        "hovermode": "x unified",
        "legend": {"x": 1.01, "xanchor": "left", "y": 1.0},
        "margin": {"l": 80, "r": 20, "t": 70, "b": 60},
    }
    return _figure(data, layout, template, title, height)


def cost_curve(
    history: pd.DataFrame,
    *,
    log_y: bool = False,
    title: str = "Cost and accuracy",
    template: str = "plotly_white",
    height: int | None = 380,
    max_points: int | None = MAX_LINE_POINTS,
) -> go.Figure:
    """Train/test cost over ``epoch`` (left axis) and train/test accuracy dashed on a right
    axis fixed to [0, 1]. Missing test columns are skipped; empty history gives empty axes.
    Each line keeps at most ``max_points`` points (first, last and extremes included)."""
    _check_history(history, ["epoch", "train_cost"])
    _, tone = _theme(template)
    epoch = _column(history, "epoch")
    mode = "lines" if len(history) > 1 else "markers"
    colors = {"train": _SIGN_COLORS[tone][1], "test": _SIGN_COLORS[tone][0]}
    data = []
    for split in ("train", "test"):
        col = f"{split}_cost"
        if col not in history.columns:
            continue
        y = _column(history, col)
        data.append(
            _line(
                epoch,
                _positive(y) if log_y else y,
                max_points,
                mode=mode,
                name=f"{split} cost",
                line={"color": colors[split], "width": 2.5},
                marker={"color": colors[split], "size": 8},
                hovertemplate=f"{split} cost = %{{y:.4f}}<extra></extra>",
            )
        )
    for split in ("train", "test"):
        col = f"{split}_acc"
        if col not in history.columns:
            continue
        data.append(
            _line(
                epoch,
                _column(history, col),
                max_points,
                mode=mode,
                yaxis="y2",
                name=f"{split} accuracy",
                line={"color": colors[split], "width": 2, "dash": "dash"},
                marker={"color": colors[split], "size": 8, "symbol": "diamond"},
                cliponaxis=False,
                hovertemplate=f"{split} accuracy = %{{y:.1%}}<extra></extra>",
            )
        )
    yaxis: dict[str, Any] = {"title": _axis_title("Cost"), "rangemode": "tozero"}
    if log_y:
        yaxis = _log_axis("Cost (log scale)", [t["y"] for t in data if "yaxis" not in t])
    yaxis["ticklabelstandoff"] = 8  # clear of the x axis' first label in the corner
    layout = {
        "xaxis": _epoch_axis([epoch]),
        "yaxis": yaxis,
        "yaxis2": {
            "title": _axis_title("Accuracy"),
            "overlaying": "y",
            "side": "right",
            "range": [0.0, 1.0],
            "tickmode": "array",
            "tickvals": [0.0, 0.25, 0.5, 0.75, 1.0],
            "tickformat": ".0%",
            "ticklabelstandoff": 16,  # clear of the x axis' last label in the corner
            "showgrid": False,
            "zeroline": False,
        },
        "hovermode": "x unified",
        "legend": {"orientation": "h", "x": 0.0, "xanchor": "left", "y": -0.2, "yanchor": "top"},
        "margin": {"l": 70, "r": 80, "t": 60, "b": 110},
    }
    return _figure(data, layout, template, title, height)


# ---------------------------------------------------------------------------------------------
# Network drawing

_WIDTH_BUCKETS = 6  # edge widths 0.5 .. 8 px in this many steps
_MAX_MAP_UNITS = 8  # node maps are drawn only for layers with at most this many units
_MIN_MAP_PX = 25  # ... and only when nodes are at least this many px apart vertically
_MAX_MAP_PX = 80  # largest map box (px), so maps of small layers stay small


def _node_y(n: int) -> NDArray[np.float64]:
    """Vertical positions of ``n`` nodes, unit 0 on top, spacing 1, centred on 0."""
    return (n - 1) / 2.0 - np.arange(n, dtype=float)


def edge_widths(abs_values: ArrayLike, top: float, max_width: float = 8.0) -> NDArray[np.float64]:
    """Bucketed line widths (px) for |values| relative to ``top``: 0.5 .. ``max_width`` in
    6 equal steps (NaN gets the thinnest). Monotone in |value|."""
    r = np.clip(np.nan_to_num(np.asarray(abs_values, dtype=float) / top), 0.0, 1.0)
    bucket = np.rint(r * (_WIDTH_BUCKETS - 1))
    return 0.5 + (max_width - 0.5) * bucket / (_WIDTH_BUCKETS - 1)


def _max_edge_width(sizes: Sequence[int]) -> float:
    """8 px, thinner when consecutive layers have more than 100 edges (2.5 px at 32 x 32)."""
    most = max(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
    return 8.0 if most <= 100 else max(2.5, 8.0 * math.sqrt(100.0 / most))


def _layer_label(k: int, n: int, L: int, activations: Sequence[str] | None) -> str:
    if k == 0:
        return f"X<br>(n0={n})"
    if k == L:
        return f"output · {'softmax' if n >= 3 else 'sigmoid'}<br>(n{k}={n})"
    act = f" · {activations[k - 1]}" if activations is not None else ""
    return f"layer {k}{act}<br>(n{k}={n})"


@dataclasses.dataclass
class _Network:
    """One drawing of the network, computed once: what the figure and Play's frames share."""

    sizes: list[int]
    kind: str
    W: dict[int, NDArray[np.float64]]
    B: dict[int, NDArray[np.float64]]
    b_name: dict[int, str]
    ys: list[NDArray[np.float64]]
    px_per_y: float
    maps: list[dict[str, Any]]  # one heatmap trace per mapped layer
    mapped: set[int]
    half_w: NDArray[np.float64]  # half the width of each layer's map boxes (0 = no maps)
    edges: dict[str, NDArray[Any]]  # flat over all layers: k, i, j, value, line ends
    max_width: float
    top: float

    @property
    def L(self) -> int:
        return len(self.sizes) - 1


def _network(
    layer_sizes: Sequence[int],
    mats: Mapping[str, ArrayLike],
    kind: str,
    biases: Mapping[str, ArrayLike] | None,
    node_maps: Sequence[ArrayLike | None] | None,
    tone: str,
    height: int | None,
    width_hint: int,
) -> _Network:
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise ValueError(f"layer_sizes needs at least 2 positive sizes, got {layer_sizes}")
    L = len(sizes) - 1

    # Matrices per layer: exact "kind+k" keys, else any keys ending in 1..L.
    by_k = {k: key for k, key in _numbered(mats, kind)}
    if set(by_k) != set(range(1, L + 1)):
        by_k = {}
        for key in mats:
            k = _layer_of(key)
            if k is not None and 1 <= k <= L:
                by_k[k] = key
    if set(by_k) != set(range(1, L + 1)):
        raise ValueError(f"mats must hold one matrix for each layer 1..{L}, got {sorted(mats)}")
    W = {}
    for k in range(1, L + 1):
        a = _as_2d(by_k[k], mats[by_k[k]])
        if a.shape != (sizes[k], sizes[k - 1]):
            raise ValueError(f"{by_k[k]} must have shape {(sizes[k], sizes[k - 1])}, got {a.shape}")
        W[k] = a
    B, b_name = {}, {}
    if biases is not None:  # keys ending in the layer number: "B2", "dB2", "-α·dB2"
        for key in biases:
            k = _layer_of(key)
            if k is not None and 1 <= k <= L:
                b_name[k] = key
        for k in range(1, L + 1):
            if k not in b_name:
                raise ValueError(f"biases must hold one vector for each layer 1..{L}")
            b = np.asarray(biases[b_name[k]], dtype=float).reshape(-1)
            if b.size != sizes[k]:
                raise ValueError(f"{b_name[k]} must hold {sizes[k]} values, got {b.size}")
            B[k] = b
    if node_maps is not None and len(node_maps) != L + 1:
        raise ValueError(f"node_maps must have one entry per layer 0..{L} (None to skip)")

    ys = [_node_y(n) for n in sizes]
    n_max = max(sizes)

    # --- node maps (one heatmap trace per layer, boxes stacked with NaN gaps) -------------
    plot_h = (height or 520) - 140
    px_per_y = plot_h / (n_max + 0.2)
    px_per_x = (width_hint - 60) / (L + 0.9)
    mapped = set()
    half_w = np.zeros(L + 1)
    map_traces: list[dict[str, Any]] = []
    if node_maps is not None:
        for k, maps in enumerate(node_maps):
            if maps is None or sizes[k] > _MAX_MAP_UNITS or px_per_y < _MIN_MAP_PX:
                continue
            arr = np.asarray(maps, dtype=float)
            if arr.ndim != 3 or arr.shape[0] != sizes[k] or arr.shape[1] != arr.shape[2]:
                raise ValueError(
                    f"node_maps[{k}] must have shape ({sizes[k]}, g, g), got {arr.shape}"
                )
            g = arr.shape[1]
            want_h = min(0.8, _MAX_MAP_PX / px_per_y)  # box height in node spacings
            gap = max(1, round(g * (1.0 - want_h) / want_h))
            dy = 1.0 / (g + gap)  # whole rows of NaN between boxes keep every node aligned
            box_h = g * dy
            box_w = min(0.45, box_h * px_per_y / px_per_x)
            n = sizes[k]
            z = np.full((n * (g + gap) - gap, g), np.nan, dtype=np.float32)  # float32: on screen
            big = np.finfo(np.float32).max
            for p in range(n):  # p = 0 is the bottom node (unit n-1)
                z[p * (g + gap) : p * (g + gap) + g] = np.clip(arr[n - 1 - p], -big, big)
            if k == L and n >= 3:  # a softmax: unit c's P(class c) in class c's colours
                for p in range(n):  # (0.95: a frame's 255 levels keep clear of the next piece)
                    rows = z[p * (g + gap) : p * (g + gap) + g]
                    rows[:] = (n - 1 - p) + 0.95 * np.clip(rows, 0.0, 1.0)
                zr = {"zmin": 0.0, "zmax": float(n), "colorscale": _pieces_scale(tone, n)}
            elif k == L:  # the output is a probability: same colours as the decision boundary
                zr = {"zmin": 0.0, "zmax": 1.0, "colorscale": _class_scale(tone)}
            else:
                zm = _abs_max(arr)
                zr = {"zmin": -zm, "zmax": zm, "colorscale": _diverging_scale(tone)}
            map_traces.append(
                {
                    "type": "heatmap",
                    "z": z,
                    "x0": k - box_w / 2 + box_w / g / 2,
                    "dx": box_w / g,
                    "y0": ys[k][-1] - box_h / 2 + dy / 2,
                    "dy": dy,
                    "showscale": False,
                    "hoverinfo": "skip",
                    "name": f"maps layer {k}",
                    **zr,
                }
            )
            mapped.add(k)
            half_w[k] = box_w / 2

    # --- edges: flat arrays over all layers; lines stop at the sides of map boxes ----------
    parts: dict[str, list[NDArray[Any]]] = {n: [] for n in ("x0", "y0", "y1", "val", "k", "i", "j")}
    for k in range(1, L + 1):
        nk, nprev = sizes[k], sizes[k - 1]
        ii, jj = np.divmod(np.arange(nk * nprev), nprev)  # row-major over W[k]
        parts["x0"].append(np.full(ii.size, k - 1.0))
        parts["y0"].append(ys[k - 1][jj])
        parts["y1"].append(ys[k][ii])
        parts["val"].append(W[k][ii, jj])
        parts["k"].append(np.full(ii.size, k))
        parts["i"].append(ii)
        parts["j"].append(jj)
    e = {name: np.concatenate(a) for name, a in parts.items()}
    h0, h1 = half_w[e["k"] - 1], half_w[e["k"]]
    e["xa"], e["xb"] = e["x0"] + h0, e["x0"] + 1.0 - h1  # line ends
    e["ya"], e["yb"] = e["y0"] + (e["y1"] - e["y0"]) * h0, e["y1"] - (e["y1"] - e["y0"]) * h1
    return _Network(
        sizes=sizes,
        kind=kind,
        W=W,
        B=B,
        b_name=b_name,
        ys=ys,
        px_per_y=px_per_y,
        maps=map_traces,
        mapped=mapped,
        half_w=half_w,
        edges=e,
        max_width=_max_edge_width(sizes),
        top=max(_abs_max(a) for a in W.values()),
    )


def _edge_buckets(net: _Network) -> NDArray[np.int64]:
    """Each edge's width bucket, 0 (thinnest) .. _WIDTH_BUCKETS - 1."""
    widths = edge_widths(np.abs(net.edges["val"]), net.top, net.max_width)
    step = (net.max_width - 0.5) / (_WIDTH_BUCKETS - 1)
    return np.rint((widths - 0.5) / step).astype(np.int64)


def _node_groups(
    net: _Network, node_labels: Sequence[Sequence[str]] | None
) -> list[dict[str, Any]]:
    """The nodes in two groups, plain and mapped (drawn as transparent squares over their
    maps): per group its units' positions, hover text and bias values."""
    labels = node_labels
    if labels is None:
        labels = [
            [f"X[{j}]" if k == 0 else f"a{k}[{j}]" for j in range(n)]
            for k, n in enumerate(net.sizes)
        ]
    groups = []
    for group in ("plain", "mapped"):
        nx_, ny_, text, value, unit = [], [], [], [], []
        for k, n in enumerate(net.sizes):
            if (k in net.mapped) != (group == "mapped"):
                continue
            for i in range(n):
                nx_.append(float(k))
                ny_.append(float(net.ys[k][i]))
                unit.append((k, i))
                line = str(labels[k][i])
                if k in net.B:
                    line += f"<br>{net.b_name[k]}[{i}] = {_fmt(net.B[k][i])}"
                    value.append(float(net.B[k][i]))
                else:
                    value.append(0.0)
                text.append(line)
        if nx_:
            groups.append(
                {"group": group, "x": nx_, "y": ny_, "text": text, "value": value, "unit": unit}
            )
    return groups


def network_graph(
    layer_sizes: Sequence[int],
    mats: Mapping[str, ArrayLike],
    *,
    kind: str = "W",
    biases: Mapping[str, ArrayLike] | None = None,
    node_labels: Sequence[Sequence[str]] | None = None,
    node_maps: Sequence[ArrayLike | None] | None = None,
    activations: Sequence[str] | None = None,
    title: str | None = None,
    template: str = "plotly_white",
    height: int | None = 520,
    width_hint: int = 1000,
    highlight: Sequence[int] = (),
    every_width: bool = False,
    class_names: Sequence[str] | None = None,
) -> go.Figure:
    """The network drawn as in TensorFlow Playground.

    Parameters
    ----------
    layer_sizes : (n0, n1, ..., nL), e.g. (2, 4, 4, 1).
    mats : one matrix per layer, ``(nk, nk-1)``: keys ``kind + k`` (``"W1"``, ``"dW1"``), or
        any keys ending in 1..L. Edge j -> i between layers k-1 and k shows ``mats[k][i, j]``:
        colour by sign (blue positive, orange negative), width 0.5..8 px by |value| relative
        to the largest |value| in the figure (6 buckets). Hover names the value with ``kind``:
        ``"W2[1,3] = -0.52"``.
    biases : optional ``{"B1": (n1, 1), ...}``; nodes are coloured by bias and hover shows it.
    node_labels : optional labels per layer (default ``X[j]`` and ``a{k}[i]``).
    node_maps : optional per-layer ``(nk, g, g)`` maps (e.g. each unit's activation over the
        input grid, rows = ys as in :func:`grid`) drawn in each node's box; ``None`` entries
        and layers with more than 8 units are drawn as plain nodes, as is every layer when
        nodes would be under 25 px apart (over ~15 units in the tallest layer at height 520).
    activations : names of f1..f(L-1) for the layer labels.
    width_hint : expected figure width in px, used only to keep node maps roughly square.
    highlight : layers k (1..L) to shade behind: the band from layer k-1 to layer k, i.e. the
        weights Wk, Bk and the units of layer k (what one stage of an epoch works on).
    every_width : one line trace per sign and width even where no edge has it (an empty
        trace), so that the traces stay the same from one set of values to the next: the
        figure that :func:`network_reel` animates.
    class_names : for a softmax output (``nL >= 3`` units), what its classes are called: each
        output unit is ringed in its class's colour (as the class's points are drawn) and its
        hover names the class. The rings are the figure's last trace.

    Edge hover points sit on each edge at a fraction that depends on the source unit
    (0.3..0.7 of the way), so no two coincide even where edges cross.
    """
    _, tone = _theme(template)
    net = _network(layer_sizes, mats, kind, biases, node_maps, tone, height, width_hint)
    sizes, L, e = net.sizes, net.L, net.edges
    if activations is not None and len(activations) != L - 1:
        raise ValueError(f"activations must name the {L - 1} hidden layers")
    if node_labels is not None and [len(lab) for lab in node_labels] != sizes:
        raise ValueError("node_labels must give one label per node of every layer")
    K = sizes[-1]
    if class_names is not None and (K < 3 or len(class_names) != K):
        raise ValueError(f"class_names names a softmax output's {K} classes (3 or more)")
    if class_names is not None and node_labels is None:
        node_labels = [
            [f"X[{j}]" if k == 0 else f"a{k}[{j}]" for j in range(n)] for k, n in enumerate(sizes)
        ]
        node_labels[-1] = [f"a{L}[{c}] = P(class {name})" for c, name in enumerate(class_names)]

    neg, pos = _SIGN_COLORS[tone]
    data: list[dict[str, Any]] = []
    for s, (is_pos, color) in enumerate(((False, neg), (True, pos))):
        data.append(  # legend entry only: a medium-width sample line per sign
            {
                "type": "scatter",
                "mode": "lines",
                "x": [None],
                "y": [None],
                "line": {"color": color, "width": 4},
                "name": f"{kind} {'> 0' if is_pos else '< 0'}",
                "legendgroup": _SIGN_NAMES[s],
                "hoverinfo": "skip",
            }
        )
    bucket = _edge_buckets(net)
    sign_pos = ~(e["val"] < 0)  # NaN counts as positive; it is drawn at the thinnest width
    for b in range(_WIDTH_BUCKETS):  # thin to thick, so strong edges are drawn on top
        w = 0.5 + (net.max_width - 0.5) * b / (_WIDTH_BUCKETS - 1)
        for s, (is_pos, color) in enumerate(((False, neg), (True, pos))):
            sel = np.flatnonzero((sign_pos == is_pos) & (bucket == b))
            if sel.size == 0 and not every_width:
                continue
            xs = np.empty(3 * sel.size)
            yv = np.empty(3 * sel.size)
            xs[0::3], xs[1::3], xs[2::3] = e["xa"][sel], e["xb"][sel], np.nan
            yv[0::3], yv[1::3], yv[2::3] = e["ya"][sel], e["yb"][sel], np.nan
            frac = (w - 0.5) / (net.max_width - 0.5)
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": xs,
                    "y": yv,
                    "line": {"color": color, "width": float(w)},
                    "opacity": 0.3 + 0.7 * frac,
                    "hoverinfo": "skip",
                    "name": f"{kind} {'> 0' if is_pos else '< 0'} ({w:.1f} px)",
                    "legendgroup": _SIGN_NAMES[s],
                    "showlegend": False,
                }
            )

    # --- edge hover points ---------------------------------------------------------------
    kk, ii, jj = e["k"], e["i"], e["j"]
    nprev_of = np.array(sizes[:-1])[kk - 1]
    t = 0.3 + 0.4 * (jj + 0.5) / nprev_of
    hover_text = [
        f"{kind}{k}[{i},{j}] = {_fmt(v)}<br>unit {j} of layer {k - 1} → unit {i} of layer {k}"
        for k, i, j, v in zip(kk.tolist(), ii.tolist(), jj.tolist(), e["val"].tolist(), strict=True)
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": e["x0"] + t,
            "y": e["y0"] + t * (e["y1"] - e["y0"]),
            "marker": {"size": 10, "color": "rgba(0,0,0,0)", "line": {"width": 0}},
            "hovertext": hover_text,
            "hoverinfo": "text",
            "customdata": np.stack([kk, ii, jj], axis=1).tolist(),  # the weight Wk[i, j]
            "name": "edges",
            "showlegend": False,
        }
    )

    data.extend(net.maps)

    # --- nodes -----------------------------------------------------------------------------
    node_px = float(np.clip(0.55 * net.px_per_y, 8, 34))
    bmax = max((_abs_max(b) for b in net.B.values()), default=1.0)
    for nodes in _node_groups(net, node_labels):
        marker: dict[str, Any] = {
            "symbol": "square" if nodes["group"] == "mapped" else "circle",
            "size": node_px,
            "line": {"color": _NEUTRAL[tone], "width": 1.5},
        }
        if nodes["group"] == "mapped":
            marker["color"] = "rgba(0,0,0,0)"
            marker["line"]["width"] = 0
        elif net.B:
            marker.update(
                color=nodes["value"],
                cmin=-bmax,
                cmax=bmax,
                cmid=0.0,
                colorscale=_diverging_scale(tone),
                showscale=False,
            )
        else:
            marker["color"] = _MID_COLOR[tone]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": nodes["x"],
                "y": nodes["y"],
                "marker": marker,
                "hovertext": nodes["text"],
                "hoverinfo": "text",
                "customdata": nodes["unit"],  # which unit: layer k, unit i
                "name": f"nodes ({nodes['group']})",
                "showlegend": False,
            }
        )

    if class_names is not None:  # the classes' colours around the output units
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [float(L)] * K,
                "y": [float(y) for y in net.ys[L]],
                "marker": {
                    "symbol": "square-open" if L in net.mapped else "circle-open",
                    # (around a map: its box, about min(0.8 node spacings, the largest box))
                    "size": min(0.8 * net.px_per_y, _MAX_MAP_PX) + 8
                    if L in net.mapped
                    else node_px + 10,
                    "color": class_colors(template, K),
                    "line": {"width": 3},
                },
                "hoverinfo": "skip",
                "name": "classes",
                "showlegend": False,
            }
        )

    n_max = max(sizes)
    annotations = [
        {
            "text": _layer_label(k, n, L, activations),
            "x": k,
            "y": 0.0,
            "xref": "x",
            "yref": "paper",
            "yanchor": "top",
            "yshift": -4,
            "showarrow": False,
            "font": {"size": FONT_SIZE},
        }
        for k, n in enumerate(sizes)
    ]
    if title is None:
        title = f"Network · edge colour = sign of {kind}, width = |{kind}|"
    if any(not 1 <= k <= L for k in highlight):
        raise ValueError(f"highlight names layers 1..{L}, got {list(highlight)}")
    band = _LAYER_COLORS[tone][0]
    shapes = [
        {
            "type": "rect",
            "layer": "below",
            "xref": "x",
            "yref": "paper",
            "x0": k - 1 + 0.15,  # clear of layer k-1's nodes: only its outgoing edges
            "x1": k + 0.3,
            "y0": 0.0,
            "y1": 1.0,
            "fillcolor": band,
            "opacity": 0.14,
            "line": {"color": band, "width": 2},
        }
        for k in sorted(set(highlight))
    ]
    layout = {
        "shapes": shapes,
        "xaxis": {"visible": False, "range": [-0.45, L + 0.45], "fixedrange": True},
        "yaxis": {
            "visible": False,
            "range": [-(n_max - 1) / 2.0 - 0.6, (n_max - 1) / 2.0 + 0.6],
            "fixedrange": True,
        },
        "annotations": annotations,
        "showlegend": True,
        "legend": {"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        "hovermode": "closest",
        "margin": {"l": 20, "r": 20, "t": 80, "b": 60},
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    return _figure(data, layout, template, title, height)


def _b64(a: NDArray[Any]) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


MAP_LEVELS = 255  # a frame's node map cell: one byte, 0..254 over [zmin, zmax]; 255 = gap


def _scale_name(scale: list[list[Any]], tone: str) -> str:
    """Which of ``_levels``' scales ``scale`` is."""
    if scale == _class_scale(tone):
        return "class"
    if scale == _diverging_scale(tone):
        return "diverging"
    return f"classes{round(len(scale) / 2)}"


def network_reel(
    layer_sizes: Sequence[int],
    frames: Sequence[Mapping[str, Any]],
    *,
    kind: str = "W",
    template: str = "plotly_white",
    height: int | None = 520,
    width_hint: int = 1000,
) -> dict[str, Any]:
    """Play's frames of the network view: what changes from frame to frame of
    ``network_graph(..., every_width=True)`` called with the same sizes, kind, node maps
    (present or not per layer), height and width hint, in a compact form the page applies to
    that figure (see playground/web). ``frames``: per frame ``{"mats", "biases", "node_maps"}``,
    as :func:`network_graph` takes them.

    Returns ``{"ends", "traces", "colors", "frames"}``:

    - ``"ends"``: the edges' line ends, float32, base64: all ``xa``, then ``xb``, ``ya``, ``yb``
      (in the hover trace's order of edges; the same in every frame);
    - ``"traces"``: the figure's trace indices: ``{"edges", "lines", "hover", "maps": [...],
      "nodes": [...], "map_colors": [...]}`` (``lines`` traces from ``edges`` on: one per
      width and sign; ``map_colors``, the colour scale of each map trace);
    - ``"colors"``: those scales, the CSS colour of each of 256 levels from ``zmin`` to
      ``zmax``;
    - ``"frames"``, per frame: ``"edges"``, one byte per edge, ``2 * width bucket + sign``
      (sign 1 for values >= 0): which line trace draws it, counted from ``edges``; base64.
      ``"values"``: the edges' values, float32, base64 (their hover text). ``"maps"``: per map
      trace ``{"z", "cols", "zmin", "zmax"}``, ``z`` one byte per cell of the stacked boxes,
      row after row, ``round(254 (v - zmin) / (zmax - zmin))``, 255 in the gaps between
      boxes; base64. ``"nodes"``: per node trace its units' bias values (None without biases),
      and ``"bmax"``, the bias colour scale's end.
    """
    _, tone = _theme(template)
    big = np.finfo(np.float32).max
    out: dict[str, Any] = {
        "colors": {name: list(_levels(tone, name)) for name in ("class", "diverging")},
        "frames": [],
    }
    if int(layer_sizes[-1]) >= 3:  # a softmax's maps: a piece of scale per class
        pieces = f"classes{int(layer_sizes[-1])}"
        out["colors"][pieces] = list(_levels(tone, pieces))
    for frame in frames:
        net = _network(
            layer_sizes, frame["mats"], kind, frame.get("biases"), frame.get("node_maps"),
            tone, height, width_hint,
        )  # fmt: skip
        e, groups = net.edges, _node_groups(net, None)
        if "ends" not in out:
            ends = np.concatenate([e["xa"], e["xb"], e["ya"], e["yb"]]).astype(np.float32)
            first_map = 3 + 2 * _WIDTH_BUCKETS  # 2 legend samples, the lines, the hover points
            out["ends"] = _b64(ends)
            out["traces"] = {
                "edges": 2,
                "lines": 2 * _WIDTH_BUCKETS,
                "hover": first_map - 1,
                "maps": list(range(first_map, first_map + len(net.maps))),
                "nodes": [first_map + len(net.maps) + g for g in range(len(groups))],
                "map_colors": [_scale_name(m["colorscale"], tone) for m in net.maps],
            }
        maps = []
        for trace in net.maps:
            z, lo, hi = trace["z"].astype(float), float(trace["zmin"]), float(trace["zmax"])
            level = np.rint((z - lo) / ((hi - lo) or 1.0) * (MAP_LEVELS - 1))
            cells = np.where(np.isnan(z), MAP_LEVELS, np.clip(level, 0, MAP_LEVELS - 1))
            maps.append(
                {"z": _b64(cells.astype(np.uint8)), "cols": z.shape[1], "zmin": lo, "zmax": hi}
            )
        val = e["val"]
        out["frames"].append(
            {
                "edges": _b64((2 * _edge_buckets(net) + ~(val < 0)).astype(np.uint8)),
                "values": _b64(np.clip(np.nan_to_num(val), -big, big).astype(np.float32)),
                "maps": maps,
                "nodes": [
                    np.clip(np.nan_to_num(g["value"]), -big, big).tolist() if net.B else None
                    for g in groups
                ],
                "bmax": max((_abs_max(b) for b in net.B.values()), default=1.0),
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# Checks: activations, a learning-rate preview, the gradient check
# (their numbers come from ``playground.checks``; nothing here imports the engine)

__all__ += ["activation_view", "gradcheck_figure", "lr_preview_figure"]

_FPRIME_COLOR = {"light": "#D55E00", "dark": "#E69F00"}  # f'(z); f(z) uses _LAYER_COLORS[0]
_BAD_COLORS = {"light": ("#E69F00", "#D55E00"), "dark": ("#E69F00", "#FF7F50")}
_CHECK_LEVELS = (1e-7, 1e-5, 1e-3)  # excellent / fine / suspicious / wrong


def _percent(share: float) -> str:
    """``"12%"``; one decimal below 1% so a small non-zero share never reads as 0%."""
    return f"{100 * share:.1f}%" if 0 < share < 0.01 else f"{100 * share:.0f}%"


def _vector(name: str, a: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(a, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    return arr


def _layer_note(layer: Mapping[str, Any]) -> str:
    """``"12% saturated"``, ``"3 of 8 ReLUs dead"``, ... and the mean |f'(z)|."""
    lines = []
    units = layer.get("units")
    of = f" of {units}" if units is not None else ""
    if layer.get("saturated") is not None:
        lines.append(f"{_percent(float(layer['saturated']))} saturated")
    if layer.get("dead") is not None:
        lines.append(f"{int(layer['dead'])}{of} ReLUs dead")
    if layer.get("inactive") is not None:
        lines.append(f"{int(layer['inactive'])}{of} units never positive")
    if layer.get("mean_abs_df") is not None and math.isfinite(layer["mean_abs_df"]):
        lines.append(f"mean |f′(z)| = {layer['mean_abs_df']:.2f}")
    return "<br>".join(lines)


def activation_view(
    layers: Sequence[Mapping[str, Any]],
    *,
    bins: int = 40,
    title: str | None = "Activations f(z), f′(z) and each layer's z values",
    template: str = "plotly_white",
    height: int | None = None,
) -> go.Figure:
    """One panel per hidden layer: ``f(z)`` and ``f'(z)`` over a grid, and a histogram of the
    layer's current ``Z`` values (share of values per bin, right axis) behind them.

    Parameters
    ----------
    layers : one mapping per hidden layer (``checks.activation_panels`` makes them) with
        ``name`` (e.g. "tanh"), ``z_grid`` (g,), ``f`` (g,), ``df`` (g,) and ``Z`` (any number
        of z samples); optional ``layer`` (k, default the position + 1), ``units``,
        ``saturated`` (share), ``dead`` (count), ``inactive`` (count), ``mean_abs_df``.
    bins : histogram bins over the grid's range; z values beyond it count in the edge bins.

    Panels are titled ``"Layer k: tanh"`` and annotated with what applies:
    ``"12% saturated"``, ``"3 of 8 ReLUs dead"``, ``"mean |f′(z)| = 0.42"``. At most three
    panels per row.
    """
    _, tone = _theme(template)
    if not layers:
        raise ValueError("layers must describe at least one hidden layer")
    if int(bins) != bins or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins}")
    n = len(layers)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    if height is None:
        height = 150 + 320 * rows
    plot_px = max(100.0, height - 180.0)  # height less the top and bottom margins
    h_space, v_space = 0.1, min(0.3, 100.0 / plot_px)  # room for an axis title + a panel title
    width = (1.0 - h_space * (cols - 1)) / cols
    panel_h = (1.0 - v_space * (rows - 1)) / rows
    f_color, df_color = _LAYER_COLORS[tone][0], _FPRIME_COLOR[tone]
    data: list[dict[str, Any]] = []
    layout: dict[str, Any] = {"annotations": [], "barmode": "overlay", "bargap": 0.0}
    for p, layer in enumerate(layers):
        for key in ("name", "z_grid", "f", "df", "Z"):
            if key not in layer:
                raise ValueError(f"layers[{p}] is missing {key!r}")
        z = _vector("z_grid", layer["z_grid"])
        f = _vector("f", layer["f"])
        df = _vector("df", layer["df"])
        if not (z.size == f.size == df.size) or z.size < 2:
            raise ValueError(f"layers[{p}]: z_grid, f and df must have one length (>= 2)")
        lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
        if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
            raise ValueError(f"layers[{p}]: z_grid must span a finite range")
        samples = np.asarray(layer["Z"], dtype=float).reshape(-1)
        samples = np.clip(samples[np.isfinite(samples)], lo, hi)
        counts, edges = np.histogram(samples, bins=int(bins), range=(lo, hi))
        share = counts / max(samples.size, 1)
        k = int(layer.get("layer", p + 1))
        r, c = divmod(p, cols)
        x0 = c * (width + h_space)
        y1 = 1.0 - r * (panel_h + v_space)
        xs, y_hist, y_curve = str(p + 1), str(2 * p + 1), str(2 * p + 2)
        xs, y_hist = ("" if xs == "1" else xs), ("" if y_hist == "1" else y_hist)
        first = p == 0
        data.append(
            {
                "type": "bar",
                "x": (edges[:-1] + edges[1:]) / 2,
                "y": share,
                "width": float(edges[1] - edges[0]),
                "customdata": np.stack([edges[:-1], edges[1:]], axis=1),
                "marker": {"color": _NEUTRAL[tone], "opacity": 0.35, "line": {"width": 0}},
                "xaxis": f"x{xs}",
                "yaxis": f"y{y_hist}",
                "name": "z values (share per bin)",
                "legendgroup": "hist",
                "showlegend": first,
                "hovertemplate": (
                    "z in [%{customdata[0]:.2f}, %{customdata[1]:.2f}): %{y:.1%}<extra></extra>"
                ),
            }
        )
        for y, name, color, dash in (
            (f, "f(z)", f_color, "solid"),
            (df, "f′(z)", df_color, "dash"),
        ):
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": z,
                    "y": y,
                    "line": {"color": color, "width": 3, "dash": dash},
                    "xaxis": f"x{xs}",
                    "yaxis": f"y{y_curve}",
                    "name": name,
                    "legendgroup": name,
                    "showlegend": first,
                    "hovertemplate": f"{name} at z = %{{x:.2f}}: %{{y:.3f}}"
                    f"<extra>{layer['name']}</extra>",
                }
            )
        layout[f"xaxis{xs}"] = {
            "domain": [x0, min(1.0, x0 + width)],
            "anchor": f"y{y_hist}",
            "range": [lo, hi],
            "title": _axis_title("z"),
            "zeroline": False,
        }
        layout[f"yaxis{y_hist}"] = {
            "domain": [max(0.0, y1 - panel_h), y1],
            "anchor": f"x{xs}",
            "side": "right",
            "rangemode": "tozero",
            "tickformat": ".0%",
            "showgrid": False,
            "zeroline": False,
            # (an empty title, not None: a None title cannot take a font size later)
            "title": _axis_title("share of z" if c == cols - 1 or p == n - 1 else ""),
        }
        layout[f"yaxis{y_curve}"] = {
            "overlaying": f"y{y_hist}",
            "tickmode": "auto",  # its own ticks, not synced to the histogram's
            "anchor": f"x{xs}",
            "side": "left",
            "title": _axis_title("f, f′" if c == 0 else ""),
        }
        layout["annotations"].append(
            {
                "text": f"Layer {k}: {layer['name']}",
                "font": {"size": SUBTITLE_SIZE},
                "x": x0 + width / 2,
                "y": y1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "yshift": 6,
                "showarrow": False,
            }
        )
        note = _layer_note(layer)
        if note:
            layout["annotations"].append(
                {
                    "text": note,
                    "font": {"size": FONT_SIZE},
                    "align": "left",
                    "x": 0.02,
                    "y": 0.98,
                    "xref": f"x{xs} domain",
                    "yref": f"y{y_hist} domain",
                    "xanchor": "left",
                    "yanchor": "top",
                    "showarrow": False,
                    "bgcolor": "rgba(128,128,128,0.15)",
                }
            )
    layout["legend"] = {  # one row under the title, above the panel titles
        "orientation": "h",
        "x": 0.0,
        "xanchor": "left",
        "yref": "container",
        "y": 1.0 - 46.0 / height,
        "yanchor": "top",
    }
    layout["margin"] = {"l": 70, "r": 70, "t": 120, "b": 60}
    return _figure(data, layout, template, title, height)


def lr_preview_figure(
    alphas: ArrayLike,
    costs: ArrayLike,
    alpha: float,
    current_cost: float,
    *,
    log_y: bool | None = None,
    title: str | None = "Cost after one step of size α along −dθ",
    template: str = "plotly_white",
    height: int | None = 460,
) -> go.Figure:
    """``J(θ − α·dθ)`` against ``α`` on a log axis (``checks.lr_preview`` gives the numbers).

    A vertical line marks the chosen ``alpha`` (labelled ``"α = 0.3"``), a horizontal line the
    current cost ``J(θ)``, and a star the lowest finite cost. Non-finite costs leave a break in
    the curve, an ✕ near the bottom and the note ``"diverges"`` at the first of them.
    ``log_y`` defaults to a log cost axis when the finite costs span more than 100×.
    """
    _, tone = _theme(template)
    a = _vector("alphas", alphas)
    J = _vector("costs", costs)
    if a.shape != J.shape:
        raise ValueError(f"alphas and costs must have one length, got {a.size} and {J.size}")
    if not (np.all(np.isfinite(a)) and np.all(a > 0)):
        raise ValueError("alphas must be finite and positive (a log axis)")
    if not (math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"alpha must be a positive number, got {alpha}")
    ok = np.isfinite(J)
    y = np.where(ok, J, np.nan)
    neg, pos = _SIGN_COLORS[tone]
    bad = _BAD_COLORS[tone][1]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": a,
            "y": y,
            "connectgaps": False,
            "line": {"color": pos, "width": 3},
            "marker": {"color": pos, "size": 6},
            "name": "J(θ − α·dθ)",
            "hovertemplate": "α = %{x:.3g}<br>cost = %{y:.4g}<extra></extra>",
        }
    ]
    if ok.any():
        best = int(np.flatnonzero(ok)[np.argmin(J[ok])])
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [a[best]],
                "y": [J[best]],
                "marker": {"symbol": "star", "size": 16, "color": neg},
                "name": f"lowest cost at α = {a[best]:.3g}",
                "hovertemplate": "lowest: α = %{x:.3g}, cost = %{y:.4g}<extra></extra>",
            }
        )
    annotations = []
    if not ok.all():
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": a[~ok],
                "y": np.full(int((~ok).sum()), 0.04),
                "yaxis": "y2",
                "marker": {"symbol": "x", "size": 11, "color": bad},
                "name": "diverges (cost not finite)",
                "hovertemplate": "α = %{x:.3g}: cost not finite<extra></extra>",
            }
        )
        annotations.append(
            {
                "text": "diverges",
                "x": math.log10(float(a[~ok][0])),  # annotations on a log axis take log10
                "y": 0.1,
                "xref": "x",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": FONT_SIZE, "color": bad},
            }
        )
    shapes = [
        {  # shapes on a log axis take data values
            "type": "line",
            "x0": float(alpha),
            "x1": float(alpha),
            "y0": 0.0,
            "y1": 1.0,
            "xref": "x",
            "yref": "paper",
            "line": {"color": _NEUTRAL[tone], "width": 2},
        }
    ]
    annotations.append(  # over the plot, where no curve or point can run into it
        {
            "text": f"α = {alpha:g}",
            "x": math.log10(float(alpha)),
            "xref": "x",
            "y": 1.0,
            "yref": "paper",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": FONT_SIZE},
        }
    )
    if math.isfinite(current_cost):
        shapes.append(
            {
                "type": "line",
                "x0": 0.0,
                "x1": 1.0,
                "y0": float(current_cost),
                "y1": float(current_cost),
                "xref": "paper",
                "yref": "y",
                "line": {"color": _NEUTRAL[tone], "width": 2, "dash": "dot"},
                # named in the legend: a label on the line would sit on the flat curve
                "name": f"now: J(θ) = {current_cost:.4g}",
                "showlegend": True,
            }
        )
    decades = math.log10(float(a.max()) / float(a.min()))
    finite = J[ok]
    if log_y is None:
        log_y = bool(finite.size) and finite.min() > 0 and finite.max() > 100 * finite.min()
    yaxis: dict[str, Any] = {"title": _axis_title("cost J after the step")}
    if log_y:
        yaxis = _log_axis("cost J after the step (log scale)", [_positive(y)])
        data[0]["y"] = _positive(y)
    xaxis: dict[str, Any] = {
        "type": "log",
        "title": _axis_title("step size α (log scale)"),
        "exponentformat": "power",
    }
    if decades >= 1.5:  # label powers of ten only (no small minor labels)
        xaxis["dtick"] = 1
    layout = {
        "xaxis": xaxis,
        "yaxis": yaxis,
        "yaxis2": {"overlaying": "y", "range": [0.0, 1.0], "visible": False, "fixedrange": True},
        "shapes": shapes,
        "annotations": annotations,
        "hovermode": "closest",
        "legend": {  # at the bottom, under the axis title: the chosen α is labelled on top
            "orientation": "h",
            "x": 0.0,
            "xanchor": "left",
            "yref": "container",
            "y": 0.0,
            "yanchor": "bottom",
        },
        "margin": {"l": 80, "r": 30, "t": 80, "b": 120},
    }
    return _figure(data, layout, template, title, height)


def _field(row: Any, key: str, default: Any = ...) -> Any:
    """``row[key]`` of a mapping or ``row.key`` of an object (a NamedTuple row)."""
    if isinstance(row, Mapping):
        return row[key] if default is ... else row.get(key, default)
    return getattr(row, key) if default is ... else getattr(row, key, default)


def gradcheck_figure(
    rows: Sequence[Any],
    *,
    title: str | None = "Gradient check: backprop vs finite differences",
    template: str = "plotly_white",
    height: int | None = 380,
) -> go.Figure:
    """Relative error per matrix as bars on a log axis, with lines at 1e-7 and 1e-5 (and 1e-3).

    ``rows`` are ``checks.GradCheckRow`` objects, or mappings with ``name`` and
    ``rel_error`` (optional ``checked``, ``total``). Bars are blue below 1e-5, orange below
    1e-3 and hatched red from 1e-3 up. An error of exactly 0 is drawn at 1e-16; NaN as no bar
    with the label "NaN".
    """
    _, tone = _theme(template)
    if not rows:
        raise ValueError("rows must hold at least one matrix")
    names = [str(_field(r, "name")) for r in rows]
    rel = np.array([float(_field(r, "rel_error")) for r in rows])
    if np.any(rel < 0):
        raise ValueError("relative errors cannot be negative")
    floor = 1e-16
    y = np.where(np.isfinite(rel), np.maximum(rel, floor), np.nan)
    ok_color = _SIGN_COLORS[tone][1]
    mid_color, bad_color = _BAD_COLORS[tone]
    colors, patterns, text = [], [], []
    for v in rel:
        if not math.isfinite(v):
            colors.append(bad_color)
            patterns.append("")
            text.append("NaN")
            continue
        level = int(np.searchsorted(_CHECK_LEVELS[1:], v, side="right"))  # 0 ok, 1, 2 wrong
        colors.append((ok_color, mid_color, bad_color)[level])
        patterns.append("/" if level == 2 else "")
        text.append("0" if v == 0 else f"{v:.1e}")
    hover = []
    for name, r, t in zip(names, rows, text, strict=True):
        checked, total = _field(r, "checked", None), _field(r, "total", None)
        extra = "" if checked is None or total is None else f"<br>{checked} of {total} checked"
        hover.append(f"{name}: relative error {t}{extra}")
    data = [
        {
            "type": "bar",
            "x": names,
            "y": y,
            "text": text,
            "textposition": "outside",
            "textfont": {"size": 14},
            "marker": {"color": colors, "pattern": {"shape": patterns}},
            "hovertext": hover,
            "hoverinfo": "text",
            "name": "relative error",
            "showlegend": False,
        }
    ]
    labels = {1e-7: "1e-7: excellent below", 1e-5: "1e-5: fine below", 1e-3: "1e-3: wrong above"}
    shapes = [
        {
            "type": "line",
            "x0": 0.0,
            "x1": 1.0,
            "y0": level,
            "y1": level,
            "xref": "paper",
            "yref": "y",
            "line": {"color": _NEUTRAL[tone], "width": 1.5, "dash": "dash"},
            "label": {
                "text": labels[level],
                "textposition": "end",
                "yanchor": "bottom",
                "font": {"size": 14},
            },
        }
        for level in _CHECK_LEVELS
    ]
    finite = y[np.isfinite(y)]
    lo = min(float(finite.min()) if finite.size else 1e-10, 1e-8)
    hi = max(float(finite.max()) if finite.size else 1e-3, 1e-2)
    layout = {
        "xaxis": {"title": _axis_title("matrix"), "type": "category"},
        "yaxis": {
            "title": _axis_title("relative error (log scale)"),
            "type": "log",
            "exponentformat": "power",
            "range": [math.log10(lo) - 0.5, math.log10(hi) + 1.0],  # a log range takes log10
            "dtick": 1 if math.log10(hi) - math.log10(lo) < 8 else 2,
        },
        "shapes": shapes,
        "margin": {"l": 80, "r": 30, "t": 80, "b": 60},
    }
    return _figure(data, layout, template, title, height)


# ---------------------------------------------------------------------------------------------
# Two runs side by side, and a sweep's grid


def compare_runs(
    history_a: pd.DataFrame,
    history_b: pd.DataFrame,
    label_a: str,
    label_b: str,
    *,
    title: str | None = "Two runs on the same data",
    template: str = "plotly_white",
    height: int | None = 440,
) -> go.Figure:
    """Cost (left) and gradient magnitudes ‖dWk‖ (right, log scale) of two runs on shared
    axes: run A solid, run B dashed; one colour per layer on the right."""
    for h in (history_a, history_b):
        _check_history(h, ("epoch", "train_cost", "dW1_norm"))
    _, tone = _theme(template)
    colors = _LAYER_COLORS[tone]
    data: list[dict[str, Any]] = []
    for h, label, dash in ((history_a, label_a, "solid"), (history_b, label_b, "dash")):
        x = _column(h, "epoch")
        data.append({
            **_line(x, _column(h, "train_cost"), MAX_LINE_POINTS),
            "mode": "lines" if len(x) > 2 else "lines+markers",
            "name": f"{label}: cost", "line": {"color": colors[0 if dash == "solid" else 1],
                                               "width": 3, "dash": dash},
            "xaxis": "x", "yaxis": "y", "legendgroup": label,
            "hovertemplate": f"{label}<br>epoch %{{x}}<br>cost %{{y:.4g}}<extra></extra>",
        })  # fmt: skip
        k = 1
        while f"dW{k}_norm" in h.columns:
            data.append({
                **_line(x, _positive(_column(h, f"dW{k}_norm")), MAX_LINE_POINTS),
                "mode": "lines" if len(x) > 2 else "lines+markers",
                "name": f"{label}: ‖dW{k}‖", "legendgroup": label,
                "line": {"color": colors[(k - 1) % len(colors)], "width": 2, "dash": dash},
                "xaxis": "x2", "yaxis": "y2",
                "hovertemplate": f"{label}<br>epoch %{{x}}<br>‖dW{k}‖ %{{y:.3g}}<extra></extra>",
            })  # fmt: skip
            k += 1
    epochs = [_column(h, "epoch") for h in (history_a, history_b)]
    layout = {
        "xaxis": _epoch_axis(epochs, domain=[0.0, 0.44], anchor="y"),
        "yaxis": {"title": _axis_title("Cost"), "anchor": "x", "rangemode": "tozero"},
        "xaxis2": _epoch_axis(epochs, domain=[0.56, 1.0], anchor="y2"),
        "yaxis2": {**_log_axis("‖dWk‖", [t["y"] for t in data if t["yaxis"] == "y2"]),
                   "anchor": "x2"},
        "legend": {"orientation": "h", "y": -0.22, "x": 0.0, "font": {"size": FONT_SIZE - 2}},
        "margin": {"l": 70, "r": 30, "t": 70, "b": 130},
    }  # fmt: skip
    return _figure(data, layout, template, title, height)


def sweep_heatmap(
    values: ArrayLike,
    row_name: str,
    row_values: Sequence[Any],
    col_name: str | None = None,
    col_values: Sequence[Any] | None = None,
    *,
    quantity: str = "final train cost",
    title: str | None = None,
    template: str = "plotly_white",
    height: int | None = 440,
) -> go.Figure:
    """A sweep's result: one cell per configuration, coloured by ``quantity`` (lower is
    better: a sequential scale), with the value printed in each cell; NaN cells (diverged or
    not run) are left blank and labelled."""
    z = np.atleast_2d(np.asarray(values, dtype=float))
    if z.shape[0] != len(row_values):
        z = z.T if z.shape[1] == len(row_values) else z
    if z.shape[0] != len(row_values):
        raise ValueError(f"values must have one row per {row_name} value")
    cols = list(col_values) if col_values is not None else [""]
    if z.shape[1] != len(cols):
        raise ValueError(f"values must have one column per {col_name} value")
    text = [[("—" if not np.isfinite(v) else f"{v:.3g}") for v in row] for row in z]
    finite = z[np.isfinite(z)]
    data = [{
        "type": "heatmap", "z": z, "x": [str(c) for c in cols], "y": [str(r) for r in row_values],
        "colorscale": "Viridis", "reversescale": True,
        "zmin": float(finite.min()) if finite.size else 0.0,
        "zmax": float(finite.max()) if finite.size else 1.0,
        "text": text, "texttemplate": "%{text}", "textfont": {"size": FONT_SIZE},
        "colorbar": {"title": {"text": quantity, "side": "right"}},
        "hovertemplate": f"{row_name} = %{{y}}<br>{col_name or ''} = %{{x}}<br>"
        f"{quantity} = %{{text}}<extra></extra>",
    }]  # fmt: skip
    layout = {
        "xaxis": {"title": _axis_title(col_name or ""), "type": "category"},
        "yaxis": {"title": _axis_title(row_name), "type": "category"},
    }
    return _figure(data, layout, template, title or f"Sweep: {quantity}", height)
