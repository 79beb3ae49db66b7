"""Exercises of lesson 01 (symbols to vectors): one-hot, bag of words, TF-IDF, cosine, search.

Each exercise has its cases (edge cases first, then seeded random ones), the realistic
wrong answers whose hints name the exact error, and 2-3 progressive hints for
``embedlab.hint``. The references are in ``embedlab/tfidf.py``, except the one of the
derivation exercise ``01.cosine_grad``, which is no formula: it differentiates
``tfidf.cosine_similarity_matrix`` numerically, so the answer stays the learner's to derive.
"""
from __future__ import annotations

import numpy as np

from embedlab import tfidf
from embedlab.check import Case, exercise, mistake
from embedlab.gradcheck import numerical_gradients
from embedlab.tfidf import _l2_rows, cosine_similarity_matrix


# ---------------------------------------------------------------------------
# 01.one_hot
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


exercise("01.one_hot", tfidf.one_hot, cases=_one_hot_cases, hints=[
    "Each token becomes one row of the result, and each vocabulary word owns one column: "
    "`vocab[word]` is its number. Which single entry of a token's row is 1, and what is left "
    "for a token that has no column?",
    "Start from a matrix of zeros with one row per token and one column per vocabulary word. "
    "Then visit the tokens together with their row numbers (`enumerate`) and put a 1 where the "
    "token's row meets its word's column. A token that is not in the vocabulary leaves its row "
    "all zeros.",
    "Create the zeros with `np.zeros`, shape (number of tokens, size of the vocabulary). In a "
    "loop over `enumerate(tokens)`, `vocab.get(token)` gives the column, or `None` for an unknown "
    "word: test it with `is not None`, because column 0 is a real column. Set that row and "
    "column to 1.0.",
])


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


# ---------------------------------------------------------------------------
# 01.bag_of_words
# ---------------------------------------------------------------------------
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


exercise("01.bag_of_words", tfidf.bag_of_words, cases=_bag_of_words_cases, hints=[
    "A document's vector is the sum of the one-hot rows of its words: entry $j$ counts how often "
    "word $j$ occurs in the document. Word order plays no part.",
    "One row per document and one column per vocabulary word, all starting at zero. For every "
    "word of every document, add 1 in that document's row and that word's column. Words that "
    "are not in the vocabulary are skipped, and an empty document keeps a row of zeros.",
    "Create the zeros with `np.zeros((number of documents, size of the vocabulary), dtype=int)`. "
    "Loop over `enumerate(docs_tokens)` and, inside, over the words of that document; "
    "`vocab.get(word)` gives the column or `None` (skip it); add 1 with `+=`, so that repeated "
    "words are counted.",
])


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


# ---------------------------------------------------------------------------
# 01.tfidf
# ---------------------------------------------------------------------------
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


exercise("01.tfidf", tfidf.tfidf, cases=_tfidf_cases, hints=[
    "Follow the formulas of the text in order: how many documents contain each word (its "
    "document frequency $\\mathrm{df}$), one idf weight per word from that, each count times "
    "its word's weight, and finally every row scaled to length 1.",
    "Document frequency counts documents, not occurrences: a word used 3 times in a single "
    "document has df 1. `counts > 0` is a True/False matrix of the same shape; summing it down "
    "the columns (over the documents: axis 0) gives df, one number per word. $n$ is the number "
    "of documents, the number of rows. The idf vector, shape (V,), multiplies the (n_docs, V) "
    "counts row by row through broadcasting.",
    "The steps: a float array (`np.asarray(counts, dtype=float)`), and new arrays from there on "
    "(an in-place `*=` would change the caller's counts); "
    "df from `(counts > 0).sum(axis=0)`; idf with `np.log`, the natural logarithm, and the two "
    "ones of the formula; multiply; then divide each row by its L2 norm "
    "(`np.linalg.norm(..., axis=1, keepdims=True)`), but only where the norm is non-zero: "
    "`np.divide` with `out=np.zeros_like(...)` and `where=norms > 0` does that.",
])


def _tfidf_parts(counts, log=np.log, n=None, df=None, smooth=True, plus_one=True, normalise=_l2_rows):
    """TF-IDF with one part swapped: with the defaults it is the reference, so each mistake
    below differs from it in exactly the one part its hint names."""
    counts = np.asarray(counts, dtype=float)
    n = counts.shape[0] if n is None else n
    df = (counts > 0).sum(axis=0) if df is None else df
    with np.errstate(all="ignore"):
        idf = log((1 + n) / (1 + df) if smooth else n / df) + (1 if plus_one else 0)
        return normalise(counts * idf)


