"""Time and peak memory of the glossary stage alone, at corpus scale (issue 11, items 3 and 5).

The glossary's inputs are the frames of a build up to word alignment (``sentences``,
``sentence_pairs``, ``word_alignments``). They are made once per input and stored as parquet
under ``--work`` (``<work>/<docs>/*.parquet``), so that the glossary can be measured again and
again without the minutes of alignment before it: ``--docs N`` is the synthetic collection of
``scale_collection.py`` with N documents per side (``make_collection(N, seed)``), ``smallN`` the
N small articles of ``bench_memory.py --inputs small``; both built with lexical sentence
alignment (``--encoder none``) and the default word alignment, languages pt, es.

Each measured run is a child process (``_child``) that reads the frames, runs
``build_glossary`` with the chosen executor (``serial``, or ``rayN``: a local Ray with N CPUs,
started inside the child) and prints a JSON line: the glossary seconds (Ray start excluded; it is
reported apart), the seconds of each sub-step (the ``alinea.glossary`` log lines), the rows and
a sha256 of the frame (written as parquet: identical frames give identical digests). The parent
samples the RSS summed over the child and its descendants (Ray's processes) every 0.2 s
(``scale_collection.TreeSampler``) and reports the peak, and the child's own ``ru_maxrss``. A run
above ``--max-tree-gib`` or ``--timeout`` is stopped and reported so.

To measure another version of alinea on the same frames (e.g. before a change), install it
into a folder and put that first on the path of this script and its children:
``pip install --no-deps --target /tmp/alinea-old <checkout>`` then
``PYTHONPATH=/tmp/alinea-old .venv/bin/python scripts/bench_glossary.py ...`` (a version without
the ``executor`` parameter runs serial only).

Usage:
    .venv/bin/python scripts/bench_glossary.py --docs 200,2000,small2000 --systems serial,ray2 \
        --work /tmp/bench-glossary
    .venv/bin/python scripts/bench_glossary.py --docs 2000 --prepare-only --work DIR
    .venv/bin/python scripts/bench_glossary.py --docs 200 --shards 1,4,16 --work DIR
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from inspect import signature
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

FRAMES = ("sentences", "sentence_pairs", "word_alignments")
LANGS = ("pt", "es")


def _prepare(docs: str, seed: int, folder: Path) -> dict[str, Any]:
    """The frames of ``folder`` (made when missing), with the seconds each stage took."""
    import bench_memory as bm
    import scale_collection as sc

    from alinea import ingest
    from alinea.align import segment
    from alinea.align.sentences import AlignConfig, align_sentences
    from alinea.align.words.stage import align_words
    from alinea.ingest import IngestConfig
    from alinea.pipeline import BuildConfig

    done = folder / "prepared.json"
    if done.exists():
        return dict(json.loads(done.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    if docs.startswith("small"):  # bench_memory.py's small articles (half per language)
        inputs = bm.small_inputs(folder, int(docs[5:]), seed)
    else:
        inputs = [folder / "collection"]
        sc.write_collection(sc.make_collection(int(docs), seed), inputs[0])
    config = BuildConfig("bench", ingest=IngestConfig(langs=LANGS), align=AlignConfig(encoder=None))
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    ingested = ingest.ingest(inputs, config.ingest)
    seconds["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    sentences = segment.segment_documents(ingested.documents, config.segment, ingested.langs)
    seconds["segment"] = time.perf_counter() - started
    started = time.perf_counter()
    langs = ingested.langs
    pairs = align_sentences(ingested.documents, sentences, langs, config.align)
    seconds["align"] = time.perf_counter() - started
    started = time.perf_counter()
    links = align_words(pairs, langs, config.words)
    seconds["words"] = time.perf_counter() - started
    for name, frame in zip(FRAMES, (sentences, pairs, links), strict=True):
        frame.write_parquet(folder / f"{name}.parquet")
    info = {
        "docs": docs,
        "seed": seed,
        "langs": list(langs),
        "sentences": sentences.height,
        "sentence_pairs": pairs.height,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    done.write_text(json.dumps(info))
    return info


class _Steps(logging.Handler):
    """Seconds between the ``alinea.glossary`` log lines: each line ends a sub-step."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.last = time.perf_counter()
        self.steps: list[tuple[str, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        now = time.perf_counter()
        self.steps.append((record.getMessage(), round(now - self.last, 2)))
        self.last = now


def child(folder: Path, system: str, shards: int | None) -> None:
    """One measured run (module docstring); prints one JSON line."""
    import polars as pl

    from alinea.engine import Engine, EngineConfig
    from alinea.glossary.pairing import GlossaryConfig
    from alinea.glossary.stage import build_glossary

    info = json.loads((folder / "prepared.json").read_text())
    frames = [pl.read_parquet(folder / f"{name}.parquet") for name in FRAMES]
    config = GlossaryConfig() if shards is None else replace(GlossaryConfig(), shards=shards)
    engine = EngineConfig() if system == "serial" else EngineConfig("ray", workers=int(system[3:]))
    if system != "serial":
        import ray

        ray.init(num_cpus=engine.workers, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.ERROR)  # fmt: skip
    steps = _Steps()
    log = logging.getLogger("alinea.glossary")
    log.setLevel(logging.INFO)
    log.addHandler(steps)
    started = time.perf_counter()
    with Engine(engine) as executor:
        ray_start = time.perf_counter() - started
        steps.last = started = time.perf_counter()
        extra = {"executor": executor} if "executor" in signature(build_glossary).parameters else {}
        glossary = build_glossary(*frames, tuple(info["langs"]), config, **extra)
        seconds = time.perf_counter() - started
    buffer = io.BytesIO()
    glossary.write_parquet(buffer)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "engine_start": round(ray_start, 2),
                "steps": steps.steps,
                "rows": glossary.height,
                "paired": int((glossary["status"] == "paired").sum()),
                "sha256": hashlib.sha256(buffer.getvalue()).hexdigest()[:16],
                "ru_maxrss_mib": round(usage.ru_maxrss / 1024),
            }
        )
    )


