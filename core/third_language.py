"""Paragraphs in a third language (neither of the build's two) inside a document.

A detector of all languages is unreliable on one paragraph (on NTREX-128, Portuguese sentences
come out as Tagalog or Latin at confidence 1.0), so three narrower tests decide together:

- **script**: a paragraph whose letters are mostly of another script than its document's
  (Cyrillic, Arabic, Han... in a Latin-script document) is in another language; lingua names
  it among the languages of that script;
- **closed set**: otherwise lingua chooses among the document's language, the build's other
  language and :data:`THIRD_LANGUAGES` only, in low-accuracy mode (trigrams: its high-accuracy
  models cost seconds to load per language); the third language's confidence must reach the
  check's threshold, and the paragraph must hold one of its function words
  (:func:`has_function_word`);
- **own words**: a paragraph is never flagged when enough of its words are the document
  language's own: function words of its ``stop-words`` list that no third language's list holds
  (:func:`own_function_words`, checked first: such paragraphs never reach lingua), or, for the
  language lingua names, words common in the document's language and rare in that one
  (:func:`own_word_share`, from wordfreq). A Portuguese sentence quoting an English book title
  or full of English names still has ``uma``, ``é``, ``da``, ``em`` between them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# Likely third languages of Iberian and international news; Galician has no lingua model.
# Latin-script languages close to the build's (Latin, Tagalog, Esperanto...) are left out: they
# are where lingua's confident mistakes on single sentences land.
THIRD_LANGUAGES = ("ar", "ca", "de", "en", "eu", "fr", "it", "ja", "ko", "nl", "ru", "uk", "zh")
SCRIPT_MIN_LETTERS = 10  # letters of another script that make a paragraph foreign by itself
UNDETERMINED = "und"  # ISO 639-2 code of a paragraph of another script lingua cannot name
# a word is the document language's own when it is common there (Zipf >= 4.5, once in ~30,000
# words) and at least 100 times (2 Zipf) rarer in the language lingua named
COMMON_ZIPF = 4.5
OWN_GAP_ZIPF = 2.0
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
# a letter outside Basic Latin, Latin-1, Latin Extended-A/B and Latin Extended Additional
_NOT_LATIN = re.compile(r"[^\W\d_A-Za-z\u00aa\u00b5\u00ba\u00c0-\u024f\u1e00-\u1eff]")
_SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "FULLWIDTH": "LATIN"}


def script(text: str) -> str | None:
    """The script most of ``text``'s letters are written in (``LATIN``, ``CYRILLIC``, ``CJK``,
    ``HANGUL``..., from the Unicode character names; None without letters)."""
    if not _NOT_LATIN.search(text):  # the usual case, quickly
        return "LATIN" if _LETTER.search(text) else None
    counts = script_letters(text)
    return counts.most_common(1)[0][0] if counts else None


def script_letters(text: str) -> Counter[str]:
    """How many of ``text``'s letters are written in each script."""
    counts: Counter[str] = Counter()
    for ch in _LETTER.findall(text):
        head = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
        counts[_SCRIPT_GROUPS.get(head, head)] += 1
    return counts


def other_script(text: str, home: str | None) -> bool:
    """Whether most of ``text``'s letters, at least :data:`SCRIPT_MIN_LETTERS`, are of another
    script than ``home`` (its document's), other than Latin: a Latin-script paragraph is left
    to the closed set (lingua among all languages is unreliable on one Latin sentence)."""
    if not _NOT_LATIN.search(text):
        return False
    counts = script_letters(text)
    if not counts:
        return False
    written, letters = counts.most_common(1)[0]
    return written not in (home, "LATIN") and letters >= SCRIPT_MIN_LETTERS


def _language(code: str) -> object:
    from lingua import IsoCode639_1, Language

    return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))


@cache
def closed_detector(langs: tuple[str, ...]) -> LanguageDetector:
    """lingua restricted to ``langs`` (sorted codes), in low-accuracy mode (trigrams)."""
    from lingua import LanguageDetectorBuilder

    languages = map(_language, langs)
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()  # type: ignore[arg-type]


def closed_best(langs: tuple[str, ...], texts: Sequence[str]) -> list[tuple[str, float]]:
    """lingua's best language among ``langs`` and its confidence, for each text."""
    if not texts:
        return []
    detector = closed_detector(tuple(sorted(langs)))
    found = detector.compute_language_confidence_values_in_parallel(list(texts))
    return [
        (values[0].language.iso_code_639_1.name.lower(), float(values[0].value))
        if values
        else (UNDETERMINED, 0.0)
        for values in found
    ]


@cache
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())


@cache
def _frequencies(lang: str) -> dict[str, float]:
    """wordfreq's word frequencies of ``lang`` (empty for a language it has no list of: it
    would silently answer for its nearest language, Spanish for Basque)."""
    if lang not in _wordfreq_languages():
        return {}
    from wordfreq import get_frequency_dict

    frequencies: dict[str, float] = get_frequency_dict(lang)
    return frequencies


def _zipf(word: str, lang: str) -> float:
    """The Zipf frequency of ``word`` (lowercase) in ``lang``: log10 of its frequency per
    billion words, 0 for a word wordfreq does not list."""
    frequency = _frequencies(lang).get(word, 0.0)
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


@cache
def own_function_words(own: str, others: tuple[str, ...]) -> frozenset[str]:
    """The function words of ``own`` (its ``stop-words`` list, lowercased) that no list of
    ``others`` holds: ``não``, ``uma``, ``também`` in Portuguese against English, French..."""
    return _stop_words(own) - frozenset().union(*map(_stop_words, others))


@cache
def _stop_words(lang: str) -> frozenset[str]:
    from stop_words import StopWordError, get_stop_words  # type: ignore[import-untyped]

    try:
        return frozenset(word.strip().lower() for word in get_stop_words(lang))
    except StopWordError:  # no list for the language: nothing to count
        return frozenset()


def function_word_share(text: str, words: frozenset[str]) -> float:
    """The share of ``text``'s words (lowercased) that are in ``words``."""
    found = [word.lower() for word in _WORD.findall(text)]
    return sum(word in words for word in found) / len(found) if found else 0.0


def has_function_word(text: str, lang: str, own: str) -> bool:
    """Whether ``text`` has a function word of ``lang`` that is none of ``own``'s (always true
    for a language without a ``stop-words`` list): a headline made of names (``Elite League:
    Dundee Stars 5-3 Belfast Giants`` in a Spanish article) says nothing of its language."""
    words = _stop_words(lang)
    return not words or function_word_share(text, words - _stop_words(own)) > 0


def own_word_share(text: str, own: str, third: str) -> float:
    """The share of ``text``'s words that are ``own``'s and not ``third``'s: common in ``own``
    (Zipf >= :data:`COMMON_ZIPF`) and :data:`OWN_GAP_ZIPF` rarer in ``third``."""
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:
        return 0.0
    own_words = 0
    for word in words:
        frequency = _zipf(word, own)
        if frequency >= COMMON_ZIPF and frequency - _zipf(word, third) >= OWN_GAP_ZIPF:
            own_words += 1
    return own_words / len(words)


def other_script_language(text: str) -> str:
    """The language of a paragraph in another script: lingua's best among all the languages
    it knows (it only considers those of the text's script), else :data:`UNDETERMINED`."""
    from alinea.langid import detect

    return detect(text).lang or UNDETERMINED
