"""embedlab.hybrid: BM25 through bm25s, and reciprocal rank fusion against its definition."""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from embedlab.hybrid import BM25Index, reciprocal_rank_fusion
from embedlab.validate import InputError


def rrf_by_definition(rankings, c=60.0, weights=None):
    """Cormack et al.'s formula, one query at a time, written as plainly as possible."""
    weights = weights or [1.0] * len(rankings)
    out = []
    for q in range(len(rankings[0])):
        score = defaultdict(float)
        for ranking, w in zip(rankings, weights):
            for rank, doc in enumerate(ranking[q], start=1):
                if doc >= 0:
                    score[doc] += w / (c + rank)
        out.append(sorted(score.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def test_rrf_worked_example():
    # Document 7 is second in both rankings; 3 is first in one and absent from the other.
    scores, ids = reciprocal_rank_fusion([np.array([[3, 7, 1]]), np.array([[5, 7, 2]])], c=60)
    assert ids[0, 0] == 7 and scores[0, 0] == pytest.approx(2 / 62)
    assert list(ids[0, 1:3]) == [3, 5] and scores[0, 1] == pytest.approx(1 / 61)
    assert len(ids[0]) == 5


@pytest.mark.parametrize("seed", range(3))
def test_rrf_equals_the_definition_on_random_rankings(seed):
    rng = np.random.default_rng(seed)
    rankings = [np.stack([rng.permutation(40)[:k] for _ in range(15)]) for k in (10, 25, 5)]
    rankings[0][3, 4:] = -1                            # a ranking with fewer results for one query
    weights = [1.0, 0.5, 2.0]
    scores, ids = reciprocal_rank_fusion(rankings, c=10, weights=weights)
    for q, expected in enumerate(rrf_by_definition(rankings, c=10, weights=weights)):
        n = len(expected)
        assert list(ids[q, :n]) == [d for d, _ in expected]
        np.testing.assert_allclose(scores[q, :n], [s for _, s in expected], rtol=1e-12)
        assert (ids[q, n:] == -1).all()
    top_scores, top_ids = reciprocal_rank_fusion(rankings, c=10, weights=weights, top=3)
    assert np.array_equal(top_ids, ids[:, :3]) and np.allclose(top_scores, scores[:, :3])


def test_rrf_bad_input_is_one_sentence():
    with pytest.raises(InputError, match="list of"):
        reciprocal_rank_fusion([])
    with pytest.raises(InputError, match="whole-number ids"):
        reciprocal_rank_fusion([np.ones((2, 3))])
    with pytest.raises(InputError, match="different numbers of queries"):
        reciprocal_rank_fusion([np.ones((2, 3), int), np.ones((3, 3), int)])
    with pytest.raises(InputError, match="one weight per ranking"):
        reciprocal_rank_fusion([np.ones((2, 3), int)], weights=[1, 2])


@pytest.fixture(scope="module")
def verses():
    from embedlab import bible

    return [v.web for v in bible.load_verses()[:3000]]


def test_bm25_finds_the_verse_with_the_rare_words(verses):
    index = BM25Index(verses)
    probe = [verses[i] for i in (10, 500, 2500)]
    scores, ids = index.search(probe, k=5)
    assert list(ids[:, 0]) == [10, 500, 2500]
    assert (np.diff(scores, axis=1) <= 1e-6).all()


def test_bm25_marks_documents_without_a_shared_word():
    index = BM25Index(["the cat sat", "a dog barked", "birds sing"])
    scores, ids = index.search(["cat", "zebra"], k=3)
    assert ids[0, 0] == 0 and (ids[0, 1:] == -1).all() and (ids[1] == -1).all()
    assert (scores[ids == -1] == 0).all()
    with pytest.raises(InputError, match="list of strings"):
        index.search("cat")
    with pytest.raises(InputError, match="only 3"):
        index.search(["cat"], k=4)
    with pytest.raises(InputError, match="non-empty list"):
        BM25Index("just one string")
