"""embedlab.retrieval_metrics: hand-computed cases, sklearn's ndcg_score, and wrong versions told apart.

The hand cases are small enough to compute on paper (each expected number is written as
the sum it comes from). ``agrees_with_hand_cases`` answers True or False for any
implementation of a metric, so the same check is shown to reject the realistic wrong
versions at the bottom: a check that a wrong metric also passes would prove nothing.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from sklearn.metrics import dcg_score, ndcg_score

from embedlab import retrieval_metrics as rm
from embedlab.validate import InputError

L2, L3, L4, L5 = (math.log2(n) for n in (2, 3, 4, 5))     # the discounts of ranks 1 to 4

# ---------------------------------------------------------------------------
# Hand-computed cases: (ranking, grades, k, expected {metric: value})
# ---------------------------------------------------------------------------
HAND_CASES = {
    # Binary: b and d are relevant, and x, which the search did not find.
    "binary": (["a", "b", "c", "d", "e"], {"b": 1, "d": 1, "x": 1}, 5, {
        "precision": 2 / 5,
        "recall": 2 / 3,
        "mrr": 1 / 2,                                        # first relevant at rank 2
        "ndcg": (1 / L3 + 1 / L5) / (1 / L2 + 1 / L3 + 1 / L4),   # ideal: three relevant on top
    }),
    "binary, k=3": (["a", "b", "c", "d", "e"], {"b": 1, "d": 1, "x": 1}, 3, {
        "precision": 1 / 3,
        "recall": 1 / 3,
        "mrr": 1 / 2,
        "ndcg": (1 / L3) / (1 / L2 + 1 / L3 + 1 / L4),
    }),
    # Graded: c (3) at rank 3, a (2) at rank 1; e (1) not found; b, d unjudged (grade 0).
    "graded": (["a", "b", "c", "d"], {"c": 3, "a": 2, "e": 1}, 3, {
        "precision": 2 / 3,
        "recall": 2 / 3,
        "mrr": 1.0,
        "ndcg": (2 / L2 + 0 / L3 + 3 / L4) / (3 / L2 + 2 / L3 + 1 / L4),   # 3.5 / 4.7619
    }),
    # Two relevant results: MRR looks at the first only.
    "two hits": (["n1", "r1", "n2", "r2"], {"r1": 1, "r2": 1}, 4, {
        "precision": 2 / 4,
        "recall": 2 / 2,
        "mrr": 1 / 2,
        "ndcg": (1 / L3 + 1 / L5) / (1 / L2 + 1 / L3),
    }),
    # The first relevant result is just below the cut-off: it does not count.
    "hit below k": (["n1", "n2", "n3", "r"], {"r": 2}, 3, {
        "precision": 0.0, "recall": 0.0, "mrr": 0.0, "ndcg": 0.0,
    }),
    # A ranking shorter than k: the missing places are not relevant.
    "short ranking": (["z"], {"z": 1}, 3, {
        "precision": 1 / 3, "recall": 1.0, "mrr": 1.0, "ndcg": 1.0,
    }),
    # Many relevant, more than k: recall cannot reach 1, nDCG can.
    "more relevant than k": (["p", "q"], {"p": 1, "q": 1, "r": 1, "s": 1}, 2, {
        "precision": 1.0, "recall": 2 / 4, "mrr": 1.0, "ndcg": 1.0,
    }),
}

REFERENCE = {"precision": rm.precision_at_k, "recall": rm.recall_at_k, "mrr": rm.mrr, "ndcg": rm.ndcg_at_k}


def agrees_with_hand_cases(metric_fn, metric: str) -> bool:
    """True if ``metric_fn(ranked, relevant, k)`` gives every hand case's value (within 1e-12)."""
    for ranking, grades, k, expected in HAND_CASES.values():
        value = metric_fn({"q": ranking}, {"q": grades}, k)
        value = float(value.per_query[0]) if isinstance(value, rm.MetricResult) else float(value)
        if abs(value - expected[metric]) > 1e-12:
            return False
    return True


