"""A simulated comparable PT–ES sentence-mining benchmark: task builders and link metrics.

Parallel, document-structured test sets are turned into *comparable* material: only part of the
translations survive, each side gets unmatched sentences, and the order is perturbed locally. A
system receives two lists of lines (``src`` = Portuguese, ``tgt`` = Spanish) and must return the
1-1 translation pairs among them (``gold``: pairs of line indexes).

Data (``../shared/eval``, see each PROVENANCE.md; nothing here is shipped with the package):

* NTREX-128: ``newstest2019-ref.por.txt`` (pt-PT) / ``newstest2019-ref.spa.txt``, documents from
  ``DOCUMENT_IDS.tsv`` (123 documents, 1,997 lines).
* FLORES-200 devtest: ``por_Latn`` / ``spa_Latn``, documents = ``URL`` column of
  ``metadata_devtest.tsv`` (281 documents, 1,012 lines).
* Tatoeba test v2021-08-07 ``por`` / ``spa`` (10,947 pairs, no documents): padding only.
* TICO-19 test ``pt_BR`` / ``es_LA``, documents = prefix of ``stringID`` (column 1 of
  ``tico19-test.en-pt_BR.info``) before ``:`` (19 documents, 2,100 lines). CC0: the only data
  alinea may calibrate its defaults on.

Cleaning: a pair is dropped when one side is empty once normalised (casefolded word characters)
or when a normalised text belongs to more than one pair of its corpus (either language), so a
line never has a copy elsewhere that would make an ungolded pair. This removes 9 NTREX pairs (e.g.
``É muito mau.`` twice, ``Intimidaram-me!`` / ``"Intimidaram-me nos bastidores.`` sharing
``Se metieron conmigo``, a PT line whose ES side is ``,``) and 5 TICO pairs (``{NS}`` placeholders,
``tive febre ontem`` twice): 3,000 news pairs (NTREX 1,988 + FLORES 1,012; 404 documents) and
2,095 TICO pairs (19 documents) remain.

Construction (all randomness from ``random.Random(f"{seed}:<task>")``, so a seed gives identical
tasks on every run and platform):

* **Per document** (``per_document_tasks``; TICO-19 in ``calibration_tasks``): for a document of
  ``n`` pairs, ``max(1, round(0.6 n))`` pairs chosen at random keep both sides (the gold); each
  other pair loses one side, PT or ES with probability 1/2. Each side then gets
  ``max(1, round(0.25 n))`` distractors drawn from *other* documents of the same corpus, PT
  distractors and ES distractors from different pairs (never both halves of one pair), inserted at
  random positions. Each side is then shuffled locally and independently: line ``i`` gets the key
  ``i + U(0, 5)`` and the side is sorted by key, so a line moves fewer than 5 positions.
* **Pooled** (``pooled_task``; TICO-19 in ``calibration_tasks``): all NTREX and FLORES pairs in one
  pool. Exactly ``round(0.25 N)`` pairs chosen at random keep both sides; each other pair keeps
  only its PT or only its ES side (probability 1/2), so about 40% of the lines of a side have a
  partner and the other documents are the distractors. Documents stay contiguous but their order
  is drawn independently per side (no document alignment to exploit); then the local shuffle.
* **Padded** (``padded_task``): the pooled task (same seed, same lines in the same relative order)
  with Tatoeba lines inserted at random positions. Tatoeba pairs sharing a normalised text (either
  language: multi-reference lines) form one group; groups touching a news text are dropped. The
  file is sorted by the PT sentence: the groups of its first half (by pair count) give their
  distinct PT texts to the PT side only, the groups of the second half their distinct ES texts to
  the ES side only, so no Tatoeba line has its translation on the other side, and paraphrase
  variants (which mostly share their first PT words) rarely straddle the split. Ungolded
  near-translations across the sides remain possible (``Agora eu me sinto mal.`` / ``Me siento
  mal.``): a documented noise floor of this task. ``tatoeba_split="random"`` sends each group to
  a random side instead (noisier: at the calibrated threshold the e5 baseline then finds 525
  instead of 385 Tatoeba–Tatoeba pairs).

Resulting counts for seed 0 (``python scripts/eval_comparable.py --counts-only`` prints them):

=====================  =====  ========  ========  =====  ===============
task set               tasks  pt lines  es lines  gold   partner pt / es
=====================  =====  ========  ========  =====  ===============
per-document           404    3,183     3,159     1,776  55.8% / 56.2%
pooled                 1      1,874     1,876       750  40.0% / 40.0%
padded                 1      7,310     7,262       750  10.3% / 10.3%
tico19-per-document    19     2,202     2,192     1,257  57.1% / 57.3%
tico19-pooled          1      1,287     1,332       524  40.7% / 39.3%
=====================  =====  ========  ========  =====  ===============

Metrics: predictions are beads ``(src indexes, tgt indexes)``; every bead expands to the links
``(i, j)`` for ``i`` in src and ``j`` in tgt (a set: a repeated link counts once). Precision =
correct links / predicted links (0 when nothing is predicted), recall = gold pairs found / gold
pairs, F1 their harmonic mean. A task set of several tasks is scored by the micro-average (the
counts are summed over its tasks before dividing).
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"

KEEP_RATE_DOCUMENT = 0.6
KEEP_RATE_POOLED = 0.25
DISTRACTOR_RATE = 0.25
SHUFFLE_WINDOW = 5.0

Side = Literal["both", "pt", "es"]
TatoebaSplit = Literal["sorted", "random"]
Bead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass
class Task:
    """Lines of one side each and the gold 1-1 pairs ``(src index, tgt index)``."""

    name: str
    src: list[str]
    tgt: list[str]
    gold: set[tuple[int, int]]


@dataclass(frozen=True)
class ParallelDoc:
    """One document of a line-aligned parallel set: ``pt[i]`` translates to ``es[i]``."""

    corpus: str
    doc_id: str
    pt: tuple[str, ...]
    es: tuple[str, ...]


# A line waiting to be placed: its text and the id of the pair it comes from (or None).
_Item = tuple[str, int | None]


# --------------------------------------------------------------------------- loading


def _data_dir(data_dir: Path | None) -> Path:
    if data_dir is not None:
        return data_dir
    return Path(os.environ.get("ALINEA_EVAL_DIR", DEFAULT_DATA_DIR))


def _read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file split on ``\\n`` only (``splitlines`` would also split on U+2028)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def normalise(text: str) -> str:
    """Casefolded word characters joined by single spaces (the key for duplicate detection)."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _group(
    corpus: str, doc_ids: Sequence[str], pt: Sequence[str], es: Sequence[str]
) -> list[ParallelDoc]:
    """Documents from contiguous runs of equal ids; a non-contiguous id is a data error."""
    if not len(doc_ids) == len(pt) == len(es):
        raise ValueError(
            f"{corpus}: expected line-aligned files, found {len(doc_ids)} ids, "
            f"{len(pt)} PT and {len(es)} ES lines"
        )
    docs: list[ParallelDoc] = []
    seen: set[str] = set()
    start = 0
    for i in range(1, len(doc_ids) + 1):
        if i == len(doc_ids) or doc_ids[i] != doc_ids[start]:
            doc_id = doc_ids[start]
            if doc_id in seen:
                raise ValueError(f"{corpus}: document {doc_id!r} is not one contiguous run")
            seen.add(doc_id)
            docs.append(ParallelDoc(corpus, doc_id, tuple(pt[start:i]), tuple(es[start:i])))
            start = i
    return docs


