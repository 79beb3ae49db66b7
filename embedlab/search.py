"""Lesson 08, exact nearest-neighbour search: the k corpus vectors closest to each query.

Semantic search embeds every sentence of a corpus once, embeds the query, and returns
the sentences whose vectors are most similar. Done exactly, that is one matrix product
and a top-k per query; this module is that, in readable PyTorch, and it is what
``faiss.IndexFlatIP`` does (notebook 08 runs the two side by side)::

    from embedlab import search
    scores, ids = search.cosine_topk(queries, corpus, k=10)   # (Q, d), (N, d) -> (Q, 10), (Q, 10)
    scores, ids = search.dot_topk(queries, corpus, k=10)      # the raw dot product instead

    index = search.ExactIndex(384)                           # like faiss.IndexFlatIP(384)
    index.add(corpus)                                        # (N, 384)
    D, I = index.search(queries, 10)                         # NumPy arrays, as faiss returns

The pieces, in the order of the functions below:

1. ``normalize``: divide each row by its length, so that a dot product of two rows is
   their cosine similarity. A row of zeros has no direction; it stays zeros (its cosine
   with everything is 0), as ``faiss.normalize_L2`` and ``torch.nn.functional.normalize``
   leave it.
2. ``dot_topk`` / ``cosine_topk``: scores = queries @ corpus.T, then the k highest per
   row with ``torch.topk``. The (Q, N) matrix of scores would not fit in memory for a
   large corpus, so the corpus is read ``chunk_size`` rows at a time and each chunk's
   scores are merged into the best k found so far: memory stays at about
   Q x (chunk_size + k) scores whatever N is, and a NumPy corpus on the CPU streams
   through a GPU one chunk at a time.
3. ``ExactIndex``: the same search behind faiss' index interface (``add``, ``search``,
   ``ntotal``), so that code written for one runs with the other.

Ties. Two corpus vectors with the same score (duplicates, say) come out lower index
first, always: whatever the chunk size, the device or the order ``torch.topk`` happens
to return equal values in (it does not promise one). ``_best_k`` makes it so. faiss
promises no order among ties, and its order does differ (tests/test_search.py shows it).

Scores are computed in float32, as faiss computes them; a float64 input is converted.
Results agree with faiss to about 1e-6, so two different vectors whose scores differ by
less than that may come out in the other order than faiss gives.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .device import resolve as _resolve_device
from .tensors import as_tensor as _tensor
from .validate import InputError, whole_number

__all__ = ["ExactIndex", "cosine_topk", "dot_topk", "normalize"]

# Scores held at once when chunk_size=None: about 16M float32 (64 MB), whatever Q and N are.
_SCORES_PER_CHUNK = 16_000_000
METRICS = ("cosine", "dot")


# ---------------------------------------------------------------------------
# The reference
# ---------------------------------------------------------------------------
def normalize(x: Any) -> torch.Tensor:
    """Each row of ``x`` divided by its L2 norm; a row of zeros stays zeros.

    x: (n, d) array or tensor (NumPy or torch) -> (n, d) torch tensor on the device of
    ``x``, of its float dtype (float32, float64, ...; whole numbers become float32). After it, ``a @ b.T`` of two
    normalised matrices holds the cosine similarities of their rows.
    """
    x = _tensor(x)
    x = x if x.is_floating_point() else x.float()
    norms = x.norm(dim=1, keepdim=True)
    # A zero row has no direction to keep: divide it by 1, not by 0 (which would give NaN).
    return x / torch.where(norms > 0, norms, torch.ones_like(norms))


def dot_topk(queries: Any, corpus: Any, k: int, *, chunk_size: int | None = None,
             device: str | torch.device | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The k corpus rows with the highest dot product with each query, best first.

    queries: (Q, d) float array or tensor; corpus: (N, d) float array or tensor (NumPy or
    torch); k: 1 <= k <= N. chunk_size: corpus rows scored at once (None: as many as keep
    a chunk's scores near 16M numbers, 64 MB). device: where to compute (None: the best
    one here, see ``embedlab.device``).

    Returns (scores, indices): (Q, k) float32 and (Q, k) int64 torch tensors on that
    device; row q holds the k best corpus rows for query q, highest score first, equal
    scores lower index first.
    """
    return _chunked_topk(queries, corpus, k, unit=False, chunk_size=chunk_size, device=device)


