"""Hostile input: every door a visitor can push something through either works or says, in
plain words, what is wrong. Nothing else may escape (no TypeError, no exception box).

* ``state.config_from_query``: arbitrary URL parameters never raise and always give a config
  that ``Trainer`` accepts; valid configs survive ``config_to_query`` and back.
* ``datasets.load_csv``: arbitrary bytes and near-valid tables raise only ``DatasetError``.
* ``export.load_weights_json``: arbitrary JSON and bytes raise only ``ValueError``.
* ``runfile.load``: arbitrary bytes (and damaged run files) raise only ``RunFileError``.
* A corpus of bad files in ``tests/data/bad/`` gives the right error with a message a learner
  understands: not empty, no traceback or Python jargon, no HTML echoed back.

A bug found here and not yet fixed is pinned by an ``xfail(strict=True)`` mark through
``KNOWN_BAD_MESSAGES`` (it fails, XPASS, once fixed: the cue to delete the entry).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from playground import datasets, engine, export, runfile, state
from playground.trainer import Config, Trainer

BAD_DIR = Path(__file__).resolve().parent / "data" / "bad"

# Fast enough for the whole file to stay well under 30 s on the 2-core machine.
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- messages a learner understands ----------------------------------------------------------

_JARGON = (
    "traceback",
    'file "',
    "nonetype",
    "object has no attribute",
    "object is not",
    "unsupported operand",
    "int_max_str_digits",
    "integer string conversion",
    "utf-8-sig",
    "decode using",
    "errno",
    "keyerror",
    "typeerror",
    "overflowerror",
)
_HTML_TAG = re.compile(r"<\s*/?\s*[a-z!][^>]*>", re.IGNORECASE)


def assert_learner_message(message: str) -> None:
    """Non-empty, short, free of tracebacks and Python internals, and echoing no HTML."""
    assert message.strip(), "empty error message"
    assert len(message) <= 600, f"a {len(message)}-character message: {message[:200]}..."
    lowered = message.lower()
    for word in _JARGON:
        assert word not in lowered, f"jargon {word!r} in the message: {message}"
    assert not _HTML_TAG.search(message), f"HTML echoed in the message: {message}"


# --- (a) config_from_query never raises ------------------------------------------------------

QUERY_KEYS = (
    "data", "n", "noise", "ratio", "feat", "hidden", "act", "alpha", "seed", "init", "batch",
    "l2", "l1", "decay", "epoch", "preset", "present", "hide",
)  # fmt: skip
NASTY = (
    "", " ", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400",
    "9" * 400, "-" + "9" * 399, "0x10", "1_0", "٣", "१२", "1e3", "0.0", "-0", "+4", " 4 ",
    "4,", ",4", ",", ",,", "4,,4", "1,2,3,4,5,6,7", "tanh,tanh,tanh,tanh,tanh,tanh,tanh",
    "full", "None", "null", "true", "\x00", "4\x00", "\u202e4", "<script>alert(1)</script>",
    "x1,x1", "sin(x1)", "tanh,relu", "32,32,32,32,32,32", "0", "1", "2147483648",
)  # fmt: skip
ANY_CHAR = st.characters(codec=None, exclude_categories=())  # NUL, controls, lone surrogates
SHORT_TEXT = st.one_of(st.sampled_from(NASTY), st.text(ANY_CHAR, max_size=30))
QUERY_VALUE = st.one_of(
    SHORT_TEXT,
    st.lists(SHORT_TEXT, max_size=3),  # st.query_params can hold lists
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
)
QUERIES = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_KEYS), st.text(ANY_CHAR, max_size=8)), QUERY_VALUE, max_size=8
)


@FEW
@given(query=QUERIES)
@example(query={"hidden": "\x00", "n": "1e400", "alpha": ["nan", "1e400"], "l2": "-0"})
@example(query={"seed": "٣", "epoch": "9" * 400, "batch": "1_0", "feat": ","})
@example(query={"hidden": "1,2,3,4,5,6,7", "act": "relu"})
def test_config_from_query_never_raises_and_always_trains(query):
    config, epoch, problems = state.config_from_query(query)
    assert isinstance(config, Config)
    assert isinstance(epoch, int) and 0 <= epoch <= 1_000_000
    assert all(isinstance(p, str) and p for p in problems)
    assert all(len(p) < 300 for p in problems), problems
    Trainer(config)  # the page can always draw a network from the link
    hidden, hide_problems = state.hidden_from_query(query)
    assert set(hidden) <= set(state.CONTROLS) and len(set(hidden)) == len(hidden)
    assert all(isinstance(p, str) and 0 < len(p) < 400 for p in hide_problems), hide_problems


def test_act_with_unknown_name_and_no_hidden_is_a_problem_not_a_crash():
    """Fixed bug: the link ``?act=bogus`` crashed init_state (TypeError in state._layers)."""
    config, _, problems = state.config_from_query({"act": "bogus"})
    assert problems and config.activations == state.DEFAULT.activations


def test_more_activations_than_layers_allowed_is_a_problem_not_a_crash():
    """Fixed bug: ``?act=tanh,tanh,tanh,tanh,tanh,tanh,tanh`` (no ``hidden``) gave 7 hidden
    layers, which Trainer refuses ("between 1 and 6 hidden layers"): the page crashed."""
    config, _, problems = state.config_from_query({"act": ",".join(["tanh"] * 7)})
    Trainer(config)
    assert problems


# --- (b) valid configs round-trip through the URL ---------------------------------------------

FEATURE_NAMES = tuple(datasets.FEATURES)
HIDDEN = st.lists(st.integers(1, state.MAX_UNITS), min_size=1, max_size=state.MAX_LAYERS)


@st.composite
def configs(draw, alpha=None, noise=None, ratio=None) -> Config:
    """A config the widgets can produce (default: values on the widgets' grids)."""
    hidden = tuple(draw(HIDDEN))
    n_feat = draw(st.integers(1, len(FEATURE_NAMES)))
    features = tuple(draw(st.permutations(FEATURE_NAMES))[:n_feat])
    return Config(
        dataset=draw(st.sampled_from(state.DATASETS)),
        n_samples=draw(st.integers(*state.SAMPLES_RANGE)),
        noise=draw(
            noise if noise is not None else st.integers(0, 10).map(lambda k: round(k * 0.05, 2))
        ),
        train_ratio=draw(
            ratio if ratio is not None else st.integers(1, 9).map(lambda k: round(k * 0.1, 1))
        ),
        features=features,
        hidden=hidden,
        activations=tuple(draw(st.sampled_from(state.ACTIVATION_NAMES)) for _ in hidden),
        alpha=draw(alpha if alpha is not None else st.sampled_from(state.ALPHAS)),
        seed=draw(st.integers(*state.SEED_RANGE)),
        init=draw(st.sampled_from(engine.INIT_METHODS)),
        batch_size=draw(st.sampled_from(state.BATCH_SIZES)),
        l2=draw(st.sampled_from(state.L2_OPTIONS)),
        l1=draw(st.sampled_from(state.L1_OPTIONS)),
        decay=draw(st.sampled_from(state.DECAY_OPTIONS)),
    )


def _six_digits(x: float) -> float:
    """A number a visitor types (at most 6 significant digits): what ``:g`` writes exactly."""
    return float(f"{x:.6g}")


TYPED_ALPHA = (
    st.floats(*state.ALPHA_RANGE)
    .map(_six_digits)
    .filter(lambda a: state.ALPHA_RANGE[0] <= a <= state.ALPHA_RANGE[1])
)


@SOME
@given(
    config=st.one_of(configs(), configs(alpha=TYPED_ALPHA)),
    epoch=st.integers(0, 1_000_000),
)
def test_valid_configs_round_trip_through_the_query(config, epoch):
    query = state.config_to_query(config, epoch)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
    back, back_epoch, problems = state.config_from_query(query)
    assert problems == []
    assert back == config
    assert back_epoch == epoch


@FEW
@given(
    config=configs(
        alpha=st.floats(*state.ALPHA_RANGE),
        noise=st.floats(*state.NOISE_RANGE),
        ratio=st.floats(*state.RATIO_RANGE),
    )
)
def test_any_config_in_range_round_trips_exactly(config):
    back, _, problems = state.config_from_query(state.config_to_query(config))
    assert problems == []
    assert back == config


def test_typed_alpha_round_trips_exactly():
    """Fixed bug: α = 0.1234567 typed into the α box is shared as ``alpha=0.123457`` (``:g``),
    so the link reopens a different run. ``repr(float(x))`` would round-trip exactly."""
    config = state.DEFAULT.replace(alpha=0.1234567)
    back, _, _ = state.config_from_query(state.config_to_query(config))
    assert back.alpha == config.alpha


# --- (c) load_csv: DatasetError or valid data -------------------------------------------------


def check_csv_result(content: bytes) -> None:
    """``load_csv(content)`` raises DatasetError (with a message) or returns valid data."""
    try:
        data = datasets.load_csv(content)
    except datasets.DatasetError as err:
        assert str(err).strip()
        return
    n0, m = data.X.shape
    assert 1 <= n0 <= datasets.MAX_COLS and 1 <= m <= datasets.MAX_ROWS
    assert data.Y.shape == (1, m) and data.X.dtype == np.float64
    assert np.isfinite(data.X).all()
    assert set(np.unique(data.Y)) == {0.0, 1.0}
    assert len(data.feature_names) == n0 and data.label_name


@MANY
@given(content=st.binary(max_size=3000))
@example(content=b"\x93NUMPY\x01\x00")
@example(content=b"\xff\xfe" + "x1,x2,label\n1,2,0\n".encode("utf-16-le"))
def test_load_csv_with_arbitrary_bytes(content):
    check_csv_result(content)


@SOME
@given(text=st.text(ANY_CHAR, max_size=400))
def test_load_csv_with_arbitrary_text(text):
    check_csv_result(text.encode("utf-8", "surrogatepass"))


NAME = st.one_of(
    st.sampled_from(["x1", "x2", "a", "b", "label", "LABEL", "class", "y", "target", "", " "]),
    st.text(ANY_CHAR, max_size=6),
)
CELL = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["0", "1", "0.0", "1.0", "2", "-1", "", " ", "nan", "inf", "-inf", "1e400"]),
    st.sampled_from(['"1"', '"1,2"', '"', '""', "1,5", "true", "=1+1", "<b>1</b>", "1 2"]),
    st.text(ANY_CHAR, max_size=5),
)


