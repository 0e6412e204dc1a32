"""Counting the n-gram candidates of one language: a map over shards of sentences, a reduce.

Every stop-word-bounded n-gram (:mod:`alinea.glossary.candidates`) is grouped under its key with
its surface forms, occurrences, documents and sentences. Two passes, each a map over shards of
documents (a stable hash of the document id, :func:`alinea.engine.shard_plan`) reduced in shard
order: the corpus-wide casing evidence (:func:`alinea.glossary.analysis.casing_evidence`, a
union of sets), then the groups under that evidence (merged: counts add up, sentence positions
are global), so the groups are those of one pass over the corpus whatever the shards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from alinea.engine import Executor, SerialExecutor, shard_plan
from alinea.glossary.acronyms import find_expansions
from alinea.glossary.analysis import Analysis, Evidence, Sentence, Token, casing_evidence
from alinea.glossary.inflection import singular
from alinea.text import fold

if TYPE_CHECKING:
    from alinea.glossary.candidates import CandidateConfig


@dataclass(slots=True)
class Group:
    """The occurrences of one n-gram key."""

    # (surface, initial, first word seen in lowercase elsewhere) -> occurrences
    surfaces: Counter[tuple[str, bool, bool]] = field(default_factory=Counter)
    freq: int = 0
    docs: list[str] = field(default_factory=list)  # its documents (a repeat in a row dropped)
    sents: list[int] = field(default_factory=list)  # input positions of its sentences, ascending
    capitalised: int = 0
    evidence: int = 0
    acronym: int = 0

    def merge(self, other: Group) -> None:
        self.surfaces.update(other.surfaces)
        self.freq += other.freq
        self.docs += other.docs
        self.sents = sorted(set(self.sents) | set(other.sents))
        self.capitalised += other.capitalised
        self.evidence += other.evidence
        self.acronym += other.acronym


def _spans(toks: Sequence[Token], max_n: int, max_name_n: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the stop-word-bounded n-grams of one sentence: up to ``max_n``
    tokens, or up to ``max_name_n`` while every word but the stop words is capitalised (``Consejo
    de Seguridad de la ONU``)."""

    def bound(k: int, neighbour: int) -> bool:
        t = toks[k]
        return t.word and (not t.stop or (t.capstop and k != neighbour and toks[neighbour].cap))

    for i in range(len(toks)):
        named = True  # every content token so far capitalised
        for j in range(i, min(len(toks), i + max(max_n, max_name_n))):
            t = toks[j]
            if not t.alnum or (t.stop and not t.capstop and len(t.text) == 1):
                break
            named = named and (t.stop or (t.word and t.cap))
            if j - i >= max_n and not named:
                break
            inner_i, inner_j = min(i + 1, j), max(j - 1, i)
            if bound(i, inner_i) and bound(j, inner_j):
                yield i, j + 1


