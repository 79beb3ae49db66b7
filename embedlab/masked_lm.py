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

    tiny = load_tiny_bert()                     # a small BERT pretrained on the course corpus
    tiny.fill_mask("and god said let there be [MASK]")            # [('light', 0.6), ...]

``pretrain`` is the training loop (AdamW, linear warm-up and decay, logits only at the
chosen positions, since the other 85 % carry no loss); ``tools/pretrain_tiny_bert.py``
runs it, seeded, on the course corpus and saves the checkpoint that ``load_tiny_bert``
reads (``data/models/tiny_bert.safetensors``: weights, config and vocabulary in one file).

``mask_tokens`` makes the same random draws, in the same order, as Hugging Face
``transformers``' ``DataCollatorForLanguageModeling``, so with the same generator state it
gives the same inputs and labels (``tests/test_masked_lm.py``). ``MaskedLMHead`` has the
parameter names of ``BertForMaskedLM``'s ``cls.predictions`` and computes the same logits.

The exercise on the masking rule (its cases, realistic wrong answers and hints) lives in
``embedlab/exercises/lesson07.py``.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import torch
from torch import nn
from torch.nn import functional as F

from .validate import InputError, number, whole_number

__all__ = ["IGNORE", "MaskedLMHead", "TinyBert", "init_like_bert", "load_tiny_bert", "mask_tokens", "mlm_loss",
           "pack_sequences", "pretrain"]

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


SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]   # ids 0-4 in a vocabulary made here


def pack_sequences(docs: Iterable[Sequence[str]], encode_word, *, seq_len: int, cls_id: int,
                   sep_id: int, pad_id: int, across_documents: bool = False) -> torch.Tensor:
    """Documents -> (N, seq_len) int64 training sequences, ``[CLS] pieces... [SEP] [PAD]...``.

    docs: token lists; encode_word: word -> list of token ids (a WordPiece). Each
    document's ids are cut into runs of seq_len - 2; the last run of a document is
    padded with pad_id. across_documents: instead, the documents follow each other in
    one stream, separated by [SEP], and every sequence is full (as BERT was pretrained:
    short documents such as dictionary entries would otherwise be mostly padding).
    """
    body = whole_number(seq_len, "seq_len", minimum=3) - 2
    rows: list[list[int]] = []
    if across_documents:
        stream: list[int] = []
        for doc in docs:
            stream += [i for w in doc for i in encode_word(w)] + [sep_id]
        docs_ids: Iterable[list[int]] = [stream]
    else:
        docs_ids = ([i for w in doc for i in encode_word(w)] for doc in docs)
    for ids in docs_ids:
        for lo in range(0, len(ids), body):
            run = [cls_id, *ids[lo:lo + body], sep_id]
            rows.append(run + [pad_id] * (seq_len - len(run)))
    if not rows:
        raise InputError("no document had any token: give a list of token lists.")
    return torch.tensor(rows, dtype=torch.int64)


def init_like_bert(module: nn.Module) -> nn.Module:
    """BERT's initialisation, in place: weights normal with std 0.02, biases 0, LayerNorm 1 and 0.

    PyTorch's defaults (embeddings N(0, 1)) give logits so large that the first masked-LM
    loss is several times log V; with std 0.02 it starts at about log V, a uniform guess.
    """
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
            if getattr(m, "bias", None) is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    if isinstance(module, MaskedLMHead):
        nn.init.zeros_(module.bias)
    return module


def pretrain(model: nn.Module, head: MaskedLMHead, sequences: torch.Tensor, *, steps: int,
             batch_size: int = 64, lr: float = 1e-3, warmup: int = 100, weight_decay: float = 0.01,
             special_ids: Sequence[int], mask_id: int, pad_id: int, seed: int = 0,
             progress: bool | None = None) -> list[float]:
    """Masked-LM training of ``model`` (an ``embedlab.bert.BertModel``) and ``head``, in place.

    sequences: (N, T) int64 from ``pack_sequences``. Each step draws batch_size rows at
    random (with a generator seeded by ``seed``, so a run is reproducible on a CPU),
    masks them with ``mask_tokens``, and takes one AdamW step; the learning rate rises
    linearly over ``warmup`` steps, then falls linearly to 0 at ``steps``. The head's
    logits are computed at the chosen positions only: (n_chosen, V) instead of
    (B, T, V). Returns the loss of every step.
    """
    from .progress import progress_bar

    whole_number(steps, "steps")
    whole_number(batch_size, "batch_size")
    gen = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    vocab_size = model.config.vocab_size
    params = list(model.parameters()) + list(head.parameters())
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / max(warmup, 1), max(0.0, (steps - s) / max(steps - warmup, 1))))
    special_ids_t = torch.tensor(list(special_ids), dtype=torch.int64)
    model.train()
    head.train()
    losses: list[float] = []
    bar = progress_bar(steps, progress, "masked LM", unit="step")
    for _ in range(steps):
        rows = sequences[torch.randint(len(sequences), (batch_size,), generator=gen)]
        special = torch.isin(rows, special_ids_t)
        inputs, labels = mask_tokens(rows, special, vocab_size=vocab_size, mask_id=mask_id, generator=gen)
        if not (labels != IGNORE).any():
            continue                                   # (a batch of padding only: nothing to learn)
        inputs, labels = inputs.to(device), labels.to(device)
        hidden = model(inputs, attention_mask=(inputs != pad_id).long(), output_hidden_states=False)[-1]
        chosen = labels != IGNORE
        logits = head(hidden[chosen], model.embeddings.word_embeddings.weight)      # (n_chosen, V)
        loss = F.cross_entropy(logits, labels[chosen])
        if not torch.isfinite(loss):
            from .validate import DivergedError
            raise DivergedError(f"the masked-LM loss became {loss.item()} at step {len(losses) + 1}: "
                                f"lower the learning rate (lr={lr}).")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        bar.update(1)
    bar.close()
    model.eval()
    head.eval()
    return losses


