"""The settings table: URL round trips, and bad links that open a working page anyway."""

import math

import pytest

from playground import state
from playground.trainer import Trainer


def test_default_config_has_an_empty_query():
    assert state.config_to_query(state.DEFAULT) == {}


@pytest.mark.parametrize(
    "changes",
    [
        {"dataset": "xor", "noise": 0.25, "seed": 7},
        {"hidden": (8, 3, 2), "activations": ("relu", "tanh", "sigmoid")},
        {"alpha": 0.003, "batch_size": 10, "l2": 0.01, "init": "zeros"},
        {"features": ("x1", "x2", "x1*x2", "sin(x1)"), "train_ratio": 0.7, "n_samples": 650},
        {"alpha": 1.234e-5},
    ],
)
def test_query_round_trip(changes):
    config = state.DEFAULT.replace(**changes)
    query = state.config_to_query(config, epoch=42)
    back, epoch, problems = state.config_from_query(query)
    assert problems == []
    assert back == config
    assert epoch == 42


@pytest.mark.parametrize(
    ("query", "field", "word"),
    [
        ({"data": "<script>alert(1)</script>"}, "dataset", "data"),
        ({"n": "1e9"}, "n_samples", "n"),
        ({"n": "5"}, "n_samples", "n"),
        ({"alpha": "nan"}, "alpha", "alpha"),
        ({"alpha": "-1"}, "alpha", "alpha"),
        ({"alpha": "1e300"}, "alpha", "alpha"),
        ({"noise": "inf"}, "noise", "noise"),
        ({"ratio": "0.99"}, "train_ratio", "ratio"),
        ({"seed": "-3"}, "seed", "seed"),
        ({"feat": "x1,evil"}, "features", "feat"),
        ({"feat": "x1,x1"}, "features", "feat"),
        ({"hidden": "99,1"}, "hidden", "hidden"),
        ({"hidden": "1,2,3,4,5,6,7"}, "hidden", "hidden"),
        ({"hidden": "a,b"}, "hidden", "hidden"),
        ({"init": "pickle"}, "init", "init"),
        ({"batch": "7"}, "batch_size", "batch"),
        ({"l2": "0.5"}, "l2", "l2"),
    ],
)
def test_bad_values_fall_back_to_defaults_with_a_problem(query, field, word):
    config, _, problems = state.config_from_query(query)
    assert getattr(config, field) == getattr(state.DEFAULT, field)
    assert len(problems) == 1 and problems[0].startswith(word)
    Trainer(config)  # and the result is a config that trains


def test_activations_are_fitted_to_the_hidden_layers():
    config, _, problems = state.config_from_query({"hidden": "3,3,3", "act": "relu,relu"})
    assert config.hidden == (3, 3, 3)
    assert config.activations == ("relu", "relu", "relu")
    assert problems and "one activation per hidden layer" in problems[0]
    config, _, problems = state.config_from_query({"act": "sigmoid,sigmoid,sigmoid"})
    assert len(config.hidden) == 3 and problems == []


def test_long_and_list_values_are_handled():
    config, _, problems = state.config_from_query({"data": ["circle", "xor"], "seed": "9" * 500})
    assert config.dataset == "xor"
    assert len(problems) == 1 and len(problems[0]) < 200


def test_unknown_names_are_reported_and_tracking_names_ignored():
    query = {"dataset": "xor", "n": "300", "present": "1", "preset": "dead-relu", "utm_source": "x"}
    config, _, problems = state.config_from_query(query)
    assert config.dataset == "circle" and config.n_samples == 300  # the known names still apply
    assert len(problems) == 1
    assert problems[0].startswith("unknown name 'dataset' (a link knows data, n, noise")
    _, _, problems = state.config_from_query({"fbclid": "abc", "gclid": "d", "epoch": "3"})
    assert problems == []
    _, _, problems = state.config_from_query({f"k{i}": "v" for i in range(9)})
    assert problems[0].startswith("unknown names 'k0', 'k1', 'k2', 'k3', 'k4'… (")
    assert len(problems[0]) < 200


@pytest.mark.parametrize(("text", "value"), [("0.03", 0.03), (" 1e-3 ", 0.001), ("10", 10.0)])
def test_parse_alpha_accepts_numbers(text, value):
    assert math.isclose(state.parse_alpha(text), value)


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "-0.1", "0", "1e9"])
def test_parse_alpha_rejects_the_rest(text):
    assert state.parse_alpha(text) is None


def test_architecture_changed_ignores_alpha_only():
    base = state.DEFAULT
    assert not state.architecture_changed(base, base.replace(alpha=3.0))
    assert state.architecture_changed(base, base.replace(hidden=(4, 5)))
    assert state.architecture_changed(base, base.replace(seed=1))
    assert state.architecture_changed(base, base.replace(noise=0.1, alpha=0.01))


@pytest.mark.parametrize(
    ("raw", "hidden", "problem"),
    [
        (None, [], None),
        ("", [], None),
        ("alpha", ["alpha"], None),
        ("layers, ALPHA,noise,alpha", ["noise", "layers", "alpha"], None),  # CONTROLS order
        (["x", "seed,l2"], ["seed", "l2"], None),  # a list: the last value
        ("alpha,nope,<b>", ["alpha"], "hide: unknown controls '<b>', 'nope'"),
        (",,,", [], None),
        ("a" * 1000, [], "hide: unknown control 'aaaaaaaaaaaaaaaaaaaa'"),
    ],
)
def test_hidden_from_query(raw, hidden, problem):
    query = {} if raw is None else {"hide": raw}
    got, problems = state.hidden_from_query(query)
    assert got == hidden
    assert [p.split(" (")[0] for p in problems] == ([problem] if problem else [])
    assert "hide" in state.QUERY_NAMES


def test_lesson_values_name_the_hidden_controls_values():
    config = state.DEFAULT.replace(alpha=0.03, hidden=(6, 3), activations=("relu", "tanh"))
    text = state.lesson_values(config, ["layers", "activations", "alpha", "preset"])
    assert text == "hidden layers 6, 3; activations relu, tanh; α = 0.03"
    everything = state.lesson_values(config, list(state.CONTROLS))
    assert everything.count(";") == len(state.CONTROLS) - 2  # all but the preset


def test_no_hidden_layer_round_trips_through_the_link():
    config = state.DEFAULT.replace(hidden=(), activations=())
    query = state.config_to_query(config)
    assert query["hidden"] == query["act"] == "none"
    back, _, problems = state.config_from_query(query)
    assert back == config and problems == []
    back, _, problems = state.config_from_query({"hidden": "none"})  # act may be left out
    assert back.hidden == back.activations == () and problems == []
    back, _, problems = state.config_from_query({"hidden": "3,2", "act": "none"})
    assert back.hidden == (3, 2) and back.activations == state.DEFAULT.activations
