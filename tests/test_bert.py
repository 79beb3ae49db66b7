"""Lesson 07 (embedlab.bert): our BERT gives transformers' BertModel's hidden states on
all-MiniLM-L6-v2's weights, our tokenizer gives Hugging Face's token ids, attention agrees
with torch's scaled_dot_product_attention, and mean pooling gives sentence-transformers'
sentence vectors; each check also catches a realistic wrong version."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from embedlab import bert, data
from embedlab.device import DeviceError
from embedlab.validate import InputError

# Real sentences of different lengths, for the model comparisons.
SENTENCES = [
    "The cat sat on the mat.",
    "A bank by the river is not a bank that holds your money, although both have banks of reeds.",
    "Embeddings turn words into vectors.",
    "Hi!",
    "Naïve café owners in Zürich serve crème brûlée at 3.50 CHF, don't they?",
]

# Text that exercises every step of the tokenizer: accents, punctuation, numbers, symbols,
# characters outside the vocabulary, Chinese characters, control characters, special tokens
# written in the text, very long words, odd whitespace.
EDGE_CASES = [
    "Hello, World!", "HELLO world", "héllo wörld", "Ångström and Øresund", "São Paulo, Köln, Kraków, Łódź.",
    "naïve coöperation façade", "İstanbul is in Türkiye", "ΣΊΣΥΦΟΣ and σοφία", "Привет, мир!",
    "Don't stop: it's 9:30 a.m. (or so)...", "e-mail me at someone@example.com!", "$100, 50% off, #1 & co.",
    "1,234,567.89 and 3.14159 and 2026-12-02", "x^2 + y^2 = z^2; a|b ~c `d` {e} [f] <g>", "«Bonjour», dit-il — enfin…",
    "“Smart quotes” and ‘single’ ones", "東京は日本の首都です。", "我爱北京天安门", "한국어 문장입니다", "مرحبا بالعالم",
    "emoji: 🙂 🚀 👍🏽 ❤️", "unknown chars: ☃ ⚙ ℵ ∑ ⊗", "tab\tnew\nline\r\nreturn", "non\u00a0breaking\u2003spaces\u3000here",
    "zero\u200bwidth and soft\u00adhyphen", "control\x07bell\x00null\ufffdreplacement", "The [MASK] sat on the mat.",
    "[CLS] inside text [SEP] and [PAD] [UNK]", "lowercase [mask] is not special", "glued[MASK]token",
    "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis", "a" * 99, "b" * 100,
    "c" * 101 + " end", "supercalifragilisticexpialidocious!!!", "   leading and trailing   ", "", " ", "!!!???...",
    "mixedCASE camelCaseWords and snake_case_words", "C++ and C# and F# and .NET", "https://example.org/a?b=c&d=e",
    "He said \"no\" — then 'yes'.", "ﬁne ligatures ﬂow", "½ ¼ ² ³ ° µ", "Ⅻ o'clock", "ﬀ ﬃ", "👨‍👩‍👧 family",
]


pytestmark = pytest.mark.usefixtures("one_torch_thread")   # tests/conftest.py: busy shared cores


@pytest.fixture(scope="module")
def model_dir():
    return data.path("all-minilm-l6-v2")


@pytest.fixture(scope="module")
def ours():
    torch.manual_seed(0)
    return bert.load_minilm(device="cpu")


@pytest.fixture(scope="module")
def hf_model(model_dir):
    transformers = pytest.importorskip("transformers")
    return transformers.BertModel.from_pretrained(str(model_dir)).eval()


@pytest.fixture(scope="module")
def hf_tokenizer(model_dir):
    transformers = pytest.importorskip("transformers")
    return transformers.AutoTokenizer.from_pretrained(str(model_dir))


def _varied_sentences():
    """About 200 real sentences: the edge cases above and the Devil's Dictionary (long, punctuated prose)."""
    definitions = [text for _, text in data.load_devils_dictionary()]
    return EDGE_CASES + SENTENCES + definitions[::7]


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
def test_config_from_json(model_dir):
    config = bert.BertConfig.from_json(model_dir / "config.json")
    assert (config.vocab_size, config.hidden_size, config.num_hidden_layers, config.num_attention_heads,
            config.intermediate_size, config.max_position_embeddings, config.type_vocab_size) == \
        (30522, 384, 6, 12, 1536, 512, 2)
    assert config.layer_norm_eps == 1e-12 and config.hidden_act == "gelu"
    assert bert.BertConfig.from_json(model_dir) == config
    with pytest.raises(InputError, match="divisible"):
        bert.BertConfig(hidden_size=100, num_attention_heads=12)


