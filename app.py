"""Backprop Playground: pick n1/n2, f1/f2 and alpha, and watch the notes' network learn.

Wiring only: widgets, session state and layout. The arithmetic lives in ``playground/``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# -- first, before the heavy imports ---------------------------------------------------------
# The page's first element, a hidden live_chart that fetches the live charts' Plotly (with
# static serving; see ``plotly_source``), goes out before Python imports NumPy, pandas and
# Plotly below: on a fresh server the browser loads and evaluates the bundle meanwhile
# (bench_ui, the first visitor of a new server: 2,866 against 3,245 ms, medians of four here).
# (E402 is off for this file.)

st.set_page_config(page_title="Backprop Playground", page_icon="🧠", layout="wide")
# The charts that change on every Step and frame, redrawn in place by Plotly.react
# (st.plotly_chart mounts a new chart for every new figure and draws it twice); while playing,
# the same code plays each reel of frames and shows their metrics. See playground/web.
WEB = Path(__file__).parent / "playground" / "web"
PLAYER_JS = (WEB / "live_chart.js").read_text()
live_chart = st.components.v2.component(
    "backprop_playground.live_chart",
    js=PLAYER_JS,
    isolate_styles=False,  # Plotly's own style sheet (hover labels, mode bar) must reach it
)
# Play's clock: the browser asks for the next reel once it starts to play the last one.
frame_clock = st.components.v2.component("backprop_playground.frame_clock", js=PLAYER_JS)


def plotly_source() -> str:
    """Where the live charts take Plotly from (playground/web/live_chart.js): "static", the
    cartesian bundle in static/ (served where .streamlit/config.toml is read: the app run from
    this folder), else "streamlit", the full bundle of Streamlit's own charts (``main`` then
    draws a hidden st.plotly_chart first, which makes Streamlit load it)."""
    return "static" if st.get_option("server.enableStaticServing") else "streamlit"


if __name__ == "__main__" and plotly_source() == "static":
    st.html("<style>.st-key-plotly_preload {display: none;}</style>")
    live_chart(key="plotly_preload", data={"preload": True, "plotly": "static"})

import gc
import html
import time
from collections.abc import Callable
from functools import partial

import plotly.io as pio

from playground import (
    checks,
    datasets,
    export,
    figures,
    live,
    notes,
    presets,
    runfile,
    state,
    sweep,
    views,
)
from playground.trainer import MAX_DRAWN, MAX_EDIT, START_POINTS, Trainer, csv_data, drawn_data


@st.cache_resource(show_spinner=False)
def freeze_imports() -> bool:
    """Once per server process, before any visitor's objects: the garbage collector leaves the
    long-lived objects of Streamlit, Plotly, pandas and NumPy alone from now on, so a full
    collection looks only at what the sessions make (about 90 ms otherwise, here, holding the
    interpreter lock while a Step's charts wait to be sent). Nothing per visitor is cached."""
    gc.freeze()
    return True


freeze_imports()

UPLOAD = "upload CSV"
DRAW = "draw your own points"
OWN_DATA = (UPLOAD, DRAW)  # the datasets a link cannot carry
MAX_LINK_EPOCHS = 20_000  # a shared link retrains at most this far when it is opened
STEP_SIZES = (1, 10, 100)
VIEWS = ("Network", "Weights", "Gradients")
MODES = ("Train", "Equations", "Checks", "Replay", "Compare", "Sweep")
KINDS = {"W": "W (weights)", "dW": "dW (gradient)", "update": "−α·dW (next update)"}
PLOT_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    # Plotly's image export, zoom, pan and reset stay; a shorter mode bar keeps clear of titles.
    "modeBarButtonsToRemove": [
        "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
        "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian",
        "sendChartToCloud",  # would upload the figure to a third-party site
    ],
}  # fmt: skip
LIVE_CONFIG = {**PLOT_CONFIG, "responsive": True}  # st.plotly_chart resizes its own charts


# -- state -----------------------------------------------------------------------------------


def init_state() -> None:
    """Every session key, set once per session; the settings' first values come from the URL."""
    s = st.session_state
    if "trainer" in s:
        return
    query = st.query_params.to_dict()
    preset = presets.find(query.get("preset"))
    if preset is not None:
        query = {**presets.preset_query(preset.slug), **query}
    config, epoch, problems = state.config_from_query(query)
    hidden, hide_problems = state.hidden_from_query(query)
    s.problems = problems + hide_problems
    s.preset = preset.slug if preset else None
    s.ui = {  # the settings (see ``bound``); those of the network and data: show_config
        "hidden": hidden,
        "preset_choice": s.preset,
        "present": query.get("present") == "1",
        "mode": "Train",
        "step_size": 1,
        "speed": live.DEFAULT_SPEED,
        "view": "Network",
        "kind": "W",
        "stop_kind": "never",
        "stop_value": live.STOP_RULES["never"][1],
        "show_test": True,
        "discretize": False,
        "point_error": False,
        "log_cost": False,
        "draw_class": 1,
        "eq_heatmap": "W1",
        "replay_epoch": None,
        "cmp_epochs": 100,
        "sw_alphas": [0.01, 0.1, 0.3, 1.0, 3.0],
        "sw_units": [1, 2, 4, 8],
        "sw_epochs": 500,
    }
    show_config(config)
    s.playing = False
    s.pacer = live.Pacer()
    s.slow_throttle = live.Throttle()
    s.notice = ""
    s.csv = None  # (file id, CSVData) of the upload the page trains on
    s.csv_file = None  # (file id, file name, CSVData) of the last accepted upload
    s.csv_error = ""
    s.picks = {}  # chart key -> (network_no, selection): the point, unit or edge clicked
    s.drawn = [list(p) for p in START_POINTS]  # (x1, x2, label) of the points drawn
    s.trainer_csv = None
    s.trainer = Trainer(config)
    if epoch:
        s.trainer.step(min(epoch, MAX_LINK_EPOCHS))


def show_config(config: state.Config) -> None:
    """Set every setting of the data and the network to ``config``."""
    ui = st.session_state.ui
    ui["dataset"] = config.dataset
    ui["classes"] = config.classes
    ui["n_samples"] = config.n_samples
    ui["noise"] = config.noise
    ui["train_ratio"] = config.train_ratio
    ui["features"] = list(config.features)
    ui["seed"] = config.seed
    ui["n_layers"] = len(config.hidden)
    for k in range(1, state.MAX_LAYERS + 1):  # the layers beyond the network's keep theirs
        ui.setdefault(f"units_{k}", 4)
        ui.setdefault(f"act_{k}", "tanh")
    for k, (n, f) in enumerate(zip(config.hidden, config.activations, strict=True), start=1):
        ui[f"units_{k}"], ui[f"act_{k}"] = n, f
    ui["init"] = config.init
    ui["alpha"] = _alpha_label(config.alpha)
    ui["batch"] = "full" if config.batch_size is None else config.batch_size
    ui["l2"] = config.l2
    ui["l1"] = config.l1
    ui["decay"] = config.decay


def bound(name: str, then: Callable[[], None] | None = None) -> dict:
    """The keyword arguments that make a widget the view of the setting ``ui[name]``.

    Streamlit forgets a keyed widget's value in any run that does not draw it: another view,
    tab or mode, a control a classroom link hides, a rerun of the Train tab's fragment alone.
    So every setting lives in ``st.session_state.ui``, a dict the app owns: the widget (keyed
    ``name``) is set to ``ui[name]`` just before it is drawn, and its on_change writes a
    visitor's choice back to ``ui`` (then calls ``then``). Code reads ``ui``, never the
    widget's key.
    """
    s = st.session_state
    s[name] = s.ui[name]
    return {"key": name, "on_change": _keep_setting, "args": (name, then)}


def _keep_setting(name: str, then: Callable[[], None] | None) -> None:
    s = st.session_state
    s.ui[name] = s[name]
    if then is not None:
        then()


def _alpha_label(alpha: float) -> str:
    return f"{alpha:g}"


