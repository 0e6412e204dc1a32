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
from rapidfuzz import fuzz, process

from alinea.align.words.orthography import MIN_COGNATE_CHARS, spelling
from alinea.glossary.acronyms import acronym_letters, is_acronym
from alinea.glossary.candidates import Candidate
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


def _spelled(c: Candidate, lang: str) -> str:
    return _spelled_key(c.key, lang)


@lru_cache(maxsize=1 << 18)  # bounded: a corpus has as many keys as it has n-grams
def _spelled_key(key: str, lang: str) -> str:
    return " ".join(spelling(w, lang) for w in key.split(" "))


def cognate(a: Candidate, b: Candidate, lang_a: str, lang_b: str) -> float:
    """Orthographic similarity in [0, 1] of two candidates' keys.

    Equal keys are similar (1.0); acronyms only when their letters are equal; keys shorter than
    ``MIN_COGNATE_CHARS`` letters only when identical; others by the normalised Indel
    similarity of their shared spellings (:func:`alinea.align.words.orthography.spelling`).
    """
    return float(_cognates([a], [b], lang_a, lang_b)[0, 0])


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
    return fuzz.ratio(expansion, _spelled(other, lang_o)) / 100.0 >= floor


def _ids(*columns: Sequence[str]) -> list[np.ndarray]:
    """The strings of each column as integers, equal where the strings are equal (so a
    matrix of comparisons is a fast integer one)."""
    index: dict[str, int] = {}
    return [
        np.array([index.setdefault(x, len(index)) for x in col], dtype=np.int64) for col in columns
    ]


def _cognates(
    src: Sequence[Candidate],
    tgt: Sequence[Candidate],
    src_lang: str,
    tgt_lang: str,
    cutoff: float = 0.0,
) -> np.ndarray:
    """The :func:`cognate` matrix of two candidate lists (similarities below ``cutoff`` may
    read 0)."""
    a = [_spelled(c, src_lang) for c in src]
    b = [_spelled(c, tgt_lang) for c in tgt]
    sim = np.asarray(
        process.cdist(a, b, scorer=fuzz.ratio, dtype=np.float32, score_cutoff=cutoff * 100),
        dtype=np.float64,
    )
    sim /= 100.0
    acr_a = np.array([c.type == "acronym" for c in src])
    acr_b = np.array([c.type == "acronym" for c in tgt])
    letters_a, letters_b = _ids([_letters(c) for c in src], [_letters(c) for c in tgt])
    short_a = np.array([len(x) < MIN_COGNATE_CHARS for x in a])
    short_b = np.array([len(x) < MIN_COGNATE_CHARS for x in b])
    spelled_a, spelled_b = _ids(a, b)
    if short_a.any() or short_b.any():  # short spellings count only when identical
        short = short_a[:, None] | short_b[None, :]
        sim[short] = (spelled_a[:, None] == spelled_b[None, :])[short]
    keys_a, keys_b = _ids([c.key for c in src], [c.key for c in tgt])
    sim[keys_a[:, None] == keys_b[None, :]] = 1.0
    if acr_a.any() or acr_b.any():  # an acronym is a cognate only of the same letters
        rows, cols = np.flatnonzero(acr_a), np.flatnonzero(acr_b)
        sim[rows, :] = 0.0
        sim[:, cols] = 0.0
        same = letters_a[rows][:, None] == letters_b[cols][None, :]
        sim[np.ix_(rows, cols)] = same.astype(np.float64)
    return sim


def gather(
    pairs: Iterable[AlignedPair],
    lexicons: tuple[Lexicon, Lexicon],
    max_len: int,
    cognate_floor: float,
    global_cognate: float,
) -> Evidence:
    """Count phrase pairs, co-occurrences and cognates (module docstring)."""
    src_lex, tgt_lex = lexicons
    ev = Evidence()
    for p, pair in enumerate(pairs):
        src_spans = {(i, j): k for i, j, k in src_lex.spans(pair.src_tokens)}
        tgt_spans = {(i, j): k for i, j, k in tgt_lex.spans(pair.tgt_tokens)}
        for k in src_spans.values():
            ev.src_pairs[k].add(p)
        for k in tgt_spans.values():
            ev.tgt_pairs[k].add(p)
        boxes: dict[tuple[str, str], float] = {}
        box_links = list(zip(pair.links, pair.scores, strict=True))
        for src, tgt in consistent_phrase_pairs(
            pair.links, len(pair.src_tokens), len(pair.tgt_tokens), max_len
        ):
            if src in src_spans and tgt in tgt_spans:
                key = src_spans[src], tgt_spans[tgt]
                box = _box_score(src, tgt, box_links) * pair.score
                boxes[key] = max(boxes.get(key, 0.0), box)
        for key, score in boxes.items():
            ev.aligned[key] += 1
            ev.link_sum[key] += score
            if score > ev.best.get(key, (-1.0, 0))[0]:
                ev.best[key] = score, p
        _pair_cognates(ev, sorted(set(src_spans.values())), sorted(set(tgt_spans.values())),
                       lexicons, cognate_floor)  # fmt: skip
    _global_cognates(ev, lexicons, global_cognate)
    return ev


