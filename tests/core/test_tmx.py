"""TMX 1.4 export: valid against the format's structural rules and read back by translate-toolkit."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from alinea.schema import polars_schema, sentence_pairs_schema
from alinea.tmx import write_tmx

DTD = Path(__file__).parent / "data" / "tmx14-rules.dtd"


def pairs_frame() -> pl.DataFrame:
    rows = [
        {
            "pair_id": "a:0|b:1",
            "translation": {
                "pt": 'Acordo de <assistência> & "mútua".',
                "es": "Acuerdo de asistencia mutua.",
            },
            "pt_doc_id": "a",
            "es_doc_id": "b",
            "pt_sent_ids": ["a:0"],
            "es_sent_ids": ["b:1", "b:2"],
            "score": 0.9,
            "kind": "1-2",
            "method": "margin-mine.v2",
        }
    ]
    return pl.DataFrame(rows, schema=polars_schema(sentence_pairs_schema("pt", "es")))


@pytest.fixture
def tmx_path(tmp_path: Path) -> Path:
    path = tmp_path / "pairs.tmx"
    write_tmx(path, pairs_frame(), ("pt", "es"), "name:x|version:0")
    return path


def test_valid_against_tmx14_rules(tmx_path: Path) -> None:
    from lxml import etree

    dtd = etree.DTD(str(DTD))
    tree = etree.parse(str(tmx_path))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    header = tree.find("header")
    assert header is not None
    assert header.get("srclang") == "pt" and header.get("segtype") == "sentence"


def test_round_trip_with_translate_toolkit(tmx_path: Path) -> None:
    from translate.storage.tmx import tmxfile

    with tmx_path.open("rb") as handle:
        units = tmxfile(handle).units
    assert len(units) == 1
    assert units[0].source == 'Acordo de <assistência> & "mútua".'
    assert units[0].target == "Acuerdo de asistencia mutua."
    assert units[0].getid() == "a:0|b:1"


def test_properties_carry_score_and_documents(tmx_path: Path) -> None:
    from lxml import etree

    unit = etree.parse(str(tmx_path)).find("body/tu")
    assert unit is not None
    props = {p.get("type"): p.text for p in unit.findall("prop")}
    assert props["x-alinea-score"] == "0.9000"
    assert props["x-alinea-kind"] == "1-2"
    assert props["x-alinea-doc-es"] == "b"
    assert props["x-alinea-sentences-es"] == "b:1 b:2"


def test_locales_label_the_languages_and_props_keep_the_codes(tmp_path: Path) -> None:
    from lxml import etree

    path = tmp_path / "pairs.tmx"
    write_tmx(path, pairs_frame(), ("pt", "es"), "name:x|version:0", ("pt-BR", "es-AR"))
    tree = etree.parse(str(path))
    assert etree.DTD(str(DTD)).validate(tree)
    assert tree.find("header").get("srclang") == "pt-BR"
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert [tuv.get(xml_lang) for tuv in tree.iter("tuv")] == ["pt-BR", "es-AR"]
    props = {p.get("type"): p.text for p in tree.iter("prop")}
    assert (props["x-alinea-doc-pt"], props["x-alinea-doc-es"]) == ("a", "b")
