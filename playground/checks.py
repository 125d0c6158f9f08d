"""Checks a learner can run on the network: is backprop right, how the activations behave,
and what one step of each size along the gradient would do to the cost.

* ``gradient_check`` compares backprop's ``dWk``, ``dBk`` with central differences of the
  notes' cost, ``(J(theta + h) - J(theta - h)) / 2h``, one entry at a time, and says in plain
  words how well they agree (``verdict``, ``overall``).
* ``activation_stats`` reads a forward cache: per hidden layer, how many outputs are saturated,
  how many ReLUs are dead, how much gradient ``f'(Z)`` lets through.
* ``output_stats`` reads the output layer: how sure the network is, how often it is sure and
  wrong, how much ``dZL = AL - Y`` sends back, and which classes it predicts.
* ``lr_preview`` evaluates ``J(theta - alpha dtheta)`` over a range of ``alpha``.

The output layer is the notes' sigmoid unit or, for ``K >= 3`` classes, a softmax of ``K``
units with the categorical cross-entropy (``output``: ``"sigmoid"`` or ``"softmax"``, as
``engine.forward`` takes it). Left out (None), it is the trainer's rule
(``engine.output_layer``): one output unit is a sigmoid, more are a softmax.

Shapes follow the notes: ``X`` is ``(n0, m)``, ``Y`` is ``(nL, m)``, ``Wk`` is ``(nk, nk-1)``,
``Bk`` is ``(nk, 1)``. Everything is computed in float64. This module imports numpy and
``playground.engine`` only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from playground import engine

Array = NDArray[np.float64]

__all__ = [
    "GradCheckRow",
    "LRPreview",
    "LayerStats",
    "OutputStats",
    "activation_curves",
    "activation_panels",
    "activation_stats",
    "best_alpha",
    "gradient_check",
    "lr_preview",
    "output_kind",
    "output_stats",
    "overall",
    "verdict",
]

KINKED = ("relu", "leaky_relu")  # activations whose derivative jumps at z = 0
THRESHOLDS = (1e-7, 1e-5, 1e-3)  # excellent / fine / suspicious / wrong
MAX_STATS_SAMPLES = 5000  # Z values kept per layer for plotting
_BATCH_ELEMENTS = 2**17  # largest (rows x columns) of one batched evaluation: fits in cache
_EPS = float(np.finfo(np.float64).eps)


# ---------------------------------------------------------------------------------------------
# Gradient check


class GradCheckRow(NamedTuple):
    """How backprop's gradient of one matrix compares with finite differences.

    ``rel_error`` is ``||num - bp|| / max(||num|| + ||bp||, 1e-12)`` over the ``checked``
    entries (of ``total``). ``kinks`` counts checked entries whose ``±h`` step moved a unit of
    a ReLU-type layer across ``z = 0`` (``None`` when no such layer lies downstream), and
    ``rel_error_smooth`` is the relative error over the other entries (``None`` when no step
    crossed a kink, NaN when every step did). ``noise`` is the rounding error to expect of
    one finite difference.
    """

    name: str  # "W1", "B1", ...
    shape: tuple[int, int]
    checked: int
    total: int
    rel_error: float
    max_abs_diff: float
    num_norm: float  # ||num|| over the checked entries
    bp_norm: float  # ||bp|| over the checked entries
    kinks: int | None
    rel_error_smooth: float | None
    noise: float
    verdict: str


def _digits(rel_err: float) -> int:
    return max(0, min(16, math.floor(-math.log10(rel_err))))


def _rel(num: Array, bp: Array) -> float:
    return float(np.linalg.norm(num - bp)) / max(
        float(np.linalg.norm(num)) + float(np.linalg.norm(bp)), 1e-12
    )


def verdict(
    rel_err: float,
    *,
    kinks: int | None = None,
    checked: int | None = None,
    rel_err_smooth: float | None = None,
    tiny: bool = False,
) -> str:
    """A plain-words verdict on a relative error between backprop and finite differences.

    ``kinks`` (ReLU-type networks only): how many of the ``checked`` entries stepped across a
    kink at ``z = 0``, where the derivative jumps and a finite difference is rightly off; ``0``
    when none did. ``rel_err_smooth``: the relative error without those entries. ``tiny``: the
    differences found are no bigger than the finite differences' own rounding noise.

    >>> verdict(3e-10)
    'excellent (< 1e-7): backprop and finite differences agree to 9 digits.'
    """
    if not math.isfinite(rel_err):
        return (
            "not a number: the cost or a gradient is infinite or NaN here, so the two cannot "
            "be compared. Reset the network or lower alpha, then check again."
        )
    if rel_err < THRESHOLDS[0]:
        how = "exactly" if rel_err == 0.0 else f"to {_digits(rel_err)} digits"
        return f"excellent (< 1e-7): backprop and finite differences agree {how}."
    if rel_err < THRESHOLDS[1]:
        text = (
            f"fine (< 1e-5): they agree to {_digits(rel_err)} digits, as close as finite "
            "differences can usually tell."
        )
    elif rel_err < THRESHOLDS[2]:
        text = f"suspicious (< 1e-3): they agree to only {_digits(rel_err)} digits."
    else:
        text = "wrong (≥ 1e-3): they disagree already in the first three digits."
    explained = False
    if kinks:
        of = f" of the {checked}" if checked is not None else ""
        text += (
            f" {kinks}{of} checked entries stepped across a ReLU kink (z = 0), where f' "
            "jumps: there a finite difference mixes two slopes and is rightly off."
        )
        if rel_err_smooth is not None and math.isfinite(rel_err_smooth):
            explained = rel_err_smooth < THRESHOLDS[1]
            text += f" Without those entries the relative error is {rel_err_smooth:.1e}"
            text += ", so the kinks explain it." if explained else ", still too large."
    elif kinks == 0 and rel_err >= THRESHOLDS[1]:
        text += " No step crossed a ReLU kink (z = 0), so kinks do not explain this."
    if tiny and not explained:
        explained = True
        text += (
            " But the differences are no bigger than the rounding noise of finite "
            "differences (the gradient itself is tiny), so they say little about backprop."
        )
    if not explained and rel_err >= THRESHOLDS[2]:
        text += (
            " Backprop's gradient is not the slope of the cost: look for a bug in the "
            "backward pass for this matrix."
        )
    elif not explained and rel_err >= THRESHOLDS[1]:
        text += " Usually a sign that something is slightly off."
    return text


def _explained(row: GradCheckRow) -> bool:
    """A large error that kinks or rounding noise account for."""
    smooth = row.rel_error_smooth
    by_kinks = bool(row.kinks) and smooth is not None and smooth < THRESHOLDS[1]
    return by_kinks or row.max_abs_diff <= row.noise


def overall(rows: Sequence[GradCheckRow]) -> str:
    """One sentence or two on the whole check: the worst matrix and what it means."""
    if not rows:
        return "Nothing was checked."
    bad = [r.name for r in rows if not math.isfinite(r.rel_error)]
    if bad:
        return (
            f"{', '.join(bad)} could not be compared: the cost or a gradient is not finite. "
            "Reset the network or lower alpha, then check again."
        )
    worst = max(rows, key=lambda r: r.rel_error)
    n = len(rows)
    if worst.rel_error < THRESHOLDS[0]:
        how = "exactly" if worst.rel_error == 0 else f"to {_digits(worst.rel_error)} digits"
        return (
            f"All {n} matrices pass: even the worst, {worst.name}, agrees {how} "
            f"(relative error {worst.rel_error:.1e}). Backprop computes the true gradient."
        )
    if worst.rel_error < THRESHOLDS[1]:
        return (
            f"All {n} matrices pass: the worst, {worst.name}, agrees to "
            f"{_digits(worst.rel_error)} digits (relative error {worst.rel_error:.1e}), "
            "as close as finite differences can usually tell."
        )
    large = [r for r in rows if r.rel_error >= THRESHOLDS[1]]
    unexplained = [r for r in large if not _explained(r)]
    wrong = [r for r in unexplained if r.rel_error >= THRESHOLDS[2]]
    if wrong:
        names = ", ".join(f"{r.name} ({r.rel_error:.1e})" for r in wrong)
        return (
            f"Backprop looks wrong for {names}: its gradient is not the slope of the cost. "
            f"Check the backward pass for {'that layer' if len(wrong) == 1 else 'those layers'}."
        )
    if unexplained:
        names = ", ".join(f"{r.name} ({r.rel_error:.1e})" for r in unexplained)
        return f"Suspicious: {names} agree to fewer digits than they should. Look closer."
    reasons = []
    if any(r.kinks for r in large):
        reasons.append("steps across ReLU kinks (z = 0)")
    if any(r.max_abs_diff <= r.noise for r in large):
        reasons.append("rounding noise on tiny gradients")
    names = ", ".join(r.name for r in large)
    return (
        f"Backprop is right as far as finite differences can tell: the larger errors in "
        f"{names} come from {' and '.join(reasons)}, not from backprop."
    )


def _as64(name: str, a: ArrayLike) -> Array:
    arr = np.array(a, dtype=np.float64)  # a copy: entries are perturbed in place
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got shape {arr.shape}")
    return arr


def _check_shapes(params: Mapping[str, Array], X: Array, Y: Array, L: int) -> None:
    if L < 1:
        raise ValueError(f"params must hold W1, B1, ..., got {sorted(params)}")
    for k in range(1, L + 1):
        W, B = params.get(f"W{k}"), params.get(f"B{k}")
        if B is None or B.shape != (W.shape[0], 1):
            raise ValueError(f"B{k} must have shape ({W.shape[0]}, 1)")
        n_prev = X.shape[0] if k == 1 else params[f"W{k - 1}"].shape[0]
        if W.shape[1] != n_prev:
            raise ValueError(f"W{k} must have {n_prev} columns, got shape {W.shape}")
    if Y.shape != (params[f"W{L}"].shape[0], X.shape[1]):
        raise ValueError(f"Y must have shape {(params[f'W{L}'].shape[0], X.shape[1])}")


def output_kind(nL: int, output: str | None = None) -> str:
    """The output layer's kind: ``output`` when given (checked), else the trainer's rule for an
    output layer of ``nL`` units: one unit is the notes' sigmoid, more a softmax."""
    if output is None:
        return "sigmoid" if int(nL) == 1 else "softmax"
    if output not in engine.OUTPUTS:
        raise ValueError(f"unknown output {output!r}; choose from {engine.OUTPUTS}")
    if output == "softmax" and int(nL) < 2:
        raise ValueError(f"a softmax output needs at least 2 units, got {nL}")
    return output