def test_names_match_transformers_and_strict_load(ours, hf_model, model_dir):
    from safetensors.torch import load_file

    model, _ = ours
    assert list(model.state_dict()) == list(hf_model.state_dict())     # same names, same order
    raw = load_file(model_dir / "model.safetensors")
    assert "embeddings.position_ids" in raw                             # the old buffer bert_state_dict drops
    fresh = bert.BertModel(model.config)
    bert.load_weights(fresh, raw)                                       # strict: nothing missing, nothing extra
    for name, tensor in hf_model.state_dict().items():
        assert torch.equal(fresh.state_dict()[name], tensor), name
    # A checkpoint with a task head: the encoder under "bert.", the head beside it.
    with_head = {f"bert.{k}": v for k, v in raw.items()} | {"cls.predictions.bias": torch.zeros(30522)}
    bert.load_weights(bert.BertModel(model.config), with_head)
    no_pooler = {k: v for k, v in raw.items() if not k.startswith("pooler.")}
    bert.load_weights(bert.BertModel(model.config, add_pooling_layer=False), no_pooler)


def test_strict_load_refuses_missing_and_unexpected_weights(ours, model_dir):
    from safetensors.torch import load_file

    model, _ = ours
    raw = load_file(model_dir / "model.safetensors")
    missing = {k: v for k, v in raw.items() if k != "encoder.layer.3.attention.self.key.weight"}
    with pytest.raises(InputError, match=r"missing encoder\.layer\.3\.attention\.self\.key\.weight"):
        bert.load_weights(bert.BertModel(model.config), missing)
    with pytest.raises(InputError, match=r"unexpected pooler\.dense"):
        bert.load_weights(bert.BertModel(model.config, add_pooling_layer=False), raw)
    small = bert.BertConfig(**{**model.config.__dict__, "num_hidden_layers": 5})
    with pytest.raises(InputError, match="unexpected encoder.layer.5"):
        bert.load_weights(bert.BertModel(small), raw)


# ---------------------------------------------------------------------------
# The model against transformers
# ---------------------------------------------------------------------------
def test_every_hidden_state_matches_transformers(ours, hf_model):
    model, tokenizer = ours
    batch = tokenizer(SENTENCES + ["The [MASK] sat on the mat."], pairs=None)
    batch["token_type_ids"][1, 5:] = 1                                  # a second segment somewhere
    real = batch["attention_mask"].bool()
    assert (~real).any()                                                # the batch is padded
    with torch.no_grad():
        hidden = model(**batch)
        expected = hf_model(**batch, output_hidden_states=True)
    assert len(hidden) == len(expected.hidden_states) == 7
    for layer, (mine, theirs) in enumerate(zip(hidden, expected.hidden_states)):
        assert mine.shape == theirs.shape and mine.dtype == torch.float32
        diff = (mine - theirs)[real].abs().max().item()
        assert diff < 1e-5, f"layer {layer}: max abs difference {diff:.2e}"
    assert torch.allclose(model.pool(hidden[-1]), expected.pooler_output, atol=1e-5)
    last_only = model(**batch, output_hidden_states=False)
    assert len(last_only) == 1 and torch.equal(last_only[0], hidden[-1])


def test_padding_does_not_change_the_real_tokens(ours):
    model, tokenizer = ours
    batch = tokenizer(SENTENCES)
    with torch.no_grad():
        padded = model(**batch)[-1]
        for i, sentence in enumerate(SENTENCES):
            alone = model(**tokenizer([sentence]))[-1][0]
            assert torch.allclose(padded[i, :len(alone)], alone, atol=1e-5)


def test_no_mask_means_no_padding(ours):
    model, tokenizer = ours
    batch = tokenizer(["One sentence, no padding."])
    with torch.no_grad():
        assert torch.equal(model(batch["input_ids"])[-1], model(**batch)[-1])


def test_gelu_is_the_exact_one():
    x = torch.linspace(-6, 6, 1001, dtype=torch.float64)
    assert torch.allclose(bert.gelu(x), F.gelu(x), atol=1e-12)
    assert not torch.allclose(bert.gelu(x), F.gelu(x, approximate="tanh"), atol=1e-6)


