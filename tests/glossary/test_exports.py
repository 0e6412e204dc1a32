"""Glossary exports, each parsed back: TBX v3 (lxml: TBX-Basic structure and picklists), TBX 2008
(translate-toolkit), the OmegaT glossary and the CSV (csv module)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from alinea.glossary.export_tabular import VARIANT_SEPARATOR, csv_columns, write_csv, write_omegat
from alinea.glossary.export_tbx import TBX_NAMESPACE, concept_ids, write_tbx, write_tbx2008
from alinea.schema import glossary_schema, polars_schema

LANGS = ("pt", "es")
SIGNATURE = "glossary:test.v1|version:0"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")


def entry(term_id: str, pt: str | None, es: str | None, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "term_id": term_id,
        "pt": pt,
        "es": es,
        "type": "term",
        "status": "paired" if pt and es else "unpaired",
        "score": 0.5,
    }
    for lang, term in (("pt", pt), ("es", es)):
        row |= {
            f"{lang}_variants": [],
            f"{lang}_freq": 2 if term else 0,
            f"{lang}_docs": 1 if term else 0,
            f"{lang}_example": f"Uma frase com {term}." if term else None,
            f"{lang}_example_sent_id": f"{lang}doc:{len(term_id)}" if term else None,
        }
    return row | fields


ROWS = [
    entry(
        "0001",
        "assistência mútua",
        "asistencia mutua",
        pt_variants=["assistências mútuas"],
        pt_freq=4,
        es_freq=6,
        es_docs=3,
        score=0.8731,
        pt_example='O tratado de "assistência mútua" & <defesa>.',
        es_example="El tratado de asistencia mutua, firmado ayer.",
    ),
    entry("rpdc", "RPDC", "RPDC", type="acronym", es_variants=["Corea del Norte"]),
    entry(
        "kim-jong-un",
        "Kim Jong-un",
        "Kim Jong Un",
        type="name",
        pt_variants=["Kim Jong Un"],
        es_variants=["Kim Jong-un", "Kim Jong Un"],
    ),
    entry("moscovo:1", "Moscovo", None),  # unpaired; a colon is not allowed in xsd:ID
    entry("tricky", 'a\tb "c", d', "e;\nf", es_variants=['g, "h"']),
]


def glossary() -> pl.DataFrame:
    return pl.DataFrame(ROWS, schema=polars_schema(glossary_schema(*LANGS)))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    frame = glossary()
    write_tbx(folder / "g.tbx", frame, LANGS, SIGNATURE)
    write_tbx2008(folder / "g.2008.tbx", frame, LANGS, SIGNATURE)
    write_omegat(folder / "g.utf8", frame, LANGS)
    write_csv(folder / "g.csv", frame, LANGS)
    return folder


# --- TBX v3 -----------------------------------------------------------------------------------

NS = {"t": TBX_NAMESPACE}
TERM_TYPES = {"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"}
STATUSES = {
    "preferredTerm-admn-sts",
    "admittedTerm-admn-sts",
    "deprecatedTerm-admn-sts",
    "supersededTerm-admn-sts",
}
# TBX-Basic's data categories (its integrated RNG) and the levels its Schematron allows them at
ALLOWED_TYPES = {
    "termNote": {
        "administrativeStatus",
        "grammaticalGender",
        "geographicalUsage",
        "partOfSpeech",
        "termLocation",
        "termType",
    },
    "descrip": {"context", "definition", "subjectField"},
    "admin": {"customerSubset", "projectSubset", "source"},
}


def tbx_root(out: Path) -> Any:
    from lxml import etree

    return etree.parse(str(out / "g.tbx")).getroot()


def terms_by_lang(entry_element: Any) -> dict[str, list[str]]:
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    return {
        sec.get(xml_lang): sec.xpath("t:termSec/t:term/text()", namespaces=NS)
        for sec in entry_element.xpath("t:langSec", namespaces=NS)
    }


def test_tbx_v3_root_header_and_schema_declarations(out: Path) -> None:
    root = tbx_root(out)
    assert root.tag == f"{{{TBX_NAMESPACE}}}tbx"
    assert (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "pt"
    source = root.xpath("t:tbxHeader/t:fileDesc/t:sourceDesc/t:p/text()", namespaces=NS)
    assert source and SIGNATURE in source[0]
    models = [pi.text for pi in root.itersiblings(preceding=True) if "xml-model" in str(pi)]
    assert any("TBX-Basic_integrated.rng" in m for m in models)
    assert any("TBX-Basic_DCA.sch" in m and "schematron" in m for m in models)
    assert all(
        el.tag.startswith(f"{{{TBX_NAMESPACE}}}") for el in root.iter() if isinstance(el.tag, str)
    )


def test_tbx_v3_entries_ids_and_terms(out: Path) -> None:
    entries = tbx_root(out).xpath("t:text/t:body/t:conceptEntry", namespaces=NS)
    ids = [e.get("id") for e in entries]
    assert len(ids) == len(ROWS) == len(set(ids))
    assert all(NCNAME.match(i) for i in ids), ids
    assert ids[2] == "kim-jong-un"  # valid ids are kept
    assert terms_by_lang(entries[0]) == {
        "pt": ["assistência mútua", "assistências mútuas"],
        "es": ["asistencia mutua"],
    }
    assert terms_by_lang(entries[2]) == {
        "pt": ["Kim Jong-un", "Kim Jong Un"],
        "es": ["Kim Jong Un", "Kim Jong-un"],  # the preferred form is not repeated
    }
    assert terms_by_lang(entries[3]) == {"pt": ["Moscovo"]}  # unpaired: one langSec
    notes = entries[3].xpath("t:note/text()", namespaces=NS)
    assert "status: unpaired" in notes and "term_id: moscovo:1" in notes
    assert terms_by_lang(entries[4])["pt"] == ['a\tb "c", d']


def test_tbx_v3_data_categories_follow_tbx_basic(out: Path) -> None:
    root = tbx_root(out)
    for tag, allowed in ALLOWED_TYPES.items():
        for element in root.iter(f"{{{TBX_NAMESPACE}}}{tag}"):
            assert element.get("type") in allowed
    for sec in root.iter(f"{{{TBX_NAMESPACE}}}termSec"):
        notes = {n.get("type"): n.text for n in sec.xpath("t:termNote", namespaces=NS)}
        assert notes["termType"] in TERM_TYPES and notes["administrativeStatus"] in STATUSES
        assert sec[0].tag == f"{{{TBX_NAMESPACE}}}term"  # term, termNotes, then the rest
    for context in root.xpath("//t:descrip[@type='context']", namespaces=NS):
        assert context.xpath("local-name(..)") in ("termSec", "descripGrp")
        assert context.xpath("local-name(../..)") in ("termSec", "langSec")
        assert context.xpath("boolean(ancestor::t:termSec)", namespaces=NS)


def test_tbx_v3_term_types_status_and_context(out: Path) -> None:
    root = tbx_root(out)

    def sec(term: str, lang: str) -> Any:
        path = f"//t:langSec[@xml:lang='{lang}']/t:termSec[t:term='{term}']"
        return root.xpath(path, namespaces=NS)[0]

    def note(section: Any, kind: str) -> str:
        return str(section.xpath(f"string(t:termNote[@type='{kind}'])", namespaces=NS))

    preferred, variant = sec("assistência mútua", "pt"), sec("assistências mútuas", "pt")
    assert (note(preferred, "termType"), note(variant, "termType")) == ("fullForm", "variant")
    assert note(preferred, "administrativeStatus") == "preferredTerm-admn-sts"
    assert note(variant, "administrativeStatus") == "admittedTerm-admn-sts"
    assert note(sec("RPDC", "es"), "termType") == "acronym"
    group = preferred.xpath("t:descripGrp", namespaces=NS)[0]
    assert group.xpath("string(t:descrip[@type='context'])", namespaces=NS) == ROWS[0]["pt_example"]
    assert group.xpath("string(t:admin[@type='source'])", namespaces=NS) == "ptdoc:4"
    assert preferred.xpath("t:note/text()", namespaces=NS) == ["frequency: 4", "documents: 1"]
    assert not variant.xpath("t:descripGrp", namespaces=NS)


@pytest.mark.parametrize(
    ("term_ids", "expected"),
    [
        (["t1", "_x", "a.b-c"], ["t1", "_x", "a.b-c"]),
        (
            ["0001", "moscovo:1", "assistência mútua"],
            ["c-0001", "c-moscovo-1", "c-assistencia-mutua"],
        ),
        (["a b", "a:b", "c-a-b"], ["c-a-b", "c-a-b-2", "c-a-b-3"]),
        (["", "!!"], ["c-entry", "c-entry-2"]),
    ],
)
def test_concept_ids_are_distinct_ncnames(term_ids: list[str], expected: list[str]) -> None:
    assert concept_ids(term_ids) == expected


# --- TBX 2008 ---------------------------------------------------------------------------------


def test_tbx2008_read_back_by_translate_toolkit(out: Path) -> None:
    from translate.storage import tbx

    with (out / "g.2008.tbx").open("rb") as handle:
        store = tbx.tbxfile(handle, sourcelanguage="pt", targetlanguage="es")
    units = store.units
    assert [u.getid() for u in units] == concept_ids([r["term_id"] for r in ROWS])
    assert [u.source for u in units[:3]] == ["assistência mútua", "RPDC", "Kim Jong-un"]
    assert [u.target for u in units[:3]] == ["asistencia mutua", "RPDC", "Kim Jong Un"]
    assert [t.text for t in units[0].get_source_terms()] == [
        "assistência mútua",
        "assistências mútuas",
    ]
    assert [t.text for t in units[1].get_target_terms()] == ["RPDC", "Corea del Norte"]
    statuses = [t.administrative_status for t in units[0].get_source_terms()]
    assert statuses == ["preferredTerm-admn-sts", "admittedTerm-admn-sts"]
    assert units[3].source == "Moscovo" and not units[3].target
    assert units[4].source == 'a\tb "c", d'


def test_tbx2008_structure(out: Path) -> None:
    from lxml import etree

    tree = etree.parse(str(out / "g.2008.tbx"))
    assert tree.docinfo.root_name == "martif" and "TBXBasic" in tree.docinfo.system_url
    root = tree.getroot()
    assert root.get("type") == "TBX-Basic"
    for tig in root.iter("tig"):
        assert tig[0].tag == "term"
        types = {n.get("type"): n.text for n in tig.findall("termNote")}
        assert types["termType"] in TERM_TYPES
    contexts = root.xpath("//descrip[@type='context']")
    assert contexts and all(c.xpath("boolean(ancestor::tig)") for c in contexts)


# --- OmegaT and CSV ---------------------------------------------------------------------------


def test_omegat_glossary(out: Path) -> None:
    raw = (out / "g.utf8").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    with (out / "g.utf8").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert all(len(r) == 3 for r in rows)
    pairs = [(r[0], r[1]) for r in rows]
    assert pairs == [
        ("assistência mútua", "asistencia mutua"),
        ("assistências mútuas", "asistencia mutua"),  # a source variant: its own line
        ("RPDC", "RPDC"),
        ("Kim Jong-un", "Kim Jong Un"),
        ("Kim Jong Un", "Kim Jong Un"),
        ('a b "c", d', "e; f"),  # tab and newline made spaces; unpaired Moscovo left out
    ]
    assert rows[0][2].startswith("term; freq pt 4 (1 docs), es 6 (3 docs); score 0.87")
    assert "es variants: Corea del Norte" in rows[2][2]
    assert rows[4][2].startswith("variant of Kim Jong-un; name; es variants: Kim Jong-un")


def test_csv_round_trip(out: Path) -> None:
    assert (out / "g.csv").read_bytes().startswith(b"\xef\xbb\xbfpt,es,")
    with (out / "g.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == csv_columns(LANGS)
    assert len(rows) == len(ROWS)
    for row, source in zip(rows, ROWS, strict=True):
        assert row["term_id"] == source["term_id"]
        assert row["pt"] == (source["pt"] or "") and row["type"] == source["type"]
        assert row["status"] == source["status"]
        assert float(row["score"]) == pytest.approx(source["score"], abs=1e-4)
        assert int(row["es_freq"]) == source["es_freq"]
        assert row["pt_example_sent_id"] == (source["pt_example_sent_id"] or "")
    assert rows[0]["pt_variants"].split(VARIANT_SEPARATOR) == ["assistências mútuas"]
    assert rows[0]["pt_example"] == ROWS[0]["pt_example"]
    assert rows[2]["es_variants"].split(VARIANT_SEPARATOR) == ["Kim Jong-un"]
    assert rows[3]["es"] == "" and rows[3]["status"] == "unpaired"
    assert rows[4]["pt"] == 'a\tb "c", d'  # tab, quote and comma survive (quoted)
    assert rows[4]["es"] == "e; f"  # a line break does not
    assert rows[4]["es_variants"] == 'g, "h"'


# --- all formats ------------------------------------------------------------------------------

WRITERS = {
    "g.tbx": lambda path, frame: write_tbx(path, frame, LANGS, SIGNATURE),
    "g.2008.tbx": lambda path, frame: write_tbx2008(path, frame, LANGS, SIGNATURE),
    "g.utf8": lambda path, frame: write_omegat(path, frame, LANGS),
    "g.csv": lambda path, frame: write_csv(path, frame, LANGS),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_deterministic_and_empty_glossary(name: str, out: Path, tmp_path: Path) -> None:
    WRITERS[name](tmp_path / name, glossary())
    assert (tmp_path / name).read_bytes() == (out / name).read_bytes()
    WRITERS[name](tmp_path / "empty", glossary().clear())
    assert (tmp_path / "empty").stat().st_size < 1000
