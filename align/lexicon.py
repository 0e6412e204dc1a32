"""A bilingual word lexicon learned from the corpus's own confident sentence pairs.

Character n-grams and word coverage see cognates (``acordo``/``acuerdo``) but not the common
words the two languages spell differently (``hoje``/``hoy``, ``disse``/``dijo``,
``jantar``/``cenar``). The pairs a first mining pass is sure of are a small parallel corpus of
the text at hand: a word pair that co-occurs in many of them, and rarely apart, is taken as a
translation (Dice association over sentence pairs, as in Smadja et al. 1996 and Melamed 2000),
with each word linked only to its best one or two partners, and only where orthography does not
already relate them. :class:`~alinea.align.coverage.WordCoverage` then counts a lexicon pair as
a match of the strength of its association, so a second pass sees translations as well as
cognates.

Counting is a sort of int64 keys over the confident pairs' word x word cells, a group of pairs
at a time (memory bounded by ``GROUP_CELLS``), so it stays linear in the confident pairs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alinea.align.coverage import words
from alinea.config import check_range

GROUP_CELLS = 2**22  # word x word cells counted at once (no effect on output)


@dataclass(frozen=True)
class LexiconConfig:
    """How the lexicon is learned.

    Attributes:
        confident: first-pass probability from which a mined pair teaches the lexicon.
        min_pairs: confident pairs below which no lexicon is learned (too little evidence).
        min_count: confident pairs a word pair must share.
        min_dice: Dice association a word pair needs.
        partners: each word keeps at most this many partners (its best by Dice).
    """

    confident: float = 0.5
    min_pairs: int = 50
    min_count: int = 2
    min_dice: float = 0.3
    partners: int = 2

    def __post_init__(self) -> None:
        check_range("confident", self.confident, 0.0, 1.0)
        check_range("min_pairs", self.min_pairs, 1)
        check_range("min_count", self.min_count, 1)
        check_range("min_dice", self.min_dice, 0.0, 1.0)
        check_range("partners", self.partners, 1)


@dataclass(frozen=True)
class Lexicon:
    """Word pairs ``(src[k], tgt[k])`` (accent-folded words) and their association in (0, 1]."""

    src: tuple[str, ...]
    tgt: tuple[str, ...]
    strength: np.ndarray

    def __len__(self) -> int:
        return len(self.src)

    @classmethod
    def empty(cls) -> Lexicon:
        return cls((), (), np.zeros(0, dtype=np.float32))

    def digest(self) -> str:
        """A short digest of the entries (cached alignments name the lexicon they used)."""
        text = json.dumps([self.src, self.tgt, self.strength.tolist()], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def learn(
    src: Sequence[str],
    tgt: Sequence[str],
    pairs: Sequence[tuple[int, int]],
    config: LexiconConfig | None = None,
) -> Lexicon:
    """The lexicon the sentence pairs ``(src[i], tgt[j])`` of ``pairs`` teach (module docstring).

    Identical words are left out (coverage already matches them).
    """
    config = config or LexiconConfig()
    if len(pairs) < config.min_pairs:
        return Lexicon.empty()
    words_src = [set(words(src[i])) for i, _ in pairs]
    words_tgt = [set(words(tgt[j])) for _, j in pairs]
    # ids in word order: the lexicon does not depend on the order of the pairs
    vocab_src = {w: k for k, w in enumerate(sorted(set().union(*words_src)))}
    vocab_tgt = {w: k for k, w in enumerate(sorted(set().union(*words_tgt)))}
    side_src = [_ids(found, vocab_src) for found in words_src]
    side_tgt = [_ids(found, vocab_tgt) for found in words_tgt]
    freq_src = _frequencies(side_src, len(vocab_src))
    freq_tgt = _frequencies(side_tgt, len(vocab_tgt))
    keys, counts = _cooccurrences(side_src, side_tgt, len(vocab_tgt))
    keep = counts >= config.min_count
    keys, counts = keys[keep], counts[keep]
    s, t = keys // len(vocab_tgt), keys % len(vocab_tgt)
    dice = 2.0 * counts / (freq_src[s] + freq_tgt[t])
    keep = dice >= config.min_dice
    s, t, dice = s[keep], t[keep], dice[keep]
    best = _top(s, dice, config.partners) & _top(t, dice, config.partners)
    s, t, dice = s[best], t[best], dice[best]
    names_src = np.array(list(vocab_src), dtype=object)
    names_tgt = np.array(list(vocab_tgt), dtype=object)
    different = names_src[s] != names_tgt[t]
    order = np.lexsort((names_tgt[t][different], names_src[s][different]))
    return Lexicon(
        tuple(names_src[s][different][order]),
        tuple(names_tgt[t][different][order]),
        dice[different][order].astype(np.float32),
    )


def _ids(found: set[str], vocabulary: dict[str, int]) -> np.ndarray:
    """The words ``found`` as sorted ids of ``vocabulary``."""
    return np.array(sorted(vocabulary[w] for w in found), dtype=np.int64)


def _frequencies(sides: Sequence[np.ndarray], size: int) -> np.ndarray:
    """In how many of the pairs each word id occurs."""
    if not sides:
        return np.zeros(size, dtype=np.int64)
    return np.bincount(np.concatenate(sides), minlength=size)


def _cooccurrences(
    side_src: Sequence[np.ndarray], side_tgt: Sequence[np.ndarray], width: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every co-occurring word pair as the key ``s * width + t``, and in how many pairs."""
    keys_parts: list[np.ndarray] = []
    count_parts: list[np.ndarray] = []
    batch: list[np.ndarray] = []
    cells = 0
    for a, b in zip(side_src, side_tgt, strict=True):
        batch.append((a[:, None] * width + b[None, :]).ravel())
        cells += len(a) * len(b)
        if cells >= GROUP_CELLS:
            keys_parts, count_parts = _merge(keys_parts, count_parts, batch)
            batch, cells = [], 0
    keys_parts, count_parts = _merge(keys_parts, count_parts, batch)
    return keys_parts[0], count_parts[0]


def _merge(
    keys_parts: list[np.ndarray], count_parts: list[np.ndarray], batch: list[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The counts so far and the ``batch`` of new cells, merged into one sorted table."""
    new = np.concatenate(batch) if batch else np.zeros(0, dtype=np.int64)
    keys = np.concatenate([*keys_parts, new])
    counts = np.concatenate([*count_parts, np.ones(len(new), dtype=np.int64)])
    unique, inverse = np.unique(keys, return_inverse=True)
    return [unique], [np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)]


def _top(owner: np.ndarray, score: np.ndarray, limit: int) -> np.ndarray:
    """Mask of the entries among the ``limit`` best by ``score`` of their ``owner`` (ties by
    position)."""
    order = np.lexsort((np.arange(len(owner)), -score, owner))
    grouped = owner[order]
    first = np.searchsorted(grouped, grouped, side="left")
    rank = np.empty(len(owner), dtype=np.int64)
    rank[order] = np.arange(len(owner)) - first
    return rank < limit