@st.composite
def near_valid_csv(draw) -> bytes:
    """A table of random names and cells, written with a random delimiter and line ending."""
    width = draw(st.integers(1, 20))
    names = draw(st.lists(NAME, min_size=width, max_size=width))
    rows = draw(
        st.lists(
            st.lists(CELL, min_size=max(width - 1, 0), max_size=width + 1),
            max_size=25,
        )
    )
    sep = draw(st.sampled_from([",", ";", "\t", ", "]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(sep.join(r) for r in [names, *rows]) + draw(st.sampled_from(["", end, end * 3]))
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + text.encode("utf-8", "surrogatepass")


@MANY
@given(content=near_valid_csv())
def test_load_csv_with_near_valid_tables(content):
    check_csv_result(content)


@st.composite
def valid_csv(draw) -> tuple[bytes, np.ndarray, np.ndarray]:
    n0 = draw(st.integers(1, 6))
    m = draw(st.integers(2, 40))
    X = np.array(
        draw(
            st.lists(
                st.lists(st.floats(-1e6, 1e6, allow_subnormal=False), min_size=n0, max_size=n0),
                min_size=m,
                max_size=m,
            )
        )
    )
    y = draw(
        st.lists(st.sampled_from([0, 1]), min_size=m, max_size=m).filter(lambda v: len(set(v)) == 2)
    )
    label = draw(st.sampled_from(["label", "Class", "y", "target"]))
    lines = [",".join([*(f"f{j}" for j in range(n0)), label])]
    lines += [",".join([*(repr(float(v)) for v in X[i]), str(y[i])]) for i in range(m)]
    return ("\n".join(lines) + "\n").encode(), X.T, np.array([y], dtype=np.float64)


@FEW
@given(case=valid_csv())
def test_load_csv_reads_valid_tables_exactly(case):
    content, X, Y = case
    data = datasets.load_csv(content)
    np.testing.assert_array_equal(data.X, X)
    np.testing.assert_array_equal(data.Y, Y)


def test_load_csv_refuses_a_file_over_the_size_limit():
    content = b"x1,x2,label\n" + b"0.123456789,0.5,1\n" * (datasets.MAX_BYTES // 18 + 10)
    with pytest.raises(datasets.DatasetError) as info:
        datasets.load_csv(content)
    assert_learner_message(str(info.value))
    assert "larger than" in str(info.value)


# --- (d) load_weights_json: ValueError only ----------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
JSON_KEYS = st.one_of(
    st.sampled_from(["W1", "B1", "W2", "B2", "W3", "B3", "W0", "W8", "params", "format"]),
    st.sampled_from(["version", "epoch", "alpha", "layer_sizes", "features", "config"]),
    st.text(max_size=6),
)
JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(JSON_KEYS, inner, max_size=5)
    ),
    max_leaves=30,
)


def check_weights_result(content: str | bytes) -> None:
    """``load_weights_json`` raises ValueError (with a message) or returns a valid network."""
    try:
        params = export.load_weights_json(content)
    except ValueError as err:
        assert str(err).strip()
        return
    L = len(params) // 2
    assert sorted(params) == sorted(f"{p}{k}" for k in range(1, L + 1) for p in "WB")
    for k in range(1, L + 1):
        W, B = params[f"W{k}"], params[f"B{k}"]
        assert W.dtype == np.float64 and np.isfinite(W).all() and np.isfinite(B).all()
        assert B.shape == (W.shape[0], 1)
        if k > 1:
            assert W.shape[1] == params[f"W{k - 1}"].shape[0]
    # one output unit (the notes' sigmoid) or a softmax over 3..MAX_CLASSES classes (issue 16)
    assert params[f"W{L}"].shape[0] in (1, *range(3, export.MAX_CLASSES + 1))


@MANY
@given(doc=JSON)
def test_load_weights_json_with_arbitrary_json(doc):
    check_weights_result(json.dumps(doc))  # NaN and Infinity are written as such


@st.composite
def matrices(draw, rows=None, cols=None):
    r = rows if rows is not None else draw(st.integers(0, 4))
    c = cols if cols is not None else draw(st.integers(0, 4))
    cell = st.one_of(
        st.floats(-10, 10),
        st.integers(-5, 5),
        st.sampled_from([1e308, -1e308, 10**400, True, None, "1", [1.0]]),
    )
    return draw(st.lists(st.lists(cell, min_size=c, max_size=c), min_size=r, max_size=r))


@st.composite
def near_valid_weights(draw) -> dict:
    """W1..WL, B1..BL with shapes that mostly chain, wrapped in a document half of the time."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=2, max_size=5))
    sizes[-1] = draw(st.sampled_from([1, 1, 1, 2]))
    params = {}
    for k in range(1, len(sizes)):
        n, n_prev = sizes[k], sizes[k - 1]
        if draw(st.booleans()):
            n, n_prev = draw(st.integers(0, 5)), draw(st.integers(0, 5))
        params[f"W{k}"] = draw(matrices(n, n_prev))
        params[f"B{k}"] = draw(matrices(n, draw(st.sampled_from([1, 1, 2]))))
    if draw(st.booleans()):
        params.pop(draw(st.sampled_from(sorted(params))))
    if not draw(st.booleans()):
        return params
    doc = {"format": export.FORMAT, "version": export.VERSION, "params": params}
    extra = draw(
        st.dictionaries(st.sampled_from(["epoch", "alpha", "layer_sizes", "features"]), JSON)
    )
    return {**doc, **extra}


@SOME
@given(doc=near_valid_weights())
def test_load_weights_json_with_near_valid_documents(doc):
    try:
        text = json.dumps(doc)
    except (OverflowError, ValueError):
        return
    check_weights_result(text)


@SOME
@given(content=st.one_of(st.binary(max_size=500), st.text(ANY_CHAR, max_size=200)))
def test_load_weights_json_with_arbitrary_bytes_and_text(content):
    check_weights_result(content)


@pytest.mark.parametrize("value", [None, 5, 1.5, ["W1"], {"W1": [[1]]}])
def test_load_weights_json_with_non_text_says_so(value):
    with pytest.raises(ValueError, match="expected JSON text"):
        export.load_weights_json(value)


# --- (e) runfile.load: RunFileError only -------------------------------------------------------


@pytest.fixture(scope="module")
def run_bytes() -> bytes:
    t = Trainer(state.DEFAULT.replace(n_samples=60, hidden=(3,), activations=("tanh",)))
    t.step(5)
    return runfile.save(t)


def _npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _npy(array) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def check_run_result(content: bytes) -> None:
    try:
        t = runfile.load(content)
    except runfile.RunFileError as err:
        assert str(err).strip()
        return
    assert isinstance(t, Trainer) and t.epoch >= 0


MAGIC = st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", b"\x80\x04\x95", b"\x93NUMPY"])


@SOME
@given(content=st.builds(lambda m, b: m + b, MAGIC, st.binary(max_size=2000)))
def test_runfile_load_with_arbitrary_bytes(content):
    check_run_result(content)


@FEW
@given(data=st.data())
def test_runfile_load_with_damaged_run_files(run_bytes, data):
    content = bytearray(run_bytes)
    how = data.draw(st.sampled_from(["flip", "truncate", "splice"]))
    if how == "flip":
        for i in data.draw(st.lists(st.integers(0, len(content) - 1), min_size=1, max_size=4)):
            content[i] ^= data.draw(st.integers(1, 255))
    elif how == "truncate":
        del content[data.draw(st.integers(0, len(content) - 1)) :]
    else:
        i = data.draw(st.integers(0, len(content)))
        content[i:i] = data.draw(st.binary(min_size=1, max_size=64))
    check_run_result(bytes(content))


@FEW
@given(
    header=st.one_of(
        JSON,
        st.builds(
            lambda d: {"format": runfile.FORMAT, "version": 1, **d},
            st.dictionaries(JSON_KEYS, JSON, max_size=4),
        ),
    ),
    extra=st.dictionaries(
        st.sampled_from(["theta", "X_train", "hist_rows", "last"]),
        st.sampled_from([np.zeros((2, 2)), np.array([np.nan]), np.array(["a"]), np.zeros(0)]),
        max_size=2,
    ),
)
def test_runfile_load_with_forged_headers(header, extra):
    raw = np.frombuffer(json.dumps(header).encode(), np.uint8)
    check_run_result(_npz(header=raw, **extra))


def test_runfile_load_of_a_npy_file_is_a_run_file_error():
    """Fixed bug: a ``.npy`` file (np.save) renamed .npz: np.load returns an ndarray, and
    ``with ndarray`` raises TypeError; the app shows an exception box."""
    with pytest.raises(runfile.RunFileError):
        runfile.load(_npy(np.arange(3.0)))


def test_runfile_load_of_a_corrupted_archive_member_is_a_run_file_error(run_bytes):
    """Fixed bug: a run file whose compressed data is damaged (a bad download): np.load reads
    the member lazily and zlib.error escapes runfile.load."""
    with zipfile.ZipFile(io.BytesIO(run_bytes)) as archive:
        info = archive.getinfo("theta.npy")
    content = bytearray(run_bytes)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 8, start + info.compress_size - 4, 7):
        content[i] ^= 0x5A
    with pytest.raises(runfile.RunFileError):
        runfile.load(bytes(content))


def test_runfile_load_with_a_deeply_nested_header_is_a_run_file_error():
    """Fixed bug: a header of 100,000 nested JSON lists raises RecursionError."""
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    with pytest.raises(runfile.RunFileError):
        runfile.load(_npz(header=np.frombuffer(deep, np.uint8)))


def test_runfile_load_refuses_a_file_over_the_size_limit():
    with pytest.raises(runfile.RunFileError) as info:
        runfile.load(b"PK\x03\x04" + bytes(runfile.MAX_BYTES))
    assert_learner_message(str(info.value))


# --- the corpus of bad files ------------------------------------------------------------------

# file name: words the message must contain (case-insensitive), showing it names the problem
CSV_EXPECT = {
    "empty.csv": "empty",
    "whitespace_only.csv": "empty",
    "header_only.csv": "no data rows",
    "labels_0_1_2.csv": "not a label",
    "label_words.csv": "not a label",
    "text_in_number.csv": "not a number",
    "decimal_comma.csv": "decimal mark",
    "nan.csv": "not a finite number",
    "inf.csv": "not a finite number",
    "huge_values.csv": "too large",
    "one_class.csv": "both classes",
    "utf16.csv": "UTF-16",
    "latin1.csv": "not UTF-8",
    "binary_junk.csv": "binary",
    "xlsx_renamed.csv": "binary",
    "very_long_line.csv": "characters",
    "too_many_columns.csv": "feature columns",
    "too_many_rows.csv": "5,000",
    "duplicate_columns.csv": "twice",
    "ragged_rows.csv": "one value per column",
    "numbers_as_header.csv": "header row",
    "formula_injection.csv": "not a number",
    "html_in_header.csv": "not a number",
    "html_page.csv": "2 columns",
}
JSON_EXPECT = {
    "not_json.json": "not valid JSON",
    "nan.json": "NaN",
    "wrong_shapes.json": "columns",
    "missing_keys.json": "missing B2",
    "huge_numbers.json": "too large",
    "huge_integer.json": "too large",
    "nested_too_deep.json": "nested too deeply",
    "pickle_payload.json": "not UTF-8",
    "pickle_protocol0.json": "not valid JSON",
    "bare_list.json": "JSON object",
    "extra_keys.json": "unexpected keys",
    "alpha_huge_integer.json": "alpha",
    "utf8_bom.json": "",  # a BOM is harmless: loading it, or a plain-words refusal, is fine
}
KNOWN_BAD_MESSAGES: dict[str, str] = {}  # none left: each fixed bug now passes its test


def _corpus(expect: dict[str, str]):
    return [
        pytest.param(
            name,
            words,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BAD_MESSAGES[name])]
            if name in KNOWN_BAD_MESSAGES
            else [],
        )
        for name, words in expect.items()
    ]


def test_the_corpus_is_complete():
    on_disk = {p.name for p in BAD_DIR.iterdir() if p.suffix in {".csv", ".json"}}
    assert on_disk == set(CSV_EXPECT) | set(JSON_EXPECT)


@pytest.mark.parametrize(("name", "words"), _corpus(CSV_EXPECT))
def test_bad_csv_gives_a_dataset_error_a_learner_understands(name, words):
    with pytest.raises(datasets.DatasetError) as info:
        datasets.load_csv(BAD_DIR / name)  # a path ...
    message = str(info.value)
    with pytest.raises(datasets.DatasetError, match=re.escape(message)):
        datasets.load_csv((BAD_DIR / name).read_bytes())  # ... and bytes say the same
    assert words.lower() in message.lower(), message
    assert_learner_message(message)


@pytest.mark.parametrize(("name", "words"), _corpus(JSON_EXPECT))
def test_bad_weights_json_gives_a_value_error_a_learner_understands(name, words):
    content = (BAD_DIR / name).read_bytes()
    try:
        export.load_weights_json(content)
    except ValueError as err:
        message = str(err)
    else:
        assert name == "utf8_bom.json", f"{name} was accepted"
        return
    assert words.lower() in message.lower(), message
    assert_learner_message(message)
