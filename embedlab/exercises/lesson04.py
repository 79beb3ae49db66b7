"""Exercises of lesson 04: case generators, registered mistakes and hints.

04.glove_weight, 04.glove_loss and 04.swivel_loss are graded against the references in
``embedlab/glove.py`` and ``embedlab/swivel.py``. 04.glove_grad is the lesson's derivation
exercise: its four gradients are graded against numerical derivatives of
``glove.glove_loss`` (``embedlab.gradcheck``), not against a formula.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from embedlab.check import Case, _torch_case, compare_values, exercise, mistake
from embedlab.gradcheck import numerical_gradients
from embedlab.tensors import float_tensors as _float_tensors
from embedlab import glove
from embedlab.glove import ALPHA, X_MAX, glove_weight
from embedlab import swivel
from embedlab.swivel import swivel_confidence


def _np(x) -> np.ndarray:
    """x as a float64 NumPy array (a torch tensor is detached and copied to the CPU)."""
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x, dtype=np.float64)


def _diff(w, w_tilde, b, b_tilde, x, log=torch.log):
    """The inputs as tensors of one dtype, and each pair's error w·w~ + b + b~ - log x, (B,)."""
    w, w_tilde, b, b_tilde, x = _float_tensors(w, w_tilde, b, b_tilde, x)
    return w, w_tilde, x, (w * w_tilde).sum(-1) + b + b_tilde - log(x)


# ---------------------------------------------------------------------------
# embedlab/glove.py
# ---------------------------------------------------------------------------


def _like(x, out):
    """A mistake's result in the kind of its input: these mistakes are wrong values, not kinds."""
    return torch.as_tensor(out) if isinstance(x, torch.Tensor) else out


def _same_kind_compare(got, expected):
    """The values, and the kind the input was (NumPy in, NumPy out; torch in, torch out):
    glove_loss multiplies the weights with tensors, and a NumPy array there fails."""
    if isinstance(expected, torch.Tensor) and not isinstance(got, torch.Tensor):
        return (f"given a torch tensor, your function returned {type(got).__name__}: return a tensor "
                "for a tensor (glove_loss will multiply it with tensors)")
    if isinstance(expected, np.ndarray) and not isinstance(got, np.ndarray):
        return (f"given a NumPy array, your function returned {type(got).__name__}: return a NumPy "
                "array for a NumPy array")
    return compare_values(got, expected)


def _weight_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case((np.array([1.0, 10.0, 50.0, 99.0]),), label="counts below x_max = 100"),
        Case((np.array([100.0, 150.0, 1e4, 3.0]),), label="x_max itself and above: capped at 1"),
        Case((np.array([0.1, 0.5, 1 / 3, 2.25]),), label="harmonic (fractional) counts"),
        Case((np.array([5.0, 10.0, 20.0, 40.0]),), {"x_max": 10.0},
             label="x_max=10: 20 and 40 are capped"),
        Case((np.array([1.0, 25.0, 100.0, 400.0]),), {"alpha": 0.5}, label="alpha=0.5"),
        Case((np.array([2.0, 8.0, 30.0]),), {"x_max": 20.0, "alpha": 1.0},
             label="alpha=1: a straight line up to x_max"),
    ]
    for size in (10, 1000):
        x = np.exp(rng.uniform(np.log(0.1), np.log(5000), size=size))
        cases.append(Case((x,), label=f"{size} random counts from 0.1 to 5000"))
    return cases


exercise("04.glove_weight", glove.glove_weight, cases=_weight_cases, inputs="both",
         compare=_same_kind_compare, hints=[
    "Three steps, element by element: the ratio of the count to x_max, that ratio to the power "
    "alpha, and a cap at 1. Use the x_max and alpha the function is given.",
    "Mind the precedence: ** binds tighter than /, so x / x_max ** alpha is x / (x_max ** alpha); "
    "the ratio needs parentheses. Python's built-in min(1, ...) compares 1 with the WHOLE array "
    "and fails; np.minimum is made for NumPy arrays and torch.clamp for tensors.",
    "Raise the parenthesised ratio to alpha and cap it with the method .clip(max=1.0): NumPy "
    "arrays and torch tensors both have it, so one expression returns NumPy for NumPy and torch "
    "for torch.",
])


@mistake("04.glove_weight", "Counts above x_max get weights above 1: GloVe caps the weight at 1, "
         "f(x) = min(1, (x / x_max) ** alpha), so that very frequent pairs do not dominate.")
