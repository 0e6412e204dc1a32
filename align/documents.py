"""Pairing the documents of a collection that cover the same story, as map + reduce.

1. map: the character n-gram counts of each block of documents (both languages);
2. reduce: the document frequencies of the blocks summed, in block order, into one IDF;
3. map: each block's TF-IDF rows (a row depends only on its document and the IDF);
4. map: each block's nearest documents on the other side (the other side's rows are shared
   with every task once); the blocks' neighbours stacked in block order are every document's.

Blocks are fixed runs of documents, so the plan depends only on the inputs, and the executor
never changes the pairs. The n-grams in at least ``FREQUENT_SHARE`` of the documents are
multiplied as dense columns (a GEMM) and the rest as sparse rows: a frequent n-gram's sparse
product costs the square of its document frequency. The retrieval scores may differ from whole
sparse products in their last bits; the kept pairs' cosines are the whole rows' products.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from alinea.align.lexical import LexicalEncoder
from alinea.align.retrieval import Neighbours, Rows, pair_cosines, top_k, union_pairs
from alinea.engine import Executor, SerialExecutor

if TYPE_CHECKING:
    from alinea.align.sentences import AlignConfig

DOCUMENT_BLOCK = 256  # documents per task (blocks of n-gram counts, TF-IDF rows, top-k)
FREQUENT_SHARE = 0.1  # n-grams in this share of the documents are multiplied as dense columns
DENSE_BYTES = 1 << 28  # at most this much for the dense columns of one side's rows


def _blocks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[start : start + DOCUMENT_BLOCK] for start in range(0, len(items), DOCUMENT_BLOCK)]


def _counts(encoder: LexicalEncoder, texts: Sequence[str]) -> sp.csr_matrix:
    return encoder.counts(texts)


def _renumbered(counts: sp.csr_matrix, column: np.ndarray, width: int) -> sp.csr_matrix:
    shape = (counts.shape[0], width)
    return sp.csr_matrix((counts.data, column[counts.indices], counts.indptr), shape)


def _weight(idf: np.ndarray, counts: sp.csr_matrix) -> sp.csr_matrix:
    return LexicalEncoder.weight(counts, idf[counts.indices])


def _nearest(shared: tuple[Rows, np.ndarray, int], queries: sp.csr_matrix) -> Neighbours:
    keys, frequent, k = shared
    return top_k(_split(queries, frequent), keys, k)


def _frequent_columns(blocks: Sequence[sp.csr_matrix], rows: int) -> np.ndarray:
    """The columns in at least ``FREQUENT_SHARE`` of the documents, most frequent first, as many
    as a dense ``rows x columns`` block of ``DENSE_BYTES`` holds (sorted)."""
    df = np.zeros(blocks[0].shape[1], dtype=np.int64)
    for block in blocks:
        df += np.bincount(block.indices, minlength=block.shape[1])
    total = sum(block.shape[0] for block in blocks)
    candidates = np.flatnonzero(df >= max(2, FREQUENT_SHARE * total))
    room = DENSE_BYTES // (4 * max(rows, 1))
    chosen = candidates[np.argsort(-df[candidates], kind="stable")[:room]]
    return np.sort(chosen)


def _split(rows: sp.csr_matrix, frequent: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix]:
    """``rows`` as a dense block of the ``frequent`` columns and a sparse rest: the frequent
    features' sparse product costs ``df x df`` per feature, their dense product a GEMM."""
    mask = np.ones(rows.shape[1], dtype=np.float32)
    mask[frequent] = 0.0
    dense = np.asarray(rows[:, frequent].toarray(), dtype=np.float32)
    rest = sp.csr_matrix(rows @ sp.diags(mask), dtype=np.float32)
    rest.eliminate_zeros()
    return dense, rest


def _stacked(parts: list[Neighbours]) -> Neighbours:
    return Neighbours(np.vstack([p.index for p in parts]), np.vstack([p.score for p in parts]))


def tfidf_blocks(sides: Sequence[Sequence[str]], executor: Executor) -> list[list[sp.csr_matrix]]:
    """Per side, the TF-IDF rows of each block of texts, with one IDF over both sides; the
    columns are the n-grams the texts hold, numbered in hashed order (dot products unchanged)."""
    encoder = LexicalEncoder()
    counts = [list(executor.map(_counts, encoder, _blocks(texts))) for texts in sides]
    present = np.zeros(encoder.n_features, dtype=bool)
    for block in (block for side in counts for block in side):
        present[block.indices] = True
    column = np.cumsum(present) - 1
    counts = [[_renumbered(block, column, int(present.sum())) for block in side] for side in counts]
    idf = LexicalEncoder.idf(*(block for side in counts for block in side))
    return [list(executor.map(_weight, idf, side)) for side in counts]


def nearest_documents(
    queries: list[sp.csr_matrix], keys: list[sp.csr_matrix], k: int, executor: Executor
) -> Neighbours:
    """Each query document's ``k`` nearest key documents, one task per block of queries (the
    retrieval scores; the pairs' cosines are computed again from the whole rows)."""
    whole = sp.csr_matrix(sp.vstack(keys, format="csr"))
    frequent = _frequent_columns([*queries, *keys], whole.shape[0])
    return _stacked(list(executor.map(_nearest, (_split(whole, frequent), frequent, k), queries)))


def pair_documents(
    src_texts: Sequence[str],
    tgt_texts: Sequence[str],
    config: AlignConfig,
    executor: Executor | None = None,
) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` of documents that cover the same story, sorted.

    Each document proposes its ``doc_candidates`` nearest documents on the other side; a pair
    is kept when its cosine reaches ``doc_min_similarity`` and ``doc_relative`` times the best
    cosine of *both* of its documents (a story covered by several outlets pairs with each of
    them, as their similarities are close to the best one).
    """
    if not src_texts or not tgt_texts:
        return []
    run = executor or SerialExecutor()
    src, tgt = tfidf_blocks([src_texts, tgt_texts], run)
    forward = nearest_documents(src, tgt, config.doc_candidates, run)
    backward = nearest_documents(tgt, src, config.doc_candidates, run)
    rows, cols = union_pairs(forward, backward)
    x, y = (sp.csr_matrix(sp.vstack(side, format="csr")) for side in (src, tgt))
    cos = pair_cosines(x, y, rows, cols)
    best_src, best_tgt = forward.score[:, 0], backward.score[:, 0]
    relative = config.doc_relative
    near_best = (cos >= relative * best_src[rows]) & (cos >= relative * best_tgt[cols])
    keep = (cos >= config.doc_min_similarity) & near_best
    return [(int(i), int(j)) for i, j in zip(rows[keep], cols[keep], strict=True)]
