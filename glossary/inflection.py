"""Light plural -> singular grouping, one suffix rule set per language, checked against the corpus.

A folded word ``w`` ending in a rule's suffix is mapped to ``w[:-len(suffix)] + replacement`` only
when that form is *attested* in the same corpus (``sancoes`` -> ``sancao`` if ``sancao`` occurs),
trying the rules in order. So a rule can never invent a word, and a wrong rule costs at most a
missed grouping, which the corpus evidence keeps rare. Gender and verb forms are not touched.
Languages without rules use the generic ``-es``/``-s`` pair.
"""

from __future__ import annotations

from collections.abc import Collection

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
