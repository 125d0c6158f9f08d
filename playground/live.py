"""Pacing for live training: how many epochs each request of Play trains, how they are shared
out over the frames of a reel, and how often the heavier views redraw.

The page asks for the next reel when it starts to play the last one (at most every
``FRAME_SECONDS``), so requests come slower on a busy machine. Each request trains
``speed x elapsed`` epochs (the chosen epochs per second) within a training budget of a share
of the time since the last request, so the epochs per second hold whatever the request rate;
"max" fills the budget. Those epochs are shared out over one frame per ``REEL_FRAME_SECONDS``
elapsed (``split_reel``), which the page plays in turn. Kept free of Streamlit so it can be
tested without a browser (component timers do not fire in AppTest).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable

FRAME_SECONDS = 0.1  # the shortest time between two requests for frames
# Each request trains for all the time since the last one and sends that stretch as a reel of
# frames, one every REEL_FRAME_SECONDS, which the browser plays on its own clock while it asks
# for the next reel: the page animates faster than the server can rerun.
REEL_FRAME_SECONDS = 0.1
MAX_REEL_FRAMES = 10
SPEEDS: dict[str, float | None] = {
    "1 epoch/s": 1.0,
    "10 epochs/s": 10.0,
    "100 epochs/s": 100.0,
    "1,000 epochs/s": 1000.0,
    "max": None,
}
DEFAULT_SPEED = "100 epochs/s"
MAX_EPOCHS_PER_FRAME = 2000  # keeps one visitor from holding the server for long
TRAIN_SHARE = 0.5  # training takes at most this share of the time between frames ...
BUDGET_SECONDS = (0.03, 0.25)  # ... and between these many seconds per frame
SLOW_VIEW_SECONDS = 0.5  # while playing, the views below the boundary redraw this often


@dataclasses.dataclass
class Pacer:
    """Decides the epochs of each frame from the wall clock and the measured cost of an epoch."""

    share: float = TRAIN_SHARE
    budget: tuple[float, float] = BUDGET_SECONDS
    seconds_per_epoch: float = 1e-3  # running estimate, refined by ``record``
    last_frame: float | None = None
    carry: float = 0.0  # fractional epochs owed from earlier frames
    frames: int = 1  # frames of the reel planned last: the time since the last one, in frames

    def plan(self, speed: float | None, now: float) -> int:
        """Epochs to train in the frame starting at ``now`` (seconds, monotonic)."""
        elapsed = FRAME_SECONDS if self.last_frame is None else now - self.last_frame
        elapsed = min(max(elapsed, 0.0), 1.0)  # after a pause, don't catch up
        self.last_frame = now
        self.frames = min(MAX_REEL_FRAMES, max(1, round(elapsed / REEL_FRAME_SECONDS)))
        lo, hi = self.budget
        seconds = min(max(self.share * elapsed, lo), hi)
        fits = max(1, int(seconds / max(self.seconds_per_epoch, 1e-7)))
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
        self.last_frame, self.carry, self.frames = None, 0.0, 1


def reel_header(reel_id: int, epochs: list[int]) -> dict:
    """What the page's player needs of a reel besides its frames: its id (increasing), the time
    between frames in ms, and the epoch of each frame."""
    return {"id": int(reel_id), "frame_ms": round(REEL_FRAME_SECONDS * 1000), "epochs": epochs}


def split_reel(epochs: int, frames: int) -> list[int]:
    """``epochs`` shared out over at most ``frames`` frames, as evenly as whole epochs allow,
    every frame at least one epoch (fewer frames when there are fewer epochs)."""
    epochs, frames = max(0, int(epochs)), max(1, int(frames))
    frames = min(frames, epochs)
    return [epochs * (i + 1) // frames - epochs * i // frames for i in range(frames)]


@dataclasses.dataclass
class Throttle:
    """Whether a view is due for a redraw: when what it shows changed (``key``), or when
    ``seconds`` have passed since its last redraw. Between redraws the page keeps showing the
    same figure, which the browser does not draw again."""

    seconds: float = SLOW_VIEW_SECONDS
    last: float | None = None
    key: Hashable = None

    def due(self, now: float, key: Hashable) -> bool:
        if self.last is None or key != self.key or now - self.last >= self.seconds:
            self.last, self.key = now, key
            return True
        return False


# When Play stops by itself: label -> (kind, default value, smallest, largest, step).
STOP_RULES: dict[str, tuple[str | None, float, float, float, float]] = {
    "never": (None, 0, 0, 0, 0),
    "at epoch": ("epoch", 1000, 1, 10_000_000, 100),
    "train accuracy ≥ (%)": ("train_acc", 100.0, 50.0, 100.0, 1.0),
    "train cost ≤": ("train_cost", 0.05, 1e-6, 10.0, 0.01),
}


@dataclasses.dataclass(frozen=True)
class StopRule:
    """Where Play stops by itself: never, at an epoch, or when the training accuracy or cost
    reaches a value (checked after every epoch, so it stops at exactly that epoch)."""

    label: str = "never"
    value: float = 0.0

    @property
    def kind(self) -> str | None:
        return STOP_RULES.get(self.label, STOP_RULES["never"])[0]

    def limit(self, epoch: int, planned: int) -> int:
        """Epochs Play may train from ``epoch`` of the ``planned`` ones."""
        if self.kind == "epoch":
            return max(0, min(planned, int(self.value) - epoch))
        return planned

    @property
    def until(self) -> tuple[str, float] | None:
        """For ``Trainer.step(until=...)``."""
        if self.kind == "train_acc":
            return ("train_acc", self.value / 100.0)
        if self.kind == "train_cost":
            return ("train_cost", self.value)
        return None

    def reached(self, epoch: int, last: dict[str, float]) -> bool:
        if self.kind == "epoch":
            return epoch >= int(self.value)
        if self.kind == "train_acc":
            return last["train_acc"] >= self.value / 100.0
        if self.kind == "train_cost":
            return last["train_cost"] <= self.value
        return False

    def describe(self) -> str:
        if self.kind == "epoch":
            return f"epoch {int(self.value):,} reached"
        if self.kind == "train_acc":
            return f"training accuracy reached {self.value:g} %"
        if self.kind == "train_cost":
            return f"training cost fell to {self.value:g} or below"
        return ""
