"""Pairing the documents of a collection that cover the same story, as map + reduce.

1. map: the character n-gram counts of each block of documents (both languages);
2. reduce: the document frequencies of the blocks summed, in block order, into one IDF;
3. map: each block's TF-IDF rows (a row depends only on its document and the IDF);
4. map: each block's nearest documents on the other side (the other side's rows are shared
   with every task once); the blocks' neighbours stacked in block order are every document's.

Blocks are fixed runs of documents, so the plan depends only on the inputs, and every step
gives the same numbers as the whole matrices would: the executor never changes the pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from alinea.align.lexical import LexicalEncoder
from alinea.align.retrieval import Neighbours, pair_cosines, top_k, union_pairs
from alinea.engine import Executor, SerialExecutor

if TYPE_CHECKING:
    from alinea.align.sentences import AlignConfig

DOCUMENT_BLOCK = 256  # documents per task (blocks of n-gram counts, TF-IDF rows, top-k)


def _blocks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[start : start + DOCUMENT_BLOCK] for start in range(0, len(items), DOCUMENT_BLOCK)]


def _counts(encoder: LexicalEncoder, texts: Sequence[str]) -> sp.csr_matrix:
    return encoder.counts(texts)


def _weight(idf: np.ndarray, counts: sp.csr_matrix) -> sp.csr_matrix:
    return LexicalEncoder.weight(counts, idf[counts.indices])


def _nearest(keys_and_k: tuple[sp.csr_matrix, int], queries: sp.csr_matrix) -> Neighbours:
    keys, k = keys_and_k
    return top_k(queries, keys, k)


def _stacked(parts: list[Neighbours]) -> Neighbours:
    return Neighbours(np.vstack([p.index for p in parts]), np.vstack([p.score for p in parts]))


def tfidf_blocks(sides: Sequence[Sequence[str]], executor: Executor) -> list[list[sp.csr_matrix]]:
    """Per side, the TF-IDF rows of each block of texts, with one IDF over both sides."""
    encoder = LexicalEncoder()
    counts = [list(executor.map(_counts, encoder, _blocks(texts))) for texts in sides]
    idf = LexicalEncoder.idf(*(block for side in counts for block in side))
    return [list(executor.map(_weight, idf, side)) for side in counts]


def nearest_documents(
    queries: list[sp.csr_matrix], keys: list[sp.csr_matrix], k: int, executor: Executor
) -> Neighbours:
    """Each query document's ``k`` nearest key documents, one task per block of queries."""
    whole = sp.csr_matrix(sp.vstack(keys, format="csr"))
    return _stacked(list(executor.map(_nearest, (whole, k), queries)))


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
