"""Exercises of lesson 06: case generators, registered mistakes and hints."""
from __future__ import annotations

import numpy as np
import warnings
from embedlab.check import Case, _to_plain, _type_name, compare_values, exercise, mistake
from typing import Any
from embedlab import doc2vec
from embedlab.doc2vec import _first_singular_vector, _sigmoid, average_vectors, pv_dbow_step, sif_weights


# ---------------------------------------------------------------------------
# embedlab/doc2vec.py
# ---------------------------------------------------------------------------


def _words_and_vectors(rng: np.random.Generator, n_words: int = 12, dim: int = 4):
    words = ["the", "of", "and", "king", "queen", "love", "marriage", "lord", "god", "bride",
             "money", "wealth", "lawyer", "liar", "dog", "cat", "house", "sister"][:n_words]
    return words, rng.normal(size=(len(words), dim)), {w: i for i, w in enumerate(words)}


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


exercise("06.average_vectors", doc2vec.average_vectors, cases=_average_cases, compare=_ndarray_compare(1e-5, 1e-6), hints=[])


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


exercise("06.sif_embed", doc2vec.sif_embed, cases=_sif_cases, compare=_ndarray_compare(1e-4, 1e-7), hints=[])


def _sif_weighted_mean(docs, vectors, key_to_index, weights, divide_by="count"):
    vectors = np.asarray(vectors, dtype=np.float64)
    X = np.zeros((len(docs), vectors.shape[1]))
    for i, doc in enumerate(docs):
        ids = [key_to_index[w] for w in doc if w in key_to_index]
        if ids:
            X[i] = (weights[ids][:, None] * vectors[ids]).sum(0)
            X[i] /= len(ids) if divide_by == "count" else weights[ids].sum()
    return X


def _remove_pc(X):
    u = _first_singular_vector(X)
    return X - (X @ u)[:, None] * u[None, :]


@mistake("06.sif_embed", "You removed the first principal component of the CENTRED vectors (as "
         "sklearn's PCA computes it). SIF removes the first singular vector of the uncentred matrix "
         "(np.linalg.svd(X)[2][0], or TruncatedSVD(1)): the common direction includes the mean, which "
         "is exactly what should go.")
def _sif_centred_pca(docs, vectors, key_to_index, counts, a=1e-3):
    X = _sif_weighted_mean(docs, vectors, key_to_index, sif_weights(counts, a))
    centred = X - X.mean(0)
    u = np.linalg.svd(centred, full_matrices=False)[2][0] if np.any(centred) else np.zeros(X.shape[1])
    return X - (X @ u)[:, None] * u[None, :]


@mistake("06.sif_embed", "The common component is still there: after the weighted means, remove "
         "each row's projection on the first singular vector u: X - (X @ u)[:, None] * u.")
def _sif_no_removal(docs, vectors, key_to_index, counts, a=1e-3):
    return _sif_weighted_mean(docs, vectors, key_to_index, sif_weights(counts, a))


@mistake("06.sif_embed", "p(w) must be a frequency, counts[w] / counts.sum(), not the raw count: "
         "with raw counts a / (a + count) is tiny for every word.")
def _sif_raw_counts(docs, vectors, key_to_index, counts, a=1e-3):
    weights = a / (a + np.asarray(counts, dtype=np.float64))
    return _remove_pc(_sif_weighted_mean(docs, vectors, key_to_index, weights))


@mistake("06.sif_embed", "You divided the weighted sum by the sum of the weights. SIF (like Arora "
         "et al.'s code) divides by the number of known words, so that a document of rare words "
         "weighs more than one of frequent words.")
def _sif_divide_by_weights(docs, vectors, key_to_index, counts, a=1e-3):
    X = _sif_weighted_mean(docs, vectors, key_to_index, sif_weights(counts, a), divide_by="weights")
    return _remove_pc(X)


