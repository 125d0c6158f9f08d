"""Tests for playground/notes.py: the notes' equations with live numbers, the shape ledger, the
staged step (bit for bit one normal step) and one point's share of the output gradient."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from playground import engine, notes
from playground.trainer import Config, Trainer

NOTES_PY = Path(__file__).resolve().parents[1] / "playground" / "notes.py"

# A symbol followed by its shape tag, e.g. ``W_3^{T}\,\textcolor{gray}{(4\times 1)}``.
TAGGED = re.compile(
    r"(d?[A-Z]_\d|Y|f_\d'\(Z_\d\))(\^\{T\})?\\,\\textcolor\{gray\}\{\((\d+)\\times (\d+)\)\}"
)


def make_trainer(hidden=(4, 4), activations=None, epochs=2, **changes) -> Trainer:
    activations = activations or ("tanh",) * len(hidden)
    config = Config(hidden=tuple(hidden), activations=tuple(activations), **changes)
    trainer = Trainer(config)
    trainer.step(epochs)
    return trainer


def by_key(eqs):
    return {e.key: e for e in eqs}


def expected_keys(L):
    keys = [f"forward-{k}" for k in range(1, L + 1)] + ["cost", f"dZ{L}"]
    for k in range(L, 0, -1):
        keys += [f"dW{k}", f"dB{k}"] + ([f"dZ{k - 1}"] if k > 1 else [])
    keys += [f"update-{p}{k}" for k in range(L, 0, -1) for p in "WB"]
    return keys


def state_arrays(trainer):
    """Every matrix the equations may show, by the notes' name (and ``f2'(Z2)`` etc.)."""
    arrays = {**trainer.cache, **trainer.grads, **trainer.params, "Y": trainer.ws.Y}
    for k in range(1, trainer.L):
        act = engine.ACTIVATIONS[trainer.config.activations[k - 1]]
        arrays[f"f{k}'(Z{k})"] = act.df_from_a(arrays[f"A{k}"])
    return arrays


def untex(symbol: str) -> str:
    """``dZ_3`` -> ``dZ3``, ``f_2'(Z_2)`` -> ``f2'(Z2)``."""
    return symbol.replace("_", "")


# ---------------------------------------------------------------------------------------------
# Equations


@pytest.mark.parametrize("hidden", [(3,), (3, 5), (2, 3, 4, 5)])
def test_equation_keys_sections_and_layers(hidden):
    trainer = make_trainer(hidden)
    L = len(hidden) + 1
    eqs = notes.equations(trainer)
    assert [e.key for e in eqs] == expected_keys(L)
    assert len(eqs) == 6 * L + 1
    sections = [e.section for e in eqs]
    assert sections == sorted(sections, key=notes.SECTIONS.index)  # grouped, in the notes' order
    assert sections.count("Forward pass") == L and sections.count("Update") == 2 * L
    for e in eqs:
        assert e.names and all(name in e.values for name in e.names)
        assert list(e.values)[: len(e.names)] == list(e.names)  # produced first
        digits = {int(c) for name in e.names for c in name if c.isdigit()}
        assert digits <= {e.layer}  # the layer of the produced matrices (J: none)
    assert by_key(eqs)["cost"].layer == L


def test_notes_network_exact_lines():
    """L = 3, the notes' case: the "Complete Back Propagation" lines as the notes write them."""
    eqs = by_key(notes.equations(make_trainer((4, 4), ("tanh", "relu"))))
    formulas = {key: e.formula for key, e in eqs.items()}
    assert formulas["forward-1"] == r"Z_1 = W_1 A_0 + B_1 \qquad A_1 = f_1(Z_1) = \tanh(Z_1)"
    assert formulas["forward-2"] == r"Z_2 = W_2 A_1 + B_2 \qquad A_2 = f_2(Z_2) = \max(Z_2, 0)"
    assert formulas["forward-3"] == r"Z_3 = W_3 A_2 + B_3 \qquad A_3 = \sigma(Z_3)"
    assert formulas["dZ3"] == "dZ_3 = A_3 - Y"
    assert formulas["dW3"] == r"dW_3 = \frac{1}{m}\cdot dZ_3\cdot A_2^{T}"
    assert formulas["dB3"] == r"dB_3 = \frac{1}{m}\cdot \mathrm{sum}(dZ_3, 1)"
    assert formulas["dZ2"] == r"dZ_2 = W_3^{T}\cdot dZ_3 * f_2'(Z_2)"
    assert formulas["dW2"] == r"dW_2 = \frac{1}{m}\cdot dZ_2\cdot A_1^{T}"
    assert formulas["dZ1"] == r"dZ_1 = W_2^{T}\cdot dZ_2 * f_1'(Z_1)"
    assert formulas["dW1"] == r"dW_1 = \frac{1}{m}\cdot dZ_1\cdot A_0^{T}"
    assert formulas["dB1"] == r"dB_1 = \frac{1}{m}\cdot \mathrm{sum}(dZ_1, 1)"
    assert formulas["update-W3"] == r"W_3 = W_3 - \alpha\, dW_3"
    assert formulas["update-B1"] == r"B_1 = B_1 - \alpha\, dB_1"
    assert formulas["cost"].startswith(r"J = -\frac{1}{m}\sum_{i=1}^{m}")
    # The shaped lines: the notes' dZ2 with the real shapes (n2 = 4, n3 = 1, m = 200).
    gray = r"\,\textcolor{gray}"
    assert eqs["dZ2"].latex.startswith(
        rf"dZ_2{gray}{{(4\times 200)}} = W_3^{{T}}{gray}{{(4\times 1)}}\cdot "
        rf"dZ_3{gray}{{(1\times 200)}} * f_2'(Z_2){gray}{{(4\times 200)}}"
    )
    assert r"f_2'(Z_2) = 1 \text{ where } Z_2 > 0" in eqs["dZ2"].latex  # relu
    assert r"f_1'(Z_1) = 1 - A_1^{2}" in eqs["dZ1"].latex  # tanh
    assert eqs["update-W3"].latex.endswith(r"\qquad \alpha = 0.3")


