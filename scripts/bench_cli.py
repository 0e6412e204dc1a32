"""Time the CLI as a user meets it: `alinea --help`, `alinea build` on the seeds, and `make build`.

Usage: .venv/bin/python scripts/bench_cli.py [--runs 5]
Prints the median and the spread of wall-clock seconds per command (warm venv, warm file cache).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ALINEA = str(Path(sys.executable).with_name("alinea"))


def timed(command: list[str], runs: int) -> list[float]:
    """Wall-clock seconds of ``runs`` runs of ``command`` (output discarded, failures raise)."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "alinea --help": [ALINEA, "--help"],
            "alinea build seeds": [ALINEA, "build", "seeds", "--out", out, "--langs", "pt,es"],
            "make build (warm venv)": ["make", "--no-print-directory", "build"],
        }
        print("| command | median s | min s | max s | runs |\n|---|---|---|---|---|")
        for label, command in commands.items():
            seconds = timed(command, args.runs)
            print(
                f"| `{label}` | {statistics.median(seconds):.2f} | {min(seconds):.2f} "
                f"| {max(seconds):.2f} | {args.runs} |"
            )


if __name__ == "__main__":
    main()
