"""Candidate sentence pairs of comparable mode and their features, each computed under its name.

Lexical features (:data:`LEXICAL`) describe every retrieved candidate: cosine, log cosine,
difference margin (Artetxe & Schwenk 2019), lead over the last retrieved neighbours of both
sentences, lead over the runner-up on each side, number agreement, length ratio and word
coverage. Neural features (:data:`NEURAL`) are the encoder's cosine and leads, computed only for
the candidates the encoder rescores. The calibration stacks the columns in the order its file
declares (:mod:`alinea.align.calibration`), so nothing here depends on a column position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from alinea.align.embedders import SentenceEncoder
from alinea.align.lexical import (
    LexicalEncoder,
    length_ratios,
    number_agreement,
    numbers,
    word_coverage,
)
from alinea.align.retrieval import drop_frequent_features, pair_cosines, rescore, top_k, union_pairs

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
)
NEURAL = ("enc_cos", "enc_lead_src", "enc_lead_tgt")
PRUNE_ABOVE_CELLS = 10**8  # sentence pairs beyond which retrieval ignores very common n-grams
PRUNE_SHARE = 0.01  # "very common": in more than 1% of the sentences

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


def lexical_candidates(
    src: Sequence[str], tgt: Sequence[str], candidates: int, k: int
) -> tuple[Candidates, sp.csr_matrix, sp.csr_matrix]:
    """Retrieve ``candidates`` neighbours per sentence and side, and compute their
    :data:`LEXICAL` features (the margin averages the ``k`` nearest)."""
    x, y = LexicalEncoder().encode_pair(src, tgt)
    if len(src) * len(tgt) > PRUNE_ABOVE_CELLS:  # large pools: retrieve on rarer features only
        x_index, y_index = drop_frequent_features(x, y, PRUNE_SHARE)
        forward = rescore(top_k(x_index, y_index, candidates), x, y)
        backward = rescore(top_k(y_index, x_index, candidates), y, x)
    else:
        forward = top_k(x, y, candidates)
        backward = top_k(y, x, candidates)
    rows, cols = union_pairs(forward, backward)
    cos = pair_cosines(x, y, rows, cols)
    lead_src, lead_tgt = rank_leads(rows, cols, cos, len(src), len(tgt))
    src_numbers, tgt_numbers = [numbers(t) for t in src], [numbers(t) for t in tgt]
    src_len = np.array([len(t) for t in src])
    cover_src, cover_tgt = word_coverage(src, tgt, rows, cols)
    columns = {
        "cos": cos,
        "log_cos": np.log(np.maximum(cos, 1e-3)),  # separates the near-zero cosines of strangers
        # the difference margin stays small for strangers in tiny pools
        "margin": cos - (forward.mean_top(k)[rows] + backward.mean_top(k)[cols]) / 2,
        "lead_src": lead_src,
        "lead_tgt": lead_tgt,
        "numbers": np.array(
            [
                number_agreement(src_numbers[i], tgt_numbers[j])
                for i, j in zip(rows, cols, strict=True)
            ]
        ),
        "length_ratio": length_ratios(src_len[rows], np.array([len(t) for t in tgt])[cols]),
        "cover_min": np.minimum(cover_src, cover_tgt),
        "cover_max": np.maximum(cover_src, cover_tgt),
        # lead over the last retrieved neighbours of both sentences: pool-relative, and less
        # tied to the few near-duplicates a large pool holds than the mean of the top k
        "floor_margin": cos - (forward.floor()[rows] + backward.floor()[cols]) / 2,
    }
    features = {name: np.asarray(columns[name], dtype=np.float32) for name in LEXICAL}
    return Candidates(rows, cols, features), x, y


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
