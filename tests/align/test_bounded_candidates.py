"""Bounded candidates: a strongly asymmetric pair mined a chunk of candidates at a time, keeping
only the candidates that can still win, gives exactly the beads of the unbounded computation."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

import numpy as np
import pytest

from alinea.align import mining
from alinea.align.coverage import WordCoverage, word_coverage
from alinea.align.lexical import LexicalConfig, LexicalEncoder
from alinea.align.mining import MiningConfig

WORDS = [
    *("presidente", "acordo", "tratado", "visita", "governo", "ministro", "cidade", "eleição"),
    *("economia", "guerra", "paz", "sanções", "exército", "mercado", "banco", "futebol"),
    *("chuva", "museu", "escola", "saúde", "vacina", "vírus", "fronteira"),
]


def asymmetric_texts(n: int, m: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """``n`` source sentences of random content words against ``m`` target sentences, most of
    them near copies of a source sentence (shared words make many competing candidates)."""
    rng = random.Random(seed)
    src = [" ".join(rng.choices(WORDS, k=8)) + f" {k}" for k in range(n)]
    tgt = [" ".join(rng.sample(src[rng.randrange(n)].split(), 6)) for _ in range(m - 1)]
    return src, [*tgt, "uma frase sem nada em comum"]


class HashEncoder:
    """A deterministic stand-in encoder: a random unit vector per text, nudged towards the
    vectors of its words, so sentences sharing words are close."""

    method_id = "test-hash.v1"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.split():
                seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:4], "little")
                out[row] += np.random.default_rng(seed).standard_normal(16).astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)


def _unbounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mining, "CANDIDATE_CHUNK", 10**9)
    monkeypatch.setattr(mining, "winnable", lambda src, *_: np.ones(len(src), dtype=bool))


@pytest.mark.parametrize("neural", [False, True])
def test_asymmetric_pair_bounded_equals_unbounded(
    monkeypatch: pytest.MonkeyPatch, neural: bool
) -> None:
    src, tgt = asymmetric_texts(400, 6)
    config = MiningConfig(threshold=0.05, rescore_band=(0.02, 0.9))
    encoder = HashEncoder() if neural else None
    with monkeypatch.context() as patch:
        patch.setattr(mining, "CANDIDATE_CHUNK", 97)  # several chunks, one of them partial
        bounded_plan = mining.plan(src, tgt, config, neural)
        bounded = mining.finish(bounded_plan, config, encoder)
    with monkeypatch.context() as patch:
        _unbounded(patch)
        full_plan = mining.plan(src, tgt, config, neural)
        full = mining.finish(full_plan, config, encoder)
    assert bounded_plan is not None and full_plan is not None
    kept, total = len(bounded_plan.candidates.src), len(full_plan.candidates.src)
    # the case must bite: far fewer candidates kept, at most 6 per target beyond the exempt ones
    assert kept <= 6 * 6 + len(bounded_plan.subset) < total
    assert len(full) >= 3
    assert full == bounded
    np.testing.assert_array_equal(
        sorted(bounded_plan.texts_to_embed()), sorted(full_plan.texts_to_embed())
    )


def test_winnable_keeps_what_greedy_selection_can_pick() -> None:
    rng = np.random.default_rng(0)
    n, m = 30, 3
    src = rng.integers(0, n, 200)
    tgt = rng.integers(0, m, 200)
    keys = np.unique(src * m + tgt)
    src, tgt = keys // m, keys % m
    prob = rng.random(len(src)).astype(np.float32)
    exempt = np.zeros(len(src), dtype=bool)
    keep = mining.winnable(src, tgt, prob, exempt, n, m)
    assert keep.sum() <= m * m < len(src)
    candidates = mining.Candidates(src, tgt, {})
    kept = mining.Candidates(src[keep], tgt[keep], {})
    assert mining._select(candidates, prob, 0.0) == mining._select(kept, prob[keep], 0.0)


def test_word_coverage_by_batches_equals_one_call() -> None:
    src, tgt = asymmetric_texts(40, 5, seed=3)
    rows = np.repeat(np.arange(40), 5)
    cols = np.tile(np.arange(5), 40)
    whole = word_coverage(src, tgt, rows, cols)
    coverage = WordCoverage(src, tgt)
    parts = [coverage.of(rows[s : s + 33], cols[s : s + 33]) for s in range(0, len(rows), 33)]
    for side in (0, 1):
        np.testing.assert_array_equal(whole[side], np.concatenate([p[side] for p in parts]))


def test_long_texts_are_hashed_in_pieces_to_the_same_counts() -> None:
    src, tgt = asymmetric_texts(300, 5, seed=1)
    texts = [" ".join(src), "curto", " ".join(tgt) + " fim!", "", "outra frase"]
    pieces = LexicalEncoder(LexicalConfig(chunk_chars=500)).counts(texts)
    whole = LexicalEncoder().counts(texts)
    for part in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(pieces, part), getattr(whole, part))


def test_sorted_and_counted_column_renumbering_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    src, tgt = asymmetric_texts(40, 30, seed=2)
    expected = LexicalEncoder().encode_pair(src, tgt)  # few entries: sorted
    monkeypatch.setattr("alinea.align.lexical.SORT_BELOW_SHARE", 2**30)  # counted, always
    for want, got in zip(expected, LexicalEncoder().encode_pair(src, tgt), strict=True):
        assert want.shape == got.shape
        for part in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(want, part), getattr(got, part))
