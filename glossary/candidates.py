"""Monolingual term candidates without POS models: stop-word-bounded n-grams ranked by C-value.

Method ``cvalue.v1``, per language:

1. **n-grams** of 1..``max_n`` tokens (names: ``max_name_n``) inside a sentence, never across
   punctuation, that start and end with a content word: not a stop word (list from the
   ``stop-words`` package), not a number. Stop words may stand inside (``asistencia mutua en
   caso de agresión``), except one-letter ones (``y``, ``e``, ``a``), which join phrases rather
   than build them. Capitalised stop words inside names count as content (see
   :mod:`alinea.glossary.analysis`).
2. **grouping** under a key: accent-folded, lowercase, hyphens as spaces (``Kim Jong-un`` =
   ``Kim Jong Un``), plurals mapped to their attested singular (:mod:`alinea.glossary.inflection`),
   keys equal but for spaces merged (``Jong-un`` / ``Jongun``), and multiword keys equal but
   for the gender of a modifier after the head (``síndrome respiratória`` / ``síndrome
   respiratório``, :data:`GENDER`).
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
from collections.abc import Sequence
from dataclasses import dataclass, replace

from alinea.engine import Executor
from alinea.glossary.acronyms import acronym_letters, initials
from alinea.glossary.counting import Group, Row, count_ngrams
from alinea.glossary.generality import base_language
from alinea.glossary.stopwords import stopwords
from alinea.text import fold, tokenize

# v2: the stop-word lists lose the nouns and adjectives the package lists (stopwords.CONTENT_WORDS)
# v3: multiword keys that differ in a modifier's gender are grouped
# v4: names of up to max_name_n (8) tokens (Consejo de Seguridad de la ONU: 6)
METHOD_ID = "cvalue.v4"


@dataclass(frozen=True)
class CandidateConfig:
    """Settings of candidate extraction (see the module docstring for the method)."""

    max_n: int = 5  # longest n-gram, in tokens
    max_name_n: int = 8  # longest name (every word but the stop words capitalised), in tokens
    min_freq: int = 1  # keep candidates seen at least this often (recurrence is decided later)
    cvalue_min_freq: int = 2  # candidates rarer than this get termhood 0
    min_chars: int = 2  # shortest key, in letters and digits
    max_acronym_len: int = 8  # longer all-caps words are shouting, not acronyms
    inflection: bool = True  # group plurals with their attested singular
    gender: bool = True  # group multiword terms that differ in the gender of a modifier
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


def _merge_spacing(groups: dict[str, Group]) -> dict[str, str]:
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


# gender endings of the words after the head of a multiword term: "suffix>neutral" (folded)
GENDER: dict[str, tuple[tuple[str, str], ...]] = {
    lang: (("as", "#s"), ("os", "#s"), ("a", "#"), ("o", "#")) for lang in ("pt", "es", "gl", "it")
}


def _gender_neutral(key: str, lang: str, stops: frozenset[str]) -> str:
    """``key`` with the gender ending of every word after the first neutralised (stop words
    and words of three letters or fewer kept): ``sindrome respiratoria`` and ``sindrome
    respiratorio`` agree."""
    words = key.split(" ")
    rules = GENDER.get(lang, ())
    for k in range(1, len(words)):
        w = words[k]
        if len(w) > 3 and w not in stops:
            for suffix, neutral in rules:
                if w.endswith(suffix):
                    words[k] = w[: -len(suffix)] + neutral
                    break
    return " ".join(words)


def _merge_gender(groups: dict[str, Group], lang: str, stops: frozenset[str]) -> dict[str, str]:
    """Merge multiword keys equal but for the gender of the words after the head into the most
    frequent (``síndrome respiratória`` / ``síndrome respiratório``); returns alias -> kept."""
    if lang not in GENDER:
        return {}
    buckets: dict[str, list[str]] = {}
    for key in groups:
        if " " in key:
            neutral = _gender_neutral(key, lang, stops)
            if neutral != key:
                buckets.setdefault(neutral, []).append(key)
    alias: dict[str, str] = {}
    for keys in buckets.values():
        if len(keys) < 2:
            continue
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


def _type(g: Group) -> str:
    if g.acronym and 2 * g.acronym >= g.freq:
        return "acronym"
    if 2 * g.capitalised > g.freq and (g.evidence or g.capitalised == g.freq >= 2):
        return "name"
    return "term"


def _forms(g: Group, kind: str, key: str) -> tuple[str, tuple[str, ...]]:
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
    if config.gender:
        gender = _merge_gender(groups, base, stops)
        alias = {k: gender.get(v, v) for k, v in alias.items()} | gender
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
