"""Word coverage: how much of each sentence of a pair the other sentence says.

Every word is matched to its most similar word on the other side (normalised Indel similarity
of the accent-folded forms, so cognates such as ``assistencia``/``asistencia`` match);
similarities below 0.5 count as nothing and the rest ramp linearly to 1. A sentence's coverage
is the IDF-weighted mean of its words' matches (IDF over both texts, so function words weigh
little). Translations cover each other well; sentences that merely share a topic word do not.

Candidates are scored a group at a time: all candidates of one sentence of the side with fewer
distinct sentences share one similarity matrix (that sentence's words against the words of all
its partners), so a 20-sentence document against 400,000 sentences computes 20 matrices, not
one per candidate. Each candidate's sums are then reduced over its own words only, so its
numbers do not depend on the batch or the group it was scored in.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from alinea.text import fold

if TYPE_CHECKING:
    from alinea.align.lexicon import Lexicon

_NON_WORD = re.compile(r"[\W_]+")
GROUP_CELLS = 2**22  # word x word similarities held at once (no effect on output)


def words(text: str) -> list[str]:
    """Accent-folded words of two letters or more, digits excluded (numbers are anchors)."""
    return [w for w in _NON_WORD.sub(" ", fold(text)).split() if len(w) > 1 and not w.isdigit()]


def word_coverage(
    src: Sequence[str], tgt: Sequence[str], rows: np.ndarray, cols: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """How much of each side of the pairs ``(src[rows[t]], tgt[cols[t]])`` the other side covers
    (:class:`WordCoverage`, for one batch of pairs).

    Returns:
        Coverage of the source sentence and of the target sentence, each in [0, 1].
    """
    return WordCoverage(src, tgt).of(rows, cols)


class _Side:
    """One side's sentences as word ids: one flat array and each sentence's offsets."""

    def __init__(self, texts: Sequence[str], vocabulary: dict[str, int]) -> None:
        ids = [[vocabulary.setdefault(w, len(vocabulary)) for w in words(t)] for t in texts]
        self.lengths = np.array([len(s) for s in ids], dtype=np.int64)
        self.starts = _starts(self.lengths)
        self.flat = np.fromiter((w for s in ids for w in s), np.int64, int(self.lengths.sum()))

    def sentence(self, i: int) -> np.ndarray:
        return self.flat[self.starts[i] : self.starts[i] + self.lengths[i]]

    def positions(self, sentences: np.ndarray) -> np.ndarray:
        """Flat positions of the words of ``sentences``, concatenated in their order."""
        return _ranges(self.starts[sentences], self.lengths[sentences])

    def document_frequencies(self, size: int) -> np.ndarray:
        """In how many of the side's sentences each of ``size`` word ids occurs."""
        sentence = np.repeat(np.arange(len(self.lengths), dtype=np.int64), self.lengths)
        present = np.unique(sentence * size + self.flat)
        return np.bincount(present % size, minlength=size)


