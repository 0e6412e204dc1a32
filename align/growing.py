"""Growing mined 1-1 pairs into 1-2 / 2-1 beads, where an unpaired neighbouring sentence
completes what its partner says (the last step of comparable mode, :mod:`alinea.align.mining`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from alinea.align.beads import Bead
from alinea.align.coverage import word_coverage
from alinea.align.retrieval import pair_cosines

if TYPE_CHECKING:
    from alinea.align.mining import MiningConfig


def _cover_gain(
    texts: tuple[Sequence[str], Sequence[str]],
    src_of: np.ndarray,
    tgt_of: np.ndarray,
    extra: np.ndarray,
    on_tgt: np.ndarray,
    ask: np.ndarray,
) -> np.ndarray:
    """For the merge options ``ask``: how much more of the kept sentence the partner covers once
    the extra sentence is joined to it (word coverage, :func:`word_coverage`)."""
    src, tgt = list(texts[0]), list(texts[1])
    idx = np.flatnonzero(ask)
    rows, cols, kept_is_src = [], [], []
    for k in idx:
        i, j, e = int(src_of[k]), int(tgt_of[k]), int(extra[k])
        if on_tgt[k]:  # the source sentence is kept: covered by tgt j, then by j + e
            tgt.append(" ".join((tgt[min(j, e)], tgt[max(j, e)])))
            rows += [i, i]
            cols += [j, len(tgt) - 1]
        else:
            src.append(" ".join((src[min(i, e)], src[max(i, e)])))
            rows += [i, len(src) - 1]
            cols += [j, j]
        kept_is_src.append(bool(on_tgt[k]))
    cover_src, cover_tgt = word_coverage(src, tgt, np.array(rows), np.array(cols))
    kept = np.array(kept_is_src)
    before = np.where(kept, cover_src[0::2], cover_tgt[0::2])
    after = np.where(kept, cover_src[1::2], cover_tgt[1::2])
    return np.asarray(after - before, dtype=np.float32)


def grow(
    pairs: list[tuple[int, int, float]],
    x: sp.csr_matrix,
    y: sp.csr_matrix,
    config: MiningConfig,
    texts: tuple[Sequence[str], Sequence[str]] | None = None,
) -> list[Bead]:
    """Turn 1-1 pairs into 1-2 / 2-1 beads where an unpaired neighbour completes the partner.

    The merged side is the sum of two unit rows, so its cosine with the other side follows from
    row dot products: ``(a.b + a.c) / sqrt(|b|^2 + |c|^2 + 2 b.c)``. A merge must raise the
    cosine by ``merge_gain``, the added sentence must, alone, reach ``merge_share`` of the
    pair's cosine, and the merge must cover ``merge_cover`` more of the kept sentence's words.
    All dot products are computed in one vectorised batch.
    """
    n, m = x.shape[0], y.shape[0]
    used_src = {i for i, _, _ in pairs}
    used_tgt = {j for _, j, _ in pairs}
    # (pair index, extra sentence, True when the extra is on the target side)
    options = [
        (t, extra, on_tgt)
        for t, (i, j, _) in enumerate(pairs)
        for on_tgt, own, size, used in ((True, j, m, used_tgt), (False, i, n, used_src))
        for extra in (own - 1, own + 1)
        if 0 <= extra < size and extra not in used
    ]
    src_of = np.array([pairs[t][0] for t, _, _ in options], dtype=np.int64)
    tgt_of = np.array([pairs[t][1] for t, _, _ in options], dtype=np.int64)
    extra = np.array([e for _, e, _ in options], dtype=np.int64)
    on_tgt = np.array([o for _, _, o in options], dtype=bool)
    base = pair_cosines(x, y, src_of, tgt_of)
    # dot of the kept side with the extra sentence, and of the extra with its own side's partner
    cross = np.where(
        on_tgt,
        pair_cosines(x, y, src_of, np.where(on_tgt, extra, tgt_of)),
        pair_cosines(x, y, np.where(on_tgt, src_of, extra), tgt_of),
    )
    same = np.where(
        on_tgt,
        pair_cosines(y, y, tgt_of, np.where(on_tgt, extra, tgt_of)),
        pair_cosines(x, x, src_of, np.where(on_tgt, src_of, extra)),
    )
    merged = (base + cross) / np.sqrt(np.maximum(2.0 + 2.0 * same, 1e-12))
    candidate = (cross >= config.merge_share * base) & (merged >= base + config.merge_gain)
    gain = np.ones(len(options), dtype=np.float32)
    if texts is not None and config.merge_cover > 0 and candidate.any():
        gain[candidate] = _cover_gain(texts, src_of, tgt_of, extra, on_tgt, candidate)
    best: dict[int, tuple[float, int, bool]] = {}
    for k, (t, e, tgt_side) in enumerate(options):
        completes = candidate[k] and gain[k] >= config.merge_cover
        if completes and merged[k] > best.get(t, (-1.0, 0, False))[0]:
            best[t] = (float(merged[k]), e, tgt_side)
    beads = []
    for t, (i, j, prob) in enumerate(pairs):
        src_ids: tuple[int, ...] = (i,)
        tgt_ids: tuple[int, ...] = (j,)
        if t in best:
            _, e, tgt_side = best[t]
            taken = used_tgt if tgt_side else used_src
            if e not in taken:
                taken.add(e)
                if tgt_side:
                    tgt_ids = tuple(sorted((j, e)))
                else:
                    src_ids = tuple(sorted((i, e)))
        beads.append(Bead(src_ids, tgt_ids, prob))
    return beads
