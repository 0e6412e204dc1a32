"""Where pooled mining loses its links: one synthetic pool of ``scale_run.py``, lexical only.

Prints, for a pool of ``--size`` sentences per side:
  * retrieval reach: the share of gold pairs among the retrieved candidates (a pair retrieval
    misses can never be mined);
  * P/R/F1 at the default threshold and the best F1 over thresholds 0.01-0.99 (how much a
    better threshold alone could buy);
  * the gold pairs missed at the default, by cause: not retrieved, below the threshold with
    both sentences free, or a sentence taken by another (wrong) pair.

Usage: .venv/bin/python scripts/diagnose_pool.py [--size 10000] [--partnered 0.4] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb
from scale_run import synthetic_task

from alinea.align import mining
from alinea.align.pair_features import retrieve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--partnered", type=float, default=0.4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    task = synthetic_task(args.size, args.partnered, args.seed)
    config = mining.MiningConfig()
    start = time.perf_counter()
    found = retrieve(task.src, task.tgt, config.candidates, config.k)
    retrieved = {(int(i), int(j)) for i, j in zip(found.rows, found.cols, strict=True)}
    del found
    scored = mining.finish(mining.plan(task.src, task.tgt, config, False), config)
    everything = mining.finish(
        mining.plan(task.src, task.tgt, mining.MiningConfig(threshold=0.0), False),
        mining.MiningConfig(threshold=0.0),
    )
    seconds = time.perf_counter() - start
    threshold = config.threshold_in_effect(False, len(task.src) * len(task.tgt))
    reach = len(retrieved & task.gold) / max(len(task.gold), 1)
    p, r, f = cb.prf([(b.src, b.tgt) for b in scored], task.gold)
    sweep = []
    for step in range(1, 100):
        kept = [(b.src, b.tgt) for b in everything if b.score >= step / 100]
        sweep.append((cb.prf(kept, task.gold), step / 100))
    (best_p, best_r, best_f), best_at = max(sweep, key=lambda item: item[0][2])
    found_links = cb.links((b.src, b.tgt) for b in scored)
    used_src = {i for i, _ in found_links}
    used_tgt = {j for _, j in found_links}
    causes = {"not retrieved": 0, "below the threshold": 0, "sentence taken": 0}
    for i, j in task.gold - found_links:
        if (i, j) not in retrieved:
            causes["not retrieved"] += 1
        elif i in used_src or j in used_tgt:
            causes["sentence taken"] += 1
        else:
            causes["below the threshold"] += 1
    print(f"pool: {args.size:,} per side, {len(task.gold):,} gold pairs ({seconds:.1f} s)")
    print(f"retrieval reach: {reach:.3f}")
    print(f"at the default threshold {threshold}: P/R/F1 {p:.3f} / {r:.3f} / {f:.3f}")
    print(f"best F1 {best_f:.3f} at {best_at} (P {best_p:.3f}, R {best_r:.3f})")
    print("missed at the default: " + ", ".join(f"{k} {v:,}" for k, v in causes.items()))


if __name__ == "__main__":
    main()