def _l1_rows(x):
    sums = np.abs(x).sum(axis=1, keepdims=True)
    return np.divide(x, sums, out=np.zeros_like(x), where=sums > 0)


@mistake("01.tfidf", "This is the unsmoothed IDF, ln(n / df) + 1. scikit-learn's default "
         "(smooth_idf=True) adds one to both counts: idf = ln((1 + n) / (1 + df)) + 1.")
def _tfidf_unsmoothed(counts):
    return _tfidf_parts(counts, smooth=False)


@mistake("01.tfidf", "The '+ 1' after the logarithm is missing, so a word that occurs in every "
         "document gets weight 0: use idf = ln((1 + n) / (1 + df)) + 1.")
def _tfidf_no_plus_one(counts):
    return _tfidf_parts(counts, plus_one=False)


@mistake("01.tfidf", "The IDF uses log base 10 (np.log10); TF-IDF as scikit-learn defines it "
         "uses the natural logarithm, np.log.")
def _tfidf_log10(counts):
    return _tfidf_parts(counts, log=np.log10)


@mistake("01.tfidf", "The IDF uses log base 2 (np.log2); TF-IDF as scikit-learn defines it "
         "uses the natural logarithm, np.log.")
def _tfidf_log2(counts):
    return _tfidf_parts(counts, log=np.log2)


@mistake("01.tfidf", "Document frequency counts documents, not occurrences: use "
         "df = (counts > 0).sum(axis=0), not counts.sum(axis=0).")
def _tfidf_df_from_counts(counts):
    return _tfidf_parts(counts, df=np.asarray(counts, dtype=float).sum(axis=0))


@mistake("01.tfidf", "n in the IDF is the number of documents, counts.shape[0] (rows), "
         "not the vocabulary size counts.shape[1].")
def _tfidf_n_is_vocab(counts):
    return _tfidf_parts(counts, n=np.shape(counts)[1])


# Counting df along axis=1 (one value per document) gives exactly this output too: a
# constant factor per row cancels in the L2 normalisation. This hint covers both.
@mistake("01.tfidf", "The IDF has no effect: idf must be one value per word (column), "
         "df = (counts > 0).sum(axis=0), and the counts multiplied by it before normalising.")
def _tfidf_no_idf(counts):
    return _l2_rows(np.asarray(counts, dtype=float))


@mistake("01.tfidf", "The rows are not normalised: divide each row by its L2 norm, "
         "np.linalg.norm(x, axis=1, keepdims=True), so every document vector has length 1.")
def _tfidf_no_norm(counts):
    return _tfidf_parts(counts, normalise=lambda x: x)


@mistake("01.tfidf", "You normalised the columns (axis=0); normalise each document, i.e. each "
         "row: np.linalg.norm(x, axis=1, keepdims=True).")
def _tfidf_norm_columns(counts):
    return _tfidf_parts(counts, normalise=lambda x: _l2_rows(x.T).T)


@mistake("01.tfidf", "The rows are scaled to sum 1 (L1 norm); scikit-learn's default is the L2 "
         "norm: divide by np.sqrt((x ** 2).sum(axis=1, keepdims=True)).")
def _tfidf_l1(counts):
    return _tfidf_parts(counts, normalise=_l1_rows)


@mistake("01.tfidf", "An empty document has norm 0, and 0 / 0 gives NaN: divide only where the "
         "norm is non-zero and leave the other rows at 0.")
def _tfidf_nan_rows(counts):
    return _tfidf_parts(counts, normalise=lambda x: x / np.linalg.norm(x, axis=1, keepdims=True))


# ---------------------------------------------------------------------------
# 01.cosine_similarity
# ---------------------------------------------------------------------------
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


exercise("01.cosine_similarity", tfidf.cosine_similarity_matrix, cases=_cosine_cases, hints=[
    "The cosine only cares about directions. Once every row of A and every row of B has length "
    "1, the cosine of two rows is simply their dot product.",
    "Scale each row to length 1: divide it by its L2 norm, and leave all-zero rows at zero (as "
    "`tfidf` does). Then all n × m dot products at once are one matrix product: an (n, d) "
    "matrix times a (d, m) matrix gives (n, m).",
    "Row norms: `np.linalg.norm(X, axis=1, keepdims=True)` has shape (n, 1), so dividing "
    "broadcasts along each row. Guard the zero rows with `np.divide(X, norms, "
    "out=np.zeros_like(X), where=norms > 0)`, for A and for B (as float arrays, new ones: do "
    "not overwrite the inputs), then multiply the normalised A by the transpose (`.T`) of the "
    "normalised B with `@`.",
])


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


