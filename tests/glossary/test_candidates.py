"""Term candidates: stop-word bounds, C-value (checked by hand), acronyms and their expansions,
name variants, plural grouping, on hand-written sentences and on the seeds."""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alinea.errors import LanguageError
from alinea.glossary.candidates import Candidate, CandidateConfig, c_value, extract_candidates
from alinea.glossary.inflection import singular
from alinea.glossary.stopwords import stopwords
from alinea.text import fold, tokenize

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_LANGS = {"000_60150220a1ea2e6b": "pt"}  # the others are Spanish
_SENTENCE_END = re.compile(r'(?<=[.!?])\s+(?=["“«]?[A-ZÁÉÍÓÚÂÊÔÃÕÇÑ])')

Row = tuple[str, str, str]


@cache
def seed_rows() -> dict[str, tuple[Row, ...]]:
    """(sent_id, doc_id, text) per language: one paragraph per line, split at sentence ends."""
    rows: dict[str, list[Row]] = {"pt": [], "es": []}
    for path in sorted(SEEDS.glob("*.txt")) + sorted(SEEDS.glob("*.md")):
        lang = SEED_LANGS.get(path.stem, "es")
        for p, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            for k, sentence in enumerate(_SENTENCE_END.split(line.strip())):
                if sentence:
                    rows[lang].append((f"{path.stem}-{p}-{k}", path.stem, sentence))
    return {lang: tuple(r) for lang, r in rows.items()}


@cache
def seed_candidates(lang: str) -> dict[str, Candidate]:
    return {c.key: c for c in extract_candidates(seed_rows()[lang], lang)}


def candidates(texts: list[str], lang: str, **config: int) -> dict[str, Candidate]:
    rows = [(f"s{i}", f"d{i}", t) for i, t in enumerate(texts)]
    return {c.key: c for c in extract_candidates(rows, lang, CandidateConfig(**config))}


# --- stop-word bounds -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["pt", "es"])
def test_seed_candidates_never_start_or_end_with_a_stop_word(lang: str) -> None:
    stops = stopwords(lang)
    assert len(seed_candidates(lang)) > 100
    for c in seed_candidates(lang).values():
        for surface in (c.form, *c.variants):
            words = tokenize(surface)
            for edge in (words[0], words[-1]):
                assert any(ch.isalpha() for ch in edge), surface
                if fold(edge) in stops:  # only as part of a name: "Estados Unidos", "Kim Jong Un"
                    assert c.type == "name" and edge[0].isupper() and len(words) > 1, surface


@pytest.mark.parametrize(
    ("lang", "text", "absent", "present"),
    [
        ("pt", "O acordo de cooperação foi assinado.", {"o acordo", "cooperacao foi"},
         {"acordo de cooperacao", "acordo", "assinado"}),
        ("es", "La cumbre y el acuerdo, 24 años después.", {"cumbre y el acuerdo", "24 anos"},
         {"cumbre", "acuerdo", "anos"}),
        ("en", "The mutual defence clause of the treaty.", {"the treaty", "clause of the"},
         {"mutual defence clause", "clause of the treaty"}),
        ("fr", "Le traité de défense mutuelle est signé.", {"le traite"},
         {"traite de defense mutuelle", "signe"}),
    ],
)  # fmt: skip
def test_bounds_punctuation_and_one_letter_joiners(
    lang: str, text: str, absent: set[str], present: set[str]
) -> None:
    keys = set(candidates([text], lang))
    assert present <= keys
    assert not absent & keys


def test_max_n_limits_length_in_tokens() -> None:
    keys = candidates(["organização do tratado do atlântico norte"], "pt", max_n=3)
    assert max(len(tokenize(c.form)) for c in keys.values()) == 3


# --- C-value ----------------------------------------------------------------------------------


def test_c_value_by_hand() -> None:
    freqs = {"basal cell carcinoma": 3, "basal cell": 4, "cell carcinoma": 3, "basal": 4,
             "cell": 4, "carcinoma": 4, "rare": 1}  # fmt: skip
    got = c_value(freqs, alias={}, min_freq=2)
    expected = {
        "basal cell carcinoma": math.log2(4) * 3,  # nested in nothing
        "basal cell": math.log2(3) * (4 - 3),  # in {bcc}
        "cell carcinoma": math.log2(3) * (3 - 3),
        "basal": math.log2(2) * (4 - (3 + 4) / 2),  # in {bcc, basal cell}
        "carcinoma": math.log2(2) * (4 - (3 + 3) / 2),  # in {bcc, cell carcinoma}
        "cell": math.log2(2) * (4 - (3 + 4 + 3) / 3),  # in all three
    }
    assert got == pytest.approx(expected)
    assert "rare" not in got  # below the frequency threshold


