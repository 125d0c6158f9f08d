"""The playground's settings as one typed table: limits, defaults, and the round trip through a URL.

Everything a visitor can set goes through ``config_from_query``, which never raises: each bad or
out-of-range value is replaced by its default and named in the returned list of problems, so a
mangled shared link still opens a working page.

The number of classes (issue 16) is ``classes=3`` in a link, 2 to ``datasets.MAX_CLASSES``, for
the datasets that make that many (``datasets.CLASSES``: spiral, blobs, pinwheel); two classes
are the default and leave the link as it was.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from playground import datasets, engine
from playground.trainer import Config

ALPHAS = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
ALPHA_RANGE = (1e-6, 100.0)
ACTIVATION_NAMES = tuple(engine.ACTIVATIONS)
ACTIVATION_LABELS = {
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "ReLU",
    "leaky_relu": "Leaky ReLU",
    "linear": "Linear",
}
INIT_LABELS = {
    "xavier": "Xavier (1/n)",
    "he": "He (2/n)",
    "small": "Small (x 0.01)",
    "zeros": "Zeros (symmetry!)",
}
DATASETS = tuple(datasets.GENERATORS)
CLASSES_RANGE = (2, datasets.MAX_CLASSES)  # classes of a generated dataset
MAX_UNITS = 32
MAX_LAYERS = engine.MAX_HIDDEN_LAYERS
NO_LAYERS = "none"  # the link's hidden= and act= for a network without hidden layers
SAMPLES_RANGE = (50, 2000)
NOISE_RANGE = (0.0, 0.5)
RATIO_RANGE = (0.1, 0.9)
SEED_RANGE = (0, 2**31 - 1)
L2_RANGE = (0.0, 10.0)
L2_OPTIONS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
L1_RANGE, L1_OPTIONS = L2_RANGE, L2_OPTIONS  # TensorFlow Playground's rates for both
DECAY_RANGE = (0.0, 1.0)
DECAY_OPTIONS = (0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1)  # alpha / (1 + decay t)
BATCH_SIZES = (None, 1, 10, 30, 100)
DEFAULT = Config(
    dataset="circle",
    n_samples=400,
    noise=0.0,
    train_ratio=0.5,
    features=("x1", "x2"),
    hidden=(4, 4),
    activations=("tanh", "tanh"),
    alpha=0.3,
    seed=0,
    init="xavier",
    batch_size=None,
    l2=0.0,
    l1=0.0,
    decay=0.0,
    classes=2,
)


def classes_for(dataset: str) -> tuple[int, ...]:
    """The numbers of classes ``dataset`` can make: ``(2,)`` for circle, xor, gauss and moons,
    ``(2, ..., 6)`` for spiral, blobs and pinwheel (``datasets.CLASSES``); ``(2,)`` for a name
    that is not a generated dataset (a CSV or drawn points bring their own)."""
    return datasets.CLASSES.get(dataset, (2,))


def fit_classes(config: Config) -> Config:
    """``config``, with two classes if its dataset cannot make ``config.classes`` (a visitor who
    had three spirals and chose the circle gets the circle's two classes, not an error)."""
    if config.classes in classes_for(config.dataset):
        return config
    return config.replace(classes=2)


def _fmt(x: float) -> str:
    """The shortest text that reads back as exactly ``x`` ("0.3", "1e-05", "0.0123456789")."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def _query(config: Config) -> dict[str, str]:
    return {
        "data": config.dataset,
        "classes": str(config.classes),
        "n": str(config.n_samples),
        "noise": _fmt(config.noise),
        "ratio": _fmt(config.train_ratio),
        "feat": ",".join(config.features),
        "hidden": ",".join(map(str, config.hidden)) or NO_LAYERS,
        "act": ",".join(config.activations) or NO_LAYERS,
        "alpha": _fmt(config.alpha),
        "seed": str(config.seed),
        "init": config.init,
        "batch": "full" if config.batch_size is None else str(config.batch_size),
        "l2": _fmt(config.l2),
        "l1": _fmt(config.l1),
        "decay": _fmt(config.decay),
    }


def config_to_query(config: Config, epoch: int = 0) -> dict[str, str]:
    """A flat ``{name: str}`` for ``st.query_params``: the values that differ from DEFAULT."""
    default = _query(DEFAULT)
    out = {k: v for k, v in _query(config).items() if v != default[k]}
    if epoch:
        out["epoch"] = str(int(epoch))
    return out


def _number(raw: str, kind, lo: float, hi: float, name: str, problems: list[str]):
    try:
        value = kind(raw)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        problems.append(f"{name}: {raw[:40]!r} is not a number")
        return None
    if not lo <= value <= hi:
        problems.append(f"{name}: {raw[:40]!r} is outside {lo:,}..{hi:,}")
        return None
    return value


# The names a link may hold: the config's (see _query), the epoch, and the page's own.
QUERY_NAMES = (*_query(DEFAULT), "epoch", "present", "preset", "hide")

# The controls a classroom link can hide (``hide=alpha,layers``): the page then shows the
# lesson's values for them without a way to change them. Name -> label.
CONTROLS = {
    "preset": "Preset",
    "dataset": "Dataset (and CSV upload)",
    "classes": "Number of classes",
    "points": "Points",
    "noise": "Noise",
    "features": "Input features",
    "split": "Training share",
    "seed": "Seed",
    "layers": "Hidden layers and units",
    "activations": "Activations",
    "init": "Initialisation",
    "alpha": "Learning rate α",
    "batch": "Batch size",
    "l2": "L2 regularisation",
    "l1": "L1 regularisation",
    "decay": "Learning-rate decay",
}


def hidden_from_query(query: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The controls a link hides (``hide=alpha,layers``), in ``CONTROLS`` order, and a line
    for ``problems`` about any name it does not know. Never raises."""
    raw = query.get("hide")
    if isinstance(raw, list):
        raw = raw[-1] if raw else None
    if not raw:
        return [], []
    names = {n.strip().lower() for n in str(raw)[:400].split(",") if n.strip()}
    unknown = sorted(n[:20] for n in names - set(CONTROLS))
    problems = []
    if unknown:
        problems.append(
            f"hide: unknown control{'s' if len(unknown) > 1 else ''} "
            + ", ".join(repr(n) for n in unknown[:5])
            + f" (it knows {', '.join(CONTROLS)})"
        )
    return [n for n in CONTROLS if n in names], problems


def _shown(name: str, width: int = 20) -> str:
    """``repr(name)`` in at most ``width`` characters (escapes of odd characters included)."""
    text = repr(name[:width])
    return text if len(text) <= width else text[: width - 2] + "…'"


# Names that sites add to shared links by themselves (tracking): ignored without a word.
_ADDED_BY_SITES = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref)$")


