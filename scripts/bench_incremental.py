"""Incremental builds: a rebuild with one more document against a cold build of the same files.

The collection is the one of ``bench_collection.py`` (NTREX-128, ``pt/<doc>.txt`` and
``es/<doc>.txt``, 75% of the sentences kept per side). For each encoder, in one run:

- **cold**: the whole collection, with an empty cache folder;
- **previous**: the collection without its last Portuguese document, into a second cache;
- **incremental**: the whole collection again with that second cache (one more document: only
  the document pairs it takes part in are aligned, only its sentences embedded);
- **warm**: the same build once more (nothing new).

Every published file of the incremental and the warm builds must be byte-identical to the cold
build's; the table gives wall seconds, the ratio to the cold build and the stage seconds.

Usage: .venv/bin/python scripts/bench_incremental.py [--encoder default,none] [--seed 0]
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_collection as bc


def identical(a: Path, b: Path) -> bool:
    """Whether two dataset folders hold the same files with the same bytes."""
    files = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    theirs = sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    return files == theirs and not mismatch and not errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", default="default,none")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    collection = bc.make_collection(args.seed)
    print("| encoder | build | wall s | vs cold | identical | stage seconds |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="alinea-incremental-") as tmp:
        root = Path(tmp)
        full, previous = root / "full", root / "previous"
        bc.write_collection(collection, full)
        shutil.copytree(full, previous)
        held_out = sorted((previous / "pt").iterdir())[-1]
        held_out.unlink()
        for encoder in args.encoder.split(","):
            cold = bc.run_build(full, root / f"cold-{encoder}", encoder, root / f"c1-{encoder}")
            runs = {"cold": cold}
            cache = root / f"c2-{encoder}"
            runs["previous"] = bc.run_build(previous, root / f"prev-{encoder}", encoder, cache)
            runs["incremental"] = bc.run_build(full, root / f"inc-{encoder}", encoder, cache)
            runs["warm"] = bc.run_build(full, root / f"warm-{encoder}", encoder, cache)
            for name, run in runs.items():
                same = (
                    "—"
                    if name in ("cold", "previous")
                    else str(identical(cold.dataset, run.dataset))
                )
                stages = ", ".join(f"{k} {v:.1f}" for k, v in run.summary["stage_seconds"].items())
                ratio = run.seconds / cold.seconds
                print(
                    f"| {encoder} | {name} | {run.seconds:.1f} | {ratio:.2f} | {same} | {stages} |"
                )
    print(f"\nheld out for `previous`: pt/{held_out.name}")


if __name__ == "__main__":
    main()
