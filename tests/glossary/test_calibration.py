"""The calibrated glossary confidence: the shipped file, the statuses it decides, what the
exports carry with and without ``--include-candidates``, and what the card says."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from lxml import etree

from alinea.errors import UsageError
from alinea.exports import ExportConfig, export_writers, translator_entries
from alinea.glossary import calibration
from alinea.glossary.candidates import Candidate
from alinea.glossary.pairing import Entry, GlossaryConfig
from alinea.glossary.stage import entry_status
from alinea.pipeline import BuildConfig
from alinea.signature import parse_signature
from tests.glossary.test_exports import entry
from tests.validators import assert_valid

LANGS = ("pt", "es")
TBX = {"t": "urn:iso:std:iso:30042:ed-2"}


def test_shipped_calibration_loads_and_names_itself() -> None:
    shipped = calibration.shipped()
    assert set(shipped.model.features) <= set(calibration.FEATURES)
    assert 0 < shipped.threshold < 1
    assert shipped.version.startswith("flores-ntrex-")
    data = json.loads(
        (Path(calibration.__file__).parent / "calibration.json").read_text(encoding="utf-8")
    )
    assert data["version"].endswith(calibration.parameters_digest(data))


def test_calibration_version_and_threshold_enter_the_signature() -> None:
    fields = parse_signature(BuildConfig("ds").signature(LANGS, "0" * 16))
    assert fields["glossary.calibration"] == calibration.shipped().version
    assert float(fields["glossary.threshold"]) == calibration.shipped().threshold
    refit = dataclasses.replace(calibration.shipped(), version="refit", threshold=0.42)
    config = dataclasses.replace(BuildConfig("ds"), glossary=GlossaryConfig(models=refit))
    fields = parse_signature(config.signature(LANGS, "0" * 16))
    assert (fields["glossary.calibration"], fields["glossary.threshold"]) == ("refit", "0.42")
    assert "glossary.models" not in fields


@pytest.mark.parametrize(("threshold", "in_effect"), [(None, None), (0.0, 0.0), (0.75, 0.75)])
def test_threshold_field(threshold: float | None, in_effect: float | None) -> None:
    config = GlossaryConfig(threshold=threshold)
    assert config.threshold_in_effect() == (
        calibration.shipped().threshold if in_effect is None else in_effect
    )


def test_threshold_out_of_range_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="threshold"):
        GlossaryConfig(threshold=1.5)


def candidate(lang: str, key: str) -> Candidate:
    return Candidate(lang, key, key, "term", (), 2, 1, ("s1",), 1.0, None)


@pytest.mark.parametrize(
    ("sides", "confidence", "threshold", "status"),
    [
        ((True, True), 0.9, 0.5, "paired"),
        ((True, True), 0.5, 0.5, "paired"),  # at the threshold
        ((True, True), 0.49, 0.5, "candidate"),
        ((True, False), 0.0, 0.5, "unpaired"),
        ((False, True), 0.0, 0.0, "unpaired"),
        ((True, True), 0.0, 0.0, "paired"),
    ],
)
def test_entry_status(
    sides: tuple[bool, bool], confidence: float, threshold: float, status: str
) -> None:
    src = candidate("pt", "acordo") if sides[0] else None
    tgt = candidate("es", "acuerdo") if sides[1] else None
    assert entry_status(Entry(src, tgt, confidence, 4, 0.5, None), threshold) == status


def test_probability_of_no_pairs_is_empty() -> None:
    columns = {name: np.zeros(0) for name in calibration.FEATURES}
    assert calibration.shipped().probability(columns).shape == (0,)


def glossary() -> pl.DataFrame:
    from alinea.schema import glossary_schema, polars_schema

    rows = [
        entry("a1", "acordo", "acuerdo"),
        entry("a2", "tudo", "pasando", status="candidate", score=0.05),
        entry("a3", "Moscovo", None),
        entry("a4", "cimeira", "cumbre", status="reviewed"),
    ]
    return pl.DataFrame(rows, schema=polars_schema(glossary_schema(*LANGS)))


@pytest.mark.parametrize(
    ("include", "kept"), [(False, ["a1", "a3", "a4"]), (True, ["a1", "a2", "a3", "a4"])]
)
def test_translator_exports_leave_candidates_out_unless_asked(
    include: bool, kept: list[str], tmp_path: Path
) -> None:
    frame = glossary()
    assert translator_entries(frame, include)["term_id"].to_list() == kept
    config = ExportConfig(include_candidates=include)
    writers = export_writers(pl.DataFrame(), frame, LANGS, "sig:1|version:0", config)
    for name in ("glossary.pt-es.tbx", "glossary.pt-es.csv", "glossary.pt-es.utf8"):
        writers[name](tmp_path / name)
    assert_valid(tmp_path / "glossary.pt-es.tbx")
    root = etree.parse(str(tmp_path / "glossary.pt-es.tbx")).getroot()
    assert root.xpath("//t:conceptEntry/@id", namespaces=TBX) == kept
    statuses = root.xpath("//t:conceptEntry/t:note[starts-with(., 'status')]/text()",
                          namespaces=TBX)  # fmt: skip
    assert ("status: candidate" in statuses) == include
    csv_text = (tmp_path / "glossary.pt-es.csv").read_text(encoding="utf-8-sig")
    omegat = (tmp_path / "glossary.pt-es.utf8").read_text(encoding="utf-8")
    assert ("pasando" in csv_text, "pasando" in omegat) == (include, include)


def test_include_candidates_enters_the_signature() -> None:
    config = BuildConfig.from_options("ds", include_candidates=True)
    assert parse_signature(config.signature(LANGS, "0" * 16))["exports.include_candidates"] == "yes"
    assert "exports.include_candidates" not in BuildConfig("ds").signature(LANGS, "0" * 16)


@pytest.mark.parametrize(
    ("signature", "counts", "exported"),
    [
        ("glossary.threshold:0.4|version:0", "1 paired, 1 unpaired, 1 candidate, 1 reviewed",
         "not the candidates"),
        ("glossary.threshold:0.4|exports.include_candidates:yes|version:0",
         "1 paired, 1 unpaired, 1 candidate, 1 reviewed", "candidates included"),
    ],
)  # fmt: skip
def test_card_counts_statuses_and_explains_the_threshold(
    signature: str, counts: str, exported: str
) -> None:
    from alinea.card import glossary_note

    note = glossary_note(glossary(), signature)
    assert f"4 entries ({counts})" in note
    assert "at least 0.4" in note and exported in note
    no_reviewed = glossary_note(glossary().filter(pl.col("status") != "reviewed"), signature)
    assert "0 candidate" not in no_reviewed and "reviewed" not in no_reviewed.split(")")[0]
    assert glossary_note(None, signature) == ""
