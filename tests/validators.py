"""TMX and TBX files checked against their formats' own schemas, for tests.

The checks are ``validate.py`` of ``../shared/validators`` beside the repository (the TBX v3 core
RelaxNG and the TBX-Basic DCA Schematron, the TMX 1.4 DTD; see its PROVENANCE.md), imported and
run in the test's process. ``ALINEA_VALIDATORS_DIR`` names another folder, and a checkout
without ``../shared`` uses the machine's ``/work/shared/validators``. A test that needs a missing
folder fails, saying where it looked. TBX 2008 (``martif``) has no validator there.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Literal

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
# where they are looked for: the variable, beside the repository, then this machine's shared
# folder (a CI checkout in a temporary folder has no ../shared)
PLACES = [
    *(
        [Path(os.environ["ALINEA_VALIDATORS_DIR"])]
        if os.environ.get("ALINEA_VALIDATORS_DIR")
        else []
    ),
    REPO.parent / "shared" / "validators",
    Path("/work/shared/validators"),
]
VALIDATORS = next((place for place in PLACES if (place / "validate.py").is_file()), PLACES[0])
Kind = Literal["tbx", "tmx"]
KINDS: dict[str, Kind] = {"{urn:iso:std:iso:30042:ed-2}tbx": "tbx", "tmx": "tmx"}  # by root


@cache
def _validate_py() -> ModuleType:
    script = VALIDATORS / "validate.py"
    if not script.is_file():
        pytest.fail(
            f"no {script}: the TBX/TMX validators are expected in ../shared/validators beside "
            "the repository; set ALINEA_VALIDATORS_DIR to their folder",
            pytrace=False,
        )
    spec = importlib.util.spec_from_file_location("shared_validators", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check(kind: Kind, paths: list[Path]) -> dict[Path, list[str]]:
    """The validators' problems with each file (an empty list: valid)."""
    module = _validate_py()
    found: dict[Path, list[str]] = (module.check_tbx if kind == "tbx" else module.check_tmx)(paths)
    return found


def assert_valid(*paths: Path) -> None:
    """Fail with the validators' messages unless each file is a valid TMX or TBX v3 document
    (told apart by the root element)."""
    messages: list[str] = []
    batches: dict[Kind, list[Path]] = {"tbx": [], "tmx": []}
    for path in paths:
        try:
            root = etree.parse(str(path)).getroot().tag
        except etree.XMLSyntaxError as error:
            messages.append(f"{path}: not well-formed XML: {error}")
            continue
        if root in KINDS:
            batches[KINDS[root]].append(path)
        else:
            messages.append(f"{path}: root element {root!r} is neither TMX nor TBX v3")
    for kind, batch in batches.items():
        if batch:
            messages += [f"{p}: {' | '.join(ps)}" for p, ps in check(kind, batch).items() if ps]
    if messages:
        pytest.fail("invalid exchange files:\n" + "\n".join(messages), pytrace=False)


def exchange_files(folder: Path) -> list[Path]:
    """The ``.tmx`` and ``.tbx`` files under ``folder`` that alinea wrote, but TBX 2008 ones (no
    validator here). Another tool's TMX (OmegaT's, say) names itself in its header."""
    found = [*folder.rglob("*.tmx"), *folder.rglob("*.tbx")]
    return sorted(p for p in found if p.is_file() and _to_check(p))


def _to_check(path: Path) -> bool:
    try:
        root = etree.parse(str(path)).getroot()
    except etree.XMLSyntaxError:
        return True  # for assert_valid to report
    creator = root.xpath("string(header/@creationtool)")  # TMX; empty for another root
    return bool(root.tag != "martif" and creator in ("", "alinea"))
