"""Lesson 08, the inverted-file (IVF) index: search a few clusters, not the whole corpus.

Exact search scores every corpus vector for every query. An IVF index first splits the
corpus into ``nlist`` clusters with k-means (the "coarse quantiser"), and keeps, for each
cluster, the list of its vectors (an "inverted list"). A query is compared with the
nlist centroids, and only the vectors in its ``n_probe`` nearest clusters are scored::

    from embedlab.ivf import IVFIndex
    index = IVFIndex(384, nlist=128)      # like faiss.IndexIVFFlat(IndexFlatL2(384), 384, 128, METRIC_INNER_PRODUCT)
    index.train(corpus)                    # k-means: 128 centroids
    index.add(corpus)                      # each vector into the list of its nearest centroid
    D, I = index.search(queries, 10, n_probe=8)   # scores only about 8/128 of the corpus

With n_probe = nlist every list is searched and the result is exact; with n_probe = 1
a query whose true neighbour sits just across a cluster border misses it. Recall
against speed is the trade-off notebook 08 plots.

``m=`` adds product quantisation (``embedlab.pq``), as faiss' ``IndexIVFPQ``: each
vector is stored as the PQ code of its residual, vector minus its cluster's centroid.
For the inner product q . x = q . centroid + q . residual, so a candidate's score is
the query's score with its centroid plus the ADC sum of its residual's code. The
residuals of many clusters share one codebook, and are smaller than the vectors, so
the same bytes quantise them more finely.

The vectors are kept sorted list by list, as faiss keeps its inverted lists. The search
step is batched over queries and done list by list, as faiss scans: each probed list
is scored against all the queries that probe it in one matrix product, the scores are
written side by side into a (queries, candidates) matrix (-inf after a query's last
candidate), and the top k of each row are kept. Given the same centroids (and
codebooks) this returns what faiss returns (tests/test_ann.py). When the probed lists hold fewer than k vectors, the missing
results are id -1 with score -inf, as faiss pads them.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .device import resolve as _resolve_device
from .kmeans import assign, kmeans
from .pq import ProductQuantizer
from .search import METRICS, _best_k, _check_finite, _matrix, normalize
from .validate import InputError, whole_number

__all__ = ["IVFIndex"]

# Candidate scores (and their int64 ids) held at once while searching: about 4M, 48 MB in all.
_GATHERED_PER_BLOCK = 4_000_000


class IVFIndex:
    """k-means coarse quantiser + inverted lists, with full vectors or PQ codes of residuals.

    d: the vectors' dimension. nlist: the number of clusters. metric: "cosine" (rows are
    normalised as they are trained on, added and searched) or "dot". m, nbits: if m is
    given, store PQ codes of residuals (IVF-PQ) instead of the vectors (IVF-Flat).
    n_probe: the default number of lists searched per query (faiss' ``nprobe``, 1 there too).
    """

    def __init__(self, d: int, nlist: int, metric: str = "cosine", *, m: int | None = None, nbits: int = 8,
                 n_probe: int = 1, device: str | torch.device | None = None):
        self.d = whole_number(d, "d", why="the dimension of the vectors")
        self.nlist = whole_number(nlist, "nlist", why="the number of clusters")
        if metric not in METRICS:
            raise InputError(f"metric must be 'cosine' or 'dot', not {metric!r}.")
        self.metric = metric
        self.n_probe = whole_number(n_probe, "n_probe", why="lists searched per query")
        self.device = _resolve_device(device)
        self.pq = None if m is None else ProductQuantizer(d, m, nbits, device=self.device)
        self.centroids: torch.Tensor | None = None
        self.reset()

    # -- building -------------------------------------------------------------------
    @property
    def is_trained(self) -> bool:
        return self.centroids is not None and (self.pq is None or self.pq.is_trained)

    def train(self, x: Any, *, iterations: int = 20, seed: int = 0) -> "IVFIndex":
        """k-means of the rows of x (N, d), N >= nlist, for the centroids; for IVF-PQ, then the
        PQ codebooks on the residuals of x."""
        x = self._prepare(x, "x")
        self.centroids = kmeans(x, self.nlist, iterations=iterations, seed=seed, device=self.device)
        if self.pq is not None:
            labels, _ = assign(x, self.centroids)
            self.pq.train(x - self.centroids[labels], iterations=iterations, seed=seed)
        return self

    def reset(self) -> None:
        """Remove every vector (the centroids and codebooks stay)."""
        self._stored = []          # per add: the vectors (IVF-Flat) or residual codes (IVF-PQ)
        self._labels = []          # per add: each vector's list
        self._sorted = None        # the rows sorted list by list, built on the next search (_build_lists)
        self.ntotal = 0

    def add(self, x: Any) -> None:
        """Put each of the (n, d) vectors in the list of its nearest centroid; its id is its position."""
        if not self.is_trained:
            raise InputError("this IVF index is not trained yet: call .train(vectors) first (k-means "
                             "needs to see the data before it can sort vectors into lists).")
        x = self._prepare(x, "vectors")
        labels, _ = assign(x, self.centroids)
        self._stored.append(x if self.pq is None else self.pq.encode(x - self.centroids[labels]))
        self._labels.append(labels)
        self.ntotal += len(x)
        self._sorted = None

    def _build_lists(self) -> None:
        """Sort the stored rows list by list, as faiss' inverted lists are kept: list l is
        rows starts[l] : starts[l] + sizes[l] of ``_sorted``, and ``_sorted_ids`` holds their ids."""
        stored, labels = torch.cat(self._stored), torch.cat(self._labels)
        self._stored, self._labels = [stored], [labels]
        order = labels.argsort(stable=True)                      # positions, list by list, in order of adding
        self._sizes = torch.bincount(labels, minlength=self.nlist)
        self._starts = (self._sizes.cumsum(0) - self._sizes).tolist()
        self._sorted, self._sorted_ids = stored[order], order

    @property
    def list_sizes(self) -> torch.Tensor:
        """(nlist,) int64: how many vectors each list holds."""
        if self._sorted is None:
            if not self._stored:
                return torch.zeros(self.nlist, dtype=torch.int64, device=self.device)
            self._build_lists()
        return self._sizes

    # -- searching ------------------------------------------------------------------
    def probe(self, queries: torch.Tensor, n_probe: int) -> torch.Tensor:
        """(Q, n_probe) int64: each query's n_probe nearest centroids (L2, as the lists were made), nearest first."""
        c_sq = (self.centroids * self.centroids).sum(dim=1)
        partial = c_sq[None, :] - 2.0 * (queries @ self.centroids.T)       # ||q - c||^2 minus ||q||^2
        return partial.topk(n_probe, dim=1, largest=False).indices

    def search(self, queries: Any, k: int, *, n_probe: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(D, I): (Q, k) float32 scores and int64 ids of the best k among the probed lists.

        queries: (Q, d) float. n_probe: lists searched per query (None: ``self.n_probe``),
        1 <= n_probe <= nlist. Best first; padded with id -1 and score -inf when the
        probed lists hold fewer than k vectors (as faiss does).
        """
        if not self.is_trained:
            raise InputError("this IVF index is not trained yet: call .train(vectors), then .add(vectors).")
        k = whole_number(k, "k", why="how many neighbours to return per query")
        n_probe = self.n_probe if n_probe is None else n_probe
        n_probe = whole_number(n_probe, "n_probe", why="lists searched per query")
        if n_probe > self.nlist:
            raise InputError(f"n_probe={n_probe} but the index has only nlist={self.nlist} lists.")
        if self.ntotal == 0:
            raise InputError("the index is empty: add vectors before searching.")
        if self._sorted is None:
            self._build_lists()
        queries = self._prepare(queries, "queries")
        # Queries per block: their candidates' scores, about 16M numbers at most.
        longest = int(self.list_sizes.topk(n_probe).values.sum())
        block = max(1, _GATHERED_PER_BLOCK // max(longest, 1))
        D, I = [], []
        for start in range(0, len(queries), block):
            scores, ids = self._scores_of_candidates(queries[start:start + block], n_probe)
            top_scores, top_ids = _best_k(scores, ids, k) if scores.shape[1] >= k else _pad(scores, ids, k)
            D.append(top_scores)
            I.append(torch.where(torch.isinf(top_scores), torch.full_like(top_ids, -1), top_ids))
        return torch.cat(D).cpu().numpy(), torch.cat(I).cpu().numpy()

    def _scores_of_candidates(self, q: torch.Tensor, n_probe: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(b, width) scores and ids of every vector in each query's probed lists, -inf / -1 after the last.

        List by list, not query by query: each probed list is scored against all the
        queries that probe it in one matrix product, the way faiss scans an inverted list.
        Query q's candidates from its p-th probe go to columns base[q, p] onwards.
        """
        probes = self.probe(q, n_probe)                                  # (b, P)
        sizes = self.list_sizes[probes]                                  # (b, P)
        base = sizes.cumsum(dim=1) - sizes                               # (b, P): where each probe's block begins
        width = int(sizes.sum(dim=1).max())
        scores = torch.full((len(q), width), float("-inf"), device=self.device)
        ids = torch.full((len(q), width), -1, dtype=torch.int64, device=self.device)
        tables = None if self.pq is None else self.pq.tables(q)          # (b, m, ksub) for IVF-PQ
        for lst in probes.unique().tolist():
            rows, slot = (probes == lst).nonzero(as_tuple=True)          # the queries that probe this list
            lo, hi = self._starts[lst], self._starts[lst] + int(self.list_sizes[lst])
            if lo == hi:
                continue
            if self.pq is None:
                block = q[rows] @ self._sorted[lo:hi].T                  # (r, size): exact scores
            else:
                # q . centroid, plus the ADC sum over each residual code: q . x = q . c + q . r.
                block = (q[rows] @ self.centroids[lst])[:, None] + self.pq.adc(tables[rows], self._sorted[lo:hi])
            cols = base[rows, slot][:, None] + torch.arange(hi - lo, device=self.device)   # (r, size)
            scores[rows[:, None], cols] = block
            ids[rows[:, None], cols] = self._sorted_ids[lo:hi]
        return scores, ids

    # -- sizes ----------------------------------------------------------------------
    @property
    def memory_bytes(self) -> int:
        """Bytes of the stored vectors or codes, their int64 ids in the lists, and the centroids (and codebooks)."""
        stored = sum(t.numel() * t.element_size() for t in self._stored)
        extra = 0 if self.pq is None else self.pq.memory_bytes
        centroids = 0 if self.centroids is None else self.centroids.numel() * 4
        return stored + 8 * self.ntotal + centroids + extra

    def _prepare(self, x: Any, name: str) -> torch.Tensor:
        x = _matrix(x, name)
        if x.shape[1] != self.d:
            raise InputError(f"{name} has {x.shape[1]} dimensions but this index is for d={self.d}: "
                             "encode them with the same model.")
        _check_finite(x, name)
        x = x.to(self.device)
        return normalize(x) if self.metric == "cosine" else x

    def __len__(self) -> int:
        return self.ntotal

    def __repr__(self) -> str:
        kind = "IVF-Flat" if self.pq is None else f"IVF-PQ m={self.pq.m}"
        return f"IVFIndex({kind}, d={self.d}, nlist={self.nlist}, metric={self.metric!r}, ntotal={self.ntotal})"


def _pad(scores: torch.Tensor, ids: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The best of fewer than k candidates, padded to k with -inf scores and -1 ids."""
    b, width = scores.shape
    scores = torch.cat([scores, torch.full((b, k - width), float("-inf"), device=scores.device)], dim=1)
    ids = torch.cat([ids, torch.full((b, k - width), -1, dtype=ids.dtype, device=ids.device)], dim=1)
    return _best_k(scores, ids, k)
