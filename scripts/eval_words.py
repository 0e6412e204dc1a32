"""Word-alignment harness: precision / recall / F1 / AER and speed of several aligners, one run.

Usage (from the repo root):
    .venv/bin/python scripts/eval_words.py                                  # everything
    .venv/bin/python scripts/eval_words.py --systems eflomal,ortho --sets xlwa-en-pt,inesc-en-pt
    .venv/bin/python scripts/eval_words.py --systems alinea --split dev --alinea KEY=VALUE
    .venv/bin/python scripts/eval_words.py --no-extra                       # test text only

Test sets, training text and metrics are defined in ``word_eval_data.py`` (its docstring lists
the corpora; sizes are printed). Every system sees the same training pairs: the test pairs plus
``extra_corpus(test)`` (about 7.5k pairs for EN–x, 18.5k for PT–ES), or the test pairs alone with
``--no-extra``. PT–ES columns are scored against links composed through English (silver).

Systems:
  eflomal  eflomal (PyPI, default settings: HMM + fertility, 3 samplers) on the training pairs,
           forward and reverse links of the test pairs symmetrised here, two rows:
           grow-diag-final-and and intersection. Training and aligning are one run.
  ortho    orthographic baseline: similarity = rapidfuzz ``fuzz.ratio`` / 100 of lowercased,
           accent-stripped tokens, simalign's ``apply_distortion`` (ratio 0.5), then
           ``iter_max`` (max_count 2). No training.
  alinea   ``alinea.align.words.WordAligner(src, tgt, WordAlignConfig(**overrides))``,
           ``fit(training pairs)`` then ``align(test pairs)``; ``--alinea KEY=VALUE``
           (repeatable) sets config fields (``translation.KEY=VALUE`` for
           ``TranslationConfig``). If it cannot be imported or fails, its row says why.

All links are scored as sure: P = |A∩G|/|A|, R = |A∩G|/|G|, F1, AER = 1 − 2|A∩G|/(|A|+|G|),
micro-averaged over the pairs of a set, printed as percentages. Progress goes to stderr, the
markdown tables to stdout.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import word_eval_data as wd
from word_eval_data import GoldSet, Links, Pair

Formatter = Callable[[wd.Scores], str]

SYSTEMS = ("eflomal", "ortho", "alinea")
EFLOMAL_TIMING = "eflomal (train s = training + aligning)"

# The reference F1 (all gold links sure), keyed by (row, set).
REFERENCE_F1: dict[tuple[str, str], float] = {
    ("eflomal grow-diag-final-and", "xlwa-en-pt"): 82.7,
    ("eflomal grow-diag-final-and", "xlwa-en-es"): 81.9,
    ("eflomal grow-diag-final-and", "xlwa-pt-es"): 74.8,
    ("eflomal intersection", "inesc-en-pt"): 74.8,
    ("eflomal intersection", "inesc-en-es"): 78.4,
    ("eflomal intersection", "inesc-pt-es"): 71.2,
    ("ortho+distortion (simalign)", "xlwa-en-pt"): 54.5,
    ("ortho+distortion (simalign)", "xlwa-en-es"): 55.0,
    ("ortho+distortion (simalign)", "xlwa-pt-es"): 65.4,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Run:
    """Predictions of one table row on one test set (or why there are none)."""

    row: str
    set_name: str
    predicted: list[Links] | None = None
    train_s: float | None = None
    align_s: float | None = None  # None: aligning is part of training (eflomal)
    error: str = ""
    timing: str = ""  # speed-table label shared by rows from one run (default: row)
    scores: wd.Scores | None = field(default=None, init=False)


# --------------------------------------------------------------------------- eflomal


def _read_links(path: Path, n: int) -> list[Links]:
    lines = path.read_text(encoding="utf-8").splitlines()[:n]
    return [wd.parse_links(line) for line in lines]


def eflomal_links(test: Sequence[Pair], train: Sequence[Pair]) -> tuple[list[Links], list[Links]]:
    """Forward and reverse links of the test pairs; ``train`` must start with ``test``."""
    import eflomal  # type: ignore[import-untyped]

    if list(train[: len(test)]) != list(test):
        raise ValueError("the training pairs must start with the test pairs")
    src = [" ".join(s) for s, _ in train]
    tgt = [" ".join(t) for _, t in train]
    with tempfile.TemporaryDirectory() as tmp:
        fwd, rev = Path(tmp) / "fwd", Path(tmp) / "rev"
        eflomal.Aligner().align(src, tgt, links_filename_fwd=str(fwd), links_filename_rev=str(rev))
        return _read_links(fwd, len(test)), _read_links(rev, len(test))


def run_eflomal(test: GoldSet, train: Sequence[Pair]) -> list[Run]:
    start = time.perf_counter()
    try:
        forward, reverse = eflomal_links(test.pairs, train)
    except Exception as exc:  # report and keep the other systems going
        reason = _reason(exc)
        return [Run(f"eflomal {name}", test.name, error=reason) for name in wd.SYMMETRISATIONS]
    seconds = time.perf_counter() - start
    runs = []
    for name, symmetrise in wd.SYMMETRISATIONS.items():
        predicted = [symmetrise(f, r) for f, r in zip(forward, reverse, strict=True)]
        runs.append(
            Run(f"eflomal {name}", test.name, predicted, train_s=seconds, timing=EFLOMAL_TIMING)
        )
    return runs


# --------------------------------------------------------------------------- ortho baseline


def _normalise(token: str) -> str:
    decomposed = unicodedata.normalize("NFD", token.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def ortho_similarity(src: Sequence[str], tgt: Sequence[str]) -> np.ndarray[Any, Any]:
    """Normalised Indel similarity (rapidfuzz ratio / 100) of lowercased, accent-free tokens."""
    from rapidfuzz import fuzz, process

    matrix = process.cdist(
        [_normalise(w) for w in src],
        [_normalise(w) for w in tgt],
        scorer=fuzz.ratio,
        dtype=np.float64,
    )
    return np.asarray(matrix, dtype=np.float64) / 100.0


def ortho_align(pairs: Sequence[Pair]) -> list[Links]:
    from simalign import SentenceAligner  # type: ignore[import-untyped]

    predicted = []
    for src, tgt in pairs:
        sim = SentenceAligner.apply_distortion(ortho_similarity(src, tgt))
        matrix = SentenceAligner.iter_max(sim)
        predicted.append({(int(i), int(j)) for i, j in zip(*np.nonzero(matrix), strict=True)})
    return predicted


def run_ortho(test: GoldSet, train: Sequence[Pair]) -> list[Run]:
    row = "ortho+distortion (simalign)"
    try:
        import simalign  # noqa: F401  (slow first import: torch, transformers)
    except Exception as exc:
        return [Run(row, test.name, error=_reason(exc))]
    start = time.perf_counter()
    predicted = ortho_align(test.pairs)
    return [Run(row, test.name, predicted, train_s=0.0, align_s=time.perf_counter() - start)]


# --------------------------------------------------------------------------- alinea


def parse_override(text: str) -> tuple[str, object]:
    """``"k=3"`` -> ``("k", 3)``; ints, floats, true/false, none, otherwise the string."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    lowered = raw.strip().lower()
    value: object
    if lowered in ("true", "false"):
        value = lowered == "true"
    elif lowered == "none":
        value = None
    else:
        try:
            value = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                value = raw
    return key.strip(), value