@mistake("06.sif_embed", "You subtracted the projection LENGTH X @ u from every coordinate: "
         "(X @ u)[:, None] is one number per document. The projection is that number times the "
         "direction: X - (X @ u)[:, None] * u[None, :].")
def _sif_no_times_u(docs, vectors, key_to_index, counts, a=1e-3):
    X = _sif_weighted_mean(docs, vectors, key_to_index, sif_weights(counts, a))
    u = _first_singular_vector(X)
    return X - (X @ u)[:, None]


@mistake("06.sif_embed", "You projected on a row of U (or a column of V) instead of the first "
         "right singular vector: np.linalg.svd(X) returns U, S, Vt, and the direction in word-vector "
         "space is Vt[0], a vector of length d.")
def _sif_wrong_singular_vector(docs, vectors, key_to_index, counts, a=1e-3):
    X = _sif_weighted_mean(docs, vectors, key_to_index, sif_weights(counts, a))
    if not np.any(X):
        return X
    vt = np.linalg.svd(X, full_matrices=False)[2]
    u = vt[:, 0]
    return X - (X @ u)[:, None] * u[None, :]


def _pv_dbow_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case((np.zeros(3), np.array([1.0, 0.0, 2.0]), np.array([[0.0, 1.0, 0.0]]), 0.5),
             label="zero document vector: every score is 0, σ(0) = 0.5"),
        Case((np.array([1.0, -1.0]), np.array([2.0, 0.5]), np.array([[1.0, 1.0], [-0.5, 2.0]]), 0.1),
             label="two negatives"),
        Case((np.array([0.5, 0.5]), np.array([-1.0, 1.0]), np.zeros((3, 2)), 0.025),
             label="all-zero negatives (as at the start of training): only the target pulls"),
        Case((np.array([3.0, 0.0, -1.0]), np.array([0.0, 2.0, 1.0]), np.array([[4.0, 0.0, 1.0]]), 1.0),
             label="lr = 1, a negative scored high (σ close to 1)"),
    ]
    for k, d in [(2, 4), (5, 10), (15, 50)]:
        cases.append(Case((rng.normal(size=d), rng.normal(size=d), rng.normal(size=(k, d)),
                           float(rng.choice([0.025, 0.1, 0.5]))), label=f"random, k={k}, d={d}"))
    return cases


exercise("06.pv_dbow_step", doc2vec.pv_dbow_step, cases=_pv_dbow_cases, rtol=1e-6, atol=1e-9, hints=[])


@mistake("06.pv_dbow_step", "You stepped uphill: D + lr * dL/dD increases the loss. Gradient "
         "descent subtracts: D - lr * dL/dD, which moves D towards the target word's vector.")
def _pv_dbow_uphill(doc_vec, target_vec, negative_vecs, lr):
    D = np.asarray(doc_vec, dtype=np.float64)
    return 2 * D - pv_dbow_step(doc_vec, target_vec, negative_vecs, lr)


@mistake("06.pv_dbow_step", "The negative term uses σ(-D·n_j) instead of σ(D·n_j): the derivative "
         "of -log σ(-s) with respect to s is +σ(s), so a noise word scored high pushes hardest.")
def _pv_dbow_neg_sign(doc_vec, target_vec, negative_vecs, lr):
    D, t = np.asarray(doc_vec, dtype=np.float64), np.asarray(target_vec, dtype=np.float64)
    n = np.asarray(negative_vecs, dtype=np.float64)
    grad = -(1.0 - _sigmoid(D @ t)) * t + _sigmoid(-(n @ D)) @ n
    return D - lr * grad


@mistake("06.pv_dbow_step", "The negatives are averaged: the loss SUMS -log σ(-D·n_j) over the k "
         "noise words, so their gradients add up (no division by k).")
def _pv_dbow_neg_mean(doc_vec, target_vec, negative_vecs, lr):
    D, t = np.asarray(doc_vec, dtype=np.float64), np.asarray(target_vec, dtype=np.float64)
    n = np.asarray(negative_vecs, dtype=np.float64)
    grad = -(1.0 - _sigmoid(D @ t)) * t + _sigmoid(n @ D) @ n / len(n)
    return D - lr * grad


