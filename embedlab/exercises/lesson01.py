"""Exercises of lesson 01: case generators, registered mistakes and hints."""
from __future__ import annotations

import numpy as np
from embedlab.check import Case, exercise, mistake
from embedlab import tfidf
from embedlab.tfidf import _l2_rows, cosine_similarity_matrix


# ---------------------------------------------------------------------------
# embedlab/tfidf.py
# ---------------------------------------------------------------------------


def _one_hot_cases(rng: np.random.Generator) -> list[Case]:
    vocab = {"cat": 0, "dog": 1, "fish": 2, "the": 3}
    cases = [
        Case((["the", "cat"], vocab), label="two words"),
        Case((["dog", "the", "dog"], vocab), label="a repeated word gives identical rows"),
        Case((["the", "unicorn", "cat"], vocab), label="'unicorn' is not in the vocabulary"),
        Case(([], vocab), label="no tokens: shape (0, V)"),
    ]
    words = [f"w{i:03d}" for i in range(200)]
    for n_tokens, size in [(12, 30), (60, 200)]:
        vocab = {w: i for i, w in enumerate(words[:size])}
        # A few tokens come from outside the vocabulary, as they do in real text.
        pool = words[:size] + ["xyz", "qqq"]
        tokens = [pool[i] for i in rng.integers(0, len(pool), n_tokens)]
        cases.append(Case((tokens, vocab), label=f"{n_tokens} random tokens, V={size}"))
    return cases


exercise("01.one_hot", tfidf.one_hot, cases=_one_hot_cases, hints=[])


@mistake("01.one_hot", "A token that is not in the vocabulary should give an all-zero row, "
         "not raise: look it up with vocab.get(token) and skip the row when it is None.")
def _one_hot_keyerror(tokens, vocab):
    out = np.zeros((len(tokens), len(vocab)))
    for row, token in enumerate(tokens):
        out[row, vocab[token]] = 1.0
    return out


@mistake("01.one_hot", "`if vocab.get(token):` is False for the word in column 0 (0 is falsy), so "
         "that word gets an all-zero row. Test `col is not None` (or `token in vocab`) instead.")
def _one_hot_falsy_zero(tokens, vocab):
    out = np.zeros((len(tokens), len(vocab)))
    for row, token in enumerate(tokens):
        if vocab.get(token):
            out[row, vocab[token]] = 1.0
    return out


@mistake("01.one_hot", "The matrix is transposed: one_hot has one ROW per token and one column "
         "per vocabulary word, so create np.zeros((len(tokens), len(vocab))).")
def _one_hot_transposed(tokens, vocab):
    out = np.zeros((len(vocab), len(tokens)))
    for col, token in enumerate(tokens):
        if token in vocab:
            out[vocab[token], col] = 1.0
    return out


@mistake("01.one_hot", "vocab.get(token, 0) puts unknown tokens in column 0, so they look like "
         "the first vocabulary word. Leave their row all zeros instead.")
def _one_hot_unknown_first(tokens, vocab):
    out = np.zeros((len(tokens), len(vocab)))
    for row, token in enumerate(tokens):
        out[row, vocab.get(token, 0)] = 1.0
    return out


@mistake("01.one_hot", "vocab.get(token, -1) followed by out[row, -1] = 1 puts unknown tokens in "
         "the LAST column (index -1 counts from the end). Skip unknown tokens instead.")
def _one_hot_unknown_last(tokens, vocab):
    out = np.zeros((len(tokens), len(vocab)))
    for row, token in enumerate(tokens):
        out[row, vocab.get(token, -1)] = 1.0
    return out


@mistake("01.one_hot", "You returned one vector for the whole token list (the sum of the "
         "one-hot rows: that is the bag of words of the next exercise). Return one row per token.")
def _one_hot_summed(tokens, vocab):
    out = np.zeros(len(vocab))
    for token in tokens:
        if token in vocab:
            out[vocab[token]] += 1.0
    return out