@pytest.mark.parametrize("metric", list(REFERENCE))
def test_the_reference_gives_the_hand_computed_numbers(metric):
    assert agrees_with_hand_cases(REFERENCE[metric], metric)


def test_a_few_hand_numbers_as_decimals():
    """The sums above, worked out, as one would on paper."""
    ranking, grades, k, _ = HAND_CASES["graded"]
    assert rm.dcg_at_k([2, 0, 3], 3) == pytest.approx(3.5)
    assert rm.dcg_at_k([3, 2, 1], 3) == pytest.approx(4.761859507142915)
    assert rm.ndcg_at_k({"q": ranking}, {"q": grades}, k).mean == pytest.approx(0.7350069851)
    assert rm.dcg_at_k([3, 0, 2], 3) == 4.0                  # the docstring's example


def test_mean_and_per_query_over_several_queries():
    ranked = {"q1": ["a", "b"], "q2": ["c", "d"], "q3": ["e"]}
    relevant = {"q1": {"b"}, "q2": {"c": 2, "d": 0}, "q3": {"x": 0}}      # q3: nothing relevant
    result = rm.mrr(ranked, relevant)
    assert result.queries == ["q1", "q2"] and result.excluded == ["q3"]
    assert result.per_query.tolist() == [0.5, 1.0] and result.mean == 0.75 == float(result)
    assert str(result) == "MRR = 0.7500 over 2 queries (1 without a relevant document left out)"
    # An unjudged query in the rankings is left out too; a judged one without a ranking is an error.
    assert rm.recall_at_k({**ranked, "q4": ["a"]}, relevant, 1).excluded == ["q3", "q4"]
    with pytest.raises(InputError, match="'q2' has relevance judgements but no ranking"):
        rm.recall_at_k({"q1": ["a"]}, relevant, 1)


def test_lists_arrays_and_tensors_of_rankings():
    """The (Q, k) ids a search returns, with a list of sets of relevant ids."""
    ids = np.array([[4, 2, 7], [1, 0, 3]])
    relevant = [{2, 9}, {3}]
    expected = [1 / 2, 1.0]
    for ranked in (ids, torch.from_numpy(ids), ids.tolist()):
        result = rm.recall_at_k(ranked, relevant, 3)
        assert result.per_query.tolist() == expected and result.queries == [0, 1]
    assert rm.precision_at_k(ids, relevant, 2).per_query.tolist() == [1 / 2, 0.0]


def test_faiss_no_result_placeholder_counts_as_not_relevant():
    assert rm.precision_at_k([[5, -1, -1]], [{5}], 3).mean == pytest.approx(1 / 3)


# ---------------------------------------------------------------------------
# nDCG and DCG are sklearn's
# ---------------------------------------------------------------------------
def _random_cases(n_cases=300, seed=0):
    """Random graded judgements over 2-30 documents, a ranking of some or all of them, and k.

    The ranking is at least k long, so sklearn (which ranks every document by a score)
    and we see the same top k: unranked documents get lower scores than ranked ones.
    """
    rng = np.random.default_rng(seed)
    for _ in range(n_cases):
        n_docs = int(rng.integers(2, 31))
        grades = rng.integers(0, 4, size=n_docs) * (rng.random(n_docs) < 0.4)
        if not grades.any():
            grades[rng.integers(n_docs)] = int(rng.integers(1, 4))
        k = int(rng.integers(1, n_docs + 1))
        order = rng.permutation(n_docs)
        ranking = order[:int(rng.integers(k, n_docs + 1))]
        scores = np.empty(n_docs)
        scores[order] = np.arange(n_docs, 0, -1)                  # distinct: no ties to average
        yield ranking.tolist(), {d: int(g) for d, g in enumerate(grades)}, k, grades, scores


def test_ndcg_equals_sklearn_on_random_graded_cases():
    cases = list(_random_cases())
    for ranking, grades, k, y_true, y_score in cases:
        ours = rm.ndcg_at_k([ranking], [grades], k).mean
        theirs = ndcg_score(y_true[None], y_score[None], k=k)
        assert abs(ours - theirs) <= 1e-9, (ranking, grades, k)
    assert len(cases) == 300


