"""Fit the glossary's calibrated pair confidence and write glossary/calibration.json.

**Data (no evaluation).** Glossaries built on FLORES-200 devtest (281 documents) and NTREX-128
(123 documents), PT-ES, each three times: whole documents, and simulated comparable versions
that keep 60% and 30% of each side's lines per document (independently, seed 0). They run
through the build's stages as ``alinea build --encoder none`` does (comparable mode, lexical
mining, the default word model and prior). The seeds, TICO-19 and the MUSE *test* dictionaries (what
``scripts/eval_glossary_seeds.py`` and ``scripts/eval_glossary_tico.py`` score) are never used
as data: every MUSE pair whose PT or ES word occurs in a test dictionary is removed first.

**Labels.** A candidate pair is labelled from the dictionary ``D`` = MUSE train
(``pt-es.0-5000.txt`` plus ``es-pt.0-5000.txt`` reversed), test words removed. Content words
(the glossary's stop words left out) match when ``D`` pairs them, when they are equal (names,
numbers, acronyms, words spelled alike) or when both are numbers. A pair is **right** when, for
some PT form and some ES form (preferred or variant), its content words match one to one;
**wrong** when not, and every content word of both preferred forms is in ``D`` or a number;
else **unlabelled** and left out.

**Fit.** One logistic model (``scripts/calibration_fit.py``, as the sentence calibration) over
:data:`alinea.glossary.calibration.FEATURES` of every labelled pair that competitive linking
considers. **Threshold.** The glossaries are then paired with the fitted model; the default
threshold is the lowest (step 0.01) at which the labelled entries of *each* of the six
glossaries are >= 90% right (the sparsest decides: the labelled entries are mostly easy ones,
and all six pooled are above 90% at any threshold). The table threshold -> precision is
printed (README).

Usage: .venv/bin/python scripts/fit_glossary_calibration.py [--cache DIR] [--dry-run]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibration_fit import fit_logistic, write_calibration

from alinea import ingest
from alinea.align import calibration as sentence_calibration
from alinea.align import segment
from alinea.align.segment import SegmentConfig
from alinea.align.sentences import AlignConfig, align_sentences
from alinea.align.words import WordAlignConfig
from alinea.align.words.aligner import COMPARABLE_TRANSLATION
from alinea.align.words.stage import align_words
from alinea.glossary import calibration
from alinea.glossary.association import gather
from alinea.glossary.candidates import Candidate
from alinea.glossary.pairing import GlossaryConfig, candidate_pairs, pair_terms
from alinea.glossary.stage import glossary_inputs
from alinea.glossary.stopwords import stopwords
from alinea.ingest import IngestConfig
from alinea.text import fold, tokenize

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
MUSE = EVAL / "muse-dictionaries-pt-es"
OUT = REPO / "glossary" / "calibration.json"
LANGS = ("pt", "es")
KEEPS = (0.6, 0.3)  # shares of each side's lines the simulated comparable documents keep
TARGET_PRECISION = 0.9
FRAMES = ("sentences", "sentence_pairs", "word_alignments")
Pair = tuple[str, str]


# ---------------------------------------------------------------- data


def flores() -> dict[str, dict[str, list[str]]]:
    """FLORES-200 devtest: the lines of each document (URL) per language."""
    folder = EVAL / "flores200-devtest-por-spa"
    meta = (folder / "metadata_devtest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    urls = [row.split("\t", 1)[0] for row in meta]
    number = {url: k for k, url in enumerate(dict.fromkeys(urls))}
    ids = [f"flores{number[url]:03d}" for url in urls]
    files = {"pt": "por_Latn.devtest", "es": "spa_Latn.devtest"}
    return _by_doc(ids, {k: (folder / v).read_text("utf-8").splitlines() for k, v in files.items()})


def ntrex() -> dict[str, dict[str, list[str]]]:
    """NTREX-128: the lines of each document per language (European PT, Spanish)."""
    folder = EVAL / "ntrex128-por-spa"
    ids = (folder / "DOCUMENT_IDS.tsv").read_text(encoding="utf-8").splitlines()
    files = {"pt": "newstest2019-ref.por.txt", "es": "newstest2019-ref.spa.txt"}
    return _by_doc(ids, {k: (folder / v).read_text("utf-8").splitlines() for k, v in files.items()})


def _by_doc(ids: Sequence[str], lines: dict[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {lang: defaultdict(list) for lang in LANGS}
    for lang in LANGS:
        for doc, line in zip(ids, lines[lang], strict=True):
            out[lang][doc.replace(".", "_")].append(line)
    return out


def comparable(
    docs: dict[str, dict[str, list[str]]], keep: float, seed: int
) -> dict[str, dict[str, list[str]]]:
    """Each side of each document keeps ``keep`` of its lines (at least one), independently."""
    rng = random.Random(seed)
    out: dict[str, dict[str, list[str]]] = {}
    for lang in LANGS:
        out[lang] = {}
        for doc, lines in docs[lang].items():
            chosen = sorted(rng.sample(range(len(lines)), max(1, round(keep * len(lines)))))
            out[lang][doc] = [lines[i] for i in chosen]
    return out


def frames(docs: dict[str, dict[str, list[str]]], name: str, cache: Path | None,
           tmp: Path) -> dict[str, pl.DataFrame]:  # fmt: skip
    """The sentence, pair and word frames of ``docs`` (``alinea build --encoder none``)."""
    if cache is not None and all((cache / f"{name}.{f}.parquet").exists() for f in FRAMES):
        return {f: pl.read_parquet(cache / f"{name}.{f}.parquet") for f in FRAMES}
    folder = tmp / name
    folder.mkdir()
    for lang, by_doc in docs.items():
        for doc, lines in by_doc.items():
            (folder / f"{lang}_{doc}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = ingest.ingest([folder], IngestConfig(langs=LANGS))
    sentences = segment.segment_documents(found.documents, SegmentConfig(), found.langs)
    pairs = align_sentences(found.documents, sentences, found.langs, AlignConfig(encoder=None))
    links = align_words(pairs, found.langs, WordAlignConfig(translation=COMPARABLE_TRANSLATION))
    out = {"sentences": sentences, "sentence_pairs": pairs, "word_alignments": links}
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for f, frame in out.items():
            frame.write_parquet(cache / f"{name}.{f}.parquet")
    return out


# ---------------------------------------------------------------- labels


def muse_words(names: Iterable[str]) -> set[Pair]:
    """Lowercased (PT, ES) pairs of MUSE files (``es-pt`` ones reversed)."""
    out: set[Pair] = set()
    for name in names:
        for line in (MUSE / name).read_text(encoding="utf-8").splitlines():
            parts = line.lower().split()
            if len(parts) == 2:
                out.add((parts[0], parts[1]) if name.startswith("pt-es") else (parts[1], parts[0]))
    return out


class Labeller:
    """The labelling rules of the module docstring."""

    def __init__(self) -> None:
        test = muse_words(["pt-es.5000-6500.txt", "es-pt.5000-6500.txt"])
        banned = {p for p, _ in test}, {e for _, e in test}
        train = muse_words(["pt-es.0-5000.txt", "es-pt.0-5000.txt"])
        self.pairs = {(p, e) for p, e in train if p not in banned[0] and e not in banned[1]}
        self.known = {p for p, _ in self.pairs}, {e for _, e in self.pairs}
        self.stops = stopwords("pt"), stopwords("es")

    def content(self, form: str, side: int) -> list[str]:
        return [w for w in (t.lower() for t in tokenize(form))
                if fold(w) not in self.stops[side] and any(ch.isalnum() for ch in w)]  # fmt: skip

    def match(self, p: str, e: str) -> bool:
        return (p, e) in self.pairs or p == e or (p.isdigit() and e.isdigit() and p == e)

    def one_to_one(self, ps: list[str], es: list[str]) -> bool:
        if not ps or len(ps) != len(es):
            return False
        free = list(es)
        for p in ps:
            hit = next((e for e in free if self.match(p, e)), None)
            if hit is None:
                return False
            free.remove(hit)
        return True

    def label(self, src: Candidate, tgt: Candidate) -> bool | None:
        """True right, False wrong, None unlabelled."""
        forms = [
            [self.content(f, k) for f in (c.form, *c.variants)] for k, c in enumerate((src, tgt))
        ]
        if any(self.one_to_one(p, e) for p in forms[0] for e in forms[1]):
            return True
        preferred = forms[0][0], forms[1][0]
        if not preferred[0] or not preferred[1]:
            return None
        known = all(w in self.known[k] or w.isdigit() for k in (0, 1) for w in preferred[k])
        return False if known else None


# ---------------------------------------------------------------- fit


def labelled_pairs(data: dict[str, pl.DataFrame], labeller: Labeller,
                   config: GlossaryConfig) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Features and labels of the labelled pairs competitive linking considers."""
    lexicons, _, pairs = glossary_inputs(*(data[f] for f in FRAMES), LANGS, config)
    ev = gather(pairs, lexicons, config.max_phrase_len, config.cognate_floor,
                config.global_cognate, None, config.shards)  # fmt: skip
    keys, columns = candidate_pairs(ev, lexicons, config)
    labels = [labeller.label(lexicons[0].candidates[s], lexicons[1].candidates[t])
              for s, t in keys]  # fmt: skip
    kept = np.array([v is not None for v in labels], dtype=bool)
    x = np.column_stack([columns[name] for name in calibration.FEATURES])[kept]
    y = np.array([bool(v) for v in labels], dtype=bool)[kept]
    print(f"  {len(keys)} pairs considered, {kept.sum()} labelled, {y.sum()} right",
          file=sys.stderr)  # fmt: skip
    return x, y


