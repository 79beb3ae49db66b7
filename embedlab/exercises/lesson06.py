"""Exercises of lesson 06 (documents): case generators, registered mistakes and hints.

The references are in ``embedlab/doc2vec.py``, except the grader of the derivation
``06.pv_dbow_gradients``, which is no formula but the numerical gradient of
``doc2vec.pv_dbow_loss``.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from embedlab import doc2vec
from embedlab.check import Case, _to_plain, _type_name, compare_values, exercise, mistake
from embedlab.doc2vec import average_vectors, sif_weighted_average, sif_weights
from embedlab.gradcheck import numerical_gradients


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _words_and_vectors(rng: np.random.Generator, n_words: int = 12, dim: int = 4):
    words = ["the", "of", "and", "king", "queen", "love", "marriage", "lord", "god", "bride",
             "money", "wealth", "lawyer", "liar", "dog", "cat", "house", "sister"][:n_words]
    return words, rng.normal(size=(len(words), dim)), {w: i for i, w in enumerate(words)}


def _ndarray_compare(rtol: float, atol: float):
    """compare= for exercises that must return an ndarray: a list of row arrays is refused.

    (The default comparison would accept a list of (d,) arrays, and the learner's code
    would then break much later, at the first ``.shape`` or matrix product.) When the
    expected value is itself not an array (a registered mistake's output), values are
    compared as usual, so that mistakes returning lists are still recognised.
    """

    def compare(got: Any, expected: Any) -> str | None:
        if isinstance(expected, np.ndarray) and not isinstance(_to_plain(got), np.ndarray):
            return (f"expected a NumPy array of shape {expected.shape}, got {_type_name(got)}"
                    + (f" of {len(got)} items" if isinstance(got, (list, tuple)) else ""))
        return compare_values(got, expected, rtol, atol)

    return compare


# ---------------------------------------------------------------------------
# 06.average_vectors
# ---------------------------------------------------------------------------
def _average_cases(rng: np.random.Generator) -> list[Case]:
    words, vectors, k2i = _words_and_vectors(rng)
    cases = [
        Case(([["king", "queen"], ["love"]], vectors, k2i), label="two documents, all words known"),
        Case(([["the", "unicorn", "king"], ["love", "dragon", "love"]], vectors, k2i),
             label="unknown words (unicorn, dragon) are skipped"),
        Case(([["king"], [], ["unicorn", "dragon"]], vectors, k2i),
             label="an empty document and one of unknown words only: zero rows, no NaN"),
        Case(([["the", "the", "the", "king"]], vectors, k2i), label="a repeated word counts each time"),
        Case(([[], []], vectors, k2i), label="only empty documents"),
    ]
    for n_docs, dim in [(5, 3), (20, 8)]:
        words, vectors, k2i = _words_and_vectors(rng, 18, dim)
        pool = words + ["unicorn", "dragon", "xyzzy"]
        docs = [list(rng.choice(pool, size=rng.integers(1, 9))) for _ in range(n_docs)]
        cases.append(Case((docs, vectors.astype(np.float32), k2i),
                          label=f"random: {n_docs} documents, d={dim}, float32 vectors"))
    return cases


exercise("06.average_vectors", doc2vec.average_vectors, cases=_average_cases,
         compare=_ndarray_compare(1e-5, 1e-6), hints=[
    "A document's vector is the mean over the words that HAVE a vector: an unknown word leaves "
    "both the sum and the count. Two edge cases decide the check: a word that occurs twice counts "
    "twice, and a document without any known word must become a row of zeros, not NaN.",
    "Plan: make the (n_docs, d) output first, all zeros, so that documents without a known word "
    "are already right. Then, document by document, collect the row numbers key_to_index[w] of "
    "its known words (repeats included) and, only if there is at least one, write the mean of "
    "those rows of vectors into the document's row.",
    "Almost the recipe: start from np.zeros((len(docs), d)), d the number of columns of vectors; "
    "for document i, make the list of key_to_index[w] for its words w that are in key_to_index; "
    "if the list is not empty, row i is vectors[list].mean(axis=0). Return the whole array.",
])


@mistake("06.average_vectors", "Unknown words are counted in the denominator: you divided the sum "
         "by len(doc). Divide by the number of words that are in key_to_index (the ones you added).")
def _average_counts_unknown(docs, vectors, key_to_index):
    vectors = np.asarray(vectors, dtype=np.float64)
    out = np.zeros((len(docs), vectors.shape[1]))
    for i, doc in enumerate(docs):
        for w in doc:
            if w in key_to_index:
                out[i] += vectors[key_to_index[w]]
        if doc:
            out[i] /= len(doc)
    return out


@mistake("06.average_vectors", "A document with no known word gives NaN: the mean of an empty "
         "selection is 0/0. Return a row of zeros when a document has no known word.")
def _average_nan_for_empty(docs, vectors, key_to_index):
    vectors = np.asarray(vectors, dtype=np.float64)
    with warnings.catch_warnings():  # numpy warns "Mean of empty slice": the hint says it better
        warnings.simplefilter("ignore", RuntimeWarning)
        rows = [vectors[[key_to_index[w] for w in doc if w in key_to_index]].mean(axis=0) for doc in docs]
    return np.array(rows).reshape(len(docs), vectors.shape[1])


@mistake("06.average_vectors", "This is the sum of the word vectors, not their mean: divide by the "
         "number of known words, so that long documents do not get long vectors.")
def _average_sum(docs, vectors, key_to_index):
    vectors = np.asarray(vectors, dtype=np.float64)
    out = np.zeros((len(docs), vectors.shape[1]))
    for i, doc in enumerate(docs):
        for w in doc:
            if w in key_to_index:
                out[i] += vectors[key_to_index[w]]
    return out


@mistake("06.average_vectors", "key_to_index[w] raises KeyError for a word that is not in the "
         "vocabulary: skip such words (`if w in key_to_index`).")
def _average_keyerror(docs, vectors, key_to_index):
    vectors = np.asarray(vectors, dtype=np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.array([vectors[[key_to_index[w] for w in doc]].mean(axis=0) for doc in docs])


@mistake("06.average_vectors", "You returned a list of row vectors, not one array: later code needs "
         "an (n_docs, d) ndarray (.shape, X @ y, X[mask]). Fill rows of "
         "np.zeros((len(docs), d)), or return np.array(rows).")
def _average_list_of_rows(docs, vectors, key_to_index):
    return list(average_vectors(docs, vectors, key_to_index))


@mistake("06.average_vectors", "You counted each distinct word once (a set?): a repeated word must count "
         "each time it occurs (loop over the words of the document, not over set(doc)).")
def _average_distinct_words(docs, vectors, key_to_index):
    return average_vectors([sorted(set(doc)) for doc in docs], vectors, key_to_index)


# ---------------------------------------------------------------------------
# 06.sif_weighted_average
# ---------------------------------------------------------------------------
def _sif_cases(rng: np.random.Generator) -> list[Case]:
    words, vectors, k2i = _words_and_vectors(rng, 12, 5)
    vectors = vectors + 2.0 * rng.normal(size=5)   # a direction shared by all words, as in real embeddings
    counts = np.array([5000, 3000, 2500, 40, 35, 30, 25, 20, 12, 8, 5, 3])
    docs = [["the", "king", "of", "the", "queen"], ["love", "and", "marriage"], ["the", "lord", "god"],
            ["the", "bride", "unicorn"]]
    cases = [
        Case((docs, vectors, k2i, counts), label="four documents, Zipf-like counts"),
        Case((docs + [[], ["unicorn"]], vectors, k2i, counts),
             label="with an empty document and one of unknown words (rows of zeros)"),
        Case((docs, vectors, k2i, counts), {"a": 1e-2}, label="a = 1e-2"),
        Case((docs[:2] + [["the", "the", "the"]], vectors, k2i, np.full(12, 10)),
             label="equal counts: every weight is the same"),
    ]
    for n_docs, dim in [(8, 4), (30, 10)]:
        words, vectors, k2i = _words_and_vectors(rng, 18, dim)
        vectors = vectors + 1.5 * rng.normal(size=dim)
        counts = np.sort(rng.zipf(1.4, size=18) + 2)[::-1] * 10
        pool = words + ["unicorn", "dragon"]
        docs = [list(rng.choice(pool, size=rng.integers(2, 12))) for _ in range(n_docs)]
        cases.append(Case((docs, vectors, k2i, counts), label=f"random: {n_docs} documents, d={dim}"))
    return cases


exercise("06.sif_weighted_average", doc2vec.sif_weighted_average, cases=_sif_cases,
         compare=_ndarray_compare(1e-4, 1e-7), hints=[
    "This is average_vectors with one change: every known word's vector is multiplied by its "
    "weight $a / (a + p(w))$ before the sum. $p(w)$ is the word's share of ALL the counts, a "
    "frequency between 0 and 1, not its raw count.",
    "Compute the V weights once, from the whole counts array (its sum is the corpus size); "
    "weight number key_to_index[w] goes with row key_to_index[w] of vectors. Then divide each "
    "document's weighted sum by the NUMBER of its known words (not by the sum of their weights), "
    "and keep average_vectors' edge cases: repeats count each time, no known word gives zeros.",
    "Almost the recipe: weights = a / (a + counts / counts.sum()), for all words at once; start "
    "from an all-zero (n_docs, d) array; for document i, take the list of rows of its known "
    "words; if it is not empty, row i is the sum over those rows of weight times vector "
    "(weights[rows, None] * vectors[rows], summed over axis 0), divided by the length of the list.",
])


def _weighted_mean(docs, vectors, key_to_index, weights, divide_by="count"):
    vectors = np.asarray(vectors, dtype=np.float64)
    X = np.zeros((len(docs), vectors.shape[1]))
    for i, doc in enumerate(docs):
        ids = [key_to_index[w] for w in doc if w in key_to_index]
        if ids:
            X[i] = (weights[ids][:, None] * vectors[ids]).sum(0)
            X[i] /= {"count": len(ids), "weights": weights[ids].sum(), "all words": len(doc)}[divide_by]
    return X


@mistake("06.sif_weighted_average", "p(w) must be a frequency, counts[w] / counts.sum(), not the raw "
         "count: with raw counts a / (a + count) is tiny for every word.")
def _sif_raw_counts(docs, vectors, key_to_index, counts, a=1e-3):
    return _weighted_mean(docs, vectors, key_to_index, a / (a + np.asarray(counts, dtype=np.float64)))


@mistake("06.sif_weighted_average", "You divided the weighted sum by the sum of the weights. SIF (like "
         "Arora et al.'s code) divides by the number of known words, so that a document of rare words "
         "weighs more than one of frequent words.")
def _sif_divide_by_weights(docs, vectors, key_to_index, counts, a=1e-3):
    return _weighted_mean(docs, vectors, key_to_index, sif_weights(counts, a), divide_by="weights")


@mistake("06.sif_weighted_average", "These are the plain averages: the weights are missing. Multiply "
         "each known word's vector by its weight a / (a + p(w)) before adding it up.")
def _sif_unweighted(docs, vectors, key_to_index, counts, a=1e-3):
    return average_vectors(docs, vectors, key_to_index)


@mistake("06.sif_weighted_average", "Unknown words are counted in the denominator: you divided by "
         "len(doc). Divide by the number of words that are in key_to_index (the ones you added).")
def _sif_counts_unknown(docs, vectors, key_to_index, counts, a=1e-3):
    return _weighted_mean(docs, vectors, key_to_index, sif_weights(counts, a), divide_by="all words")


@mistake("06.sif_weighted_average", "p(w) is the word's frequency in the whole CORPUS (from counts), "
         "not within the document: a word's weight must not change from one document to the next.")
def _sif_document_frequency(docs, vectors, key_to_index, counts, a=1e-3):
    vectors = np.asarray(vectors, dtype=np.float64)
    X = np.zeros((len(docs), vectors.shape[1]))
    for i, doc in enumerate(docs):
        ids = [key_to_index[w] for w in doc if w in key_to_index]
        if ids:
            p = np.array([ids.count(j) for j in ids]) / len(ids)
            X[i] = ((a / (a + p))[:, None] * vectors[ids]).sum(0) / len(ids)
    return X


@mistake("06.sif_weighted_average", "A document with no known word gives NaN (0/0): return a row of "
         "zeros when a document has no known word, as average_vectors does.")
def _sif_nan_for_empty(docs, vectors, key_to_index, counts, a=1e-3):
    X = sif_weighted_average(docs, vectors, key_to_index, counts, a)
    X[[not any(w in key_to_index for w in doc) for doc in docs]] = np.nan
    return X


# ---------------------------------------------------------------------------
# 06.remove_common_component
# ---------------------------------------------------------------------------
def _remove_cases(rng: np.random.Generator) -> list[Case]:
    common = rng.normal(size=4) * 3.0
    cases = [
        Case((np.array([[2.0, 1.0], [2.0, -1.0], [4.0, 0.0]]),),
             label="the common direction is the first axis, so the result is [[0, 1], [0, -1], [0, 0]]"),
        Case((common + 0.5 * rng.normal(size=(6, 4)),), label="6 vectors sharing a large common part"),
        Case((np.zeros((3, 5)),), label="an all-zero matrix: nothing to remove, zeros"),
        Case((np.array([[1.0, 2.0, 2.0]]),), label="one row: it IS the common direction, zeros remain"),
        Case((np.vstack([common + rng.normal(size=(4, 4)), np.zeros((1, 4))]),),
             label="a row of zeros (an empty document) stays zeros"),
        Case((rng.normal(size=(3, 8)) + 1.0,), label="fewer documents than dimensions (3 x 8)"),
    ]
    for n, d in [(12, 5), (40, 10)]:
        X = rng.normal(size=(n, d)) + 2.0 * rng.normal(size=d)
        cases.append(Case((X.astype(np.float32),), label=f"random {n} x {d}, float32, a shared offset"))
    return cases


exercise("06.remove_common_component", doc2vec.remove_common_component, cases=_remove_cases,
         compare=_ndarray_compare(1e-4, 1e-7), hints=[
    "The common component is one direction $u$ (a unit vector of length d) that all rows share. "
    "Removing it means subtracting from every row its projection on $u$, so that every row of the "
    "result is orthogonal to $u$. Take $u$ from X itself, without subtracting the mean first.",
    "$u$ is the first RIGHT singular vector of X: np.linalg.svd(X, full_matrices=False) returns "
    "U, S and Vt, and the right singular vectors are the rows of Vt (length d), the first one "
    "belonging to the largest singular value. The projection of a row x on a unit vector u is "
    "the number x·u times u.",
    "Almost the recipe: u is row 0 of Vt; X @ u gives the n numbers x·u at once; subtract their "
    "outer product with u (np.outer, an (n, d) array) from X and return the result. An all-zero "
    "X needs no special case (every x·u is 0), and X itself must not be changed.",
])


def _svd_direction(X):
    return np.linalg.svd(X, full_matrices=False)[2][0]


@mistake("06.remove_common_component", "You removed the first principal component of the CENTRED "
         "vectors (as sklearn's PCA computes it). SIF removes the first singular vector of X itself, "
         "uncentred: the common direction includes the mean, which is exactly what should go.")
def _remove_centred_pca(X):
    X = np.array(X, dtype=np.float64)
    centred = X - X.mean(0)
    if not np.any(centred):
        return np.zeros_like(X) if np.any(X) else X
    u = _svd_direction(centred)
    return X - np.outer(X @ u, u)


@mistake("06.remove_common_component", "You subtracted the LENGTH X @ u from every coordinate: x·u is "
         "one number per row. The projection is that number times the direction: "
         "X - (X @ u)[:, None] * u[None, :].")
def _remove_no_times_u(X):
    X = np.array(X, dtype=np.float64)
    return X - (X @ _svd_direction(X))[:, None]


@mistake("06.remove_common_component", "You projected on a column of Vt instead of its first row: "
         "np.linalg.svd(X) returns U, S, Vt, and the right singular vectors are the ROWS of Vt, "
         "so the direction in word-vector space is Vt[0].")
def _remove_column_of_vt(X):
    X = np.array(X, dtype=np.float64)
    u = np.linalg.svd(X, full_matrices=False)[2][:, 0]
    return X - np.outer(X @ u, u)


@mistake("06.remove_common_component", "You subtracted the mean row: that centres the vectors, it "
         "does not remove a direction. Subtract each row's projection on the first singular "
         "vector u instead, (x·u) u, which leaves every row orthogonal to u.")
def _remove_mean(X):
    X = np.array(X, dtype=np.float64)
    return X - X.mean(0)


@mistake("06.remove_common_component", "You returned the projections (x·u) u themselves, the part "
         "that should go: return what is LEFT, X minus the projections.")
def _remove_returns_projection(X):
    X = np.array(X, dtype=np.float64)
    u = _svd_direction(X)
    return np.outer(X @ u, u)


@mistake("06.remove_common_component", "You projected on the direction of the mean row. It is close "
         "to the common direction, but SIF's u is the first right singular vector of X "
         "(np.linalg.svd), the direction that is closest to all rows at once.")
def _remove_mean_direction(X):
    X = np.array(X, dtype=np.float64)
    m = X.mean(0)
    norm = np.linalg.norm(m)
    if norm == 0:
        return X
    u = m / norm
    return X - np.outer(X @ u, u)


# ---------------------------------------------------------------------------
# 06.pv_dbow_gradients: the derivation. Graded against numerical gradients of
# doc2vec.pv_dbow_loss, never against the analytic answer.
# ---------------------------------------------------------------------------
def pv_dbow_gradients(doc_vec, target_vec, negative_vecs):
    """(dL/dD, dL/dt, dL/dN) of L = doc2vec.pv_dbow_loss(D, t, N), by central differences."""
    return numerical_gradients(doc2vec.pv_dbow_loss, (doc_vec, target_vec, negative_vecs), wrt=(0, 1, 2))


def _pv_dbow_cases(rng: np.random.Generator) -> list[Case]:
    t = np.array([1.0, 0.0, 2.0])
    cases = [
        Case((np.zeros(3), t, np.array([[0.0, 1.0, 0.0]])),
             label="zero document vector: every score is 0, σ(0) = 1/2, so dL/dt and dL/dN are 0"),
        Case((np.array([1.0, -1.0]), np.array([2.0, 0.5]), np.array([[1.0, 1.0], [-0.5, 2.0]])),
             label="two negatives"),
        Case((np.array([0.5, 0.5]), np.array([-1.0, 1.0]), np.zeros((3, 2))),
             label="all-zero negatives (as at the start of training)"),
        Case((np.array([0.5, -0.5, 1.0]), t, np.array([t, [0.0, 1.0, -1.0]])),
             label="the target word drawn again as a noise word (n_1 = t)"),
        Case((np.array([2.0, 0.0, -1.0]), np.array([2.0, 1.0, -2.0]), np.array([[3.0, 0.0, 1.0]])),
             label="target scored high (D·t = 6, σ close to 1), a noise word too (D·n = 5)"),
    ]
    for k, d in [(2, 4), (5, 10), (15, 20)]:
        cases.append(Case((rng.normal(size=d), rng.normal(size=d), rng.normal(size=(k, d))),
                          label=f"random, k={k} noise words, d={d}"))
    return cases


_GRADIENT_NAMES = ("dL/dD", "dL/dt", "dL/dN")


def _compare_gradients(got: Any, expected: Any) -> str | None:
    """Three arrays, (dL/dD, dL/dt, dL/dN), each compared with the numerical gradient."""
    if not isinstance(expected, (tuple, list)):           # a mistake's odd output against another
        return compare_values(got, expected, rtol=1e-5, atol=1e-7)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        what = f"a {type(got).__name__} of {len(got)} items" if isinstance(got, (tuple, list)) else (
            f"an array of shape {np.shape(got)}" if isinstance(got, np.ndarray) else type(got).__name__)
        return f"expected a tuple of three arrays (dL/dD, dL/dt, dL/dN), got {what}"
    for name, g, e in zip(_GRADIENT_NAMES, got, expected):
        why = compare_values(g, e, rtol=1e-5, atol=1e-7)
        if why:
            return f"{name}: {why}"
    return None


exercise("06.pv_dbow_gradients", pv_dbow_gradients, cases=_pv_dbow_cases, compare=_compare_gradients,
         hints=[
    "L depends on the vectors only through the scores $s = D\\cdot t$ and $s_j = D\\cdot n_j$. "
    "Differentiate $-\\log\\sigma(s)$ and $-\\log\\sigma(-s)$ with respect to the score first "
    "(with $\\sigma'(s) = \\sigma(s)(1-\\sigma(s))$), then use the chain rule: the derivative of "
    "$D\\cdot t$ with respect to D is t, and with respect to t is D.",
    "The two one-variable results: $\\frac{d}{ds}[-\\log\\sigma(s)] = -(1-\\sigma(s))$ and "
    "$\\frac{d}{ds}[-\\log\\sigma(-s)] = \\sigma(s)$. Each gradient is such a number times the OTHER "
    "vector of its score. D is in all $1 + k$ scores, so dL/dD is a sum of $1 + k$ terms; t and each "
    "$n_j$ are in one score each. Shapes: dL/dD (d,), dL/dt (d,), dL/dN (k, d), one row per noise word.",
    "Almost the recipe: compute σ of the target score and the k noise scores (negative_vecs @ "
    "doc_vec gives all k at once). dL/dD is minus (1 - σ(D·t)) times t, plus the sum over j of "
    "σ(D·n_j) times n_j; dL/dt is minus (1 - σ(D·t)) times D; row j of dL/dN is σ(D·n_j) times D "
    "(an outer product). Return the three arrays as a tuple, in that order.",
])


def _scores(doc_vec, target_vec, negative_vecs):
    D, t = np.asarray(doc_vec, dtype=np.float64), np.asarray(target_vec, dtype=np.float64)
    n = np.asarray(negative_vecs, dtype=np.float64).reshape(-1, D.shape[0])
    return D, t, n, _sigmoid(D @ t), _sigmoid(n @ D)


def _gradients(D, t, n, pos, neg, neg_sum=None, dt_vector=None, dn=None):
    """The three gradients from a (possibly wrong) factor for the target and for each noise word."""
    dD = -pos * t + (neg @ n if neg_sum is None else neg_sum)
    dt = -pos * (D if dt_vector is None else dt_vector)
    return dD, dt, (np.outer(neg, D) if dn is None else dn)


@mistake("06.pv_dbow_gradients", "The target word's terms have the wrong sign: "
         "$\\frac{d}{ds}[-\\log\\sigma(s)] = -(1-\\sigma(s))$ is negative (the loss falls as D·t grows), "
         "so dL/dD has $-(1-\\sigma(D\\cdot t))\\,t$ and dL/dt has $-(1-\\sigma(D\\cdot t))\\,D$.")
def _grad_target_sign(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, -(1.0 - st), sn)


@mistake("06.pv_dbow_gradients", "The target's factor is σ(D·t) where it should be 1 - σ(D·t): the "
         "derivative of $\\log\\sigma(s)$ is $\\sigma'(s)/\\sigma(s) = 1 - \\sigma(s)$, which vanishes "
         "once the word is predicted well (σ close to 1).")
def _grad_target_sigma(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, st, sn)


@mistake("06.pv_dbow_gradients", "The target's factor (1 - σ(D·t)) is missing: you differentiated "
         "$-\\log\\sigma(s)$ as if it were $-s$. By the chain rule through σ its derivative is "
         "$-(1-\\sigma(s))$, so dL/dD has $-(1-\\sigma(D\\cdot t))\\,t$, and dL/dt the same factor times D.")
def _grad_target_no_factor(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0, sn)


@mistake("06.pv_dbow_gradients", "The noise words' factor is σ(-D·n_j) where it should be σ(D·n_j): "
         "the derivative of $-\\log\\sigma(-s)$ with respect to s is $+\\sigma(s)$, so a noise word "
         "that scores high pushes hardest.")
def _grad_noise_sigma_minus(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, 1.0 - sn)


@mistake("06.pv_dbow_gradients", "dL/dt is along t, but t enters the loss only through D·t, whose "
         "derivative with respect to t is D: dL/dt = $-(1-\\sigma(D\\cdot t))\\,D$ (each gradient is "
         "a factor times the OTHER vector of the score).")
def _grad_target_wrong_vector(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, sn, dt_vector=t)


@mistake("06.pv_dbow_gradients", "Row j of dL/dN is along n_j, but n_j enters the loss only through "
         "D·n_j, whose derivative with respect to n_j is D: row j is $\\sigma(D\\cdot n_j)\\,D$.")
def _grad_noise_wrong_vector(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, sn, dn=sn[:, None] * n)


@mistake("06.pv_dbow_gradients", "The rows of dL/dN have the wrong sign: the derivative of "
         "$-\\log\\sigma(-s)$ is $+\\sigma(s)$, so row j is $+\\sigma(D\\cdot n_j)\\,D$ (a step against "
         "it moves n_j away from D, which is what a noise word should do).")
def _grad_noise_rows_sign(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, sn, dn=-np.outer(sn, D))


@mistake("06.pv_dbow_gradients", "The noise words' terms in dL/dD are averaged: the loss SUMS "
         "$-\\log\\sigma(-D\\cdot n_j)$ over the k noise words, so their gradients add up (no "
         "division by k).")
def _grad_noise_mean(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, sn, neg_sum=sn @ n / len(n))


@mistake("06.pv_dbow_gradients", "Each noise word must be weighted by ITS OWN σ(D·n_j): dL/dD has "
         "$\\sum_j \\sigma(D\\cdot n_j)\\, n_j$, not $(\\sum_j \\sigma(D\\cdot n_j))(\\sum_j n_j)$.")
def _grad_noise_sum_of_products(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, sn, neg_sum=sn.sum() * n.sum(axis=0))


@mistake("06.pv_dbow_gradients", "The noise words are missing from dL/dD: D is in every score, also "
         "in D·n_j, so dL/dD has one more term per noise word, $+\\sigma(D\\cdot n_j)\\, n_j$.")
def _grad_no_noise_in_doc(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, sn, neg_sum=np.zeros_like(D))


@mistake("06.pv_dbow_gradients", "In dL/dD the noise words' term has the wrong sign: each noise word "
         "adds $+\\sigma(D\\cdot n_j)\\, n_j$ (the derivative of $-\\log\\sigma(-s)$ is $+\\sigma(s)$), "
         "so a step against the gradient moves D away from the noise words.")
def _grad_noise_sign_in_doc(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, sn, neg_sum=-(sn @ n))


@mistake("06.pv_dbow_gradients", "Every sign is flipped: these are the gradients of the "
         "log-likelihood $-L$, the direction in which the loss GROWS. The loss is "
         "$L = -\\log\\sigma(D\\cdot t) - \\sum_j \\log\\sigma(-D\\cdot n_j)$, with its minus signs.")
def _grad_all_flipped(doc_vec, target_vec, negative_vecs):
    return tuple(-g for g in pv_dbow_gradients(doc_vec, target_vec, negative_vecs))


@mistake("06.pv_dbow_gradients", "Every noise word's row of dL/dN got the same factor, the sum of all "
         "the σ(D·n_j): row j depends only on its own score, $\\sigma(D\\cdot n_j)\\,D$.")
def _grad_noise_rows_same(doc_vec, target_vec, negative_vecs):
    D, t, n, st, sn = _scores(doc_vec, target_vec, negative_vecs)
    return _gradients(D, t, n, 1.0 - st, sn, dn=np.tile(sn.sum() * D, (len(n), 1)))
