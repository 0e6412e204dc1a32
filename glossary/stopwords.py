"""Stop words per language, from the maintained ``stop-words`` package (BSD-3-Clause, offline).

Words are accent-folded (:func:`alinea.text.fold`) so that a token is looked up by its
folded form: ``Não`` and ``nao`` are both stop words in Portuguese.
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
    return frozenset(fold(w.strip()) for w in words if w.strip())
