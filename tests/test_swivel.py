"""Lesson 04 (embedlab.swivel): the piecewise loss and the hand-written block gradient against
an independent cell-by-cell autograd reference written from the paper's equations, the block
gradient against torch.autograd of swivel_loss, one AdaGrad step by hand, the sharding, and
training on real co-occurrences.

SWIVEL has no library to compare with, so ``_paper_loss_and_grads`` is the reference: it
uses nothing of embedlab.swivel, only the equations of Shazeer et al. (2016), section 3, with
the confidence of the authors' code (tensorflow/models, research/swivel: confidence_base 0.1,
confidence_scale 0.25, confidence_exponent 0.5).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from embedlab import check
from embedlab.swivel import shards, swivel_block_grad, swivel_confidence, swivel_loss, train_swivel


def test_reference_passes_its_check():
    assert check(swivel_loss, "04.swivel_loss", quiet=True).passed


def _block(seed, m=5, n=7, d=4):
    rng = np.random.default_rng(seed)
    x = np.where(rng.random((m, n)) < 0.5, np.exp(rng.uniform(-1, 4, (m, n))), 0.0)
    rows = x.sum(1) + rng.uniform(1, 30, m)
    cols = x.sum(0) + rng.uniform(1, 30, n)
    return rng.normal(0, 0.7, (m, d)), rng.normal(0, 0.7, (n, d)), x, rows, cols, float(rows.sum() + cols.sum())


def test_loss_matches_the_paper_cell_by_cell():
    w, c, x, rows, cols, total = _block(0)
    got = swivel_loss(w, c, x, rows, cols, total).numpy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            score = w[i] @ c[j]
            if x[i, j] > 0:
                pmi = math.log(x[i, j] * total / (rows[i] * cols[j]))
                expected = 0.5 * (0.1 + 0.25 * math.sqrt(x[i, j])) * (score - pmi) ** 2
            else:
                pmi_star = math.log(total / (rows[i] * cols[j]))
                expected = math.log1p(math.exp(score - pmi_star))
            assert got[i, j] == pytest.approx(expected, rel=1e-10), (i, j)


def _paper_loss_and_grads(w, c, x, row_totals, col_totals, total):
    """SWIVEL's loss summed over a block, and its gradients with respect to w and c, one cell at a time.

    Observed cell (x_ij > 0):   1/2 f(x_ij) (w_i . c_j - PMI_ij)^2,  f(x) = 0.1 + 0.25 x^0.5,
                                PMI_ij = log(x_ij |D| / (x_i* x_*j));
    unobserved cell (x_ij = 0): log(1 + exp(w_i . c_j - PMI*_ij)),   PMI*_ij = log(|D| / (x_i* x_*j)),
                                the PMI of a single co-occurrence.
    Scalar torch operations in float64, differentiated by autograd. Returns (loss, dL/dw, dL/dc)
    as a float and two NumPy arrays.
    """
    W = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    C = torch.tensor(c, dtype=torch.float64, requires_grad=True)
    loss = torch.zeros((), dtype=torch.float64)
    for i in range(W.shape[0]):
        for j in range(C.shape[0]):
            score = torch.dot(W[i], C[j])
            if x[i][j] > 0:
                pmi = math.log(x[i][j] * total / (row_totals[i] * col_totals[j]))
                confidence = 0.1 + 0.25 * x[i][j] ** 0.5
                loss = loss + 0.5 * confidence * (score - pmi) ** 2
            else:
                pmi_star = math.log(total / (row_totals[i] * col_totals[j]))
                loss = loss + torch.log(1 + torch.exp(score - pmi_star))
    loss.backward()
    return loss.item(), W.grad.numpy(), C.grad.numpy()


# Fixed blocks: a 2 x 3 one by hand (three observed cells, three unobserved, one row and one
# column of each kind), and a seeded 5 x 7 one with counts from 0.37 to 55 and half the cells 0.
_HAND_BLOCK = (np.array([[1.0, 0.0, 0.5], [0.5, 0.5, -1.0]]),
               np.array([[1.0, 1.0, 0.0], [0.0, 2.0, 0.5], [-1.0, 0.5, 1.0]]),
               np.array([[4.0, 0.0, 1.0], [0.0, 9.0, 0.0]]),
               np.array([20.0, 30.0]), np.array([10.0, 25.0, 15.0]), 100.0)


@pytest.mark.parametrize("block", [_HAND_BLOCK, _block(6)], ids=["by hand", "seeded 5x7"])
def test_loss_and_gradients_match_the_paper_by_autograd(block):
    w, c, x, rows, cols, total = block
    loss, grad_w, grad_c = _paper_loss_and_grads(w, c, x, rows, cols, total)
    assert abs(loss) > 0.5 and np.abs(grad_w).max() > 0.1 and np.abs(grad_c).max() > 0.1

    # swivel_loss: the value of every cell summed, and its autograd gradients.
    wt = torch.tensor(w, requires_grad=True)
    ct = torch.tensor(c, requires_grad=True)
    cells = swivel_loss(wt, ct, x, rows, cols, total)
    assert cells.shape == x.shape
    cells.sum().backward()
    assert cells.sum().item() == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(wt.grad.numpy(), grad_w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ct.grad.numpy(), grad_c, rtol=1e-10, atol=1e-12)

    # swivel_block_grad: the training step's loss and hand-written gradients.
    pmi_star = torch.tensor(np.log(total) - np.log(rows)[:, None] - np.log(cols)[None, :])
    block_loss, block_w, block_c = swivel_block_grad(torch.tensor(w), torch.tensor(c), torch.tensor(x), pmi_star)
    assert block_loss.item() == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(block_w.numpy(), grad_w, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(block_c.numpy(), grad_c, rtol=1e-10, atol=1e-12)


def test_soft_hinge_is_stable_and_one_sided():
    w = np.array([[40.0, 40.0], [-40.0, -40.0]])
    c = np.array([[30.0, 30.0]])
    x = np.zeros((2, 1))
    loss = swivel_loss(w, c, x, np.array([10.0, 10.0]), np.array([10.0]), 100.0)
    assert torch.isfinite(loss).all()
    assert loss[0, 0].item() == pytest.approx(2400 - math.log(100 / 100), rel=1e-9)  # ~ the score
    assert loss[1, 0].item() < 1e-100                                             # far below PMI*: no cost


def test_block_grad_matches_autograd():
    w, c, x, rows, cols, total = (torch.tensor(a, dtype=torch.float64) for a in _block(1))
    w.requires_grad_(True)
    c.requires_grad_(True)
    swivel_loss(w, c, x, rows, cols, total).sum().backward()
    pmi_star = torch.log(total) - torch.log(rows)[:, None] - torch.log(cols)[None, :]
    loss, grad_w, grad_c = swivel_block_grad(w.detach(), c.detach(), x, pmi_star)
    assert loss.item() == pytest.approx(swivel_loss(w, c, x, rows, cols, total).sum().item(), rel=1e-12)
    torch.testing.assert_close(grad_w, w.grad)
    torch.testing.assert_close(grad_c, c.grad)


def test_loss_passes_a_finite_difference_check():
    w, c, x, rows, cols, total = (torch.tensor(a, dtype=torch.float64) for a in _block(2, 3, 4, 2))
    w.requires_grad_(True)
    c.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda w, c: swivel_loss(w, c, x, rows, cols, total), (w, c))


def test_shards_deal_words_by_frequency():
    counts = np.array([5, 100, 7, 50, 1, 30, 2])
    groups = shards(counts, 3)
    assert [g.tolist() for g in groups] == [[1, 2, 4], [3, 0], [5, 6]]
    assert sorted(np.concatenate(groups).tolist()) == list(range(7))


def test_one_block_one_step_by_hand():
    X = np.array([[0.0, 4.0, 1.0], [4.0, 2.0, 0.0], [1.0, 0.0, 0.0]])
    dim, seed, lr = 2, 5, 0.3
    model = train_swivel(sp.csr_matrix(X), dim=dim, epochs=1, block_size=8, lr=lr, seed=seed)
    gen = torch.Generator().manual_seed(seed)
    W = torch.randn(3, dim, generator=gen) / math.sqrt(dim)
    C = torch.randn(3, dim, generator=gen) / math.sqrt(dim)
    # One block holds every word, in order of frequency.
    order = torch.tensor([1, 0, 2])
    rows = torch.tensor(X.sum(1), dtype=torch.float32)
    w, c = W[order].requires_grad_(True), C[order].requires_grad_(True)
    x = torch.tensor(X, dtype=torch.float32)[order][:, order]
    swivel_loss(w, c, x, rows[order], rows[order], rows.sum()).sum().backward()
    expected_w = w.detach() - lr * w.grad / torch.sqrt(0.1 + w.grad ** 2)
    expected_c = c.detach() - lr * c.grad / torch.sqrt(0.1 + c.grad ** 2)
    np.testing.assert_allclose(model.W[order.numpy()], expected_w.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.C[order.numpy()], expected_c.numpy(), rtol=1e-5, atol=1e-6)


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
    model = train_swivel(X, dim=16, epochs=6, words=words, block_size=256)
    losses = model.losses
    assert all(b < a for a, b in zip(losses, losses[1:])), losses
    assert losses[-1] < 0.85 * losses[0], losses
    assert model.vectors.shape == (len(words), 16) and model.index_to_key == words
    # Observed pairs end up with higher scores than unobserved ones, as the loss asks.
    scores = model.W @ model.C.T
    dense = X.toarray()
    assert scores[dense >= 3].mean() > scores[dense == 0].mean() + 0.2
    # and on observed cells the scores follow the PMI they are fitted to.
    rows, cols = np.nonzero(dense >= 3)
    pmi = np.log(dense[rows, cols] * dense.sum() / (dense.sum(1)[rows] * dense.sum(0)[cols]))
    assert np.corrcoef(scores[rows, cols], pmi)[0, 1] > 0.5


def test_training_is_seeded(small_cooc):
    _, X = small_cooc
    a = train_swivel(X, dim=8, epochs=1, block_size=256, seed=1)
    b = train_swivel(X, dim=8, epochs=1, block_size=256, seed=1)
    np.testing.assert_array_equal(a.vectors, b.vectors)


def test_confidence_and_errors():
    np.testing.assert_allclose(swivel_confidence(np.array([0.0, 4.0, 100.0])), [0.1, 0.6, 2.6])
    with pytest.raises(ValueError, match="square"):
        train_swivel(sp.csr_matrix(np.ones((2, 3))), dim=2)
    # A word without any co-occurrence is allowed (it gets only soft hinges).
    model = train_swivel(sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.0]])), dim=2, epochs=2)
    assert np.isfinite(model.vectors).all() and np.isfinite(model.losses).all()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_gives_the_same_loss_curve(small_cooc):
    _, X = small_cooc
    cpu = train_swivel(X, dim=16, epochs=3, block_size=256, device="cpu")
    gpu = train_swivel(X, dim=16, epochs=3, block_size=256, device="cuda")
    np.testing.assert_allclose(gpu.losses, cpu.losses, rtol=1e-3)


# ---------------------------------------------------------------------------
# The check of 04.swivel_loss compares the gradient too
# ---------------------------------------------------------------------------
def _learner_swivel(log_zero: bool):
    """A learner's swivel_loss, written as the notebook suggests; with log_zero, torch.log(x)
    of the zero counts inside torch.where (right values, NaN gradient)."""
    def swivel_loss(w, c, x, row_totals, col_totals, total):
        w, c, x, row_totals, col_totals = (torch.as_tensor(a, dtype=torch.float64)
                                           for a in (w, c, x, row_totals, col_totals))
        scores = w @ c.T
        pmi_star = math.log(total) - torch.log(row_totals)[:, None] - torch.log(col_totals)[None, :]
        safe_x = x if log_zero else torch.where(x > 0, x, torch.ones_like(x))
        pmi = pmi_star + torch.log(safe_x)
        squared = 0.5 * (0.1 + 0.25 * torch.sqrt(x)) * (scores - pmi) ** 2
        return torch.where(x > 0, squared, torch.nn.functional.softplus(scores - pmi_star))
    return swivel_loss


def test_check_passes_a_learner_solution_with_math_log_of_total():
    result = check(_learner_swivel(log_zero=False), "04.swivel_loss", quiet=True)
    assert result.passed, result.message


def test_check_catches_the_nan_gradient_of_log_zero():
    learner = _learner_swivel(log_zero=True)
    w, c, x, rows, cols, total = _block(4)
    w = torch.tensor(w, requires_grad=True)
    values = learner(w, c, x, rows, cols, total)
    torch.testing.assert_close(values, swivel_loss(w, c, x, rows, cols, total))   # values are right
    values.sum().backward()
    assert torch.isnan(w.grad).any()                                              # the gradient is not
    result = check(learner, "04.swivel_loss", quiet=True)
    assert not result.passed
    assert "gradient with respect to w" in result.message and "NaN" in result.message
    assert "0 * inf = NaN" in result.hint


def test_check_requires_a_differentiable_result():
    def swivel_loss(w, c, x, row_totals, col_totals, total):
        return torch.tensor(_np_reference(w, c, x, row_totals, col_totals, total))

    result = check(swivel_loss, "04.swivel_loss", quiet=True)
    assert not result.passed and "not connected to w by autograd" in result.message


def _np_reference(*args):
    return swivel_loss(*args).detach().numpy()


def test_check_explains_torch_log_of_a_float():
    def swivel_loss(w, c, x, row_totals, col_totals, total):
        w, c, x, row_totals, col_totals = (torch.as_tensor(a) for a in (w, c, x, row_totals, col_totals))
        pmi_star = torch.log(total) - torch.log(row_totals)[:, None] - torch.log(col_totals)[None, :]
        return torch.nn.functional.softplus(w @ c.T - pmi_star)

    result = check(swivel_loss, "04.swivel_loss", quiet=True)
    assert not result.passed and "plain Python float" in result.hint
