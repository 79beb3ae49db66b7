"""Lesson 08, sentence search: many sentences in, one unit vector per sentence out.

``encode`` is what ``SentenceTransformer("all-MiniLM-L6-v2").encode(texts,
normalize_embeddings=True)`` does, on lesson 07's BERT (``embedlab.bert``)::

    from embedlab.sentence_encoder import encode
    vectors = encode(["The cat sat.", "A bank by the river."])    # (2, 384) float32, rows of length 1
    vectors @ vectors.T                                            # (2, 2) cosine similarities

The steps, for N texts and a batch size of b:

1. Tokenize every text once: a list of N id lists, each ``[CLS] pieces [SEP]``, cut at
   the tokenizer's ``max_length`` (256 for MiniLM).
2. Sort them by length, longest first (the order sentence-transformers uses), and cut
   the sorted list into batches of b.
3. Each batch is padded to its own longest text: ``input_ids`` and ``attention_mask``
   (b, T) int64, run through the model: (b, T, H) float32 hidden states, pooled to (b, H).
4. The N pooled rows are put back in the order of ``texts``, and (by default) each is
   divided by its length, so that a dot product of two rows is their cosine.

Why sort. A batch is one (b, T) tensor, so every text in it costs as much as the longest
one: a 5-token verse batched with a 120-token one is padded to 120 tokens, and the model
computes 115 vectors nobody reads (attention even costs T^2 per text). Unsorted, with
the Bible's verses of 10 to 90 tokens in random order, most batches are padded to about
their longest, ~80 tokens; sorted, each batch holds texts of nearly equal length, and
the total (b x T) over the batches drops to roughly the number of real tokens. The
padded positions do not change the result (the attention mask gives them weight 0 and
pooling leaves them out), only the time; which is why the rows must then be put back in
input order, or row i would be some other text's vector.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn.functional as F

from . import bert as _bert
from .device import resolve as _resolve_device
from .progress import progress_bar
from .validate import InputError, whole_number

__all__ = ["POOLINGS", "encode"]

POOLINGS = ("mean", "cls", "max")
_DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16}


def encode(texts: str | Sequence[str], model: _bert.BertModel | None = None,
           tokenizer: _bert.BertTokenizer | None = None, *, batch_size: int = 64,
           device: str | torch.device | None = None, normalize: bool = True, dtype: str | None = None,
           layer: int = -1, pooling: str = "mean", progress: bool | None = None) -> torch.Tensor:
    """One vector per text, as a (N, H) float32 tensor on the CPU, row i for ``texts[i]``.

    texts: a string (one row) or a non-empty list of strings.
    model, tokenizer: an ``embedlab.bert.BertModel`` and its ``BertTokenizer``; None for
    all-MiniLM-L6-v2 (``bert.load_minilm``), loaded on ``device``.
    batch_size: texts per forward pass (64, as sentence-transformers).
    device: where to run; None: the model's device (or, loading MiniLM, the best one
    here). A model elsewhere is not moved: give ``model.to(device)``.
    normalize: divide each row by its length (L2), so that dot products are cosines.
    dtype: None for float32; "float16" or "bfloat16" for autocast on a GPU (about twice as
    fast, vectors within ~1e-3). On the CPU float16 is refused; bfloat16 runs only where
    torch's CPU autocast supports it.
    layer: which hidden state to pool: -1 the last layer (the default), 0 the embeddings,
    1 to num_hidden_layers the layers.
    pooling: "mean" (the real tokens' mean, ``bert.mean_pool``: all-MiniLM-L6-v2's own),
    "cls" ([CLS]'s vector) or "max" (the largest value of each dimension over the real
    tokens; padding never counts).
    progress: a bar over the batches; None shows it unless EMBEDLAB_PROGRESS=0.
    """
    texts = _checked_texts(texts)
    if pooling not in POOLINGS:
        raise InputError(f"pooling={pooling!r} is not one of {', '.join(map(repr, POOLINGS))}.")
    batch_size = whole_number(batch_size, "batch_size")
    if (model is None) != (tokenizer is None):
        raise InputError("give both model and tokenizer (one BERT and its own vocabulary), or neither for "
                         "all-MiniLM-L6-v2.")
    if model is None:
        model, tokenizer = _bert.load_minilm(device)
    where = _model_device(model)
    if device is not None and _resolve_device(device) != where:
        raise InputError(f"the model is on {where}, not on {_resolve_device(device)}: move it with "
                         f"model.to({str(device)!r}), or leave device=None.")
    n_states = model.config.num_hidden_layers + 1
    if not isinstance(layer, int) or isinstance(layer, bool) or not -n_states <= layer < n_states:
        raise InputError(f"layer={layer!r} is not a hidden state of this model: give -1 (the last layer), 0 "
                         f"(the embeddings) or 1 to {n_states - 1}.")
    autocast = _autocast(dtype, where)

    # 1-2. Tokenize once; the longest first. Python's sort is stable, so equal lengths keep input order.
    encoded = [tokenizer.encode(text)[0] for text in texts]
    order = sorted(range(len(texts)), key=lambda i: -len(encoded[i]))
    pooled = torch.empty(len(texts), model.config.hidden_size, dtype=torch.float32)
    starts = range(0, len(texts), batch_size)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode(), autocast, progress_bar(len(starts), progress, "encode", unit="batch") as bar:
            for start in starts:
                rows = order[start:start + batch_size]
                ids, mask = _padded([encoded[i] for i in rows], tokenizer.pad_id, where)
                hidden = model(ids, attention_mask=mask, output_hidden_states=layer != -1)[layer]
                # 4. Back in input order: row i of the result is texts[i]'s vector.
                pooled[rows] = _pool(hidden, mask, pooling).float().cpu()
                bar.update(1)
    finally:
        model.train(was_training)
    return F.normalize(pooled, dim=1) if normalize else pooled


# ---------------------------------------------------------------------------
# The steps
# ---------------------------------------------------------------------------
def _padded(id_lists: list[list[int]], pad_id: int, where: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """``input_ids`` and ``attention_mask``, (b, T) int64 on ``where``, T = the longest list's length."""
    T = len(max(id_lists, key=len))
    ids = torch.full((len(id_lists), T), pad_id, dtype=torch.long)
    mask = torch.zeros((len(id_lists), T), dtype=torch.long)
    for row, token_ids in enumerate(id_lists):
        ids[row, :len(token_ids)] = torch.tensor(token_ids, dtype=torch.long)
        mask[row, :len(token_ids)] = 1
    return ids.to(where), mask.to(where)


