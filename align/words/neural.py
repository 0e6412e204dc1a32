"""simalign's embedding aligner, on a transformer model that is already on this machine.

simalign (and through it torch and transformers) is imported here only, when a model is asked
for. The hub is switched off before transformers loads, so a model that is not local fails at
once with :class:`ModelNotAvailableError` instead of retrying downloads.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from alinea.align.embedders import hub_offline
from alinea.errors import ModelNotAvailableError, UsageError


class SimalignEmbeddings:
    """Word-level similarity matrices from simalign's ``EmbeddingLoader`` (subwords averaged
    per word, cosine rescaled to [0, 1], as simalign's ``token_type="word"``)."""

    def __init__(self, model: str, layer: int = 8) -> None:
        hub_offline()
        try:
            from simalign import SentenceAligner
            from simalign.simalign import EmbeddingLoader
        except ImportError as err:
            raise ModelNotAvailableError(
                f"word model {model!r} needs simalign and torch: pip install torch==2.13.0 simalign"
            ) from err
        try:
            self._loader = EmbeddingLoader(model=model, layer=layer)
        except (OSError, ValueError) as err:
            raise ModelNotAvailableError(
                f"word model {model!r} is not available locally (alinea never downloads "
                "models): give the path of a saved transformers model"
            ) from err
        layers = int(getattr(self._loader.emb_model.config, "num_hidden_layers", layer))
        if not 0 <= layer <= layers:
            raise UsageError(f"--layer {layer}: word model {model!r} has layers 0..{layers}")
        self._aligner = SentenceAligner
        self.method_id = f"simalign-{os.path.basename(os.path.normpath(model))}-l{layer}"
        self.layer = layer

    def similarity(self, src: Sequence[str], tgt: Sequence[str]) -> np.ndarray:
        """``(len(src), len(tgt))`` similarities in [0, 1]."""
        if not src or not tgt:
            return np.zeros((len(src), len(tgt)))
        tokenizer = self._loader.tokenizer
        pieces = [[tokenizer.tokenize(word) or [word] for word in sent] for sent in (src, tgt)]
        vectors = self._loader.get_embed_list([list(src), list(tgt)]).cpu().numpy()
        counts = [sum(len(p) for p in sent) for sent in pieces]
        vectors = [vectors[k, : counts[k]] for k in (0, 1)]
        words = self._aligner.average_embeds_over_words(vectors, pieces)
        return np.asarray(self._aligner.get_similarity(words[0], words[1]), dtype=np.float64)
