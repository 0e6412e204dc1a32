"""simalign's embedding aligner on a tiny randomly initialised BERT saved in tmp_path, and a word
model that is not on the machine: a clear error, with the network never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from alinea.align.words import WordAlignConfig, WordAligner
from alinea.errors import ModelNotAvailableError, UsageError

WORDS = "o a de casa livro verde el la libro un una gato"
PAIRS = [(["o", "livro", "verde"], ["el", "libro", "verde"]), (["a", "casa"], ["la", "casa"])]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    folder = tmp_path_factory.mktemp("tiny-word-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS.split()]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizer(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(folder)
    return folder


def test_local_model_scores_every_token_pair(tiny_bert: Path, no_network: None) -> None:
    config = WordAlignConfig(model=str(tiny_bert), layer=2, model_weight=0.5)
    aligner = WordAligner("pt", "es", config).fit(PAIRS)
    scores = aligner.scores(PAIRS)
    assert [s.shape for s in scores] == [(3, 3), (2, 2)]
    assert all(((s >= 0.0) & (s <= 1.0)).all() for s in scores)
    links = aligner.align(PAIRS)
    assert all(0 <= i < 3 and 0 <= j < 3 for i, j in links[0].links)
    assert config.method_id() == "hmm-agree+simalign-emb-argmax.v4"


def test_a_layer_the_model_does_not_have_is_a_usage_error(tiny_bert: Path) -> None:
    with pytest.raises(UsageError, match=r"--layer 9: word model .* has layers 0\.\.2"):
        WordAligner("pt", "es", WordAlignConfig(model=str(tiny_bert), layer=9))


@pytest.mark.parametrize("name", ["bert-base-multilingual-cased", "/no/such/word/model"])
def test_word_model_not_on_this_machine_fails_fast_offline(name: str, no_network: None) -> None:
    with pytest.raises(ModelNotAvailableError, match="not available locally"):
        WordAligner("pt", "es", WordAlignConfig(model=name))