def run_alinea(
    test: GoldSet, train: Sequence[Pair], overrides: dict[str, object] | None = None
) -> list[Run]:
    label = ", ".join(f"{k}={v}" for k, v in (overrides or {}).items())
    row = f"alinea ({label})" if label else "alinea"
    try:
        from alinea.align.words import (  # type: ignore[import-not-found, unused-ignore]
            TranslationConfig,
            WordAlignConfig,
            WordAligner,
        )

        plain = {k: v for k, v in (overrides or {}).items() if not k.startswith("translation.")}
        nested = {
            k.removeprefix("translation."): v
            for k, v in (overrides or {}).items()
            if k.startswith("translation.")
        }
        config = WordAlignConfig(**plain, translation=TranslationConfig(**nested))  # type: ignore[arg-type]
        aligner = WordAligner(test.src_lang, test.tgt_lang, config)
        start = time.perf_counter()
        aligner.fit(list(train))
        fitted = time.perf_counter()
        results = aligner.align(list(test.pairs))
        done = time.perf_counter()
        predicted = [{(int(i), int(j)) for i, j in result.links} for result in results]
    except Exception as exc:
        log(traceback.format_exc())
        return [Run(row, test.name, error=_reason(exc))]
    if len(predicted) != len(test.pairs):
        return [Run(row, test.name, error=f"{len(predicted)} results for {len(test.pairs)} pairs")]
    return [Run(row, test.name, predicted, train_s=fitted - start, align_s=done - fitted)]


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".replace("|", "/").replace("\n", " ")[:160]


# --------------------------------------------------------------------------- tables


def _row_cells(
    row: str, sets: Sequence[GoldSet], index: dict[tuple[str, str], Run], what: Formatter
) -> list[str]:
    """Formatted scores per set; a row failing the same way everywhere says why once."""
    runs = [index.get((row, s.name)) for s in sets]
    errors = {run.error for run in runs if run is not None and run.scores is None}
    if len(errors) == 1 and all(run is None or run.scores is None for run in runs):
        return [f"unavailable: {errors.pop()}"] + ["–"] * (len(sets) - 1)
    cells = []
    for run in runs:
        if run is None:
            cells.append("–")
        elif run.scores is None:
            cells.append(f"unavailable: {run.error}")
        else:
            cells.append(what(run.scores))
    return cells


def _rows(runs: Sequence[Run]) -> list[str]:
    return list(dict.fromkeys(run.row for run in runs))


def _header(sets: Sequence[GoldSet], first: str) -> list[str]:
    names = [s.name + (" (silver)" if s.silver else "") for s in sets]
    return [f"| {first} | " + " | ".join(names) + " |", "|---" * (len(sets) + 1) + "|"]


