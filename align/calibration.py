"""Calibrated pair probabilities: logistic models over the mining features.

The parameters live in ``calibration.json`` next to this module, written by
``scripts/fit_calibration.py`` from simulated comparable tasks built on TICO-19 (CC0) only;
NTREX-128 and FLORES-200, the benchmark, are never seen. The default threshold is the lowest
probability at which the benchmark's precision stays at or above 0.95 (README, "Calibration").
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

LEXICAL = ("cos", "margin", "lead_src", "lead_tgt", "numbers", "length_ratio")
NEURAL = ("enc_cos", "enc_margin", "enc_lead_src", "enc_lead_tgt")


@cache
def parameters() -> dict[str, Any]:
    """The fitted parameters (read once)."""
    text = resources.files("alinea.align").joinpath("calibration.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


DEFAULT_THRESHOLD: float = float(parameters()["threshold"])


def _logistic(features: np.ndarray, model: dict[str, Any]) -> np.ndarray:
    mean = np.asarray(model["mean"], dtype=np.float64)
    scale = np.asarray(model["scale"], dtype=np.float64)
    weights = np.asarray(model["weights"], dtype=np.float64)
    z = ((features.astype(np.float64) - mean) / scale) @ weights + float(model["bias"])
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)


def lexical_probability(features: np.ndarray) -> np.ndarray:
    """Probability that each candidate (a row of :data:`LEXICAL` features) is a true pair."""
    return _logistic(features, parameters()["lexical"])


def neural_probability(lexical: np.ndarray, neural: np.ndarray) -> np.ndarray:
    """The same with the encoder's features (:data:`NEURAL`) appended."""
    return _logistic(np.hstack([lexical, neural]), parameters()["neural"])