def _box_score(
    src: tuple[int, int], tgt: tuple[int, int], links: Sequence[tuple[tuple[int, int], float]]
) -> float:
    """Mean link score inside the box times the share of its tokens that are linked."""
    inside = [(i, j, s) for (i, j), s in links if src[0] <= i < src[1] and tgt[0] <= j < tgt[1]]
    linked = len({i for i, _, _ in inside}) + len({j for _, j, _ in inside})
    size = src[1] - src[0] + tgt[1] - tgt[0]
    return sum(s for _, _, s in inside) / len(inside) * linked / size


def _letters(c: Candidate) -> str:
    return acronym_letters(c.form) if c.type == "acronym" else ""


@lru_cache(maxsize=1 << 16)
def _has_acronym(form: str) -> bool:
    return any(is_acronym(w) for w in form.split())


def _pair_cognates(
    ev: Evidence,
    src_keys: Sequence[str],
    tgt_keys: Sequence[str],
    lexicons: tuple[Lexicon, Lexicon],
    floor: float,
) -> None:
    src_lex, tgt_lex = lexicons
    src = [src_lex.candidates[k] for k in src_keys]
    _add_cognates(ev, src, [tgt_lex.candidates[k] for k in tgt_keys], lexicons, floor)


def _global_cognates(ev: Evidence, lexicons: tuple[Lexicon, Lexicon], threshold: float) -> None:
    """Close cognates anywhere in the corpus: recurring candidates of both languages, and a
    recurring candidate with a once-seen multiword one of the same length and initial
    (``cooperación técnico-militar`` twice in ES, ``cooperação técnico-militar`` once in PT)."""
    src_lex, tgt_lex = lexicons
    src = sorted(src_lex.candidates.values(), key=_by_key)
    tgt = sorted(tgt_lex.candidates.values(), key=_by_key)
    src_rec, tgt_rec = [c for c in src if _recurring(c)], [c for c in tgt if _recurring(c)]
    _add_cognates(ev, src_rec, tgt_rec, lexicons, threshold)
    for a, b in (
        (src_rec, [c for c in tgt if _one_off_phrase(c)]),
        ([c for c in src if _one_off_phrase(c)], tgt_rec),
    ):
        blocks_a, blocks_b = _blocks(a, src_lex.lang), _blocks(b, tgt_lex.lang)
        for block, members in blocks_a.items():
            if block in blocks_b:
                _add_cognates(ev, members, blocks_b[block], lexicons, threshold)


def _add_cognates(
    ev: Evidence,
    src: Sequence[Candidate],
    tgt: Sequence[Candidate],
    lexicons: tuple[Lexicon, Lexicon],
    threshold: float,
) -> None:
    if not src or not tgt:
        return
    sim = _cognates(src, tgt, lexicons[0].lang, lexicons[1].lang, cutoff=threshold)
    for i, j in zip(*np.nonzero(sim >= threshold), strict=True):
        ev.cognates[src[i].key, tgt[j].key] = float(sim[i, j])


def _blocks(candidates: Iterable[Candidate], lang: str) -> dict[tuple[int, str], list[Candidate]]:
    """Candidates by word count and first letter of their spelling (cognate blocking)."""
    out: dict[tuple[int, str], list[Candidate]] = defaultdict(list)
    for c in candidates:
        out[len(c.key.split(" ")), _spelled(c, lang)[:1]].append(c)
    return out


def _recurring(c: Candidate) -> bool:
    """Names and acronyms, and terms with a C-value (seen at least twice)."""
    return c.type != "term" or c.termhood > 0


def _one_off_phrase(c: Candidate) -> bool:
    """A multiword term seen too rarely for a C-value."""
    return not _recurring(c) and " " in c.key


def _by_key(c: Candidate) -> str:
    return c.key
