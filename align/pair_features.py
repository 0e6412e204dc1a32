"""Candidate sentence pairs of comparable mode and their features, each computed under its name.

Lexical features (:data:`LEXICAL`) describe every retrieved candidate: cosine, log cosine,
difference margin (Artetxe & Schwenk 2019), lead over the last retrieved neighbours of both
sentences, lead over the runner-up on each side, number agreement, length ratio, word coverage
and the coverage of the worst covered half of either sentence. Pool features (:data:`POOL`)
describe the pool as a whole (how crowded, how many mutual best pairs), and some lexical
features also enter multiplied by the pool's crowding (:data:`INTERACTIONS`), so that one
threshold holds from a 20-line document pair to a 100,000-line pool. Features are computed a
chunk of candidates at a time (:func:`retrieve`, then :func:`features_of`). Neural features
(:data:`NEURAL`) are the encoder's cosine and leads, computed only for the candidates the
encoder rescores. The calibration stacks the columns in the order its file
declares (:mod:`alinea.align.calibration`), so nothing here depends on a column position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from alinea.align.coverage import WordCoverage
from alinea.align.embedders import SentenceEncoder
from alinea.align.lexical import LexicalEncoder, length_ratios, number_agreement, numbers
from alinea.align.retrieval import (
    Neighbours,
    drop_frequent_features,
    pair_cosines,
    rescore,
    top_k_both,
    union_pairs,
)

LEXICAL = (
    "cos",
    "log_cos",
    "margin",
    "lead_src",
    "lead_tgt",
    "numbers",
    "length_ratio",
    "cover_min",
    "cover_max",
    "floor_margin",
    "cover_halves",
)
NEURAL = ("enc_cos", "enc_lead_src", "enc_lead_tgt")
POOL = ("pool_floor", "pool_mutual")
# features whose weight depends on how crowded the pool is: each also enters multiplied by the
# pool's floor (a crowded pool gives true pairs smaller leads and margins)
CROWDED = ("cos", "margin", "lead_src", "lead_tgt", "floor_margin", "cover_halves")
INTERACTIONS = tuple(f"{name}_x_floor" for name in CROWDED)
PRUNE_ABOVE_CELLS = 10**8  # sentence pairs beyond which retrieval ignores very common n-grams
PRUNE_SHARE = 0.02  # "very common": in more than 2% of the sentences
PRUNE_WIDEN = 4  # pruned retrieval fetches this many times the candidates, rescored exactly

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs ``(src[t], tgt[t])`` and their lexical feature columns by name."""

    src: np.ndarray
    tgt: np.ndarray
    features: Columns

    def subset(self, rows: np.ndarray) -> Columns:
        """The feature columns of the candidates ``rows``."""
        return {name: column[rows] for name, column in self.features.items()}