# ---------------------------------------------------------------------------
# The tokenizer against Hugging Face's
# ---------------------------------------------------------------------------
def test_tokenizer_gives_hugging_faces_ids(ours, hf_tokenizer):
    _, tokenizer = ours
    sentences = _varied_sentences()
    assert len(sentences) >= 190
    disagree = []
    for max_length in (256, 16):                                        # 16: most sentences are cut
        for s in sentences:
            ids, types = tokenizer.encode(s, max_length=max_length)
            expected = hf_tokenizer(s, truncation=True, max_length=max_length)
            if ids != expected["input_ids"] or types != expected["token_type_ids"]:
                disagree.append((max_length, s, tokenizer.convert_ids_to_tokens(ids),
                                 hf_tokenizer.convert_ids_to_tokens(expected["input_ids"])))
    assert not disagree, disagree[:3]
    assert any(len(tokenizer.encode(s)[0]) == 256 for s in sentences)   # the default cut (256) was used


def test_tokenizer_pairs_and_batches(ours, hf_tokenizer):
    _, tokenizer = ours
    sentences = _varied_sentences()[:60]
    firsts, seconds = sentences[0::2], sentences[1::2]
    for max_length in (512, 24, 9):                                     # 9 and 24: both sides cut
        batch = tokenizer(firsts, pairs=seconds, max_length=max_length)
        expected = hf_tokenizer(firsts, seconds, padding=True, truncation="longest_first",
                                max_length=max_length, return_tensors="pt")
        for name in ("input_ids", "token_type_ids", "attention_mask"):
            assert torch.equal(batch[name], expected[name]), (max_length, name)
    batch = tokenizer(SENTENCES)
    expected = hf_tokenizer(SENTENCES, padding=True, return_tensors="pt")
    assert all(torch.equal(batch[k], expected[k]) for k in expected) and batch["input_ids"].dtype == torch.long


def test_tokenizer_steps():
    vocab = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", ",", "!",
                                         "un", "##known", "e"])}
    tokenizer = bert.BertTokenizer(vocab, max_length=6)
    assert tokenizer.basic_tokenize("Héllo,  WORLD!!") == ["hello", ",", "world", "!", "!"]
    assert tokenizer.tokenize("unknown [MASK] é zzz") == ["un", "##known", "[MASK]", "e", "[UNK]"]
    assert tokenizer.encode("hello world , hello world")[0] == [2, 5, 6, 7, 5, 3]      # cut to 6
    cased = bert.BertTokenizer(vocab, lowercase=False)
    assert cased.basic_tokenize("Héllo") == ["Héllo"]
    with pytest.raises(InputError, match="list of strings"):
        tokenizer([["already", "split"]])
    with pytest.raises(InputError, match="one second sentence per text"):
        tokenizer(["a", "b"], pairs=["c"])


# ---------------------------------------------------------------------------
# attention against torch
# ---------------------------------------------------------------------------
def _attention_cases():
    gen = torch.Generator().manual_seed(0)
    B, heads, T, d = 3, 4, 7, 8
    q, k, v = (torch.randn(B, heads, T, d, generator=gen, dtype=torch.float64) * 2 for _ in range(3))
    lengths = torch.tensor([7, 4, 1])
    mask = (torch.arange(T)[None, :] < lengths[:, None])[:, None, None, :]    # (B, 1, 1, T) padding mask
    return q, k, v, mask