def widget_config() -> state.Config:
    """The config the settings show now."""
    ui = st.session_state.ui
    n = ui["n_layers"]
    features = tuple(ui["features"])
    if not features:
        st.sidebar.warning("Pick at least one input feature; using X₁ and X₂.")
        features = ("x1", "x2")
    config = state.DEFAULT.replace(
        dataset=ui["dataset"] if ui["dataset"] not in OWN_DATA else state.DEFAULT.dataset,
        classes=int(ui["classes"]),
        n_samples=int(ui["n_samples"]),
        noise=float(ui["noise"]),
        train_ratio=float(ui["train_ratio"]),
        features=features,
        hidden=tuple(int(ui[f"units_{k}"]) for k in range(1, n + 1)),
        activations=tuple(ui[f"act_{k}"] for k in range(1, n + 1)),
        alpha=state.parse_alpha(ui["alpha"]) or st.session_state.trainer.alpha,  # (on_alpha)
        seed=int(ui["seed"]),
        init=ui["init"],
        batch_size=None if ui["batch"] == "full" else int(ui["batch"]),
        l2=float(ui["l2"]),
        l1=float(ui["l1"]),
        decay=float(ui["decay"]),
    )
    # (a dataset of two classes keeps the number chosen for the others: ui["classes"] stays)
    return state.fit_classes(config)


def on_alpha() -> None:
    """A learning rate typed in: kept when it is one, else the last one stays, with a word."""
    s = st.session_state
    typed = s.ui["alpha"]
    s.alpha_error = ""
    if state.parse_alpha(typed) is None:
        s.ui["alpha"] = _alpha_label(s.trainer.alpha)
        s.alpha_error = (
            f"α = {str(typed)[:40]!r} is not a learning rate between {state.ALPHA_RANGE[0]:g} "
            f"and {state.ALPHA_RANGE[1]:g}; α stays {s.trainer.alpha:g}."
        )


def sync_trainer(config: state.Config) -> None:
    """Keep training when only alpha changed; otherwise start a new network and say so."""
    s = st.session_state
    t = s.trainer
    drawing = s.ui["dataset"] == DRAW
    drawn_classes = int(s.ui["classes"])
    if drawing:
        data_key = ("drawn", drawn_classes, tuple(map(tuple, s.drawn)))
    else:
        data_key = s.csv[0] if s.csv is not None else None
    fresh = s.pop("fresh_start", False)  # a preset asks for a new network even if only α differs
    if fresh or state.architecture_changed(t.config, config) or data_key != s.trainer_csv:
        if drawing:  # (points of classes beyond the number chosen now wait aside)
            points = [p for p in s.drawn if p[2] < drawn_classes]
            data = drawn_data(points, config, drawn_classes)
        else:
            data = csv_data(s.csv[1], config.train_ratio, config.seed) if s.csv else None
        s.trainer = Trainer(config, data=data)
        s.trainer_csv = data_key
        s.network_no = s.get("network_no", 0) + 1  # a point picked before is not in this run
        s.pacer.reset()
        if t.epoch:
            s.notice = "The data or the network changed, so training restarted from epoch 0."
    elif config.alpha != t.alpha:
        t.alpha = config.alpha
        if t.epoch:
            s.notice = f"α is now {config.alpha:g}; training continues from epoch {t.epoch}."


def stop_rule() -> live.StopRule:
    ui = st.session_state.ui
    return live.StopRule(ui["stop_kind"], float(ui["stop_value"] or 0.0))


# -- callbacks -------------------------------------------------------------------------------


def on_added() -> None:
    """A click on the decision boundary while drawing: a point of the chosen class there."""
    s = st.session_state
    added = _component_value("live_boundary", "added")
    if not added or s.ui["dataset"] != DRAW or len(s.drawn) >= MAX_DRAWN:
        return
    try:
        x, y = float(added["x"]), float(added["y"])
    except (KeyError, TypeError, ValueError):
        return
    s.drawn.append([x, y, float(s.ui["draw_class"])])
    s.full_rerun = True  # the data changed: the whole page, with a new network


def _component_value(key: str, name: str):
    value = st.session_state.get(key)
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def on_undo_point() -> None:
    s = st.session_state
    if len(s.drawn) > len(START_POINTS):
        s.drawn.pop()


def on_clear_points() -> None:
    st.session_state.drawn = [list(p) for p in START_POINTS]


def on_step() -> None:
    s = st.session_state
    s.playing = False
    s.trainer.step(s.ui["step_size"])


def on_stop_kind() -> None:
    """A new kind of stop starts from its own default value."""
    ui = st.session_state.ui
    ui["stop_value"] = live.STOP_RULES[ui["stop_kind"]][1]


def set_playing(playing: bool) -> None:
    """Play (``True``) or Pause. Idempotent on purpose: Streamlit may deliver one click to its
    callback twice (a fragment timer's rerun can replay it), and a toggle would undo itself."""
    s = st.session_state
    s.playing = playing and not s.trainer.diverged
    s.pacer.reset()
    s.full_rerun = True


def on_paused() -> None:
    """Pause, from the player: back to the frame the page showed at the click (the server has
    trained up to a reel further); for a click on Step (or its key), one step from there."""
    s = st.session_state
    shown = _component_value("frame_clock", "paused")
    set_playing(False)
    try:
        frames = s.get("reel_marks", {})[int(shown["reel"])]
        frame = int(shown["frame"])
        mark = frames[frame] if 0 <= frame < len(frames) else None
    except (KeyError, TypeError, ValueError):
        mark = None
    t = s.trainer
    if mark is not None and not t.diverged and mark.epoch <= t.epoch:
        t.rewind(mark)
    if isinstance(shown, dict) and shown.get("step") is True:
        t.step(s.ui["step_size"])


def on_reset() -> None:
    s = st.session_state
    t = s.trainer
    s.trainer = Trainer(t.config.replace(alpha=t.alpha), data=t.data)
    s.playing = False
    s.pacer.reset()
    s.full_rerun = True
    s.notice = ""


# -- layout ----------------------------------------------------------------------------------


def on_preset() -> None:
    """Open a workshop preset: its settings, a fresh network, its explanation on the page."""
    s = st.session_state
    preset = presets.find(s.ui["preset_choice"])
    s.preset = preset.slug if preset else None
    if preset is not None:
        show_config(preset.config)
        s.playing, s.fresh_start = False, True


def on_contrast() -> None:
    s = st.session_state
    preset = presets.find(s.preset)
    if preset is not None and preset.contrast is not None:
        show_config(preset.contrast)
        s.playing, s.fresh_start = False, True


def preset_box() -> None:
    s = st.session_state
    preset = presets.find(s.get("preset"))
    if preset is None:
        return
    with st.container(border=True):
        st.markdown(f"**{preset.title}** — {preset.explanation}")
        st.caption(f"Train about {preset.epochs:,} epochs. Look at: {preset.what_to_look_at}")
        if preset.contrast is not None:
            st.button(
                f"Show the fix: {preset.contrast_label}", key="contrast", on_click=on_contrast
            )


