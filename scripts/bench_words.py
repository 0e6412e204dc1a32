"""The word stage at scale: the HMM trained by agreement and simalign's matching, serial vs Ray.

Sentence pairs are real PT–ES translations of the evaluation pools (NTREX-128, FLORES-200 and
TICO-19 as cleaned by ``comparable_bench``, then Tatoeba), tokenised as the build tokenises
them; ``--pairs`` of them, repeated in order if the pools hold fewer. For each system, in one
run and one process, the seconds of training (``fit``, 5 IBM-1 + 5 HMM iterations, its E-steps
mapped over the model's shards) and of linking (``align``, the shards of pairs mapped), and
whether its links (and their float scores) equal the serial system's bit for bit: Ray must
give the same bits as ``serial``; ``serial1`` sums the E-step in another order, so its scores
differ in their last bits. Ray workers import torch (simalign) on their first linking task;
that cost is part of their time.

Systems (``--systems``): ``serial`` (the build's default: 16 shards), ``serial1`` (one shard:
the whole corpus in one E-step, as before the shards), ``rayN`` (a local Ray with N CPUs).

Usage: .venv/bin/python scripts/bench_words.py [--pairs 20000] [--systems serial1,serial,ray1,ray2]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb

from alinea.align.words import WordAligner
from alinea.align.words.priors import read_prior
from alinea.engine import Engine, EngineConfig, Executor
from alinea.pipeline import BuildConfig
from alinea.text import tokenize

TokenPairs = list[tuple[list[str], list[str]]]


def token_pairs(count: int) -> TokenPairs:
    """``count`` tokenised PT–ES pairs of the pools, in a fixed order."""
    docs = [*cb.news_documents(), *cb.tico_documents()]
    texts = [pair for doc in docs for pair in zip(doc.pt, doc.es, strict=True)]
    texts += list(cb.load_tatoeba())
    pairs = [(tokenize(pt), tokenize(es)) for pt, es in texts]
    return list(itertools.islice(itertools.cycle(pairs), count))


def run(system: str, pairs: TokenPairs) -> tuple[dict[str, object], list[object]]:
    """Train and link ``pairs`` with one system; its timings and its links."""
    config = BuildConfig(name="bench").words
    engine = EngineConfig()
    if system == "serial1":
        translation = dataclasses.replace(config.translation, shards=1)
        config = dataclasses.replace(config, translation=translation)
    elif system.startswith("ray"):
        engine = EngineConfig("ray", workers=int(system[3:]))
    prior = read_prior(config.prior, "pt", "es")
    with Engine(engine) as executor:
        return _timed(system, WordAligner("pt", "es", config, prior), pairs, executor)


def _timed(
    system: str, aligner: WordAligner, pairs: TokenPairs, executor: Executor
) -> tuple[dict[str, object], list[object]]:
    start = time.perf_counter()
    aligner.fit(pairs, executor)
    trained = time.perf_counter()
    links = aligner.align(pairs, executor)
    done = time.perf_counter()
    cpu = os.times()
    row = {
        "system": system,
        "fit s": round(trained - start, 1),
        "align s": round(done - trained, 1),
        "total s": round(done - start, 1),
        "load": round(os.getloadavg()[0], 1),
        "driver cpu s": round(cpu.user + cpu.system, 1),
    }
    return row, list(links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--systems", default="serial1,serial,ray1,ray2")
    args = parser.parse_args()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import simalign  # noqa: F401  (torch's import is paid once, before any timing)

    pairs = token_pairs(args.pairs)
    tokens = sum(len(s) + len(t) for s, t in pairs)
    print(f"{len(pairs):,} pairs, {tokens:,} tokens", flush=True)
    reference: list[object] | None = None
    print("| system | fit s | align s | total s | links = serial | load |")
    print("|---|---|---|---|---|---|")
    for system in args.systems.split(","):
        row, links = run(system, pairs)
        if system == "serial":
            reference = links
        same = "—" if reference is None or system == "serial" else str(links == reference)
        print(
            f"| {system} | {row['fit s']} | {row['align s']} | {row['total s']} | {same} "
            f"| {row['load']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
