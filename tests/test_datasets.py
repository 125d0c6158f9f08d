"""Tests for playground.datasets: generators, features, split and CSV loading."""

import io
import math

import numpy as np
import pytest

from playground import datasets as ds
from playground.datasets import (
    FEATURE_LABELS,
    FEATURES,
    GENERATORS,
    CSVData,
    DatasetError,
    add_features,
    load_csv,
    make_dataset,
    train_test_split,
)

NAMES = ["circle", "xor", "gauss", "spiral", "moons", "blobs", "pinwheel"]
MULTI = ["spiral", "blobs", "pinwheel"]  # the generators that make 2 to 6 classes


def by_class(X, Y):
    """Columns of X for class 1 and for class 0."""
    return X[:, Y[0] == 1], X[:, Y[0] == 0]


# --- generators ------------------------------------------------------------------------------


def test_generator_names_in_order():
    assert list(GENERATORS) == NAMES


def test_dataset_error_is_value_error():
    assert issubclass(DatasetError, ValueError)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [2, 3, 101, 400])
def test_shapes_dtypes_labels(name, n):
    X, Y = make_dataset(name, n_samples=n, noise=0.2, seed=1)
    assert X.shape == (2, n) and Y.shape == (1, n)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert X.flags.c_contiguous and Y.flags.c_contiguous
    assert set(np.unique(Y)) == {0.0, 1.0}  # exactly 0/1 and both present, even for n = 2
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", NAMES)
def test_generator_called_directly_with_one_signature(name):
    X, Y = GENERATORS[name](50, 0.1, np.random.default_rng(3))
    assert X.shape == (2, 50) and Y.shape == (1, 50)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_classes_balanced(name, noise):
    _, Y = make_dataset(name, n_samples=400, noise=noise, seed=5)
    assert abs(Y.mean() - 0.5) <= 0.05


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_per_seed(name):
    X1, Y1 = make_dataset(name, 200, 0.3, seed=7)
    X2, Y2 = make_dataset(name, 200, 0.3, seed=7)
    X3, _ = make_dataset(name, 200, 0.3, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", NAMES)
def test_clean_data_also_depends_on_seed(name):
    X0, _ = make_dataset(name, 100, 0.0, seed=0)
    X1, _ = make_dataset(name, 100, 0.0, seed=1)
    assert not np.array_equal(X0, X1)


@pytest.mark.parametrize("name", NAMES)
def test_noise_changes_points(name):
    clean, _ = make_dataset(name, 200, 0.0, seed=2)
    noisy, _ = make_dataset(name, 200, 0.3, seed=2)
    assert not np.allclose(clean, noisy)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.5, 1.0])
def test_points_in_box(name, noise):
    X, _ = make_dataset(name, 1000, noise, seed=4)
    assert np.abs(X).max() <= 6.0
    assert np.abs(X).max() > 2.0  # spread over the box, not collapsed


def test_global_numpy_rng_untouched():
    np.random.seed(123)  # noqa: NPY002 - checking that the library leaves it alone
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    for name in NAMES:
        make_dataset(name, 50, 0.5, seed=0)
    train_test_split(np.zeros((2, 10)), np.zeros((1, 10)))
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_circle_geometry():
    X, Y = make_dataset("circle", 500, 0.0, seed=0)
    inner, outer = by_class(X, Y)
    assert np.hypot(*inner).max() <= 2.5
    r_out = np.hypot(*outer)
    assert r_out.min() >= 3.5 and r_out.max() <= 5.0


def test_xor_geometry():
    X, Y = make_dataset("xor", 500, 0.0, seed=0)
    np.testing.assert_array_equal(Y[0], (X[0] * X[1] > 0).astype(float))
    assert np.abs(X).min() >= 0.3  # kept away from the axes when clean


def test_xor_noise_jitters_but_keeps_labels():
    X0, Y0 = make_dataset("xor", 500, 0.0, seed=0)
    X1, Y1 = make_dataset("xor", 500, 0.5, seed=0)
    np.testing.assert_array_equal(Y0, Y1)
    assert ((X1[0] * X1[1] > 0) != (Y1[0] == 1)).any()  # some points crossed an axis


def test_gauss_geometry_and_noise_spread():
    X, Y = make_dataset("gauss", 2000, 0.0, seed=0)
    pos, neg = by_class(X, Y)
    np.testing.assert_allclose(pos.mean(axis=1), [2, 2], atol=0.15)
    np.testing.assert_allclose(neg.mean(axis=1), [-2, -2], atol=0.15)
    np.testing.assert_allclose(pos.std(axis=1), math.sqrt(0.5), rtol=0.1)
    X_noisy, _ = make_dataset("gauss", 2000, 0.5, seed=0)
    assert X_noisy[:, Y[0] == 1].std() > 1.5 * pos.std()


def test_spiral_geometry():
    X, Y = make_dataset("spiral", 400, 0.0, seed=0)
    r = np.hypot(*X)
    assert r.max() <= 5.0
    t = 1.75 * 2 * np.pi * r / 5.0 + np.where(Y[0] == 1, 0.0, np.pi)
    np.testing.assert_allclose(X, np.vstack([r * np.sin(t), r * np.cos(t)]), atol=1e-9)


