"""Corpus-wide evidence that two term candidates translate each other.

For a source key ``s`` and a target key ``t`` over the aligned sentence pairs:

- ``n_s``, ``n_t``: sentence pairs whose source (target) side contains ``s`` (``t``);
- ``a``: sentence pairs in which ``(s, t)`` is a phrase pair consistent with the word links
  (:func:`alinea.glossary.phrases.consistent_phrase_pairs`), and ``lam`` the mean over them of
  the best box's score: its mean link score times the share of its tokens that are linked
  (a box stretched over unaligned words counts less) times the sentence pair's score;
- ``c``: sentence pairs containing both;
- ``cog``: orthographic similarity of the two keys (:func:`cognate`).

Pairs are proposed by the phrase extraction, by cognates co-occurring in an aligned sentence pair
(``cog >= cognate_floor``), and by close cognates anywhere in the corpus (``cog >=
global_cognate``, among names, acronyms and terms with a C-value, or between such a candidate and
a once-seen multiword term): ``Kim Jong-un`` and ``conversações``/``conversaciones`` need no
shared sentence pair.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from alinea.align.words.orthography import spelling
from alinea.engine import Executor, SerialExecutor, shard_plan
from alinea.glossary.acronyms import is_acronym
from alinea.glossary.candidates import Candidate
from alinea.glossary.cognates import close_pairs, cognate_matrix, spelled
from alinea.glossary.phrases import Lexicon, consistent_phrase_pairs, surface_key
from alinea.text import tokenize


@dataclass(frozen=True)
class AlignedPair:
    """One sentence pair with its word alignment (source = the first language)."""

    pair_id: str
    src_sent_ids: tuple[str, ...]
    tgt_sent_ids: tuple[str, ...]
    src_tokens: tuple[str, ...]
    tgt_tokens: tuple[str, ...]
    links: tuple[tuple[int, int], ...]
    scores: tuple[float, ...]
    score: float = 1.0  # the sentence pair's own score in [0, 1]


@dataclass
class Evidence:
    """Counts gathered over the aligned sentence pairs (module docstring)."""

    src_pairs: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    tgt_pairs: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    aligned: Counter[tuple[str, str]] = field(default_factory=Counter)
    link_sum: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    best: dict[tuple[str, str], tuple[float, int]] = field(default_factory=dict)
    cognates: dict[tuple[str, str], float] = field(default_factory=dict)

    def proposed(self) -> list[tuple[str, str]]:
        """Every candidate pair with alignment or cognate evidence, sorted."""
        return sorted(set(self.aligned) | set(self.cognates))

    def cooccurrences(self, s: str, t: str) -> int:
        """Sentence pairs containing both ``s`` and ``t``."""
        return len(self.src_pairs.get(s, set()) & self.tgt_pairs.get(t, set()))


def compatible(a: Candidate, b: Candidate, lang_a: str, lang_b: str, floor: float) -> bool:
    """Whether the types of ``a`` and ``b`` allow a pair: an acronym pairs with an acronym, or
    with a term whose spelling is close to the expansion the text gives for it (at ``floor``);
    a multiword candidate holding an acronym needs one on the other side too (``agência
    noticiosa russa TASS`` is not ``agencia de noticias rusa Interfax``)."""
    if (a.type == "acronym") == (b.type == "acronym"):
        return a.type == "acronym" or _has_acronym(a.form) == _has_acronym(b.form)
    acronym, other, lang_o = (a, b, lang_b) if a.type == "acronym" else (b, a, lang_a)
    if acronym.expansion is None:
        return False
    lang_x = lang_a if acronym is a else lang_b
    expansion = " ".join(
        spelling(w, lang_x) for w in surface_key(tokenize(acronym.expansion)).split()
    )
    return fuzz.ratio(expansion, spelled(other, lang_o)) / 100.0 >= floor


@dataclass(frozen=True)
class GatherTask:
    """What every shard of pairs shares."""

    lexicons: tuple[Lexicon, Lexicon]
    max_len: int
    cognate_floor: float


@dataclass
class ShardCounts:
    """The counts of one shard of sentence pairs, by the pairs' global indexes."""

    src_pairs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    tgt_pairs: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    boxes: dict[tuple[str, str], list[tuple[int, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    cognates: dict[tuple[str, str], float] = field(default_factory=dict)


def gather_shard(task: GatherTask, pairs: Sequence[tuple[int, AlignedPair]]) -> ShardCounts:
    """The map step: occurrences, best phrase-pair boxes and co-occurring cognates of one shard
    of ``(index, pair)``."""
    src_lex, tgt_lex = task.lexicons
    out = ShardCounts()
    for p, pair in pairs:
        src_spans = {(i, j): k for i, j, k in src_lex.spans(pair.src_tokens)}
        tgt_spans = {(i, j): k for i, j, k in tgt_lex.spans(pair.tgt_tokens)}
        for k in dict.fromkeys(src_spans.values()):
            out.src_pairs[k].append(p)
        for k in dict.fromkeys(tgt_spans.values()):
            out.tgt_pairs[k].append(p)
        boxes: dict[tuple[str, str], float] = {}
        box_links = list(zip(pair.links, pair.scores, strict=True))
        for src, tgt in consistent_phrase_pairs(
            pair.links, len(pair.src_tokens), len(pair.tgt_tokens), task.max_len
        ):
            if src in src_spans and tgt in tgt_spans:
                key = src_spans[src], tgt_spans[tgt]
                box = _box_score(src, tgt, box_links) * pair.score
                boxes[key] = max(boxes.get(key, 0.0), box)
        for key, score in boxes.items():
            out.boxes[key].append((p, score))
        _add_cognates(
            out.cognates,
            [src_lex.candidates[k] for k in sorted(set(src_spans.values()))],
            [tgt_lex.candidates[k] for k in sorted(set(tgt_spans.values()))],
            (src_lex.lang, tgt_lex.lang),
            task.cognate_floor,
        )
    return out


def gather(
    pairs: Sequence[AlignedPair],
    lexicons: tuple[Lexicon, Lexicon],
    max_len: int,
    cognate_floor: float,
    global_cognate: float,
    executor: Executor | None = None,
    shards: int = 1,
) -> Evidence:
    """Count phrase pairs, co-occurrences and cognates (module docstring): a map over shards
    of sentence pairs (a stable hash of the pair id), reduced in shard order. A phrase pair's
    box scores are summed in pair order, as one pass over the pairs would."""
    executor = executor or SerialExecutor()
    plan = shard_plan([pair.pair_id for pair in pairs], shards)
    shared = lexicons  # sent to other processes without the sentence ids
    if not isinstance(executor, SerialExecutor):
        shared = lexicons[0].slim(), lexicons[1].slim()
    task = GatherTask(shared, max_len, cognate_floor)
    ev = Evidence()
    boxes: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    shards_of_pairs = [[(p, pairs[p]) for p in items] for items in plan]
    for part in executor.map(gather_shard, task, shards_of_pairs):
        for k, ps in part.src_pairs.items():
            ev.src_pairs[k].update(ps)
        for k, ps in part.tgt_pairs.items():
            ev.tgt_pairs[k].update(ps)
        for key, events in part.boxes.items():
            boxes[key] += events
        ev.cognates.update(part.cognates)
    for key, events in boxes.items():
        events.sort()
        ev.aligned[key] = len(events)
        total = 0.0
        for p, score in events:
            total += score
            if score > ev.best.get(key, (-1.0, 0))[0]:
                ev.best[key] = score, p
        ev.link_sum[key] = total
    _global_cognates(ev, lexicons, global_cognate, executor)
    return ev


def _box_score(
    src: tuple[int, int], tgt: tuple[int, int], links: Sequence[tuple[tuple[int, int], float]]
) -> float:
    """Mean link score inside the box times the share of its tokens that are linked."""
    inside = [(i, j, s) for (i, j), s in links if src[0] <= i < src[1] and tgt[0] <= j < tgt[1]]
    linked = len({i for i, _, _ in inside}) + len({j for _, j, _ in inside})
    size = src[1] - src[0] + tgt[1] - tgt[0]
    return sum(s for _, _, s in inside) / len(inside) * linked / size


@lru_cache(maxsize=1 << 16)
def _has_acronym(form: str) -> bool:
    return any(is_acronym(w) for w in form.split())


def _global_cognates(
    ev: Evidence, lexicons: tuple[Lexicon, Lexicon], threshold: float, executor: Executor
) -> None:
    """Close cognates anywhere in the corpus: recurring candidates of both languages, and a
    recurring candidate with a once-seen multiword one of the same length and initial
    (``cooperación técnico-militar`` twice in ES, ``cooperação técnico-militar`` once in PT)."""
    src_lex, tgt_lex = lexicons
    langs = src_lex.lang, tgt_lex.lang
    src = sorted(src_lex.candidates.values(), key=_by_key)
    tgt = sorted(tgt_lex.candidates.values(), key=_by_key)
    src_rec, tgt_rec = [c for c in src if _recurring(c)], [c for c in tgt if _recurring(c)]
    found = close_pairs(src_rec, tgt_rec, langs, threshold, executor)
    for a, b in (
        (src_rec, [c for c in tgt if _one_off_phrase(c)]),
        ([c for c in src if _one_off_phrase(c)], tgt_rec),
    ):
        blocks_a, blocks_b = _blocks(a, src_lex.lang), _blocks(b, tgt_lex.lang)
        for block, members in blocks_a.items():
            if block in blocks_b:
                found += close_pairs(members, blocks_b[block], langs, threshold, executor)
    for s, t, sim in found:
        ev.cognates[s, t] = sim


def _add_cognates(
    out: dict[tuple[str, str], float],
    src: Sequence[Candidate],
    tgt: Sequence[Candidate],
    langs: tuple[str, str],
    threshold: float,
) -> None:
    if not src or not tgt:
        return
    sim = cognate_matrix(src, tgt, *langs, cutoff=threshold)
    for i, j in zip(*np.nonzero(sim >= threshold), strict=True):
        out[src[i].key, tgt[j].key] = float(sim[i, j])


def _blocks(candidates: Iterable[Candidate], lang: str) -> dict[tuple[int, str], list[Candidate]]:
    """Candidates by word count and first letter of their spelling (cognate blocking)."""
    out: dict[tuple[int, str], list[Candidate]] = defaultdict(list)
    for c in candidates:
        out[len(c.key.split(" ")), spelled(c, lang)[:1]].append(c)
    return out


def _recurring(c: Candidate) -> bool:
    """Names and acronyms, and terms with a C-value (seen at least twice)."""
    return c.type != "term" or c.termhood > 0


def _one_off_phrase(c: Candidate) -> bool:
    """A multiword term seen too rarely for a C-value."""
    return not _recurring(c) and " " in c.key


def _by_key(c: Candidate) -> str:
    return c.key
