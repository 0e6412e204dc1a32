"""The HMM E-step (Vogel et al. 1996; Och & Ney 2003): forward-backward over source positions.

The hidden state of a target token is the source position it comes from. Moving from
position ``i`` to ``i'`` costs a jump-width probability (widths past ``max_jump`` share a
bucket); with probability ``null_prob`` the token comes from NULL instead, and a NULL state
remembers the last real position, so the next jump is measured from there: ``2I`` states for
a source of ``I`` tokens. Emissions are the translation table's entries.

The sweep is vectorised over batches of sentence pairs with one source length (they share a
transition matrix) and similar target lengths, padded with steps where every state emits 1.
It multiplies many small matrices: BLAS should run single-threaded around it (its thread
start-up costs more than the products; measured 8x faster on 2 cores), which
:class:`~alinea.align.words.translation.AlignmentModel` arranges.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from alinea.align.words.base import TranslationConfig
from alinea.align.words.table import Encoded, Parameters, Shard

logger = logging.getLogger(__name__)


class Hmm:
    """HMM E-step unit (posteriors and expected jump counts), and alignment posteriors."""

    name = "hmm"

    def e_step(self, model: Parameters, corpus: Shard) -> tuple[np.ndarray, np.ndarray]:
        """Posteriors of every cell of ``corpus`` (in ``concat(cells)`` order).

        Args:
            model: the direction's current parameters.
            corpus: training pairs (no side empty).

        Returns:
            The posteriors and the expected jump-width counts.
        """
        offsets = np.concatenate(([0], np.cumsum([len(c) for c in corpus.cells])))
        post = np.empty(offsets[-1])
        jumps = np.zeros_like(model.jumps)
        shapes = [(len(e) - 1, len(f)) for e, f in corpus.encoded]
        for batch in _batches(shapes, model.config.batch_cells):
            grid = _grid(batch, corpus.encoded, corpus.cells, model.absent)
            trans, init = transitions(model.jumps, grid.index.shape[2] - 1, model.config)
            gamma, sweep = _forward_backward(grid, model.table, trans, init)
            for b, n in enumerate(batch):
                post[offsets[n] : offsets[n + 1]] = gamma[b, : len(corpus.encoded[n][1])].ravel()
            jumps += _jump_counts(sweep, model.config.max_jump)
        return post, jumps

    def posteriors(self, model: Parameters, pairs: Shard) -> list[np.ndarray]:
        """``P(target j comes from source i)`` as an ``(I, J)`` matrix per pair (from
        :meth:`~alinea.align.words.table.DirectionModel.encode_known`: tokens unknown to the
        model emit nothing, their posteriors come from the transitions)."""
        shapes = [(len(e) - 1, len(f)) for e, f in pairs.encoded]
        out: list[np.ndarray] = [np.zeros(shape) for shape in shapes]
        todo = [n for n, (i, j) in enumerate(shapes) if i and j]
        for local in _batches([shapes[n] for n in todo], model.config.batch_cells):
            batch = [todo[k] for k in local]
            grid = _grid(batch, pairs.encoded, pairs.cells, model.absent)
            trans, init = transitions(model.jumps, grid.index.shape[2] - 1, model.config)
            post, _ = _forward_backward(grid, model.table, trans, init)
            for b, n in enumerate(batch):
                i, j = shapes[n]
                out[n] = post[b, :j, 1 : i + 1].T.copy()
        return out


def transitions(
    jumps: np.ndarray, length: int, config: TranslationConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Transition matrix ``(2I, 2I)`` and initial distribution ``(2I,)`` for a source of
    ``length`` tokens: states ``0..I-1`` are positions, ``I..2I-1`` NULL remembering one."""
    p0, d = config.null_prob, config.max_jump
    pos = np.arange(length)
    jump = jumps[np.clip(pos[None, :] - pos[:, None], -d, d) + d]  # [m, i']
    real = (1 - p0) * jump / jump.sum(-1, keepdims=True)
    from_memory = np.concatenate([real, p0 * np.eye(length)], axis=1)
    trans = np.concatenate([from_memory, from_memory], axis=0)
    start = jumps[np.clip(pos + 1, -d, d) + d]
    init = np.concatenate([(1 - p0) * start / start.sum(), np.full(length, p0 / length)])
    return trans, init


@dataclass
class _Grid:
    index: np.ndarray  # (B, J, I+1) table index per cell, len(table) where absent/padded
    lengths_j: np.ndarray