def test_moons_geometry():
    X, Y = make_dataset("moons", 400, 0.0, seed=0)
    upper, lower = by_class(X, Y)[1], by_class(X, Y)[0]
    # Upper arc: unit circle around (0, 0) before centring by (0.5, 0.25) and scaling by 3.5.
    np.testing.assert_allclose(np.hypot(upper[0] / 3.5 + 0.5, upper[1] / 3.5 + 0.25), 1.0)
    np.testing.assert_allclose(np.hypot(lower[0] / 3.5 - 0.5, lower[1] / 3.5 - 0.25), 1.0)
    assert (upper[1] >= -0.875 - 1e-9).all() and (lower[1] <= 0.875 + 1e-9).all()


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": "rings"}, "circle, xor, gauss, spiral, moons, blobs, pinwheel"),
        ({"n_samples": 1}, "from 2 to 5000"),
        ({"n_samples": 5001}, "from 2 to 5000"),
        ({"n_samples": 10.0}, "whole number"),
        ({"n_samples": True}, "whole number"),
        ({"n_samples": "400"}, "whole number"),
        ({"noise": -0.1}, "from 0 to 1"),
        ({"noise": 1.01}, "from 0 to 1"),
        ({"noise": float("nan")}, "from 0 to 1"),
        ({"noise": float("inf")}, "from 0 to 1"),
        ({"noise": "0.1"}, "from 0 to 1"),
        ({"seed": -1}, "seed"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_make_dataset_rejects_bad_settings(kwargs, fragment):
    args = {"name": "circle"} | kwargs
    with pytest.raises(DatasetError, match=fragment):
        make_dataset(**args)


def test_make_dataset_accepts_numpy_scalars_and_limits():
    X, _ = make_dataset("xor", np.int64(5000), np.float32(1.0), np.int64(3))
    assert X.shape == (2, 5000)


# --- features --------------------------------------------------------------------------------


def test_feature_names_and_labels():
    assert list(FEATURES) == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    assert FEATURE_LABELS == {
        "x1": "X₁",
        "x2": "X₂",
        "x1^2": "X₁²",
        "x2^2": "X₂²",
        "x1*x2": "X₁X₂",
        "sin(x1)": "sin(X₁)",
        "sin(x2)": "sin(X₂)",
    }


X_SMALL = np.array([[1.0, -2.0, 0.5, 3.0], [4.0, 0.0, -1.5, 2.0]])


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        ("x1", [1.0, -2.0, 0.5, 3.0]),
        ("x2", [4.0, 0.0, -1.5, 2.0]),
        ("x1^2", [1.0, 4.0, 0.25, 9.0]),
        ("x2^2", [16.0, 0.0, 2.25, 4.0]),
        ("x1*x2", [4.0, -0.0, -0.75, 6.0]),
        ("sin(x1)", np.sin([1.0, -2.0, 0.5, 3.0])),
        ("sin(x2)", np.sin([4.0, 0.0, -1.5, 2.0])),
    ],
)
def test_each_feature_value(feature, expected):
    out = add_features(X_SMALL, [feature])
    assert out.shape == (1, 4) and out.dtype == np.float64
    np.testing.assert_allclose(out[0], expected)


def test_add_features_all_in_requested_order():
    X, _ = make_dataset("circle", 30, 0.1, seed=0)
    names = ["x1*x2", "x2", "sin(x1)", "x1"]
    out = add_features(X, names)
    assert out.shape == (4, 30) and out.flags.c_contiguous
    np.testing.assert_allclose(out[0], X[0] * X[1])
    np.testing.assert_array_equal(out[1], X[1])
    np.testing.assert_allclose(out[2], np.sin(X[0]))
    np.testing.assert_array_equal(out[3], X[0])


@pytest.mark.parametrize(
    ("X", "features", "fragment"),
    [
        (X_SMALL, [], "at least one"),
        (X_SMALL, (), "at least one"),
        (X_SMALL, "x1", "at least one"),
        (X_SMALL, ["x1", "x3"], "Unknown feature 'x3'"),
        (X_SMALL, ["x1", "x1"], "only once"),
        (np.zeros((3, 4)), ["x1"], "2 input coordinates"),
        (np.zeros(4), ["x1"], "2 input coordinates"),
    ],
)
def test_add_features_errors(X, features, fragment):
    with pytest.raises(DatasetError, match=fragment):
        add_features(X, features)


# --- train/test split ------------------------------------------------------------------------


def numbered(m, n0=2):
    """X whose row 0 numbers the observations; Y = that number mod 2."""
    X = np.vstack([np.arange(m, dtype=float)] + [np.arange(m) * 10.0 + k for k in range(n0 - 1)])
    return X, (np.arange(m) % 2).astype(float).reshape(1, -1)


