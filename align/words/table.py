"""One direction's parameters and the M-step that IBM-1 and the HMM share.

Tokens are casefolded and numbered per side (id 0 is the empty string: NULL on the source
side). Only word pairs that co-occur in some training pair (or in the prior) get a table entry:
the entries are the sorted keys ``e * STRIDE + f``, and every cell of a pair's grid (target
token x NULL + source tokens) points at its entry, or at a zero slot past the end.

The M-step adds three kinds of counts to the E-step's expected counts: those of a prior
(another corpus, :class:`~alinea.align.words.base.LexicalCounts`), pseudo-counts for
orthographically similar pairs (cognates, names, numbers) and a prefix back-off (a rare word
borrows the translations of its inflected forms). It then estimates the table with variational
Bayes (a sparse Dirichlet prior; Riley & Gildea 2012), which keeps rare words from becoming
garbage collectors on small corpora; after HMM E-steps it also re-estimates the jump widths.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma

from alinea.align.words.base import LexicalCounts, TokenPair, TranslationConfig
from alinea.align.words.orthography import pair_similarity

logger = logging.getLogger(__name__)

STRIDE = 1 << 32  # key of a table entry: source id * STRIDE + target id
Encoded = tuple[np.ndarray, np.ndarray]  # token ids: source (NULL first), target
CELLS_PER_GROUP = 1 << 22  # grid cells whose keys ``prepare`` holds at once (32 MiB)


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for integers, by one stable sort: the same
    arrays, several times faster than numpy 2's hashing ``unique`` on millions of keys."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def sorted_union(parts: Iterable[np.ndarray]) -> np.ndarray:
    """The sorted distinct values of all ``parts`` (integer arrays), holding about three
    times the result rather than every part at once: each part is made unique, then merged
    into a stack of sorted runs whose sizes at least double downwards (each merge is a
    stable sort of two sorted runs, i.e. linear)."""
    stack: list[np.ndarray] = []
    for part in parts:
        run = _merge_unique(np.sort(part), np.zeros(0, part.dtype))  # numpy's hashing is slower
        while stack and len(stack[-1]) <= 2 * len(run):
            run = _merge_unique(stack.pop(), run)
        stack.append(run)
    merged = np.zeros(0, np.int64)
    while stack:
        merged = _merge_unique(stack.pop(), merged)
    return merged


def _merge_unique(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sorted distinct values of two sorted, distinct arrays."""
    both = np.concatenate((a, b))
    both.sort(kind="stable")  # timsort: sorted runs merge in linear time
    keep = np.empty(len(both), dtype=bool)
    keep[:1] = True
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    merged: np.ndarray = both[keep]
    return merged


def table_groups(encoded: Sequence[Encoded], cells: int | None = None) -> list[slice]:
    """Consecutive slices of ``encoded`` of about ``cells`` grid cells each (default
    :data:`CELLS_PER_GROUP`)."""
    cells = cells or CELLS_PER_GROUP
    sizes = np.array([len(f) * len(e) for e, f in encoded], dtype=np.int64)
    bounds = np.searchsorted(np.cumsum(sizes), np.arange(cells, int(sizes.sum()), cells))
    edges = [0, *np.unique(bounds + 1).tolist(), len(encoded)]
    return [slice(lo, hi) for lo, hi in itertools.pairwise(edges) if hi > lo]


def normalise_token(token: str) -> str:
    """The form the translation model sees: lowercased, accents kept (PT ``é`` is not ``e``)."""
    return token.casefold()


class Vocabulary:
    """Token -> id; id 0 is the empty string (NULL on the source side)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {"": 0}
        self.words: list[str] = [""]

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Ids of ``tokens``, adding the new ones."""
        out = np.empty(len(tokens), dtype=np.int64)
        for k, token in enumerate(tokens):
            idx = self.ids.get(token)
            if idx is None:
                idx = self.ids[token] = len(self.words)
                self.words.append(token)
            out[k] = idx
        return out


def _known_ids(ids: dict[str, int], tokens: Sequence[str]) -> np.ndarray:
    """Ids of ``tokens`` (normalised here); unknown ones get an id past the vocabulary."""
    unknown = len(ids) + 1
    return np.array([ids.get(normalise_token(t), unknown) for t in tokens], np.int64)


@dataclass
class Shard:
    """Pairs of one direction, encoded: what an E-step reads of them (a corpus, or a shard).

    Attributes:
        encoded: token ids per pair (source with NULL first).
        cells: table index of every cell of each pair's grid, target-major.
    """

    encoded: list[Encoded]
    cells: list[np.ndarray]

    def take(self, items: Sequence[int]) -> Shard:
        """The pairs at ``items``, in that order."""
        return Shard([self.encoded[n] for n in items], [self.cells[n] for n in items])


