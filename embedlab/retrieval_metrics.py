"""Lesson 08, how good is a search? Precision, recall, MRR and nDCG at k.

A search returns, for each query, a ranking: document ids, best first. A test collection
says which documents are relevant to each query, sometimes with a grade (0 not
relevant, 1 somewhat, 2 and 3 more so). These four numbers compare the two, each first
for one query and then averaged over the queries::

    from embedlab import retrieval_metrics as rm
    ranked = {"q1": ["d3", "d1", "d7"], "q2": ["d2", "d9", "d4"]}   # or a (Q, k) array of ids,
    relevant = {"q1": {"d1": 2, "d5": 1}, "q2": {"d4"}}            # e.g. from search.cosine_topk
    rm.recall_at_k(ranked, relevant, k=3)          # MetricResult: .mean, .per_query, .queries
    rm.ndcg_at_k(ranked, relevant, k=3).mean

For one query, with its top k results and R relevant documents in all:

- ``precision_at_k``: relevant results in the top k, divided by k. A ranking shorter
  than k counts its missing places as not relevant (trec_eval's P@k does the same).
- ``recall_at_k``: relevant results in the top k, divided by R: the share of what
  there is to find that was found.
- ``mrr`` (mean reciprocal rank): 1 / the rank of the first relevant result, 0 if none
  is in the top k (``k=None``: the whole ranking). It asks "how far down is the first
  good answer?" and ignores everything after it.
- ``ndcg_at_k``: graded. Result i (1 = top) earns its grade, discounted by
  1 / log2(i + 1); the sum (DCG, ``dcg_at_k``) is divided by the DCG of the best
  possible top k, the query's grades sorted from high to low (the ideal DCG), so 1 is a
  perfect ranking. The gain is the grade itself ("linear gain"), as in
  ``sklearn.metrics.ndcg_score``, whose numbers these are (tests/test_retrieval_metrics.py
  checks it), and in trec_eval; Burges et al. (2005) and learning-to-rank tools such as
  LightGBM use 2**grade - 1 instead, which weighs the highest grades more. The base of
  the logarithm does not matter to nDCG: another base scales every discount by the same
  factor, which the division cancels.

Relevance is given as ``{query: {doc_id: grade}}`` (graded), ``{query: {doc_id, ...}}``
(binary: each listed document has grade 1), or lists of either in the order of the
rankings. A document is relevant when its grade is above 0; one missing from the
judgements has grade 0.

Queries without a relevant document are left out of every mean (and of ``per_query``)
and listed in ``MetricResult.excluded``: recall and nDCG are 0 / 0 for them, and
counting them as 0 (as ``sklearn.metrics.ndcg_score`` does) or as 1 would move the mean
for a reason that has nothing to do with the search. A query with judgements but no
ranking is an error (give an empty ranking if the search found nothing).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

import numpy as np

from .validate import InputError, whole_number

__all__ = ["MetricResult", "dcg_at_k", "mrr", "ndcg_at_k", "precision_at_k", "query_ndcg", "query_recall",
           "query_reciprocal_rank", "recall_at_k"]

# faiss fills the places it found nothing for with -1; such entries count as not relevant.
NO_RESULT = -1


@dataclass
class MetricResult:
    """One retrieval metric over a set of queries.

    mean: the average over the evaluated queries. per_query: (n,) float64, one value per
    evaluated query, in the order of ``queries`` (their keys, or their positions when
    the rankings are a list or an array). excluded: the queries left out because no
    document is relevant to them.
    """

    name: str
    mean: float
    per_query: np.ndarray
    queries: list
    excluded: list = field(default_factory=list)

    def __float__(self) -> float:
        return self.mean

    def __str__(self) -> str:
        left_out = (f" ({len(self.excluded)} without a relevant document left out)"
                    if self.excluded else "")
        return f"{self.name} = {self.mean:.4f} over {len(self.queries)} queries{left_out}"


# ---------------------------------------------------------------------------
# The metrics
# ---------------------------------------------------------------------------
def precision_at_k(ranked: Any, relevant: Any, k: int) -> MetricResult:
    """The share of the top k results that are relevant, per query and on average.

    ranked: {query: [doc ids, best first]}, or a list / (Q, n) array of rankings.
    relevant: {query: {doc_id: grade}} or {query: {doc ids}}, or a list of these in the
    order of ``ranked``. k: how many results count. Returns a MetricResult.
    """
    k = _k(k)
    return _average(f"P@{k}", ranked, relevant, lambda ranking, grades: _hits(ranking, grades, k) / k)


def recall_at_k(ranked: Any, relevant: Any, k: int) -> MetricResult:
    """The share of each query's relevant documents found in its top k. Arguments as ``precision_at_k``."""
    k = _k(k)
    return _average(f"R@{k}", ranked, relevant,
                    lambda ranking, grades: _hits(ranking, grades, k) / _n_relevant(grades))