@mistake("06.pv_dbow_step", "You returned the step -lr * dL/dD, not the updated vector: add it to "
         "doc_vec (D - lr * dL/dD).")
def _pv_dbow_step_only(doc_vec, target_vec, negative_vecs, lr):
    return pv_dbow_step(doc_vec, target_vec, negative_vecs, lr) - np.asarray(doc_vec, dtype=np.float64)


@mistake("06.pv_dbow_step", "The negative scores are not lined up with their rows: σ(n @ D) has "
         "shape (k,), and σ(n @ D) * negative_vecs multiplies it along the d columns (or fails "
         "when k != d). Use σ(n @ D)[:, None] * negative_vecs, summed over axis 0, or σ(n @ D) @ "
         "negative_vecs.")
def _pv_dbow_no_newaxis(doc_vec, target_vec, negative_vecs, lr):
    D, t = np.asarray(doc_vec, dtype=np.float64), np.asarray(target_vec, dtype=np.float64)
    n = np.asarray(negative_vecs, dtype=np.float64)
    grad = -(1.0 - _sigmoid(D @ t)) * t + (_sigmoid(n @ D) * n).sum(axis=0)
    return D - lr * grad


@mistake("06.pv_dbow_step", "The k negatives' terms were not added up: Σ_j σ(D·n_j) n_j is ONE "
         "d-vector. Sum σ(n @ D)[:, None] * negative_vecs over axis 0 (or write σ(n @ D) @ "
         "negative_vecs); you returned one row per noise word.")
def _pv_dbow_no_sum(doc_vec, target_vec, negative_vecs, lr):
    D, t = np.asarray(doc_vec, dtype=np.float64), np.asarray(target_vec, dtype=np.float64)
    n = np.asarray(negative_vecs, dtype=np.float64)
    grad = -(1.0 - _sigmoid(D @ t)) * t + _sigmoid(n @ D)[:, None] * n       # (k, d): no sum
    return D - lr * grad


@mistake("06.pv_dbow_step", "The negative words are missing: the gradient has a term for each of "
         "them, + Σ_j σ(D·n_j) n_j, which pushes D away from the noise words.")
def _pv_dbow_no_negatives(doc_vec, target_vec, negative_vecs, lr):
    D, t = np.asarray(doc_vec, dtype=np.float64), np.asarray(target_vec, dtype=np.float64)
    return D + lr * (1.0 - _sigmoid(D @ t)) * t


@mistake("06.pv_dbow_step", "Each noise word must be weighted by ITS OWN σ(D·n_j): "
         "Σ_j σ(D·n_j) n_j, not (Σ_j σ(D·n_j)) * (Σ_j n_j). Use σ(n @ D) @ negative_vecs.")
def _pv_dbow_sum_of_products(doc_vec, target_vec, negative_vecs, lr):
    D, t = np.asarray(doc_vec, dtype=np.float64), np.asarray(target_vec, dtype=np.float64)
    n = np.asarray(negative_vecs, dtype=np.float64)
    grad = -(1.0 - _sigmoid(D @ t)) * t + _sigmoid(n @ D).sum() * n.sum(axis=0)
    return D - lr * grad


@mistake("06.pv_dbow_step", "The target term uses σ(D·t) instead of 1 - σ(D·t): the derivative "
         "of -log σ(s) is -(1 - σ(s)), which vanishes once the target word is predicted well.")
def _pv_dbow_pos_sigmoid(doc_vec, target_vec, negative_vecs, lr):
    D, t = np.asarray(doc_vec, dtype=np.float64), np.asarray(target_vec, dtype=np.float64)
    n = np.asarray(negative_vecs, dtype=np.float64)
    grad = -_sigmoid(D @ t) * t + _sigmoid(n @ D) @ n
    return D - lr * grad