def sidebar() -> None:
    s = st.session_state
    ui, sb = s.ui, st.sidebar
    hidden = ui["hidden"]
    shown = [name for name in state.CONTROLS if name not in hidden]
    if hidden:
        t = s.trainer
        values = state.lesson_values(t.config.replace(alpha=t.alpha), hidden)
        sb.caption(
            f"A classroom link: {len(hidden)} of the controls are set for this lesson and "
            f"hidden{': ' + values if values else ''}."
        )
    if "preset" in shown:
        sb.header("Workshop")
        sb.selectbox(
            "Preset",
            list(presets.PRESETS),
            format_func=lambda slug: presets.PRESETS[slug].title,
            index=None,
            placeholder="Open a demonstration…",
            **bound("preset_choice", on_preset),
        )
    data_controls = ("dataset", "points", "noise", "features", "split", "seed")
    if any(name in shown for name in data_controls):
        sb.header("Data")
    if "dataset" in shown:
        sb.selectbox("Dataset", (*state.DATASETS, DRAW, UPLOAD), **bound("dataset"))
    several = state.classes_for(ui["dataset"]) if ui["dataset"] != UPLOAD else (2,)
    if ui["dataset"] == DRAW:  # (drawn points: any number of classes)
        several = tuple(range(state.CLASSES_RANGE[0], state.CLASSES_RANGE[1] + 1))
    if "classes" in shown and len(several) > 1:
        sb.select_slider(
            "Classes",
            several,
            help="Two classes: the notes' sigmoid output. Three or more: a softmax output of one "
            "unit per class, with the categorical cross-entropy; dZ = A − Y all the same.",
            **bound("classes"),
        )
    s.csv = None
    if ui["dataset"] == UPLOAD:
        csv_upload()
    else:
        if ui["dataset"] == DRAW:
            draw_controls()
        if "points" in shown and ui["dataset"] != DRAW:
            sb.slider("Points", *state.SAMPLES_RANGE, step=50, **bound("n_samples"))
        if "noise" in shown and ui["dataset"] != DRAW:
            sb.slider("Noise", *state.NOISE_RANGE, step=0.05, **bound("noise"))
        if "features" in shown:
            sb.multiselect(
                "Input features",
                list(datasets.FEATURES),
                format_func=datasets.FEATURE_LABELS.get,
                **bound("features"),
            )
    if "split" in shown:
        sb.slider("Training share", *state.RATIO_RANGE, step=0.1, **bound("train_ratio"))
    if "seed" in shown:
        sb.number_input("Seed", *state.SEED_RANGE, step=1, **bound("seed"))

    if any(name in shown for name in ("layers", "activations", "init")):
        sb.header("Network")
    if "layers" in shown:
        sb.slider("Hidden layers", 0, state.MAX_LAYERS, **bound("n_layers"))
    for k in range(1, ui["n_layers"] + 1):
        both = "layers" in shown and "activations" in shown
        c1, c2 = sb.columns(2) if both else (sb, sb)
        if "layers" in shown:
            c1.number_input(f"n{k} (units)", 1, state.MAX_UNITS, **bound(f"units_{k}"))
        if "activations" in shown:
            c2.selectbox(
                f"f{k}",
                state.ACTIVATION_NAMES,
                format_func=state.ACTIVATION_LABELS.get,
                **bound(f"act_{k}"),
            )
    if "layers" in shown:
        K = s.trainer.data.classes
        sb.caption(
            "Output: one sigmoid unit; cost: binary cross-entropy, as in the notes."
            if K == 2
            else f"Output: a softmax of {K} units, one per class; cost: categorical "
            "cross-entropy. dZ = A − Y as in the notes."
        )
        if ui["n_layers"] == 0:
            sb.caption(
                "No hidden layer: the output unit sees the input features directly (logistic "
                "regression), so its boundary is a straight line in those features."
            )
    if "init" in shown:
        sb.selectbox(
            "Initialisation",
            list(state.INIT_LABELS),
            format_func=state.INIT_LABELS.get,
            **bound("init"),
        )

    if any(name in shown for name in ("alpha", "batch", "l2", "l1", "decay")):
        sb.header("Training")
    if "alpha" in shown:
        alphas = [_alpha_label(a) for a in state.ALPHAS]
        sb.selectbox(
            "Learning rate α",
            alphas if ui["alpha"] in alphas else [*alphas, ui["alpha"]],
            accept_new_options=True,
            help="Pick one, or type any value and press Enter. Changing α keeps training.",
            **bound("alpha", on_alpha),
        )
        if s.get("alpha_error"):
            sb.error(s.alpha_error)
    if "decay" in shown:
        sb.select_slider(
            "Learning-rate decay",
            state.DECAY_OPTIONS,
            help="The update from epoch t uses α / (1 + decay·t): big steps first, smaller later.",
            **bound("decay"),
        )
    if "batch" in shown:
        sb.selectbox(
            "Batch size",
            ["full", *state.BATCH_SIZES[1:]],
            format_func=lambda b: "full batch (the notes)" if b == "full" else str(b),
            **bound("batch"),
        )
    if "l2" in shown:
        sb.select_slider("L2 regularisation λ", state.L2_OPTIONS, **bound("l2"))
    if "l1" in shown:
        sb.select_slider(
            "L1 regularisation λ₁",
            state.L1_OPTIONS,
            help="Adds λ₁/m·Σ|W| to the cost and λ₁/m·sign(W) to each dW: pushes weights to 0.",
            **bound("l1"),
        )
    sb.selectbox(
        "Stop Play",
        list(live.STOP_RULES),
        help="Play pauses by itself at exactly the epoch where this holds.",
        **bound("stop_kind", on_stop_kind),
    )
    kind, default, lo, hi, step = live.STOP_RULES[ui["stop_kind"]]
    if kind is not None:
        sb.number_input(
            f"Stop Play {ui['stop_kind']}", min_value=lo, max_value=hi, step=step,
            format="%d" if kind == "epoch" else "%g", **bound("stop_value"),
        )  # fmt: skip

    sb.header("View")
    sb.toggle("Show test points", **bound("show_test"))
    sb.toggle("Discretize output", **bound("discretize"))
    sb.toggle("Size points by error |dZ|", **bound("point_error"))
    sb.toggle("Log-scale cost", **bound("log_cost"))

    with sb.expander("Classroom link"):
        st.multiselect(
            "Hide these controls",
            list(state.CONTROLS),
            format_func=state.CONTROLS.get,
            help="For a lesson: the page's link then opens with these controls set to the "
            "values shown now, and hidden.",
            **bound("hidden"),
        )
        st.caption("Copy the page's address to share the lesson.")


def csv_upload() -> None:
    """The CSV uploader and what became of the last file uploaded. The file stays in use when
    the visitor looks at another dataset and comes back (the uploader itself then shows no
    file: Streamlit forgets it), until another file replaces it or its × removes it."""
    s, sb = st.session_state, st.sidebar
    sb.file_uploader(
        "CSV file: numeric columns and a label column",
        type=["csv", "txt"],
        key="csv_upload",
        on_change=on_csv_upload,
        help=f"Up to {datasets.MAX_ROWS:,} rows, {datasets.MAX_COLS} feature columns and "
        f"{datasets.MAX_BYTES / 1e6:g} MB. The label is the column named "
        f"{', '.join(datasets.LABEL_NAMES)} (or else the last column): 0 and 1, 0 to K − 1, or "
        f"up to {datasets.MAX_CLASSES} names of classes.",
    )
    if s.csv_error:
        sb.error(s.csv_error)
    if s.csv_file is None:
        sb.info("Until a file is uploaded, the circle data stands in.")
        return
    file_id, name, csv = s.csv_file
    s.csv = (file_id, csv)
    names = csv.class_names
    sb.success(
        f"{name}: {csv.X.shape[1]} rows; features {', '.join(csv.feature_names)}; "
        f"label '{csv.label_name}': {len(names)} classes ({', '.join(names)})."
    )


def on_csv_upload() -> None:
    s = st.session_state
    upload = s.csv_upload
    s.csv_file, s.csv_error = None, ""
    if upload is None:  # removed by the visitor
        return
    try:
        s.csv_file = (upload.file_id, upload.name, read_csv(upload.getvalue()))
    except datasets.DatasetError as err:
        s.csv_error = f"{upload.name}: {err}"