@dataclass
class Corpus(Shard):
    """Training pairs of one direction, encoded, and the counts every M-step adds.

    Attributes:
        prior: prior (and cognate) counts per table entry.
        classes: prefix-class pair per entry and source class per pair (for ``backoff``).
    """

    prior: np.ndarray
    classes: tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class KnownEncoding:
    """What encoding pairs to align needs of a trained direction: its two vocabularies and the
    table's sorted keys (picklable: each worker encodes its own shard of pairs)."""

    src_ids: dict[str, int]
    tgt_ids: dict[str, int]
    keys: np.ndarray

    def encode(self, pairs: Sequence[TokenPair]) -> Shard:
        """Ids and cells of ``pairs`` (unknown tokens get an id past the vocabulary, unknown
        word pairs the table's zero slot)."""
        encoded = [
            (np.concatenate(([0], _known_ids(self.src_ids, src))), _known_ids(self.tgt_ids, tgt))
            for src, tgt in pairs
        ]
        cells = [lookup(self.keys, DirectionModel.cell_keys(e, f)) for e, f in encoded]
        return Shard(encoded, cells)


def lookup(table_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Index of each key among the sorted ``table_keys``, ``len(table_keys)`` (the zero slot)
    when absent."""
    if not len(table_keys):
        return np.zeros(len(keys), dtype=np.int64)
    if len(keys) < 1 << 16:
        pos = np.searchsorted(table_keys, keys)
    else:  # sorted queries walk the table in order: several times faster than random ones
        order = np.argsort(keys)
        pos = np.empty(len(keys), dtype=np.int64)
        pos[order] = np.searchsorted(table_keys, keys[order])
    np.minimum(pos, len(table_keys) - 1, out=pos)
    return np.where(table_keys[pos] == keys, pos, len(table_keys))


@dataclass(frozen=True)
class Parameters:
    """What an E-step reads of one direction's model: the translation table with the zero
    slot of absent pairs appended (its last index), the jump-width counts and the settings."""

    table: np.ndarray
    jumps: np.ndarray
    config: TranslationConfig

    @property
    def absent(self) -> int:
        """The table index of pairs that have no entry."""
        return len(self.table) - 1


class DirectionModel:
    """One direction (target tokens generated from source positions): the vocabularies, the
    translation table ``t(f | e)`` over co-occurring pairs and the jump-width counts."""

    def __init__(self, config: TranslationConfig | None = None) -> None:
        self.config = config or TranslationConfig()
        self.src_vocab = Vocabulary()
        self.tgt_vocab = Vocabulary()
        self.keys: np.ndarray = np.zeros(0, dtype=np.int64)  # sorted keys of the entries
        self.probs: np.ndarray = np.zeros(0)  # t(f | e) per entry
        self.jumps: np.ndarray = np.ones(2 * self.config.max_jump + 1)  # jump-width counts
        self.expected: np.ndarray = np.zeros(0)  # expected counts of the last E-step
        self.prior_jumps: np.ndarray = np.zeros_like(self.jumps)

    # ---- encoding --------------------------------------------------------------------
    def encode(self, pairs: Sequence[TokenPair]) -> list[Encoded]:
        """Ids of the tokens of ``pairs`` (growing the vocabularies), NULL first on the source."""
        out = []
        for src, tgt in pairs:
            e = self.src_vocab.encode([normalise_token(t) for t in src])
            f = self.tgt_vocab.encode([normalise_token(t) for t in tgt])
            out.append((np.concatenate(([0], e)), f))
        return out

    def encode_known(self, pairs: Sequence[TokenPair]) -> Shard:
        """Ids and cells of pairs to align (the vocabularies and the table stay as they are)."""
        return self.known_encoding().encode(pairs)

    def known_encoding(self) -> KnownEncoding:
        """What :meth:`encode_known` reads, to encode pairs elsewhere (in a worker)."""
        return KnownEncoding(self.src_vocab.ids, self.tgt_vocab.ids, self.keys)

    @staticmethod
    def cell_keys(e: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Keys of the (J, I+1) grid of one sentence pair, target-major."""
        keys: np.ndarray = (e[None, :] * STRIDE + f[:, None]).ravel()
        return keys

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Index of each key in the table, ``len(table)`` (the zero slot) when absent."""
        return lookup(self.keys, keys)

    def parameters(self) -> Parameters:
        """The current parameters, as the E-steps read them."""
        return Parameters(np.append(self.probs, 0.0), self.jumps.copy(), self.config)

    # ---- training --------------------------------------------------------------------
    def prepare(self, pairs: Sequence[TokenPair], prior: LexicalCounts | None = None) -> Corpus:
        """Encode the training pairs and build the table of co-occurring words (uniform).

        The keys of the grids are made a group of pairs at a time, twice (once for the table,
        once for the cells), so memory holds the table and 4 bytes a cell, not every cell's key.
        """
        encoded = self.encode(pairs)
        prior_keys, prior_counts = self._prior_arrays(prior)
        groups = table_groups(encoded)
        self.keys = sorted_union(
            itertools.chain((self._group_keys(encoded[g]) for g in groups), [prior_keys])
        )
        index = np.int32 if len(self.keys) < 2**31 else np.int64  # 4 bytes a cell
        cells: list[np.ndarray] = []
        for group in groups:
            pieces = encoded[group]
            found = self.lookup(self._group_keys(pieces)).astype(index)
            cells += np.split(found, np.cumsum([len(f) * len(e) for e, f in pieces])[:-1])
        prior_vec: np.ndarray = np.zeros(len(self.keys))
        if prior is not None:
            slots = self.lookup(prior_keys)
            prior_vec = np.bincount(slots, prior_counts, minlength=len(self.keys) + 1)[:-1]
            self.prior_jumps = prior.jumps.copy()
        self.probs = np.full(len(self.keys), 1.0)  # IBM-1 starts uniform
        logger.debug("%d pairs, %d table entries", len(pairs), len(self.keys))
        return Corpus(encoded, cells, prior_vec, self._prefix_classes())

    def _group_keys(self, encoded: Sequence[Encoded]) -> np.ndarray:
        """The cell keys of ``encoded``, pair after pair."""
        return np.concatenate([np.zeros(0, np.int64), *(self.cell_keys(e, f) for e, f in encoded)])

    def cognate_counts(self, src_lang: str, tgt_lang: str) -> np.ndarray:
        """Pseudo-counts for the table entries whose two words look alike (cognates, names,
        numbers): ``cognate_prior x similarity`` at or above ``cognate_min_similarity``."""
        src_ids, tgt_ids = self.keys // STRIDE, self.keys % STRIDE
        sim = pair_similarity(
            self.src_vocab.words, self.tgt_vocab.words, src_ids, tgt_ids, src_lang, tgt_lang
        )
        sim[src_ids == 0] = 0.0  # NULL
        sim[sim < self.config.cognate_min_similarity] = 0.0
        return self.config.cognate_prior * sim

    def m_step(self, corpus: Corpus, expected: np.ndarray, jumps: np.ndarray | None) -> None:
        """Re-estimate the table from the E-step's expected counts per table entry (plus the
        prior) and, when jump counts are given (HMM E-steps), the jump distribution."""
        self.expected = expected
        counts = self.expected + corpus.prior
        if self.config.backoff > 0:
            counts += self._backoff(counts, *corpus.classes)
        self._normalise(counts)
        if jumps is not None:
            self.jumps = jumps + self.prior_jumps + 1e-3

    def counts(self, min_count: float = 0.5) -> LexicalCounts:
        """The expected counts of the last E-step as a reusable prior, entries below
        ``min_count`` dropped."""
        keep = np.flatnonzero(self.expected >= min_count)
        return LexicalCounts(
            src_words=list(self.src_vocab.words),
            tgt_words=list(self.tgt_vocab.words),
            src_index=self.keys[keep] // STRIDE,
            tgt_index=self.keys[keep] % STRIDE,
            counts=self.expected[keep].copy(),
            jumps=self.jumps.copy(),
        )

    def _prior_arrays(self, prior: LexicalCounts | None) -> tuple[np.ndarray, np.ndarray]:
        """Keys and counts of the prior's entries (its words join the vocabularies)."""
        if prior is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        e = self.src_vocab.encode(prior.src_words)[prior.src_index]
        f = self.tgt_vocab.encode(prior.tgt_words)[prior.tgt_index]
        return e * STRIDE + f, prior.counts

    def _prefix_classes(self) -> tuple[np.ndarray, np.ndarray]:
        """The prefix-class pair of every table entry, and the source class of every pair."""
        k = self.config.backoff_prefix
        _, src_class = np.unique([w[:k] for w in self.src_vocab.words], return_inverse=True)
        _, tgt_class = np.unique([w[:k] for w in self.tgt_vocab.words], return_inverse=True)
        width = int(tgt_class.max()) + 1
        pair = src_class[self.keys // STRIDE] * width + tgt_class[self.keys % STRIDE]
        groups, entry_group = np.unique(pair, return_inverse=True)
        return entry_group, groups // width

    def _backoff(self, counts: np.ndarray, group: np.ndarray, group_src: np.ndarray) -> np.ndarray:
        """``backoff`` pseudo-counts per source word, shared like its prefix class's counts
        (NULL entries get none)."""
        real = (self.keys >= STRIDE).astype(np.float64)  # source id > 0
        by_group = np.bincount(group, counts * real, minlength=len(group_src))
        by_src = np.bincount(group_src, by_group)
        share = by_group / np.maximum(by_src[group_src], 1e-300)
        pseudo: np.ndarray = self.config.backoff * share[group] * real
        return pseudo

    def _normalise(self, counts: np.ndarray) -> None:
        """Variational-Bayes M-step: ``exp(digamma(c + a)) / exp(digamma(sum_f c + V a))``."""
        alpha = self.config.alpha
        src = self.keys // STRIDE
        totals = np.bincount(src, weights=counts, minlength=len(self.src_vocab.words))
        vocab = len(self.tgt_vocab.words)
        self.probs = np.exp(digamma(counts + alpha) - digamma(totals[src] + vocab * alpha))
