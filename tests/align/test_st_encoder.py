"""The sentence-transformers path with a tiny randomly initialised model saved in tmp_path, and
a model that is not on the machine: a clear error, with the network never touched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from alinea.align.embedders import load_encoder
from alinea.align.mining import MiningConfig, mine
from alinea.errors import ModelNotAvailableError

WORDS = (
    "o a de que acordo acuerdo tratado putin kim presidente russo ruso assinou firmó mútua mutua"
)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS.split()]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(folder)
    transformer = Transformer(str(folder), max_seq_length=32)
    pooling = Pooling(transformer.get_embedding_dimension(), pooling_mode="mean")
    saved = folder / "sentence-model"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(saved))
    return saved


def test_local_model_by_path_encodes_unit_vectors(tiny_model: Path, no_network: None) -> None:
    encoder = load_encoder(f"st:{tiny_model}")
    vectors = encoder.encode(["o acordo de putin", "el tratado de kim", ""])
    assert vectors.shape == (3, 16) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert encoder.method_id == "st-sentence-model.v1"
    beads = mine(
        ["o acordo de putin"],
        ["el acuerdo de putin"],
        MiningConfig(threshold=0.0),
        encoder,
    )
    assert all(0.0 <= b.score <= 1.0 for b in beads)


@pytest.mark.parametrize("name", ["sentence-transformers/LaBSE", "/no/such/model/dir"])
def test_model_not_on_this_machine_fails_fast_offline(name: str, no_network: None) -> None:
    with pytest.raises(ModelNotAvailableError, match="not available locally"):
        load_encoder(f"st:{name}")