@pytest.mark.parametrize(
    ("m", "ratio", "m_train"),
    [(10, 0.5, 5), (10, 0.7, 7), (100, 0.1, 10), (2, 0.9, 1), (3, 0.1, 1)],
)
def test_split_sizes(m, ratio, m_train):
    X, Y = numbered(m, n0=3)
    X_tr, Y_tr, X_te, Y_te = train_test_split(X, Y, train_ratio=ratio, seed=0)
    assert X_tr.shape == (3, m_train) and Y_tr.shape == (1, m_train)
    assert X_te.shape == (3, m - m_train) and Y_te.shape == (1, m - m_train)


def test_split_partitions_and_keeps_pairs():
    X, Y = numbered(50)
    X_tr, Y_tr, X_te, Y_te = train_test_split(X, Y, 0.6, seed=3)
    ids = np.concatenate([X_tr[0], X_te[0]])
    np.testing.assert_array_equal(np.sort(ids), np.arange(50))  # no overlap, nothing lost
    np.testing.assert_array_equal(Y_tr[0], X_tr[0] % 2)  # labels travel with their column
    np.testing.assert_array_equal(Y_te[0], X_te[0] % 2)
    np.testing.assert_array_equal(X_tr[1], X_tr[0] * 10)
    assert not np.array_equal(X_tr[0], np.sort(X_tr[0]))  # shuffled


def test_split_deterministic_per_seed():
    X, Y = numbered(40)
    a = train_test_split(X, Y, 0.5, seed=1)
    b = train_test_split(X, Y, 0.5, seed=1)
    c = train_test_split(X, Y, 0.5, seed=2)
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a[0], c[0])


def test_split_returns_contiguous_float_copies():
    X, Y = numbered(20)
    parts = train_test_split(X.astype(np.int32), Y.astype(np.int8), 0.5, seed=0)
    for part in parts:
        assert part.dtype == np.float64 and part.flags.c_contiguous
    parts[0][:] = -1
    assert (X >= 0).all()


@pytest.mark.parametrize(
    ("X", "Y", "kwargs", "fragment"),
    [
        (*numbered(10), {"train_ratio": 0.05}, "0.1 to 0.9"),
        (*numbered(10), {"train_ratio": 0.95}, "0.1 to 0.9"),
        (*numbered(10), {"train_ratio": float("nan")}, "0.1 to 0.9"),
        (*numbered(10), {"seed": -2}, "seed"),
        (*numbered(1), {}, "At least 2"),
        (numbered(10)[0], np.zeros((1, 9)), {}, "same m"),
        (numbered(10)[0], np.zeros((2, 10)), {}, "same m"),
        (np.zeros(10), np.zeros((1, 10)), {}, "same m"),
    ],
)
def test_split_errors(X, Y, kwargs, fragment):
    with pytest.raises(DatasetError, match=fragment):
        train_test_split(X, Y, **kwargs)


# --- CSV: good files -------------------------------------------------------------------------


def test_csv_label_by_name_in_middle():
    data = load_csv(b"a,label,b\n1,0,2\n3.5,1,-4e-1\n-0,1,7\n")
    assert isinstance(data, CSVData)
    np.testing.assert_array_equal(data.X, [[1.0, 3.5, 0.0], [2.0, -0.4, 7.0]])
    np.testing.assert_array_equal(data.Y, [[0.0, 1.0, 1.0]])
    assert data.feature_names == ("a", "b") and data.label_name == "label"
    assert data.X.dtype == np.float64 and data.Y.dtype == np.float64
    assert data.X.flags.c_contiguous and data.Y.flags.c_contiguous


def test_csv_label_is_last_column_when_no_name_matches():
    data = load_csv(b"f1,f2,out\n0.5,1,1\n2,3,0.0\n")
    assert data.label_name == "out" and data.feature_names == ("f1", "f2")
    np.testing.assert_array_equal(data.X, [[0.5, 2.0], [1.0, 3.0]])
    np.testing.assert_array_equal(data.Y, [[1.0, 0.0]])


@pytest.mark.parametrize(
    ("header", "label"),
    [
        ("x1,x2,Class", "Class"),
        ("TARGET,x", "TARGET"),
        ("x,y,label", "label"),
        ("x,y,class", "class"),
        ("y,x1", "y"),
    ],
)
def test_csv_label_names_case_insensitive_with_priority(header, label):
    n_features = header.count(",")
    raw = f"{header}\n".encode() + (b"1," * n_features + b"1\n") * 2 + b"0," * n_features + b"0\n"
    data = load_csv(raw)
    assert data.label_name == label
    assert label not in data.feature_names and len(data.feature_names) == n_features


def test_csv_tolerates_bom_crlf_blank_lines_spaces_quotes():
    raw = '\ufeff x1 , "x2" ,label\r\n\r\n 1 ,"2.5", 1 \r\n,,\r\n3,4,0\r\n\r\n'.encode()
    data = load_csv(raw)
    assert data.feature_names == ("x1", "x2")
    np.testing.assert_array_equal(data.X, [[1.0, 3.0], [2.5, 4.0]])
    np.testing.assert_array_equal(data.Y, [[1.0, 0.0]])


