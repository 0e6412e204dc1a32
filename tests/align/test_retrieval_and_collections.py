"""Blocked retrieval gives the exact neighbours; collections pair documents by story."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from alinea.align import documents, retrieval
from alinea.align.documents import pair_documents
from alinea.align.sentences import AlignConfig


def unit_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    x = rng.random((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("budget", [7, 64, 2**24])
def test_blocked_top_k_equals_full_ranking(
    monkeypatch: pytest.MonkeyPatch, sparse: bool, budget: int
) -> None:
    rng = np.random.default_rng(0)
    x, y = unit_rows(rng, 23, 16), unit_rows(rng, 31, 16)
    monkeypatch.setattr(retrieval, "SCORE_BUDGET", budget)  # blocks of budget // 31 rows
    queries, keys = (sp.csr_matrix(x), sp.csr_matrix(y)) if sparse else (x, y)
    found = retrieval.top_k(queries, keys, 5)
    full = x @ y.T
    expected = np.argsort(-full, axis=1, kind="stable")[:, :5]
    assert np.array_equal(found.index, expected)
    assert np.allclose(found.score, np.take_along_axis(full, expected, axis=1), atol=1e-6)


def tied_sparse_rows(rng: np.random.Generator, n: int, d: int) -> sp.csr_matrix:
    """Sparse non-negative rows with few distinct values, so that many cosines tie (and some
    rows meet nothing: their neighbours are zeros)."""
    x = rng.integers(0, 3, (n, d)).astype(np.float32) * (rng.random((n, d)) < 0.15)
    return sp.csr_matrix(x)


def ranked(full: np.ndarray, k: int) -> np.ndarray:
    """Each row's ``k`` best columns, best first, ties by column."""
    return np.argsort(-full, axis=1, kind="stable")[:, :k]


@pytest.mark.parametrize(("n", "m", "budget"), [(40, 2600, 2**24), (300, 2500, 2**14), (7, 5, 9)])
def test_both_directions_in_one_pass_equal_two_full_rankings(
    monkeypatch: pytest.MonkeyPatch, n: int, m: int, budget: int
) -> None:
    rng = np.random.default_rng(n)
    x, y = tied_sparse_rows(rng, n, 12), tied_sparse_rows(rng, m, 12)
    monkeypatch.setattr(retrieval, "SCORE_BUDGET", budget)  # many blocks of queries
    forward, backward = retrieval.top_k_both(x, y, 6)
    full = (x @ y.T).toarray()
    got = forward.index[:, : min(6, m)]
    assert np.array_equal(np.take_along_axis(full, got, axis=1), forward.score[:, : min(6, m)])
    expected = np.take_along_axis(full, ranked(full, 6), axis=1)
    assert np.array_equal(forward.score[:, : min(6, m)], expected)  # the same scores, best first
    assert (forward.index[:, m:] == -1).all() and (backward.index[:, n:] == -1).all()
    keep = min(6, n)
    assert np.array_equal(backward.index[:, :keep], ranked(full.T, keep))  # ties by query index
    assert np.array_equal(backward.score[:, :keep], np.take_along_axis(full.T, ranked(full.T, keep), axis=1))  # fmt: skip
    if m >= 4 * 6 * retrieval.SAMPLE_STRIDE:  # wide blocks: ties by column too
        assert np.array_equal(forward.index, ranked(full, 6))
        assert np.array_equal(forward.index, retrieval.top_k(x, y, 6).index)


def test_top_k_with_fewer_keys_than_k_pads() -> None:
    rng = np.random.default_rng(1)
    found = retrieval.top_k(unit_rows(rng, 3, 4), unit_rows(rng, 2, 4), 4)
    assert (found.index[:, 2:] == -1).all() and np.isinf(found.score[:, 2:]).all()
    assert np.allclose(found.mean_top(4), found.score[:, :2].mean(axis=1))
    assert np.allclose(found.floor(), found.score[:, 1])  # the last neighbour there is
    assert np.array_equal(
        retrieval.top_k(unit_rows(rng, 2, 4), unit_rows(rng, 0, 4), 3).floor(), [0, 0]
    )


def test_floor_is_the_kth_neighbour() -> None:
    rng = np.random.default_rng(2)
    found = retrieval.top_k(unit_rows(rng, 6, 8), unit_rows(rng, 9, 8), 4)
    assert np.allclose(found.floor(), found.score[:, 3])


def test_pair_cosines_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    x, y = unit_rows(rng, 10, 8), unit_rows(rng, 12, 8)
    rows, cols = rng.integers(0, 10, 50), rng.integers(0, 12, 50)
    monkeypatch.setattr(retrieval, "PAIR_CHUNK", 7)
    for a, b in ((x, y), (sp.csr_matrix(x), sp.csr_matrix(y))):
        assert np.allclose(
            retrieval.pair_cosines(a, b, rows, cols), (x[rows] * y[cols]).sum(axis=1), atol=1e-6
        )


SUMMIT_PT = (
    "Putin e Kim assinaram em Pyongyang um tratado de assistência mútua em caso de agressão."
)
SUMMIT_ES = "Putin y Kim firmaron en Pyongyang un tratado de asistencia mutua en caso de agresión."
FLOOD_PT = "As cheias no sul do Brasil deixaram milhares de desalojados no Rio Grande do Sul."
FLOOD_ES = "Las inundaciones en el sur de Brasil dejaron miles de desplazados en Rio Grande do Sul."
FOOTBALL_ES = "El Real Madrid ganó la final de la Liga de Campeones en Londres ante el Dortmund."


def test_collections_pair_documents_by_story() -> None:
    pt_docs = [SUMMIT_PT, FLOOD_PT]
    es_docs = [
        FLOOD_ES,
        FOOTBALL_ES,
        SUMMIT_ES + " " + SUMMIT_ES.replace("Putin", "El presidente ruso"),
    ]
    assert pair_documents(pt_docs, es_docs, AlignConfig()) == [(0, 2), (1, 0)]


def test_a_story_covered_twice_pairs_with_both() -> None:
    es_docs = [SUMMIT_ES, SUMMIT_ES.replace("firmaron", "sellaron"), FOOTBALL_ES]
    assert pair_documents([SUMMIT_PT], es_docs, AlignConfig()) == [(0, 0), (0, 1)]


def test_document_blocks_never_change_the_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    stories = [SUMMIT_PT, FLOOD_PT, SUMMIT_ES, FLOOD_ES, FOOTBALL_ES]
    words = " ".join(stories).split()

    def document() -> str:  # a mix of the stories' words: many near ties to break alike
        return " ".join(rng.choice(words, size=int(rng.integers(5, 40))))

    pt_docs, es_docs = [document() for _ in range(23)], [document() for _ in range(19)]
    whole = pair_documents(pt_docs, es_docs, AlignConfig())
    monkeypatch.setattr(documents, "DOCUMENT_BLOCK", 4)  # 6 and 5 blocks
    assert pair_documents(pt_docs, es_docs, AlignConfig()) == whole
    assert len(whole) >= 10
