"""Calibrated glossary pair confidence: the probability that two terms translate each other.

Every candidate pair the pairing considers (compatible types, noisy-OR confidence ``P`` at or
above ``min_confidence``, :mod:`alinea.glossary.pairing`) gets the features of :data:`FEATURES`,
all of them counts the pairing already has: ``P`` itself and its alignment part, phrase pairs
and their mean box score, cognate similarity, co-occurrence, sentence pairs, frequencies and
documents of both sides, word counts, the entry kind, domain specificity, C-value, whether
each side's best partner (by ``P``) is the other and by how much, the shares of the sentence
pairs holding the rarer side in which the two are aligned / co-occur, whether two one-word
terms are only ever cited in different numbers, and the word-class signals of
:mod:`alinea.glossary.wordclass` (sides that look like a verb form, sides that are plain words,
and how far apart the two one-word sides' general-language frequencies are). A logistic model
(:class:`alinea.align.calibration.Logistic`, the one the sentence scores use) turns them into a
probability. Its parameters live in ``calibration.json`` next to this module, written by
``scripts/fit_glossary_calibration.py`` from glossaries built on FLORES-200 devtest and
NTREX-128 (PT-ES) only, labelled with the MUSE dictionaries *minus every word of their test
parts*; the seeds, TICO-19 and the MUSE test dictionaries (the evaluations) are never read.
The default threshold is the lowest at which the fit data's labelled paired entries are at
least 90% correct; the README gives threshold -> precision. The version
(``flores-ntrex-<digest>``) names the parameters in the build signature.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from alinea.align.calibration import Logistic, parameters_digest
from alinea.glossary.association import Evidence
from alinea.glossary.candidates import Candidate
from alinea.glossary.generality import base_language, specificity, zipf
from alinea.glossary.inflection import looks_plural
from alinea.glossary.wordclass import general_word, verb_form
from alinea.text import fold

FEATURES = (
    "p", "align", "log_aligned", "lam", "cognate", "together", "log_pairs_src",
    "log_pairs_tgt", "log_freq_src", "log_freq_tgt", "freq_ratio", "log_docs_min",
    "words_src", "words_tgt", "words_diff", "name", "acronym", "spec", "termhood",
    "best_src", "best_tgt", "margin_src", "margin_tgt", "identical", "aligned_share",
    "together_share", "number_differs", "verbal", "general", "zipf_gap",
)  # fmt: skip


@dataclass(frozen=True)
class PairCalibration:
    """The fitted model, its default threshold and the version that names both."""

    model: Logistic
    threshold: float
    version: str

    @property
    def signature_id(self) -> str:
        return self.version

    def probability(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """Probability per candidate pair of the feature ``columns``."""
        if not len(next(iter(columns.values()), ())):
            return np.zeros(0, dtype=np.float32)
        return self.model.probability(columns)


def from_json(data: dict[str, Any]) -> PairCalibration:
    """A :class:`PairCalibration` of the JSON form the fitting script writes (without a
    ``version``, it is named by its parameters' digest)."""
    return PairCalibration(
        Logistic.from_json(data["model"]),
        float(data["threshold"]),
        str(data.get("version") or f"sha-{parameters_digest(data)}"),
    )


@cache
def shipped() -> PairCalibration:
    """The glossary calibration shipped with alinea (read once)."""
    text = resources.files("alinea.glossary").joinpath("calibration.json").read_text("utf-8")
    return from_json(json.loads(text))


@dataclass(frozen=True)
class Scoring:
    """The pairing settings the features depend on."""

    dice_prior: float
    cognate_floor: float
    general_midpoint: float | None
    general_width: float


def confidence(ev: Evidence, s: str, t: str, scoring: Scoring) -> tuple[float, float]:
    """The noisy-OR confidence ``P`` of the keys ``s`` and ``t`` and its alignment part ``A``
    (:mod:`alinea.glossary.pairing`)."""
    n = len(ev.src_pairs.get(s, ())) + len(ev.tgt_pairs.get(t, ()))
    a = ev.aligned[s, t]
    lam = ev.link_sum[s, t] / a if a else 0.0
    align = lam * 2 * a / (n + scoring.dice_prior)
    floor = scoring.cognate_floor
    cog = max(0.0, (ev.cognates.get((s, t), 0.0) - floor) / (1 - floor))
    together = 2 * ev.cooccurrences(s, t) / n if n else 0.0
    return 1 - (1 - align) * (1 - cog * (1 + together) / 2), align


def _spec(c: Candidate, scoring: Scoring) -> float:
    if c.type != "term" or " " in c.key or scoring.general_midpoint is None:
        return 1.0
    return specificity(c.form, c.lang, scoring.general_midpoint, scoring.general_width)


def _number_differs(a: Candidate, b: Candidate) -> bool:
    """Two one-word terms cited one in the singular, the other in the plural, with no variant
    in the other number (``vômito`` / ``vómitos``)."""
    if " " in a.key or " " in b.key:
        return False

    def numbers(c: Candidate) -> set[bool]:
        lang = base_language(c.lang)
        return {looks_plural(fold(f), lang) for f in (c.form, *c.variants)}

    return not numbers(a) & numbers(b)


@dataclass(frozen=True, slots=True)
class WordSignals:
    """The position-free word-class signals of one candidate."""

    verbal: bool  # a one-word term, or a multiword term's first word, looks like a verb form
    general: bool  # a one-word term that is a plain word
    zipf: float | None  # general-language frequency of a one-word term


def word_signals(c: Candidate) -> WordSignals:
    """:class:`WordSignals` of ``c`` (names and acronyms: none)."""
    if c.type != "term":
        return WordSignals(False, False, None)
    words = c.form.split()
    lang = base_language(c.lang)
    single = len(words) == 1
    return WordSignals(
        verb_form(words[0], lang),
        single and general_word(c.form, lang),
        zipf(c.form.lower(), lang) if single else None,
    )


def _ranks(
    pairs: Sequence[tuple[str, str]], p: np.ndarray, side: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair: whether it is its key's best by ``P`` on ``side``, and ``P`` minus the best
    other ``P`` of that key (its own ``P`` when the key has no other partner)."""
    top: dict[str, list[float]] = {}
    for pair, value in zip(pairs, p, strict=True):
        best = top.setdefault(pair[side], [0.0, 0.0])
        if value > best[0]:
            best[0], best[1] = float(value), best[0]
        elif value > best[1]:
            best[1] = float(value)
    is_best = np.zeros(len(pairs))
    margin = np.zeros(len(pairs))
    for k, (pair, value) in enumerate(zip(pairs, p, strict=True)):
        first, second = top[pair[side]]
        is_best[k] = value >= first
        margin[k] = value - (second if value >= first else first)
    return is_best, margin


def pair_features(
    ev: Evidence,
    candidates: tuple[Mapping[str, Candidate], Mapping[str, Candidate]],
    pairs: Sequence[tuple[str, str]],
    scoring: Scoring,
) -> dict[str, np.ndarray]:
    """The :data:`FEATURES` columns of the candidate ``pairs`` (module docstring); the best
    partner and margin features compare each pair with the others of ``pairs``."""
    rows = []
    spec: dict[tuple[int, str], float] = {}
    signals: dict[tuple[int, str], WordSignals] = {}
    for s, t in pairs:
        a_c, b_c = candidates[0][s], candidates[1][t]
        ws = [signals.setdefault((k, c.key), word_signals(c)) for k, c in enumerate((a_c, b_c))]
        zs = [w.zipf for w in ws]
        gap = abs(zs[0] - zs[1]) if zs[0] is not None and zs[1] is not None else 0.0
        p, align = confidence(ev, s, t, scoring)
        a = ev.aligned[s, t]
        n_s, n_t = len(ev.src_pairs.get(s, ())), len(ev.tgt_pairs.get(t, ()))
        w_s, w_t = len(s.split(" ")), len(t.split(" "))
        sp = [spec.setdefault((k, c.key), _spec(c, scoring)) for k, c in enumerate((a_c, b_c))]
        rows.append((
            p, align, math.log1p(a), ev.link_sum[s, t] / a if a else 0.0,
            ev.cognates.get((s, t), 0.0),
            2 * ev.cooccurrences(s, t) / (n_s + n_t) if n_s + n_t else 0.0,
            math.log1p(n_s), math.log1p(n_t), math.log(a_c.freq), math.log(b_c.freq),
            abs(math.log(a_c.freq / b_c.freq)), math.log(min(a_c.docs, b_c.docs)),
            w_s, w_t, abs(w_s - w_t), "name" in (a_c.type, b_c.type),
            "acronym" in (a_c.type, b_c.type), min(sp),
            math.log1p(min(a_c.termhood, b_c.termhood)),
            0.0, 0.0, 0.0, 0.0, fold(s) == fold(t), a / max(min(n_s, n_t), 1),
            ev.cooccurrences(s, t) / max(min(n_s, n_t), 1), _number_differs(a_c, b_c),
            sum(w.verbal for w in ws), sum(w.general for w in ws), gap,
        ))  # fmt: skip
    table = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))
    columns = {name: table[:, k] for k, name in enumerate(FEATURES)}
    for side, suffix in ((0, "src"), (1, "tgt")):
        columns[f"best_{suffix}"], columns[f"margin_{suffix}"] = _ranks(pairs, columns["p"], side)
    return columns