@pytest.mark.parametrize("sep", [";", "\t"])
def test_csv_semicolon_and_tab_separators(sep):
    raw = f"x1{sep}x2{sep}label\n1{sep}2{sep}0\n3{sep}4{sep}1".encode()
    np.testing.assert_array_equal(load_csv(raw).X, [[1.0, 3.0], [2.0, 4.0]])


def test_csv_from_path_bytesio_and_bytearray(tmp_path):
    raw = b"x1,x2,label\n1,2,0\n3,4,1\n"
    path = tmp_path / "data.csv"
    path.write_bytes(raw)
    upload = io.BytesIO(raw)
    upload.read()  # Streamlit may hand over a file that was read before
    for source in (path, str(path), upload, bytearray(raw), memoryview(raw)):
        data = load_csv(source)
        np.testing.assert_array_equal(data.Y, [[0.0, 1.0]])


def test_csv_reads_at_most_max_bytes_plus_one():
    class Spy(io.BytesIO):
        sizes: list

        def read(self, size=-1):
            self.sizes.append(size)
            return super().read(size)

    spy = Spy(b"x,label\n1,0\n2,1\n" + b"3,1\n" * 1000)
    spy.sizes = []
    with pytest.raises(DatasetError, match="100 bytes"):
        load_csv(spy, max_bytes=100)
    assert spy.sizes == [101]


def test_csv_at_the_limits_is_accepted():
    header = ",".join(f"f{k}" for k in range(ds.MAX_COLS)) + ",label\n"
    row = ",".join(["1.25"] * ds.MAX_COLS)
    body = "".join(f"{row},{k % 2}\n" for k in range(ds.MAX_ROWS))
    data = load_csv((header + body).encode())
    assert data.X.shape == (ds.MAX_COLS, ds.MAX_ROWS) and data.Y.shape == (1, ds.MAX_ROWS)


def test_csv_missing_path_is_dataset_error(tmp_path):
    with pytest.raises(DatasetError, match="Could not open"):
        load_csv(tmp_path / "missing.csv")


def test_csv_rejects_non_file_argument():
    with pytest.raises(TypeError):
        load_csv(None)


def test_csv_constants():
    assert (ds.MAX_BYTES, ds.MAX_ROWS, ds.MAX_COLS, ds.MAX_LINE) == (2_000_000, 5000, 16, 10_000)
    assert set(ds.LABEL_NAMES) == {"label", "y", "class", "target"}


# --- CSV: bad files --------------------------------------------------------------------------


def rows(n, cols=2):
    """A valid header plus n rows of `cols` features and alternating labels."""
    head = ",".join(f"f{k}" for k in range(cols)) + ",label\n"
    return (head + "".join(",".join(["1"] * cols) + f",{k % 2}\n" for k in range(n))).encode()


BAD_FILES = {
    "empty": (b"", "empty"),
    "whitespace only": (b"  \r\n\n\t\n", "empty"),
    "bom only": (b"\xef\xbb\xbf", "empty"),
    "blank cells only": (b",,\n,,\n", "empty"),
    "header only": (b"x1,x2,label\n", "no data rows"),
    "one column": (b"x\n1\n0\n", "at least 2 columns"),
    "numeric header": (b"1,2,0\n3,4,1\n", "header row"),
    "unnamed column": (b"x1,,label\n1,2,0\n", "Column 2 has no name"),
    "duplicate names": (b"x,X,label\n1,2,0\n3,4,1\n", "'X' appears twice"),
    "label 2": (b"a,label\n1,0\n2,2\n", r"Column 'label', row 3: '2' is not a label"),
    "label word": (b"a,label\n1,yes\n2,0\n", "0 or 1"),
    "label true": (b"a,label\n1,true\n2,0\n", "true/false are not accepted"),
    "label empty": (b"a,label\n1,\n2,0\n", r"row 2: '' is not a label"),
    "no usable label": (b"a,b,c\n1,2,3.5\n2,3,0\n", "Add a column named 'label'"),
    "text in number": (b"a,b,label\n1,2,0\n1,abc,1\n", r"Column 'b', row 3: 'abc' is not a number"),
    "decimal comma": (b"a;b;label\n1,5;2;0\n", r"Column 'a', row 2: '1,5'"),
    "nan": (b"a,b,label\n1,nan,0\n2,3,1\n", r"Column 'b', row 2: 'nan' is not a finite"),
    "inf": (b"a,b,label\n1,2,0\n-inf,3,1\n", r"Column 'a', row 3: '-inf' is not a finite"),
    "huge": (b"a,b,label\n1,2,0\n-2e6,3,1\n", r"Column 'a', row 3: '-2e6' is too large"),
    "empty cell": (b"a,b,label\n1,2,0\n\n4,,1\n", r"Column 'b', row 4 is empty"),
    "one class": (b"a,label\n1,1\n2,1.0\n", "Every label is 1"),
    "ragged row": (b"a,b,label\n1,2,0\n1,2\n", "Row 3 has 2 values but the header has 3"),
    "stray quote": (b'a,label\n"1"x,0\n', r"Column 'a', row 2: '1x' is not a number"),
    "unclosed quote": (b'a,b,label\n"1,2,0\n', "Row 2 has 1 value but"),
    "too big": (b"x1,x2,label\n" + b"1.0,2.0,1\n" * 300_000, "2,000,000 bytes"),
    "too many columns": (rows(2, cols=20), "20 feature columns; the limit is 16"),
    "too many rows": (rows(6000), "more than 5,000 data rows"),
    "nul bytes": (b"x1,x2,label\n1,2\x00,0\n", "binary"),
    "zip header": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "binary"),
    "control bytes": (b"a,label\n\x01\x02,1\n", "binary"),
    "utf-16": ("x1,x2,label\n1,2,0\n3,4,1\n".encode("utf-16"), "UTF-16.*save it as UTF-8"),
    "utf-16 no bom": ("x1,x2,label\n1,2,0\n".encode("utf-16-le"), "UTF-16.*save it as UTF-8"),
    "latin-1": ("café,label\n1,0\n2,1\n".encode("latin-1"), "not UTF-8.*save it as UTF-8"),
    "long line": (b"a,label\n" + b"1" * 20_000 + b",0\n", "Line 2 has 20,002 characters"),
}


