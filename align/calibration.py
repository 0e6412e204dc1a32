"""Calibrated pair probabilities: logistic models over the mining features.

The parameters live in ``calibration.json`` next to this module, written by
``scripts/fit_calibration.py`` from simulated comparable tasks built on TICO-19 (CC0) only;
NTREX-128 and FLORES-200, the benchmark, are never seen. The default threshold is the lowest
probability at which the calibration tasks' precision stays at or above 0.95; the README reports
the precision it gives on the benchmark.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from alinea.errors import CalibrationError


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic model over named features:
    ``sigmoid(((x - mean) / scale) . weights + bias)``, ``x`` stacked in ``features`` order."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Logistic:
        model = cls(
            tuple(data["features"]),
            tuple(data["mean"]),
            tuple(data["scale"]),
            tuple(data["weights"]),
            float(data["bias"]),
        )
        sizes = {len(model.features), len(model.mean), len(model.scale), len(model.weights)}
        if len(sizes) != 1:
            raise CalibrationError(
                "calibration: features, mean, scale and weights differ in length"
            )
        return model

    def probability(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """Probability per candidate of the feature ``columns`` (exactly the declared names).

        Raises:
            CalibrationError: the columns are not the features this model was fitted on.
        """
        if set(columns) != set(self.features):
            missing = sorted(set(self.features) - set(columns))
            extra = sorted(set(columns) - set(self.features))
            raise CalibrationError(
                f"calibration: fitted on features the stage does not compute ({missing or 'none'}) "
                f"and not on features it computes ({extra or 'none'}); "
                "refit it with scripts/fit_calibration.py"
            )
        stacked = np.column_stack([columns[name] for name in self.features])
        standard = (stacked.astype(np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = standard @ np.asarray(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)


@dataclass(frozen=True)
class Calibration:
    """The lexical model, the lexical+encoder model, each one's default threshold, and the
    version that names them in signatures."""

    lexical: Logistic
    neural: Logistic
    threshold: float
    threshold_neural: float
    version: str

    @property
    def signature_id(self) -> str:
        return self.version

    def default_threshold(self, neural: bool) -> float:
        """The calibrated threshold for lexical-only or encoder-assisted mining."""
        return self.threshold_neural if neural else self.threshold

    def lexical_probability(self, lexical: Mapping[str, np.ndarray]) -> np.ndarray:
        """Probability that each candidate is a true pair, from its lexical features."""
        return self.lexical.probability(lexical)

    def neural_probability(
        self, lexical: Mapping[str, np.ndarray], neural: Mapping[str, np.ndarray]
    ) -> np.ndarray:
        """The same with the encoder's features added."""
        return self.neural.probability({**lexical, **neural})


def parameters_digest(data: Mapping[str, Any]) -> str:
    """Short digest of a calibration's parameters (everything but its version and source)."""
    kept = {k: v for k, v in data.items() if k not in ("version", "source")}
    text = json.dumps(kept, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def from_json(data: dict[str, Any]) -> Calibration:
    """Build a :class:`Calibration` from the JSON form ``scripts/fit_calibration.py`` writes
    (without a ``version``, it is named by its parameters' digest)."""
    return Calibration(
        Logistic.from_json(data["lexical"]),
        Logistic.from_json(data["neural"]),
        float(data["threshold"]),
        float(data.get("threshold_neural", data["threshold"])),
        str(data.get("version") or f"sha-{parameters_digest(data)}"),
    )


@cache
def shipped() -> Calibration:
    """The calibration shipped with alinea (read once)."""
    text = resources.files("alinea.align").joinpath("calibration.json").read_text("utf-8")
    return from_json(json.loads(text))