def cosine_topk(queries: Any, corpus: Any, k: int, *, chunk_size: int | None = None,
                device: str | torch.device | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The k corpus rows most cosine-similar to each query, best first.

    ``dot_topk`` on normalised rows (``normalize``: a zero row has cosine 0 with
    everything). Same arguments and results as ``dot_topk``; scores lie in [-1, 1].
    """
    return _chunked_topk(queries, corpus, k, unit=True, chunk_size=chunk_size, device=device)


def _chunked_topk(queries, corpus, k, *, unit: bool, chunk_size, device):
    queries = _matrix(queries, "queries")
    corpus = _matrix(corpus, "corpus")
    k = _check_search(queries, corpus, k)
    Q, N = queries.shape[0], corpus.shape[0]
    if chunk_size is None:
        chunk_size = max(1, _SCORES_PER_CHUNK // max(Q, 1))
    chunk_size = whole_number(chunk_size, "chunk_size", why="corpus rows scored at once")
    where = _resolve_device(device)

    queries = queries.to(where)
    if unit:
        queries = normalize(queries)
    # The best k so far: empty before the first chunk.
    best_scores = torch.empty(Q, 0, dtype=torch.float32, device=where)
    best_ids = torch.empty(Q, 0, dtype=torch.int64, device=where)
    for start in range(0, N, chunk_size):
        rows = corpus[start:start + chunk_size].to(where)     # only this chunk is on the device
        if unit:
            rows = normalize(rows)                            # row by row: the same as normalising all
        scores = queries @ rows.T                             # (Q, c)
        ids = torch.arange(start, start + rows.shape[0], device=where).expand(Q, -1)
        # Merge: the best k of (the best so far, this chunk). The best so far come first
        # and hold only lower indices, so "further left wins a tie" means lower index first.
        best_scores, best_ids = _best_k(torch.cat([best_scores, scores], dim=1),
                                        torch.cat([best_ids, ids], dim=1), k)
    return best_scores, best_ids


def _best_k(scores: torch.Tensor, ids: torch.Tensor, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The k highest scores of each row and their ids, highest first; of equal scores, the leftmost.

    scores: (Q, m) float; ids: (Q, m) int64. Returns (Q, min(k, m)) scores and ids.
    ``torch.topk`` alone would give the right scores, but which of several equal scores
    it keeps, and in which order, it does not promise; here they are settled by position.
    """
    k = min(k, scores.shape[1])
    kth = scores.topk(k, dim=1).values[:, -1:]                # (Q, 1): the k-th highest score
    above = scores > kth                                      # all of these are in the top k,
    tied = scores == kth                                      # and of these, the leftmost that fit
    room = k - above.sum(dim=1, keepdim=True)
    keep = above | (tied & (tied.cumsum(dim=1) <= room))      # exactly k per row
    cols = keep.nonzero()[:, 1].view(-1, k)                   # their columns, left to right
    top_scores, top_ids = scores.gather(1, cols), ids.gather(1, cols)
    # Highest first; a stable sort keeps equal scores left to right.
    top_scores, order = top_scores.sort(dim=1, descending=True, stable=True)
    return top_scores, top_ids.gather(1, order)


# ---------------------------------------------------------------------------
# The same search behind faiss' interface
# ---------------------------------------------------------------------------
class ExactIndex:
    """Exact search with the shape of ``faiss.IndexFlatIP``: ``add`` vectors, then ``search``.

    d: the vectors' dimension. metric: "cosine" (rows are normalised as they are added
    and searched: faiss users call ``faiss.normalize_L2`` on both before IndexFlatIP) or
    "dot" (the raw inner product, exactly IndexFlatIP). device: where the vectors are
    kept and searched (None: the best one here). chunk_size: as in ``dot_topk``.

    ``search`` returns NumPy arrays, as faiss does, so the two swap in a notebook::

        index = ExactIndex(d)            # or: index = faiss.IndexFlatIP(d)
        index.add(corpus)
        D, I = index.search(queries, 10)
    """

    def __init__(self, d: int, metric: str = "cosine", *, device: str | torch.device | None = None,
                 chunk_size: int | None = None):
        self.d = whole_number(d, "d", why="the dimension of the vectors")
        if metric not in METRICS:
            raise InputError(f"metric must be 'cosine' or 'dot', not {metric!r}.")
        self.metric = metric
        self.device = _resolve_device(device)
        self.chunk_size = chunk_size
        self.reset()

    def reset(self) -> None:
        """Remove every vector (as faiss' ``reset``)."""
        self._parts: list[torch.Tensor] = []          # added blocks, concatenated on the next search
        self._id_parts: list[torch.Tensor] | None = None   # None: ids are positions
        self.ntotal = 0

    def add(self, vectors: Any, ids: Any = None) -> None:
        """Add (n, d) float vectors (NumPy or torch). ids: n int64 ids that ``search`` returns
        instead of positions (as faiss' ``IndexIDMap.add_with_ids``); give ids on every
        call or on none. Without ids a vector's id is its position: 0, 1, ... in order of adding.
        """
        vectors = _matrix(vectors, "vectors")
        if vectors.shape[1] != self.d:
            raise InputError(f"these vectors have {vectors.shape[1]} dimensions but the index holds "
                             f"{self.d}-dimensional ones: encode them with the same model.")
        _check_finite(vectors, "vectors")
        if ids is not None:
            ids = _tensor(ids)
            if ids.dtype.is_floating_point or ids.dtype == torch.bool or ids.shape != (vectors.shape[0],):
                raise InputError(f"ids must be {vectors.shape[0]} whole numbers, one per vector; got "
                                 f"{ids.dtype} of shape {tuple(ids.shape)}.")
        if self.ntotal and (ids is None) != (self._id_parts is None):
            raise InputError("give ids on every call to add or on none: this index's vectors were "
                             f"added {'with' if self._id_parts is not None else 'without'} ids.")
        if ids is not None:
            self._id_parts = (self._id_parts or []) + [ids.to(torch.int64).to(self.device)]
        vectors = vectors.to(self.device)
        self._parts.append(normalize(vectors) if self.metric == "cosine" else vectors)
        self.ntotal += vectors.shape[0]

    def search(self, queries: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(D, I): (Q, k) float32 scores and (Q, k) int64 ids of the k best vectors per query.

        queries: (Q, d) float array or tensor. Best first, equal scores in the order the
        vectors were added. faiss pads with -1 when k > ntotal; this raises an InputError.
        """
        if len(self._parts) > 1:                      # concatenate once, not on every add
            self._parts = [torch.cat(self._parts)]
            if self._id_parts is not None:
                self._id_parts = [torch.cat(self._id_parts)]
        corpus = self._parts[0] if self._parts else torch.empty(0, self.d, device=self.device)
        queries = _matrix(queries, "queries")
        if self.metric == "cosine":
            queries = normalize(queries)
        D, I = dot_topk(queries, corpus, k, chunk_size=self.chunk_size, device=self.device)
        if self._id_parts is not None:
            I = self._id_parts[0][I]
        return D.cpu().numpy(), I.cpu().numpy()

    def __len__(self) -> int:
        return self.ntotal

    @property
    def memory_bytes(self) -> int:
        """Bytes the stored vectors (and ids, if given) take: N x d x 4 for float32 vectors."""
        parts = self._parts + (self._id_parts or [])
        return sum(t.element_size() * t.numel() for t in parts)

    def __repr__(self) -> str:
        return f"ExactIndex(d={self.d}, metric={self.metric!r}, ntotal={self.ntotal}, device='{self.device}')"


# ---------------------------------------------------------------------------
# Checks, each one sentence for a learner
# ---------------------------------------------------------------------------
def _matrix(x: Any, name: str) -> torch.Tensor:
    """``x`` as a 2-D float32 torch tensor (a float32 tensor is kept, not copied)."""
    if x is None or isinstance(x, (str, bytes)):
        raise InputError(f"{name} must be a 2-D array of vectors, one row each, not {type(x).__name__}.")
    try:
        t = _tensor(x)
    except (TypeError, ValueError, RuntimeError):
        raise InputError(f"{name} must be a 2-D array of numbers, one vector per row; could not read "
                         f"a {type(x).__name__} as one.") from None
    if t.ndim != 2:
        hint = " (for one vector v, pass v[None] or v.reshape(1, -1))" if t.ndim == 1 else ""
        raise InputError(f"{name} must be a 2-D array, one vector per row, not of shape {tuple(t.shape)}{hint}.")
    if t.dtype == torch.bool or t.is_complex():
        raise InputError(f"{name} must hold real numbers, not {t.dtype}.")
    return t.to(torch.float32)


def _check_finite(x: torch.Tensor, name: str) -> None:
    """An InputError if a row of ``x`` holds NaN or inf (checked in blocks: memory stays bounded)."""
    n_bad, first = 0, None
    for start in range(0, len(x), 65_536):
        bad = ~torch.isfinite(x[start:start + 65_536]).all(dim=1)
        n_bad += int(bad.sum())
        if first is None and bad.any():
            first = start + int(bad.nonzero()[0, 0])
    if n_bad:
        raise InputError(f"{name} has NaN or infinite values in {n_bad:,} of {len(x):,} rows (the first is "
                         f"row {first}): the step that made these vectors went wrong; fix it rather than search.")


def _check_search(queries: torch.Tensor, corpus: torch.Tensor, k: Any) -> int:
    """k as an int, if these queries can be searched in this corpus for k neighbours."""
    if corpus.shape[0] == 0:
        raise InputError("the corpus is empty: add at least one vector before searching.")
    if queries.shape[1] != corpus.shape[1]:
        raise InputError(f"the queries have {queries.shape[1]} dimensions but the corpus has "
                         f"{corpus.shape[1]}: encode both with the same model.")
    k = whole_number(k, "k", why="how many neighbours to return per query")
    if k > corpus.shape[0]:
        raise InputError(f"k={k} but the corpus holds only {corpus.shape[0]:,} vectors: ask for "
                         f"k <= {corpus.shape[0]:,}.")
    _check_finite(queries, "queries")
    _check_finite(corpus, "corpus")
    return k
