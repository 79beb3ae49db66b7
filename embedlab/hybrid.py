"""Lesson 08, lexical search and hybrid retrieval: BM25, and fusing two rankings by rank.

Embeddings find verses that mean the same in other words; they can miss the verse that
shares the query's rare word (a name, a place). BM25 (Robertson et al.) ranks by the
words themselves: each query word adds its idf, damped by how often it already occurred
in the document (k1) and by the document's length (b). This module wraps the maintained
``bm25s`` package for it, and fuses its ranking with a vector ranking::

    from embedlab.hybrid import BM25Index, reciprocal_rank_fusion
    bm25 = BM25Index(texts)                                    # n documents
    lex_scores, lex_ids = bm25.search(queries, k=100)          # (Q, 100): -1 where no word matched
    fused_scores, fused_ids = reciprocal_rank_fusion([lex_ids, vec_ids], top=10)

Reciprocal rank fusion (Cormack, Clarke and Buettcher 2009) gives a document
1 / (c + rank) from every ranking it appears in (rank 1 = first, c = 60 by default) and
sorts by the sum. It uses ranks only, so BM25 scores (0 to 30, say) and cosines
(-1 to 1) need no common scale; c damps the weight of the very first places.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from .validate import InputError, number, whole_number

__all__ = ["BM25Index", "reciprocal_rank_fusion"]


class BM25Index:
    """BM25 over a list of texts, by ``bm25s`` (Lucene's variant, English stopwords removed).

    texts: n strings. k1, b: BM25's term-frequency saturation and length normalisation.
    """

    def __init__(self, texts: Sequence[str], *, k1: float = 1.5, b: float = 0.75, stopwords: str | None = "en"):
        import bm25s

        if isinstance(texts, str) or not len(texts) or not all(isinstance(t, str) for t in texts):
            raise InputError("texts must be a non-empty list of strings, one document each.")
        self._bm25s, self.stopwords, self.n = bm25s, stopwords, len(texts)
        self.retriever = bm25s.BM25(k1=k1, b=b)
        self.retriever.index(bm25s.tokenize(list(texts), stopwords=stopwords, show_progress=False),
                             show_progress=False)

    def search(self, queries: Sequence[str], k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids): (Q, k) float32 and int64, best first; a document that shares no word
        with the query is not a match: its id is -1 and its score 0."""
        if isinstance(queries, str):
            raise InputError("queries must be a list of strings; for one query pass [query].")
        k = whole_number(k, "k", why="how many documents to return per query")
        if k > self.n:
            raise InputError(f"k={k} but the index holds only {self.n:,} documents.")
        tokens = self._bm25s.tokenize(list(queries), stopwords=self.stopwords, show_progress=False)
        ids, scores = self.retriever.retrieve(tokens, k=k, show_progress=False)
        ids, scores = np.asarray(ids, dtype=np.int64), np.asarray(scores, dtype=np.float32)
        return scores, np.where(scores > 0, ids, -1)


def reciprocal_rank_fusion(rankings: Sequence[Any], *, c: float = 60.0, top: int | None = None,
                           weights: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Fuse R rankings of the same Q queries: score(d) = sum over rankings of w / (c + rank of d).

    rankings: R arrays of ids, each (Q, k_r), best first; -1 marks "no result" and is
    skipped. c: the rank offset (60 in the paper). top: how many fused results per query
    (None: every id that appears). weights: one per ranking (None: all 1).

    Returns (scores, ids): (Q, top) float64 and int64, highest fused score first; equal
    scores smaller id first; padded with score 0 and id -1 where a query has fewer ids.
    """
    if isinstance(rankings, np.ndarray) or not len(rankings):
        raise InputError("rankings must be a list of (Q, k) id arrays, one per retriever.")
    arrays = [np.asarray(r) for r in rankings]
    if any(a.ndim != 2 or not np.issubdtype(a.dtype, np.integer) for a in arrays):
        raise InputError("each ranking must be a 2-D array of whole-number ids, (queries, k), best first.")
    Q = arrays[0].shape[0]
    if any(len(a) != Q for a in arrays):
        raise InputError(f"the rankings cover different numbers of queries: {[len(a) for a in arrays]}.")
    c = number(c, "c", minimum=0, why="the rank offset")
    weights = [1.0] * len(arrays) if weights is None else [number(w, "weight", minimum=0) for w in weights]
    if len(weights) != len(arrays):
        raise InputError(f"give one weight per ranking: {len(arrays)} rankings, {len(weights)} weights.")

    # Every (query, id, contribution) triple of every ranking, side by side.
    ids = torch.cat([torch.as_tensor(a, dtype=torch.int64) for a in arrays], dim=1)              # (Q, sum k)
    contrib = torch.cat([torch.as_tensor(w / (c + np.arange(1, a.shape[1] + 1)), dtype=torch.float64)
                         .expand(Q, -1) for a, w in zip(arrays, weights)], dim=1)                 # (Q, sum k)
    query = torch.arange(Q).unsqueeze(1).expand_as(ids)
    keep = ids >= 0
    ids, contrib, query = ids[keep], contrib[keep], query[keep]
    # Sum the contributions of each distinct (query, id) pair: one key per pair.
    span = int(ids.max()) + 1 if len(ids) else 1
    pairs, where = torch.unique(query * span + ids, return_inverse=True)          # sorted keys
    total = torch.zeros(len(pairs), dtype=torch.float64).index_add_(0, where, contrib)
    pair_query, pair_id = pairs // span, pairs % span
    # Per query, highest total first; pairs come sorted by (query, id), so a stable sort
    # by -total within each query keeps smaller ids first among equal totals.
    order = torch.from_numpy(np.lexsort((-total.numpy(), pair_query.numpy())))
    pair_query, pair_id, total = pair_query[order], pair_id[order], total[order]
    counts = torch.bincount(pair_query, minlength=Q)
    width = int(counts.max()) if len(counts) and Q else 0
    width = width if top is None else whole_number(top, "top", why="fused results per query")
    out_ids = np.full((Q, width), -1, dtype=np.int64)
    out_scores = np.zeros((Q, width))
    slot = torch.arange(len(pair_query)) - (counts.cumsum(0) - counts)[pair_query]   # rank within its query
    fits = slot < width
    out_ids[pair_query[fits].numpy(), slot[fits].numpy()] = pair_id[fits].numpy()
    out_scores[pair_query[fits].numpy(), slot[fits].numpy()] = total[fits].numpy()
    return out_scores, out_ids
