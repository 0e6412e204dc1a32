"""Span similarities and bead costs for the parallel sentence aligner.

A *side* holds one vector per unit (a sentence, or a block of sentences at a coarse resolution)
for each feature: IDF-weighted character n-gram counts, and sentence embeddings when an encoder
is used. A *span* (consecutive units) is represented by the sum of its unit vectors: for the
lexical feature, the TF-IDF vector of the summed counts; for the neural one, the sum of
embeddings. Cosines of spans therefore follow from dot products between units: one Gram block
per group of DP rows (with 2-D prefix sums over it), and prefix sums of the dot products of
neighbouring units for the norms. Nothing of size n x m is ever built.

Cosines are normalised Vecalign-style, ``(1 - cos) / (1 - baseline)``, where the baseline is the
mean cosine of each span with random spans of the other side: 1 means "no better than chance"
whatever the bead's shape, so merging sentences is not free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp

Feature: TypeAlias = sp.csr_matrix | np.ndarray  # one row per unit
_EPS = 1e-9


def _gram(x: Feature, y: Feature) -> np.ndarray:
    """All dot products between the rows of ``x`` and those of ``y``, dense."""
    product = x @ y.T
    if isinstance(product, np.ndarray):
        return np.asarray(product, dtype=np.float64)
    return np.asarray(product.toarray(), dtype=np.float64)


def _rowdot(x: Feature, y: Feature) -> np.ndarray:
    """Dot product of each row of ``x`` with the same row of ``y``."""
    if isinstance(x, np.ndarray):
        return np.asarray(np.einsum("ij,ij->i", x, y), dtype=np.float64)
    return np.asarray(x.multiply(y).sum(axis=1), dtype=np.float64).ravel()


def _prefix(values: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])


@dataclass(frozen=True)
class Side:
    """One text: per feature a matrix with one row per unit, and unit lengths in characters."""

    features: tuple[Feature, ...]
    lengths: np.ndarray

    def __len__(self) -> int:
        return int(self.lengths.shape[0])

    def blocks(self, size: int) -> Side:
        """The same text in blocks of ``size`` consecutive units (the last may be shorter)."""
        if size == 1:
            return self
        n = len(self)
        units = np.arange(n)
        pool = sp.csr_matrix(
            (np.ones(n, np.float32), (units // size, units)), shape=(-(-n // size), n)
        )
        return Side(tuple(pool @ f for f in self.features), pool @ self.lengths)

    def sums(self, starts: np.ndarray, size: int) -> list[Feature]:
        """Per feature, the vectors of the spans ``[s, s + size)`` for ``s`` in ``starts``."""
        cols = (starts[:, np.newaxis] + np.arange(size)).ravel()
        rows = np.repeat(np.arange(len(starts)), size)
        ones = np.ones(len(cols), np.float32)
        window = sp.csr_matrix((ones, (rows, cols)), shape=(len(starts), len(self)))
        return [window @ f for f in self.features]


class _SpanStats:
    """For one feature of one side: the norm of any span, and the mean cosine of any span with
    random spans of the other side, from prefix sums."""

    def __init__(self, units: Feature, max_size: int, random: dict[int, Feature]) -> None:
        n = units.shape[0]
        # _near[k][s] sums the dot products of units u and u + k for u < s.
        self._near = [_prefix(_rowdot(units[: n - k], units[k:])) for k in range(min(max_size, n))]
        self._random = {b: _prefix(_gram(units, r).mean(axis=1)) for b, r in random.items()}

    def norm(self, s: np.ndarray, a: int) -> np.ndarray:
        square = self._near[0][s + a] - self._near[0][s]
        for k in range(1, a):
            square += 2 * (self._near[k][s + a - k] - self._near[k][s])
        return np.asarray(np.sqrt(np.maximum(square, _EPS)))

    def baseline(self, s: np.ndarray, a: int, norm: np.ndarray, other_size: int) -> np.ndarray:
        prefix = self._random[other_size]
        return np.asarray((prefix[s + a] - prefix[s]) / norm)


@dataclass(frozen=True)
class CostModel:
    """Weights of the bead cost (see ``ParallelConfig`` for their meaning)."""

    lexical_weight: float
    length_weight: float
    length_variance: float
    merge_cost: float
    samples: int
    seed: int


@dataclass(frozen=True)
class Window:
    """Dot products of source units ``s0..`` with target units ``t0..``, as 2-D prefix sums."""

    s0: int
    t0: int
    sums: list[np.ndarray]

    def dots(self, s: np.ndarray, a: int, t: np.ndarray, b: int) -> list[np.ndarray]:
        """Per feature, the dot products of the spans ``src[s:s+a]`` and ``tgt[t:t+b]``."""
        i, j = s - self.s0, t - self.t0
        return [p[i + a, j + b] - p[i, j + b] - p[i + a, j] + p[i, j] for p in self.sums]


class Scorer:
    """Costs of n-m beads between two sides at one resolution."""

    def __init__(self, src: Side, tgt: Side, model: CostModel, ratio: float, max_size: int) -> None:
        self.src, self.tgt, self.model, self.ratio = src, tgt, model, ratio
        rng = np.random.default_rng(model.seed)
        # Per side: size -> per feature, unit vectors of random spans of that size.
        random: list[dict[int, list[Feature]]] = [{}, {}]
        for which, side in enumerate((src, tgt)):
            for size in range(1, min(max_size, len(side)) + 1):
                starts = rng.integers(0, len(side) - size + 1, model.samples)
                random[which][size] = [_unit_rows(f) for f in side.sums(starts, size)]
        self._stats = [
            [
                _SpanStats(units, max_size, {size: r[k] for size, r in random[1 - which].items()})
                for k, units in enumerate(side.features)
            ]
            for which, side in enumerate((src, tgt))
        ]
        weight = model.lexical_weight
        self._weights = [1.0] if len(src.features) == 1 else [weight, 1.0 - weight]

    def window(self, s0: int, s1: int, t0: int, t1: int) -> Window:
        """Dot products of source units ``s0..s1-1`` with target units ``t0..t1-1``."""
        sums = []
        for x, y in zip(self.src.features, self.tgt.features, strict=True):
            gram = _gram(x[s0:s1], y[t0:t1])
            sums.append(np.pad(gram.cumsum(axis=0).cumsum(axis=1), ((1, 0), (1, 0))))
        return Window(s0, t0, sums)

    def costs(
        self, dots: list[np.ndarray], s: np.ndarray, a: int, t: np.ndarray, b: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Costs and scores in [0, 1] of the beads ``src[s:s+a]``-``tgt[t:t+b]``, given the dot
        products of their spans (``Window.dots`` or ``dots``)."""
        parts = self.terms(dots, s, a, t, b)
        cost = parts["similarity_cost"] + parts["length_cost"] + parts["merge_cost"]
        return cost, np.clip(1.0 - parts["dissimilarity"], 0.0, 1.0)

    def terms(
        self, dots: list[np.ndarray], s: np.ndarray, a: int, t: np.ndarray, b: int
    ) -> dict[str, np.ndarray]:
        """The parts of :meth:`costs`: per feature ``k`` its cosine ``cos_k``, random baseline
        ``baseline_k`` and weighted normalised dissimilarity ``dissimilarity_k``; their sum
        ``dissimilarity``; and the cost's three terms, ``similarity_cost`` (the dissimilarity
        times the bead's mean side size), ``length_cost`` and ``merge_cost``."""
        parts: dict[str, np.ndarray] = {}
        dissim = np.zeros(len(s))
        for k, (weight, dot) in enumerate(zip(self._weights, dots, strict=True)):
            src, tgt = self._stats[0][k], self._stats[1][k]
            x_norm, y_norm = src.norm(s, a), tgt.norm(t, b)
            base = (src.baseline(s, a, x_norm, b) + tgt.baseline(t, b, y_norm, a)) / 2
            cos = dot / (x_norm * y_norm)
            share = weight * (1.0 - cos) / np.maximum(1.0 - base, 1e-6)
            parts |= {f"cos_{k}": cos, f"baseline_{k}": base, f"dissimilarity_{k}": share}
            dissim += share
        # Gale-Church-style length mismatch, in standard deviations.
        x_len, y_len = _span_sum(self.src.lengths, s, a), _span_sum(self.tgt.lengths, t, b)
        expected = self.ratio * x_len
        spread = np.sqrt(self.model.length_variance * (expected + y_len) / 2 + 1.0)
        mismatch = self.model.length_weight * ((y_len - expected) / spread) ** 2
        merge = np.full(len(s), self.model.merge_cost * (a + b - 2))
        return parts | {
            "dissimilarity": dissim,
            "similarity_cost": (a + b) / 2 * dissim,
            "length_cost": mismatch,
            "merge_cost": merge,
        }

    @property
    def weights(self) -> tuple[float, ...]:
        """The weight of each feature's dissimilarity (lexical, then neural if any)."""
        return tuple(self._weights)

    def dots(self, s: np.ndarray, a: int, t: np.ndarray, b: int) -> list[np.ndarray]:
        """Per feature, the dot products of the spans ``src[s:s+a]`` and ``tgt[t:t+b]``."""
        pairs = zip(self.src.sums(s, a), self.tgt.sums(t, b), strict=True)
        return [_rowdot(x, y) for x, y in pairs]


def _span_sum(values: np.ndarray, s: np.ndarray, size: int) -> np.ndarray:
    return np.asarray(sum(values[s + k] for k in range(size)))


def _unit_rows(rows: Feature) -> Feature:
    scale = 1.0 / np.sqrt(np.maximum(_rowdot(rows, rows), _EPS))
    if sp.issparse(rows):
        return sp.csr_matrix(sp.diags(scale) @ rows)
    return np.asarray(rows * scale[:, np.newaxis])
