"""Datasets for the playground: toy generators, feature crosses, a train/test split, CSV upload.

Orientation follows the course notes: ``X`` is ``(n0, m)`` with one column per observation.
Labels of two classes are ``Y`` ``(1, m)`` holding float64 0.0 and 1.0 (the notes' single
sigmoid unit); labels of ``K = 3..MAX_CLASSES`` classes are one-hot, ``Y`` ``(K, m)`` with one
1.0 in each column (the softmax output's). :func:`one_hot` and :func:`labels_of` convert between
``Y`` and the class numbers ``0..K-1``.

Every generator in :data:`GENERATORS` has the same signature, so choosing one is a dict lookup::

    gen(n_samples: int, noise: float, rng: np.random.Generator, classes: int = 2)
        -> (X (2, m), Y (1, m) or (K, m))

:data:`CLASSES` says which numbers of classes each one makes: circle, xor, gauss and moons are
two-class problems; spiral (K arms), blobs (K Gaussian blobs) and pinwheel (K twisted sectors)
make 2 to :data:`MAX_CLASSES`.

Points lie in the box ``[-BOX, BOX]^2`` (as in TensorFlow Playground). ``noise`` runs from 0
(clean) to 1; 0.5 matches TensorFlow Playground's largest noise setting of 50. Noise only moves
points; a point keeps the label of the class it was drawn from. With two classes each generator
returns ``n_samples // 2`` points of class 1 followed by the rest of class 0; with ``K >= 3``,
class 0 first, then class 1, ..., the classes' sizes differing by at most one.

Every problem a learner can cause (a bad setting, a bad file) raises :class:`DatasetError` with a
message in plain words that says what to fix.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Generator = Callable[[int, float, np.random.Generator, int], tuple[Array, Array]]

BOX = 6.0  # points lie in [-BOX, BOX]^2
MAX_SAMPLES = 5000
MAX_CLASSES = 6  # a dataset has 2 to MAX_CLASSES classes

MAX_BYTES = 2_000_000  # largest CSV file accepted, in bytes
MAX_ROWS = 5000  # data rows, not counting the header
MAX_COLS = 16  # feature columns, not counting the label
MAX_LINE = 10_000  # characters per line
MAX_ABS_VALUE = 1e6  # largest feature value, in absolute terms (beyond it costs overflow)
# Column names recognised as the label, ignoring case. When several columns match, the name
# that comes first here wins (so "x,y,class" uses "class"). When none matches, the LAST column
# is the label.
LABEL_NAMES = ("label", "class", "target", "y")
MAX_NAME = 40  # characters of a class name (a CSV's word label)


class DatasetError(ValueError):
    """A problem with the data or a data setting, explained for the learner."""


# ---------------------------------------------------------------------------------------------
# Generators


def one_hot(labels: Sequence[int] | NDArray[np.integer], classes: int) -> Array:
    """``Y`` for class numbers ``labels`` (``0..classes-1``, shape ``(m,)``): ``(1, m)`` holding
    0.0 and 1.0 for two classes, one-hot ``(classes, m)`` for more."""
    labels = np.asarray(labels, dtype=np.int64)
    if classes == 2:
        return labels.astype(np.float64).reshape(1, -1)
    Y = np.zeros((classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def labels_of(Y: Array) -> NDArray[np.int64]:
    """The class numbers ``(m,)`` of ``Y``: the 0/1 row of two classes, or the row of each
    column's 1 when ``Y`` is one-hot (the inverse of :func:`one_hot`)."""
    Y = np.asarray(Y)
    if Y.shape[0] == 1:
        return (Y[0] > 0.5).astype(np.int64)
    return np.argmax(Y, axis=0).astype(np.int64)


def n_classes(Y: Array) -> int:
    """How many classes ``Y`` encodes: 2 for a single 0/1 row, else its number of rows."""
    return 2 if np.shape(Y)[0] == 1 else int(np.shape(Y)[0])


