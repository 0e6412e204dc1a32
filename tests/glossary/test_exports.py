"""Glossary exports, each parsed back: TBX v3 (the standard's RelaxNG and TBX-Basic Schematron,
then lxml), TBX 2008 (translate-toolkit), the OmegaT glossary, the CSV (csv module) and the XLSX
(openpyxl)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from alinea import __version__
from alinea.glossary.export_tabular import VARIANT_SEPARATOR, csv_columns, write_csv, write_omegat
from alinea.glossary.export_tbx import TBX_NAMESPACE, concept_ids, write_tbx, write_tbx2008
from alinea.glossary.export_xlsx import CREATED, write_xlsx, xlsx_columns
from alinea.schema import glossary_schema, polars_schema
from tests.conftest import SeedBuild
from tests.validators import assert_valid

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
    write_xlsx(folder / "g.xlsx", frame, LANGS, SIGNATURE)
    return folder


# --- TBX v3 -----------------------------------------------------------------------------------

NS = {"t": TBX_NAMESPACE}
# the current official schemas (written out here, not imported: the test pins them)
RNG = "https://raw.githubusercontent.com/LTAC-Global/TBX_Core_RNG/master/TBXcoreStructV03.rng"
SCH = "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBX-Basic_DCA.sch"
RNG_TYPE = 'type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"'
SCH_TYPE = 'type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"'
TERM_TYPES = {"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"}
STATUSES = {
    "preferredTerm-admn-sts",
    "admittedTerm-admn-sts",
    "deprecatedTerm-admn-sts",
    "supersededTerm-admn-sts",
}
# TBX-Basic's data categories and the levels its Schematron allows them at
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
    assert source == [f"alinea {__version__} glossary pt-es; signature: {SIGNATURE}"]
    models = [(pi.target, pi.text) for pi in root.itersiblings(preceding=True)][::-1]
    assert models == [
        ("xml-model", f'href="{RNG}" {RNG_TYPE}'),
        ("xml-model", f'href="{SCH}" {SCH_TYPE}'),
    ]
    assert all(
        el.tag.startswith(f"{{{TBX_NAMESPACE}}}") for el in root.iter() if isinstance(el.tag, str)
    )


def test_tbx_v3_passes_the_standard_validators(out: Path, tmp_path: Path) -> None:
    write_tbx(tmp_path / "empty.tbx", glossary().clear(), LANGS, SIGNATURE)
    assert_valid(out / "g.tbx", tmp_path / "empty.tbx")


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
    notes = [e.xpath("t:note/text()", namespaces=NS) for e in entries]
    assert notes[3] == ["type: term", "status: unpaired", "score: 0.5000", "term_id: moscovo:1"]
    assert notes[0][-1] == "term_id: 0001"  # the original id, where the concept id differs
    assert notes[1] == ["type: acronym", "status: paired", "score: 0.5000"]
    assert terms_by_lang(entries[4]) == {"pt": ['a\tb "c", d'], "es": ["e;\nf", 'g, "h"']}


def test_tbx_v3_data_categories_follow_tbx_basic(out: Path) -> None:
    root = tbx_root(out)
    for tag, allowed in ALLOWED_TYPES.items():
        elements = list(root.iter(f"{{{TBX_NAMESPACE}}}{tag}"))
        assert len(elements) == {"termNote": 28, "descrip": 9, "admin": 9}[tag]
        for element in elements:
            assert element.get("type") in allowed
    sections = list(root.iter(f"{{{TBX_NAMESPACE}}}termSec"))
    assert len(sections) == 14  # one per form: preferred terms and variants
    assert len(root.xpath("//t:descrip[@type='context']", namespaces=NS)) == 9  # one per example
    for sec in sections:
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
    assert (units[3].source, units[3].target) == ("Moscovo", None)
    assert units[4].source == 'a\tb "c", d'


def test_tbx2008_structure(out: Path) -> None:
    from lxml import etree

    tree = etree.parse(str(out / "g.2008.tbx"))
    assert (tree.docinfo.root_name, tree.docinfo.system_url) == (
        "martif",
        "TBXBasiccoreStructV02.dtd",
    )
    root = tree.getroot()
    assert root.get("type") == "TBX-Basic"
    for tig in root.iter("tig"):
        assert tig[0].tag == "term"
        types = {n.get("type"): n.text for n in tig.findall("termNote")}
        assert types["termType"] in TERM_TYPES
    assert len(list(root.iter("tig"))) == 14
    contexts = root.xpath("//descrip[@type='context']")
    assert len(contexts) == 9 and all(c.xpath("boolean(ancestor::tig)") for c in contexts)


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
    common = "freq pt 2 (1 docs), es 2 (1 docs); score 0.50"
    assert [r[2] for r in rows] == [
        "term; freq pt 4 (1 docs), es 6 (3 docs); score 0.87",
        "variant of assistência mútua; term; freq pt 4 (1 docs), es 6 (3 docs); score 0.87",
        f"acronym; es variants: Corea del Norte; {common}",
        f"name; es variants: Kim Jong-un; {common}",  # the preferred ES form is not repeated
        f"variant of Kim Jong-un; name; es variants: Kim Jong-un; {common}",
        f'term; es variants: g, "h"; {common}',
    ]


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


# --- XLSX -------------------------------------------------------------------------------------


def xlsx_rows(path: Path) -> list[tuple[Any, ...]]:
    """The cells of the one sheet, row by row (openpyxl reads an empty cell as None)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    assert workbook.sheetnames == ["glossary"]
    return list(workbook["glossary"].iter_rows(values_only=True))


