"""``alinea cache info|clear``: the cache of embeddings and pair alignments that builds and
``align`` share."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from alinea.cli_common import CacheDir, fail
from alinea.errors import AlineaError

if TYPE_CHECKING:
    from alinea.align.cache import BuildCache

app = typer.Typer(
    name="cache",
    help="Inspect or clear the cache of embeddings and pair alignments.",
    no_args_is_help=True,
    add_completion=False,
)


def _cache(cache_dir: Path | None) -> BuildCache:
    """The cache the option names (the default one without it); nothing is created."""
    from alinea.align.cache import BuildCache, default_cache_dir

    return BuildCache(cache_dir or default_cache_dir())


@app.command()
def info(
    cache_dir: CacheDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Where the cache is, its size and the vectors it holds per encoder."""
    try:
        found = _cache(cache_dir).info()
    except AlineaError as err:
        raise fail(err) from None
    if as_json:
        typer.echo(json.dumps(asdict(found) | {"path": str(found.path)}, indent=2))
        return
    typer.echo(f"cache: {found.path} ({found.bytes / 2**20:.1f} MiB)")
    for method, count in found.vectors.items() or {"(empty)": 0}.items():
        typer.echo(f"  {method}: {count} vectors" if count else f"  {method}")
    if found.document_pairs:
        typer.echo(f"  sentence alignments of {found.document_pairs} document pairs")


@app.command()
def clear(cache_dir: CacheDir = None) -> None:
    """Delete every cached vector and pair alignment."""
    cache = _cache(cache_dir)
    try:
        removed = cache.clear()
    except AlineaError as err:
        raise fail(err) from None
    typer.echo(f"cache: {cache.path}: {removed} entries removed")