def test_dcg_equals_sklearn_dcg_score():
    for ranking, grades, k, y_true, y_score in _random_cases(100, seed=1):
        gains = [grades[d] for d in ranking]
        assert abs(rm.dcg_at_k(gains, k) - dcg_score(y_true[None], y_score[None], k=k)) <= 1e-9


def test_many_queries_at_once_equal_sklearn_per_query():
    cases = list(_random_cases(50, seed=2))
    k = 1
    ours = rm.ndcg_at_k([c[0] for c in cases], [c[1] for c in cases], k)
    theirs = [ndcg_score(c[3][None], c[4][None], k=k) for c in cases]
    np.testing.assert_allclose(ours.per_query, theirs, rtol=0, atol=1e-9)
    assert ours.mean == pytest.approx(np.mean(theirs), abs=1e-12)


# ---------------------------------------------------------------------------
# Realistic wrong versions: the hand cases (and sklearn) tell each one apart
# ---------------------------------------------------------------------------
def _one_query(fn):
    """A metric written for one query, fn(ranking, grades, k), as a metric over {query: ...} dicts."""
    return lambda ranked, relevant, k: fn(ranked["q"], relevant["q"], k)


def _dcg(gains, k, discount=lambda rank: 1 / math.log2(rank + 1), gain=lambda g: g):
    return sum(gain(g) * discount(rank) for rank, g in enumerate(gains[:k], start=1))


def _ndcg_variant(ideal="judged", normaliser=None, **dcg_options):
    def ndcg(ranking, grades, k):
        gains = [grades.get(d, 0) for d in ranking]
        if ideal == "judged":
            best = sorted(grades.values(), reverse=True)
        else:                                                  # the found results re-sorted
            best = sorted(gains, reverse=True)
        denominator = normaliser(k) if normaliser else _dcg(best, k, **dcg_options)
        return _dcg(gains, k, **dcg_options) / denominator if denominator else 0.0
    return ndcg


def _first_or_last_hit(which):
    def rr(ranking, grades, k):
        ranks = [r for r, d in enumerate(ranking[:k], start=1) if grades.get(d, 0) > 0]
        return 1 / ranks[0 if which == "first" else -1] if ranks else 0.0
    return rr


WRONG = {
    "ndcg": {
        "divided by k instead of the ideal DCG": _ndcg_variant(normaliser=lambda k: k),
        "ideal DCG from the found results only": _ndcg_variant(ideal="found"),
        "exponential gain 2**grade - 1": _ndcg_variant(gain=lambda g: 2 ** g - 1),
        "discount off by one: log2(rank + 2)": _ndcg_variant(discount=lambda r: 1 / math.log2(r + 2)),
        "no discount (cumulative gain)": _ndcg_variant(discount=lambda r: 1.0),
    },
    "mrr": {
        "the last relevant rank instead of the first": _first_or_last_hit("last"),
        "ignores k": lambda ranking, grades, k: _first_or_last_hit("first")(ranking, grades, None),
        "mean rank instead of reciprocal": lambda ranking, grades, k: next(
            (r for r, d in enumerate(ranking[:k], start=1) if grades.get(d, 0) > 0), 0.0),
    },
    "recall": {
        "divided by k": lambda ranking, grades, k: sum(grades.get(d, 0) > 0 for d in ranking[:k]) / k,
        "divided by the relevant found anywhere in the ranking": lambda ranking, grades, k: (
            sum(grades.get(d, 0) > 0 for d in ranking[:k])
            / max(1, sum(grades.get(d, 0) > 0 for d in ranking))),
        "capped at min(k, R)": lambda ranking, grades, k: (
            sum(grades.get(d, 0) > 0 for d in ranking[:k]) / min(k, sum(g > 0 for g in grades.values()))),
    },
    "precision": {
        "divided by the ranking's length": lambda ranking, grades, k: (
            sum(grades.get(d, 0) > 0 for d in ranking[:k]) / len(ranking[:k])),
        "divided by the number relevant": lambda ranking, grades, k: (
            sum(grades.get(d, 0) > 0 for d in ranking[:k]) / sum(g > 0 for g in grades.values())),
        "graded: sums the grades": lambda ranking, grades, k: sum(grades.get(d, 0) for d in ranking[:k]) / k,
    },
}