def test_alpha_and_cost_values_are_current():
    trainer = make_trainer(epochs=3)
    trainer.alpha = 0.125
    eqs = by_key(notes.equations(trainer))
    J = trainer.last["train_cost"]
    assert rf"= {J:.4g} \\ m = 200" in eqs["cost"].latex
    assert eqs["cost"].values["J"].latex == f"{J:.4g}" and eqs["cost"].values["J"].shape == ()
    assert all(r"\alpha = 0.125" in eqs[f"update-{p}{k}"].latex for k in (1, 2, 3) for p in "WB")


@pytest.mark.parametrize(
    "hidden, activations",
    [((3,), ("sigmoid",)), ((3, 5), ("tanh", "relu")), ((2, 3, 4, 5), ("leaky_relu",) * 4)],
)
def test_shapes_in_latex_match_the_arrays(hidden, activations):
    trainer = make_trainer(hidden, activations)
    arrays = state_arrays(trainer)
    for e in notes.equations(trainer):
        tags = TAGGED.findall(e.latex)
        if e.key != "cost":
            assert len(tags) >= len(e.values), e.key  # every matrix shown carries its shape
        tagged = {untex(symbol) for symbol, *_ in tags}
        assert {n for n in e.values if n != "J"} <= tagged, e.key
        for symbol, transposed, rows, cols in tags:
            shape = arrays[untex(symbol)].shape
            assert (int(rows), int(cols)) == (shape[::-1] if transposed else shape), (e.key, symbol)
        for name, view in e.values.items():
            if name != "J":
                assert view.shape == arrays[name].shape


def test_values_equal_the_trainer_state():
    trainer = make_trainer((4, 4), epochs=5)
    grads, params, cache = trainer.grads, trainer.params, trainer.cache
    eqs = by_key(notes.equations(trainer))
    dW3 = eqs["dW3"].values["dW3"]
    assert dW3.full and dW3.shape == (1, 4)
    assert dW3.latex == notes.matrix_view("dW3", grads["dW3"]).latex
    numbers = re.findall(r"-?\d+\.?\d*(?:\\times 10\^\{-?\d+\})?", dW3.latex)
    parsed = [float(s.replace(r"\times 10^{", "e").rstrip("}")) for s in numbers]
    np.testing.assert_allclose(parsed, grads["dW3"].ravel(), rtol=5e-3)
    assert dW3.norm == pytest.approx(np.linalg.norm(grads["dW3"]), rel=1e-12)
    assert (dW3.min, dW3.max) == (grads["dW3"].min(), grads["dW3"].max())
    assert eqs["forward-2"].values["W2"].latex == notes.matrix_view("W2", params["W2"]).latex
    # m = 200 columns: Z, A, dZ are summarised, with the array's own numbers.
    for key, name, a in [("forward-1", "Z1", cache["Z1"]), ("dZ2", "dZ2", grads["dZ2"])]:
        view = eqs[key].values[name]
        assert not view.full and view.shape == (4, 200)
        assert view.summary == (
            f"‖·‖ = {np.linalg.norm(a):.3g}, min {a.min():.3g}, max {a.max():.3g}, "
            f"mean {a.mean():.3g}"
        )
        assert view.latex.startswith(rf"\lVert {notes.tex_name(name)} \rVert = ")
        assert view.display.startswith(rf"{notes.tex_name(name)}\,\textcolor{{gray}}{{(4\times")


def test_update_values_are_the_next_parameters():
    trainer = make_trainer(epochs=2)
    eqs = by_key(notes.equations(trainer))
    trainer.step(1)
    after = trainer.params
    for k in (1, 2, 3):
        for p in "WB":
            view = eqs[f"update-{p}{k}"].values[f"{p}{k}"]
            assert view.latex == notes.matrix_view("x", after[f"{p}{k}"]).latex
            assert view.norm == float(np.sqrt(np.sum(after[f"{p}{k}"] ** 2)))  # exact


def test_matrix_view_formats():
    a = np.array([[1.0, -0.5], [0.000123456, 123456.0]])
    v = notes.matrix_view("W1", a)
    assert v.full and v.shape == (2, 2)
    assert v.latex == r"\begin{bmatrix} 1 & -0.5 \\ 0.000123 & 1.23\times 10^{5} \end{bmatrix}"
    assert v.display == "W_1 = " + v.latex
    big = np.arange(15.0).reshape(5, 3) - 7.0
    s = notes.matrix_view("dZ2", big)
    assert not s.full
    assert s.summary == f"‖·‖ = {np.linalg.norm(big):.3g}, min -7, max 7, mean 0"
    assert s.latex == (
        rf"\lVert dZ_2 \rVert = {np.linalg.norm(big):.3g},\ \min = -7,\ \max = 7,\ "
        r"\operatorname{mean} = 0"
    )
    assert notes.matrix_view("dZ2", big, max_full=5).full
    assert not notes.matrix_view("x", np.ones((1, 5))).full  # columns count too
    assert notes.matrix_view("J", np.asarray(0.693147)).latex == "0.6931"


