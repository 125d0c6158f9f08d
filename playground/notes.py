"""The notes' equations with live numbers, a shape ledger, and one epoch run stage by stage.

* ``equations(trainer)`` gives every line of the notes (forward pass, cost, "Complete Back
  Propagation", update), generalised to the trainer's depth ``L``, as KaTeX with each matrix's
  current shape, and the matrices' current values (in full when small, else a summary).
* ``shape_ledger(trainer)`` lists every matrix of the last step with its real and its symbolic
  shape, and checks that each ``dWk`` (``dBk``) has the shape of ``Wk`` (``Bk``).
* ``StagedStep(trainer)`` runs one epoch one stage at a time on the trainer's ``Workspace``:
  forward layer by layer, the cost, backward layer by layer, the update. After the last stage
  the trainer is exactly (bit for bit) where one ``trainer.step(1)`` would have put it.
* ``gradient_contribution(trainer, i)`` is one training point's share of ``dWL`` and ``dBL``.

More than two classes (issue 16): the trainer's output is the notes' sigmoid unit for two
classes and a softmax of ``K`` units beyond (``trainer.output``). The equations then show
``AL = softmax(ZL)`` and the categorical cross-entropy ``J = -1/m sum(Y * log AL)``; every line
from ``dZL = AL - Y`` on is the notes' line as it stands, with ``K`` rows in the output layer's
matrices. Two classes give exactly the lines they always did.

Values always describe the trainer's current state: ``trainer.cache`` (the forward pass at the
current parameters, training columns), ``trainer.grads`` (the gradients at the current
parameters, i.e. those the next update will use) and ``trainer.params``.

This module imports numpy, pandas and the playground's engine and trainer only.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from playground import engine
from playground.trainer import Trainer

Array = np.ndarray

SECTIONS = ("Forward pass", "Cost", "Complete Back Propagation", "Update")

# ---------------------------------------------------------------------------------------------
# Typesetting helpers
# ---------------------------------------------------------------------------------------------


def _sub(k: int) -> str:
    """A subscript: ``_3`` (one digit) or ``_{12}``."""
    return f"_{k}" if 0 <= k < 10 else f"_{{{k}}}"


def tex_name(name: str) -> str:
    """LaTeX for a matrix name: ``"dZ3"`` -> ``dZ_3``, ``"f2'(Z2)"`` -> ``f_2'(Z_2)``."""
    return re.sub(r"(\d+)", lambda m: _sub(int(m.group(1))), name)


