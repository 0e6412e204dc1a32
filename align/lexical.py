"""The weight-free lexical similarity source: character n-grams of accent-folded text, plus anchors.

Works for any pair of languages written in scripts that share characters; strongest for related
languages (PT/ES share most word stems) and always useful for names, numbers and acronyms.
Vectors are hashed (bounded memory, no vocabulary to store), TF-IDF weighted with an IDF fitted on
the texts being aligned, and L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from alinea.text import fold

METHOD_ID = "charngram.v1"
# a pair with fewer entries than the hashed space over this renumbers its columns by a sort
SORT_BELOW_SHARE = 16

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class LexicalConfig:
    """Character n-gram settings: n-grams of each word padded with spaces, hashed into
    ``2**hash_bits`` columns."""

    ngram_min: int = 3
    ngram_max: int = 5
    hash_bits: int = 20
    chunk_chars: int = 2**20  # texts are hashed in chunks of about this many characters


_NON_WORD = re.compile(r"[\W_]+")
_BASE = np.uint64(0x100000001B3)  # polynomial hash base (odd, 64-bit)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing multiplier


def _normalised(text: str) -> str:
    """Folded words separated by single spaces, padded by one space on each side."""
    return " " + _NON_WORD.sub(" ", fold(text)).strip() + " "


class LexicalEncoder:
    """Character n-gram count vectors and TF-IDF weighting over a pair of texts.

    N-grams never cross a word boundary (each word is padded with spaces, as in ``" acordo "``)
    and are hashed with a deterministic 64-bit polynomial hash, vectorised with numpy. ``counts``
    rows add up: the vector of consecutive sentences is the sum of their rows, which the
    parallel aligner uses for n-m beads.
    """

    method_id = METHOD_ID

    def __init__(self, config: LexicalConfig | None = None) -> None:
        self.config = config or LexicalConfig()

    @property
    def n_features(self) -> int:
        """Number of hashed columns."""
        return 1 << self.config.hash_bits

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw n-gram counts, one row per text (a text longer than ``chunk_chars`` is hashed in
        pieces cut at spaces, whose rows are summed: n-grams never span a space, so the counts
        are the same, and memory stays bounded by a chunk, not by the text)."""
        blocks, batch, size = [], [], 0
        long_rows: list[tuple[int, sp.csr_matrix]] = []
        for row, text in enumerate(texts):
            normalised = _normalised(text)
            if len(normalised) > self.config.chunk_chars:
                long_rows.append((row, self._long_text(normalised)))
                normalised = " "  # its row is filled from the pieces below
            batch.append(normalised)
            size += len(batch[-1])
            if size >= self.config.chunk_chars:
                blocks.append(self._hash_block(batch))
                batch, size = [], 0
        if batch or not blocks:
            blocks.append(self._hash_block(batch))
        matrix = _stack_rows(blocks)
        if long_rows:
            filled = sp.lil_matrix(matrix.shape, dtype=np.float32)
            for row, counts in long_rows:
                filled[row] = counts
            matrix = sp.csr_matrix(matrix + filled.tocsr(), dtype=np.float32)
            matrix.sort_indices()
        return matrix

    def _long_text(self, normalised: str) -> sp.csr_matrix:
        """Counts of one long normalised text, hashed a piece at a time (one summed row)."""
        total = sp.csr_matrix((1, self.n_features), dtype=np.float32)
        start, step = 0, self.config.chunk_chars
        while start < len(normalised) - 1:
            stop = normalised.rfind(" ", start + 1, start + step)
            stop = normalised.find(" ", start + 1) if stop <= start else stop
            piece = normalised[start : stop + 1]  # from a space to a space, both kept
            total = total + self._hash_block([piece])
            start = stop
        total.sort_indices()
        return total

    def _hash_block(self, normalised: list[str]) -> sp.csr_matrix:
        joined = "\0".join(normalised)  # NUL marks text boundaries; no n-gram may contain it
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        starts = np.cumsum([0] + [len(t) + 1 for t in normalised[:-1]])
        is_space = codes == ord(" ")
        is_stop = codes == 0
        space_before = np.concatenate([[0], np.cumsum(is_space)])
        stop_before = np.concatenate([[0], np.cumsum(is_stop)])
        rows, cols = [], []
        shift = np.uint64(64 - self.config.hash_bits)
        for n in range(self.config.ngram_min, self.config.ngram_max + 1):
            count = len(codes) - n + 1
            if count <= 0:
                continue
            key = np.full(count, np.uint64(n), dtype=np.uint64)
            with np.errstate(over="ignore"):
                for k in range(n):
                    key = key * _BASE + codes[k : k + count] + np.uint64(1)
                column = (key * _MIX) >> shift
            position = np.arange(count)
            # inside one text, and spaces only at the ends (no n-gram spans two words)
            interior_spaces = space_before[position + n - 1] - space_before[position + 1]
            valid = (stop_before[position + n] == stop_before[position]) & (interior_spaces == 0)
            # a pure-space window (between two padded words) carries nothing
            valid &= ~(is_space[position] & is_space[position + n - 1] & (n <= 2))
            rows.append(np.searchsorted(starts, position[valid], side="right") - 1)
            cols.append(column[valid].astype(np.int64))
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        data = np.ones(len(row), dtype=np.float32)
        shape = (len(normalised), self.n_features)
        return sp.csr_matrix((data, (row, col)), shape=shape, dtype=np.float32)

    @staticmethod
    def idf(*count_matrices: sp.csr_matrix) -> np.ndarray:
        """Smoothed IDF of each hashed n-gram over all rows of the given matrices."""
        n_rows = sum(m.shape[0] for m in count_matrices)
        df = np.zeros(count_matrices[0].shape[1], dtype=np.float64)
        for matrix in count_matrices:
            df += np.bincount(matrix.indices, minlength=matrix.shape[1])
        return np.asarray(np.log((1.0 + n_rows) / (1.0 + df)) + 1.0, dtype=np.float32)

    @staticmethod
    def weight(counts: sp.csr_matrix, entry_idf: np.ndarray) -> sp.csr_matrix:
        """Sublinear TF times IDF (``entry_idf``: the IDF of each stored entry of ``counts``,
        ``idf[counts.indices]``), rows L2-normalised (empty rows stay zero)."""
        return LexicalEncoder._weight_in_place(
            sp.csr_matrix(counts, dtype=np.float32, copy=True), entry_idf
        )

    @staticmethod
    def _weight_in_place(counts: sp.csr_matrix, entry_idf: np.ndarray) -> sp.csr_matrix:
        """:meth:`weight`, overwriting ``counts`` (float32): no copy of a large matrix is held
        (the values equal the earlier form's, bit for bit: same float32 operations)."""
        data = counts.data
        np.log(data, out=data)
        data += np.float32(1.0)
        data *= entry_idf
        squares = sp.csr_matrix((data * data, counts.indices, counts.indptr), shape=counts.shape)
        norms = np.sqrt(np.asarray(squares.sum(axis=1)).ravel())
        del squares
        norms[norms == 0] = 1.0
        inverse = 1.0 / norms
        indices, rows = counts.indices, 1 << 16  # rows handled at once (a bounded temporary)
        for start in range(0, counts.shape[0], rows):
            span = counts.indptr[start : start + rows + 1]
            sizes = np.diff(span)
            data[span[0] : span[-1]] *= np.repeat(inverse[start : start + rows], sizes)
            # each row's entries in descending column order, as the earlier (COO) form left
            # them: sums over a row then add up in the same order, to the same float32 bits
            ends = np.repeat(span[:-1] + span[1:] - 1, sizes)
            flipped = ends - np.arange(span[0], span[-1])
            data[span[0] : span[-1]] = data[flipped]
            indices[span[0] : span[-1]] = indices[flipped]
        return sp.csr_matrix((data, indices, counts.indptr), shape=counts.shape)

    def encode_pair(
        self, src: Sequence[str], tgt: Sequence[str]
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """TF-IDF vectors of both sides with one IDF fitted on both, over the n-grams they
        hold only (a document pair touches a tiny part of the hashed space; renumbering the
        columns in order changes no dot product, and keeps every sparse product small); each
        side's counts become its vectors in place."""
        src_counts, tgt_counts = self.counts(src), self.counts(tgt)
        src_entries, tgt_entries, df = self._renumber(src_counts.indices, tgt_counts.indices)
        n_rows = src_counts.shape[0] + tgt_counts.shape[0]
        idf = np.asarray(np.log((1.0 + n_rows) / (1.0 + df)) + 1.0, dtype=np.float32)
        sides = []
        for counts, entries in ((src_counts, src_entries), (tgt_counts, tgt_entries)):
            compact = sp.csr_matrix(
                (counts.data, entries, counts.indptr), shape=(counts.shape[0], len(df))
            )
            sides.append(self._weight_in_place(compact, idf[entries]))
        return sides[0], sides[1]

    def _renumber(
        self, src: np.ndarray, tgt: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each entry's column renumbered as its rank among the present columns, for both
        sides, and the document frequency of each present column (each row holds a column
        once). Few entries are sorted; many are counted over the hashed space, which costs a
        pass over all its columns (too much for each of thousands of small document pairs).
        Both ways give the same numbers."""
        if len(src) + len(tgt) < self.n_features // SORT_BELOW_SHARE:
            columns, inverse = np.unique(np.concatenate([src, tgt]), return_inverse=True)
            df = np.bincount(inverse, minlength=len(columns))
            inverse = inverse.astype(src.dtype)
            return inverse[: len(src)], inverse[len(src) :], df
        df = np.bincount(src, minlength=self.n_features)
        df += np.bincount(tgt, minlength=self.n_features)
        present = df > 0
        rank = (np.cumsum(present) - 1).astype(src.dtype)
        return rank[src], rank[tgt], df[present]


def _stack_rows(blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
    """The blocks' rows in one float32 CSR matrix; each block is freed once copied (``blocks``
    is emptied), so the peak is the result plus one block, not twice the result."""
    nnz = sum(block.nnz for block in blocks)
    rows = sum(block.shape[0] for block in blocks)
    index_type = np.int32 if nnz < 2**31 else np.int64
    data = np.empty(nnz, dtype=np.float32)
    indices = np.empty(nnz, dtype=index_type)
    indptr = np.zeros(rows + 1, dtype=index_type)
    width, row, entry = blocks[0].shape[1], 0, 0
    blocks.reverse()
    while blocks:
        block = blocks.pop()
        data[entry : entry + block.nnz] = block.data
        indices[entry : entry + block.nnz] = block.indices
        indptr[row + 1 : row + 1 + block.shape[0]] = block.indptr[1:] + entry
        row, entry = row + block.shape[0], entry + block.nnz
    return sp.csr_matrix((data, indices, indptr), shape=(rows, width))


def numbers(text: str) -> frozenset[str]:
    """Digit groups with separators removed (``1.961`` and ``1,961`` -> ``1961``)."""
    return frozenset(re.sub(r"[.,]", "", match) for match in _NUMBER.findall(text))


def number_agreement(a: frozenset[str], b: frozenset[str]) -> float:
    """Agreement of two sentences' :func:`numbers`: +1 when they carry the same numbers, -1 when
    both carry numbers and share none, the Jaccard overlap in between, 0 when either has none."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / len(a | b) if shared else -1.0


def length_ratios(src_lengths: np.ndarray, tgt_lengths: np.ndarray) -> np.ndarray:
    """Shorter over longer length, element-wise, in [0, 1] (1 for two empty strings)."""
    longer = np.maximum(src_lengths, tgt_lengths).astype(np.float32)
    shorter = np.minimum(src_lengths, tgt_lengths).astype(np.float32)
    return np.where(longer > 0, shorter / np.maximum(longer, 1), 1.0).astype(np.float32)
