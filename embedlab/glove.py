"""Lesson 04, GloVe: word vectors from a weighted least-squares fit to log co-occurrences.

GloVe (Pennington, Socher and Manning, 2014) starts from the word-word co-occurrence
matrix X (``embedlab.cooccurrence.cooccurrence_matrix``) and looks for two vectors per
word, w_i and w~_j, and two biases, b_i and b~_j, such that for every non-zero entry

    w_i · w~_j + b_i + b~_j  ≈  log X_ij

with the squared errors weighted by f(X_ij) = min(1, (X_ij / x_max) ** alpha), so that
rare, noisy pairs count less and very frequent pairs do not dominate::

    from embedlab.cooccurrence import cooccurrence_matrix
    from embedlab.word2vec import build_vocab
    words, counts = build_vocab(docs, min_count=5)
    X = cooccurrence_matrix(docs, {w: i for i, w in enumerate(words)}, window=10)
    model = train_glove(X, dim=100, epochs=25, words=words)   # device="cuda" on a GPU
    model.vectors            # (V, 100) float32: W + W~, rows in the order of `words`
    model.losses             # glove.c's "cost" after each epoch

The functions below, in order:

1. ``glove_weight`` (exercise ``04.glove_weight``): the weighting function f.
2. ``glove_loss`` (exercise ``04.glove_loss``): the weighted least-squares loss of a batch.
   Its gradient is the derivation exercise ``04.glove_grad``, graded by numerical
   derivatives of this loss; ``train_glove`` writes the gradient out.
3. ``adagrad_step``: AdaGrad exactly as the reference C code (glove.c) does it.
4. ``train_glove``: shuffled mini-batches of non-zero entries, every step a few tensor
   operations on the whole batch (no Python loop per entry).

The exercises on these functions (their cases, the realistic wrong answers that ``check``
recognises, and the hints) live in ``embedlab/exercises/lesson04.py``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import torch

from . import validate
from .device import cpu_threads as _torch_threads
from .device import resolve as _resolve_device
from .progress import progress_bar
from .tensors import as_tensor as _tensor
from .tensors import float_tensors as _float_tensors
from .vectors import KeyedVectors, VectorsInterface

__all__ = [
    "GloVeModel",
    "adagrad_step",
    "glove_loss",
    "glove_weight",
    "train_glove",
]

X_MAX = 100.0
ALPHA = 0.75


# ---------------------------------------------------------------------------
# 1. The weighting function (exercise 04.glove_weight)
# ---------------------------------------------------------------------------


def glove_weight(x, x_max: float = X_MAX, alpha: float = ALPHA):
    """GloVe's weighting function f(x) = min(1, (x / x_max) ** alpha).

    x: co-occurrence counts (any shape, > 0; harmonic weighting makes them fractional).
    Rare pairs (small x) get small weights, because their counts are noisy; from
    x = x_max on every pair weighs 1, so "of the" cannot dominate the loss.
    Returns an array of the same shape (numpy in, numpy out; torch in, torch out), float.
    """
    xt = _tensor(x)
    xt = xt.to(torch.promote_types(xt.dtype, torch.float32))
    w = torch.clamp((xt / x_max) ** alpha, max=1.0)
    return w if isinstance(x, torch.Tensor) else w.numpy()


# ---------------------------------------------------------------------------
# 2. The loss of a batch (exercise 04.glove_loss; its gradient is exercise 04.glove_grad)
# ---------------------------------------------------------------------------


def glove_loss(w, w_tilde, b, b_tilde, x, x_max: float = X_MAX, alpha: float = ALPHA):
    """GloVe's weighted least-squares loss for a batch of B non-zero co-occurrences.

    w: (B, d) word vectors w_i of the batch's rows. w_tilde: (B, d) context vectors w~_j
    of its columns. b, b_tilde: (B,) their biases. x: (B,) the counts X_ij (all > 0).
    Returns a 0-d torch tensor (a NumPy float does not pass: training and autograd need a
    tensor), sum_k f(x_k) * (w_k · w~_k + b_k + b~_k - log x_k) ** 2 (the paper's J
    restricted to the batch; a sum, not a mean), differentiable when the inputs require
    grad. f is ``glove_weight(x, x_max, alpha)``; log is the natural logarithm.
    """
    w, w_tilde, b, b_tilde, x = _float_tensors(w, w_tilde, b, b_tilde, x)
    diff = (w * w_tilde).sum(-1) + b + b_tilde - torch.log(x)     # (B,)
    return (glove_weight(x, x_max, alpha) * diff ** 2).sum()


# ---------------------------------------------------------------------------
# 3. AdaGrad as in glove.c
# ---------------------------------------------------------------------------
def adagrad_step(param: torch.Tensor, gradsq: torch.Tensor, index: torch.Tensor,
                 grad: torch.Tensor, lr: float) -> None:
    """One AdaGrad update of the rows ``index`` of ``param``, in place, exactly as glove.c.

    param: (V, d) or (V,) parameters; gradsq: the same shape, the running sums of squared
    (scaled) gradients, which glove.c starts at 1.0. index: (B,) row of each gradient;
    grad: (B, d) or (B,) gradients of the cost for each entry of the batch.
    glove.c scales the gradient by the learning rate first, g = lr * grad, then moves
    the parameter by g / sqrt(gradsq) using the sum BEFORE this step, then adds g ** 2
    to the sum. A row hit by several entries of the batch gets the sum of their moves,
    all computed from the same gradsq (as glove.c's threads do, without locks).
    """
    g = lr * grad
    param.index_add_(0, index, g * gradsq.index_select(0, index).rsqrt_(), alpha=-1)
    gradsq.index_add_(0, index, g.square_())


# ---------------------------------------------------------------------------
# 4. Training
# ---------------------------------------------------------------------------
@dataclass
class GloVeModel(VectorsInterface):
    """Trained GloVe vectors and how they were trained.

    vectors: (V, dim) float32, W + W~ (the paper's choice: the sum of a word's two
    vectors is slightly better than either). W, W_tilde: the two matrices; b, b_tilde:
    the biases. losses: glove.c's cost (mean of 1/2 f(x) diff ** 2 over the non-zero
    entries) of each epoch. index_to_key: the words of the rows, if given.
    """

    vectors: np.ndarray
    W: np.ndarray
    W_tilde: np.ndarray
    b: np.ndarray
    b_tilde: np.ndarray
    losses: list[float]
    index_to_key: list[str] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    train_seconds: float = 0.0
    wv: KeyedVectors = field(init=False, repr=False)

    def __post_init__(self):
        # Without words, the rows are looked up by number.
        self.wv = KeyedVectors(self.vectors, self.index_to_key)

    def __repr__(self) -> str:
        loss = f", final cost {self.losses[-1]:.4f}" if self.losses else ""
        return (f"GloVeModel(V={self.vectors.shape[0]}, dim={self.vectors.shape[1]}, "
                f"{len(self.losses)} epochs in {self.train_seconds:.1f} s{loss})")


def _nonzero_entries(cooc) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns and values of the non-zero entries of a (V, V) matrix (scipy sparse or dense)."""
    if hasattr(cooc, "tocoo"):
        coo = cooc.tocoo()
        rows, cols, vals = coo.row, coo.col, coo.data
    else:
        dense = cooc.detach().cpu().numpy() if isinstance(cooc, torch.Tensor) else np.asarray(cooc)
        rows, cols = np.nonzero(dense)
        vals = dense[rows, cols]
    keep = vals > 0
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64), vals[keep].astype(np.float64)


