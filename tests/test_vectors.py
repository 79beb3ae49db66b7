"""The one vectors interface every trainer's model shares (embedlab.vectors)."""
from __future__ import annotations

import numpy as np
import pytest

from embedlab.vectors import KeyedVectors

WORDS = ["king", "queen", "man", "woman", "apple"]
VECTORS = np.array([[1.0, 1.0, 0.0], [1.0, 0.9, 0.1], [0.2, 1.0, 0.0], [0.2, 0.9, 0.2], [0.0, 0.0, 1.0]])


@pytest.fixture
def kv():
    return KeyedVectors(VECTORS, WORDS, counts=np.arange(5, 0, -1))


def test_lookup_membership_and_size(kv):
    assert len(kv) == 5 and kv.vector_size == 3 and kv.vectors.dtype == np.float32
    assert "king" in kv and "rook" not in kv
    np.testing.assert_array_equal(kv["queen"], VECTORS[1].astype(np.float32))
    assert kv[["man", "apple"]].shape == (2, 3)
    assert kv.key_to_index["woman"] == 3 and kv.index_to_key[4] == "apple"


def test_unknown_key_is_one_clear_sentence(kv):
    with pytest.raises(KeyError, match="'kinq' is not in the vocabulary .* did you mean 'king'"):
        kv["kinq"]


def test_most_similar_matches_brute_force_cosine(kv):
    unit = VECTORS / np.linalg.norm(VECTORS, axis=1, keepdims=True)
    cos = unit @ unit[0]
    order = [WORDS[i] for i in np.argsort(-cos) if i != 0]
    got = kv.most_similar("king", topn=4)
    assert [w for w, _ in got] == order
    np.testing.assert_allclose([s for _, s in got], np.sort(cos[1:])[::-1], rtol=1e-6)
    by_vector = kv.most_similar(VECTORS[0], topn=1)    # a vector excludes nothing
    assert by_vector[0][0] == "king" and by_vector[0][1] == pytest.approx(1.0)
    assert kv.similarity("king", "queen") == pytest.approx(float(cos[1]), rel=1e-6)


def test_integer_keys_for_documents():
    dv = KeyedVectors(VECTORS)
    assert dv.index_to_key == [0, 1, 2, 3, 4] and 3 in dv
    assert [k for k, _ in dv.most_similar(0, topn=2)] == [1, 2]
    with pytest.raises(KeyError, match="7 is not among the 5 keys"):
        dv[7]


def test_round_trip_through_gensim(kv):
    g = kv.to_gensim()
    np.testing.assert_array_equal(g["woman"], kv["woman"])
    assert g.get_vecattr("king", "count") == 5
    assert [w for w, _ in g.most_similar("king", topn=3)] == [w for w, _ in kv.most_similar("king", topn=3)]


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="2-D"):
        KeyedVectors(np.zeros(3), ["a", "b", "c"])
    with pytest.raises(ValueError, match="one key per row"):
        KeyedVectors(np.zeros((3, 2)), ["a", "b"])


@pytest.mark.parametrize("trainer", ["word2vec", "fasttext", "glove", "swivel", "doc2vec"])
def test_every_trainer_returns_the_interface(trainer):
    from embedlab import corpus
    docs = [d for d in corpus.iter_documents(sources=["fortunes"])][:300]
    if trainer == "word2vec":
        from embedlab.word2vec import train_word2vec
        model = train_word2vec(docs, dim=8, epochs=1, min_count=3, progress=False)
    elif trainer == "fasttext":
        from embedlab.fasttext import train_fasttext
        model = train_fasttext(docs, dim=8, epochs=1, min_count=3, bucket=5000, progress=False)
    elif trainer == "doc2vec":
        from embedlab.doc2vec import train_doc2vec
        model = train_doc2vec(docs, dim=8, epochs=1, min_count=3, progress=False)
        assert isinstance(model.dv, KeyedVectors) and len(model.dv) == len(docs)
        assert model.dv.most_similar(0, topn=3)[0][0] != 0
    else:
        from embedlab.cooccurrence import cooccurrence_matrix
        from embedlab.word2vec import build_vocab
        words, _ = build_vocab(docs, min_count=3)
        X = cooccurrence_matrix(docs, {w: i for i, w in enumerate(words)}, window=5)
        if trainer == "glove":
            from embedlab.glove import train_glove
            model = train_glove(X, dim=8, epochs=2, words=words, progress=False)
        else:
            from embedlab.swivel import train_swivel
            model = train_swivel(X, dim=8, epochs=1, words=words, block_size=64, progress=False)
    wv = model.wv
    assert isinstance(wv, KeyedVectors)
    word = wv.index_to_key[0]
    assert word in wv and wv[word].shape == (8,)
    assert [w for w, _ in wv.most_similar(word, topn=3)] and word not in [w for w, _ in wv.most_similar(word, topn=3)]
    if trainer != "doc2vec":                            # word models answer themselves too
        assert word in model and np.array_equal(model[word], wv[word])
        assert model.most_similar(word, topn=3) == wv.most_similar(word, topn=3)
        assert model.vectors.shape == (len(wv), 8) and model.index_to_key == wv.index_to_key