# ---------------------------------------------------------------------------
# 01.search
# ---------------------------------------------------------------------------
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


exercise("01.search", tfidf.search, cases=_search_cases, rtol=0.0, atol=1e-6, hints=[
    "Score every document against the query with the cosine (you have written that function), "
    "rank the documents by score, best first, and keep the first k of the ranking.",
    "You need the documents' positions (row indices) in order of decreasing score, not the "
    "sorted scores. `np.argsort` gives positions in *ascending* order; sorting the negated scores "
    "puts the best first, and a *stable* sort keeps equal scores in index order (NumPy's "
    "default sort does not promise that). `cosine_similarity_matrix` takes matrices: the query "
    "of shape (V,) becomes a (1, V) matrix, and row 0 of the result holds the scores.",
    "`query_vec[None, :]` is the (1, V) query; `cosine_similarity_matrix(...)[0]` the (n_docs,) "
    "scores; `np.argsort(-scores, kind=\"stable\")` the ranking. Slicing its first k entries also "
    "handles k = 0 and k larger than the number of documents.",
])


def _cos_scores(query_vec, doc_matrix):
    return cosine_similarity_matrix(np.asarray(query_vec)[None, :], doc_matrix)[0]


@mistake("01.search", "The ranking is ascending, so the least similar documents come first: "
         "sort by the negated scores (or reverse the order stably) to put the best first.")
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
         "stable on long arrays. Ask argsort for a stable sort, so that ties keep the lower index first.")
def _search_unstable(query_vec, doc_matrix, k):
    return np.argsort(-_cos_scores(query_vec, doc_matrix))[:k]


@mistake("01.search", "Ties come out in reverse order: reversing an ascending sort "
         "(argsort(scores)[::-1]) also reverses equal scores. Sort the negated scores with a "
         "stable sort instead, so that ties keep the lower index first.")
def _search_reversed_ties(query_vec, doc_matrix, k):
    return np.argsort(_cos_scores(query_vec, doc_matrix), kind="stable")[::-1][:k]


# ---------------------------------------------------------------------------
# 01.cosine_grad (a derivation, graded numerically)
# ---------------------------------------------------------------------------
def _cosine(a, b) -> float:
    """cos(a, b) of two 1-D vectors, by the reference ``cosine_similarity_matrix``."""
    return float(cosine_similarity_matrix(np.asarray(a)[None, :], np.asarray(b)[None, :])[0, 0])


def cosine_grad(a, b) -> np.ndarray:
    """The gradient of cos(a, b) with respect to ``a``, by central differences.

    The grader of the derivation exercise: no formula (that would be the answer), but the
    definition of the derivative applied to ``tfidf.cosine_similarity_matrix``, in float64.
    a, b: non-zero 1-D arrays of the same length d. Returns a float64 array of shape (d,).
    """
    return numerical_gradients(_cosine, (a, b), wrt=[0])[0]


def _cosine_grad_cases(rng: np.random.Generator) -> list[Case]:
    # No zero vector: the cosine has no direction to differentiate there.
    cases = [
        Case((np.array([1.0, 0.0]), np.array([1.0, 1.0])), label="45 degrees apart"),
        Case((np.array([2.0, 0.0]), np.array([0.0, 3.0])), label="perpendicular vectors: cos = 0"),
        Case((np.array([1.0, 2.0]), np.array([2.0, 4.0])), label="the same direction: cos = 1, its maximum"),
        Case((np.array([1.0, 2.0]), np.array([-1.0, -2.0])), label="opposite directions: cos = -1, its minimum"),
        Case((np.array([10.0, 0.0]), np.array([1.0, 1.0])), label="a ten times longer than in the first case"),
        Case((np.array([1.0, 0.0]), np.array([100.0, 100.0])), label="b a hundred times longer"),
        Case((np.array([1.0, 2.0, 2.0]), np.array([2.0, 0.0, 1.0])), label="three dimensions"),
        Case((np.array([1, 0, 3]), np.array([2, 2, 0])), label="integer entries"),
    ]
    for i in range(4):
        dim = int(rng.integers(3, 50))
        cases.append(Case((float(rng.uniform(0.5, 5.0)) * rng.standard_normal(dim),
                           float(rng.uniform(0.5, 5.0)) * rng.standard_normal(dim)),
                          label=f"random vectors {i + 1} ({dim} dims)"))
    counts = _random_counts(rng, 2, 40).astype(float) + np.eye(2, 40)   # no all-zero row
    cases.append(Case((counts[0], counts[1]), label="two count vectors, as in bag of words"))
    return cases


