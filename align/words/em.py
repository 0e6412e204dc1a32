"""The EM loop shared by IBM-1 and the HMM, and training by agreement, as map + reduce.

:func:`train` runs ``ibm1_iterations`` of IBM-1, then ``hmm_iterations`` of the HMM, over one
direction or two. Each iteration maps :func:`expected_counts` over shards of the training
pairs (every direction's E-step on the shard, optionally :func:`agree`, then the shard's
expected counts per table entry and jump width), sums the shards' counts on the driver in shard
order, and runs every direction's M-step on the sums. The shards are fixed by the caller, not by
the executor, so any executor gives the same sums, bit for bit.

:func:`agree` couples the two directions of one model (Liang, Taskar & Klein 2006): each
token's non-NULL posterior mass is shared in proportion to the product of the two directions'
link posteriors (each direction keeps its own NULL mass), so both M-steps use what both
directions confirm.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from alinea.align.words.base import TranslationConfig
from alinea.align.words.hmm import Hmm
from alinea.align.words.ibm1 import Ibm1
from alinea.align.words.table import Corpus, DirectionModel, Parameters, Shard, unique_inverse
from alinea.engine import Executor, SerialExecutor

logger = logging.getLogger(__name__)
# Per direction: the table entries a shard touches, their expected counts, its jump counts.
ShardCounts = list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]


class EStep(Protocol):
    """An E-step unit: cell posteriors and, if the model has any, expected jump counts."""

    @property
    def name(self) -> str: ...

    def e_step(self, model: Parameters, corpus: Shard) -> tuple[np.ndarray, np.ndarray | None]: ...


def train(
    directions: Sequence[tuple[DirectionModel, Corpus]],
    config: TranslationConfig,
    agreement: bool = False,
    plan: Sequence[Sequence[int]] | None = None,
    executor: Executor | None = None,
) -> None:
    """Train each model on its prepared corpus, IBM-1 first, then the HMM.

    Args:
        directions: the models with their corpora (from ``prepare``); several directions
            must hold the same pairs.
        config: the numbers of IBM-1 and HMM iterations.
        agreement: train two directions (forward, reverse) by :func:`agree`.
        plan: the pair indexes of each shard (None: one shard of every pair).
        executor: runs the shards' E-steps (default: this process).
    """
    if not all(corpus.cells for _, corpus in directions):  # nothing to learn: the prior alone
        for model, corpus in directions:
            model.m_step(corpus, np.zeros(len(model.keys)), None)
        return
    executor = executor or SerialExecutor()
    every = [list(range(len(directions[0][1].cells)))]
    shards = executor.scatter(  # one shard made at a time: on Ray, the driver holds one
        [_Touched(corpus.take(items)) for _, corpus in directions] for items in plan or every
    )
    for _, corpus in directions:
        corpus.cells = []  # handed over: the shards hold their own, renumbered (memory)
    schedule: list[tuple[EStep, int]] = [
        (Ibm1(), config.ibm1_iterations),
        (Hmm(), config.hmm_iterations),
    ]
    iteration = 0
    for unit, count in schedule:
        for _ in range(count):
            iteration += 1
            start = time.perf_counter()
            task = (unit, [model.parameters() for model, _ in directions], agreement)
            sums = [np.zeros(len(model.keys) + 1) for model, _ in directions]
            jumps: list[np.ndarray | None] = [None] * len(directions)
            for counts in executor.map(expected_counts, task, shards):  # in shard order
                for d, (index, expected, shard_jumps) in enumerate(counts):
                    sums[d][index] += expected
                    if shard_jumps is not None:
                        jumps[d] = shard_jumps if jumps[d] is None else jumps[d] + shard_jumps
            for (model, corpus), total, jump in zip(directions, sums, jumps, strict=True):
                model.m_step(corpus, total[:-1], jump)
            seconds = time.perf_counter() - start
            logger.debug("EM iteration %d (%s): %.3f s", iteration, unit.name, seconds)


class _Touched:
    """One direction's pairs of a shard, their cells renumbered over the table entries they
    touch (``index``, sorted): the E-step reads a table of those entries only, and the cells
    take 4 bytes each. Computed once, used by every iteration."""

    def __init__(self, pairs: Shard) -> None:
        flat = np.concatenate([np.zeros(0, np.int64), *pairs.cells])
        self.index, inverse = unique_inverse(flat)
        self.inverse = inverse.astype(np.int32 if len(self.index) < 2**31 else np.int64)
        self.sizes = np.array([len(c) for c in pairs.cells], dtype=np.int64)
        self.pairs = Shard(pairs.encoded, self._cells())

    def _cells(self) -> list[np.ndarray]:
        return np.split(self.inverse, np.cumsum(self.sizes)[:-1])

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the per-pair cells, which are views of ``inverse`` (pickling both
        would store every cell twice, e.g. in Ray's object store)."""
        state = dict(self.__dict__)
        state["pairs"] = self.pairs.encoded
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.pairs = Shard(state["pairs"], self._cells())  # type: ignore[arg-type]

    def local(self, model: Parameters) -> Parameters:
        """``model`` with its table cut to the shard's entries (the zero slot of absent pairs
        last, as in the whole table)."""
        return Parameters(np.append(model.table[self.index], 0.0), model.jumps, model.config)


