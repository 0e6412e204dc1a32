"""TBX exports of the ``glossary`` config: TBX v3 (ISO 30042:2019, TBX-Basic dialect, DCA style)
and TBX 2008 (ISO 30042:2008, ``martif`` TBX-Basic) for tools that only read the older form.

Both are written with the standard library's XML writer (escaping handled there). One concept
entry per glossary row; a language section only for a language with a preferred term (unpaired
entries have one). Inside a language section:

* the preferred term first: ``termType`` (``acronym`` when the form is shaped like one, else
  ``fullForm``), ``administrativeStatus`` ``preferredTerm-admn-sts``, the example sentence as a
  term-level ``context`` in a ``descripGrp`` whose ``admin type="source"`` is its sentence id,
  and ``note`` elements with the frequency and document count;
* each variant as one more term section: ``termType`` ``variant`` (``acronym`` when shaped like
  one), ``administrativeStatus`` ``admittedTerm-admn-sts``.

TBX-Basic has no data category for the entry kind, status or score, so they are concept-level
``note`` elements (``type: name``, ``status: paired``, ``score: 0.8731``, ``term_id: ...``).
Concept ids are the ``term_id`` when it is a valid ``xsd:ID`` (ASCII NCName), else a folded,
prefixed form of it, made unique. The ``xml:lang`` of the root and of each language section is the
locale given to the build (default: the language code).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from alinea._version import __version__

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
# The current official schemas: TBX's core structure (RelaxNG) and TBX-Basic's DCA rules
# (Schematron), as LTAC-Global publishes them.
_GITHUB = "https://raw.githubusercontent.com/LTAC-Global"
TBX_CORE_RNG = f"{_GITHUB}/TBX_Core_RNG/master/TBXcoreStructV03.rng"
TBX_BASIC_SCH = f"{_GITHUB}/TBX-Basic_dialect/master/DCA/TBX-Basic_DCA.sch"
TBX_PROCESSING_INSTRUCTIONS = (
    f'<?xml-model href="{TBX_CORE_RNG}" '
    'type="application/xml" schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
    f'<?xml-model href="{TBX_BASIC_SCH}" '
    'type="application/xml" schematypens="http://purl.oclc.org/dsdl/schematron"?>\n'
)
MARTIF_DOCTYPE = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'
PREFERRED, ADMITTED = "preferredTerm-admn-sts", "admittedTerm-admn-sts"

_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
_NOT_ID_CHAR = re.compile(r"[^A-Za-z0-9._-]+")
_ACRONYM = re.compile(r"^[A-ZÀ-Ý0-9&.-]*[A-ZÀ-Ý][A-ZÀ-Ý0-9&.-]*$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters)."""
    return _XML_ILLEGAL.sub("", text)


def is_acronym(form: str) -> bool:
    """Whether ``form`` is shaped like an acronym: one token, capitals (``RPDC``, ``G-7``)."""
    letters = [c for c in form if c.isalpha()]
    return len(letters) >= 2 and bool(_ACRONYM.match(form))


def concept_ids(term_ids: list[str]) -> list[str]:
    """Ids valid as ``xsd:ID`` (ASCII NCName), one per ``term_ids`` item, all distinct.

    A valid id is kept; another is accent-folded, its other characters replaced by ``-``, and
    prefixed with ``c-``. A clash gets ``-2``, ``-3``... appended.
    """
    seen: set[str] = set()
    out: list[str] = []
    for term_id in term_ids:
        base = term_id
        if not _NCNAME.match(base):
            folded = unicodedata.normalize("NFKD", term_id).encode("ascii", "ignore").decode()
            base = "c-" + (_NOT_ID_CHAR.sub("-", folded).strip("-") or "entry")
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base}-{n}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = clean(text)
    return element


def _entries(frame: pl.DataFrame) -> Iterator[tuple[str, dict[str, Any]]]:
    ids = concept_ids([str(t) for t in frame["term_id"].to_list()])
    yield from zip(ids, frame.iter_rows(named=True), strict=True)


def _entry_notes(parent: ET.Element, row: dict[str, Any], concept_id: str) -> None:
    _sub(parent, "note", f"type: {row['type']}")
    _sub(parent, "note", f"status: {row['status']}")
    _sub(parent, "note", f"score: {row['score']:.4f}")
    if concept_id != row["term_id"]:
        _sub(parent, "note", f"term_id: {row['term_id']}")


def _term(parent: ET.Element, tag: str, row: dict[str, Any], lang: str, form: str | None) -> None:
    """One term section (``termSec`` or ``tig``): the preferred form when ``form`` is None."""
    preferred = form is None
    text: str = row[lang] if form is None else form
    section = _sub(parent, tag)
    _sub(section, "term", text)
    kind = "acronym" if is_acronym(text) else "fullForm" if preferred else "variant"
    _sub(section, "termNote", kind, type="termType")
    _sub(section, "termNote", PREFERRED if preferred else ADMITTED, type="administrativeStatus")
    if not preferred:
        return
    if row[f"{lang}_example"]:
        group = _sub(section, "descripGrp")
        _sub(group, "descrip", row[f"{lang}_example"], type="context")
        if row[f"{lang}_example_sent_id"]:
            _sub(group, "admin", row[f"{lang}_example_sent_id"], type="source")
    _sub(section, "note", f"frequency: {row[f'{lang}_freq']}")
    _sub(section, "note", f"documents: {row[f'{lang}_docs']}")