def draw_controls() -> None:
    """The class a click adds, Undo and Clear, and how many points there are."""
    s, sb = st.session_state, st.sidebar
    K = int(s.ui["classes"])
    if s.ui["draw_class"] >= K:  # (fewer classes than when it was chosen)
        s.ui["draw_class"] = K - 1
    sb.segmented_control(
        "A click on the decision boundary adds",
        tuple(range(K)),
        format_func=lambda c: f"class {c}",
        required=True,
        **bound("draw_class"),
    )
    c1, c2 = sb.columns(2)
    c1.button("Undo point", key="undo_point", on_click=on_undo_point, width="stretch")
    c2.button("Clear", key="clear_points", on_click=on_clear_points, width="stretch")
    counts = views.class_counts([p[2] for p in s.drawn], state.CLASSES_RANGE[1])
    aside = sum(counts[K:])
    sb.caption(
        f"{len(s.drawn)} points ({', '.join(f'{n} of class {c}' for c, n in enumerate(counts[:K]))}"
        f"; at most {MAX_DRAWN}), split into training and test by the training share. Each new "
        "point starts the network again."
        + (
            f" {aside} points of higher classes wait aside until there are more classes."
            if aside
            else ""
        )
    )


@st.cache_data(max_entries=16, show_spinner=False)
def read_csv(content: bytes) -> datasets.CSVData:
    """``datasets.load_csv`` of an upload's bytes (a pure function, so cached by content)."""
    return datasets.load_csv(content, multiclass=True)


def show(fig, key: str, select=False, live: bool = False, add: bool = False, player=None):
    """Draw a figure; with ``select``, clicking a point reruns and returns the selection; with
    ``live``, in a chart that Plotly redraws in place (``fig`` may then be its ``live_spec``;
    ``select="units"``: a click on any point with customdata, a unit or edge of the network,
    else on a training point); ``player``: more data for that chart (a reel of frames while
    playing, the boundary's shading; see playground/web)."""
    if live:
        live_chart(
            key="live_" + key,
            data={
                "spec": fig if isinstance(fig, str) else live_spec(fig),
                "config": LIVE_CONFIG,
                "plotly": plotly_source(),
                "select": select,
                "add": add,
                **(player or {}),
            },  # fmt: skip
            # a click on a point reruns, as on_select does
            on_selection_change=partial(keep_pick, "live_" + key),
            on_added_change=on_added,
        )
        return picked("live_" + key) if select else None
    presented(fig)
    if select:
        st.plotly_chart(
            fig, config=PLOT_CONFIG, theme=None, key=key, on_select=partial(keep_pick, key),
            selection_mode="points",
        )  # fmt: skip
        return picked(key)
    return st.plotly_chart(fig, config=PLOT_CONFIG, theme=None, key=key)


def keep_pick(key: str) -> None:
    """A click on a chart's point (or a double click that clears it): kept by the app, with the
    run it belongs to, so that it outlives the runs in which its chart is not drawn."""
    s = st.session_state
    s.picks[key] = (s.get("network_no", 0), _component_value(key, "selection"))


def picked(key: str) -> dict | None:
    """``{"selection": ...}`` of the point last clicked on the chart ``key`` in this run."""
    s = st.session_state
    network_no, selection = s.picks.get(key, (None, None))
    if selection and network_no == s.get("network_no", 0):
        return {"selection": selection}
    return None


def live_spec(fig) -> str:
    """The JSON of ``fig`` as a live chart draws it."""
    return pio.to_json(presented(fig), validate=False)


def presented(fig):
    """``fig`` with the large type of presentation mode when it is on (changed in place)."""
    if st.session_state.ui["present"] and fig.layout.meta != "present":  # for a big room
        fig.update_layout(font_size=22, title_font_size=30, legend_font_size=20, meta="present")
        fig.update_xaxes(title_font_size=24, tickfont_size=20)
        fig.update_yaxes(title_font_size=24, tickfont_size=20)
        fig.update_annotations(font_size=22)
        if fig.layout.height:
            fig.update_layout(height=int(fig.layout.height * 1.25))
    return fig


def point_contribution(t: Trainer, event) -> None:
    """A clicked training point's own share of dWL and dBL (the notes' sum over i)."""
    points = (event or {}).get("selection", {}).get("points", [])
    if not points:
        st.caption("Click a training point to see its own contribution to the last layer's dW.")
        return
    d = t.data
    i = views.nearest_point(d.P_train, points[0]["x"], points[0]["y"])
    c = notes.gradient_contribution(t, i)
    L = c["layer"]
    where = f"**Training point {i}** at ({c['point'][0]:.2f}, {c['point'][1]:.2f})"
    if c["output"] == "softmax":
        name = d.class_names[c["label"]]
        st.markdown(
            f"{where}, class {name} (its y is the one-hot column below): the network gives "
            f"that class a probability of {c['a'][c['label'], 0]:.3f}, so its error is "
            f"dZ{L} = a{L} − y and its loss −log a{L}[{name}] is {c['loss']:.3f}."
        )
        st.latex(
            notes.matrix_view(f"a{L}", c["a"], max_full=8).latex
            + r"\quad "
            + notes.matrix_view("y", c["y"], max_full=8).latex
            + r"\quad "
            + notes.matrix_view(f"dZ{L}", c["dZ"], max_full=8).latex
        )
    else:
        st.markdown(
            f"{where}, label y = {int(c['y'][0, 0])}: the network says a{L} = "
            f"{c['a'][0, 0]:.3f}, so its error dZ{L} = a{L} − y = {c['dZ'][0, 0]:+.3f} and its "
            f"loss is {c['loss']:.3f}."
        )
    share = notes.matrix_view(f"dW{L}", c["dW"], max_full=8)
    bias = (
        notes.matrix_view(f"dB{L}", c["dB"], max_full=8).latex
        if c["output"] == "softmax"
        else (f"{c['dB'][0, 0]:.3g}")
    )
    st.latex(
        rf"\tfrac{{1}}{{m}}\,dZ_{L}^{{(i)}}\,a_{{{L - 1}}}^{{(i)T}} = "
        + share.latex
        + rf"\qquad \tfrac{{1}}{{m}}\,dZ_{L}^{{(i)}} = {bias}"
    )
    st.caption(
        f"Summed over all {t.m} training points these shares make dW{L} = 1/m·dZ{L}·A{L - 1}ᵀ."
    )


def template() -> str:
    """The charts' Plotly template for the page's theme: dark when the app is configured dark
    (``theme.base``; the browser's report can still say "light" then), else as reported (a
    visitor may pick dark in the settings menu)."""
    reported = getattr(getattr(st.context, "theme", None), "type", None)
    dark = st.get_option("theme.base") == "dark" or reported == "dark"
    return "plotly_dark" if dark else "plotly_white"


def export_section() -> None:
    s = st.session_state
    t = s.trainer
    sb = st.sidebar
    sb.header("Share and export")
    sb.caption("The address bar holds this run's settings: copy it to share the same run.")
    sb.download_button(
        "History (CSV)",
        data=lambda: t.history.to_csv(index=False),
        file_name="history.csv",
        mime="text/csv",
        on_click="ignore",
    )
    sb.download_button(
        "Weights (JSON)",
        data=lambda: export.weights_json(t),
        file_name="weights.json",
        mime="application/json",
        on_click="ignore",
    )
    if t.config.batch_size is None:
        sb.download_button(
            "NumPy script that reproduces this run (.py)",
            data=lambda: export.numpy_script(t, max(t.epoch, 100)),
            file_name="backprop_run.py",
            mime="text/x-python",
            on_click="ignore",
            help="The notes' equations in plain NumPy, with this run's data and initial weights; "
            "`python backprop_run.py history.csv weights.json` retrains it.",
        )
    sb.download_button(
        "Whole run, to continue later (.npz)",
        data=lambda: runfile.save(t),
        file_name=f"run-epoch-{t.epoch}.npz",
        mime="application/octet-stream",
        on_click="ignore",
    )
    sb.file_uploader(
        "Continue a saved run",
        type=["npz"],
        key="run_upload",
        on_change=on_run_upload,
        help=f"A file saved here with the button above (at most {runfile.MAX_BYTES // 2**20} MB).",
    )
    if s.get("run_error"):
        sb.error(s.run_error)


def on_run_upload() -> None:
    """Replace the run by an uploaded one and show its settings."""
    s = st.session_state
    upload = s.run_upload
    s.run_error = ""
    if upload is None:
        return
    try:
        t = runfile.load(upload.getvalue())
    except runfile.RunFileError as err:
        s.run_error = str(err)
        return
    show_config(t.config.replace(alpha=t.alpha))
    s.trainer, s.trainer_csv, s.playing = t, None, False
    s.pacer.reset()
    s.notice = f"Loaded a saved run at epoch {t.epoch}; Step or Play continues it."


