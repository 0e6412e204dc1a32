"""Publish: write a dataset folder atomically (the only stage that writes).

Layout: ``<out>/<name>/README.md`` (the card), per config ``<config>/train.parquet`` or, past
:data:`MAX_SHARD_ROWS` rows, shards ``<config>/train-00000-of-0000N.parquet`` (the Hugging Face
naming), and ``exports/``. Everything is written to a hidden sibling folder first and swapped
into place (:mod:`alinea.staging`), so a failure, SIGINT or SIGTERM leaves the previous dataset
untouched and no half-written folder behind; the folder is replaced as a whole, so no shard of
an earlier build survives.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from alinea.card import ConfigStats, render_card
from alinea.errors import InputError, InputFormatError, OutputError, UsageError
from alinea.schema import CONFIG_SCHEMAS, Schema, check_frame, features_json, to_arrow_table
from alinea.staging import CARD_MARKER as CARD_MARKER
from alinea.staging import is_alinea_dataset, pause, staging_folder, swap_into_place
from alinea.staging import target_lock as target_lock

logger = logging.getLogger(__name__)
# At most this many rows per parquet file. A row count, not a byte estimate, so the split depends
# on the frame's length alone. The widest rows are whole articles (`documents`, a few KB), the
# most numerous are sentences and pairs (a few hundred bytes): 100k rows make shards of ~20-500 MB
# in Arrow (a few MB to ~150 MB of zstd parquet), within `datasets`' own push_to_hub limit
# (500 MB); writing one shard at a time bounds the extra memory to one shard's Arrow table.
MAX_SHARD_ROWS = 100_000
SINGLE_FILE = "train.parquet"
SHARD_GLOB = "train-*.parquet"
EXPORTS_README = """# Exports

Exchange formats for translators and CAT tools, written by alinea next to the parquet configs.

- `sentence_pairs.<l1>-<l2>.tmx`: TMX 1.4, one `tu` per sentence pair (score and documents as
  props), for any CAT tool's translation memory.
- `glossary.<l1>-<l2>.tbx`: TBX v3, TBX-Basic dialect (`conceptEntry` / `langSec` / `termSec`,
  variants as extra `termSec`, example sentences as contexts).
- `glossary.<l1>-<l2>.tbx2008.tbx`: the same in TBX 2008 (`martif`), for tools that read only it.
- `glossary.<src>-<tgt>.utf8`: OmegaT glossaries (source, target, comment; tab-separated), one
  per direction: copy one into the project's `glossary/` folder.
- `glossary.<l1>-<l2>.csv`: CSV (UTF-8 with BOM, language codes as headers) for spreadsheets and
  CAT tool glossary import.
- `glossary.<l1>-<l2>.xlsx`: the same entries as one Excel sheet (terms under language headers,
  variants, type, status, score, the example sentences as contexts), for spreadsheets and the
  Excel glossary import of CAT tools (memoQ, Phrase, Smartcat; Trados via MultiTerm Convert).
- `report.html`: one self-contained page (no network) to check the dataset by eye: counts,
  score histograms, the sentence pairs with their word links, the glossary to filter and sort,
  with concordance (`alinea report` writes it for any dataset).

