"""Time of comparable-mode mining over many small document pairs (what a collection build does).

The document pairs are the first ``--pairs`` true pairs of ``scale_collection.make_collection
(--docs, --seed)`` (stories of 5–40 sentences, lines of two real sentences), each line split
into sentences by alinea's segmenter; ``mine()`` (lexical) runs on every pair in this process,
in turn, ``--runs`` times. Prints the median seconds, the beads found and a digest of the beads,
so two installs can be compared on the same pairs (same digest: same output): run it once with
the installed alinea and once with ``PYTHONPATH=<other install>`` in front.

Usage: .venv/bin/python scripts/bench_mining.py [--docs 2000] [--pairs 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_collection as sc

from alinea.align import mining
from alinea.align.segment import split_sentences


def sentences(lines: tuple[str, ...], lang: str) -> list[str]:
    return [line[a:b] for line in lines for a, b in split_sentences(line, lang)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    collection = sc.make_collection(args.docs, args.seed)
    es_by_story = {doc.story: doc for doc in collection.es}
    pairs = [
        (sentences(doc.lines, "pt"), sentences(es_by_story[doc.story].lines, "es"))
        for doc in collection.pt
        if doc.story in es_by_story
    ][: args.pairs]
    seconds, beads = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        beads = [mining.mine(src, tgt) for src, tgt in pairs]
        seconds.append(time.perf_counter() - start)
    digest = hashlib.sha256(repr(beads).encode()).hexdigest()[:16]
    found = sum(len(b) for b in beads)
    print(
        f"{mining.METHOD_ID} ({Path(mining.__file__).parent.parent}): {len(pairs)} document "
        f"pairs, {found} beads, digest {digest}; median {statistics.median(seconds):.2f} s "
        f"of {args.runs} runs ({', '.join(f'{s:.2f}' for s in seconds)})"
    )


if __name__ == "__main__":
    main()
