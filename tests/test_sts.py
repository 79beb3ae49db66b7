"""embedlab.sts: the Lee documents' human ratings, and the Spearman score of an encoder."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer

from embedlab import sts
from embedlab.validate import InputError


def test_lee_similarity_reads_the_upper_triangle():
    docs, pairs, ratings = sts.lee_similarity()
    assert len(docs) == 50 and pairs.shape == (1225, 2) and ratings.shape == (1225,)
    assert docs[0].startswith("The national executive of the strife-torn Democrats")
    assert (pairs[:, 0] < pairs[:, 1]).all() and len({tuple(p) for p in pairs}) == 1225
    assert ratings[0] == pytest.approx(0.3)                 # first row, second column of the file
    assert (0 <= ratings).all() and (ratings <= 1).all() and ratings.std() > 0.05


def test_spearman_scores_real_encoders_above_random_ones():
    docs, pairs, ratings = sts.lee_similarity()
    tfidf = TfidfVectorizer(stop_words="english").fit_transform(docs).toarray()
    rho = sts.spearman_with_humans(tfidf)
    # The same number computed independently from the pairs.
    X = tfidf / np.linalg.norm(tfidf, axis=1, keepdims=True)
    assert rho == pytest.approx(spearmanr((X[pairs[:, 0]] * X[pairs[:, 1]]).sum(1), ratings).statistic)
    assert 0.2 < rho < 0.5, rho                             # 0.274: bag of words already follows people
    noise = np.random.default_rng(0).normal(size=(50, 64))
    assert abs(sts.spearman_with_humans(noise)) < 0.1       # random vectors do not
    # Unnormalised rows give the same score (the cosine is taken inside).
    assert sts.spearman_with_humans(tfidf * np.arange(1, 51)[:, None]) == pytest.approx(rho)


def test_spearman_says_what_is_wrong():
    with pytest.raises(InputError, match=r"\(50, d\)"):
        sts.spearman_with_humans(np.ones((49, 8)))
    bad = np.ones((50, 8))
    bad[3, 2] = np.nan
    with pytest.raises(InputError, match="NaN"):
        sts.spearman_with_humans(bad)
    bad[3] = 0
    with pytest.raises(InputError, match="all zeros"):
        sts.spearman_with_humans(bad)
