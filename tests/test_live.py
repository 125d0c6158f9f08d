"""Pacing of live training (the tick logic behind Play; fragment timers don't fire in AppTest)."""

import pytest

from playground import live


def test_speed_times_elapsed_time_with_carry():
    p = live.Pacer(seconds_per_epoch=1e-5)
    assert p.plan(10.0, now=100.0) == 1  # first frame: one frame interval's worth
    counts = [p.plan(10.0, now=100.0 + 0.1 * i) for i in range(1, 11)]
    assert sum(counts) == 10  # 10 epochs/s over one second, fractions carried over
    assert p.plan(1.0, now=101.05) == 0  # 0.05 s at 1 epoch/s: nothing yet ...
    assert p.plan(1.0, now=102.05) == 1  # ... then one


def test_budget_caps_epochs_per_frame():
    p = live.Pacer(budget=0.05, seconds_per_epoch=1e-3)
    assert p.plan(1e6, now=0.0) == 50
    assert p.plan(None, now=0.1) == 50  # "max" fills the budget


def test_hard_cap_per_frame():
    p = live.Pacer(budget=10.0, seconds_per_epoch=1e-9)
    assert p.plan(None, now=0.0) == live.MAX_EPOCHS_PER_FRAME


def test_long_pause_does_not_cause_a_burst():
    p = live.Pacer(seconds_per_epoch=1e-6)
    p.plan(100.0, now=0.0)
    assert p.plan(100.0, now=60.0) <= 100  # at most one second's worth


def test_record_adapts_the_estimate():
    p = live.Pacer(budget=0.06, seconds_per_epoch=1e-3)
    for _ in range(20):
        p.record(100, 0.001)  # 10 us per epoch measured
    assert p.seconds_per_epoch == pytest.approx(1e-5, rel=1e-3)
    assert p.plan(None, now=0.0) == min(6000, live.MAX_EPOCHS_PER_FRAME)
    p.record(0, 1.0)  # ignored
    assert p.seconds_per_epoch == pytest.approx(1e-5, rel=1e-3)


def test_fastest_setting_reaches_a_thousand_epochs_per_second_in_plan():
    # With the default network's measured cost (well under 1 ms per epoch), one second of
    # frames at FRAME_SECONDS plans at least 1,000 epochs on the "max" setting.
    p = live.Pacer(seconds_per_epoch=4e-4)
    frames = int(1 / live.FRAME_SECONDS)
    total = sum(p.plan(None, now=i * live.FRAME_SECONDS) for i in range(frames))
    assert total >= 1000


def test_reset_forgets_time_and_carry():
    p = live.Pacer(seconds_per_epoch=1e-5)
    p.plan(3.0, now=0.0)
    p.plan(3.0, now=0.25)
    p.reset()
    assert p.last_frame is None and p.carry == 0.0