File names use the plain language codes. Inside the files a language is named by its locale when
the build was given one (`alinea build --locale pt=pt-PT,es=es-ES`; TBX and TMX `xml:lang`, TMX
`srclang`, the CSV and XLSX headers, the OmegaT comments), else by its code.
"""


def check_out(out: Path) -> None:
    """Refuse an ``--out`` that cannot hold a dataset folder, before any work is done.

    Raises:
        OutputError: ``out`` (or the nearest of its parents that exists) is not a folder, or
            that folder cannot be written.
    """
    existing = out
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        where = "is a file" if existing == out else f"is under the file {existing}"
        raise OutputError(f"--out {out}: expected a folder, but it {where}; choose another --out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"--out {out}: cannot write in {existing} (permission denied); choose another --out"
        )


def check_target(target: Path, force: bool) -> None:
    """Refuse to replace anything but an earlier alinea dataset (unless ``force``).

    Raises:
        OutputError: ``target`` is a file, or a non-empty folder that is not an alinea dataset.
    """
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder; choose another --out or --name")
    if any(target.iterdir()) and not is_alinea_dataset(target) and not force:
        raise OutputError(
            f"{target}: folder exists and is not an alinea dataset; "
            "choose another --out/--name, or pass --force to replace it"
        )


def write_parquet(frame: pl.DataFrame, schema: Schema, path: Path, signature: str) -> int:
    """Write one parquet file (a config, or one shard of it) with its declared types and the
    metadata ``datasets`` reads (features) and the build signature.

    Returns:
        The table's size in Arrow memory; the card reports the sum as ``num_bytes``.
    """
    table: pa.Table = to_arrow_table(frame, schema)
    metadata = {b"huggingface": features_json(schema).encode(), b"alinea": signature.encode()}
    table = table.replace_schema_metadata(metadata)
    pq.write_table(table, path, compression="zstd", write_page_index=False)
    return int(table.nbytes)


def shard_ranges(n_rows: int, max_rows: int) -> list[tuple[int, int]]:
    """Split ``n_rows`` rows, in order, into the fewest ranges of at most ``max_rows`` rows,
    their lengths differing by at most one (the first ones longer).

    Returns:
        ``(offset, length)`` per shard; one range (maybe empty) when the rows fit in one file.
    """
    if max_rows < 1:
        raise UsageError(f"the maximum of rows per shard must be at least 1, not {max_rows}")
    n_shards = max(1, -(-n_rows // max_rows))
    size, longer = divmod(n_rows, n_shards)
    return [(i * size + min(i, longer), size + (i < longer)) for i in range(n_shards)]


def shard_names(n_shards: int) -> list[str]:
    """File names of a config written in ``n_shards`` files: ``train.parquet`` for one, else
    ``train-00000-of-0000N.parquet`` (index and total zero-padded to five digits)."""
    if n_shards == 1:
        return [SINGLE_FILE]
    return [f"train-{i:05d}-of-{n_shards:05d}.parquet" for i in range(n_shards)]


def write_config(
    frame: pl.DataFrame, schema: Schema, folder: Path, signature: str, max_rows: int
) -> ConfigStats:
    """Write one config into ``folder`` (created), shard by shard: only one shard's Arrow table
    is in memory besides the frame (a polars slice is a view).

    Returns:
        What the card says of the config (``num_bytes`` summed over the shards).
    """
    folder.mkdir()
    ranges = shard_ranges(frame.height, max_rows)
    names = shard_names(len(ranges))
    n_bytes = 0
    for file_name, (offset, length) in zip(names, ranges, strict=True):
        part = frame if len(ranges) == 1 else frame.slice(offset, length)
        n_bytes += write_parquet(part, schema, folder / file_name, signature)
    pattern = SINGLE_FILE if len(names) == 1 else SHARD_GLOB
    return ConfigStats(schema, frame.height, n_bytes, n_files=len(names), data_files=pattern)


def config_files(folder: Path, config: str) -> list[Path]:
    """The parquet files of ``config`` in the dataset ``folder``, in row order: its one
    ``train.parquet`` or all its shards. Empty when the dataset has no such config.

    Raises:
        InputFormatError: the config folder holds anything else (a shard missing, shards of
            two builds, a ``train.parquet`` next to shards, another parquet file).
    """
    names = sorted(p.name for p in (folder / config).glob("*.parquet"))
    if names and names != shard_names(len(names)):
        listed = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        raise InputFormatError(
            folder / config,
            f"expected {SINGLE_FILE} or a complete set of shards {SHARD_GLOB}; "
            f"found {len(names)} files ({listed})",
            "rebuild the dataset with alinea, or copy the whole folder again",
        )
    return [folder / config / name for name in names]


def read_config(folder: Path, config: str) -> pl.DataFrame:
    """Read one config of a published dataset, all its shards in order, as one frame.

    Raises:
        InputError: the dataset has no such config, or its files cannot be read.
    """
    files = config_files(folder, config)
    if not files:
        raise InputError(
            folder, f"no {config} config ({config}/*.parquet)", "give a dataset folder alinea wrote"
        )
    try:
        return pl.read_parquet(files)
    except (OSError, pl.exceptions.PolarsError) as err:
        raise InputFormatError(folder / config, f"cannot read the parquet files ({err})") from err


def _write_folder(
    folder: Path,
    name: str,
    langs: tuple[str, str],
    frames: dict[str, pl.DataFrame],
    signature: str,
    exports: dict[str, Callable[[Path], None]],
    max_shard_rows: int,
    locales: tuple[str, str] | None,
) -> None:
    stats = {}
    for config, frame in frames.items():
        schema = CONFIG_SCHEMAS[config](*langs)
        check_frame(frame, schema, config)
        stats[config] = write_config(frame, schema, folder / config, signature, max_shard_rows)
        pause("staging")  # a test stops a build here, with the folder half-written
    (folder / "exports").mkdir()
    (folder / "exports" / "README.md").write_text(EXPORTS_README, encoding="utf-8")
    for filename, write in exports.items():
        write(folder / "exports" / filename)
    card = render_card(name, langs, stats, frames["documents"], signature, locales,
                       frames.get("glossary"))  # fmt: skip
    (folder / "README.md").write_text(card, encoding="utf-8")


def publish(
    out_dir: Path,
    name: str,
    langs: tuple[str, str],
    frames: dict[str, pl.DataFrame],
    signature: str,
    *,
    exports: dict[str, Callable[[Path], None]] | None = None,
    force: bool = False,
    max_shard_rows: int = MAX_SHARD_ROWS,
    locales: tuple[str, str] | None = None,
) -> Path:
    """Write ``out_dir/name`` atomically and return its path.

    Args:
        out_dir: parent folder (created if missing).
        name: dataset folder name.
        langs: the language pair, which names language-keyed columns.
        frames: config name -> frame, in card order.
        signature: the build signature, stored in the card and each parquet file.
        exports: file name -> writer, for the files under ``exports/``.
        force: replace a folder that is not an alinea dataset.
        max_shard_rows: a config with more rows is written in shards of at most this many.
        locales: how the exports name the languages (the card says so), default their codes.

    Raises:
        OutputError: the target cannot be replaced, or writing failed.
    """
    target = out_dir / name
    check_out(out_dir)
    check_target(target, force)
    created_parent = not out_dir.exists()
    staging = staging_folder(target)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        _write_folder(
            staging, name, langs, frames, signature, exports or {}, max_shard_rows, locales
        )
        swap_into_place(staging, target)  # once it starts, the new dataset is put in place
    except BaseException as err:
        if staging.exists():  # else the swap is done: nothing to undo
            shutil.rmtree(staging, ignore_errors=True)
            if created_parent:
                shutil.rmtree(out_dir, ignore_errors=True)
        if isinstance(err, OSError) and not isinstance(err, OutputError):
            raise OutputError(f"{target}: could not write the dataset ({err})") from err
        raise
    logger.info("publish: %s (%d configs, %d exports)", target, len(frames), len(exports or {}))
    return target
