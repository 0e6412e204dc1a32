"""Bilingual pairing: phrase-pair consistency, cognate and acronym pairs, unpaired entries kept
only when recurring, the glossary schema, determinism, and the seeds gold."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alinea.glossary.association import compatible
from alinea.glossary.candidates import Candidate
from alinea.glossary.inflection import same_number
from alinea.glossary.pairing import GlossaryConfig
from alinea.glossary.phrases import consistent_phrase_pairs
from alinea.glossary.stage import build_glossary
from alinea.glossary.stopwords import stopwords
from alinea.schema import column_names, glossary_schema, polars_schema
from alinea.text import fold, tokenize
from scripts import eval_glossary_seeds as ev

REPO = Path(__file__).resolve().parents[2]

# --- phrase extraction ------------------------------------------------------------------------


def consistent_boxes(
    links: set[tuple[int, int]], n: int, m: int, max_len: int = 5
) -> set[tuple[tuple[int, int], tuple[int, int]]]:
    """The definition, by brute force: every box (both sides at most ``max_len`` long) holding
    a link, with no link leaving it."""
    return {
        ((i1, i2), (j1, j2))
        for i1 in range(n) for i2 in range(i1 + 1, min(n, i1 + max_len) + 1)
        for j1 in range(m) for j2 in range(j1 + 1, min(m, j1 + max_len) + 1)
        if any(i1 <= i < i2 and j1 <= j < j2 for i, j in links)
        and all((i1 <= i < i2) == (j1 <= j < j2) for i, j in links)
    }  # fmt: skip


@pytest.mark.parametrize(
    ("links", "n", "m", "expected"),
    [
        ([(0, 0), (1, 1)], 2, 2, {((0, 1), (0, 1)), ((1, 2), (1, 2)), ((0, 2), (0, 2))}),
        ([(0, 1), (1, 0)], 2, 2, {((0, 1), (1, 2)), ((1, 2), (0, 1)), ((0, 2), (0, 2))}),
        ([(0, 0), (1, 0)], 2, 1, {((0, 2), (0, 1))}),  # one target word for two: no 1-word pair
        ([(0, 0)], 1, 2, {((0, 1), (0, 1)), ((0, 1), (0, 2))}),  # unaligned edge word
        ([(0, 1)], 1, 3, {((0, 1), (1, 2)), ((0, 1), (0, 2)), ((0, 1), (1, 3)), ((0, 1), (0, 3))}),
        ([(0, 0), (2, 2)], 3, 3,  # the unaligned middle word goes with either neighbour
         {((0, 1), (0, 1)), ((0, 1), (0, 2)), ((0, 2), (0, 1)), ((0, 2), (0, 2)),
          ((0, 3), (0, 3)), ((1, 3), (1, 3)), ((1, 3), (2, 3)), ((2, 3), (1, 3)),
          ((2, 3), (2, 3))}),
        ([], 2, 2, set()),  # no link, no phrase
    ],
)  # fmt: skip
def test_phrase_pairs_by_hand(links: list[tuple[int, int]], n: int, m: int, expected: set) -> None:
    found = list(consistent_phrase_pairs(links, n, m))
    assert len(found) == len(set(found)), "no pair twice"
    assert set(found) == expected == consistent_boxes(set(links), n, m)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 7).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.integers(1, 7),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 6)), max_size=10),
        )
    ),
    st.integers(1, 4),
)
def test_phrase_pairs_are_exactly_the_consistent_boxes(case: tuple, max_len: int) -> None:
    n, m, raw = case
    links = {(i, j) for i, j in raw if j < m}
    found = list(consistent_phrase_pairs(links, n, m, max_len))
    assert len(found) == len(set(found))
    assert set(found) == consistent_boxes(links, n, m, max_len)
    for (i1, i2), (j1, j2) in found:
        assert 0 <= i1 < i2 <= n and 0 <= j1 < j2 <= m
        assert i2 - i1 <= max_len and j2 - j1 <= max_len


# --- synthetic frames -------------------------------------------------------------------------

PAIRS = [  # pt, es, linked words (first occurrences)
    ("A assistência mútua foi aprovada pela NATO.", "La asistencia mutua fue aprobada por la OTAN.",
     "A=La assistência=asistencia mútua=mutua foi=fue aprovada=aprobada NATO=OTAN .=."),
    ("O comboio blindado chegou a Moscovo.", "El tren blindado llegó a Moscú.",
     "O=El comboio=tren blindado=blindado chegou=llegó a=a Moscovo=Moscú .=."),
    ("A assistência mútua é essencial.", "La asistencia mutua es esencial.",
     "A=La assistência=asistencia mútua=mutua é=es essencial=esencial .=."),
    ("Dançaram na Praça Kim Il-sung.", "Bailaron en la plaza Kim Il Sung.",
     "Dançaram=Bailaron na=en Praça=plaza Kim=Kim Il-sung=Il Il-sung=Sung .=."),
]  # fmt: skip
PT_ALONE = [
    "O aeroporto fechou cedo.",
    "Falaram de cooperação técnico-militar.",  # once, no pair: a cognate recurs in ES
]
ES_ALONE = [
    "Las sanciones económicas siguen vigentes.",
    "Europa prepara nuevas sanciones económicas.",
    "Un aeropuerto lejano.",
    "Firmaron una cooperación técnico-militar.",
    "La cooperación técnico-militar sigue.",
    "Llegó a la plaza Kim Il Sung.",
]


def _links(src: list[str], tgt: list[str], spec: str) -> list[list[int]]:
    return [[src.index(a), tgt.index(b)] for a, b in (w.split("=") for w in spec.split())]


def synthetic_frames() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Sentences (PT doc p, ES docs e and f), three sentence pairs and hand-made links."""
    rows = [("p", "pt", t) for t, _, _ in PAIRS] + [("p", "pt", t) for t in PT_ALONE]
    rows += [("e", "es", t) for _, t, _ in PAIRS] + [("f", "es", t) for t in ES_ALONE]
    counters: dict[str, int] = {}
    sentences = []
    for doc, lang, text in rows:
        idx = counters[doc] = counters.get(doc, -1) + 1
        sentences.append(
            {"sent_id": f"{doc}:{idx}", "doc_id": doc, "lang": lang, "para": idx, "idx": idx,
             "text": text, "start": 0, "end": len(text), "is_boilerplate": False}
        )  # fmt: skip
    sentences.append({**sentences[-1], "sent_id": "f:9", "idx": 9, "is_boilerplate": True})
    pairs, words = [], []
    for k, (pt, es, spec) in enumerate(PAIRS):
        src, tgt = tokenize(pt), tokenize(es)
        links = _links(src, tgt, spec)
        pairs.append(
            {"pair_id": f"p:{k}|e:{k}", "translation": {"es": es, "pt": pt}, "pt_doc_id": "p",
             "es_doc_id": "e", "pt_sent_ids": [f"p:{k}"], "es_sent_ids": [f"e:{k}"],
             "score": 0.9, "kind": "1-1", "method": "test"}
        )  # fmt: skip
        words.append(
            {"pair_id": f"p:{k}|e:{k}", "pt_tokens": src, "es_tokens": tgt, "links": links,
             "link_scores": [1.0] * len(links), "method": "test"}
        )  # fmt: skip
    from alinea.schema import SENTENCES, sentence_pairs_schema, word_alignments_schema

    return (
        pl.DataFrame(sentences, schema=polars_schema(SENTENCES)),
        pl.DataFrame(pairs, schema=polars_schema(sentence_pairs_schema("pt", "es"))),
        pl.DataFrame(words, schema=polars_schema(word_alignments_schema("pt", "es"))),
    )