def _clean(docs: Sequence[ParallelDoc]) -> list[ParallelDoc]:
    """Drop pairs with an empty side or a text shared with another pair (see module docstring)."""
    owners: dict[str, set[tuple[int, int]]] = {}
    for d, doc in enumerate(docs):
        for i, (p, e) in enumerate(zip(doc.pt, doc.es, strict=True)):
            for key in (normalise(p), normalise(e)):
                owners.setdefault(key, set()).add((d, i))
    cleaned: list[ParallelDoc] = []
    for doc in docs:
        keep = [
            i
            for i, (p, e) in enumerate(zip(doc.pt, doc.es, strict=True))
            if normalise(p)
            and normalise(e)
            and len(owners[normalise(p)]) == 1
            and len(owners[normalise(e)]) == 1
        ]
        if keep:
            pt = tuple(doc.pt[i] for i in keep)
            es = tuple(doc.es[i] for i in keep)
            cleaned.append(ParallelDoc(doc.corpus, doc.doc_id, pt, es))
    return cleaned


@lru_cache(maxsize=4)
def load_ntrex(data_dir: Path | None = None) -> tuple[ParallelDoc, ...]:
    """NTREX-128 pt-PT / es documents (uncleaned)."""
    base = _data_dir(data_dir) / "ntrex128-por-spa"
    ids = [line.strip() for line in _read_lines(base / "DOCUMENT_IDS.tsv")]
    pt = _read_lines(base / "newstest2019-ref.por.txt")
    es = _read_lines(base / "newstest2019-ref.spa.txt")
    return tuple(_group("ntrex128", ids, pt, es))


