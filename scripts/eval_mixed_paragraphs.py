"""How often ingest flags a paragraph as in another language than its document's, on documents
that have none (false flags) and on documents that mix languages (recall), and what it costs.

- seeds: the five seed articles (``seeds/``), one paragraph per line, as ``make build`` reads them;
- ntrex: the 123 cleaned NTREX-128 documents per language (``comparable_bench.news_documents``),
  one file per document and language, one sentence per line (every paragraph is one sentence:
  the hardest case for a per-paragraph decision);
- flores: the same for the 281 FLORES-200 devtest documents (a check beyond NTREX);
- mixed: each NTREX document in Portuguese with every second line replaced by its Spanish
  translation, and the same in Spanish with Portuguese lines (the document keeps the language
  of its majority, the first line's);
- third languages: each NTREX document, Portuguese and Spanish, with every fourth line (the
  second of each four) replaced by the next line of at least 40 characters (the shortest a
  paragraph lingua judges) of a pool in a third language: English from FLORES-200 devtest
  (``eng_Latn.devtest``), German and French from the Text+Berg test files (``test*.de``,
  ``test*.fr``, Swiss Alpine Club yearbooks; the French ones hold a few German adverts);
- time: ingest of the ntrex and the third-language folders, each system in a fresh process (its
  lingua models loaded as a build loads them), this worktree's against ``--baseline-python``
  (the current main's environment by default), one after the other in this one run.

Usage: .venv/bin/python scripts/eval_mixed_paragraphs.py [--data DIR] [--baseline-python PY]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb

from alinea.ingest import IngestConfig, ingest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MAIN_PYTHON = ROOT.parent / "main" / ".venv" / "bin" / "python"
MIN_CHARS = IngestConfig().paragraph_min_chars
EVERY = 4  # one line in EVERY is replaced by a third-language line
# ingest of the folders given as arguments, timed in a fresh process (stdout: the seconds)
TIMER = """
import sys, time
from pathlib import Path
from alinea.ingest import IngestConfig, ingest
started = time.perf_counter()
for folder in sys.argv[1:]:
    ingest([Path(folder)], IngestConfig(langs=("pt", "es")))
