"""Lesson 04 (embedlab.glove): the weighting and the loss against hand formulas, torch.autograd
and finite differences; the numerical grader of the derivation exercise (04.glove_grad)
against torch.autograd; AdaGrad against a hand computation and against a plain per-entry loop
written like glove.c; training on real co-occurrences."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from embedlab import check
from embedlab.exercises.lesson04 import glove_grad_numerically
from embedlab.glove import adagrad_step, glove_loss, glove_weight, train_glove

EXERCISES = ["04.glove_weight", "04.glove_loss", "04.glove_grad"]


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_passes_its_check(exercise_id):
    from embedlab.check import reference

    result = check(reference(exercise_id), exercise_id, quiet=True)
    assert result.passed, result.message


# ---------------------------------------------------------------------------
# The weighting function
# ---------------------------------------------------------------------------
def test_weight_matches_the_paper():
    x = np.array([0.5, 1.0, 10.0, 50.0, 100.0, 101.0, 1e6])
    expected = np.array([(0.5 / 100) ** 0.75, 0.01 ** 0.75, 0.1 ** 0.75, 0.5 ** 0.75, 1.0, 1.0, 1.0])
    np.testing.assert_allclose(glove_weight(x), expected, rtol=1e-12)
    assert glove_weight(np.array([50.0]), x_max=10.0)[0] == 1.0
    np.testing.assert_allclose(glove_weight(np.array([5.0]), x_max=10.0, alpha=1.0), [0.5])


def test_weight_keeps_torch_and_is_monotone():
    x = torch.linspace(0.01, 300, 1000, dtype=torch.float64)
    f = glove_weight(x)
    assert isinstance(f, torch.Tensor) and f.dtype == torch.float64
    assert torch.all(f[1:] >= f[:-1]) and f.max() == 1.0 and f.min() > 0


# ---------------------------------------------------------------------------
# The loss and its gradient
# ---------------------------------------------------------------------------
def _batch(seed, B=32, d=6):
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 0.5, (B, d)), rng.normal(0, 0.5, (B, d)), rng.normal(0, 0.5, B),
            rng.normal(0, 0.5, B), np.exp(rng.uniform(np.log(0.1), np.log(1000), B)))


def test_loss_matches_a_loop_over_the_pairs():
    w, wt, b, bt, x = _batch(0)
    expected = sum(min(1.0, (x[k] / 100) ** 0.75) * (w[k] @ wt[k] + b[k] + bt[k] - np.log(x[k])) ** 2
                   for k in range(len(x)))
    got = glove_loss(w, wt, b, bt, x)
    assert isinstance(got, torch.Tensor) and got.ndim == 0
    assert got.item() == pytest.approx(expected, rel=1e-12)


def test_loss_is_zero_when_the_model_fits_log_x_exactly():
    w = np.array([[1.0, 2.0], [0.0, 1.0]])
    wt = np.array([[0.5, 0.25], [3.0, 1.5]])
    x = np.exp(np.array([1.0, 1.5]) + 0.3)
    assert glove_loss(w, wt, np.full(2, 0.1), np.full(2, 0.2), x).item() == pytest.approx(0.0, abs=1e-12)


def test_loss_passes_a_finite_difference_check():
    w, wt, b, bt, x = (torch.tensor(a, requires_grad=i < 4) for i, a in enumerate(_batch(2, B=8, d=3)))
    assert torch.autograd.gradcheck(lambda *p: glove_loss(*p, x), (w, wt, b, bt))


# ---------------------------------------------------------------------------
# The derivation exercise 04.glove_grad: graded by numerical derivatives of glove_loss
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("x_max,alpha", [(100.0, 0.75), (20.0, 0.6)])
def test_the_numerical_grader_agrees_with_autograd(x_max, alpha):
    # x spans 0.1 to 1000, so some pairs are above x_max (weight 1) and some far below.
    w, wt, b, bt, x = _batch(1)
    params = [torch.tensor(a, requires_grad=True) for a in (w, wt, b, bt)]
    glove_loss(*params, torch.tensor(x), x_max=x_max, alpha=alpha).backward()
    numeric = glove_grad_numerically(w, wt, b, bt, x, x_max, alpha)
    assert len(numeric) == 4
    for got, p in zip(numeric, params):
        assert got.shape == tuple(p.shape) and got.dtype == np.float64
        np.testing.assert_allclose(got, p.grad.numpy(), rtol=1e-8, atol=1e-10)
    assert min(np.abs(g).max() for g in numeric) > 0.1       # no gradient is trivially zero


def test_the_numerical_grader_does_not_change_its_inputs():
    batch = _batch(5, B=4, d=3)
    copies = [a.copy() for a in batch]
    glove_grad_numerically(*batch)
    for a, c in zip(batch, copies):
        np.testing.assert_array_equal(a, c)


def _learner_glove_grad(column=True):
    """A learner's analytic answer to 04.glove_grad; without ``column``, the (B,) factor is
    multiplied with the (B, d) vectors directly."""
    def glove_grad(w, w_tilde, b, b_tilde, x, x_max=100.0, alpha=0.75):
        w, w_tilde, b, b_tilde, x = (torch.as_tensor(a, dtype=torch.float64) for a in (w, w_tilde, b, b_tilde, x))
        g = 2 * glove_weight(x, x_max, alpha) * ((w * w_tilde).sum(1) + b + b_tilde - torch.log(x))
        gv = g[:, None] if column else g
        return gv * w_tilde, gv * w, g, g
    return glove_grad


def test_an_analytic_answer_passes_the_derivation_exercise():
    result = check(_learner_glove_grad(), "04.glove_grad", quiet=True)
    assert result.passed, result.message


def test_grad_hint_for_the_missing_column():
    result = check(_learner_glove_grad(column=False), "04.glove_grad", quiet=True)
    assert not result.passed and "(B, 1)" in result.hint


def test_grad_hint_for_the_old_single_gradient():
    def glove_grad(w, w_tilde, b, b_tilde, x, x_max=100.0, alpha=0.75):
        return _learner_glove_grad()(w, w_tilde, b, b_tilde, x, x_max, alpha)[0]

    result = check(glove_grad, quiet=True)
    assert not result.passed and "all four" in result.hint


# ---------------------------------------------------------------------------
# AdaGrad, as glove.c does it
# ---------------------------------------------------------------------------
def test_adagrad_step_by_hand():
    param = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=torch.float64)
    gradsq = torch.tensor([[1.0, 1.0], [4.0, 1.0], [1.0, 9.0]], dtype=torch.float64)
    index = torch.tensor([1, 2, 1])                      # row 1 gets two updates
    grad = torch.tensor([[10.0, 0.0], [2.0, 20.0], [-30.0, 40.0]], dtype=torch.float64)
    adagrad_step(param, gradsq, index, grad, lr=0.1)
    # g = lr * grad; each move uses gradsq BEFORE the step: row 1 -> (1 - 3) / sqrt(4), (0 + 4) / sqrt(1)
    expected_param = [[1.0, 2.0], [3.0 - (1.0 - 3.0) / 2.0, 4.0 - 4.0 / 1.0], [5.0 - 0.2 / 1.0, 6.0 - 2.0 / 3.0]]
    expected_sq = [[1.0, 1.0], [4.0 + 1.0 + 9.0, 1.0 + 0.0 + 16.0], [1.0 + 0.04, 9.0 + 4.0]]
    torch.testing.assert_close(param, torch.tensor(expected_param, dtype=torch.float64))
    torch.testing.assert_close(gradsq, torch.tensor(expected_sq, dtype=torch.float64))


def _glove_c_loop(rows, cols, vals, W, Wt, b, bt, orders, lr=0.05, x_max=100.0, alpha=0.75):
    """glove.c's inner loop, one entry at a time, in float64 (the reference for batch_size=1)."""
    W, Wt, b, bt = (np.array(a, dtype=np.float64) for a in (W, Wt, b, bt))
    gW, gWt, gb, gbt = np.ones_like(W), np.ones_like(Wt), np.ones_like(b), np.ones_like(bt)
    costs = []
    for order in orders:
        cost = 0.0
        for e in order:
            l1, l2, x = rows[e], cols[e], vals[e]
            diff = W[l1] @ Wt[l2] + b[l1] + bt[l2] - np.log(x)
            fdiff = diff if x > x_max else (x / x_max) ** alpha * diff
            cost += 0.5 * fdiff * diff
            fdiff *= lr
            temp1, temp2 = fdiff * Wt[l2], fdiff * W[l1]
            W[l1] -= temp1 / np.sqrt(gW[l1])
            Wt[l2] -= temp2 / np.sqrt(gWt[l2])
            gW[l1] += temp1 ** 2
            gWt[l2] += temp2 ** 2
            b[l1] -= fdiff / np.sqrt(gb[l1])
            bt[l2] -= fdiff / np.sqrt(gbt[l2])
            gb[l1] += fdiff ** 2
            gbt[l2] += fdiff ** 2
        costs.append(cost / len(order))
    return W, Wt, costs


