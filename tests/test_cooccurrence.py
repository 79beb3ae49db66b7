"""Lesson 02 (embedlab.cooccurrence): the vectorised counts agree with a slow, obvious
counter on real text, PPMI agrees with the dense formula, LSA agrees with scikit-learn's
TruncatedSVD, the factorisation loss agrees with torch's autograd and with Eckart-Young,
and bad input gets one clear sentence."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch

import embedlab
from embedlab import check
from embedlab.check import get_exercise
from embedlab.cooccurrence import (
    cooccurrence_counts,
    cooccurrence_matrix,
    encode_documents,
    factorisation_loss,
    lsa_vectors,
    ppmi,
    ppmi_matrix,
    svd_embedding,
)

EXERCISES = ["02.cooccurrence_counts", "02.ppmi", "02.svd_embedding", "02.factorisation_gradients"]


@pytest.fixture(scope="module")
def real_docs():
    """The first 300 documents of the course corpus slice, and a vocabulary that leaves some words out."""
    from embedlab import corpus

    docs = []
    for doc in corpus.iter_documents("course-corpus-slice"):
        docs.append(doc[:300])
        if len(docs) == 300:
            break
    counts: dict[str, int] = {}
    for doc in docs:
        for w in doc:
            counts[w] = counts.get(w, 0) + 1
    words = sorted((w for w, c in counts.items() if c >= 3), key=lambda w: (-counts[w], w))
    assert 50 < len(words) < len(counts)  # some words are out of the vocabulary
    return docs, {w: i for i, w in enumerate(words)}


def slow_counts(docs, key_to_index, window, weighting):
    """The definition, written as plainly as possible: every token, every neighbour."""
    V = len(key_to_index)
    out = np.zeros((V, V))
    for doc in docs:
        kept = [key_to_index[w] for w in doc if w in key_to_index]
        for i, a in enumerate(kept):
            for j in range(max(0, i - window), min(len(kept), i + window + 1)):
                if j != i:
                    out[a, kept[j]] += 1.0 / abs(i - j) if weighting == "harmonic" else 1.0
    return out


# ---------------------------------------------------------------------------
# cooccurrence_matrix
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("weighting", ["harmonic", "uniform"])
@pytest.mark.parametrize("window", [1, 2, 5])
def test_counts_match_slow_counter_on_real_text(real_docs, window, weighting):
    docs, k2i = real_docs
    got = cooccurrence_matrix(docs, k2i, window=window, weighting=weighting)
    assert sp.isspmatrix_csr(got) or isinstance(got, sp.csr_array)
    assert got.dtype == np.float64 and got.shape == (len(k2i), len(k2i))
    expected = slow_counts(docs, k2i, window, weighting)
    assert expected.sum() > 1000
    np.testing.assert_allclose(got.toarray(), expected, rtol=1e-12, atol=1e-12)


def test_counts_are_symmetric_and_nonnegative(real_docs):
    docs, k2i = real_docs
    m = cooccurrence_matrix(docs, k2i, window=4)
    assert abs(m - m.T).max() == 0
    assert m.data.min() > 0  # no explicitly stored zeros


def test_harmonic_vs_uniform_weights(real_docs):
    docs, k2i = real_docs
    h1 = cooccurrence_matrix(docs, k2i, window=1, weighting="harmonic")
    u1 = cooccurrence_matrix(docs, k2i, window=1, weighting="uniform")
    np.testing.assert_array_equal(h1.toarray(), u1.toarray())  # distance 1 weighs 1 either way
    h3 = cooccurrence_matrix(docs, k2i, window=3, weighting="harmonic").toarray()
    u3 = cooccurrence_matrix(docs, k2i, window=3, weighting="uniform").toarray()
    assert (u3 >= h3).all() and (u3 > h3).any()
    # uniform counts are integers: twice the number of pairs within the window
    n_pairs = sum(max(0, n - d) for n in (sum(w in k2i for w in doc) for doc in docs) for d in (1, 2, 3))
    assert u3.sum() == 2 * n_pairs and np.array_equal(u3, np.round(u3))


def test_tiny_worked_example():
    k2i = {"the": 0, "cat": 1, "sat": 2}
    m = cooccurrence_matrix([["the", "cat", "sat"]], k2i, window=2).toarray()
    np.testing.assert_allclose(m, [[0, 1, 0.5], [1, 0, 1], [0.5, 1, 0]])
    # a word next to itself adds 1/d twice to its diagonal cell: (i, j) and (j, i) are the same cell
    m = cooccurrence_matrix([["cat", "cat"]], k2i, window=2).toarray()
    assert m[1, 1] == 2.0 and m.sum() == 2.0


def test_out_of_vocabulary_words_are_dropped_before_windowing():
    k2i = {"a": 0, "b": 1}
    m = cooccurrence_matrix([["a", "zzz", "zzz", "b"]], k2i, window=1).toarray()
    np.testing.assert_array_equal(m, [[0, 1], [1, 0]])


def test_windows_never_cross_documents():
    k2i = {"a": 0, "b": 1, "c": 2}
    m = cooccurrence_matrix([["a", "b"], [], ["zzz"], ["c"], ["c", "a"]], k2i, window=5).toarray()
    np.testing.assert_array_equal(m, [[0, 1, 1], [1, 0, 0], [1, 0, 0]])
    empty = cooccurrence_matrix([["zzz"], []], k2i)
    assert empty.shape == (3, 3) and empty.nnz == 0


def test_encode_documents():
    ids, doc_ids = encode_documents([["a", "x", "b"], [], ["b"]], {"a": 0, "b": 1})
    np.testing.assert_array_equal(ids, [0, 1, 1])
    np.testing.assert_array_equal(doc_ids, [0, 0, 2])
    assert ids.dtype == np.int64 and doc_ids.dtype == np.int64


def test_accepts_a_generator_and_devices(real_docs):
    docs, k2i = real_docs
    expected = cooccurrence_matrix(docs, k2i, window=3).toarray()
    got = cooccurrence_matrix((d for d in docs), k2i, window=3, device=torch.device("cpu"))
    np.testing.assert_array_equal(got.toarray(), expected)
    if torch.cuda.is_available():
        gpu = cooccurrence_matrix(docs, k2i, window=3, device="cuda")
        np.testing.assert_allclose(gpu.toarray(), expected, rtol=1e-12)


def test_exercise_reference_agrees_with_the_corpus_version(real_docs):
    docs, k2i = real_docs
    doc = docs[0]
    ids = np.array([k2i[w] for w in doc if w in k2i])
    for window in (1, 2, 5):
        np.testing.assert_allclose(cooccurrence_counts(ids, len(k2i), window),
                                   cooccurrence_matrix([doc], k2i, window).toarray(), rtol=1e-12)


def test_matches_countvectorizer_when_the_window_covers_whole_documents():
    # With a window longer than every document, uniform co-occurrence = X.T @ X minus the
    # diagonal correction: a classic word-document identity (sklearn's CountVectorizer side).
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [["the", "cat", "sat", "on", "the", "mat"], ["a", "cat", "and", "a", "dog"], ["the", "dog"]]
    cv = CountVectorizer(analyzer=lambda d: d)
    X = cv.fit_transform(docs).toarray().astype(float)
    k2i = {w: int(i) for w, i in cv.vocabulary_.items()}
    m = cooccurrence_matrix(docs, k2i, window=10, weighting="uniform").toarray()
    expected = X.T @ X - np.diag(X.sum(axis=0))  # a word is not its own context
    np.testing.assert_allclose(m, expected)


# ---------------------------------------------------------------------------
# ppmi
# ---------------------------------------------------------------------------
def dense_ppmi_formula(c, alpha):
    """PPMI as in Levy, Goldberg & Dagan (2015), written independently of the module."""
    c = np.asarray(c, dtype=float)
    p_wc = c / c.sum()
    p_w = c.sum(axis=1, keepdims=True) / c.sum()
    p_c = c.sum(axis=0, keepdims=True) ** alpha / (c.sum(axis=0) ** alpha).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(p_wc / (p_w * p_c))
    return np.nan_to_num(np.maximum(pmi, 0), nan=0.0, posinf=0.0)


@pytest.mark.parametrize("alpha", [1.0, 0.75, 0.5])
def test_ppmi_matches_dense_formula_on_real_counts(real_docs, alpha):
    docs, k2i = real_docs
    counts = cooccurrence_matrix(docs, k2i, window=3)
    got = ppmi(counts, alpha=alpha)
    assert sp.issparse(got) and got.format == "csr" and got.dtype == np.float64
    expected = dense_ppmi_formula(counts.toarray(), alpha)
    assert (expected > 0).sum() > 500
    np.testing.assert_allclose(got.toarray(), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ppmi_matrix(counts.toarray(), alpha), expected, rtol=1e-10, atol=1e-12)
    assert got.data.min() > 0 and np.isfinite(got.data).all()


def test_ppmi_handles_zero_rows_columns_dense_input_and_all_zeros():
    c = np.array([[2.0, 0.0, 1.0], [0.0, 0.0, 0.0], [1.0, 0.0, 5.0]])
    for inp in (c, sp.csr_matrix(c), sp.coo_matrix(c), torch.tensor(c)):
        got = ppmi(inp).toarray()
        assert np.isfinite(got).all()
        np.testing.assert_allclose(got, dense_ppmi_formula(c, 0.75), atol=1e-12)
        assert not got[1].any() and not got[:, 1].any()
    assert ppmi(np.zeros((3, 3))).nnz == 0


def test_ppmi_smoothing_raises_rare_contexts_less():
    # a pair with a rare context: smoothing (alpha < 1) gives it a lower PMI than plain PPMI
    c = np.array([[50.0, 1.0], [50.0, 0.0], [10.0, 0.0]])
    assert ppmi(c, alpha=0.75)[0, 1] < ppmi(c, alpha=1.0)[0, 1]


# ---------------------------------------------------------------------------
# lsa_vectors and svd_embedding
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("solver", ["propack", "arpack"])
def test_lsa_matches_sklearn_truncated_svd_up_to_sign(real_docs, solver):
    from sklearn.decomposition import TruncatedSVD

    docs, k2i = real_docs
    m = ppmi(cooccurrence_matrix(docs, k2i, window=5))
    dim = 20
    W = lsa_vectors(m, dim=dim, seed=0, solver=solver)
    assert W.shape == (len(k2i), dim) and W.dtype == np.float64
    svd = TruncatedSVD(n_components=dim, algorithm="arpack", random_state=0).fit(m)
    theirs = svd.transform(m)                               # U * S
    S = svd.singular_values_
    np.testing.assert_allclose(np.linalg.norm(W, axis=0) ** 2, S, rtol=1e-6)  # |U_k sqrt(S_k)|^2 = S_k
    ours = W * np.sqrt(S)                                   # U * S
    signs = np.sign((ours * theirs).sum(axis=0))
    assert set(signs) <= {-1.0, 1.0}
    np.testing.assert_allclose(ours * signs, theirs, rtol=1e-5, atol=1e-8)


def test_lsa_is_deterministic_sorted_and_accepts_dense():
    rng = np.random.default_rng(1)
    x = np.maximum(rng.normal(size=(60, 40)), 0)
    a, b = lsa_vectors(sp.csr_matrix(x), dim=8, seed=3), lsa_vectors(x, dim=8, seed=3)
    np.testing.assert_array_equal(a, b)
    norms = np.linalg.norm(a, axis=0)
    assert (np.diff(norms) <= 1e-12).all()                  # decreasing singular values
    np.testing.assert_allclose(a, svd_embedding(x, 8) * np.sign((a * svd_embedding(x, 8)).sum(0)),
                               rtol=1e-6, atol=1e-9)
    # sign convention: each column's largest-magnitude entry is positive
    assert (a[np.abs(a).argmax(axis=0), np.arange(8)] > 0).all()


def test_svd_embedding_reconstructs_the_matrix():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 7))
    W = svd_embedding(x, 7)
    # W W^T = U S U^T = X X^T (S^{1/2} on each side)... only for the left factor:
    U, S, _ = np.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose(W @ W.T, (U * S) @ U.T, atol=1e-10)


# ---------------------------------------------------------------------------
# factorisation_loss: the loss the truncated SVD minimises
# ---------------------------------------------------------------------------
def test_factorisation_loss_matches_torch_and_its_gradient_matches_autograd():
    rng = np.random.default_rng(3)
    M, W, C = rng.normal(size=(7, 5)), rng.normal(size=(7, 3)), rng.normal(size=(5, 3))
    Mt = torch.tensor(M)
    Wt, Ct = torch.tensor(W, requires_grad=True), torch.tensor(C, requires_grad=True)
    loss = torch.linalg.matrix_norm(Mt - Wt @ Ct.T) ** 2          # squared Frobenius norm
    loss.backward()
    assert factorisation_loss(M, W, C) == pytest.approx(loss.item(), rel=1e-12)
    assert factorisation_loss(M, W, C) > 1.0
    # The exercise's grader (numerical gradients of factorisation_loss) agrees with autograd.
    grader = get_exercise("02.factorisation_gradients").reference
    gW, gC = grader(M, W, C)
    np.testing.assert_allclose(gW, Wt.grad.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gC, Ct.grad.numpy(), rtol=1e-6, atol=1e-7)
    assert np.abs(gW).max() > 0.1 and np.abs(gC).max() > 0.1


def test_svd_factors_reach_the_eckart_young_minimum():
    rng = np.random.default_rng(4)
    M = np.maximum(rng.normal(size=(9, 6)) + 0.3, 0)
    U, S, Vt = np.linalg.svd(M, full_matrices=False)
    for k in (1, 3, 5):
        W, C = U[:, :k] * np.sqrt(S[:k]), Vt[:k].T * np.sqrt(S[:k])
        assert factorisation_loss(M, W, C) == pytest.approx((S[k:] ** 2).sum(), rel=1e-10)
        np.testing.assert_allclose(W, svd_embedding(M, k), atol=1e-12)
        # any other rank-k factorisation does worse, e.g. the SVD's factors perturbed a little
        for _ in range(5):
            assert factorisation_loss(M, W + 0.01 * rng.normal(size=W.shape), C) > factorisation_loss(M, W, C)


# ---------------------------------------------------------------------------
# The exercises and their catalogue
# ---------------------------------------------------------------------------
# (Every reference passes and every mistake fails with its own hint: the catalogue test in
# tests/test_check.py.)
def test_lesson_02_exercises_are_registered():
    assert {e for e in embedlab.list_exercises() if e.startswith("02.")} == set(EXERCISES)


def test_learner_loop_version_passes_cooccurrence_counts():
    def cooccurrence_counts(ids, vocab_size, window):  # the plain loop a learner writes
        out = np.zeros((vocab_size, vocab_size))
        for i in range(len(ids)):
            for j in range(i + 1, min(len(ids), i + window + 1)):
                out[ids[i], ids[j]] += 1 / (j - i)
                out[ids[j], ids[i]] += 1 / (j - i)
        return out

    assert check(cooccurrence_counts, quiet=True).passed


def test_loop_over_both_sides_and_both_directions_gets_counted_twice_hint():
    def cooccurrence_counts(ids, vocab_size, window):  # both sides of t, and both cells each time
        out = np.zeros((vocab_size, vocab_size))
        for t in range(len(ids)):
            for u in range(len(ids)):
                if 0 < abs(u - t) <= window:
                    out[ids[t], ids[u]] += 1 / abs(u - t)
                    out[ids[u], ids[t]] += 1 / abs(u - t)
        return out

    result = check(cooccurrence_counts, quiet=True)
    assert not result.passed and "each pair is counted twice" in result.hint
    # the output is exactly twice the reference, which the hint must say rather than a generic factor
    ids = np.array([0, 1, 0, 2])
    np.testing.assert_allclose(cooccurrence_counts(ids, 3, 2), 2 * get_exercise("02.cooccurrence_counts")
                               .reference(ids, 3, 2))


def test_svd_embedding_check_accepts_flipped_signs():
    def svd_embedding(matrix, dim):
        U, S, _ = np.linalg.svd(matrix, full_matrices=False)
        return -U[:, :dim] * np.sqrt(S[:dim])

    assert check(svd_embedding, quiet=True).passed


def test_factorisation_gradients_learner_versions():
    def factorisation_gradients(matrix, W, C):      # the analytic answer, as a learner writes it
        R = matrix - W @ C.T
        return -2 * R @ C, -2 * R.T @ W

    assert check(factorisation_gradients, quiet=True).passed

    def factorisation_gradients(matrix, W, C):      # one loop per cell, lists: still right
        gW, gC = np.zeros(W.shape), np.zeros(C.shape)
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                r = matrix[i, j] - W[i] @ C[j]
                gW[i] -= 2 * r * C[j]
                gC[j] -= 2 * r * W[i]
        return [gW, gC]

    assert check(factorisation_gradients, quiet=True).passed

    def factorisation_gradients(matrix, W, C):      # only the sign of dL/dC is wrong
        R = matrix - W @ C.T
        return -2 * R @ C, 2 * R.T @ W

    result = check(factorisation_gradients, quiet=True)
    assert not result.passed and "dL/dC" in result.message and "dL/dW:" not in result.message


def test_ppmi_learner_nan_version_gets_nan_hint():
    def ppmi_matrix(counts, alpha=0.75):
        counts = np.asarray(counts, dtype=float)
        pw = counts.sum(1, keepdims=True) / counts.sum()
        pc = counts.sum(0, keepdims=True) ** alpha
        pc = pc / pc.sum()
        return np.maximum(np.log(counts / counts.sum() / (pw * pc)), 0)

    result = check(ppmi_matrix, quiet=True)
    assert not result.passed and "NaN" in result.hint


# ---------------------------------------------------------------------------
# Bad input: one clear sentence
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,words", [
    (dict(window=0), "window must be a whole number >= 1"),
    (dict(window=2.5), "window must be a whole number >= 1"),
    (dict(weighting="log"), "weighting must be 'harmonic'"),
    (dict(docs="the cat sat"), "docs is one string; give a list of documents"),
    (dict(docs=["the cat sat"]), "document 0 of docs is a string"),
    (dict(key_to_index={}), "key_to_index is empty"),
    (dict(key_to_index={"the": 0, "cat": 5}), "rows 0..1"),
    (dict(key_to_index=["the", "cat"]), "key_to_index must be a dict"),
])
def test_cooccurrence_bad_input(kwargs, words):
    args = dict(docs=[["the", "cat", "sat"]], key_to_index={"the": 0, "cat": 1})
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=words.replace(".", r"\.").replace("(", r"\(")):
        cooccurrence_matrix(**args)


@pytest.mark.parametrize("counts,alpha,words", [
    (np.array([[1.0, -2.0], [0.0, 1.0]]), 0.75, "must be >= 0"),
    (np.array([[1.0, np.nan], [0.0, 1.0]]), 0.75, "NaN or inf"),
    (np.ones(3), 0.75, "2-D matrix"),
    (np.ones((2, 2)), 0.0, "alpha must be a number in"),
    (np.ones((2, 2)), 2.0, "alpha must be a number in"),
])
def test_ppmi_bad_input(counts, alpha, words):
    with pytest.raises(ValueError, match=words):
        ppmi(counts, alpha=alpha)


@pytest.mark.parametrize("matrix,dim,words", [
    (np.ones((5, 4)), 4, "dim must be a whole number from 1 to 3"),
    (np.ones((5, 4)), 0, "dim must be a whole number from 1 to 3"),
    (np.full((5, 4), np.nan), 2, "NaN or inf"),
    (np.ones(5), 2, "must be 2-D"),
])
def test_lsa_bad_input(matrix, dim, words):
    with pytest.raises(ValueError, match=words):
        lsa_vectors(matrix, dim=dim)
    with pytest.raises(ValueError, match="solver must be 'propack' or 'arpack'"):
        lsa_vectors(np.ones((5, 4)), dim=2, solver="lanczos")


@pytest.mark.parametrize("shapes", [((3, 4), (3, 2), (3, 2)), ((3, 4), (4, 2), (3, 2)), ((3, 4), (3, 2), (4, 3)),
                                    ((3,), (3, 2), (1, 2))])
def test_factorisation_loss_bad_shapes(shapes):
    M, W, C = (np.ones(s) for s in shapes)
    with pytest.raises(ValueError, match=r"needs W of shape \(n, k\) and C of shape \(m, k\)"):
        factorisation_loss(M, W, C)


def test_lsa_falls_back_to_arpack_where_propack_is_off(monkeypatch):
    import scipy.sparse.linalg

    real_svds = scipy.sparse.linalg.svds
    used = []

    def svds(*args, solver="arpack", **kwargs):
        used.append(solver)
        if solver == "propack":
            raise ValueError("PROPACK solver is disabled by default; set SCIPY_USE_PROPACK=1")
        return real_svds(*args, solver=solver, **kwargs)

    monkeypatch.setattr(scipy.sparse.linalg, "svds", svds)
    x = np.maximum(np.random.default_rng(2).normal(size=(30, 20)), 0)
    W = lsa_vectors(x, dim=5)
    assert used == ["propack", "arpack"]
    np.testing.assert_allclose(np.abs(W), np.abs(svd_embedding(x, 5)), rtol=1e-6, atol=1e-9)
