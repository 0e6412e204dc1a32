"""Comparable mode: order-free mining of sentence pairs between two texts that are not translations.

1. Retrieve, for every sentence on each side, its nearest sentences on the other side by the
   lexical source (blocked top-k, never the full matrix).
2. Describe each candidate pair with features: cosine, margin (Artetxe & Schwenk 2019, in its
   difference form, which stays small for unrelated sentences in tiny pools), the lead over the
   last retrieved neighbours of both sentences (a pool-relative baseline), its rank and lead over
   the runner-up on both sides, number agreement, length ratio and word coverage
   (:mod:`alinea.align.pair_features`).
3. Turn the features into a calibrated probability with a logistic model fitted on held-out
   data (:mod:`alinea.align.calibration`); where a neural encoder is given, the candidates the
   lexical model is unsure of are embedded and rescored with the neural features too (lexical
   retrieval first, neural evidence only where it can change a decision).
4. Select pairs greedily by probability, each sentence at most once (this keeps mutual best
   pairs first), above the threshold; then grow a pair into 1-2 / 2-1 when an unpaired
   neighbouring sentence completes what its partner says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from alinea.align import calibration
from alinea.align.beads import Bead
from alinea.align.embedders import SentenceEncoder
from alinea.align.growing import grow
from alinea.align.lexicon import Lexicon, LexiconConfig, learn
from alinea.align.pair_features import (
    Candidates,
    Columns,
    Retrieved,
    features_of,
    neural_features,
    retrieve,
    winnable,
)
from alinea.config import check_range
from alinea.errors import UsageError

# v7: a second pass with a word lexicon learned from the first pass's confident pairs (pools
# whose confident pairs teach one), scored by the calibration's second-pass models
# v6: both directions' neighbours from one pass over the blocks of scores, on two threads; wide
# blocks rank ties by index (they were in no set order); the seeds' pairs are unchanged
# v5: pools beyond 10^8 pairs shortlist on n-grams in at most 2% of the sentences (was 1%), four
# times the candidates (was twice), rescored exactly; the large-pool model refitted on them
# v4: word coverage summed in float64 per pair (was float32 dot products: values move by at
# most one float32 ulp), computed a group of pairs at a time
# v3: pool features (size, floor, mutual-best share) in the calibration, and pools beyond 10^8
# pairs shortlist twice the candidates before exact rescoring (v2: rescore band (0.02, 0.7))
METHOD_ID = "margin-mine.v7"
CANDIDATE_CHUNK = 2**18  # candidates whose features are computed at once (no effect on output)


@dataclass(frozen=True)
class MiningConfig:
    """Comparable-mode options.

    Attributes:
        threshold: minimum calibrated probability of a pair; None: the calibrated default of
            the mode (lexical only, or with an encoder), see the README's calibration table.
        k: neighbours averaged in the margin's denominator.
        candidates: nearest sentences retrieved per sentence and side.
        rescore_band: with an encoder, candidates whose lexical probability falls in this
            band and that are the best of their source or target sentence are rescored with
            the encoder's evidence (below it they cannot win, above it they need no help).
            (0.02, 0.7), was (0.05, 0.9): on the TICO-19 calibration tasks F1 per document
            0.9755 -> 0.9736, pooled 0.953 -> 0.957, sparse pool 0.788 -> 0.793; rescoring
            between 0.7 and 0.9 demoted true pairs more often than false ones, and fewer
            sentences are embedded (NTREX-128 collection of ``scripts/bench_collection.py``:
            484 instead of 542, link F1 0.961 -> 0.967).
        merge_gain: cosine a 1-2 merge must add over the 1-1 pair.
        merge_share: the added sentence alone must reach this fraction of the pair's cosine.
        merge_cover: joining the added sentence must raise the share of the kept sentence's
            words that its partner covers (IDF-weighted, :func:`alinea.align.lexical.
            word_coverage`) by this much: the second half of a split sentence says what the
            pair lacked, a neighbour that merely shares a name or a topic word does not (0.1:
            removes 6 of the 8 merges mined on the TICO-19 calibration tasks, whose gold has
            none; the test split gains 0.32).
        models: the calibrated probability models (None: the shipped ones).
        lexicon: how the second pass's word lexicon is learned from the first pass's confident
            pairs (None: one pass, no lexicon).
    """

    threshold: float | None = None
    k: int = 4
    candidates: int = 8
    rescore_band: tuple[float, float] = (0.02, 0.7)
    merge_gain: float = 0.02
    merge_share: float = 0.5
    merge_cover: float = 0.1
    models: calibration.Calibration | None = None
    lexicon: LexiconConfig | None = field(default_factory=LexiconConfig)

    def __post_init__(self) -> None:
        check_range("--threshold", self.threshold, 0.0, 1.0)
        check_range("k", self.k, 1)
        check_range("candidates", self.candidates, self.k)
        low, high = self.rescore_band
        if not 0.0 <= low <= high <= 1.0:
            raise UsageError(f"rescore_band: expected 0 <= low <= high <= 1, got {low}, {high}")

    def calibration(self) -> calibration.Calibration:
        """The calibrated models in effect (the shipped ones unless set)."""
        return self.models or calibration.shipped()

    def threshold_in_effect(self, neural: bool, cells: int = 0) -> float:
        """The threshold in effect: the option, else the calibrated default of the mode (and,
        for a pool of more than the calibration's ``large_cells`` sentence pairs, the large
        pools' default)."""
        if self.threshold is not None:
            return self.threshold
        return self.calibration().default_threshold(neural, cells)


def _select(
    candidates: Candidates, prob: np.ndarray, threshold: float
) -> list[tuple[int, int, float]]:
    """Greedy one-to-one selection by probability (ties broken by indexes: deterministic)."""
    order = np.lexsort((candidates.tgt, candidates.src, -prob))
    used_src: set[int] = set()
    used_tgt: set[int] = set()
    chosen = []
    for t in order:
        if prob[t] < threshold:
            break
        i, j = int(candidates.src[t]), int(candidates.tgt[t])
        if i in used_src or j in used_tgt:
            continue
        used_src.add(i)
        used_tgt.add(j)
        chosen.append((i, j, float(prob[t])))
    return chosen


def rescore_subset(candidates: Candidates, prob: np.ndarray, config: MiningConfig) -> np.ndarray:
    """Indexes of the candidates the encoder rescores: uncertain by the lexical model and the
    best candidate of their source or target sentence."""
    best = (candidates.features["lead_src"] >= 0) | (candidates.features["lead_tgt"] >= 0)
    low, high = config.rescore_band
    return np.flatnonzero((prob > low) & (prob < high) & best)


@dataclass(frozen=True)
class MiningPlan:
    """The lexical half of :func:`mine` on one pair of texts: its candidates, their lexical
    probabilities, and the candidates an encoder would rescore (:func:`rescore_subset`)."""

    src: Sequence[str]
    tgt: Sequence[str]
    candidates: Candidates
    x: sp.csr_matrix
    y: sp.csr_matrix
    prob: np.ndarray
    subset: np.ndarray
    models: calibration.Calibration

    def texts_to_embed(self) -> list[str]:
        """The sentences of both sides the rescoring embeds (each once, in index order)."""
        rows = np.unique(self.candidates.src[self.subset])
        cols = np.unique(self.candidates.tgt[self.subset])
        return [self.src[i] for i in rows] + [self.tgt[j] for j in cols]


def plan(
    src: Sequence[str],
    tgt: Sequence[str],
    config: MiningConfig,
    neural: bool,
    lexicon: Lexicon | None = None,
) -> MiningPlan | None:
    """Retrieve and score the candidates of ``src`` x ``tgt`` lexically (None: a side is empty).

    With a lexicon configured and second-pass models in the calibration (and, with an encoder,
    a pool below the large pools' size), a word lexicon
    (:mod:`alinea.align.lexicon`) is learned from the pairs a first pass is confident of, or
    taken as given (``lexicon``: a collection's, learned from all its document pairs,
    :func:`collection_lexicon`); when there is one, the candidates are scored with word coverage
    that counts its translations, by the second pass's models, which the plan carries.
    """
    if not src or not tgt:
        return None
    found = retrieve(src, tgt, config.candidates, config.k)
    models = config.calibration()
    second = models.second if config.lexicon is not None else None
    if neural and models.is_large(len(src) * len(tgt)):
        # the encoder's model is fitted on small tasks: in large pools, scored after a second
        # lexical pass, it loses precision (a TICO-19 pool of 8,000 lines 10% partnered: F1
        # 0.785 -> 0.748; the README's padded task 0.840 -> 0.826), so they are scored once
        second = None
    if second is None or (lexicon is not None and not len(lexicon)):
        return _scored(src, tgt, found, models, config, neural)
    if lexicon is None:
        first = _scored(src, tgt, found, models, config, neural)
        assert config.lexicon is not None
        pairs = confident_pairs(first, config.lexicon)
        lexicon = learn(first.src, first.tgt, pairs, config.lexicon)
        if not len(lexicon):
            return first
    found = replace(found, coverage=found.coverage.with_lexicon(lexicon))
    return _scored(src, tgt, found, second, config, neural)


def confident_pairs(first: MiningPlan, config: LexiconConfig) -> list[tuple[int, int]]:
    """The pairs a first pass is confident of (one-to-one, as selection takes them, at
    probability ``config.confident`` or more), which teach the lexicon."""
    return [(i, j) for i, j, _ in _select(first.candidates, first.prob, config.confident)]


def learns_lexicon(config: MiningConfig) -> bool:
    """Whether mining with ``config`` learns a word lexicon (configured, and the calibration
    has the second pass's models)."""
    return config.lexicon is not None and config.calibration().second is not None


def confident_texts(
    jobs: Sequence[tuple[Sequence[str], Sequence[str]]], config: MiningConfig
) -> list[tuple[str, str]]:
    """The confident pairs' sentences of every text pair of ``jobs`` (a first, lexical pass on
    each), in order: one shard's share of a :func:`collection_lexicon`."""
    return [(src[i], tgt[j]) for src, tgt in jobs for i, j in confident_indexes(src, tgt, config)]


def confident_indexes(
    src: Sequence[str], tgt: Sequence[str], config: MiningConfig
) -> list[tuple[int, int]]:
    """The pairs ``(i, j)`` a first, lexical pass over ``src`` x ``tgt`` is confident of (none
    when the configuration learns no lexicon or a side is empty): depends on the two texts and
    the configuration only, so a build's cache keeps it per document pair."""
    if config.lexicon is None or not learns_lexicon(config) or not src or not tgt:
        return []
    found = retrieve(src, tgt, config.candidates, config.k)
    first = _scored(src, tgt, found, config.calibration(), config, False)
    return confident_pairs(first, config.lexicon)


def collection_lexicon(texts: Sequence[tuple[str, str]], config: MiningConfig) -> Lexicon | None:
    """The lexicon the confident pairs of a whole collection teach (:func:`confident_texts` of
    all its shards, in shard order; None: the configuration learns none)."""
    if config.lexicon is None or not learns_lexicon(config):
        return None
    pairs = [(k, k) for k in range(len(texts))]
    return learn([s for s, _ in texts], [t for _, t in texts], pairs, config.lexicon)


def _scored(
    src: Sequence[str],
    tgt: Sequence[str],
    found: Retrieved,
    models: calibration.Calibration,
    config: MiningConfig,
    neural: bool,
) -> MiningPlan:
    """The plan of the retrieved candidates ``found`` scored by ``models``.

    Features are computed ``CANDIDATE_CHUNK`` candidates at a time, and after each chunk only
    the candidates that can still be selected are kept (:func:`winnable`): a 15-sentence side
    against 400,000 sentences keeps at most 15 per sentence of the small side (plus, with an
    encoder, the ones it may rescore), not 8 per sentence of the large one.
    """
    n, m = len(src), len(tgt)
    kept = np.zeros(0, dtype=np.int64)
    parts: list[Columns] = []
    prob = np.zeros(0, dtype=np.float32)
    exempt = np.zeros(0, dtype=bool)
    for start in range(0, max(len(found), 1), CANDIDATE_CHUNK):
        chunk = np.arange(start, min(start + CANDIDATE_CHUNK, len(found)))
        columns = features_of(found, chunk)
        chunk_prob = models.lexical_probability(columns, n * m)
        chunk_exempt = np.zeros(len(chunk), dtype=bool)
        if neural:
            chunk_exempt[rescore_subset(Candidates(chunk, chunk, columns), chunk_prob, config)] = (
                True
            )
        kept = np.concatenate([kept, chunk])
        parts.append(columns)
        prob = np.concatenate([prob, chunk_prob])
        exempt = np.concatenate([exempt, chunk_exempt])
        keep = winnable(found.rows[kept], found.cols[kept], prob, exempt, n, m)
        merged = {name: np.concatenate([part[name] for part in parts])[keep] for name in columns}
        kept, prob, exempt, parts = kept[keep], prob[keep], exempt[keep], [merged]
    candidates = Candidates(found.rows[kept], found.cols[kept], parts[0])
    subset = np.flatnonzero(exempt)
    return MiningPlan(src, tgt, candidates, found.x, found.y, prob, subset, models)


@dataclass(frozen=True)
class Decision:
    """What :func:`finish` computed on one plan: the final probability of each candidate (the
    rescored ones' from the encoder model), the encoder's features of the rescored ones (in
    ``subset`` order; empty without an encoder), the threshold, the 1-1 pairs selected and the
    beads grown from them (:mod:`alinea.align.explain` reads it)."""

    plan: MiningPlan
    prob: np.ndarray
    neural: Columns
    threshold: float
    pairs: list[tuple[int, int, float]]
    beads: list[Bead]


def decide(
    mining_plan: MiningPlan, config: MiningConfig, encoder: SentenceEncoder | None = None
) -> Decision:
    """Rescore the plan's uncertain candidates with ``encoder`` (if any), select and grow."""
    src, tgt, candidates = mining_plan.src, mining_plan.tgt, mining_plan.candidates
    prob = mining_plan.prob.copy()
    subset = mining_plan.subset
    extra: Columns = {}
    if encoder is not None and len(subset):
        extra = neural_features(candidates, subset, src, tgt, encoder)
        prob[subset] = mining_plan.models.neural_probability(candidates.subset(subset), extra)
    threshold = config.threshold_in_effect(encoder is not None, len(src) * len(tgt))
    if config.threshold is None:  # the default of the pass the plan was scored in
        threshold = mining_plan.models.default_threshold(encoder is not None, len(src) * len(tgt))
    pairs = _select(candidates, prob, threshold)
    beads = grow(pairs, mining_plan.x, mining_plan.y, config, (src, tgt))
    return Decision(mining_plan, prob, extra, threshold, pairs, sorted(beads))


def finish(
    mining_plan: MiningPlan | None, config: MiningConfig, encoder: SentenceEncoder | None = None
) -> list[Bead]:
    """Rescore the plan's uncertain candidates with ``encoder`` (if any), select and grow."""
    return [] if mining_plan is None else decide(mining_plan, config, encoder).beads


def mine_collection(
    jobs: Sequence[tuple[Sequence[str], Sequence[str]]],
    config: MiningConfig | None = None,
    encoder: SentenceEncoder | None = None,
) -> list[list[Bead]]:
    """:func:`mine` on every text pair of a collection, with the lexicon all of them teach (the
    serial form of a build's sentence alignment, :mod:`alinea.align.jobs`)."""
    config = config or MiningConfig()
    lexicon = collection_lexicon(confident_texts(jobs, config), config)
    neural = encoder is not None
    return [finish(plan(src, tgt, config, neural, lexicon), config, encoder) for src, tgt in jobs]


def mine(
    src: Sequence[str],
    tgt: Sequence[str],
    config: MiningConfig | None = None,
    encoder: SentenceEncoder | None = None,
) -> list[Bead]:
    """Mine the pairs of sentences that say the same thing, in any order.

    Args:
        src: source-side sentences.
        tgt: target-side sentences.
        config: mining options (default threshold: calibrated for precision >= 0.95).
        encoder: optional neural encoder, consulted only for plausible candidates.

    Returns:
        Beads (1-1, 1-2, 2-1) sorted by source index, each with a calibrated score.
    """
    config = config or MiningConfig()
    return finish(plan(src, tgt, config, encoder is not None), config, encoder)