def _bag_of_words_cases(rng: np.random.Generator) -> list[Case]:
    vocab = {"cat": 0, "dog": 1, "sat": 2, "the": 3}
    cases = [
        Case(([["the", "cat", "sat"], ["the", "dog"]], vocab), label="two short documents"),
        Case(([["the", "dog", "saw", "the", "cat"], ["dog", "dog", "dog"]], vocab),
             label="repeated words are counted; 'saw' is not in the vocabulary"),
        Case(([["the", "cat"], [], ["cat"]], vocab), label="an empty document gives a zero row"),
        Case(([["cat", "the", "cat"]], vocab), label="a single document"),
        Case(([], vocab), label="no documents: shape (0, V)"),
    ]
    words = [f"w{i:03d}" for i in range(300)]
    for n_docs, size in [(8, 40), (50, 300)]:
        vocab = {w: i for i, w in enumerate(words[:size])}
        pool = words[:size] + ["oov"]
        # Zipf-like draws: a few frequent words, many rare ones, as in real text.
        p = 1.0 / np.arange(1, len(pool) + 1)
        p /= p.sum()
        docs = [[pool[i] for i in rng.choice(len(pool), size=int(rng.integers(0, 30)), p=p)]
                for _ in range(n_docs)]
        cases.append(Case((docs, vocab), label=f"{n_docs} random documents, V={size}"))
    return cases


exercise("01.bag_of_words", tfidf.bag_of_words, cases=_bag_of_words_cases, hints=[])


@mistake("01.bag_of_words", "A word that is not in the vocabulary should be ignored, not raise: "
         "look it up with vocab.get(token) and skip it when the result is None.")
def _bag_of_words_keyerror(docs_tokens, vocab):
    counts = np.zeros((len(docs_tokens), len(vocab)))
    for row, doc in enumerate(docs_tokens):
        for token in doc:
            counts[row, vocab[token]] += 1
    return counts


@mistake("01.bag_of_words", "You recorded whether a word occurs (1 or 0) instead of how many "
         "times: use counts[row, col] += 1, not = 1.")
def _bag_of_words_binary(docs_tokens, vocab):
    counts = np.zeros((len(docs_tokens), len(vocab)))
    for row, doc in enumerate(docs_tokens):
        for token in doc:
            if token in vocab:
                counts[row, vocab[token]] = 1
    return counts


@mistake("01.bag_of_words", "The matrix is transposed: one ROW per document and one column per "
         "vocabulary word, i.e. np.zeros((len(docs_tokens), len(vocab))).")
def _bag_of_words_transposed(docs_tokens, vocab):
    counts = np.zeros((len(vocab), len(docs_tokens)))
    for col, doc in enumerate(docs_tokens):
        for token in doc:
            if token in vocab:
                counts[vocab[token], col] += 1
    return counts


@mistake("01.bag_of_words", "You divided by the document length: return the raw counts. "
         "(TF-IDF normalises later, and an empty document would give 0/0 = NaN here.)")
def _bag_of_words_frequencies(docs_tokens, vocab):
    counts = np.zeros((len(docs_tokens), len(vocab)))
    for row, doc in enumerate(docs_tokens):
        for token in doc:
            if token in vocab:
                counts[row, vocab[token]] += 1
        counts[row] /= len(doc)
    return counts


@mistake("01.bag_of_words", "vocab.get(token, -1) counts unknown words in the LAST column "
         "(index -1 counts from the end). Skip words that are not in the vocabulary.")
def _bag_of_words_unknown_last(docs_tokens, vocab):
    counts = np.zeros((len(docs_tokens), len(vocab)))
    for row, doc in enumerate(docs_tokens):
        for token in doc:
            counts[row, vocab.get(token, -1)] += 1
    return counts


def _random_counts(rng: np.random.Generator, n_docs: int, n_words: int) -> np.ndarray:
    """Sparse, Zipf-like integer counts: most entries 0, frequent words in many rows."""
    rate = 3.0 / np.arange(1, n_words + 1) ** 0.8
    counts = rng.poisson(rate, size=(n_docs, n_words)).astype(np.int64)
    return counts[:, rng.permutation(n_words)]  # frequent words are not all on the left


