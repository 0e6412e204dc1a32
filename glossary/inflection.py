"""Light plural -> singular grouping, one suffix rule set per language, checked against the corpus.

A folded word ``w`` ending in a rule's suffix is mapped to ``w[:-len(suffix)] + replacement`` only
when that form is *attested* in the same corpus (``sancoes`` -> ``sancao`` if ``sancao`` occurs),
trying the rules in order. So a rule can never invent a word, and a wrong rule costs at most a
missed grouping, which the corpus evidence keeps rare. Gender and verb forms are not touched.
Languages without rules use the generic ``-es``/``-s`` pair.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING

from alinea.glossary.generality import base_language
from alinea.text import fold

if TYPE_CHECKING:  # candidates -> counting -> inflection
    from alinea.glossary.candidates import Candidate

# "suffix>replacement" rules on accent-folded words, most specific first.
RULES: dict[str, str] = {
    "pt": "oes>ao aes>ao aos>ao ais>al eis>el ois>ol uis>ul is>il ns>m res>r zes>z ses>s s>",
    "gl": "oes>on ais>al eis>el res>r s>",
    "es": "ces>z es> s>",
    "ca": "es>a os> ns> s>",
    "fr": "eaux>eau aux>al x> s>",
    "it": "chi>co ghi>go i>o i>e e>a",
    "ro": "uri> i> e>a",
    "en": "ies>y ves>f es> s>",
    "de": "en> er> n> e> s>",
    "nl": "en> s>",
}
DEFAULT_RULES = "es> s>"
MIN_STEM = 3


def singular(word: str, lang: str, vocabulary: Collection[str]) -> str:
    """The attested singular of the folded ``word``, or ``word`` itself.

    Args:
        word: an accent-folded, lowercase word.
        lang: ISO 639-1 code choosing the rule set.
        vocabulary: folded words of the corpus (the attestation check).
    """
    for rule in RULES.get(lang, DEFAULT_RULES).split():
        suffix, replacement = rule.split(">")
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= MIN_STEM:
            base = word[: len(word) - len(suffix)] + replacement
            if base != word and base in vocabulary:
                return base
    return word


def looks_plural(word: str, lang: str) -> bool:
    """Whether the folded ``word`` ends like a plural of ``lang`` (a suffix of its rules)."""
    suffixes = [r.split(">")[0] for r in RULES.get(lang, DEFAULT_RULES).split()]
    return any(s and word.endswith(s) and len(word) > len(s) + 1 for s in suffixes)


def _plural(c: Candidate, form: str) -> bool:
    return looks_plural(fold(form), base_language(c.lang))


def same_number(
    src: Candidate | None, tgt: Candidate | None
) -> tuple[Candidate | None, Candidate | None]:
    """One-word terms cited in the same number on both sides: the plural side takes a singular
    variant if it has one, else the singular side its plural (``sanções`` / ``sanciones``)."""
    if src is None or tgt is None or " " in src.key or " " in tgt.key:
        return src, tgt
    if _plural(src, src.form) == _plural(tgt, tgt.form):
        return src, tgt
    plural, single = (src, tgt) if _plural(src, src.form) else (tgt, src)
    for c, want in ((plural, False), (single, True)):
        form = next((v for v in c.variants if _plural(c, v) == want), None)
        if form is not None:
            cited = replace(c, form=form, variants=(c.form, *(v for v in c.variants if v != form)))
            return (cited, tgt) if c is src else (src, cited)
    return src, tgt