def entries(data: dict[str, pl.DataFrame], labeller: Labeller,
            config: GlossaryConfig) -> list[tuple[float, bool]]:  # fmt: skip
    """(confidence, right) of the labelled paired-or-candidate entries of one glossary."""
    lexicons, tokens, pairs = glossary_inputs(*(data[f] for f in FRAMES), LANGS, config)
    found, _ = pair_terms(lexicons, tokens, pairs, config)
    out = []
    for e in found:
        if e.src is not None and e.tgt is not None:
            verdict = labeller.label(e.src, e.tgt)
            if verdict is not None:
                out.append((e.confidence, verdict))
    return out


def choose_threshold(groups: Iterable[Sequence[tuple[float, bool]]]) -> float:
    """Lowest threshold (step 0.01) at which each glossary's labelled entries are >=
    TARGET_PRECISION right."""
    groups = list(groups)
    for step in range(1, 100):
        kept = [[right for q, right in group if q >= step / 100] for group in groups]
        if all(not k or sum(k) / len(k) >= TARGET_PRECISION for k in kept):
            return step / 100
    return 0.99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, help="frames cache folder (development only)")
    parser.add_argument("--dry-run", action="store_true", help="print, do not write")
    args = parser.parse_args()
    labeller = Labeller()
    print(f"dictionary: {len(labeller.pairs)} MUSE train pairs without test words",
          file=sys.stderr)  # fmt: skip
    sources = {"flores": flores(), "ntrex": ntrex()}
    corpora: dict[str, dict[str, pl.DataFrame]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, docs in sources.items():
            corpora[name] = frames(docs, name, args.cache, Path(tmp))
            for keep in KEEPS:
                corpora[f"{name}-{keep}"] = frames(
                    comparable(docs, keep, 0), f"{name}-{keep}", args.cache, Path(tmp)
                )
    config = GlossaryConfig()
    xs, ys = [], []
    for name, data in corpora.items():
        print(name, file=sys.stderr)
        x, y = labelled_pairs(data, labeller, config)
        xs.append(x)
        ys.append(y)
    model = fit_logistic(np.vstack(xs), np.concatenate(ys), calibration.FEATURES)
    params: dict[str, object] = {
        "source": "scripts/fit_glossary_calibration.py on FLORES-200 devtest and NTREX-128 "
        "(whole documents, and each side's lines kept at "
        + " and ".join(f"{keep:.0%}" for keep in KEEPS)
        + "), MUSE train labels without test words",
        "version": "",
        "threshold": 0.5,
        "model": model,
    }
    fitted = calibration.from_json(params)
    scored = {name: entries(data, labeller, GlossaryConfig(models=fitted))
              for name, data in corpora.items()}  # fmt: skip
    pooled = [x for group in scored.values() for x in group]
    params["threshold"] = choose_threshold(scored.values())
    print("threshold -> labelled entries right (kept), per glossary and pooled:", file=sys.stderr)
    for step in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, params["threshold"]):
        cells = []
        for name, group in [*scored.items(), ("pooled", pooled)]:
            kept = [right for q, right in group if q >= float(step)]  # type: ignore[arg-type]
            share = f"{sum(kept) / len(kept):.3f}" if kept else "-"
            cells.append(f"{name} {share} ({len(kept)}/{len(group)})")
        print(f"  {step}: " + "; ".join(cells), file=sys.stderr)
    params["version"] = f"flores-ntrex-{sentence_calibration.parameters_digest(params)}"
    write_calibration(params, OUT, args.dry_run)


if __name__ == "__main__":
    main()