def _tfidf_cases(rng: np.random.Generator) -> list[Case]:
    # Column 0 occurs in every document; column 1 twice in one document (so counts and
    # document frequency differ); columns 2 and 3 in one document each.
    small = np.array([[1, 2, 0, 1],
                      [1, 0, 1, 0],
                      [3, 0, 0, 0]])
    cases = [
        Case((small,), label="3 documents, 'word 0' in all of them"),
        Case((np.array([[2, 1, 0], [0, 0, 0], [1, 0, 1]]),), label="an empty document (all-zero row)"),
        Case((np.array([[1, 0, 3, 1]]),), label="a single document"),
        Case((np.array([[1, 0, 2], [0, 0, 1]]),),
             label="word 1 occurs in no document (all-zero column)"),
    ]
    # Float counts (e.g. already scaled): an in-place `counts *= idf` would change the caller's array.
    cases.append(Case((small.astype(np.float64) * 0.5,), label="float counts: the input must stay unchanged"))
    for n_docs, n_words in [(20, 50), (200, 1000)]:
        cases.append(Case((_random_counts(rng, n_docs, n_words),),
                          label=f"random counts, {n_docs} documents, {n_words} words"))
    return cases


exercise("01.tfidf", tfidf.tfidf, cases=_tfidf_cases, hints=[])


@mistake("01.tfidf", "This is the unsmoothed IDF, ln(n / df) + 1. scikit-learn's default "
         "(smooth_idf=True) adds one to both counts: idf = ln((1 + n) / (1 + df)) + 1.")
