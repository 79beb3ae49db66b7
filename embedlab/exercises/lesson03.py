"""Exercises of lesson 03: case generators, registered mistakes and hints."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from embedlab.check import Case, exercise, mistake
from embedlab.tensors import float_tensors as _as_float_tensors
from embedlab import word2vec
from embedlab.word2vec import sgns_grad


# ---------------------------------------------------------------------------
# embedlab/word2vec.py
# ---------------------------------------------------------------------------


def _keep_probability_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        # A Zipf-like vocabulary: the frequent words are dropped often, the rare ones never.
        Case((np.array([5000, 1200, 300, 40, 7, 5, 5]),), {"sample": 1e-3}, label="Zipf-like counts"),
        Case((np.array([1_000_000, 20_000, 5_000, 200, 10]),), label="default sample=1e-3"),
        Case((np.array([50, 30, 20]),), {"sample": 0.05}, label="sample=0.05 on a tiny corpus"),
        Case((np.array([7]),), label="a single word"),
        Case((np.full(4, 1000),), {"sample": 1e-2}, label="equal counts"),
        Case((np.array([5000, 1200, 300, 40, 7]),), {"sample": 0},
             label="sample=0 switches subsampling off: every probability is 1"),
    ]
    for i, size in enumerate([20, 300]):
        counts = np.sort((rng.zipf(1.3, size=size) + 4).clip(max=10**7))[::-1].astype(np.int64)
        cases.append(Case((counts,), {"sample": [1e-3, 1e-4][i]}, label=f"random Zipf counts, V={size}"))
    return cases


exercise("03.keep_probability", word2vec.keep_probability, cases=_keep_probability_cases, inputs="both", rtol=1e-6, hints=[])


@mistake("03.keep_probability", "NaN at sample=0: the threshold is then 0, and "
         "(sqrt(f / 0) + 1) * 0 / f is inf * 0 = NaN. sample=0 means \"no subsampling\": "
         "return all ones (e.g. `if sample <= 0: return np.ones(len(counts))`) before the formula.")
def _keep_no_switch_off(counts, sample=1e-3):
    # Registered first: _keep_uncapped also gives NaN at sample=0, and check() shows the
    # hint of the first registered mistake that matches.
    counts = np.asarray(counts, dtype=np.float64)
    threshold = sample * counts.sum()
    return np.minimum(1.0, (np.sqrt(counts / threshold) + 1) * threshold / counts)


@mistake("03.keep_probability", "That is the formula of the word2vec paper (keep with probability "
         "sqrt(t / f), f the word's frequency). word2vec.c and gensim use another one: with "
         "threshold = sample * total count, keep = (sqrt(count / threshold) + 1) * threshold / count, "
         "capped at 1.")
def _keep_paper_formula(counts, sample=1e-3):
    counts = np.asarray(counts, dtype=np.float64)
    return np.minimum(1.0, np.sqrt(sample / (counts / counts.sum())))


@mistake("03.keep_probability", "Some probabilities are above 1: rare words give "
         "(sqrt(f / threshold) + 1) * threshold / f > 1. Cap them with np.minimum(p, 1.0).")
def _keep_uncapped(counts, sample=1e-3):
    counts = np.asarray(counts, dtype=np.float64)
    threshold = sample * counts.sum()
    return (np.sqrt(counts / threshold) + 1) * threshold / counts


@mistake("03.keep_probability", "The threshold is sample * (total number of words), not sample "
         "itself: `sample` is a frequency (a fraction of the corpus), while the counts are counts.")
def _keep_threshold_not_scaled(counts, sample=1e-3):
    counts = np.asarray(counts, dtype=np.float64)
    return np.minimum(1.0, (np.sqrt(counts / sample) + 1) * sample / counts)


@mistake("03.keep_probability", "The threshold is one number for the whole vocabulary, sample * "
         "counts.sum() (the TOTAL number of words), not sample * counts (a threshold per word): "
         "the probability must fall as a word gets more frequent.")
def _keep_threshold_per_word(counts, sample=1e-3):
    counts = np.asarray(counts, dtype=np.float64)
    threshold = sample * counts
    return np.minimum(1.0, (np.sqrt(counts / threshold) + 1) * threshold / counts)


def _negative_distribution_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case((np.array([16, 1]),), label="two words: 16**0.75 = 8"),
        Case((np.array([900, 90, 9, 1]),), label="Zipf-like counts"),
        Case((np.array([5]),), label="a single word"),
        Case((np.array([3, 3, 3]),), label="equal counts give a uniform distribution"),
        Case((np.array([100, 10, 1]),), {"power": 0.5}, label="power=0.5"),
        Case((np.array([100, 10, 1]),), {"power": 1.0}, label="power=1: the unigram distribution"),
    ]
    for size in (10, 1000):
        counts = np.sort(rng.zipf(1.5, size=size) + 4)[::-1].astype(np.int64)
        cases.append(Case((counts,), label=f"random Zipf counts, V={size}"))
    return cases


exercise("03.negative_distribution", word2vec.negative_distribution, cases=_negative_distribution_cases, inputs="both", hints=[])


@mistake("03.negative_distribution", "You normalised the counts and then raised them to the power "
         "0.75: the result no longer sums to 1. Raise the counts to the power first, then divide "
         "by the sum (or divide by the sum again).")
def _negative_power_after_normalising(counts, power=0.75):
    counts = np.asarray(counts, dtype=np.float64)
    return (counts / counts.sum()) ** power


@mistake("03.negative_distribution", "This is the plain unigram distribution counts / counts.sum(): "
         "raise the counts to the power 0.75 (the `power` argument) before normalising.")
def _negative_no_power(counts, power=0.75):
    counts = np.asarray(counts, dtype=np.float64)
    return counts / counts.sum()


@mistake("03.negative_distribution", "The power is fixed at 0.75 in your function: use the `power` "
         "argument, so that power=1 gives the unigram distribution and power=0 a uniform one.")
def _negative_fixed_power(counts, power=0.75):
    weights = np.asarray(counts, dtype=np.float64) ** 0.75
    return weights / weights.sum()


def _sgns_cases(rng: np.random.Generator) -> list[Case]:
    d = 4
    cases = [
        Case((np.zeros((2, d)), np.zeros((2, d)), np.zeros((2, 3, d))),
             label="all-zero vectors: every score is 0, loss = 4 log 2"),
        Case((np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]]), np.array([[[0.0, 1.0], [-1.0, 0.5]]])),
             label="one pair, two negatives"),
        Case((np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 1.0]]),
              np.array([[1.0, 0.0], [1.0, 1.0], [-1.0, 2.0]]),
              np.array([[[0.5, 0.5]], [[-1.0, 0.0]], [[2.0, -1.0]]])),
             label="three pairs, one negative each"),
        Case((np.array([[30.0, -30.0]]), np.array([[-20.0, 20.0]]), np.array([[[20.0, -20.0]]])),
             label="large scores (-1200): needs a numerically stable log-sigmoid"),
    ]
    for b, k, dim in [(5, 2, 3), (16, 5, 8), (64, 10, 20)]:
        cases.append(Case((rng.normal(size=(b, dim)), rng.normal(size=(b, dim)), rng.normal(size=(b, k, dim))),
                          label=f"random, B={b}, k={k}, d={dim}"))
    return cases


exercise("03.sgns_loss", word2vec.sgns_loss, cases=_sgns_cases, inputs="both", hints=[])


@mistake("03.sgns_loss", "The negative term has the wrong sign: noise words should get LOW scores, "
         "so their term is log σ(-c·n), with a minus inside the sigmoid.")
def _sgns_loss_negative_sign(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    neg_score = torch.einsum("bd,bkd->bk", c, n)
    return -(F.logsigmoid((c * p).sum(-1)) + F.logsigmoid(neg_score).sum(-1)).mean()


@mistake("03.sgns_loss", "You used σ instead of log σ: the loss is a negative log-likelihood, "
         "-log σ(c·p) - Σ log σ(-c·n), computed with F.logsigmoid.")
def _sgns_loss_sigmoid(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    neg_score = torch.einsum("bd,bkd->bk", c, n)
    return -(torch.sigmoid((c * p).sum(-1)) + torch.sigmoid(-neg_score).sum(-1)).mean()


@mistake("03.sgns_loss", "You summed the loss over the batch: return the mean over the B pairs "
         "(.mean()), so that the loss does not grow with the batch size.")
def _sgns_loss_summed(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    neg_score = torch.einsum("bd,bkd->bk", c, n)
    return -(F.logsigmoid((c * p).sum(-1)) + F.logsigmoid(-neg_score).sum(-1)).sum()


@mistake("03.sgns_loss", "log(sigmoid(x)) underflows: for a score of -1000, sigmoid gives exactly 0 "
         "and log(0) = -inf. Use F.logsigmoid(x) (or -np.logaddexp(0, -x)), which stays finite.")
def _sgns_loss_naive_log(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    neg_score = torch.einsum("bd,bkd->bk", c, n)
    return -(torch.log(torch.sigmoid((c * p).sum(-1))) + torch.log(torch.sigmoid(-neg_score)).sum(-1)).mean()


exercise("03.sgns_grad", word2vec.sgns_grad, cases=_sgns_cases, inputs="both", hints=[])


@mistake("03.sgns_grad", "The negatives are missing from the gradient: each noise word adds "
         "σ(c·n_j) n_j to the gradient of the centre vector.")
def _sgns_grad_no_negatives(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    return -(1 - torch.sigmoid((c * p).sum(-1)))[:, None] * p / c.shape[0]


@mistake("03.sgns_grad", "The sign is flipped: you returned the direction that DEcreases the "
         "loss. The gradient of -log σ(c·p) with respect to c is -(1 - σ(c·p)) p, pointing away from "
         "p; gradient descent (c -= lr * grad) then moves c towards p.")
def _sgns_grad_sign(centre, pos, neg):
    return -sgns_grad(centre, pos, neg)


@mistake("03.sgns_grad", "Every row is B times too large: sgns_loss is the MEAN over the B pairs, "
         "so its gradient is divided by B.")
def _sgns_grad_not_averaged(centre, pos, neg):
    return sgns_grad(centre, pos, neg) * len(centre)


@mistake("03.sgns_grad", "The negative term uses σ(-c·n_j) instead of σ(c·n_j): the derivative of "
         "-log σ(-t) with respect to t is +σ(t).")
def _sgns_grad_neg_sigmoid_sign(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    neg_score = torch.einsum("bd,bkd->bk", c, n)
    grad = (-(1 - torch.sigmoid((c * p).sum(-1)))[:, None] * p
            + torch.einsum("bk,bkd->bd", torch.sigmoid(-neg_score), n))
    return grad / c.shape[0]
