"""Lesson 08, product quantisation: a 384-number vector stored in 48 bytes, searched without decoding.

A float32 MiniLM vector takes 384 x 4 = 1,536 bytes. Product quantisation (Jegou et al.
2011) cuts it into ``m`` slices of ``d / m`` numbers and replaces each slice by the index
of its nearest centroid among ``2**nbits`` learned for that slice: with m = 48 and
nbits = 8 a vector becomes 48 one-byte codes, 32 times smaller::

    from embedlab.pq import ProductQuantizer, PQIndex
    pq = ProductQuantizer(d=384, m=48).train(x)       # 48 k-means of 256 centroids, one per slice
    codes = pq.encode(x)                              # (N, 48) uint8
    approx = pq.decode(codes)                         # (N, 384): each slice replaced by its centroid

    index = PQIndex(384, m=48)                        # like faiss.IndexPQ(384, 48, 8, METRIC_INNER_PRODUCT)
    index.train(corpus); index.add(corpus)
    D, I = index.search(queries, 10)

Searching, the codes are never decoded (asymmetric distance computation, ADC): the
query stays exact, and for each slice j its score with all 256 centroids of that slice
is computed once, a table T[j, c] = q_j . centroid_{j,c} of m x 256 numbers. A corpus
vector's approximate score is then a sum of m table look-ups, T[0, code_0] + ... +
T[m-1, code_{m-1}], which equals q . decode(code) exactly, because a dot product is a
sum over slices. Memory per vector: m x nbits / 8 bytes, and the codebooks once.

The same codes and scores as faiss' ``IndexPQ`` given the same codebooks
(tests/test_pq.py); faiss trains its own codebooks by the same k-means.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .device import resolve as _resolve_device
from .kmeans import _points, kmeans
from .search import METRICS, _best_k, _check_finite, _matrix, normalize
from .validate import InputError, whole_number

__all__ = ["PQIndex", "ProductQuantizer", "encode"]

# Table look-ups summed at once while scoring: about 16M (64 MB) whatever Q and N are.
_LOOKUPS_PER_BLOCK = 16_000_000
# Scores of (queries, corpus) held at once by PQIndex.search.
_SCORES_PER_BLOCK = 4_000_000


def encode(x: Any, codebooks: Any) -> torch.Tensor:
    """PQ codes of the rows of x: for each slice, the index of its nearest centroid.

    x: (N, d) float; codebooks: (m, ksub, d // m) float, slice j of a vector being
    x[:, j * d//m : (j + 1) * d//m] (contiguous runs, not every m-th number). Returns
    (N, m) uint8 (ksub <= 256) on x's device; equally near centroids: the lower index.
    """
    x, books = _points(x, "x"), torch.as_tensor(codebooks, dtype=torch.float32)
    m, ksub, dsub = books.shape
    if x.shape[1] != m * dsub:
        raise InputError(f"x has {x.shape[1]} dimensions but the codebooks cut {m} x {dsub} = {m * dsub}.")
    books = books.to(x.device)
    codes = []
    block = max(1, _LOOKUPS_PER_BLOCK // (m * ksub))
    for start in range(0, len(x), block):
        slices = x[start:start + block].reshape(-1, m, dsub).transpose(0, 1)            # (m, b, dsub)
        # Squared distance of every slice to every centroid of its slice, for all m at
        # once: (m, b, dsub) @ (m, dsub, ksub) -> (m, b, ksub); ||x_j||^2 is the same for
        # every centroid, so it is left out of the argmin.
        partial = (books * books).sum(-1)[:, None, :] - 2.0 * torch.bmm(slices, books.transpose(1, 2))
        codes.append(partial.argmin(dim=-1).T.to(torch.uint8))                          # (b, m)
    return torch.cat(codes) if codes else torch.empty(0, m, dtype=torch.uint8, device=x.device)


class ProductQuantizer:
    """m sub-space codebooks of 2**nbits centroids each; encode, decode and ADC tables.

    d: the vectors' dimension, a multiple of m. m: the number of slices (bytes per
    vector when nbits = 8). nbits: bits per code, 1-8 (2**nbits centroids per slice).

    After ``train``: ``codebooks`` is a (m, 2**nbits, d // m) float32 tensor.
    """

    def __init__(self, d: int, m: int, nbits: int = 8, *, device: str | torch.device | None = None):
        self.d = whole_number(d, "d", why="the dimension of the vectors")
        self.m = whole_number(m, "m", why="the number of slices each vector is cut into")
        self.nbits = whole_number(nbits, "nbits", why="bits per code")
        if self.nbits > 8:
            raise InputError(f"nbits must be at most 8 (codes are stored one byte each), not {nbits}.")
        if self.d % self.m:
            divisors = [k for k in range(1, self.d + 1) if self.d % k == 0]
            raise InputError(f"d={self.d} does not split into m={self.m} equal slices: choose m among {divisors}.")
        self.dsub = self.d // self.m
        self.ksub = 2 ** self.nbits
        self.device = _resolve_device(device)
        self.codebooks: torch.Tensor | None = None

    @property
    def is_trained(self) -> bool:
        return self.codebooks is not None

    def train(self, x: Any, *, iterations: int = 20, seed: int = 0) -> "ProductQuantizer":
        """Learn each slice's centroids by k-means on that slice of the rows of x (N, d), N >= 2**nbits."""
        x = self._vectors(x, "x")
        if len(x) < self.ksub:
            raise InputError(f"training a product quantiser with nbits={self.nbits} needs at least "
                             f"{self.ksub} vectors (one per centroid); it got {len(x):,}.")
        # One k-means per slice: m of them, each on N points of d/m dimensions.
        self.codebooks = torch.stack([
            kmeans(x[:, j * self.dsub:(j + 1) * self.dsub], self.ksub, iterations=iterations,
                   seed=seed + j, device=self.device) for j in range(self.m)])
        return self

    def encode(self, x: Any) -> torch.Tensor:
        """(N, d) float -> (N, m) uint8 codes: for each slice, the index of its nearest centroid."""
        return encode(self._vectors(x, "x"), self._trained())

    def decode(self, codes: Any) -> torch.Tensor:
        """(N, m) codes -> (N, d) float32: each slice replaced by the centroid its code names."""
        books = self._trained()
        codes = self._codes(codes)
        # books[j, codes[:, j]] for every slice j at once: (N, m, dsub), then the slices side by side.
        return books[torch.arange(self.m, device=books.device), codes.long()].reshape(len(codes), self.d)

    def tables(self, queries: Any, metric: str = "dot") -> torch.Tensor:
        """The ADC look-up tables: (Q, d) queries -> (Q, m, 2**nbits) float32.

        metric "dot": T[q, j, c] = q_j . centroid_{j,c} (the sum over j of the entries a
        code names is q . decode(code)); "l2": the squared distance ||q_j - centroid_{j,c}||^2
        (the sum is ||q - decode(code)||^2).
        """
        books = self._trained()
        q = self._vectors(queries, "queries").view(-1, self.m, self.dsub)                # (Q, m, dsub)
        dots = torch.einsum("qjd,jcd->qjc", q, books)
        if metric == "dot":
            return dots
        if metric == "l2":
            return (q * q).sum(-1)[:, :, None] - 2.0 * dots + (books * books).sum(-1)[None]
        raise InputError(f"metric must be 'dot' or 'l2', not {metric!r}.")

    def adc(self, tables: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """Approximate scores of every query with every code: (Q, m, ksub), (N, m) -> (Q, N).

        score[q, n] = sum over j of tables[q, j, codes[n, j]]: m look-ups and a sum, no decoding.
        One slice at a time for all vectors and queries: row codes[n, j] of slice j's table
        (ksub, Q) is added to vector n's scores, so the loop runs m times, not N x m.
        """
        by_code = tables.permute(1, 2, 0).contiguous()                        # (m, ksub, Q)
        out = torch.zeros(codes.shape[0], tables.shape[0], dtype=tables.dtype, device=tables.device)
        for j in range(self.m):
            out += by_code[j].index_select(0, codes[:, j].long())              # (N, Q)
        return out.T

    @property
    def memory_bytes(self) -> int:
        """Bytes of the codebooks: m x 2**nbits x (d / m) float32."""
        return 0 if self.codebooks is None else self.codebooks.numel() * 4

    def _trained(self) -> torch.Tensor:
        if self.codebooks is None:
            raise InputError("this product quantiser is not trained yet: call .train(vectors) first.")
        return self.codebooks

    def _vectors(self, x: Any, name: str) -> torch.Tensor:
        x = _points(x, name).to(self.device)
        if x.shape[1] != self.d:
            raise InputError(f"{name} has {x.shape[1]} dimensions but this quantiser is for d={self.d}.")
        return x

    def _codes(self, codes: Any) -> torch.Tensor:
        codes = torch.as_tensor(np.asarray(codes) if not isinstance(codes, torch.Tensor) else codes)
        if codes.ndim != 2 or codes.shape[1] != self.m or codes.dtype.is_floating_point:
            raise InputError(f"codes must be an (N, {self.m}) array of whole numbers (from .encode), not "
                             f"{codes.dtype} of shape {tuple(codes.shape)}.")
        if len(codes) and (int(codes.min()) < 0 or int(codes.max()) >= self.ksub):
            raise InputError(f"codes must lie in 0..{self.ksub - 1} (nbits={self.nbits}).")
        return codes.to(self.device)

    def __repr__(self) -> str:
        return f"ProductQuantizer(d={self.d}, m={self.m}, nbits={self.nbits}, trained={self.is_trained})"


class PQIndex:
    """A flat index of PQ codes, searched by ADC: faiss' ``IndexPQ`` with an inner-product metric.

    d, m, nbits: as ``ProductQuantizer``. metric: "cosine" (rows are normalised as they
    are added and searched) or "dot". ``search`` returns NumPy (D, I) like faiss, best first.
    """

    def __init__(self, d: int, m: int, nbits: int = 8, metric: str = "cosine", *,
                 device: str | torch.device | None = None):
        if metric not in METRICS:
            raise InputError(f"metric must be 'cosine' or 'dot', not {metric!r}.")
        self.metric = metric
        self.pq = ProductQuantizer(d, m, nbits, device=device)
        self.d, self.device = self.pq.d, self.pq.device
        self.codes = torch.empty(0, self.pq.m, dtype=torch.uint8, device=self.device)

    @property
    def is_trained(self) -> bool:
        return self.pq.is_trained

    @property
    def ntotal(self) -> int:
        return len(self.codes)

    def train(self, x: Any, *, iterations: int = 20, seed: int = 0) -> "PQIndex":
        self.pq.train(self._prepare(x, "x"), iterations=iterations, seed=seed)
        return self

    def add(self, x: Any) -> None:
        """Encode (n, d) vectors and keep their codes; their ids are their positions, in order of adding."""
        self.codes = torch.cat([self.codes, self.pq.encode(self._prepare(x, "vectors"))])

    def search(self, queries: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(D, I): (Q, k) float32 approximate scores and int64 ids, best first (ADC scores)."""
        k = whole_number(k, "k", why="how many neighbours to return per query")
        if k > self.ntotal:
            raise InputError(f"k={k} but the index holds only {self.ntotal:,} vectors: ask for k <= {self.ntotal:,}.")
        queries = self._prepare(queries, "queries")
        # Queries a block: their (block, ntotal) scores stay near 4M numbers (16 MB).
        block = max(1, _SCORES_PER_BLOCK // max(self.ntotal, 1))
        D, I = [], []
        for start in range(0, len(queries), block):
            scores = self.pq.adc(self.pq.tables(queries[start:start + block]), self.codes)   # (b, ntotal)
            ids = torch.arange(self.ntotal, device=self.device).expand(len(scores), -1)
            top_scores, top_ids = _best_k(scores, ids, k)
            D.append(top_scores)
            I.append(top_ids)
        return torch.cat(D).cpu().numpy(), torch.cat(I).cpu().numpy()

    @property
    def memory_bytes(self) -> int:
        """Bytes of the codes as stored (one byte per code, m per vector), plus the codebooks.

        (faiss packs codes of fewer than 8 bits tighter; at nbits = 8 the two are the same.)
        """
        return self.codes.numel() + self.pq.memory_bytes

    def _prepare(self, x: Any, name: str) -> torch.Tensor:
        x = _matrix(x, name)
        _check_finite(x, name)
        return normalize(x) if self.metric == "cosine" else x

    def __len__(self) -> int:
        return self.ntotal

    def __repr__(self) -> str:
        return f"PQIndex(d={self.d}, m={self.pq.m}, nbits={self.pq.nbits}, metric={self.metric!r}, ntotal={self.ntotal})"
