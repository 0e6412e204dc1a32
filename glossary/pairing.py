"""Bilingual pairing of term candidates into glossary entries (method ``phrase-pair.v4``).

1. **Evidence** of a candidate pair ``(s, t)`` (counts of :mod:`alinea.glossary.association`)
   combines alignment evidence ``A`` and cognate evidence ``K`` by a noisy OR::

       A = lam * 2a / (n_s + n_t + dice_prior)         phrase-pair Dice, smoothed, link-weighted
       K = g(cog) * (1 + 2c / (n_s + n_t)) / 2          cognates, doubled when they co-occur
       g(x) = max(0, (x - cognate_floor) / (1 - cognate_floor))
       P = 1 - (1 - A) * (1 - K)

   ``NATO``/``OTAN`` pair through ``A`` alone, ``Kim Jong-un`` through ``K`` alone (no shared
   sentence pair), ``assistência mútua``/``asistencia mutua`` through both. An acronym pairs
   only with an acronym or with the counterpart of the expansion the text gives for it.
   Pairs with ``P >= min_confidence`` get a **calibrated confidence** ``Q``, the probability
   that the two terms translate each other (:mod:`alinea.glossary.calibration`: a logistic
   model over ``P`` and the counts behind it, fitted on data that is no evaluation).
2. **Competitive linking** (Melamed 2000): those pairs are taken best ``Q`` first, each key of
   each language in at most one pair. An entry whose ``Q`` is below the threshold
   (``threshold``, default the calibration's) gets status ``candidate``: kept with its best
   guess and score, left out of the translator exports unless asked for.
3. **Selection** (:mod:`alinea.glossary.selection`): paired proposals, then unpaired candidates,
   are kept unless they are one-off phrases, not maximal, or cross or badly extend a kept entry,
   and only if they *recur*: at least
   ``min_recurrence`` free occurrences counted over both languages together (``comboio
   blindado`` once in PT plus ``tren blindado`` once in ES recurs; a term seen once with no
   counterpart does not). An unpaired candidate also needs a C-value above 0 and, for a
   one-word term, two documents. The selection runs again without the entries that did not
   recur (a fragment such as ``Norte`` must not block ``líder norte-coreano``), at most
   ``MAX_ROUNDS`` times.
4. **Word classes** (:mod:`alinea.glossary.wordclass`, decided before the selection): a
   ``term`` proposal that looks like no term, a verb form (``viajou``/``viajó``), a plain word
   (``ano``/``año``, ``setembro``) or a clause (``seguramente alimentará``), is offered
   after every term and holds no span, so that it never blocks one (``munições`` inside
   ``munições chegaram``), and becomes a ``candidate`` (a translator may still want it, but
   not imported unseen); with no counterpart it is no proposal at all. (A pair below the
   threshold does hold its spans: ``tapete vermelho``/``alfombra roja`` keeps ``tapete`` and
   ``vermelho`` from becoming entries of their own.)
5. **Score** in [0, 1]::

       T = log2(1 + min(words, 3)) * free * (1 + log2(docs))       concept termhood
       score = (1 - exp(-T / termhood_scale)) * W * Q

   ``words`` is the longer key's word count, ``free`` the free occurrences and ``docs`` the
   documents of both languages; ``W`` is 1 for names, acronyms and multiword terms and, for a
   one-word term, the geometric mean of its sides' domain specificity
   (:func:`alinea.glossary.generality.specificity`: ``ano``, common in any text, ranks below
   ``munições``); unpaired entries take ``Q = unpaired_weight``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from alinea.config import changed_fields, check_range, runtime
from alinea.engine import Executor
from alinea.glossary.association import AlignedPair, Evidence, compatible, gather
from alinea.glossary.calibration import (
    PairCalibration,
    Scoring,
    confidence,
    pair_features,
    shipped,
)
from alinea.glossary.candidates import METHOD_ID as CANDIDATES_METHOD_ID
from alinea.glossary.candidates import Candidate, CandidateConfig
from alinea.glossary.decisions import Decisions
from alinea.glossary.generality import base_language, specificity
from alinea.glossary.inflection import same_number
from alinea.glossary.phrases import Lexicon, Occurrences, find_occurrences
from alinea.glossary.selection import (
    Selection,
    SelectionConfig,
    entry_type,
    occurrences_of,
    words,
)
from alinea.glossary.stopwords import stopwords
from alinea.glossary.wordclass import TERM, entry_class, side_class

# v3: translators' decisions (--decisions): rejected pairs are never linked, accepted and
# edited entries are kept with status ``reviewed``
# v4: a calibrated confidence links the pairs and scores them; below the threshold, status
# ``candidate``
# v5: entries that are no terms (verb forms, plain words, clauses: alinea.glossary.wordclass)
# are candidates, or out when unpaired; a name next to the same capitalised word is a fragment
# v6: an article right after the first word, or a participle and a preposition of time, make
# a term a clause (``contiene una cláusula``, ``firmado durante la cumbre``)
METHOD_ID = "phrase-pair.v6"
MAX_ROUNDS = 4


@dataclass(frozen=True)
class GlossaryConfig:
    """Settings of the glossary stage (see the module docstring for the method)."""

    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    selection: SelectionConfig = field(default_factory=SelectionConfig)
    max_phrase_len: int = 5  # longest span of a phrase pair, in tokens
    cognate_floor: float = 0.5  # cognate similarity that is no evidence yet
    global_cognate: float = 0.85  # cognates this close pair without a shared sentence pair
    min_confidence: float = 0.2  # weaker candidate pairs are not pairs
    dice_prior: float = 2.0  # added to the Dice denominator: one shared pair is no proof
    termhood_scale: float = 6.0
    unpaired_weight: float = 0.3
    general_midpoint: float | None = 5.0  # Zipf frequency where a one-word term halves (None: off)
    general_width: float = 0.5
    word_classes: bool = True  # verbs and plain words are candidates, not entries (wordclass)
    decisions: Decisions | None = None  # translators' decisions (alinea build --decisions)
    threshold: float | None = None  # calibrated confidence of a paired entry (None: default)
    models: PairCalibration | None = None  # the confidence model (None: the shipped one)
    # sentences and sentence pairs are counted in this many shards (a stable hash of the
    # document / pair id), whatever the executor: never changes the output
    shards: int = runtime(16)

    def __post_init__(self) -> None:
        check_range("max_phrase_len", self.max_phrase_len, 1)
        check_range("shards", self.shards, 1)
        for name in ("cognate_floor", "global_cognate", "min_confidence", "unpaired_weight"):
            check_range(name, getattr(self, name), 0.0, 1.0)
        check_range("dice_prior", self.dice_prior, 0.0)
        check_range("termhood_scale", self.termhood_scale, 1e-9)
        check_range("general_width", self.general_width, 1e-9)
        check_range("threshold", self.threshold, 0.0, 1.0)

    def method_id(self) -> str:
        """Versioned id of the candidates and pairing methods."""
        return f"{CANDIDATES_METHOD_ID}+{METHOD_ID}"

    def calibration(self) -> PairCalibration:
        """The confidence model in effect (the shipped one unless set)."""
        return self.models or shipped()

    def threshold_in_effect(self) -> float:
        """The calibrated confidence a pair needs to be ``paired`` rather than ``candidate``."""
        return self.calibration().threshold if self.threshold is None else self.threshold

    def scoring(self) -> Scoring:
        """The settings the confidence features depend on."""
        return Scoring(self.dice_prior, self.cognate_floor, self.general_midpoint,
                       self.general_width)  # fmt: skip

    def signature_fields(self) -> dict[str, object]:
        """The method, the calibration and threshold in effect, and every changed option."""
        changed = changed_fields("glossary", self)
        changed.pop("glossary.models", None)
        shown = {"glossary.calibration": self.calibration().version,
                 "glossary.threshold": self.threshold_in_effect()}  # fmt: skip
        return {"glossary": self.method_id()} | changed | shown


DEFAULT_CONFIG = GlossaryConfig()


@dataclass(frozen=True)
class Proposal:
    """A candidate entry: one candidate per side (``None`` on an unpaired side)."""

    sides: tuple[Candidate | None, Candidate | None]
    confidence: float  # Q, 0 when unpaired
    best_pair: int | None  # index of the aligned pair the two sides were extracted from

    @property
    def paired(self) -> bool:
        """Whether both sides are present."""
        return None not in self.sides


@dataclass(frozen=True)
class Entry:
    """A glossary entry."""

    src: Candidate | None
    tgt: Candidate | None
    confidence: float  # Q, 0 when unpaired
    free: int  # free occurrences, both languages
    score: float
    best_pair: int | None  # index of the aligned pair the two sides were extracted from
    word_class: str = TERM  # "term", or "verbal" / "general" (:mod:`alinea.glossary.wordclass`)

    @property
    def type(self) -> str:
        """The sides' type when they agree, else the more frequent side's (a tie: ``term``)."""
        return entry_type((self.src, self.tgt))


def candidate_pairs(
    ev: Evidence, lexicons: tuple[Lexicon, Lexicon], config: GlossaryConfig
) -> tuple[list[tuple[str, str]], dict[str, np.ndarray]]:
    """The pairs competitive linking considers (compatible, ``P >= min_confidence``, not
    rejected by a decision), sorted, and their confidence features."""
    src_lex, tgt_lex = lexicons
    langs = src_lex.lang, tgt_lex.lang
    scoring = config.scoring()
    pairs = [
        (s, t)
        for s, t in ev.proposed()
        if compatible(src_lex.candidates[s], tgt_lex.candidates[t], *langs, config.cognate_floor)
        and confidence(ev, s, t, scoring)[0] >= config.min_confidence
    ]
    if config.decisions is not None:
        decisions = config.decisions
        pairs = [
            x
            for x in pairs
            if not decisions.rejects(src_lex.candidates[x[0]], tgt_lex.candidates[x[1]], langs)
        ]
    candidates = src_lex.candidates, tgt_lex.candidates
    return pairs, pair_features(ev, candidates, pairs, scoring)


def _link(
    ev: Evidence, lexicons: tuple[Lexicon, Lexicon], config: GlossaryConfig
) -> list[Proposal]:
    """Competitive linking of the candidate pairs, best calibrated confidence first."""
    pairs, features = candidate_pairs(ev, lexicons, config)
    prob = config.calibration().probability(features)
    scored = [
        (float(q), float(p), s, t) for q, p, (s, t) in zip(prob, features["p"], pairs, strict=True)
    ]
    scored.sort(key=lambda x: (-x[0], -x[1], -ev.aligned[x[2], x[3]], x[2], x[3]))
    used: tuple[set[str], set[str]] = set(), set()
    out = []
    for q, _, s, t in scored:
        if s in used[0] or t in used[1]:
            continue
        used[0].add(s)
        used[1].add(t)
        best = ev.best.get((s, t))
        sides = lexicons[0].candidates[s], lexicons[1].candidates[t]
        out.append(Proposal(sides, q, best[1] if best else None))
    return out


def _alone(lexicons: tuple[Lexicon, Lexicon], paired: Sequence[Proposal]) -> list[Proposal]:
    """Unpaired proposals: unlinked candidates with a C-value above 0 (one-word terms: 2 docs)."""
    out = []
    for side, lex in enumerate(lexicons):
        used = {p.sides[side].key for p in paired if p.sides[side] is not None}  # type: ignore[union-attr]
        for key, c in lex.candidates.items():
            single = c.type == "term" and " " not in key
            if key not in used and c.termhood > 0 and (c.docs >= 2 or not single):
                out.append(Proposal((c, None) if side == 0 else (None, c), 0.0, None))
    return out


def _score(p: Proposal, free: int, config: GlossaryConfig) -> float:
    sides = [c for c in p.sides if c is not None]
    n = words(p)
    docs = sum(c.docs for c in sides)
    termhood = math.log2(1 + min(n, 3)) * free * (1 + math.log2(max(docs, 1)))
    weight = 1.0
    if n == 1 and config.general_midpoint is not None and all(c.type == "term" for c in sides):
        spec = [specificity(c.form, c.lang, config.general_midpoint, config.general_width)
                for c in sides]  # fmt: skip
        weight = math.prod(spec) ** (1 / len(spec))
    pairing = p.confidence if p.paired else config.unpaired_weight
    return (1 - math.exp(-termhood / config.termhood_scale)) * weight * pairing


def _lowercase_too(c: Candidate) -> bool:
    """A one-word candidate with a lowercase form among its forms."""
    return " " not in c.key and any(f[:1].islower() for f in (c.form, *c.variants))


def word_class(
    p: Proposal,
    occurrences: tuple[Occurrences, Occurrences],
    sentences: tuple[Mapping[str, Sequence[str]], Mapping[str, Sequence[str]]],
    stops: tuple[frozenset[str], ...],
) -> str:
    """The word class of a kept proposal (:func:`alinea.glossary.wordclass.entry_class`):
    ``term`` for acronyms and names, except a one-word name also seen in lowercase (a common
    word capitalised inside a longer name: ``Seguridad``)."""
    kind = entry_type(p.sides)
    if kind == "acronym" or (kind == "name" and not all(c is None or _lowercase_too(c)
                                                         for c in p.sides)):  # fmt: skip
        return TERM
    return entry_class([
        side_class(c.form, c.lang, occurrences[side].get(c.key, []), sentences[side], stops[side])
        for side, c in enumerate(p.sides)
        if c is not None
    ])  # fmt: skip


def pair_terms(
    lexicons: tuple[Lexicon, Lexicon],
    sentences: tuple[Mapping[str, Sequence[str]], Mapping[str, Sequence[str]]],
    pairs: Sequence[AlignedPair],
    config: GlossaryConfig = DEFAULT_CONFIG,
    executor: Executor | None = None,
) -> tuple[list[Entry], tuple[Occurrences, Occurrences]]:
    """Glossary entries of two languages' candidates, best score first.

    Args:
        lexicons: the candidates of each language, indexed by surface.
        sentences: per language, the tokens of each sentence the candidates come from.
        pairs: the aligned sentence pairs, first language as source.
        config: pairing settings.
        executor: runs the counting shards (default: this process); never changes the output.

    Returns:
        The kept entries (module docstring), sorted by score, then keys; and per language the
        token spans in its sentences of each key some proposal has (the others are never
        looked up).
    """
    shards = config.shards
    ev = gather(pairs, lexicons, config.max_phrase_len, config.cognate_floor,
                config.global_cognate, executor, shards)  # fmt: skip
    paired = _link(ev, lexicons, config)
    alone = _alone(lexicons, paired)
    # only the keys of proposals are ever looked up: the spans of the others (most of them
    # seen once) are not kept
    needed = [
        {c.key for p in (*paired, *alone) if (c := p.sides[side]) is not None} for side in (0, 1)
    ]
    occurrences = (
        find_occurrences(lexicons[0], list(sentences[0].items()), needed[0], executor, shards),
        find_occurrences(lexicons[1], list(sentences[1].items()), needed[1], executor, shards),
    )
    stops = tuple(stopwords(base_language(lex.lang)) for lex in lexicons)

    def order(p: Proposal) -> tuple[int, float, int, str, str]:
        keys = [c.key if c else "" for c in p.sides]
        return -occurrences_of(p, occurrences), -p.confidence, -words(p), keys[0], keys[1]

    # word classes first: a non-term never blocks a term (it is offered after every term and
    # occupies no span a term needs); one with no counterpart is no entry at all
    kinds: dict[int, str] = {}
    if config.word_classes:
        kinds = {id(p): word_class(p, occurrences, sentences, stops) for p in (*paired, *alone)}
    terms = [p for p in paired if kinds.get(id(p), TERM) == TERM]
    alone_terms = [p for p in alone if kinds.get(id(p), TERM) == TERM]
    others = [p for p in paired if kinds.get(id(p), TERM) != TERM]
    proposals = [*sorted(terms, key=order), *sorted(alone_terms, key=order),
                 *sorted(others, key=order)]  # fmt: skip
    dropped: set[int] = set()
    enclosed: tuple[dict[str, bool], dict[str, bool]] = {}, {}  # the same in every round
    for _ in range(MAX_ROUNDS):  # entries that do not recur must not block others: run again
        selection = Selection(occurrences, sentences, (stops[0], stops[1]), config.selection,
                              enclosed)  # fmt: skip
        for k, p in enumerate(proposals):
            if k not in dropped:
                selection.offer(p, occupy=kinds.get(id(p), TERM) == TERM)
        kept = selection.recurring()
        survivors = {id(p) for p, _ in kept}
        accepted = selection.accepted_ids
        newly = {k for k, p in enumerate(proposals) if id(p) in accepted and id(p) not in survivors}
        if not newly:
            break
        dropped |= newly
    entries = [
        Entry(
            *same_number(*p.sides),
            p.confidence,
            free,
            _score(p, free, config),
            p.best_pair,
            kinds.get(id(p), TERM),
        )
        for p, free in kept
        if isinstance(p, Proposal)
    ]
    entries.sort(key=lambda e: (-e.score, *(c.key if c else "" for c in (e.src, e.tgt))))
    return entries, occurrences