print(time.perf_counter() - started)
"""


def _write(folder: Path, docs: dict[str, list[str]]) -> Path:
    folder.mkdir(parents=True)
    for name, lines in docs.items():
        (folder / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


Flags = dict[str, tuple[str, dict[int, str]]]  # doc_id -> (its language, flagged: language)


def _flags(folder: Path) -> tuple[int, Flags, float]:
    """Paragraphs read, the flags per document, seconds of ingest."""
    started = time.perf_counter()
    documents = ingest([folder], IngestConfig(langs=("pt", "es"))).documents
    seconds = time.perf_counter() - started
    columns = documents.select("doc_id", "lang", "foreign_paragraphs", "foreign_langs")
    flags = {d: (lang, dict(zip(f, fl, strict=True))) for d, lang, f, fl in columns.iter_rows()}
    return int(documents["n_paragraphs"].sum()), flags, seconds


def _count(flags: Flags) -> str:
    """``N flagged (K as the pair's other language, M as a third)``."""
    found = [flagged for _, doc in flags.values() for flagged in doc.values()]
    other = sum(flagged in ("pt", "es") for flagged in found)
    third = len(found) - other
    return f"{len(found)} flagged ({other} as the pair's other language, {third} as a third)"


def _pool(path_glob: str, data: Path) -> Iterator[str]:
    """The lines of at least ``MIN_CHARS`` characters of the files, in order, forever."""
    lines = [
        line.strip()
        for path in sorted(data.glob(path_glob))
        for line in cb._read_lines(path)
        if len(line.strip()) >= MIN_CHARS
    ]
    while True:
        yield from lines


def _third(root: Path, docs: list[cb.ParallelDoc], lang: str, pool: Iterator[str]) -> None:
    """Recall of third-language lines ``lang`` in the NTREX documents, and false flags."""
    mixed: dict[str, list[str]] = {}
    for d in docs:
        for side, lines in (("pt", d.pt), ("es", d.es)):
            mixed[f"{side}-{d.doc_id}"] = [
                next(pool) if i % EVERY == 1 else line for i, line in enumerate(lines)
            ]
    read, flags, seconds = _flags(_write(root / f"third-{lang}", mixed))
    inserted = hits = right = false = 0
    for doc_id, (_, flagged) in flags.items():
        replaced = {i for i in range(len(mixed[doc_id])) if i % EVERY == 1}
        inserted += len(replaced)
        hits += len(replaced & set(flagged))
        right += sum(flagged.get(i) == lang for i in replaced)
        false += len(set(flagged) - replaced)
    print(
        f"third {lang}: {hits} of {inserted} {lang} lines flagged ({hits / inserted:.1%}), "
        f"{right} as {lang} ({right / inserted:.1%}); {false} of {read - inserted} lines in the "
        f"document's language flagged ({seconds:.2f} s)"
    )


def _timed(python: Path, folders: list[Path]) -> float:
    """Seconds of ingest of ``folders`` in a fresh process of ``python``."""
    done = subprocess.run(
        [str(python), "-c", TIMER, *map(str, folders)],
        check=True, capture_output=True, text=True, cwd=folders[0].parent,
    )  # fmt: skip
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="the eval data folder")
    parser.add_argument(
        "--baseline-python", type=Path, default=MAIN_PYTHON,
        help="the Python of the environment to time against (default: the main worktree's)",
    )  # fmt: skip
    args = parser.parse_args()
    data = cb._data_dir(args.data)
    docs = [d for d in cb.news_documents(args.data) if d.corpus.startswith("ntrex")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        read, flags, seconds = _flags(SEEDS)
        print(f"seeds: {_count(flags)} of {read} paragraphs ({seconds:.2f} s)")
        single = {f"pt-{d.doc_id}": list(d.pt) for d in docs}
        single |= {f"es-{d.doc_id}": list(d.es) for d in docs}
        read, flags, seconds = _flags(_write(root / "ntrex", single))
        print(f"ntrex: {_count(flags)} of {read} paragraphs ({seconds:.2f} s)")
        flores = [d for d in cb.news_documents(args.data) if d.corpus.startswith("flores")]
        single = {f"pt-{i}": list(d.pt) for i, d in enumerate(flores)}
        single |= {f"es-{i}": list(d.es) for i, d in enumerate(flores)}
        read, flags, seconds = _flags(_write(root / "flores", single))
        print(f"flores: {_count(flags)} of {read} paragraphs ({seconds:.2f} s)")
        mixed = {}
        for d in docs:
            mixed[f"pt-{d.doc_id}"] = [d.es[i] if i % 2 else d.pt[i] for i in range(len(d.pt))]
            mixed[f"es-{d.doc_id}"] = [d.pt[i] if i % 2 else d.es[i] for i in range(len(d.es))]
        read, flags, seconds = _flags(_write(root / "mixed", mixed))
        other = hits = right = 0  # lines not in the document's language; flagged; as such
        for doc_id, (lang, flagged) in flags.items():
            first = doc_id[:2]  # the language of the even lines
            second = "es" if first == "pt" else "pt"
            wrong = [i for i in range(len(mixed[doc_id])) if (second if i % 2 else first) != lang]
            other += len(wrong)
            hits += len(set(wrong) & set(flagged))
            right += sum(flagged.get(i) == ("es" if lang == "pt" else "pt") for i in wrong)
        n_flagged = sum(len(f) for _, f in flags.values())
        print(
            f"mixed: {hits} of {other} lines in the other language flagged ({hits / other:.1%}), "
            f"{right} as that language; {n_flagged - hits} of {read - other} lines in the "
            f"document's language flagged ({seconds:.2f} s)"
        )
        textberg = data / "bleualign-textberg-de-fr"
        for lang, pool in (
            ("en", _pool("eng_Latn.devtest", data / "flores200-devtest-por-spa")),
            ("de", _pool("test*.de", textberg)),
            ("fr", _pool("test*.fr", textberg)),
        ):
            _third(root, docs, lang, pool)
        timed = [root / "ntrex", root / "third-en", root / "third-de", root / "third-fr"]
        if args.baseline_python.exists():
            mine = _timed(Path(sys.executable), timed)
            base = _timed(args.baseline_python, timed)
            print(
                f"ingest time of the ntrex and third-language folders ({len(timed)} folders, "
                f"fresh processes): {mine:.2f} s here, {base:.2f} s with {args.baseline_python}"
                f" ({mine / base - 1:+.0%})"
            )


if __name__ == "__main__":
    main()
