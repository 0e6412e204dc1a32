"""Parallel mode of the sentence aligner: monotonic n-m alignment of a text and its translation.

Coarse to fine, in the spirit of Vecalign: both texts are cut into blocks of ``2**k`` sentences,
with ``k`` just large enough that a full dynamic programme (DP) over blocks is cheap; the best
path is projected onto the next finer resolution, where only a band of ``band`` cells on each
side of it is searched, down to single sentences. Time and memory grow with ``n + m``.

The cost of an n-m bead mixes the lexical and (with an encoder) neural cosines of its two spans,
each normalised by the spans' similarity to random spans (see ``alinea.align.spans``), weighted
by the bead's size, plus a Gale-Church length term and a merge cost per extra sentence; 0-1 and
1-0 beads cost ``skip_cost``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

from alinea.align.beads import Bead
from alinea.align.embedders import SentenceEncoder
from alinea.align.lexical import LexicalConfig, LexicalEncoder
from alinea.align.spans import CostModel, Feature, Scorer, Side
from alinea.errors import UsageError

METHOD_ID = "parallel-dp.v1"

Shape = tuple[int, int]
# 2-3, 3-2, 3-3, 1-4 and 4-1 added on dev evidence (21 dev beads need them): dev 0.864 -> 0.908
DEFAULT_SHAPES: tuple[Shape, ...] = (
    (0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1),
    (2, 3), (3, 2), (3, 3), (1, 4), (4, 1),
)  # fmt: skip
_CHUNK_CELLS = 4096  # DP nodes whose bead costs are computed together (at least one row)


@dataclass(frozen=True)
class ParallelConfig:
    """Settings of the parallel aligner (defaults measured on the Text+Berg de-fr dev file).

    Attributes:
        max_bead: Most sentences on one side of a bead; filters ``shapes``.
        shapes: Allowed bead shapes ``(source, target)``; must include 0-1, 1-0 and 1-1.
        skip_cost: Cost of a 0-1 or 1-0 bead (a 1-1 bead of random sentences costs about 1).
        merge_cost: Extra cost per sentence beyond the first on each side of a bead.
        lexical_weight: Share of the lexical cost when an encoder is given (the rest is neural).
        length_weight: Weight of the squared Gale-Church length deviation.
        length_variance: Variance of target length per source character (Gale-Church's 6.8).
        band: Half-width, in sentences, of the search band around the projected coarse path.
        full_dp_cells: Texts with at most this many sentence pairs get a full DP (no band).
        samples: Random spans used to normalise similarities.
        ngram_min: Shortest character n-gram of the lexical vectors.
        ngram_max: Longest character n-gram of the lexical vectors.
        seed: Seed of the random sample.
    """

    max_bead: int = 4
    shapes: tuple[Shape, ...] = DEFAULT_SHAPES
    skip_cost: float = 0.6
    merge_cost: float = 0.1
    lexical_weight: float = 0.3
    length_weight: float = 0.03
    length_variance: float = 6.8
    band: int = 8
    full_dp_cells: int = 250_000
    samples: int = 128
    ngram_min: int = 3
    ngram_max: int = 5
    seed: int = 0

    def __post_init__(self) -> None:
        missing = {(0, 1), (1, 0), (1, 1)} - set(self.shapes)
        if missing:
            raise UsageError(f"bead shapes must include 0-1, 1-0 and 1-1; missing {missing}")
        if min(self.max_bead, self.band, self.samples, self.full_dp_cells) < 1:
            raise UsageError("max_bead, band, samples and full_dp_cells must be at least 1")
        if not 0.0 <= self.lexical_weight <= 1.0:
            raise UsageError(f"lexical_weight must be in [0, 1], got {self.lexical_weight}")

    @property
    def bead_shapes(self) -> tuple[Shape, ...]:
        """The allowed shapes no larger than ``max_bead`` on either side, sorted."""
        return tuple(sorted({s for s in self.shapes if sum(s) > 0 and max(s) <= self.max_bead}))


def align_parallel(
    src: Sequence[str],
    tgt: Sequence[str],
    config: ParallelConfig = ParallelConfig(),
    encoder: SentenceEncoder | None = None,
) -> list[Bead]:
    """Align a text and its translation sentence by sentence, keeping the order.

    Args:
        src: Source sentences.
        tgt: Target sentences.
        config: Aligner settings.
        encoder: Multilingual sentence encoder; without one, lexical similarity only.

    Returns:
        Beads covering every sentence of both sides exactly once, in order. A bead's score in
        [0, 1] is its normalised similarity; for 0-1 and 1-0 beads, 1 minus the best 1-1 score
        of the lone sentence against the sentences on either side of it.
    """
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
    return path_beads(*best_path(src, tgt, config, encoder))


def best_path(
    src: Sequence[str], tgt: Sequence[str], config: ParallelConfig, encoder: SentenceEncoder | None
) -> tuple[list[Shape], Scorer]:
    """The sentence-level path of :func:`align_parallel` (both sides non-empty) and the scorer
    of its bead costs (:mod:`alinea.align.explain` reads both)."""
    n, m = len(src), len(tgt)
    source, target = _sides(src, tgt, config, encoder)
    ratio = max(float(target.lengths.sum()), 1.0) / max(float(source.lengths.sum()), 1.0)
    model = CostModel(
        lexical_weight=config.lexical_weight,
        length_weight=config.length_weight,
        length_variance=config.length_variance,
        merge_cost=config.merge_cost,
        samples=config.samples,
        seed=config.seed,
    )
    level = 0
    while math.ceil(n / 2**level) * math.ceil(m / 2**level) > config.full_dp_cells:
        level += 1
    path: list[Shape] = []
    for k in range(level, -1, -1):
        src_k, tgt_k = source.blocks(2**k), target.blocks(2**k)
        band = _Band.around(path, len(src_k), len(tgt_k), config.band) if path else None
        scorer = Scorer(src_k, tgt_k, model, ratio, config.max_bead)
        path = _best_path(scorer, band or _Band.full(len(src_k), len(tgt_k)), config)
    return path, scorer


def _sides(
    src: Sequence[str], tgt: Sequence[str], config: ParallelConfig, encoder: SentenceEncoder | None
) -> tuple[Side, Side]:
    """Sentence features of both texts: IDF-weighted n-gram counts, then embeddings if any."""
    lexical = LexicalEncoder(LexicalConfig(ngram_min=config.ngram_min, ngram_max=config.ngram_max))
    counts = [lexical.counts(src), lexical.counts(tgt)]
    # Keep only the hashed n-grams that occur: sparse products then scale with the texts.
    used = np.unique(np.concatenate([c.indices for c in counts]))
    counts = [c[:, used] for c in counts]
    idf = lexical.idf(*counts)[np.newaxis, :]
    sides = []
    for texts, count in zip((src, tgt), counts, strict=True):
        features: tuple[Feature, ...] = (sp.csr_matrix(count.multiply(idf), dtype=np.float32),)
        if encoder is not None:
            features += (np.asarray(encoder.encode(texts), dtype=np.float32),)
        sides.append(Side(features, np.array([len(t) for t in texts], dtype=np.float64)))
    return sides[0], sides[1]


class _Band:
    """The DP nodes searched: for each source position ``i``, targets ``lo[i]..hi[i]``,
    stored row after row in flat arrays (``ptr[i]`` is the index of node ``(i, lo[i])``)."""

    def __init__(self, lo: np.ndarray, hi: np.ndarray) -> None:
        self.lo, self.hi = lo, hi
        self.ptr = np.concatenate([[0], np.cumsum(hi - lo + 1)])

    @classmethod
    def full(cls, n: int, m: int) -> _Band:
        return cls(np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64))

    @classmethod
    def around(cls, path: list[Shape], n: int, m: int, width: int) -> _Band:
        """The nodes covered by a path found on blocks of two units, widened by ``width``."""
        lo, hi = np.full(n + 1, m, np.int64), np.zeros(n + 1, np.int64)
        for (i0, j0), (i1, j1) in pairwise(path):
            rows = slice(min(2 * i0, n), min(2 * i1, n) + 1)
            lo[rows] = np.minimum(lo[rows], min(2 * j0, m))
            hi[rows] = np.maximum(hi[rows], min(2 * j1, m))
        # Widen, then make both bounds non-decreasing so that the band stays connected.
        lo = np.minimum.accumulate(np.maximum(lo - width, 0)[::-1])[::-1]
        hi = np.maximum.accumulate(np.minimum(hi + width, m))
        return cls(lo, hi)

    def at(self, i: int, j: int) -> int:
        """Flat index of node ``(i, j)``."""
        return int(self.ptr[i] + j - self.lo[i])


def _best_path(scorer: Scorer, band: _Band, config: ParallelConfig) -> list[Shape]:
    """Cheapest monotonic path through ``band``: its nodes from (0, 0) to (n, m)."""
    shapes, skip = config.bead_shapes, config.skip_cost
    n, cells = len(band.lo) - 1, int(band.ptr[-1])
    cost = np.full(cells + 1, np.inf)  # the extra last cell stands for "no predecessor"
    back = np.zeros(cells, np.int8)
    steps = np.array([k for k, (a, _) in enumerate(shapes) if a])  # 0-1 beads: row by row
    insertion = shapes.index((0, 1))
    r0 = 0
    while r0 <= n:
        r1 = max(int(np.searchsorted(band.ptr, band.ptr[r0] + _CHUNK_CELLS, "right")) - 1, r0 + 1)
        pred, bead_cost = _chunk(scorer, band, [shapes[k] for k in steps], r0, r1, skip)
        for i in range(r0, r1):
            row = slice(int(band.ptr[i]), int(band.ptr[i + 1]))
            local = slice(row.start - int(band.ptr[r0]), row.stop - int(band.ptr[r0]))
            cand = cost[pred[:, local]] + bead_cost[:, local]
            arg = cand.argmin(axis=0)
            best = np.take_along_axis(cand, arg[np.newaxis], axis=0)[0]
            if i == 0:
                best[0] = 0.0
            # Runs of 0-1 beads within the row: a prefix minimum of cost - j * skip.
            offsets = np.arange(len(best)) * skip
            run = np.minimum.accumulate(best - offsets)
            cost[row] = run + offsets
            back[row] = np.where(best - offsets <= run, steps[arg], insertion)
        r0 = r1
    path, (i, j) = [], (n, int(band.hi[n]))
    while (i, j) != (0, 0):
        path.append((i, j))
        a, b = shapes[back[band.at(i, j)]]
        i, j = i - a, j - b
    return [(0, 0), *path[::-1]]


def _chunk(
    scorer: Scorer, band: _Band, shapes: list[Shape], r0: int, r1: int, skip: float
) -> tuple[np.ndarray, np.ndarray]:
    """For each shape and each node of rows ``r0..r1-1``: the flat index of the node where the
    bead ending there starts (-1, a cell costing inf, if outside the band) and its cost."""
    lo, hi = band.lo, band.hi
    widths = (hi - lo + 1)[r0:r1]
    rows = np.repeat(np.arange(r0, r1), widths)
    cols = np.arange(len(rows)) + np.repeat(lo[r0:r1] - band.ptr[r0:r1] + band.ptr[r0], widths)
    # Every bead ending in these rows lies within these source and target units.
    s0 = max(r0 - max(a for a, _ in shapes), 0)
    t0 = max(int(lo[r0]) - max(b for _, b in shapes), 0)
    window = scorer.window(s0, max(r1 - 1, s0), t0, max(int(hi[r1 - 1]), t0))
    pred = np.full((len(shapes), len(rows)), -1, np.int64)
    bead_cost = np.full(pred.shape, np.inf)
    for k, (a, b) in enumerate(shapes):
        s, t = rows - a, cols - b
        ok = (s >= 0) & (t >= 0)
        ok[ok] &= (t[ok] >= lo[s[ok]]) & (t[ok] <= hi[s[ok]])
        s, t = s[ok], t[ok]
        pred[k, ok] = band.ptr[s] + t - lo[s]
        if b == 0:
            bead_cost[k, ok] = skip
        elif len(s):
            bead_cost[k, ok] = scorer.costs(window.dots(s, a, t, b), s, a, t, b)[0]
    return pred, bead_cost


def path_beads(path: list[Shape], scorer: Scorer) -> list[Bead]:
    """The beads of a sentence-level path, with their scores."""
    steps = list(pairwise(path))
    scores = np.zeros(len(steps))
    by_shape: dict[Shape, list[int]] = {}
    for k, ((i0, j0), (i1, j1)) in enumerate(steps):
        by_shape.setdefault((i1 - i0, j1 - j0), []).append(k)
    n, m = path[-1]

    def score(s: np.ndarray, a: int, t: np.ndarray, b: int) -> np.ndarray:
        return scorer.costs(scorer.dots(s, a, t, b), s, a, t, b)[1]

    for (a, b), ks in by_shape.items():
        s = np.array([steps[k][0][0] for k in ks])
        t = np.array([steps[k][0][1] for k in ks])
        if a and b:
            scores[ks] = score(s, a, t, b)
        elif a:  # a deleted source sentence, between target sentences t - 1 and t
            near = [np.clip(t + d, 0, m - 1) for d in (-1, 0)]
            scores[ks] = 1.0 - np.max([score(s, 1, q, 1) for q in near], axis=0)
        else:
            near = [np.clip(s + d, 0, n - 1) for d in (-1, 0)]
            scores[ks] = 1.0 - np.max([score(q, 1, t, 1) for q in near], axis=0)
    return [
        Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), float(value))
        for ((i0, j0), (i1, j1)), value in zip(steps, scores, strict=True)
    ]
