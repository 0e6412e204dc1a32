"""Monolingual term candidates without POS models: stop-word-bounded n-grams ranked by C-value.

Method ``cvalue.v1``, per language:

1. **n-grams** of 1..``max_n`` tokens inside a sentence, never across punctuation, that start and
   end with a content word: not a stop word (list from the ``stop-words`` package), not a number.
   Stop words may stand inside (``asistencia mutua en caso de agresión``), except one-letter ones
   (``y``, ``e``, ``a``), which join phrases rather than build them. Capitalised stop words inside
   names count as content (see :mod:`alinea.glossary.analysis`).
2. **grouping** under a key: accent-folded, lowercase, hyphens as spaces (``Kim Jong-un`` =
   ``Kim Jong Un``), plurals mapped to their attested singular (:mod:`alinea.glossary.inflection`),
   and keys equal but for spaces merged (``Jong-un`` / ``Jongun``).
3. **types**: ``acronym`` for a one-token all-caps candidate (with the expansion the text gives,
   :mod:`alinea.glossary.acronyms`, else a name candidate whose initials spell it); ``name`` when
   most occurrences are capitalised and one of them is away from a sentence start or spans two
   capitalised words (or it recurs, always capitalised); ``term`` otherwise.
4. **termhood**, C-value (Frantzi, Ananiadou & Mima 2000) with the ``log2(|a| + 1)`` length weight
   of Barrón-Cedeño et al. (2009), so that single words score too::

       C(a) = log2(|a| + 1) * f(a)                                  if a is nested in no candidate
       C(a) = log2(|a| + 1) * (f(a) - sum(f(b) for b in T_a) / |T_a|)   otherwise

   ``|a|`` counts the key's words, ``f`` the key's occurrences, ``T_a`` the longer candidate keys
   containing ``a``. As in the original method it is computed over the candidates with
   ``f >= cvalue_min_freq``; rarer ones are kept (a counterpart in the other language can make
   them recurring) with termhood 0. Negative values (possible after grouping) are clipped to 0.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from alinea.engine import Executor, SerialExecutor, shard_plan
from alinea.glossary.acronyms import acronym_letters, find_expansions, initials
from alinea.glossary.analysis import Analysis, Evidence, Sentence, Token, casing_evidence
from alinea.glossary.generality import base_language
from alinea.glossary.inflection import singular
from alinea.glossary.stopwords import stopwords
from alinea.text import fold, tokenize

METHOD_ID = "cvalue.v1"


@dataclass(frozen=True)
class CandidateConfig:
    """Settings of candidate extraction (see the module docstring for the method)."""

    max_n: int = 5  # longest n-gram, in tokens
    min_freq: int = 1  # keep candidates seen at least this often (recurrence is decided later)
    cvalue_min_freq: int = 2  # candidates rarer than this get termhood 0
    min_chars: int = 2  # shortest key, in letters and digits
    max_acronym_len: int = 8  # longer all-caps words are shouting, not acronyms
    inflection: bool = True  # group plurals with their attested singular
    link_by_initials: bool = True  # acronym without a given expansion: a name spelling it (3+)
    dedupe_sentences: bool = True  # a sentence repeated in one document counts once
    extra_stopwords: frozenset[str] = frozenset()  # added to the package's list (folded)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A term candidate of one language."""

    lang: str
    form: str  # preferred surface form (most frequent original casing)
    key: str  # grouping key: folded, hyphens as spaces, plurals singular
    type: str  # "term" | "acronym" | "name"
    variants: tuple[str, ...]  # other surface forms grouped here, most frequent first
    freq: int  # occurrences, all variants
    docs: int  # documents it occurs in
    sent_ids: tuple[str, ...]  # sentences it occurs in, in input order
    termhood: float  # C-value
    expansion: str | None  # acronyms: the expansion the text gives


