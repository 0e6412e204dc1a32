"""Blocked top-k retrieval: the k most similar rows of one matrix for each row of another.

Rows are L2-normalised (sparse or dense), so dot products are cosines. The full similarity
matrix is never held: rows are processed in blocks sized so that one block of scores stays
under a fixed budget, whatever the size of the other side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp

Matrix: TypeAlias = sp.csr_matrix | np.ndarray
# Rows as one matrix, or as column groups whose products add up (e.g. a dense block of the
# frequent features, whose sparse product would be costly, and a sparse rest).
Rows: TypeAlias = Matrix | tuple[Matrix, ...]
SCORE_BUDGET = 2**24  # float32 cells per block of scores (64 MiB)
PAIR_CHUNK = 65536  # row pairs per vectorised batch in pair_cosines


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


def _dense_block(queries: Rows, keys: Rows) -> np.ndarray:
    if isinstance(queries, tuple) and isinstance(keys, tuple):
        parts = [_dense_block(q, k) for q, k in zip(queries, keys, strict=True)]
        return np.asarray(sum(parts[1:], parts[0]), dtype=np.float32)
    assert not isinstance(queries, tuple) and not isinstance(keys, tuple)
    product = queries @ keys.T
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
    for start in range(0, n, block):
        scores = _dense_block(_slice(queries, start, start + block), keys)
        if keep < m:
            part = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        else:
            part = np.broadcast_to(np.arange(m), (scores.shape[0], m))
        part_scores = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-part_scores, axis=1, kind="stable")
        index[start : start + block, :keep] = np.take_along_axis(part, order, axis=1)
        score[start : start + block, :keep] = np.take_along_axis(part_scores, order, axis=1)
    return Neighbours(index, score)


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