def config_from_query(query: Mapping[str, str]) -> tuple[Config, int, list[str]]:
    """Read a config (and an epoch) from URL parameters; never raises.

    Returns ``(config, epoch, problems)``: anything missing takes DEFAULT's value, anything bad
    too, with a line in ``problems`` saying what was ignored (unknown names included).
    """
    problems: list[str] = []
    fields: dict = {}
    unknown = [
        _shown(str(k)) for k in query if k not in QUERY_NAMES and not _ADDED_BY_SITES.match(str(k))
    ]
    if unknown:
        problems.append(
            f"unknown name{'s' if len(unknown) > 1 else ''} "
            + ", ".join(unknown[:5])
            + ("…" if len(unknown) > 5 else "")
            + f" (a link knows {', '.join(QUERY_NAMES)})"
        )

    def get(key: str) -> str | None:
        value = query.get(key)
        if isinstance(value, list):  # st.query_params may hold lists
            value = value[-1] if value else None
        return None if value is None else str(value)[:400]

    if (v := get("data")) is not None:
        if v in DATASETS:
            fields["dataset"] = v
        else:
            problems.append(f"data: unknown dataset {v[:40]!r}")
    if (v := get("classes")) is not None:
        value = _number(v, int, *CLASSES_RANGE, "classes", problems)
        dataset = fields.get("dataset", DEFAULT.dataset)
        if value is not None and value not in classes_for(dataset):
            several = ", ".join(n for n in DATASETS if len(classes_for(n)) > 1)
            problems.append(
                f"classes: the {dataset} dataset has 2 classes, not {value} "
                f"(more classes: {several})"
            )
        elif value is not None:
            fields["classes"] = value
    for key, field, kind, (lo, hi) in (
        ("n", "n_samples", int, SAMPLES_RANGE),
        ("noise", "noise", float, NOISE_RANGE),
        ("ratio", "train_ratio", float, RATIO_RANGE),
        ("alpha", "alpha", float, ALPHA_RANGE),
        ("seed", "seed", int, SEED_RANGE),
    ):
        if (v := get(key)) is not None:
            value = _number(v, kind, lo, hi, key, problems)
            if value is not None:
                fields[field] = value
    for key, (lo, hi), options in (
        ("l2", L2_RANGE, L2_OPTIONS),
        ("l1", L1_RANGE, L1_OPTIONS),
        ("decay", DECAY_RANGE, DECAY_OPTIONS),
    ):
        if (v := get(key)) is not None:
            value = _number(v, float, lo, hi, key, problems)
            if value in options:
                fields[key] = value
            elif value is not None:
                problems.append(f"{key}: choose one of {', '.join(map(_fmt, options))}")
    if (v := get("feat")) is not None:
        feats = tuple(f for f in v.split(",") if f)
        if feats and all(f in datasets.FEATURES for f in feats) and len(set(feats)) == len(feats):
            fields["features"] = feats
        else:
            problems.append(f"feat: {v[:60]!r} is not a list of known input features")
    hidden, acts = _layers(get("hidden"), get("act"), problems)
    if hidden is not None:
        fields["hidden"], fields["activations"] = hidden, acts
    if (v := get("init")) is not None:
        if v in engine.INIT_METHODS:
            fields["init"] = v
        else:
            problems.append(f"init: unknown initialisation {v[:40]!r}")
    if (v := get("batch")) is not None:
        if v == "full":
            fields["batch_size"] = None
        else:
            value = _number(v, int, 1, 10_000, "batch", problems)
            if value in BATCH_SIZES:
                fields["batch_size"] = value
            elif value is not None:
                problems.append(f"batch: choose one of {BATCH_SIZES[1:]} or full")
    epoch = 0
    if (v := get("epoch")) is not None:
        epoch = _number(v, int, 0, 1_000_000, "epoch", problems) or 0
    return DEFAULT.replace(**fields), epoch, problems