# Central differences in float64 are good to about 1e-10 here, far below what any mistake gets wrong.
exercise("01.cosine_grad", cosine_grad, cases=_cosine_grad_cases, rtol=1e-5, atol=1e-7, hints=[
    "The cosine is a quotient, $\\cos(a, b) = \\frac{a \\cdot b}{\\lVert a \\rVert\\, \\lVert b \\rVert}$, "
    "and when $a$ moves, both the dot product and the length $\\lVert a \\rVert$ change "
    "($\\lVert b \\rVert$ is a constant). Differentiate it as a product, "
    "$(a \\cdot b) \\times \\lVert a \\rVert^{-1}$ divided by $\\lVert b \\rVert$.",
    "The pieces: $\\nabla_a (a \\cdot b) = b$, and from notebook 00, "
    "$\\nabla_a \\lVert a \\rVert = a / \\lVert a \\rVert$, so by the chain rule "
    "$\\nabla_a \\lVert a \\rVert^{-1} = -a / \\lVert a \\rVert^3$. Combine them with the product rule, "
    "then write the result using $\\cos(a, b)$. Sanity check: the gradient is 0 when "
    "$b = 2a$, where the cosine is at its maximum.",
    "The result has two terms: $b$ divided by both lengths, minus $\\cos(a, b)$ times $a$ divided "
    "by $\\lVert a \\rVert^2$. In NumPy: float arrays, the two lengths (`np.linalg.norm`), the "
    "cosine from `a @ b`, then one line for the gradient, an array of shape (d,) like $a$.",
])


def _cos_parts(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return a, b, na, nb, a @ b / (na * nb)


@mistake("01.cosine_grad", "You treated |a| as a constant: b / (|a| |b|) is only the derivative of "
         "the numerator. The length of a changes when a moves, and its derivative adds a second "
         "term (the gradient should be 0 when b = 2a, where cos is at its maximum).")
def _cosine_grad_norm_constant(a, b):
    a, b, na, nb, _ = _cos_parts(a, b)
    return b / (na * nb)


@mistake("01.cosine_grad", "You returned b, the gradient of the dot product a . b. The cosine also "
         "divides by both lengths, and |a| changes with a: differentiate the quotient.")
def _cosine_grad_dot_only(a, b):
    return np.asarray(b, dtype=float).copy()


@mistake("01.cosine_grad", "The second term has the wrong power of |a|: the derivative of 1/|a| "
         "is -a/|a|^3, so the term is cos(a, b) * a / |a|^2, not cos(a, b) * a / |a|.")
def _cosine_grad_wrong_power(a, b):
    a, b, na, nb, cos = _cos_parts(a, b)
    return b / (na * nb) - cos * a / na


@mistake("01.cosine_grad", "The second term has the wrong sign: the derivative of 1/|a| is "
         "negative (-a/|a|^3), so the cos(a, b) * a / |a|^2 term is subtracted.")
def _cosine_grad_plus(a, b):
    a, b, na, nb, cos = _cos_parts(a, b)
    return b / (na * nb) + cos * a / na ** 2


@mistake("01.cosine_grad", "That is the gradient with respect to b (the roles of a and b are "
         "swapped). Differentiate with respect to a, the first argument; b stays fixed.")
def _cosine_grad_wrt_b(a, b):
    a, b, na, nb, cos = _cos_parts(a, b)
    return a / (na * nb) - cos * b / nb ** 2


@mistake("01.cosine_grad", "Off by a factor |a|: b/|b| - cos(a, b) a/|a| is the gradient with "
         "respect to the unit vector a/|a|. Moving a itself turns it |a| times more slowly: "
         "divide by |a|.")
def _cosine_grad_unit_vectors(a, b):
    a, b, na, nb, cos = _cos_parts(a, b)
    return b / nb - cos * a / na


@mistake("01.cosine_grad", "The second term lacks its factor cos(a, b): the derivative of 1/|a| "
         "is multiplied by the dot product a . b (divided by |b|), which makes it "
         "cos(a, b) * a / |a|^2.")
def _cosine_grad_no_cos(a, b):
    a, b, na, nb, _ = _cos_parts(a, b)
    return b / (na * nb) - a / na ** 2
