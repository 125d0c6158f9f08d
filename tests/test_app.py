"""The page's controls, headless (streamlit.testing.v1.AppTest)."""

import base64
import json
from pathlib import Path

import numpy as np
import plotly.io as pio
import pytest
from apptest_tools import TypedSelectbox, send
from streamlit.testing.v1 import AppTest

from playground import figures, views

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def charts(at):
    """Every chart's figure by element id: st.plotly_chart's, and those of the charts that the
    page redraws in place (the live_chart component, whose data holds the figure's JSON)."""
    out = {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    out = {k: v for k, v in out.items() if not k.endswith("plotly_loader_chart")}  # (hidden)
    for key, data in live_data(at).items():
        if "spec" in data:  # (not the hidden one that loads Plotly, nor Play's metrics)
            out[key] = json.loads(data["spec"])
    return out


def chart(at, title_part):
    for spec in charts(at).values():
        title = spec["layout"].get("title", {})
        text = title.get("text", "") if isinstance(title, dict) else str(title)
        if title_part in text:
            return spec
    raise AssertionError(f"no chart titled like {title_part!r}")


def z_of(trace):
    z = trace["z"]
    if isinstance(z, dict):  # plotly's typed-array encoding
        arr = np.frombuffer(base64.b64decode(z["bdata"]), dtype=np.dtype(z["dtype"]))
        shape = z.get("shape")
        if isinstance(shape, str):
            shape = [int(n) for n in shape.split(",")]
        return arr.reshape(shape) if shape else arr
    return np.asarray(z, dtype=float)


def assert_no_nonfinite_values(spec):
    """No hover or cell text shows nan or inf; heatmaps other than the network's (which uses
    NaN as the gap between its per-unit maps) hold finite values only."""
    for trace in spec["data"]:
        grid = trace["type"] in ("heatmap", "contour")
        if grid and "network" not in json.dumps(spec["layout"]["title"]):
            assert np.isfinite(z_of(trace).astype(float)).all()
        for key in ("text", "hovertext"):
            words = json.dumps(trace.get(key, "")).lower()
            assert "nan" not in words and "inf" not in words


@pytest.fixture
def at():
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception
    return app


def test_first_page(at):
    assert metric(at, "Epoch") == "0"
    assert float(metric(at, "Cost")) > 0.3
    for label in ("Test cost", "Train accuracy", "Test accuracy"):
        assert metric(at, label)
    titles = sorted(spec["layout"]["title"]["text"] for spec in charts(at).values())
    assert titles == ["Cost", "Decision boundary", "The network: W (weights)"]
    assert at.session_state.trainer.config.hidden == (4, 4)


def test_step_advances_epoch_and_history(at):
    cost0 = float(metric(at, "Cost"))
    at.button(key="step").click().run()
    assert metric(at, "Epoch") == "1"
    t = at.session_state.trainer
    assert len(t.history) == 2 and t.epoch == 1
    assert float(metric(at, "Cost")) == pytest.approx(t.last["train_cost"], abs=1e-4)
    assert float(metric(at, "Cost")) < cost0
    at.segmented_control(key="step_size").set_value(100).run()
    at.button(key="step").click().run()
    assert metric(at, "Epoch") == "101"
    assert len(at.session_state.trainer.history) == 102


def test_reset_goes_back_to_epoch_zero_with_the_same_start(at):
    w0 = at.session_state.trainer.params["W1"]
    at.segmented_control(key="step_size").set_value(10).run()
    at.button(key="step").click().run()
    assert metric(at, "Epoch") == "10"
    at.button(key="reset").click().run()
    assert metric(at, "Epoch") == "0"
    np.testing.assert_array_equal(at.session_state.trainer.params["W1"], w0)


def test_changing_alpha_keeps_training(at):
    at.segmented_control(key="step_size").set_value(10).run()
    at.button(key="step").click().run()
    w = at.session_state.trainer.params["W1"]
    at.sidebar.selectbox(key="alpha").set_value("0.03").run()
    t = at.session_state.trainer
    assert t.epoch == 10 and t.alpha == 0.03
    np.testing.assert_array_equal(t.params["W1"], w)
    assert any("continues from epoch 10" in i.value for i in at.info)


# A typed alpha (selectbox with accept_new_options) is covered by the browser tests:
# AppTest's selectbox cannot hold a value outside its options.


@pytest.mark.parametrize(
    ("widget", "key", "value", "check"),
    [
        ("selectbox", "dataset", "xor", lambda t: t.config.dataset == "xor"),
        ("slider", "n_samples", 600, lambda t: t.m + t.data.X_test.shape[1] == 600),
        ("slider", "noise", 0.3, lambda t: t.config.noise == 0.3),
        ("slider", "train_ratio", 0.8, lambda t: t.m == 320),
        ("number_input", "seed", 5, lambda t: t.config.seed == 5),
        ("slider", "n_layers", 3, lambda t: t.layer_sizes == (2, 4, 4, 4, 1)),
        ("number_input", "units_1", 7, lambda t: t.layer_sizes == (2, 7, 4, 1)),
        ("selectbox", "act_2", "relu", lambda t: t.config.activations == ("tanh", "relu")),
        ("selectbox", "init", "zeros", lambda t: not t.params["W1"].any()),
        ("selectbox", "batch", 10, lambda t: t.config.batch_size == 10),
        ("select_slider", "l2", 0.1, lambda t: t.config.l2 == 0.1),
        ("select_slider", "l1", 0.03, lambda t: t.config.l1 == 0.03),
        ("select_slider", "decay", 0.01, lambda t: t.config.decay == 0.01),
    ],
)
def test_each_data_and_network_control_resets_with_a_notice(at, widget, key, value, check):
    at.button(key="step").click().run()
    getattr(at.sidebar, widget)(key=key).set_value(value).run()
    assert not at.exception
    t = at.session_state.trainer
    assert check(t)
    assert t.epoch == 0
    assert any("restarted from epoch 0" in i.value for i in at.info)


def test_features_change_the_input_layer(at):
    at.sidebar.multiselect(key="features").set_value(["x1", "x2", "x1*x2"]).run()
    t = at.session_state.trainer
    assert t.layer_sizes[0] == 3
    at.sidebar.multiselect(key="features").set_value([]).run()
    assert any("at least one input feature" in w.value for w in at.sidebar.warning)
    assert at.session_state.trainer.layer_sizes[0] == 2


def test_view_switch_and_weights_heatmap_is_the_trainers_W1(at):
    at.segmented_control(key="view").set_value("Weights").run()
    spec = chart(at, "W (weights)")
    heat = [tr for tr in spec["data"] if tr["type"] == "heatmap"]
    np.testing.assert_allclose(z_of(heat[0]), at.session_state.trainer.params["W1"])


def test_gradient_view_last_point_is_last_dw1_norm(at):
    at.segmented_control(key="step_size").set_value(10).run()
    at.button(key="step").click().run()
    at.segmented_control(key="view").set_value("Gradients").run()
    spec = chart(at, "Gradient magnitude")
    line = next(tr for tr in spec["data"] if "dW1" in tr.get("name", ""))
    y = z_of({"z": line["y"]}) if isinstance(line["y"], dict) else np.asarray(line["y"])
    assert y[-1] == pytest.approx(at.session_state.trainer.last["dW1_norm"])


def test_network_shows_w_dw_and_update(at):
    at.button(key="step").click().run()
    texts = {}
    for kind in ("W", "dW", "update"):
        at.segmented_control(key="kind").set_value(kind).run()
        spec = chart(at, "The network")
        texts[kind] = json.dumps(spec["data"])
    assert "W1[" in texts["W"] and "dW1[" in texts["dW"]
    assert len(set(texts.values())) == 3


def test_play_and_pause_toggle(at):
    at.button(key="play").click().run()
    assert at.session_state.playing
    assert at.button(key="pause").label == "Pause"
    at.button(key="pause").click().run()
    assert not at.session_state.playing
    assert at.button(key="play").label == "Play"


def test_step_pauses_play(at):
    at.button(key="play").click().run()
    at.button(key="step").click().run()
    assert not at.session_state.playing
    assert at.button(key="play").label == "Play"


def test_query_params_written_and_read():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["data"] = "xor"
    at.query_params["hidden"] = "6,3"
    at.query_params["act"] = "relu,sigmoid"
    at.query_params["alpha"] = "0.1"
    at.query_params["epoch"] = "25"
    at.run()
    assert not at.exception
    t = at.session_state.trainer
    assert t.config.dataset == "xor" and t.layer_sizes == (2, 6, 3, 1)
    assert t.config.activations == ("relu", "sigmoid") and t.alpha == 0.1
    assert t.epoch == 25
    assert at.sidebar.selectbox(key="dataset").value == "xor"
    assert at.sidebar.number_input(key="units_1").value == 6
    assert at.query_params["hidden"] == ["6,3"] or at.query_params["hidden"] == "6,3"


def test_bad_link_warns_and_opens_defaults():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["hidden"] = "1000"
    at.query_params["alpha"] = "lots"
    at.run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "hidden" in warnings and "alpha" in warnings
    assert at.session_state.trainer.config.hidden == (4, 4)


def sidebar_labels(at) -> set[str]:
    widgets = [*at.sidebar.selectbox, *at.sidebar.slider, *at.sidebar.number_input]
    widgets += [*at.sidebar.multiselect, *at.sidebar.select_slider]
    return {w.label for w in widgets}


def test_classroom_link_hides_its_controls_and_keeps_their_values():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["alpha"] = "0.03"
    at.query_params["hidden"] = "6,3"
    at.query_params["hide"] = "alpha,layers,noise,bogus"
    at.run()
    assert not at.exception
    labels = sidebar_labels(at)
    assert "Learning rate α" not in labels and "Hidden layers" not in labels
    assert "Noise" not in labels and "n1 (units)" not in labels
    assert {"Dataset", "Points", "f1", "f2", "Batch size"} <= labels  # the others stay
    assert "hide: unknown control 'bogus'" in " ".join(w.value for w in at.warning)
    lesson = " ".join(c.value for c in at.sidebar.caption)
    assert "noise 0; hidden layers 6, 3; α = 0.03" in lesson  # what is set, though hidden
    assert at.sidebar.multiselect(key="hidden").value == ["noise", "layers", "alpha"]
    t = at.session_state.trainer
    assert t.alpha == 0.03 and t.layer_sizes == (2, 6, 3, 1)

    # The lesson's values hold through Steps and other controls' changes...
    at.button(key="step").click().run()
    at.sidebar.selectbox(key="act_1").set_value("relu").run()
    t = at.session_state.trainer
    assert t.alpha == 0.03 and t.layer_sizes == (2, 6, 3, 1)
    assert t.config.activations == ("relu", "tanh")
    assert at.query_params["hide"] in (["noise,layers,alpha"], "noise,layers,alpha")

    # ... and showing a control again shows it with the lesson's value.
    at.sidebar.multiselect(key="hidden").set_value(["noise", "layers"]).run()
    assert not at.exception
    assert at.sidebar.selectbox(key="alpha").value == "0.03"
    assert at.session_state.trainer.alpha == 0.03

    # A teacher hides a control that was on the page: its value is the lesson's from now on.
    at.sidebar.selectbox(key="alpha").set_value("0.1").run()
    at.sidebar.multiselect(key="hidden").set_value(["noise", "layers", "alpha"]).run()
    for _ in range(2):
        at.button(key="step").click().run()
    assert not at.exception
    assert at.session_state.trainer.alpha == 0.1
    assert at.session_state.trainer.epoch == 2  # (changing f1 above restarted it)


def test_divergence_stops_with_a_message():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["act"] = "linear,linear"
    at.query_params["alpha"] = "10"
    at.run()
    at.segmented_control(key="step_size").set_value(100).run()
    at.button(key="step").click().run()
    assert not at.exception
    t = at.session_state.trainer
    assert t.diverged and t.epoch < 100
    assert any("diverged" in e.value for e in at.error)
    for spec in charts(at).values():
        assert_no_nonfinite_values(spec)


def test_upload_choice_without_file_keeps_a_working_page(at):
    at.sidebar.selectbox(key="dataset").set_value("upload CSV").run()
    assert not at.exception
    assert any("Until a file is uploaded" in i.value for i in at.sidebar.info)


def test_equations_mode_stages_one_epoch_exactly_like_step(at):
    from playground.trainer import Trainer

    at.segmented_control(key="mode").set_value("Equations").run()
    assert not at.exception
    assert any(x.value.lstrip("$\n").startswith("dZ_3") and "- Y" in x.value for x in at.latex)
    n_stages = len(at.session_state.staged.stages)
    for _ in range(n_stages):
        at.button(key="next_stage").click().run()
        assert not at.exception
    t = at.session_state.trainer
    assert t.epoch == 1
    reference = Trainer(t.config)
    reference.step(1)
    for name, value in reference.params.items():
        np.testing.assert_array_equal(t.params[name], value)
    ledger = at.dataframe[0].value
    assert ledger["matches"].dropna().astype(bool).all()


def test_replay_shows_an_earlier_epoch(at):
    at.segmented_control(key="step_size").set_value(100).run()
    at.button(key="step").click().run()
    at.segmented_control(key="mode").set_value("Replay").run()
    at.select_slider(key="replay_epoch").set_value(50).run()
    assert metric(at, "Epoch") == "50"
    t = at.session_state.trainer
    assert float(metric(at, "Cost")) == pytest.approx(
        t.history.set_index("epoch").loc[50, "train_cost"], abs=1e-4
    )
    assert len(charts(at)) == 3


@pytest.mark.parametrize("slug", ["vanishing-sigmoid", "zero-init", "overfitting-noise"])
def test_preset_opens_by_link_with_its_explanation(slug):
    from playground import presets

    preset = presets.PRESETS[slug]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["preset"] = slug
    at.run()
    assert not at.exception
    assert at.session_state.trainer.config == preset.config
    assert any(preset.title in m.value for m in at.markdown)
    assert at.query_params["preset"] in (slug, [slug])


def test_preset_chosen_in_sidebar_and_its_fix(at):
    from playground import presets

    at.sidebar.selectbox(key="preset_choice").set_value("dead-relu").run()
    preset = presets.PRESETS["dead-relu"]
    assert at.session_state.trainer.config == preset.config
    at.button(key="contrast").click().run()
    assert at.session_state.trainer.config == preset.contrast


def test_checks_mode_gradient_check_activations_and_lr_preview(at):
    at.segmented_control(key="mode").set_value("Checks").run()
    assert not at.exception
    titles = [json.dumps(spec["layout"].get("title")) for spec in charts(at).values()]
    assert any("Activations" in t for t in titles) and any("step of size" in t for t in titles)
    at.button(key="run_gradcheck").click().run()
    assert not at.exception
    verdict = " ".join(m.value for m in at.markdown)
    assert "At epoch 0" in verdict and "pass" in verdict
    table = at.dataframe[0].value
    assert list(table["matrix"]) == ["W1", "B1", "W2", "B2", "W3", "B3"]
    assert all(float(e) < 1e-6 for e in table["relative error"])


def test_compare_mode_trains_two_runs_on_the_same_data(at):
    at.segmented_control(key="mode").set_value("Compare").run()
    at.selectbox(key="cmp_act").set_value("sigmoid").run()
    at.button(key="cmp_train").click().run()
    assert not at.exception
    a, b = at.session_state.compare
    assert a.epoch == b.epoch == 100
    assert a.data is b.data and b.config.activations == ("sigmoid", "sigmoid")
    np.testing.assert_array_equal(a.snapshot(0)["W1"], b.snapshot(0)["W1"])  # same start
    spec = chart(at, "Two runs")
    names = [tr["name"] for tr in spec["data"]]
    assert any(n.startswith("A (") for n in names) and any(n.startswith("B (") for n in names)


def test_sweep_mode_fills_the_grid():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.segmented_control(key="mode").set_value("Sweep").run()
    at.multiselect(key="sw_alphas").set_value([0.1, 1.0]).run()
    at.multiselect(key="sw_units").set_value([2, 4]).run()
    at.select_slider(key="sw_epochs").set_value(100).run()
    at.button(key="sw_run").click().run()
    assert not at.exception
    result = at.session_state.sweep_result
    assert result.completed == 4 and not result.cancelled
    heat = [tr for tr in chart(at, "Final training cost")["data"] if tr["type"] == "heatmap"]
    np.testing.assert_allclose(z_of(heat[0]), result.values)


def test_upload_choice_and_back_keeps_the_data_settings(at):
    at.sidebar.slider(key="noise").set_value(0.2).run()
    at.sidebar.selectbox(key="dataset").set_value("upload CSV").run()
    at.run()  # a second run with the data widgets hidden (their state is gone by then)
    assert not at.exception
    at.sidebar.selectbox(key="dataset").set_value("xor").run()
    assert not at.exception
    t = at.session_state.trainer
    assert t.config.dataset == "xor" and t.config.noise == 0.2
    assert t.config.features == ("x1", "x2")


def test_dark_theme_gives_dark_charts():
    from streamlit import config

    before = config.get_option("theme.base")
    config.set_option("theme.base", "dark")
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        bg = chart(at, "Decision boundary")["layout"]["template"]["layout"]["paper_bgcolor"]
    finally:
        config.set_option("theme.base", before)
    assert bg == pio.templates["plotly_dark"].layout.paper_bgcolor
    light = chart(AppTest.from_file(APP, default_timeout=60).run(), "Decision boundary")
    assert light["layout"]["template"]["layout"]["paper_bgcolor"] == "white"


def test_play_stops_by_itself_at_the_chosen_epoch(at):
    at.sidebar.selectbox(key="stop_kind").set_value("at epoch").run()
    assert at.sidebar.number_input(key="stop_value").value == 1000  # the kind's default
    at.sidebar.number_input(key="stop_value").set_value(7).run()
    at.button(key="play").click().run()  # the first frame of Play (10 epochs at 100 epochs/s)
    assert not at.exception
    t = at.session_state.trainer
    assert t.epoch == 7 and not at.session_state.playing
    assert any("Play stopped at epoch 7: epoch 7 reached." in i.value for i in at.info)
    at.button(key="play").click().run()  # already there: Play stops at once, nothing trained
    assert at.session_state.trainer.epoch == 7 and not at.session_state.playing


def test_play_stops_when_the_training_accuracy_is_reached(at):
    at.sidebar.selectbox(key="stop_kind").set_value("train accuracy ≥ (%)").run()
    at.sidebar.number_input(key="stop_value").set_value(55.0).run()
    at.button(key="play").click().run()  # the default run first reaches 55 % at epoch 5
    t = at.session_state.trainer
    history = t.history
    assert t.epoch == 5
    assert history["train_acc"].iloc[-1] >= 0.55 > history["train_acc"].iloc[:-1].max()
    assert not at.session_state.playing
    assert any("training accuracy reached 55 %" in i.value for i in at.info)


def test_no_hidden_layer_works_in_every_mode(at):
    at.sidebar.slider(key="n_layers").set_value(0).run()
    assert not at.exception
    t = at.session_state.trainer
    assert t.layer_sizes == (2, 1)
    assert any("No hidden layer" in c.value for c in at.sidebar.caption)
    at.button(key="step").click().run()
    assert at.session_state.trainer.epoch == 1
    for mode in ("Equations", "Checks", "Replay", "Compare", "Sweep", "Train"):
        at.segmented_control(key="mode").set_value(mode).run()
        assert not at.exception, mode
    assert at.query_params["hidden"] in (["none"], "none")


def test_decay_shows_the_next_steps_alpha(at):
    at.sidebar.select_slider(key="decay").set_value(0.1).run()
    for _ in range(10):
        at.button(key="step").click().run()
    t = at.session_state.trainer
    assert t.epoch == 10 and t.step_alpha == pytest.approx(0.3 / 2)
    assert any("the next step uses α = 0.15." in c.value for c in at.caption)


def test_drawing_points_trains_on_them(at):
    at.button(key="step").click().run()
    at.sidebar.selectbox(key="dataset").set_value("draw your own points").run()
    assert not at.exception
    t = at.session_state.trainer
    assert t.data.source == "drawn" and t.m + t.data.X_test.shape[1] == 4
    assert "4 points (2 of class 0, 2 of class 1" in " ".join(c.value for c in at.sidebar.caption)
    # what a click on the plane does (the component's trigger), then Undo and Clear
    at.session_state.drawn = [*at.session_state.drawn, [0.5, -1.0, 1.0], [1.0, 1.0, 0.0]]
    at.run()
    t = at.session_state.trainer
    assert t.m + t.data.X_test.shape[1] == 6 and t.epoch == 0
    at.sidebar.button(key="undo_point").click().run()
    assert len(at.session_state.drawn) == 5
    at.sidebar.button(key="clear_points").click().run()
    assert len(at.session_state.drawn) == 4
    at.sidebar.button(key="undo_point").click().run()  # the four starting points stay
    assert len(at.session_state.drawn) == 4
    assert at.session_state.trainer.config.dataset == "circle"  # a link cannot carry drawings


def component_data(at):
    """The data of every live_chart / frame_clock component on the page."""
    return [json.loads(c.proto.json) for c in at.get("bidi_component")]


def test_play_sends_a_reel_of_frames_that_every_animated_view_shares(at):
    at.button(key="play").click().run()  # the first request of Play
    assert not at.exception and at.session_state.playing
    t = at.session_state.trainer
    data = component_data(at)
    (metrics,) = [d for d in data if "metrics" in d]
    (boundary,) = [d for d in data if "shading" in d]
    (clock,) = [d for d in data if d.get("clock")]
    (network,) = [d for d in data if "network" in d]
    cost = [d for d in data if "reel" in d and "spec" in d and not {"shading", "network"} & set(d)]
    assert len(cost) == 1 and "Cost" in json.loads(cost[0]["spec"])["layout"]["title"]["text"]
    reel = metrics["reel"]
    assert boundary["reel"] == reel == clock["reel"] == cost[0]["reel"] == network["reel"]
    epochs = reel["epochs"]
    assert epochs == sorted(set(epochs)) and epochs[-1] == t.epoch > 0
    frames = network["network"]["frames"]
    assert len(boundary["frames"]) == len(metrics["metrics"]) == len(frames) == len(epochs)
    # the network view's frames: its last is the trainer's weights and unit maps now
    params, grads = t.params, t.grads
    now = figures.network_reel(
        t.layer_sizes,
        [{"mats": views.matrices(params, grads, t.step_alpha, "W"),
          "biases": views.biases(params, grads, t.step_alpha, "W"),
          "node_maps": views.node_maps(t, params)}],
    )  # fmt: skip
    assert frames[-1] == now["frames"][0]
    assert network["network"]["traces"] == now["traces"]
    assert "The network" in json.loads(network["spec"])["layout"]["title"]["text"]
    assert metrics["metrics"][-1] == [list(p) for p in views.metrics(t.epoch, t.last)]
    assert clock["pause_key"] == "pause" and clock["step_key"] == "step"
    # the boundary's figure leaves the plane to the frames' image; its last frame is the
    # network's output now
    spec = json.loads(boundary["spec"])
    assert spec["layout"]["images"][0]["layer"] == "below"
    assert boundary["frames"][-1] == views.shading(views.boundary(t)[2])
    # the metrics are the player's while playing, Streamlit's once paused
    assert not at.metric
    at.button(key="pause").click().run()
    assert metric(at, "Epoch") == f"{at.session_state.trainer.epoch:,}"
    assert not [d for d in component_data(at) if "reel" in d]


def test_the_paused_boundary_is_one_frame_of_shading_under_the_points(at):
    def boundary():
        (data,) = [d for d in component_data(at) if "shading" in d]
        return data

    t = at.session_state.trainer
    first = boundary()
    assert "reel" not in first  # paused: one frame, drawn at once
    assert first["frames"] == [views.shading(views.boundary(t)[2])]
    assert json.loads(first["spec"])["layout"]["images"][0]["layer"] == "below"
    assert first["shading"]["line"] is not None  # the P = 0.5 line
    at.button(key="step").click().run()
    after = boundary()
    assert after["frames"] == [views.shading(views.boundary(at.session_state.trainer)[2])]
    assert after["frames"] != first["frames"] and after["spec"] == first["spec"]  # image only
    at.sidebar.toggle(key="discretize").set_value(True).run()
    sharp = boundary()["shading"]
    assert sharp["line"] is None and len(set(sharp["colors"])) == 2


def test_every_mode_in_presentation_mode(at):
    """A presenter's large type on every tab (the Checks tab's charts once failed on it)."""
    at.toggle(key="present").set_value(True).run()
    at.button(key="step").click().run()
    for mode in ("Equations", "Checks", "Replay", "Compare", "Sweep", "Train"):
        at.segmented_control(key="mode").set_value(mode).run()
        assert not at.exception, mode
        for spec in charts(at).values():
            assert spec["layout"]["font"]["size"] == 22, mode


def test_a_setting_survives_the_views_tabs_and_hidden_controls_that_hide_it(at):
    """Streamlit forgets a widget's value in a run that does not draw it: the page's settings
    live in its own state, so every one comes back as it was left."""
    at.segmented_control(key="kind").set_value("dW").run()
    at.segmented_control(key="view").set_value("Gradients").run()  # "Show" is not drawn here
    at.segmented_control(key="mode").set_value("Checks").run()  # nor "View" here
    at.segmented_control(key="mode").set_value("Train").run()
    at.segmented_control(key="view").set_value("Network").run()
    assert at.segmented_control(key="kind").value == "dW"
    assert "The network: dW (gradient)" in json.dumps(chart(at, "The network")["layout"])
    at.sidebar.slider(key="noise").set_value(0.35).run()
    at.sidebar.multiselect(key="hidden").set_value(["noise"]).run()
    at.run()
    at.sidebar.multiselect(key="hidden").set_value([]).run()
    assert at.sidebar.slider(key="noise").value == 0.35
    at.sidebar.slider(key="n_layers").set_value(3).run()
    at.sidebar.number_input(key="units_3").set_value(7).run()
    at.sidebar.slider(key="n_layers").set_value(1).run()
    at.sidebar.slider(key="n_layers").set_value(3).run()
    assert at.sidebar.number_input(key="units_3").value == 7
    assert at.session_state.trainer.layer_sizes == (2, 4, 4, 7, 1)
    at.segmented_control(key="mode").set_value("Compare").run()
    at.selectbox(key="cmp_init").set_value("he").run()
    at.segmented_control(key="mode").set_value("Train").run()
    at.segmented_control(key="mode").set_value("Compare").run()
    assert at.selectbox(key="cmp_init").value == "he"


def test_a_typed_learning_rate_that_is_not_one_is_refused_with_a_word(at):
    box = at.sidebar.selectbox(key="alpha")
    box.__class__ = TypedSelectbox
    box.typed = "lots"
    box.run()
    assert not at.exception
    assert "'lots' is not a learning rate" in " ".join(e.value for e in at.sidebar.error)
    assert at.sidebar.selectbox(key="alpha").value == "0.3"
    assert at.session_state.trainer.alpha == 0.3
    box = at.sidebar.selectbox(key="alpha")
    box.__class__ = TypedSelectbox
    box.typed = "0.05"
    box.run()
    assert at.session_state.trainer.alpha == 0.05 and not at.sidebar.error


def test_three_classes_from_a_link_in_every_mode():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["data"] = "spiral"
    at.query_params["classes"] = "3"
    at.run()
    t = at.session_state.trainer
    assert t.output == "softmax" and t.layer_sizes == (2, 4, 4, 3)
    assert at.sidebar.select_slider(key="classes").value == 3
    at.button(key="step").click().run()
    names = [tr["name"] for tr in chart(at, "Decision boundary")["data"]]
    assert [n for n in names if n.startswith("train class")] == [f"train class {c}" for c in "012"]
    (boundary,) = [d for d in component_data(at) if "shading" in d]
    assert boundary["shading"]["names"] == ["0", "1", "2"]
    winners = np.frombuffer(base64.b64decode(boundary["frames"][0]), np.uint8)[: 100 * 100]
    assert set(winners.tolist()) <= {0, 1, 2}
    assert "Training accuracy by class" in " ".join(h.value for h in at.get("html"))
    network = chart(at, "The network")
    assert network["data"][-1]["name"] == "classes"  # the output units ringed in their colours
    for mode in ("Equations", "Checks", "Replay", "Compare", "Sweep", "Train"):
        at.segmented_control(key="mode").set_value(mode).run()
        assert not at.exception, mode
    assert any("softmax" in x.value for x in at.latex) or True  # (the Train tab has no latex)
    at.segmented_control(key="mode").set_value("Equations").run()
    assert any("softmax" in x.value for x in at.latex)
    assert at.query_params["classes"] in ("3", ["3"])


def test_the_classes_setting_waits_on_a_two_class_dataset():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["data"] = "blobs"
    at.query_params["classes"] = "5"
    at.run()
    at.sidebar.selectbox(key="dataset").set_value("circle").run()
    assert at.session_state.trainer.layer_sizes[-1] == 1
    assert not [w for w in at.sidebar.select_slider if w.key == "classes"]  # circle: two only
    at.sidebar.selectbox(key="dataset").set_value("pinwheel").run()
    assert at.sidebar.select_slider(key="classes").value == 5
    assert at.session_state.trainer.layer_sizes[-1] == 5


def test_a_csv_of_named_classes_trains_a_softmax_and_lists_them(at):
    rng = np.random.default_rng(3)
    rows = ["x1,x2,label"]
    for name, (cx, cy) in {"setosa": (-3, 0), "virginica": (3, 0), "versicolor": (0, 3)}.items():
        rows += [f"{x:.3f},{y:.3f},{name}" for x, y in rng.normal((cx, cy), 0.5, (20, 2))]
    at.sidebar.selectbox(key="dataset").set_value("upload CSV").run()
    upload = next(u for u in at.sidebar.file_uploader if u.key == "csv_upload")
    upload.set_value(("iris.csv", "\n".join(rows).encode(), "text/csv")).run()
    assert not at.exception
    t = at.session_state.trainer
    assert t.output == "softmax" and t.data.class_names == ("setosa", "versicolor", "virginica")
    said = " ".join(s.value for s in at.sidebar.success)
    assert "3 classes (setosa, versicolor, virginica)" in said
    at.segmented_control(key="step_size").set_value(100).run()
    at.button(key="step").click().run()
    assert at.session_state.trainer.last["train_acc"] > 0.9
    names = [tr["name"] for tr in chart(at, "Decision boundary")["data"]]
    assert "train class versicolor" in names
    # the same file's classes, one that has a single class, and an HTML class name: refused or
    # shown as text
    upload = next(u for u in at.sidebar.file_uploader if u.key == "csv_upload")
    upload.set_value(("one.csv", b"x1,x2,label\n1,2,a\n3,4,a\n", "text/csv")).run()
    assert "one.csv" in " ".join(e.value for e in at.sidebar.error)
    tagged = "x1,x2,label\n" + "\n".join(
        f"{i},{i % 3},{('<b>x</b>', 'y', 'z')[i % 3]}" for i in range(40)
    )
    upload = next(u for u in at.sidebar.file_uploader if u.key == "csv_upload")
    upload.set_value(("tags.csv", tagged.encode(), "text/csv")).run()
    assert not at.exception
    shown = " ".join(h.value for h in at.get("html"))
    assert "class &lt;b&gt;x&lt;/b&gt;" in shown and "<b>x</b>" not in shown


def test_drawing_three_classes_and_back_to_two(at):
    at.sidebar.selectbox(key="dataset").set_value("draw your own points").run()
    at.sidebar.select_slider(key="classes").set_value(3).run()
    assert at.session_state.trainer.layer_sizes[-1] == 3
    at.sidebar.segmented_control(key="draw_class").set_value(2).run()
    for x in (0.5, 1.5):
        send(at, "live_boundary", event=("added", {"x": x, "y": 0.5}))
    t = at.session_state.trainer
    assert t.data.classes == 3 and t.m + t.data.X_test.shape[1] == 6
    assert "2 of class 2" in " ".join(c.value for c in at.sidebar.caption)
    at.sidebar.select_slider(key="classes").set_value(2).run()  # the class-2 points wait aside
    assert not at.exception
    t = at.session_state.trainer
    assert t.layer_sizes[-1] == 1 and t.m + t.data.X_test.shape[1] == 4
    assert "2 points of higher classes wait aside" in " ".join(c.value for c in at.sidebar.caption)
    assert at.sidebar.segmented_control(key="draw_class").value == 1
    at.sidebar.select_slider(key="classes").set_value(3).run()  # and come back
    t = at.session_state.trainer
    assert t.data.classes == 3 and t.m + t.data.X_test.shape[1] == 6


def live_data(at) -> dict[str, dict]:
    """The data of each live_chart on the page, by its key."""
    return {
        c.proto.id: json.loads(c.proto.json)
        for c in at.get("bidi_component")
        if c.proto.component_name.endswith("live_chart")
    }


@pytest.mark.parametrize("served", [True, False])
def test_the_live_charts_plotly_follows_static_serving(served, monkeypatch):
    # Served (this folder's .streamlit/config.toml): the live charts load the cartesian bundle
    # in static/ (a hidden preload first), and the default page has no st.plotly_chart, so
    # Streamlit's full bundle is not loaded. Not served: Streamlit's, loaded by a hidden chart.
    import streamlit

    get = streamlit.get_option
    monkeypatch.setattr(
        streamlit,
        "get_option",
        lambda key: served if key == "server.enableStaticServing" else get(key),
    )
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    data = live_data(at)
    charts_ = [d for d in data.values() if "spec" in d]
    assert len(charts_) == 3  # the boundary, the cost, the network
    want = "static" if served else "streamlit"
    assert {d["plotly"] for d in charts_} == {want}
    preloads = [d for d in data.values() if d.get("preload")]
    plotly_charts = [c.proto.id for c in at.get("plotly_chart")]
    if served:
        assert preloads == [{"preload": True, "plotly": "static"}] and plotly_charts == []
    else:
        assert preloads == [] and len(plotly_charts) == 1
        assert plotly_charts[0].endswith("plotly_loader_chart")
