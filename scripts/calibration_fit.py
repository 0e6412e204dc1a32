"""The one logistic fitting helper of alinea's calibrations (sentence pairs:
scripts/fit_calibration.py; glossary pairs: scripts/fit_glossary_calibration.py). The fitted
parameters load as :class:`alinea.align.calibration.Logistic`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression


def fit_logistic(
    features: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str],
    weights: np.ndarray | None = None,
) -> dict[str, object]:
    """A standardised logistic regression (C = 1) of ``labels`` on the ``features`` columns
    ``names``, in the JSON form :meth:`Logistic.from_json` reads."""
    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((features - mean) / scale, labels, sample_weight=weights)
    return {
        "features": list(names),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "n_candidates": len(labels),
        "n_positive": int(labels.sum()),
    }


def write_calibration(params: dict[str, object], out: Path, dry_run: bool) -> None:
    """Print the fitted ``params`` as JSON and, unless ``dry_run``, write them to ``out``."""
    text = json.dumps(params, indent=1) + "\n"
    print(text)
    if not dry_run:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