@lru_cache(maxsize=4)
def load_flores(data_dir: Path | None = None) -> tuple[ParallelDoc, ...]:
    """FLORES-200 devtest por_Latn / spa_Latn documents keyed by source URL (uncleaned)."""
    base = _data_dir(data_dir) / "flores200-devtest-por-spa"
    rows = _read_lines(base / "metadata_devtest.tsv")
    header = rows[0].split("\t")
    url = header.index("URL")
    ids = [row.split("\t")[url] for row in rows[1:]]
    pt = _read_lines(base / "por_Latn.devtest")
    es = _read_lines(base / "spa_Latn.devtest")
    return tuple(_group("flores200", ids, pt, es))


@lru_cache(maxsize=4)
def load_tico(data_dir: Path | None = None) -> tuple[ParallelDoc, ...]:
    """TICO-19 test pt_BR / es_LA documents (``stringID`` prefix before ``:``; uncleaned).

    The ids come from the pt_BR ``.info`` file (the es_LA copy has one row with a missing tab;
    its first column is the same).
    """
    base = _data_dir(data_dir) / "tico19-test-pt-es"
    info = _read_lines(base / "tico19-test.en-pt_BR.info")
    ids = [row.split("\t")[0].rsplit(":", 1)[0] for row in info]
    pt = _read_lines(base / "tico19-test.pt_BR")
    es = _read_lines(base / "tico19-test.es_LA")
    return tuple(_group("tico19", ids, pt, es))


@lru_cache(maxsize=4)
def load_tatoeba(data_dir: Path | None = None) -> tuple[tuple[str, str], ...]:
    """Tatoeba test v2021-08-07 ``(por, spa)`` pairs."""
    base = _data_dir(data_dir) / "tatoeba-test-por-spa"
    pt = _read_lines(base / "tatoeba-test-v2021-08-07.por")
    es = _read_lines(base / "tatoeba-test-v2021-08-07.spa")
    if len(pt) != len(es):
        raise ValueError(f"tatoeba: {len(pt)} PT lines but {len(es)} ES lines")
    return tuple(zip(pt, es, strict=True))


def news_documents(data_dir: Path | None = None) -> list[ParallelDoc]:
    """Cleaned NTREX-128 then FLORES-200 documents (the test material)."""
    return _clean(list(load_ntrex(data_dir)) + list(load_flores(data_dir)))


def tico_documents(data_dir: Path | None = None) -> list[ParallelDoc]:
    """Cleaned TICO-19 documents (the calibration material)."""
    return _clean(list(load_tico(data_dir)))


# --------------------------------------------------------------------------- construction


def _fates(n: int, keep: int, rng: random.Random) -> list[Side]:
    """``keep`` of ``n`` pairs keep both sides; every other pair keeps PT or ES at random."""
    kept = set(rng.sample(range(n), keep))
    fates: list[Side] = []
    for i in range(n):
        if i in kept:
            fates.append("both")
        else:
            fates.append("pt" if rng.random() < 0.5 else "es")
    return fates


def local_shuffle(
    items: Sequence[_Item], rng: random.Random, window: float = SHUFFLE_WINDOW
) -> list[_Item]:
    """Sort by ``index + U(0, window)``: every item moves fewer than ``window`` positions."""
    keys = [i + rng.uniform(0.0, window) for i in range(len(items))]
    order = sorted(range(len(items)), key=lambda i: (keys[i], i))
    return [items[i] for i in order]


def _insert_randomly(base: list[_Item], extra: Sequence[_Item], rng: random.Random) -> list[_Item]:
    """``base`` in its order with ``extra`` (in its order) placed at random positions."""
    total = len(base) + len(extra)
    slots = set(rng.sample(range(total), len(extra)))
    base_iter, extra_iter = iter(base), iter(extra)
    return [next(extra_iter) if k in slots else next(base_iter) for k in range(total)]


def _task(name: str, src: Sequence[_Item], tgt: Sequence[_Item]) -> Task:
    """A task from placed items; gold = positions of the same pair id on both sides."""
    src_pos = {pair: i for i, (_, pair) in enumerate(src) if pair is not None}
    gold = {
        (src_pos[pair], j)
        for j, (_, pair) in enumerate(tgt)
        if pair is not None and pair in src_pos
    }
    return Task(name, [text for text, _ in src], [text for text, _ in tgt], gold)


