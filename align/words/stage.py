"""The build's word stage: the ``word_alignments`` frame of the ``sentence_pairs`` frame.

Each pair's two sides are tokenised and aligned by one :class:`WordAligner` trained on all the
pairs of the build (plus the shipped prior for the language pair, when there is one). Pairs
never contain boilerplate sentences, so no link crosses into boilerplate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from alinea.align.words.aligner import WordAlignConfig, WordAligner, WordAlignment
from alinea.align.words.priors import read_prior
from alinea.align.words.translation import TokenPair
from alinea.engine import Executor
from alinea.schema import check_frame, polars_schema, word_alignments_schema
from alinea.text import tokenize


def align_token_pairs(
    pairs: Sequence[TokenPair],
    langs: tuple[str, str],
    config: WordAlignConfig,
    executor: Executor | None = None,
) -> list[WordAlignment]:
    """Links of every pair, in order, from a model trained on the pairs themselves (plus the
    prior ``config`` names): what ``alinea wordalign`` prints and the build publishes. The
    ``executor`` runs the shards of pairs, in training and in alignment."""
    prior = read_prior(config.prior, *langs)
    return WordAligner(*langs, config, prior).fit(pairs, executor).align(pairs, executor)


def align_words(
    pairs: pl.DataFrame,
    langs: tuple[str, str],
    config: WordAlignConfig,
    executor: Executor | None = None,
) -> pl.DataFrame:
    """One row per sentence pair: tokens of each side, links, link scores, method."""
    l1, l2 = langs
    schema = word_alignments_schema(l1, l2)
    texts = pairs["translation"].to_list()
    tokens = [(tokenize(t[l1]), tokenize(t[l2])) for t in texts]
    results = align_token_pairs(tokens, langs, config, executor) if tokens else []
    method = str(config.signature_fields(langs)["words"])
    rows = [
        {
            "pair_id": pair_id,
            f"{l1}_tokens": src,
            f"{l2}_tokens": tgt,
            "links": [[i, j] for i, j in result.links],
            "link_scores": [float(np.float32(s)) for s in result.scores],
            "method": method,
        }
        for pair_id, (src, tgt), result in zip(pairs["pair_id"], tokens, results, strict=True)
    ]
    frame = pl.DataFrame(rows, schema=polars_schema(schema), orient="row")
    return check_frame(frame, schema, "words")