def _occurrences(
    sentences: Iterable[tuple[int, Sentence]],
    vocabulary: Collection[str],
    lang: str,
    config: CandidateConfig,
) -> tuple[dict[str, Group], list[tuple[str, str]]]:
    """The groups of every n-gram of ``(input position, sentence)`` pairs, by key, and the
    acronym expansions the text gives (folded acronym, expansion), both in the order they
    occur."""
    parts: dict[tuple[str, bool, bool], tuple[str, ...]] = {}

    def key_parts(t: Token) -> tuple[str, ...]:
        cached = t.text, t.stop, t.acronym
        if cached not in parts:
            folded = fold(t.text).split("-")
            if config.inflection and not t.stop and not t.acronym:
                folded = [singular(p, lang, vocabulary) for p in folded]
            parts[cached] = tuple(folded)
        return parts[cached]

    groups: dict[str, Group] = {}
    expansions: list[tuple[str, str]] = []
    for n, s in sentences:
        token_keys: list[str] = []  # each token's key parts, joined (filled as spans need them)
        for i, j in _spans(s.tokens, config.max_n, config.max_name_n):
            span = s.tokens[i:j]
            while len(token_keys) < j:
                token_keys.append(" ".join(key_parts(s.tokens[len(token_keys)])))
            key = " ".join(token_keys[i:j])
            g = groups.get(key)
            if g is None:
                g = groups[key] = Group()
            content = [t for t in span if t.word and (not t.stop or t.capstop)]
            capitalised = all(t.cased for t in content)
            first = span[0]
            g.surfaces[s.surface(i, j), first.initial, first.cap and not first.cased] += 1
            g.freq += 1
            if not g.docs or g.docs[-1] != s.doc_id:
                g.docs.append(s.doc_id)
            if not g.sents or g.sents[-1] != n:
                g.sents.append(n)
            g.capitalised += capitalised
            g.evidence += capitalised and (not span[0].initial or len(content) >= 2)
            g.acronym += j - i == 1 and span[0].acronym
        acronyms = [i for i, t in enumerate(s.tokens) if t.acronym]
        if acronyms:
            stop_flags = [t.stop and not t.capstop for t in s.tokens]
            texts = [t.text for t in s.tokens]
            for k, start, end in find_expansions(texts, stop_flags, acronyms):
                expansions.append((fold(texts[k]), s.surface(start, end)))
    return groups, expansions


Row = tuple[str, str, str]  # sent_id, doc_id, text


@dataclass(frozen=True)
class CountTask:
    """What every shard of the counting pass shares: the language and the corpus evidence."""

    lang: str  # base language (plural rules)
    stops: frozenset[str]
    config: CandidateConfig
    evidence: Evidence


def casing_shard(task: tuple[frozenset[str], int], rows: Sequence[Row]) -> Evidence:
    """Map step 1: the casing evidence of one shard of sentences (a union reduces it)."""
    return casing_evidence(rows, *task)


def count_shard(
    task: CountTask, rows: Sequence[tuple[int, Row]]
) -> tuple[dict[str, Group], list[tuple[str, str]]]:
    """Map step 2: the n-gram groups and acronym expansions of one shard of ``(input position,
    row)`` sentences, under the evidence of the whole corpus."""
    analysis = Analysis([row for _, row in rows], task.stops, task.config.max_acronym_len,
                        task.evidence)  # fmt: skip
    numbered = zip((n for n, _ in rows), analysis, strict=True)
    return _occurrences(numbered, task.evidence[2], task.lang, task.config)


def count_ngrams(
    sentences: Sequence[Row],
    lang: str,
    stops: frozenset[str],
    config: CandidateConfig,
    executor: Executor | None = None,
    shards: int = 1,
) -> tuple[dict[str, Group], list[tuple[str, str]]]:
    """The groups of every n-gram and the acronym expansions of ``sentences``, as a map over
    shards of documents (a stable hash of the document id) and a reduce in shard order: first
    the corpus-wide casing evidence (a union of sets), then the counts (groups merged)."""
    executor = executor or SerialExecutor()
    plan = shard_plan([did for _, did, _ in sentences], shards)
    pairs: set[tuple[str, str]] = set()
    lowercase: set[str] = set()
    words: set[str] = set()
    rows = [[sentences[i] for i in items] for items in plan]
    for shard_pairs, shard_lowercase, shard_words in executor.map(
        casing_shard, (stops, config.max_acronym_len), rows
    ):
        pairs |= shard_pairs
        lowercase |= shard_lowercase
        words |= shard_words
    del rows
    task = CountTask(lang, stops, config, (pairs, lowercase, words))
    groups: dict[str, Group] = {}
    expansions: list[tuple[str, str]] = []
    numbered = [[(i, sentences[i]) for i in items] for items in plan]
    for shard_groups, shard_expansions in executor.map(count_shard, task, numbered):
        for key, g in shard_groups.items():
            total = groups.get(key)
            if total is None:
                groups[key] = g
            else:  # shards hold different sentences: the merge adds their counts
                total.merge(g)
        expansions += shard_expansions
    return groups, expansions
