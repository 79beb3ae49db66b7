"""Exercises of lesson 07: case generators, registered mistakes and hints.

07.attention and 07.mean_pool grade functions of ``embedlab/bert.py``; 07.mask_tokens
grades ``embedlab/masked_lm.py``. 07.softmax_jacobian is the lesson's derivation: its
reference is a numerical Jacobian of the softmax, not a formula.

07.mask_tokens is random. A learner's function that makes the same draws in the same
order as the reference gives exactly its output; one that draws differently is graded by
the rule itself (``_masking_compare``): labels, untouched positions and special tokens
exactly, and the 15 % / 80-10-10 proportions against the reference's on the same input,
on inputs of 51,200 tokens where an honest implementation lands far inside the tolerance.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from embedlab import bert, masked_lm
from embedlab.check import Case, exercise, mistake
from embedlab.gradcheck import numerical_gradients

# ---------------------------------------------------------------------------
# 07.attention (embedlab/bert.py)
# ---------------------------------------------------------------------------


def _attention_cases(rng: np.random.Generator) -> list[Case]:
    def qkv(*lead, T, S, d, dv=None, scale=1.0):
        dv = dv or d
        return (rng.normal(scale=scale, size=(*lead, T, d)), rng.normal(scale=scale, size=(*lead, S, d)),
                rng.normal(size=(*lead, S, dv)))

    one_key = np.zeros((1, 3), dtype=bool)
    one_key[0, 1] = True
    padding = np.ones((2, 1, 1, 5), dtype=bool)
    padding[0, ..., 3:] = False                          # sentence 0 has 3 real tokens, sentence 1 has 5
    half = rng.random((4, 6)) < 0.5
    half[:, 0] = True                                    # every query sees at least one key
    return [
        Case(qkv(T=1, S=1, d=1), label="one query, one key: its weight is 1 and the output is its value"),
        Case(qkv(T=2, S=3, d=4), label="2 queries, 3 keys, d=4, no mask"),
        Case(qkv(T=3, S=3, d=64, scale=1.0), label="d=64: the scores must be divided by sqrt(64) = 8"),
        Case(qkv(T=3, S=5, d=4, dv=2), label="values of another width (dv=2) than queries and keys (d=4)"),
        Case((*qkv(T=1, S=3, d=2), one_key), label="a mask that leaves one key: all the weight on it"),
        Case((*qkv(2, 4, T=5, S=5, d=8), padding),
             label="BERT's shapes: (B=2, heads=4, T=5, d=8) with a (2, 1, 1, 5) padding mask"),
        Case((*qkv(T=4, S=6, d=16), half), label="a random (T, S) mask"),
        Case(qkv(3, T=4, S=4, d=32, scale=2.0), label="large scores (d=32, entries of scale 2)"),
    ]


exercise("07.attention", bert.attention, cases=_attention_cases, inputs="torch", rtol=1e-4, atol=1e-5, hints=[
    "Three steps: scores = how well each query matches each key (a dot product, scaled), weights = "
    "a softmax of each query's scores over the KEYS, output = the weights times the values.",
    "With q (..., T, d) and k (..., S, d), q @ k.transpose(-2, -1) is (..., T, S): one row per query. "
    "Divide by math.sqrt(d) (d = q.shape[-1]). For the mask, set the scores of keys it hides (mask "
    "False) to a very negative number BEFORE the softmax, so their weights come out 0 and the rest "
    "still sum to 1.",
    "scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]); if mask is not None: scores = "
    "scores.masked_fill(~mask, torch.finfo(scores.dtype).min); weights = scores.softmax(dim=-1); "
    "return weights @ v, weights.",
])


@mistake("07.attention", "The scores are not scaled: divide q @ k^T by sqrt(d), d = q.shape[-1]. "
         "Without it, scores grow like sqrt(d) and the softmax becomes nearly one-hot.")
def _attention_unscaled(q, k, v, mask=None):
    return bert.attention(q * math.sqrt(q.shape[-1]), k, v, mask)


@mistake("07.attention", "The scores are divided by d; the scale is sqrt(d): a dot product of d "
         "terms of variance 1 has variance d, so its spread is sqrt(d).")
def _attention_by_d(q, k, v, mask=None):
    return bert.attention(q / math.sqrt(q.shape[-1]), k, v, mask)


@mistake("07.attention", "The softmax runs over the queries (dim=-2). Each QUERY's weights must sum "
         "to 1 over the keys: softmax(dim=-1) on the (..., T, S) scores.")
def _attention_wrong_axis(q, k, v, mask=None):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    weights = scores.softmax(dim=-2)
    return weights @ v, weights


@mistake("07.attention", "The mask is applied after the softmax: zeroing the hidden keys' weights "
         "leaves rows that sum to less than 1. Mask the SCORES (a very negative number) before the softmax.")
def _attention_mask_after(q, k, v, mask=None):
    weights = (q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])).softmax(dim=-1)
    if mask is not None:
        weights = weights * mask
    return weights @ v, weights


@mistake("07.attention", "The mask is the wrong way round: True means a query MAY look at that key. "
         "Hide the positions where the mask is False (~mask).")
def _attention_mask_inverted(q, k, v, mask=None):
    return bert.attention(q, k, v, None if mask is None else ~mask)


# ---------------------------------------------------------------------------
# 07.mean_pool (embedlab/bert.py)
# ---------------------------------------------------------------------------


def _mean_pool_cases(rng: np.random.Generator) -> list[Case]:
    def case(lengths, T, H, label):
        mask = (np.arange(T)[None, :] < np.array(lengths)[:, None]).astype(np.int64)
        return Case((rng.normal(size=(len(lengths), T, H)).astype(np.float32), mask), label=label)

    return [
        case([3], 3, 4, "one sentence, no padding: the plain mean over its tokens"),
        case([2, 5], 5, 3, "the first sentence has 3 padding positions: leave them out"),
        case([1, 4, 2], 4, 6, "a sentence of one token: its mean is that token's vector"),
        case([7, 3, 5, 1], 7, 8, "four sentences of different lengths"),
        case([4, 0], 4, 3, "a row of padding only: return zeros for it, not NaN (count at least 1e-9)"),
        case(list(rng.integers(1, 12, size=6)), 12, 16, "six random lengths, H=16"),
    ]


exercise("07.mean_pool", bert.mean_pool, cases=_mean_pool_cases, inputs="torch", rtol=1e-4, atol=1e-5, hints=[
    "A weighted mean: every real token has weight 1 and every padding position weight 0; divide "
    "by the number of real tokens, not by the length T.",
    "Turn attention_mask (B, T) into weights of shape (B, T, 1) (unsqueeze(-1), as a float), so "
    "that hidden * weights zeroes the padding; sum over dim 1 and divide by weights.sum(dim=1).",
    "w = attention_mask.unsqueeze(-1).to(hidden.dtype); return (hidden * w).sum(dim=1) / "
    "w.sum(dim=1).clamp(min=1e-9)",
])


@mistake("07.mean_pool", "The padding is averaged in: hidden.mean(dim=1) counts every position. "
         "Weight each token by its attention_mask value (1 real, 0 padding) and divide by their sum.")
def _mean_pool_with_padding(hidden, attention_mask):
    return hidden.mean(dim=1)


@mistake("07.mean_pool", "This is the sum over the real tokens: divide by how many there are "
         "(attention_mask.sum(dim=1), shaped (B, 1)).")
def _mean_pool_sum(hidden, attention_mask):
    return (hidden * attention_mask.unsqueeze(-1).to(hidden.dtype)).sum(dim=1)


@mistake("07.mean_pool", "The padding is left out of the sum but not of the count: divide by the "
         "number of REAL tokens, attention_mask.sum(dim=1), not by the length T.")
def _mean_pool_by_length(hidden, attention_mask):
    return (hidden * attention_mask.unsqueeze(-1).to(hidden.dtype)).sum(dim=1) / hidden.shape[1]


@mistake("07.mean_pool", "A row of padding only gives 0 / 0 = NaN: clamp the count to at least "
         "1e-9 (.clamp(min=1e-9)), so such a row gets zeros.")
def _mean_pool_nan_on_empty(hidden, attention_mask):
    w = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * w).sum(dim=1) / w.sum(dim=1)


# ---------------------------------------------------------------------------
# 07.mask_tokens (embedlab/masked_lm.py)
# ---------------------------------------------------------------------------
PAD, UNK, CLS, SEP, MASK = 0, 1, 2, 3, 4          # the cases' special ids; words are 5 .. V-1
SPECIAL = (PAD, CLS, SEP)
VOCAB = 1000


def _sentences(rng: np.random.Generator, lengths, T: int) -> tuple[np.ndarray, np.ndarray]:
    """[CLS] words [SEP] [PAD]..., and its special-token mask."""
    ids = np.full((len(lengths), T), PAD, dtype=np.int64)
    for row, n in enumerate(lengths):
        ids[row, 0] = CLS
        ids[row, 1:n + 1] = rng.integers(5, VOCAB, size=n)
        ids[row, n + 1] = SEP
    return ids, np.isin(ids, SPECIAL)


def _mask_case(rng, lengths, T, label, seed, **rule):
    ids, special = _sentences(rng, lengths, T)
    return Case((ids, special), {"vocab_size": VOCAB, "mask_id": MASK,
                                 "generator": torch.Generator().manual_seed(seed), **rule}, label=label)


def _mask_tokens_cases(rng: np.random.Generator) -> list[Case]:
    big = [int(n) for n in rng.integers(60, 127, size=400)]
    return [
        _mask_case(rng, [5], 8, "prob=0: nothing is chosen; every label is -100, the input is unchanged",
                   0, prob=0.0),
        _mask_case(rng, [4, 6], 9, "prob=1 and mask_frac=1: every word becomes [MASK] (never [CLS], [SEP], "
                   "padding)", 1, prob=1.0, mask_frac=1.0, random_frac=0.0),
        _mask_case(rng, [0, 0], 4, "sentences with no word: nothing can be chosen", 2),
        _mask_case(rng, big, 128, "400 sentences (about 37,000 words), BERT's rule: 15 %, then 80/10/10", 3),
        _mask_case(rng, big, 128, "the same, another random stream", 4),
        _mask_case(rng, big, 128, "prob=0.3, mask_frac=0.6, random_frac=0.2", 5,
                   prob=0.3, mask_frac=0.6, random_frac=0.2),
    ]


def _as_long(x: Any) -> np.ndarray | None:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    x = np.asarray(x)
    return x if x.dtype.kind in "iu" else None


def _masking_compare(got: Any, expected: Any) -> str | None:
    """Exactly the reference's output; else the rule, checked position by position and in proportion."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return f"expected a tuple (inputs, labels) of two tensors, got {type(got).__name__}"
    exp_inputs, exp_labels = (t.numpy() for t in expected)
    inputs, labels = _as_long(got[0]), _as_long(got[1])
    if inputs is None or labels is None:
        return "inputs and labels must be integer (torch.int64) tensors of token ids"
    if inputs.shape != exp_inputs.shape or labels.shape != exp_labels.shape:
        return f"inputs and labels must both have the shape of ids, {exp_inputs.shape}; got {inputs.shape} " \
               f"and {labels.shape}"
    if np.array_equal(inputs, exp_inputs) and np.array_equal(labels, exp_labels):
        return None
    original = np.where(exp_labels != masked_lm.IGNORE, exp_labels, exp_inputs)
    special = np.isin(original, SPECIAL)
    chosen = labels != masked_lm.IGNORE
    if (chosen & special).any():
        return "a special token ([CLS], [SEP] or padding) was chosen: where special is True, never choose"
    if not np.array_equal(labels[chosen], original[chosen]):
        return "at a chosen position the label must be the ORIGINAL id (what the model should guess), " \
               "not the corrupted one"
    if not np.array_equal(inputs[~chosen], original[~chosen]):
        return "a position that was not chosen changed in inputs (or its label is -100 although it " \
               "changed): only chosen positions may be corrupted, and each of them keeps its label"
    words = (~special).sum()
    exp_chosen = exp_labels != masked_lm.IGNORE

    def shares(ch, inp):
        n = max(int(ch.sum()), 1)
        masked = (inp == MASK) & ch
        kept = (inp == original) & ch
        return ch.sum() / max(words, 1), masked.sum() / n, (ch & ~masked & ~kept).sum() / n, kept.sum() / n

    got_s, exp_s = shares(chosen, inputs), shares(exp_chosen, exp_inputs)
    names = ["chosen (of all non-special tokens)", "[MASK] (of the chosen)", "random tokens (of the chosen)",
             "unchanged (of the chosen)"]
    tolerances = [0.015, 0.03, 0.025, 0.025]
    exact = words < 2000                      # small cases: the proportions are 0 or 1, no room for chance
    for name, g, e, tol in zip(names, got_s, exp_s, tolerances):
        if (exact and abs(g - e) > 1e-12) or abs(g - e) > tol:
            return f"{g:.1%} of the positions are {name}; the rule gives about {e:.1%} here"
    return None