def _labels(n: int) -> Array:
    """``n // 2`` ones followed by zeros, shape ``(n,)``."""
    return np.r_[np.ones(n // 2), np.zeros(n - n // 2)]


def _class_labels(n: int, classes: int) -> NDArray[np.int64]:
    """Class numbers ``(n,)``: for two classes ``_labels`` (class 1 first); for more, class 0,
    then 1, ..., each ``n // classes`` points and one more for the first ``n % classes``."""
    if classes == 2:
        return _labels(n).astype(np.int64)
    counts = n // classes + (np.arange(classes) < n % classes)
    return np.repeat(np.arange(classes), counts)


def _two_classes(name: str, classes: int) -> None:
    if classes != 2:
        raise DatasetError(f"The {name} dataset has 2 classes; got {classes!r}.")


def _pack(x1: Array, x2: Array, y: Array, classes: int = 2) -> tuple[Array, Array]:
    """Stack coordinates into ``X (2, m)`` clipped to the box, and labels into ``Y`` (``(1, m)``
    for two classes, one-hot ``(K, m)`` for more)."""
    X = np.clip(np.vstack([x1, x2]), -BOX, BOX)  # (2, m)
    X = np.ascontiguousarray(X, dtype=np.float64)
    if classes == 2:
        return X, y.reshape(1, -1).astype(np.float64)
    return X, one_hot(y, classes)


def circle(
    n_samples: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """Disc of radius 2.5 (class 1) inside a ring from 3.5 to 5 (class 0).

    Parameters
    ----------
    n_samples : int
        Number of points ``m``.
    noise : float
        0..1; each coordinate moves by up to ``5 * noise``.
    rng : np.random.Generator
        Source of randomness.
    classes : int
        Number of classes: 2 (see :data:`CLASSES` for the generators that make more).

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (1, m), or (K, m) one-hot for ``classes = K >= 3``
    """
    _two_classes("circle", classes)
    y = _labels(n_samples)
    r = np.where(y == 1, rng.uniform(0.0, 2.5, n_samples), rng.uniform(3.5, 5.0, n_samples))
    angle = rng.uniform(0.0, 2 * np.pi, n_samples)
    jitter = rng.uniform(-5.0, 5.0, (2, n_samples)) * noise
    return _pack(r * np.sin(angle) + jitter[0], r * np.cos(angle) + jitter[1], y)


def xor(
    n_samples: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """Quadrants: class 1 where ``x1 * x2 > 0``, class 0 where it is negative.

    Parameters and returns as in :func:`circle`. Coordinates keep 0.3 away from the axes before
    noise; each coordinate then moves by up to ``5 * noise``.
    """
    _two_classes("xor", classes)
    y = _labels(n_samples)
    size = rng.uniform(0.3, 5.3, (2, n_samples))
    sign1 = rng.choice([-1.0, 1.0], n_samples)
    sign2 = np.where(y == 1, sign1, -sign1)
    jitter = rng.uniform(-5.0, 5.0, (2, n_samples)) * noise
    return _pack(sign1 * size[0] + jitter[0], sign2 * size[1] + jitter[1], y)


def gauss(
    n_samples: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """Two Gaussian blobs: class 1 around (2, 2), class 0 around (-2, -2).

    Parameters and returns as in :func:`circle`. The variance grows with noise from 0.5 to 4 at
    ``noise = 0.5``, as in TensorFlow Playground.
    """
    _two_classes("gauss", classes)
    y = _labels(n_samples)
    centre = np.where(y == 1, 2.0, -2.0)
    X = centre + rng.normal(0.0, math.sqrt(0.5 + 7.0 * noise), (2, n_samples))
    return _pack(X[0], X[1], y)


def spiral(
    n_samples: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """``K = classes`` interleaved spirals (arms) of 1.75 turns each, a ``1/K`` turn apart.

    Parameters and returns as in :func:`circle`; 2 to :data:`MAX_CLASSES` classes. Class ``c``'s
    arm starts ``(c + 1) mod K`` K-ths of a turn round (two classes: class 1 at 0 and class 0
    half a turn later, as the two-class spiral always was). Each coordinate moves by up to
    ``noise``.
    """
    y = _class_labels(n_samples, classes)
    u = rng.uniform(0.0, 1.0, n_samples)  # position along the spiral
    r = 5.0 * u
    t = 1.75 * 2 * np.pi * u + 2 * np.pi * ((y + 1) % classes) / classes
    jitter = rng.uniform(-1.0, 1.0, (2, n_samples)) * noise
    return _pack(r * np.sin(t) + jitter[0], r * np.cos(t) + jitter[1], y, classes)


def blobs(
    n_samples: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """``K = classes`` Gaussian blobs, their centres evenly spaced on a circle of radius 4.

    Parameters and returns as in :func:`circle`; 2 to :data:`MAX_CLASSES` classes. Class ``c``'s
    centre is at the angle ``pi/4 + 2 pi c / K``; the variance grows with noise as in
    :func:`gauss`, from 0.5 to 4 at ``noise = 0.5``.
    """
    y = _class_labels(n_samples, classes)
    angle = np.pi / 4 + 2 * np.pi * y / classes
    X = 4.0 * np.vstack([np.cos(angle), np.sin(angle)])
    X += rng.normal(0.0, math.sqrt(0.5 + 7.0 * noise), (2, n_samples))
    return _pack(X[0], X[1], y, classes)


PINWHEEL_TWIST = 0.4  # radians the pinwheel's sectors turn per unit of radius


def pinwheel(
    n_samples: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """A disc of radius 5.5 cut into ``K = classes`` equal sectors that curve as they go out,
    like a pinwheel's blades.

    Parameters and returns as in :func:`circle`; 2 to :data:`MAX_CLASSES` classes. A point of
    class ``c`` at radius ``r`` (spread evenly over the disc's area) lies at an angle between
    ``2 pi (c + 0.1) / K`` and ``2 pi (c + 0.9) / K``, plus ``PINWHEEL_TWIST * r``: the clean
    classes keep a gap of a fifth of a sector between them. Each coordinate moves by up to
    ``2.5 * noise``.
    """
    y = _class_labels(n_samples, classes)
    r = 5.5 * np.sqrt(rng.uniform(0.0, 1.0, n_samples))
    within = rng.uniform(0.1, 0.9, n_samples)  # where in its sector
    t = 2 * np.pi * (y + within) / classes + PINWHEEL_TWIST * r
    jitter = rng.uniform(-2.5, 2.5, (2, n_samples)) * noise
    return _pack(r * np.cos(t) + jitter[0], r * np.sin(t) + jitter[1], y, classes)


def moons(
    n_samples: int, noise: float, rng: np.random.Generator, classes: int = 2
) -> tuple[Array, Array]:
    """Two interleaving half circles: class 0 the upper arc, class 1 the lower one.

    Parameters and returns as in :func:`circle`. Both arcs are centred and scaled by 3.5 to fill
    the box; noise adds Gaussian jitter with standard deviation ``1.4 * noise``.
    """
    _two_classes("moons", classes)
    y = _labels(n_samples)
    t = rng.uniform(0.0, np.pi, n_samples)
    x1 = np.where(y == 1, 1.0 - np.cos(t), np.cos(t)) - 0.5
    x2 = np.where(y == 1, 0.5 - np.sin(t), np.sin(t)) - 0.25
    jitter = rng.normal(0.0, 1.4 * noise, (2, n_samples))
    return _pack(3.5 * x1 + jitter[0], 3.5 * x2 + jitter[1], y)


GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "moons": moons,
    "blobs": blobs,
    "pinwheel": pinwheel,
}
# The numbers of classes each generator makes.
_ANY = tuple(range(2, MAX_CLASSES + 1))
CLASSES: dict[str, tuple[int, ...]] = {
    "circle": (2,),
    "xor": (2,),
    "gauss": (2,),
    "spiral": _ANY,
    "moons": (2,),
    "blobs": _ANY,
    "pinwheel": _ANY,
}


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def make_dataset(
    name: str, n_samples: int = 400, noise: float = 0.0, seed: int = 0, classes: int = 2
) -> tuple[Array, Array]:
    """Generate a named toy dataset, the same one every time for the same arguments.

    Parameters
    ----------
    name : str
        A key of :data:`GENERATORS`: "circle", "xor", "gauss", "spiral", "moons", "blobs" or
        "pinwheel".
    n_samples : int
        Number of points ``m``, from 2 (or ``classes``) to :data:`MAX_SAMPLES`.
    noise : float
        From 0 (clean) to 1.
    seed : int
        Non-negative seed for ``np.random.default_rng``.
    classes : int
        Number of classes ``K``, one the generator makes (:data:`CLASSES`).

    Returns
    -------
    X : ndarray of float64, shape (2, m)
    Y : ndarray of float64, shape (1, m) for two classes, (K, m) one-hot for more
        Labels 0.0 and 1.0, both present; or every class present.

    Raises
    ------
    DatasetError
        For an unknown name or a setting out of range.
    """
    if name not in GENERATORS:
        valid = ", ".join(GENERATORS)
        raise DatasetError(f"Unknown dataset {name!r}. Choose one of: {valid}.")
    if not _is_int(classes) or not 2 <= classes <= MAX_CLASSES:
        raise DatasetError(
            f"The number of classes must be a whole number from 2 to {MAX_CLASSES}; "
            f"got {classes!r}."
        )
    if classes not in CLASSES[name]:
        several = ", ".join(n for n, k in CLASSES.items() if k == _ANY)
        raise DatasetError(
            f"The {name} dataset has 2 classes, not {classes}. For more classes choose one of: "
            f"{several}."
        )
    low = max(2, int(classes))
    if not _is_int(n_samples) or not low <= n_samples <= MAX_SAMPLES:
        raise DatasetError(
            f"The number of points must be a whole number from {low} to {MAX_SAMPLES}; "
            f"got {n_samples!r}."
        )
    if not _is_real(noise) or not 0.0 <= noise <= 1.0:  # NaN fails the comparison too
        raise DatasetError(f"Noise must be a number from 0 to 1; got {noise!r}.")
    if not _is_int(seed) or seed < 0:
        raise DatasetError(f"The seed must be a whole number, 0 or more; got {seed!r}.")
    rng = np.random.default_rng(int(seed))
    return GENERATORS[name](int(n_samples), float(noise), rng, int(classes))


# ---------------------------------------------------------------------------------------------
# Features


FEATURES: dict[str, Callable[[Array, Array], Array]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1**2,
    "x2^2": lambda x1, x2: x2**2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
FEATURE_LABELS: dict[str, str] = {
    "x1": "X₁",
    "x2": "X₂",
    "x1^2": "X₁²",
    "x2^2": "X₂²",
    "x1*x2": "X₁X₂",
    "sin(x1)": "sin(X₁)",
    "sin(x2)": "sin(X₂)",
}


def add_features(X: Array, features: Sequence[str]) -> Array:
    """Compute the chosen input features from the two raw coordinates.

    Parameters
    ----------
    X : ndarray, shape (2, m)
        Raw points, row 0 is ``x1`` and row 1 is ``x2``.
    features : sequence of str
        Keys of :data:`FEATURES`, in the order wanted; each at most once.

    Returns
    -------
    X_feat : ndarray of float64, shape (len(features), m)

    Raises
    ------
    DatasetError
        If no feature is chosen, a name is unknown or repeated, or ``X`` is not ``(2, m)``.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] != 2:
        raise DatasetError(
            f"Features can only be computed from 2 input coordinates (x1, x2); "
            f"the data has shape {X.shape}."
        )
    if isinstance(features, str) or len(features) == 0:
        raise DatasetError("Choose at least one input feature.")
    for name in features:
        if name not in FEATURES:
            raise DatasetError(f"Unknown feature {name!r}. Choose from: {', '.join(FEATURES)}.")
    if len(set(features)) != len(features):
        raise DatasetError("Each feature can be chosen only once.")
    x1, x2 = X
    return np.ascontiguousarray(np.vstack([FEATURES[name](x1, x2) for name in features]))


# ---------------------------------------------------------------------------------------------
# Train/test split


def train_test_split(
    X: Array, Y: Array, train_ratio: float = 0.5, seed: int = 0
) -> tuple[Array, Array, Array, Array]:
    """Shuffle the observations (columns) and split them into a training and a test part.

    Parameters
    ----------
    X : ndarray, shape (n0, m)
    Y : ndarray, shape (1, m), or (K, m) one-hot for K = 3 to :data:`MAX_CLASSES` classes
    train_ratio : float
        Share of observations used for training, from 0.1 to 0.9.
    seed : int
        Non-negative seed for ``np.random.default_rng``; the same seed gives the same split.

    Returns
    -------
    X_train : ndarray of float64, shape (n0, m_train)
    Y_train : ndarray of float64, shape (1 or K, m_train)
    X_test : ndarray of float64, shape (n0, m - m_train)
    Y_test : ndarray of float64, shape (1 or K, m - m_train)
        ``m_train = round(train_ratio * m)``, kept between 1 and ``m - 1``. All four arrays
        are C-contiguous copies.

    Raises
    ------
    DatasetError
        For a ratio out of range, fewer than 2 observations or mismatched shapes.
    """
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    rows_ok = Y.ndim == 2 and (Y.shape[0] == 1 or 3 <= Y.shape[0] <= MAX_CLASSES)
    if X.ndim != 2 or not rows_ok or X.shape[1] != Y.shape[1]:
        raise DatasetError(
            f"X must be (n0, m) and Y (1, m), or (K, m) for K = 3 to {MAX_CLASSES} classes, "
            f"with the same m; got {X.shape} and {Y.shape}."
        )
    if not _is_real(train_ratio) or not 0.1 <= train_ratio <= 0.9:
        raise DatasetError(f"The training share must be from 0.1 to 0.9; got {train_ratio!r}.")
    if not _is_int(seed) or seed < 0:
        raise DatasetError(f"The seed must be a whole number, 0 or more; got {seed!r}.")
    m = X.shape[1]
    if m < 2:
        raise DatasetError("At least 2 observations are needed to split into training and test.")
    m_train = min(max(round(train_ratio * m), 1), m - 1)
    order = np.random.default_rng(int(seed)).permutation(m)
    train, test = order[:m_train], order[m_train:]
    parts = (X[:, train], Y[:, train], X[:, test], Y[:, test])
    return tuple(np.ascontiguousarray(part) for part in parts)  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# CSV upload


@dataclass(frozen=True, eq=False)
class CSVData:
    """A parsed CSV file.

    Attributes
    ----------
    X : ndarray of float64, shape (n0, m)
        One row per feature column, one column per data row of the file.
    Y : ndarray of float64, shape (1, m), or (K, m) one-hot for K >= 3 classes
        Labels 0.0 and 1.0 for two classes.
    feature_names : tuple of str, length n0
    label_name : str
    class_names : tuple of str, length K
        What each class is called in the file, in class order: ``("0", "1", ...)`` for numeric
        labels, the words in sorted order for word labels.
    """

    X: Array
    Y: Array
    feature_names: tuple[str, ...]
    label_name: str
    class_names: tuple[str, ...] = ("0", "1")

    @property
    def classes(self) -> int:
        return len(self.class_names)

    @property
    def labels(self) -> NDArray[np.int64]:
        """The class number ``0..K-1`` of each row, shape ``(m,)``."""
        return labels_of(self.Y)


_NEWLINE = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SAVE_UTF8 = "Save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)') and upload it again."


def _read_bytes(file: str | os.PathLike[str] | bytes | BinaryIO, max_bytes: int) -> bytes:
    """Read at most ``max_bytes + 1`` bytes from a path, a bytes object or a file object."""
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(memoryview(file).cast("B")[: max_bytes + 1])
    elif isinstance(file, str | os.PathLike):
        try:
            with open(file, "rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise DatasetError(f"Could not open the file {os.fspath(file)!r}: {exc}.") from exc
    elif hasattr(file, "read"):
        try:
            if getattr(file, "seekable", lambda: False)():
                file.seek(0)  # an uploaded file may have been read before
            data = file.read(max_bytes + 1)
        except (OSError, ValueError) as exc:
            raise DatasetError("Could not read the file. Try uploading it again.") from exc
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        if not isinstance(data, bytes | bytearray):
            raise DatasetError("Could not read the file. Try uploading it again.")
        data = bytes(data)
    else:
        raise TypeError(f"load_csv needs a path, bytes or a binary file, not {type(file).__name__}")
    if len(data) > max_bytes:
        raise DatasetError(
            f"The file is larger than the limit of {max_bytes:,} bytes. "
            f"Upload a smaller file (at most {MAX_ROWS:,} rows)."
        )
    return data


def _looks_utf16(data: bytes) -> bool:
    """True for a UTF-16/32 byte order mark, or NUL in most odd or most even bytes."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    even, odd = data[0::2], data[1::2]
    return len(data) >= 4 and max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.9


def _decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), refusing other encodings and binary data."""
    if not data.strip():
        raise DatasetError("The file is empty. Choose a CSV file with a header row and data.")
    if _looks_utf16(data):
        raise DatasetError(f"The file is saved as UTF-16 text, not UTF-8. {_SAVE_UTF8}")
    binary = (
        "The file holds binary data, so it is not a CSV text file. If it is a spreadsheet "
        "(.xlsx) or another format, export it as CSV (UTF-8) first."
    )
    if b"\x00" in data:
        raise DatasetError(binary)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} at position "
            f"{exc.start} is not valid UTF-8; it may be Latin-1 or Windows text, or not text "
            f"at all). {_SAVE_UTF8}"
        ) from None
    if _CONTROL.search(text):
        raise DatasetError(binary)
    if not text.strip():
        raise DatasetError("The file is empty. Choose a CSV file with a header row and data.")
    return text


def _split_rows(text: str) -> list[tuple[int, list[str]]]:
    """Split CSV text into ``(line number, stripped cells)``, skipping blank rows."""
    lines = _NEWLINE.split(text)
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE:
            raise DatasetError(
                f"Line {number} has {len(line):,} characters; the limit is {MAX_LINE:,} per "
                "line. Check that the file has one observation per line."
            )
    header = next((line for line in lines if line.strip()), "")
    delimiter = next((d for d in ",;\t" if d in header), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for raw in reader:
            cells = [cell.strip() for cell in raw]
            if not any(cells):
                continue
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                raise DatasetError(
                    f"The file has more than {MAX_ROWS:,} data rows; the limit is {MAX_ROWS:,}. "
                    "Use a smaller sample."
                )
    except csv.Error as exc:
        raise DatasetError(
            f"Could not read line {reader.line_num} as CSV ({exc}). Check the quotes and "
            "commas on that line."
        ) from None
    return rows


def _short(cell: str) -> str:
    """A cell or column name quoted for a message: at most 30 characters, and angle brackets
    shown as ‹ › so that nothing from the file reads as markup wherever the message is shown."""
    text = cell if len(cell) <= 30 else cell[:27] + "..."
    return repr(text.replace("<", "‹").replace(">", "›"))


def _number(cell: str, column: str, row: int) -> float:
    """Parse one feature cell, naming its column and row in any error."""
    where = f"Column {_short(column)}, row {row}"
    if cell == "":
        raise DatasetError(f"{where} is empty. Fill in every cell; blank cells are not allowed.")
    try:
        value = float(cell)
    except ValueError:
        raise DatasetError(
            f"{where}: {_short(cell)} is not a number. Feature columns must hold numbers only "
            "(use a dot as the decimal mark)."
        ) from None
    if not math.isfinite(value):
        raise DatasetError(
            f"{where}: {_short(cell)} is not a finite number. Replace NaN and infinity with "
            "real values or remove the row."
        )
    if abs(value) > MAX_ABS_VALUE:
        raise DatasetError(
            f"{where}: {_short(cell)} is too large; feature values must lie between "
            f"-{MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}. Rescale the column (e.g. to "
            "thousands or millions) or standardise it."
        )
    return value


def _header(names: list[str]) -> int:
    """Check the header row and return the index of the label column."""
    if len(names) < 2:
        raise DatasetError(
            f"The file needs at least 2 columns (features and a label), but the header row "
            f"has {len(names)}. Separate the values with commas."
        )
    try:
        [float(name) for name in names]
    except ValueError:
        pass
    else:
        raise DatasetError(
            "The first row holds numbers, but it must be a header row with column names, "
            "e.g. x1,x2,label. Add a header row."
        )
    seen: set[str] = set()
    for number, name in enumerate(names, start=1):
        if not name:
            raise DatasetError(f"Column {number} has no name. Give every column a name.")
        if name.casefold() in seen:
            raise DatasetError(
                f"The column name {_short(name)} appears twice (ignoring case). Column names must "
                "be unique."
            )
        seen.add(name.casefold())
    if len(names) - 1 > MAX_COLS:
        raise DatasetError(
            f"The file has {len(names) - 1} feature columns; the limit is {MAX_COLS}. "
            "Keep fewer columns."
        )
    folded = [name.casefold() for name in names]
    found = [folded.index(label) for label in LABEL_NAMES if label in folded]
    return found[0] if found else len(names) - 1


def _class_numbers(cells: list[tuple[int, str]], label: str, hint: str):
    """The classes of a label column (issue 16's rules): ``(class numbers (m,), class names)``.

    ``cells`` are ``(row, cell)`` pairs, every cell non-empty. Either every label is a number
    (the whole numbers ``0..K-1``, none skipped) or every label is a word or name (the ``K``
    distinct ones numbered in sorted order); ``K`` from 2 to :data:`MAX_CLASSES`.
    """
    column = f"Column {_short(label)}"
    numbers: dict[int, float] = {}
    for row, cell in cells:
        try:
            numbers[row] = float(cell)
        except ValueError:
            pass
    if 0 < len(numbers) < len(cells):  # some numbers, some words
        num_row = next(row for row, _ in cells if row in numbers)
        word_row = next(row for row, _ in cells if row not in numbers)
        cell = dict(cells)
        raise DatasetError(
            f"{column} mixes numbers and words: row {num_row} holds {_short(cell[num_row])} "
            f"but row {word_row} holds {_short(cell[word_row])}. Write every label the same "
            f"way: the numbers 0, 1, 2, ... or a name for each class.{hint}"
        )
    many = (
        f"at most {MAX_CLASSES} classes are possible. Merge some classes or keep the rows of "
        f"at most {MAX_CLASSES}."
    )
    if numbers:
        for row, cell in cells:
            value = numbers[row]
            if not (math.isfinite(value) and value >= 0 and value.is_integer()):
                raise DatasetError(
                    f"{column}, row {row}: {_short(cell)} is not a label. Numeric labels must "
                    f"be the whole numbers 0, 1, 2, ... (one per class).{hint}"
                )
        found = sorted({int(v) for v in numbers.values()})
        if len(found) > MAX_CLASSES:
            raise DatasetError(f"{column} holds {len(found)} different labels; {many}")
        if len(found) == 1:
            raise DatasetError(
                f"Every label is {found[0]}. The data needs examples of at least 2 classes." + hint
            )
        if found != list(range(len(found))):
            missing = sorted(set(range(found[-1] + 1)) - set(found))
            raise DatasetError(
                f"{column} holds the labels {_listed(found)}, so {_listed(missing)} "
                f"{'is' if len(missing) == 1 else 'are'} missing. Numeric labels must be "
                f"0, 1, 2, ... with none skipped: {len(found)} classes are labelled "
                f"{_listed(list(range(len(found))))}. Renumber them, or name the classes."
            )
        labels = np.array([int(numbers[row]) for row, _ in cells], dtype=np.int64)
        return labels, tuple(str(k) for k in range(len(found)))
    for row, cell in cells:
        if len(cell) > MAX_NAME:
            raise DatasetError(
                f"{column}, row {row}: the label {_short(cell)} is {len(cell)} characters long; "
                f"class names may have at most {MAX_NAME}. Use shorter names."
            )
    names = sorted({cell for _, cell in cells})
    if len(names) > MAX_CLASSES:
        shown = ", ".join(_short(n) for n in names[:4])
        raise DatasetError(f"{column} holds {len(names)} different labels ({shown}, ...); {many}")
    if len(names) == 1:
        raise DatasetError(
            f"Every label is {_short(names[0])}. The data needs examples of at least 2 classes."
            + hint
        )
    folded: dict[str, str] = {}
    for name in names:
        if name.casefold() in folded:
            raise DatasetError(
                f"{column} holds both {_short(folded[name.casefold()])} and {_short(name)}, "
                "which differ only in upper and lower case. Write each class's name the same "
                "way in every row."
            )
        folded[name.casefold()] = name
    number = {name: k for k, name in enumerate(names)}
    return np.array([number[cell] for _, cell in cells], dtype=np.int64), tuple(names)


def _listed(values: list[int]) -> str:
    """``[0, 2, 5]`` as "0, 2 and 5"."""
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def load_csv(
    file: str | os.PathLike[str] | bytes | BinaryIO,
    max_bytes: int = MAX_BYTES,
    multiclass: bool = False,
) -> CSVData:
    """Read a CSV file of numeric features and a label column.

    The file must be UTF-8 text (a byte order mark is fine) with a header row of unique column
    names, then one observation per row. Values are separated by commas (or by semicolons or
    tabs when the header row has no comma). Blank lines are skipped. Rows are numbered as in a
    spreadsheet: the header is row 1.

    The label column is the one named "label", "class", "target" or "y" (ignoring case; the
    first name of :data:`LABEL_NAMES` present wins). If no column has such a name, the LAST
    column is the label. Labels must be the numbers 0 and 1 (written as 0, 1, 0.0 or 1.0; words
    such as true/false are not accepted) and both must occur. Every other column is a feature
    and must hold finite numbers in every row, at most :data:`MAX_ABS_VALUE` in size.

    With ``multiclass=True`` the labels may name 2 to :data:`MAX_CLASSES` classes (issue 16):
    either every label is a whole number, the classes numbered ``0..K-1`` with none skipped,
    or every label is a word or name (at most :data:`MAX_NAME` characters; two names that
    differ only in case are refused), the ``K`` distinct names numbered in sorted order and
    kept in ``class_names``. The page turns this on once it shows more than two classes.

    Limits: :data:`MAX_BYTES` bytes (or ``max_bytes``), :data:`MAX_ROWS` data rows,
    :data:`MAX_COLS` feature columns and :data:`MAX_LINE` characters per line.

    Parameters
    ----------
    file : str, os.PathLike, bytes or binary file object
        A path, the file's bytes, or an open binary file such as Streamlit's ``UploadedFile``
        (read from its start).
    max_bytes : int
        Largest accepted size; at most ``max_bytes + 1`` bytes are ever read.
    multiclass : bool
        Accept labels of 2 to :data:`MAX_CLASSES` classes, numbers or names (see above).

    Returns
    -------
    CSVData
        ``X`` of shape (n0, m), ``Y`` of shape (1, m) (two classes) or one-hot (K, m), the
        feature names, the label name and the class names.

    Raises
    ------
    DatasetError
        For any problem with the file's content or size, with a message saying what to fix.
    TypeError
        If ``file`` is none of the accepted types.
    """
    if not _is_int(max_bytes) or max_bytes < 1:
        raise DatasetError(f"max_bytes must be a positive whole number; got {max_bytes!r}.")
    rows = _split_rows(_decode(_read_bytes(file, max_bytes)))
    if not rows:
        raise DatasetError("The file is empty. Choose a CSV file with a header row and data.")
    (_, names), body = rows[0], rows[1:]
    label = _header(names)
    if not body:
        raise DatasetError("The file has a header row but no data rows. Add data below it.")
    label_name = names[label]
    holding = "the classes (0, 1, 2, ... or their names)" if multiclass else "0 and 1"
    hint = (
        ""
        if label_name.casefold() in LABEL_NAMES
        else f" No column is named label, y, class or target, so the last column "
        f"{_short(label_name)} is used as the label. Add a column named 'label' holding "
        f"{holding}."
    )
    features, labels, cells_of_labels = [], [], []
    for row, cells in body:
        if len(cells) != len(names):
            raise DatasetError(
                f"Row {row} has {len(cells)} value{'s' * (len(cells) != 1)} but the header has "
                f"{len(names)} columns. Every row needs one value per column."
            )
        if not any(c for j, c in enumerate(cells) if j != label):
            raise DatasetError(
                f"Row {row} has a label ({_short(cells[label])}) but no feature values. Fill "
                "in its features or remove the row."
            )
        features.append([_number(c, names[j], row) for j, c in enumerate(cells) if j != label])
        cell = cells[label]
        if multiclass:
            if not cell:
                raise DatasetError(
                    f"Column {_short(label_name)}, row {row} is empty. Every row needs a "
                    f"label.{hint}"
                )
            cells_of_labels.append((row, cell))
            continue
        try:
            value = float(cell)
        except ValueError:
            value = math.nan
        if value not in (0.0, 1.0):
            raise DatasetError(
                f"Column {_short(label_name)}, row {row}: {_short(cell)} is not a label. "
                "Labels must be the numbers 0 or 1 (words such as true/false are not "
                f"accepted).{hint}"
            )
        labels.append(value == 1.0)
    class_names: tuple[str, ...] = ("0", "1")
    if multiclass:
        numbers, class_names = _class_numbers(cells_of_labels, label_name, hint)
        Y = one_hot(numbers, len(class_names))
    else:
        Y = np.array(labels, dtype=np.float64).reshape(1, -1)  # (1, m)
        if Y.min() == Y.max():
            raise DatasetError(
                f"Every label is {int(Y[0, 0])}. The data needs examples of both classes, 0 "
                "and 1." + hint
            )
    X = np.ascontiguousarray(np.array(features, dtype=np.float64).T)  # (n0, m)
    feature_names = tuple(name for j, name in enumerate(names) if j != label)
    return CSVData(X, Y, feature_names, label_name, class_names)
