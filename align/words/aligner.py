"""Word alignment of sentence pairs: a score per candidate link, then simalign's matching.

The score of linking source token i and target token j is the mean of the two directions'
posteriors of an HMM alignment model trained by agreement on the pairs themselves (plus a prior
from a parallel corpus when one is given), optionally blended with orthographic similarity and
with the similarity of a local transformer model's word embeddings (simalign's embedding
aligner). simalign's matching (``argmax``: mutual best, ``itermax``, ``match``: max-weight
bipartite matching) picks the links on that matrix and links scoring below ``min_score`` are
dropped (raising it trades recall for precision); optionally, links scoring at least
``add_score`` are added beyond the matching (many-to-many, e.g. PT ``do`` for EN ``of the``).
Then the links grow (as grow-diag without the diagonal): a neighbour of a link in its row or
column scoring at least ``grow_score`` is added while one of its two tokens has no link yet.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from alinea.align.words.base import pair_key
from alinea.align.words.orthography import similarity_matrix
from alinea.align.words.priors import SHIPPED, prior_file, prior_id
from alinea.align.words.table import KnownEncoding, Parameters
from alinea.align.words.translation import (
    AlignmentModel,
    LexicalCounts,
    TokenPair,
    TranslationConfig,
    encode_pairs,
    link_posteriors,
)
from alinea.config import changed_fields, check_choice, check_range
from alinea.engine import Executor, SerialExecutor, shard_plan

if TYPE_CHECKING:
    from alinea.align.words.neural import SimalignEmbeddings

MATCHINGS = ("argmax", "itermax", "match")
# Pairs mined from comparable news are partial translations: more tokens have no counterpart.
COMPARABLE_TRANSLATION = TranslationConfig(null_prob=0.4)


@dataclass(frozen=True)
class WordAlignConfig:
    """How links are scored and chosen.

    Attributes:
        matching: simalign's matching on the score matrix: ``argmax``, ``itermax`` or ``match``.
        min_score: matched links scored below this are dropped (higher = more precise, fewer
            links; grown links need ``grow_score`` only).
        add_score: links scored at least this are kept even if the matching left them out
            (``None``: only the matching's links; chosen on XL-WA dev, see the README).
        grow_score: a link's row or column neighbour scored at least this is added while one
            of its tokens is unaligned, repeatedly (contractions: PT ``da`` for ES ``de la``;
            ``None``: off; chosen on XL-WA dev).
        orthography: weight of orthographic similarity in the score (0 = off).
        agreement: train the two directions by agreement.
        model: a local transformer model (path or cached name) for simalign's embeddings.
        layer: its hidden layer to read.
        model_weight: weight of the embedding similarity in the score when a model is given.
        translation: EM settings.
        prior: expected counts learned from a parallel corpus: ``shipped`` (the package's prior
            for the language pair, when there is one), the path of a ``.npz`` written by
            ``alinea wordprior``, or ``None``.
    """

    matching: str = "argmax"
    min_score: float = 0.4
    add_score: float | None = None
    grow_score: float | None = 0.2
    orthography: float = 0.0
    agreement: bool = True
    model: str | None = None
    layer: int = 8
    model_weight: float = 0.5
    translation: TranslationConfig = field(default_factory=TranslationConfig)
    prior: str | None = SHIPPED

    def __post_init__(self) -> None:
        check_choice("--method", self.matching, MATCHINGS)
        check_range("--threshold", self.min_score, 0.0, 1.0)
        for name in ("add_score", "grow_score", "orthography", "model_weight"):
            check_range(name, getattr(self, name), 0.0, 1.0)
        check_range("--layer", self.layer, 0)

    def method_id(self) -> str:
        """Versioned id of the scoring and matching (``+prior`` is added where one is used)."""
        parts = ["hmm-agree" if self.agreement else "hmm"]
        if self.orthography:
            parts.append("orth")
        if self.model:
            parts.append("simalign-emb")
        # v4: EM sums the expected counts of 16 shards of pairs (translation.shards): the
        # model differs from v3's in its last bits on inputs of more than one shard
        return "+".join(parts) + f"-{self.matching}.v4"

    def signature_fields(self, langs: tuple[str, str]) -> dict[str, object]:
        """The method, the prior's id and every changed option."""
        prior = prior_file(self.prior, *langs)
        changed = changed_fields("words", self)
        changed.pop("words.prior", None)
        fields: dict[str, object] = {
            "words": self.method_id() + ("+prior" if prior else ""),
            "prior": prior_id(prior) if prior else None,
        }
        return fields | changed


@dataclass(frozen=True)
class WordAlignment:
    """Links ``(i, j)`` (source token i, target token j), sorted, with a score in [0, 1] each."""

    links: list[tuple[int, int]]
    scores: list[float]

    def pharaoh(self) -> str:
        return " ".join(f"{i}-{j}" for i, j in self.links)


class WordAligner:
    """Learns translation evidence from sentence pairs, then aligns pairs.

    Example:
        >>> aligner = WordAligner("pt", "es").fit(pairs)   # doctest: +SKIP
        >>> aligner.align(pairs)[0].links                   # doctest: +SKIP
    """

    def __init__(
        self,
        src_lang: str,
        tgt_lang: str,
        config: WordAlignConfig | None = None,
        prior: tuple[LexicalCounts, LexicalCounts] | None = None,
    ) -> None:
        self.src_lang, self.tgt_lang = src_lang, tgt_lang
        self.config = config or WordAlignConfig()
        self.prior = prior
        self._model: AlignmentModel | None = None
        if self.config.model:
            embeddings(self.config.model, self.config.layer)  # a missing model fails here

    def fit(self, pairs: Sequence[TokenPair], executor: Executor | None = None) -> WordAligner:
        """Train the alignment model on ``pairs`` (include the pairs to align: EM learns from
        them too); ``executor`` runs the shards' E-steps."""
        self._model = AlignmentModel(
            self.src_lang, self.tgt_lang, self.config.translation, self.config.agreement
        ).fit(pairs, self.prior, executor)
        return self

    def scores(self, pairs: Sequence[TokenPair]) -> list[np.ndarray]:
        """The ``(I, J)`` link score matrix of every pair."""
        model = self._trained(pairs)
        return link_scores(self._task(model), pairs, model.posteriors(pairs))

    def align(
        self, pairs: Sequence[TokenPair], executor: Executor | None = None
    ) -> list[WordAlignment]:
        """Links of every pair, in input order (an empty side gives no links); ``executor``
        runs the shards of pairs (by a stable hash of each pair)."""
        model = self._trained(pairs)
        plan = shard_plan([pair_key(pair) for pair in pairs], self.config.translation.shards)
        shards = ([pairs[n] for n in items] for items in plan)
        out: list[WordAlignment] = [WordAlignment([], [])] * len(pairs)
        mapped = (executor or SerialExecutor()).map(link_shard, self._task(model), shards)
        for items, links in zip(plan, mapped, strict=True):
            for n, alignment in zip(items, links, strict=True):
                out[n] = alignment
        return out

    def _trained(self, pairs: Sequence[TokenPair]) -> AlignmentModel:
        if self._model is None:
            self.fit(pairs)
        assert self._model is not None
        return self._model

    def _task(self, model: AlignmentModel) -> LinkTask:
        langs = (self.src_lang, self.tgt_lang)
        return LinkTask(langs, self.config, model.parameters(), model.known_encodings())


@dataclass(frozen=True)
class LinkTask:
    """What every shard of pairs to align shares: the languages, the settings, the trained
    model's parameters and what encoding the pairs needs (each shard is encoded where it runs,
    so only its tokens travel)."""

    langs: tuple[str, str]
    config: WordAlignConfig
    parameters: tuple[Parameters, Parameters]
    encodings: tuple[KnownEncoding, KnownEncoding]


def link_shard(task: LinkTask, pairs: list[TokenPair]) -> list[WordAlignment]:
    """The links of one shard's pairs, in its order."""
    posteriors = link_posteriors(task.parameters, encode_pairs(task.encodings, pairs))
    scores = link_scores(task, pairs, posteriors)
    return [choose_links(score, task.config) for score in scores]


def link_scores(
    task: LinkTask,
    pairs: Sequence[TokenPair],
    posteriors: Sequence[tuple[np.ndarray, np.ndarray]],
) -> list[np.ndarray]:
    """The ``(I, J)`` score matrix of every pair: the two directions' mean posterior, blended
    with orthographic and embedding similarity where the settings ask for them."""
    cfg = task.config
    model = embeddings(cfg.model, cfg.layer) if cfg.model else None
    out = []
    for (src, tgt), (fwd, rev) in zip(pairs, posteriors, strict=True):
        score = (fwd + rev) / 2
        if cfg.orthography:
            ortho = similarity_matrix(src, tgt, *task.langs)
            score = (1 - cfg.orthography) * score + cfg.orthography * ortho
        if model is not None:
            emb = model.similarity(src, tgt)
            score = (1 - cfg.model_weight) * score + cfg.model_weight * emb
        out.append(np.clip(score, 0.0, 1.0))
    return out


def choose_links(score: np.ndarray, config: WordAlignConfig) -> WordAlignment:
    """simalign's matching on ``score``, then the thresholds and the growing of the links."""
    if not score.size:
        return WordAlignment([], [])
    chosen = match_links(score, config.matching)
    if config.add_score is not None:
        chosen |= score >= config.add_score
    chosen &= score >= config.min_score
    if config.grow_score is not None:
        chosen = grow_links(score, chosen, config.grow_score)
    rows, cols = np.nonzero(chosen)
    links = [(int(i), int(j)) for i, j in zip(rows, cols, strict=True)]
    return WordAlignment(links, [float(score[i, j]) for i, j in links])


@functools.lru_cache(maxsize=2)
def embeddings(model: str, layer: int) -> SimalignEmbeddings:
    """simalign's embeddings of a local model, loaded once per process."""
    from alinea.align.words.neural import SimalignEmbeddings

    return SimalignEmbeddings(model, layer)


def match_links(score: np.ndarray, matching: str) -> np.ndarray:
    """simalign's matching on ``score``: a boolean matrix of the chosen links."""
    from simalign import SentenceAligner  # heavy (torch); only the word stage pays for it

    if matching == "argmax":
        forward, backward = SentenceAligner.get_alignment_matrix(score)
        return np.asarray(forward * backward > 0)
    if matching == "itermax":
        return np.asarray(SentenceAligner.iter_max(score) > 0)
    return np.asarray(SentenceAligner.get_max_weight_match(score) > 0)


def grow_links(score: np.ndarray, chosen: np.ndarray, threshold: float) -> np.ndarray:
    """``chosen`` plus the row and column neighbours of its links scoring at least
    ``threshold`` whose source or target token is still unaligned, best first, until none is
    left."""
    chosen = chosen.copy()
    while True:
        near = np.zeros_like(chosen)
        near[1:] |= chosen[:-1]
        near[:-1] |= chosen[1:]
        near[:, 1:] |= chosen[:, :-1]
        near[:, :-1] |= chosen[:, 1:]
        rows, cols = np.nonzero(near & ~chosen & (score >= threshold))
        src_linked, tgt_linked = np.asarray(chosen.any(1)), np.asarray(chosen.any(0))
        grown = False
        for k in np.argsort(-score[rows, cols], kind="stable"):
            i, j = rows[k], cols[k]
            if not (src_linked[i] and tgt_linked[j]):
                chosen[i, j] = src_linked[i] = tgt_linked[j] = grown = True
        if not grown:
            return chosen