def folded_tokens(text: str) -> list[str]:
    return [fold(token) for token in tokenize(text)]


@cache
def synthetic_glossary() -> pl.DataFrame:
    return build_glossary(*synthetic_frames(), ("pt", "es"))


def entry(pt: str | None, es: str | None) -> dict | None:
    rows = [r for r in synthetic_glossary().iter_rows(named=True) if (r["pt"], r["es"]) == (pt, es)]
    return rows[0] if rows else None


@pytest.mark.parametrize(
    ("pt", "es", "kind", "status"),
    [
        ("assistência mútua", "asistencia mutua", "term", "paired"),  # cognate multiword term
        ("NATO", "OTAN", "acronym", "paired"),  # spelled differently: through the links
        # once per language: recurs as a concept; one aligned pair, just enough at the
        # threshold 0.33
        ("comboio blindado", "tren blindado", "term", "paired"),
        ("aprovada", "aprobada", "term", "candidate"),  # a participle: no term (wordclass)
        ("Moscovo", "Moscú", "name", "paired"),
        # seen once in PT, in no aligned pair: paired as a close cognate of a recurring ES term
        ("cooperação técnico-militar", "cooperación técnico-militar", "term", "paired"),
        ("Praça Kim Il-sung", "plaza Kim Il Sung", "name", "paired"),  # a capital on each side
        ("Kim Il-sung", "Kim Il Sung", "name", "paired"),  # free after the lowercase head "plaza"
    ],
)
def test_pairs_found(pt: str, es: str, kind: str, status: str) -> None:
    row = entry(pt, es)
    assert row is not None, synthetic_glossary().select("pt", "es")
    assert row["status"] == status and row["type"] == kind
    assert 0 < row["score"] <= 1


