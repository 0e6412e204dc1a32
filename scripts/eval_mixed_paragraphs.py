"""How often ingest flags a paragraph as in the build's other language, on documents that have
none (false flags) and on documents that alternate the two languages (recall).

- seeds: the five seed articles (``seeds/``), one paragraph per line, as ``make build`` reads them;
- ntrex: the 123 cleaned NTREX-128 documents per language (``comparable_bench.news_documents``),
  one file per document and language, one sentence per line (every paragraph is one sentence:
  the hardest case for a per-paragraph decision);
- mixed: each NTREX document in Portuguese with every second line replaced by its Spanish
  translation, and the same in Spanish with Portuguese lines (the document keeps the language
  of its majority, the first line's).

Usage: .venv/bin/python scripts/eval_mixed_paragraphs.py [--data DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb

from alinea.ingest import IngestConfig, ingest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _write(folder: Path, docs: dict[str, list[str]]) -> Path:
    folder.mkdir(parents=True)
    for name, lines in docs.items():
        (folder / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


Flags = dict[str, tuple[str, list[int]]]  # doc_id -> (detected language, flagged paragraphs)


def _flags(folder: Path) -> tuple[int, int, Flags, float]:
    """Paragraphs read, paragraphs flagged, the flags per document, seconds of ingest."""
    started = time.perf_counter()
    documents = ingest([folder], IngestConfig(langs=("pt", "es"))).documents
    seconds = time.perf_counter() - started
    flags = {
        d: (lang, f)
        for d, lang, f in documents.select("doc_id", "lang", "foreign_paragraphs").iter_rows()
    }
    read = int(documents["n_paragraphs"].sum())
    return read, sum(len(f) for _, f in flags.values()), flags, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="the eval data folder")
    args = parser.parse_args()
    docs = [d for d in cb.news_documents(args.data) if d.corpus.startswith("ntrex")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        read, flagged, _, seconds = _flags(SEEDS)
        print(f"seeds: {flagged} of {read} paragraphs flagged ({seconds:.2f} s)")
        single = {f"pt-{d.doc_id}": list(d.pt) for d in docs}
        single |= {f"es-{d.doc_id}": list(d.es) for d in docs}
        read, flagged, _, seconds = _flags(_write(root / "ntrex", single))
        print(f"ntrex: {flagged} of {read} paragraphs flagged ({seconds:.2f} s)")
        mixed = {}
        for d in docs:
            mixed[f"pt-{d.doc_id}"] = [d.es[i] if i % 2 else d.pt[i] for i in range(len(d.pt))]
            mixed[f"es-{d.doc_id}"] = [d.pt[i] if i % 2 else d.es[i] for i in range(len(d.es))]
        read, flagged, flags, seconds = _flags(_write(root / "mixed", mixed))
        other = hits = 0  # lines not in the language the document was given; those flagged
        for doc_id, (lang, indexes) in flags.items():
            first = doc_id[:2]  # the language of the even lines
            wrong = [i for i in range(len(mixed[doc_id])) if (first if i % 2 == 0 else
                     ("es" if first == "pt" else "pt")) != lang]  # fmt: skip
            other += len(wrong)
            hits += len(set(wrong) & set(indexes))
        print(
            f"mixed: {hits} of {other} lines in the other language flagged ({hits / other:.1%}), "
            f"{flagged - hits} of {read - other} lines in the document's language flagged "
            f"({seconds:.2f} s)"
        )


if __name__ == "__main__":
    main()
