"""Sentence segmentation: a table of PT/ES cases, invariants, the documents stage, the seeds."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from alinea.align import segment as segment_module
from alinea.align.segment import (
    METHOD_ID,
    SPACES,
    SegmentConfig,
    segment_documents,
    sentence_batches,
    split_sentences,
)
from alinea.schema import DOCUMENTS, SENTENCES, check_frame, polars_schema

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

CASES: list[tuple[str, str, list[str]]] = [
    # plain splits, headlines, whitespace
    ("es", "Hola. Adiós.", ["Hola.", "Adiós."]),
    (
        "pt",
        "O presidente chegou ontem. A reunião começa hoje. Ninguém sabe o resultado.",
        ["O presidente chegou ontem.", "A reunião começa hoje.", "Ninguém sabe o resultado."],
    ),
    ("es", "Una sola frase sin más.", ["Una sola frase sin más."]),
    (
        "pt",
        "Putin e Kim assinam acordo de defesa mútua",
        ["Putin e Kim assinam acordo de defesa mútua"],
    ),
    ("es", "  Hola.   Adiós.  ", ["Hola.", "Adiós."]),
    ("es", "Hola.\u00a0Adiós.", ["Hola.", "Adiós."]),
    ("es", "Nació en 1990. Murió en 2020.", ["Nació en 1990.", "Murió en 2020."]),
    ("es", "Ganó en 2019. 2020 fue peor.", ["Ganó en 2019.", "2020 fue peor."]),
    # ? and !, inverted marks
    (
        "es",
        "¿Vienes mañana? ¡Claro que sí! Te espero.",
        ["¿Vienes mañana?", "¡Claro que sí!", "Te espero."],
    ),
    ("pt", "Quem ganhou? Ninguém! Foi empate.", ["Quem ganhou?", "Ninguém!", "Foi empate."]),
    ("es", "¡Hola!¿Qué tal?", ["¡Hola!", "¿Qué tal?"]),
    # quotes around sentence ends
    ("pt", 'Ele disse: "Não." Depois saiu.', ['Ele disse: "Não."', "Depois saiu."]),
    ("es", "Dijo: “No.” Luego salió.", ["Dijo: “No.”", "Luego salió."]),
    ("pt", "Disse: «Não.» Depois saiu.", ["Disse: «Não.»", "Depois saiu."]),
    (
        "es",
        "«¿Vienes?», preguntó. «Sí.» Luego salió.",
        ["«¿Vienes?», preguntó.", "«Sí.»", "Luego salió."],
    ),
    (
        "es",
        "“¡Basta!” gritó el juez. Todos callaron.",
        ["“¡Basta!” gritó el juez.", "Todos callaron."],
    ),
    ("pt", "“Não!” disse ele. Depois saiu.", ["“Não!” disse ele.", "Depois saiu."]),
    # ellipsis
    ("es", "Hola... luego vino.", ["Hola... luego vino."]),
    ("pt", "Esperou... Depois saiu.", ["Esperou...", "Depois saiu."]),
    # titles and abbreviations
    (
        "es",
        "El Sr. García llegó. La Dra. Pérez también.",
        ["El Sr. García llegó.", "La Dra. Pérez también."],
    ),
    (
        "pt",
        "A Profa. Ana chegou. O Exmo. Sr. Presidente saiu.",
        ["A Profa. Ana chegou.", "O Exmo. Sr. Presidente saiu."],
    ),
    ("es", "Ud. sabe. Uds. también.", ["Ud. sabe.", "Uds. también."]),
    ("es", "Vive en la R. Augusta 5. Otra.", ["Vive en la R. Augusta 5.", "Otra."]),
    ("es", "Vive en la Av. Libertador 123. Otra.", ["Vive en la Av. Libertador 123.", "Otra."]),
    ("es", "Es el n.º 5. Otra.", ["Es el n.º 5.", "Otra."]),
    ("pt", "Vive na R. Augusta, n.º 5. Outra.", ["Vive na R. Augusta, n.º 5.", "Outra."]),
    ("es", "Aprox. 20 personas vinieron. Otra.", ["Aprox. 20 personas vinieron.", "Otra."]),
    ("pt", "Ou seja, i.e. o líder saiu. Outra.", ["Ou seja, i.e. o líder saiu.", "Outra."]),
    ("pt", "Há várias, p. ex. o caso. Outra.", ["Há várias, p. ex. o caso.", "Outra."]),
    ("pt", "A Ana, p. ex., saiu. Outro.", ["A Ana, p. ex., saiu.", "Outro."]),
    ("pt", "Ver p. 5 do relatório. Outro.", ["Ver p. 5 do relatório.", "Outro."]),
    ("pt", "O art. 5 da Constituição. Outro.", ["O art. 5 da Constituição.", "Outro."]),
    ("es", "Compró peras, manzanas, etc. y se fue.", ["Compró peras, manzanas, etc. y se fue."]),
    (
        "es",
        "Compró peras, manzanas, etc. Luego se fue.",
        ["Compró peras, manzanas, etc.", "Luego se fue."],
    ),
    ("pt", "Morreu em 5 de jan. O funeral é hoje.", ["Morreu em 5 de jan.", "O funeral é hoje."]),
    (
        "es",
        "Telefónica S.A. anunció resultados. Luego.",
        ["Telefónica S.A. anunció resultados.", "Luego."],
    ),
    # EE.UU. before lowercase, digit, uppercase; EUA has no dots
    (
        "pt",
        "Os EE.UU. anunciaram ontem. Depois saiu.",
        ["Os EE.UU. anunciaram ontem.", "Depois saiu."],
    ),
    ("es", "Los EE.UU. y Rusia firmaron.", ["Los EE.UU. y Rusia firmaron."]),
    ("es", "Llegaron a EE.UU. 20 personas.", ["Llegaron a EE.UU. 20 personas."]),
    ("pt", "Nos EE.UU. 3 pessoas morreram.", ["Nos EE.UU. 3 pessoas morreram."]),
    ("es", "Viajó a EE.UU. Luego volvió.", ["Viajó a EE.UU.", "Luego volvió."]),
    ("pt", "Viajou aos EE.UU. Depois voltou.", ["Viajou aos EE.UU.", "Depois voltou."]),
    ("es", "Viajó a EE. UU. Luego volvió.", ["Viajó a EE. UU.", "Luego volvió."]),
    ("es", "Viajó a EE. UU. y luego volvió.", ["Viajó a EE. UU. y luego volvió."]),
    ("pt", "Nos EUA. Depois voltou.", ["Nos EUA.", "Depois voltou."]),
    # initials
    ("es", "J. R. R. Tolkien escribió. Otra.", ["J. R. R. Tolkien escribió.", "Otra."]),
    (
        "es",
        "Lo dijo J.R.R. Tolkien. Y J.K. Rowling.",
        ["Lo dijo J.R.R. Tolkien.", "Y J.K. Rowling."],
    ),
    ("es", "George W. Bush llegó. Luego.", ["George W. Bush llegó.", "Luego."]),
    ("es", "Ganó el grupo B. Luego vino el C.", ["Ganó el grupo B.", "Luego vino el C."]),
    # numbers, dates, times
    (
        "pt",
        "A inflação foi de 3,5 por cento. Subiu.",
        ["A inflação foi de 3,5 por cento.", "Subiu."],
    ),
    ("es", "Mide 3.5 metros. Otra.", ["Mide 3.5 metros.", "Otra."]),
    ("es", "Nació el 10.03.1990 en Lima. Otra.", ["Nació el 10.03.1990 en Lima.", "Otra."]),
    ("es", "Son las 10.30 h. Luego.", ["Son las 10.30 h.", "Luego."]),
    ("pt", "A reunião começou às 10:30. Depois.", ["A reunião começou às 10:30.", "Depois."]),
    # addresses
    ("es", "Visite https://ex.com/a.b?c=1. Otra.", ["Visite https://ex.com/a.b?c=1.", "Otra."]),
    ("es", "Visite www.ex.com. Otra.", ["Visite www.ex.com.", "Otra."]),
    ("es", "Escriba a juan.perez@ex.com. Gracias.", ["Escriba a juan.perez@ex.com.", "Gracias."]),
    # stray punctuation, parentheses, list labels
    (
        "es",
        "Hubo reuniones entre Moscú y Pyongyang. . Luego otra.",
        ["Hubo reuniones entre Moscú y Pyongyang. .", "Luego otra."],
    ),
    ("es", ". Hola.", [". Hola."]),
    ("es", "Llegó (tarde). Luego se fue.", ["Llegó (tarde).", "Luego se fue."]),
    ("es", "Es así (ver pág. 5). Luego.", ["Es así (ver pág. 5).", "Luego."]),
    (
        "es",
        "1. Introducción al tema. 2. Desarrollo.",
        ["1. Introducción al tema.", "2. Desarrollo."],
    ),
]


def sentences(text: str, lang: str, repair: bool = True) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, lang, repair=repair)]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_split_sentences(lang: str, text: str, expected: list[str]) -> None:
    assert sentences(text, lang) == expected


# What sentencex 1.0.32 (constraints.txt) does with each fault the repair fixes, as spans.
REPAIRS: list[tuple[str, str, list[tuple[int, int]], list[tuple[int, int]]]] = [
    # lang, text, sentencex alone, after the repair
    ("pt", "Os EE.UU. anunciaram ontem.", [(0, 6), (6, 9), (10, 27)], [(0, 27)]),  # rule 0
    ("pt", "Há várias, p. ex. o caso.", [(0, 13), (14, 25)], [(0, 25)]),  # rule 2
    ("es", "Es el n.º 5.", [(0, 8), (8, 12)], [(0, 12)]),  # rule 0
    ("es", "Aprox. 20 personas vinieron.", [(0, 6), (7, 28)], [(0, 28)]),  # rule 4
    ("es", "Entre Moscú y Pyongyang. . Luego otra.",
     [(0, 24), (25, 26), (27, 38)], [(0, 26), (27, 38)]),  # rule 1
    ("es", "Viajó a EE.UU. Luego volvió.", [(0, 28)], [(0, 14), (15, 28)]),  # rule 3
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "raw", "repaired"), REPAIRS)
def test_repair_fixes_known_sentencex_faults(
    lang: str, text: str, raw: list[tuple[int, int]], repaired: list[tuple[int, int]]
) -> None:
    assert list(split_sentences(text, lang, repair=False)) == raw
    assert list(split_sentences(text, lang)) == repaired


def test_sentencex_output_need_not_be_verbatim(monkeypatch: pytest.MonkeyPatch) -> None:
    def normalising(lang: str, text: str) -> list[str]:  # collapses spaces, straightens quotes
        return ['"Sí." ', "Luego  vino. ", "Otra frase."]

    monkeypatch.setattr(segment_module, "segment", normalising)
    text = "«Sí.»   Luego     vino.  Otra frase."
    assert sentences(text, "es", repair=False) == ["«Sí.»", "Luego     vino.", "Otra frase."]


def test_other_languages_use_the_common_table() -> None:
    assert sentences("Dr. Smith came. Then he left.", "en") == ["Dr. Smith came.", "Then he left."]
    assert sentences("", "es") == []
    assert sentences("   ", "pt") == []
    assert METHOD_ID == "sentencex-repair.v2"


def test_sentencex_panics_are_contained(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sentences("A\u00a0.", "pt") == ["A\u00a0."]  # panicked inside sentencex 1.0.32
    text = "El Sr.\u00a0García llegó.\u00a0Luego salió."
    assert sentences(text, "es") == ["El Sr.\u00a0García llegó.", "Luego salió."]

    class PanicException(BaseException):  # what pyo3 raises when the Rust code panics
        pass

    def panicking(lang: str, text: str) -> list[str]:
        raise PanicException("byte index is not a char boundary")

    monkeypatch.setattr(segment_module, "segment", panicking)
    assert sentences("Sr. García llegó. Luego", "es") == ["Sr. García llegó. Luego"]


@settings(max_examples=300, deadline=None)
@example(text="A\u00a0.", lang="pt", repair=False)  # panicked inside sentencex 1.0.32
@given(
    text=st.text(alphabet='aAbBé zZ19.,?!"«»¿¡º\u00a0 ', max_size=60),
    lang=st.sampled_from(["pt", "es", "en"]),
    repair=st.booleans(),
)
def test_spans_cover_the_text(text: str, lang: str, repair: bool) -> None:
    spans = split_sentences(text, lang, repair=repair)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end
    covered = {i for start, end in spans for i in range(start, end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    if repair and any(ch.isalnum() for ch in text):  # rule 1: no punctuation-only sentence
        assert all(any(ch.isalnum() for ch in text[a:b]) for a, b in spans)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="aAbé zZ19.,\u00a0\t ", max_size=400),
    max_chars=st.integers(4, 80),
)
def test_long_sentences_are_cut_into_covering_pieces(text: str, max_chars: int) -> None:
    spans = split_sentences(text, "pt", max_chars=max_chars)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text) and end - start <= max_chars
        assert text[start:end] == text[start:end].strip()
        previous_end = end
    covered = {i for start, end in spans for i in range(start, end)}
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_a_paragraph_without_punctuation_is_cut_at_spaces() -> None:
    words = " ".join(f"palavra{k}" for k in range(2000))  # ~20,000 characters, no full stop
    pieces = [words[a:b] for a, b in split_sentences(words, "pt")]
    assert len(pieces) > 10 and max(map(len, pieces)) <= 2000
    assert " ".join(pieces) == words  # cut between words, nothing lost


def documents(*docs: tuple[str, str, str, list[int]]) -> pl.DataFrame:
    schema = pl.Schema(
        {
            "doc_id": pl.String(),
            "lang": pl.String(),
            "text": pl.String(),
            "boilerplate_paragraphs": pl.List(pl.Int32()),
        }
    )
    return pl.DataFrame(list(docs), schema=schema, orient="row")


def test_offsets_point_into_the_document_text() -> None:
    text = "Primera frase. Segunda frase.\nTercera aquí.\n  Cuarta, con espacios.  "
    out = segment_documents(documents(("d1", "es", text, [])), SegmentConfig())
    assert out.schema == polars_schema(SENTENCES)
    assert out["text"].to_list() == [
        "Primera frase.",
        "Segunda frase.",
        "Tercera aquí.",
        "Cuarta, con espacios.",
    ]
    for row in out.iter_rows(named=True):
        assert text[row["start"] : row["end"]] == row["text"]
    assert out["para"].to_list() == [0, 0, 1, 2]
    assert out["idx"].to_list() == [0, 1, 2, 3]
    assert out["sent_id"].to_list() == ["d1:0", "d1:1", "d1:2", "d1:3"]
    assert out["doc_id"].to_list() == ["d1"] * 4 and out["lang"].to_list() == ["es"] * 4
    assert out.select("start", "end").rows() == [(0, 14), (15, 29), (30, 43), (46, 67)]
    assert out["is_boilerplate"].to_list() == [False] * 4


def test_documents_keep_input_order_and_restart_idx() -> None:
    docs = documents(("b", "pt", "Um. Dois.", []), ("a", "es", "Uno.\nDos. Tres.", []))
    out = segment_documents(docs, SegmentConfig())
    assert out["doc_id"].to_list() == ["b", "b", "a", "a", "a"]
    assert out["lang"].to_list() == ["pt", "pt", "es", "es", "es"]
    assert out["idx"].to_list() == [0, 1, 0, 1, 2]
    assert out["sent_id"].to_list() == ["b:0", "b:1", "a:0", "a:1", "a:2"]
    assert out["text"].to_list() == ["Um.", "Dois.", "Uno.", "Dos.", "Tres."]
    assert out["para"].to_list() == [0, 0, 0, 1, 1]
    assert segment_documents(docs, SegmentConfig()).equals(out)  # deterministic


def test_boilerplate_paragraph_is_one_unsplit_flagged_sentence() -> None:
    text = "O acordo foi assinado. Putin saiu.\n  Leia também: Kim. Putin. Acordo.  \nFim."
    out = segment_documents(documents(("d", "pt", text, [1])), SegmentConfig())
    assert out["text"].to_list() == [
        "O acordo foi assinado.",
        "Putin saiu.",
        "Leia também: Kim. Putin. Acordo.",
        "Fim.",
    ]
    assert out["is_boilerplate"].to_list() == [False, False, True, False]
    assert out["para"].to_list() == [0, 0, 1, 2]
    assert out.select("start", "end").rows() == [(0, 22), (23, 34), (37, 69), (72, 76)]
    for row in out.iter_rows(named=True):
        assert text[row["start"] : row["end"]] == row["text"]


@pytest.mark.parametrize(
    ("repair", "expected"),
    [(True, ["Os EE.UU. anunciaram ontem."]), (False, ["Os EE.", "UU.", "anunciaram ontem."])],
)
def test_repair_flag_is_honoured(repair: bool, expected: list[str]) -> None:
    docs = documents(("d", "pt", "Os EE.UU. anunciaram ontem.", []))
    assert segment_documents(docs, SegmentConfig(repair=repair))["text"].to_list() == expected


def test_empty_frame_gives_empty_sentences() -> None:
    for empty in (documents(), pl.DataFrame(schema=polars_schema(DOCUMENTS))):
        out = segment_documents(empty, SegmentConfig())
        assert out.height == 0
        check_frame(out, SENTENCES, "segment")


SEED_COUNTS = {"000": 17, "001": 18, "002": 13, "003": 18, "004": 10}


def seed_documents() -> pl.DataFrame:
    rows: list[tuple[str, str, str, list[int]]] = []
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        text = "\n".join(line for line in lines if line)
        rows.append((path.stem, "pt" if path.name.startswith("000") else "es", text, []))
    return documents(*rows)


def test_seeds() -> None:
    docs = seed_documents()
    out = segment_documents(docs, SegmentConfig())
    check_frame(out, SENTENCES, "segment")
    texts = dict(zip(docs["doc_id"], docs["text"], strict=True))
    for row in out.iter_rows(named=True):
        assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"]
        assert any(ch.isalpha() for ch in row["text"]), row
    joined = [t for t in out["text"] if t.endswith("Moscú y Pyongyang. .")]
    assert len(joined) == 1
    counts = {doc_id[:3]: n for doc_id, n in out.group_by("doc_id").len().iter_rows()}
    assert counts == SEED_COUNTS


def test_spaces_table_is_every_isspace_character() -> None:
    """sentencex sees the text with every space character as " " (one for one)."""
    every = {code for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert set(SPACES) | {ord(" ")} == every


@pytest.mark.parametrize("size", [1, 7, 76, 1000])
def test_batches_of_sentences_give_the_same_frame(size: int) -> None:
    docs = seed_documents()
    whole = segment_documents(docs, SegmentConfig())
    batches = list(sentence_batches(docs, SegmentConfig(), size))
    assert [b.height for b in batches[:-1]] == [size] * (len(batches) - 1)
    assert 0 < batches[-1].height <= size
    assert pl.concat(batches).equals(whole)
    assert whole.n_chunks() == 1  # published files do not depend on the batches


def test_no_documents_give_one_empty_batch() -> None:
    batches = list(sentence_batches(documents(), SegmentConfig()))
    assert [b.height for b in batches] == [0]
