"""Re-run the commands of the README's ``console`` blocks; write their outputs or check them.

The commands live in the README itself. In each fenced ``console`` block, a line starting with
``$ `` is a command; the lines after it, up to the next command or the end of the block, are
its output. Every command runs through ``bash -c`` in one scratch folder holding a copy of
``seeds/`` (files a command writes, e.g. ``printf ... > pairs.txt``, stay there for the next
ones; shell state such as ``cd`` or variables does not), with the ``bin`` folder of this Python
(the venv's, where the ``alinea`` console script is) first on ``PATH``, an 80-column terminal
without colour, the model hubs switched off, and stderr merged into stdout.

Captured output: ANSI escapes and trailing spaces dropped, trailing blank lines dropped, the
scratch folder's absolute path made relative (``/tmp/x/datasets/a`` -> ``datasets/a``).

Volatile parts, compared as a placeholder (the README keeps the real values of the ``--write``
run): a number directly followed by `` s`` (``done in 2.56 s``, ``0.42 s`` in a table; spaces
around it collapse to one, so column padding does not matter either) and the value of a JSON key
ending in ``seconds`` (``"seconds": 1.23``, ``"load_seconds": 0.5``).

Elision: an output line that is exactly ``...`` means "the rest is elided": only the lines
before it are compared, and ``--write`` keeps the marker at the same place (it drops the marker
when the output has no more lines).

    .venv/bin/python scripts/readme_tour.py --write   # re-run and rewrite the README's blocks
    .venv/bin/python scripts/readme_tour.py --check   # exit 1 with a unified diff when stale
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
FENCE = "```"
OPEN_FENCE = "```console"
PROMPT = "$ "
ELISION = "..."
TIMEOUT_S = 900

# Variables that would make rich/typer colour or size the output as on someone's terminal.
DROPPED_ENV = (
    "FORCE_COLOR",
    "PY_COLORS",
    "CLICOLOR_FORCE",
    "GITHUB_ACTIONS",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
    "LINES",
    "PYTHONPATH",
)
FIXED_ENV = {
    "COLUMNS": "80",
    "TERM": "dumb",
    "NO_COLOR": "1",
    "PYTHONUNBUFFERED": "1",  # keeps stdout and stderr lines in the order they were printed
    "PYTHONIOENCODING": "utf-8",
    "LC_ALL": "C.UTF-8",
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
}

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DURATION = re.compile(r" *\b\d+(?:\.\d+)? s\b *")
JSON_SECONDS = re.compile(r'("\w*seconds"\s*:\s*)-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')
PLACEHOLDER = "<N>"


class TourError(Exception):
    """The README's console blocks cannot be parsed or written back."""


@dataclass(frozen=True)
class Step:
    """One command of a console block and the output lines shown under it."""

    command: str
    output: tuple[str, ...]

    def elided_at(self) -> int | None:
        """Index of the elision marker in the output, if any."""
        return self.output.index(ELISION) if ELISION in self.output else None


@dataclass(frozen=True)
class Block:
    """A console block: lines ``start`` to ``end`` (exclusive) of the README, inside the fences."""

    start: int
    end: int
    steps: tuple[Step, ...]


def parse_steps(lines: Sequence[str], first_line: int) -> tuple[Step, ...]:
    """The commands and outputs of one console block's lines."""
    if lines and not lines[0].startswith(PROMPT):
        raise TourError(f"README line {first_line + 1}: a console block must start with '$ '")
    steps: list[Step] = []
    for line in lines:
        if line.startswith(PROMPT):
            steps.append(Step(line[len(PROMPT) :], ()))
        else:
            steps[-1] = replace(steps[-1], output=(*steps[-1].output, line))
    return tuple(steps)


def parse_blocks(lines: Sequence[str]) -> list[Block]:
    """Every ``console`` block of the README (``lines`` without line ends)."""
    blocks: list[Block] = []
    number = 0
    while number < len(lines):
        if lines[number].rstrip() == OPEN_FENCE:
            end = next(
                (i for i in range(number + 1, len(lines)) if lines[i].rstrip() == FENCE), None
            )
            if end is None:
                raise TourError(f"README line {number + 1}: console block is never closed")
            steps = parse_steps(lines[number + 1 : end], number + 1)
            blocks.append(Block(number + 1, end, steps))
            number = end
        number += 1
    return blocks


def normalise(line: str) -> str:
    """A line with its volatile parts (durations, JSON seconds) replaced by a placeholder."""
    line = DURATION.sub(f" {PLACEHOLDER} s ", line)
    return JSON_SECONDS.sub(rf"\g<1>{PLACEHOLDER}", line)


def clean_output(raw: str, scratch: Path) -> list[str]:
    """Captured output as README lines: no colour, no trailing spaces, relative paths."""
    text = ANSI.sub("", raw)
    for root in sorted({str(scratch), str(scratch.resolve())}, key=len, reverse=True):
        text = text.replace(root + os.sep, "").replace(root, ".")
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def tour_env(bin_dir: Path) -> dict[str, str]:
    """The environment of every command: this venv first on PATH, a plain 80-column terminal."""
    env = {key: value for key, value in os.environ.items() if key not in DROPPED_ENV}
    env.update(FIXED_ENV)
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", os.defpath)])
    return env