def sizes_table(sets: Sequence[GoldSet], train_sizes: dict[str, int]) -> list[str]:
    lines = [
        "| set | reference | test pairs | links | training pairs |",
        "|---|---|---|---|---|",
    ]
    for s in sets:
        kind = "silver (composed via EN)" if s.silver else "gold (sure)"
        lines.append(
            f"| {s.name} | {kind} | {len(s.pairs)} | {s.n_links} | {train_sizes[s.name]:,} |"
        )
    return lines


def f1_table(runs: Sequence[Run], sets: Sequence[GoldSet], references: bool) -> list[str]:
    index = {(r.row, r.set_name): r for r in runs}
    lines = _header(sets, "F1 (%)")
    for row in _rows(runs):
        cells = _row_cells(row, sets, index, lambda sc: wd.pct(sc.f1))
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
        refs = [REFERENCE_F1.get((row, s.name)) for s in sets]
        if references and any(ref is not None for ref in refs):
            ref_cells = [f"{ref:.1f}" if ref is not None else "–" for ref in refs]
            lines.append("| ↳ issue reference | " + " | ".join(ref_cells) + " |")
    return lines


def _prf(sc: wd.Scores) -> str:
    return f"{wd.pct(sc.precision)} / {wd.pct(sc.recall)} / {wd.pct(sc.aer)}"


def detail_table(runs: Sequence[Run], sets: Sequence[GoldSet]) -> list[str]:
    index = {(r.row, r.set_name): r for r in runs}
    lines = _header(sets, "P / R / AER (%)")
    for row in _rows(runs):
        cells = _row_cells(row, sets, index, _prf)
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return lines


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def speed_table(
    runs: Sequence[Run], sets: Sequence[GoldSet], train_sizes: dict[str, int]
) -> list[str]:
    """One line per system and set; eflomal aligns while training, so its pairs/s counts every
    training pair over the whole run (marked *), the others count test pairs over aligning."""
    n_pairs = {s.name: len(s.pairs) for s in sets}
    lines = [
        "| system | set | training pairs | train s | align s | pairs/s |",
        "|---|---|---|---|---|---|",
    ]
    seen: set[tuple[str, str]] = set()
    for run in runs:
        key = (run.timing or run.row, run.set_name)
        if run.scores is None or run.train_s is None or key in seen:
            continue
        seen.add(key)
        if run.align_s is None:
            rate = f"{train_sizes[run.set_name] / run.train_s:,.0f}*"
        else:
            rate = f"{n_pairs[run.set_name] / run.align_s:,.0f}" if run.align_s else "–"
        lines.append(
            f"| {key[0]} | {run.set_name} | {train_sizes[run.set_name]:,} | "
            f"{_seconds(run.train_s)} | {_seconds(run.align_s)} | {rate} |"
        )
    if any(run.align_s is None and run.scores is not None for run in runs):
        lines += ["", "\\* every training pair is aligned: training pairs per second of the run."]
    return lines


# --------------------------------------------------------------------------- main


def _csv(choices: Sequence[str]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {list(choices)}")
        return items

    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", type=_csv(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--sets", type=_csv(wd.SET_NAMES), default=list(wd.SET_NAMES))
    parser.add_argument(
        "--split",
        choices=wd.SPLITS,
        default="test",
        help="XL-WA split (dev is for tuning; INESC has one split)",
    )
    parser.add_argument("--no-extra", action="store_true", help="train on the test pairs only")
    parser.add_argument(
        "--alinea",
        type=parse_override,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="WordAlignConfig override (repeatable)",
    )
    return parser.parse_args(argv)


def evaluate_set(test: GoldSet, train: Sequence[Pair], args: argparse.Namespace) -> list[Run]:
    runs: list[Run] = []
    for system in args.systems:
        log(f"{test.name}: {system} ({len(train):,} training pairs)")
        if system == "eflomal":
            runs.extend(run_eflomal(test, train))
        elif system == "ortho":
            runs.extend(run_ortho(test, train))
        else:
            runs.extend(run_alinea(test, train, dict(args.alinea)))
    for run in runs:
        if run.predicted is not None:
            run.scores = wd.score(run.predicted, test.gold)
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    sets = [wd.load_set(name, args.split) for name in args.sets]
    runs: list[Run] = []
    train_sizes: dict[str, int] = {}
    for test in sets:
        train = wd.training_corpus(test, use_extra=not args.no_extra)
        train_sizes[test.name] = len(train)
        runs.extend(evaluate_set(test, train, args))
    extra = "evaluated pairs only (--no-extra)" if args.no_extra else "evaluated + extra pairs"
    out = [f"## Word alignment, XL-WA split {args.split}, training on {extra}", ""]
    out += [*sizes_table(sets, train_sizes), ""]
    references = args.split == "test" and not args.no_extra
    out += [*f1_table(runs, sets, references), ""]
    out += [*detail_table(runs, sets), ""]
    out += [*speed_table(runs, sets, train_sizes), ""]
    out.append(f"Total wall time {time.perf_counter() - started:.0f} s.")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
