"""Stop words per language, from the maintained ``stop-words`` package (BSD-3-Clause, offline).

Words are accent-folded (:func:`alinea.text.fold`) so that a token is looked up by its
folded form: ``Não`` and ``nao`` are both stop words in Portuguese. The package's lists also
hold nouns and adjectives, which would keep terms such as ``Estados Unidos``, ``nuevo tratado``,
``misiles de largo alcance`` or ``povo coreano`` from ever being candidates; those content words
(:data:`CONTENT_WORDS`, read off the lists by hand) are taken out.
"""

from __future__ import annotations

from functools import cache

from stop_words import (  # type: ignore[import-untyped]
    LANGUAGE_MAPPING,
    StopWordError,
    get_stop_words,
)

from alinea.errors import LanguageError
from alinea.text import fold

SOURCE_ID = "stop-words"
# nouns and adjectives the package lists as stop words that take part in terms (folded); its
# function words, verb forms, ordinals and time words (``primera``, ``fim``) stay: on the seeds
# they only made plain-word entries
CONTENT_WORDS: dict[str, frozenset[str]] = {
    "es": frozenset(
        [
            "empleo",
            "estado",
            "estados",
            "fuerza",
            "largo",
            "nueva",
            "nuevas",
            "nuevo",
            "nuevos",
            "parte",
            "sentido",
            "sentidos",
            "tiempo",
            "trabajo",
            "uso",
            "valor",
            "verdad",
            "via",
        ]
    ),
    "pt": frozenset(
        [
            "caminho",
            "corrente",
            "direita",
            "estado",
            "maioria",
            "maiorias",
            "nome",
            "novo",
            "parte",
            "povo",
            "tempo",
            "tipo",
            "trabalho",
            "valor",
            "verdade",
        ]
    ),
}


def supported_languages() -> tuple[str, ...]:
    """ISO 639-1 codes that have a stop-word list."""
    return tuple(sorted(str(code) for code in LANGUAGE_MAPPING))


@cache
def stopwords(lang: str) -> frozenset[str]:
    """The folded stop words of ``lang`` (an ISO 639-1 code such as ``pt``).

    Raises:
        LanguageError: the package has no list for ``lang``.
    """
    try:
        words: list[str] = get_stop_words(lang.lower())
    except StopWordError:
        raise LanguageError(
            f"no stop-word list for language {lang!r} (expected one of "
            f"{', '.join(supported_languages())}); term candidates need one to bound n-grams"
        ) from None
    content = CONTENT_WORDS.get(lang.lower(), frozenset())
    return frozenset(fold(w.strip()) for w in words if w.strip()) - content