exercise("07.mask_tokens", masked_lm.mask_tokens, cases=_mask_tokens_cases, compare=_masking_compare,
         inputs="torch", hints=[
             "Two decisions per position. First: is it chosen (probability prob, never where special is "
             "True)? Then, for a chosen one: [MASK] (mask_frac), a random id (random_frac), or unchanged "
             "(the rest). labels: the original id where chosen, -100 elsewhere.",
             "torch.bernoulli(torch.full(ids.shape, p), generator=generator).bool() draws one True/False "
             "per position. Work on copies (ids.clone()). The second draw decides [MASK] among the chosen; "
             "the third, among the chosen that are not [MASK], a random token with probability "
             "random_frac / (1 - mask_frac), so that random_frac of ALL chosen ones end up random.",
             "labels = ids.clone(); chosen = bernoulli(prob, zeroed where special); labels[~chosen] = -100; "
             "inputs = ids.clone(); to_mask = bernoulli(mask_frac) & chosen; inputs[to_mask] = mask_id; "
             "to_random = bernoulli(random_frac / (1 - mask_frac)) & chosen & ~to_mask; "
             "inputs[to_random] = torch.randint(vocab_size, ids.shape, generator=generator)[to_random]",
         ])


def _reference_with(name: str, **rule):
    """The reference with some of its settings replaced (a mistake named ``name``)."""
    def run(ids, special, *, vocab_size, mask_id, generator=None, prob=0.15, mask_frac=0.8, random_frac=0.1):
        settings = dict(prob=prob, mask_frac=mask_frac, random_frac=random_frac)
        settings.update({k: f(settings) for k, f in rule.items()})
        return masked_lm.mask_tokens(ids, special, vocab_size=vocab_size, mask_id=mask_id, generator=generator,
                                     **settings)
    run.__name__ = run.__qualname__ = name          # mistakes are told apart by name
    return run


