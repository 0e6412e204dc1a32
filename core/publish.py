"""Publish: write a dataset folder atomically (the only stage that writes).

Layout: ``<out>/<name>/README.md`` (the card), ``<config>/train.parquet`` per config and
``exports/``. Everything is written to a hidden sibling folder first and renamed into place, so a
failure leaves the previous dataset untouched and no half-written folder behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from alinea.card import ConfigStats, render_card
from alinea.errors import OutputError
from alinea.schema import CONFIG_SCHEMAS, Schema, check_frame, features_json, to_arrow_table

logger = logging.getLogger(__name__)
CARD_MARKER = "alinea_signature:"
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
"""


def is_alinea_dataset(folder: Path) -> bool:
    """Whether ``folder`` holds a dataset alinea wrote (its card carries a signature)."""
    card = folder / "README.md"
    try:
        return CARD_MARKER in card.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        logger.debug("%s has no readable alinea card: %s", folder, err)
        return False


@contextmanager
def target_lock(target: Path) -> Iterator[None]:
    """Hold the lock of one dataset folder for the length of a build: a second build to the
    same folder on this machine is refused at once instead of racing the first.

    The lock file lives in the system's temporary folder, named by the target's absolute path,
    so nothing is left next to the dataset.

    Raises:
        OutputError: another build holds the lock.
    """
    resolved = str(target.resolve())
    name = hashlib.sha256(resolved.encode()).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / "alinea-locks"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.lock", "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputError(
                f"{target}: another build is writing this dataset ({holder}); "
                "wait for it to finish, or choose another --out/--name"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


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
    """Write one config with its declared types and the metadata ``datasets`` reads.

    Returns:
        The table's size in Arrow memory, which the card reports as ``num_bytes``.
    """
    table: pa.Table = to_arrow_table(frame, schema)
    metadata = {b"huggingface": features_json(schema).encode(), b"alinea": signature.encode()}
    table = table.replace_schema_metadata(metadata)
    pq.write_table(table, path, compression="zstd", write_page_index=False)
    return int(table.nbytes)


def _write_folder(
    folder: Path,
    name: str,
    langs: tuple[str, str],
    frames: dict[str, pl.DataFrame],
    signature: str,
    exports: dict[str, Callable[[Path], None]],
) -> None:
    stats = {}
    for config, frame in frames.items():
        schema = CONFIG_SCHEMAS[config](*langs)
        check_frame(frame, schema, config)
        (folder / config).mkdir()
        n_bytes = write_parquet(frame, schema, folder / config / "train.parquet", signature)
        stats[config] = ConfigStats(schema, frame.height, n_bytes)
    (folder / "exports").mkdir()
    (folder / "exports" / "README.md").write_text(EXPORTS_README, encoding="utf-8")
    for filename, write in exports.items():
        write(folder / "exports" / filename)
    card = render_card(name, langs, stats, frames["documents"], signature)
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

    Raises:
        OutputError: the target cannot be replaced, or writing failed.
    """
    target = out_dir / name
    check_target(target, force)
    created_parent = not out_dir.exists()
    staging = out_dir / f".{name}.tmp-{os.getpid()}"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        _write_folder(staging, name, langs, frames, signature, exports or {})
        _swap_into_place(staging, target)
        logger.info("publish: %s (%d configs, %d exports)", target, len(frames), len(exports or {}))
    except BaseException as err:
        shutil.rmtree(staging, ignore_errors=True)
        if created_parent:
            shutil.rmtree(out_dir, ignore_errors=True)
        if isinstance(err, OSError) and not isinstance(err, OutputError):
            raise OutputError(f"{target}: could not write the dataset ({err})") from err
        raise
    return target


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``, keeping the old ``target`` until the rename succeeded."""
    if not target.exists():
        staging.rename(target)
        return
    previous = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(previous, ignore_errors=True)
    target.rename(previous)
    try:
        staging.rename(target)
    except OSError:
        previous.rename(target)
        raise
    shutil.rmtree(previous)