def test_xlsx_read_back(out: Path) -> None:
    header, *rows = xlsx_rows(out / "g.xlsx")
    assert list(header) == xlsx_columns(LANGS)
    assert list(header[:2]) == ["pt", "es"] and "pt_context" in header
    assert len(rows) == len(ROWS)
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    for got, source in zip(cells, ROWS, strict=True):
        assert (got["term_id"], got["pt"]) == (source["term_id"], source["pt"])
        assert (got["type"], got["status"]) == (source["type"], source["status"])
        assert isinstance(got["score"], float) and got["score"] == round(source["score"], 4)
    assert cells[0]["pt_variants"] == "assistências mútuas" and cells[0]["es_variants"] is None
    assert cells[0]["pt_context"] == ROWS[0]["pt_example"]  # quotes, & and <> kept
    assert cells[2]["es_variants"].split(VARIANT_SEPARATOR) == ["Kim Jong-un"]
    assert (cells[3]["es"], cells[3]["status"], cells[3]["es_context"]) == (
        None,
        "unpaired",
        None,
    )
    assert cells[4]["pt"] == 'a\tb "c", d' and cells[4]["es"] == "e; f"  # a line break does not
    assert cells[4]["es_variants"] == 'g, "h"'


def test_xlsx_sheet_layout_and_properties(out: Path) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(out / "g.xlsx")
    sheet = workbook["glossary"]
    assert list(sheet.tables) == ["glossary"]
    assert sheet.tables["glossary"].ref == f"A1:J{len(ROWS) + 1}"
    assert sheet.freeze_panes == "A2"
    assert sheet["G2"].number_format == "0.0000"  # the score, a number shown with 4 decimals
    properties = workbook.properties
    assert properties.created == CREATED.replace(tzinfo=None)  # a fixed date, not the build's
    assert properties.title == "alinea glossary pt-es"
    assert properties.description == f"signature: {SIGNATURE}"


def test_xlsx_strings_stay_strings(tmp_path: Path) -> None:
    rows = [entry("f", "=SUM(A1:A2)", "https://example.org"), entry("n", "0012", "1e5")]
    frame = pl.DataFrame(rows, schema=polars_schema(glossary_schema(*LANGS)))
    write_xlsx(tmp_path / "s.xlsx", frame, LANGS, SIGNATURE)
    _, *cells = xlsx_rows(tmp_path / "s.xlsx")
    assert [row[:2] for row in cells] == [("=SUM(A1:A2)", "https://example.org"), ("0012", "1e5")]
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "s.xlsx")["glossary"]
    assert [sheet[ref].data_type for ref in ("A2", "B2", "A3", "B3")] == ["s"] * 4  # no formula
    assert sheet["B2"].hyperlink is None


# --- all formats ------------------------------------------------------------------------------

WRITERS = {
    "g.tbx": lambda path, frame: write_tbx(path, frame, LANGS, SIGNATURE),
    "g.2008.tbx": lambda path, frame: write_tbx2008(path, frame, LANGS, SIGNATURE),
    "g.utf8": lambda path, frame: write_omegat(path, frame, LANGS),
    "g.csv": lambda path, frame: write_csv(path, frame, LANGS),
    "g.xlsx": lambda path, frame: write_xlsx(path, frame, LANGS, SIGNATURE),
}


def empty_tbx(root_name: str, entry: str) -> Callable[[bytes], None]:
    def check(raw: bytes) -> None:
        from lxml import etree

        root = etree.fromstring(raw)
        assert etree.QName(root).localname == root_name
        assert [etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)].count(
            entry
        ) == 0
        assert f"signature: {SIGNATURE}</p>".encode() in raw

    return check


def empty_xlsx(raw: bytes) -> None:
    import io

    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(raw))["glossary"].iter_rows(values_only=True))
    assert rows == [tuple(xlsx_columns(LANGS))]  # the header only


def exactly(expected: bytes) -> Callable[[bytes], None]:
    def check(raw: bytes) -> None:
        assert raw == expected

    return check


