"""Translators' decisions on glossary entries, honoured by every later build.

A decisions file is a UTF-8 TSV with a header; ``alinea review DATASET --export FILE`` writes
one from a built glossary (every entry, decision cells empty) to fill in a spreadsheet, and
``alinea build ... --decisions FILE`` applies it. Per row:

- ``term_id``, ``<l1>``, ``<l2>``: the entry, found by its id, else by its two preferred forms
  (compared case- and accent-folded, hyphens as spaces);
- ``decision``: ``accept`` (keep the entry with the file's forms, whatever the new evidence),
  ``reject`` (the pair never comes back: the two sides are not linked again, and an entry
  with one side only is dropped), ``edit`` (keep it with the forms of ``<l1>_edit`` /
  ``<l2>_edit``, an empty edit cell keeping that side), or empty (no decision);
- ``note``: free text, kept in the file only.

Accepted and edited entries get status ``reviewed``; one that the new build no longer finds is
kept all the same, from the file's forms, with no counts or example. Other columns (type,
status, score, examples) are for the reader and ignored.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from alinea.errors import InputFormatError, InputNotFoundError, OutputError, UsageError
from alinea.glossary.candidates import Candidate
from alinea.glossary.phrases import surface_key
from alinea.text import tokenize

DECISIONS = ("accept", "reject", "edit")
REVIEWED = "reviewed"
PAIRED, CANDIDATE, UNPAIRED = "paired", "candidate", "unpaired"  # the other statuses


def term_id(src: Candidate | None, tgt: Candidate | None, langs: tuple[str, str]) -> str:
    """Stable id of a concept: a hash of the two grouping keys (valid as an XML id)."""
    keys = "|".join(
        f"{lang}:{c.key if c else ''}" for lang, c in zip(langs, (src, tgt), strict=True)
    )
    return "t" + hashlib.blake2b(keys.encode("utf-8"), digest_size=8).hexdigest()


def forms_id(forms: tuple[str | None, str | None], langs: tuple[str, str]) -> str:
    """Stable id of an entry known by its forms only (a decided entry no build proposed)."""
    keys = "|".join(f"{lang}:{form_key(f)}" for lang, f in zip(langs, forms, strict=True))
    return "t" + hashlib.blake2b(keys.encode("utf-8"), digest_size=8).hexdigest()


@lru_cache(maxsize=2**16)
def form_key(form: str | None) -> str:
    """How decisions compare forms: folded tokens, hyphens as spaces (empty for no form)."""
    return surface_key(tokenize(form or ""))


@dataclass(frozen=True)
class Decision:
    """One row of a decisions file that decides something."""

    line: int
    term_id: str
    forms: tuple[str | None, str | None]
    decision: str
    edits: tuple[str | None, str | None] = (None, None)

    @property
    def kept_forms(self) -> tuple[str | None, str | None]:
        """The forms the entry keeps: the edits where given, else the file's forms."""
        return (self.edits[0] or self.forms[0], self.edits[1] or self.forms[1])


@dataclass(frozen=True)
class Decisions:
    """The decisions of one file about the languages ``langs`` (in the file's column order);
    ``digest`` names its content in the build signature."""

    langs: tuple[str, str]
    rows: tuple[Decision, ...]
    digest: str
    _by_id: dict[str, Decision] = field(default_factory=dict, init=False, compare=False, repr=False)
    _by_forms: dict[tuple[str, str], Decision] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        for row in self.rows:  # a later row about the same entry wins
            if row.term_id:
                self._by_id[row.term_id] = row
            self._by_forms[form_key(row.forms[0]), form_key(row.forms[1])] = row

    @cached_property
    def _rejecting(self) -> bool:
        return any(row.decision == "reject" for row in self.rows)

    @property
    def signature_id(self) -> str:
        return f"sha-{self.digest}"

    def find(self, entry_id: str, forms: tuple[str | None, str | None]) -> Decision | None:
        """The decision about the entry ``entry_id`` with preferred ``forms``, if any."""
        found = self._by_id.get(entry_id)
        return found or self._by_forms.get((form_key(forms[0]), form_key(forms[1])))

    def rejects(self, src: Candidate, tgt: Candidate, langs: tuple[str, str]) -> bool:
        """Whether the pair ``(src, tgt)`` was rejected (by its id or its forms); asked of
        every proposed pair, so a file without rejections answers at once."""
        if not self._rejecting:
            return False
        found = self.find(term_id(src, tgt, langs), (src.form, tgt.form))
        return found is not None and found.decision == "reject"

    def kept(self) -> Iterator[Decision]:
        """The accepted and edited entries, in file order."""
        return (row for row in self.rows if row.decision != "reject")

    def oriented(self, langs: tuple[str, str]) -> Decisions:
        """These decisions with their forms in the order of ``langs``.

        Raises:
            UsageError: the file is about other languages.
        """
        if self.langs == langs:
            return self
        if self.langs != (langs[1], langs[0]):
            raise UsageError(
                f"--decisions: the file is about {'-'.join(self.langs)}, "
                f"the build about {'-'.join(langs)}"
            )
        swapped = tuple(
            Decision(r.line, r.term_id, r.forms[::-1], r.decision, r.edits[::-1]) for r in self.rows
        )
        return Decisions(langs, swapped, self.digest)