@pytest.mark.parametrize(("raw", "fragment"), list(BAD_FILES.values()), ids=list(BAD_FILES))
def test_csv_bad_file(raw, fragment):
    with pytest.raises(DatasetError, match=f"(?i){fragment}"):
        load_csv(raw)


def test_bad_file_sizes_as_described():
    assert len(BAD_FILES["too big"][0]) > 3_000_000
    assert len(BAD_FILES["long line"][0].splitlines()[1]) > 20_000


def test_csv_no_label_hint_only_when_label_not_named():
    with pytest.raises(DatasetError) as named:
        load_csv(b"a,label\n1,1\n2,1\n")
    assert "Add a column" not in str(named.value)
    with pytest.raises(DatasetError) as unnamed:
        load_csv(b"a,b\n1,1\n2,1\n")
    assert "last column 'b'" in str(unnamed.value)


def test_csv_fuzz_only_dataset_error_or_success():
    rng = np.random.default_rng(2024)
    seeds = [rows(5), b'x1,"x 2",label\r\n1,2,1\r\n3,"4",0\r\n', "é,ü;label\n1;2;0\n".encode()]
    chars = b'0123456789.,;\t\n\r" -+eEnaifx\x00\xff\xef\xbb\xbf\xc3\xa9'
    alphabet = np.frombuffer(chars, np.uint8)
    outcomes = {"ok": 0, "error": 0}
    for k in range(200):
        if k % 4 == 0:  # pure noise
            raw = rng.integers(0, 256, rng.integers(0, 300)).astype(np.uint8).tobytes()
        elif k % 4 == 1:  # noise from a CSV-ish alphabet
            raw = rng.choice(alphabet, rng.integers(0, 200)).tobytes()
        else:  # a valid file with a few bytes replaced
            raw = bytearray(seeds[k % len(seeds)])
            for _ in range(rng.integers(1, 3)):
                raw[rng.integers(len(raw))] = int(rng.choice(alphabet))
            raw = bytes(raw)
        try:
            data = load_csv(raw)
        except DatasetError as exc:
            assert str(exc)
            outcomes["error"] += 1
        else:
            assert data.X.shape[1] == data.Y.shape[1] >= 2
            assert set(np.unique(data.Y)) == {0.0, 1.0} and np.isfinite(data.X).all()
            outcomes["ok"] += 1
    assert outcomes["ok"] > 0 and outcomes["error"] > 0


# --- more than two classes (issue 16) ---------------------------------------------------------


def test_classes_per_generator():
    assert ds.MAX_CLASSES == 6
    assert list(ds.CLASSES) == NAMES
    for name in NAMES:
        expected = (2, 3, 4, 5, 6) if name in MULTI else (2,)
        assert ds.CLASSES[name] == expected, name


@pytest.mark.parametrize("name", MULTI)
@pytest.mark.parametrize("K", [2, 3, 4, 5, 6])
def test_k_class_shapes_labels_and_balance(name, K):
    for n in (K, 101, 400):
        X, Y = make_dataset(name, n, noise=0.2, seed=1, classes=K)
        assert X.shape == (2, n) and X.dtype == np.float64 and X.flags.c_contiguous
        assert np.isfinite(X).all() and np.abs(X).max() <= ds.BOX
        assert Y.dtype == np.float64 and Y.flags.c_contiguous
        if K == 2:
            assert Y.shape == (1, n) and set(np.unique(Y)) == {0.0, 1.0}
        else:
            assert Y.shape == (K, n)  # one-hot: one 1 in each column
            assert set(np.unique(Y)) == {0.0, 1.0} and (Y.sum(axis=0) == 1.0).all()
        counts = np.bincount(ds.labels_of(Y), minlength=K)
        assert len(counts) == K and counts.min() >= 1  # every class, even for n = K
        assert counts.max() - counts.min() <= 1  # sizes differ by at most one


