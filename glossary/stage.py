"""The build's glossary stage: the ``glossary`` frame of the sentence and word alignment frames.

Candidates are mined per language from the non-boilerplate sentences
(:mod:`alinea.glossary.candidates`), paired across languages (:mod:`alinea.glossary.pairing`)
and written one row per concept. Each side's example is a real sentence containing the term:
the sentence of the aligned pair the two sides were extracted from when there is one, else the
first sentence (in input order) that is part of an aligned pair, else the first sentence.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from alinea.engine import Executor
from alinea.glossary.association import AlignedPair
from alinea.glossary.candidates import Candidate, extract_candidates
from alinea.glossary.decisions import (
    CANDIDATE,
    PAIRED,
    REVIEWED,
    UNPAIRED,
    Decisions,
    forms_id,
    term_id,
)
from alinea.glossary.pairing import DEFAULT_CONFIG, Entry, GlossaryConfig, pair_terms
from alinea.glossary.phrases import Lexicon, Occurrences
from alinea.glossary.wordclass import TERM
from alinea.schema import check_frame, glossary_schema, polars_schema
from alinea.text import tokenize

Row = tuple[str, str, str]  # sent_id, doc_id, text
logger = logging.getLogger(__name__)


def sentence_rows(sentences: pl.DataFrame, lang: str, dedupe: bool = True) -> list[Row]:
    """``(sent_id, doc_id, text)`` of the non-boilerplate sentences of ``lang``, in frame order;
    with ``dedupe``, a sentence repeated in one document is kept once (as candidates count)."""
    kept = sentences.filter((pl.col("lang") == lang) & ~pl.col("is_boilerplate"))
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for sid, did, text in kept.select("sent_id", "doc_id", "text").iter_rows():
        if dedupe and (did, text.strip()) in seen:
            continue
        seen.add((did, text.strip()))
        rows.append((sid, did, text))
    return rows


def aligned_pairs(
    sentence_pairs: pl.DataFrame, word_alignments: pl.DataFrame, langs: tuple[str, str]
) -> list[AlignedPair]:
    """The sentence pairs joined with their word alignments, in ``word_alignments`` order."""
    l1, l2 = langs
    columns = ["pair_id", f"{l1}_sent_ids", f"{l2}_sent_ids", "score"]
    sides = {row[0]: row[1:] for row in sentence_pairs.select(columns).iter_rows()}
    out = []
    for row in word_alignments.to_dicts():
        src_ids, tgt_ids, score = sides.get(row["pair_id"], ((), (), 0.0))
        out.append(
            AlignedPair(
                pair_id=row["pair_id"],
                src_sent_ids=tuple(src_ids),
                tgt_sent_ids=tuple(tgt_ids),
                src_tokens=tuple(row[f"{l1}_tokens"]),
                tgt_tokens=tuple(row[f"{l2}_tokens"]),
                links=tuple((int(i), int(j)) for i, j in row["links"]),
                scores=tuple(float(s) for s in row["link_scores"]),
                score=float(score),
            )
        )
    return out


def entry_status(entry: Entry, threshold: float) -> str:
    """``paired`` (both sides, a term, calibrated confidence at or above ``threshold``),
    ``candidate`` (both sides, below it or not a term: a verb form or a plain word, see
    :mod:`alinea.glossary.wordclass`) or ``unpaired`` (one side)."""
    if entry.src is None or entry.tgt is None:
        return UNPAIRED
    return PAIRED if entry.confidence >= threshold and entry.word_class == TERM else CANDIDATE


def _tokens(rows: Sequence[Row]) -> dict[str, list[str]]:
    """The tokens of each sentence, every distinct token string held once (a corpus repeats its
    words: the lists hold references, not copies)."""
    pool: dict[str, str] = {}
    return {sid: [pool.setdefault(t, t) for t in tokenize(text)] for sid, _, text in rows}


def _example(
    c: Candidate, side: int, entry: Entry, pairs: Sequence[AlignedPair], occ: Occurrences,
    paired: set[str],
) -> str:  # fmt: skip
    """Sentence id of the example of one side (module docstring)."""
    sids = list(dict.fromkeys(sid for sid, _, _ in occ.get(c.key, ()))) or list(c.sent_ids)
    if entry.best_pair is not None:
        pair = pairs[entry.best_pair]
        own = pair.src_sent_ids if side == 0 else pair.tgt_sent_ids
        found = [sid for sid in own if sid in sids]
        if found:
            return found[0]
    return next((sid for sid in sids if sid in paired), sids[0])


def glossary_inputs(
    sentences: pl.DataFrame,
    sentence_pairs: pl.DataFrame,
    word_alignments: pl.DataFrame,
    langs: tuple[str, str],
    config: GlossaryConfig = DEFAULT_CONFIG,
    executor: Executor | None = None,
) -> tuple[tuple[Lexicon, Lexicon], tuple[dict[str, list[str]], dict[str, list[str]]],
           list[AlignedPair]]:  # fmt: skip
    """What the pairing reads: each language's candidates, the tokens of its sentences, and
    the aligned sentence pairs."""
    rows = [sentence_rows(sentences, lang, config.candidates.dedupe_sentences) for lang in langs]
    src, tgt = (
        Lexicon.of(lang, extract_candidates(r, lang, config.candidates, executor, config.shards))
        for lang, r in zip(langs, rows, strict=True)
    )
    logger.info(
        "glossary: %d %s and %d %s candidates",
        len(src.candidates), langs[0], len(tgt.candidates), langs[1],
    )  # fmt: skip
    tokens = (_tokens(rows[0]), _tokens(rows[1]))
    return (src, tgt), tokens, aligned_pairs(sentence_pairs, word_alignments, langs)


def build_glossary(
    sentences: pl.DataFrame,
    sentence_pairs: pl.DataFrame,
    word_alignments: pl.DataFrame,
    langs: tuple[str, str],
    config: GlossaryConfig = DEFAULT_CONFIG,
    executor: Executor | None = None,
) -> pl.DataFrame:
    """The ``glossary`` frame: one row per concept, best score first (schema-checked).

    The counting passes (n-grams and document frequencies per language, phrase pairs and
    co-occurrences over the aligned pairs, corpus-wide cognates) are maps over shards run by
    ``executor`` (default: this process) and reduced in shard order: every executor gives the
    same frame."""
    schema = glossary_schema(*langs)
    if config.decisions is not None:
        config = replace(config, decisions=config.decisions.oriented(langs))
    lexicons, tokens, pairs = glossary_inputs(
        sentences, sentence_pairs, word_alignments, langs, config, executor
    )
    entries, occurrences = pair_terms(lexicons, tokens, pairs, config, executor)
    texts = dict(zip(sentences["sent_id"], sentences["text"], strict=True))
    paired = [
        {sid for p in pairs for sid in (p.src_sent_ids if k == 0 else p.tgt_sent_ids)}
        for k in (0, 1)
    ]
    threshold = config.threshold_in_effect()
    records = []
    for e in entries:
        record: dict[str, Any] = {
            "term_id": term_id(e.src, e.tgt, langs),
            "type": e.type,
            "status": entry_status(e, threshold),
            "score": float(np.float32(round(e.score, 6))),
        }
        for k, (lang, c) in enumerate(zip(langs, (e.src, e.tgt), strict=True)):
            sid = _example(c, k, e, pairs, occurrences[k], paired[k]) if c else None
            record |= {
                lang: c.form if c else None,
                f"{lang}_variants": list(c.variants) if c else [],
                f"{lang}_freq": c.freq if c else 0,
                f"{lang}_docs": c.docs if c else 0,
                f"{lang}_example": texts[sid] if sid else None,
                f"{lang}_example_sent_id": sid,
            }
        records.append(record)
    if config.decisions is not None:
        records = with_decisions(records, config.decisions, langs)
    frame = pl.DataFrame(records, schema=polars_schema(schema))
    return check_frame(frame, schema, "glossary")


def with_decisions(
    records: list[dict[str, Any]], decisions: Decisions, langs: tuple[str, str]
) -> list[dict[str, Any]]:
    """The glossary rows with the translators' decisions applied (:mod:`alinea.glossary.
    decisions`): rejected entries dropped, accepted and edited ones ``reviewed`` with the
    decided forms (the forms they replace become variants), decided entries the build did not
    find added from the file; then ordered by score as before."""
    out, applied = [], set()
    for record in records:
        found = decisions.find(record["term_id"], (record[langs[0]], record[langs[1]]))
        if found is None:
            out.append(record)
            continue
        applied.add(found.line)
        if found.decision != "reject":
            out.append(_reviewed(record, found.kept_forms, langs))
    for row in decisions.kept():
        if row.line not in applied:  # not found again: kept from the file
            record = {"term_id": row.term_id or forms_id(row.kept_forms, langs), "type": "term",
                      "status": REVIEWED, "score": 0.0}  # fmt: skip
            for lang in langs:
                record |= {lang: None, f"{lang}_variants": [], f"{lang}_freq": 0,
                           f"{lang}_docs": 0, f"{lang}_example": None,
                           f"{lang}_example_sent_id": None}  # fmt: skip
            out.append(_reviewed(record, row.kept_forms, langs))
    out.sort(key=lambda r: -r["score"])  # stable: ties keep the build's order
    return out


def _reviewed(
    record: dict[str, Any], forms: tuple[str | None, str | None], langs: tuple[str, str]
) -> dict[str, Any]:
    """``record`` as a reviewed entry with the preferred ``forms`` (None: keep that side)."""
    out = dict(record, status=REVIEWED)
    for lang, form in zip(langs, forms, strict=True):
        if form and form != record[lang]:
            old = [record[lang]] if record[lang] else []
            variants = [v for v in (*old, *record[f"{lang}_variants"]) if v != form]
            out |= {lang: form, f"{lang}_variants": variants}
    return out
