"""Word coverage scored a group of pairs at a time equals a direct per-pair computation, and a
pair's numbers do not depend on the batch or the side it was grouped by."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Indel

from alinea.align import coverage
from alinea.align.coverage import WordCoverage, words

TEXTS_PT = [
    "A assistência mútua foi assinada em Pyongyang pelo presidente.",
    "O tratado prevê assistência militar imediata.",
    "Kim recebeu Putin",
    "",
    "123 456",
    "A RPDC e a Rússia assinaram um acordo de parceria estratégica abrangente.",
]
TEXTS_ES = [
    "El tratado prevé asistencia mutua inmediata en caso de agresión.",
    "Putin y Kim firmaron un acuerdo de asociación estratégica integral.",
    "La RPDC",
    "x",
]


def reference(src: list[str], tgt: list[str], i: int, j: int) -> tuple[float, float, float]:
    """Coverage of one pair, computed directly from the definition (float64)."""
    a, b = words(src[i]), words(tgt[j])
    if not a or not b:
        return 0.0, 0.0, 0.0
    sentences = [set(words(t)) for t in (*src, *tgt)]
    total = len(sentences)

    def idf(w: str) -> float:
        df = sum(w in s for s in sentences)
        return float(np.float32(np.log((1 + total) / (1 + df)) + 1.0))

    def ramp(x: str, y: str) -> float:
        return float(np.clip((np.float32(Indel.normalized_similarity(x, y)) - 0.5) / 0.5, 0, 1))

    def cover(own: list[str], other: list[str]) -> tuple[float, float]:
        best = [max(ramp(w, v) for v in other) for w in own]
        weight = [idf(w) for w in own]

        def mean(lo: int, hi: int) -> float:
            pairs = zip(best[lo:hi], weight[lo:hi], strict=True)
            return sum(b * w for b, w in pairs) / sum(weight[lo:hi])

        half = len(own) // 2
        whole = mean(0, len(own))
        return whole, whole if half == 0 else min(mean(0, half), mean(half, len(own)))

    (cover_a, half_a), (cover_b, half_b) = cover(a, b), cover(b, a)
    return cover_a, cover_b, min(half_a, half_b)


def test_coverage_equals_the_definition() -> None:
    rows = np.repeat(np.arange(len(TEXTS_PT)), len(TEXTS_ES))
    cols = np.tile(np.arange(len(TEXTS_ES)), len(TEXTS_PT))
    got = WordCoverage(TEXTS_PT, TEXTS_ES).with_halves(rows, cols)
    for t, (i, j) in enumerate(zip(rows, cols, strict=True)):
        expected = reference(TEXTS_PT, TEXTS_ES, int(i), int(j))
        np.testing.assert_allclose([got[k][t] for k in range(3)], expected, rtol=1e-6, atol=1e-7)
    pair = {(int(i), int(j)): t for t, (i, j) in enumerate(zip(rows, cols, strict=True))}
    assert got[0][pair[5, 1]] > 2 * got[0][pair[2, 0]]  # a translation covers, a stranger not
    assert got[0][pair[3, 0]] == got[2][pair[4, 0]] == 0.0  # no words (empty, digits only)


@settings(deadline=None, max_examples=40)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), min_size=1, max_size=40),
    st.integers(1, 7),
    st.integers(1, 200),
)
def test_a_pairs_numbers_do_not_depend_on_its_batch(
    pairs: list[tuple[int, int]], batch: int, group_cells: int
) -> None:
    rows, cols = (np.array(side) for side in zip(*pairs, strict=True))
    scorer = WordCoverage(TEXTS_PT, TEXTS_ES)
    whole = scorer.with_halves(rows, cols)
    original = coverage.GROUP_CELLS
    coverage.GROUP_CELLS = group_cells  # groups cut into pieces of a few pairs
    try:
        parts = [
            scorer.with_halves(rows[s : s + batch], cols[s : s + batch])
            for s in range(0, len(rows), batch)
        ]
    finally:
        coverage.GROUP_CELLS = original
    for k in range(3):
        np.testing.assert_array_equal(whole[k], np.concatenate([p[k] for p in parts]))