def train_glove(
    cooc,
    dim: int = 100,
    epochs: int = 25,
    *,
    words: Sequence[str] | None = None,
    x_max: float = X_MAX,
    alpha: float = ALPHA,
    lr: float = 0.05,
    batch_size: int = 16384,
    device: str | torch.device | None = "cpu",
    seed: int = 0,
    progress: bool | None = None,
    threads: int | None = None,
    callback: Callable[[int, np.ndarray], None] | None = None,
) -> GloVeModel:
    """Train GloVe on a co-occurrence matrix with AdaGrad, as the reference glove.c does.

    cooc: (V, V) co-occurrence counts, a scipy sparse matrix (or a dense array); only its
    non-zero entries are used. dim: vector size. epochs: passes over the non-zero entries.
    words: the V words of the rows (kept on the model, for evaluation). x_max, alpha:
    the weighting function ``glove_weight``. lr: AdaGrad's learning rate (glove.c's default
    is 0.05; a small corpus trained for few epochs can take larger steps). batch_size:
    entries updated together from the same snapshot of the parameters (larger batches mean
    fewer Python steps; glove.c's threads also update without locks). A frequent word sits
    in many entries of a large batch and moves by the sum of all their steps, so a large lr
    with a large batch can overshoot in the first epoch (the cost turns NaN and training
    stops with FloatingPointError: lower either). device: "cpu",
    "cuda", "mps", or None for the best one here. seed: the same seed gives the same
    vectors on CPU. progress: show a progress bar. callback: called after every epoch
    as ``callback(epoch, vectors)`` (epoch from 1, vectors = W + W~ as a numpy array),
    e.g. to evaluate the vectors as they train.
    threads: CPU threads torch uses while training (restored afterwards), default 1: the
    steps are many small tensor operations, and on busy cores (a shared server, Binder,
    other programs) a second thread makes each of them wait; ignored on a GPU.

    Like glove.c: parameters start uniform in [-0.5, 0.5) / dim, AdaGrad's sums at 1, the
    cost of an entry is 1/2 f(x) diff ** 2 (so its gradient has no factor 2), and each
    epoch visits every non-zero entry once, in a new random order (glove.c shuffles
    once). Returns a :class:`GloVeModel` whose ``vectors`` are W + W~.
    """
    V = validate.cooccurrence_counts(cooc, words)
    validate.training_parameters(dim=dim, batch_size=batch_size)
    validate.whole_number(epochs, "epochs", minimum=0, why="passes over the non-zero entries, e.g. 25")
    validate.number(lr, "lr", minimum=0, exclusive=True, why="AdaGrad's learning rate, e.g. 0.05")
    validate.number(x_max, "x_max", minimum=0, exclusive=True, why="the count where the weight reaches 1")
    validate.number(alpha, "alpha", minimum=0, why="the weighting's power, e.g. 0.75")
    dev = _resolve_device(device)
    rows_np, cols_np, vals_np = _nonzero_entries(cooc)
    rows = torch.from_numpy(rows_np).to(dev)
    cols = torch.from_numpy(cols_np).to(dev)
    log_x = torch.from_numpy(np.log(vals_np)).to(dev, torch.float32)
    f_x = torch.from_numpy(glove_weight(vals_np, x_max, alpha)).to(dev, torch.float32)
    nnz = rows.numel()

    gen = torch.Generator(device="cpu")
    gen.manual_seed(seed)

    def init(*shape):
        return ((torch.rand(*shape, generator=gen) - 0.5) / dim).to(dev)

    W, W_t, b, b_t = init(V, dim), init(V, dim), init(V), init(V)
    # Each word's vector and bias side by side, P = [W | b] and Q = [W~ | b~], so that one
    # AdaGrad step updates both (the bias is a weight whose input is always 1).
    P, Q = torch.cat([W, b[:, None]], 1), torch.cat([W_t, b_t[:, None]], 1)   # (V, dim + 1)
    gP, gQ = torch.ones_like(P), torch.ones_like(Q)                             # glove.c's gradsq

    losses: list[float] = []

    bar = progress_bar(epochs, progress, "GloVe", unit="epoch")
    with _torch_threads(threads, dev):
        start = time.perf_counter()
        for _ in range(epochs):
            order = torch.randperm(nnz, generator=gen).to(dev)
            # This epoch's entries in a new random order; each batch is then a contiguous slice.
            e_rows, e_cols, e_logx, e_fx = rows[order], cols[order], log_x[order], f_x[order]
            cost = torch.zeros((), dtype=torch.float64, device=dev)
            for lo in range(0, nnz, batch_size):
                i, j = e_rows[lo:lo + batch_size], e_cols[lo:lo + batch_size]
                pi, qj = P.index_select(0, i), Q.index_select(0, j)        # (B, dim + 1) each
                # diff = w_i . w~_j + b_i + b~_j - log x_ij
                diff = (pi[:, :dim] * qj[:, :dim]).sum(1) + pi[:, dim] + qj[:, dim] - e_logx[lo:lo + batch_size]
                fdiff = e_fx[lo:lo + batch_size] * diff                     # d cost / d diff
                cost += (fdiff * diff).sum().double()
                # Gradients of 1/2 f diff^2, all from the same snapshot: fdiff * w~_j for w_i,
                # fdiff * w_i for w~_j, fdiff for both biases.
                qj[:, dim] = 1.0
                pi[:, dim] = 1.0
                adagrad_step(P, gP, i, fdiff[:, None] * qj, lr)
                adagrad_step(Q, gQ, j, fdiff[:, None] * pi, lr)
            cost /= 2
            loss = float(cost) / nnz
            if not np.isfinite(loss):
                bar.close()
                raise validate.DivergedError(
                    f"GloVe diverged in epoch {len(losses) + 1}: the cost became NaN or inf. The steps are "
                    f"too large: lower lr (now {lr:g}) or batch_size (now {batch_size}), e.g. lr={lr / 4:g}.")
            losses.append(loss)
            if callback is not None:  # its time is not counted as training time
                paused = time.perf_counter()
                callback(len(losses), (P[:, :dim] + Q[:, :dim]).cpu().numpy())
                start += time.perf_counter() - paused
            bar.update(1)
            bar.set_postfix(cost=f"{loss:.4f}")
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        seconds = time.perf_counter() - start
    bar.close()
    params = dict(dim=dim, epochs=epochs, x_max=x_max, alpha=alpha, lr=lr, batch_size=batch_size,
                  device=str(dev), seed=seed, nnz=nnz)
    Pn, Qn = P.cpu().numpy(), Q.cpu().numpy()
    Wn, Wtn = Pn[:, :dim].copy(), Qn[:, :dim].copy()
    return GloVeModel(vectors=(Wn + Wtn).astype(np.float32), W=Wn, W_tilde=Wtn, b=Pn[:, dim].copy(),
                      b_tilde=Qn[:, dim].copy(), losses=losses,
                      index_to_key=list(words) if words is not None else None,
                      params=params, train_seconds=seconds)