def test_c_value_orders_extracted_candidates() -> None:
    found = candidates(
        ["The basal cell carcinoma was found.", "Basal cell carcinoma is rare.",
         "A basal cell carcinoma spreads.", "A basal cell is small.", "The carcinoma grew."],
        "en",
    )  # fmt: skip
    ranked = sorted(
        ("basal cell carcinoma", "basal cell", "carcinoma", "cell", "basal", "cell carcinoma"),
        key=lambda k: -found[k].termhood,
    )
    assert ranked == ["basal cell carcinoma", "basal cell", "carcinoma", "cell", "basal",
                      "cell carcinoma"]  # fmt: skip
    assert found["basal cell carcinoma"].termhood == pytest.approx(6.0)
    assert found["basal cell carcinoma"].freq == 3 and found["basal cell carcinoma"].docs == 3
    assert found["rare"].termhood == 0.0 and found["rare"].freq == 1  # kept, not recurring


# --- acronyms ---------------------------------------------------------------------------------


def test_rpdc_is_an_acronym_in_the_spanish_seeds() -> None:
    spanish = " ".join(text for _, _, text in seed_rows()["es"])
    assert spanish.count("RPDC") == 2
    rpdc = seed_candidates("es")["rpdc"]
    assert (rpdc.type, rpdc.form, rpdc.freq) == ("acronym", "RPDC", 2)
    # the seeds never spell the name out, so there is no expansion to link
    assert "República Popular Democrática" not in spanish and rpdc.expansion is None


@pytest.mark.parametrize(
    ("lang", "text", "acronym", "expansion"),
    [
        ("es", "Putin visitó la República Popular Democrática de Corea (RPDC) ayer.", "rpdc",
         "República Popular Democrática de Corea"),
        ("pt", "A RPDC (República Popular Democrática da Coreia) assinou.", "rpdc",
         "República Popular Democrática da Coreia"),
        ("pt", "Países da Organização do Tratado do Atlântico Norte (OTAN) reagiram.", "otan",
         "Organização do Tratado do Atlântico Norte"),
        ("es", "Habló la agencia rusa (TASS) hoy.", "tass", None),  # initials do not match
        ("en", "The North Atlantic Treaty Organization (NATO) met.", "nato",
         "North Atlantic Treaty Organization"),
    ],
)  # fmt: skip
def test_acronym_expansion_given_in_the_text(
    lang: str, text: str, acronym: str, expansion: str | None
) -> None:
    c = candidates([text], lang)[acronym]
    assert c.type == "acronym"
    assert c.expansion == expansion


def test_acronym_expansion_by_initials_elsewhere_in_the_corpus() -> None:
    found = candidates(
        ["A Organização das Nações Unidas reuniu-se.", "A ONU condenou o ataque."], "pt"
    )
    assert found["onu"].expansion == "Organização das Nações Unidas"
    off = candidates(["A Organização das Nações Unidas reuniu-se.", "A ONU condenou."], "pt",
                     link_by_initials=False)  # fmt: skip
    assert off["onu"].expansion is None


def test_acronyms_need_two_letters_and_shouting_is_not_an_acronym() -> None:
    found = candidates(["O caça F-16 e a NATO.", "ÚLTIMA HORA: ACORDO ASSINADO EM PYONGYANG"],
                       "pt")  # fmt: skip
    assert found["nato"].type == "acronym"
    assert found["f 16"].type != "acronym"
    assert all(c.type != "acronym" for k, c in found.items() if k != "nato")


# --- names ------------------------------------------------------------------------------------


def test_kim_jong_un_spellings_cluster_in_the_spanish_seeds() -> None:
    kim = seed_candidates("es")["kim jong un"]
    assert kim.type == "name"
    assert {kim.form, *kim.variants} == {"Kim Jong-un", "Kim Jong Un"}
    assert kim.freq == 6 and kim.docs == 3


@pytest.mark.parametrize(
    ("texts", "key", "spellings"),
    [
        (["Disse Kim Jong Un ontem.", "O líder Kim Jong-un falou.", "Viu KIM JONG-UN ali."],
         "kim jong un", {"Kim Jong Un", "Kim Jong-un", "KIM JONG-UN"}),
        (["A praça Kim Il-sung estava cheia.", "Na praça Kim Il Sung houve festa."],
         "kim il sung", {"Kim Il-sung", "Kim Il Sung"}),
        (["Foi ao palácio Kumsusan.", "Foi ao palácio Kum-susan."], "kumsusan",  # spacing
         {"Kumsusan", "Kum-susan"}),
    ],
)  # fmt: skip
def test_name_spelling_variants_cluster(texts: list[str], key: str, spellings: set[str]) -> None:
    (c,) = [
        c
        for c in candidates(texts, "pt").values()
        if c.key.replace(" ", "") == key.replace(" ", "")
    ]
    assert c.type == "name"
    assert {c.form, *c.variants} == spellings
    assert c.freq == len(texts)


