"""Word classes without a POS model: verb forms, plain words, clauses; what they do to entries."""

from __future__ import annotations

import polars as pl
import pytest

from alinea.glossary.pairing import GlossaryConfig
from alinea.glossary.stage import build_glossary
from alinea.glossary.stopwords import stopwords
from alinea.glossary.wordclass import (
    GENERAL,
    TERM,
    VERBAL,
    Side,
    entry_class,
    general_word,
    nominal,
    side_class,
    verb_form,
)
from alinea.schema import SENTENCES, polars_schema, sentence_pairs_schema, word_alignments_schema
from alinea.text import tokenize


@pytest.mark.parametrize(
    ("word", "lang", "verbal"),
    [
        ("viajou", "pt", True),  # preterite, viajar is common
        ("viajó", "es", True),
        ("acusaram", "pt", True),
        ("firmaron", "es", True),
        ("Apreciamos", "pt", True),  # capitalised at a sentence start
        ("incluindo", "pt", True),  # gerund
        ("alimentará", "es", True),  # future
        ("recebido", "pt", True),  # participle
        ("contiene", "es", True),  # present with a stem change: contener
        ("atacar", "pt", True),  # infinitive: atacou is common
        ("militar", "pt", False),  # militou is rare: an adjective
        ("lugar", "pt", False),
        ("munições", "pt", False),
        ("cooperación", "es", False),
        ("mundo", "pt", False),
        ("viajou", "xx", False),  # no tables: no signal
    ],
)
def test_verb_form(word: str, lang: str, verbal: bool) -> None:
    assert verb_form(word, lang) is verbal


@pytest.mark.parametrize(
    ("word", "lang", "general"),
    [
        ("ano", "pt", True),  # common in any text
        ("setembro", "pt", True),  # a month
        ("miércoles", "es", True),  # a weekday
        ("seguramente", "es", True),  # an adverb
        ("munições", "pt", False),
        ("pangolines", "es", False),
        ("ano", "xx", False),
    ],
)
def test_general_word(word: str, lang: str, general: bool) -> None:
    assert general_word(word, lang) is general


TOKENS = {
    "a": tokenize("El nuevo tratado de asociación , firmado durante la cumbre , prevé ayuda"),
    "b": tokenize("las restricciones asumidas por los países"),
    "c": tokenize("Putin visita por primera vez la capital"),
    "d": tokenize("es la primera visita de Putin"),
    "e": tokenize("para atacar o território"),
    "f": tokenize("começou a atacar"),
}


@pytest.mark.parametrize(
    ("form", "lang", "spots", "kind", "firm"),
    [
        ("firmaron acuerdos", "es", [], VERBAL, False),  # starts with a finite verb
        ("firmaron el acuerdo", "es", [], VERBAL, True),  # ... and its object
        ("firmado durante la cumbre", "es", [("a", 6, 10)], VERBAL, True),  # an event
        ("entrada en vigor", "es", [], TERM, False),  # a participle heads
        ("medidas de distanciamento", "pt", [], TERM, False),  # ... many terms
        ("contiene una cláusula", "es", [], VERBAL, True),  # a verb and its object
        ("pandemia la COVID-19", "es", [], VERBAL, True),  # cut across a clause
        ("resistência a antibióticos", "pt", [], TERM, False),  # "a": a preposition too
        ("casos leves normalmente", "pt", [], VERBAL, True),  # an adverb: a clause
        ("restricciones asumidas", "es", [("b", 1, 3)], VERBAL, True),  # with its agent
        ("visita de Putin", "es", [("d", 3, 6)], GENERAL, True),  # a noun with a person
        ("tratado", "es", [("a", 2, 3)], VERBAL, False),  # looks verbal ...
        ("asociación", "es", [("a", 4, 5)], TERM, False),
        ("ano", "pt", [], GENERAL, False),
    ],
)
def test_side_class(form: str, lang: str, spots: list, kind: str, firm: bool) -> None:
    side = side_class(form, lang, spots, TOKENS, stopwords(lang))
    assert (side.kind, side.firm) == (kind, firm)


@pytest.mark.parametrize(
    ("word", "spots", "noun"),
    [
        ("tratado", [("a", 2, 3)], False),  # after "nuevo"
        ("visita", [("c", 1, 2)], False),
        ("visita", [("c", 1, 2), ("d", 2, 3)], True),  # once after "la": a noun
        ("atacar", [("e", 1, 2), ("f", 2, 3)], False),  # "a atacar": a preposition
    ],
)
def test_nominal(word: str, spots: list, noun: bool) -> None:
    tokens = dict(TOKENS, d=tokenize("es la visita de Putin"))  # "la primera visita" is not
    assert nominal(word, spots, tokens, "es" if word != "atacar" else "pt") is noun