@dataclass
class _Sweep:
    """What the jump counts need from a forward-backward pass."""

    alpha: np.ndarray  # (B, J, 2I) scaled forward messages
    weighted: np.ndarray  # (B, J, 2I) emit * beta / scale, for the transitions into step j
    live: np.ndarray  # (B, J) steps inside the sentence
    trans: np.ndarray


def _batches(shapes: list[tuple[int, int]], batch_cells: int) -> Iterator[list[int]]:
    """Sentences of one source length (they share a transition matrix), by target length,
    each batch within ``batch_cells``."""
    order = sorted(range(len(shapes)), key=lambda n: shapes[n])
    batch: list[int] = []
    for n in order:
        i, j = shapes[n]
        if batch and (shapes[batch[0]][0] != i or (len(batch) + 1) * j * 2 * i > batch_cells):
            yield batch
            batch = []
        batch.append(n)
    if batch:
        yield batch


def _grid(batch: list[int], encoded: list[Encoded], cells: list[np.ndarray], absent: int) -> _Grid:
    """Table indexes of the batch's cells, padded with ``absent`` past each target's end."""
    width = len(encoded[batch[0]][0])  # I + 1, the same for the whole batch
    lengths_j = np.array([len(encoded[n][1]) for n in batch])
    index = np.full((len(batch), int(lengths_j.max()), width), absent, np.int64)
    for b, n in enumerate(batch):
        index[b, : lengths_j[b]] = cells[n].reshape(lengths_j[b], width)
    return _Grid(index, lengths_j)


def _forward_backward(
    grid: _Grid, table: np.ndarray, trans: np.ndarray, init: np.ndarray
) -> tuple[np.ndarray, _Sweep]:
    """Posteriors ``(B, J, I+1)`` (column 0: NULL) and the messages behind them; ``table``
    is the translation table with a trailing zero for absent pairs."""
    bsz, mj, width = grid.index.shape
    mi = width - 1
    emit_cells = table[grid.index]  # (B, J, I+1)
    emit = np.concatenate([emit_cells[:, :, 1:], np.repeat(emit_cells[:, :, :1], mi, 2)], 2)
    emit += 1e-12  # an unseen token still has a posterior (from the transitions)
    live = np.arange(mj)[None, :] < grid.lengths_j[:, None]  # (B, J)
    # Past a sentence's end every state emits 1: alpha stays a distribution (scale 1) and
    # beta stays 1, so the padded steps change nothing before the end.
    emit[~live] = 1.0
    alpha = np.empty((bsz, mj, 2 * mi))
    scale = np.empty((bsz, mj))
    a = init * emit[:, 0]
    for j in range(mj):
        if j:
            a = (alpha[:, j - 1] @ trans) * emit[:, j]
        scale[:, j] = a.sum(-1)
        alpha[:, j] = a / scale[:, j, None]
    beta = np.ones((bsz, mj, 2 * mi))
    weighted = np.zeros((bsz, mj, 2 * mi))
    for j in range(mj - 1, 0, -1):
        weighted[:, j] = emit[:, j] * beta[:, j] / scale[:, j, None]
        beta[:, j - 1] = weighted[:, j] @ trans.T
    gamma = alpha * beta
    gamma /= np.maximum(gamma.sum(-1, keepdims=True), 1e-300)
    gamma *= live[:, :, None]
    post = np.concatenate([gamma[:, :, mi:].sum(-1, keepdims=True), gamma[:, :, :mi]], 2)
    return post, _Sweep(alpha, weighted, live, trans)


def _jump_counts(sweep: _Sweep, max_jump: int) -> np.ndarray:
    """Expected jump-width counts of one pass (transitions into real positions only); it
    zeroes ``sweep.weighted`` past each sentence's end, in place."""
    mi = sweep.trans.shape[0] // 2
    weighted = sweep.weighted
    weighted *= sweep.live[:, :, None]  # no transitions past the end
    flat_alpha = sweep.alpha[:, :-1].reshape(-1, 2 * mi)
    xi = (flat_alpha.T @ weighted[:, 1:].reshape(-1, 2 * mi)) * sweep.trans
    into_real = xi[:, :mi].reshape(2, mi, mi).sum(0)  # [memory m, i']
    pos = np.arange(mi)
    bucket = np.clip(pos[None, :] - pos[:, None], -max_jump, max_jump) + max_jump
    jumps: np.ndarray = np.bincount(bucket.ravel(), into_real.ravel(), minlength=2 * max_jump + 1)
    return jumps