RIGHT = {
    "ndcg": _ndcg_variant(),
    "mrr": _first_or_last_hit("first"),
    "recall": lambda ranking, grades, k: (
        sum(grades.get(d, 0) > 0 for d in ranking[:k]) / sum(g > 0 for g in grades.values())),
    "precision": lambda ranking, grades, k: sum(grades.get(d, 0) > 0 for d in ranking[:k]) / k,
}


@pytest.mark.parametrize("metric", list(RIGHT))
def test_the_one_query_versions_written_right_pass(metric):
    """The wrong versions differ from these in the one thing that names them."""
    assert agrees_with_hand_cases(_one_query(RIGHT[metric]), metric)


@pytest.mark.parametrize("metric, name", [(m, n) for m, wrongs in WRONG.items() for n in wrongs])
def test_the_hand_cases_reject_wrong_versions(metric, name):
    assert not agrees_with_hand_cases(_one_query(WRONG[metric][name]), metric)


@pytest.mark.parametrize("name", list(WRONG["ndcg"]))
def test_the_sklearn_comparison_rejects_wrong_ndcg(name):
    wrong = WRONG["ndcg"][name]
    assert any(abs(wrong(ranking, grades, k) - ndcg_score(y_true[None], y_score[None], k=k)) > 1e-9
               for ranking, grades, k, y_true, y_score in _random_cases(50))


def test_a_natural_log_discount_changes_dcg_but_not_ndcg():
    """The "log base e" mistake: every discount is scaled by ln 2, and the ratio cancels it.

    So nDCG cannot catch it (nor need to: its numbers are right); DCG does.
    """
    natural = dict(discount=lambda r: 1 / math.log(r + 1))
    for ranking, grades, k, y_true, y_score in _random_cases(50, seed=3):
        assert _ndcg_variant(**natural)(ranking, grades, k) == pytest.approx(
            rm.ndcg_at_k([ranking], [grades], k).mean, abs=1e-12)
    gains = [2, 0, 3]
    assert _dcg(gains, 3, **natural) != pytest.approx(rm.dcg_at_k(gains, 3))
    assert _dcg(gains, 3, **natural) == pytest.approx(rm.dcg_at_k(gains, 3) / math.log(2))


# ---------------------------------------------------------------------------
# One sentence for each bad input
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("ranked, relevant, k, message", [
    ({"q": ["a"]}, {"q": {"a"}}, 0, "k must be a whole number >= 1"),
    ({"q": ["a", "a"]}, {"q": {"a"}}, 2, "lists document 'a' twice"),
    ({"q": "abc"}, {"q": {"a"}}, 2, "must be a list of document ids"),
    ({"q": ["a"]}, {"q": {"a": -1}}, 1, "grade -1; grades are numbers >= 0"),
    ({"q": ["a"]}, {"q": {"a": float("nan")}}, 1, "grades are numbers >= 0"),
    ({"q": ["a"]}, {"q": {"b": 0}}, 1, "no query has a relevant document"),
    ([["a"]], [{"a"}, {"b"}], 1, "1 rankings but 2 sets of judgements"),
    ([["a"]], {"q": {"a"}}, 1, "both as dicts keyed by query, or both as lists"),
    (np.zeros(3), [{"a"}], 1, "must be 2-D"),
    ({"q": ["a"]}, {"q": "a"}, 1, "must be {doc_id: grade} or a set"),
])
def test_bad_input_is_one_sentence(ranked, relevant, k, message):
    with pytest.raises(InputError, match=message) as caught:
        rm.ndcg_at_k(ranked, relevant, k)
    assert "\n" not in str(caught.value) and str(caught.value).endswith(".")
