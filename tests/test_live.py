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
    p = live.Pacer(share=0.5, budget=(0.05, 0.2), seconds_per_epoch=1e-3)
    assert p.plan(1e6, now=0.0) == 50  # first frame: 0.5 x 0.1 s
    assert p.plan(None, now=0.1) == 50  # "max" fills the budget


def test_budget_follows_the_real_frame_interval():
    # Frames that come slower (a busy browser) train longer each, so epochs/s hold up ...
    p = live.Pacer(share=0.5, budget=(0.03, 0.25), seconds_per_epoch=1e-4)
    p.plan(None, now=0.0)
    assert p.plan(None, now=0.4) == 2000  # 0.2 s of 0.4 s
    assert p.plan(1000.0, now=0.8) == 400  # a set speed is met, not exceeded
    # ... but never for more than the upper budget, nor less than the lower one.
    assert p.plan(None, now=1.8) == live.MAX_EPOCHS_PER_FRAME
    p = live.Pacer(share=0.5, budget=(0.03, 0.25), seconds_per_epoch=1e-3)
    p.plan(None, now=0.0)
    assert p.plan(None, now=1.0) == 250
    assert p.plan(None, now=1.01) == 30


def test_hard_cap_per_frame():
    p = live.Pacer(budget=(10.0, 10.0), seconds_per_epoch=1e-9)
    assert p.plan(None, now=0.0) == live.MAX_EPOCHS_PER_FRAME


def test_long_pause_does_not_cause_a_burst():
    p = live.Pacer(seconds_per_epoch=1e-6)
    p.plan(100.0, now=0.0)
    assert p.plan(100.0, now=60.0) <= 100  # at most one second's worth


def test_record_adapts_the_estimate():
    p = live.Pacer(share=0.5, budget=(0.01, 0.25), seconds_per_epoch=1e-3)
    for _ in range(20):
        p.record(100, 0.001)  # 10 us per epoch measured
    assert p.seconds_per_epoch == pytest.approx(1e-5, rel=1e-3)
    assert p.plan(None, now=0.0) == min(5000, live.MAX_EPOCHS_PER_FRAME)
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


def test_throttle_redraws_on_change_or_after_its_interval():
    t = live.Throttle(seconds=0.5)
    assert t.due(10.0, ("Network", "W"))  # first time
    assert not t.due(10.2, ("Network", "W"))  # same view, too soon: keep the last figure
    assert t.due(10.3, ("Network", "dW"))  # the learner switched what it shows: at once
    assert not t.due(10.7, ("Network", "dW"))
    assert t.due(10.8, ("Network", "dW"))  # 0.5 s later


def test_stop_rules():
    never = live.StopRule()
    assert never.kind is None and never.until is None and never.limit(5, 30) == 30
    assert not never.reached(10**9, {"train_acc": 1.0, "train_cost": 0.0})
    at = live.StopRule("at epoch", 100)
    assert at.limit(90, 30) == 10 and at.limit(100, 30) == 0 and at.limit(0, 30) == 30
    assert at.reached(100, {}) and not at.reached(99, {})
    assert at.until is None and at.describe() == "epoch 100 reached"
    acc = live.StopRule("train accuracy ≥ (%)", 97.5)
    assert acc.until == ("train_acc", 0.975) and acc.limit(0, 30) == 30
    assert acc.reached(3, {"train_acc": 0.975}) and not acc.reached(3, {"train_acc": 0.97})
    cost = live.StopRule("train cost ≤", 0.05)
    assert cost.until == ("train_cost", 0.05)
    assert cost.reached(3, {"train_cost": 0.05}) and not cost.reached(3, {"train_cost": 0.051})
    assert "0.05" in cost.describe() and "97.5 %" in acc.describe()
    assert live.StopRule("nonsense", 3).kind is None  # an unknown label never stops


@pytest.mark.parametrize("epochs,frames", [(0, 4), (1, 4), (7, 3), (10, 4), (2000, 6), (5, 1)])
def test_a_reel_shares_out_every_epoch_evenly(epochs, frames):
    chunks = live.split_reel(epochs, frames)
    assert sum(chunks) == epochs
    assert len(chunks) == min(epochs, frames)
    assert all(c >= 1 for c in chunks)
    assert not chunks or max(chunks) - min(chunks) <= 1


def test_a_reel_has_a_frame_for_each_frame_interval_since_the_last():
    p = live.Pacer(seconds_per_epoch=1e-5)
    p.plan(100.0, now=0.0)
    assert p.frames == 1  # the first request: one frame interval
    p.plan(100.0, now=0.42)
    assert p.frames == round(0.42 / live.REEL_FRAME_SECONDS)
    p.plan(100.0, now=5.0)  # a long gap is capped, as the epochs are
    assert p.frames == live.MAX_REEL_FRAMES
    p.reset()
    assert p.frames == 1


def test_reel_header():
    header = live.reel_header(7, [10, 20, 30])
    assert header == {"id": 7, "frame_ms": 100, "epochs": [10, 20, 30]}
    assert header["frame_ms"] == round(1000 * live.REEL_FRAME_SECONDS)