@pytest.mark.parametrize("name", MULTI)
def test_k_class_generators_called_directly_and_deterministic(name):
    X, Y = GENERATORS[name](60, 0.1, np.random.default_rng(3), 4)
    assert X.shape == (2, 60) and Y.shape == (4, 60)
    X2, Y2 = GENERATORS[name](60, 0.1, np.random.default_rng(3), 4)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = make_dataset(name, 60, 0.1, seed=4, classes=4)
    assert not np.array_equal(X, X3)


def old_spiral(n_samples, noise, rng):
    """The two-class spiral as it was before issue 16, for the bit-for-bit comparison."""
    y = np.r_[np.ones(n_samples // 2), np.zeros(n_samples - n_samples // 2)]
    u = rng.uniform(0.0, 1.0, n_samples)
    r = 5.0 * u
    t = 1.75 * 2 * np.pi * u + np.where(y == 1, 0.0, np.pi)
    jitter = rng.uniform(-1.0, 1.0, (2, n_samples)) * noise
    X = np.clip(np.vstack([r * np.sin(t) + jitter[0], r * np.cos(t) + jitter[1]]), -6.0, 6.0)
    return X, y.reshape(1, -1)


@pytest.mark.parametrize(("n", "noise", "seed"), [(2, 0.0, 0), (101, 0.3, 4), (2000, 1.0, 9)])
def test_two_class_spiral_is_unchanged_bit_for_bit(n, noise, seed):
    X, Y = make_dataset("spiral", n, noise, seed)
    X_old, Y_old = old_spiral(n, noise, np.random.default_rng(seed))
    assert X.tobytes() == X_old.tobytes() and Y.tobytes() == Y_old.tobytes()


@pytest.mark.parametrize("K", [3, 4, 6])
def test_spiral_arms_geometry(K):
    X, Y = make_dataset("spiral", 600, 0.0, seed=0, classes=K)
    labels = ds.labels_of(Y)
    r = np.hypot(*X)
    assert r.max() <= 5.0
    t = 1.75 * 2 * np.pi * r / 5.0 + 2 * np.pi * ((labels + 1) % K) / K
    np.testing.assert_allclose(X, np.vstack([r * np.sin(t), r * np.cos(t)]), atol=1e-9)


@pytest.mark.parametrize("K", [2, 3, 5])
def test_blobs_geometry_and_noise_spread(K):
    X, Y = make_dataset("blobs", 3000, 0.0, seed=0, classes=K)
    labels = ds.labels_of(Y)
    for c in range(K):
        angle = np.pi / 4 + 2 * np.pi * c / K
        points = X[:, labels == c]
        np.testing.assert_allclose(
            points.mean(axis=1), 4 * np.array([np.cos(angle), np.sin(angle)]), atol=0.15
        )
        np.testing.assert_allclose(points.std(axis=1), math.sqrt(0.5), rtol=0.1)
    X_noisy, _ = make_dataset("blobs", 3000, 0.5, seed=0, classes=K)
    assert X_noisy[:, labels == 0].std(axis=1).min() > 1.5 * math.sqrt(0.5)


@pytest.mark.parametrize("K", [2, 3, 6])
def test_pinwheel_sectors_geometry(K):
    X, Y = make_dataset("pinwheel", 1200, 0.0, seed=0, classes=K)
    labels = ds.labels_of(Y)
    r = np.hypot(*X)
    assert r.max() <= 5.5 and r.min() >= 0.0
    # undo the twist: each point lies in the middle 80 % of its class's sector
    sector = (np.arctan2(X[1], X[0]) - ds.PINWHEEL_TWIST * r) % (2 * np.pi) / (2 * np.pi / K)
    np.testing.assert_array_equal(np.floor(sector).astype(int), labels)
    within = sector - labels
    assert within.min() >= 0.1 - 1e-9 and within.max() <= 0.9 + 1e-9
    # spread over the disc's area: about a quarter of the points inside half the radius
    assert abs(np.mean(r < 2.75) - 0.25) < 0.04
    X_noisy, Y_noisy = make_dataset("pinwheel", 1200, 0.4, seed=0, classes=K)
    np.testing.assert_array_equal(Y_noisy, Y)  # noise moves points, not labels
    moved = np.abs(X_noisy - X)
    assert moved.max() <= 1.0 + 1e-9 and moved.max() > 0.5


@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "moons"])
def test_two_class_generators_refuse_more_classes(name):
    with pytest.raises(DatasetError, match=f"The {name} dataset has 2 classes"):
        GENERATORS[name](10, 0.0, np.random.default_rng(0), 3)
    with pytest.raises(DatasetError, match="spiral, blobs, pinwheel"):
        make_dataset(name, 100, 0.0, 0, classes=3)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"classes": 1}, "from 2 to 6"),
        ({"classes": 7}, "from 2 to 6"),
        ({"classes": 3.0}, "whole number from 2 to 6"),
        ({"classes": True}, "whole number from 2 to 6"),
        ({"classes": "3"}, "whole number from 2 to 6"),
        ({"classes": 5, "n_samples": 4}, "from 5 to 5000"),
        ({"classes": 2, "n_samples": 1}, "from 2 to 5000"),
    ],
)
def test_make_dataset_rejects_bad_numbers_of_classes(kwargs, fragment):
    with pytest.raises(DatasetError, match=fragment):
        make_dataset(**({"name": "spiral"} | kwargs))


