"""Glossary on the seeds against the hand-made gold and the kept top-50 judgements.

Usage (from the repo root):
    .venv/bin/python scripts/eval_glossary_seeds.py                 # builds seeds/ in memory
    .venv/bin/python scripts/eval_glossary_seeds.py DATASET_DIR     # a built dataset folder
    .venv/bin/python scripts/eval_glossary_seeds.py --top 30        # also list the top entries

Without a folder, the sentence and word stages run through ``alinea.pipeline.build`` on
``seeds/`` (PT + ES, lexical encoder: no model needed). The glossary is then built by
``alinea.glossary.stage.build_glossary`` and scored:

- **recall** of ``tests/golden/seed_glossary.tsv``: a gold pair is found when one *paired* entry
  has the gold PT term among its PT forms (preferred form and variants) and the gold ES term
  among its ES forms; forms are compared accent- and case-folded, hyphens as spaces; a gold cell
  may list alternatives separated by `` | ``;
- **top-50 precision**: the share of the 50 best entries judged correct in
  ``tests/golden/seed_glossary_judgements.tsv`` (matched on the preferred forms; an entry
  with no judgement counts as wrong and is listed);
- **paired precision**: the same over every paired entry (status ``paired``: the ``candidate``
  entries, below the calibrated confidence threshold or no terms, are counted apart), and the
  paired entries judged wrong;
- whether ``RPDC`` is an entry, and how many entries start or end with a stop word;
- the wall time of the glossary stage (first call in the process: word lists load too).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from alinea.align.sentences import AlignConfig
from alinea.glossary.phrases import surface_key
from alinea.glossary.stage import build_glossary
from alinea.glossary.stopwords import stopwords
from alinea.ingest import IngestConfig
from alinea.pipeline import BuildConfig, build
from alinea.publish import read_config
from alinea.text import tokenize

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden"
LANGS = ("pt", "es")
TOP = 50
JUDGEMENTS = "seed_glossary_judgements.tsv"  # a verdict per entry, appended, never changed


def norm(term: str | None) -> str:
    """Folded tokens, hyphens as spaces (the glossary's own surface normalisation)."""
    return surface_key(tokenize(term or ""))


def build_frames(dataset: Path | None) -> dict[str, pl.DataFrame]:
    """The sentence, pair and word frames: read from ``dataset`` or built from the seeds."""
    names = ("sentences", "sentence_pairs", "word_alignments")
    if dataset is not None:
        return {n: read_config(dataset, n) for n in names}
    config = BuildConfig(
        name="seeds", ingest=IngestConfig(langs=LANGS), align=AlignConfig(encoder=None)
    )
    result = build([REPO / "seeds"], config)
    return {n: result.frames[n] for n in names}


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 TSV with a header."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def forms(row: dict[str, object], lang: str) -> set[str]:
    """Normalised preferred form and variants of one side of a glossary row."""
    values = [row[lang], *(row[f"{lang}_variants"] or [])]  # type: ignore[misc]
    return {norm(str(v)) for v in values if v}


def recall(glossary: pl.DataFrame, gold: list[dict[str, str]]) -> tuple[int, list[str]]:
    """Gold pairs found and the missing ones (module docstring)."""
    entries = [
        (forms(r, "pt"), forms(r, "es"))
        for r in glossary.filter(pl.col("status") == "paired").iter_rows(named=True)
    ]
    found, missing = 0, []
    for g in gold:
        pts = {norm(t) for t in g["pt"].split(" | ")}
        ess = {norm(t) for t in g["es"].split(" | ")}
        if any(pts & p and ess & e for p, e in entries):
            found += 1
        else:
            missing.append(f"{g['pt']} / {g['es']}")
    return found, missing


def precision(
    glossary: pl.DataFrame, judged: list[dict[str, str]], top: int | None = TOP
) -> tuple[int, list[str]]:
    """Correct entries among the best ``top`` (None: all of ``glossary``) and the entries with
    no judgement (counted as wrong)."""
    verdicts = {(norm(j["pt"]), norm(j["es"])): j["correct"] == "yes" for j in judged}
    correct, unjudged = 0, []
    rows = glossary if top is None else glossary.head(top)
    for r in rows.iter_rows(named=True):
        key = norm(r["pt"]), norm(r["es"])
        if key not in verdicts:
            unjudged.append(f"{r['pt']} / {r['es']}")
        correct += verdicts.get(key, False)
    return correct, unjudged


def wrong(glossary: pl.DataFrame, judged: list[dict[str, str]]) -> list[str]:
    """The entries of ``glossary`` judged wrong, with the verdict's note."""
    notes = {(norm(j["pt"]), norm(j["es"])): j["note"] for j in judged if j["correct"] != "yes"}
    return [
        f"{r['pt']} / {r['es']} ({notes[key] or 'no'})"
        for r in glossary.iter_rows(named=True)
        if (key := (norm(r["pt"]), norm(r["es"]))) in notes
    ]


def stop_edged(glossary: pl.DataFrame) -> list[str]:
    """Forms (preferred or variant) whose first or last token is a stop word of their language;
    a capitalised one at the edge of a multiword name (``Kim Jong Un``) is part of the name."""
    out = []
    for lang in LANGS:
        stops = stopwords(lang)
        for row in glossary.iter_rows(named=True):
            for term in [row[lang], *(row[f"{lang}_variants"] or [])]:
                words = tokenize(term or "")
                in_name = row["type"] == "name" and len(words) > 1
                for edge in words[:1] + words[-1:]:
                    if norm(edge) in stops and not (in_name and edge[:1].isupper()):
                        out.append(f"{lang}: {term}")
                        break
    return out


def show(lines: Iterable[str], label: str) -> None:
    for line in lines:
        print(f"  {label}: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", nargs="?", type=Path, help="a built dataset folder")
    parser.add_argument("--top", type=int, default=0, help="also print the N best entries")
    args = parser.parse_args(argv)
    frames = build_frames(args.dataset)
    start = time.perf_counter()
    glossary = build_glossary(
        frames["sentences"], frames["sentence_pairs"], frames["word_alignments"], LANGS
    )
    seconds = time.perf_counter() - start
    gold = read_tsv(GOLDEN / "seed_glossary.tsv")
    judged = read_tsv(GOLDEN / JUDGEMENTS)
    found, missing = recall(glossary, gold)
    correct, unjudged = precision(glossary, judged)
    edged = stop_edged(glossary)
    paired = glossary.filter(pl.col("status") == "paired").height
    print(f"entries: {glossary.height} ({paired} paired); glossary stage {seconds:.2f} s")
    print(f"gold recall: {found}/{len(gold)} = {found / len(gold):.1%}")
    show(missing, "missing")
    print(f"top-{TOP} precision: {correct}/{TOP} = {correct / TOP:.1%}")
    show(unjudged, "unjudged")
    pairs = glossary.filter(pl.col("status") == "paired")
    right, unjudged = precision(pairs, judged, None)
    print(f"paired precision: {right}/{pairs.height} = {right / max(pairs.height, 1):.1%}")
    show(unjudged, "unjudged paired")
    show(wrong(pairs, judged), "wrong paired")
    held = glossary.filter(pl.col("status") == "candidate")
    right, unjudged = precision(held, judged, None)
    print(f"candidates (below the confidence threshold): {held.height}, {right} judged correct")
    show(unjudged, "unjudged candidate")
    terms = {norm(t) for lang in LANGS for t in glossary[lang].to_list() if t}
    print(f"RPDC present: {'rpdc' in terms}")
    print(f"entries starting or ending with a stop word: {len(edged)}")
    show(edged, "stop-edged")
    for i, r in enumerate(glossary.head(args.top).iter_rows(named=True), 1):
        print(f"{i:3d}  {r['score']:.3f}  {r['status']:8}  {r['type']:7}  {r['pt'] or '—'}  |  "
              f"{r['es'] or '—'}  ({r['pt_freq']}/{r['es_freq']})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