def _pick(size: int, max_entries: int | None, rng: np.random.Generator) -> NDArray[np.intp]:
    """Flat indices to check: all of them, or a sorted random sample of ``max_entries``."""
    if max_entries is None or size <= max_entries:
        return np.arange(size)
    return np.sort(rng.choice(size, size=int(max_entries), replace=False))


def _perturbed_costs(
    params: dict[str, Array],
    cache: Mapping[str, Array],
    Y: Array,
    names: tuple[str, ...],
    l2: float,
    kind: str,
    k: int,
    flat: NDArray[np.intp],
    h: float,
    l1: float = 0.0,
    output: str = "sigmoid",
) -> tuple[Array, Array, NDArray[np.bool_]]:
    """``J(theta + h e)`` and ``J(theta - h e)`` for the entries ``flat`` of ``kind + k``.

    Moving ``Wk[i, j]`` (or ``Bk[i]``) by ``d`` changes only row ``i`` of ``Zk``, by
    ``d A(k-1)[j]`` (or ``d``); layers ``< k`` are unchanged and taken from ``cache``. The
    perturbed copies of ``Ak`` are laid side by side as columns, so layers ``k+1..L`` run for
    all of them in one product per layer. The cost is ``engine.cost`` of each copy's ``ZL``
    with the perturbed parameters (for the L2 term), for the ``output`` layer's kind. Also
    returns, per entry, whether either step moved a unit of a ReLU-type layer across ``z = 0``.
    """
    L = len(names) + 1
    P = params[f"{kind}{k}"]
    m = Y.shape[1]
    rows_i = flat // P.shape[1]  # the unit of layer k whose Zk row moves
    A_prev = cache[f"A{k - 1}"]
    n_max = max(params[f"W{q}"].shape[0] for q in range(k, L + 1))
    per_batch = max(1, _BATCH_ELEMENTS // (2 * m * n_max))  # entries per batch
    kinked = [q for q in range(k, L) if names[q - 1] in KINKED]
    plus, minus = np.empty(flat.size), np.empty(flat.size)
    crossed = np.zeros(flat.size, dtype=bool)
    for lo in range(0, flat.size, per_batch):
        sel = slice(lo, min(lo + per_batch, flat.size))
        idx, ii = flat[sel], rows_i[sel]
        c = idx.size
        steps = np.concatenate([np.full(c, h), np.full(c, -h)])  # (2c,) copies: +h then -h
        i2 = np.concatenate([ii, ii])
        if kind == "W":
            jj = np.concatenate([idx, idx]) % P.shape[1]
            dZ = steps[:, None] * A_prev[jj]  # (2c, m)
        else:
            dZ = np.broadcast_to(steps[:, None], (2 * c, m))
        copies = np.arange(2 * c)
        Z = np.repeat(cache[f"Z{k}"][:, None, :], 2 * c, axis=1)  # (nk, 2c, m)
        Z[i2, copies] += dZ
        crossing = np.zeros(2 * c, dtype=bool)
        if k in kinked:
            crossing |= ((Z[i2, copies] > 0) != (cache[f"Z{k}"][i2] > 0)).any(axis=1)
        if k < L:
            A = np.repeat(cache[f"A{k}"][:, None, :], 2 * c, axis=1)  # (nk, 2c, m)
            A[i2, copies] = engine.ACTIVATIONS[names[k - 1]].f(Z[i2, copies])
            A = A.reshape(A.shape[0], 2 * c * m)
            for q in range(k + 1, L + 1):
                Zq = params[f"W{q}"] @ A + params[f"B{q}"]  # (nq, 2c m)
                if q < L:
                    if q in kinked:
                        base = cache[f"Z{q}"][:, None, :] > 0
                        moved = (Zq.reshape(-1, 2 * c, m) > 0) != base
                        crossing |= moved.any(axis=(0, 2))
                    A = engine.ACTIVATIONS[names[q - 1]].f(Zq)
            Z = Zq.reshape(-1, 2 * c, m)
        J = np.empty(2 * c)
        old = P.flat[idx].copy()
        for p in range(2 * c):  # the cost of each copy, with its perturbed parameter for L2
            e = idx[p % c]
            P.flat[e] = old[p % c] + steps[p]
            J[p] = engine.cost({f"Z{L}": Z[:, p, :]}, Y, params, l2, l1, output)
            P.flat[e] = old[p % c]
        plus[sel], minus[sel] = J[:c], J[c:]
        crossed[sel] = crossing[:c] | crossing[c:]
    return plus, minus, crossed


def gradient_check(
    params: Mapping[str, ArrayLike],
    X: ArrayLike,
    Y: ArrayLike,
    activations: Sequence[str],
    l2: float = 0.0,
    *,
    h: float = 1e-5,
    max_entries: int | None = 60,
    seed: int = 0,
    grads: Mapping[str, ArrayLike] | None = None,
    l1: float = 0.0,
    output: str | None = None,
) -> list[GradCheckRow]:
    """Backprop's gradient against central differences of the cost, matrix by matrix.

    For every ``W1, B1, ..., WL, BL``: the numerical slope ``(J(theta + h e) - J(theta - h e))
    / 2h`` of ``J = engine.cost(engine.forward(params, X, activations, output), Y, params, l2,
    l1, output)`` for each checked entry ``e``, compared with backprop's ``dWk`` / ``dBk``:
    ``engine.backward``, or ``grads`` when given (e.g. a deliberately broken gradient).
    ``output`` is the output layer's kind (``trainer.output``; None: ``output_kind``'s rule),
    so a ``K``-class run is checked against its softmax's cost, not ``K`` sigmoids'. Matrices
    with more than ``max_entries`` entries are checked on a random sample of that many
    (``seed``); ``None`` checks every entry. Inputs are cast to float64.

    Returns one :class:`GradCheckRow` per matrix, in the order W1, B1, W2, B2, ...
    """
    names = tuple(activations)
    P64 = {key: _as64(key, val) for key, val in params.items() if key[:1] in "WB"}
    X64 = _as64("X", X)
    Y64 = _as64("Y", Y)
    L = engine.n_layers(P64)
    _check_shapes(P64, X64, Y64, L)
    output = output_kind(P64[f"W{L}"].shape[0], output)
    if not (h > 0 and math.isfinite(h)):
        raise ValueError(f"h must be a positive number, got {h}")
    if max_entries is not None and max_entries < 1:
        raise ValueError("max_entries must be at least 1 (or None for every entry)")
    with np.errstate(all="ignore"):
        cache = engine.forward(P64, X64, names, output)
        J0 = engine.cost(cache, Y64, P64, l2, l1, output)
        if grads is None:
            grads = engine.backward(P64, cache, Y64, names, l2, l1)
        # Rounding error of one finite difference: a few ulps of the cost, over 2h.
        noise = 16 * _EPS * max(abs(J0), _EPS) / (2 * h) if math.isfinite(J0) else math.inf
        rng = np.random.default_rng(seed)
        rows = []
        for k in range(1, L + 1):
            for kind in ("W", "B"):
                name = f"{kind}{k}"
                P = P64[name]
                bp_all = np.asarray(grads[f"d{name}"], dtype=np.float64)
                if bp_all.shape != P.shape:
                    raise ValueError(f"d{name} must have shape {P.shape}, got {bp_all.shape}")
                flat = _pick(P.size, max_entries, rng)
                plus, minus, crossed = _perturbed_costs(
                    P64, cache, Y64, names, l2, kind, k, flat, h, l1, output
                )
                num = (plus - minus) / (2 * h)
                bp = bp_all.reshape(-1)[flat]
                rel = _rel(num, bp)
                max_abs = float(np.max(np.abs(num - bp)))
                if not (math.isfinite(rel) and math.isfinite(max_abs)):
                    rel = max_abs = math.nan
                downstream = any(a in KINKED for a in names[k - 1 :])
                kinks = int(crossed.sum()) if downstream else None
                smooth = None
                if kinks:
                    keep = ~crossed
                    smooth = _rel(num[keep], bp[keep]) if keep.any() else math.nan
                rows.append(
                    GradCheckRow(
                        name=name,
                        shape=P.shape,
                        checked=int(flat.size),
                        total=int(P.size),
                        rel_error=rel,
                        max_abs_diff=max_abs,
                        num_norm=float(np.linalg.norm(num)),
                        bp_norm=float(np.linalg.norm(bp)),
                        kinks=kinks,
                        rel_error_smooth=smooth,
                        noise=noise,
                        verdict=verdict(
                            rel,
                            kinks=kinks,
                            checked=int(flat.size),
                            rel_err_smooth=smooth,
                            tiny=max_abs <= noise,
                        ),
                    )
                )
    return rows


# ---------------------------------------------------------------------------------------------
# Activation statistics


class LayerStats(NamedTuple):
    """How hidden layer ``k`` (activation ``name``, ``units`` units) behaves on the data.

    ``Z`` holds at most 5000 of the layer's ``Zk`` values (an evenly strided sample), for a
    histogram. ``saturated`` is the share of outputs in the flat tails (sigmoid: ``A < 0.01``
    or ``A > 0.99``; tanh: ``|A| > 0.99``; ``None`` for other activations). ``dead`` (ReLU)
    counts units whose output is 0 for every training point: no gradient ever reaches their
    weights. ``inactive`` (leaky ReLU, which never dies) counts units with ``Z <= 0``
    everywhere, which pass only the small slope. ``mean_abs_df`` is the mean ``|f'(Zk)|``:
    how much of the gradient the layer passes back.
    """

    layer: int
    name: str
    units: int
    Z: Array
    saturated: float | None
    dead: int | None
    inactive: int | None
    mean_abs_df: float

    @property
    def dead_share(self) -> float | None:
        return None if self.dead is None else self.dead / self.units


def activation_stats(
    cache: Mapping[str, ArrayLike], activations: Sequence[str]
) -> list[LayerStats]:
    """One :class:`LayerStats` per hidden layer of a forward cache (``Z1, A1, ...``).

    ``activations`` names ``f1 .. f(L-1)``; the cache's training columns are used as given.
    """
    names = tuple(activations)
    stats = []
    for k, name in enumerate(names, start=1):
        if name not in engine.ACTIVATIONS:
            raise ValueError(f"unknown activation {name!r}")
        if f"Z{k}" not in cache or f"A{k}" not in cache:
            raise ValueError(f"cache must hold Z{k} and A{k}")
        Z = np.asarray(cache[f"Z{k}"], dtype=np.float64)  # (nk, m)
        A = np.asarray(cache[f"A{k}"], dtype=np.float64)  # (nk, m)
        if Z.ndim != 2 or Z.shape != A.shape:
            raise ValueError(f"Z{k} and A{k} must be matrices of one shape")
        flat = Z.reshape(-1)
        step = max(1, math.ceil(flat.size / MAX_STATS_SAMPLES))
        saturated = dead = inactive = None
        if name == "sigmoid":
            saturated = float(np.mean((A < 0.01) | (A > 0.99)))
        elif name == "tanh":
            saturated = float(np.mean(np.abs(A) > 0.99))
        elif name == "relu":
            dead = int(np.sum(np.all(A == 0.0, axis=1)))
        elif name == "leaky_relu":
            inactive = int(np.sum(np.all(Z <= 0.0, axis=1)))
        with np.errstate(all="ignore"):
            df = engine.ACTIVATIONS[name].df_from_a(A)
            mean_abs_df = float(np.mean(np.abs(df)))
        stats.append(
            LayerStats(
                layer=k,
                name=name,
                units=Z.shape[0],
                Z=flat[::step].copy(),
                saturated=saturated,
                dead=dead,
                inactive=inactive,
                mean_abs_df=mean_abs_df,
            )
        )
    return stats


def activation_curves(name: str, z_grid: ArrayLike | None = None) -> tuple[Array, Array, Array]:
    """``(z, f(z), f'(z))`` of the engine's activation ``name`` over ``z_grid``
    (default 201 points over [-5, 5])."""
    if name not in engine.ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose from {sorted(engine.ACTIVATIONS)}")
    z = np.linspace(-5.0, 5.0, 201) if z_grid is None else np.asarray(z_grid, dtype=np.float64)
    act = engine.ACTIVATIONS[name]
    return z, act.f(z), act.df(z)


def activation_panels(stats: Sequence[LayerStats], *, max_range: float = 50.0) -> list[dict]:
    """The input of ``figures.activation_view``: one dict per layer with ``layer, name, units,
    z_grid, f, df, Z, saturated, dead, inactive, mean_abs_df``.

    Each grid covers [-5, 5] and the layer's finite ``Z`` values, within ``±max_range``.
    """
    panels = []
    for s in stats:
        finite = s.Z[np.isfinite(s.Z)]
        lo = max(-max_range, min(-5.0, float(finite.min()) if finite.size else -5.0))
        hi = min(max_range, max(5.0, float(finite.max()) if finite.size else 5.0))
        z, f, df = activation_curves(s.name, np.linspace(lo, hi, 201))
        panels.append(
            {
                "layer": s.layer,
                "name": s.name,
                "units": s.units,
                "z_grid": z,
                "f": f,
                "df": df,
                "Z": s.Z,
                "saturated": s.saturated,
                "dead": s.dead,
                "inactive": s.inactive,
                "mean_abs_df": s.mean_abs_df,
            }
        )
    return panels


class OutputStats(NamedTuple):
    """How the output layer ``layer`` (``output``: ``"sigmoid"`` or ``"softmax"``, ``units``
    units, ``K`` classes) behaves on ``m`` points.

    ``Z`` holds at most 5000 of the ``ZL`` values (strided, as ``LayerStats.Z``). Each point's
    prediction is its most probable class (the sigmoid: class 1 where ``a > 0.5``) and its
    confidence that class's probability. ``confident`` is the share of points predicted with
    a probability above 0.99 (for the sigmoid, its saturated share: ``a < 0.01`` or
    ``a > 0.99``), ``confident_wrong`` the share predicted so surely and wrongly: there the loss
    is large. ``mean_true_prob`` is the mean probability the network gives each point's own
    class (``exp(-loss)`` on average: 1/K for a network that guesses evenly).
    ``mean_abs_dZ`` is the mean ``|dZL| = |AL - Y|`` over the layer's entries: the output's
    ``dZL`` never vanishes on a wrong point, however saturated, because the cost's log
    cancels the output's flat tails. ``predicted`` and ``actual`` count the points of each
    class ``0..K-1`` predicted and labelled (a class the network never predicts shows as 0).
    """

    layer: int
    output: str
    units: int
    classes: int
    m: int
    Z: Array
    confident: float
    confident_wrong: float
    mean_true_prob: float
    mean_abs_dZ: float
    accuracy: float
    predicted: NDArray[np.int64]
    actual: NDArray[np.int64]


def output_stats(
    cache: Mapping[str, ArrayLike], Y: ArrayLike, output: str | None = None
) -> OutputStats:
    """The :class:`OutputStats` of a forward cache's output layer ``AL`` (``ZL``, ``AL``) for the
    labels ``Y``: ``(1, m)`` 0/1 for the sigmoid, one-hot ``(K, m)`` for the softmax.
    ``output`` as in ``gradient_check``."""
    L = max((int(key[1:]) for key in cache if key[:1] == "Z" and key[1:].isdigit()), default=0)
    if L < 1 or f"A{L}" not in cache:
        raise ValueError("cache must hold the output layer's ZL and AL")
    Z = np.asarray(cache[f"Z{L}"], dtype=np.float64)  # (nL, m)
    A = np.asarray(cache[f"A{L}"], dtype=np.float64)  # (nL, m)
    Y64 = np.asarray(Y, dtype=np.float64)
    if Z.ndim != 2 or Z.shape != A.shape or Y64.shape != A.shape:
        raise ValueError(f"Z{L}, A{L} and Y must be matrices of one shape")
    nL, m = A.shape
    output = output_kind(nL, output)
    if output == "softmax":
        K = nL
        predicted = np.argmax(A, axis=0)  # (m,), the first of a tie as engine.accuracy
        actual = np.argmax(Y64, axis=0)
        sure = np.max(A, axis=0)  # (m,)
        true_prob = np.sum(A * Y64, axis=0)
    elif nL == 1:
        K = 2
        predicted = (A[0] > 0.5).astype(np.int64)
        actual = (Y64[0] > 0.5).astype(np.int64)
        sure = np.maximum(A[0], 1.0 - A[0])
        true_prob = np.where(actual == 1, A[0], 1.0 - A[0])
    else:
        raise ValueError("output statistics need one sigmoid unit or a softmax output")
    with np.errstate(invalid="ignore"):
        confident = sure > 0.99
        right = predicted == actual
        flat = Z.reshape(-1)
        step = max(1, math.ceil(flat.size / MAX_STATS_SAMPLES))
        return OutputStats(
            layer=L,
            output=output,
            units=nL,
            classes=K,
            m=m,
            Z=flat[::step].copy(),
            confident=float(np.mean(confident)),
            confident_wrong=float(np.mean(confident & ~right)),
            mean_true_prob=float(np.mean(true_prob)),
            mean_abs_dZ=float(np.mean(np.abs(A - Y64))),
            accuracy=float(np.mean(right)),
            predicted=np.bincount(predicted, minlength=K).astype(np.int64),
            actual=np.bincount(actual, minlength=K).astype(np.int64),
        )


# ---------------------------------------------------------------------------------------------
# Learning-rate preview


class LRPreview(NamedTuple):
    """``costs[i] = J(theta - alphas[i] dtheta)`` (NaN where not finite); ``current = J(theta)``."""

    alphas: Array
    costs: Array
    current: float


def lr_preview(
    params: Mapping[str, ArrayLike],
    grads: Mapping[str, ArrayLike],
    X: ArrayLike,
    Y: ArrayLike,
    activations: Sequence[str],
    l2: float = 0.0,
    alphas: ArrayLike | None = None,
    l1: float = 0.0,
    output: str | None = None,
) -> LRPreview:
    """The cost after one gradient-descent step of each size ``alpha`` along ``-dtheta``.

    ``alphas`` defaults to 40 log-spaced values from 1e-4 to 100. Non-finite costs come back
    as NaN; nothing raises or warns for a step that overflows. ``output`` is the output
    layer's kind, as in ``gradient_check``.
    """
    names = tuple(activations)
    P64 = {key: _as64(key, val) for key, val in params.items() if key[:1] in "WB"}
    X64, Y64 = _as64("X", X), _as64("Y", Y)
    L = engine.n_layers(P64)
    _check_shapes(P64, X64, Y64, L)
    output = output_kind(P64[f"W{L}"].shape[0], output)
    D = {}
    for key, P in P64.items():
        d = np.asarray(grads[f"d{key}"], dtype=np.float64)
        if d.shape != P.shape:
            raise ValueError(f"d{key} must have shape {P.shape}, got {d.shape}")
        D[key] = d
    a = np.logspace(-4.0, 2.0, 40) if alphas is None else np.asarray(alphas, dtype=np.float64)
    a = np.atleast_1d(a)
    costs = np.empty(a.shape)
    with np.errstate(all="ignore"):
        current = engine.cost(engine.forward(P64, X64, names, output), Y64, P64, l2, l1, output)
        for n, alpha in enumerate(a):
            stepped = {key: P - alpha * D[key] for key, P in P64.items()}
            cache = engine.forward(stepped, X64, names, output)
            costs[n] = engine.cost(cache, Y64, stepped, l2, l1, output)
    costs[~np.isfinite(costs)] = np.nan
    return LRPreview(a, costs, current if math.isfinite(current) else math.nan)


def best_alpha(alphas: ArrayLike, costs: ArrayLike) -> float | None:
    """The ``alpha`` with the lowest finite cost, or ``None`` when no cost is finite."""
    a = np.asarray(alphas, dtype=np.float64)
    c = np.asarray(costs, dtype=np.float64)
    if a.shape != c.shape:
        raise ValueError("alphas and costs must have the same shape")
    ok = np.isfinite(c)
    if not ok.any():
        return None
    return float(a[ok][np.argmin(c[ok])])
