"""The build: inputs -> documents -> sentences, as frames, with the build signature.

Stages are pure functions of frames and a frozen config; only ingest reads and only publish
writes, so a build that fails on bad input has touched nothing on disk.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import polars as pl

from alinea import boilerplate, ingest, langid
from alinea.align import segment
from alinea.align.embedders import load_encoder
from alinea.align.sentences import align_sentences
from alinea.align.words.stage import align_words
from alinea.config import BuildConfig
from alinea.glossary.export_tabular import write_csv, write_omegat
from alinea.glossary.export_tbx import write_tbx, write_tbx2008
from alinea.glossary.pairing import GlossaryConfig
from alinea.glossary.stage import build_glossary
from alinea.ingest import Progress, Skipped
from alinea.signature import make_signature
from alinea.tmx import write_tmx


@dataclass(frozen=True)
class BuildResult:
    """Every config's frame, in publishing order, and what the summary reports."""

    frames: dict[str, pl.DataFrame]
    langs: tuple[str, str]
    skipped: tuple[Skipped, ...]
    signature: str
    exports: dict[str, Callable[[Path], None]] = field(default_factory=dict)


def _preload(module: str) -> None:
    """Import ``module`` in a background thread; a later import waits for it to finish (and
    reports any failure itself)."""

    def load() -> None:
        with contextlib.suppress(Exception):
            importlib.import_module(module)

    threading.Thread(target=load, daemon=True).start()


def build(
    paths: Sequence[Path], config: BuildConfig, progress: Progress | None = None
) -> BuildResult:
    """Run every stage on ``paths`` in memory.

    Args:
        paths: the input files and directories.
        config: the build options.
        progress: receives ``(stage, done, total)`` updates.

    Returns:
        The frames and the signature; nothing is written.
    """
    _preload("simalign")  # torch + transformers take seconds to import: overlap with the stages
    ingested = ingest.ingest(paths, config.ingest, progress)
    sentences = segment.segment_documents(ingested.documents, config.segment)
    if progress:
        progress("segment", 1, 1)
    encoder = load_encoder(config.align.encoder) if config.align.encoder else None
    pairs = align_sentences(ingested.documents, sentences, ingested.langs, config.align, encoder)
    if progress:
        progress("align", 1, 1)
    links = align_words(pairs, ingested.langs, config.words)
    if progress:
        progress("words", 1, 1)
    glossary = build_glossary(sentences, pairs, links, ingested.langs, GlossaryConfig())
    if progress:
        progress("glossary", 1, 1)
    comparable = config.align.mode == "comparable"
    signature = make_signature(
        {
            "name": config.name,
            "langs": ",".join(ingested.langs),
            "input": f"sha256-{ingested.input_digest}",
            "ingest": ingest.METHOD_ID,
            "langid": langid.METHOD_ID,
            "boilerplate": boilerplate.METHOD_ID,
            "segment": segment.METHOD_ID if config.segment.repair else "sentencex.v1",
            "align": config.align.method_id(),
            "threshold": config.align.threshold(encoder is not None) if comparable else None,
            "words": links["method"][0] if len(links) else config.words.method_id(),
            "glossary": GlossaryConfig().method_id(),
        }
    )
    l1, l2 = langs = ingested.langs
    tmx = partial(write_tmx, pairs=pairs, langs=langs, signature=signature)
    glossary_exports: dict[str, Callable[[Path], None]] = {
        f"glossary.{l1}-{l2}.tbx": partial(
            write_tbx, frame=glossary, langs=langs, signature=signature
        ),
        f"glossary.{l1}-{l2}.tbx2008.tbx": partial(
            write_tbx2008, frame=glossary, langs=langs, signature=signature
        ),
        f"glossary.{l1}-{l2}.utf8": partial(write_omegat, frame=glossary, langs=langs),
        f"glossary.{l2}-{l1}.utf8": partial(write_omegat, frame=glossary, langs=(l2, l1)),
        f"glossary.{l1}-{l2}.csv": partial(write_csv, frame=glossary, langs=langs),
    }
    return BuildResult(
        frames={
            "sentence_pairs": pairs,
            "word_alignments": links,
            "glossary": glossary,
            "documents": ingested.documents,
            "sentences": sentences,
        },
        langs=ingested.langs,
        skipped=ingested.skipped,
        signature=signature,
        exports={f"sentence_pairs.{l1}-{l2}.tmx": tmx, **glossary_exports},
    )
