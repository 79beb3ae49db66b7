"""Exercises of lesson 08: case generators, registered mistakes and hints.

08.cosine_topk grades ``embedlab/search.py``; 08.recall_at_k, 08.reciprocal_rank and
08.ndcg_at_k grade the one-query metrics of ``embedlab/retrieval_metrics.py``;
08.pq_encode grades ``embedlab/pq.py``'s encoding step. The cases avoid ties in the
scores, so that any correct top-k gives the same ids.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from embedlab import pq, retrieval_metrics, search
from embedlab.check import Case, exercise, mistake

# ---------------------------------------------------------------------------
# 08.cosine_topk (embedlab/search.py)
# ---------------------------------------------------------------------------


def _cosine_topk_cases(rng: np.random.Generator) -> list[Case]:
    def case(Q, N, d, k, label, spread=True):
        corpus = rng.normal(size=(N, d))
        if spread:          # rows of very different lengths: cosine and dot product rank differently
            corpus *= rng.uniform(0.1, 10, size=(N, 1))
        return Case((rng.normal(size=(Q, d)).astype(np.float32), corpus.astype(np.float32), k), label=label)

    return [
        case(1, 3, 2, 1, "one query, three corpus vectors in 2-D, k=1"),
        case(2, 5, 3, 5, "k equals the corpus size: every row, best first"),
        case(4, 30, 8, 3, "corpus rows of very different lengths: only their directions count"),
        case(3, 12, 4, 4, "queries of different lengths too", spread=False),
        case(25, 200, 16, 10, "25 queries, 200 rows of 16 dimensions, k=10"),
    ]


exercise("08.cosine_topk", lambda queries, corpus, k: search.cosine_topk(queries, corpus, k, device="cpu"),
         name="cosine_topk", cases=_cosine_topk_cases, inputs="torch", rtol=1e-4, atol=1e-5, hints=[
             "Cosine similarity is the dot product of unit-length vectors. Make every row of both "
             "matrices unit length, then one matrix product gives all (Q, N) cosines.",
             "q / q.norm(dim=1, keepdim=True) makes each row unit length. scores = qn @ cn.T is (Q, N); "
             "torch.topk(scores, k, dim=1) returns the k largest of each row, largest first: (values, indices).",
             "qn = queries / queries.norm(dim=1, keepdim=True); cn = corpus / corpus.norm(dim=1, keepdim=True); "
             "return torch.topk(qn @ cn.T, k, dim=1)  # (scores, indices)",
         ])


@mistake("08.cosine_topk", "These are dot products, not cosines: long corpus vectors win whatever their "
         "direction. Divide every row (queries and corpus) by its length first.")
def _topk_dot_product(queries, corpus, k):
    return torch.topk(queries @ corpus.T, k, dim=1)


@mistake("08.cosine_topk", "Only the queries are normalised. A query's length does not change its "
         "ranking, but the corpus rows' lengths do: normalise the corpus rows too.")
def _topk_queries_only(queries, corpus, k):
    return torch.topk((queries / queries.norm(dim=1, keepdim=True)) @ corpus.T, k, dim=1)


@mistake("08.cosine_topk", "These are the k LEAST similar rows: torch.topk returns the largest by "
         "default; largest=False asks for the smallest, which is right for distances, not similarities.")
def _topk_smallest(queries, corpus, k):
    s, i = search.cosine_topk(-queries, corpus, k, device="cpu")
    return -s, i


@mistake("08.cosine_topk", "The normalisation runs down the columns (dim=0). Each ROW is a vector: "
         "norm(dim=1, keepdim=True).")
def _topk_normalised_columns(queries, corpus, k):
    qn = queries / queries.norm(dim=0, keepdim=True)
    cn = corpus / corpus.norm(dim=0, keepdim=True)
    return torch.topk(qn @ cn.T, k, dim=1)


@mistake("08.cosine_topk", "The result is (indices, scores); return (scores, indices), in the order "
         "torch.topk gives them.")
def _topk_swapped(queries, corpus, k):
    s, i = search.cosine_topk(queries, corpus, k, device="cpu")
    return i, s


# ---------------------------------------------------------------------------
# 08.recall_at_k, 08.reciprocal_rank, 08.ndcg_at_k (embedlab/retrieval_metrics.py)
# ---------------------------------------------------------------------------


def _metric_cases(rng: np.random.Generator) -> list[Case]:
    docs = [f"v{i}" for i in range(40)]

    def case(ranking, relevant, k, label):
        return Case((list(ranking), dict(relevant), k), label=label)

    shuffled = list(rng.permutation(docs)[:20])
    graded = {d: int(g) for d, g in zip(rng.permutation(docs)[:8], rng.integers(1, 4, size=8))}
    return [
        case(["v1", "v2", "v3"], {"v1": 1}, 3, "the first result is the only relevant one"),
        case(["v1", "v2", "v3"], {"v3": 1}, 3, "the only relevant document is third"),
        case(["v1", "v2", "v3"], {"v9": 1}, 3, "nothing relevant in the top 3"),
        case(["v1", "v2", "v3", "v4", "v5"], {"v4": 1}, 3, "a relevant document at rank 4: outside k=3"),
        case(["v1", "v2", "v3", "v4"], {"v2": 1, "v4": 1, "v7": 1}, 4,
             "three relevant documents, two of them found (one is never retrieved)"),
        case(["v1", "v2", "v3", "v4"], {"v1": 1, "v2": 3}, 4, "graded: the grade-3 document is second"),
        case(["v1", "v2"], {"v1": 2, "v2": 2, "v3": 2}, 5, "a ranking shorter than k"),
        case(shuffled, graded, 10, "20 results, 8 graded documents (grades 1-3), k=10"),
    ]


def _recall_reference(ranking, relevant, k):
    return retrieval_metrics.query_recall(ranking, relevant, k)


def _reciprocal_rank_reference(ranking, relevant, k):
    return retrieval_metrics.query_reciprocal_rank(ranking, relevant, k)


def _ndcg_reference(ranking, relevant, k):
    return retrieval_metrics.query_ndcg(ranking, relevant, k)


exercise("08.recall_at_k", _recall_reference, name="recall_at_k", cases=_metric_cases, atol=1e-9, hints=[
    "Of all the documents relevant to this query (grade above 0), what share appears in the first k results?",
    "Count the relevant documents in ranking[:k], and divide by how many documents in `relevant` have a "
    "grade above 0 (not by k: that would be precision).",
    "found = sum(1 for d in ranking[:k] if relevant.get(d, 0) > 0); "
    "return found / sum(1 for g in relevant.values() if g > 0)",
])


@mistake("08.recall_at_k", "This is precision: the share of the top k that is relevant. Recall divides "
         "by the number of relevant documents, found or not.")
def _recall_is_precision(ranking, relevant, k):
    return sum(1 for d in ranking[:k] if relevant.get(d, 0) > 0) / k


@mistake("08.recall_at_k", "The whole ranking counts here; only the first k results do (ranking[:k]).")
def _recall_whole_ranking(ranking, relevant, k):
    return retrieval_metrics.query_recall(ranking, relevant, len(ranking) or 1)


@mistake("08.recall_at_k", "This answers whether anything relevant was found (1 or 0); recall is the "
         "SHARE of the relevant documents found.")
def _recall_any_hit(ranking, relevant, k):
    return float(any(relevant.get(d, 0) > 0 for d in ranking[:k]))


exercise("08.reciprocal_rank", _reciprocal_rank_reference, name="reciprocal_rank", cases=_metric_cases,
         atol=1e-9, hints=[
             "Walk down the top k results; the first relevant one decides: 1 / its rank (1 for the top "
             "result). Nothing relevant in the top k: 0.",
             "enumerate(ranking[:k], start=1) gives (rank, doc) with ranks from 1; return at the first doc "
             "whose grade (relevant.get(doc, 0)) is above 0.",
             "for rank, d in enumerate(ranking[:k], start=1):\n    if relevant.get(d, 0) > 0: return 1 / rank\n"
             "return 0.0",
         ])


@mistake("08.reciprocal_rank", "This is the rank of the first relevant result; the reciprocal rank is "
         "1 / that rank (1 for the top result, 1/2 for the second ...).")
def _rr_rank_not_reciprocal(ranking, relevant, k):
    for rank, d in enumerate(ranking[:k], start=1):
        if relevant.get(d, 0) > 0:
            return float(rank)
    return 0.0


@mistake("08.reciprocal_rank", "This adds 1 / rank for every relevant result; only the FIRST relevant "
         "result counts: stop there.")
def _rr_sum(ranking, relevant, k):
    return sum(1 / r for r, d in enumerate(ranking[:k], start=1) if relevant.get(d, 0) > 0)


@mistake("08.reciprocal_rank", "The cut-off at k is missing: a relevant result below rank k gives 0.")
def _rr_no_cutoff(ranking, relevant, k):
    return retrieval_metrics.query_reciprocal_rank(ranking, relevant, None)


exercise("08.ndcg_at_k", _ndcg_reference, name="ndcg_at_k", cases=_metric_cases, atol=1e-9, hints=[
    "DCG: result i (i = 1 at the top) earns its grade divided by log2(i + 1); sum over the top k. nDCG "
    "divides it by the DCG of the best top k possible for this query.",
    "The best possible ranking lists the query's grades from high to low, ALL of them (also those the "
    "search never found): ideal = sorted(relevant.values(), reverse=True); its DCG at k is the divisor.",
    "def dcg(gains): return sum(g / math.log2(i + 1) for i, g in enumerate(gains[:k], start=1))\n"
    "return dcg([relevant.get(d, 0) for d in ranking]) / dcg(sorted(relevant.values(), reverse=True))",
])


def _dcg(gains, k):
    return sum(g / math.log2(i + 1) for i, g in enumerate(list(gains)[:k], start=1))


@mistake("08.ndcg_at_k", "The ideal ranking is made from the FOUND results re-sorted; it must be made "
         "from all of the query's grades, found or not, or a search that finds little scores 1.")
def _ndcg_ideal_from_found(ranking, relevant, k):
    gains = [relevant.get(d, 0) for d in ranking[:k]]
    ideal = _dcg(sorted(gains, reverse=True), k)
    return _dcg(gains, k) / ideal if ideal else 0.0


@mistake("08.ndcg_at_k", "The discount is off by one: result i (i = 1 at the top) is divided by "
         "log2(i + 1), so the top result is not discounted at all (log2(2) = 1).")
def _ndcg_shifted_discount(ranking, relevant, k):
    def dcg(gains):
        return sum(g / math.log2(i + 2) for i, g in enumerate(list(gains)[:k], start=1))
    return dcg([relevant.get(d, 0) for d in ranking]) / dcg(sorted(relevant.values(), reverse=True))


@mistake("08.ndcg_at_k", "This is the DCG; divide it by the ideal DCG (the query's grades sorted high "
         "to low) so that a perfect ranking scores 1.")
def _ndcg_unnormalised(ranking, relevant, k):
    return _dcg([relevant.get(d, 0) for d in ranking], k)


@mistake("08.ndcg_at_k", "Every relevant document counts 1 here: nDCG uses the grades (a grade-3 "
         "document at the top is worth more than a grade-1 one).")
def _ndcg_binary(ranking, relevant, k):
    binary = {d: 1 for d, g in relevant.items() if g > 0}
    return retrieval_metrics.query_ndcg(ranking, binary, k)


# ---------------------------------------------------------------------------
# 08.pq_encode (embedlab/pq.py)
# ---------------------------------------------------------------------------


def _pq_cases(rng: np.random.Generator) -> list[Case]:
    def case(N, m, ksub, dsub, label, scale_books=True):
        books = rng.normal(size=(m, ksub, dsub))
        if scale_books:     # centroids of different lengths: the nearest is not the one of largest dot product
            books *= rng.uniform(0.2, 3, size=(m, ksub, 1))
        return Case((rng.normal(size=(N, m * dsub)).astype(np.float32), books.astype(np.float32)), label=label)

    return [
        case(1, 1, 2, 1, "one vector, one slice of one number, two centroids"),
        case(3, 2, 4, 3, "two slices of 3 numbers: slice 0 is x[:, 0:3], slice 1 is x[:, 3:6]"),
        case(5, 4, 8, 2, "centroids of very different lengths: nearest in distance, not in dot product"),
        case(20, 8, 16, 4, "8 slices, 16 centroids each", scale_books=False),
        case(200, 12, 256, 4, "256 centroids per slice (one byte per code), 48 dimensions"),
    ]


def _codes_compare(got: Any, expected: Any) -> str | None:
    expected = expected.cpu().numpy().astype(np.int64)
    if isinstance(got, torch.Tensor):
        got = got.detach().cpu().numpy()
    got = np.asarray(got)
    if got.shape != expected.shape:
        return f"expected codes of shape {expected.shape} (one code per vector and slice), got {got.shape}"
    if got.dtype.kind not in "iu":
        return f"codes must be whole numbers (the index of a centroid), not {got.dtype}"
    wrong = got.astype(np.int64) != expected
    if wrong.any():
        n, j = map(int, np.argwhere(wrong)[0])
        return (f"{int(wrong.sum())} of {wrong.size} codes differ; the first: vector {n}, slice {j} got "
                f"{int(got[n, j])}, its nearest centroid is {int(expected[n, j])}")
    return None


exercise("08.pq_encode", lambda x, codebooks: pq.encode(x, codebooks), name="pq_encode", cases=_pq_cases,
         compare=_codes_compare, inputs="torch", hints=[
             "Cut each vector into m slices of d // m numbers (contiguous runs); for each slice, find the "
             "nearest of that slice's ksub centroids (smallest squared distance); its index is the code.",
             "x.reshape(N, m, dsub) gives the slices. codebooks is (m, ksub, dsub). The squared distances of "
             "all slices to all centroids of their slice: ((slices[:, :, None, :] - codebooks[None]) ** 2)"
             ".sum(-1), of shape (N, m, ksub); argmin over the last axis.",
             "N, d = x.shape; m, ksub, dsub = codebooks.shape; s = x.reshape(N, m, dsub); "
             "return ((s[:, :, None, :] - codebooks[None]) ** 2).sum(-1).argmin(-1)",
         ])


@mistake("08.pq_encode", "This picks the centroid of largest dot product; the code is the NEAREST "
         "centroid (smallest distance). The two differ when centroids have different lengths.")
def _pq_by_dot_product(x, codebooks):
    m, ksub, dsub = codebooks.shape
    s = x.reshape(len(x), m, dsub)
    return torch.einsum("nmd,mkd->nmk", s, codebooks).argmax(-1)


@mistake("08.pq_encode", "The slices are every m-th number (x.reshape(N, dsub, m)); slice j is the "
         "contiguous run x[:, j*dsub:(j+1)*dsub]: reshape(N, m, dsub).")
def _pq_strided(x, codebooks):
    m, ksub, dsub = codebooks.shape
    s = x.reshape(len(x), dsub, m).transpose(1, 2)
    return ((s[:, :, None, :] - codebooks[None]) ** 2).sum(-1).argmin(-1)


@mistake("08.pq_encode", "Every slice is compared with slice 0's centroids; slice j has its own "
         "codebook, codebooks[j].")
def _pq_one_codebook(x, codebooks):
    m, ksub, dsub = codebooks.shape
    s = x.reshape(len(x), m, dsub)
    return ((s[:, :, None, :] - codebooks[0][None, None]) ** 2).sum(-1).argmin(-1)


@mistake("08.pq_encode", "This is the FARTHEST centroid: argmin of the distance gives the nearest, "
         "argmax the farthest.")
def _pq_farthest(x, codebooks):
    m, ksub, dsub = codebooks.shape
    s = x.reshape(len(x), m, dsub)
    return ((s[:, :, None, :] - codebooks[None]) ** 2).sum(-1).argmax(-1)
