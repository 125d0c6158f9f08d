"""Exports of a run as plain data (JSON; never pickle)."""

from __future__ import annotations

import dataclasses
import json

from playground.trainer import Trainer


def weights_json(trainer: Trainer) -> str:
    """The current ``W1..WL`` and ``B1..BL`` with the config and epoch they belong to."""
    return json.dumps(
        {
            "format": "backprop-playground/weights",
            "version": 1,
            "epoch": trainer.epoch,
            "alpha": trainer.alpha,
            "layer_sizes": list(trainer.layer_sizes),
            "config": dataclasses.asdict(trainer.config),
            "features": list(trainer.data.feature_names),
            "params": {name: P.tolist() for name, P in trainer.params.items()},
        },
        indent=1,
    )
