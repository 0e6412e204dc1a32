"""Aligning many document pairs: the shards of a build, the cache and batched encoder calls.

A build's document pairs are split into shards by a stable hash of the pair
(:func:`alinea.engine.shard_plan`); :func:`align_shard` aligns one shard, in the build's
process or in a worker, which loads the encoder once. Within a shard, pairs the cache knows are
read back, and the others are mined with their encoder calls batched (a sentence shared by
several pairs is embedded once), then stored.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from alinea._version import __version__
from alinea.align import mining, parallel
from alinea.align.beads import Bead
from alinea.align.cache import BuildCache, CachedEncoder, open_encoder, pair_key
from alinea.align.embedders import SentenceEncoder
from alinea.align.lexicon import Lexicon
from alinea.engine import Executor, Progress, SerialExecutor, shard_plan

if TYPE_CHECKING:
    from alinea.align.sentences import AlignConfig

logger = logging.getLogger(__name__)

EMBED_BATCH = 4096  # sentences embedded per encoder call when a collection is mined
MAX_PENDING = 512  # document pairs whose lexical half waits for one encoder call, at most
STORE_BATCH = 256  # aligned document pairs written to the cache per transaction


class _Prefetched:
    """Serves the vectors of texts embedded beforehand in one batch (each distinct text once)."""

    def __init__(self, encoder: SentenceEncoder, texts: Sequence[str]) -> None:
        self.method_id = encoder.method_id
        distinct = list(dict.fromkeys(texts))
        vectors = encoder.encode(distinct)
        self._dim = vectors.shape[1]
        self._vectors = dict(zip(distinct, vectors, strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts]).astype(np.float32)


def _mine_pairs(
    jobs: Sequence[tuple[Sequence[str], Sequence[str]]],
    config: mining.MiningConfig,
    encoder: SentenceEncoder | None,
    lexicon: Lexicon | None = None,
) -> Iterator[list[Bead]]:
    """Comparable mode over many text pairs, results in order: the lexical half runs per pair,
    and the sentences the encoder must see are embedded together, a batch of pairs at a time
    (fewer, larger encoder calls; a sentence shared by several pairs is embedded once)."""
    pending: list[mining.MiningPlan | None] = []
    texts: list[str] = []

    def flush() -> Iterator[list[Bead]]:
        served = _Prefetched(encoder, texts) if encoder is not None and texts else encoder
        for job in pending:
            yield mining.finish(job, config, served)
        pending.clear()
        texts.clear()

    for src, tgt in jobs:
        job = mining.plan(src, tgt, config, neural=encoder is not None, lexicon=lexicon)
        pending.append(job)
        if job is not None:
            texts.extend(job.texts_to_embed())
        if encoder is None or len(texts) >= EMBED_BATCH or len(pending) >= MAX_PENDING:
            yield from flush()
    yield from flush()


def align_texts(
    src: Sequence[str],
    tgt: Sequence[str],
    config: AlignConfig,
    encoder: SentenceEncoder | None = None,
) -> list[Bead]:
    """Align two lists of sentences in the configured mode."""
    if config.mode == "parallel":
        return parallel.align_parallel(src, tgt, config.parallel, encoder)
    return mining.mine(src, tgt, config.mining, encoder)


def _align_jobs(
    jobs: Sequence[tuple[Sequence[str], Sequence[str]]],
    config: AlignConfig,
    encoder: SentenceEncoder | None,
    cache: BuildCache | None,
    lexicon: Lexicon | None = None,
) -> list[list[Bead]]:
    """The beads of every text pair, in order: from the cache where it has them, the others
    aligned (comparable mode batches their encoder calls; with the collection's ``lexicon``)
    and stored."""
    learned = lexicon.digest() if lexicon is not None else None
    options = json.dumps([__version__, config.signature_fields(), learned], sort_keys=True)
    keys = [pair_key(options, src, tgt) for src, tgt in jobs] if cache else []
    found = cache.get_beads(keys) if cache else [None] * len(jobs)
    todo = [job for job, beads in zip(jobs, found, strict=True) if beads is None]
    if config.mode == "comparable":
        computed: Iterator[list[Bead]] = _mine_pairs(todo, config.mining, encoder, lexicon)
    else:
        computed = (align_texts(src, tgt, config, encoder) for src, tgt in todo)
    results: list[list[Bead]] = []
    new: list[tuple[bytes, list[Bead]]] = []
    for k, beads in enumerate(found):
        if beads is None:
            beads = next(computed)
            if cache:
                new.append((keys[k], beads))
        if cache and new and (len(new) >= STORE_BATCH or k == len(found) - 1):
            cache.put_beads(new)  # in batches: a killed build keeps what it finished
            new = []
        results.append(beads)
    return results


@dataclass(frozen=True)
class ShardTask:
    """What every shard of a build's sentence alignment shares (sent to each worker once)."""

    config: AlignConfig
    cache_dir: Path | None = None
    lexicon: Lexicon | None = None  # comparable mode: the collection's (None: per text pair)


@dataclass(frozen=True)
class ShardStats:
    """What one shard did: document pairs aligned and taken from the cache, sentences embedded
    and vectors taken from the cache."""

    aligned: int = 0
    reused: int = 0
    embedded: int = 0
    vectors_reused: int = 0

    def __add__(self, other: ShardStats) -> ShardStats:
        return ShardStats(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@functools.lru_cache(maxsize=8)
def _process_cache(cache_dir: Path | None) -> BuildCache | None:
    """The cache of this process (one per folder)."""
    return BuildCache(cache_dir) if cache_dir else None


@functools.lru_cache(maxsize=8)
def _process_resources(
    spec: str | None, cache_dir: Path | None
) -> tuple[SentenceEncoder | None, BuildCache | None]:
    """The encoder and cache of this process (a worker loads a model once, not per shard:
    ``load_encoder`` keeps it)."""
    cache = _process_cache(cache_dir)
    return open_encoder(spec, cache), cache


def _counters(encoder: SentenceEncoder | None, cache: BuildCache | None) -> tuple[int, ...]:
    """Pairs read from the cache, sentences embedded, vectors read (running totals)."""
    vectors = (encoder.encoded, encoder.hits) if isinstance(encoder, CachedEncoder) else (0, 0)
    return (cache.pairs_found if cache else 0, *vectors)


def align_shard(
    task: ShardTask, jobs: Sequence[tuple[Sequence[str], Sequence[str]]]
) -> tuple[list[list[Bead]], ShardStats]:
    """The beads of one shard's document pairs (their sentence texts), in order, and what it
    took; runs in the build's process or in a worker, with that process's encoder."""
    encoder, cache = _process_resources(task.config.encoder, task.cache_dir)
    before = _counters(encoder, cache)
    beads = _align_jobs(jobs, task.config, encoder, cache, task.lexicon)
    reused, embedded, read = (b - a for a, b in zip(before, _counters(encoder, cache), strict=True))
    return beads, ShardStats(len(jobs) - reused, reused, embedded, read)


def confident_shard(
    task: ShardTask, jobs: Sequence[tuple[Sequence[str], Sequence[str]]]
) -> list[tuple[str, str]]:
    """The sentences of the pairs a first, lexical pass over one shard's document pairs is
    confident of (:func:`alinea.align.mining.confident_indexes`), in order; with a cache
    folder, each document pair's are read from it or computed and stored (a rebuild runs the
    first pass only on new document pairs)."""
    config = task.config.mining
    cache = _process_cache(task.cache_dir)
    if cache is None:
        return mining.confident_texts(jobs, config)
    options = json.dumps([__version__, task.config.signature_fields(), "confident"], sort_keys=True)
    keys = [pair_key(options, src, tgt) for src, tgt in jobs]
    texts: list[tuple[str, str]] = []
    new: list[tuple[bytes, list[Bead]]] = []
    found = cache.get_beads(keys, "first_passes")
    for (src, tgt), key, stored in zip(jobs, keys, found, strict=True):
        if stored is None:
            stored = [Bead((i,), (j,)) for i, j in mining.confident_indexes(src, tgt, config)]
            new.append((key, stored))
            if len(new) >= STORE_BATCH:
                cache.put_beads(new, "first_passes")
                new = []
        texts.extend((src[b.src[0]], tgt[b.tgt[0]]) for b in stored)
    if new:
        cache.put_beads(new, "first_passes")
    return texts


def learn_collection_lexicon(
    shards: Sequence[Sequence[tuple[Sequence[str], Sequence[str]]]],
    config: AlignConfig,
    executor: Executor | None,
    cache_dir: Path | None = None,
) -> Lexicon | None:
    """The word lexicon of a comparable collection: the shards' confident pairs (a map, each
    document pair's kept in the cache of ``cache_dir``), concatenated in shard order and
    learned from on the driver (None: the mode or the configuration learns none)."""
    if config.mode != "comparable" or not mining.learns_lexicon(config.mining):
        return None
    started = time.perf_counter()
    task = ShardTask(config, cache_dir)
    found = (executor or SerialExecutor()).map(confident_shard, task, shards)
    texts = [pair for shard in found for pair in shard]
    lexicon = mining.collection_lexicon(texts, config.mining)
    assert lexicon is not None
    logger.info(
        "align: %d confident pairs, lexicon of %d word pairs (%.1f s)",
        len(texts),
        len(lexicon),
        time.perf_counter() - started,
    )
    return lexicon


def align_sharded(
    jobs: Sequence[tuple[Sequence[str], Sequence[str]]],
    keys: Sequence[str],
    config: AlignConfig,
    cache_dir: Path | None,
    executor: Executor | None,
    progress: Progress | None = None,
) -> list[list[Bead]]:
    """The beads of every job, in order: the jobs split into ``config.shards`` shards by a
    stable hash of their key (the document pair), the shards mapped by ``executor`` (in
    comparable mode twice: first for the collection's lexicon, :func:`learn_collection_lexicon`)."""
    plan = shard_plan(keys, config.shards)
    shards = [[jobs[i] for i in items] for items in plan]
    lexicon = learn_collection_lexicon(shards, config, executor, cache_dir)
    results: list[list[Bead]] = [[] for _ in jobs]
    total = ShardStats()
    task = ShardTask(config, cache_dir, lexicon)
    mapped = (executor or SerialExecutor()).map(align_shard, task, shards)
    for items, (beads, stats) in zip(plan, mapped, strict=True):
        for index, found in zip(items, beads, strict=True):
            results[index] = found
        total += stats
        if progress:
            progress("align", total.aligned + total.reused, len(jobs))
    if cache_dir is None:
        logger.info("align: %d shards, %d document pairs aligned", len(plan), total.aligned)
    else:
        logger.info(
            "align: %d shards, %d document pairs aligned, %d reused, "
            "%d sentences embedded, %d from the cache",
            len(plan),
            *astuple(total),
        )
    return results