def mrr(ranked: Any, relevant: Any, k: int | None = None) -> MetricResult:
    """Mean reciprocal rank: 1 / rank of the first relevant result in the top k (0 if none).

    k=None: the whole ranking counts. Other arguments as ``precision_at_k``.
    """
    k = None if k is None else _k(k)
    return _average("MRR" if k is None else f"MRR@{k}", ranked, relevant,
                    lambda ranking, grades: _reciprocal_rank(ranking, grades, k))


def ndcg_at_k(ranked: Any, relevant: Any, k: int) -> MetricResult:
    """Normalised discounted cumulative gain of the top k: DCG@k / the ideal DCG@k.

    Linear gain (the grade) and a 1 / log2(rank + 1) discount, as ``sklearn.metrics.ndcg_score``.
    The ideal DCG sorts all of the query's judged grades, found or not. Arguments as
    ``precision_at_k``.
    """
    k = _k(k)
    return _average(f"nDCG@{k}", ranked, relevant, lambda ranking, grades: _ndcg(ranking, grades, k))


def dcg_at_k(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain: sum over the top k of gain / log2(rank + 1), rank 1 the top.

    gains: the grades of the results in rank order (a list or a 1-D array).
    E.g. dcg_at_k([3, 0, 2], 3) = 3/log2(2) + 0/log2(3) + 2/log2(4) = 3 + 0 + 1 = 4.
    """
    return float(sum(gain / math.log2(rank + 1) for rank, gain in enumerate(list(gains)[:k], start=1)))


# ---------------------------------------------------------------------------
# One query: ranking is a list of doc ids, grades is {doc_id: grade}
# ---------------------------------------------------------------------------
def query_recall(ranking: Sequence, relevant: Any, k: int) -> float:
    """Recall@k of ONE query: ranking, doc ids best first; relevant, {doc: grade} or a set of docs."""
    grades = _grades("this query", relevant)
    return _hits(list(ranking), grades, _k(k)) / max(_n_relevant(grades), 1)


def query_reciprocal_rank(ranking: Sequence, relevant: Any, k: int | None = None) -> float:
    """1 / rank of the first relevant result of ONE query in its top k (0 if none; k=None: all)."""
    return _reciprocal_rank(list(ranking), _grades("this query", relevant), None if k is None else _k(k))


def query_ndcg(ranking: Sequence, relevant: Any, k: int) -> float:
    """nDCG@k of ONE query (linear gain, 1 / log2(rank + 1)); relevant as in ``query_recall``."""
    grades = _grades("this query", relevant)
    if _n_relevant(grades) == 0:
        raise InputError("nDCG is 0 / 0 for a query with no relevant document: leave such queries out.")
    return _ndcg(list(ranking), grades, _k(k))


def _hits(ranking: list, grades: dict, k: int) -> int:
    """How many of the top k results are relevant (grade > 0)."""
    return sum(1 for doc in ranking[:k] if grades.get(doc, 0) > 0)


def _n_relevant(grades: dict) -> int:
    return sum(1 for grade in grades.values() if grade > 0)


def _reciprocal_rank(ranking: list, grades: dict, k: int | None) -> float:
    for rank, doc in enumerate(ranking[:k], start=1):
        if grades.get(doc, 0) > 0:
            return 1.0 / rank                     # the first relevant result decides; stop here
    return 0.0


def _ndcg(ranking: list, grades: dict, k: int) -> float:
    gains = [grades.get(doc, 0) for doc in ranking[:k]]
    ideal = sorted(grades.values(), reverse=True)   # the best top k there could be: not the found ones re-sorted
    return dcg_at_k(gains, k) / dcg_at_k(ideal, k)


# ---------------------------------------------------------------------------
# Many queries: line rankings up with judgements, leave out those with nothing relevant
# ---------------------------------------------------------------------------
def _average(name: str, ranked: Any, relevant: Any,
             metric: Callable[[list, dict], float]) -> MetricResult:
    queries, values, excluded = [], [], []
    for query, ranking, grades in _judged(ranked, relevant):
        if _n_relevant(grades) == 0:
            excluded.append(query)
            continue
        queries.append(query)
        values.append(metric(ranking, grades))
    if not queries:
        raise InputError(f"no query has a relevant document (a grade above 0), so {name} is undefined: "
                         "check that the judgements use the same document ids as the rankings.")
    per_query = np.array(values, dtype=np.float64)
    return MetricResult(name, float(per_query.mean()), per_query, queries, excluded)


def _judged(ranked: Any, relevant: Any) -> list[tuple[Hashable, list, dict]]:
    """(query, ranking, grades) for every query: rankings and judgements lined up by key or position."""
    if hasattr(ranked, "detach"):                  # a torch tensor of ids, e.g. from search.cosine_topk
        ranked = ranked.detach().cpu().numpy()
    if isinstance(ranked, np.ndarray):
        if ranked.ndim != 2:
            raise InputError(f"an array of rankings must be 2-D, (queries, results), not of shape {ranked.shape}.")
        ranked = ranked.tolist()                   # Python ints: they compare and hash as the judgements' ids
    if isinstance(relevant, Mapping) and isinstance(ranked, Mapping):
        missing = [q for q in relevant if q not in ranked]
        if missing:
            raise InputError(f"query {missing[0]!r} has relevance judgements but no ranking ({len(missing)} "
                             "such queries); give an empty list for a query the search found nothing for.")
        unjudged = [q for q in ranked if q not in relevant]
        pairs = [(q, ranked[q], relevant[q]) for q in relevant] + [(q, ranked[q], {}) for q in unjudged]
    elif _is_list(relevant) and _is_list(ranked):
        if len(ranked) != len(relevant):
            raise InputError(f"{len(ranked)} rankings but {len(relevant)} sets of judgements: give one of "
                             "each per query, in the same order.")
        pairs = list(zip(range(len(ranked)), ranked, relevant))
    else:
        raise InputError("give rankings and judgements both as dicts keyed by query, or both as lists in the "
                         f"same order; got {type(ranked).__name__} and {type(relevant).__name__}.")
    return [(q, _ranking(q, r), _grades(q, g)) for q, r, g in pairs]


def _is_list(x: Any) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _ranking(query: Hashable, ranking: Any) -> list:
    if isinstance(ranking, np.ndarray):
        ranking = ranking.tolist()
    if isinstance(ranking, (str, bytes)) or not isinstance(ranking, Sequence):
        raise InputError(f"the ranking of query {query!r} must be a list of document ids, best first, not "
                         f"{type(ranking).__name__} ({ranking!r:.40}).")
    seen = set()
    for doc in ranking:
        if doc in seen and doc != NO_RESULT:
            raise InputError(f"the ranking of query {query!r} lists document {doc!r} twice; a search returns "
                             "each document at most once (it would be counted twice).")
        seen.add(doc)
    return list(ranking)


def _grades(query: Hashable, judged: Any) -> dict:
    if isinstance(judged, Mapping):
        grades = dict(judged)
    elif isinstance(judged, Collection) and not isinstance(judged, (str, bytes)):
        grades = dict.fromkeys(judged, 1)          # binary: every listed document is relevant
    else:
        raise InputError(f"the judgements of query {query!r} must be {{doc_id: grade}} or a set of relevant "
                         f"doc ids, not {type(judged).__name__} ({judged!r:.40}).")
    for doc, grade in grades.items():
        ok = isinstance(grade, numbers.Real) and math.isfinite(grade) and grade >= 0
        if not ok:
            raise InputError(f"document {doc!r} of query {query!r} has grade {grade!r}; grades are numbers "
                             ">= 0 (0 not relevant, higher more relevant).")
    return grades


def _k(k: Any) -> int:
    return whole_number(k, "k", why="how many results at the top count")