def _layers(hidden: str | None, acts: str | None, problems: list[str]):
    """Hidden sizes and activations from ``"4,4"`` and ``"tanh,relu"``; both or neither.
    ``NO_LAYERS`` (``"none"``) for either means no hidden layer."""
    if hidden is None and acts is None:
        return None, None
    if hidden == NO_LAYERS and acts in (None, NO_LAYERS):
        return (), ()
    if acts == NO_LAYERS:
        acts = None  # hidden layers given: their activations are the default's
    sizes = None
    if hidden is not None:
        parts = hidden.split(",")
        try:
            sizes = tuple(int(p) for p in parts)
        except ValueError:
            sizes = None
        if (
            not sizes
            or not 1 <= len(sizes) <= MAX_LAYERS
            or not all(1 <= n <= MAX_UNITS for n in sizes)
        ):
            problems.append(
                f"hidden: {hidden[:60]!r} is not 1-{MAX_LAYERS} layer sizes of 1-{MAX_UNITS} "
                f"(or {NO_LAYERS!r} for no hidden layer)"
            )
            return None, None
    names = tuple(acts.split(",")) if acts is not None else None
    if names is not None and not all(n in engine.ACTIVATIONS for n in names):
        problems.append(f"act: {acts[:60]!r} names an unknown activation")
        names = None
    elif names is not None and not 1 <= len(names) <= MAX_LAYERS:
        problems.append(f"act: give 1-{MAX_LAYERS} activations, one per hidden layer")
        names = None
    if sizes is None and names is None:
        return None, None
    if sizes is None:
        sizes = DEFAULT.hidden[: len(names)] + (DEFAULT.hidden[-1],) * (
            len(names) - len(DEFAULT.hidden)
        )
    if names is None or len(names) != len(sizes):
        if names is not None:
            problems.append("act: one activation per hidden layer is needed")
        first = names[0] if names else DEFAULT.activations[0]
        names = (first,) * len(sizes)
    return sizes, names


def parse_alpha(text: str | float) -> float | None:
    """A learning rate typed by a visitor, or None when it is not a usable number."""
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    if not math.isfinite(value) or not ALPHA_RANGE[0] <= value <= ALPHA_RANGE[1]:
        return None
    return value


def architecture_changed(old: Config, new: Config) -> bool:
    """Whether going from ``old`` to ``new`` needs a fresh network (anything but alpha)."""
    return old.replace(alpha=new.alpha) != new


def lesson_values(config: Config, hidden) -> str:
    """The values of the hidden controls, for the page to say: ``"α = 0.03; layers 4, 4"``."""
    parts = {
        "preset": None,
        "dataset": f"data {config.dataset}",
        "classes": f"{config.classes} classes",
        "points": f"{config.n_samples} points",
        "noise": f"noise {config.noise:g}",
        "features": "features " + ", ".join(config.features),
        "split": f"training share {config.train_ratio:g}",
        "seed": f"seed {config.seed}",
        "layers": "hidden layers " + ", ".join(str(n) for n in config.hidden),
        "activations": "activations " + ", ".join(config.activations),
        "init": f"{config.init} initialisation",
        "alpha": f"α = {config.alpha:g}",
        "batch": "full batch" if config.batch_size is None else f"batch {config.batch_size}",
        "l2": f"L2 λ = {config.l2:g}",
        "l1": f"L1 λ = {config.l1:g}",
        "decay": f"α decay {config.decay:g}",
    }
    return "; ".join(parts[name] for name in hidden if parts.get(name))
