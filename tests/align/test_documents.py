"""Document pairing's retrieval: frequent n-grams as dense columns, the rest sparse."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from alinea.align import documents
from alinea.align.retrieval import top_k


def normalised_rows(rng: np.random.Generator, n: int, width: int, density: float) -> sp.csr_matrix:
    rows = sp.random(n, width, density=density, random_state=rng, dtype=np.float32, format="csr")
    rows.data += 0.1
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    return sp.csr_matrix(sp.diags(1.0 / np.maximum(norms, 1e-9)) @ rows, dtype=np.float32)


def test_split_rows_retrieve_what_whole_rows_retrieve() -> None:
    rng = np.random.default_rng(0)
    queries, keys = normalised_rows(rng, 40, 300, 0.2), normalised_rows(rng, 70, 300, 0.2)
    frequent = documents._frequent_columns([queries, keys], keys.shape[0])
    assert 0 < len(frequent) < 300  # some columns go dense, not all
    split = top_k(documents._split(queries, frequent), documents._split(keys, frequent), 5)
    whole = top_k(queries, keys, 5)
    assert np.allclose(split.score, whole.score, atol=1e-6)
    assert (split.index == whole.index).mean() > 0.99  # only near-ties may swap


def test_dense_columns_stay_within_their_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    rows = normalised_rows(rng, 50, 400, 0.5)
    monkeypatch.setattr(documents, "DENSE_BYTES", 4 * 50 * 7)  # room for 7 dense columns
    frequent = documents._frequent_columns([rows], rows.shape[0])
    assert len(frequent) == 7 and list(frequent) == sorted(frequent)
    dense, rest = documents._split(rows, frequent)
    assert dense.shape == (50, 7)
    assert np.allclose(dense @ dense.T + (rest @ rest.T).toarray(), (rows @ rows.T).toarray())