def rank_leads(
    src: np.ndarray, tgt: np.ndarray, cos: np.ndarray, n: int, m: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per candidate: lead of its cosine over the best *other* candidate of its source sentence,
    and likewise for its target sentence (positive only for the best one)."""
    leads = []
    for own, size in ((src, n), (tgt, m)):
        best = np.full(size, -1.0, dtype=np.float32)
        np.maximum.at(best, own, cos)
        is_best = cos >= best[own]
        masked = np.where(is_best, -1.0, cos).astype(np.float32)
        second = np.full(size, -1.0, dtype=np.float32)
        np.maximum.at(second, own, masked)
        # a best candidate leads by (cos - runner-up); any other trails by (cos - best)
        leads.append(np.where(is_best, cos - second[own], cos - best[own]))
    return leads[0], leads[1]


@dataclass(frozen=True)
class Retrieved:
    """The retrieved candidate pairs ``(rows[t], cols[t])`` of two texts, their cosines and
    leads, and the per-sentence facts their other features are computed from (so that features
    can be computed a chunk of candidates at a time, :func:`features_of`)."""

    rows: np.ndarray
    cols: np.ndarray
    cos: np.ndarray
    lead_src: np.ndarray
    lead_tgt: np.ndarray
    mean_src: np.ndarray  # per sentence: mean cosine of its k nearest (the margin's baseline)
    mean_tgt: np.ndarray
    floor_src: np.ndarray  # per sentence: cosine of its last retrieved neighbour
    floor_tgt: np.ndarray
    numbers_src: list[frozenset[str]]
    numbers_tgt: list[frozenset[str]]
    length_src: np.ndarray
    length_tgt: np.ndarray
    coverage: WordCoverage
    pool: dict[str, float]
    x: sp.csr_matrix
    y: sp.csr_matrix

    def __len__(self) -> int:
        return len(self.rows)


def retrieve(src: Sequence[str], tgt: Sequence[str], candidates: int, k: int) -> Retrieved:
    """Retrieve ``candidates`` neighbours per sentence and side (the margin averages the ``k``
    nearest); their features are left to :func:`features_of`."""
    x, y = LexicalEncoder().encode_pair(src, tgt)
    if len(src) * len(tgt) > PRUNE_ABOVE_CELLS:  # large pools: retrieve on rarer features only
        x_index, y_index = drop_frequent_features(x, y, PRUNE_SHARE)
        # the pruned scores only shortlist: the best of a wider list by exact cosine are kept
        wide = PRUNE_WIDEN * candidates
        forward, backward = top_k_both(x_index, y_index, wide)
        forward = rescore(forward, x, y, candidates)
        backward = rescore(backward, y, x, candidates)
        del x_index, y_index
    else:
        forward, backward = top_k_both(x, y, candidates)
    rows, cols = union_pairs(forward, backward)
    cos = pair_cosines(x, y, rows, cols)
    lead_src, lead_tgt = rank_leads(rows, cols, cos, len(src), len(tgt))
    return Retrieved(
        rows,
        cols,
        cos,
        lead_src,
        lead_tgt,
        forward.mean_top(k),
        backward.mean_top(k),
        forward.floor(),
        backward.floor(),
        [numbers(t) for t in src],
        [numbers(t) for t in tgt],
        np.array([len(t) for t in src]),
        np.array([len(t) for t in tgt]),
        WordCoverage(src, tgt),
        pool_features(forward, backward, lead_src, lead_tgt),
        x,
        y,
    )


def features_of(found: Retrieved, chunk: np.ndarray) -> Columns:
    """The :data:`LEXICAL` and :data:`POOL` features of the candidates ``chunk`` (indexes into
    ``found``), each column computed for those candidates only."""
    rows, cols, cos = found.rows[chunk], found.cols[chunk], found.cos[chunk]
    cover_src, cover_tgt, cover_halves = found.coverage.with_halves(rows, cols)
    numbers_src, numbers_tgt = found.numbers_src, found.numbers_tgt
    columns = {
        "cos": cos,
        "log_cos": np.log(np.maximum(cos, 1e-3)),  # separates the near-zero cosines of strangers
        # the difference margin stays small for strangers in tiny pools
        "margin": cos - (found.mean_src[rows] + found.mean_tgt[cols]) / 2,
        "lead_src": found.lead_src[chunk],
        "lead_tgt": found.lead_tgt[chunk],
        "numbers": np.array(
            [
                number_agreement(numbers_src[i], numbers_tgt[j])
                for i, j in zip(rows, cols, strict=True)
            ]
        ),
        "length_ratio": length_ratios(found.length_src[rows], found.length_tgt[cols]),
        "cover_min": np.minimum(cover_src, cover_tgt),
        "cover_max": np.maximum(cover_src, cover_tgt),
        # lead over the last retrieved neighbours of both sentences: pool-relative, and less
        # tied to the few near-duplicates a large pool holds than the mean of the top k
        "floor_margin": cos - (found.floor_src[rows] + found.floor_tgt[cols]) / 2,
        # the worst covered half of either sentence: low when only one clause has a counterpart
        "cover_halves": cover_halves,
    }
    features = {name: np.asarray(columns[name], dtype=np.float32) for name in LEXICAL}
    for name, value in found.pool.items():
        features[name] = np.full(len(chunk), value, dtype=np.float32)
    return with_interactions(features)


def with_interactions(features: Columns) -> Columns:
    """``features`` with the :data:`INTERACTIONS` columns added (each :data:`CROWDED` feature
    times the pool floor)."""
    floor = features["pool_floor"]
    extra = {f"{name}_x_floor": features[name] * floor for name in CROWDED}
    return {**features, **extra}


def lexical_candidates(
    src: Sequence[str], tgt: Sequence[str], candidates: int, k: int
) -> tuple[Candidates, sp.csr_matrix, sp.csr_matrix]:
    """Retrieve ``candidates`` neighbours per sentence and side, and compute all their
    :data:`LEXICAL` and :data:`POOL` features at once (the margin averages the ``k`` nearest)."""
    found = retrieve(src, tgt, candidates, k)
    features = features_of(found, np.arange(len(found)))
    return Candidates(found.rows, found.cols, features), found.x, found.y


def pool_features(
    forward: Neighbours, backward: Neighbours, lead_src: np.ndarray, lead_tgt: np.ndarray
) -> dict[str, float]:
    """What the calibration sees of the pool as a whole (:data:`POOL`, one value per pool): how
    crowded it is (median floor, :meth:`Neighbours.floor`, over both sides' sentences: a large
    pool holds more near neighbours of every sentence) and how many sentences of the smaller
    side have a mutual best candidate (an estimate of the partner rate). Scores drift with
    both, and a fixed threshold does not hold across them. (The raw pool size was tried: in the
    calibration pools it stands for crowding, which it does not measure in other corpora.)"""
    n, m = forward.index.shape[0], backward.index.shape[0]
    floors = np.concatenate([forward.floor(), backward.floor()])
    mutual = int(np.count_nonzero((lead_src > 0) & (lead_tgt > 0)))
    return {
        "pool_floor": float(np.median(floors)) if len(floors) else 0.0,
        "pool_mutual": mutual / max(min(n, m), 1),
    }


def neural_features(
    candidates: Candidates,
    subset: np.ndarray,
    src: Sequence[str],
    tgt: Sequence[str],
    encoder: SentenceEncoder,
) -> Columns:
    """Encoder cosine and leads (:data:`NEURAL`) of the candidates in ``subset``.

    Only the sentences of ``subset`` are embedded; a candidate's lead is measured against the
    other ``subset`` candidates of its source and target sentence (the decisions at stake).
    """
    rows, cols = candidates.src[subset], candidates.tgt[subset]
    src_ids, src_pos = np.unique(rows, return_inverse=True)
    tgt_ids, tgt_pos = np.unique(cols, return_inverse=True)
    src_vec = encoder.encode([src[i] for i in src_ids])
    tgt_vec = encoder.encode([tgt[j] for j in tgt_ids])
    cos = pair_cosines(src_vec, tgt_vec, src_pos, tgt_pos)
    lead_src, lead_tgt = rank_leads(src_pos, tgt_pos, cos, len(src_ids), len(tgt_ids))
    values = (cos, lead_src, lead_tgt)
    return {name: np.asarray(v, dtype=np.float32) for name, v in zip(NEURAL, values, strict=True)}


def winnable(
    src: np.ndarray, tgt: np.ndarray, prob: np.ndarray, exempt: np.ndarray, n: int, m: int
) -> np.ndarray:
    """Mask of the candidates the greedy one-to-one selection (:mod:`alinea.align.mining`)
    could still pick.

    Selection uses each sentence once, so a candidate preceded, in selection order, by ``m`` or
    more candidates of its target sentence can never be picked (each of them would need its
    source taken by a different one of the ``m - 1`` other target sentences first), and likewise
    with ``n`` for its source sentence. Only candidates whose probability is final count as
    preceding: the ``exempt`` ones (an encoder may still rescore them) are always kept. Dropping
    the others changes no selection, on any superset of candidates seen so far.
    """
    keep = exempt.copy()
    free = np.flatnonzero(~exempt)
    order = free[np.lexsort((tgt[free], src[free], -prob[free]))]
    fits = np.ones(len(order), dtype=bool)
    for own, limit in ((tgt, m), (src, n)):
        group = own[order]
        by_group = np.argsort(group, kind="stable")  # selection order kept within a group
        first = np.searchsorted(group[by_group], group[by_group], side="left")
        rank = np.empty(len(order), dtype=np.int64)
        rank[by_group] = np.arange(len(order)) - first
        fits &= rank < limit
    keep[order[fits]] = True
    return keep