def _pool(hidden: torch.Tensor, mask: torch.Tensor, pooling: str) -> torch.Tensor:
    """(b, T, H) hidden states and the (b, T) mask -> (b, H) sentence vectors."""
    if pooling == "mean":
        return _bert.mean_pool(hidden, mask)
    if pooling == "cls":
        return hidden[:, 0]                                   # [CLS] is always the first token
    # max: padding set to the lowest number first, so that it never wins a dimension's max.
    padding = ~mask.bool().unsqueeze(-1)                      # (b, T, 1)
    return hidden.masked_fill(padding, torch.finfo(hidden.dtype).min).amax(dim=1)


def _autocast(dtype, where: torch.device):
    """The autocast context for ``dtype`` on ``where`` (a no-op for None / float32), or an InputError."""
    if dtype is None or dtype in ("float32", torch.float32):
        return torch.autocast(where.type, enabled=False)
    name = dtype if isinstance(dtype, str) else str(dtype).removeprefix("torch.")
    if name not in _DTYPES:
        raise InputError(f"dtype={dtype!r} is not one encode runs in: give None (float32), 'float16' or 'bfloat16'.")
    if where.type == "cpu":
        if name == "float16":
            raise InputError("dtype='float16' is for a GPU: on the CPU use dtype=None (float32) or 'bfloat16'.")
        try:                                                  # bfloat16 on the CPU: only where torch can
            with torch.autocast("cpu", dtype=torch.bfloat16):
                torch.ones(2, 2) @ torch.ones(2, 2)
        except (RuntimeError, TypeError):
            raise InputError("this torch cannot autocast to bfloat16 on the CPU: use dtype=None (float32).") from None
    return torch.autocast(where.type, dtype=_DTYPES[name])


def _checked_texts(texts) -> list[str]:
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, (bytes, bytearray)) or not hasattr(texts, "__iter__"):
        raise InputError(f"texts must be a string or a list of strings, not a {type(texts).__name__}.")
    texts = list(texts)
    if not texts:
        raise InputError("texts is empty: give at least one string to encode.")
    bad = next((t for t in texts if not isinstance(t, str)), None)
    if bad is not None or any(not isinstance(t, str) for t in texts):
        raise InputError(f"texts must all be strings; one is a {type(bad).__name__} ({bad!r:.40}).")
    return texts


def _model_device(model) -> torch.device:
    return next(model.parameters()).device
