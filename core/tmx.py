"""TMX 1.4 export of sentence pairs, for translation-memory tools.

Written with the standard library's XML writer (escaping handled there): a header with every
attribute TMX 1.4 requires, one ``tu`` per pair with its id, properties (score, bead kind, method,
documents and sentence ids) before the two ``tuv`` elements, as the DTD orders them. ``srclang``
and each ``tuv``'s ``xml:lang`` are the locales given to the build (default: the language codes);
the ``x-alinea-*`` properties name the dataset's columns, so they keep the plain codes. Text is
read without the characters XML 1.0 forbids (:func:`alinea.text.normalise`); the writer removes
them again (:func:`alinea.text.xml_safe`), so a frame from elsewhere still gives well-formed XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl

from alinea._version import __version__
from alinea.text import xml_safe

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _prop(parent: ET.Element, kind: str, value: str) -> None:
    ET.SubElement(parent, "prop", {"type": xml_safe(kind)}).text = xml_safe(value)


def tmx_tree(
    pairs: pl.DataFrame,
    langs: tuple[str, str],
    signature: str,
    locales: tuple[str, str] | None = None,
) -> ET.ElementTree:
    """Build the TMX document for a ``sentence_pairs`` frame (``langs[0]`` is the source;
    ``locales`` label the languages, default ``langs``)."""
    l1, l2 = langs
    labels = dict(zip(langs, locales or langs, strict=True))
    root = ET.Element("tmx", {"version": "1.4"})
    header = ET.SubElement(
        root,
        "header",
        {
            "creationtool": "alinea",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "alinea",
            "adminlang": "en",
            "srclang": labels[l1],
            "datatype": "plaintext",
        },
    )
    _prop(header, "x-alinea-signature", signature)
    body = ET.SubElement(root, "body")
    for row in pairs.iter_rows(named=True):
        unit = ET.SubElement(body, "tu", {"tuid": xml_safe(row["pair_id"])})
        _prop(unit, "x-alinea-score", f"{row['score']:.4f}")
        _prop(unit, "x-alinea-kind", row["kind"])
        _prop(unit, "x-alinea-method", row["method"])
        for lang in (l1, l2):
            _prop(unit, f"x-alinea-doc-{lang}", row[f"{lang}_doc_id"])
            _prop(unit, f"x-alinea-sentences-{lang}", " ".join(row[f"{lang}_sent_ids"]))
        for lang in (l1, l2):
            variant = ET.SubElement(unit, "tuv", {XML_LANG: labels[lang]})
            ET.SubElement(variant, "seg").text = xml_safe(row["translation"][lang])
    ET.indent(root, space=" ")
    return ET.ElementTree(root)


def write_tmx(
    path: Path,
    pairs: pl.DataFrame,
    langs: tuple[str, str],
    signature: str,
    locales: tuple[str, str] | None = None,
) -> None:
    """Write the TMX file (UTF-8, XML declaration, TMX 1.4 doctype)."""
    tree = tmx_tree(pairs, langs, signature, locales)
    with path.open("wb") as handle:
        handle.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        handle.write(b'<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n')
        tree.write(handle, encoding="utf-8", xml_declaration=False)
        handle.write(b"\n")
