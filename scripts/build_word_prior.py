"""Rebuild the shipped PT–ES lexical prior, ``align/words/prior.pt-es.npz``, from TICO-19 (CC0).

TICO-19 is the only parallel text in ``../shared/eval`` whose licence allows shipping what is
learned from it (NTREX/FLORES are the sentence-mining benchmark; XL-WA, Tatoeba and MUSE are
non-commercial). The pt_BR and es_LA translations of its 2,100 test lines are tokenised with
alinea's tokenizer and fed to ``alinea.align.words.priors.learn_prior``; expected counts of at least
``--min-count`` are kept.

    .venv/bin/python scripts/build_word_prior.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from alinea.align.words.bitext import save_prior
from alinea.align.words.priors import learn_prior
from alinea.text import tokenize

TICO = Path(__file__).resolve().parents[2] / "shared" / "eval" / "tico19-test-pt-es"
OUT = Path(__file__).resolve().parents[1] / "align" / "words" / "prior.pt-es.npz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    pt = (TICO / "tico19-test.pt_BR").read_text(encoding="utf-8").splitlines()
    es = (TICO / "tico19-test.es_LA").read_text(encoding="utf-8").splitlines()
    pairs = [(tokenize(a), tokenize(b)) for a, b in zip(pt, es, strict=True)]
    start = time.perf_counter()
    prior = learn_prior(pairs, ("pt", "es"), args.min_count)
    save_prior(args.out, ("pt", "es"), prior)
    entries = ", ".join(str(len(c.counts)) for c in prior)
    print(
        f"{args.out}: {len(pairs)} pairs, {entries} entries per direction, "
        f"{args.out.stat().st_size / 1024:.0f} KiB, {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
