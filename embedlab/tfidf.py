"""Lesson 01, symbols to vectors: one-hot, bag of words, TF-IDF, cosine similarity, search.

The references of notebook 01's exercises (``check(fn)`` grades yours against them),
short enough to read, and a small library afterwards::

    docs = [tokenize(text) for text in texts]           # list of lists of words
    vocab = column_index(docs)                          # {"a": 0, "about": 1, ...}
    X = tfidf(bag_of_words(docs, vocab))                # (n_docs, V) float64, rows of length 1
    query = bag_of_words([["marriage"]], vocab)[0]      # (V,) counts; one word needs no idf
    top = search(query, X, k=5)                         # row indices, best first

Conventions (scikit-learn's, so that results can be compared): one row per document or
token, one column per vocabulary word, columns in alphabetical order of the words.

The notebook's derivation exercise, the gradient of the cosine with respect to one
vector (``"01.cosine_grad"``), has no formula here: it is graded by differentiating
``cosine_similarity_matrix`` numerically. The exercises' cases, the realistic wrong
answers that ``check`` recognises and the hints live in ``embedlab/exercises/lesson01.py``.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

import numpy as np


__all__ = [
    "bag_of_words",
    "column_index",
    "cosine_similarity_matrix",
    "one_hot",
    "search",
    "tfidf",
    "tokenize",
]

# A word is a run of letters a-z, optionally followed by one apostrophe part, so that
# "don't" and "devil's" stay whole words. Digits and punctuation separate words and are
# dropped. Letters outside a-z (e.g. "é") also split words: fine for English text.
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def tokenize(text: str) -> list[str]:
    """Split ``text`` into lowercase words.

    >>> tokenize("Marriage, n. The state or condition of a community...")
    ['marriage', 'n', 'the', 'state', 'or', 'condition', 'of', 'a', 'community']

    Lowercasing first makes "The" and "the" the same word. The pattern is
    ``[a-z]+(?:'[a-z]+)?``: letters, optionally with one apostrophe inside ("don't").
    """
    # Typographic apostrophes become plain ones so that "don’t" and "don't" match.
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def column_index(docs_tokens: Iterable[Sequence[str]], min_count: int = 1) -> dict[str, int]:
    """The vocabulary as ``{word: column}``: every word seen at least ``min_count`` times.

    docs_tokens: a list of documents, each a list of words (from ``tokenize``).
    Returns a dict mapping each word to its column, 0..V-1, in alphabetical order of the
    words, so the same documents always give the same columns (the same as
    scikit-learn's ``CountVectorizer.vocabulary_``). Not to be confused with
    ``embedlab.word2vec.build_vocab``, which sorts by frequency and returns counts.
    """
    counts = Counter(word for doc in docs_tokens for word in doc)
    words = sorted(w for w, c in counts.items() if c >= min_count)
    return {w: i for i, w in enumerate(words)}


# ---------------------------------------------------------------------------
# Exercise 01.one_hot
# ---------------------------------------------------------------------------


def one_hot(tokens: Sequence[str], vocab: dict[str, int]) -> np.ndarray:
    """One row per token, with a single 1 in the column of that token's word.

    tokens: list of n_tokens words. vocab: ``{word: column}`` with V entries.
    Returns an (n_tokens, V) float64 array. A token that is not in ``vocab``
    gets an all-zero row: the model has no column for it, and inventing one
    (or borrowing column 0) would claim it is some other word.
    """
    out = np.zeros((len(tokens), len(vocab)), dtype=np.float64)
    for row, token in enumerate(tokens):
        col = vocab.get(token)  # None for unknown tokens: leave their row at zero
        if col is not None:
            out[row, col] = 1.0
    return out


# ---------------------------------------------------------------------------
# Exercise 01.bag_of_words
# ---------------------------------------------------------------------------


def bag_of_words(docs_tokens: Sequence[Sequence[str]], vocab: dict[str, int]) -> np.ndarray:
    """Count how often each vocabulary word occurs in each document.

    docs_tokens: list of n_docs documents, each a list of words. vocab: V entries.
    Returns an (n_docs, V) int64 array of counts; words not in ``vocab`` are ignored.
    Row d is the sum of the one-hot rows of document d: word order is thrown away.
    """
    counts = np.zeros((len(docs_tokens), len(vocab)), dtype=np.int64)
    for row, doc in enumerate(docs_tokens):
        for token in doc:
            col = vocab.get(token)
            if col is not None:
                counts[row, col] += 1
    return counts


# ---------------------------------------------------------------------------
# Exercise 01.tfidf
# ---------------------------------------------------------------------------


def tfidf(counts: np.ndarray) -> np.ndarray:
    """TF-IDF weights, exactly as scikit-learn's ``TfidfTransformer()`` computes them.

    counts: (n_docs, V) array of word counts (ints or floats), e.g. from ``bag_of_words``.
    Returns an (n_docs, V) float64 array: counts times idf, each row scaled to length 1.

    idf = ln((1 + n_docs) / (1 + df)) + 1, where df is the number of documents that
    contain the word. The "1 +" inside act as one extra document that contains every
    word, so a word in no document gets a finite idf; the "+ 1" outside keeps words
    that occur in every document (idf would be 0) from vanishing altogether.
    An all-zero row (an empty document) stays all zeros.
    """
    counts = np.asarray(counts, dtype=np.float64)
    n_docs = counts.shape[0]
    df = (counts > 0).sum(axis=0)                    # (V,) documents containing each word
    idf = np.log((1 + n_docs) / (1 + df)) + 1        # (V,) natural log
    weights = counts * idf                           # broadcasts idf over the rows
    norms = np.linalg.norm(weights, axis=1, keepdims=True)  # (n_docs, 1)
    # Divide only where the norm is non-zero: an empty document stays a zero row, not NaN.
    return np.divide(weights, norms, out=np.zeros_like(weights), where=norms > 0)


def _l2_rows(x: np.ndarray) -> np.ndarray:
    """Each row of the 2-D float array x divided by its L2 norm; all-zero rows stay zero."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)



# ---------------------------------------------------------------------------
# Exercise 01.cosine_similarity
# ---------------------------------------------------------------------------


def cosine_similarity_matrix(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Cosine of the angle between every row of A and every row of B.

    A: (n, d), B: (m, d). Returns an (n, m) float64 array with values in [-1, 1]:
    entry (i, j) is A[i] . B[j] / (|A[i]| |B[j]|). A zero vector has no direction;
    like scikit-learn, its similarity to anything is 0 rather than NaN.
    """
    A = _l2_rows(np.asarray(A, dtype=np.float64))  # unit-length rows (zero rows stay zero)
    B = _l2_rows(np.asarray(B, dtype=np.float64))
    return A @ B.T                                 # (n, d) @ (d, m) -> (n, m) dot products


# ---------------------------------------------------------------------------
# Exercise 01.search
# ---------------------------------------------------------------------------


def search(query_vec: np.ndarray, doc_matrix: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` documents most similar (by cosine) to the query, best first.

    query_vec: (V,) vector. doc_matrix: (n_docs, V) (e.g. TF-IDF rows). k: how many.
    Returns an int64 array of min(k, n_docs) row indices, like slicing a list:
    asking for more documents than there are returns all of them, ranked.
    Equal scores keep their original order (lower index first), so results are
    reproducible; an all-zero query scores 0 everywhere and returns 0, 1, 2, ...
    """
    scores = cosine_similarity_matrix(np.asarray(query_vec)[None, :], doc_matrix)[0]  # (n_docs,)
    # Sorting -scores ranks the best first; a stable sort keeps ties in index order.
    order = np.argsort(-scores, kind="stable")
    return order[:k]


