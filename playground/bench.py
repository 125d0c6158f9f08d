"""Engine speed: the trainer (with its full history) against the notes written straight into NumPy.

Run ``python -m playground.bench`` (``--quick`` for a short run). For each size it prints the
median epochs per second over interleaved repeats of

* ``trainer``: ``Trainer.step`` on ``m`` training observations, which also evaluates a test
  set of the same size every epoch and records a history row (costs, accuracies, norms);
* ``naive``: forward, backward and update as the notes write them, nothing recorded (for S3,
  three classes, with a softmax output in place of the sigmoid: issue 16);
* ``engine``: the trainer's in-place ``Workspace`` stepping the training set alone (no test
  set, no history): the same work as ``naive``, to separate the engine's speed from the cost
  of what the trainer records;
* ``torch``: the same network and loop in PyTorch on the CPU, when PyTorch is installed;

and the time to evaluate the network on a 100x100 grid. For L it also prints the GFLOP/s the
trainer reaches beside this machine's float64 matrix-multiply peak, measured in the same run.
"ratio" is trainer/naive of the two medians; "paired" the median of the repeats' own
trainer/naive (each repeat runs trainer and naive back to back, in turn first, so a pair shares
the machine's speed of the moment: the steadier figure when the machine's speed moves); "each
run" the lowest and highest of those pairs, which shows how much the machine's speed moved
during the run. "met" says whether the ratio and the paired figure reach the target.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from playground import datasets, engine
from playground.trainer import Config, Data, Trainer

SIZES = {
    "S": ((2, 8, 8, 1), 400),
    "S3": ((2, 8, 8, 3), 400),  # three classes: a softmax output
    "M": ((2, 32, 32, 1), 2_000),
    "L": ((2, 256, 256, 1), 20_000),
}
TARGETS = {"S": 1.5, "S3": 1.5, "M": 1.2, "L": 1.3}  # trainer/naive, ratio and paired
ACT = ("tanh", "tanh")


def _data(n_train: int, seed: int = 0, classes: int = 2) -> Data:
    rng = np.random.default_rng(seed)
    if classes == 2:
        P, Y = datasets.GENERATORS["circle"](2 * n_train, 0.1, rng)
    else:
        P, Y = datasets.GENERATORS["pinwheel"](2 * n_train, 0.1, rng, classes)
        order = rng.permutation(2 * n_train)  # (the generator returns class after class)
        P, Y = P[:, order], Y[:, order]
    return Data(
        P[:, :n_train],
        Y[:, :n_train],
        P[:, n_train:],
        Y[:, n_train:],
        P[:, :n_train],
        P[:, n_train:],
        ("x1", "x2"),
    )


def naive_epoch(p: dict, X: np.ndarray, Y: np.ndarray, alpha: float) -> dict:
    """One epoch exactly as the notes write it, for the 2-hidden-layer tanh network; with more
    than one output unit (one-hot ``Y``), the output is a softmax and the rest the same."""
    m = X.shape[1]
    Z1 = p["W1"] @ X + p["B1"]
    A1 = np.tanh(Z1)
    Z2 = p["W2"] @ A1 + p["B2"]
    A2 = np.tanh(Z2)
    Z3 = p["W3"] @ A2 + p["B3"]
    if len(Z3) == 1:
        A3 = 1 / (1 + np.exp(-Z3))
    else:  # softmax, from Z3 - max so that exp cannot overflow
        E = np.exp(Z3 - np.max(Z3, axis=0, keepdims=True))
        A3 = E / np.sum(E, axis=0, keepdims=True)
    dZ3 = A3 - Y
    dW3 = 1 / m * dZ3 @ A2.T
    dB3 = 1 / m * np.sum(dZ3, axis=1, keepdims=True)
    dZ2 = p["W3"].T @ dZ3 * (1 - A2**2)
    dW2 = 1 / m * dZ2 @ A1.T
    dB2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = p["W2"].T @ dZ2 * (1 - A1**2)
    dW1 = 1 / m * dZ1 @ X.T
    dB1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return {
        "W3": p["W3"] - alpha * dW3,
        "B3": p["B3"] - alpha * dB3,
        "W2": p["W2"] - alpha * dW2,
        "B2": p["B2"] - alpha * dB2,
        "W1": p["W1"] - alpha * dW1,
        "B1": p["B1"] - alpha * dB1,
    }


def _torch_runner(sizes, X, Y, alpha):
    try:
        import torch
    except ImportError:
        return None
    torch.manual_seed(0)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    p = {
        k: torch.from_numpy(v.copy()).requires_grad_()
        for k, v in engine.init_params(sizes, 0).items()
    }
    if len(Y) == 1:
        loss_fn = torch.nn.BCEWithLogitsLoss()
    else:  # softmax and the categorical cross-entropy, on the class numbers
        cross_entropy, labels = torch.nn.CrossEntropyLoss(), torch.from_numpy(Y.argmax(axis=0))

        def loss_fn(ZL, _):
            return cross_entropy(ZL.T, labels)

    def run(n):
        for _ in range(n):
            A1 = torch.tanh(p["W1"] @ Xt + p["B1"])
            A2 = torch.tanh(p["W2"] @ A1 + p["B2"])
            loss = loss_fn(p["W3"] @ A2 + p["B3"], Yt)
            for v in p.values():
                v.grad = None
            loss.backward()
            with torch.no_grad():
                for v in p.values():
                    v -= alpha * v.grad

    return run


def _rate(run, n: int) -> float:
    t0 = time.perf_counter()
    run(n)
    return n / (time.perf_counter() - t0)


def matmul_peak(repeats: int = 5) -> float:
    """float64 GFLOP/s of a 1024x1024 matrix product, best of ``repeats``."""
    a = np.random.default_rng(0).standard_normal((1024, 1024))
    b = a.copy()
    best = min(_time(lambda: a @ b) for _ in range(repeats))
    return 2 * 1024**3 / best / 1e9


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def epoch_flops(sizes, m: int) -> float:
    """Multiply-adds x2 of one epoch: forward ``Wk A``; backward ``dZ A^T`` and ``W^T dZ``."""
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    fwd = sum(2 * a * b * m for a, b in pairs)
    bwd = sum(2 * a * b * m for a, b in pairs) + sum(2 * a * b * m for a, b in pairs[1:])
    return fwd + bwd


def bench(name: str, repeats: int, seconds: float) -> dict:
    sizes, m = SIZES[name]
    classes = max(2, sizes[-1])
    nL, output = engine.output_layer(classes)
    data = _data(m, classes=classes)
    alpha = 0.1
    config = Config(hidden=sizes[1:-1], activations=ACT, alpha=alpha, classes=classes)
    trainer = Trainer(config, data=data)
    p0 = engine.init_params(sizes, 0)
    state = {"p": p0}

    def naive(n):
        p = state["p"]
        for _ in range(n):
            p = naive_epoch(p, data.X_train, data.Y_train, alpha)
        state["p"] = p

    ws = engine.Workspace(sizes, ACT, data.X_train, data.Y_train, output=output)
    ws.load(p0)
    ws.forward()
    ws.backward()

    def workspace(n):
        with np.errstate(all="ignore"):
            for _ in range(n):
                ws.step(alpha)

    runners = {"trainer": trainer.step, "naive": naive, "engine": workspace}
    torch_run = _torch_runner(sizes, data.X_train, data.Y_train, alpha)
    if torch_run is not None:
        runners["torch"] = torch_run
    # Calibrate a batch of epochs that takes about ``seconds`` per contender.
    batch = {}
    for key, run in runners.items():
        run(2)
        batch[key] = max(1, int(seconds * _rate(run, 3)))
    rates = {key: [] for key in runners}
    for i in range(repeats):
        # every other repeat in reverse order: trainer and naive stay back to back, and neither
        # always runs first (on a warmer or a quieter machine)
        for key, run in list(runners.items())[:: 1 if i % 2 == 0 else -1]:
            rates[key].append(_rate(run, batch[key]))
    out = {key: statistics.median(v) for key, v in rates.items()}
    # The ratio of each repeat's pair (trainer and naive run back to back): their median is the
    # steadier figure, their spread shows how much this machine's speed moved during the run.
    pairs = [t / n for t, n in zip(rates["trainer"], rates["naive"], strict=True)]
    out["paired"] = statistics.median(pairs)
    out["pair_range"] = (min(pairs), max(pairs))
    xs = np.linspace(-6, 6, 100)
    grid = np.stack(np.meshgrid(xs, xs)).reshape(2, -1)
    params = trainer.params
    out["grid_ms"] = 1e3 * statistics.median(
        _time(lambda: engine.predict_proba(params, grid, ACT, output))
        for _ in range(max(3, repeats))
    )
    out["flops"] = epoch_flops(sizes, m)
    out["test_m"] = data.X_test.shape[1]
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="short run (fewer, shorter repeats)")
    ap.add_argument("--sizes", default="S,S3,M,L")
    args = ap.parse_args(argv)
    repeats, seconds = (3, 0.3) if args.quick else (7, 1.0)
    print(
        f"epochs/s, median of {repeats} interleaved runs; trainer records history and "
        "evaluates a test set of m observations every epoch; ratio: trainer/naive of the "
        "medians; paired: the median of each repeat's trainer/naive (trainer and naive back to "
        "back); each run: the lowest and highest of those; met: ratio and paired >= target; "
        "S3: three classes (softmax output)"
    )
    header = f"{'size':<5}{'net':<14}{'m':>7}{'trainer':>10}{'naive':>10}{'ratio':>7}"
    header += (
        f"{'paired':>8}{'each run':>11}{'target':>8}{'met':>5}{'engine':>9}{'engine/naive':>13}"
    )
    header += f"{'torch':>9}{'torch/naive':>12}"
    header += f"{'grid 100x100':>14}"
    print(header)
    peak = None
    results = {}
    for name in args.sizes.split(","):
        r = bench(name, repeats, seconds if name != "L" else 3 * seconds)
        results[name] = r
        sizes, m = SIZES[name]
        ratio, target = r["trainer"] / r["naive"], TARGETS[name]
        met = "yes" if min(ratio, r["paired"]) >= target else "no"
        spread = "{:.2f}-{:.2f}".format(*r["pair_range"])
        torch_cols = (
            f"{r['torch']:>9.1f}{r['torch'] / r['naive']:>12.2f}"
            if "torch" in r
            else f"{'-':>9}{'-':>12}"
        )
        print(
            f"{name:<5}{'-'.join(map(str, sizes)):<14}{m:>7}{r['trainer']:>10.1f}"
            f"{r['naive']:>10.1f}{ratio:>7.2f}{r['paired']:>8.2f}{spread:>11}{target:>8.1f}"
            f"{met:>5}{r['engine']:>9.1f}"
            f"{r['engine'] / r['naive']:>13.2f}{torch_cols}"
            f"{r['grid_ms']:>11.2f} ms"
        )
    if "L" in results:
        peak = matmul_peak()
        r = results["L"]
        print(
            f"L: trainer {r['flops'] * r['trainer'] / 1e9:.1f} GFLOP/s, naive "
            f"{r['flops'] * r['naive'] / 1e9:.1f} GFLOP/s (training matmuls only), "
            f"machine float64 matmul peak {peak:.1f} GFLOP/s"
        )


if __name__ == "__main__":
    main()