def test_types_and_preferred_forms() -> None:
    found = candidates(
        ["Putin chegou a Pyongyang.", "O tratado foi assinado por Putin.",
         "Tratado histórico, disse Estados Unidos.", "Os Estados Unidos reagiram ao tratado."],
        "pt",
    )  # fmt: skip
    assert found["putin"].type == "name"
    assert found["pyongyang"].type == "name"
    assert found["estados unidos"].type == "name"
    tratado = found["tratado"]  # capitalised only at a sentence start: a term, lowercase form
    assert (tratado.type, tratado.form, tratado.variants) == ("term", "tratado", ())
    assert found["historico"].form == "histórico"


def test_sentence_start_stop_word_is_not_a_name_part() -> None:
    keys = set(candidates(["El acuerdo fue firmado.", "Los Estados Unidos y Rusia."], "es"))
    assert "el acuerdo" not in keys and "acuerdo" in keys
    assert "estados unidos" in keys  # capitalised next to a capitalised word


def test_names_may_be_longer_than_other_terms() -> None:
    texts = [
        "Lo pidió el Consejo de Seguridad de la ONU ayer.",
        "El Consejo de Seguridad de la ONU votó la resolución de la guerra de los seis días.",
    ]
    keys = set(candidates(texts, "es"))
    assert "consejo de seguridad de la onu" in keys  # 6 tokens, every word capitalised
    assert "resolucion de la guerra" in keys
    assert "resolucion de la guerra de los seis" not in keys  # a 7-token term is too long
    short = set(candidates(texts, "es", max_name_n=5))
    assert "consejo de seguridad de la onu" not in short


# --- inflection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "texts", "key", "forms"),
    [
        ("pt", ["O tratado foi assinado.", "Os dois tratados foram assinados."], "tratado",
         {"tratado", "tratados"}),
        ("pt", ["A sanção caiu.", "As sanções caíram."], "sancao", {"sanção", "sanções"}),
        ("pt", ["Um acordo internacional.", "Acordos internacionais."], "acordo internacional",
         {"acordo internacional", "acordos internacionais"}),
        ("es", ["La sanción cayó.", "Las sanciones cayeron.", "Una vez.", "Dos veces."],
         "sancion", {"sanción", "sanciones"}),
        ("en", ["One treaty signed.", "Two treaties signed."], "treaty", {"treaty", "treaties"}),
    ],
)  # fmt: skip
def test_plurals_group_with_their_singular(
    lang: str, texts: list[str], key: str, forms: set[str]
) -> None:
    c = candidates(texts, lang)[key]  # "Acordos" starts a sentence: lowercase, as elsewhere
    assert {c.form, *c.variants} == forms
    assert c.freq == len(forms)


def test_one_word_term_is_cited_in_the_singular() -> None:
    texts = ["As sanções caíram.", "Novas sanções.", "Mais sanções hoje.", "A sanção caiu."]
    assert candidates(texts, "pt")["sancao"].form == "sanção"  # though the plural is commoner
    phrase = [
        "Dois acordos internacionais.",
        "Três acordos internacionais.",
        "Um acordo internacional.",
    ]
    assert candidates(phrase, "pt")["acordo internacional"].form == "acordos internacionais"


def test_plural_without_an_attested_singular_is_left_alone() -> None:
    assert singular("caos", "pt", {"caos"}) == "caos"  # "cao" never occurs
    assert singular("partes", "es", {"parte", "partes"}) == "parte"  # "es" rule fails, "s" wins
    found = candidates(["Os tratados foram assinados."], "pt")
    assert "tratados" in found


def test_inflection_can_be_switched_off() -> None:
    found = candidates(["O tratado.", "Os tratados."], "pt", inflection=False)
    assert {"tratado", "tratados"} <= set(found)


# --- the seeds --------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "key"), [("pt", "assistencia mutua"), ("es", "asistencia mutua")])
def test_mutual_assistance_is_a_candidate_in_both_languages(lang: str, key: str) -> None:
    c = seed_candidates(lang)[key]
    assert c.type == "term"
    assert fold(c.form) == key


