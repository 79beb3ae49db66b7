"""Lesson 04, SWIVEL: fit PMI on observed pairs, and push unobserved pairs down softly.

SWIVEL (Shazeer, Doherty, Evans and Waterson, 2016, "Swivel: Improving Embeddings by
Noticing What's Missing") also factorises the co-occurrence matrix X, but it looks at
EVERY cell, zeros included, and fits pointwise mutual information rather than log counts.
With x_i* the row sums, x_*j the column sums and |D| the total,

    observed cell (x_ij > 0):    1/2 f(x_ij) (w_i · c_j - PMI_ij) ** 2,
                                 PMI_ij = log x_ij + log |D| - log x_i* - log x_*j
    unobserved cell (x_ij = 0):  log(1 + exp(w_i · c_j - PMI*_ij))     (a "soft hinge")
                                 PMI*_ij = the PMI the pair would have with a count of 1

A pair never seen together although both words are frequent is then pushed apart
(its PMI* is low), while a pair of rare words that merely did not get the chance to
meet is left alone (its PMI* is high). f is SWIVEL's confidence, 0.1 + 0.25 sqrt(x).

Training works on blocks ("shards"): the words are dealt into k groups of about
``block_size`` words each (the 1st, (k+1)th, ... most frequent word in group 0, and so
on), and one step takes a block of rows times a block of columns, computes all
block_size ** 2 predictions with one matrix product, and updates the rows and columns
of that block with AdaGrad. Each epoch visits all k * k blocks in a random order::

    model = train_swivel(X, dim=100, epochs=10, words=words)    # device="cuda" on a GPU
    model.vectors           # (V, dim) float32: row + column vectors

Exercise ``04.swivel_loss`` is the loss of one block, cell by cell.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from . import validate
from .device import cpu_threads as _torch_threads
from .device import resolve as _resolve_device
from .progress import progress_bar
from .tensors import float_tensors as _float_tensors
from .vectors import KeyedVectors, VectorsInterface

__all__ = ["SwivelModel", "shards", "swivel_block_grad", "swivel_confidence", "swivel_loss", "train_swivel"]

CONFIDENCE_BASE = 0.1
CONFIDENCE_SCALE = 0.25
CONFIDENCE_EXPONENT = 0.5


def swivel_confidence(x, base: float = CONFIDENCE_BASE, scale: float = CONFIDENCE_SCALE,
                      exponent: float = CONFIDENCE_EXPONENT):
    """SWIVEL's confidence in an observed count: base + scale * x ** exponent (0.1 + 0.25 sqrt(x)).

    Unlike GloVe's weight it is not capped: frequent pairs, whose PMI is estimated
    precisely, count more and more. Works on numpy arrays and torch tensors alike.
    """
    return base + scale * x ** exponent


# ---------------------------------------------------------------------------
# Exercise 04.swivel_loss
# ---------------------------------------------------------------------------


def swivel_loss(w, c, x, row_totals, col_totals, total):
    """SWIVEL's loss for every cell of a block of the co-occurrence matrix.

    w: (m, d) row vectors of the block's m words. c: (n, d) column vectors of its n
    context words. x: (m, n) their co-occurrence counts; 0 means "never seen together".
    row_totals: (m,) row sums x_i* of the WHOLE matrix; col_totals: (n,) column sums x_*j;
    total: |D|, the sum of all counts, a plain Python float (math.log(total) works, torch.log
    needs a tensor: torch.as_tensor(total)). Arrays may be NumPy arrays or torch tensors.
    Returns an (m, n) torch tensor of losses, differentiable with respect to w and c when
    they require grad (no NaN in the gradient either):

    * x_ij > 0:  1/2 f(x_ij) (w_i · c_j - PMI_ij) ** 2 with
      PMI_ij = log x_ij + log total - log x_i* - log x_*j and f = ``swivel_confidence``;
    * x_ij = 0:  log(1 + exp(w_i · c_j - PMI*_ij)), PMI*_ij the same PMI with x_ij = 1.
      ``F.softplus`` computes log(1 + exp(s)) without overflow.

    Take log x only where x > 0: log 0 = -inf makes the squared loss +inf in the cells
    that torch.where then discards, so the values look right, but the backward pass
    multiplies the zero gradient of the discarded branch by that infinity: NaN gradients.
    """
    w, c, x, row_totals, col_totals, total = _float_tensors(w, c, x, row_totals, col_totals, total)
    scores = w @ c.T                                                     # (m, n)
    pmi_star = torch.log(total) - torch.log(row_totals)[:, None] - torch.log(col_totals)[None, :]
    observed = x > 0
    # log x only where x > 0: the other cells would give -inf (and NaN gradients).
    pmi = pmi_star + torch.log(torch.where(observed, x, torch.ones_like(x)))
    squared = 0.5 * swivel_confidence(x) * (scores - pmi) ** 2
    hinge = F.softplus(scores - pmi_star)
    return torch.where(observed, squared, hinge)


# ---------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------
def swivel_block_grad(w: torch.Tensor, c: torch.Tensor, x: torch.Tensor,
                      pmi_star: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The summed loss of a block and its gradients with respect to w (m, d) and c (n, d).

    x: (m, n) counts of the block; pmi_star: (m, n) log total - log x_i* - log x_*j (the
    PMI with a count of 1). The same loss as ``swivel_loss(...).sum()``, with the
    gradient written out: d loss / d score is f(x) (score - PMI) for an observed cell and
    sigmoid(score - PMI*) for an unobserved one, and score = w @ c.T sends it back to w
    and c with two matrix products.
    """
    scores = w @ c.T                                                    # (m, n)
    observed = x > 0
    err = scores - pmi_star - torch.log(torch.where(observed, x, torch.ones_like(x)))  # score - PMI
    conf = swivel_confidence(x)
    hinge_arg = scores - pmi_star
    loss = torch.where(observed, 0.5 * conf * err ** 2, F.softplus(hinge_arg)).sum()
    g = torch.where(observed, conf * err, torch.sigmoid(hinge_arg))     # d loss / d score
    return loss, g @ c, g.T @ w


