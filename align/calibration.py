"""Calibrated pair probabilities: logistic models over the mining features.

The parameters live in ``calibration.json`` next to this module, written by
``scripts/fit_calibration.py`` from simulated comparable tasks built on TICO-19 (CC0) only
(per document, pooled, and large synthetic pools of up to 12,000 lines per side); NTREX-128,
FLORES-200 and Tatoeba, the benchmarks, are never seen. The lexical default threshold is the
lowest probability at which the real calibration tasks' precision stays at or above 0.95 and
each large 40%-partnered pool's at or above 0.9; the README reports what it gives on the
benchmarks. The version (``tico19-<digest>``) names the parameters in every signature.
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
        """Probability per candidate of the feature ``columns`` (the declared names, at least).

        Raises:
            CalibrationError: the columns are not the features this model was fitted on.
        """
        z = self.logit(columns)
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float32)

    def standardised(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """The columns stacked in ``features`` order and standardised, one row per candidate
        (float64; :mod:`alinea.align.explain` multiplies them by the weights).

        Raises:
            CalibrationError: the columns are not the features this model was fitted on.
        """
        missing = sorted(set(self.features) - set(columns))
        if missing:  # (a model may use only some of the columns: small and large pools differ)
            raise CalibrationError(
                f"calibration: fitted on features the stage does not compute ({missing}); "
                "refit it with scripts/fit_calibration.py"
            )
        stacked = np.column_stack([columns[name] for name in self.features])
        standard = (stacked.astype(np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(standard)

    def logit(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """The log-odds per candidate that :meth:`probability` turns into a probability."""
        return np.asarray(self.standardised(columns) @ np.asarray(self.weights) + self.bias)


@dataclass(frozen=True)
class Calibration:
    """The lexical model, the lexical+encoder model, each one's default threshold, the model
    and threshold of large pools (more than ``large_cells`` sentence pairs: there the pool's
    crowding moves every score, and the large model sees it), and the version that names them
    all in signatures. ``second`` holds the same for the second mining pass, whose word
    coverage also counts the lexicon learned from the first pass (:mod:`alinea.align.lexicon`)."""

    lexical: Logistic
    neural: Logistic
    threshold: float
    threshold_neural: float
    version: str
    large: Logistic | None = None
    threshold_large: float = 0.5
    large_cells: int = 10**7
    second: Calibration | None = None  # the models of the pass with a learned lexicon

    @property
    def signature_id(self) -> str:
        return self.version

    def is_large(self, cells: int) -> bool:
        """Whether a pool of ``cells`` sentence pairs takes the large pools' model and threshold."""
        return self.large is not None and cells > self.large_cells

    def default_threshold(self, neural: bool, cells: int = 0) -> float:
        """The calibrated threshold for lexical-only or encoder-assisted mining of a pool of
        ``cells`` sentence pairs (large pools have one threshold, with or without encoder)."""
        if self.is_large(cells):
            return self.threshold_large
        return self.threshold_neural if neural else self.threshold

    def lexical_probability(self, lexical: Mapping[str, np.ndarray], cells: int = 0) -> np.ndarray:
        """Probability that each candidate of a pool of ``cells`` sentence pairs is a true pair,
        from its lexical features."""
        return self.lexical_model(cells).probability(lexical)

    def lexical_model(self, cells: int = 0) -> Logistic:
        """The lexical model of a pool of ``cells`` sentence pairs (the large pools' beyond
        ``large_cells``)."""
        if self.large is not None and self.is_large(cells):
            return self.large
        return self.lexical

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
    large = data.get("lexical_large")
    second = data.get("lexicon")
    version = str(data.get("version") or f"sha-{parameters_digest(data)}")
    return Calibration(
        Logistic.from_json(data["lexical"]),
        Logistic.from_json(data["neural"]),
        float(data["threshold"]),
        float(data.get("threshold_neural", data["threshold"])),
        version,
        Logistic.from_json(large) if large else None,
        float(data.get("threshold_large", 0.5)),
        int(data.get("large_cells", 10**7)),
        from_json({**second, "version": version}) if second else None,
    )


@cache
def shipped() -> Calibration:
    """The calibration shipped with alinea (read once)."""
    text = resources.files("alinea.align").joinpath("calibration.json").read_text("utf-8")
    return from_json(json.loads(text))
