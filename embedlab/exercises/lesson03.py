"""Exercises of lesson 03 (word2vec): case generators, registered mistakes and hints.

Four implementation exercises on the functions of ``embedlab/word2vec.py``
(``keep_probability``, ``negative_distribution``, ``sgns_loss``, ``sgns_grad``) and one
derivation, ``03.sgns_output_grads``: the gradients with respect to the output vectors,
which the notebook does not give. That one is graded by a numerical gradient of
``word2vec.sgns_loss`` (``embedlab.gradcheck``), not by the analytic formula.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from embedlab import word2vec
from embedlab.check import Case, compare_values, exercise, mistake
from embedlab.gradcheck import numerical_gradients
from embedlab.tensors import float_tensors as _as_float_tensors
from embedlab.word2vec import sgns_grad, sgns_output_grads


def _float64_compare(rtol: float = 1e-4, atol: float = 1e-6):
    """The values, and float64 as the docstring promises (rare words' probabilities lose
    digits in float32: their cumulative sum no longer ends at 1)."""
    def compare(got, expected):
        dtype = getattr(got, "dtype", None)
        if dtype is not None and str(dtype).replace("torch.", "") == "float32":
            return ("float32 values where float64 was asked for: start from the counts as float64 "
                    "(probabilities of rare words lose their last digits in float32)")
        return compare_values(got, expected, rtol, atol)
    return compare


def _compare_loss(got, expected):
    """A 0-d torch tensor, as the docstring says: training calls .backward() on it."""
    if not isinstance(got, torch.Tensor):
        kind = "a NumPy value" if isinstance(got, (np.ndarray, np.generic)) else f"a {type(got).__name__}"
        return f"returned {kind}, expected a 0-d torch tensor (compute with torch operations)"
    if got.ndim != 0:
        return f"returned a tensor of shape {tuple(got.shape)}, expected a 0-d tensor (one number)"
    return compare_values(got, expected)


# ---------------------------------------------------------------------------
# 03.keep_probability
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


exercise("03.keep_probability", word2vec.keep_probability, cases=_keep_probability_cases, inputs="both",
         compare=_float64_compare(rtol=1e-6), hints=[
             "Two things decide the answer besides the formula: the threshold $t$ is ONE number "
             "for the whole vocabulary (the fraction `sample` of all the words of the corpus), and "
             "a probability can never be above 1. Then ask what the formula does when `sample` is 0.",
             "`counts` is (V,), the result too; $t$ = `sample` times the total count is a scalar. "
             "Rare words give values above 1, so cap them. At `sample=0`, $t = 0$ and the formula "
             "computes $\\infty \\cdot 0$ = NaN: that case needs its own answer (all ones) before "
             "the formula. Work in float64.",
             "In words: if `sample <= 0`, return ones shaped like `counts`. Otherwise convert the "
             "counts to float64 (`torch.as_tensor(counts).to(torch.float64)` serves numpy and torch "
             "inputs alike), compute `threshold = sample * counts.sum()`, evaluate "
             "$(\\sqrt{f/t} + 1)\\,t/f$ element-wise, and cap it at 1 (`.clamp(max=1.0)` on a "
             "tensor, `np.minimum(p, 1.0)` on an array).",
         ])


@mistake("03.keep_probability", "NaN at sample=0: the threshold is then 0, and "
         "(sqrt(f / 0) + 1) * 0 / f is inf * 0 = NaN. sample=0 means \"no subsampling\": "
         "return all ones (e.g. `if sample <= 0: return np.ones(len(counts))`) before the formula.")
def _keep_no_switch_off(counts, sample=1e-3):
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


# ---------------------------------------------------------------------------
# 03.negative_distribution
# ---------------------------------------------------------------------------
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


exercise("03.negative_distribution", word2vec.negative_distribution, cases=_negative_distribution_cases,
         inputs="both", compare=_float64_compare(), hints=[
             "The result is a probability distribution over the V words: every value is "
             "proportional to the word's count raised to `power`, and together they sum to 1.",
             "The order matters: raise the counts to the power first, normalise second (normalised "
             "frequencies raised to 0.75 no longer sum to 1). Use the `power` argument rather than a "
             "fixed 0.75: `power=1` must give the plain frequencies, `power=0` a uniform choice.",
             "In words: convert the counts to float64 (`torch.as_tensor(counts).to(torch.float64)` "
             "accepts numpy and torch), raise them to `power`, and divide by the sum of the result. "
             "Two lines.",
         ])


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


# ---------------------------------------------------------------------------
# 03.sgns_loss and 03.sgns_grad
# ---------------------------------------------------------------------------
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


exercise("03.sgns_loss", word2vec.sgns_loss, cases=_sgns_cases, inputs="both", compare=_compare_loss, hints=[
    "Each pair contributes one term for its true context, whose score should be high, and one "
    "term for each of its k noise words, whose scores should be low; the function returns the "
    "mean of the B pairs' losses.",
    "The true scores are one dot product per pair, shape (B,); the noise scores one per pair and "
    "noise word, shape (B, k): multiply `centre[:, None, :]` by `neg` and sum over the last axis "
    "(or use `torch.einsum`). Beware: `torch.log(torch.sigmoid(x))` is `-inf` for x = -200, "
    "because σ(-200) rounds to 0; `F.logsigmoid(x)` stays finite.",
    "In words: convert the three inputs with `torch.as_tensor`; compute the (B,) true scores and "
    "the (B, k) noise scores; each pair's loss is minus `F.logsigmoid` of its true score minus "
    "the sum over k of `F.logsigmoid` of MINUS its noise scores; return `.mean()` of the B losses.",
])


def _sgns_loss_parts(centre, pos, neg, log_sigmoid=F.logsigmoid, noise_sign=-1.0, reduce="mean"):
    """The SGNS loss with one part swapped: with the defaults it is the reference, so each
    mistake below differs from it in exactly the one part its hint names."""
    c, p, n = _as_float_tensors(centre, pos, neg)
    noise_score = torch.einsum("bd,bkd->bk", c, n)
    loss = -(log_sigmoid((c * p).sum(-1)) + log_sigmoid(noise_sign * noise_score).sum(-1))
    return loss.mean() if reduce == "mean" else loss.sum()


@mistake("03.sgns_loss", "The negative term has the wrong sign: noise words should get LOW scores, "
         "so their term is log σ(-c·n), with a minus inside the sigmoid.")
def _sgns_loss_negative_sign(centre, pos, neg):
    return _sgns_loss_parts(centre, pos, neg, noise_sign=1.0)


@mistake("03.sgns_loss", "You used σ instead of log σ: the loss is a negative log-likelihood, "
         "-log σ(c·p) - Σ log σ(-c·n), computed with F.logsigmoid.")
def _sgns_loss_sigmoid(centre, pos, neg):
    return _sgns_loss_parts(centre, pos, neg, log_sigmoid=torch.sigmoid)


@mistake("03.sgns_loss", "You summed the loss over the batch: return the mean over the B pairs "
         "(.mean()), so that the loss does not grow with the batch size.")
def _sgns_loss_summed(centre, pos, neg):
    return _sgns_loss_parts(centre, pos, neg, reduce="sum")


@mistake("03.sgns_loss", "log(sigmoid(x)) underflows: for a score of -1000, sigmoid gives exactly 0 "
         "and log(0) = -inf. Use F.logsigmoid(x) (or -np.logaddexp(0, -x)), which stays finite.")
def _sgns_loss_naive_log(centre, pos, neg):
    return _sgns_loss_parts(centre, pos, neg, log_sigmoid=lambda x: torch.log(torch.sigmoid(x)))


exercise("03.sgns_grad", word2vec.sgns_grad, cases=_sgns_cases, inputs="both", hints=[
    "Section 2 gives the gradient of ONE pair's loss with respect to its centre vector. What is "
    "left: compute it for all B pairs at once, and remember that `sgns_loss` is a mean.",
    "Shapes: σ(s) is (B,) and σ(t) is (B, k). The true part is a (B,) factor times `pos` (B, d): "
    "give the factor a trailing axis (`[:, None]`). The noise part weighs each `neg[b, j]` (a row "
    "of the (B, k, d) input) by σ(t[b, j]) and sums over the k axis, which leaves (B, d). Then "
    "divide everything by B.",
    "In words: compute s (B,) and t (B, k) as in `sgns_loss`; true part: "
    "`-(1 - torch.sigmoid(s))[:, None] * pos`; noise part: `torch.sigmoid(t)[:, :, None] * neg` "
    "summed over axis 1 (or `torch.einsum(\"bk,bkd->bd\", ...)`); add the two and divide by B.",
])


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


# ---------------------------------------------------------------------------
# 03.sgns_output_grads: a derivation, graded by a numerical gradient
# ---------------------------------------------------------------------------
def _output_grads_cases(rng: np.random.Generator) -> list[Case]:
    # Small on purpose: the reference differentiates numerically, two losses per input number.
    cases = [
        Case((np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]]), np.array([[[0.0, 1.0], [-1.0, 0.5]]])),
             label="one pair, two negatives"),
        Case((np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 1.0]]),
              np.array([[1.0, 0.0], [1.0, 1.0], [-1.0, 2.0]]),
              np.array([[[0.5, 0.5]], [[-1.0, 0.0]], [[2.0, -1.0]]])),
             label="three pairs, one negative each"),
        Case((np.array([[1.0, 1.0], [0.5, -2.0]]), np.zeros((2, 2)), np.zeros((2, 3, 2))),
             label="output vectors at zero, as when training starts: every score is 0"),
        Case((np.array([[3.0, -3.0], [1.0, 2.0]]), np.array([[-3.0, 3.0], [2.0, 1.5]]),
              np.array([[[2.0, -2.0], [-1.0, 1.0]], [[-2.0, -1.0], [1.5, 1.0]]])),
             label="one pair badly wrong (scores -18 and +12), one nearly right"),
    ]
    for b, k, dim in [(4, 3, 3), (6, 5, 4)]:
        cases.append(Case((rng.normal(size=(b, dim)), rng.normal(size=(b, dim)), rng.normal(size=(b, k, dim))),
                          label=f"random, B={b}, k={k}, d={dim}"))
    return cases



def _sgns_output_grads_numerical(centre, pos, neg):
    """The gradients of ``word2vec.sgns_loss`` with respect to ``pos`` and ``neg``, by central differences."""
    return numerical_gradients(word2vec.sgns_loss, (centre, pos, neg), wrt=(1, 2))


exercise("03.sgns_output_grads", _sgns_output_grads_numerical, name="sgns_output_grads",
         stand_in=word2vec.sgns_output_grads,  # the analytic one: fast enough to train with
         cases=_output_grads_cases, inputs="both", rtol=1e-5, atol=1e-7, hints=[
             "Each output vector enters exactly one score of its pair: $c_o$ only the true score "
             "$s = w \\cdot c_o$, and $c_{n_j}$ only the noise score $t_j = w \\cdot c_{n_j}$. Use the chain rule "
             "through that one score, as section 2 did for $w$: what is "
             "$\\partial s / \\partial c_o$?",
             "$\\partial s / \\partial c_o$ is the vector that $c_o$ is multiplied with in $s$; "
             "$\\partial t_j / \\partial c_{n_j}$ likewise. With $\\frac{d}{dx}\\log\\sigma(x) = "
             "1 - \\sigma(x)$, what is the derivative of $-\\log\\sigma(-t)$ with respect to $t$? "
             "Shapes: grad_pos is (B, d), grad_neg (B, k, d), like `pos` and `neg`; and the loss is "
             "a mean over the B pairs.",
             "In words: compute s (B,) and t (B, k) as in `sgns_loss`; grad_pos is "
             "$-(1 - \\sigma(s))$ times `centre`, row by row; grad_neg[b, j] is $\\sigma(t_{bj})$ "
             "times `centre[b]` (a (B, k, 1) factor times `centre[:, None, :]`); divide both by B "
             "and return them as a tuple.",
         ])


@mistake("03.sgns_output_grads", "The signs are flipped: you returned the directions that DEcrease "
         "the loss. The true context's score s must go up, so the gradient of -log σ(s) with respect "
         "to c_o is -(1 - σ(s)) w (descent then adds a multiple of w), and a noise word's is "
         "+σ(t_j) w.")
def _output_grads_sign(centre, pos, neg):
    grad_pos, grad_neg = sgns_output_grads(centre, pos, neg)
    return -grad_pos, -grad_neg


@mistake("03.sgns_output_grads", "You multiplied by the output vectors (pos, neg), as in the "
         "gradient for the centre. Here the variable is the output vector: ∂(w·c_o)/∂c_o = w, so both "
         "gradients are a factor times the CENTRE vector.")
def _output_grads_wrong_vector(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    s, t = (c * p).sum(-1), torch.einsum("bd,bkd->bk", c, n)
    B = c.shape[0]
    return -(1 - torch.sigmoid(s))[:, None] * p / B, torch.sigmoid(t)[:, :, None] * n / B


@mistake("03.sgns_output_grads", "Your gradients are B times too large: sgns_loss is the MEAN over "
         "the B pairs, so each of its gradients is divided by B.")
def _output_grads_not_averaged(centre, pos, neg):
    grad_pos, grad_neg = sgns_output_grads(centre, pos, neg)
    return grad_pos * len(centre), grad_neg * len(centre)


@mistake("03.sgns_output_grads", "grad_neg uses σ(-t_j) instead of σ(t_j): the derivative of "
         "-log σ(-t) with respect to t is +σ(t), the probability the model wrongly gives the noise word.")
def _output_grads_neg_sigmoid_sign(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    grad_pos, _ = sgns_output_grads(c, p, n)
    t = torch.einsum("bd,bkd->bk", c, n)
    return grad_pos, torch.sigmoid(-t)[:, :, None] * c[:, None, :] / c.shape[0]


@mistake("03.sgns_output_grads", "You differentiated σ, not log σ: σ'(x) = σ(x)(1 - σ(x)), but "
         "(log σ)'(x) = σ'(x) / σ(x) = 1 - σ(x). Each factor loses its σ(1 - σ) form: -(1 - σ(s)) "
         "for the true context, +σ(t_j) for a noise word.")
def _output_grads_sigmoid_derivative(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    s, t = torch.sigmoid((c * p).sum(-1)), torch.sigmoid(torch.einsum("bd,bkd->bk", c, n))
    B = c.shape[0]
    return -(s * (1 - s))[:, None] * c / B, (t * (1 - t))[:, :, None] * c[:, None, :] / B


@mistake("03.sgns_output_grads", "The error factor is missing: the true context's gradient is "
         "-(1 - σ(s)) w, not -w. That factor is what makes a pair the model already gets right "
         "(σ(s) near 1) move almost nothing.")
def _output_grads_no_error_factor(centre, pos, neg):
    c, p, n = _as_float_tensors(centre, pos, neg)
    _, grad_neg = sgns_output_grads(c, p, n)
    return -c / c.shape[0], grad_neg