@dataclass
class SwivelModel(VectorsInterface):
    """Trained SWIVEL vectors. vectors: (V, dim) float32, row + column vectors (as SWIVEL's
    own export does); W, C: the two matrices. losses: mean loss per cell, each epoch."""

    vectors: np.ndarray
    W: np.ndarray
    C: np.ndarray
    losses: list[float]
    index_to_key: list[str] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    train_seconds: float = 0.0
    wv: KeyedVectors = field(init=False, repr=False)

    def __post_init__(self):
        # Without words, the rows are looked up by number.
        self.wv = KeyedVectors(self.vectors, self.index_to_key)

    def __repr__(self) -> str:
        loss = f", final loss {self.losses[-1]:.4f}" if self.losses else ""
        return (f"SwivelModel(V={self.vectors.shape[0]}, dim={self.vectors.shape[1]}, "
                f"{len(self.losses)} epochs in {self.train_seconds:.1f} s{loss})")


def shards(counts_by_word: np.ndarray, n_shards: int) -> list[np.ndarray]:
    """Deal the words into ``n_shards`` groups by frequency rank: group s holds the words of
    rank s, s + n_shards, s + 2 n_shards, ... so every group mixes frequent and rare words."""
    order = np.argsort(-np.asarray(counts_by_word), kind="stable")
    return [order[s::n_shards] for s in range(n_shards)]


