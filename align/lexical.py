"""The weight-free lexical similarity source: character n-grams of accent-folded text, plus anchors.

Works for any pair of languages written in scripts that share characters; strongest for related
languages (PT/ES share most word stems) and always useful for names, numbers and acronyms.
Vectors are hashed (bounded memory, no vocabulary to store), TF-IDF weighted with an IDF fitted on
the texts being aligned, and L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import scipy.sparse as sp

METHOD_ID = "charngram.v1"

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+")


@cache
def _fold_table() -> dict[int, str]:
    """Latin-1 and Latin Extended-A letters mapped to their base letter (fast accent folding)."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base and base != char:
            table[code] = base
    return table


def fold(text: str) -> str:
    """Lowercase and strip accents: ``Ação`` -> ``acao`` (other scripts pass through)."""
    return text.casefold().translate(_fold_table())


@dataclass(frozen=True)
class LexicalConfig:
    """Character n-gram settings (word-bounded n-grams, hashed)."""

    ngram_min: int = 3
    ngram_max: int = 5
    n_features: int = 2**20


class LexicalEncoder:
    """Character n-gram count vectors and TF-IDF weighting over a pair of texts.

    ``counts`` rows add up: the vector of two consecutive sentences is the sum of their rows,
    which the parallel aligner uses for n-m beads.
    """

    method_id = METHOD_ID

    def __init__(self, config: LexicalConfig | None = None) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.config = config or LexicalConfig()
        self._vectorizer = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(self.config.ngram_min, self.config.ngram_max),
            n_features=self.config.n_features,
            alternate_sign=False,
            norm=None,
            preprocessor=fold,
            dtype=np.float32,
        )

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw n-gram counts, one row per text."""
        return sp.csr_matrix(self._vectorizer.transform(list(texts)), dtype=np.float32)

    @staticmethod
    def idf(*count_matrices: sp.csr_matrix) -> np.ndarray:
        """Smoothed IDF of each hashed n-gram over all rows of the given matrices."""
        n_rows = sum(m.shape[0] for m in count_matrices)
        df = np.zeros(count_matrices[0].shape[1], dtype=np.float64)
        for matrix in count_matrices:
            df += np.bincount(matrix.indices, minlength=matrix.shape[1])
        return np.asarray(np.log((1.0 + n_rows) / (1.0 + df)) + 1.0, dtype=np.float32)

    @staticmethod
    def weight(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
        """Sublinear TF times IDF, rows L2-normalised (empty rows stay zero)."""
        weighted = counts.copy()
        weighted.data = (1.0 + np.log(weighted.data)).astype(np.float32)
        weighted = weighted.multiply(idf[np.newaxis, :]).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted, dtype=np.float32)

    def encode_pair(
        self, src: Sequence[str], tgt: Sequence[str]
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """TF-IDF vectors of both sides with one IDF fitted on both."""
        src_counts, tgt_counts = self.counts(src), self.counts(tgt)
        idf = self.idf(src_counts, tgt_counts)
        return self.weight(src_counts, idf), self.weight(tgt_counts, idf)


def numbers(text: str) -> frozenset[str]:
    """Digit groups with separators removed (``1.961`` and ``1,961`` -> ``1961``)."""
    return frozenset(re.sub(r"[.,]", "", match) for match in _NUMBER.findall(text))


def number_agreement(src: str, tgt: str) -> float:
    """+1 when both sides carry the same numbers, -1 when both carry numbers and share none,
    the Jaccard overlap in between, 0 when either side has no number."""
    a, b = numbers(src), numbers(tgt)
    if not a or not b:
        return 0.0
    shared = len(a & b)
    if shared == 0:
        return -1.0
    return shared / len(a | b)


def length_ratio(src: str, tgt: str) -> float:
    """Shorter over longer length in characters, in [0, 1] (1 for two empty strings)."""
    a, b = len(src), len(tgt)
    return 1.0 if max(a, b) == 0 else min(a, b) / max(a, b)