def _starts(lengths: np.ndarray) -> np.ndarray:
    """Start of each segment of ``lengths`` in their concatenation."""
    return np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The ranges ``starts[k] .. starts[k] + lengths[k]``, concatenated."""
    offsets = np.repeat(starts - _starts(lengths), lengths)
    return offsets + np.arange(int(lengths.sum()), dtype=np.int64)


def _pieces(group: np.ndarray, cells: np.ndarray, limit: int) -> list[np.ndarray]:
    """``group`` cut into consecutive pieces of at most ``limit`` cells each (at least one
    item per piece)."""
    cut = np.cumsum(cells) // max(limit, 1)
    return np.split(group, np.flatnonzero(np.diff(cut)) + 1)


class WordCoverage:
    """Word coverage of sentence pairs of two texts (module docstring). Words are kept as
    vocabulary ids, so that large texts cost little memory between batches of pairs."""

    def __init__(
        self, src: Sequence[str], tgt: Sequence[str], lexicon: Lexicon | None = None
    ) -> None:
        vocabulary: dict[str, int] = {}
        self._sides = (_Side(src, vocabulary), _Side(tgt, vocabulary))
        self._words = list(vocabulary)
        self._lexicon_keys, self._lexicon_strength = _lexicon_table(lexicon, vocabulary)
        df = sum(side.document_frequencies(len(vocabulary)) for side in self._sides)
        total = len(src) + len(tgt)
        # each weight as the float IDF rounded once to float32
        self._idf = np.array(
            [float(np.log((1 + total) / (1 + count)) + 1.0) for count in np.asarray(df).tolist()],
            dtype=np.float32,
        )

    def with_lexicon(self, lexicon: Lexicon) -> WordCoverage:
        """The same texts' coverage, counting ``lexicon``'s translations as matches (the texts
        are not tokenised again)."""
        other = copy.copy(self)
        vocabulary = {w: i for i, w in enumerate(self._words)}
        other._lexicon_keys, other._lexicon_strength = _lexicon_table(lexicon, vocabulary)
        return other

    def of(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coverage of the source and of the target sentence of each pair ``(rows[t], cols[t])``,
        each in [0, 1] (0 when either side has no words)."""
        cover_src, cover_tgt, _ = self.with_halves(rows, cols)
        return cover_src, cover_tgt

    def with_halves(
        self, rows: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`of`, and the coverage of the worst covered half (first or second half of the
        words) of either sentence: low when only part of a sentence has a counterpart, as when
        two sentences share one clause and differ in the rest."""
        ends = (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))
        lengths = [side.lengths[own] for side, own in zip(self._sides, ends, strict=True)]
        scored = np.flatnonzero((lengths[0] > 0) & (lengths[1] > 0))
        out = np.zeros((3, len(ends[0])), dtype=np.float32)
        if not len(scored):
            return out[0], out[1], out[2]
        ends = (ends[0][scored], ends[1][scored])
        lengths = [length[scored] for length in lengths]
        best = self._best_matches(ends, lengths)
        covers, halves = [], []
        for side, own, length, match in zip(self._sides, ends, lengths, best, strict=True):
            weight = self._idf[side.flat[side.positions(own)]].astype(np.float64)
            whole, first, second = _weighted_means(match * weight, weight, length)
            covers.append(whole)
            halves.append(np.where(length // 2 == 0, whole, np.minimum(first, second)))
        out[0, scored], out[1, scored] = covers
        out[2, scored] = np.minimum(*halves)
        return out[0], out[1], out[2]

    def _best_matches(
        self, ends: tuple[np.ndarray, np.ndarray], lengths: list[np.ndarray]
    ) -> list[np.ndarray]:
        """Per side, each word's best ramped similarity to the other sentence of its pair, flat
        over the pairs (pair-major, then word order)."""
        key = 0 if len(np.unique(ends[0])) <= len(np.unique(ends[1])) else 1
        other = 1 - key
        best = [np.zeros(int(length.sum()), dtype=np.float32) for length in lengths]
        starts = [_starts(length) for length in lengths]
        order = np.argsort(ends[key], kind="stable")
        bounds = np.flatnonzero(np.diff(ends[key][order])) + 1
        for whole in np.split(order, bounds):
            key_words = self._sides[key].sentence(int(ends[key][whole[0]]))
            cells = len(key_words) * lengths[other][whole]
            for group in _pieces(whole, cells, GROUP_CELLS):
                self._match_group(key_words, key, group, ends[other], lengths[other], starts, best)
        return best

    def _translations(self, key_words: np.ndarray, vocabulary: np.ndarray, key: int) -> np.ndarray:
        """Lexicon strength of each key word x vocabulary word (0 for pairs it lacks), with the
        key words on side ``key``."""
        size = len(self._words)
        if key == 0:
            cells = key_words[:, None] * size + vocabulary[None, :]
        else:
            cells = vocabulary[None, :] * size + key_words[:, None]
        at = np.minimum(np.searchsorted(self._lexicon_keys, cells), len(self._lexicon_keys) - 1)
        return np.where(self._lexicon_keys[at] == cells, self._lexicon_strength[at], 0.0)

    def _match_group(
        self,
        key_words: np.ndarray,
        key: int,
        group: np.ndarray,
        partners: np.ndarray,
        widths_of: np.ndarray,
        starts: list[np.ndarray],
        best: list[np.ndarray],
    ) -> None:
        """Fill ``best`` for the pairs ``group``, which share the sentence ``key_words`` on side
        ``key``: one similarity matrix, that sentence's words x its partners' words."""
        from rapidfuzz.distance import Indel
        from rapidfuzz.process import cdist

        other = 1 - key
        side = self._sides[other]
        vocabulary, column = np.unique(
            side.flat[side.positions(partners[group])], return_inverse=True
        )
        similar = cdist(
            [self._words[w] for w in key_words],
            [self._words[w] for w in vocabulary],
            scorer=Indel.normalized_similarity,
            dtype=np.float32,
        )
        ramp = np.clip((similar - 0.5) / 0.5, 0.0, 1.0)
        if len(self._lexicon_keys):
            ramp = np.maximum(ramp, self._translations(key_words, vocabulary, key))
        ramp = ramp[:, column]  # key word x partner word
        widths = widths_of[group]
        # the key sentence's words: the best of each partner's own columns
        slots = starts[key][group][None, :] + np.arange(len(key_words))[:, None]
        best[key][slots] = np.maximum.reduceat(ramp, _starts(widths), axis=1)
        # the partners' words: the best of the key sentence's words
        best[other][_ranges(starts[other][group], widths)] = ramp.max(axis=0)


def _lexicon_table(
    lexicon: Lexicon | None, vocabulary: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The lexicon's pairs of words both texts hold, as sorted keys ``src_id * V + tgt_id`` of
    the shared ``vocabulary`` (size ``V``), and their strengths."""
    if lexicon is None or not len(lexicon):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    size = len(vocabulary)
    known = [
        (vocabulary[s] * size + vocabulary[t], float(w))
        for s, t, w in zip(lexicon.src, lexicon.tgt, lexicon.strength, strict=True)
        if s in vocabulary and t in vocabulary
    ]
    known.sort()
    keys = np.array([k for k, _ in known], dtype=np.int64)
    return keys, np.array([w for _, w in known], dtype=np.float32)


def _weighted_means(
    weighted: np.ndarray, weight: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per segment of ``lengths`` (flat, in order): ``sum(weighted) / sum(weight)`` over the
    whole segment, over its first ``length // 2`` items and over the rest (0 when empty)."""
    starts = _starts(lengths)
    half = starts + lengths // 2
    marks = np.stack([starts, half]).T.ravel()  # whole segments are the sum of both halves
    sums = np.add.reduceat(np.stack([weighted, weight]), marks, axis=1)
    empty_first = lengths // 2 == 0  # reduceat yields the next item for an empty slice
    first_num = np.where(empty_first, 0.0, sums[0, 0::2])
    first_den = np.where(empty_first, 0.0, sums[1, 0::2])
    second_num, second_den = sums[0, 1::2], sums[1, 1::2]
    whole = (first_num + second_num) / np.maximum(first_den + second_den, 1e-30)
    first = first_num / np.maximum(first_den, 1e-30)
    second = second_num / np.maximum(second_den, 1e-30)
    return whole, first, second