def train_swivel(
    cooc,
    dim: int = 100,
    epochs: int = 10,
    *,
    words: Sequence[str] | None = None,
    block_size: int = 1024,
    lr: float = 0.2,
    device: str | torch.device | None = "cpu",
    seed: int = 0,
    progress: bool | None = None,
    threads: int | None = None,
) -> SwivelModel:
    """Train SWIVEL on a (V, V) co-occurrence matrix (scipy sparse or dense), block by block.

    dim: vector size. epochs: passes over all blocks. words: the V words of the rows.
    block_size: about how many rows (and columns) a block has; one step computes
    block_size ** 2 cells, zeros included. lr: AdaGrad's learning rate (accumulators
    start at 0.1, as in TensorFlow's AdagradOptimizer that SWIVEL used). device: "cpu",
    "cuda", "mps" or None for the best here. seed: the same seed gives the same vectors on CPU.

    Rows use the row sums and columns the column sums (the same for a symmetric matrix).
    Vectors start normal with standard deviation 1/sqrt(dim).
    threads: CPU threads torch uses while training (restored afterwards), default 1: the
    steps are many small tensor operations, and on busy cores (a shared server, Binder,
    other programs) a second thread makes each of them wait; ignored on a GPU.
    Returns a :class:`SwivelModel` whose ``vectors`` are W + C.
    """
    import scipy.sparse as sp

    V = validate.cooccurrence_counts(cooc, words)
    validate.training_parameters(dim=dim)
    validate.whole_number(epochs, "epochs", minimum=0, why="passes over all blocks, e.g. 10")
    validate.whole_number(block_size, "block_size", why="rows and columns per block, e.g. 1024")
    validate.number(lr, "lr", minimum=0, exclusive=True, why="AdaGrad's learning rate, e.g. 0.2")
    dev = _resolve_device(device)
    m = sp.coo_matrix(cooc)
    keep = m.data > 0
    rows, cols, vals = m.row[keep].astype(np.int64), m.col[keep].astype(np.int64), m.data[keep]
    row_totals = np.bincount(rows, weights=vals, minlength=V)
    col_totals = np.bincount(cols, weights=vals, minlength=V)
    # A word that never co-occurs with anything (e.g. one that only appears alone on a
    # line) has a zero total; count it as 1 so that its PMI* stays finite. Its cells are
    # all unobserved and its vector barely moves.
    row_totals, col_totals = np.maximum(row_totals, 1.0), np.maximum(col_totals, 1.0)
    total = float(vals.sum())

    k = max(1, math.ceil(V / block_size))
    row_shards, col_shards = shards(row_totals, k), shards(col_totals, k)
    # Where every word sits: its shard and its position inside the shard.
    r_shard, r_pos, c_shard, c_pos = (np.empty(V, dtype=np.int64) for _ in range(4))
    for s in range(k):
        r_shard[row_shards[s]], r_pos[row_shards[s]] = s, np.arange(len(row_shards[s]))
        c_shard[col_shards[s]], c_pos[col_shards[s]] = s, np.arange(len(col_shards[s]))
    # Non-zero entries grouped by block (sorted by block id), with their place in the block.
    block_of = r_shard[rows] * k + c_shard[cols]
    order = np.argsort(block_of, kind="stable")
    starts = np.concatenate([[0], np.cumsum(np.bincount(block_of, minlength=k * k))])
    e_r = torch.from_numpy(r_pos[rows][order]).to(dev)
    e_c = torch.from_numpy(c_pos[cols][order]).to(dev)
    e_x = torch.from_numpy(vals[order]).to(dev, torch.float32)

    log_rows = torch.from_numpy(np.log(row_totals)).to(dev, torch.float32)
    log_cols = torch.from_numpy(np.log(col_totals)).to(dev, torch.float32)
    log_total = math.log(total)
    row_idx = [torch.from_numpy(s).to(dev) for s in row_shards]
    col_idx = [torch.from_numpy(s).to(dev) for s in col_shards]

    gen = torch.Generator(device="cpu")
    gen.manual_seed(seed)
    W = (torch.randn(V, dim, generator=gen) / math.sqrt(dim)).to(dev)
    C = (torch.randn(V, dim, generator=gen) / math.sqrt(dim)).to(dev)
    gW = torch.full((V, dim), 0.1, device=dev)
    gC = torch.full((V, dim), 0.1, device=dev)

    bar = progress_bar(epochs, progress, "SWIVEL", unit="epoch")
    losses: list[float] = []
    with _torch_threads(threads, dev):
        start = time.perf_counter()
        for _ in range(epochs):
            total_loss = 0.0
            for blk in torch.randperm(k * k, generator=gen).tolist():
                s, t = divmod(blk, k)
                ri, ci = row_idx[s], col_idx[t]
                lo, hi = int(starts[blk]), int(starts[blk + 1])
                x = torch.zeros(len(ri), len(ci), device=dev)
                x[e_r[lo:hi], e_c[lo:hi]] = e_x[lo:hi]
                pmi_star = log_total - log_rows[ri][:, None] - log_cols[ci][None, :]
                w, c = W.index_select(0, ri), C.index_select(0, ci)
                loss, grad_w, grad_c = swivel_block_grad(w, c, x, pmi_star)
                total_loss += float(loss)
                # AdaGrad; every word appears once in a block, so plain indexing is enough.
                gW[ri] += grad_w ** 2
                gC[ci] += grad_c ** 2
                W[ri] -= lr * grad_w / gW[ri].sqrt()
                C[ci] -= lr * grad_c / gC[ci].sqrt()
            loss = total_loss / (V * V)
            if not np.isfinite(loss):
                bar.close()
                raise validate.DivergedError(
                    f"SWIVEL diverged in epoch {len(losses) + 1}: the loss became NaN or inf. Lower the "
                    f"learning rate (now lr={lr:g}), e.g. lr={lr / 4:g}.")
            losses.append(loss)
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.4f}")
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        seconds = time.perf_counter() - start
    bar.close()
    Wn, Cn = W.cpu().numpy(), C.cpu().numpy()
    params = dict(dim=dim, epochs=epochs, block_size=block_size, n_shards=k, lr=lr,
                  device=str(dev), seed=seed)
    return SwivelModel(vectors=(Wn + Cn).astype(np.float32), W=Wn, C=Cn, losses=losses,
                       index_to_key=list(words) if words is not None else None,
                       params=params, train_seconds=seconds)
