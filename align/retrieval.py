"""Blocked top-k retrieval: the k most similar rows of one matrix for each row of another.

Rows are L2-normalised (sparse or dense), so dot products are cosines. The full similarity
matrix is never held: rows are processed in blocks sized so that one block of scores stays
under a fixed budget, whatever the size of the other side.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp

Matrix: TypeAlias = sp.csr_matrix | np.ndarray
# Rows as one matrix, or as column groups whose products add up (e.g. a dense block of the
# frequent features, whose sparse product would be costly, and a sparse rest).
Rows: TypeAlias = Matrix | tuple[Matrix, ...]
Cells: TypeAlias = tuple[np.ndarray, np.ndarray, np.ndarray]  # rows, columns, scores
SCORE_BUDGET = 2**24  # float32 cells per block of scores (64 MiB)
PAIR_CHUNK = 65536  # row pairs per vectorised batch in pair_cosines
THREADS = min(2, len(os.sched_getaffinity(0)))  # blocks scored at once by top_k_both
SAMPLE_STRIDE = 16  # one column in this many gives a wide block's rows their floor


@dataclass(frozen=True)
class Neighbours:
    """For each query row: indexes of its ``k`` best rows on the other side and their cosines,
    best first (``-1`` / ``-inf`` pad when the other side has fewer than ``k`` rows)."""

    index: np.ndarray
    score: np.ndarray

    def mean_top(self, k: int) -> np.ndarray:
        """Mean cosine of each row's ``k`` best neighbours (the margin's neighbourhood term)."""
        top = self.score[:, :k]
        valid = np.isfinite(top)
        summed = np.where(valid, top, 0.0).sum(axis=1)
        return np.asarray(summed / np.maximum(valid.sum(axis=1), 1), dtype=np.float32)

    def floor(self) -> np.ndarray:
        """Cosine of each row's last retrieved neighbour (its ``k``-th, or its worst when the
        other side has fewer rows; 0 when it has none): how similar the bulk of the other side
        is to this row, a pool-relative baseline."""
        valid = np.isfinite(self.score)
        last = valid.sum(axis=1) - 1
        floor = self.score[np.arange(len(last)), np.maximum(last, 0)]
        return np.asarray(np.where(last >= 0, floor, 0.0), dtype=np.float32)


def _height(rows: Rows) -> int:
    return int((rows[0] if isinstance(rows, tuple) else rows).shape[0])


def _slice(rows: Rows, start: int, stop: int) -> Rows:
    if isinstance(rows, tuple):
        return tuple(part[start:stop] for part in rows)
    return rows[start:stop]


def _transposed(keys: Rows) -> Rows:
    """``keys.T`` in the layout the products read, made once for all blocks (a sparse
    transpose is CSC, which every product would otherwise convert again)."""
    if isinstance(keys, tuple):
        return tuple(part.T.tocsr() if sp.issparse(part) else part.T for part in keys)
    return sp.csr_matrix(keys.T) if sp.issparse(keys) else keys.T


def _dense_block(queries: Rows, keys_t: Rows) -> np.ndarray:
    """``queries @ keys_t`` as a dense float32 array (``keys_t`` from :func:`_transposed`)."""
    if isinstance(queries, tuple) and isinstance(keys_t, tuple):
        parts = [_dense_block(q, k) for q, k in zip(queries, keys_t, strict=True)]
        return np.asarray(sum(parts[1:], parts[0]), dtype=np.float32)
    assert not isinstance(queries, tuple) and not isinstance(keys_t, tuple)
    product = queries @ keys_t
    if sp.issparse(product):
        return np.asarray(sp.csr_matrix(product).toarray(), dtype=np.float32)
    return np.asarray(product, dtype=np.float32)


def top_k(queries: Rows, keys: Rows, k: int) -> Neighbours:
    """The ``k`` nearest ``keys`` of every row of ``queries`` by dot product.

    Args:
        queries: ``(n, d)`` normalised rows (or their column groups).
        keys: ``(m, d)`` normalised rows (grouped as the queries).
        k: neighbours per row.

    Returns:
        ``Neighbours`` with ``(n, k)`` arrays.
    """
    n, m = _height(queries), _height(keys)
    index = np.full((n, k), -1, dtype=np.int64)
    score = np.full((n, k), -np.inf, dtype=np.float32)
    if n == 0 or m == 0:
        return Neighbours(index, score)
    keep = min(k, m)
    block = max(1, SCORE_BUDGET // m)
    keys_t = _transposed(keys)
    for start in range(0, n, block):
        scores = _dense_block(_slice(queries, start, start + block), keys_t)
        best, best_scores = _block_top(scores, keep)
        index[start : start + block, :keep] = best
        score[start : start + block, :keep] = best_scores
    return Neighbours(index, score)


def _block_top(scores: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``keep`` best columns of each row of ``scores``, best first, with their scores.

    On wide blocks every ``SAMPLE_STRIDE``-th column gives each row a floor first (its
    ``keep``-th best sampled score is at most its ``keep``-th best overall), so only the cells
    at or above it (about ``keep * SAMPLE_STRIDE``) are ranked, ties by column (rows whose
    floor is not positive, i.e. with few similar keys, are sorted whole); narrow blocks are
    partitioned whole, ties in no set order.
    """
    rows_n, m = scores.shape
    if m < 4 * keep * SAMPLE_STRIDE:
        return _partitioned_top(scores, keep)
    sample = scores[:, ::SAMPLE_STRIDE]
    kth = sample.shape[1] - keep
    floor = np.partition(sample, kth, axis=1)[:, kth]
    weak = floor <= 0
    floor[weak] = np.inf  # sorted whole below instead
    rows, cols = np.nonzero(scores >= floor[:, None])  # row-major
    index = np.empty((rows_n, keep), dtype=np.int64)
    best = np.empty((rows_n, keep), dtype=np.float32)
    _rank_into((index, best), keep, rows, cols, scores[rows, cols])  # ties by column
    if weak.any():
        index[weak] = _stable_top(scores[weak], keep)
        best[weak] = np.take_along_axis(scores[weak], index[weak], axis=1)
    return index, best


