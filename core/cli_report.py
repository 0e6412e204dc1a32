"""``alinea report``: one self-contained HTML page of a dataset, to check it by eye."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alinea.cli_common import Verbose, fail, setup_logging
from alinea.errors import AlineaError


def report(
    dataset: Annotated[Path, typer.Argument(help="Dataset folder written by `alinea build`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    verbose: Verbose = False,
) -> None:
    """Write an offline HTML report of a dataset: summary, sentence pairs, searchable glossary."""
    setup_logging(verbose)
    try:
        from alinea.report_page import write_report

        written = write_report(dataset, out)
    except AlineaError as err:
        raise fail(err) from None
    data = written.data
    typer.echo(
        f"{out}: {len(data['pairs']):,} of {data['pairsTotal']:,} sentence pairs, "
        f"{len(data['entries']):,} of {data['entriesTotal']:,} glossary entries"
    )