def draw_views(
    t: Trainer, frame: views.Frame, key: str = "", reel: list[views.ReelFrame] | None = None
) -> None:
    """Metrics and charts of the network at ``frame`` (the current state, or a replayed one);
    while playing, ``reel``: the frames since the last rerun, which the page plays in turn."""
    s = st.session_state
    ui = s.ui
    shared = None
    if reel:
        shared = live.reel_header(s.frame_no, [f.epoch for f in reel])
        live_chart(key="live_metrics", data={"reel": shared, "metrics": [f.metrics for f in reel]})
    else:
        for column, (label, value) in zip(
            st.columns(5), views.metrics(frame.epoch, frame.row), strict=True
        ):
            column.metric(label, value)
    if t.data.classes > 2 and not reel:
        class_accuracy(t, frame)
    if t.config.decay and not key:
        st.caption(f"Learning-rate decay: the next step uses α = {t.step_alpha:.4g}.")

    tpl = template()
    live_now = s.playing and not key  # Play's frames: every chart redrawn in place
    in_place = not key  # the boundary and the cost change with every Step too
    left, right = st.columns([1, 1])
    d = t.data
    with left:
        if d.P_train.shape[0] >= 2:
            # The live page draws the shading as an image under the points (one frame per
            # Step, a reel of them while playing: see playground/web); a replay as a contour.
            if reel:  # the frames carry the network's output: the figure needs only the axes
                (xs, ys), P = views.plane(t), None
                frames = [f.shading for f in reel]
            else:
                xs, ys, P = views.boundary(t, frame.params)
                frames = [views.shading(P)]
            image = in_place
            player = None
            if image:
                player = {
                    "frames": frames,
                    "shading": figures.shading_colors(tpl, ui["discretize"], d.class_names),
                    **({"reel": shared} if reel else {}),
                }
            fig = figures.decision_boundary(
                xs,
                ys,
                P,
                d.P_train,
                d.Y_train,
                d.P_test,
                d.Y_test,
                show_test=ui["show_test"],
                discretize=ui["discretize"],
                point_size=views.point_error(frame) if ui["point_error"] else None,
                shading="image" if image else "trace",
                class_names=d.class_names,
                template=tpl,
                height=540,
            )
            interactive = not key and not s.playing
            drawing = not key and ui["dataset"] == DRAW
            event = show(
                fig, key + "boundary", select=interactive, live=in_place, add=drawing,
                player=player,
            )  # fmt: skip
            if interactive:
                point_contribution(t, event)
        else:
            st.info("The decision boundary needs two input columns.")
    with right:
        show(
            figures.cost_curve(
                frame.history, log_y=ui["log_cost"], title="Cost", template=tpl, height=540
            ),
            key + "cost",
            live=in_place,
            player={"reel": shared} if reel else None,
        )

    c1, c2 = st.columns([2, 3])
    c1.segmented_control("View", VIEWS, required=True, **bound("view"))
    if ui["view"] != "Gradients":
        c2.segmented_control(
            "Show", list(KINDS), format_func=KINDS.get, required=True, **bound("kind")
        )
    if ui["view"] == "Network" and not key and views.animates_network(t):
        # the network drawn in place: its edges and maps one image per frame or Step
        if reel:
            frames = [f.network for f in reel]
        else:
            frames = [views.network_inputs(t, frame.params, frame.grads, ui["kind"])]
        event = network_view(t, frames, shared, tpl, pick=not s.playing)
        if not s.playing:
            network_pick(t, frame, event, tpl)
        return
    # While playing, the other views redraw a few times a second (the boundary, the cost and the
    # metrics every frame): between redraws the same figures go out again, which the browser
    # does not draw again, so it keeps up with the frames that matter.
    showing = (ui["view"], ui["kind"], tpl, ui["present"])
    due = not live_now or s.slow_throttle.due(time.monotonic(), showing)
    if due or "slow_figs" not in s:
        s.slow_figs = lower_figures(t, frame, tpl)
    for name, fig in s.slow_figs:  # full width each: narrow heatmap panels would crowd
        # every view changes with each Step too: in place (the network reports a click on a
        # unit or an edge)
        pickable = name == "network" and not key and not s.playing
        event = show(fig, key + name, select="units" if pickable else False, live=in_place)
        if pickable:
            network_pick(t, frame, event, tpl)


def class_accuracy(t: Trainer, frame: views.Frame) -> None:
    """The training accuracy of each class, each in its class's colour (K >= 3 classes)."""
    colors = figures.class_colors(template(), t.data.classes)
    chips = " &nbsp;·&nbsp; ".join(
        f"<span style='color:{color};font-size:1.3em'>■</span> class {html.escape(name)}: "
        f"{html.escape(text)}"
        for color, (name, text) in zip(
            colors, views.class_accuracy_labels(t, frame.params), strict=True
        )
    )
    st.html(f"<div style='font-size:0.95rem'>Training accuracy by class: {chips}</div>")


def network_pick(t: Trainer, frame: views.Frame, event, tpl: str) -> None:
    """A clicked unit: its map, large, and its bias to edit; a clicked edge: its weight."""
    points = (event or {}).get("selection", {}).get("points", [])
    picked = views.picked_parameter(t.layer_sizes, [p.get("customdata") for p in points])
    if picked is None:
        st.caption(
            "Click a unit to see its map large and edit its bias, or the middle of an edge to "
            "edit its weight."
        )
        return
    k, i, j = picked
    if j is not None:
        what = f"unit {j} of layer {k - 1} → unit {i} of layer {k}"
        edit_parameter(t, frame, f"W{k}", (i, j), what)
        return
    left, right = st.columns([3, 2])
    name = f"X[{i}] = {t.data.feature_names[i]}" if k == 0 else f"a{k}[{i}]"
    with left:
        xs, ys, A = views.unit_grid(t, k, i, frame.params)
        d = t.data
        fig = figures.unit_map(
            xs, ys, A, d.P_train, d.Y_train, name=name, class_names=d.class_names, template=tpl
        )
        show(fig, "unit_map")
    with right:
        if k == 0:
            st.markdown(f"**Input {name}**: the network sees each point through this feature.")
        else:
            f = "sigmoid" if k == t.L else t.config.activations[k - 1]
            st.markdown(f"**Unit {name}** = {f}(Z{k}[{i}]), drawn over the input plane:")
            p, acts = frame.params, t.config.activations
            st.latex(notes.unit_formula(p, acts, t.data.feature_names, k, i))
            edit_parameter(t, frame, f"B{k}", (i, 0), f"the bias of unit {i} of layer {k}")


def edit_parameter(t: Trainer, frame: views.Frame, name: str, index, what: str) -> None:
    """The value, gradient and next update of one parameter, and a form to set it."""
    value, grad, update = views.parameter_values(frame, t.step_alpha, name, index)
    label = f"{name}[{index[0]},{index[1]}]" if name[0] == "W" else f"{name}[{index[0]}]"
    st.markdown(
        f"**{label}**, {what}: now {value:.4g}; d{label} = {grad:.3g}, so the next step "
        f"changes it by −α·d{name} = {update:+.3g}."
    )
    if t.diverged:
        st.caption("Training diverged: Reset to edit the network again.")
        return
    start = views.edit_start(value, MAX_EDIT)
    if start != value:
        st.caption(f"An edit can set values within ±{MAX_EDIT:,g}: the form starts at {start:g}.")
    form_key = f"edit_{name}_{index[0]}_{index[1]}_{t.epoch}"
    with st.form(form_key, border=False):
        st.number_input(
            f"New value of {label}",
            min_value=-MAX_EDIT,
            max_value=MAX_EDIT,
            value=start,
            step=0.1,
            format="%.4f",
            key=form_key + "_value",
        )
        st.form_submit_button(
            "Set", on_click=on_edit, args=(name, index, form_key + "_value"), type="primary"
        )