EMPTY = {
    "g.tbx": empty_tbx("tbx", "conceptEntry"),
    "g.2008.tbx": empty_tbx("martif", "termEntry"),
    "g.utf8": exactly(b""),
    "g.csv": exactly(("\ufeff" + ",".join(csv_columns(LANGS)) + "\r\n").encode()),  # a header
    "g.xlsx": empty_xlsx,
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_deterministic_and_empty_glossary(name: str, out: Path, tmp_path: Path) -> None:
    WRITERS[name](tmp_path / name, glossary())
    assert (tmp_path / name).read_bytes() == (out / name).read_bytes()
    WRITERS[name](tmp_path / "empty", glossary().clear())
    EMPTY[name]((tmp_path / "empty").read_bytes())


# --- locales ----------------------------------------------------------------------------------

LOCALES = ("pt-PT", "es-ES")
LOCALE_WRITERS = {
    "g.tbx": lambda path, frame: write_tbx(path, frame, LANGS, SIGNATURE, LOCALES),
    "g.2008.tbx": lambda path, frame: write_tbx2008(path, frame, LANGS, SIGNATURE, LOCALES),
    "g.utf8": lambda path, frame: write_omegat(path, frame, LANGS, LOCALES),
    "g.csv": lambda path, frame: write_csv(path, frame, LANGS, LOCALES),
}


def unlabel(name: str, raw: bytes) -> bytes:
    """The file with the locales put back to the plain codes, where ``name``'s format names
    a language (so that the rest can be compared byte for byte)."""
    for lang, locale in zip(LANGS, LOCALES, strict=True):
        if name.endswith(".tbx"):
            raw = raw.replace(f'xml:lang="{locale}"'.encode(), f'xml:lang="{lang}"'.encode())
        elif name.endswith(".utf8"):
            raw = raw.replace(f"{locale} ".encode(), f"{lang} ".encode())
    if name.endswith(".csv"):
        head, rest = raw.split(b"\r\n", 1)
        assert head.decode("utf-8-sig").split(",") == csv_columns(LOCALES)
        raw = ("\ufeff" + ",".join(csv_columns(LANGS)) + "\r\n").encode() + rest
    return raw


@pytest.mark.parametrize("name", sorted(LOCALE_WRITERS))
def test_locales_change_only_the_language_labels(name: str, out: Path, tmp_path: Path) -> None:
    LOCALE_WRITERS[name](tmp_path / name, glossary())
    raw = (tmp_path / name).read_bytes()
    assert raw != (out / name).read_bytes()
    assert b'xml:lang="pt"' not in raw and b"freq pt " not in raw and not raw.startswith(b"pt,")
    assert unlabel(name, raw) == (out / name).read_bytes()


def test_tbx_language_sections_carry_the_locales(tmp_path: Path) -> None:
    from lxml import etree

    write_tbx(tmp_path / "g.tbx", glossary(), LANGS, SIGNATURE, LOCALES)
    root = etree.parse(str(tmp_path / "g.tbx")).getroot()
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert root.get(xml_lang) == "pt-PT"
    sections = root.xpath("//t:langSec", namespaces=NS)
    assert [s.get(xml_lang) for s in sections[:2]] == ["pt-PT", "es-ES"]
    assert {s.get(xml_lang) for s in sections} == set(LOCALES)


def test_xlsx_headers_carry_the_locales(out: Path, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "g.xlsx", glossary(), LANGS, SIGNATURE, LOCALES)
    header, *rows = xlsx_rows(tmp_path / "g.xlsx")
    assert list(header) == xlsx_columns(LOCALES)
    assert header[:4] == ("pt-PT", "es-ES", "pt-PT_variants", "es-ES_variants")
    assert header[7:9] == ("pt-PT_context", "es-ES_context")
    assert rows == xlsx_rows(out / "g.xlsx")[1:]  # the cells are those of the plain codes


# --- the exports of the session's seed build --------------------------------------------------


def seed_frames(dataset: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The glossary entries the translator exports carry (no candidates), the sentence pairs."""
    glossary = pl.read_parquet(dataset / "glossary" / "train.parquet")
    return (
        glossary.filter(pl.col("status") != "candidate"),
        pl.read_parquet(dataset / "sentence_pairs" / "train.parquet"),
    )


def check_seed_tbx(dataset: Path, signature: str) -> None:
    from lxml import etree

    glossary, _ = seed_frames(dataset)
    assert_valid(dataset / "exports" / "glossary.pt-es.tbx")
    root = etree.parse(str(dataset / "exports" / "glossary.pt-es.tbx")).getroot()
    source = root.xpath("t:tbxHeader/t:fileDesc/t:sourceDesc/t:p/text()", namespaces=NS)
    assert source == [f"alinea {__version__} glossary pt-es; signature: {signature}"]
    entries = root.xpath("t:text/t:body/t:conceptEntry", namespaces=NS)
    assert [e.get("id") for e in entries] == concept_ids(glossary["term_id"].to_list())
    for element, row in zip(entries, glossary.iter_rows(named=True), strict=True):
        expected = {lang: [row[lang], *row[f"{lang}_variants"]] for lang in LANGS if row[lang]}
        assert terms_by_lang(element) == expected


def check_seed_tbx2008(dataset: Path, signature: str) -> None:
    from translate.storage import tbx

    glossary, _ = seed_frames(dataset)
    with (dataset / "exports" / "glossary.pt-es.tbx2008.tbx").open("rb") as handle:
        units = tbx.tbxfile(handle, sourcelanguage="pt", targetlanguage="es").units
    assert [(u.source, u.target) for u in units] == list(
        zip(glossary["pt"], glossary["es"], strict=True)
    )
    assert signature in (dataset / "exports" / "glossary.pt-es.tbx2008.tbx").read_text("utf-8")


def check_seed_omegat(src: str, tgt: str) -> Callable[[Path, str], None]:
    def check(dataset: Path, signature: str) -> None:
        glossary, _ = seed_frames(dataset)
        path = dataset / "exports" / f"glossary.{src}-{tgt}.utf8"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        expected = []  # each paired entry, then a line per source variant
        for row in glossary.filter(pl.col("status") == "paired").iter_rows(named=True):
            expected += [(form, row[tgt]) for form in [row[src], *row[f"{src}_variants"]]]
        assert [(r[0], r[1]) for r in rows] == expected
        assert all(len(r) == 3 and r[2] for r in rows)

    return check


def check_seed_csv(dataset: Path, signature: str) -> None:
    glossary, _ = seed_frames(dataset)
    with (dataset / "exports" / "glossary.pt-es.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == csv_columns(LANGS)
    assert [(r["term_id"], r["pt"], r["es"], r["status"]) for r in rows] == [
        (r["term_id"], r["pt"] or "", r["es"] or "", r["status"])
        for r in glossary.iter_rows(named=True)
    ]


def check_seed_xlsx(dataset: Path, signature: str) -> None:
    glossary, _ = seed_frames(dataset)
    header, *rows = xlsx_rows(dataset / "exports" / "glossary.pt-es.xlsx")
    assert list(header) == xlsx_columns(LANGS)
    assert [(r[-1], r[0], r[1], r[5], r[6]) for r in rows] == [
        (r["term_id"], r["pt"], r["es"], r["status"], round(r["score"], 4))
        for r in glossary.iter_rows(named=True)
    ]


def check_seed_tmx(dataset: Path, signature: str) -> None:
    from lxml import etree

    _, pairs = seed_frames(dataset)
    assert_valid(dataset / "exports" / "sentence_pairs.pt-es.tmx")
    tree = etree.parse(str(dataset / "exports" / "sentence_pairs.pt-es.tmx"))
    assert tree.docinfo.system_url == "tmx14.dtd"
    root = tree.getroot()
    assert root.xpath("string(header/prop[@type='x-alinea-signature'])") == signature
    units = root.findall("body/tu")
    assert [tu.get("tuid") for tu in units] == pairs["pair_id"].to_list()
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    for tu, row in zip(units, pairs.iter_rows(named=True), strict=True):
        segs = {tuv.get(xml_lang): tuv.findtext("seg") for tuv in tu.findall("tuv")}
        assert segs == row["translation"]


SEED_EXPORTS = {
    "glossary.pt-es.tbx": check_seed_tbx,
    "glossary.pt-es.tbx2008.tbx": check_seed_tbx2008,
    "glossary.pt-es.utf8": check_seed_omegat("pt", "es"),
    "glossary.es-pt.utf8": check_seed_omegat("es", "pt"),
    "glossary.pt-es.csv": check_seed_csv,
    "glossary.pt-es.xlsx": check_seed_xlsx,
    "sentence_pairs.pt-es.tmx": check_seed_tmx,
}


@pytest.mark.parametrize("name", sorted(SEED_EXPORTS))
def test_seed_build_exports_agree_with_the_configs(seed_build_run: SeedBuild, name: str) -> None:
    """Each export of the seed build, read back, holds exactly the rows of its config."""
    SEED_EXPORTS[name](seed_build_run.dataset, seed_build_run.summary["signature"])


def test_seed_build_exports_readme(seed_build: Path) -> None:
    from alinea.publish import EXPORTS_README

    readme = (seed_build / "exports" / "README.md").read_text(encoding="utf-8")
    assert readme == EXPORTS_README
    assert sorted(p.name for p in (seed_build / "exports").iterdir()) == sorted(
        [*SEED_EXPORTS, "README.md", "report.html"]  # the report: tests/core/test_report.py
    )