def _tfidf_unsmoothed(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    return _l2_rows(counts * (np.log(counts.shape[0] / df) + 1))


@mistake("01.tfidf", "The '+ 1' after the logarithm is missing, so a word that occurs in every "
         "document gets weight 0: use idf = ln((1 + n) / (1 + df)) + 1.")
def _tfidf_no_plus_one(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    return _l2_rows(counts * np.log((1 + counts.shape[0]) / (1 + df)))


@mistake("01.tfidf", "The IDF uses log base 10 (np.log10); TF-IDF as scikit-learn defines it "
         "uses the natural logarithm, np.log.")
def _tfidf_log10(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    return _l2_rows(counts * (np.log10((1 + counts.shape[0]) / (1 + df)) + 1))


@mistake("01.tfidf", "The IDF uses log base 2 (np.log2); TF-IDF as scikit-learn defines it "
         "uses the natural logarithm, np.log.")
def _tfidf_log2(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    return _l2_rows(counts * (np.log2((1 + counts.shape[0]) / (1 + df)) + 1))


@mistake("01.tfidf", "Document frequency counts documents, not occurrences: use "
         "df = (counts > 0).sum(axis=0), not counts.sum(axis=0).")
def _tfidf_df_from_counts(counts):
    counts = np.asarray(counts, dtype=float)
    df = counts.sum(axis=0)
    return _l2_rows(counts * (np.log((1 + counts.shape[0]) / (1 + df)) + 1))


@mistake("01.tfidf", "n in the IDF is the number of documents, counts.shape[0] (rows), "
         "not the vocabulary size counts.shape[1].")
def _tfidf_n_is_vocab(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    return _l2_rows(counts * (np.log((1 + counts.shape[1]) / (1 + df)) + 1))


@mistake("01.tfidf", "The IDF has no effect: idf must be one value per word (column), "
         "df = (counts > 0).sum(axis=0), and the counts multiplied by it before normalising.")
def _tfidf_no_idf(counts):
    return _l2_rows(np.asarray(counts, dtype=float))


@mistake("01.tfidf", "The rows are not normalised: divide each row by its L2 norm, "
         "np.linalg.norm(x, axis=1, keepdims=True), so every document vector has length 1.")
def _tfidf_no_norm(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    return counts * (np.log((1 + counts.shape[0]) / (1 + df)) + 1)


@mistake("01.tfidf", "You normalised the columns (axis=0); normalise each document, i.e. each "
         "row: np.linalg.norm(x, axis=1, keepdims=True).")
def _tfidf_norm_columns(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    x = counts * (np.log((1 + counts.shape[0]) / (1 + df)) + 1)
    return _l2_rows(x.T).T


@mistake("01.tfidf", "The rows are scaled to sum 1 (L1 norm); scikit-learn's default is the L2 "
         "norm: divide by np.sqrt((x ** 2).sum(axis=1, keepdims=True)).")
def _tfidf_l1(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    x = counts * (np.log((1 + counts.shape[0]) / (1 + df)) + 1)
    sums = np.abs(x).sum(axis=1, keepdims=True)
    return np.divide(x, sums, out=np.zeros_like(x), where=sums > 0)


@mistake("01.tfidf", "An empty document has norm 0, and 0 / 0 gives NaN: divide only where the "
         "norm is non-zero, e.g. np.divide(x, norms, out=np.zeros_like(x), where=norms > 0).")
def _tfidf_nan_rows(counts):
    counts = np.asarray(counts, dtype=float)
    df = (counts > 0).sum(axis=0)
    x = counts * (np.log((1 + counts.shape[0]) / (1 + df)) + 1)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _cosine_cases(rng: np.random.Generator) -> list[Case]:
    a = np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0], [1.0, 1.0, 1.0]])
    b = np.array([[2.0, 0.0, 4.0], [1.0, 1.0, 0.0]])
    cases = [
        Case((a, b), label="3 vectors against 2"),
        Case((np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [3.0, 1.0], [-1.0, 2.0]])),
             label="zero vectors: their similarity is defined as 0"),
        Case((a, a), label="a matrix against itself: 1 on the diagonal"),
        Case((np.array([[3.0, -4.0]]), np.array([[-6.0, 8.0]])), label="opposite directions: -1"),
    ]
    for n, m, d in [(5, 4, 8), (60, 40, 300)]:
        cases.append(Case((rng.normal(size=(n, d)), rng.normal(size=(m, d))),
                          label=f"random vectors, ({n}, {d}) against ({m}, {d})"))
    cases.append(Case((_random_counts(rng, 30, 200).astype(float), _random_counts(rng, 7, 200).astype(float)),
                      label="sparse non-negative counts, with some empty rows"))
    return cases


exercise("01.cosine_similarity", tfidf.cosine_similarity_matrix, cases=_cosine_cases, hints=[])


@mistake("01.cosine_similarity", "This is the plain dot product A @ B.T: divide each row of A and "
         "of B by its L2 norm first, so that only the directions count, not the lengths.")
def _cosine_dot(A, B):
    return np.asarray(A, dtype=float) @ np.asarray(B, dtype=float).T


@mistake("01.cosine_similarity", "Only A is normalised: divide the rows of B by their norms too.")
def _cosine_only_a(A, B):
    return _l2_rows(np.asarray(A, dtype=float)) @ np.asarray(B, dtype=float).T


@mistake("01.cosine_similarity", "You normalised columns (axis=0): each vector is a ROW, so use "
         "np.linalg.norm(X, axis=1, keepdims=True).")
def _cosine_norm_columns(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    return _l2_rows(A.T).T @ _l2_rows(B.T)


@mistake("01.cosine_similarity", "This is the cosine distance 1 - cos; return the similarity itself.")
def _cosine_distance(A, B):
    return 1.0 - cosine_similarity_matrix(A, B)


@mistake("01.cosine_similarity", "A zero vector has norm 0 and 0 / 0 gives NaN: divide only where "
         "the norm is non-zero so zero vectors get similarity 0 (as scikit-learn does).")
def _cosine_nan(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    return (A / np.linalg.norm(A, axis=1, keepdims=True)) @ (B / np.linalg.norm(B, axis=1, keepdims=True)).T


def _search_cases(rng: np.random.Generator) -> list[Case]:
    docs = np.array([[1.0, 0.0, 0.0, 1.0],
                     [0.0, 1.0, 1.0, 0.0],
                     [5.0, 5.0, 0.0, 0.0],   # long document: large dot products, mediocre cosine
                     [1.0, 0.0, 0.0, 0.0],
                     [0.0, 0.0, 1.0, 1.0]])
    query = np.array([1.0, 0.0, 0.0, 0.8])
    dup = np.array([[0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 2.0, 1.0], [1.0, 1.0, 0.0], [1.0, 1.0, 0.0]])
    cases = [
        Case((query, docs, 3), label="top 3 of 5 documents"),
        Case((np.array([1.0, 1.0, 0.0]), dup, 3),
             label="documents 1, 3 and 4 are identical: ties go to the lower index first"),
        Case((query, docs, 1), label="k=1"),
        Case((query, docs, 8), label="k larger than the number of documents: all 5, ranked"),
        Case((np.zeros(4), docs, 2), label="all-zero query: every score is 0, so documents 0, 1"),
        Case((query, docs, 0), label="k=0: an empty result"),
    ]
    for n_docs, dim, k in [(30, 20, 5), (500, 300, 10)]:
        docs = rng.poisson(0.3, size=(n_docs, dim)).astype(float)
        cases.append(Case((rng.poisson(0.5, size=dim).astype(float), docs, k),
                          label=f"random counts, {n_docs} documents, k={k}"))
    # Many equal scores in a long array: NumPy's default sort (quicksort) reorders ties
    # there, so only a stable sort keeps the lower index first.
    protos = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    many = protos[rng.integers(0, 3, 300)]
    cases.append(Case((np.array([1.0, 0.5, 0.0]), many, 20),
                      label="300 documents with only 3 distinct scores: ties in index order"))
    return cases


exercise("01.search", tfidf.search, cases=_search_cases, rtol=0.0, atol=1e-6, hints=[])


def _cos_scores(query_vec, doc_matrix):
    return cosine_similarity_matrix(np.asarray(query_vec)[None, :], doc_matrix)[0]


@mistake("01.search", "The ranking is ascending, so the least similar documents come first: "
         "sort by -scores (np.argsort(-scores, kind='stable')) to put the best first.")
def _search_ascending(query_vec, doc_matrix, k):
    return np.argsort(_cos_scores(query_vec, doc_matrix), kind="stable")[:k]


@mistake("01.search", "You returned the similarity scores; return the document indices "
         "(the output of np.argsort), best first.")
def _search_scores(query_vec, doc_matrix, k):
    return np.sort(_cos_scores(query_vec, doc_matrix))[::-1][:k]


@mistake("01.search", "The documents are ranked by the dot product, which favours long "
         "documents: rank by cosine similarity (normalise the query and the rows first).")
def _search_dot(query_vec, doc_matrix, k):
    scores = np.asarray(doc_matrix, dtype=float) @ np.asarray(query_vec, dtype=float)
    return np.argsort(-scores, kind="stable")[:k]


@mistake("01.search", "Off by one: the best document (position 0 of the ranking) is skipped. "
         "Return order[:k], which starts at the top result.")
def _search_skip_first(query_vec, doc_matrix, k):
    return np.argsort(-_cos_scores(query_vec, doc_matrix), kind="stable")[1:k + 1]


@mistake("01.search", "Off by one: return exactly k indices, order[:k] (Python slices stop "
         "before the end index).")
def _search_k_plus_one(query_vec, doc_matrix, k):
    return np.argsort(-_cos_scores(query_vec, doc_matrix), kind="stable")[:k + 1]


@mistake("01.search", "Off by one: you return k-1 indices. order[:k] already holds k items "
         "(Python slices stop before the end index, and start at 0).")
def _search_k_minus_one(query_vec, doc_matrix, k):
    return np.argsort(-_cos_scores(query_vec, doc_matrix), kind="stable")[:max(k - 1, 0)]


@mistake("01.search", "Equal scores come out in a scrambled order: NumPy's default sort is not "
         "stable on long arrays. Use np.argsort(-scores, kind='stable') so ties keep the lower index first.")
def _search_unstable(query_vec, doc_matrix, k):
    return np.argsort(-_cos_scores(query_vec, doc_matrix))[:k]


@mistake("01.search", "Ties come out in reverse order: reversing an ascending sort "
         "(argsort(scores)[::-1]) also reverses equal scores. Use np.argsort(-scores, "
         "kind='stable')[:k] so that ties keep the lower index first.")
def _search_reversed_ties(query_vec, doc_matrix, k):
    return np.argsort(_cos_scores(query_vec, doc_matrix), kind="stable")[::-1][:k]