def on_edit(name: str, index, value_key: str) -> None:
    s = st.session_state
    try:
        s.trainer.set_parameter(name, index, float(s[value_key]))
    except ValueError as err:
        s.notice = f"Not set: {err}."
        return
    s.staged = None  # a staged epoch in progress saw the old value
    s.notice = f"{name}{list(index)} set to {float(s[value_key]):g} at epoch {s.trainer.epoch}."


def network_figure(t: Trainer, tpl: str, mats, biases, node_maps, every_width=False):
    """The network view's figure of ``mats``, ``biases`` and ``node_maps`` (of the chosen kind)."""
    kind = st.session_state.ui["kind"]
    return figures.network_graph(
        t.layer_sizes,
        mats,
        kind=kind,
        biases=biases,
        node_maps=node_maps,
        activations=t.config.activations,
        title=f"The network: {KINDS[kind]}",
        template=tpl,
        every_width=every_width,
        class_names=t.data.class_names if t.data.classes > 2 else None,
    )


def network_view(t: Trainer, frames: list[dict], shared: dict | None, tpl: str, pick: bool):
    """The network as one figure that the page redraws with each frame (``frames``: one
    paused, a reel's while playing, with their ``shared`` reel header): its edges and unit
    maps painted as one image, the values under the mouse in a readout, plain nodes' bias
    colours (see playground/web). With ``pick``, a click on a unit or edge is returned."""
    s = st.session_state
    kind, present = s.ui["kind"], s.ui["present"]
    base_key = (kind, tpl, present, t.layer_sizes, t.config.activations, s.get("network_no"))
    if s.get("network_base_key") != base_key:  # the figure every frame changes
        fig = network_figure(t, tpl, every_width=True, **frames[-1])
        s.network_base_key, s.network_base = base_key, live_spec(fig)
    player = {"network": figures.network_reel(t.layer_sizes, frames, kind=kind, template=tpl)}
    if shared:
        player["reel"] = shared
    select = "units" if pick else False
    return show(s.network_base, "network", select=select, live=True, player=player)


def lower_figures(t: Trainer, frame: views.Frame, tpl: str) -> list[tuple[str, object]]:
    """The chosen view below the boundary: ``[(chart key, figure), ...]``."""
    ui = st.session_state.ui
    kind = ui["kind"]
    params, grads = frame.params, frame.grads
    if ui["view"] == "Network":
        mats = views.matrices(params, grads, t.step_alpha, kind)
        biases = views.biases(params, grads, t.step_alpha, kind)
        return [("network", network_figure(t, tpl, mats, biases, views.node_maps(t, params)))]
    if ui["view"] == "Weights":
        mats = views.matrices(params, grads, t.step_alpha, kind)
        mats.update(views.biases(params, grads, t.step_alpha, kind))
        fig = figures.matrix_heatmaps(mats, title=KINDS[kind], template=tpl, height=520)
        return [("weights", fig)]
    return [
        ("grad_norms", figures.gradient_norms(frame.history, template=tpl)),
        ("grad_maps", figures.gradient_heatmaps(grads, template=tpl)),
    ]


def live_view() -> None:
    """The part of the page that Play redraws: controls, metrics and charts."""
    s = st.session_state
    ui, t = s.ui, s.trainer
    rule = stop_rule()
    reel = None
    if s.playing and not t.diverged:
        n = rule.limit(t.epoch, s.pacer.plan(live.SPEEDS[ui["speed"]], time.monotonic()))
        reel, done, seconds = [], 0, 0.0
        animated = ui["view"] == "Network" and views.animates_network(t)
        network_kind = ui["kind"] if animated else None
        for epochs in live.split_reel(n, s.pacer.frames):
            start = time.perf_counter()
            done += t.step(epochs, until=rule.until)
            seconds += time.perf_counter() - start
            if t.diverged or rule.reached(t.epoch, t.last):
                break
            reel.append(views.reel_frame(t, network_kind))
        s.pacer.record(done, seconds)
        if t.diverged:
            s.playing = False
            s.full_rerun = True
        elif rule.reached(t.epoch, t.last):
            s.playing = False
            s.full_rerun = True
            s.notice = f"Play stopped at epoch {t.epoch:,}: {rule.describe()}."
        if not reel:  # (e.g. 1 epoch/s between two epochs): the page shows this epoch again
            reel.append(views.reel_frame(t, network_kind))
        s.frame_no = s.get("frame_no", 0) + 1
        # Pause goes back to the frame on screen: the marks of the reels the page may show
        s.reel_marks = {
            **{k: v for k, v in s.get("reel_marks", {}).items() if k > s.frame_no - 3},
            s.frame_no: [f.mark for f in reel],
        }

    c = st.columns([1, 1, 1.3, 1, 1.6])
    c[0].button(  # two keys: a click on Pause can only ever pause, one on Play only play
        "Pause" if s.playing else "Play",
        key="pause" if s.playing else "play",
        on_click=set_playing,
        args=(not s.playing,),
        type="primary",
        icon=":material/pause:" if s.playing else ":material/play_arrow:",
        width="stretch",
    )
    c[1].button(
        "Step",
        key="step",
        on_click=on_step,
        icon=":material/skip_next:",
        width="stretch",
        shortcut="Right",
    )
    c[2].segmented_control(
        "Epochs per step",
        STEP_SIZES,
        required=True,
        **bound("step_size"),
        label_visibility="collapsed",
        format_func=lambda n: f"{n}×",
    )
    c[3].button(
        "Reset", key="reset", on_click=on_reset, icon=":material/restart_alt:", width="stretch"
    )
    c[4].selectbox(
        "Speed",
        list(live.SPEEDS),
        label_visibility="collapsed",
        **bound("speed"),
        help="Epochs per second while playing.",
    )
    if t.diverged:
        st.error(t.message)
    elif s.notice:
        st.info(s.notice)
    draw_views(t, views.current_frame(t), reel=reel if s.playing else None)
    if not s.playing:
        query = state.config_to_query(t.config.replace(alpha=t.alpha), t.epoch)
        if ui["present"]:
            query["present"] = "1"
        if s.get("preset"):
            query["preset"] = s.preset
        if ui["hidden"]:
            query["hide"] = ",".join(ui["hidden"])
        st.query_params.from_dict(query)
    if s.pop("full_rerun", False):
        st.rerun(scope="app")
    if s.playing and reel:  # last, after every chart of this reel: see playground/web
        frame_clock(
            key="frame_clock",
            data={
                "clock": True,
                "reel": live.reel_header(s.frame_no, [f.epoch for f in reel]),
                "min_ms": int(live.FRAME_SECONDS * 1000),
                "pause_key": "pause",
                "step_key": "step",
            },  # fmt: skip
            on_drawn_change=lambda: None,  # the trigger's rerun of this fragment is the point
            on_paused_change=on_paused,
        )


def replay_view() -> None:
    """A timeline over the trainer's snapshots: every view as it was at that epoch."""
    s = st.session_state
    t = s.trainer
    epochs = [int(e) for e in t.snapshot_epochs]
    if len(epochs) < 2:
        st.info("Train a few epochs in the Train tab first; then replay them here.")
        return
    if s.ui["replay_epoch"] not in epochs:  # a run trained since, or a new one
        s.ui["replay_epoch"] = epochs[-1]
    st.select_slider(
        "Epoch to replay",
        epochs,
        help=f"{len(epochs)} snapshots recorded (thinned evenly as training goes on).",
        **bound("replay_epoch"),
    )
    draw_views(t, views.replay_frame(t, s.ui["replay_epoch"]), key="replay_")


def on_stage() -> None:
    s = st.session_state
    staged = staged_step()
    staged.advance()
    s.stage_note = staged.current.title if staged.current else ""