def expected_counts(
    task: tuple[EStep, list[Parameters], bool], shard: Sequence[_Touched]
) -> ShardCounts:
    """One shard's E-step in every direction (coupled by :func:`agree` when asked): for each
    direction, the table entries its cells touch, their summed posteriors, its jump counts."""
    unit, parameters, agreement = task
    pairs = [touched.pairs for touched in shard]
    with threadpool_limits(limits=1, user_api="blas"):
        steps = [
            unit.e_step(touched.local(model), touched.pairs)
            for model, touched in zip(parameters, shard, strict=True)
        ]
    posts = [post for post, _ in steps]
    if agreement:
        posts = agree(pairs, posts)
    return [
        (touched.index, np.bincount(touched.inverse, post, minlength=len(touched.index)), jumps)
        for touched, post, (_, jumps) in zip(shard, posts, steps, strict=True)
    ]


def agree(corpora: Sequence[Shard], posts: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The agreement hook of a forward and a reverse direction (the same pairs, swapped).

    Args:
        corpora: the forward and the reverse corpus.
        posts: their E-step posteriors, in ``concat(cells)`` order.

    Returns:
        Both directions' posteriors, their links shared by the product of the two.
    """
    fwd, _ = corpora
    post_f, post_r = posts
    out_f = np.empty_like(post_f)
    out_r = np.empty_like(post_r)
    off_f = off_r = 0
    for e, f in fwd.encoded:
        width_i, width_j = len(e) - 1, len(f)
        size_f, size_r = width_j * (width_i + 1), width_i * (width_j + 1)
        pf = post_f[off_f : off_f + size_f].reshape(width_j, width_i + 1)
        pr = post_r[off_r : off_r + size_r].reshape(width_i, width_j + 1)
        links = pf[:, 1:] * pr[:, 1:].T  # (J, I)
        block_f = out_f[off_f : off_f + size_f].reshape(width_j, width_i + 1)
        block_f[:, 0] = pf[:, 0]
        block_f[:, 1:] = _share(links, 1.0 - pf[:, 0], axis=1)
        block_r = out_r[off_r : off_r + size_r].reshape(width_i, width_j + 1)
        block_r[:, 0] = pr[:, 0]
        block_r[:, 1:] = _share(links.T, 1.0 - pr[:, 0], axis=1)
        off_f += size_f
        off_r += size_r
    return [out_f, out_r]


def _share(weights: np.ndarray, mass: np.ndarray, axis: int) -> np.ndarray:
    """``weights`` rescaled along ``axis`` to sum to ``mass`` (zero rows stay zero)."""
    totals = weights.sum(axis=axis, keepdims=True)
    shared: np.ndarray = weights / np.maximum(totals, 1e-300) * np.expand_dims(mass, axis)
    return shared
