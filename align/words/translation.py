"""Translation evidence learned from sentence pairs: IBM Model 1, then a first-order HMM.

Each direction is a generative model of the target tokens given the source tokens: IBM-1
(lexical translation table only) initialises an HMM whose hidden state is the source position a
target token comes from, with jump-width transitions and a NULL state that remembers the last
position (Vogel et al. 1996; Och & Ney 2003). The translation table is estimated with
variational Bayes (a sparse Dirichlet prior; Riley & Gildea 2012), which keeps rare words from
becoming garbage collectors on small corpora. Everything is vectorised with numpy: IBM-1 over
the whole corpus at once, the HMM's forward-backward over batches of sentences of similar
length. Only word pairs that co-occur in some sentence pair get a table entry.

A ``prior`` (expected counts from another corpus, :class:`LexicalCounts`) is added to the
expected counts of every M-step, so a model learned from a large parallel corpus carries over
to a small input.

The forward-backward multiplies many small matrices: BLAS runs single-threaded there (its
thread start-up costs more than the products; measured 8x faster on 2 cores).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import digamma
from threadpoolctl import threadpool_limits

from alinea.align.words.orthography import pair_similarity

TokenPair = tuple[Sequence[str], Sequence[str]]


@dataclass(frozen=True)
class TranslationConfig:
    """EM settings of one direction.

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
        backoff: pseudo-count mass a source word receives, spread like the expected counts of
            its prefix class (see ``backoff_prefix``): a rare word borrows the translations of
            its inflected forms, a frequent one hardly notices (0 = off).
        backoff_prefix: words are grouped by their first ``backoff_prefix`` characters (both
            sides; shorter words are their own group).
    """

    ibm1_iterations: int = 5
    hmm_iterations: int = 5
    null_prob: float = 0.15
    alpha: float = 0.1
    max_jump: int = 120
    max_train_tokens: int = 120
    batch_cells: int = 3_000_000
    cognate_prior: float = 2.0
    cognate_min_similarity: float = 0.7
    backoff: float = 4.0
    backoff_prefix: int = 4


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


class _Vocabulary:
    """Token -> id; id 0 is the empty string (NULL on the source side)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {"": 0}
        self.words: list[str] = [""]

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        out = np.empty(len(tokens), dtype=np.int64)
        for k, token in enumerate(tokens):
            idx = self.ids.get(token)
            if idx is None:
                idx = self.ids[token] = len(self.words)
                self.words.append(token)
            out[k] = idx
        return out


def normalise_token(token: str) -> str:
    """The form the translation model sees: lowercased, accents kept (PT ``é`` is not ``e``)."""
    return token.casefold()


