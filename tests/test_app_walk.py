"""Random walks over every control of the page: a Hypothesis state machine drives AppTest.

Each step is one thing a visitor does (a tab, a view, Step, Play and its frames, Pause at a
frame, a setting of the sidebar, a typed learning rate, a preset and its fix, a classroom
link's hidden controls, a click on the network or on a point, an edit, drawn points, a CSV, a
saved run loaded back, the equations' stages, the gradient check, compare, a small sweep).
After every step the page must hold:

* no exception element;
* the epoch moves only forward, except after Reset, a change of data or network (a new
  trainer, which only such steps may make) or a Pause that goes back to the frame on screen;
* the costs shown are finite, or the page says that training diverged;
* every setting shows the value last chosen, wherever the walk went in between.

CI runs a fixed budget (``WALK_EXAMPLES`` walks of ``WALK_STEPS`` steps, derandomized by the
"ci" profile in conftest.py); set those environment variables to walk further. On a failure
Hypothesis shrinks the walk and prints the shortest sequence of steps that reproduces it.

AppTest runs the whole script on every step (it has no fragment-only reruns and no frame
clock); the browser tests cover those (tests/browser/test_monkey_browser.py).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from apptest_tools import TypedSelectbox, component, find, send
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from streamlit.testing.v1 import AppTest

from playground import datasets, live, presets, runfile, state

APP = str(Path(__file__).resolve().parents[1] / "app.py")
WALK_EXAMPLES = int(os.environ.get("WALK_EXAMPLES", "10"))
WALK_STEPS = int(os.environ.get("WALK_STEPS", "50"))

DRAW, UPLOAD = "draw your own points", "upload CSV"
NETWORK_SETTINGS = ("n_layers", *(f"units_{k}" for k in range(1, state.MAX_LAYERS + 1)))
NETWORK_SETTINGS += tuple(f"act_{k}" for k in range(1, state.MAX_LAYERS + 1))
# Settings whose change may start a new network (the others must keep the trainer).
RESTARTING = {"dataset", "classes", "n_samples", "noise", "train_ratio", "features", "seed"}
RESTARTING |= {"init"}
RESTARTING |= {"batch", "l2", "l1", "decay", *NETWORK_SETTINGS}
MODES = ("Train", "Equations", "Checks", "Replay", "Compare", "Sweep")
SWITCHES = {"view": ("Network", "Weights", "Gradients"), "mode": MODES}
KINDS = {"W": "W (weights)", "dW": "dW (gradient)", "update": "−α·dW (next update)"}


def _subsets(items, max_size=None):
    return st.lists(st.sampled_from(list(items)), unique=True, max_size=max_size)


def _floats(lo, hi, step):
    n = round((hi - lo) / step)
    return st.integers(0, n).map(lambda i: round(lo + i * step, 10))


# Each setting: (AppTest accessor, strategy of values a visitor can choose).
SETTINGS = {
    "dataset": ("selectbox", st.sampled_from((*state.DATASETS, DRAW, UPLOAD))),
    "classes": ("select_slider", None),  # (the numbers the dataset makes)
    "n_samples": ("slider", st.integers(1, 40).map(lambda i: 50 * i)),
    "noise": ("slider", _floats(0.0, 0.5, 0.05)),
    "train_ratio": ("slider", _floats(0.1, 0.9, 0.1)),
    "features": ("multiselect", _subsets(datasets.FEATURES, 4)),
    "seed": ("number_input", st.integers(*state.SEED_RANGE)),
    "n_layers": ("slider", st.integers(0, state.MAX_LAYERS)),
    **{f"units_{k}": ("number_input", st.integers(1, state.MAX_UNITS)) for k in range(1, 7)},
    **{f"act_{k}": ("selectbox", st.sampled_from(state.ACTIVATION_NAMES)) for k in range(1, 7)},
    "init": ("selectbox", st.sampled_from(list(state.INIT_LABELS))),
    "alpha": ("selectbox", st.sampled_from([f"{a:g}" for a in state.ALPHAS])),
    "decay": ("select_slider", st.sampled_from(state.DECAY_OPTIONS)),
    "batch": ("selectbox", st.sampled_from(["full", *state.BATCH_SIZES[1:]])),
    "l2": ("select_slider", st.sampled_from(state.L2_OPTIONS)),
    "l1": ("select_slider", st.sampled_from(state.L1_OPTIONS)),
    "stop_kind": ("selectbox", st.sampled_from(list(live.STOP_RULES))),
    "show_test": ("toggle", st.booleans()),
    "discretize": ("toggle", st.booleans()),
    "point_error": ("toggle", st.booleans()),
    "log_cost": ("toggle", st.booleans()),
    "hidden": ("multiselect", _subsets(state.CONTROLS, 4)),
    "draw_class": ("segmented_control", st.sampled_from((0, 1))),
    "preset_choice": ("selectbox", st.sampled_from(list(presets.PRESETS))),
    "mode": ("segmented_control", st.sampled_from(MODES)),  # fmt: skip
    "present": ("toggle", st.booleans()),
    "step_size": ("segmented_control", st.sampled_from((1, 10, 100))),
    "speed": ("selectbox", st.sampled_from(list(live.SPEEDS))),
    "view": ("segmented_control", st.sampled_from(SWITCHES["view"])),
    "kind": ("segmented_control", st.sampled_from(("W", "dW", "update"))),
    "cmp_act": ("selectbox", st.sampled_from(state.ACTIVATION_NAMES)),
    "cmp_alpha": ("selectbox", st.sampled_from([f"{a:g}" for a in state.ALPHAS])),
    "cmp_init": ("selectbox", st.sampled_from(list(state.INIT_LABELS))),
    "cmp_epochs": ("selectbox", st.sampled_from((10, 100))),
    "sw_alphas": ("multiselect", _subsets((0.1, 1.0), 2)),
    "sw_units": ("multiselect", _subsets((2, 4), 2)),
    "sw_epochs": ("select_slider", st.sampled_from((100, 200))),
    "eq_heatmap": ("selectbox", None),  # None: one of the widget's own options
    "replay_epoch": ("select_slider", None),
}
# Learning rates typed into the box: usable ones, and what a visitor may also type.
TYPED_ALPHAS = ["0.05", "2e-3", " 0.7 ", "1e-6", "100"]
ABSURD_ALPHAS = ["abc", "-1", "0", "1e9", "nan", "inf", "", "0.3.1", "1e-7"]

GOOD_CSV = "x1,x2,label\n" + "\n".join(
    f"{x:.3f},{y:.3f},{int(x * y > 0)}" for x, y in np.random.default_rng(7).uniform(-4, 4, (80, 2))
)
SIDES = ("north", "south-east", "south-west")
NAMED_CSV = "a,b,c,kind\n" + "\n".join(  # three named classes by the angle, three features
    f"{x:.3f},{y:.3f},{x - y:.3f},{SIDES[int((np.arctan2(y, x) + np.pi) * 3 / (2 * np.pi)) % 3]}"
    for x, y in np.random.default_rng(8).uniform(-4, 4, (90, 2))
)
BAD_CSVS = {
    "one-class.csv": b"a,b,label\n1,2,0\n3,4,0\n5,6,0\n",
    "words.csv": b"a,b,label\n1,two,0\n3,4,1\n",
    "empty.csv": b"",
    "binary.csv": bytes(range(256)) * 4,
    "no-rows.csv": b"x1,x2,label\n",
}


def chart_titles(at) -> list[str]:
    """The title of every chart on the page (Streamlit's and the live charts')."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    for c in at.get("bidi_component"):
        data = json.loads(c.proto.json)
        if "spec" in data:
            specs.append(json.loads(data["spec"]))
    out = []
    for spec in specs:
        title = spec.get("layout", {}).get("title", "")
        out.append(title.get("text", "") if isinstance(title, dict) else str(title))
    return out