def _balanced(s: str) -> bool:
    depth = 0
    for i, c in enumerate(s):
        if i and s[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize(
    "hidden, activations, l2",
    [((3,), ("linear",), 0.0), ((4, 4), ("sigmoid", "leaky_relu"), 0.01), ((2,) * 4, None, 0.0)],
)
def test_latex_is_well_formed(hidden, activations, l2):
    eqs = notes.equations(make_trainer(hidden, activations, l2=l2))
    strings = [s for e in eqs for s in (e.formula, e.latex)]
    strings += [v.latex for e in eqs for v in e.values.values()]
    strings += [v.display for e in eqs for v in e.values.values()]
    for s in strings:
        assert _balanced(s), s
        assert s.count(r"\begin{") == s.count(r"\end{"), s
        assert s.count(r"\left") == s.count(r"\right"), s
        assert not re.search(r"_\{?\\text", s), s  # no \text in a subscript
        assert "nan" not in s.lower() and "inf" not in s, s
    assert not _balanced(r"\frac{1}{m")  # the check itself can fail


def test_l2_terms_appear_only_with_l2():
    plain = by_key(notes.equations(make_trainer()))
    reg = by_key(notes.equations(make_trainer(l2=0.05)))
    assert r"\frac{\lambda}{m}" not in plain["dW2"].formula
    assert plain["dW2"].formula + r" + \frac{\lambda}{m}\,W_2" == reg["dW2"].formula
    assert r"\lambda = 0.05" in reg["dW2"].latex and "W2" in reg["dW2"].values
    assert r"\frac{\lambda}{2m}" in reg["cost"].formula
    assert r"\lambda" not in plain["cost"].formula


# ---------------------------------------------------------------------------------------------
# Shape ledger


def test_shape_ledger_rows_and_shapes():
    trainer = make_trainer((4, 3))
    ledger = notes.shape_ledger(trainer)
    assert list(ledger.columns) == ["name", "shape", "notes_shape", "matches"]
    assert list(ledger["name"]) == [
        "A0", "Z1", "A1", "Z2", "A2", "Z3", "A3", "Y",
        "dZ3", "dW3", "dB3", "dZ2", "dW2", "dB2", "dZ1", "dW1", "dB1",
        "W1", "B1", "W2", "B2", "W3", "B3",
    ]  # fmt: skip
    rows = ledger.set_index("name")
    arrays = state_arrays(trainer)
    for name, row in rows.iterrows():
        assert row["shape"] == " × ".join(map(str, arrays[name].shape)), name
    assert rows.loc["Z2", "shape"] == "3 × 200" and rows.loc["Z2", "notes_shape"] == "n2 × m"
    assert rows.loc["dW2", "notes_shape"] == "n2 × n1" and rows.loc["B3", "notes_shape"] == "n3 × 1"
    assert rows.loc["A0", "notes_shape"] == "n0 × m" and rows.loc["Y", "notes_shape"] == "n3 × m"
    grads_rows = ledger["name"].str.match(r"d[WB]\d")
    assert (ledger.loc[grads_rows, "matches"] == True).all()  # noqa: E712
    assert ledger.loc[~grads_rows, "matches"].isna().all()


def test_shape_ledger_flags_a_mis_shaped_gradient():
    trainer = make_trainer((4, 3))
    grads = trainer.grads
    grads["dW2"] = grads["dW2"].T  # (4, 3) instead of (3, 4)
    rows = notes.shape_ledger(trainer, grads=grads).set_index("name")
    assert rows.loc["dW2", "matches"] is False and rows.loc["dW2", "shape"] == "4 × 3"
    assert rows.loc["dB2", "matches"] is True and rows.loc["dW3", "matches"] is True


# ---------------------------------------------------------------------------------------------
# Staged step


@pytest.mark.parametrize("hidden", [(3,), (4, 4), (2, 2, 2, 2)])
def test_stages_order_and_equation_keys(hidden):
    trainer = make_trainer(hidden)
    L = trainer.L
    staged = notes.StagedStep(trainer)
    assert len(staged.stages) == 2 * L + 2
    titles = [s.title for s in staged.stages]
    assert titles[0] == "Forward, layer 1" and titles[L - 1] == f"Forward, layer {L} (output)"
    assert titles[L] == "Cost" and titles[-1] == "Update"
    assert titles[L + 1] == f"Backward, layer {L}: dZ{L}, dW{L}, dB{L}"
    assert titles[2 * L] == "Backward, layer 1: dZ1, dW1, dB1"
    assert [s.layer for s in staged.stages] == [*range(1, L + 1), L, *range(L, 0, -1), None]
    keys = [k for s in staged.stages for k in s.equation_keys]
    assert sorted(keys) == sorted(e.key for e in notes.equations(trainer))  # each exactly once


def assert_same_state(a: Trainer, b: Trainer):
    assert a.epoch == b.epoch
    assert a.ws.theta.tobytes() == b.ws.theta.tobytes()
    assert a.ws.grad.tobytes() == b.ws.grad.tobytes()
    for name, x in a.grads.items():
        assert x.tobytes() == b.grads[name].tobytes(), name
    for name, x in a.cache.items():
        assert x.tobytes() == b.cache[name].tobytes(), name
    pd.testing.assert_frame_equal(a.history, b.history, check_exact=True)
    assert a.last == b.last


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("depth", [1, 3])
def test_staged_epochs_equal_normal_steps_bit_for_bit(activation, depth):
    hidden = (4, 3, 5)[:depth]
    staged_trainer = make_trainer(hidden, (activation,) * depth, epochs=2)
    reference = make_trainer(hidden, (activation,) * depth, epochs=2)
    staged = notes.StagedStep(staged_trainer)
    for epoch in range(3):
        before = staged_trainer.ws.theta.copy()
        assert staged.done == (epoch > 0)  # the next advance starts this epoch's stages
        for i, stage in enumerate(staged.stages):
            assert staged.advance() == stage and staged.current == stage
            assert staged.position == i + 1 and staged.done == (stage.key == "update")
        assert staged.done and staged.stepped == 1
        reference.step(1)
        assert staged_trainer.epoch == 3 + epoch
        assert not np.array_equal(staged_trainer.ws.theta, before)  # it did train
        assert_same_state(staged_trainer, reference)


@pytest.mark.parametrize(
    "changes", [{"l2": 0.02}, {"batch_size": 32}, {"dtype": "float32"}], ids=str
)
def test_staged_epochs_equal_normal_steps_other_settings(changes):
    staged_trainer, reference = make_trainer(**changes), make_trainer(**changes)
    staged = notes.StagedStep(staged_trainer)
    for _ in range(2):
        for _ in staged.stages:
            staged.advance()
        reference.step(1)
        assert_same_state(staged_trainer, reference)


def test_staged_backward_recomputes_the_gradients_in_place_exactly():
    """The subtlety: backward_layer writes the unscaled product into the gradient buffers and
    finish_gradients scales them all in place; running backward L..1 in full rewrites every
    buffer before the scaling, so the buffers end exactly where they were."""
    trainer = make_trainer((4, 4), ("tanh", "relu"), epochs=3, l2=0.01)
    L = trainer.L
    grad_before, grads_before = trainer.ws.grad.copy(), trainer.grads
    staged = notes.StagedStep(trainer)
    for _ in range(L + 1):  # forward stages and cost
        staged.advance()
    assert trainer.ws.grad.tobytes() == grad_before.tobytes()
    staged.advance()  # backward, layer L: its buffer holds the product before 1/m
    assert staged.in_backward
    assert not np.array_equal(trainer.ws.dW[L], grads_before[f"dW{L}"])
    produced = staged.produced()
    for name in (f"dZ{L}", f"dW{L}", f"dB{L}"):  # ... but shown as the notes' values, exactly
        assert produced[name].tobytes() == grads_before[name].tobytes(), name
    for k in range(L - 1, 0, -1):
        staged.advance()
        produced = staged.produced()
        assert set(produced) == {f"dZ{k}", f"dW{k}", f"dB{k}"}
        for name, value in produced.items():
            assert value.tobytes() == grads_before[name].tobytes(), name
    assert not staged.in_backward
    assert trainer.ws.grad.tobytes() == grad_before.tobytes()


@pytest.mark.parametrize("hidden, activations", [((3,), ("relu",)), ((4, 4), ("tanh", "sigmoid"))])
def test_produced_equals_engine_forward_and_backward(hidden, activations):
    trainer = make_trainer(hidden, activations, epochs=4)
    acts, L, alpha = trainer.config.activations, trainer.L, trainer.alpha
    params = trainer.params
    X, Y = trainer.data.X_train, trainer.data.Y_train
    cache = engine.forward(params, X, acts)
    grads = engine.backward(params, cache, Y, acts)
    expected = {**cache, **grads, "J": engine.cost(cache, Y)}
    staged = notes.StagedStep(trainer)
    assert staged.produced() == {} and staged.current is None
    seen = []
    for _ in range(2 * L + 1):
        stage = staged.advance()
        produced = staged.produced()
        seen += list(produced)
        for name, value in produced.items():
            np.testing.assert_allclose(value, expected[name], rtol=0, atol=1e-12, err_msg=name)
        if stage.key.startswith("forward"):
            assert produced.keys() == {f"Z{stage.layer}", f"A{stage.layer}"}
        elif stage.key == "cost":
            assert produced.keys() == {"J"} and produced["J"].shape == ()
        else:
            assert produced.keys() == set(stage.equation_keys)
    assert sorted(seen) == sorted([*cache.keys() - {"A0"}, *grads, "J"])
    staged.advance()  # update
    new = engine.update(params, grads, alpha)
    produced = staged.produced()
    assert set(produced) == set(new)
    for name, value in produced.items():
        np.testing.assert_allclose(value, new[name], rtol=0, atol=1e-12, err_msg=name)
        assert value.tobytes() == trainer.params[name].tobytes()
    produced["W1"][:] = 7.0  # copies: the trainer is untouched
    assert not np.any(trainer.params["W1"] == 7.0)


def test_abandon_mid_backward_restores_the_gradients():
    trainer, reference = make_trainer(epochs=2), make_trainer(epochs=2)
    grad_before = trainer.ws.grad.copy()
    staged = notes.StagedStep(trainer)
    for _ in range(trainer.L + 2):  # forward, cost, backward L
        staged.advance()
    assert staged.in_backward
    assert trainer.ws.grad.tobytes() != grad_before.tobytes()  # the hazard is real
    staged.abandon()
    assert staged.position == 0 and not staged.in_backward and staged.current is None
    assert trainer.ws.grad.tobytes() == grad_before.tobytes()
    trainer.step(1)
    reference.step(1)
    assert_same_state(trainer, reference)


def test_advance_restarts_after_the_last_stage_or_an_outside_step():
    trainer = make_trainer(epochs=1)
    staged = notes.StagedStep(trainer)
    for _ in staged.stages:
        staged.advance()
    assert staged.done and staged.epoch == 1 and trainer.epoch == 2
    assert staged.next == staged.stages[0]
    assert staged.advance().key == "forward-1" and staged.epoch == 2 and staged.position == 1
    staged.advance()
    trainer.step(1)  # elsewhere, between two forward stages (the buffers stay consistent)
    assert staged.advance().key == "forward-1" and staged.epoch == 3


def test_update_stage_of_a_diverged_trainer_does_nothing():
    trainer = make_trainer(epochs=1)
    trainer.diverged = True
    theta = trainer.ws.theta.copy()
    staged = notes.StagedStep(trainer)
    for _ in staged.stages:
        staged.advance()
    assert staged.stepped == 0 and trainer.epoch == 1
    assert trainer.ws.theta.tobytes() == theta.tobytes()


# ---------------------------------------------------------------------------------------------
# One point's contribution


@pytest.mark.parametrize("l2", [0.0, 0.03])
def test_gradient_contributions_sum_to_the_output_gradient(l2):
    trainer = make_trainer((4, 3), ("tanh", "relu"), epochs=3, l2=l2)
    L, m, grads = trainer.L, trainer.m, trainer.grads
    parts = [notes.gradient_contribution(trainer, i) for i in range(m)]
    dW = sum(p["dW"] for p in parts) + parts[0]["dW_penalty"]
    dB = sum(p["dB"] for p in parts)
    np.testing.assert_allclose(dW, grads[f"dW{L}"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(dB, grads[f"dB{L}"], rtol=0, atol=1e-12)
    assert (np.abs(parts[0]["dW_penalty"]).max() > 0) == (l2 > 0)
    p = parts[17]
    assert p["i"] == 17 and p["layer"] == L and p["dW"].shape == (1, 3)
    np.testing.assert_array_equal(p["dZ"], p["a"] - p["y"])
    np.testing.assert_array_equal(p["a_prev"][:, 0], trainer.cache[f"A{L - 1}"][:, 17])
    np.testing.assert_array_equal(p["point"], trainer.data.P_train[:, 17])
    np.testing.assert_allclose(p["dW"], np.outer(p["dZ"], p["a_prev"]) / m, rtol=1e-15)
    a, y = float(p["a"][0, 0]), float(p["y"][0, 0])
    assert p["loss"] == pytest.approx(-(y * np.log(a) + (1 - y) * np.log(1 - a)), rel=1e-9)
    if not l2:
        assert sum(q["loss"] for q in parts) / m == pytest.approx(
            trainer.last["train_cost"], rel=1e-12
        )


def test_gradient_contribution_rejects_points_outside_the_training_set():
    trainer = make_trainer(epochs=0)
    for i in (-1, trainer.m):
        with pytest.raises(IndexError):
            notes.gradient_contribution(trainer, i)


# ---------------------------------------------------------------------------------------------
# Imports


def test_notes_imports_no_ui_or_plotting():
    tree = ast.parse(NOTES_PY.read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module.split(".")[0])
    assert modules <= {"__future__", "collections", "dataclasses", "re", "numpy", "pandas",
                       "playground"}  # fmt: skip
    assert not {"streamlit", "plotly"} & modules


def test_l1_terms_appear_only_with_l1():
    plain = by_key(notes.equations(make_trainer()))
    reg = by_key(notes.equations(make_trainer(l1=0.03)))
    sign_term = r" + \frac{\lambda_1}{m}\,\mathrm{sign}(W_2)"
    assert plain["dW2"].formula + sign_term == reg["dW2"].formula
    assert r"\lambda_1 = 0.03" in reg["dW2"].latex and "W2" in reg["dW2"].values
    assert r"\frac{\lambda_1}{m}\sum_{k}\lvert W_k\rvert" in reg["cost"].formula
    assert "lambda" not in plain["cost"].formula


def test_staged_epoch_with_l1_and_l2_equals_a_normal_step():
    staged_trainer, reference = make_trainer(l1=0.03, l2=0.01), make_trainer(l1=0.03, l2=0.01)
    staged = notes.StagedStep(staged_trainer)
    produced = {}
    for _ in staged.stages:
        staged.advance()
        produced.update(staged.produced())
        if staged.current.key.startswith("backward"):
            k = staged.current.layer
            assert produced[f"dW{k}"].tobytes() == reference.grads[f"dW{k}"].tobytes()
    reference.step(1)
    assert staged_trainer.ws.theta.tobytes() == reference.ws.theta.tobytes()


def test_gradient_contributions_with_l1_sum_to_the_output_gradient():
    trainer = make_trainer((4, 3), ("tanh", "relu"), epochs=3, l1=0.05)
    L, m, grads = trainer.L, trainer.m, trainer.grads
    parts = [notes.gradient_contribution(trainer, i) for i in range(trainer.m)]
    dW = sum(p["dW"] for p in parts) + parts[0]["dW_penalty"]
    np.testing.assert_allclose(dW, grads[f"dW{L}"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        parts[0]["dW_penalty"], 0.05 / m * np.sign(trainer.params[f"W{L}"]), rtol=1e-15
    )


def test_unit_formula_is_the_units_row_with_its_numbers():
    trainer = make_trainer((3, 2), ("relu", "tanh"), features=("x1", "x2", "sin(x1)"))
    p = trainer.params
    p["W1"][1] = [0.5, -0.25, 2.0]
    p["B1"][1, 0] = -0.125
    acts, names = trainer.config.activations, trainer.data.feature_names
    assert notes.unit_formula(p, acts, names, 1, 1) == (
        r"Z_1[1] = 0.5\,x_1 - 0.25\,x_2 + 2\,\sin x_1 - 0.125 \qquad A_1[1] = \max(Z_1[1], 0)"
    )
    out = notes.unit_formula(p, acts, names, 3, 0)  # the output unit: sigmoid of A2's units
    assert out.startswith("Z_3[0] = ") and out.endswith(r"A_3[0] = \sigma(Z_3[0])")
    assert r"\,A_2[0]" in out and r"\,A_2[1]" in out
    wide = {"W1": np.ones((1, 12)), "B1": np.zeros((1, 1))}
    cols = [f"c_{j}" for j in range(12)]
    text = notes.unit_formula(wide, (), cols, 1, 0)
    assert r"\dots" in text and text.count(r"\text{") == 7  # 6 first, ..., the last
    assert r"\text{c\_11}" in text  # a CSV column's name, LaTeX-escaped
    with pytest.raises(ValueError):
        notes.unit_formula(p, acts, names, 2, 5)


def test_equations_use_the_next_steps_alpha_under_decay():
    trainer = make_trainer(epochs=10, alpha=0.4, decay=0.1)
    eqs = by_key(notes.equations(trainer))
    assert trainer.step_alpha == 0.2
    assert r"\alpha = 0.2" in eqs["update-W1"].latex  # the step the next update takes
    new = trainer.params["W1"] - trainer.grads["dW1"] * 0.2
    staged = notes.StagedStep(trainer)
    for _ in staged.stages:
        staged.advance()
    np.testing.assert_allclose(trainer.params["W1"], new, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------------------------
# More than two classes: a softmax output (issue 16)


def make_k_trainer(classes=3, hidden=(6, 5), activations=None, epochs=3, **changes) -> Trainer:
    """A trainer on the ``classes``-arm spiral, with a softmax output of ``classes`` units."""
    changes.setdefault("dataset", "spiral")
    return make_trainer(hidden, activations, epochs, classes=classes, **changes)


def test_k_class_trainer_is_a_softmax():  # what the tests below rely on
    t = make_k_trainer(4)
    assert t.output == "softmax" and t.ws.Y.shape == (4, 200) and t.params["W3"].shape == (4, 5)


def test_softmax_equations_lines_and_live_shapes():
    trainer = make_k_trainer(3, (4, 4), ("tanh", "relu"))
    eqs = by_key(notes.equations(trainer))
    assert [e.key for e in eqs.values()] == expected_keys(3)  # the same 19 lines as K = 2
    assert eqs["forward-3"].formula == (r"Z_3 = W_3 A_2 + B_3 \qquad A_3 = \mathrm{softmax}(Z_3)")
    assert r"A_3[c] = \frac{e^{Z_3[c]}}{\sum_{j} e^{Z_3[j]}}" in eqs["forward-3"].latex
    # The issue's line: dZ3 (3x200) = A3 (3x200) - Y (3x200), the notes' line as it stands.
    gray = r"\,\textcolor{gray}"
    assert eqs["dZ3"].formula == "dZ_3 = A_3 - Y"
    assert eqs["dZ3"].latex.startswith(
        rf"dZ_3{gray}{{(3\times 200)}} = A_3{gray}{{(3\times 200)}} - Y{gray}{{(3\times 200)}}"
    )
    assert "sigmoid's line" in eqs["dZ3"].latex
    assert eqs["dW3"].latex.startswith(
        rf"dW_3{gray}{{(3\times 4)}} = \frac{{1}}{{m}}\cdot dZ_3{gray}{{(3\times 200)}}"
    )
    assert eqs["dZ2"].latex.startswith(
        rf"dZ_2{gray}{{(4\times 200)}} = W_3^{{T}}{gray}{{(4\times 3)}}\cdot "
        rf"dZ_3{gray}{{(3\times 200)}} * f_2'(Z_2){gray}{{(4\times 200)}}"
    )
    # The categorical cross-entropy with its value and what its letters are.
    cost = eqs["cost"]
    assert cost.formula == r"J = -\frac{1}{m}\sum_{i=1}^{m}\sum_{c=0}^{K-1} y_{ci}\log a_{ci}"
    J = trainer.last["train_cost"]
    assert rf"y_{{ci}}\log a_{{ci}} = {J:.4g} \\ m = 200,\ K = 3,\ " in cost.latex
    assert rf"a_{{ci}} \text{{ in }} A_3{gray}{{(3\times 200)}}" in cost.latex
    assert cost.values["A3"].shape == (3, 200) and cost.values["Y"].shape == (3, 200)
    # ... which is -1/m sum(Y * log A3) of the trainer's own matrices.
    A3, Y = trainer.cache["A3"], trainer.ws.Y
    assert J == pytest.approx(-np.sum(Y * np.log(A3)) / trainer.m, rel=1e-12)


def test_two_classes_keep_the_notes_sigmoid_lines():
    eqs = by_key(notes.equations(make_trainer()))
    text = " ".join(s for e in eqs.values() for s in (e.formula, e.latex))
    assert "softmax" not in text and "K =" not in text and "sigmoid's line" not in text
    assert eqs["forward-3"].formula.endswith(r"A_3 = \sigma(Z_3)")
    assert r"(1 - y_i)\log(1 - a_i)" in eqs["cost"].formula


@pytest.mark.parametrize(
    "classes, hidden, activations",
    [(3, (3,), ("sigmoid",)), (5, (4, 5), ("tanh", "relu")), (6, (), ())],
)
def test_softmax_shapes_in_latex_match_the_arrays(classes, hidden, activations):
    trainer = make_k_trainer(classes, hidden, activations or None)
    arrays = state_arrays(trainer)
    L = trainer.L
    assert arrays[f"W{L}"].shape[0] == classes
    for e in notes.equations(trainer):
        tags = TAGGED.findall(e.latex)
        tagged = {untex(symbol) for symbol, *_ in tags}
        assert {n for n in e.values if n != "J"} <= tagged, e.key
        for symbol, transposed, rows, cols in tags:
            shape = arrays[untex(symbol)].shape
            assert (int(rows), int(cols)) == (shape[::-1] if transposed else shape), (e.key, symbol)
        for name, view in e.values.items():
            if name != "J":
                assert view.shape == arrays[name].shape
        strings = [e.formula, e.latex, *(v.latex for v in e.values.values())]
        for s in strings:
            assert _balanced(s) and s.count(r"\left") == s.count(r"\right"), s
            assert not re.search(r"_\{?\\text", s), s
            assert "nan" not in s.lower() and "inf" not in s, s


def test_softmax_shape_ledger_writes_the_output_layer_with_k():
    trainer = make_k_trainer(4, (5, 3))
    rows = notes.shape_ledger(trainer).set_index("name")
    arrays = state_arrays(trainer)
    for name, row in rows.iterrows():
        assert row["shape"] == " × ".join(map(str, arrays[name].shape)), name
    for name in ("Z3", "A3", "Y", "dZ3"):
        assert rows.loc[name, "shape"] == "4 × 200" and rows.loc[name, "notes_shape"] == "K × m"
    assert rows.loc["W3", "notes_shape"] == rows.loc["dW3", "notes_shape"] == "K × n2"
    assert rows.loc["B3", "notes_shape"] == "K × 1" and rows.loc["dW3", "shape"] == "4 × 3"
    assert rows.loc["Z2", "notes_shape"] == "n2 × m" and rows.loc["W2", "notes_shape"] == "n2 × n1"
    assert (rows.loc[["dW3", "dB3", "dW2", "dB2", "dW1", "dB1"], "matches"] == True).all()  # noqa: E712
    grads = trainer.grads
    grads["dB3"] = grads["dB3"][:3]  # a gradient missing a class
    assert notes.shape_ledger(trainer, grads=grads).set_index("name").loc["dB3", "matches"] is False


@pytest.mark.parametrize("classes", [3, 6])
@pytest.mark.parametrize(
    "hidden, activation", [((4, 3), "tanh"), ((5,), "relu"), ((), None), ((3, 3, 3), "sigmoid")]
)
def test_staged_softmax_epochs_equal_normal_steps_bit_for_bit(classes, hidden, activation):
    acts = (activation,) * len(hidden) if hidden else None
    staged_trainer = make_k_trainer(classes, hidden, acts, epochs=2)
    reference = make_k_trainer(classes, hidden, acts, epochs=2)
    staged = notes.StagedStep(staged_trainer)
    for _ in range(3):
        before = staged_trainer.ws.theta.copy()
        for stage in staged.stages:
            assert staged.advance() == stage
        assert staged.done and staged.stepped == 1
        reference.step(1)
        assert not np.array_equal(staged_trainer.ws.theta, before)  # it did train
        assert_same_state(staged_trainer, reference)


@pytest.mark.parametrize(
    "changes",
    [{"l2": 0.02, "l1": 0.01}, {"batch_size": 30}, {"dtype": "float32"}, {"decay": 0.1}],
    ids=str,
)
def test_staged_softmax_epochs_equal_normal_steps_other_settings(changes):
    staged_trainer, reference = make_k_trainer(**changes), make_k_trainer(**changes)
    staged = notes.StagedStep(staged_trainer)
    for _ in range(2):
        for _ in staged.stages:
            staged.advance()
        reference.step(1)
        assert_same_state(staged_trainer, reference)


def test_staged_softmax_produces_the_engines_values():
    trainer = make_k_trainer(3, (4, 4), ("tanh", "sigmoid"), epochs=4)
    acts, L, alpha = trainer.config.activations, trainer.L, trainer.alpha
    params = trainer.params
    X, Y = trainer.data.X_train, trainer.data.Y_train
    cache = engine.forward(params, X, acts, "softmax")
    grads = engine.backward(params, cache, Y, acts)
    expected = {**cache, **grads, "J": engine.cost(cache, Y, output="softmax")}
    sigmoids = engine.cost(engine.forward(params, X, acts), Y)  # the wrong output's cost
    staged = notes.StagedStep(trainer)
    for _ in range(2 * L + 1):
        staged.advance()
        for name, value in staged.produced().items():
            np.testing.assert_allclose(value, expected[name], rtol=0, atol=1e-12, err_msg=name)
    assert staged.cost == pytest.approx(expected["J"], rel=1e-12)
    assert abs(staged.cost - sigmoids) > 0.1  # so the check can tell the outputs apart
    np.testing.assert_allclose(expected["A3"].sum(axis=0), 1.0, rtol=1e-15)
    staged.advance()  # update
    new = engine.update(params, grads, alpha)
    for name, value in staged.produced().items():
        np.testing.assert_allclose(value, new[name], rtol=0, atol=1e-12, err_msg=name)


def test_staged_softmax_abandon_mid_backward():
    trainer, reference = make_k_trainer(epochs=2), make_k_trainer(epochs=2)
    grad_before = trainer.ws.grad.copy()
    staged = notes.StagedStep(trainer)
    for _ in range(trainer.L + 2):
        staged.advance()
    assert staged.in_backward and trainer.ws.grad.tobytes() != grad_before.tobytes()
    staged.abandon()
    assert trainer.ws.grad.tobytes() == grad_before.tobytes()
    trainer.step(1)
    reference.step(1)
    assert_same_state(trainer, reference)


@pytest.mark.parametrize("l2, l1", [(0.0, 0.0), (0.03, 0.01)])
def test_softmax_gradient_contributions_sum_to_the_output_gradient(l2, l1):
    trainer = make_k_trainer(3, (4, 3), ("tanh", "relu"), epochs=5, l2=l2, l1=l1)
    L, m, grads = trainer.L, trainer.m, trainer.grads
    parts = [notes.gradient_contribution(trainer, i) for i in range(m)]
    dW = sum(p["dW"] for p in parts) + parts[0]["dW_penalty"]
    dB = sum(p["dB"] for p in parts)
    np.testing.assert_allclose(dW, grads[f"dW{L}"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(dB, grads[f"dB{L}"], rtol=0, atol=1e-12)
    labels = trainer.data.labels_train
    for i in (0, 77, 150):  # a point of each class (the spiral's classes come in order)
        p = parts[i]
        assert p["output"] == "softmax" and p["label"] == labels[i]
        assert p["dZ"].shape == p["a"].shape == p["y"].shape == (3, 1)
        assert p["dW"].shape == (3, 3) and p["dB"].shape == (3, 1)
        np.testing.assert_array_equal(p["y"][:, 0], np.eye(3)[labels[i]])
        np.testing.assert_array_equal(p["dZ"], p["a"] - p["y"])
        assert p["a"].sum() == pytest.approx(1.0, rel=1e-15)
        assert p["dZ"].sum() == pytest.approx(0.0, abs=1e-15)  # the K entries of dZ cancel
        np.testing.assert_array_equal(p["a"][:, 0], trainer.cache[f"A{L}"][:, i])
        assert p["loss"] == pytest.approx(-np.log(p["a"][p["label"], 0]), rel=1e-12)
        np.testing.assert_allclose(p["dW"], np.outer(p["dZ"], p["a_prev"]) / m, rtol=1e-15)
    assert sorted({p["label"] for p in parts}) == [0, 1, 2]
    if not (l2 or l1):
        assert sum(q["loss"] for q in parts) / m == pytest.approx(
            trainer.last["train_cost"], rel=1e-12
        )


def test_sigmoid_gradient_contribution_names_its_output_and_label():
    trainer = make_trainer(epochs=2)
    for i in (0, 150):
        p = notes.gradient_contribution(trainer, i)
        assert p["output"] == "sigmoid" and p["label"] == trainer.data.labels_train[i]
        assert p["label"] == int(p["y"][0, 0])


def test_unit_formula_of_a_softmax_output_unit():
    trainer = make_k_trainer(3, (2,), ("tanh",))
    p, acts, names = trainer.params, trainer.config.activations, trainer.data.feature_names
    p["W2"][2] = [1.5, -0.25]
    p["B2"][2, 0] = 0.5
    expected = (
        r"Z_2[2] = 1.5\,A_1[0] - 0.25\,A_1[1] + 0.5 \qquad "
        r"A_2[2] = \frac{e^{Z_2[2]}}{\sum_{j} e^{Z_2[j]}}"
    )
    assert notes.unit_formula(p, acts, names, 2, 2) == expected  # the output's kind inferred
    assert notes.unit_formula(p, acts, names, 2, 2, output="softmax") == expected
    assert notes.unit_formula(p, acts, names, 2, 2, output="sigmoid").endswith(
        r"A_2[2] = \sigma(Z_2[2])"
    )  # (the engine's K independent sigmoids, when asked for)
    hidden = notes.unit_formula(p, acts, names, 1, 0)
    assert hidden.endswith(r"A_1[0] = \tanh(Z_1[0])")  # hidden units as before
    with pytest.raises(ValueError, match="no unit 3"):
        notes.unit_formula(p, acts, names, 2, 3)
    with pytest.raises(ValueError, match="unknown output"):
        notes.unit_formula(p, acts, names, 2, 0, output="relu")
    # The notes' single sigmoid unit stays a sigmoid without being told.
    two = make_trainer((2,), ("tanh",))
    assert notes.unit_formula(two.params, acts, names, 2, 0).endswith(r"A_2[0] = \sigma(Z_2[0])")
