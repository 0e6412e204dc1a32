"""Comparable mode: order-free mining of sentence pairs between two texts that are not translations.

1. Retrieve, for every sentence on each side, its nearest sentences on the other side by the
   lexical source (blocked top-k, never the full matrix).
2. Describe each candidate pair with features: cosine, ratio margin (Artetxe & Schwenk 2019),
   its rank and lead over the runner-up on both sides, number agreement and length ratio.
3. Turn the features into a calibrated probability with a logistic model fitted on held-out
   data (:mod:`alinea.align.calibration`); where a neural encoder is given, candidates whose
   lexical probability is uncertain are embedded and rescored with the neural features too.
4. Select pairs greedily by probability, each sentence at most once (this keeps mutual best
   pairs first), above the threshold; then grow a pair into 1-2 / 2-1 when an unpaired
   neighbouring sentence completes what its partner says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from alinea.align import calibration
from alinea.align.beads import Bead
from alinea.align.embedders import SentenceEncoder
from alinea.align.lexical import LexicalEncoder, length_ratio, number_agreement
from alinea.align.retrieval import Neighbours, pair_cosines, top_k

METHOD_ID = "margin-mine.v1"


@dataclass(frozen=True)
class MiningConfig:
    """Comparable-mode options.

    Attributes:
        threshold: minimum calibrated probability of a pair (see the README's calibration table).
        k: neighbours averaged in the margin's denominator.
        candidates: nearest sentences retrieved per sentence and side.
        uncertain: lexical probabilities in this range are rescored by the encoder, if any.
        merge_gain: cosine a 1-2 merge must add over the 1-1 pair.
    """

    threshold: float = calibration.DEFAULT_THRESHOLD
    k: int = 4
    candidates: int = 8
    uncertain: tuple[float, float] = (0.05, 0.95)
    merge_gain: float = 0.05


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs ``(src[t], tgt[t])`` and their feature rows."""

    src: np.ndarray
    tgt: np.ndarray
    features: np.ndarray


def _candidate_pairs(forward: Neighbours, backward: Neighbours) -> tuple[np.ndarray, np.ndarray]:
    """Union of each side's retrieved neighbours, as sorted unique ``(src, tgt)`` pairs."""
    n, c = forward.index.shape
    m = backward.index.shape[0]
    src = np.concatenate([np.repeat(np.arange(n), c), backward.index.ravel()])
    tgt = np.concatenate([forward.index.ravel(), np.repeat(np.arange(m), c)])
    valid = (src >= 0) & (tgt >= 0)
    keys = np.unique(src[valid] * max(m, 1) + tgt[valid])
    return keys // max(m, 1), keys % max(m, 1)


def _rank_features(
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


def lexical_candidates(
    src: Sequence[str], tgt: Sequence[str], config: MiningConfig
) -> tuple[Candidates, sp.csr_matrix, sp.csr_matrix]:
    """Retrieve candidates and compute their lexical features (:data:`calibration.LEXICAL`)."""
    x, y = LexicalEncoder().encode_pair(src, tgt)
    forward = top_k(x, y, config.candidates)
    backward = top_k(y, x, config.candidates)
    rows, cols = _candidate_pairs(forward, backward)
    cos = pair_cosines(x, y, rows, cols)
    neighbourhood = (forward.mean_top(config.k)[rows] + backward.mean_top(config.k)[cols]) / 2
    margin = cos / np.maximum(neighbourhood, 1e-6)
    lead_src, lead_tgt = _rank_features(rows, cols, cos, len(src), len(tgt))
    numbers = np.array([number_agreement(src[i], tgt[j]) for i, j in zip(rows, cols, strict=True)])
    ratio = np.array([length_ratio(src[i], tgt[j]) for i, j in zip(rows, cols, strict=True)])
    features = np.column_stack([cos, margin, lead_src, lead_tgt, numbers, ratio]).astype(np.float32)
    return Candidates(rows, cols, features), x, y


def neural_features(
    candidates: Candidates,
    subset: np.ndarray,
    src: Sequence[str],
    tgt: Sequence[str],
    encoder: SentenceEncoder,
    k: int,
) -> np.ndarray:
    """Encoder cosine, margin and leads for the candidates in ``subset`` (indexes into
    ``candidates``); neighbourhoods are taken among each sentence's lexical candidates, so only
    sentences that appear in ``subset`` or compete with it are embedded."""
    rows, cols = candidates.src, candidates.tgt
    involved = np.isin(rows, rows[subset]) | np.isin(cols, cols[subset])
    src_ids, tgt_ids = np.unique(rows[involved]), np.unique(cols[involved])
    src_vec = np.zeros((len(src), 1), dtype=np.float32)
    tgt_vec = np.zeros((len(tgt), 1), dtype=np.float32)
    if len(src_ids):
        encoded = encoder.encode([src[i] for i in src_ids])
        src_vec = np.zeros((len(src), encoded.shape[1]), dtype=np.float32)
        src_vec[src_ids] = encoded
    if len(tgt_ids):
        encoded = encoder.encode([tgt[j] for j in tgt_ids])
        tgt_vec = np.zeros((len(tgt), encoded.shape[1]), dtype=np.float32)
        tgt_vec[tgt_ids] = encoded
    sel_rows, sel_cols = rows[involved], cols[involved]
    cos = pair_cosines(src_vec, tgt_vec, sel_rows, sel_cols)
    top_src = _mean_top_among(sel_rows, cos, len(src), k)
    top_tgt = _mean_top_among(sel_cols, cos, len(tgt), k)
    margin = cos / np.maximum((top_src[sel_rows] + top_tgt[sel_cols]) / 2, 1e-6)
    lead_src, lead_tgt = _rank_features(sel_rows, sel_cols, cos, len(src), len(tgt))
    full = np.column_stack([cos, margin, lead_src, lead_tgt]).astype(np.float32)
    position = np.flatnonzero(involved)
    return full[np.searchsorted(position, subset)]


def _mean_top_among(owner: np.ndarray, cos: np.ndarray, size: int, k: int) -> np.ndarray:
    """Mean of the ``k`` highest cosines of each owner's candidates."""
    order = np.lexsort((-cos, owner))
    owner_sorted, cos_sorted = owner[order], cos[order]
    starts = np.searchsorted(owner_sorted, np.arange(size))
    rank = np.arange(len(owner_sorted)) - starts[owner_sorted]
    keep = rank < k
    sums = np.bincount(owner_sorted[keep], weights=cos_sorted[keep], minlength=size)
    counts = np.bincount(owner_sorted[keep], minlength=size)
    return np.asarray(sums / np.maximum(counts, 1), dtype=np.float32)


def _select(
    candidates: Candidates, prob: np.ndarray, threshold: float
) -> list[tuple[int, int, float]]:
    """Greedy one-to-one selection by probability (ties broken by indexes: deterministic)."""
    order = np.lexsort((candidates.tgt, candidates.src, -prob))
    used_src: set[int] = set()
    used_tgt: set[int] = set()
    chosen = []
    for t in order:
        if prob[t] < threshold:
            break
        i, j = int(candidates.src[t]), int(candidates.tgt[t])
        if i in used_src or j in used_tgt:
            continue
        used_src.add(i)
        used_tgt.add(j)
        chosen.append((i, j, float(prob[t])))
    return chosen


def _merge_options(
    i: int, j: int, n: int, m: int, used_src: set[int], used_tgt: set[int]
) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """1-2 and 2-1 beads that add an unpaired neighbour to one side of the pair ``(i, j)``."""
    options: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for extra in (j - 1, j + 1):
        if 0 <= extra < m and extra not in used_tgt:
            options.append(((i,), tuple(sorted((j, extra)))))
    for extra in (i - 1, i + 1):
        if 0 <= extra < n and extra not in used_src:
            options.append((tuple(sorted((i, extra))), (j,)))
    return options


def _grow(
    pairs: list[tuple[int, int, float]], x: sp.csr_matrix, y: sp.csr_matrix, gain: float
) -> list[Bead]:
    """Turn 1-1 pairs into 1-2 / 2-1 beads where an unpaired neighbour completes the partner:
    the merged side must raise the cosine by at least ``gain``."""
    used_src = {i for i, _, _ in pairs}
    used_tgt = {j for _, j, _ in pairs}
    beads = []
    for i, j, prob in pairs:
        best_cos = _cosine(x[i], y[j]) + gain
        best: tuple[tuple[int, ...], tuple[int, ...]] = ((i,), (j,))
        for src_ids, tgt_ids in _merge_options(i, j, x.shape[0], y.shape[0], used_src, used_tgt):
            merged = _cosine(_span_vector(x, src_ids), _span_vector(y, tgt_ids))
            if merged > best_cos:
                best_cos, best = merged, (src_ids, tgt_ids)
        used_src.update(best[0])
        used_tgt.update(best[1])
        beads.append(Bead(best[0], best[1], prob))
    return beads


def _span_vector(matrix: sp.csr_matrix, span: tuple[int, ...]) -> sp.csr_matrix:
    return sp.csr_matrix(matrix[list(span)].sum(axis=0))


def _cosine(a: sp.csr_matrix, b: sp.csr_matrix) -> float:
    denominator = float(np.sqrt(a.multiply(a).sum() * b.multiply(b).sum()))
    return float(a.multiply(b).sum()) / denominator if denominator else 0.0


def mine(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lang: str,
    tgt_lang: str,
    config: MiningConfig | None = None,
    encoder: SentenceEncoder | None = None,
) -> list[Bead]:
    """Mine the pairs of sentences that say the same thing, in any order.

    Args:
        src: source-side sentences.
        tgt: target-side sentences.
        src_lang: ISO 639-1 code of ``src`` (reserved for language-specific evidence).
        tgt_lang: ISO 639-1 code of ``tgt``.
        config: mining options (default threshold: calibrated for precision >= 0.95).
        encoder: optional neural encoder, consulted only for uncertain candidates.

    Returns:
        Beads (1-1, 1-2, 2-1) sorted by source index, each with a calibrated score.
    """
    config = config or MiningConfig()
    if not src or not tgt:
        return []
    candidates, x, y = lexical_candidates(src, tgt, config)
    prob = calibration.lexical_probability(candidates.features)
    if encoder is not None:
        low, high = config.uncertain
        subset = np.flatnonzero((prob > low) & (prob < high))
        if len(subset):
            extra = neural_features(candidates, subset, src, tgt, encoder, config.k)
            prob[subset] = calibration.neural_probability(candidates.features[subset], extra)
    pairs = _select(candidates, prob, config.threshold)
    beads = _grow(pairs, x, y, config.merge_gain)
    return sorted(beads)