def measure(
    folder: Path, system: str, shards: int | None, args: argparse.Namespace
) -> dict[str, Any]:
    """Run one child, sampling its process tree's RSS."""
    import scale_collection as sc

    psutil = sc.import_psutil()
    command = [sys.executable, __file__, "_child", str(folder), system]
    if shards is not None:
        command.append(str(shards))
    with tempfile.TemporaryDirectory(prefix="alinea-bench-glossary-") as scratch:
        env = os.environ | {"RAY_TMPDIR": scratch, "RAY_USAGE_STATS_ENABLED": "0"}
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
        )
        sampler = None
        if psutil is not None:
            sampler = sc.TreeSampler(psutil, proc.pid, 0.2, args.timeout or None,
                                     int(args.max_tree_gib * 2**30) or None)  # fmt: skip
            sampler.start()
        out, err = proc.communicate()
        wall = time.perf_counter() - started
        if sampler is not None:
            sampler.done.set()
            sampler.join()
            sampler.leftovers()
    row: dict[str, Any] = {"system": system, "shards": shards, "wall": round(wall, 1)}
    if sampler is not None and sampler.samples:
        row["tree_peak_mib"] = round(max(s[1] for s in sampler.samples) / 2**20)
        row["stopped"] = sampler.stopped
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if proc.returncode == 0 and lines:
        row |= json.loads(lines[-1])
    else:
        row["error"] = (err.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
    return row


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        shards = int(sys.argv[4]) if len(sys.argv) > 4 else None
        child(Path(sys.argv[2]), sys.argv[3], shards)
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--docs",
        default="200,2000",
        help="documents per side of scale_collection.py's collection, or smallN: the N small "
        "articles of bench_memory.py; comma-separated",
    )
    parser.add_argument("--systems", default="serial,ray2", help="serial, rayN")
    parser.add_argument(
        "--shards", default="", help="glossary shard counts to try (default: config)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, required=True, help="frames are kept here")
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--max-tree-gib", type=float, default=8.0)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    rows = []
    shard_counts = [int(s) for s in args.shards.split(",") if s] or [None]
    for docs in args.docs.split(","):
        folder = args.work / docs
        info = _prepare(docs, args.seed, folder)
        print(json.dumps(info), flush=True)
        if args.prepare_only:
            continue
        for system in [s.strip() for s in args.systems.split(",") if s.strip()]:
            for shards in shard_counts:
                sizes = {k: info[k] for k in ("sentences", "sentence_pairs")}
                row = {"docs": docs, **sizes, **measure(folder, system, shards, args)}
                print(json.dumps(row), flush=True)
                rows.append(row)
    if rows:
        print("\n| docs per side | sentences | pairs | system | shards | glossary s "
              "| tree peak MiB | rows | sha256 |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            cells = [r["docs"], f"{r['sentences']:,}", f"{r['sentence_pairs']:,}",
                     r["system"], r["shards"] or "default", r.get("seconds", r.get("error")),
                     r.get("tree_peak_mib", "-"), r.get("rows", "-"), r.get("sha256")]  # fmt: skip
            print("| " + " | ".join(str(c) for c in cells) + " |")
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
