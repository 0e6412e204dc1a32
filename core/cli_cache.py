"""``alinea cache info|clear``: the embedding cache that builds and ``align`` share."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from alinea.cli_common import CacheDir, cache_folder, fail
from alinea.errors import AlineaError

app = typer.Typer(
    name="cache",
    help="Inspect or clear the cache of embeddings and pair alignments.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def info(
    cache_dir: CacheDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Where the cache is, its size and the vectors it holds per encoder."""
    try:
        from alinea.align.cache import BuildCache

        folder = cache_folder(cache_dir, create=False)
        assert folder is not None
        found = BuildCache(folder).info()
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
    """Delete every cached vector."""
    try:
        from alinea.align.cache import BuildCache

        folder = cache_folder(cache_dir, create=False)
        assert folder is not None
        removed = BuildCache(folder).clear()
    except AlineaError as err:
        raise fail(err) from None
    typer.echo(f"cache: {folder / 'embeddings.sqlite3'}: {removed} entries removed")