_mask_everything = mistake(
    "07.mask_tokens", "Every chosen position became [MASK]. BERT keeps 10 % of them unchanged and puts a "
    "random token in 10 %: [MASK] never occurs when the model is used, so it must also learn from real "
    "tokens.")(_reference_with("_mask_everything", mask_frac=lambda s: 1.0))


@mistake("07.mask_tokens", "Every position has a label: only the chosen ones do. Set labels to -100 "
         "wherever a position was not chosen, so that the loss skips them.")
def _mask_labels_everywhere(ids, special, *, vocab_size, mask_id, generator=None, prob=0.15, mask_frac=0.8,
                            random_frac=0.1):
    inputs, _ = masked_lm.mask_tokens(ids, special, vocab_size=vocab_size, mask_id=mask_id,
                                      generator=generator, prob=prob, mask_frac=mask_frac, random_frac=random_frac)
    return inputs, ids.clone()


@mistake("07.mask_tokens", "Special tokens were chosen too. Zero the choosing probability where special "
         "is True ([CLS], [SEP], padding): the model should never be asked to guess them.")
def _mask_specials_too(ids, special, *, vocab_size, mask_id, generator=None, prob=0.15, mask_frac=0.8,
                       random_frac=0.1):
    return masked_lm.mask_tokens(ids, torch.zeros_like(special), vocab_size=vocab_size, mask_id=mask_id,
                                 generator=generator, prob=prob, mask_frac=mask_frac, random_frac=random_frac)