def test_acronym_inside_a_term_needs_one_on_the_other_side() -> None:
    def term(lang: str, form: str) -> Candidate:
        return Candidate(lang, form, fold(form).lower(), "term", (), 1, 1, ("s",), 0.0, None)

    tass = term("pt", "agência russa TASS")
    assert not compatible(tass, term("es", "agencia rusa Interfax"), "pt", "es", 0.5)
    assert compatible(tass, term("es", "agencia rusa TASS"), "pt", "es", 0.5)
    assert compatible(
        term("pt", "cimeira da NATO"), term("es", "cumbre de la OTAN"), "pt", "es", 0.5
    )
    assert compatible(term("pt", "agência russa"), term("es", "agencia rusa"), "pt", "es", 0.5)


def test_one_word_entries_agree_in_number() -> None:
    def term(lang: str, form: str, *variants: str) -> Candidate:
        key = fold(form).removesuffix("es" if lang == "es" else "s")
        return Candidate(lang, form, key, "term", variants, 2, 1, ("s",), 1.0, None)

    # only the plural is attested in PT: ES is cited in the plural too
    src, tgt = same_number(term("pt", "sanções"), term("es", "sanción", "sanciones"))
    assert (src and src.form, tgt and tgt.form) == ("sanções", "sanciones")
    assert tgt is not None and tgt.variants == ("sanción",)
    # a singular variant wins over switching the other side to the plural
    src, tgt = same_number(term("pt", "vacinas", "vacina"), term("es", "vacuna", "vacunas"))
    assert (src and src.form, tgt and tgt.form) == ("vacina", "vacuna")
    unchanged = term("pt", "vírus"), term("es", "virus")
    assert same_number(*unchanged) == unchanged


def test_unpaired_entries_kept_only_when_recurring() -> None:
    row = entry(None, "sanciones económicas")  # twice, no counterpart
    assert row is not None and row["status"] == "unpaired"
    assert row["es_freq"] == 2 and row["pt_freq"] == 0 and row["pt_variants"] == []
    assert row["pt_example"] is None and row["pt_example_sent_id"] is None
    forms = {fold(t) for lang in ("pt", "es") for t in synthetic_glossary()[lang] if t}
    assert not forms & {"aeroporto", "aeropuerto", "aeropuerto lejano"}  # once, no counterpart


def test_schema_examples_and_order() -> None:
    g = synthetic_glossary()
    assert g.schema == polars_schema(glossary_schema("pt", "es"))
    assert g.columns == column_names(glossary_schema("pt", "es"))
    assert g["term_id"].n_unique() == g.height
    assert g["score"].to_list() == sorted(g["score"].to_list(), reverse=True)
    sentences = dict(synthetic_frames()[0].select("sent_id", "text").iter_rows())
    docs = {"pt": {"p"}, "es": {"e", "f"}}
    for row in g.iter_rows(named=True):
        for lang in ("pt", "es"):
            example, sent_id = row[f"{lang}_example"], row[f"{lang}_example_sent_id"]
            if row[lang] is None:  # the missing side has no evidence and no counts
                assert (example, sent_id, row[f"{lang}_variants"]) == (None, None, [])
                assert (row[f"{lang}_freq"], row[f"{lang}_docs"]) == (0, 0)
                continue
            # evidence: the very sentence the id names, holding the term as whole words
            assert row[lang] != "" and sentences[sent_id] == example
            assert sent_id.split(":")[0] in docs[lang]
            words, tokens = folded_tokens(row[lang]), folded_tokens(example)
            assert any(tokens[k : k + len(words)] == words for k in range(len(tokens))), (
                row[lang],
                example,
            )
    example = entry("comboio blindado", "tren blindado")
    assert example is not None  # both examples come from the pair the terms were aligned in
    assert (example["pt_example_sent_id"], example["es_example_sent_id"]) == ("p:1", "e:1")


def test_deterministic() -> None:
    frames = synthetic_frames()
    first = build_glossary(*frames, ("pt", "es"))
    again = build_glossary(*frames, ("pt", "es"), GlossaryConfig())
    assert first.equals(again)
    assert first.equals(synthetic_glossary())


# --- the seeds --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_glossary() -> pl.DataFrame:
    frames = ev.build_frames(None)
    return build_glossary(
        frames["sentences"], frames["sentence_pairs"], frames["word_alignments"], ("pt", "es")
    )