def _weight_uncapped(x, x_max=X_MAX, alpha=ALPHA):
    return _like(x, (_np(x) / x_max) ** alpha)


@mistake("04.glove_weight", "The power alpha is missing: f(x) = min(1, (x / x_max) ** alpha), "
         "a curve that rises faster than a straight line for small x (alpha = 0.75).")
def _weight_linear(x, x_max=X_MAX, alpha=ALPHA):
    return _like(x, np.minimum(1.0, _np(x) / x_max))


@mistake("04.glove_weight", "The power applies to the ratio x / x_max, not to x alone: "
         "(x / x_max) ** alpha, not x ** alpha / x_max.")
def _weight_power_of_x(x, x_max=X_MAX, alpha=ALPHA):
    return _like(x, np.minimum(1.0, _np(x) ** alpha / x_max))


@mistake("04.glove_weight", "Your function ignores its arguments: use the x_max and alpha it is "
         "given, not the default values 100 and 0.75 written into the formula.")
def _weight_fixed_defaults(x, x_max=X_MAX, alpha=ALPHA):
    return _like(x, np.minimum(1.0, (_np(x) / 100.0) ** 0.75))


@mistake("04.glove_weight", "Operator precedence: ** binds tighter than /, so x / x_max ** alpha is "
         "x / (x_max ** alpha). Put the ratio in parentheses: (x / x_max) ** alpha.")
def _weight_precedence(x, x_max=X_MAX, alpha=ALPHA):
    return _like(x, np.minimum(1.0, _np(x) / x_max ** alpha))


@mistake("04.glove_weight", "Python's built-in min(1, ...) compares 1 with the WHOLE array, and an "
         "array has no single truth value (\"ambiguous\"). Cap element by element: "
         "((x / x_max) ** alpha).clip(max=1.0) works on NumPy arrays and torch tensors alike "
         "(or np.minimum for arrays, torch.clamp(..., max=1.0) for tensors).")
def _weight_builtin_min(x, x_max=X_MAX, alpha=ALPHA):
    return min(1.0, (_np(x) / x_max) ** alpha)


def _loss_cases(rng: np.random.Generator) -> list[Case]:
    d = 3
    cases = [
        Case((np.zeros((3, d)), np.zeros((3, d)), np.zeros(3), np.zeros(3), np.array([1.0, 10.0, 1000.0])),
             label="zero vectors and biases, x = 1, 10, 1000: loss = sum of f(x) * log(x)**2"),
        Case((np.array([[1.0, 0.0]]), np.array([[2.0, 1.0]]), np.array([0.5]), np.array([-0.2]),
              np.array([20.0])), label="one pair"),
        Case((np.array([[0.5, 1.0], [1.0, -1.0], [0.0, 2.0]]),
              np.array([[1.0, 1.0], [0.5, 0.5], [1.0, 0.0]]),
              np.array([0.1, 0.0, -0.3]), np.array([0.2, 0.4, 0.0]),
              np.array([0.5, 250.0, 3.0])),
             label="three pairs, one above x_max, one fractional count"),
        Case((np.array([[1.0, 2.0]]), np.array([[0.5, 0.25]]), np.array([0.0]), np.array([0.0]),
              np.array([np.e])), label="w.w~ + b + b~ equals log x: loss 0 (only the weight can be wrong)"),
        Case((np.array([[0.3, -0.2], [0.1, 0.4]]), np.array([[0.2, 0.2], [-0.5, 0.3]]),
              np.array([0.1, 0.2]), np.array([0.3, -0.1]), np.array([5.0, 50.0])),
             {"x_max": 10.0, "alpha": 0.5}, label="x_max=10, alpha=0.5"),
    ]
    for b, dim in [(4, 5), (64, 16)]:
        x = np.exp(rng.uniform(np.log(0.2), np.log(2000), size=b))
        cases.append(Case((rng.normal(0, 0.3, (b, dim)), rng.normal(0, 0.3, (b, dim)),
                           rng.normal(0, 0.3, b), rng.normal(0, 0.3, b), x),
                          label=f"random batch, B={b}, d={dim}"))
    return cases


def _compare_loss(got, expected) -> str | None:
    """The value, and (when the reference returns one) a 0-d torch tensor, as the exercise asks:
    the notebook calls .backward() on it."""
    if isinstance(got, torch.Tensor):
        if isinstance(expected, torch.Tensor) and expected.ndim == 0 and got.ndim != 0:
            return f"returned a torch tensor of shape {tuple(got.shape)}, expected a 0-d tensor (one number)"
    elif isinstance(expected, torch.Tensor):
        kind = "a NumPy number" if isinstance(got, (np.ndarray, np.generic)) else f"a {type(got).__name__}"
        return f"returned {kind}, expected a 0-d torch tensor"
    return compare_values(got, expected, 1e-4, 1e-6)