def default_bin_dir() -> Path:
    """The folder of this Python's console scripts (``.venv/bin``), which must hold ``alinea``."""
    bin_dir = Path(sys.executable).parent  # not resolved: a venv's python is a symlink
    if not (bin_dir / "alinea").exists():
        raise TourError(f"no `alinea` next to {sys.executable}; install alinea (make install)")
    return bin_dir


def run_command(command: str, scratch: Path, env: dict[str, str]) -> list[str]:
    """Run one command line as a user would type it; its output lines (stderr merged)."""
    started = time.perf_counter()
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", command],
        cwd=scratch,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=TIMEOUT_S,
        check=False,
    )
    seconds = time.perf_counter() - started
    print(f"  {seconds:6.1f} s  exit {done.returncode}  $ {command}", file=sys.stderr)
    return clean_output(done.stdout.decode("utf-8", errors="replace"), scratch)


def run_tour(commands: Sequence[str], bin_dir: Path) -> list[list[str]]:
    """Run the commands in order in one scratch folder holding a copy of ``seeds/``."""
    env = tour_env(bin_dir)
    with tempfile.TemporaryDirectory(prefix="alinea-tour-") as folder:
        scratch = Path(folder)
        shutil.copytree(REPO / "seeds", scratch / "seeds")
        env = {**env, "ALINEA_CACHE": str(scratch / ".cache" / "alinea")}  # never the user's
        return [run_command(command, scratch, env) for command in commands]


def shown_output(step: Step, fresh: Sequence[str]) -> list[str]:
    """What the README shows for a fresh output: cut at the step's elision marker, if any."""
    cut = step.elided_at()
    if cut is None or len(fresh) <= cut:
        return list(fresh)
    return [*fresh[:cut], ELISION]


def keep_equivalent(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """``new``, with each line equal to the README's line up to volatile parts kept as it was."""
    return [
        old[i] if i < len(old) and normalise(old[i]) == normalise(line) else line
        for i, line in enumerate(new)
    ]


def ensure_holdable(line: str, command: str) -> None:
    """Refuse an output line that would read back as a command or close the block."""
    if line.startswith(PROMPT) or line.rstrip() == FENCE:
        raise TourError(f"output of `{command}` has a line the README cannot hold: {line!r}")


def block_lines(block: Block, outputs: Sequence[Sequence[str]]) -> list[str]:
    """The lines inside a console block for its commands and outputs."""
    lines: list[str] = []
    for step, output in zip(block.steps, outputs, strict=True):
        for line in output:
            ensure_holdable(line, step.command)
        lines += [PROMPT + step.command, *output]
    return lines


def render(lines: Sequence[str], blocks: Sequence[Block], outputs: Sequence[list[str]]) -> str:
    """The README text with each block's outputs replaced (one output per step, in order)."""
    result: list[str] = []
    position = 0
    pending = iter(outputs)
    for block in blocks:
        result += lines[position : block.start]
        result += block_lines(block, [next(pending) for _ in block.steps])
        position = block.end
    result += lines[position:]
    return "\n".join(result)


@dataclass(frozen=True)
class Tour:
    """The README and the outputs its commands print now."""

    text: str
    written: str  # the README as --write leaves it
    checked: str  # the same, lines differing only in volatile parts kept as they were


def make_tour(readme: Path, bin_dir: Path) -> Tour:
    """Parse the README, run its commands, and build both updated texts."""
    text = readme.read_text(encoding="utf-8")
    lines = text.split("\n")
    blocks = parse_blocks(lines)
    steps = [step for block in blocks for step in block.steps]
    fresh = run_tour([step.command for step in steps], bin_dir)
    shown = [shown_output(step, output) for step, output in zip(steps, fresh, strict=True)]
    kept = [keep_equivalent(step.output, out) for step, out in zip(steps, shown, strict=True)]
    return Tour(text, render(lines, blocks, shown), render(lines, blocks, kept))


def diff(tour: Tour, name: str = "README.md") -> str:
    """A unified diff from the README to what its commands print now ('' when up to date)."""
    return "".join(
        difflib.unified_diff(
            tour.text.splitlines(keepends=True),
            tour.checked.splitlines(keepends=True),
            fromfile=f"{name} (as committed)",
            tofile=f"{name} (commands run now)",
        )
    )


def check(readme: Path = README, bin_dir: Path | None = None) -> str:
    """Run the README's commands; the diff to their outputs, '' when the README is current."""
    return diff(make_tour(readme, bin_dir or default_bin_dir()), readme.name)


def write(readme: Path = README, bin_dir: Path | None = None) -> bool:
    """Run the README's commands and rewrite its blocks; whether the file changed."""
    tour = make_tour(readme, bin_dir or default_bin_dir())
    if tour.written == tour.text:
        return False
    readme.write_text(tour.written, encoding="utf-8")
    return True


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="rewrite the README's outputs")
    action.add_argument("--check", action="store_true", help="exit 1 with a diff when stale")
    parser.add_argument("--readme", type=Path, default=README, help="default: %(default)s")
    parser.add_argument(
        "--bin", type=Path, default=None, help="folder holding `alinea` [default: next to python]"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.write:
            changed = write(args.readme, args.bin)
            print(f"{args.readme}: {'rewritten' if changed else 'already up to date'}")
            return 0
        found = check(args.readme, args.bin)
    except TourError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if found:
        print(found, end="")
        print(f"{args.readme}: stale; run scripts/readme_tour.py --write", file=sys.stderr)
        return 1
    print(f"{args.readme}: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