class HmmDirection:
    """One direction (target tokens generated from source positions) of the alignment model."""

    def __init__(self, config: TranslationConfig | None = None) -> None:
        self.config = config or TranslationConfig()
        self.src_vocab = _Vocabulary()
        self.tgt_vocab = _Vocabulary()
        self._keys = np.zeros(0, dtype=np.int64)  # sorted e * stride + f of the table entries
        self._table = np.zeros(0)
        self._stride = 1 << 32
        self.jumps = np.ones(2 * self.config.max_jump + 1)
        self._expected: np.ndarray = np.zeros(0)  # expected counts of the last E-step
        self._prior_jumps = np.zeros_like(self.jumps)

    # ---- corpus encoding -------------------------------------------------------------
    def _encode(self, pairs: Sequence[TokenPair]) -> list[tuple[np.ndarray, np.ndarray]]:
        out = []
        for src, tgt in pairs:
            e = self.src_vocab.encode([normalise_token(t) for t in src])
            f = self.tgt_vocab.encode([normalise_token(t) for t in tgt])
            out.append((np.concatenate(([0], e)), f))  # column 0: NULL
        return out

    def _cell_keys(self, e: np.ndarray, f: np.ndarray) -> np.ndarray:
        """Keys of the (J, I+1) grid of one sentence pair, target-major."""
        keys: np.ndarray = (e[None, :] * self._stride + f[:, None]).ravel()
        return keys

    def _lookup(self, keys: np.ndarray) -> np.ndarray:
        """Index of each key in the table, ``len(table)`` (a zero slot) when absent."""
        if not len(self._keys):
            return np.zeros(len(keys), dtype=np.int64)
        pos = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        return np.where(self._keys[pos] == keys, pos, len(self._keys))

    # ---- training --------------------------------------------------------------------
    def prepare(self, pairs: Sequence[TokenPair], prior: LexicalCounts | None = None) -> _Corpus:
        """Encode the training pairs and build the table of co-occurring words (uniform)."""
        encoded = self._encode(pairs)
        prior_keys, prior_counts = self._prior_arrays(prior)
        all_keys = [self._cell_keys(e, f) for e, f in encoded]
        self._keys = np.unique(np.concatenate([np.zeros(0, np.int64), *all_keys, prior_keys]))
        cells = [self._lookup(k) for k in all_keys]
        prior_vec: np.ndarray = np.zeros(len(self._keys))
        if prior is not None:
            slots = self._lookup(prior_keys)
            prior_vec = np.bincount(slots, prior_counts, minlength=len(self._keys) + 1)[:-1]
            self._prior_jumps = prior.jumps.copy()
        self._table = np.full(len(self._keys), 1.0)  # IBM-1 starts uniform
        return _Corpus(encoded, cells, prior_vec, self._prefix_classes())

    def e_step(self, corpus: _Corpus, hmm: bool) -> tuple[np.ndarray, np.ndarray]:
        """Posteriors of every cell of the corpus (in ``concat(cells)`` order) and expected
        jump counts (zeros for IBM-1)."""
        flat = np.concatenate(corpus.cells)
        if not hmm:
            widths = np.concatenate([np.full(len(f), len(e)) for e, f in corpus.encoded])
            probs = np.append(self._table, 0.0)[flat]
            sums = np.add.reduceat(probs, np.concatenate(([0], np.cumsum(widths)[:-1])))
            return probs / np.repeat(np.maximum(sums, 1e-300), widths), np.zeros_like(self.jumps)
        post = np.empty(len(flat))
        offsets = np.concatenate(([0], np.cumsum([len(c) for c in corpus.cells])))
        jumps = np.zeros_like(self.jumps)
        table = np.append(self._table, 0.0)  # the last slot: absent pairs
        for batch in self._batches([(len(e) - 1, len(f)) for e, f in corpus.encoded]):
            grid = self._grid(batch, [corpus.cells[n] for n in batch], corpus.encoded)
            gamma, jump_counts = self._forward_backward(grid, table, want_jumps=True)
            for b, n in enumerate(batch):
                post[offsets[n] : offsets[n + 1]] = gamma[b, : len(corpus.encoded[n][1])].ravel()
            jumps += jump_counts
        return post, jumps

    def m_step(self, corpus: _Corpus, post: np.ndarray, jumps: np.ndarray | None) -> None:
        """Re-estimate the table from cell posteriors (plus the prior) and, after HMM
        E-steps, the jump distribution."""
        flat = np.concatenate([np.zeros(0, np.int64), *corpus.cells])
        self._expected = np.bincount(flat, post, minlength=len(self._keys) + 1)[:-1]
        counts = self._expected + corpus.prior
        if self.config.backoff > 0:
            counts += self._backoff(counts, *corpus.classes)
        self._normalise(counts)
        if jumps is not None:
            self.jumps = jumps + self._prior_jumps + 1e-3

    def fit(self, pairs: Sequence[TokenPair], prior: LexicalCounts | None = None) -> HmmDirection:
        """Train this direction alone (see :class:`AlignmentModel` for joint training)."""
        corpus = self.prepare(pairs, prior)
        if not corpus.cells:
            self.m_step(corpus, np.zeros(0), None)
            return self
        for it in range(self.config.ibm1_iterations + self.config.hmm_iterations):
            hmm = it >= self.config.ibm1_iterations
            post, jumps = self.e_step(corpus, hmm)
            self.m_step(corpus, post, jumps if hmm else None)
        return self

    def cognate_counts(self, src_lang: str, tgt_lang: str) -> np.ndarray:
        """Pseudo-counts for the table entries whose two words look alike (cognates, names,
        numbers): ``cognate_prior x similarity`` at or above ``cognate_min_similarity``."""
        src_ids, tgt_ids = self._keys // self._stride, self._keys % self._stride
        sim = pair_similarity(
            self.src_vocab.words, self.tgt_vocab.words, src_ids, tgt_ids, src_lang, tgt_lang
        )
        sim[src_ids == 0] = 0.0  # NULL
        sim[sim < self.config.cognate_min_similarity] = 0.0
        return self.config.cognate_prior * sim

    def _prefix_classes(self) -> tuple[np.ndarray, np.ndarray]:
        """The prefix-class pair of every table entry, and the source class of every pair."""
        k = self.config.backoff_prefix
        _, src_class = np.unique([w[:k] for w in self.src_vocab.words], return_inverse=True)
        _, tgt_class = np.unique([w[:k] for w in self.tgt_vocab.words], return_inverse=True)
        width = int(tgt_class.max()) + 1
        pair = src_class[self._keys // self._stride] * width + tgt_class[self._keys % self._stride]
        groups, entry_group = np.unique(pair, return_inverse=True)
        return entry_group, groups // width

    def _backoff(self, counts: np.ndarray, group: np.ndarray, group_src: np.ndarray) -> np.ndarray:
        """``backoff`` pseudo-counts per source word, shared like its prefix class's counts
        (NULL entries get none)."""
        real = (self._keys >= self._stride).astype(np.float64)  # source id > 0
        by_group = np.bincount(group, counts * real, minlength=len(group_src))
        by_src = np.bincount(group_src, by_group)
        share = by_group / np.maximum(by_src[group_src], 1e-300)
        pseudo: np.ndarray = self.config.backoff * share[group] * real
        return pseudo

    def _prior_arrays(self, prior: LexicalCounts | None) -> tuple[np.ndarray, np.ndarray]:
        if prior is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        e = self.src_vocab.encode(prior.src_words)[prior.src_index]
        f = self.tgt_vocab.encode(prior.tgt_words)[prior.tgt_index]
        return e * self._stride + f, prior.counts

    def _normalise(self, counts: np.ndarray) -> None:
        """Variational-Bayes M-step: ``exp(digamma(c + a)) / exp(digamma(sum_f c + V a))``."""
        alpha = self.config.alpha
        src = self._keys // self._stride
        totals = np.bincount(src, weights=counts, minlength=len(self.src_vocab.words))
        vocab = len(self.tgt_vocab.words)
        self._table = np.exp(digamma(counts + alpha) - digamma(totals[src] + vocab * alpha))

    # ---- forward-backward ------------------------------------------------------------
    def _batches(self, shapes: list[tuple[int, int]]) -> Iterator[list[int]]:
        """Sentences of one source length (they share a transition matrix), by target length,
        each batch within ``batch_cells``."""
        order = sorted(range(len(shapes)), key=lambda n: shapes[n])
        batch: list[int] = []
        for n in order:
            i, j = shapes[n]
            if batch and (
                shapes[batch[0]][0] != i or (len(batch) + 1) * j * 2 * i > self.config.batch_cells
            ):
                yield batch
                batch = []
            batch.append(n)
        if batch:
            yield batch

    def _grid(
        self,
        batch: list[int],
        batch_cells: list[np.ndarray],
        encoded: list[tuple[np.ndarray, np.ndarray]],
    ) -> _Grid:
        width = len(encoded[batch[0]][0])  # I + 1, the same for the whole batch
        lengths_j = np.array([len(encoded[n][1]) for n in batch])
        index = np.full((len(batch), int(lengths_j.max()), width), len(self._keys), np.int64)
        for b, c in enumerate(batch_cells):
            index[b, : lengths_j[b]] = c.reshape(lengths_j[b], width)
        return _Grid(index, lengths_j)

    def _transitions(self, length: int) -> tuple[np.ndarray, np.ndarray]:
        """Transition matrix ``(2I, 2I)`` and initial distribution ``(2I,)`` for a source of
        ``length`` tokens: states ``0..I-1`` are positions, ``I..2I-1`` NULL remembering one."""
        p0, d = self.config.null_prob, self.config.max_jump
        pos = np.arange(length)
        jump = self.jumps[np.clip(pos[None, :] - pos[:, None], -d, d) + d]  # [m, i']
        real = (1 - p0) * jump / jump.sum(-1, keepdims=True)
        from_memory = np.concatenate([real, p0 * np.eye(length)], axis=1)
        trans = np.concatenate([from_memory, from_memory], axis=0)
        start = self.jumps[np.clip(pos + 1, -d, d) + d]
        init = np.concatenate([(1 - p0) * start / start.sum(), np.full(length, p0 / length)])
        return trans, init

    def _forward_backward(
        self, grid: _Grid, table: np.ndarray, want_jumps: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Posteriors ``(B, J, I+1)`` (column 0: NULL) and, optionally, expected jump counts;
        ``table`` is the translation table with a trailing zero for absent pairs."""
        bsz, mj, width = grid.index.shape
        mi = width - 1
        emit_cells = table[grid.index]  # (B, J, I+1)
        emit = np.concatenate([emit_cells[:, :, 1:], np.repeat(emit_cells[:, :, :1], mi, 2)], 2)
        emit += 1e-12  # an unseen token still has a posterior (from the transitions)
        trans, init = self._transitions(mi)
        live = np.arange(mj)[None, :] < grid.lengths_j[:, None]  # (B, J)
        # Past a sentence's end every state emits 1: alpha stays a distribution (scale 1) and
        # beta stays 1, so the padded steps change nothing before the end.
        emit[~live] = 1.0
        alpha = np.empty((bsz, mj, 2 * mi))
        scale = np.empty((bsz, mj))
        a = init * emit[:, 0]
        for j in range(mj):
            if j:
                a = (alpha[:, j - 1] @ trans) * emit[:, j]
            scale[:, j] = a.sum(-1)
            alpha[:, j] = a / scale[:, j, None]
        beta = np.ones((bsz, mj, 2 * mi))
        weighted = np.zeros((bsz, mj, 2 * mi))  # emit * beta / scale at j, for transitions j-1 -> j
        for j in range(mj - 1, 0, -1):
            weighted[:, j] = emit[:, j] * beta[:, j] / scale[:, j, None]
            beta[:, j - 1] = weighted[:, j] @ trans.T
        gamma = alpha * beta
        gamma /= np.maximum(gamma.sum(-1, keepdims=True), 1e-300)
        gamma *= live[:, :, None]
        post = np.concatenate([gamma[:, :, mi:].sum(-1, keepdims=True), gamma[:, :, :mi]], 2)
        jumps: np.ndarray = np.zeros_like(self.jumps)
        if want_jumps:
            weighted *= live[:, :, None]  # no transitions past the end
            flat_alpha = alpha[:, :-1].reshape(-1, 2 * mi)
            xi = (flat_alpha.T @ weighted[:, 1:].reshape(-1, 2 * mi)) * trans
            into_real = xi[:, :mi].reshape(2, mi, mi).sum(0)  # [memory m, i']
            d = self.config.max_jump
            pos = np.arange(mi)
            bucket = np.clip(pos[None, :] - pos[:, None], -d, d) + d
            jumps = np.bincount(bucket.ravel(), into_real.ravel(), minlength=2 * d + 1)
        return post, jumps

    # ---- inference -------------------------------------------------------------------
    def posteriors(self, pairs: Sequence[TokenPair]) -> list[np.ndarray]:
        """``P(target j comes from source i)`` as an ``(I, J)`` matrix per pair."""
        encoded = [
            (
                np.concatenate(([0], self._known(self.src_vocab, src))),
                self._known(self.tgt_vocab, tgt),
            )
            for src, tgt in pairs
        ]
        cells = [self._lookup(self._cell_keys(e, f)) for e, f in encoded]
        out: list[np.ndarray] = [np.zeros((len(s), len(t))) for s, t in pairs]
        todo = [n for n, (s, t) in enumerate(pairs) if len(s) and len(t)]
        shapes = [(len(encoded[n][0]) - 1, len(encoded[n][1])) for n in todo]
        table = np.append(self._table, 0.0)
        for local in self._batches(shapes):
            batch = [todo[k] for k in local]
            grid = self._grid(batch, [cells[n] for n in batch], encoded)
            post, _ = self._forward_backward(grid, table)
            for b, n in enumerate(batch):
                i, j = len(pairs[n][0]), len(pairs[n][1])
                out[n] = post[b, :j, 1 : i + 1].T.copy()
        return out

    def _known(self, vocab: _Vocabulary, tokens: Sequence[str]) -> np.ndarray:
        """Ids of tokens; unknown tokens get ids past the vocabulary (no table entry)."""
        return np.array(
            [vocab.ids.get(normalise_token(t), len(vocab.words) + 1) for t in tokens],
            dtype=np.int64,
        )

    def counts(self, min_count: float = 0.5) -> LexicalCounts:
        """The expected counts of the last E-step as a reusable prior, entries below
        ``min_count`` dropped."""
        keep = np.flatnonzero(self._expected >= min_count)
        return LexicalCounts(
            src_words=list(self.src_vocab.words),
            tgt_words=list(self.tgt_vocab.words),
            src_index=self._keys[keep] // self._stride,
            tgt_index=self._keys[keep] % self._stride,
            counts=self._expected[keep].copy(),
            jumps=self.jumps.copy(),
        )


@dataclass
class _Corpus:
    """Training pairs of one direction: ids (source with NULL first), table index of every
    cell (target-major), prior counts per table entry, prefix classes (for ``backoff``)."""

    encoded: list[tuple[np.ndarray, np.ndarray]]
    cells: list[np.ndarray]
    prior: np.ndarray
    classes: tuple[np.ndarray, np.ndarray]  # prefix-class pair per entry, source class per pair


@dataclass
class _Grid:
    index: np.ndarray  # (B, J, I+1) table index per cell, len(table) where absent/padded
    lengths_j: np.ndarray


class AlignmentModel:
    """Both directions of the HMM, trained by agreement (Liang, Taskar & Klein 2006): each
    E-step multiplies the two directions' link posteriors, and both M-steps use that product,
    so each direction learns only what the other one confirms."""

    def __init__(
        self,
        src_lang: str,
        tgt_lang: str,
        config: TranslationConfig | None = None,
        agreement: bool = True,
    ) -> None:
        self.langs = (src_lang, tgt_lang)
        self.config = config or TranslationConfig()
        self.agreement = agreement
        self.forward = HmmDirection(self.config)
        self.reverse = HmmDirection(self.config)

    def fit(
        self, pairs: Sequence[TokenPair], prior: tuple[LexicalCounts, LexicalCounts] | None = None
    ) -> AlignmentModel:
        """Train on ``pairs`` (tokens, as aligned later); ``prior`` holds counts per direction."""
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(pairs, prior)

    def _fit(
        self, pairs: Sequence[TokenPair], prior: tuple[LexicalCounts, LexicalCounts] | None
    ) -> AlignmentModel:
        limit = self.config.max_train_tokens
        kept = [(s, t) for s, t in pairs if 0 < len(s) <= limit and 0 < len(t) <= limit]
        fwd = self.forward.prepare(kept, prior[0] if prior else None)
        rev = self.reverse.prepare([(t, s) for s, t in kept], prior[1] if prior else None)
        if not kept:  # nothing to learn from: the prior alone, if any
            self.forward.m_step(fwd, np.zeros(0), None)
            self.reverse.m_step(rev, np.zeros(0), None)
            return self
        if self.config.cognate_prior > 0:
            fwd.prior += self.forward.cognate_counts(*self.langs)
            rev.prior += self.reverse.cognate_counts(*reversed(self.langs))
        for it in range(self.config.ibm1_iterations + self.config.hmm_iterations):
            hmm = it >= self.config.ibm1_iterations
            post_f, jumps_f = self.forward.e_step(fwd, hmm)
            post_r, jumps_r = self.reverse.e_step(rev, hmm)
            if self.agreement:
                post_f, post_r = _agree(fwd, rev, post_f, post_r)
            self.forward.m_step(fwd, post_f, jumps_f if hmm else None)
            self.reverse.m_step(rev, post_r, jumps_r if hmm else None)
        return self

    def counts(self, min_count: float = 0.5) -> tuple[LexicalCounts, LexicalCounts]:
        """Both directions' expected counts, a prior for another corpus."""
        return self.forward.counts(min_count), self.reverse.counts(min_count)

    def posteriors(self, pairs: Sequence[TokenPair]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per pair, the ``(I, J)`` link posteriors of the forward and the reverse direction."""
        with threadpool_limits(limits=1, user_api="blas"):
            forward = self.forward.posteriors(pairs)
            reverse = self.reverse.posteriors([(t, s) for s, t in pairs])
        return [(f, r.T) for f, r in zip(forward, reverse, strict=True)]


def _agree(
    fwd: _Corpus, rev: _Corpus, post_f: np.ndarray, post_r: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Share each token's non-NULL posterior mass in proportion to the product of the two
    directions' link posteriors (each direction keeps its own NULL mass)."""
    out_f = np.empty_like(post_f)
    out_r = np.empty_like(post_r)
    off_f = off_r = 0
    for (e, f), _ in zip(fwd.encoded, rev.encoded, strict=True):
        width_i, width_j = len(e) - 1, len(f)
        size = width_j * (width_i + 1)
        pf = post_f[off_f : off_f + size].reshape(width_j, width_i + 1)
        pr = post_r[off_r : off_r + width_i * (width_j + 1)].reshape(width_i, width_j + 1)
        links = pf[:, 1:] * pr[:, 1:].T  # (J, I)
        block_f = out_f[off_f : off_f + size].reshape(width_j, width_i + 1)
        block_f[:, 0] = pf[:, 0]
        block_f[:, 1:] = _share(links, 1.0 - pf[:, 0], axis=1)
        block_r = out_r[off_r : off_r + width_i * (width_j + 1)].reshape(width_i, width_j + 1)
        block_r[:, 0] = pr[:, 0]
        block_r[:, 1:] = _share(links.T, 1.0 - pr[:, 0], axis=1)
        off_f += size
        off_r += width_i * (width_j + 1)
    return out_f, out_r


def _share(weights: np.ndarray, mass: np.ndarray, axis: int) -> np.ndarray:
    """``weights`` rescaled along ``axis`` to sum to ``mass`` (zero rows stay zero)."""
    totals = weights.sum(axis=axis, keepdims=True)
    shared: np.ndarray = weights / np.maximum(totals, 1e-300) * np.expand_dims(mass, axis)
    return shared