@dataclass(slots=True)
class _Group:
    # (surface, initial, first word seen in lowercase elsewhere) -> occurrences
    surfaces: Counter[tuple[str, bool, bool]] = field(default_factory=Counter)
    freq: int = 0
    docs: list[str] = field(default_factory=list)  # its documents (a repeat in a row dropped)
    sents: list[int] = field(default_factory=list)  # input positions of its sentences, ascending
    capitalised: int = 0
    evidence: int = 0
    acronym: int = 0

    def merge(self, other: _Group) -> None:
        self.surfaces.update(other.surfaces)
        self.freq += other.freq
        self.docs += other.docs
        self.sents = sorted(set(self.sents) | set(other.sents))
        self.capitalised += other.capitalised
        self.evidence += other.evidence
        self.acronym += other.acronym


def _spans(toks: Sequence[Token], max_n: int) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the stop-word-bounded n-grams of one sentence."""

    def bound(k: int, neighbour: int) -> bool:
        t = toks[k]
        return t.word and (not t.stop or (t.capstop and k != neighbour and toks[neighbour].cap))

    for i in range(len(toks)):
        for j in range(i, min(len(toks), i + max_n)):
            t = toks[j]
            if not t.alnum or (t.stop and not t.capstop and len(t.text) == 1):
                break
            inner_i, inner_j = min(i + 1, j), max(j - 1, i)
            if bound(i, inner_i) and bound(j, inner_j):
                yield i, j + 1


def _occurrences(
    sentences: Iterable[tuple[int, Sentence]],
    vocabulary: Collection[str],
    lang: str,
    config: CandidateConfig,
) -> tuple[dict[str, _Group], list[tuple[str, str]]]:
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

    groups: dict[str, _Group] = {}
    expansions: list[tuple[str, str]] = []
    for n, s in sentences:
        token_keys: list[str] = []  # each token's key parts, joined (filled as spans need them)
        for i, j in _spans(s.tokens, config.max_n):
            span = s.tokens[i:j]
            while len(token_keys) < j:
                token_keys.append(" ".join(key_parts(s.tokens[len(token_keys)])))
            key = " ".join(token_keys[i:j])
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Group()
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


def _merge_spacing(groups: dict[str, _Group]) -> dict[str, str]:
    """Merge keys equal but for spaces into the most frequent; returns alias -> kept key."""
    buckets: dict[str, list[str]] = {}
    for key in groups:
        buckets.setdefault(key.replace(" ", ""), []).append(key)
    alias: dict[str, str] = {}
    for keys in buckets.values():
        keys.sort(key=lambda k: (-groups[k].freq, k))
        for other in keys[1:]:
            groups[keys[0]].merge(groups.pop(other))
            alias[other] = keys[0]
    return alias


def c_value(freqs: dict[str, int], alias: dict[str, str], min_freq: int = 2) -> dict[str, float]:
    """C-value of each key with ``freq >= min_freq`` (module docstring), keys being words
    joined by spaces; ``alias`` maps merged keys to the key they were merged into."""
    kept = {k: f for k, f in freqs.items() if f >= min_freq}
    nested_sum: Counter[str] = Counter()
    nested_count: Counter[str] = Counter()
    for b, fb in kept.items():
        words = b.split(" ")
        inside = {
            alias.get(sub, sub)
            for n in range(1, len(words))
            for s in range(len(words) - n + 1)
            for sub in [" ".join(words[s : s + n])]
        }
        for a in (inside - {b}) & kept.keys():  # not kept - {b}: a copy of every key per b
            nested_sum[a] += fb
            nested_count[a] += 1
    scores = {}
    for a, fa in kept.items():
        surplus = fa - nested_sum[a] / nested_count[a] if nested_count[a] else fa
        scores[a] = max(0.0, math.log2(len(a.split(" ")) + 1) * surplus)
    return scores


def _type(g: _Group) -> str:
    if g.acronym and 2 * g.acronym >= g.freq:
        return "acronym"
    if 2 * g.capitalised > g.freq and (g.evidence or g.capitalised == g.freq >= 2):
        return "name"
    return "term"


def _forms(g: _Group, kind: str, key: str) -> tuple[str, tuple[str, ...]]:
    """Preferred form (casing seen inside sentences first) and the other variants.

    A term's capital at a sentence start is dropped when its word, or the term, is also seen in
    lowercase. A one-word term is cited in its base form (the singular) when the text has it:
    ``radiografia``, not ``radiografias``, whichever is more frequent."""
    every: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    lower_inside = any(s[:1].islower() and not initial for s, initial, _ in g.surfaces)
    for (surface, initial, lowered), n in g.surfaces.items():
        if kind == "term" and (lowered or (initial and lower_inside)):
            surface = surface[:1].lower() + surface[1:]
        every[surface] += n
        if not initial:
            inside[surface] += n
    pool = inside or every
    if kind == "term" and " " not in key:
        pool = Counter({v: n for v, n in pool.items() if fold(v) == key}) or pool
    # ties: a lowercase form for terms, then alphabetical
    form = min(pool, key=lambda v: (-pool[v], kind == "term" and v != v.lower(), v))
    variants = sorted((v for v in every if v != form), key=lambda v: (-every[v], v))
    return form, tuple(variants)


def _initials_index(names: Sequence[Candidate], stops: frozenset[str]) -> dict[str, str]:
    """Acronym letters (3+) -> the most frequent name candidate whose initials spell them."""
    index: dict[str, str] = {}
    for c in names:  # most frequent first
        words = tokenize(c.form)
        if len(words) < 2:
            continue
        flags = [fold(w) in stops and not w[:1].isupper() for w in words]
        if flags[0] or flags[-1]:
            continue
        content = [w for w, f in zip(words, flags, strict=True) if not f]
        for letters in (initials(content), initials(words)):
            if len(letters) >= 3:
                index.setdefault(letters, c.form)
    return index


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
) -> tuple[dict[str, _Group], list[tuple[str, str]]]:
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
) -> tuple[dict[str, _Group], list[tuple[str, str]]]:
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
    groups: dict[str, _Group] = {}
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


def extract_candidates(
    sentences: Sequence[Row],
    lang: str,
    config: CandidateConfig = CandidateConfig(),
    executor: Executor | None = None,
    shards: int = 1,
) -> list[Candidate]:
    """Term candidates of one language, best termhood first.

    Args:
        sentences: ``(sent_id, doc_id, text)`` of one language, boilerplate already removed.
        lang: ISO 639-1 code, optionally with a region (``pt-PT``); chooses the stop words and
            the plural rules.
        config: extraction settings.
        executor: runs the counting shards (default: this process); never changes the output.
        shards: how many shards the sentences are counted in (never changes the output).

    Returns:
        Candidates sorted by termhood, then frequency, then key.

    Raises:
        LanguageError: no stop-word list exists for ``lang``.
    """
    base = base_language(lang)
    stops = stopwords(base) | {fold(w) for w in config.extra_stopwords}
    if config.dedupe_sentences:
        seen: set[tuple[str, str]] = set()
        rows = []
        for sid, did, text in sentences:
            if (did, text.strip()) not in seen:
                seen.add((did, text.strip()))
                rows.append((sid, did, text))
        sentences = rows
    groups, found = count_ngrams(sentences, base, stops, config, executor, shards)
    alias = _merge_spacing(groups)
    scores = c_value({k: g.freq for k, g in groups.items()}, alias, config.cvalue_min_freq)
    expansions: dict[str, Counter[str]] = {}
    for acronym, surface in found:
        expansions.setdefault(alias.get(acronym, acronym), Counter())[surface] += 1

    out = []
    for key, g in groups.items():
        if g.freq < config.min_freq or sum(c.isalnum() for c in key) < config.min_chars:
            continue
        kind = _type(g)
        form, variants = _forms(g, kind, key)
        given = expansions.get(key) if kind == "acronym" else None
        out.append(
            Candidate(
                lang=lang,
                form=form,
                key=key,
                type=kind,
                variants=variants,
                freq=g.freq,
                docs=len(set(g.docs)),
                sent_ids=tuple(sentences[n][0] for n in g.sents),
                termhood=round(scores.get(key, 0.0), 6),
                expansion=min(given, key=lambda e: (-given[e], e)) if given else None,
            )
        )
    out.sort(key=lambda c: (-c.termhood, -c.freq, c.key))
    if config.link_by_initials:
        names = sorted((c for c in out if c.type == "name"), key=lambda c: (-c.freq, c.key))
        by_initials = _initials_index(names, stops)
        out = [
            c
            if c.type != "acronym" or c.expansion
            else replace(c, expansion=by_initials.get(acronym_letters(c.form)))
            for c in out
        ]
    return out