def test_make_dataset_accepts_numpy_integer_classes():
    _, Y = make_dataset("blobs", 30, 0.0, np.int64(1), classes=np.int64(3))
    assert Y.shape == (3, 30)


def test_one_hot_and_labels_of_round_trip():
    labels = np.array([2, 0, 1, 1, 4, 3])
    Y = ds.one_hot(labels, 5)
    np.testing.assert_array_equal(Y, np.eye(5)[:, labels])
    np.testing.assert_array_equal(ds.labels_of(Y), labels)
    assert ds.n_classes(Y) == 5
    Y2 = ds.one_hot([1, 0, 0, 1], 2)  # two classes: the single 0/1 row
    np.testing.assert_array_equal(Y2, [[1.0, 0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(ds.labels_of(Y2), [1, 0, 0, 1])
    assert ds.n_classes(Y2) == 2 and ds.labels_of(Y2).dtype == np.int64


def test_split_keeps_one_hot_columns_with_their_points():
    X, _ = numbered(30)
    labels = np.arange(30) % 3
    Y = ds.one_hot(labels, 3)
    X_tr, Y_tr, X_te, Y_te = train_test_split(X, Y, 0.5, seed=2)
    assert Y_tr.shape == (3, 15) and Y_te.shape == (3, 15)
    np.testing.assert_array_equal(ds.labels_of(Y_tr), X_tr[0] % 3)
    np.testing.assert_array_equal(ds.labels_of(Y_te), X_te[0] % 3)
    for rows in (2, 7):  # two rows encode nothing here; more than 6 classes are not possible
        with pytest.raises(DatasetError, match="same m"):
            train_test_split(X, np.zeros((rows, 30)))


# --- CSV with more than two classes (issue 16; load_csv(..., multiclass=True)) -----------------


def multi(raw: bytes) -> CSVData:
    return load_csv(raw, multiclass=True)


def test_csv_numeric_labels_of_three_classes():
    data = multi(b"x1,x2,label\n0.1,0.2,0\n0.3,-0.4,1\n-0.5,0.6,2\n0.7,0.8,1.0\n")
    assert data.class_names == ("0", "1", "2") and data.classes == 3
    np.testing.assert_array_equal(data.labels, [0, 1, 2, 1])
    np.testing.assert_array_equal(data.Y, np.eye(3)[:, [0, 1, 2, 1]])
    np.testing.assert_array_equal(data.X, [[0.1, 0.3, -0.5, 0.7], [0.2, -0.4, 0.6, 0.8]])
    # the same file is refused by the two-class rules (the page's until it shows K classes)
    with pytest.raises(DatasetError, match="'2' is not a label"):
        load_csv(b"x1,x2,label\n0.1,0.2,0\n0.3,-0.4,1\n-0.5,0.6,2\n0.7,0.8,1.0\n")


def test_csv_word_labels_are_numbered_in_sorted_order():
    raw = b"a,b,species\n1,2,virginica\n3,4,setosa\n5,6,versicolor\n7,8,setosa\n"
    data = multi(raw)
    assert data.class_names == ("setosa", "versicolor", "virginica")
    assert data.label_name == "species"
    np.testing.assert_array_equal(data.labels, [2, 0, 1, 0])
    assert data.Y.shape == (3, 4)


def test_csv_two_word_classes_are_the_notes_single_row():
    data = multi(b"a,label\n1,yes\n2,no\n3,yes\n")
    assert data.class_names == ("no", "yes")
    np.testing.assert_array_equal(data.Y, [[1.0, 0.0, 1.0]])
    # and numeric 0/1 labels read the same in both modes
    raw = b"a,label,b\n1,0,2\n3.5,1,-4e-1\n-0,1,7\n"
    binary, both = load_csv(raw), multi(raw)
    np.testing.assert_array_equal(binary.Y, both.Y)
    np.testing.assert_array_equal(binary.X, both.X)
    assert binary.class_names == both.class_names == ("0", "1")


def test_csv_six_classes_and_the_limits():
    labels = "".join(f"{k % 10},{k % 6}\n" for k in range(60))
    data = multi(("f,label\n" + labels).encode())
    assert data.classes == 6 and data.Y.shape == (6, 60)
    names = "".join(f"{k},{'abcdef'[k % 6] * ds.MAX_NAME}\n" for k in range(12))
    data = multi(("f,label\n" + names).encode())
    assert data.class_names == tuple(c * ds.MAX_NAME for c in "abcdef")


MULTI_BAD = {
    "one class": (
        b"a,label\n1,2\n2,2.0\n",
        "Every label is 2. The data needs examples of at least 2",
    ),
    "one word class": (b"a,label\n1,cat\n2,cat\n", "Every label is 'cat'.*at least 2 classes"),
    "seven classes": (
        b"a,label\n" + b"".join(b"1,%d\n" % k for k in range(7)),
        "7 different labels; at most 6 classes",
    ),
    "seven names": (
        b"a,label\n" + b"".join(b"1,%s\n" % w for w in b"a b c d e f g".split()),
        r"7 different labels \('a', 'b', 'c', 'd', \.\.\.\); at most 6 classes",
    ),
    "skipped 1": (b"a,label\n1,0\n2,2\n3,2\n", "labels 0 and 2, so 1 is missing.*none skipped"),
    "no 0": (b"a,label\n1,1\n2,2\n3,3\n", "labels 1, 2 and 3, so 0 is missing.*0, 1 and 2"),
    "negative": (b"a,label\n1,0\n2,-1\n3,1\n", r"row 3: '-1' is not a label.*whole numbers"),
    "fraction": (b"a,label\n1,0\n2,1.5\n3,1\n", r"row 3: '1.5' is not a label"),
    "nan label": (b"a,label\n1,0\n2,nan\n", r"row 3: 'nan' is not a label"),
    "mixed": (
        b"a,label\n1,0\n2,1\n3,cat\n",
        r"mixes numbers and words: row 2 holds '0' but row 4 holds 'cat'",
    ),
    "empty label": (b"a,b,label\n1,2,0\n3,4,\n5,6,1\n", r"Column 'label', row 3 is empty"),
    "label without features": (
        b"a,b,label\n1,2,0\n,,1\n5,6,1\n",
        r"Row 3 has a label \('1'\) but no feature values",
    ),
    "long name": (
        b"a,label\n1,short\n2," + b"n" * 41 + b"\n",
        "41 characters long; class names may have at most 40",
    ),
    "case only": (b"a,label\n1,Cat\n2,cat\n3,dog\n", "both 'Cat' and 'cat'.*upper and lower case"),
    "html name": (b"a,label\n1,<b>x</b>\n2,<b>x</b>\n", "Every label is '‹b›x‹/b›'"),
}


@pytest.mark.parametrize(("raw", "fragment"), list(MULTI_BAD.values()), ids=list(MULTI_BAD))
def test_csv_multiclass_refusals_say_what_to_fix(raw, fragment):
    with pytest.raises(DatasetError, match=fragment):
        multi(raw)


def test_csv_multiclass_hint_when_the_label_column_is_not_named():
    with pytest.raises(DatasetError) as info:
        multi(b"a,b\n1,x\n2,x\n")
    message = str(info.value)
    assert "last column 'b'" in message and "the classes (0, 1, 2, ... or their names)" in message


def test_csv_label_without_features_is_refused_in_both_modes():
    raw = b"a,b,label\n1,2,0\n,,1\n"
    for load in (load_csv, multi):
        with pytest.raises(DatasetError, match="Row 3 has a label .* but no feature values"):
            load(raw)


def test_csv_multiclass_reads_random_tables_exactly():
    rng = np.random.default_rng(16)
    for _ in range(40):
        K = int(rng.integers(2, 7))
        m = int(rng.integers(K, 30))
        labels = np.r_[np.arange(K), rng.integers(0, K, m - K)]
        rng.shuffle(labels)
        X = np.round(rng.uniform(-1e3, 1e3, (m, 2)), 3)
        words = rng.random() < 0.5
        names = sorted(f"c{rng.integers(1000)}_{k}" for k in range(K)) if words else None
        cells = [names[y] if words else str(y) for y in labels]
        text = "x1,x2,class\n" + "".join(
            f"{float(a)!r},{float(b)!r},{c}\n" for (a, b), c in zip(X, cells, strict=True)
        )
        data = multi(text.encode())
        np.testing.assert_array_equal(data.X, X.T)
        np.testing.assert_array_equal(data.labels, labels)
        np.testing.assert_array_equal(data.Y, ds.one_hot(labels, K))
        assert data.class_names == (tuple(names) if words else tuple(map(str, range(K))))


def test_csv_multiclass_fuzz_only_dataset_error_or_success():
    rng = np.random.default_rng(2025)
    seed = b"x1,x2,label\n1,2,0\n3,4,1\n5,6,2\n7,8,1\n"
    alphabet = np.frombuffer(b"0123456789.,;\n -abcxyz\x00\xff", np.uint8)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(300):
        raw = bytearray(seed)
        for _ in range(rng.integers(1, 4)):
            raw[rng.integers(len(raw))] = int(rng.choice(alphabet))
        try:
            data = multi(bytes(raw))
        except DatasetError as exc:
            assert str(exc)
            outcomes["error"] += 1
        else:
            K = data.classes
            assert 2 <= K <= ds.MAX_CLASSES and len(set(data.class_names)) == K
            assert data.Y.shape == ((1 if K == 2 else K), data.X.shape[1])
            assert set(np.bincount(data.labels, minlength=K) > 0) == {True}
            assert np.isfinite(data.X).all()
            outcomes["ok"] += 1
    assert outcomes["ok"] > 0 and outcomes["error"] > 0
