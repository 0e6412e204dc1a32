"""TMX 1.4 export: valid against the TMX 1.4 DTD, read back by translate-toolkit and used by
OmegaT itself."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from alinea.schema import polars_schema, sentence_pairs_schema
from alinea.tmx import write_tmx
from tests.conftest import COMMITTED_DATASET
from tests.validators import assert_valid

# An OmegaT 3.6 project: the default folders; each paragraph one segment (no sentence rules),
# as a TMX source may hold two sentences.
OMEGAT_PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
 <project version="1.0">
  <source_dir>__DEFAULT__</source_dir>
  <target_dir>__DEFAULT__</target_dir>
  <tm_dir>__DEFAULT__</tm_dir>
  <glossary_dir>__DEFAULT__</glossary_dir>
  <glossary_file>__DEFAULT__</glossary_file>
  <dictionary_dir>__DEFAULT__</dictionary_dir>
  <source_lang>{source}</source_lang>
  <target_lang>{target}</target_lang>
  <sentence_seg>false</sentence_seg>
 </project>
</omegat>
"""


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


def translations(tmx: Path) -> list[tuple[str, str]]:
    from translate.storage.tmx import tmxfile

    with tmx.open("rb") as handle:
        return [(unit.source, unit.target) for unit in tmxfile(handle).units]


def test_omegat_pretranslates_from_the_tmx(tmx_path: Path, tmp_path: Path) -> None:
    """OmegaT itself (Debian's ``omegat``, console mode) translates a document from the seed TMX
    and this module's in its ``tm/auto/``: each segment with one translation there gets it."""
    omegat = shutil.which("omegat")
    assert omegat, "OmegaT is not installed: `apt-get install omegat` (.ci/run installs it)"
    seed_tmx = COMMITTED_DATASET / "exports" / "sentence_pairs.pt-es.tmx"
    pairs = translations(seed_tmx) + translations(tmx_path)
    sources = Counter(pt for pt, _ in pairs)
    known = [(pt, es) for pt, es in pairs if sources[pt] == 1]  # one translation: no choice
    assert len(known) >= 8
    unknown = "Uma frase que nenhuma memória tem."
    project = tmp_path / "project"
    for folder in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (project / folder).mkdir(parents=True)
    (project / "omegat.project").write_text(OMEGAT_PROJECT.format(source="pt", target="es"))
    shutil.copy(seed_tmx, project / "tm" / "auto")
    shutil.copy(tmx_path, project / "tm" / "auto")
    # OmegaT reads and writes *.utf8 as UTF-8 (a *.txt would have its encoding guessed)
    paragraphs = [pt for pt, _ in known] + [unknown]
    (project / "source" / "news.utf8").write_text("\n\n".join(paragraphs) + "\n", "utf-8")
    command = [omegat, "--mode=console-translate", f"--config-dir={tmp_path / 'config'}"]
    done = subprocess.run(
        [*command, "--disable-project-locking", "--no-team", "--quiet", str(project)],
        env={**os.environ, "HOME": str(tmp_path / "home")},  # never the user's settings
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    translated = (project / "target" / "news.utf8").read_text("utf-8")
    assert translated == "\n\n".join([es for _, es in known] + [unknown]) + "\n"


def test_locales_label_the_languages_and_props_keep_the_codes(tmp_path: Path) -> None:
    from lxml import etree

    path = tmp_path / "pairs.tmx"
    write_tmx(path, pairs_frame(), ("pt", "es"), "name:x|version:0", ("pt-BR", "es-AR"))
    tree = etree.parse(str(path))
    assert_valid(path)
    assert tree.find("header").get("srclang") == "pt-BR"
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert [tuv.get(xml_lang) for tuv in tree.iter("tuv")] == ["pt-BR", "es-AR"]
    props = {p.get("type"): p.text for p in tree.iter("prop")}
    assert (props["x-alinea-doc-pt"], props["x-alinea-doc-es"]) == ("a", "b")


def test_characters_xml_forbids_never_reach_the_file(tmp_path: Path) -> None:
    """A frame that holds control characters (not read by alinea's reader, which removes them)
    still gives a valid TMX: the writer removes them too."""
    frame = pairs_frame().with_columns(
        pl.struct(
            pl.lit("m\x01útua\x1b[31m").alias("pt"), pl.lit("mu\x00tua\ufffe").alias("es")
        ).alias("translation"),
        pl.lit("a\x02").alias("pt_doc_id"),
    )
    path = tmp_path / "controls.tmx"
    write_tmx(path, frame, ("pt", "es"), "name:x\x03|version:0")
    assert_valid(path)
    text = path.read_text(encoding="utf-8")
    assert "<seg>mútua[31m</seg>" in text and "<seg>mutua</seg>" in text
