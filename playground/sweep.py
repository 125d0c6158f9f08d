"""Parameter sweeps: train a small grid of configurations and compare their final costs.

``sweep(base, {"alpha": [0.03, 0.3, 3], "n1": [2, 4]}, epochs=500)`` trains one network per
cell of the grid (``base`` with the cell's values), each with ``Trainer(config).step(epochs)``,
and returns a :class:`SweepResult` whose ``values`` is the grid of final training costs (rows:
the first axis, columns: the second). A cell whose training diverges is reported in
``diverged`` with NaN values; it never raises. A base of ``K >= 3`` classes (``Config.classes``)
sweeps ``K``-class runs: their costs are the categorical cross-entropy, from ``ln K`` for a guess.

The cells run through joblib: ``Parallel(n_jobs, backend=backend,
return_as="generator_unordered")`` hands back each cell as soon as it is done, so
``on_result(done, total)`` can drive a progress bar, and ``should_stop()`` is asked after each
result: when it says True the sweep stops consuming, closing the generator cancels the cells
still queued or running (loky stops its workers), and the partial result comes back with
``cancelled=True`` and NaN in the cells that did not finish. ``n_jobs=1`` runs the cells one
after the other in this process. Every cell is deterministic, so the values do not depend on
``n_jobs``, the backend or the order in which cells finish.

Running on a cluster
--------------------
Nothing here schedules work; joblib's backends do. The same call runs on a Dask cluster::

    from dask.distributed import Client   # pip install "dask[distributed]"
    client = Client("tcp://scheduler:8786")   # creating a Client registers joblib's "dask"
    result = sweep(base, axes, 500, n_jobs=-1, backend="dask")

or, to let the surrounding code choose, pass ``backend=None`` (joblib's current default) and
wrap the call in ``with joblib.parallel_config(backend="dask"): ...``. An explicit backend
name given to ``Parallel`` takes precedence over ``parallel_config``, which is why ``None``
is needed there. On Ray::

    import ray
    from ray.util.joblib import register_ray
    ray.init(address="auto")
    register_ray()
    result = sweep(base, axes, 500, n_jobs=-1, backend="ray")

The workers must be able to import ``playground`` (install the project, or ship it with the
cluster's environment). ``MAX_CELLS`` and ``MAX_EPOCHS`` bound the work one request may ask
of the hosted demo; raise them for a cluster of your own.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence

import numpy as np
from joblib import Parallel, delayed

from playground import state
from playground.trainer import Config, Trainer

MAX_CELLS = 64  # cells per sweep on the hosted demo
MAX_EPOCHS = 5000  # epochs per cell on the hosted demo
MAX_AXES = 2

AXES = ("alpha", "n1", "n2", "noise", "l2", "seed")  # what a sweep may vary
ALIASES = {"hidden_1": "n1", "hidden_2": "n2"}
LABELS = {
    "alpha": "learning rate alpha",
    "n1": "units in hidden layer 1 (n1)",
    "n2": "units in hidden layer 2 (n2)",
    "noise": "noise",
    "l2": "L2 regularisation",
    "seed": "seed",
}


@dataclasses.dataclass(frozen=True, eq=False)
class SweepResult:
    """The outcome of a sweep; every grid is ``(len(first axis), len(second axis) or 1)``."""

    axes: tuple[tuple[str, tuple], ...]  # ((name, values), ...): rows, then columns
    epochs: int
    values: np.ndarray  # final training cost; NaN where diverged or not run
    test_costs: np.ndarray  # final test cost; NaN where diverged or not run
    train_accs: np.ndarray  # final training accuracy; NaN where diverged or not run
    test_accs: np.ndarray  # final test accuracy; NaN where diverged or not run
    diverged: np.ndarray  # bool: the cell's training diverged
    finished: np.ndarray  # bool: the cell's result came back (diverged or not)
    epochs_done: np.ndarray  # int: epochs trained (fewer on divergence); -1 where not run
    completed: int  # cells whose result came back
    cancelled: bool  # should_stop() ended the sweep early

    @property
    def total(self) -> int:
        return int(self.values.size)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.axes)

    def value_at(self, **where) -> float:
        """The final training cost of the cell with these axis values, e.g. ``alpha=0.3``."""
        index = [0, 0]
        for axis, (name, values) in enumerate(self.axes):
            index[axis] = list(values).index(where[name])
        return float(self.values[tuple(index)])


def _is_int(x: object) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _is_real(x: object) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool)


def _check_value(name: str, x: object) -> float | int:
    """One axis value, as the type the config holds; ValueError with the reason otherwise."""
    label = LABELS[name]
    if name in ("n1", "n2", "seed"):
        lo, hi = (1, state.MAX_UNITS) if name != "seed" else state.SEED_RANGE
        if not _is_int(x) or not lo <= x <= hi:
            raise ValueError(f"{label}: {x!r} is not a whole number from {lo} to {hi}")
        return int(x)
    lo, hi = {
        "alpha": state.ALPHA_RANGE,
        "noise": state.NOISE_RANGE,
        "l2": state.L2_RANGE,
    }[name]
    if not _is_real(x) or not math.isfinite(x) or not lo <= x <= hi:
        raise ValueError(f"{label}: {x!r} is not a number from {lo:g} to {hi:g}")
    if name == "alpha" and x <= 0:
        raise ValueError(f"{label}: {x!r} must be positive")
    return float(x)


def normalise_axes(base: Config, axes: Mapping[str, Sequence]) -> tuple[tuple[str, tuple], ...]:
    """Check a sweep's axes against the limits; returns ``((name, values), ...)``.

    Names are those of ``AXES`` (``hidden_1``/``hidden_2`` are accepted for ``n1``/``n2``);
    one or two axes; each a non-empty list of values within the playground's ranges.
    """
    if not isinstance(base, Config):
        raise ValueError("base must be a Config")
    if base.classes not in state.classes_for(base.dataset):  # before a worker finds out
        raise ValueError(f"the {base.dataset} dataset has 2 classes, not {base.classes}")
    if not isinstance(axes, Mapping) or not 1 <= len(axes) <= MAX_AXES:
        raise ValueError(f"give 1 or {MAX_AXES} axes to sweep, as {{name: [values]}}")
    out: list[tuple[str, tuple]] = []
    for raw_name, values in axes.items():
        name = ALIASES.get(raw_name, raw_name)
        if name not in AXES:
            raise ValueError(
                f"cannot sweep {str(raw_name)[:40]!r}; choose from {', '.join(AXES)} "
                f"(or hidden_1, hidden_2)"
            )
        if name in (n for n, _ in out):
            raise ValueError(f"{name} is given twice")
        if name == "n1" and len(base.hidden) < 1:
            raise ValueError("n1 needs a base network with at least one hidden layer")
        if name == "n2" and len(base.hidden) < 2:
            raise ValueError("n2 needs a base network with at least two hidden layers")
        if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
            raise ValueError(f"{name}: give a list of values")
        if len(values) == 0:
            raise ValueError(f"{name}: give at least one value")
        if len(values) > MAX_CELLS:
            raise ValueError(f"{name}: {len(values)} values; at most {MAX_CELLS} cells in all")
        out.append((name, tuple(_check_value(name, x) for x in values)))
    cells = math.prod(len(v) for _, v in out)
    if cells > MAX_CELLS:
        shape = " x ".join(str(len(v)) for _, v in out)
        raise ValueError(
            f"a sweep of {shape} = {cells} cells is too large; at most {MAX_CELLS} cells"
        )
    return tuple(out)


def cell_config(base: Config, changes: Mapping[str, float | int]) -> Config:
    """``base`` with one cell's axis values (``n1``/``n2`` replace a hidden layer's size)."""
    hidden = list(base.hidden)
    fields = {}
    for name, value in changes.items():
        if name in ("n1", "n2"):
            hidden[int(name[1]) - 1] = value
        else:
            fields[name] = value
    return base.replace(hidden=tuple(hidden), **fields)


def grid_configs(
    base: Config, axes: Mapping[str, Sequence]
) -> Iterator[tuple[tuple[int, int], Config]]:
    """Every cell of the grid as ``((row, column), config)``, row by row."""
    named = normalise_axes(base, axes)
    ranges = [range(len(values)) for _, values in named]
    for index in itertools.product(*ranges):
        changes = {name: values[i] for (name, values), i in zip(named, index, strict=True)}
        yield (index + (0,))[:2], cell_config(base, changes)


def _train_cell(index: tuple[int, int], config: Config, epochs: int) -> tuple:
    """One cell, in a worker: ``(index, (train_cost, test_cost, train_acc, test_acc),
    diverged, epochs_done)``. A diverged trainer reports its last finite state."""
    trainer = Trainer(config)
    trainer.step(epochs)
    row = trainer.last
    metrics = (row["train_cost"], row["test_cost"], row["train_acc"], row["test_acc"])
    return index, metrics, trainer.diverged, trainer.epoch


def sweep(
    base: Config,
    axes: Mapping[str, Sequence],
    epochs: int,
    *,
    n_jobs: int = 2,
    backend: str | None = "loky",
    on_result: Callable[[int, int], object] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SweepResult:
    """Train ``base`` with every combination of the axes' values for ``epochs`` epochs.

    ``axes`` maps one or two of ``AXES`` to lists of values (at most ``MAX_CELLS`` cells);
    ``epochs`` is at most ``MAX_EPOCHS``. ``on_result(done, total)`` is called after each
    cell; ``should_stop()`` after each cell too, and True cancels the cells not yet done.
    ``backend=None`` uses joblib's current default (see ``joblib.parallel_config``).
    Raises ValueError for requests beyond the limits; a diverging cell does not raise.
    """
    named = normalise_axes(base, axes)
    if not _is_int(epochs) or not 0 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be a whole number from 0 to {MAX_EPOCHS}; got {epochs!r}")
    if not _is_int(n_jobs) or n_jobs == 0:
        raise ValueError("n_jobs must be a whole number other than 0 (-1: all cores)")
    shape = (len(named[0][1]), len(named[1][1]) if len(named) > 1 else 1)
    total = shape[0] * shape[1]
    grids = np.full((4, *shape), np.nan)
    diverged = np.zeros(shape, dtype=bool)
    finished = np.zeros(shape, dtype=bool)
    epochs_done = np.full(shape, -1, dtype=np.int64)
    completed, cancelled = 0, False

    cells = grid_configs(base, dict(named))
    tasks = (delayed(_train_cell)(index, config, int(epochs)) for index, config in cells)
    results = Parallel(n_jobs=n_jobs, backend=backend, return_as="generator_unordered")(tasks)
    try:
        for index, metrics, cell_diverged, done in results:
            completed += 1
            finished[index], epochs_done[index] = True, done
            if cell_diverged:
                diverged[index] = True
            else:
                grids[(slice(None), *index)] = metrics
            if on_result is not None:
                on_result(completed, total)
            if should_stop is not None and completed < total and should_stop():
                cancelled = True
                break
    finally:
        with warnings.catch_warnings():
            # joblib warns that the cells still queued or running were cancelled: intended.
            warnings.filterwarnings("ignore", message=".*have been cancelled", category=UserWarning)
            warnings.filterwarnings(
                "ignore", message=".*executed +but not used", category=UserWarning
            )
            results.close()
    return SweepResult(
        axes=named,
        epochs=int(epochs),
        values=grids[0],
        test_costs=grids[1],
        train_accs=grids[2],
        test_accs=grids[3],
        diverged=diverged,
        finished=finished,
        epochs_done=epochs_done,
        completed=completed,
        cancelled=cancelled,
    )


__all__ = [
    "AXES",
    "MAX_CELLS",
    "MAX_EPOCHS",
    "SweepResult",
    "cell_config",
    "grid_configs",
    "normalise_axes",
    "sweep",
]
