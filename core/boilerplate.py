"""Flag boilerplate paragraphs: cross-links to other stories, credits and copyright lines.

A news page mixes the story with lines that belong to the site (``Leia também: …``,
``Te puede interesar: …``, ``© Copyright ANSA``). They stay in the data, flagged, and are kept out
of alignment and term mining. Detection combines a small per-language cue table with the shapes
such lines take: a short label and a colon before a headline, a short line naming rights or a
copyright holder, a standalone site prompt (``Publicidade``).
"""

from __future__ import annotations

import re

from alinea.text import fold, squeeze

METHOD_ID = "cues.v1"

# Labels that introduce a link to another story or a credit, accent-folded and lowercased.
# Only the label before the colon is matched, so ordinary words never trigger these.
LABEL_CUES: dict[str, frozenset[str]] = {
    "pt": frozenset(
        {
            "leia",
            "leia tambem",
            "leia mais",
            "ler mais",
            "ler tambem",
            "veja",
            "veja tambem",
            "veja mais",
            "saiba mais",
            "confira",
            "confira tambem",
            "relacionado",
            "relacionada",
            "relacionados",
            "assista",
            "assista tambem",
            "ouca",
            "mais lidas",
            "recomendado",
            "foto",
            "fotos",
            "imagem",
            "video",
            "credito",
            "creditos",
            "fonte",
            "com informacoes de",
        }
    ),
    "es": frozenset(
        {
            "lee",
            "lea",
            "lee tambien",
            "lea tambien",
            "lee mas",
            "lea mas",
            "podes leer",
            "puedes leer",
            "puede leer",
            "te puede interesar",
            "tambien te puede interesar",
            "le puede interesar",
            "quizas te interese",
            "mira",
            "mira tambien",
            "mira mas",
            "ver mas",
            "ver tambien",
            "segui leyendo",
            "sigue leyendo",
            "siga leyendo",
            "relacionado",
            "relacionada",
            "relacionados",
            "noticia relacionada",
            "mas informacion",
            "recomendado",
            "foto",
            "fotos",
            "imagen",
            "video",
            "credito",
            "creditos",
            "fuente",
            "con informacion de",
        }
    ),
    "en": frozenset(
        {
            "read more",
            "read also",
            "also read",
            "see also",
            "related",
            "related story",
            "recommended",
            "watch",
            "photo",
            "photos",
            "image",
            "video",
            "credit",
            "source",
            "more",
            "more on this",
        }
    ),
    "fr": frozenset(
        {
            "lire aussi",
            "a lire aussi",
            "voir aussi",
            "a voir aussi",
            "sur le meme sujet",
            "photo",
            "credit",
            "source",
        }
    ),
    "it": frozenset({"leggi anche", "vedi anche", "foto", "fonte"}),
    "de": frozenset({"lesen sie auch", "mehr zum thema", "siehe auch", "foto", "quelle"}),
}

# Whole lines that are site prompts rather than text.
STANDALONE_CUES: dict[str, frozenset[str]] = {
    "pt": frozenset(
        {
            "publicidade",
            "continua apos a publicidade",
            "leia mais",
            "partilhar",
            "compartilhe",
            "compartilhar",
            "siga-nos",
        }
    ),
    "es": frozenset(
        {
            "publicidad",
            "continua despues de la publicidad",
            "sigue leyendo",
            "lee mas",
            "compartir",
            "comparte esta noticia",
            "siguenos",
        }
    ),
    "en": frozenset({"advertisement", "continue reading", "read more", "share", "share this"}),
    "fr": frozenset({"publicite", "lire la suite", "partager"}),
    "it": frozenset({"pubblicita", "continua a leggere", "condividi"}),
    "de": frozenset({"anzeige", "weiterlesen", "teilen"}),
}

# "All rights reserved" in the languages above; a short line carrying one is a credit.
RIGHTS_PHRASES = (
    "direitos reservados",
    "derechos reservados",
    "rights reserved",
    "droits reserves",
    "diritti riservati",
    "rechte vorbehalten",
)

MAX_LABEL_WORDS = 5
MAX_LINK_WORDS = 30
MAX_CREDIT_WORDS = 25

_LABEL = re.compile(r"^\s*([^:|»›]{1,60}?)\s*[:|»›]\s*(\S.*)$")
_COPYRIGHT = re.compile(r"©|\(c\)|\bcopyright\b", re.IGNORECASE)


def _cues(table: dict[str, frozenset[str]], lang: str) -> frozenset[str]:
    """Cues for ``lang``; every language's cues for a language with no entry of its own."""
    if lang in table:
        return table[lang]
    return frozenset().union(*table.values())


def is_boilerplate(paragraph: str, lang: str) -> bool:
    """Whether a paragraph is a cross-link, credit, copyright line or site prompt.

    Args:
        paragraph: one paragraph (a line of the input).
        lang: the document's ISO 639-1 code, which selects the cue table.

    Returns:
        True for boilerplate.
    """
    folded = squeeze(fold(paragraph)).strip(" .!")
    n_words = len(folded.split())
    if n_words <= MAX_CREDIT_WORDS and (
        _COPYRIGHT.search(paragraph) or any(p in folded for p in RIGHTS_PHRASES)
    ):
        return True
    if folded in _cues(STANDALONE_CUES, lang):
        return True
    match = _LABEL.match(folded)
    if match is None or n_words > MAX_LINK_WORDS:
        return False
    label = match.group(1).strip(" -–—*_")
    return len(label.split()) <= MAX_LABEL_WORDS and label in _cues(LABEL_CUES, lang)
