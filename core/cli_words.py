"""Word-alignment commands: ``alinea wordalign`` and ``alinea wordprior``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alinea.cli_common import Verbose, fail, language_pair, require_files, setup_logging
from alinea.errors import AlineaError, UsageError

MATCHING_HELP = "simalign matching on the link scores: argmax, itermax or match."


def wordalign(
    file: Annotated[Path, typer.Argument(help="Lines 'source tokens ||| target tokens'.")],
    src_lang: Annotated[str, typer.Option(help="ISO 639-1 code of the source side.")],
    tgt_lang: Annotated[str, typer.Option(help="ISO 639-1 code of the target side.")],
    method: Annotated[str, typer.Option(help=MATCHING_HELP)] = "argmax",
    threshold: Annotated[
        float, typer.Option(help="Drop links scored below this, in \\[0, 1].")
    ] = 0.4,
    prior: Annotated[
        Path | None,
        typer.Option(help="Lexical prior from `alinea wordprior` \\[default: shipped]."),
    ] = None,
    no_prior: Annotated[bool, typer.Option("--no-prior", help="Learn from FILE alone.")] = False,
    word_model: Annotated[
        str | None, typer.Option(help="Local transformer model (path) for simalign embeddings.")
    ] = None,
    layer: Annotated[int, typer.Option(help="Hidden layer of --word-model.")] = 8,
    scores: Annotated[
        bool, typer.Option("--scores", help="Print i-j:score instead of i-j.")
    ] = False,
    verbose: Verbose = False,
) -> None:
    """Word-align tokenised sentence pairs; one Pharaoh line (i-j ...) per input line."""
    setup_logging(verbose)
    try:
        from alinea.align.words import WordAlignConfig
        from alinea.align.words.bitext import read_bitext
        from alinea.align.words.priors import SHIPPED
        from alinea.align.words.stage import align_token_pairs

        langs = language_pair(src_lang, tgt_lang)
        if prior is not None and no_prior:
            raise UsageError("--prior and --no-prior exclude each other")
        require_files(file, prior)
        config = WordAlignConfig(
            matching=method,
            min_score=threshold,
            model=word_model,
            layer=layer,
            prior=None if no_prior else str(prior) if prior else SHIPPED,
        )
        results = align_token_pairs(read_bitext(file), langs, config)
    except AlineaError as err:
        raise fail(err) from None
    for result in results:
        if scores:
            scored = zip(result.links, result.scores, strict=True)
            typer.echo(" ".join(f"{i}-{j}:{s:.3f}" for (i, j), s in scored))
        else:
            typer.echo(result.pharaoh())


def wordprior(
    corpus: Annotated[Path, typer.Argument(help="Parallel corpus, 'source ||| target' lines.")],
    src_lang: Annotated[str, typer.Option(help="ISO 639-1 code of the source side.")],
    tgt_lang: Annotated[str, typer.Option(help="ISO 639-1 code of the target side.")],
    out: Annotated[Path, typer.Option(help="Prior file to write (.npz).")],
    min_count: Annotated[
        float, typer.Option(min=0.0, help="Drop word pairs with fewer expected counts.")
    ] = 0.5,
    verbose: Verbose = False,
) -> None:
    """Learn a lexical prior (expected translation counts) from a parallel corpus."""
    setup_logging(verbose)
    try:
        from alinea.align.words.bitext import read_bitext, save_prior
        from alinea.align.words.priors import learn_prior

        langs = language_pair(src_lang, tgt_lang)
        require_files(corpus)
        pairs = read_bitext(corpus)
        save_prior(out, langs, learn_prior(pairs, langs, min_count))
    except AlineaError as err:
        raise fail(err) from None
    typer.echo(f"{out}: prior from {len(pairs)} pairs")
