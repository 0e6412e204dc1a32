"""Scale run of comparable-mode mining: N sentences per side, wall time and peak memory.

Synthetic sentences from the evaluation pools NTREX-128, FLORES-200 and Tatoeba (TICO-19 is left
out: the calibration fits on synthetic pools made the same way from TICO-19 alone, so the two never
share a sentence): each synthetic sentence joins two random real sentences, so 300,000 distinct
sentences per side can be made from ~14,000 real pairs. A share of them (``--partnered``)
appear on both sides as translations (PT side / ES side of the same two pairs); the rest appear
on one side only. Both sides are shuffled. Each size runs in a fresh process so its peak memory
is its own.

Usage: .venv/bin/python scripts/scale_run.py [--sizes 10000,30000,100000] [--partnered 0.4]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb


def real_pairs() -> list[tuple[str, str]]:
    """Every PT–ES pair of NTREX-128, FLORES-200 and Tatoeba, deduplicated (no TICO-19)."""
    pairs: dict[str, str] = {}
    for doc in cb.news_documents():
        for pt, es in zip(doc.pt, doc.es, strict=True):
            pairs.setdefault(pt, es)
    for pt, es in cb.load_tatoeba():
        pairs.setdefault(pt, es)
    return sorted(pairs.items())


def tico_pairs() -> list[tuple[str, str]]:
    """Every PT–ES pair of TICO-19 (the calibration's synthetic pools are made of these)."""
    pairs = {pt: es for doc in cb.tico_documents() for pt, es in zip(doc.pt, doc.es, strict=True)}
    return sorted(pairs.items())


def synthetic_task(
    size: int, partnered: float, seed: int, pairs: list[tuple[str, str]] | None = None
) -> cb.Task:
    """``size`` sentences per side, ``partnered`` of them with their translation opposite, made
    of ``pairs`` (default: :func:`real_pairs`)."""
    rng = random.Random(seed)
    pairs = pairs if pairs is not None else real_pairs()
    seen: set[tuple[int, int]] = set()

    def fresh() -> tuple[str, str]:
        while True:
            a, b = rng.randrange(len(pairs)), rng.randrange(len(pairs))
            if a != b and (a, b) not in seen:
                seen.add((a, b))
                return f"{pairs[a][0]} {pairs[b][0]}", f"{pairs[a][1]} {pairs[b][1]}"

    n_shared = int(size * partnered)
    shared = [fresh() for _ in range(n_shared)]
    src = [(pt, k) for k, (pt, _) in enumerate(shared)] + [
        (fresh()[0], -1) for _ in range(size - n_shared)
    ]
    tgt = [(es, k) for k, (_, es) in enumerate(shared)] + [
        (fresh()[1], -1) for _ in range(size - n_shared)
    ]
    rng.shuffle(src)
    rng.shuffle(tgt)
    where = {k: j for j, (_, k) in enumerate(tgt) if k >= 0}
    gold = {(i, where[k]) for i, (_, k) in enumerate(src) if k >= 0}
    return cb.Task(f"synthetic-{size}-{partnered}", [t for t, _ in src], [t for t, _ in tgt], gold)


def run_one(size: int, partnered: float, seed: int) -> dict[str, float]:
    """Build the task, mine it, and measure (called in a child process)."""
    from alinea.align.mining import mine

    task = synthetic_task(size, partnered, seed)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    beads = mine(task.src, task.tgt)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    p, r, f = cb.prf([(b.src, b.tgt) for b in beads], task.gold)
    return {
        "size": size,
        "seconds": round(seconds, 1),
        "peak_mib": round(peak / 1024),
        "peak_before_mining_mib": round(before / 1024),
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--partnered", type=float, default=0.4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.partnered, args.seed)))
        return
    print(
        "| sentences per side | mining s | peak RSS MiB | P | R | F1 |\n|---|---|---|---|---|---|"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        command = [
            sys.executable,
            __file__,
            "--child",
            str(size),
            "--partnered",
            str(args.partnered),
            "--seed",
            str(args.seed),
        ]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        print(
            f"| {size:,} | {row['seconds']} | {row['peak_mib']:,} | {row['precision']} "
            f"| {row['recall']} | {row['f1']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
