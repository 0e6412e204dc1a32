"""TMX 1.4 export: valid against the TMX 1.4 DTD, read back by translate-toolkit and used by
OmegaT itself."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from alinea.schema import polars_schema, sentence_pairs_schema
from alinea.tmx import write_tmx
from tests.validators import assert_valid


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


def test_valid_against_the_tmx14_dtd(tmx_path: Path, tmp_path: Path) -> None:
    from lxml import etree

    write_tmx(tmp_path / "empty.tmx", pairs_frame().clear(), ("pt", "es"), "name:x|version:0")
    assert_valid(tmx_path, tmp_path / "empty.tmx")
    header = etree.parse(str(tmx_path)).find("header")
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