def _document_tasks(docs: Sequence[ParallelDoc], seed: int, label: str) -> list[Task]:
    """The per-document construction (module docstring) over ``docs``; ids are global indexes."""
    rng = random.Random(f"{seed}:{label}:per-document")
    offsets: list[int] = []
    total = 0
    for doc in docs:
        offsets.append(total)
        total += len(doc.pt)
    tasks: list[Task] = []
    for d, doc in enumerate(docs):
        n = len(doc.pt)
        fates = _fates(n, max(1, round(KEEP_RATE_DOCUMENT * n)), rng)
        src: list[_Item] = []
        tgt: list[_Item] = []
        for i, fate in enumerate(fates):
            pair = offsets[d] + i
            if fate in ("both", "pt"):
                src.append((doc.pt[i], pair))
            if fate in ("both", "es"):
                tgt.append((doc.es[i], pair))
        n_distractors = max(1, round(DISTRACTOR_RATE * n))
        others = [
            (o, i)
            for o, other in enumerate(docs)
            if o != d and other.corpus == doc.corpus
            for i in range(len(other.pt))
        ]
        drawn = rng.sample(others, min(len(others), 2 * n_distractors))
        src_extra: list[_Item] = [(docs[o].pt[i], None) for o, i in drawn[:n_distractors]]
        tgt_extra: list[_Item] = [(docs[o].es[i], None) for o, i in drawn[n_distractors:]]
        src = local_shuffle(_insert_randomly(src, src_extra, rng), rng)
        tgt = local_shuffle(_insert_randomly(tgt, tgt_extra, rng), rng)
        tasks.append(_task(f"{doc.corpus}/{doc.doc_id}", src, tgt))
    return tasks


def _pooled_items(
    docs: Sequence[ParallelDoc], seed: int, label: str, keep_rate: float = KEEP_RATE_POOLED
) -> tuple[list[_Item], list[_Item]]:
    """The pooled construction (module docstring): placed PT items and placed ES items."""
    rng = random.Random(f"{seed}:{label}:pooled")
    sizes = [len(doc.pt) for doc in docs]
    total = sum(sizes)
    fates = _fates(total, round(keep_rate * total), rng)
    src_docs: list[list[_Item]] = []
    tgt_docs: list[list[_Item]] = []
    pair = 0
    for doc in docs:
        src_doc: list[_Item] = []
        tgt_doc: list[_Item] = []
        for i in range(len(doc.pt)):
            if fates[pair] in ("both", "pt"):
                src_doc.append((doc.pt[i], pair))
            if fates[pair] in ("both", "es"):
                tgt_doc.append((doc.es[i], pair))
            pair += 1
        src_docs.append(src_doc)
        tgt_docs.append(tgt_doc)
    rng.shuffle(src_docs)
    rng.shuffle(tgt_docs)
    src = local_shuffle([item for doc in src_docs for item in doc], rng)
    tgt = local_shuffle([item for doc in tgt_docs for item in doc], rng)
    return src, tgt


