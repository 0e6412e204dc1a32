"""Calibrated pair probabilities: logistic models over the mining features.

The parameters live in ``calibration.json`` next to this module, written by
``scripts/fit_calibration.py`` from simulated comparable tasks built on TICO-19 (CC0) only;
NTREX-128 and FLORES-200, the benchmark, are never seen. The default threshold is the lowest
probability at which the calibration tasks' precision stays at or above 0.95; the README reports
the precision it gives on the benchmark.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

LEXICAL = (
    "cos",
    "log_cos",
    "margin",
    "lead_src",
    "lead_tgt",
    "numbers",
    "length_ratio",
    "cover_min",
    "cover_max",
    "floor_margin",
)
NEURAL = ("enc_cos", "enc_lead_src", "enc_lead_tgt")


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic model: ``sigmoid(((x - mean) / scale) . weights + bias)``."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Logistic:
        return cls(
            tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]), float(data["bias"])
        )

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Probability per row of ``features``."""
        standard = (features.astype(np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = standard @ np.asarray(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)


@dataclass(frozen=True)
class Calibration:
    """The lexical model, the lexical+encoder model and each one's default threshold."""

    lexical: Logistic
    neural: Logistic
    threshold: float
    threshold_neural: float

    def default_threshold(self, neural: bool) -> float:
        """The calibrated threshold for lexical-only or encoder-assisted mining."""
        return self.threshold_neural if neural else self.threshold

    def lexical_probability(self, features: np.ndarray) -> np.ndarray:
        """Probability that each candidate (a row of :data:`LEXICAL`) is a true pair."""
        return self.lexical.probability(features)

    def neural_probability(self, lexical: np.ndarray, neural: np.ndarray) -> np.ndarray:
        """The same with the encoder's features (:data:`NEURAL`) appended."""
        return self.neural.probability(np.hstack([lexical, neural]))


def from_json(data: dict[str, Any]) -> Calibration:
    """Build a :class:`Calibration` from the JSON form ``scripts/fit_calibration.py`` writes."""
    return Calibration(
        Logistic.from_json(data["lexical"]),
        Logistic.from_json(data["neural"]),
        float(data["threshold"]),
        float(data.get("threshold_neural", data["threshold"])),
    )


@cache
def shipped() -> Calibration:
    """The calibration shipped with alinea (read once)."""
    text = resources.files("alinea.align").joinpath("calibration.json").read_text("utf-8")
    return from_json(json.loads(text))