def _languages(
    entry: ET.Element,
    tags: tuple[str, str],
    row: dict[str, Any],
    langs: tuple[str, str],
    labels: tuple[str, str],
) -> None:
    """One language section (tag ``tags[0]``, terms ``tags[1]``) per language with a term."""
    tag, term_tag = tags
    for lang, label in zip(langs, labels, strict=True):
        if not row[lang]:
            continue
        section = _sub(entry, tag, **{XML_LANG: label})
        _term(section, term_tag, row, lang, None)
        for variant in row[f"{lang}_variants"] or []:
            if variant and variant != row[lang]:
                _term(section, term_tag, row, lang, variant)


def _has_term(row: dict[str, Any], langs: tuple[str, str]) -> bool:
    return any(row[lang] for lang in langs)


def _source_text(langs: tuple[str, str], signature: str) -> str:
    return f"alinea {__version__} glossary {langs[0]}-{langs[1]}; signature: {signature}"


def tbx_tree(
    frame: pl.DataFrame,
    langs: tuple[str, str],
    signature: str,
    locales: tuple[str, str] | None = None,
) -> ET.ElementTree:
    """The TBX v3 (TBX-Basic, DCA) document for a ``glossary`` frame (``locales``: the
    languages' ``xml:lang``, default ``langs``)."""
    labels = locales or langs
    root = ET.Element(
        "tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: labels[0], "xmlns": TBX_NAMESPACE}
    )
    file_desc = _sub(_sub(root, "tbxHeader"), "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", f"alinea glossary {langs[0]}-{langs[1]}")
    _sub(_sub(file_desc, "sourceDesc"), "p", _source_text(langs, signature))
    _body(root, frame, (langs, labels), ("conceptEntry", "langSec", "termSec"), keep_empty=False)
    return ET.ElementTree(root)


def martif_tree(
    frame: pl.DataFrame,
    langs: tuple[str, str],
    signature: str,
    locales: tuple[str, str] | None = None,
) -> ET.ElementTree:
    """The TBX 2008 (``martif``, TBX-Basic) document for a ``glossary`` frame."""
    labels = locales or langs
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: labels[0]})
    header = _sub(root, "martifHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", f"alinea glossary {langs[0]}-{langs[1]}")
    _sub(_sub(file_desc, "sourceDesc"), "p", _source_text(langs, signature))
    _sub(_sub(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    _body(root, frame, (langs, labels), ("termEntry", "langSet", "tig"), keep_empty=True)
    return ET.ElementTree(root)


def _body(
    root: ET.Element,
    frame: pl.DataFrame,
    languages: tuple[tuple[str, str], tuple[str, str]],
    tags: tuple[str, str, str],
    keep_empty: bool,
) -> None:
    """``text/body`` with one entry per concept that has a term; ``languages`` are the codes
    and their labels, ``tags`` name the entry, language and term levels (TBX v3 and TBX 2008
    differ only in them), then indent. With no entry, the body is kept only if
    ``keep_empty``: TBX v3 allows an empty ``text`` but not an empty ``body``; TBX 2008's
    ``text`` needs its ``body``."""
    langs, labels = languages
    entry_tag, lang_tag, term_tag = tags
    text = _sub(root, "text")
    body = _sub(text, "body")
    for concept_id, row in _entries(frame):
        if _has_term(row, langs):
            entry = _sub(body, entry_tag, id=concept_id)
            _entry_notes(entry, row, concept_id)
            _languages(entry, (lang_tag, term_tag), row, langs, labels)
    if not keep_empty and len(body) == 0:
        text.remove(body)
    ET.indent(root, space=" ")


def _write(path: Path, tree: ET.ElementTree, prolog: str) -> None:
    with path.open("wb") as handle:
        handle.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        handle.write(prolog.encode())
        tree.write(handle, encoding="utf-8", xml_declaration=False)
        handle.write(b"\n")


def write_tbx(
    path: Path,
    frame: pl.DataFrame,
    langs: tuple[str, str],
    signature: str,
    locales: tuple[str, str] | None = None,
) -> None:
    """Write the TBX v3 TBX-Basic file (UTF-8, with the dialect's ``xml-model`` schemas)."""
    _write(path, tbx_tree(frame, langs, signature, locales), TBX_PROCESSING_INSTRUCTIONS)


def write_tbx2008(
    path: Path,
    frame: pl.DataFrame,
    langs: tuple[str, str],
    signature: str,
    locales: tuple[str, str] | None = None,
) -> None:
    """Write the TBX 2008 ``martif`` file (UTF-8, TBX-Basic core structure doctype)."""
    _write(path, martif_tree(frame, langs, signature, locales), MARTIF_DOCTYPE)