def texts(elements) -> str:
    return " | ".join(str(e.value) for e in elements)


class SteadyPacer(live.Pacer):
    """Play's pacing (``live.Pacer``) on a steady clock: each request of Play comes
    ``REQUEST_SECONDS`` after the last, and an epoch is taken to cost 1 ms. The real pacer reads
    the wall clock, so the epochs of a reel would depend on the machine's speed; Hypothesis
    can only replay, shrink and print a failing walk when every step does the same each time.
    (``live.Pacer`` itself is tested in test_live.py, Play's timing in the browser tests.)"""

    REQUEST_SECONDS = 0.3

    def __init__(self) -> None:
        super().__init__()
        self.clock = 0.0

    def plan(self, speed: float | None, now: float) -> int:
        self.clock += self.REQUEST_SECONDS
        return super().plan(speed, self.clock)

    def record(self, epochs: int, seconds: float) -> None:
        pass  # (keeps seconds_per_epoch at its start value)


ACTIONS: dict[str, tuple[int, object, object]] = {}  # name -> (weight, when, method)


def action(weight: int, when=lambda self: True):
    """A step of the walk, drawn ``weight`` times as often as a step of weight 1, when
    ``when(machine)`` holds (what is on the page now)."""

    def register(method):
        ACTIONS[method.__name__] = (weight, when, method)
        return method

    return register


