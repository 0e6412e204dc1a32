"""Word-alignment evaluation data, training text, symmetrisation and metrics (eval_words.py).

Test sets (``../shared/eval``, read each PROVENANCE.md; nothing here is shipped):

- ``xlwa-en-pt``, ``xlwa-en-es``: XL-WA gold, 245 test pairs each (105 dev pairs with
  ``split="dev"``), all links one class (treated as sure);
- ``xlwa-pt-es``: the 350 PT–ES pairs whose links are composed through English (*silver*). The
  test split is all 350 rows (as the issue's reference figures; it overlaps the EN–x dev
  sentences); the dev split is the 181 rows with at least one side in an XL-WA dev file;
- ``inesc-en-pt``, ``inesc-en-es``: INESC-ID Golden Collection, 100 Europarl pairs, lowercase,
  sure links only (no dev split: ``split`` is ignored);
- ``inesc-pt-es``: its 100-pair composed PT–ES pivot (*silver*, sparse).

Extra training text (``extra_corpus``): every other parallel pair of that language pair in
``../shared/eval``, the test set's own pairs removed, exact duplicate pairs dropped:

- EN–PT: NTREX-128 eng×por and eng×por-BR (2 × 1,997), FLORES-200 devtest (1,012), TICO-19 test
  en×pt_BR (2,100), the XL-WA EN–PT sentences (350) and the INESC EN–PT sentences (100);
- EN–ES: the same with NTREX spa and spa-MX (``ref-2.spa`` left out: it repeats ``ref.spa`` on
  70% of the lines), TICO es_LA;
- PT–ES: NTREX por×spa and por-BR×spa-MX (matching varieties, 2 × 1,997), FLORES (1,012), TICO
  pt_BR×es_LA (2,100), Tatoeba (10,947), the XL-WA pivot (350) and the INESC pivot (100).

So the test pairs plus the extra pairs come to ~7.5k pairs for EN–x and ~18.5k for PT–ES (the
sizes of the issue's reference eflomal run); ``eval_words.py`` prints the exact sizes. Raw text
is tokenised like the gold: punctuation split off words, word-internal hyphens, apostrophes,
slashes and digit separators kept (XL-WA style); for INESC sets everything is lowercased and a
possessive ``'s`` is its own token, as in that gold.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"

Tokens: TypeAlias = list[str]
Pair: TypeAlias = tuple[list[str], list[str]]
Link: TypeAlias = tuple[int, int]
Links: TypeAlias = set[Link]

SET_NAMES = (
    "xlwa-en-pt",
    "xlwa-en-es",
    "xlwa-pt-es",
    "inesc-en-pt",
    "inesc-en-es",
    "inesc-pt-es",
)
SPLITS = ("test", "dev")

_XLWA_TOKEN = re.compile(r"\w+(?:[-'’/.,]\w+)*|[^\w\s]")
_INESC_TOKEN = re.compile(r"['’]s\b|\w+(?:[-/.,]\w+)*|[^\w\s]")


# --------------------------------------------------------------------------- test sets


@dataclass(frozen=True)
class GoldSet:
    """One test set: token pairs and their reference links (all treated as sure)."""

    name: str
    src_lang: str
    tgt_lang: str
    pairs: list[Pair]
    gold: list[Links]
    silver: bool  # links composed through English, not human PT–ES annotation
    lowercase: bool  # INESC: gold text is lowercase, so is its training text

    @property
    def n_links(self) -> int:
        return sum(len(links) for links in self.gold)


def parse_links(field: str) -> Links:
    """``"0-1 2-3"`` -> ``{(0, 1), (2, 3)}``."""
    links: Links = set()
    for item in field.split():
        i, j = item.split("-")
        links.add((int(i), int(j)))
    return links


def format_links(links: Iterable[Link]) -> str:
    return " ".join(f"{i}-{j}" for i, j in sorted(links))


def _read_tsv(path: Path, header: bool) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[1:] if header else rows


def _check(pairs: Sequence[Pair], gold: Sequence[Links], name: str) -> None:
    for (src, tgt), links in zip(pairs, gold, strict=True):
        if any(i >= len(src) or j >= len(tgt) for i, j in links):
            raise ValueError(f"{name}: link out of bounds in {' '.join(src)!r}")


def _gold_set(name: str, rows: list[list[str]], *, silver: bool, lowercase: bool) -> GoldSet:
    """Columns 0, 1, 2 of every file: source tokens, target tokens, links."""
    pairs = [(row[0].split(), row[1].split()) for row in rows]
    gold = [parse_links(row[2]) for row in rows]
    _check(pairs, gold, name)
    _, src_lang, tgt_lang = name.split("-")
    return GoldSet(name, src_lang, tgt_lang, pairs, gold, silver, lowercase)


def load_set(name: str, split: str = "test", data_dir: Path = DATA_DIR) -> GoldSet:
    """Load one of ``SET_NAMES``; ``split`` selects XL-WA test or dev (INESC has one split)."""
    if name not in SET_NAMES:
        raise ValueError(f"unknown set {name!r}; choose from {', '.join(SET_NAMES)}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    corpus, src, tgt = name.split("-")
    if corpus == "xlwa":
        folder = data_dir / "xl-wa-en-pt-es"
        if src == "en":
            rows = _read_tsv(folder / f"en-{tgt}.{split}.tsv", header=False)
            return _gold_set(name, rows, silver=False, lowercase=False)
        rows = _read_tsv(folder / "pt-es.pivot.tsv", header=True)
        if split == "dev":
            rows = [row for row in rows if "dev" in (row[4], row[5])]
        return _gold_set(name, rows, silver=True, lowercase=False)
    folder = data_dir / "inesc-golden-collection-en-pt-es"
    if src == "en":
        rows = _read_tsv(folder / f"en-{tgt}.sure.tsv", header=True)
        return _gold_set(name, rows, silver=False, lowercase=True)
    rows = _read_tsv(folder / "pt-es.pivot.tsv", header=True)
    return _gold_set(name, rows, silver=True, lowercase=True)


# --------------------------------------------------------------------------- training text


def tokenize(text: str, inesc: bool = False) -> Tokens:
    """Split punctuation off words like the gold files (INESC: lowercase, ``'s`` split off)."""
    if inesc:
        return _INESC_TOKEN.findall(text.lower())
    return _XLWA_TOKEN.findall(text)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _raw_sources(src: str, tgt: str, data_dir: Path) -> list[tuple[str, list[str], list[str]]]:
    """(name, source lines, target lines) of the raw parallel text for one language pair."""
    ntrex = data_dir / "ntrex128-por-spa"
    flores = data_dir / "flores200-devtest-por-spa"
    tico = data_dir / "tico19-test-pt-es"
    ntrex_files = {
        "en": ["newstest2019-src.eng.txt"] * 2,
        "pt": ["newstest2019-ref.por.txt", "newstest2019-ref.por-BR.txt"],
        "es": ["newstest2019-ref.spa.txt", "newstest2019-ref.spa-MX.txt"],
    }
    flores_files = {"en": "eng_Latn.devtest", "pt": "por_Latn.devtest", "es": "spa_Latn.devtest"}
    tico_files = {"en": "tico19-test.en", "pt": "tico19-test.pt_BR", "es": "tico19-test.es_LA"}
    sources = [
        (f"ntrex-{k}", _lines(ntrex / a), _lines(ntrex / b))
        for k, (a, b) in enumerate(zip(ntrex_files[src], ntrex_files[tgt], strict=True))
    ]
    for name, folder, files in (("flores", flores, flores_files), ("tico", tico, tico_files)):
        sources.append((name, _lines(folder / files[src]), _lines(folder / files[tgt])))
    if (src, tgt) == ("pt", "es"):
        tatoeba = data_dir / "tatoeba-test-por-spa" / "tatoeba-test-v2021-08-07"
        por, spa = _lines(tatoeba.with_suffix(".por")), _lines(tatoeba.with_suffix(".spa"))
        sources.append(("tatoeba", por, spa))
    return sources


def _gold_sentences(src: str, tgt: str, data_dir: Path) -> list[Pair]:
    """The already tokenised sentences of every word-alignment set of this language pair."""
    sets = [f"xlwa-{src}-{tgt}", f"inesc-{src}-{tgt}"]
    pairs: list[Pair] = []
    for name in sets:
        splits = ("test",) if name.endswith("pt-es") or name.startswith("inesc") else SPLITS
        for split in splits:
            pairs.extend(load_set(name, split, data_dir).pairs)
    return pairs


def _lower(pair: Pair) -> Pair:
    return [w.lower() for w in pair[0]], [w.lower() for w in pair[1]]


def _key(pair: Pair) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(pair[0]), tuple(pair[1])


def extra_corpus(test: GoldSet, data_dir: Path = DATA_DIR) -> list[Pair]:
    """Extra training pairs for ``test`` (see the module docstring): same for every system."""
    src, tgt = test.src_lang, test.tgt_lang
    pairs: list[Pair] = []
    for _, src_lines, tgt_lines in _raw_sources(src, tgt, data_dir):
        for a, b in zip(src_lines, tgt_lines, strict=True):
            pairs.append((tokenize(a, test.lowercase), tokenize(b, test.lowercase)))
    gold = _gold_sentences(src, tgt, data_dir)
    pairs.extend(_lower(p) if test.lowercase else p for p in gold)
    seen = {_key(p) for p in test.pairs}
    extra: list[Pair] = []
    for pair in pairs:
        key = _key(pair)
        if pair[0] and pair[1] and key not in seen:
            seen.add(key)
            extra.append(pair)
    return extra


def training_corpus(test: GoldSet, use_extra: bool = True) -> list[Pair]:
    """Test pairs first (so their links come first in a joint run), then the extra text."""
    return list(test.pairs) + (extra_corpus(test) if use_extra else [])


# --------------------------------------------------------------------------- symmetrisation

_NEIGHBOURS = ((-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def intersection(forward: Links, reverse: Links) -> Links:
    return forward & reverse


def grow_diag_final_and(forward: Links, reverse: Links) -> Links:
    """Koehn et al.'s grow-diag-final-and: start from the intersection, grow into neighbouring
    (incl. diagonal) union links that cover an unaligned word, then add union links whose both
    words are still unaligned (forward links first, then reverse)."""
    union = forward | reverse
    links = forward & reverse
    src_done = {i for i, _ in links}
    tgt_done = {j for _, j in links}

    def add(link: Link) -> None:
        links.add(link)
        src_done.add(link[0])
        tgt_done.add(link[1])

    grown = True
    while grown:
        grown = False
        for i, j in sorted(links):
            for di, dj in _NEIGHBOURS:
                cand = (i + di, j + dj)
                new = cand in union and cand not in links
                if new and (cand[0] not in src_done or cand[1] not in tgt_done):
                    add(cand)
                    grown = True
    for direction in (forward, reverse):
        for i, j in sorted(direction):
            if i not in src_done and j not in tgt_done:
                add((i, j))
    return links


SYMMETRISATIONS: dict[str, Callable[[Links, Links], Links]] = {
    "grow-diag-final-and": grow_diag_final_and,
    "intersection": intersection,
}


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Scores:
    """Micro-averaged link scores, all gold links sure (S = P = G)."""

    hits: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.predicted + self.gold
        return 2 * self.hits / total if total else 0.0

    @property
    def aer(self) -> float:
        """1 - (|A∩S| + |A∩P|) / (|A| + |S|) with S = P = G, i.e. 1 - F1."""
        total = self.predicted + self.gold
        return 1.0 - 2 * self.hits / total if total else 1.0


def score(predicted: Sequence[Iterable[Link]], gold: Sequence[Links]) -> Scores:
    """Micro-average over sentence pairs (sums of counts, then ratios)."""
    hits = n_pred = n_gold = 0
    for pred, ref in zip(predicted, gold, strict=True):
        pred_set = set(pred)
        hits += len(pred_set & ref)
        n_pred += len(pred_set)
        n_gold += len(ref)
    return Scores(hits, n_pred, n_gold)


def pct(value: float) -> str:
    """0.8274 -> ``"82.7"``."""
    return f"{100 * value:.1f}"
