"""Tests for playground.bench: the naive baseline is the notes' epoch, and the table prints
the ratio of medians beside the paired figure for every size, S3 (three classes) included."""

from __future__ import annotations

import numpy as np
import pytest

from playground import bench, engine


@pytest.mark.parametrize("name", ["S", "S3"])
def test_naive_epoch_is_one_epoch_of_the_notes(name):
    # the baseline must do the same arithmetic as the engine: forward, backward, update
    sizes, _ = bench.SIZES[name]
    _, output = engine.output_layer(max(2, sizes[-1]))
    data = bench._data(50, classes=max(2, sizes[-1]))
    assert data.Y_train.shape == (sizes[-1], 50)
    p = engine.init_params(sizes, seed=3)
    cache = engine.forward(p, data.X_train, bench.ACT, output)
    expected = engine.update(p, engine.backward(p, cache, data.Y_train, bench.ACT), 0.1)
    got = bench.naive_epoch(p, data.X_train, data.Y_train, 0.1)
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(got[key], value, rtol=1e-12, atol=1e-15, err_msg=key)
        assert not np.array_equal(value, p[key])  # the epoch moved every parameter


def test_s3_is_the_three_class_twin_of_s():
    (s_sizes, s_m), (s3_sizes, s3_m) = bench.SIZES["S"], bench.SIZES["S3"]
    assert s3_sizes == (*s_sizes[:-1], 3) and s3_m == s_m == 400
    assert bench.TARGETS == {"S": 1.5, "S3": 1.5, "M": 1.2, "L": 1.3}
    data = bench._data(400, classes=3)
    counts = np.bincount(data.labels_train, minlength=3)
    assert counts.min() > 100  # shuffled: every class in the training half


def test_bench_measures_pairs_and_prints_both_figures(monkeypatch, capsys):
    r = bench.bench("S3", repeats=3, seconds=0.01)
    low, high = r["pair_range"]
    assert 0 < low <= r["paired"] <= high
    assert r["trainer"] > 0 and r["naive"] > 0 and r["engine"] > 0

    fixed = {"trainer": 300.0, "naive": 200.0, "engine": 400.0, "paired": 1.4,
             "pair_range": (1.2, 1.9), "grid_ms": 1.0, "flops": 1.0, "test_m": 400}  # fmt: skip
    monkeypatch.setattr(bench, "bench", lambda name, repeats, seconds: dict(fixed))
    bench.main(["--quick", "--sizes", "S,S3"])
    lines = capsys.readouterr().out.splitlines()
    header = lines[1].split()
    assert header[:8] == ["size", "net", "m", "trainer", "naive", "ratio", "paired", "each"]
    s_row, s3_row = lines[2].split(), lines[3].split()
    assert s_row[:2] == ["S", "2-8-8-1"] and s3_row[:2] == ["S3", "2-8-8-3"]
    # ratio 1.50 meets 1.5, but the paired 1.40 does not: not met
    assert s3_row[5:10] == ["1.50", "1.40", "1.20-1.90", "1.5", "no"]
    fixed["paired"] = 1.55
    bench.main(["--quick", "--sizes", "S3"])
    assert capsys.readouterr().out.splitlines()[2].split()[5:10] == [
        "1.50",
        "1.55",
        "1.20-1.90",
        "1.5",
        "yes",
    ]


def test_repeats_run_trainer_and_naive_back_to_back_in_turn_first(monkeypatch):
    calls = []
    real_rate = bench._rate

    def spy(run, n):
        calls.append(run)
        return real_rate(run, n)

    monkeypatch.setattr(bench, "_rate", spy)
    bench.bench("S", repeats=3, seconds=0.002)
    names = {}
    for run in calls[:3]:  # the calibration runs each contender once, in order
        names[run] = len(names)
    order = [names[run] for run in calls[3:]]  # 0 trainer, 1 naive, 2 engine
    assert order == [0, 1, 2, 2, 1, 0, 0, 1, 2]