def test_seed_gold_recall_and_targets(seed_glossary: pl.DataFrame) -> None:
    gold = ev.read_tsv(ev.GOLDEN / "seed_glossary.tsv")
    found, _ = ev.recall(seed_glossary, gold)
    assert len(gold) == 40
    assert found >= 36  # the 90%; measured 38: two candidates (cimeira, acordo)
    held = ev.recall(seed_glossary.with_columns(status=pl.lit("paired")), gold)
    assert held == (len(gold), [])  # every gold pair is an entry, paired or candidate
    correct, _ = ev.precision(seed_glossary, ev.read_tsv(ev.GOLDEN / ev.JUDGEMENTS))
    assert correct >= 44  # measured: 44 of 50
    judged = ev.read_tsv(ev.GOLDEN / ev.JUDGEMENTS)
    paired_only = seed_glossary.filter(pl.col("status") == "paired")
    right, _ = ev.precision(paired_only, judged, None)
    assert right >= 0.95 * paired_only.height  # the 95%; measured 54 of 56
    # every two-sided entry has a verdict: a new one is judged when it first appears
    paired = seed_glossary.filter(pl.col("status").is_in(["paired", "candidate"]))
    assert ev.precision(paired, ev.read_tsv(ev.GOLDEN / ev.JUDGEMENTS), None)[1] == []
    assert "RPDC" in seed_glossary["es"].to_list()
    assert ev.stop_edged(seed_glossary) == []


def test_seed_terms_have_no_stop_word_edge(seed_glossary: pl.DataFrame) -> None:
    for lang in ("pt", "es"):
        stops = stopwords(lang)
        for term in seed_glossary[lang].drop_nulls():
            words = tokenize(term)
            assert fold(words[0]) not in stops or words[0][0].isupper(), term
            assert fold(words[-1]) not in stops or words[-1][0].isupper(), term


def test_term_completed_by_an_acronym_is_kept() -> None:
    from alinea.schema import SENTENCES, sentence_pairs_schema, word_alignments_schema

    texts = {
        "pt": ["Os casos de COVID-19 subiram.", "Há casos de COVID-19 no sul.",
               "A COVID-19 chegou.", "A COVID-19 voltou.", "Dois casos novos.", "Casos graves."],
        "es": ["Los casos de COVID-19 subieron.", "Hay casos de COVID-19 en el sur.",
               "La COVID-19 llegó.", "La COVID-19 volvió.", "Dos casos nuevos.", "Casos graves."],
    }  # fmt: skip
    for k in range(12):  # "casos" alone is common: the term is rare beside it
        texts["pt"].append(f"Houve {k + 2} casos.")
        texts["es"].append(f"Hubo {k + 2} casos.")
    sentences = [
        {"sent_id": f"{lang}:{k}", "doc_id": lang, "lang": lang, "para": k, "idx": k,
         "text": t, "start": 0, "end": len(t), "is_boilerplate": False}
        for lang, rows in texts.items() for k, t in enumerate(rows)
    ]  # fmt: skip
    g = build_glossary(
        pl.DataFrame(sentences, schema=polars_schema(SENTENCES)),
        pl.DataFrame([], schema=polars_schema(sentence_pairs_schema("pt", "es"))),
        pl.DataFrame([], schema=polars_schema(word_alignments_schema("pt", "es"))),
        ("pt", "es"),
    )
    pairs = set(zip(g["pt"].to_list(), g["es"].to_list(), strict=True))
    assert ("casos de COVID-19", "casos de COVID-19") in pairs, pairs
    assert ("COVID-19", "COVID-19") in pairs


def test_occurrences_are_kept_for_proposed_keys_only() -> None:
    """Spans of candidates no proposal can use (seen once, unpaired) are never stored."""
    from alinea.glossary.candidates import extract_candidates
    from alinea.glossary.pairing import pair_terms
    from alinea.glossary.phrases import Lexicon

    rows = [
        ("p0", "d0", "A cimeira de Pyongyang reuniu líderes."),
        ("p1", "d1", "A cimeira de Pyongyang terminou ontem."),
        ("p2", "d1", "Um relatório inédito saiu."),
    ]
    lexicons = (Lexicon.of("pt", extract_candidates(rows, "pt")), Lexicon.of("es", []))
    tokens = ({sid: tokenize(text) for sid, _, text in rows}, {})
    entries, (occurrences, _) = pair_terms(lexicons, tokens, [])
    assert "cimeira de pyongyang" in occurrences
    assert len(occurrences["cimeira de pyongyang"]) == 2
    assert "relatorio inedito" in lexicons[0].candidates  # a candidate, but seen once
    assert "relatorio inedito" not in occurrences
    assert {e.src.key for e in entries if e.src} <= occurrences.keys()