_mask_random_unscaled = mistake(
    "07.mask_tokens", "Too few random tokens: the third draw is among the chosen positions that are NOT "
    "[MASK] (20 % of them), so its probability must be random_frac / (1 - mask_frac) = 0.5, not "
    "random_frac.")(_reference_with("_mask_random_unscaled",
                                    random_frac=lambda s: s["random_frac"] * (1 - s["mask_frac"])))


@mistake("07.mask_tokens", "The labels hold the corrupted ids ([MASK] or the random token). A label is "
         "what the model must guess: the ORIGINAL id. Copy ids into labels before corrupting.")
def _mask_labels_corrupted(ids, special, *, vocab_size, mask_id, generator=None, prob=0.15, mask_frac=0.8,
                           random_frac=0.1):
    inputs, labels = masked_lm.mask_tokens(ids, special, vocab_size=vocab_size, mask_id=mask_id,
                                           generator=generator, prob=prob, mask_frac=mask_frac,
                                           random_frac=random_frac)
    chosen = labels != masked_lm.IGNORE
    labels[chosen] = inputs[chosen]
    return inputs, labels


# ---------------------------------------------------------------------------
# 07.softmax_jacobian: the derivation, graded by a numerical Jacobian
# ---------------------------------------------------------------------------


def softmax_jacobian_reference(z):
    """d softmax(z)_i / d z_j by central differences (float64, (n, n)); not the analytic answer."""
    z = np.asarray(z, dtype=np.float64)
    rows = [numerical_gradients(lambda x, i=i: _softmax(x)[i], [z], wrt=[0])[0] for i in range(len(z))]
    return np.stack(rows)


