"""A second mining pass over what a document pair leaves unpaired (issue 14 item 1), measured.

For each task, the default miner runs first; then the sentences it left unpaired on both sides
are mined again as a pool of their own (same lexicon and models, so each leftover's neighbours
and margins are measured among the leftovers only), and the new 1-1 pairs at or above a
threshold are added. Prints link P/R/F1 without the second pass and with it at several
thresholds, on the benchmark's per-document tasks (``doc``) or the TICO-19 calibration tasks
(``calibration``, the development side).

Usage: .venv/bin/python scripts/eval_leftover_pass.py [--tasks doc|calibration] [--encoder none]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb

from alinea.align import mining
from alinea.align.beads import Bead
from alinea.align.cache import open_encoder
from alinea.align.embedders import SentenceEncoder
from alinea.align.lexicon import Lexicon
from alinea.align.sentences import AlignConfig

THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95)


def leftover_pairs(
    task: cb.Task,
    beads: Sequence[Bead],
    config: mining.MiningConfig,
    encoder: SentenceEncoder | None,
    lexicon: Lexicon | None,
) -> list[Bead]:
    """The 1-1 pairs a second pass mines among the sentences ``beads`` leave unpaired."""
    used_src = {i for b in beads for i in b.src}
    used_tgt = {j for b in beads for j in b.tgt}
    src = [i for i in range(len(task.src)) if i not in used_src]
    tgt = [j for j in range(len(task.tgt)) if j not in used_tgt]
    plan = mining.plan(
        [task.src[i] for i in src], [task.tgt[j] for j in tgt], config, encoder is not None, lexicon
    )
    return [
        Bead((src[b.src[0]],), (tgt[b.tgt[0]],), b.score)
        for b in mining.finish(plan, config, encoder)
        if b.kind == "1-1"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", choices=("doc", "calibration"), default="doc")
    parser.add_argument("--encoder", default="none")
    args = parser.parse_args()
    config = AlignConfig.from_options("comparable", args.encoder)
    encoder = open_encoder(config.encoder, None)
    tasks = cb.per_document_tasks(0) if args.tasks == "doc" else cb.calibration_tasks(0)
    jobs = [(t.src, t.tgt) for t in tasks]
    lexicon = mining.collection_lexicon(mining.confident_texts(jobs, config.mining), config.mining)
    first, second = [], []
    for task in tasks:
        plan = mining.plan(task.src, task.tgt, config.mining, encoder is not None, lexicon)
        beads = mining.finish(plan, config.mining, encoder)
        first.append(beads)
        second.append(leftover_pairs(task, beads, config.mining, encoder, lexicon))
    print(f"`scripts/eval_leftover_pass.py --tasks {args.tasks} --encoder {args.encoder}`\n")
    print("| second pass | P | R | F1 |\n|---|---|---|---|")
    rows = [("none", first)]
    for t in THRESHOLDS:
        added = [
            b + [a for a in extra if a.score >= t] for b, extra in zip(first, second, strict=True)
        ]
        rows.append((f"pairs >= {t}", added))
    for name, results in rows:
        spans = [
            ([(b.src, b.tgt) for b in beads], task.gold)
            for beads, task in zip(results, tasks, strict=True)
        ]
        p, r, f = cb.micro_prf(spans)
        print(f"| {name} | {p:.4f} | {r:.4f} | {f:.4f} |")


if __name__ == "__main__":
    main()
