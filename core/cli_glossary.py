"""Glossary commands: ``alinea lookup``, ``alinea review``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from alinea.cli_common import Verbose, fail, setup_logging
from alinea.errors import AlineaError


def lookup(
    query: Annotated[str, typer.Argument(help="Term to look up, in either language.")],
    dataset: Annotated[
        Path, typer.Option("--dataset", "-d", help="Dataset folder written by `alinea build`.")
    ],
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many entries.")] = 5,
    lines: Annotated[
        int, typer.Option(min=0, help="Concordance lines per language and entry.")
    ] = 3,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per entry (with match spans).")
    ] = False,
    verbose: Verbose = False,
) -> None:
    """Fuzzy-search the glossary (both languages, variants); print entries with concordance."""
    setup_logging(verbose)
    try:
        from alinea.glossary.lookup import hit_json, load_dataset, lookup_in, render

        data = load_dataset(dataset)
        hits = lookup_in(data, query, limit, lines)
    except AlineaError as err:
        raise fail(err) from None
    if as_json:
        for hit in hits:
            typer.echo(json.dumps(hit_json(hit, query), ensure_ascii=False))
        return
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    for number, hit in enumerate(hits):
        if number:
            console.print()
        for markup in render(hit, data.langs):
            console.print(markup)


def review(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `alinea build`.")],
    export: Annotated[
        Path, typer.Option("--export", help="Decisions file (TSV) to write, to fill in.")
    ],
    verbose: Verbose = False,
) -> None:
    """Write a dataset's glossary as a decisions file to fill in (for build --decisions)."""
    setup_logging(verbose)
    try:
        from alinea.glossary.decisions import write_review
        from alinea.glossary.lookup import load_dataset

        data = load_dataset(dataset)
        write_review(export, data.glossary, data.langs)
    except AlineaError as err:
        raise fail(err) from None
    typer.echo(f"{export}: {data.glossary.height} entries to review")
