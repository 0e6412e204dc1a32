"""``alinea align``: two files read and segmented exactly as a build reads them, then aligned.

Sentence ids are the ``idx`` of the sentences in the ``sentences`` config a build of the same
files publishes (boilerplate keeps its ids but never aligns); with ``one_per_line`` every line
is a sentence and the ids are 0-based line numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from alinea.align import mining, parallel
from alinea.align.cache import BuildCache, open_encoder
from alinea.align.explain import explain
from alinea.align.explain_parallel import explain_path
from alinea.align.jobs import align_texts
from alinea.align.segment import SegmentConfig, segment_documents
from alinea.align.sentences import AlignConfig
from alinea.boilerplate import is_boilerplate
from alinea.errors import EmptyInputError
from alinea.ingest import IngestConfig, ingest_file
from alinea.readers import read_text
from alinea.text import squeeze


@dataclass(frozen=True)
class FilePair:
    """One aligned pair: sentence ids and texts of each side, and the calibrated score."""

    src_ids: list[int]
    tgt_ids: list[int]
    score: float
    src: str
    tgt: str


def file_sentences(
    path: Path, lang: str, one_per_line: bool, ingest: IngestConfig, segment: SegmentConfig
) -> tuple[list[int], list[str]]:
    """Ids and texts of the non-boilerplate sentences of one file (module docstring)."""
    if one_per_line:
        text, _ = read_text(path, ingest.max_file_bytes)
        lines = [(n, squeeze(line)) for n, line in enumerate(text.splitlines())]
        kept = [(n, line) for n, line in lines if line and not is_boilerplate(line, lang)]
    else:
        sentences = segment_documents(ingest_file(path, lang, ingest), segment)
        content = sentences.filter(~pl.col("is_boilerplate")).sort("idx")
        kept = list(zip(content["idx"].to_list(), content["text"].to_list(), strict=True))
    if not kept:
        raise EmptyInputError(path, "no sentence to align", "give a file with text")
    return [n for n, _ in kept], [t for _, t in kept]


def align_files(
    src: Path,
    tgt: Path,
    langs: tuple[str, str],
    config: AlignConfig,
    one_per_line: bool = False,
    ingest: IngestConfig | None = None,
    segment: SegmentConfig | None = None,
    cache_dir: Path | None = None,
) -> list[FilePair]:
    """Align the sentences of ``src`` (language ``langs[0]``) and ``tgt`` (``langs[1]``); the
    beads with both sides, in order (embeddings kept in the cache in ``cache_dir``, if given)."""
    ingest = ingest or IngestConfig()
    segment = segment or SegmentConfig()
    encoder = open_encoder(config.encoder, BuildCache(cache_dir) if cache_dir else None)
    src_ids, src_texts = file_sentences(src, langs[0], one_per_line, ingest, segment)
    tgt_ids, tgt_texts = file_sentences(tgt, langs[1], one_per_line, ingest, segment)
    return [
        FilePair(
            src_ids=[src_ids[i] for i in bead.src],
            tgt_ids=[tgt_ids[j] for j in bead.tgt],
            score=round(bead.score, 4),
            src=" ".join(src_texts[i] for i in bead.src),
            tgt=" ".join(tgt_texts[j] for j in bead.tgt),
        )
        for bead in align_texts(src_texts, tgt_texts, config, encoder)
        if bead.src and bead.tgt
    ]


def explain_files(
    src: Path,
    tgt: Path,
    langs: tuple[str, str],
    config: AlignConfig,
    one_per_line: bool = False,
    cache_dir: Path | None = None,
) -> list[dict[str, object]]:
    """What :func:`align_files` emits, each pair with ``"kept": true`` and an ``explain``
    object, plus lines with ``"kept": false``: in comparable mode, each source sentence left
    without a pair with its best candidate (:func:`alinea.align.explain.explain`), in source
    order, then each target sentence left without a pair and not shown yet; in parallel mode,
    each sentence the path leaves alone, in path order
    (:func:`alinea.align.explain_parallel.explain_path`)."""
    ingest, segment = IngestConfig(), SegmentConfig()
    encoder = open_encoder(config.encoder, BuildCache(cache_dir) if cache_dir else None)
    src_ids, src_texts = file_sentences(src, langs[0], one_per_line, ingest, segment)
    tgt_ids, tgt_texts = file_sentences(tgt, langs[1], one_per_line, ingest, segment)

    def line(src_side: Sequence[int], tgt_side: Sequence[int], score: float) -> dict[str, object]:
        return {
            "src_ids": [src_ids[i] for i in src_side],
            "tgt_ids": [tgt_ids[j] for j in tgt_side],
            "score": round(score, 4),
            "src": " ".join(src_texts[i] for i in src_side),
            "tgt": " ".join(tgt_texts[j] for j in tgt_side),
        }

    if config.mode == "parallel":
        path = parallel.best_path(src_texts, tgt_texts, config.parallel, encoder)
        return [
            line(item.bead.src, item.bead.tgt, item.bead.score)
            | {"kept": item.reason == "on_best_path", "explain": item.as_json()}
            for item in explain_path(*path, config.parallel)
        ]
    job = mining.plan(src_texts, tgt_texts, config.mining, encoder is not None)
    assert job is not None  # both sides hold a sentence (file_sentences)
    decision = mining.decide(job, config.mining, encoder)
    lines: list[dict[str, object]] = []
    for item in explain(decision, config.mining):
        bead = item.bead
        src_side = bead.src if bead else (() if item.src is None else (item.src,))
        tgt_side = bead.tgt if bead else (() if item.tgt is None else (item.tgt,))
        score = bead.score if bead else item.probability
        explained = {"kept": bead is not None, "explain": item.as_json(src_ids, tgt_ids)}
        lines.append(line(src_side, tgt_side, score) | explained)
    return lines