def _agrees_with_torch(fn) -> bool:
    """Does ``fn`` compute masked scaled dot-product attention as torch does, with zero weight on padding?"""
    q, k, v, mask = _attention_cases()
    out, weights = fn(q, k, v, mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    no_mask = F.scaled_dot_product_attention(q, k, v)
    return (torch.allclose(out, expected, atol=1e-10) and torch.allclose(fn(q, k, v)[0], no_mask, atol=1e-10)
            and bool((weights.masked_select(~mask.expand_as(weights)) == 0).all())
            and torch.allclose(weights.sum(-1), torch.ones(()).double()))


def test_attention_matches_torch_and_catches_wrong_versions():
    assert _agrees_with_torch(bert.attention)

    def no_scaling(q, k, v, mask=None):
        scores = q @ k.transpose(-2, -1)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        weights = scores.softmax(-1)
        return weights @ v, weights

    def mask_ignored(q, k, v, mask=None):
        return bert.attention(q, k, v)

    def mask_on_queries(q, k, v, mask=None):                            # padding rows instead of columns
        return bert.attention(q, k, v, None if mask is None else mask.transpose(-2, -1) | mask.new_zeros(1, 1, 1, 7))

    def softmax_over_queries(q, k, v, mask=None):
        scores = q @ k.transpose(-2, -1) / q.size(-1) ** 0.5
        if mask is not None:
            scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
        weights = scores.softmax(-2)
        return weights @ v, weights

    for wrong in (no_scaling, mask_ignored, mask_on_queries, softmax_over_queries):
        assert not _agrees_with_torch(wrong), wrong.__name__


def test_attention_weights_and_mask_type():
    q, k, v, mask = _attention_cases()
    out, weights = bert.attention(q, k, v, mask)
    assert out.shape == (3, 4, 7, 8) and weights.shape == (3, 4, 7, 7)
    assert torch.equal(weights[2, :, :, 1:], torch.zeros(4, 7, 6, dtype=torch.float64))   # one real token
    assert torch.allclose(out[2], v[2, :, :1].expand(4, 7, 8))                           # ... so its value
    with pytest.raises(InputError, match="bool"):
        bert.attention(q, k, v, mask.long())


# ---------------------------------------------------------------------------
# mean_pool against sentence-transformers
# ---------------------------------------------------------------------------
def test_mean_pool_gives_sentence_transformers_vectors(ours, model_dir):
    sentence_transformers = pytest.importorskip("sentence_transformers")
    model, tokenizer = ours
    long_text = " ".join(text for _, text in data.load_devils_dictionary()[:20])       # over 256 tokens: cut
    sentences = SENTENCES + [long_text]
    expected = sentence_transformers.SentenceTransformer(str(model_dir), device="cpu").encode(
        sentences, convert_to_tensor=True)
    batch = tokenizer(sentences)
    assert batch["input_ids"].shape[1] == 256
    with torch.no_grad():
        last = model(**batch)[-1]
    mine = F.normalize(bert.mean_pool(last, batch["attention_mask"]), dim=-1)
    assert (mine - expected).abs().max().item() < 1e-5
    padding_too = F.normalize(last.mean(dim=1), dim=-1)                 # the realistic mistake
    assert (padding_too - expected).abs().max().item() > 1e-3


def test_mean_pool_small_case():
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    assert torch.equal(bert.mean_pool(hidden, torch.tensor([[1, 1, 0]])), torch.tensor([[2.0, 3.0]]))
    assert torch.equal(bert.mean_pool(hidden, torch.tensor([[True, False, False]])), torch.tensor([[1.0, 2.0]]))
    assert torch.equal(bert.mean_pool(hidden, torch.zeros(1, 3)), torch.zeros(1, 2))    # no real token: 0, not NaN
    with pytest.raises(InputError, match="one value per token"):
        bert.mean_pool(hidden, torch.ones(1, 2))


# ---------------------------------------------------------------------------
# Bad input: one sentence each
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda b: {"input_ids": b["input_ids"].float()}, "whole-number token ids"),
    (lambda b: {"input_ids": b["input_ids"][0]}, r"\(batch, length\).*ids\[None\]"),
    (lambda b: {"input_ids": torch.zeros(1, 0, dtype=torch.long)}, "non-empty"),
    (lambda b: {"input_ids": torch.ones(1, 513, dtype=torch.long)}, "513 tokens long.*512 only"),
    (lambda b: {"input_ids": b["input_ids"] + 30522}, "not a token id of this model's vocabulary"),
    (lambda b: {"input_ids": [[101, 7592, 102], [101, 102]]}, "equal-length rows"),
    (lambda b: {**b, "attention_mask": b["attention_mask"][:, :-1]}, "attention_mask has shape"),
    (lambda b: {**b, "attention_mask": b["attention_mask"] * 2}, "attention_mask must hold whole numbers 0 to 1"),
    (lambda b: {**b, "token_type_ids": b["token_type_ids"] + 2}, "token_type_ids must hold whole numbers 0 to 1"),
])
def test_bad_input_is_one_clear_sentence(ours, make, message):
    model, tokenizer = ours
    batch = tokenizer(["The cat sat.", "Hi"])
    with pytest.raises(InputError, match=message) as info:
        model(**make(batch))
    assert str(info.value).count(". ") <= 1 and "\n" not in str(info.value)


def test_lists_are_accepted(ours):
    model, tokenizer = ours
    batch = tokenizer(["The cat sat."])
    with torch.no_grad():
        assert torch.equal(model(batch["input_ids"].tolist())[-1], model(**batch)[-1])


def test_a_missing_device_is_a_device_error():
    if not torch.cuda.is_available():
        with pytest.raises(DeviceError, match="not available"):
            bert.load_minilm(device="cuda")
    with pytest.raises(DeviceError, match="not a device"):
        bert.load_minilm(device="gpu0")


@pytest.mark.gpu
def test_same_vectors_on_the_gpu(ours):
    from embedlab.device import device

    model, tokenizer = ours
    gpu_model, _ = bert.load_minilm(device=device())
    batch = tokenizer(SENTENCES)
    with torch.no_grad():
        for cpu, gpu in zip(model(**batch), gpu_model(**batch)):
            assert torch.allclose(cpu, gpu.cpu(), atol=1e-4)
