"""Lesson 08's exercises: the solutions a learner writes from the hints pass (in their own
dtypes and styles), and the catalogue is what notebook 08 uses."""
from __future__ import annotations

import math

import torch

import embedlab


def test_lesson_08_exercises():
    assert {e for e in embedlab.list_exercises() if e.startswith("08.")} == {
        "08.cosine_topk", "08.recall_at_k", "08.reciprocal_rank", "08.ndcg_at_k", "08.pq_encode"}


def cosine_topk(queries, corpus, k):
    qn = queries / queries.norm(dim=1, keepdim=True)
    cn = corpus / corpus.norm(dim=1, keepdim=True)
    return torch.topk(qn @ cn.T, k, dim=1)


def recall_at_k(ranking, relevant, k):
    found = sum(1 for d in ranking[:k] if relevant.get(d, 0) > 0)
    return found / sum(1 for g in relevant.values() if g > 0)


def reciprocal_rank(ranking, relevant, k):
    for rank, d in enumerate(ranking[:k], start=1):
        if relevant.get(d, 0) > 0:
            return 1 / rank
    return 0.0


def ndcg_at_k(ranking, relevant, k):
    def dcg(gains):
        return sum(g / math.log2(i + 1) for i, g in enumerate(gains[:k], start=1))
    return dcg([relevant.get(d, 0) for d in ranking]) / dcg(sorted(relevant.values(), reverse=True))


def pq_encode(x, codebooks):
    N, d = x.shape
    m, ksub, dsub = codebooks.shape
    s = x.reshape(N, m, dsub)
    return ((s[:, :, None, :] - codebooks[None]) ** 2).sum(-1).argmin(-1)      # int64, not uint8


def test_the_hinted_solutions_pass():
    for fn in (cosine_topk, recall_at_k, reciprocal_rank, ndcg_at_k, pq_encode):
        result = embedlab.check(fn, quiet=True)
        assert result.passed, (fn.__name__, result.message)


def test_pq_codes_as_floats_are_refused_with_a_reason():
    def pq_encode(x, codebooks):
        return globals()["pq_encode"](x, codebooks).float()

    result = embedlab.check(pq_encode, "08.pq_encode", quiet=True)
    assert not result.passed and "whole numbers" in result.message
