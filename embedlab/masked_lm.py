"""Lesson 07, masked language modelling: how BERT learns without labels.

BERT is pretrained by hiding some of a sentence's tokens and asking the model to guess
them from both sides. Devlin et al. (2019) choose 15 % of the tokens, and of those

* 80 % become ``[MASK]``,
* 10 % become a random token,
* 10 % stay as they are,

and the loss is the cross-entropy of the model's guess at every chosen position only.
Why not always ``[MASK]``? Because ``[MASK]`` never occurs when the model is used: if the
model only ever had to predict at ``[MASK]``, it could ignore what the other tokens are,
and its vectors for real tokens would not need to say much. With 10 % random and 10 %
unchanged, any token might be one it is asked about, so every position's vector has to
describe its own token in context.

::

    inputs, labels = mask_tokens(ids, special, vocab_size=30522, mask_id=103, generator=g)
    logits = head(hidden_states[-1], word_embeddings.weight)       # (B, T, V)
    loss = mlm_loss(logits, labels)                                # mean over chosen positions

``mask_tokens`` makes the same random draws, in the same order, as Hugging Face
``transformers``' ``DataCollatorForLanguageModeling``, so with the same generator state it
gives the same inputs and labels (``tests/test_masked_lm.py``). ``MaskedLMHead`` has the
parameter names of ``BertForMaskedLM``'s ``cls.predictions`` and computes the same logits.

The exercise on the masking rule (its cases, realistic wrong answers and hints) lives in
``embedlab/exercises/lesson07.py``.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .validate import InputError, number

__all__ = ["IGNORE", "MaskedLMHead", "mask_tokens", "mlm_loss"]

IGNORE = -100   # label of the positions the loss skips (PyTorch's cross_entropy default)


def mask_tokens(ids: torch.Tensor, special: torch.Tensor, *, vocab_size: int, mask_id: int,
                generator: torch.Generator | None = None, prob: float = 0.15,
                mask_frac: float = 0.8, random_frac: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's masking rule: choose positions, corrupt them, and say what they were.

    ids: (B, T) int64 token ids. special: (B, T) bool, True where a token must never be
    chosen ([CLS], [SEP], padding). Each other position is chosen with probability
    ``prob``; a chosen one becomes ``mask_id`` with probability ``mask_frac``, else a
    token drawn uniformly from the vocabulary with probability ``random_frac`` (of all
    chosen ones), else stays. Returns (inputs, labels), both (B, T) int64: inputs is a
    corrupted copy (``ids`` is not changed); labels holds the original id at the chosen
    positions and ``IGNORE`` (-100) everywhere else.
    """
    if not isinstance(ids, torch.Tensor) or ids.dtype != torch.int64 or ids.dim() != 2:
        raise InputError("ids must be a (batch, length) torch.int64 tensor of token ids, "
                         f"not {_describe(ids)}.")
    if not isinstance(special, torch.Tensor) or special.shape != ids.shape:
        raise InputError(f"special must be a bool tensor of the same shape as ids {tuple(ids.shape)}, "
                         f"True at [CLS], [SEP] and padding; got {_describe(special)}.")
    for name, value in (("prob", prob), ("mask_frac", mask_frac), ("random_frac", random_frac)):
        number(value, name, minimum=0.0)
        if value > 1:
            raise InputError(f"{name} is a probability and must be at most 1, not {value!r}.")
    if mask_frac + random_frac > 1:
        raise InputError(f"mask_frac + random_frac must be at most 1 (the rest stay unchanged), "
                         f"not {mask_frac} + {random_frac}.")
    labels = ids.clone()
    chance = torch.full(ids.shape, float(prob)).masked_fill_(special.bool().cpu(), 0.0)
    chosen = torch.bernoulli(chance, generator=generator).bool().to(ids.device)
    labels[~chosen] = IGNORE
    inputs = ids.clone()
    # Draws over every position, then kept only where they apply: the same calls, in the
    # same order, as transformers' collator (one generator stream gives the same result).
    to_mask = torch.bernoulli(torch.full(ids.shape, float(mask_frac)), generator=generator).bool().to(ids.device)
    to_mask &= chosen
    inputs[to_mask] = mask_id
    if mask_frac == 1 or random_frac == 0:
        return inputs, labels
    # random_frac of all chosen positions = random_frac / (1 - mask_frac) of those not masked.
    to_random = torch.bernoulli(torch.full(ids.shape, random_frac / (1 - mask_frac)),
                                generator=generator).bool().to(ids.device)
    to_random &= chosen & ~to_mask
    random_ids = torch.randint(vocab_size, ids.shape, dtype=torch.long, generator=generator).to(ids.device)
    inputs[to_random] = random_ids[to_random]
    return inputs, labels


class MaskedLMHead(nn.Module):
    """From a token's last hidden state to a score for every word of the vocabulary.

    As in BERT: a dense layer, GELU and LayerNorm (``transform``), then a product with
    the **input** word embeddings (``decoder``, tied: the same matrix reads tokens in and
    writes them out) plus a bias per word. Parameter names are those of
    ``BertForMaskedLM.cls.predictions``, so its weights load with ``strict=True`` once
    the checkpoint's ``decoder.weight`` and ``decoder.bias`` are left out: there they are
    the word embeddings and ``bias`` again, under a second name (tied weights).
    """

    def __init__(self, hidden_size: int, vocab_size: int, layer_norm_eps: float = 1e-12):
        super().__init__()
        self.transform = nn.Module()
        self.transform.dense = nn.Linear(hidden_size, hidden_size)
        self.transform.LayerNorm = nn.LayerNorm(hidden_size, eps=layer_norm_eps)
        self.bias = nn.Parameter(torch.zeros(vocab_size))

    def forward(self, hidden: torch.Tensor, word_embeddings: torch.Tensor) -> torch.Tensor:
        """hidden: (B, T, H) float; word_embeddings: (V, H), the model's input embedding matrix.
        Returns (B, T, V) logits."""
        h = self.transform.LayerNorm(F.gelu(self.transform.dense(hidden)))
        return h @ word_embeddings.T + self.bias


def mlm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the chosen positions (labels != IGNORE). logits: (B, T, V);
    labels: (B, T) int64. A batch with no chosen position has no loss: an InputError."""
    if logits.shape[:-1] != labels.shape:
        raise InputError(f"logits {tuple(logits.shape)} must be (batch, length, vocabulary) for labels "
                         f"of shape {tuple(labels.shape)}.")
    if not (labels != IGNORE).any():
        raise InputError("no position in this batch was chosen for prediction (every label is -100): "
                         "use longer or more sentences, or a larger masking probability.")
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=IGNORE)


def _describe(x) -> str:
    if isinstance(x, torch.Tensor):
        return f"a {x.dtype} tensor of shape {tuple(x.shape)}"
    return f"a {type(x).__name__}"