def _softmax(z) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    p = np.exp(z - z.max())                  # minus the max: the same softmax, no overflow
    return p / p.sum()


def softmax_jacobian(z):
    """The analytic Jacobian diag(p) - p p^T (the stand-in for later cells; tested against the reference)."""
    p = _softmax(z)
    return np.diag(p) - np.outer(p, p)


def _softmax_jacobian_cases(rng: np.random.Generator) -> list[Case]:
    return [
        Case((np.array([0.0]),), label="one score: softmax is 1 whatever z is, so the Jacobian is [[0]]"),
        Case((np.array([0.0, 0.0]),), label="two equal scores: p = (1/2, 1/2)"),
        Case((np.array([1.0, 2.0, 3.0]),), label="three scores"),
        Case((np.array([5.0, -5.0, 0.0, 1.0]),), label="one score dominates"),
        Case((rng.normal(size=6),), label="six random scores"),
        Case((rng.normal(scale=3, size=8),), label="eight large random scores"),
    ]


exercise("07.softmax_jacobian", softmax_jacobian_reference, name="softmax_jacobian",
         cases=_softmax_jacobian_cases, rtol=1e-5, atol=1e-7, stand_in=softmax_jacobian, hints=[
             "Write p_i = exp(z_i) / S with S = sum_k exp(z_k), and differentiate with the quotient rule. "
             "Two cases: j = i (z_j appears in the numerator and in S) and j != i (only in S).",
             "For j = i: dp_i/dz_i = p_i - p_i^2 = p_i (1 - p_i). For j != i: dp_i/dz_j = -p_i p_j. "
             "Both are p_i (delta_ij - p_j).",
             "p = softmax(z) (subtract z.max() before exp for safety); return np.diag(p) - np.outer(p, p).",
         ])


@mistake("07.softmax_jacobian", "Only the diagonal is there: a score z_j also changes every OTHER "
         "probability (they must still sum to 1): dp_i/dz_j = -p_i p_j for j != i.")
def _jacobian_diagonal_only(z):
    J = softmax_jacobian(z)
    return np.diag(np.diag(J))


@mistake("07.softmax_jacobian", "The diagonal is p_i, the derivative of exp(z_i) / S with S held "
         "fixed; but S depends on z_i too: dp_i/dz_i = p_i (1 - p_i).")
def _jacobian_no_minus_on_diagonal(z):
    p = _softmax(z)
    return softmax_jacobian(z) + np.diag(p * p)          # diagonal p_i instead of p_i (1 - p_i)


@mistake("07.softmax_jacobian", "The sign of the off-diagonal terms is flipped: raising z_j takes "
         "probability away from the others, so dp_i/dz_j = -p_i p_j.")
def _jacobian_plus_outer(z):
    p = _softmax(z)
    return np.diag(p - p * p) + (np.outer(p, p) - np.diag(p * p))   # off-diagonal +p_i p_j
