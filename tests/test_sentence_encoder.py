"""Lesson 08 (embedlab.sentence_encoder): encode gives sentence-transformers' vectors, in
input order, whatever the batch size; cls/max pooling and other layers equal a direct
computation from BertModel's hidden states; bad input is one InputError."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from embedlab import bert, bible, data, sentence_encoder
from embedlab.sentence_encoder import encode
from embedlab.validate import InputError

TEXTS = [v.web for v in bible.split("test")[::29]][:100]          # 100 verses, 7 to 60 tokens


pytestmark = pytest.mark.usefixtures("one_torch_thread")   # tests/conftest.py: busy shared cores


@pytest.fixture(scope="module")
def minilm():
    return bert.load_minilm("cpu")


@pytest.fixture(scope="module")
def expected():
    sentence_transformers = pytest.importorskip("sentence_transformers")
    st = sentence_transformers.SentenceTransformer(str(data.path("all-minilm-l6-v2")), device="cpu")
    return torch.from_numpy(st.encode(TEXTS, normalize_embeddings=True))


def test_texts_vary_in_length(minilm):
    lengths = [len(minilm[1].encode(t)[0]) for t in TEXTS]
    assert len(TEXTS) == 100 and min(lengths) < 15 and max(lengths) >= 60


@pytest.mark.parametrize("batch_size", [64, 1, 7, 1000])
def test_equals_sentence_transformers_in_input_order(minilm, expected, batch_size):
    got = encode(TEXTS, *minilm, batch_size=batch_size)
    assert got.dtype == torch.float32 and got.device.type == "cpu" and got.shape == expected.shape
    assert (got - expected).abs().max() < 1e-5
    assert torch.allclose(got.norm(dim=1), torch.ones(len(TEXTS)), atol=1e-6)


def test_forgetting_the_order_is_caught(minilm, expected, monkeypatch):
    """A version that leaves the rows in sorted (longest-first) order fails the comparison above."""
    real = sentence_encoder.encode

    def unordered(texts, *args, **kwargs):
        order = sorted(range(len(texts)), key=lambda i: -len(minilm[1].encode(texts[i])[0]))
        return real(texts, *args, **kwargs)[order]            # row j is now texts[order[j]]'s vector

    got = unordered(TEXTS, *minilm)
    assert (got - expected).abs().max() > 0.1


def test_one_string_is_one_row(minilm, expected):
    got = encode(TEXTS[3], *minilm)
    assert got.shape == (1, 384) and (got[0] - expected[3]).abs().max() < 1e-5


def _direct(minilm, texts, layer, pooling):
    model, tokenizer = minilm
    batch = tokenizer(texts)
    with torch.no_grad():
        hidden = model(**batch)[layer]
    mask = batch["attention_mask"]
    if pooling == "cls":
        return hidden[:, 0]
    if pooling == "max":                                       # per sentence, its real tokens only
        return torch.stack([h[m.bool()].max(dim=0).values for h, m in zip(hidden, mask)])
    return bert.mean_pool(hidden, mask)


@pytest.mark.parametrize("pooling,layer", [("cls", -1), ("max", -1), ("mean", 3), ("max", 0)])
def test_pooling_equals_a_direct_computation(minilm, pooling, layer):
    texts = TEXTS[:20]
    want = _direct(minilm, texts, layer, pooling)
    got = encode(texts, *minilm, pooling=pooling, layer=layer, normalize=False, batch_size=6)
    assert (got - want).abs().max() < 1e-5
    assert (encode(texts, *minilm, pooling=pooling, layer=layer) - F.normalize(want, dim=1)).abs().max() < 1e-5


def test_max_pooling_ignores_padding(minilm):
    """A short text batched with a long one gets the same vector as alone (padding never wins a max)."""
    short, long = "Jesus wept.", TEXTS[int(torch.tensor([len(t) for t in TEXTS]).argmax())]
    together = encode([short, long], *minilm, pooling="max", normalize=False)
    alone = encode([short], *minilm, pooling="max", normalize=False)
    assert (together[0] - alone[0]).abs().max() < 1e-5


@pytest.mark.parametrize("texts,kwargs", [
    ([], {}), (["ok", 3], {}), ([None], {}), (b"bytes", {}), (5, {}),
    (["ok"], {"pooling": "sum"}), (["ok"], {"batch_size": 0}), (["ok"], {"layer": 7}),
    (["ok"], {"layer": 1.5}), (["ok"], {"dtype": "float16"}), (["ok"], {"dtype": "int8"}),
])
def test_bad_input_is_one_input_error(minilm, texts, kwargs):
    with pytest.raises(InputError) as error:
        encode(texts, *minilm, **kwargs)
    assert str(error.value).count(". ") <= 1


def test_model_without_tokenizer_is_refused(minilm):
    with pytest.raises(InputError):
        encode(["ok"], minilm[0])


def test_missing_device_is_a_device_error(minilm):
    from embedlab.device import DeviceError

    with pytest.raises(DeviceError):
        encode(["ok"], *minilm, device="meta")


def test_bfloat16_on_cpu_is_close_or_refused(minilm, expected):
    try:
        got = encode(TEXTS[:8], *minilm, dtype="bfloat16")
    except InputError:
        return
    assert got.dtype == torch.float32 and (got - expected[:8]).abs().max() < 0.05