def test_batch_size_one_is_exactly_glove_c():
    X = sp.csr_matrix(np.array([[0.0, 3.0, 150.0, 0.5], [3.0, 2.0, 0.0, 7.0],
                                [150.0, 0.0, 0.0, 1.5], [0.5, 7.0, 1.5, 0.0]]))
    dim, seed, epochs = 3, 4, 3
    start = train_glove(X, dim=dim, epochs=0, seed=seed)
    model = train_glove(X, dim=dim, epochs=epochs, batch_size=1, seed=seed)
    # The same random numbers as train_glove: four initial tensors, then one order per epoch.
    gen = torch.Generator().manual_seed(seed)
    for shape in [(4, dim), (4, dim), (4,), (4,)]:
        torch.rand(*shape, generator=gen)
    coo = X.tocoo()
    orders = [torch.randperm(X.nnz, generator=gen).numpy() for _ in range(epochs)]
    W, Wt, costs = _glove_c_loop(coo.row, coo.col, coo.data, start.W, start.W_tilde, start.b,
                                 start.b_tilde, orders)
    np.testing.assert_allclose(model.W, W, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.W_tilde, Wt, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.losses, costs, rtol=1e-4)
    np.testing.assert_allclose(model.vectors, W + Wt, rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------------------
# Training on real co-occurrences
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_cooc():
    from embedlab import corpus
    from embedlab.cooccurrence import cooccurrence_matrix
    from embedlab.word2vec import build_vocab

    docs = [doc for doc, _ in zip(corpus.iter_documents("course-corpus-slice", sources=["austen"]), range(400))]
    words, _ = build_vocab(docs, min_count=5)
    X = cooccurrence_matrix(docs, {w: i for i, w in enumerate(words)}, window=5)
    return words, X


def test_training_reduces_the_loss_on_real_cooccurrences(small_cooc):
    words, X = small_cooc
    assert len(words) > 500 and X.nnz > 20_000
    model = train_glove(X, dim=20, epochs=8, words=words, batch_size=1024)
    losses = model.losses
    assert all(b < a for a, b in zip(losses, losses[1:])), losses
    assert losses[-1] < 0.6 * losses[0], losses
    assert model.vectors.shape == (len(words), 20) and model.vectors.dtype == np.float32
    assert model.index_to_key == words
    # The fit is real: on frequent pairs the squared error is a small fraction of what the
    # starting point (predictions near 0) gets.
    coo = X.tocoo()
    frequent = coo.data >= 5
    pred = (np.einsum("kd,kd->k", model.W[coo.row], model.W_tilde[coo.col]) + model.b[coo.row]
            + model.b_tilde[coo.col])[frequent]
    target = np.log(coo.data[frequent])
    assert np.mean((pred - target) ** 2) < 0.2 * np.mean(target ** 2)


def test_training_is_seeded(small_cooc):
    _, X = small_cooc
    a = train_glove(X, dim=8, epochs=1, seed=3)
    b = train_glove(X, dim=8, epochs=1, seed=3)
    c = train_glove(X, dim=8, epochs=1, seed=4)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    assert not np.allclose(a.vectors, c.vectors)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_gives_the_same_loss_curve(small_cooc):
    _, X = small_cooc
    cpu = train_glove(X, dim=16, epochs=3, device="cpu")
    gpu = train_glove(X, dim=16, epochs=3, device="cuda")
    np.testing.assert_allclose(gpu.losses, cpu.losses, rtol=1e-2)


def test_clear_errors():
    with pytest.raises(ValueError, match="square"):
        train_glove(sp.csr_matrix(np.ones((2, 3))), dim=2, epochs=1)
    with pytest.raises(ValueError, match="one word per row"):
        train_glove(sp.csr_matrix(np.ones((2, 2))), dim=2, epochs=1, words=["a"])
    with pytest.raises(ValueError, match="all zeros"):
        train_glove(sp.csr_matrix((3, 3)), dim=2, epochs=1)


# ---------------------------------------------------------------------------
# What check() says about common wrong answers written as learners write them
# ---------------------------------------------------------------------------
def test_weight_hints_for_builtin_min_and_precedence():
    def glove_weight(x, x_max=100.0, alpha=0.75):
        return min(1.0, (x / x_max) ** alpha)

    result = check(glove_weight, quiet=True)
    assert not result.passed and "clip(max=1.0)" in result.hint and "ambiguous" in result.hint

    def glove_weight(x, x_max=100.0, alpha=0.75):  # noqa: F811 - a second learner attempt
        return (x / x_max ** alpha).clip(max=1.0)

    result = check(glove_weight, quiet=True)
    assert not result.passed and "precedence" in result.hint


def test_loss_must_be_a_torch_tensor():
    def glove_loss(w, w_tilde, b, b_tilde, x, x_max=100.0, alpha=0.75):
        w, w_tilde, b, b_tilde, x = (np.asarray(a, dtype=float) for a in (w, w_tilde, b, b_tilde, x))
        diff = (w * w_tilde).sum(1) + b + b_tilde - np.log(x)
        return np.sum(np.minimum(1.0, (x / x_max) ** alpha) * diff ** 2)

    result = check(glove_loss, quiet=True)
    assert not result.passed and "expected a 0-d torch tensor" in result.message
    assert "NumPy number" in result.hint


def test_loss_hints_for_matmul_and_missing_sum():
    def glove_loss(w, w_tilde, b, b_tilde, x, x_max=100.0, alpha=0.75):
        w, w_tilde, b, b_tilde, x = (torch.as_tensor(a, dtype=torch.float64) for a in (w, w_tilde, b, b_tilde, x))
        diff = w @ w_tilde.T + b + b_tilde - torch.log(x)
        return (glove_weight(x, x_max, alpha) * diff ** 2).sum()

    result = check(glove_loss, quiet=True)
    assert not result.passed and "(w * w_tilde).sum(1)" in result.hint

    def glove_loss(w, w_tilde, b, b_tilde, x, x_max=100.0, alpha=0.75):  # noqa: F811
        w, w_tilde, b, b_tilde, x = (torch.as_tensor(a, dtype=torch.float64) for a in (w, w_tilde, b, b_tilde, x))
        diff = (w * w_tilde).sum(1) + b + b_tilde - torch.log(x)
        return glove_weight(x, x_max, alpha) * diff ** 2

    result = check(glove_loss, quiet=True)
    assert not result.passed and "Add .sum()" in result.hint