def read_decisions(path: Path) -> Decisions:
    """Read a decisions file (module docstring); its languages are those of its two
    ``<lang>_edit`` columns.

    Raises:
        InputNotFoundError: no such file.
        InputFormatError: not a decisions file, or a row that breaks it.
    """
    if not path.is_file():
        raise InputNotFoundError(path, "no such decisions file", "write one with alinea review")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputFormatError(path, f"not UTF-8 ({err.reason} at byte {err.start})") from err
    reader = csv.DictReader(text.splitlines(), delimiter="\t")
    columns = list(reader.fieldnames or [])
    found = [c.removesuffix("_edit") for c in columns if c.endswith("_edit")]
    missing = [c for c in ["term_id", *found, "decision"] if c not in columns]
    if len(found) != 2 or missing:
        raise InputFormatError(
            path,
            "not a decisions file (columns term_id, <lang>, <lang>_edit for two languages, "
            "decision)",
            "write one with alinea review DATASET --export FILE",
        )
    langs = (found[0], found[1])
    rows = [r for r in (_row(path, n, raw, langs) for n, raw in enumerate(reader, 2)) if r]
    return Decisions(langs, tuple(rows), hashlib.sha256(data).hexdigest()[:8])


def _row(path: Path, line: int, raw: dict[str, Any], langs: tuple[str, str]) -> Decision | None:
    def cell(name: str) -> str | None:
        value = (raw.get(name) or "").strip()
        return value or None

    decision = (cell("decision") or "").lower()
    if not decision:
        return None
    if decision not in DECISIONS:
        raise InputFormatError(
            path, f"line {line}: decision {decision!r} is not one of {', '.join(DECISIONS)}"
        )
    forms = (cell(langs[0]), cell(langs[1]))
    edits = (cell(f"{langs[0]}_edit"), cell(f"{langs[1]}_edit"))
    if not cell("term_id") and not any(forms):
        raise InputFormatError(path, f"line {line}: no term_id and no term to decide on")
    if decision == "edit" and not any(edits):
        raise InputFormatError(
            path, f"line {line}: edit without {langs[0]}_edit or {langs[1]}_edit"
        )
    return Decision(line, cell("term_id") or "", forms, decision, edits)


def review_columns(langs: tuple[str, str]) -> list[str]:
    """The columns ``alinea review --export`` writes."""
    l1, l2 = langs
    return ["term_id", l1, l2, "type", "status", "score", "decision", f"{l1}_edit",
            f"{l2}_edit", "note", f"{l1}_example", f"{l2}_example"]  # fmt: skip


def review_rows(glossary: pl.DataFrame, langs: tuple[str, str]) -> Iterable[list[str]]:
    """One row per entry; a reviewed entry comes back as ``accept`` of its current forms, so
    the exported file keeps every decision already made."""
    l1, l2 = langs
    for r in glossary.iter_rows(named=True):
        decision = "accept" if r["status"] == REVIEWED else ""
        yield [r["term_id"], r[l1] or "", r[l2] or "", r["type"], r["status"],
               f"{r['score']:.4f}", decision, "", "", "", r[f"{l1}_example"] or "",
               r[f"{l2}_example"] or ""]  # fmt: skip


def write_review(path: Path, glossary: pl.DataFrame, langs: tuple[str, str]) -> None:
    """Write the review file of ``glossary`` (UTF-8 with BOM, so spreadsheets read it right);
    written beside ``path`` and renamed, so a failed write leaves no half file."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(review_columns(langs))
            writer.writerows(review_rows(glossary, langs))
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write the review file ({err.strerror})") from err
