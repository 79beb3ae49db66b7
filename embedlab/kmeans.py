"""Lesson 08, k-means: the clustering both approximate indexes (IVF and PQ) are built on.

An IVF index groups the corpus vectors around k-means centroids and searches only the
groups nearest the query; product quantisation replaces each slice of a vector by the
nearest of 256 k-means centroids of that slice. Both need the same thing: k centres
that sit among the data. This module is Lloyd's algorithm, batched::

    from embedlab.kmeans import kmeans, assign
    centroids = kmeans(x, k=64, iterations=20, seed=0)      # (N, d) -> (64, d)
    labels, sq_dist = assign(x, centroids)                   # (N,) int64, (N,) float32

The steps (``kmeans``):

1. start from k distinct training vectors drawn at random (seeded), as faiss does;
2. assign every vector to its nearest centroid (squared L2 distance, computed as
   ||x||^2 - 2 x.c + ||c||^2: one matrix product per block of vectors);
3. move each centroid to the mean of the vectors assigned to it (``index_add_``: a
   sum per cluster without a Python loop over clusters);
4. a centroid that lost all its vectors is moved onto the vectors worst served by the
   others (those farthest from their centroid), so no centre is wasted;
5. repeat 2-4 ``iterations`` times, or until no assignment changes.

Given the same starting centroids this is exactly scikit-learn's ``KMeans(algorithm=
"lloyd")`` (tests/test_kmeans.py); from its own random start its objective matches
``faiss.Kmeans`` on the same data (docs/benchmarks.md).
"""
from __future__ import annotations

from typing import Any

import torch

from .device import resolve as _resolve_device
from .tensors import as_tensor as _tensor
from .validate import InputError, whole_number

__all__ = ["assign", "kmeans", "objective"]

# Distances held at once while assigning: about 16M float32 (64 MB) whatever N and k are.
_DISTANCES_PER_BLOCK = 16_000_000


def assign(x: Any, centroids: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """The nearest centroid of every row of ``x``, and the squared distance to it.

    x: (N, d) float; centroids: (k, d) float (NumPy or torch, on one device).
    Returns (labels, sq_dist): (N,) int64 and (N,) float32 on that device. Of two
    equally near centroids the lower index wins (``argmin`` keeps the first).
    """
    x, centroids = _points(x, "x"), _points(centroids, "centroids").to(_tensor(x).device)
    if x.shape[1] != centroids.shape[1]:
        raise InputError(f"x has {x.shape[1]} dimensions but the centroids have {centroids.shape[1]}.")
    c_sq = (centroids * centroids).sum(dim=1)                       # (k,)
    block = max(1, _DISTANCES_PER_BLOCK // max(len(centroids), 1))
    labels, sq_dist = [], []
    for start in range(0, len(x), block):
        rows = x[start:start + block]
        # ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2; ||x||^2 is the same for every c, so it
        # is added after the argmin, only for the distance that is kept.
        partial = c_sq[None, :] - 2.0 * (rows @ centroids.T)         # (b, k)
        best, which = partial.min(dim=1)
        labels.append(which)
        # Rounding can make a tiny distance come out slightly negative: clamp at 0.
        sq_dist.append((best + (rows * rows).sum(dim=1)).clamp_min(0.0))
    return torch.cat(labels), torch.cat(sq_dist)


def objective(x: Any, centroids: Any) -> float:
    """The k-means objective: the sum over rows of x of the squared distance to the nearest centroid."""
    return float(assign(x, centroids)[1].double().sum())


def kmeans(x: Any, k: int, *, iterations: int = 20, seed: int = 0, init: Any = None,
           device: str | torch.device | None = None) -> torch.Tensor:
    """k centroids of the rows of ``x`` by Lloyd's algorithm.

    x: (N, d) float array or tensor, N >= k. k: the number of clusters. iterations: the
    most rounds of assign-then-update (it stops early when no assignment changes).
    seed: which k distinct rows start as centroids. init: (k, d) starting centroids
    instead (to compare with another implementation from the same start). device: where
    to compute (None: the best one here).

    Returns (k, d) float32 centroids on that device. Deterministic on a CPU for a given
    seed; float32 sums on a GPU may differ in the last digits.
    """
    where = _resolve_device(device)
    x = _points(x, "x").to(where)
    k = whole_number(k, "k", why="the number of clusters")
    iterations = whole_number(iterations, "iterations", minimum=0, why="rounds of assign-then-update")
    n, d = x.shape
    if n < k:
        raise InputError(f"k-means needs at least k={k} training vectors to place k centroids; it got {n:,}. "
                         "Lower k, or train on more vectors.")
    if init is None:
        gen = torch.Generator().manual_seed(seed)
        centroids = x[torch.randperm(n, generator=gen)[:k].to(where)].clone()
    else:
        centroids = _points(init, "init").to(where).clone()
        if centroids.shape != (k, d):
            raise InputError(f"init must hold k={k} starting centroids of {d} dimensions, not shape "
                             f"{tuple(centroids.shape)}.")
    labels = None
    for _ in range(iterations):
        new_labels, sq_dist = assign(x, centroids)
        if labels is not None and torch.equal(new_labels, labels):
            break                                           # converged: the update would change nothing
        labels = new_labels
        centroids = _update(x, labels, sq_dist, centroids)
    return centroids


def _update(x: torch.Tensor, labels: torch.Tensor, sq_dist: torch.Tensor, old: torch.Tensor) -> torch.Tensor:
    """Each centroid moved to the mean of its vectors; an empty one onto the worst-served vectors."""
    k = len(old)
    sums = torch.zeros_like(old).index_add_(0, labels, x)                   # (k, d): sum per cluster
    counts = torch.bincount(labels, minlength=k).to(x.dtype)                # (k,)
    centroids = sums / counts.clamp_min(1.0)[:, None]
    empty = (counts == 0).nonzero().flatten()
    if len(empty):
        # The vectors farthest from their centroid are the worst served: each empty
        # centroid takes one of them (the farthest first), as a fresh start there.
        farthest = sq_dist.argsort(descending=True, stable=True)[:len(empty)]
        centroids[empty] = x[farthest]
    return centroids


def _points(x: Any, name: str) -> torch.Tensor:
    """``x`` as a 2-D float32 tensor of finite numbers, or an InputError saying what is wrong."""
    if x is None or isinstance(x, (str, bytes)):
        raise InputError(f"{name} must be a 2-D array of vectors, one row each, not {type(x).__name__}.")
    t = _tensor(x)
    if t.ndim != 2 or t.shape[1] == 0:
        raise InputError(f"{name} must be a 2-D array, one vector per row, not of shape {tuple(t.shape)}.")
    if t.dtype == torch.bool or t.is_complex():
        raise InputError(f"{name} must hold real numbers, not {t.dtype}.")
    t = t.to(torch.float32)
    if not torch.isfinite(t).all():
        raise InputError(f"{name} holds NaN or infinite values: the step that made these vectors went wrong.")
    return t
