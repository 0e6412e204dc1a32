"""Whether a glossary entry looks like a term or like a plain word, without a POS model.

A translator's glossary holds the words they would look up: names, acronyms, domain nouns and
the phrases built on them. A recurring verb form (``viajou``/``viajó``), a month or weekday
(``setembro``), an adverb (``seguramente``) or a word common in any text (``ano``, ``amigo``) is
a correct translation but no term. Each one-word side of an entry (and the first word of a
multiword term) gets a *word class* from signals that need no tagger:

- **verbal**: the word ends like a verb form of its language (preterite ``-ou``/``-ó``, ``-aram``/
  ``-aron``, future, gerund, participle, first person plural, present ``-a``/``-e``...,
  :data:`VERB_ENDINGS`) *and* the verb it would be a form of is attested in general text
  (wordfreq: ``viajou`` -> ``viajar``; an infinitive, ``atacar``, needs its preterite
  ``atacou``), about as common as the word itself (``militar`` is no verb: ``militou`` is
  rare). A word its text puts after a determiner (``el tratado``, ``a visita``) is a noun
  whatever its ending. A multiword term is verbal when it starts with a
  finite verb or a gerund (a participle or a present heads many terms: ``medidas de
  distanciamento``, ``tosse seca``), is a clause (an adverb in
  ``-mente``, or a form only a finite verb has after the first word: ``seguramente
  alimentará``, ``casos leves normalmente``), has an article right after its first word
  (``contiene una cláusula``, ``pandemia la COVID-19``), starts with a participle and a
  preposition of time (``firmado durante la cumbre``) or ends with a participle followed by
  its agent (``restrições assumidas pelos``);
- **general**: a month or weekday (:data:`CALENDAR`), an adverb in ``-mente``, a word whose
  general-language frequency is at least :data:`GENERAL_ZIPF` on the Zipf scale (about the
  2,000 most common words: ``ano``, ``amigo``, ``países``; on both sides, or on one side seen
  only once), or a common noun with a person's name (``visita de Putin``);
- **term** otherwise, and always for names and acronyms.

Languages without tables or word frequencies get ``term`` (no signal, no harm). The signals are
features of the pair confidence too (:mod:`alinea.glossary.calibration`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from alinea.glossary.generality import base_language, zipf
from alinea.text import fold

TERM, VERBAL, GENERAL = "term", "verbal", "general"
GENERAL_ZIPF = 5.3  # Zipf frequency from which a one-word term is a plain word
PARADIGM_FLOOR = 2.5  # the verb a form belongs to must be at least this common (Zipf)
PARADIGM_GAP = 1.0  # ... and at most this much rarer than the form itself

# ending -> infinitive endings it comes from, longest endings first when looked up;
# "=" marks an infinitive, checked through its preterite (third person singular)
VERB_ENDINGS: dict[str, dict[str, str]] = {
    "pt": {
        "ou": "ar", "eu": "er", "iu": "ir", "aram": "ar", "eram": "er", "iram": "ir",
        "ava": "ar", "avam": "ar", "ia": "er ir", "iam": "er ir", "a": "ar", "e": "er ir",
        "ê": "er", "am": "ar", "em": "er ir", "amos": "ar", "emos": "er", "imos": "ir",
        "ará": "ar", "arão": "ar", "erá": "er", "erão": "er", "irá": "ir", "irão": "ir",
        "aria": "ar", "eria": "er", "iria": "ir", "ando": "ar", "endo": "er", "indo": "ir",
        "ado": "ar", "ada": "ar", "ados": "ar", "adas": "ar", "ido": "er ir", "ida": "er ir",
        "idos": "er ir", "idas": "er ir", "ar": "=ou", "er": "=eu", "ir": "=iu",
    },
    "es": {
        "ó": "ar", "ió": "er ir", "aron": "ar", "ieron": "er ir", "aba": "ar", "aban": "ar",
        "ía": "er ir", "ían": "er ir", "a": "ar", "e": "er ir", "an": "ar", "en": "er ir",
        "amos": "ar", "emos": "er", "imos": "ir", "ará": "ar", "arán": "ar", "erá": "er",
        "erán": "er", "irá": "ir", "irán": "ir", "aría": "ar", "ería": "er", "iría": "ir",
        "ando": "ar", "iendo": "er ir", "ado": "ar", "ada": "ar", "ados": "ar", "adas": "ar",
        "ido": "er ir", "ida": "er ir", "idos": "er ir", "idas": "er ir", "ar": "=ó",
        "er": "=ió", "ir": "=ió",
    },
}  # fmt: skip


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# the endings of VERB_ENDINGS that only a finite verb has (no participle, infinitive, gerund or
# singular present form, which nouns and adjectives share: ``tratado``, ``visita``; a noun in
# ``-em``/``-en``, ``ordem``, ``imagen``, has no verb to be a form of)
FINITE: dict[str, frozenset[str]] = {
    "pt": _words(
        "ou eu iu aram eram iram ava avam am em amos emos imos ará arão erá erão irá irão aria "
        "eria iria"
    ),
    "es": _words(
        "ó ió aron ieron aba aban an en amos emos imos ará arán erá erán irá irán aría ería iría"
    ),
}
# stem vowel changes of present forms (es ``contiene`` -> ``contener``)
STEM_CHANGES: dict[str, tuple[tuple[str, str], ...]] = {"es": (("ie", "e"), ("ue", "o"))}
MIN_STEM = 3
# folded articles and demonstratives that are no contraction with a preposition (the
# Portuguese ``a`` is a preposition too): right after a term's first word they start its object
# (``contiene una cláusula``) or show a cut across a clause (``pandemia la COVID-19``, from
# ``declaró pandemia la COVID-19``)
BARE_DETERMINERS: dict[str, frozenset[str]] = {
    "pt": _words(
        "o os as um uma uns umas este esta estes estas esse essa esses essas aquele aquela "
        "aqueles aquelas"
    ),
    "es": _words(
        "el la los las un una unos unas este esta estos estas ese esa esos esas aquel aquella "
        "aquellos aquellas"
    ),
}
# folded words that put a noun after them: articles, demonstratives, possessives, contractions
DETERMINERS: dict[str, frozenset[str]] = {
    "pt": BARE_DETERMINERS["pt"]
    | _words(
        "a seu sua seus suas meu minha meus minhas nosso nossa nossos nossas do da dos das no "
        "na nos nas ao aos pelo pela pelos pelas num numa deste desta neste nesta desse dessa "
        "nesse nessa"
    ),
    "es": BARE_DETERMINERS["es"] | _words("su sus mi mis nuestro nuestra nuestros nuestras del al"),
}
AMBIGUOUS_ARTICLES: dict[str, frozenset[str]] = {"pt": frozenset(["a"])}
# folded prepositions of time after which a participle is an event, not a term's head
# (``firmado durante la cumbre``; ``entrada en vigor``, ``medidas de`` keep theirs)
EVENT_PREPOSITIONS: dict[str, frozenset[str]] = {
    "pt": _words("durante apos antes desde ate mediante"),
    "es": _words("durante tras antes desde hasta mediante"),
}
PARTICIPLE_ENDINGS = ("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas")
# folded prepositions that introduce the agent of a participle
AGENTS: dict[str, frozenset[str]] = {
    "pt": _words("por pelo pela pelos pelas"),
    "es": frozenset(["por"]),
}
CALENDAR: dict[str, frozenset[str]] = {
    "pt": _words(
        "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro "
        "dezembro domingo segunda terca quarta quinta sexta sabado"
    ),
    "es": _words(
        "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre "
        "noviembre diciembre lunes martes miercoles jueves viernes sabado domingo"
    ),
}
ADVERB_ENDING = "mente"

Spot = tuple[str, int, int]  # sent_id, start, end


def _infinitives(word: str, lang: str, finite: bool = False) -> list[str]:
    """The forms that would make ``word`` (lowercase) a verb form: infinitives for a finite
    form or participle, the preterite for an infinitive (``finite``: finite endings only)."""
    out = []
    for ending, sources in VERB_ENDINGS.get(lang, {}).items():
        if not word.endswith(ending) or len(word) - len(ending) < MIN_STEM:
            continue
        if finite and ending not in FINITE.get(lang, ()):
            continue
        stem = word[: len(word) - len(ending)]
        stems = [stem] + [
            stem[: k] + new + stem[k + len(old):]
            for old, new in STEM_CHANGES.get(lang, ())
            for k in [stem.rfind(old)] if k >= 0
        ]  # fmt: skip
        for source in sources.split():
            out += [s + source.lstrip("=") for s in stems]
    return out


@cache
def verb_form(word: str, lang: str, finite: bool = False) -> bool:
    """Whether ``word`` ends like a verb form of ``lang`` (``finite``: a form only a finite
    verb has, :data:`FINITE`) whose verb is attested in general text about as often (module
    docstring); False for languages without tables or frequencies."""
    base = base_language(lang)
    word = word.lower()
    own = zipf(word, base)
    if own is None or base not in VERB_ENDINGS:
        return False
    related = [zipf(w, base) or 0.0 for w in _infinitives(word, base, finite) if w != word]
    return bool(related) and max(related) >= max(PARADIGM_FLOOR, own - PARADIGM_GAP)


def _gerund(word: str, base: str) -> bool:
    """A gerund whose verb is attested (``sendo``, ``incluyendo``)."""
    return word.lower().endswith(("ando", "endo", "indo")) and verb_form(word, base)


def _adverb(word: str, base: str) -> bool:
    """An adverb in ``-mente`` (languages with verb tables)."""
    return base in VERB_ENDINGS and word.lower().endswith(ADVERB_ENDING) and len(word) > 7


@cache
def general_word(word: str, lang: str) -> bool:
    """Whether ``word`` is a plain word of ``lang``: a month or weekday, an adverb in
    ``-mente``, or common in general text (Zipf >= :data:`GENERAL_ZIPF`)."""
    base = base_language(lang)
    lower = word.lower()
    if fold(lower) in CALENDAR.get(base, ()):
        return True
    if _adverb(lower, base):
        return True
    z = zipf(lower, base)
    return z is not None and z >= GENERAL_ZIPF


def _neighbours(
    spots: Sequence[Spot], tokens: Mapping[str, Sequence[str]], after: bool
) -> list[str]:
    """The folded token before (``after``: after) each occurrence, ``""`` at an edge."""
    out = []
    for sid, i, j in spots:
        toks = tokens.get(sid, ())
        k = j if after else i - 1
        out.append(fold(toks[k]) if 0 <= k < len(toks) else "")
    return out


def nominal(
    word: str, spots: Sequence[Spot], tokens: Mapping[str, Sequence[str]], lang: str
) -> bool:
    """Whether some occurrence of ``word`` follows a determiner (``el tratado``): it is a
    noun. Portuguese ``a`` is also the preposition before an infinitive (``a atacar``)."""
    base = base_language(lang)
    dets = DETERMINERS.get(base, frozenset())
    if word.lower().endswith(("ar", "er", "ir")):
        dets = dets - AMBIGUOUS_ARTICLES.get(base, frozenset())
    return any(w in dets for w in _neighbours(spots, tokens, after=False))


@dataclass(frozen=True)
class Side:
    """What :func:`entry_class` needs of one side of a ``term`` entry."""

    kind: str  # TERM, VERBAL or GENERAL
    firm: bool  # no determiner can make it a noun (a participle with its agent, a phrase)
    noun: bool  # seen after a determiner
    once: bool  # seen once in its language


def side_class(
    form: str,
    lang: str,
    spots: Sequence[Spot],
    tokens: Mapping[str, Sequence[str]],
    stops: frozenset[str],
) -> Side:
    """The word class of one side of a ``term`` entry (module docstring), from its preferred
    ``form``, its occurrences ``spots`` and the tokens of its sentences."""
    words = form.split()
    base = base_language(lang)
    noun = nominal(words[0], spots, tokens, base)
    once = len(spots) <= 1

    def side(kind: str, firm: bool = False) -> Side:
        return Side(kind, firm, noun, once)

    if len(words) == 1:
        if general_word(form, base):
            return side(GENERAL)
        return side(VERBAL if verb_form(form, base) else TERM)
    if any(_adverb(w, base) for w in words) or any(
        verb_form(w, base, finite=True) for w in words[1:]
    ):
        return side(VERBAL, True)  # a clause: ``seguramente alimentará``, ``Kim viajou``
    if fold(words[1]) in BARE_DETERMINERS.get(base, frozenset()):
        return side(VERBAL, True)  # a verb and its object, or a cut: ``contiene una cláusula``
    if (
        fold(words[1]) in EVENT_PREPOSITIONS.get(base, frozenset())
        and words[0].lower().endswith(PARTICIPLE_ENDINGS)
        and verb_form(words[0], base)
    ):
        return side(VERBAL, True)  # ``firmado durante la cumbre``
    agents = AGENTS.get(base, frozenset())
    if (
        spots
        and verb_form(words[-1], base)
        and all(w in agents for w in _neighbours(spots, tokens, after=True))
    ):
        return side(VERBAL, True)
    stop_at = next((k for k, w in enumerate(words) if fold(w) in stops), None)
    if stop_at is not None and stop_at + 1 < len(words):
        tail = words[stop_at + 1 :]
        if all(w[:1].isupper() and not w.isupper() and w.isalpha() for w in tail):
            return side(GENERAL, True)
    if fold(words[0]) not in stops and (
        verb_form(words[0], base, finite=True) or _gerund(words[0], base)
    ):
        return side(VERBAL)  # not a participle or a present: ``medidas``, ``tosse seca`` head terms
    return side(TERM)


def entry_class(sides: Sequence[Side]) -> str:
    """The word class of an entry from its sides' (:func:`side_class`): a firm class of a
    side; ``verbal`` when a side looks like a verb form and is never seen after a determiner;
    ``general`` when every side is a plain word, or one is and is seen only once (one use of an
    everyday word is no sign of a term: ``homens``); else ``term``."""
    for s in sides:
        if s.firm and s.kind != TERM:
            return s.kind
    if any(s.kind == VERBAL and not s.noun for s in sides):
        return VERBAL
    plain = [s.kind == GENERAL for s in sides]
    if all(plain) or any(p and s.once for p, s in zip(plain, sides, strict=True)):
        return GENERAL
    return TERM