@dataclass
class TinyBert:
    """A small BERT and its MLM head, pretrained by ``tools/pretrain_tiny_bert.py``.

    model: an ``embedlab.bert.BertModel``; head: its ``MaskedLMHead``; vocab: the token
    list (id = position); meta: what the tool recorded (corpus, steps, seed, losses ...).
    """

    model: nn.Module
    head: MaskedLMHead
    vocab: list[str]
    meta: dict

    def __post_init__(self):
        from .subword_tokenizers import WordPiece

        self.ids = {t: i for i, t in enumerate(self.vocab)}
        self.wordpiece = WordPiece({t: i for t, i in self.ids.items()})

    def encode(self, text: str) -> list[int]:
        """``[CLS] pieces [SEP]`` for a lowercase, space-separated text; "[MASK]" stays one token."""
        ids = [self.ids["[CLS]"]]
        for word in text.lower().split():
            ids += [self.ids["[MASK]"]] if word == "[mask]" else self.wordpiece.encode_ids([word])
        return ids + [self.ids["[SEP]"]]

    @torch.no_grad()
    def fill_mask(self, text: str, k: int = 5) -> list[list[tuple[str, float]]]:
        """For each [MASK] in ``text``, the k most likely tokens and their probabilities."""
        ids = torch.tensor([self.encode(text)])
        where = (ids[0] == self.ids["[MASK]"]).nonzero().flatten()
        if len(where) == 0:
            raise InputError(f"there is no [MASK] in {text!r}: write [MASK] where a word should be guessed.")
        hidden = self.model(ids, output_hidden_states=False)[-1][0, where]       # (n_masks, H)
        probs = self.head(hidden, self.model.embeddings.word_embeddings.weight).softmax(-1)
        top = probs.topk(k, dim=-1)
        return [[(self.vocab[i], float(p)) for p, i in zip(ps.tolist(), ix.tolist())]
                for ps, ix in zip(top.values, top.indices)]


def save_tiny_bert(path: str | Path, model: nn.Module, head: MaskedLMHead, vocab: list[str], meta: dict) -> None:
    """One safetensors file: the weights (BertForMaskedLM's names) plus config, vocabulary and meta as text."""
    from dataclasses import asdict

    from safetensors.torch import save_file

    tensors = {f"bert.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    tensors.update({f"cls.predictions.{k}": v.detach().cpu().contiguous() for k, v in head.state_dict().items()})
    save_file(tensors, str(path), metadata={"config": json.dumps(asdict(model.config)),
                                            "vocab": "\n".join(vocab), "meta": json.dumps(meta)})


def load_tiny_bert(path: str | Path | None = None, device: str | torch.device | None = "cpu") -> TinyBert:
    """The course's tiny pretrained BERT (``data/models/tiny_bert.safetensors``, sha256-checked)."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    from . import bert
    from .device import resolve

    if path is None:
        from . import data
        path = data.path("tiny-bert")
    with safe_open(str(path), "pt") as f:
        text = f.metadata()
    config = bert.BertConfig(**json.loads(text["config"]))
    weights = load_file(str(path))
    model = bert.BertModel(config, add_pooling_layer=False)
    model.load_state_dict({k.removeprefix("bert."): v for k, v in weights.items() if k.startswith("bert.")},
                          strict=True)
    head = MaskedLMHead(config.hidden_size, config.vocab_size, config.layer_norm_eps)
    head.load_state_dict({k.removeprefix("cls.predictions."): v for k, v in weights.items()
                          if k.startswith("cls.predictions.")}, strict=True)
    where = resolve(device)
    return TinyBert(model.to(where).eval(), head.to(where).eval(), text["vocab"].split("\n"),
                    json.loads(text["meta"]))


def _describe(x) -> str:
    if isinstance(x, torch.Tensor):
        return f"a {x.dtype} tensor of shape {tuple(x.shape)}"
    return f"a {type(x).__name__}"