@pytest.mark.parametrize(
    ("sides", "kind"),
    [
        ([Side(VERBAL, False, False, False), Side(VERBAL, False, False, False)], VERBAL),
        ([Side(VERBAL, False, True, False), Side(VERBAL, False, True, False)], TERM),  # visita
        ([Side(VERBAL, False, False, False), Side(TERM, False, True, False)], VERBAL),
        ([Side(VERBAL, True, True, False), Side(TERM, False, True, False)], VERBAL),  # firm
        ([Side(GENERAL, False, False, False), Side(GENERAL, False, True, False)], GENERAL),
        ([Side(GENERAL, False, True, False), Side(TERM, False, True, False)], TERM),  # acordo
        ([Side(GENERAL, False, False, True), Side(TERM, False, True, False)], GENERAL),  # once
        ([Side(TERM, False, False, True)], TERM),
    ],
)
def test_entry_class(sides: list[Side], kind: str) -> None:
    assert entry_class(sides) == kind


def _frames(pairs: list[tuple[str, str]], alone: list[str]) -> tuple[pl.DataFrame, ...]:
    """One document per sentence; each pair aligned word for word (same token counts)."""
    sentences, sentence_pairs, words = [], [], []
    rows = [(lang, t) for pt, es in pairs for lang, t in (("pt", pt), ("es", es))]
    for k, (lang, text) in enumerate([*rows, *(("es", t) for t in alone)]):
        sentences.append({"sent_id": f"s{k}", "doc_id": f"d{k}", "lang": lang, "para": 0,
                          "idx": 0, "text": text, "start": 0, "end": len(text),
                          "is_boilerplate": False})  # fmt: skip
    for k, (pt, es) in enumerate(pairs):
        src, tgt = tokenize(pt), tokenize(es)
        links = [[i, i] for i in range(len(src))]
        sentence_pairs.append({"pair_id": f"p{k}", "translation": {"pt": pt, "es": es},
                               "pt_doc_id": f"d{2 * k}", "es_doc_id": f"d{2 * k + 1}",
                               "pt_sent_ids": [f"s{2 * k}"], "es_sent_ids": [f"s{2 * k + 1}"],
                               "score": 0.95, "kind": "1-1", "method": "test"})  # fmt: skip
        words.append({"pair_id": f"p{k}", "pt_tokens": src, "es_tokens": tgt, "links": links,
                      "link_scores": [1.0] * len(links), "method": "test"})  # fmt: skip
    return (
        pl.DataFrame(sentences, schema=polars_schema(SENTENCES)),
        pl.DataFrame(sentence_pairs, schema=polars_schema(sentence_pairs_schema("pt", "es"))),
        pl.DataFrame(words, schema=polars_schema(word_alignments_schema("pt", "es"))),
    )


PAIRS = [
    ("Os rebeldes viajaram ontem .", "Los rebeldes viajaron ayer ."),
    ("Os rebeldes viajaram cedo .", "Los rebeldes viajaron pronto ."),
    ("As munições chegaram hoje .", "Las municiones llegaron hoy ."),
    ("As munições faltam aqui .", "Las municiones faltan aquí ."),
]
ALONE = ["Ayer firmaron el chantaje .", "Luego firmaron otro pacto .", "El chantaje sigue ."]


@pytest.mark.parametrize("word_classes", [True, False])
def test_verb_forms_are_candidates_and_leave_when_unpaired(word_classes: bool) -> None:
    config = GlossaryConfig(word_classes=word_classes)
    g = build_glossary(*_frames(PAIRS, ALONE), ("pt", "es"), config)
    status = {(r["pt"], r["es"]): r["status"] for r in g.iter_rows(named=True)}
    assert status[(None, "chantaje")] == "unpaired"
    # clauses are candidates and leave "munições" free (without word classes they cover it)
    assert status.get(("munições", "municiones")) == ("paired" if word_classes else None)
    clause = status[("munições chegaram", "municiones llegaron")]
    assert clause == ("candidate" if word_classes else "paired")
    assert ((None, "firmaron") in status) is not word_classes  # a verb form of one language
