"""What the word model's modules share: its EM settings and its expected counts (a prior).

A leaf module (it imports none of the others), so the table, the E-step units and the EM loop
can all depend on it; :mod:`alinea.align.words.translation` re-exports both classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alinea.config import check_range, runtime

TokenPair = tuple[Sequence[str], Sequence[str]]


@dataclass(frozen=True)
class TranslationConfig:
    """EM settings of the two directions.

    Attributes:
        ibm1_iterations: IBM-1 iterations (they initialise the translation table).
        hmm_iterations: HMM iterations after IBM-1.
        null_prob: probability of moving to the NULL state (an unaligned target token).
        alpha: Dirichlet concentration of the translation table (smaller = sparser; it also
            discounts every source word by ``target vocabulary x alpha``, so a rare word
            cannot explain many target tokens; chosen on XL-WA dev).
        max_jump: jumps wider than this share one bucket on each side (keep it >= sentence length).
        max_train_tokens: longer sentences are left out of training (not out of alignment).
        batch_cells: bound on ``batch x target length x states`` per forward-backward batch.
        cognate_prior: pseudo-count added to every co-occurring word pair whose orthographic
            similarity reaches ``cognate_min_similarity`` (times that similarity).
        cognate_min_similarity: see ``cognate_prior``.
        backoff: pseudo-count mass a source word receives, spread like the expected counts of
            its prefix class (see ``backoff_prefix``): a rare word borrows the translations of
            its inflected forms, a frequent one hardly notices (0 = off).
        backoff_prefix: words are grouped by their first ``backoff_prefix`` characters (both
            sides; shorter words are their own group).
        shards: the training pairs are split into this many shards by a stable hash of each
            pair (:func:`pair_key`); each EM iteration sums the shards' expected counts in
            shard order. The sums' last bits depend on the shards, never on the executor.
    """

    ibm1_iterations: int = 5
    hmm_iterations: int = 5
    null_prob: float = 0.15
    alpha: float = 0.1
    max_jump: int = 120
    max_train_tokens: int = 120
    batch_cells: int = runtime(3_000_000)
    cognate_prior: float = 2.0
    cognate_min_similarity: float = 0.7
    backoff: float = 4.0
    backoff_prefix: int = 4
    shards: int = 16

    def __post_init__(self) -> None:
        for name in ("ibm1_iterations", "hmm_iterations", "cognate_prior", "backoff"):
            check_range(name, getattr(self, name), 0)
        for name in ("max_jump", "max_train_tokens", "batch_cells", "backoff_prefix", "shards"):
            check_range(name, getattr(self, name), 1)
        check_range("null_prob", self.null_prob, 1e-9, 1 - 1e-9)
        check_range("alpha", self.alpha, 1e-12)
        check_range("cognate_min_similarity", self.cognate_min_similarity, 0.0, 1.0)


def pair_key(pair: TokenPair) -> str:
    """A stable key of a token pair (its shard does not move when other pairs come or go)."""
    src, tgt = pair
    return "\x1f".join(src) + "\x1e" + "\x1f".join(tgt)


@dataclass
class LexicalCounts:
    """Expected counts ``count(target | source)`` from a corpus (a reusable prior).

    ``src_words[src_index[k]]`` is translated by ``tgt_words[tgt_index[k]]`` with expected count
    ``counts[k]``; the empty source word is NULL. ``jumps`` are expected jump-width counts.
    """

    src_words: list[str]
    tgt_words: list[str]
    src_index: np.ndarray
    tgt_index: np.ndarray
    counts: np.ndarray
    jumps: np.ndarray