def num_tex(x: float, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits in LaTeX: ``0.123``, ``-1.5\\times 10^{-5}``."""
    x = float(x)
    if np.isnan(x):
        return r"\mathrm{NaN}"
    if np.isinf(x):
        return r"\infty" if x > 0 else r"-\infty"
    if x == 0.0:
        return "0"
    s = f"{x:.{digits}g}"
    if "e" in s:
        mantissa, exponent = s.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return s


def shape_tex(shape: Sequence[int]) -> str:
    """A shape tag that follows a matrix: ``\\,\\textcolor{gray}{(4\\times 200)}``."""
    inner = r"\times ".join(str(int(n)) for n in shape)
    return rf"\,\textcolor{{gray}}{{({inner})}}"


def shape_text(shape: Sequence[int]) -> str:
    """``"4 × 200"``."""
    return " × ".join(str(int(n)) for n in shape)


# How each activation is written: f(Z) and f'(Z) expressed from A = f(Z) (as the engine does).
_F_TEX = {
    "sigmoid": lambda z: rf"\sigma({z})",
    "tanh": lambda z: rf"\tanh({z})",
    "relu": lambda z: rf"\max({z}, 0)",
    "leaky_relu": lambda z: rf"\max({z}, {engine.LEAKY_SLOPE:g}\,{z})",
    "linear": lambda z: z,
}
_DF_TEX = {
    "sigmoid": lambda a, z: rf"{a}\,(1 - {a})",
    "tanh": lambda a, z: rf"1 - {a}^{{2}}",
    "relu": lambda a, z: rf"1 \text{{ where }} {z} > 0,\ 0 \text{{ elsewhere}}",
    "leaky_relu": lambda a, z: (
        rf"1 \text{{ where }} {z} > 0,\ {engine.LEAKY_SLOPE:g} \text{{ elsewhere}}"
    ),
    "linear": lambda a, z: "1",
}


_SAME_DZ = "the sigmoid's line: the softmax with its cost gives it too"


def _softmax_tex(k: int, row: str = "c") -> str:
    """Row ``row`` of ``Ak = softmax(Zk)`` in one column: ``A_3[c] = e^{Z_3[c]} / sum_j ...``."""
    a, z = rf"A{_sub(k)}[{row}]", rf"Z{_sub(k)}"
    return rf"{a} = \frac{{e^{{{z}[{row}]}}}}{{\sum_{{j}} e^{{{z}[j]}}}}"


# ---------------------------------------------------------------------------------------------
# Matrix views
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MatrixView:
    """A matrix as the equations show it.

    ``latex`` is a ``bmatrix`` with 3 significant digits when the matrix has at most
    ``max_full`` rows and at most ``max_full`` columns (``full``), else a LaTeX summary
    ``\\lVert dZ_3 \\rVert = …, \\min …``. ``summary`` is always the plain-text summary
    ``"‖·‖ = …, min …, max …, mean …"``. ``norm`` is the Frobenius norm. A 0-d value (the
    cost) has ``shape == ()`` and ``latex`` is the number.
    """

    name: str
    shape: tuple[int, ...]
    full: bool
    latex: str
    summary: str
    norm: float
    min: float
    max: float
    mean: float

    @property
    def display(self) -> str:
        """One line for ``st.latex``: ``X = [matrix]`` if full, else ``X (shape): summary``."""
        if self.full:
            return f"{tex_name(self.name)} = {self.latex}"
        return rf"{tex_name(self.name)}{shape_tex(self.shape)}:\quad {self.latex}"


def matrix_view(name: str, a: Array, max_full: int = 4) -> MatrixView:
    """The ``MatrixView`` of array ``a`` (0-d or 2-d) called ``name``."""
    a = np.asarray(a, dtype=float)
    with np.errstate(all="ignore"):
        norm = float(np.sqrt(np.sum(a * a)))
        lo, hi, mean = float(np.min(a)), float(np.max(a)), float(np.mean(a))
    summary = f"‖·‖ = {norm:.3g}, min {lo:.3g}, max {hi:.3g}, mean {mean:.3g}"
    full = a.ndim == 0 or max(a.shape) <= max_full
    if a.ndim == 0:
        latex = num_tex(a.item(), 4)
    elif full:
        rows = [" & ".join(num_tex(x) for x in row) for row in a]
        latex = r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"
    else:
        latex = (
            rf"\lVert {tex_name(name)} \rVert = {num_tex(norm)},\ "
            rf"\min = {num_tex(lo)},\ \max = {num_tex(hi)},\ "
            rf"\operatorname{{mean}} = {num_tex(mean)}"
        )
    return MatrixView(name, tuple(a.shape), full, latex, summary, norm, lo, hi, mean)


# ---------------------------------------------------------------------------------------------
# Equations
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Equation:
    """One line of the notes with the network's current numbers.

    ``formula`` is the notes' line for this depth without shapes (``dZ_3 = A_3 - Y``);
    ``latex`` the same line with every matrix's current shape and, where the notes use a
    number (the cost, alpha), its value. ``names`` are the matrices the line produces;
    ``values`` maps those names first, then the line's operands, to ``MatrixView``s (for an
    update line the produced ``Wk``/``Bk`` is the value after the next update). ``layer`` is
    the layer the produced matrices belong to.
    """

    key: str
    section: str
    formula: str
    latex: str
    names: tuple[str, ...]
    layer: int
    values: dict[str, MatrixView]


def equations(trainer: Trainer, *, max_full: int = 4) -> list[Equation]:
    """The notes' equations for ``trainer``'s network, in the notes' order, with live values.

    Keys: ``forward-1..forward-L``, ``cost``, then for k = L..1 ``dZk``, ``dWk``, ``dBk``
    (``dZL`` first, then each ``dZ(k-1)`` after ``dBk``), then for k = L..1 ``update-Wk``,
    ``update-Bk``: ``6 L + 1`` equations.
    """
    L, alpha, l2, l1 = trainer.L, trainer.step_alpha, trainer.ws.l2, trainer.ws.l1
    softmax = trainer.output == "softmax"
    activations = tuple(trainer.config.activations)
    cache, grads, params = trainer.cache, trainer.grads, trainer.params
    Y = trainer.ws.Y
    m = Y.shape[1]
    arrays: dict[str, Array] = {**cache, **grads, **params, "Y": Y}
    arrays["J"] = np.asarray(float(trainer.last["train_cost"]))
    for k in range(1, L):  # f_k'(Z_k), written from A_k as the engine does
        act = engine.ACTIVATIONS[activations[k - 1]]
        arrays[f"f{k}'(Z{k})"] = act.df_from_a(cache[f"A{k}"])
    for k in range(1, L + 1):  # the parameters after the next update, as the Workspace does it
        for p in "WB":
            arrays[f"{p}{k} (new)"] = params[f"{p}{k}"] - grads[f"d{p}{k}"] * alpha

    def t(name: str) -> str:  # a matrix's symbol
        return tex_name(name)

    def s(name: str, transpose: bool = False) -> str:  # symbol with its shape
        shape = arrays[name].shape
        if transpose:
            return t(name) + "^{T}" + shape_tex(shape[::-1])
        return t(name) + shape_tex(shape)

    out: list[Equation] = []

    def add(key, section, formula, latex, names, layer, operands=(), sources=None):
        sources = sources or {}
        values = {
            n: matrix_view(n, arrays[sources.get(n, n)], max_full) for n in (*names, *operands)
        }
        out.append(Equation(key, section, formula, latex, tuple(names), layer, values))

    lam = (rf"\qquad \lambda = {l2:g}" if l2 else "") + (
        rf"\qquad \lambda_1 = {l1:g}" if l1 else ""
    )

    # Forward pass: Zk = Wk A(k-1) + Bk, Ak = fk(Zk); AL = sigmoid(ZL) (or softmax(ZL)).
    for k in range(1, L + 1):
        Z, A, W, B, Ap = f"Z{k}", f"A{k}", f"W{k}", f"B{k}", f"A{k - 1}"
        if k < L:
            f = _F_TEX[activations[k - 1]](t(Z))
            fk = rf"f{_sub(k)}({t(Z)}) = {f}"
        elif softmax:
            fk = rf"\mathrm{{softmax}}({t(Z)})"
        else:
            fk = rf"\sigma({t(Z)})"
        formula = rf"{t(Z)} = {t(W)} {t(Ap)} + {t(B)} \qquad {t(A)} = {fk}"
        # softmax: each column's K values, exponentiated and divided by their sum
        where = rf" \qquad \left[\,{_softmax_tex(k)}\,\right]" if softmax and k == L else ""
        latex = (
            rf"\begin{{aligned}} {s(Z)} &= {s(W)}\,{s(Ap)} + {s(B)} \\"
            rf" {s(A)} &= {fk}{where} \end{{aligned}}"
        )
        add(f"forward-{k}", SECTIONS[0], formula, latex, (Z, A), k, (W, Ap, B))

    # Cost (the trainer's training cost, with the L2 penalty when there is one).
    AL = f"A{L}"
    if softmax:  # the categorical cross-entropy: -1/m sum(Y * log AL)
        data_term = r"-\frac{1}{m}\sum_{i=1}^{m}\sum_{c=0}^{K-1} y_{ci}\log a_{ci}"
        letters = rf"K = {Y.shape[0]},\ a_{{ci}} \text{{ in }} {s(AL)},\ y_{{ci}}"
    else:
        data_term = r"-\frac{1}{m}\sum_{i=1}^{m}\left[y_i\log a_i + (1 - y_i)\log(1 - a_i)\right]"
        letters = rf"a_i \text{{ in }} {s(AL)},\ y_i"
    penalty = r" + \frac{\lambda}{2m}\sum_{k}\lVert W_k\rVert^{2}" if l2 else ""
    penalty += r" + \frac{\lambda_1}{m}\sum_{k}\lvert W_k\rvert" if l1 else ""
    formula = "J = " + data_term + penalty
    # One line per part: on one line, the formula and what its letters stand for run past the
    # right edge of a laptop's page.
    lines = [rf"J = {data_term}", penalty] if penalty else [formula]
    lines[-1] += rf" = {num_tex(arrays['J'].item(), 4)}"
    lines.append(rf"m = {m},\ {letters} \text{{ in }} {s('Y')}{lam}")
    latex = r"\begin{gathered} " + r" \\ ".join(lines) + r" \end{gathered}"
    add("cost", SECTIONS[1], formula, latex, ("J",), L, (AL, "Y"))

    # Complete Back Propagation, k = L..1.
    for k in range(L, 0, -1):
        dZ, dW, dB, Ap, W = f"dZ{k}", f"dW{k}", f"dB{k}", f"A{k - 1}", f"W{k}"
        if k == L:
            formula = rf"{t(dZ)} = {t(AL)} - Y"
            latex = rf"{s(dZ)} = {s(AL)} - {s('Y')}"
            if softmax:  # the same line as the sigmoid's: say so
                latex += rf" \qquad \left[\,\text{{{_SAME_DZ}}}\,\right]"
            add(dZ, SECTIONS[2], formula, latex, (dZ,), L, (AL, "Y"))
        reg = rf" + \frac{{\lambda}}{{m}}\,{t(W)}" if l2 else ""
        reg += rf" + \frac{{\lambda_1}}{{m}}\,\mathrm{{sign}}({t(W)})" if l1 else ""
        formula = rf"{t(dW)} = \frac{{1}}{{m}}\cdot {t(dZ)}\cdot {t(Ap)}^{{T}}{reg}"
        reg = rf" + \frac{{\lambda}}{{m}}\,{s(W)}" if l2 else ""
        reg += rf" + \frac{{\lambda_1}}{{m}}\,\mathrm{{sign}}({s(W)})" if l1 else ""
        latex = rf"{s(dW)} = \frac{{1}}{{m}}\cdot {s(dZ)}\cdot {s(Ap, True)}{reg}{lam}"
        add(dW, SECTIONS[2], formula, latex, (dW,), k, (dZ, Ap, *((W,) if l2 or l1 else ())))
        formula = rf"{t(dB)} = \frac{{1}}{{m}}\cdot \mathrm{{sum}}({t(dZ)}, 1)"
        latex = rf"{s(dB)} = \frac{{1}}{{m}}\cdot \mathrm{{sum}}({s(dZ)}, 1)"
        add(dB, SECTIONS[2], formula, latex, (dB,), k, (dZ,))
        if k > 1:
            j = k - 1
            dZj, Zj, Aj, fj = f"dZ{j}", f"Z{j}", f"A{j}", f"f{j}'(Z{j})"
            formula = rf"{t(dZj)} = {t(W)}^{{T}}\cdot {t(dZ)} * {t(fj)}"
            df = _DF_TEX[activations[j - 1]](t(Aj), t(Zj))
            latex = (
                rf"{s(dZj)} = {s(W, True)}\cdot {s(dZ)} * {s(fj)}"
                rf" \qquad \left[\,{t(fj)} = {df}\,\right]"
            )
            add(dZj, SECTIONS[2], formula, latex, (dZj,), j, (W, dZ, fj))

    # Update, k = L..1; the value shown for Wk (Bk) is the one after the next update.
    for k in range(L, 0, -1):
        for P, dP in ((f"W{k}", f"dW{k}"), (f"B{k}", f"dB{k}")):
            formula = rf"{t(P)} = {t(P)} - \alpha\, {t(dP)}"
            latex = rf"{s(P)} = {s(P)} - \alpha\, {s(dP)} \qquad \alpha = {alpha:g}"
            add(f"update-{P}", SECTIONS[3], formula, latex, (P,), k, (dP,), {P: f"{P} (new)"})
    return out


# ---------------------------------------------------------------------------------------------
# Shape ledger
# ---------------------------------------------------------------------------------------------


def shape_ledger(trainer: Trainer, *, grads: Mapping[str, Array] | None = None) -> pd.DataFrame:
    """Every matrix of the last step with its shape and the notes' symbolic shape.

    Rows: ``A0`` (= X), ``Z1, A1, ..., ZL, AL``, ``Y``, then ``dZk, dWk, dBk`` for k = L..1,
    then ``Wk, Bk`` for k = 1..L. Columns ``name``, ``shape`` (``"4 × 200"``), ``notes_shape``
    (``"n1 × m"``; a softmax output layer's ``nL`` is written ``K``: ``"K × m"``) and
    ``matches``: for ``dWk`` (``dBk``) whether its shape equals that of ``Wk`` (``Bk``), else
    None. ``grads`` replaces ``trainer.grads`` (for checking others').
    """
    L = trainer.L
    cache, params = trainer.cache, trainer.params
    grads = trainer.grads if grads is None else grads
    rows: list[tuple[str, tuple[int, ...], str, bool | None]] = []

    def n(k: int) -> str:  # a softmax output's nL is the number of classes, K
        return "K" if k == L and trainer.output == "softmax" else f"n{k}"

    rows.append(("A0", cache["A0"].shape, f"{n(0)} × m", None))
    for k in range(1, L + 1):
        rows.append((f"Z{k}", cache[f"Z{k}"].shape, f"{n(k)} × m", None))
        rows.append((f"A{k}", cache[f"A{k}"].shape, f"{n(k)} × m", None))
    rows.append(("Y", trainer.ws.Y.shape, f"{n(L)} × m", None))
    for k in range(L, 0, -1):
        rows.append((f"dZ{k}", grads[f"dZ{k}"].shape, f"{n(k)} × m", None))
        for p, notes in (("W", f"{n(k)} × {n(k - 1)}"), ("B", f"{n(k)} × 1")):
            shape = grads[f"d{p}{k}"].shape
            rows.append((f"d{p}{k}", shape, notes, shape == params[f"{p}{k}"].shape))
    for k in range(1, L + 1):
        rows.append((f"W{k}", params[f"W{k}"].shape, f"{n(k)} × {n(k - 1)}", None))
        rows.append((f"B{k}", params[f"B{k}"].shape, f"{n(k)} × 1", None))
    return pd.DataFrame(
        {
            "name": [r[0] for r in rows],
            "shape": [shape_text(r[1]) for r in rows],
            "notes_shape": [r[2] for r in rows],
            "matches": pd.Series([r[3] for r in rows], dtype=object),
        }
    )


# ---------------------------------------------------------------------------------------------
# Staged step
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Stage:
    """One stage of a staged epoch: its ``key``, a ``title``, the ``equation_keys`` it carries
    out (keys of ``equations``) and the ``layer`` it works on (None: every layer)."""

    key: str
    title: str
    equation_keys: tuple[str, ...]
    layer: int | None


def stages(L: int) -> list[Stage]:
    """The ``2 L + 2`` stages of one epoch: forward 1..L, cost, backward L..1, update."""
    out = []
    for k in range(1, L + 1):
        title = f"Forward, layer {k}" + (" (output)" if k == L else "")
        out.append(Stage(f"forward-{k}", title, (f"forward-{k}",), k))
    out.append(Stage("cost", "Cost", ("cost",), L))
    for k in range(L, 0, -1):
        names = (f"dZ{k}", f"dW{k}", f"dB{k}")
        out.append(Stage(f"backward-{k}", f"Backward, layer {k}: " + ", ".join(names), names, k))
    keys = tuple(f"update-{p}{k}" for k in range(L, 0, -1) for p in "WB")
    out.append(Stage("update", "Update", keys, None))
    return out


class StagedStep:
    """One epoch of ``trainer``, a stage at a time, on ``trainer.ws``.

    The trainer always holds the forward pass and the gradients of its current parameters, so
    the forward and backward stages recompute, in the same buffers and with the same
    operations, exactly the values already there; the update stage is ``trainer.step(1)``:
    the update with those gradients, then the forward pass, cost, gradients and history row of
    the new parameters. After the last stage the trainer is bit for bit where one normal step
    puts it. ``advance()`` past the last stage starts the next epoch's stages.

    Between the first backward stage and the last one the gradient buffer is half done (the
    engine applies ``1/m`` to all layers at once in ``finish_gradients``): call ``abandon()``
    before stepping the trainer any other way while ``in_backward`` is True. ``produced()``
    shows each backward stage's ``dWk``, ``dBk`` with the ``1/m`` factor (and ``l2`` term)
    already applied, i.e. the notes' values.

    A plain object holding a reference to the trainer: fine in ``st.session_state``.
    """

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self.stages = stages(trainer.L)
        self.position = 0
        self.epoch = trainer.epoch  # the epoch whose step is being staged
        self.cost: float | None = None  # the training cost measured by the cost stage
        self.stepped: int | None = None  # epochs done by the update stage (0: diverged)
        self._produced: dict[str, Array] = {}

    def __repr__(self) -> str:
        return f"StagedStep(epoch={self.epoch}, position={self.position}/{len(self.stages)})"

    @property
    def done(self) -> bool:
        """True when every stage has run (the epoch's step is complete)."""
        return self.position == len(self.stages)

    @property
    def current(self) -> Stage | None:
        """The stage run last (None before the first)."""
        return self.stages[self.position - 1] if self.position else None

    @property
    def next(self) -> Stage:
        """The stage ``advance()`` will run."""
        return self.stages[0] if self.done else self.stages[self.position]

    @property
    def in_backward(self) -> bool:
        """True while some but not all backward stages have run (gradients half finished)."""
        L = self.trainer.L
        return L + 1 < self.position < 2 * L + 1

    def _restart(self) -> None:
        self.position = 0
        self.epoch = self.trainer.epoch
        self.cost = self.stepped = None
        self._produced = {}

    def abandon(self) -> None:
        """Forget the stages run so far, finishing the gradients if a backward was half done."""
        if self.in_backward:
            with np.errstate(all="ignore"):
                self.trainer.ws.backward()
        self._restart()

    def advance(self) -> Stage:
        """Run the next stage and return it (after the last one, start a new epoch)."""
        t = self.trainer
        if self.done or t.epoch != self.epoch:
            # Done, or the trainer was stepped elsewhere: stage the current epoch afresh.
            self._restart()
        stage = self.stages[self.position]
        ws, L = t.ws, t.L
        produced: dict[str, Array] = {}
        with np.errstate(all="ignore"):
            kind = stage.key.split("-")[0]
            if kind == "forward":
                k = stage.layer
                ws.forward_layer(k)
                produced[f"Z{k}"] = ws.Z[k].copy()
                produced[f"A{k}"] = ws.act[k].copy()
            elif kind == "cost":
                self.cost, _ = ws.measure()
                produced["J"] = np.asarray(self.cost)
            elif kind == "backward":
                k = stage.layer
                ws.backward_layer(k)
                produced[f"dZ{k}"] = ws.dZ[k].copy()
                if k == 1:
                    ws.finish_gradients()
                    produced[f"dW{k}"], produced[f"dB{k}"] = ws.dW[k].copy(), ws.dB[k].copy()
                else:  # what finish_gradients will make of them, with the same operations
                    dW, dB = ws.dW[k] * ws.inv_m, ws.dB[k] * ws.inv_m
                    if ws.l2:
                        dW += (ws.l2 * ws.inv_m) * ws.W[k]
                    if ws.l1:
                        dW += np.sign(ws.W[k]) * (ws.l1 * ws.inv_m)
                    produced[f"dW{k}"], produced[f"dB{k}"] = dW, dB
            else:
                self.stepped = t.step(1)
                params = t.params
                for k in range(L, 0, -1):
                    produced[f"W{k}"], produced[f"B{k}"] = params[f"W{k}"], params[f"B{k}"]
        self._produced = produced
        self.position += 1
        return stage

    def produced(self) -> dict[str, Array]:
        """Copies of the matrices the current stage produced: ``{"Z1", "A1"}`` for forward 1,
        ``{"J"}`` (0-d) for the cost, ``{"dZk", "dWk", "dBk"}`` for backward k (the notes'
        values, 1/m included) and the new ``{"WL", "BL", ..., "W1", "B1"}`` for the update."""
        return {name: a.copy() for name, a in self._produced.items()}


# ---------------------------------------------------------------------------------------------
# One unit's own equation
# ---------------------------------------------------------------------------------------------

_FEATURE_TEX = {
    "x1": "x_1",
    "x2": "x_2",
    "x1^2": "x_1^2",
    "x2^2": "x_2^2",
    "x1*x2": "x_1 x_2",
    "sin(x1)": r"\sin x_1",
    "sin(x2)": r"\sin x_2",
}


def unit_formula(
    params: Mapping[str, Array],
    activations: Sequence[str],
    feature_names: Sequence[str],
    k: int,
    i: int,
    max_terms: int = 8,
    output: str | None = None,
) -> str:
    """Unit ``i`` of layer ``k`` as the notes compute it, row ``i`` of ``Zk = Wk A(k-1) + Bk``
    with the current numbers, in LaTeX: ``Z1[2] = 0.53 x1 - 0.21 x2 + 0.017`` and
    ``A1[2] = tanh(Z1[2])`` on one line. Inputs are the features (layer 1) or the previous
    layer's units; past ``max_terms`` inputs the middle ones are elided.

    ``output`` is the output layer's kind (``trainer.output``); None takes the trainer's rule
    from the layer's size: one unit is the notes' sigmoid, more a softmax, whose unit ``i``
    reads ``A3[i] = e^Z3[i] / sum_j e^Z3[j]`` (it depends on every unit of its layer)."""
    L = engine.n_layers(params)
    W, B = np.asarray(params[f"W{k}"]), np.asarray(params[f"B{k}"])
    if k < 1 or k > L or not 0 <= i < W.shape[0]:
        raise ValueError(f"no unit {i} in layer {k}")
    if output is None:
        output = "sigmoid" if np.shape(params[f"W{L}"])[0] == 1 else "softmax"
    if output not in engine.OUTPUTS:
        raise ValueError(f"unknown output {output!r}; choose from {engine.OUTPUTS}")
    if k == 1:
        inputs = [_FEATURE_TEX.get(n, rf"\text{{{_tex_text(n)}}}") for n in feature_names]
    else:
        inputs = [rf"A{_sub(k - 1)}[{j}]" for j in range(W.shape[1])]
    terms = [(float(w), x) for w, x in zip(W[i], inputs, strict=True)]
    if len(terms) > max_terms:
        terms = [*terms[: max_terms - 2], None, terms[-1]]
    out = ""
    for term in terms:
        if term is None:
            out += r" + \dots"
            continue
        w, x = term
        sign = "-" if w < 0 else ("+" if out else "")
        out += rf" {sign} {num_tex(abs(w))}\,{x}"
    b = float(B[i, 0])
    out += rf" {'-' if b < 0 else '+'} {num_tex(abs(b))}"
    z = rf"Z{_sub(k)}[{i}]"
    if k == L and output == "softmax":
        return rf"{z} = {out.strip()} \qquad {_softmax_tex(k, str(i))}"
    a = _F_TEX["sigmoid" if k == L else activations[k - 1]](z)
    return rf"{z} = {out.strip()} \qquad A{_sub(k)}[{i}] = {a}"


def _tex_text(name: str) -> str:
    """A column name as plain text inside LaTeX's text command (its special characters escaped)."""
    plain = re.sub(r"[\\^~]", " ", str(name))[:30]  # no way to write these in text mode
    return re.sub(r"([{}$&#_%])", r"\\\1", plain)


# ---------------------------------------------------------------------------------------------
# One point's share of the output layer's gradient
# ---------------------------------------------------------------------------------------------


def gradient_contribution(trainer: Trainer, i: int) -> dict:
    """Training point ``i``'s own part of ``dWL`` and ``dBL`` at the current parameters.

    Returns ``{"i", "layer", "output", "label", "y", "z", "a", "loss", "dZ", "a_prev", "dW",
    "dB", "dW_penalty", "point"}``: ``dZ = a - y`` (nL, 1), ``dW = 1/m dZ a_prev^T``
    (nL, n(L-1)), ``dB = 1/m dZ`` (nL, 1), the point's loss ``-[y log a + (1-y) log(1-a)]``
    (the sigmoid's) or ``-sum(y * log a)`` (the softmax's: ``y`` is its one-hot column, ``a``
    its ``K`` probabilities and ``dZ`` a ``K``-vector), its class number ``label``, the output's
    kind ``output``, and ``point`` its raw 2-D coordinates. Summed over all ``i`` the ``dW``
    give ``dWL`` minus ``dW_penalty`` (``l2/m WL + l1/m sign(WL)``, zero without
    regularisation) and the ``dB`` give ``dBL``; the losses over ``m`` give the cost.
    """
    ws, L = trainer.ws, trainer.L
    m = ws.m
    i = int(i)
    if not 0 <= i < m:
        raise IndexError(f"training point {i} out of range 0..{m - 1}")
    y = ws.Y[:, i : i + 1].copy()  # (nL, 1)
    z = ws.Z[L][:, i : i + 1].copy()  # (nL, 1)
    a = ws.act[L][:, i : i + 1].copy()  # (nL, 1)
    dZ = ws.dZ[L][:, i : i + 1].copy()  # (nL, 1), = a - y
    a_prev = ws.act[L - 1][:, i : i + 1].copy()  # (n(L-1), 1)
    with np.errstate(all="ignore"):
        if trainer.output == "softmax":  # log sum(exp(z)) - z[label], as the engine's cost
            loss = float(engine.cost({f"Z{L}": z}, y, output="softmax"))
        else:
            loss = float(np.sum(np.logaddexp(0.0, z) - y * z))  # softplus(z) - y z
        dW = (dZ @ a_prev.T) * ws.inv_m  # (nL, n(L-1))
        dB = dZ * ws.inv_m  # (nL, 1)
        penalty = (ws.l2 * ws.inv_m) * ws.W[L] + np.sign(ws.W[L]) * (ws.l1 * ws.inv_m)
    return {
        "i": i,
        "layer": L,
        "output": trainer.output,
        "label": int(trainer.data.labels_train[i]),
        "y": y,
        "z": z,
        "a": a,
        "loss": loss,
        "dZ": dZ,
        "a_prev": a_prev,
        "dW": dW,
        "dB": dB,
        "dW_penalty": penalty,
        "point": trainer.data.P_train[:, i].copy(),
    }


__all__: Sequence[str] = [
    "Equation",
    "MatrixView",
    "Stage",
    "StagedStep",
    "equations",
    "gradient_contribution",
    "matrix_view",
    "shape_ledger",
    "stages",
]
