"""Tokenised sentence pairs on disk: the ``src tokens ||| tgt tokens`` format of fast_align and
awesome-align, and lexical priors saved as ``.npz`` (no pickles)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from alinea.align.words.translation import LexicalCounts
from alinea.errors import InputFormatError, OutputError
from alinea.readers import read_text

SEPARATOR = "|||"
MAX_BITEXT_BYTES = 2**30


def parse_bitext(text: str, source: Path | str) -> list[tuple[list[str], list[str]]]:
    """One ``(src tokens, tgt tokens)`` per line; a blank line is a pair of empty sides.

    Raises:
        InputFormatError: a line without exactly one ``|||``.
    """
    pairs: list[tuple[list[str], list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            pairs.append(([], []))
            continue
        parts = line.split(SEPARATOR)
        if len(parts) != 2:
            raise InputFormatError(
                source,
                f"line {number}: expected 'source tokens ||| target tokens', "
                f"found {len(parts) - 1} '|||'",
                "one sentence pair per line, tokens separated by spaces",
            )
        pairs.append((parts[0].split(), parts[1].split()))
    return pairs


def read_bitext(path: Path) -> list[tuple[list[str], list[str]]]:
    """Pairs of a ``|||`` file (UTF-8, checked like every input)."""
    text, _ = read_text(path, MAX_BITEXT_BYTES)
    return parse_bitext(text, path)


def save_prior(
    path: Path, langs: tuple[str, str], prior: tuple[LexicalCounts, LexicalCounts]
) -> None:
    """Write both directions' counts to ``path`` atomically (a temporary file, then rename)."""
    arrays: dict[str, np.ndarray] = {"langs": np.array(langs)}
    for name, counts in zip(("forward", "reverse"), prior, strict=True):
        arrays[f"{name}_src_words"] = np.array(counts.src_words)
        arrays[f"{name}_tgt_words"] = np.array(counts.tgt_words)
        arrays[f"{name}_src_index"] = counts.src_index.astype(np.int32)
        arrays[f"{name}_tgt_index"] = counts.tgt_index.astype(np.int32)
        arrays[f"{name}_counts"] = counts.counts.astype(np.float32)
        arrays[f"{name}_jumps"] = counts.jumps.astype(np.float32)
    directory = path.resolve().parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(dir=directory, suffix=".npz.partial")
        with os.fdopen(handle, "wb") as out:
            np.savez_compressed(out, **arrays)  # type: ignore[arg-type]
        os.chmod(staging, 0o644)  # mkstemp makes it private
        os.replace(staging, path)
    except OSError as err:
        raise OutputError(f"cannot write the prior {path}: {err.strerror or err}") from None


def load_prior(
    path: Path | str, src_lang: str, tgt_lang: str
) -> tuple[LexicalCounts, LexicalCounts]:
    """Both directions' counts, oriented ``src_lang`` -> ``tgt_lang``.

    Raises:
        InputFormatError: not a prior file, or one for another language pair.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            langs = tuple(str(x) for x in data["langs"])
            directions = [_counts(data, name) for name in ("forward", "reverse")]
    except (OSError, KeyError, ValueError) as err:
        raise InputFormatError(path, f"not an alinea word prior ({err})", "") from None
    if langs == (src_lang, tgt_lang):
        return directions[0], directions[1]
    if langs == (tgt_lang, src_lang):
        return directions[1], directions[0]
    raise InputFormatError(
        path,
        f"prior is for {'-'.join(langs)}, not {src_lang}-{tgt_lang}",
        "build one with `alinea wordprior` for this language pair",
    )


def _counts(data: np.lib.npyio.NpzFile, name: str) -> LexicalCounts:
    return LexicalCounts(
        src_words=[str(w) for w in data[f"{name}_src_words"]],
        tgt_words=[str(w) for w in data[f"{name}_tgt_words"]],
        src_index=data[f"{name}_src_index"].astype(np.int64),
        tgt_index=data[f"{name}_tgt_index"].astype(np.int64),
        counts=data[f"{name}_counts"].astype(np.float64),
        jumps=data[f"{name}_jumps"].astype(np.float64),
    )