def staged_step() -> notes.StagedStep:
    """The session's stage-by-stage epoch, rebuilt when the trainer is replaced."""
    s = st.session_state
    if s.get("staged") is None or s.staged.trainer is not s.trainer:
        s.staged = notes.StagedStep(s.trainer)
    return s.staged


def equations_view() -> None:
    """The notes' equations with the current shapes and numbers, and a staged epoch."""
    s = st.session_state
    t = s.trainer
    staged = staged_step()
    current = staged.current
    done = staged.position  # stages run so far in this epoch
    c = st.columns([1.2, 3])
    c[0].button(
        "Next stage",
        key="next_stage",
        on_click=on_stage,
        type="primary",
        icon=":material/skip_next:",
        width="stretch",
        shortcut="Right",
        disabled=t.diverged,
    )
    titles = [stage.title for stage in staged.stages]
    c[1].progress(
        done / len(titles),
        text=f"Epoch {t.epoch}: stage {done} of {len(titles)}"
        + (f" — {current.title}" if current else " — press Next stage to start the forward pass"),
    )
    if t.config.batch_size is not None:
        st.caption("Mini-batch runs: the update stage trains one whole epoch of mini-batches.")
    active = set(current.equation_keys) if current else set()
    produced = staged.produced() if current else {}
    layer = current.layer if current else None
    eqs = notes.equations(t)
    if current:  # the stage just run, under the button: its equations and the numbers made
        with st.container(border=True):
            st.markdown(f"**▶ {current.title}**")
            for eq in eqs:
                if eq.key in active:
                    st.latex(eq.latex)
                    for name in eq.names:
                        if name in produced:
                            st.latex(notes.matrix_view(name, produced[name]).display)
    params, grads = t.params, t.grads
    touched = (layer,) if layer else tuple(range(1, t.L + 1)) if current else ()
    show(
        figures.network_graph(
            t.layer_sizes,
            views.matrices(params, grads, t.alpha, "W"),
            biases=views.biases(params, grads, t.alpha, "W"),
            activations=t.config.activations,
            title="The network"
            + (f": this stage works on layer {layer}" if layer else "")
            + (": this stage updates every layer" if current and not layer else ""),
            template=template(),
            height=380,
            highlight=touched,
        ),
        "eq_network",
    )
    section = None
    for eq in eqs:  # all the notes' lines; the current stage's framed
        if eq.section != section:
            section = eq.section
            st.subheader(section)
        with st.container(border=eq.key in active):
            st.latex(eq.latex)
            with st.expander("values", expanded=False):
                for view in eq.values.values():
                    st.latex(view.display)
    left, right = st.columns(2)
    with left:
        st.subheader("Shape ledger")
        st.dataframe(notes.shape_ledger(t), hide_index=True, width="stretch")
        st.caption(
            "Every matrix of the last step, in the notes' orientation; each dWk must have the "
            "shape of Wk for Wk − α·dWk to make sense."
        )
    with right:
        st.subheader("A matrix up close")
        names = ["W1", *[f"dW{k}" for k in range(1, t.L + 1)]]
        if s.ui["eq_heatmap"] not in names:  # a shallower network than when it was chosen
            s.ui["eq_heatmap"] = "W1"
        pick = st.selectbox("Heatmap of", names, **bound("eq_heatmap"))
        mats = {**params, **grads}
        show(
            figures.matrix_heatmaps({pick: mats[pick]}, template=template(), height=320), "eq_heat"
        )


def on_gradcheck() -> None:
    s = st.session_state
    t = s.trainer
    d = t.data
    s.gradcheck = (
        t.epoch,
        checks.gradient_check(
            t.params,
            d.X_train,
            d.Y_train,
            t.config.activations,
            t.config.l2,
            l1=t.config.l1,
            output=t.output,
        ),
    )


def checks_view() -> None:
    """Checks a learner can run on the current network."""
    s = st.session_state
    t = s.trainer
    d, acts, tpl = t.data, t.config.activations, template()
    st.subheader("Gradient check")
    st.caption(
        "Nudge each weight by ±h, measure how the cost changes, and compare that slope with the "
        "gradient backpropagation computed. Large matrices are checked on a random sample."
    )
    st.button(
        "Check the gradients now",
        key="run_gradcheck",
        on_click=on_gradcheck,
        icon=":material/fact_check:",
    )
    result = s.get("gradcheck")
    if result is not None:
        epoch, rows = result
        st.markdown(f"At epoch {epoch}: **{checks.overall(rows)}**")
        left, right = st.columns([3, 2])
        with left:
            show(figures.gradcheck_figure(rows, template=tpl), "gradcheck")
        with right:
            st.dataframe(
                [
                    {
                        "matrix": r.name,
                        "checked": f"{r.checked} of {r.total}",
                        "relative error": f"{r.rel_error:.1e}",
                        "verdict": checks.verdict(r.rel_error).split(":")[0],
                    }
                    for r in rows
                ],
                hide_index=True,
                width="stretch",
            )

    st.subheader("Activations")
    st.caption(
        "f(z) and f′(z) of each hidden layer, with the layer's current z values behind them: "
        "where f′ is near 0 (saturated sigmoid/tanh, dead ReLU) little gradient flows back."
    )
    if acts:
        stats = checks.activation_stats(t.cache, acts)
        panels = checks.activation_panels(stats)
        show(figures.activation_view(panels, template=tpl), "activations")
    else:
        st.info(
            "This network has no hidden layer: its only activation is the output's "
            + ("sigmoid." if t.output == "sigmoid" else "softmax.")
        )

    st.subheader("Output layer")
    out = checks.output_stats(t.cache, d.Y_train, t.output)
    st.caption(
        f"The {out.output} output on the training points: each point's prediction is its most "
        f"probable class. It gives each point's own class a probability of "
        f"{out.mean_true_prob:.3f} on average (1/{out.classes} for an even guess); "
        f"{out.confident:.0%} of the points are predicted with more than 99 % and "
        f"{out.confident_wrong:.0%} that surely and wrongly. Its error dZ{out.layer} = "
        f"A{out.layer} − Y stays large on a wrong point however saturated the output: the "
        f"cost's log undoes the flat tails (mean |dZ{out.layer}| = {out.mean_abs_dZ:.3f})."
    )
    st.dataframe(
        {
            "class": list(d.class_names),
            "points labelled": out.actual.tolist(),
            "points predicted": out.predicted.tolist(),
        },
        hide_index=True,
    )

    st.subheader("Learning-rate preview")
    st.caption(
        "The cost after one step of size α along the current gradient, for many α: where the "
        "curve turns upward, that step size overshoots, and training would diverge."
    )
    preview = checks.lr_preview(
        t.params, t.grads, d.X_train, d.Y_train, acts, t.config.l2, l1=t.config.l1, output=t.output
    )
    show(
        figures.lr_preview_figure(
            preview.alphas, preview.costs, t.step_alpha, preview.current, template=tpl
        ),
        "lr_preview",
    )
    best = checks.best_alpha(preview.alphas, preview.costs)
    if best is not None:
        st.caption(
            f"Lowest cost after one step at α ≈ {best:.3g}; the next step's α is "
            f"{t.step_alpha:.4g}."
        )