def test_seed_candidates_are_recorded_with_evidence() -> None:
    rows = {sid: text for lang in ("pt", "es") for sid, _, text in seed_rows()[lang]}
    for lang in ("pt", "es"):
        for c in seed_candidates(lang).values():
            assert c.lang == lang and c.type in {"term", "acronym", "name"}
            assert 1 <= c.docs <= len(c.sent_ids) <= c.freq
            texts = [rows[s] for s in c.sent_ids]
            for surface in (c.form, *c.variants):  # every form occurs in its evidence
                assert any(surface.lower() in " ".join(t.split()).lower() for t in texts)


def test_seed_ranking_is_sorted_and_deterministic() -> None:
    first = extract_candidates(seed_rows()["es"], "es")
    again = extract_candidates(list(reversed(seed_rows()["es"])), "es")
    assert [c.termhood for c in first] == sorted((c.termhood for c in first), reverse=True)
    assert [(c.key, c.freq, c.termhood) for c in first] == [
        (c.key, c.freq, c.termhood) for c in again
    ]
    top = [c.key for c in first[:10]]
    assert {"putin", "corea del norte", "kim jong un"} <= set(top)


# --- config and errors ------------------------------------------------------------------------


def test_repeated_sentence_in_one_document_counts_once() -> None:
    rows = [("s1", "d1", "Putin e Kim."), ("s2", "d1", "Putin e Kim."), ("s3", "d2", "Putin.")]
    putin = {c.key: c for c in extract_candidates(rows, "pt")}["putin"]
    assert (putin.freq, putin.docs, putin.sent_ids) == (2, 2, ("s1", "s3"))
    kept = extract_candidates(rows, "pt", CandidateConfig(dedupe_sentences=False))
    assert {c.key: c for c in kept}["putin"].freq == 3


def test_min_freq_and_extra_stopwords() -> None:
    texts = ["O acordo militar.", "O acordo militar.", "Outro acordo."]
    assert set(candidates(texts, "pt", min_freq=2)) == {"acordo", "acordo militar", "militar"}
    rows = [(f"s{i}", f"d{i}", t) for i, t in enumerate(texts)]
    config = CandidateConfig(extra_stopwords=frozenset({"militar"}))
    assert "militar" not in {c.key for c in extract_candidates(rows, "pt", config)}


def test_language_with_region_and_unknown_language() -> None:
    assert "comboio blindado" in candidates(["Viajou de comboio blindado."], "pt-PT")
    with pytest.raises(LanguageError, match="no stop-word list for language 'xx'"):
        extract_candidates([("s", "d", "texto")], "xx")
    assert extract_candidates([], "es") == []


WORDS = ["acordo", "de", "a", "Kim", "Jong-un", "o", "tratados", "RPDC", "mútua", ",", "24", "("]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=12), max_size=6))
def test_invariants_on_random_sentences(sentences: list[list[str]]) -> None:
    rows = [(f"s{i}", "d", " ".join(words)) for i, words in enumerate(sentences)]
    stops = stopwords("pt")
    for c in extract_candidates(rows, "pt"):
        words = tokenize(c.form)
        assert 1 <= len(words) <= 5
        assert c.freq >= len(c.sent_ids) >= 1 and c.termhood >= 0
        assert all(any(ch.isalpha() for ch in w) for w in (words[0], words[-1]))
        assert c.type == "name" or (fold(words[0]) not in stops and fold(words[-1]) not in stops)


# --- bounded memory ---------------------------------------------------------------------------


def test_sentences_are_analysed_one_at_a_time() -> None:
    """An Analysis collects the corpus-wide casing evidence first, then yields one sentence at a
    time: none is kept once the consumer has moved on."""
    import weakref

    from alinea.glossary.analysis import Analysis, analyse

    rows = seed_rows()["es"]
    analysis = Analysis(rows, stopwords("es"), 8)
    seen = 0
    previous: weakref.ref[object] | None = None
    for sentence in analysis:
        # freed by reference counting alone as soon as the consumer drops it: nothing (not
        # even a cycle) holds the sentence before it
        assert previous is None or previous() is None
        seen += 1
        previous = weakref.ref(sentence)
        del sentence
    assert seen == len(rows)
    assert list(Analysis(rows, stopwords("es"), 8)) == analyse(rows, stopwords("es"), 8)


def test_documents_and_sentences_of_a_candidate_across_documents_and_spellings() -> None:
    rows = [
        ("s0", "d1", "Kim Jong-un chegou."),
        ("s1", "d2", "O líder Kim Jong-un falou."),
        ("s2", "d1", "Kim Jongun saiu."),  # d1 again, after d2; merged spelling
        ("s3", "d2", "Kim Jong-un e Kim Jong-un."),
    ]
    found = {c.key: c for c in extract_candidates(rows, "pt")}
    kim = found["kim jong un"]
    assert (kim.freq, kim.docs, kim.sent_ids) == (5, 2, ("s0", "s1", "s2", "s3"))