exercise("04.glove_loss", glove.glove_loss, cases=_loss_cases, inputs="both", compare=_compare_loss, hints=[
    "One error per pair of the batch, $e_k = w_k \\cdot \\tilde w_k + b_k + \\tilde b_k - \\log x_k$; "
    "the loss weights each squared error by $f(x_k)$ and adds them up (a sum, not a mean). "
    "Build it from torch operations, so that the result is a tensor .backward() can use.",
    "Shapes: w and w_tilde are (B, d) and pair k needs the dot product of row k with row k, a "
    "(B,) result; w @ w_tilde.T pairs every row with every row, (B, B). torch.as_tensor turns "
    "NumPy arrays into tensors; log is the natural logarithm, torch.log; the weight is "
    "glove_weight(x, x_max, alpha), with the arguments you were given.",
    "Convert the five inputs with torch.as_tensor (dtype=torch.float64), take the row-wise dot "
    "products (w * w_tilde).sum(1), add the two biases, subtract torch.log(x), square, multiply "
    "by glove_weight(x, x_max, alpha) and return the .sum(): a 0-d tensor.",
])


@mistake("04.glove_loss", "The weighting is missing: multiply each squared error by "
         "f(x) = glove_weight(x), so that rare, noisy pairs count less.")
def _loss_unweighted(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    return (_diff(w, w_tilde, b, b_tilde, x)[3] ** 2).sum()


@mistake("04.glove_loss", "The biases are missing: the model is w·w~ + b + b~ ≈ log x. The biases "
         "absorb how frequent each word is, which the vectors cannot do on their own.")
def _loss_no_bias(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, x, _ = _diff(w, w_tilde, b, b_tilde, x)
    return (glove_weight(x, x_max, alpha) * ((w * w_tilde).sum(-1) - torch.log(x)) ** 2).sum()


@mistake("04.glove_loss", "The target is the LOGARITHM of the count: compare w·w~ + b + b~ with "
         "torch.log(x), not with x itself.")
def _loss_no_log(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, x, diff = _diff(w, w_tilde, b, b_tilde, x, log=lambda t: t)
    return (glove_weight(x, x_max, alpha) * diff ** 2).sum()


@mistake("04.glove_loss", "You averaged over the batch: the loss here is the SUM over the B pairs "
         "(the paper's J restricted to the batch), .sum() rather than .mean().")
def _loss_mean(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, x, diff = _diff(w, w_tilde, b, b_tilde, x)
    return (glove_weight(x, x_max, alpha) * diff ** 2).mean()


@mistake("04.glove_loss", "That is glove.c's cost, with a factor 1/2 in front; this exercise asks "
         "for the paper's J: sum of f(x) * (w·w~ + b + b~ - log x) ** 2, without the 1/2.")
def _loss_half(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, x, diff = _diff(w, w_tilde, b, b_tilde, x)
    return 0.5 * (glove_weight(x, x_max, alpha) * diff ** 2).sum()


@mistake("04.glove_loss", "The weight multiplies the squared error, not the error before squaring: "
         "f(x) * diff ** 2, not (f(x) * diff) ** 2.")
def _loss_weight_squared(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, x, diff = _diff(w, w_tilde, b, b_tilde, x)
    return ((glove_weight(x, x_max, alpha) * diff) ** 2).sum()


@mistake("04.glove_loss", "w @ w_tilde.T is the (B, B) matrix of EVERY row against every column, and "
         "adding the (B,) biases broadcasts it into B * B errors. Pair k only needs its own dot "
         "product w_k · w~_k: the row-wise (w * w_tilde).sum(1), shape (B,).")
def _loss_matmul(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, b, b_tilde, x = _float_tensors(w, w_tilde, b, b_tilde, x)
    diff = w @ w_tilde.T + b + b_tilde - torch.log(x)                 # (B, B)
    return (glove_weight(x, x_max, alpha) * diff ** 2).sum()


@mistake("04.glove_loss", "The target is the NATURAL logarithm of the count: torch.log(x), not "
         "torch.log10(x) (or np.log10).")
def _loss_log10(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, x, diff = _diff(w, w_tilde, b, b_tilde, x, log=torch.log10)
    return (glove_weight(x, x_max, alpha) * diff ** 2).sum()


@mistake("04.glove_loss", "You returned one loss per pair, shape (B,): the exercise asks for their "
         "SUM, one number (a 0-d tensor). Add .sum() at the end.")
def _loss_no_sum(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, x, diff = _diff(w, w_tilde, b, b_tilde, x)
    return glove_weight(x, x_max, alpha) * diff ** 2


@mistake("04.glove_loss", "The weight ignores x_max and alpha: call glove_weight(x, x_max, alpha) "
         "with the arguments glove_loss was given; glove_weight(x) uses the defaults 100 and 0.75.")
def _loss_weight_defaults(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, x, diff = _diff(w, w_tilde, b, b_tilde, x)
    return (glove_weight(x) * diff ** 2).sum()


@mistake("04.glove_loss", "The value is right, but it is a NumPy number: return a 0-d torch tensor, "
         "computed with torch operations (torch.as_tensor, torch.log, .sum()), so that "
         ".backward() can compute its gradient.")
def _loss_numpy(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, b, b_tilde, x = (_np(a) for a in (w, w_tilde, b, b_tilde, x))
    diff = (w * w_tilde).sum(1) + b + b_tilde - np.log(x)
    return np.sum(_np(glove_weight(x, x_max, alpha)) * diff ** 2)


def _grad_cases(rng: np.random.Generator) -> list[Case]:
    """The loss's cases, with smaller random batches: the reference differentiates numerically,
    two calls of glove_loss per parameter."""
    cases = _loss_cases(rng)[:5]
    for b, dim in [(4, 5), (24, 6)]:
        x = np.exp(rng.uniform(np.log(0.2), np.log(2000), size=b))
        cases.append(Case((rng.normal(0, 0.3, (b, dim)), rng.normal(0, 0.3, (b, dim)),
                           rng.normal(0, 0.3, b), rng.normal(0, 0.3, b), x),
                          label=f"random batch, B={b}, d={dim}"))
    return cases


def glove_grad_numerically(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    """The gradients of ``glove.glove_loss`` with respect to w, w_tilde, b and b_tilde, by
    central differences (``embedlab.gradcheck``): what exercise 04.glove_grad is graded against.

    The loss is a quadratic function of each single parameter (it enters the error of one
    pair, linearly), and central differences are exact for a quadratic whatever the step:
    a step of 1e-3 instead of 1e-6 only makes the rounding error a thousand times smaller.
    Returns a tuple of four float64 arrays shaped like w, w_tilde, b, b_tilde.
    """
    return numerical_gradients(glove.glove_loss, (w, w_tilde, b, b_tilde, x, x_max, alpha),
                               wrt=(0, 1, 2, 3), h=1e-3)


exercise("04.glove_grad", glove_grad_numerically, name="glove_grad", cases=_grad_cases, inputs="both",
         rtol=1e-5, atol=1e-7, hints=[
    "Each pair's term $f(x_k)\\,e_k^2$ depends on that pair's four parameters only, and only "
    "through its error $e_k = w_k \\cdot \\tilde w_k + b_k + \\tilde b_k - \\log x_k$ ($x$ and "
    "$f(x)$ are data, not parameters). So every gradient is (the derivative of $f e^2$ with "
    "respect to $e$) times (the derivative of $e$ with respect to the parameter): the chain rule.",
    "$\\partial (f e^2) / \\partial e = 2 f e$. The derivative of the dot product "
    "$w_k \\cdot \\tilde w_k$ with respect to $w_k$ is the OTHER vector, $\\tilde w_k$ (and "
    "with respect to $\\tilde w_k$ it is $w_k$); the derivative of $e_k$ with respect to either "
    "bias is 1. Shapes: the two vector gradients are (B, d), row k for pair k; the two bias "
    "gradients are (B,), one number per pair.",
    "Compute the errors e (B,) as in glove_loss and the weights glove_weight(x, x_max, alpha); "
    "g = 2 * weight * e, shape (B,), is the derivative of each pair's term with respect to its "
    "error. Return the tuple (g as a column (B, 1) times w_tilde, g as a column times w, g, g).",
])


def _grad_parts(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA, weight=glove_weight):
    """(2 f(x) e, w, w_tilde) as tensors: every gradient of the loss is made of them."""
    w, w_tilde, x, diff = _diff(w, w_tilde, b, b_tilde, x)
    return 2 * weight(x, x_max, alpha) * diff, w, w_tilde


def _grads(g, w, w_tilde):
    """The four gradients from g = 2 f(x) e: (g w~, g w, g, g), vectors scaled row by row."""
    return g[:, None] * w_tilde, g[:, None] * w, g, g


@mistake("04.glove_grad", "Every gradient is half the expected value: the derivative of e ** 2 is "
         "2 e (glove.c drops the 2 because its cost has a 1/2 in front; glove_loss does not).")
def _grad_no_two(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    g, w, w_tilde = _grad_parts(w, w_tilde, b, b_tilde, x, x_max, alpha)
    return _grads(g / 2, w, w_tilde)


@mistake("04.glove_grad", "The derivative of w · w~ with respect to w is w~, the OTHER vector "
         "(and with respect to w~ it is w): row k of grad_w is 2 f(x_k) e_k w~_k, not ... w_k.")
def _grad_wrong_vector(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    g, w, w_tilde = _grad_parts(w, w_tilde, b, b_tilde, x, x_max, alpha)
    return g[:, None] * w, g[:, None] * w_tilde, g, g


@mistake("04.glove_grad", "The weight f(x) is missing from the gradients: it multiplies the squared "
         "error in the loss, so it multiplies every gradient too.")
def _grad_unweighted(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    g, w, w_tilde = _grad_parts(w, w_tilde, b, b_tilde, x, x_max, alpha,
                                weight=lambda x, *_: torch.ones_like(x))
    return _grads(g, w, w_tilde)


@mistake("04.glove_grad", "The weight ignores x_max and alpha: call glove_weight(x, x_max, alpha) "
         "with the arguments glove_grad was given; glove_weight(x) uses the defaults 100 and 0.75.")
def _grad_weight_defaults(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    g, w, w_tilde = _grad_parts(w, w_tilde, b, b_tilde, x, weight=lambda x, *_: glove_weight(x))
    return _grads(g, w, w_tilde)


@mistake("04.glove_grad", "The sign is flipped: you returned the direction that DEcreases the loss. "
         "The gradient points uphill; training then subtracts it (w -= lr * grad).")
def _grad_sign(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    return tuple(-g for g in _grads(*_grad_parts(w, w_tilde, b, b_tilde, x, x_max, alpha)))


@mistake("04.glove_grad", "A bias enters the error on its own, e = w·w~ + b + b~ - log x, so "
         "d e / d b = 1: the bias gradient is 2 f(x) e, one number per pair, shape (B,), with no "
         "vector in it.")
def _grad_bias_vector_factor(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    grad_w, grad_w_tilde, _, _ = _grads(*_grad_parts(w, w_tilde, b, b_tilde, x, x_max, alpha))
    return grad_w, grad_w_tilde, grad_w, grad_w_tilde


@mistake("04.glove_grad", "The bias gradients are one number each, summed over the batch, but every "
         "pair has its own biases here (b and b_tilde are (B,)): pair k's b_k appears in pair k's "
         "term only, so its gradient is 2 f(x_k) e_k, shape (B,). Do not sum.")
def _grad_bias_summed(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    grad_w, grad_w_tilde, g, _ = _grads(*_grad_parts(w, w_tilde, b, b_tilde, x, x_max, alpha))
    return grad_w, grad_w_tilde, g.sum(), g.sum()


@mistake("04.glove_grad", "You returned one gradient; the exercise asks for all four, as a tuple "
         "(grad_w, grad_w_tilde, grad_b, grad_b_tilde), shaped like w, w_tilde, b and b_tilde.")
def _grad_only_w(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    return _grads(*_grad_parts(w, w_tilde, b, b_tilde, x, x_max, alpha))[0]


_NO_COLUMN_HINT = ("2 * f(x) * e has shape (B,) and w_tilde (B, d): multiplying them lines the B "
                   "values up with the d COLUMNS, a broadcast error (or, when B == d, silently wrong "
                   "rows). Make it a column first, shape (B, 1), so that value k scales row k.")


@mistake("04.glove_grad", _NO_COLUMN_HINT)
def _grad_no_column(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    g, w, w_tilde = _grad_parts(w, w_tilde, b, b_tilde, x, x_max, alpha)
    return g * w_tilde, g * w, g, g                                    # RuntimeError when B != d


@mistake("04.glove_grad", _NO_COLUMN_HINT)
def _grad_no_column_numpy(w, w_tilde, b, b_tilde, x, x_max=X_MAX, alpha=ALPHA):
    w, w_tilde, b, b_tilde, x = (_np(a) for a in (w, w_tilde, b, b_tilde, x))
    g = 2 * np.minimum(1.0, (x / x_max) ** alpha) * ((w * w_tilde).sum(1) + b + b_tilde - np.log(x))
    return g * w_tilde, g * w, g, g                                    # ValueError when B != d


# ---------------------------------------------------------------------------
# embedlab/swivel.py
# ---------------------------------------------------------------------------


def _swivel_cases(rng: np.random.Generator) -> list[Case]:
    w = np.array([[1.0, 0.0], [0.5, 0.5]])
    c = np.array([[1.0, 1.0], [0.0, 2.0], [-1.0, 0.5]])
    x = np.array([[4.0, 0.0, 1.0], [0.0, 9.0, 0.0]])
    cases = [
        Case((w, c, x, np.array([20.0, 30.0]), np.array([10.0, 25.0, 15.0]), 100.0),
             label="2 x 3 block, three observed and three unobserved cells"),
        Case((np.zeros((2, 3)), np.zeros((2, 3)), np.array([[2.0, 0.0], [0.0, 0.0]]),
              np.array([5.0, 8.0]), np.array([6.0, 7.0]), 50.0),
             label="zero vectors: every prediction is 0"),
        Case((np.array([[1.0, 2.0]]), np.array([[3.0, 1.0], [0.5, -1.0]]), np.array([[0.0, 0.0]]),
              np.array([40.0]), np.array([50.0, 60.0]), 1000.0),
             label="a row with no observed cell: only soft hinges"),
        Case((np.array([[1.0, 0.5], [0.0, 1.0]]), np.array([[2.0, 0.0], [1.0, 1.0]]),
              np.array([[0.5, 2.5], [1.5, 0.25]]), np.array([3.0, 4.0]), np.array([2.0, 5.0]), 20.0),
             label="all cells observed, fractional (harmonic) counts"),
        Case((np.array([[30.0, 30.0]]), np.array([[40.0, 20.0], [-30.0, -30.0]]), np.array([[0.0, 0.0]]),
              np.array([10.0]), np.array([10.0, 10.0]), 100.0),
             label="huge scores (1800): the soft hinge must not overflow"),
    ]
    for m, n, d in [(3, 4, 5), (16, 12, 8)]:
        counts = np.where(rng.random((m, n)) < 0.5, np.round(np.exp(rng.uniform(0, 5, (m, n))), 1), 0.0)
        rows = counts.sum(1) + rng.uniform(5, 50, m)     # the block is part of a bigger matrix
        cols = counts.sum(0) + rng.uniform(5, 50, n)
        total = float(rows.sum() + cols.sum())
        cases.append(Case((rng.normal(0, 0.5, (m, d)), rng.normal(0, 0.5, (n, d)), counts, rows, cols, total),
                          label=f"random {m} x {n} block, d={d}, half the cells observed"))
    # Every case again with torch tensors, then the gradient cases: the values of a loss can
    # be right while its gradient is NaN (log 0 = -inf inside the unused branch of torch.where).
    grad_cases = []
    for case in (cases[0], cases[-1]):
        w_grad = torch.tensor(case.args[0], dtype=torch.float64, requires_grad=True)
        grad_cases.append(Case((w_grad, *(torch.as_tensor(a) if isinstance(a, np.ndarray) else a
                                          for a in case.args[1:])),
                               label=case.label + "; w requires grad: the gradient of "
                               "loss.sum() with respect to w is compared too"))
    return cases + [_torch_case(case, suffix=" (torch tensors)") for case in cases] + grad_cases


def _autograd_leaves(t: torch.Tensor) -> list[torch.Tensor]:
    """The tensors requiring grad that ``t`` was computed from (the leaves of its graph)."""
    leaves, seen, stack = [], set(), [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if hasattr(node, "variable"):          # an AccumulateGrad node: a leaf
            leaves.append(node.variable)
        stack.extend(nxt for nxt, _ in node.next_functions)
    return leaves


_UNREADABLE = object()


def _sum_gradient(out: torch.Tensor):
    """d out.sum() / d w, with w the one tensor requiring grad that ``out`` came from."""
    leaves = _autograd_leaves(out)
    if len(leaves) != 1:
        return _UNREADABLE  # e.g. a copy of w made to require grad: we compare values only
    return torch.autograd.grad(out.sum(), leaves[0], retain_graph=True)[0]


def _result_gradient(got):
    """The gradient of ``got.sum()``, None when ``got`` is not differentiable."""
    if isinstance(got, torch.Tensor):
        if got.grad_fn is None:
            return None
        return _sum_gradient(got)
    return None


def _compare_with_gradient(got, expected) -> str | None:
    """Compare the values; when the reference's result is differentiable (a case where w
    requires grad), also compare the gradient of ``.sum()`` with respect to w."""
    why = compare_values(got, expected, 1e-4, 1e-6)
    if why or not (isinstance(expected, torch.Tensor) and expected.requires_grad):
        return why
    got_grad = _result_gradient(got)
    if got_grad is None:
        return ("the values are right, but the result is not connected to w by autograd (w requires "
                "grad here): build it from the input tensors with torch operations, without NumPy "
                "or torch.tensor(...) copies")
    exp_grad = _sum_gradient(expected)
    if got_grad is _UNREADABLE or exp_grad is _UNREADABLE:
        return None
    why = compare_values(got_grad, exp_grad, 1e-4, 1e-6)
    return f"the values are right, but the gradient with respect to w is not: {why}" if why else None


exercise("04.swivel_loss", swivel.swivel_loss, cases=_swivel_cases, compare=_compare_with_gradient, hints=[
    "Two losses, chosen cell by cell: where $x_{ij} > 0$ the weighted squared error against "
    "$\\mathrm{PMI}_{ij}$, where $x_{ij} = 0$ the soft hinge against $\\mathrm{PMI}^*_{ij}$. "
    "Every cell needs its score $w_i \\cdot c_j$: compute all (m, n) of them at once, and both "
    "PMIs as (m, n) arrays, with torch operations (check also differentiates your result).",
    "The scores are one matrix product, w times c transposed. $\\mathrm{PMI}^*_{ij} = \\log "
    "|D| - \\log x_{i*} - \\log x_{*j}$ is a column of row terms against a row of column terms "
    "(broadcasting: [:, None] and [None, :]), and $\\mathrm{PMI}_{ij} = \\mathrm{PMI}^*_{ij} + "
    "\\log x_{ij}$. total is a plain Python float: math.log(total) works, torch.log needs a tensor. "
    "F.softplus(s) is $\\log(1 + e^s)$ without overflow.",
    "torch.where(x > 0, squared, hinge) picks per cell but computes both losses everywhere: take "
    "the log of torch.where(x > 0, x, torch.ones_like(x)), never of x itself, or the zero cells "
    "hold log 0 = -inf and the gradient turns NaN. Then squared = 0.5 * (0.1 + 0.25 * sqrt(x)) * "
    "(scores - PMI) ** 2 and hinge = F.softplus(scores - PMI*).",
])


def _parts(w, c, x, row_totals, col_totals, total):
    w, c, x, row_totals, col_totals, total = _float_tensors(w, c, x, row_totals, col_totals, total)
    scores = w @ c.T
    pmi_star = torch.log(total) - torch.log(row_totals)[:, None] - torch.log(col_totals)[None, :]
    observed = x > 0
    pmi = pmi_star + torch.log(torch.where(observed, x, torch.ones_like(x)))
    return scores, x, observed, pmi, pmi_star


@mistake("04.swivel_loss", "The soft hinge has the wrong sign: it must push the score of an "
         "unobserved pair DOWN, below PMI*, so it is log(1 + exp(score - PMI*)), not "
         "log(1 + exp(PMI* - score)).")
def _swivel_hinge_sign(w, c, x, row_totals, col_totals, total):
    scores, x, observed, pmi, pmi_star = _parts(w, c, x, row_totals, col_totals, total)
    squared = 0.5 * swivel_confidence(x) * (scores - pmi) ** 2
    return torch.where(observed, squared, F.softplus(pmi_star - scores))


@mistake("04.swivel_loss", "The soft hinge of an unobserved cell compares the score with PMI*, the "
         "PMI the pair would have with a count of 1: log(1 + exp(score - PMI*)), not log(1 + exp(score)).")
def _swivel_hinge_no_pmi(w, c, x, row_totals, col_totals, total):
    scores, x, observed, pmi, pmi_star = _parts(w, c, x, row_totals, col_totals, total)
    squared = 0.5 * swivel_confidence(x) * (scores - pmi) ** 2
    return torch.where(observed, squared, F.softplus(scores))


@mistake("04.swivel_loss", "log(1 + exp(s)) overflows for a large score s (exp(1800) is inf): torch has a "
         "function that computes the same value without overflow (hint level 2 names it).")
def _swivel_naive_softplus(w, c, x, row_totals, col_totals, total):
    scores, x, observed, pmi, pmi_star = _parts(w, c, x, row_totals, col_totals, total)
    squared = 0.5 * swivel_confidence(x) * (scores - pmi) ** 2
    return torch.where(observed, squared, torch.log(1 + torch.exp(scores - pmi_star)))


@mistake("04.swivel_loss", "The observed cells are not weighted: multiply their squared error by "
         "the confidence f(x) = swivel_confidence(x) = 0.1 + 0.25 * sqrt(x), and by 1/2.")
def _swivel_no_confidence(w, c, x, row_totals, col_totals, total):
    scores, x, observed, pmi, pmi_star = _parts(w, c, x, row_totals, col_totals, total)
    return torch.where(observed, 0.5 * (scores - pmi) ** 2, F.softplus(scores - pmi_star))


@mistake("04.swivel_loss", "The PMI is missing log |D|: PMI = log x_ij + log total - log x_i* - log x_*j, "
         "the log of x_ij |D| / (x_i* x_*j). Add log(total) to both PMI and PMI*.")
def _swivel_no_total(w, c, x, row_totals, col_totals, total):
    scores, x, observed, pmi, pmi_star = _parts(w, c, x, row_totals, col_totals, total)
    log_t = torch.log(torch.as_tensor(total, dtype=scores.dtype))
    squared = 0.5 * swivel_confidence(x) * (scores - (pmi - log_t)) ** 2
    return torch.where(observed, squared, F.softplus(scores - (pmi_star - log_t)))


@mistake("04.swivel_loss", "The target of an observed cell is its PMI, not its log count as in "
         "GloVe: PMI = log x_ij + log total - log x_i* - log x_*j.")
def _swivel_log_count(w, c, x, row_totals, col_totals, total):
    scores, x, observed, pmi, pmi_star = _parts(w, c, x, row_totals, col_totals, total)
    log_x = torch.log(torch.where(observed, x, torch.ones_like(x)))
    squared = 0.5 * swivel_confidence(x) * (scores - log_x) ** 2
    return torch.where(observed, squared, F.softplus(scores - pmi_star))


@mistake("04.swivel_loss", "The confidence is f(x) = 0.1 + 0.25 * sqrt(x): the 0.1 is missing. It keeps "
         "a little weight on every observed pair, even the rarest (f(x) = 0.25 * sqrt(x) is 0.25 for x = 1).")
def _swivel_confidence_no_base(w, c, x, row_totals, col_totals, total):
    scores, x, observed, pmi, pmi_star = _parts(w, c, x, row_totals, col_totals, total)
    squared = 0.25 * torch.sqrt(x) * (scores - pmi) ** 2
    return torch.where(observed, 0.5 * squared, F.softplus(scores - pmi_star))


@mistake("04.swivel_loss", "The squared loss of an observed cell has a factor 1/2 in front: "
         "0.5 * f(x) * (w·c - PMI) ** 2. Yours is twice that.")
def _swivel_no_half(w, c, x, row_totals, col_totals, total):
    scores, x, observed, pmi, pmi_star = _parts(w, c, x, row_totals, col_totals, total)
    squared = swivel_confidence(x) * (scores - pmi) ** 2
    return torch.where(observed, squared, F.softplus(scores - pmi_star))


@mistake("04.swivel_loss", "torch functions need tensors: `total` is a plain Python float (and the "
         "arrays may be NumPy arrays). Convert first, torch.as_tensor(total, dtype=torch.float64), "
         "or take math.log(total) for the float.")
def _swivel_log_of_float(w, c, x, row_totals, col_totals, total):
    w, c, x, row_totals, col_totals = _float_tensors(w, c, x, row_totals, col_totals)
    pmi_star = torch.log(total) - torch.log(row_totals)[:, None] - torch.log(col_totals)[None, :]
    return F.softplus(w @ c.T - pmi_star)


@mistake("04.swivel_loss", "Your values are right but the gradient is NaN: torch.log(x) of a zero count is "
         "-inf, so the squared loss is +inf in the cells that torch.where then discards, and the "
         "backward pass multiplies their zero gradient by that infinity (0 * inf = NaN). Make sure "
         "no branch ever holds an infinity: what could you take the log of in the zero cells "
         "instead?")
def _swivel_log_of_zero(w, c, x, row_totals, col_totals, total):
    w, c, x, row_totals, col_totals, total = _float_tensors(w, c, x, row_totals, col_totals, total)
    scores = w @ c.T
    pmi = torch.log(x * total / (row_totals[:, None] * col_totals[None, :]))        # -inf where x = 0
    pmi_star = torch.log(total / (row_totals[:, None] * col_totals[None, :]))
    squared = 0.5 * swivel_confidence(x) * (scores - pmi) ** 2
    return torch.where(x > 0, squared, F.softplus(scores - pmi_star))
