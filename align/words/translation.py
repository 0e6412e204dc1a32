"""Translation evidence learned from sentence pairs: IBM Model 1, then a first-order HMM.

Each direction is a generative model of the target tokens given the source tokens. IBM-1
(:mod:`~alinea.align.words.ibm1`, a lexical translation table only) initialises an HMM
(:mod:`~alinea.align.words.hmm`) whose hidden state is the source position a target token
comes from, with jump-width transitions and a NULL state that remembers the last position.
Both share one table of co-occurring word pairs and one M-step with variational Bayes, prior
counts, cognates and a prefix back-off (:mod:`~alinea.align.words.table`), and one EM loop
(:mod:`~alinea.align.words.em`) that trains the two directions by agreement.

A ``prior`` (expected counts from another corpus, :class:`LexicalCounts`) is added to the
expected counts of every M-step, so a model learned from a large parallel corpus carries over
to a small input. This module is the public entry point: the settings, the counts and the
two-direction model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from alinea.align.words.base import LexicalCounts, TokenPair, TranslationConfig, pair_key
from alinea.align.words.em import train
from alinea.align.words.hmm import Hmm
from alinea.align.words.table import DirectionModel, KnownEncoding, Parameters, Shard
from alinea.engine import Executor, shard_plan

__all__ = ["AlignmentModel", "LexicalCounts", "TokenPair", "TranslationConfig"]


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
        self.forward = DirectionModel(self.config)
        self.reverse = DirectionModel(self.config)

    def fit(
        self,
        pairs: Sequence[TokenPair],
        prior: tuple[LexicalCounts, LexicalCounts] | None = None,
        executor: Executor | None = None,
    ) -> AlignmentModel:
        """Train on ``pairs`` (tokens, as aligned later); ``prior`` holds counts per direction;
        ``executor`` runs the E-steps of the pairs' shards (default: this process).

        Pairs with an empty side or more than ``max_train_tokens`` tokens on a side are left
        out; with none left, the tables come from the prior alone.
        """
        limit = self.config.max_train_tokens
        kept = [(s, t) for s, t in pairs if 0 < len(s) <= limit and 0 < len(t) <= limit]
        with threadpool_limits(limits=1, user_api="blas"):
            fwd = self.forward.prepare(kept, prior[0] if prior else None)
            rev = self.reverse.prepare([(t, s) for s, t in kept], prior[1] if prior else None)
            if kept and self.config.cognate_prior > 0:
                fwd.prior += self.forward.cognate_counts(*self.langs)
                rev.prior += self.reverse.cognate_counts(*reversed(self.langs))
            plan = shard_plan([pair_key(pair) for pair in kept], self.config.shards)
            directions = [(self.forward, fwd), (self.reverse, rev)]
            train(directions, self.config, self.agreement, plan, executor)
        return self

    def counts(self, min_count: float = 0.5) -> tuple[LexicalCounts, LexicalCounts]:
        """Both directions' expected counts, a prior for another corpus."""
        return self.forward.counts(min_count), self.reverse.counts(min_count)

    def encode(self, pairs: Sequence[TokenPair]) -> tuple[Shard, Shard]:
        """Both directions' encoding of pairs to align (see :meth:`link_posteriors`)."""
        return encode_pairs(self.known_encodings(), pairs)

    def known_encodings(self) -> tuple[KnownEncoding, KnownEncoding]:
        """What :func:`encode_pairs` reads of both directions."""
        return self.forward.known_encoding(), self.reverse.known_encoding()

    def parameters(self) -> tuple[Parameters, Parameters]:
        """Both directions' parameters (what :func:`link_posteriors` reads)."""
        return self.forward.parameters(), self.reverse.parameters()

    def posteriors(self, pairs: Sequence[TokenPair]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per pair, the ``(I, J)`` link posteriors of the forward and the reverse direction."""
        return link_posteriors(self.parameters(), self.encode(pairs))


def encode_pairs(
    encodings: tuple[KnownEncoding, KnownEncoding], pairs: Sequence[TokenPair]
) -> tuple[Shard, Shard]:
    """Both directions' encoding of pairs to align, from :meth:`AlignmentModel.known_encodings`
    (where the pairs are: in a worker, for a shard)."""
    forward, reverse = encodings
    return forward.encode(pairs), reverse.encode([(t, s) for s, t in pairs])


def link_posteriors(
    parameters: tuple[Parameters, Parameters], encoded: tuple[Shard, Shard]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per pair of ``encoded`` (:meth:`AlignmentModel.encode`), the ``(I, J)`` link posteriors
    of the forward and the reverse direction: what a shard of pairs to align needs."""
    hmm = Hmm()
    with threadpool_limits(limits=1, user_api="blas"):
        forward = hmm.posteriors(parameters[0], encoded[0])
        reverse = hmm.posteriors(parameters[1], encoded[1])
    return [(f, r.T) for f, r in zip(forward, reverse, strict=True)]
