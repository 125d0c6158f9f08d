"""Pacing for live training: how many epochs each frame of Play trains.

The page redraws every ``FRAME_SECONDS``; each frame trains ``speed x elapsed`` epochs (the
chosen epochs per second), but never more than fit in ``budget`` seconds of training, so the
page stays smooth on a slow machine; "max" fills the budget. Kept free of Streamlit so it can
be tested without a browser (fragment timers do not fire in AppTest).
"""

from __future__ import annotations

import dataclasses

FRAME_SECONDS = 0.1  # the live fragment's run_every
SPEEDS: dict[str, float | None] = {
    "1 epoch/s": 1.0,
    "10 epochs/s": 10.0,
    "100 epochs/s": 100.0,
    "1,000 epochs/s": 1000.0,
    "max": None,
}
DEFAULT_SPEED = "100 epochs/s"
MAX_EPOCHS_PER_FRAME = 2000  # keeps one visitor from holding the server for long
BUDGET_SECONDS = 0.06  # training time per frame at most (the rest draws the charts)


@dataclasses.dataclass
class Pacer:
    """Decides the epochs of each frame from the wall clock and the measured cost of an epoch."""

    budget: float = BUDGET_SECONDS
    seconds_per_epoch: float = 1e-3  # running estimate, refined by ``record``
    last_frame: float | None = None
    carry: float = 0.0  # fractional epochs owed from earlier frames

    def plan(self, speed: float | None, now: float) -> int:
        """Epochs to train in the frame starting at ``now`` (seconds, monotonic)."""
        elapsed = FRAME_SECONDS if self.last_frame is None else now - self.last_frame
        elapsed = min(max(elapsed, 0.0), 1.0)  # after a pause, don't catch up
        self.last_frame = now
        fits = max(1, int(self.budget / max(self.seconds_per_epoch, 1e-7)))
        limit = min(fits, MAX_EPOCHS_PER_FRAME)
        if speed is None:
            self.carry = 0.0
            return limit
        want = speed * elapsed + self.carry
        n = min(int(want), limit)
        self.carry = want - n if n < limit else 0.0
        return n

    def record(self, epochs: int, seconds: float) -> None:
        """Fold a measured training time into the per-epoch estimate."""
        if epochs > 0 and seconds > 0:
            per = seconds / epochs
            self.seconds_per_epoch = 0.5 * self.seconds_per_epoch + 0.5 * per

    def reset(self) -> None:
        self.last_frame, self.carry = None, 0.0