def _tatoeba_sides(
    pairs: Sequence[tuple[str, str]],
    banned: set[str],
    rng: random.Random,
    split: TatoebaSplit = "sorted",
) -> tuple[list[str], list[str]]:
    """Tatoeba texts for the PT side only and for the ES side only (see module docstring)."""
    parent = list(range(len(pairs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, int] = {}
    for k, (p, e) in enumerate(pairs):
        for key in (normalise(p), normalise(e)):
            if key in first:
                parent[find(k)] = find(first[key])
            else:
                first[key] = k
    by_root: dict[int, list[int]] = {}
    for k in range(len(pairs)):
        by_root.setdefault(find(k), []).append(k)
    groups = []
    for members in sorted(by_root.values(), key=min):  # file order = sorted by the PT sentence
        keys = {normalise(t) for k in members for t in pairs[k]}
        if "" not in keys and not keys & banned:
            groups.append(members)
    half = sum(len(members) for members in groups) / 2
    pt_side: list[str] = []
    es_side: list[str] = []
    seen: set[str] = set()
    placed = 0
    for members in groups:
        by_order = 0 if placed < half else 1
        side = by_order if split == "sorted" else (0 if rng.random() < 0.5 else 1)
        placed += len(members)
        for k in members:
            text = pairs[k][side]
            if normalise(text) not in seen:
                seen.add(normalise(text))
                (pt_side if side == 0 else es_side).append(text)
    rng.shuffle(pt_side)
    rng.shuffle(es_side)
    return pt_side, es_side


def per_document_tasks(seed: int = 0, data_dir: Path | None = None) -> list[Task]:
    """One task per NTREX-128 and FLORES-200 document pair."""
    return _document_tasks(news_documents(data_dir), seed, "news")


def pooled_task(seed: int = 0, data_dir: Path | None = None) -> Task:
    """All NTREX-128 and FLORES-200 documents in one pool per side (~40% of lines partnered)."""
    src, tgt = _pooled_items(news_documents(data_dir), seed, "news")
    return _task("pooled", src, tgt)


def padded_task(
    seed: int = 0, data_dir: Path | None = None, tatoeba_split: TatoebaSplit = "sorted"
) -> Task:
    """The pooled task with one-sided Tatoeba lines inserted at random positions.

    ``tatoeba_split="random"`` sends each Tatoeba group to a random side instead of splitting the
    PT-sorted file in two halves (a noisier variant: more ungolded paraphrase translations).
    """
    docs = news_documents(data_dir)
    src, tgt = _pooled_items(docs, seed, "news")
    banned = {normalise(t) for doc in docs for t in doc.pt + doc.es}
    rng = random.Random(f"{seed}:news:padded")
    pt_extra, es_extra = _tatoeba_sides(load_tatoeba(data_dir), banned, rng, tatoeba_split)
    src = _insert_randomly(src, [(t, None) for t in pt_extra], rng)
    tgt = _insert_randomly(tgt, [(t, None) for t in es_extra], rng)
    return _task("padded" if tatoeba_split == "sorted" else "padded-random", src, tgt)


def calibration_tasks(seed: int = 0, data_dir: Path | None = None) -> list[Task]:
    """TICO-19 (CC0): one task per document, then one pooled task named ``tico19-pooled``."""
    docs = tico_documents(data_dir)
    tasks = _document_tasks(docs, seed, "tico19")
    src, tgt = _pooled_items(docs, seed, "tico19")
    tasks.append(_task("tico19-pooled", src, tgt))
    return tasks


def sparse_calibration_task(seed: int = 0, data_dir: Path | None = None) -> Task:
    """TICO-19 pooled with ~10% of the lines partnered (5.3% of the pairs keep both sides), the
    partner rate of the padded test task, for fitting alinea's calibration (TICO-19 only)."""
    src, tgt = _pooled_items(tico_documents(data_dir), seed, "tico19-sparse", keep_rate=0.053)
    return _task("tico19-sparse", src, tgt)


@dataclass(frozen=True)
class TaskStats:
    """Sizes of a task set: tasks, lines per side, gold pairs."""

    tasks: int
    src_lines: int
    tgt_lines: int
    gold: int

    @property
    def src_partner_rate(self) -> float:
        return self.gold / self.src_lines if self.src_lines else 0.0

    @property
    def tgt_partner_rate(self) -> float:
        return self.gold / self.tgt_lines if self.tgt_lines else 0.0


def describe(tasks: Sequence[Task]) -> TaskStats:
    """Summed sizes of ``tasks``."""
    return TaskStats(
        tasks=len(tasks),
        src_lines=sum(len(t.src) for t in tasks),
        tgt_lines=sum(len(t.tgt) for t in tasks),
        gold=sum(len(t.gold) for t in tasks),
    )


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Counts:
    """Link counts; add them to micro-average over tasks."""

    correct: int = 0
    predicted: int = 0
    gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.correct + other.correct,
            self.predicted + other.predicted,
            self.gold + other.gold,
        )

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def links(predicted: Iterable[Bead]) -> set[tuple[int, int]]:
    """Every bead ``(src, tgt)`` expanded to the links ``(i, j)``, i in src, j in tgt."""
    return {(i, j) for src, tgt in predicted for i in src for j in tgt}


def count(predicted: Iterable[Bead], gold: set[tuple[int, int]]) -> Counts:
    """Correct, predicted and gold link counts of one task."""
    found = links(predicted)
    return Counts(len(found & gold), len(found), len(gold))


def prf(predicted: Iterable[Bead], gold: set[tuple[int, int]]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the links of ``predicted`` against ``gold``."""
    c = count(predicted, gold)
    return c.precision, c.recall, c.f1


def micro_prf(
    results: Iterable[tuple[Iterable[Bead], set[tuple[int, int]]]],
) -> tuple[float, float, float]:
    """Micro-averaged precision, recall and F1 over ``(predicted, gold)`` of several tasks."""
    total = Counts()
    for predicted, gold in results:
        total = total + count(predicted, gold)
    return total.precision, total.recall, total.f1
