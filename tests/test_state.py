"""The settings table: URL round trips, and bad links that open a working page anyway."""

import math

import pytest

from playground import datasets, state
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
        {"dataset": "spiral", "classes": 3},
        {"dataset": "pinwheel", "classes": 6, "noise": 0.1, "hidden": (8, 8)},
        {"dataset": "blobs", "classes": 2},
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
        ({"data": "spiral", "classes": "7"}, "classes", "classes"),
        ({"data": "spiral", "classes": "1"}, "classes", "classes"),
        ({"data": "blobs", "classes": "three"}, "classes", "classes"),
        ({"data": "blobs", "classes": "3.5"}, "classes", "classes"),
        ({"data": "blobs", "classes": "nan"}, "classes", "classes"),
        ({"data": "blobs", "classes": "9" * 400}, "classes", "classes"),
        ({"data": "xor", "classes": "3"}, "classes", "classes"),
        ({"classes": "4"}, "classes", "classes"),  # the default circle: two classes only
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
    assert problems[0].startswith("unknown name 'dataset' (a link knows data, classes, n, noise")
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


# -- the number of classes (issue 16) -------------------------------------------------------------


def test_classes_in_a_link():
    config, _, problems = state.config_from_query({"data": "spiral", "classes": "3"})
    assert (config.dataset, config.classes, problems) == ("spiral", 3, [])
    assert Trainer(config).output == "softmax"
    assert state.config_to_query(config) == {"data": "spiral", "classes": "3"}
    # Two classes, the default, stay out of the link, for every dataset.
    assert "classes" not in state.config_to_query(state.DEFAULT.replace(dataset="blobs"))
    assert state.DEFAULT.classes == 2


def test_classes_for_a_dataset_that_has_two_say_so():
    config, _, problems = state.config_from_query({"data": "moons", "classes": "3", "n": "300"})
    assert (config.dataset, config.classes, config.n_samples) == ("moons", 2, 300)
    assert problems == [
        "classes: the moons dataset has 2 classes, not 3 (more classes: spiral, blobs, pinwheel)"
    ]
    # An unknown dataset falls back to the circle, and the classes with it.
    config, _, problems = state.config_from_query({"data": "nope", "classes": "3"})
    assert (config.dataset, config.classes) == ("circle", 2) and len(problems) == 2
    Trainer(config)


@pytest.mark.parametrize("dataset", state.DATASETS)
def test_every_dataset_and_number_of_classes_opens_from_a_link(dataset):
    for K in range(state.CLASSES_RANGE[0], state.CLASSES_RANGE[1] + 1):
        config, _, problems = state.config_from_query({"data": dataset, "classes": str(K)})
        allowed = K in datasets.CLASSES[dataset]
        assert config.classes == (K if allowed else 2) and (problems == []) == allowed
        assert state.classes_for(dataset) == datasets.CLASSES[dataset]
    assert state.classes_for("my own points") == (2,)


def test_fit_classes():
    three = state.DEFAULT.replace(dataset="spiral", classes=3)
    assert state.fit_classes(three) is three
    assert state.fit_classes(three.replace(dataset="circle")) == state.DEFAULT
    assert state.fit_classes(three.replace(dataset="blobs")).classes == 3
    Trainer(state.fit_classes(three.replace(dataset="xor")))  # trains, where the unfitted raises
    with pytest.raises(ValueError):
        Trainer(three.replace(dataset="xor"))


def test_classes_change_the_architecture_and_can_be_hidden():
    three = state.DEFAULT.replace(dataset="spiral", classes=3)
    assert state.architecture_changed(three, three.replace(classes=4))
    assert "classes" in state.CONTROLS
    hidden, problems = state.hidden_from_query({"hide": "classes,alpha"})
    assert hidden == ["classes", "alpha"] and problems == []
    text = state.lesson_values(three, ["dataset", "classes", "alpha"])
    assert text == "data spiral; 3 classes; α = 0.3"


def test_unknown_names_stay_short_whatever_they_hold():
    odd = "\x1f\x1f\x08\U00012544\U00018cd6\U0003134b"  # each shown as a long escape
    query = {odd: None, "0000\ud7fc\U00012544": "", "000\x1f\U0001fbcb" * 5: 3, "a" * 400: ""}
    _, _, problems = state.config_from_query(query)
    assert len(problems) == 1 and len(problems[0]) < 300
    assert problems[0].startswith("unknown names '\\x1f\\x1f")