class PageWalk(RuleBasedStateMachine):
    """A visitor clicking through the page; the model is what they chose and saw."""

    @initialize()
    def open_page(self):
        self.at = AppTest.from_file(APP, default_timeout=120)
        self.at.run()
        self.at.session_state.pacer = SteadyPacer()  # (see SteadyPacer)
        self.chosen: dict[str, object] = {}  # setting -> the value last chosen
        self.saved: tuple[bytes, int, state.Config] | None = None
        self.trainer, self.epoch = self.ui_trainer(), 0
        self.restart_ok = False  # whether the last step may have started a new network
        self.back_to: int | None = None  # the epoch a Pause at a frame went back to

    # -- helpers --------------------------------------------------------------------------

    def ui_trainer(self):
        return self.at.session_state.trainer

    @property
    def ui(self) -> dict:
        return self.at.session_state.ui

    @property
    def playing(self) -> bool:
        return bool(self.at.session_state.playing)

    runs = 0  # the page's runs over all walks (the test checks that the walks did walk)

    def run(self, element, restart_ok=False):
        self.restart_ok |= restart_ok  # (an action may take several runs)
        element.run()
        PageWalk.runs += 1

    def send(self, key, state_value=None, event=None):
        send(self.at, key, state_value, event)
        PageWalk.runs += 1

    def choose(self, key: str, value):
        kind, _ = SETTINGS[key]
        widget = find(self.at, kind, key)
        assert widget is not None, f"{key} is not on the page"
        changed = widget.value != value
        self.run(widget.set_value(value), restart_ok=key in RESTARTING or key == "preset_choice")
        self.chosen[key] = value
        if not changed:
            return
        # what a choice is documented to change besides itself
        if key == "stop_kind":  # a new kind of stop starts from its own default value
            self.chosen["stop_value"] = live.STOP_RULES[value][1]
        if key == "preset_choice":  # a preset's settings, its explanation
            preset = presets.PRESETS[value]
            self.show_config(preset.config)
            assert self.ui_trainer().config == preset.config
            assert preset.title in texts(self.at.markdown)
        if key == "mode":
            assert not self.playing or value == "Train"

    def show_config(self, config: state.Config) -> None:
        """The settings a preset, its fix or a loaded run sets (as the page documents)."""
        self.chosen.update(
            dataset=config.dataset,
            classes=config.classes,
            n_samples=config.n_samples,
            noise=config.noise,
            train_ratio=config.train_ratio,
            features=list(config.features),
            seed=config.seed,
            n_layers=len(config.hidden),
            init=config.init,
            alpha=f"{config.alpha:g}",
            batch="full" if config.batch_size is None else config.batch_size,
            l2=config.l2,
            l1=config.l1,
            decay=config.decay,
        )
        for k, (n, f) in enumerate(zip(config.hidden, config.activations, strict=True), 1):
            self.chosen[f"units_{k}"], self.chosen[f"act_{k}"] = n, f

    def mode(self) -> str:
        return self.ui["mode"]

    @rule(data=st.data())
    def a_visitor_does(self, data):
        """One step: one of the actions below that the page allows now, by their weights."""
        names = sorted(name for name, (weight, when, _) in ACTIONS.items() if when(self))
        name = data.draw(st.sampled_from([n for n in names for _ in range(ACTIONS[n][0])]),
                         label="action")  # fmt: skip
        ACTIONS[name][2](self, data)

    # -- settings ---------------------------------------------------------------------------

    @action(10)
    def choose_a_setting(self, data, where=None, keys=None):
        # the sidebar's many settings, or the few of the page's main area (tabs, views, each
        # tab's own), as often as each other
        if where is None:
            side = data.draw(st.sampled_from(("sidebar", "main")), label="where")
            where = self.at.sidebar if side == "sidebar" else self.at.main
        on_page = [k for k, (kind, _) in SETTINGS.items() if find(where, kind, k) is not None]
        if keys is not None:
            on_page = [k for k in on_page if k in keys]
        if not on_page:
            return
        key = data.draw(st.sampled_from(sorted(on_page)), label="setting")
        kind, values = SETTINGS[key]
        if values is None:
            widget = find(self.at, kind, key)
            if key == "replay_epoch":
                values = st.sampled_from([int(e) for e in self.ui_trainer().snapshot_epochs])
            elif key == "classes":
                values = st.sampled_from(state.classes_for(self.ui["dataset"]))
            else:
                values = st.sampled_from(list(widget.options))
        value = data.draw(values, label=key)
        self.choose(key, value)
        if key == "replay_epoch":
            assert self.metric("Epoch") == f"{value:,}"

    @action(8)
    def look_elsewhere_and_come_back(self, data):
        """What a presenter does: set something, look at another view or tab (or hide the
        control with a classroom link), come back. The setting must still be there."""
        at = self.at
        own = [k for k in SETTINGS if k not in (*SWITCHES, "present")]
        here_keys = [k for k in own if find(at.main, SETTINGS[k][0], k) is not None]
        if here_keys:  # something of this tab's own first
            self.choose_a_setting(data, where=at.main, keys=here_keys)
        ways = [k for k in SWITCHES if find(at, "segmented_control", k) is not None]
        if find(at.sidebar, "multiselect", "hidden") is not None:
            ways.append("hidden")
        way = data.draw(st.sampled_from(ways), label="way")
        if way == "hidden":  # set a sidebar control, hide it, show it again
            self.choose_a_setting(data, where=at.sidebar)
            before = list(find(at.sidebar, "multiselect", "hidden").value)
            more = data.draw(_subsets(state.CONTROLS, 4), label="hide")
            self.choose("hidden", [*before, *(c for c in more if c not in before)])
            self.choose("hidden", before)
            return
        widget = find(at, "segmented_control", way)
        here = widget.value
        there = data.draw(st.sampled_from([o for o in SWITCHES[way] if o != here]), label="to")
        self.choose(way, there)
        if find(at, "segmented_control", way) is not None:
            self.choose(way, here)
        else:  # (a tab without views, or replay with nothing to replay yet)
            self.choose("mode", "Train")
            self.choose(way, here)

    @action(1, when=lambda self: find(self.at, "number_input", "stop_value") is not None)
    def type_a_stop_value(self, data):
        kind, _, lo, hi, step = live.STOP_RULES[self.ui["stop_kind"]]
        if kind == "epoch":
            value = data.draw(st.integers(int(lo), min(int(hi), 3000)), label="stop epoch")
        else:
            value = data.draw(st.floats(lo, hi, allow_nan=False), label="stop value")
        self.run(find(self.at, "number_input", "stop_value").set_value(value))
        self.chosen["stop_value"] = value

    @action(2, when=lambda self: find(self.at, "selectbox", "alpha") is not None)
    def type_alpha(self, data):
        """Type a learning rate and press Enter: a usable one is kept, any other is refused
        with a message and the last one stays."""
        text = data.draw(st.sampled_from(TYPED_ALPHAS + ABSURD_ALPHAS), label="typed")
        box = find(self.at, "selectbox", "alpha")
        box.__class__ = TypedSelectbox  # sends the typed text, as the page does
        box.typed = text
        before = self.ui_trainer().alpha
        self.run(box)
        if state.parse_alpha(text) is None:
            errors = texts(self.at.sidebar.error)
            assert "is not a learning rate" in errors, errors
            assert self.ui_trainer().alpha == before
            self.chosen["alpha"] = f"{before:g}"
        else:
            assert self.ui_trainer().alpha == state.parse_alpha(text)
            self.chosen["alpha"] = text

    @action(1, when=lambda self: any(b.key == "contrast" for b in self.at.button))
    def show_the_fix(self, data):
        preset = presets.find(self.at.session_state.preset)
        self.run(self.at.button(key="contrast").click(), restart_ok=True)
        self.show_config(preset.contrast)
        assert self.ui_trainer().config == preset.contrast

    # -- training ---------------------------------------------------------------------------

    @action(4, when=lambda self: any(b.key == "step" for b in self.at.button))
    def step(self, data):
        size = data.draw(st.sampled_from((1, 10, 100)), label="epochs")
        if find(self.at, "segmented_control", "step_size").value != size:
            self.choose("step_size", size)
        t, before = self.ui_trainer(), self.ui_trainer().epoch
        self.run(self.at.button(key="step").click())
        if not t.diverged:
            assert self.ui_trainer().epoch == before + size or t.diverged
        assert not self.playing

    @action(2, when=lambda self: any(b.key == "play" for b in self.at.button))
    def play(self, data):
        self.run(self.at.button(key="play").click())

    @action(3, when=lambda self: any(b.key == "pause" for b in self.at.button))
    def next_frames(self, data):
        """The page's clock asks for the next reel of frames."""
        self.run(self.at)

    @action(1, when=lambda self: any(b.key == "pause" for b in self.at.button))
    def pause(self, data):
        self.run(self.at.button(key="pause").click())
        assert not self.playing

    @action(2, when=lambda self: component(self.at, "frame_clock") is not None)
    def pause_at_the_frame_on_screen(self, data):
        """Pause (or Step, or →) while a reel plays: back to the frame the page showed."""
        step = data.draw(st.booleans(), label="step")
        clock = json.loads(component(self.at, "frame_clock").proto.json)
        reel = clock["reel"]
        frame = data.draw(st.integers(0, len(reel["epochs"]) - 1), label="frame")
        self.send("frame_clock", event=("paused", {"reel": reel["id"], "frame": frame,
                                                       "step": step}))  # fmt: skip
        self.restart_ok = False
        self.back_to = reel["epochs"][frame] + (self.ui["step_size"] if step else 0)
        assert not self.playing

    @action(1, when=lambda self: any(b.key == "reset" for b in self.at.button))
    def reset(self, data):
        self.run(self.at.button(key="reset").click(), restart_ok=True)
        assert self.ui_trainer().epoch == 0

    # -- clicks on the charts ---------------------------------------------------------------

    @action(
        1,
        when=lambda self: (
            not self.playing
            and not self.ui_trainer().diverged
            and component(self.at, "live_network") is not None
            and json.loads(component(self.at, "live_network").proto.json).get("select") == "units"
        ),
    )
    def edit_a_weight_or_bias(self, data):
        """Click a unit (its bias) or an edge (its weight) of the network, then set it."""
        value = data.draw(st.floats(-1000, 1000, allow_nan=False), label="value")
        sizes = self.ui_trainer().layer_sizes
        k = data.draw(st.integers(1, len(sizes) - 1), label="layer")
        i = data.draw(st.integers(0, sizes[k] - 1), label="unit")
        edge = data.draw(st.booleans(), label="edge")
        j = data.draw(st.integers(0, sizes[k - 1] - 1), label="from") if edge else None
        picked = [k, i, j] if edge else [k, i]
        self.send("live_network", {"selection": {"points": [{"customdata": picked}]}})
        assert not self.at.exception
        box = next(w for w in self.at.number_input if w.key.startswith("edit_"))
        box.set_value(value)
        submit = next(b for b in self.at.form_submit_button if b.label == "Set")
        self.run(submit.click())
        name, index = (f"W{k}", (i, j)) if edge else (f"B{k}", (i, 0))
        assert self.ui_trainer().params[name][index] == pytest.approx(value)

    @action(
        1,
        when=lambda self: (
            not self.playing
            and self.ui["mode"] == "Train"
            and self.ui["dataset"] != DRAW
            and component(self.at, "live_boundary") is not None
        ),
    )
    def click_a_training_point(self, data):
        P = self.ui_trainer().data.P_train
        i = data.draw(st.integers(0, P.shape[1] - 1), label="point")
        point = {"x": float(P[0, i]), "y": float(P[1, i])}
        self.send("live_boundary", {"selection": {"points": [point]}})
        assert "Training point" in texts(self.at.markdown)

    @action(
        2,
        when=lambda self: (
            self.ui["dataset"] == DRAW
            and component(self.at, "live_boundary") is not None
            and json.loads(component(self.at, "live_boundary").proto.json).get("add")
        ),
    )
    def draw_a_point(self, data):
        x = data.draw(st.floats(-6, 6), label="x")
        y = data.draw(st.floats(-6, 6), label="y")
        before = len(self.at.session_state.drawn)
        self.send("live_boundary", event=("added", {"x": x, "y": y}))
        self.restart_ok = True
        drawn = self.at.session_state.drawn
        assert len(drawn) == min(before + 1, 500)
        assert drawn[-1][2] == self.ui["draw_class"]

    @action(1, when=lambda self: self.ui["dataset"] == DRAW)
    def undo_or_clear_points(self, data):
        which = data.draw(st.sampled_from(("undo_point", "clear_points")), label="button")
        self.run(self.at.sidebar.button(key=which).click(), restart_ok=True)
        assert len(self.at.session_state.drawn) >= 4

    # -- files ------------------------------------------------------------------------------

    @action(2, when=lambda self: find(self.at.sidebar, "file_uploader", "csv_upload") is not None)
    def upload_a_csv(self, data):
        name = data.draw(st.sampled_from(["good.csv", "named.csv", *BAD_CSVS]), label="file")
        good = {"good.csv": GOOD_CSV.encode(), "named.csv": NAMED_CSV.encode()}
        content = good.get(name, BAD_CSVS.get(name))
        box = find(self.at.sidebar, "file_uploader", "csv_upload")
        self.run(box.set_value((name, content, "text/csv")), restart_ok=True)
        if name in good:
            assert self.ui_trainer().data.source == "csv"
            assert f"{name}: " in texts(self.at.sidebar.success)
            assert self.ui_trainer().data.classes == (2 if name == "good.csv" else 3)
        else:
            assert name in texts(self.at.sidebar.error)
            assert self.ui_trainer().data.source == "generated"  # the circle stands in

    @action(1)
    def save_the_run(self, data):
        """What the "Whole run (.npz)" button downloads."""
        t = self.ui_trainer()
        if t.data.source == "generated" and not t.diverged:
            self.saved = (runfile.save(t), t.epoch, t.config.replace(alpha=t.alpha))

    @action(1, when=lambda self: self.saved is not None)
    def load_the_saved_run(self, data):
        content, epoch, config = self.saved
        box = find(self.at.sidebar, "file_uploader", "run_upload")
        self.run(box.set_value(("run.npz", content, "application/octet-stream")), True)
        t = self.ui_trainer()
        assert t.epoch == epoch and t.config.replace(alpha=t.alpha) == config
        self.show_config(config)

    # -- the other tabs ---------------------------------------------------------------------

    @action(2, when=lambda self: any(b.key == "next_stage" for b in self.at.button))
    def next_stage(self, data):
        self.run(self.at.button(key="next_stage").click())

    @action(1, when=lambda self: any(b.key == "run_gradcheck" for b in self.at.button))
    def gradient_check(self, data):
        self.run(self.at.button(key="run_gradcheck").click())
        assert "At epoch" in texts(self.at.markdown)

    @action(1, when=lambda self: any(b.key == "cmp_train" for b in self.at.button))
    def train_both(self, data):
        self.run(self.at.button(key="cmp_train").click())
        a, b = self.at.session_state.compare
        assert a.epoch == b.epoch or a.diverged or b.diverged

    @action(
        1,
        when=lambda self: (
            any(b.key == "sw_run" and not b.disabled for b in self.at.button)
            and len(self.ui["sw_alphas"]) * len(self.ui["sw_units"]) <= 4
            and self.ui["sw_epochs"] <= 200
        ),
    )
    def run_a_small_sweep(self, data):
        self.run(self.at.button(key="sw_run").click())
        cells = len(self.ui["sw_alphas"]) * len(self.ui["sw_units"])
        assert self.at.session_state.sweep_result.completed == cells

    # -- what must hold after every step ----------------------------------------------------

    def metric(self, label):
        values = [m.value for m in self.at.metric if m.label == label]
        if values:
            return values[0]
        for c in self.at.get("bidi_component"):  # the player's metrics while playing
            data = json.loads(c.proto.json)
            if "metrics" in data:
                return dict(data["metrics"][-1]).get(label)
        return None

    @invariant()
    def no_exception(self):
        if hasattr(self, "at"):
            assert not self.at.exception, texts(self.at.exception)

    @invariant()
    def epoch_only_moves_forward(self):
        if not hasattr(self, "at"):
            return
        t = self.ui_trainer()
        if t is not self.trainer:
            assert self.restart_ok, "a new network without a change of data or network"
        elif self.back_to is not None:
            assert t.epoch == self.back_to or t.diverged
        else:
            assert t.epoch >= self.epoch
        self.trainer, self.epoch, self.back_to = t, t.epoch, None
        self.restart_ok = False

    @invariant()
    def costs_are_finite_or_divergence_is_said(self):
        if not hasattr(self, "at") or self.ui["mode"] != "Train":
            return
        shown = [self.metric(label) for label in ("Cost", "Test cost")]
        diverged = "diverged" in texts(self.at.error)
        for value in shown:
            assert value is not None
            try:
                finite = math.isfinite(float(value.replace(",", "")))
            except ValueError:
                finite = False
            assert finite or diverged, f"cost shown as {value!r}"
        assert diverged == bool(self.ui_trainer().diverged)

    @invariant()
    def every_setting_shows_the_value_last_chosen(self):
        if not hasattr(self, "at"):
            return
        for key, value in self.chosen.items():
            kind = SETTINGS[key][0] if key in SETTINGS else "number_input"
            widget = find(self.at, kind, key)
            if widget is None:
                continue
            # (documented: a replayed epoch no longer recorded shows the last snapshot; a
            # heatmap of a layer the network no longer has shows W1)
            if key == "replay_epoch" and value not in self.ui_trainer().snapshot_epochs:
                value = int(self.ui_trainer().snapshot_epochs[-1])
            if key == "eq_heatmap" and value not in widget.options:
                value = "W1"
            assert widget.value == value, f"{key} shows {widget.value!r}, chosen {value!r}"

    @invariant()
    def the_charts_follow_the_chosen_view(self):
        """Not only the controls: what the page draws is what they say."""
        if not hasattr(self, "at") or self.ui["mode"] not in ("Train", "Replay"):
            return
        view = find(self.at, "segmented_control", "view")
        if view is None:  # (replay before there is anything to replay)
            return
        titles = " | ".join(chart_titles(self.at))
        kind = find(self.at, "segmented_control", "kind")
        if view.value == "Gradients":
            assert "Gradient magnitude" in titles, titles
            assert kind is None
        elif view.value == "Network":
            assert f"The network: {KINDS[kind.value]}" in titles, titles
        else:
            assert KINDS[kind.value] in titles and "The network" not in titles, titles


@pytest.mark.slow
def test_random_walks_over_every_control():
    PageWalk.TestCase.settings = settings(
        max_examples=WALK_EXAMPLES,
        stateful_step_count=WALK_STEPS,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    PageWalk.runs = 0
    PageWalk.TestCase().runTest()
    print(f"{PageWalk.runs} runs of the page in {WALK_EXAMPLES} walks")
    assert PageWalk.runs >= WALK_EXAMPLES * WALK_STEPS // 2
