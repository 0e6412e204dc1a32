"""The validators helper (tests/validators.py) passes valid TBX v3 / TMX files and rejects broken
ones, saying which check failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validators import assert_valid, exchange_files

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="pt" xmlns="urn:iso:std:iso:30042:ed-2">
 <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
 <text><body><conceptEntry id="c1"><langSec xml:lang="pt"><termSec>
  <term>acordo</term><termNote type="termType">fullForm</termNote>
 </termSec></langSec></conceptEntry></body></text>
</tbx>
"""
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
 <header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en"
  srclang="pt" datatype="plaintext"/>
 <body><tu><tuv xml:lang="pt"><seg>Acordo.</seg></tuv><tuv xml:lang="es"><seg>Acuerdo.</seg></tuv>
 </tu></body>
</tmx>
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_files_pass(tmp_path: Path) -> None:
    assert_valid(write(tmp_path, "a.tbx", TBX), write(tmp_path, "a.tmx", TMX))


# Broken files are named .xml: the session's sweep of .tbx/.tmx files (conftest) must not see them.
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (TBX.replace('<conceptEntry id="c1">', '<conceptEntry id="1c">'), "relaxng"),  # not an ID
        (TBX.replace("<term>acordo</term>", ""), "relaxng"),  # a term section without its term
        (TBX.replace(">fullForm<", ">longForm<"), "schematron"),  # not in TBX-Basic's picklist
        (TBX.replace('type="termType"', 'type="gender"'), "schematron"),  # not a TBX-Basic type
        (TMX.replace('srclang="pt" ', ""), "dtd"),  # a required header attribute
        (TMX.replace("<seg>Acordo.</seg>", ""), "dtd"),  # a tuv without its seg
        (TMX.replace("</body>", ""), "not well-formed"),
        (TBX.replace("tbx", "martif"), "neither TMX nor TBX v3"),
    ],
)
def test_broken_files_fail_with_the_check_that_failed(
    tmp_path: Path, text: str, message: str
) -> None:
    broken = write(tmp_path, "broken.xml", text)
    with pytest.raises(pytest.fail.Exception, match=message) as failure:
        assert_valid(write(tmp_path, "good.tmx", TMX), broken)
    assert "good.tmx" not in str(failure.value)  # only the broken file is named


def test_exchange_files_are_alineas_tmx_and_tbx_v3(tmp_path: Path) -> None:
    write(tmp_path, "a.tbx", TBX)
    write(tmp_path, "b.tbx", '<martif type="TBX-Basic"/>')  # TBX 2008: no validator
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "c.tmx", TMX.replace('creationtool="t"', 'creationtool="alinea"'))
    write(tmp_path, "omegat.tmx", TMX.replace('creationtool="t"', 'creationtool="OmegaT"'))
    write(tmp_path, "d.tmx", "<tmx")  # not well-formed: for assert_valid to report
    found = exchange_files(tmp_path)
    (tmp_path / "d.tmx").unlink()  # else the session's sweep (conftest) reports it
    assert found == [tmp_path / p for p in ("a.tbx", "d.tmx", "sub/c.tmx")]
