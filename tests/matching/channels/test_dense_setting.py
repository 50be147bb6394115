"""The dense model is a setting: a tiny sentence-transformers model built here, saved to a
folder, and named by path must be the one that encodes (no download, no default model)."""

import numpy as np
import pytest

from matching.channels.dense import SentenceTransformerEncoder, load_encoder


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    tokenizers = pytest.importorskip("tokenizers")
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    except ImportError:  # older sentence-transformers
        from sentence_transformers.models import StaticEmbedding

    vocab = {"[UNK]": 0, "elderly": 1, "meals": 2, "legal": 3, "advice": 4}
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    model = SentenceTransformer(modules=[StaticEmbedding(tok, embedding_dim=7)], device="cpu")
    path = tmp_path_factory.mktemp("tiny-st")
    model.save(str(path))
    return path


def test_model_setting_is_honoured(tiny_model_dir, tmp_path):
    enc = SentenceTransformerEncoder(str(tiny_model_dir))
    assert enc.dim == 7  # the default MiniLM has 384
    assert enc.model_id.startswith(tiny_model_dir.name)
    v = enc.encode(["elderly meals", "legal advice"])
    assert v.shape == (2, 7)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    cached = load_encoder(str(tiny_model_dir), tmp_path / "emb.sqlite")
    assert cached.dim == 7 and cached.model_id == enc.model_id
    assert np.allclose(cached.encode(["elderly meals"])[0], v[0], atol=1e-6)