def compare_view() -> None:
    """Two configurations side by side on the same data and seed."""
    s = st.session_state
    a_config = s.trainer.config.replace(alpha=s.trainer.alpha)
    c = st.columns(4)
    c[0].markdown(
        f"**Run A**: this page's settings ({', '.join(a_config.activations) or 'no hidden layer'}, "
        f"α = {a_config.alpha:g}, {a_config.init})"
    )
    ui = s.ui
    first = a_config.activations[0] if a_config.activations else "tanh"
    ui.setdefault("cmp_act", "sigmoid" if first != "sigmoid" else "relu")  # (the first visit)
    ui.setdefault("cmp_alpha", _alpha_label(a_config.alpha))
    ui.setdefault("cmp_init", a_config.init)
    c[1].selectbox(
        "Run B: every hidden activation",
        state.ACTIVATION_NAMES,
        format_func=state.ACTIVATION_LABELS.get,
        **bound("cmp_act"),
    )
    alphas = [_alpha_label(a) for a in state.ALPHAS]
    if ui["cmp_alpha"] not in alphas:  # (a typed α of run A's, taken on the first visit)
        alphas.append(ui["cmp_alpha"])
    c[2].selectbox("Run B: α", alphas, **bound("cmp_alpha"))
    c[3].selectbox(
        "Run B: initialisation",
        list(state.INIT_LABELS),
        format_func=state.INIT_LABELS.get,
        **bound("cmp_init"),
    )
    b_config = a_config.replace(
        activations=(ui["cmp_act"],) * len(a_config.hidden),
        alpha=float(ui["cmp_alpha"]),
        init=ui["cmp_init"],
    )
    pair = s.get("compare")
    if pair is None or pair[0].config != a_config or pair[1].config != b_config:
        data = s.trainer.data
        pair = (Trainer(a_config, data=data), Trainer(b_config, data=data))
        s.compare = pair
    b = st.columns([1, 1, 4])
    epochs = b[0].selectbox("Epochs", (10, 100, 1000), **bound("cmp_epochs"))
    if b[1].button(f"Train both {epochs}", key="cmp_train", type="primary"):
        for t in pair:
            t.step(epochs)
    ta, tb = pair
    label_a = f"A ({'/'.join(a_config.activations) or 'no hidden layer'}, α={a_config.alpha:g})"
    label_b = f"B ({'/'.join(b_config.activations) or 'no hidden layer'}, α={b_config.alpha:g})"
    b[2].markdown(
        f"Epoch {ta.epoch}: cost A = {ta.last['train_cost']:.4f}, "
        f"B = {tb.last['train_cost']:.4f}"
        + ("  \n" + tb.message if tb.diverged else "")
        + ("  \n" + ta.message if ta.diverged else "")
    )
    tpl = template()
    show(figures.compare_runs(ta.history, tb.history, label_a, label_b, template=tpl), "compare")
    cols = st.columns(2)
    for col, t, label, key in ((cols[0], ta, label_a, "cmp_a"), (cols[1], tb, label_b, "cmp_b")):
        with col:
            d = t.data
            xs, ys, P = views.boundary(t)
            show(
                figures.decision_boundary(
                    xs,
                    ys,
                    P,
                    d.P_train,
                    d.Y_train,
                    d.P_test,
                    d.Y_test,
                    class_names=d.class_names,
                    title=label,
                    template=tpl,
                    height=500,
                ),
                key,
            )


def sweep_view() -> None:
    """Train a grid of configurations and compare their final costs."""
    s = st.session_state
    base = s.trainer.config.replace(alpha=s.trainer.alpha)
    st.caption(
        f"Every cell trains this page's network for the chosen number of epochs with the two "
        f"values changed, in parallel worker processes (joblib). At most {sweep.MAX_CELLS} "
        f"cells and {sweep.MAX_EPOCHS:,} epochs."
    )
    c = st.columns(3)
    alphas = c[0].multiselect("α values", list(state.ALPHAS), **bound("sw_alphas"))
    units = c[1].multiselect(
        "n1 values (units in layer 1)",
        [1, 2, 3, 4, 6, 8, 12, 16, 24, 32],
        **bound("sw_units"),
    )
    epochs = c[2].select_slider("Epochs", (100, 200, 500, 1000, 2000, 5000), **bound("sw_epochs"))
    cells = len(alphas) * len(units)
    go_col, stop_col = st.columns([1, 5])
    if go_col.button(
        f"Run {cells} trainings",
        key="sw_run",
        type="primary",
        disabled=cells == 0 or cells > sweep.MAX_CELLS,
    ):
        bar = st.progress(0.0, text="Starting workers…")
        cancel = stop_col.empty()  # a click reruns the page, which ends this run
        cancel.button("Cancel", key="sw_cancel")

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=f"{done} of {total} trained")

        try:
            s.sweep_result = sweep.sweep(
                base,
                {"alpha": sorted(alphas), "n1": sorted(units)},
                int(epochs),
                n_jobs=2,
                on_result=progress,
            )
        except ValueError as err:
            st.error(str(err))
        bar.empty()
        cancel.empty()  # nothing left to cancel
    if cells > sweep.MAX_CELLS:
        st.warning(f"{cells} cells: choose at most {sweep.MAX_CELLS}.")
    result = s.get("sweep_result")
    if result is not None:
        (row_name, rows), (col_name, cols) = result.axes
        show(
            figures.sweep_heatmap(
                result.values,
                "α",
                rows,
                "n1",
                cols,
                title=f"Final training cost after {result.epochs} epochs",
                template=template(),
            ),
            "sweep",
        )
        if result.diverged.any():
            st.caption(f"{int(result.diverged.sum())} cells diverged (shown as —).")


def load_plotly() -> None:
    """Without static serving, the live charts take the Plotly of Streamlit's own charts: a
    hidden st.plotly_chart, first on the page, makes Streamlit load it. (With static serving the
    hidden preload went out at the top of this file, before the imports.)"""
    if plotly_source() == "static":
        return
    st.html("<style>.st-key-plotly_loader {display: none;}</style>")
    with st.container(key="plotly_loader"):
        empty = {"data": [{"type": "scatter", "x": [], "y": []}], "layout": {"height": 10}}
        st.plotly_chart(empty, key="plotly_loader_chart")


def present_style() -> None:
    """Presentation mode: no sidebar, larger type (a fixed style sheet of ours)."""
    st.html(
        "<style>"
        "section[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl']"
        "{display: none !important;}"
        "html {font-size: 22px;}"
        # Streamlit draws labels, buttons and captions at 0.875rem: 19 px is too small for
        # the back of a room.
        ".stApp p, .stApp label, .stApp button, .stApp li, .stApp [data-baseweb='select'] *"
        "{font-size: 1.1rem;}"
        "[data-testid='stMetricValue'], [data-testid='stMetricValue'] p {font-size: 2.6rem;}"
        # (Play's metrics: see playground/web/live_chart.js)
        ".live-metric-label {font-size: 1.1rem !important;}"
        ".live-metric-value {font-size: 2.6rem !important;}"
        ".stApp h1 {font-size: 2.2rem; padding: 0 0 0.5rem 0;}"
        ".block-container {max-width: 100%; padding: 1rem 2rem;}"
        "</style>"
    )


def on_mode() -> None:
    s = st.session_state
    if s.ui["mode"] != "Train":
        s.playing = False


def main() -> None:
    load_plotly()  # (without static serving) first: Streamlit fetches its Plotly meanwhile
    init_state()
    s = st.session_state
    ui = s.ui
    if ui["present"]:
        present_style()
    st.title("Backprop Playground")
    if not ui["present"]:  # a presenter's screen keeps its height for the charts
        st.caption(
            "A network with hidden layers f1, f2, … and a sigmoid output (a softmax for more "
            "than two classes) learns by the notes' backpropagation: dZ3 = A3 − Y, "
            "dW3 = 1/m·dZ3·A2ᵀ, dZ2 = W3ᵀ·dZ3 ∗ f2′(Z2), … and W = W − α·dW, on the whole "
            "training set each epoch."
        )
    for p in s.problems:
        st.warning(f"Ignored a setting in the link: {p}")
    preset_box()
    sidebar()
    sync_trainer(widget_config())
    export_section()
    top = st.columns([4, 1.2])
    top[0].segmented_control(
        "Mode", MODES, required=True, label_visibility="collapsed", **bound("mode", on_mode)
    )
    top[1].toggle("Presentation", help="Hide the controls, enlarge the type.", **bound("present"))
    if ui["mode"] == "Train":
        st.fragment(live_view)()
    elif ui["mode"] == "Equations":
        equations_view()
    elif ui["mode"] == "Checks":
        checks_view()
    elif ui["mode"] == "Replay":
        replay_view()
    elif ui["mode"] == "Compare":
        compare_view()
    elif ui["mode"] == "Sweep":
        sweep_view()


if __name__ == "__main__":
    main()