def top_k_both(queries: Matrix, keys: Matrix, k: int) -> tuple[Neighbours, Neighbours]:
    """``top_k(queries, keys, k)`` and ``top_k(keys, queries, k)`` from one pass over the
    blocks of ``queries @ keys.T``: each block also updates the ``k`` best queries of every key,
    merging only the cells that beat a key's current ``k``-th best (ties by query index).

    Blocks are scored on up to :data:`THREADS` threads (numpy's partitions and sorts release
    the GIL), against the keys' floors as of when the block was handed out: an older floor is
    lower, so it lets through more cells but never loses one. They merge in block order.
    """
    n, m = _height(queries), _height(keys)
    forward = Neighbours(np.full((n, k), -1, np.int64), np.full((n, k), -np.inf, np.float32))
    backward = Neighbours(np.full((m, k), -1, np.int64), np.full((m, k), -np.inf, np.float32))
    if n == 0 or m == 0:
        return forward, backward
    keep_f, keep_b = min(k, m), min(k, n)
    block = max(1, SCORE_BUDGET // m)
    keys_t = _transposed(keys)

    def score(start: int, floor: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, Cells]:
        scores = _dense_block(queries[start : start + block], keys_t)
        best, best_scores = _block_top(scores, keep_f)
        return start, best, best_scores, _beating(scores, floor, keep_b, start)

    buffer: list[Cells] = []  # cells waiting to be merged, in block order
    with ThreadPoolExecutor(max(1, min(THREADS, -(-n // block)))) as pool:
        pending: deque[Future[tuple[int, np.ndarray, np.ndarray, Cells]]] = deque()
        for start in itertools.chain(range(0, n, block), [None] * THREADS):
            if start is not None:  # handed out with the floors of the blocks merged so far
                pending.append(pool.submit(score, start, backward.score[:, keep_b - 1].copy()))
            if len(pending) > THREADS or (start is None and pending):
                done, best, best_scores, cells = pending.popleft().result()
                forward.index[done : done + block, :keep_f] = best
                forward.score[done : done + block, :keep_f] = best_scores
                buffer.append(cells)
                # merged once they number as many as the cells held: each merge ranks those too
                if sum(len(c[0]) for c in buffer) >= m * keep_b or not pending:
                    joined = (np.concatenate([c[i] for c in buffer]) for i in range(3))
                    _merge_into(backward, keep_b, *joined)
                    buffer = []
    return forward, backward


def _beating(scores: np.ndarray, floor: np.ndarray, keep: int, offset: int) -> Cells:
    """The cells of the block ``scores`` (queries x keys) that beat their key's ``floor``, as
    (key, query + ``offset``, score), key-major with rising queries; a key whose floor is
    still open (-inf: fewer than ``keep`` held) offers only its block's ``keep`` best."""
    open_keys = np.flatnonzero(np.isneginf(floor))
    closed = floor.copy()
    closed[open_keys] = np.inf
    queries, keys = np.nonzero(scores > closed[None, :])  # query-major
    if len(open_keys):
        width = min(keep, len(scores))
        best = np.sort(_stable_top(scores.T[open_keys], width), axis=1)
        queries = np.concatenate([queries, best.ravel()])
        keys = np.concatenate([keys, np.repeat(open_keys, width)])
    order = np.lexsort((queries, keys))
    keys, queries = keys[order], queries[order]
    return keys, queries + offset, scores[queries, keys]


def _merge_into(
    found: Neighbours, keep: int, rows: np.ndarray, cols: np.ndarray, values: np.ndarray
) -> None:
    """Merge the cells ``(rows, cols, values)`` into each row's ``keep`` best in ``found``;
    each row's new cells come in rising columns, all past the columns it holds."""
    if not len(rows):
        return
    touched = np.unique(rows)
    held = found.index[touched, :keep] >= 0
    held_rows = np.broadcast_to(touched[:, None], held.shape)[held]
    all_rows = np.concatenate([held_rows, rows])
    all_cols = np.concatenate([found.index[touched, :keep][held], cols])
    all_values = np.concatenate([found.score[touched, :keep][held], values])
    found.index[touched, :keep] = -1
    found.score[touched, :keep] = -np.inf
    # held cells first, each row's in rising columns: equal scores stay in column order
    _rank_into((found.index, found.score), keep, all_rows, all_cols, all_values)


def _rank_into(
    found: tuple[np.ndarray, np.ndarray],
    keep: int,
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
) -> None:
    """Write each row's ``keep`` best cells, best first, into ``found`` (index and score
    arrays); equal scores keep the order given."""
    index, score = found
    order = np.argsort((rows.astype(np.int64) << 32) | _falling(values), kind="stable")
    rows, cols, values = rows[order], cols[order], values[order]
    positions = np.arange(len(rows))
    starts = np.empty(len(rows), dtype=bool)
    starts[:1] = True
    np.not_equal(rows[1:], rows[:-1], out=starts[1:])
    rank = positions - np.maximum.accumulate(np.where(starts, positions, 0))  # within its row
    first = rank < keep
    index[rows[first], rank[first]] = cols[first]
    score[rows[first], rank[first]] = values[first]


def _falling(values: np.ndarray) -> np.ndarray:
    """32-bit integers that fall as the float32 ``values`` rise (a float's bits order like
    the float once negative ones are flipped)."""
    bits = np.asarray(values, dtype=np.float32).view(np.int32).astype(np.int64)
    rising = np.where(bits < 0, -(2**31) - bits, bits) + 2**31  # in [0, 2**32)
    falling: np.ndarray = (2**32 - 1) - rising
    return falling


def _stable_top(scores: np.ndarray, keep: int) -> np.ndarray:
    """Each row's ``keep`` best columns, best first, ties by column."""
    best: np.ndarray = np.argsort(-scores, axis=1, kind="stable")[:, :keep]
    return best


def _partitioned_top(scores: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_block_top` by a partition of every row (narrow blocks, weak rows)."""
    m = scores.shape[1]
    if keep < m:
        part = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
    else:
        part = np.broadcast_to(np.arange(m), (scores.shape[0], m))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(part_scores, order, axis=1)


def union_pairs(forward: Neighbours, backward: Neighbours) -> tuple[np.ndarray, np.ndarray]:
    """Union of each side's retrieved neighbours, as sorted unique ``(query, key)`` pairs of the
    forward direction (``backward`` is the retrieval from the other side)."""
    n, c = forward.index.shape
    m = backward.index.shape[0]
    src = np.concatenate([np.repeat(np.arange(n), c), backward.index.ravel()])
    tgt = np.concatenate([forward.index.ravel(), np.repeat(np.arange(m), c)])
    valid = (src >= 0) & (tgt >= 0)
    keys = np.unique(src[valid] * max(m, 1) + tgt[valid])
    return keys // max(m, 1), keys % max(m, 1)


def pair_cosines(a: Matrix, b: Matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Cosines of the given row pairs ``(a[rows[t]], b[cols[t]])`` without any full product,
    in chunks so that memory stays bounded for millions of pairs."""
    out = np.zeros(len(rows), dtype=np.float32)
    dense = not sp.issparse(a)
    for start in range(0, len(rows), PAIR_CHUNK):
        r, c = rows[start : start + PAIR_CHUNK], cols[start : start + PAIR_CHUNK]
        if dense:
            products = np.einsum("ij,ij->i", np.asarray(a)[r], np.asarray(b)[c])
        else:
            products = np.asarray(a[r].multiply(b[c]).sum(axis=1)).ravel()
        out[start : start + len(r)] = products
    return out


def drop_frequent_features(
    x: sp.csr_matrix, y: sp.csr_matrix, max_share: float
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Copies of ``x`` and ``y`` without the features present in more than ``max_share`` of all
    rows: an inverted-index trick that keeps large sparse products fast. Their weight is low
    (IDF), so the nearest neighbours barely change; final scores use the full vectors."""
    df = np.bincount(x.indices, minlength=x.shape[1]) + np.bincount(y.indices, minlength=y.shape[1])
    keep = (df <= max(50, max_share * (x.shape[0] + y.shape[0]))).astype(np.float32)
    mask = sp.diags(keep)
    return sp.csr_matrix(x @ mask), sp.csr_matrix(y @ mask)


def rescore(
    neighbours: Neighbours, queries: Matrix, keys: Matrix, keep: int | None = None
) -> Neighbours:
    """Replace retrieval scores by exact cosines of the full vectors, best first again, and keep
    the ``keep`` best of each row (default: all)."""
    n, k = neighbours.index.shape
    valid = neighbours.index >= 0
    rows = np.repeat(np.arange(n), k)[valid.ravel()]
    exact = np.full((n, k), -np.inf, dtype=np.float32)
    exact[valid] = pair_cosines(queries, keys, rows, neighbours.index[valid])
    order = np.argsort(-exact, axis=1, kind="stable")[:, :keep]
    return Neighbours(
        np.take_along_axis(neighbours.index, order, axis=1),
        np.take_along_axis(exact, order, axis=1),
    )
