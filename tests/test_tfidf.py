"""Lesson 01 (embedlab.tfidf): the references agree with scikit-learn (and the numerical
grader of the cosine gradient with torch's autograd), and answers written differently
from the catalogue are graded right.

Every registered mistake failing with its own hint is tested once, for every exercise, in
tests/test_check.py.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

import embedlab
from embedlab import check
from embedlab.check import get_exercise
from embedlab.exercises.lesson01 import cosine_grad as numerical_cosine_grad
from embedlab.tfidf import (
    bag_of_words,
    column_index,
    cosine_similarity_matrix,
    one_hot,
    search,
    tfidf,
    tokenize,
)

EXERCISES = ["01.one_hot", "01.bag_of_words", "01.tfidf", "01.cosine_similarity", "01.cosine_grad",
             "01.search"]


@pytest.fixture(scope="module")
def devils():
    from embedlab.data import load_devils_dictionary

    entries = load_devils_dictionary()
    texts = [f"{word} {definition}" for word, definition in entries]
    return entries, texts


def _random_counts(seed, n_docs=40, n_words=120):
    rng = np.random.default_rng(seed)
    counts = rng.poisson(0.4, size=(n_docs, n_words))
    counts[rng.integers(0, n_docs)] = 0         # an empty document
    counts[:, rng.integers(0, n_words)] = 0      # a word in no document
    counts[:, rng.integers(0, n_words)] += 1     # a word in every document
    return counts


# ---------------------------------------------------------------------------
# tokenize and column_index
# ---------------------------------------------------------------------------
def test_tokenize_lowercases_and_keeps_apostrophes():
    assert tokenize("Marriage, n. The state -- of 2 DON'T don’t!") == [
        "marriage", "n", "the", "state", "of", "don't", "don't"]
    assert tokenize("") == []
    assert tokenize("... 123 !") == []


def test_column_index_is_sorted_and_respects_min_count():
    docs = [["the", "cat"], ["the", "dog", "dog"], []]
    assert column_index(docs) == {"cat": 0, "dog": 1, "the": 2}
    assert column_index(docs, min_count=2) == {"dog": 0, "the": 1}
    assert column_index([]) == {}
    assert list(column_index(docs[::-1])) == list(column_index(docs))


def test_one_name_one_contract():
    # The TF-IDF vocabulary ({word: column}, alphabetical) has its own name; build_vocab is
    # word2vec's (frequency-sorted words and their counts).
    import embedlab.tfidf

    assert not hasattr(embedlab.tfidf, "build_vocab")


# ---------------------------------------------------------------------------
# Agreement with scikit-learn
# ---------------------------------------------------------------------------
def test_bag_of_words_matches_countvectorizer_on_real_data(devils):
    _, texts = devils
    docs = [tokenize(t) for t in texts]
    vocab = column_index(docs)
    counts = bag_of_words(docs, vocab)
    cv = CountVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None)
    expected = cv.fit_transform(texts)
    assert cv.vocabulary_ == vocab
    assert counts.dtype == np.int64
    np.testing.assert_array_equal(counts, expected.toarray())


def test_one_hot_rows_add_up_to_bag_of_words():
    docs = [tokenize("the dog saw the cat, the cat saw nothing"), tokenize("a unicorn")]
    vocab = column_index(docs[:1])
    for doc, row in zip(docs, bag_of_words(docs, vocab)):
        oh = one_hot(doc, vocab)
        assert oh.shape == (len(doc), len(vocab)) and oh.dtype == np.float64
        np.testing.assert_array_equal(oh.sum(axis=0), row)
    assert one_hot([], vocab).shape == (0, len(vocab))


@pytest.mark.parametrize("seed", range(5))
def test_tfidf_matches_tfidftransformer_on_random_counts(seed):
    counts = _random_counts(seed)
    expected = TfidfTransformer().fit_transform(counts).toarray()
    got = tfidf(counts)
    assert got.dtype == np.float64 and got.shape == counts.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert not np.isnan(got).any()


def test_tfidf_matches_tfidfvectorizer_on_real_data(devils):
    _, texts = devils
    docs = [tokenize(t) for t in texts]
    vocab = column_index(docs)
    vec = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None)
    expected = vec.fit_transform(texts).toarray()
    assert vec.vocabulary_ == vocab
    np.testing.assert_allclose(tfidf(bag_of_words(docs, vocab)), expected, rtol=1e-12, atol=1e-12)


def test_tfidf_accepts_float_counts_and_does_not_mutate():
    counts = _random_counts(0).astype(float)
    before = counts.copy()
    np.testing.assert_allclose(tfidf(counts), TfidfTransformer().fit_transform(counts).toarray())
    np.testing.assert_array_equal(counts, before)


@pytest.mark.parametrize("seed", range(3))
def test_cosine_matches_sklearn_including_zero_rows(seed):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(13, 7)), rng.normal(size=(5, 7))
    A[3] = 0
    B[1] = 0
    got = cosine_similarity_matrix(A, B)
    np.testing.assert_allclose(got, cosine_similarity(A, B), atol=1e-12)
    assert got.shape == (13, 5) and np.all(got[3] == 0) and np.all(got[:, 1] == 0)


def test_search_ranks_by_sklearn_cosine_with_stable_ties(devils):
    _, texts = devils
    vec = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None)
    X = vec.fit_transform(texts).toarray()
    q = vec.transform(["marriage"]).toarray()[0]
    scores = cosine_similarity(q[None], X)[0]
    got = search(q, X, 10)
    np.testing.assert_array_equal(got, np.argsort(-scores, kind="stable")[:10])
    assert np.all(np.diff(scores[got]) <= 0)
    # Four entries contain "marriage", so ranks 5.. are score-0 ties in index order.
    assert (scores > 0).sum() == 4
    np.testing.assert_array_equal(got[4:], np.flatnonzero(scores == 0)[:6])


def test_search_edge_cases():
    docs = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(search(np.array([1.0, 1.0]), docs, 10), [2, 3, 0, 1])
    np.testing.assert_array_equal(search(np.zeros(2), docs, 3), [0, 1, 2])
    assert search(np.array([1.0, 0.0]), docs, 0).shape == (0,)
    assert search(np.array([1.0, 0.0]), docs, 2).dtype.kind == "i"


# ---------------------------------------------------------------------------
# The exercises: references pass, mistakes fail with their hint
# ---------------------------------------------------------------------------
def test_all_lesson_exercises_are_registered():
    names = {ex: get_exercise(ex).name for ex in EXERCISES}
    assert names == {"01.one_hot": "one_hot", "01.bag_of_words": "bag_of_words", "01.tfidf": "tfidf",
                     "01.cosine_similarity": "cosine_similarity_matrix", "01.cosine_grad": "cosine_grad",
                     "01.search": "search"}
    assert sorted(i for i in embedlab.list_exercises() if i.startswith("01.")) == sorted(EXERCISES)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_passes_its_check(exercise_id):
    ex = get_exercise(exercise_id)
    result = check(ex.reference, exercise_id, quiet=True)
    assert result.passed and result.score == 1.0, result.message
    # Fixed edge cases and seeded random cases: the same on every call.
    labels = [c.label for c in ex.make_cases()]
    assert len(labels) >= 6 and labels == [c.label for c in ex.make_cases()]


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_reference_found_by_name(exercise_id):
    ex = get_exercise(exercise_id)
    assert check(ex.reference, quiet=True).passed


# ---------------------------------------------------------------------------
# Wrong (and right) answers that are not in the catalogue
# ---------------------------------------------------------------------------
def test_all_zeros_fails_with_generic_hint():
    result = check(lambda counts: np.zeros(np.shape(counts)), "01.tfidf", quiet=True)
    assert result.status == "failed" and "all zeros" in result.hint


def test_stub_is_not_implemented():
    def search(query_vec, doc_matrix, k):
        raise NotImplementedError("search: not implemented yet")

    assert check(search, quiet=True).status == "not implemented"


def test_float32_tfidf_passes():
    def tfidf32(counts):
        return tfidf(counts).astype(np.float32)

    assert check(tfidf32, "01.tfidf", quiet=True).passed


def test_torch_outputs_pass():
    def cos_torch(A, B):
        A, B = torch.as_tensor(A, dtype=torch.float32), torch.as_tensor(B, dtype=torch.float32)
        A = torch.nn.functional.normalize(A, dim=1)   # zero rows stay zero (eps in the norm)
        B = torch.nn.functional.normalize(B, dim=1)
        return A @ B.T

    def search_torch(query_vec, doc_matrix, k):
        return torch.from_numpy(search(query_vec, doc_matrix, k))

    assert check(cos_torch, "01.cosine_similarity", quiet=True).passed
    assert check(search_torch, "01.search", quiet=True).passed


def test_other_correct_styles_pass():
    def one_hot_eye(tokens, vocab):
        rows = np.zeros((len(tokens), len(vocab)), dtype=int)   # ints are fine for 0/1
        for i, t in enumerate(tokens):
            if t in vocab:
                rows[i] = np.eye(len(vocab), dtype=int)[vocab[t]]
        return rows

    def bow_float(docs_tokens, vocab):
        return np.array([one_hot(doc, vocab).sum(axis=0) for doc in docs_tokens]).reshape(
            len(docs_tokens), len(vocab))

    def search_list(query_vec, doc_matrix, k):
        return [int(i) for i in search(query_vec, doc_matrix, k)]

    def tfidf_sklearn(counts):
        return TfidfTransformer().fit_transform(counts)   # a scipy sparse matrix

    def tfidf_frequencies(counts):
        # Term frequencies instead of counts: the row normalisation cancels the difference.
        counts = np.asarray(counts, dtype=float)
        lengths = counts.sum(axis=1, keepdims=True)
        return tfidf(np.divide(counts, lengths, out=np.zeros_like(counts), where=lengths > 0))

    assert check(one_hot_eye, "01.one_hot", quiet=True).passed
    assert check(bow_float, "01.bag_of_words", quiet=True).passed
    assert check(search_list, "01.search", quiet=True).passed
    assert check(tfidf_sklearn, "01.tfidf", quiet=True).passed
    assert check(tfidf_frequencies, "01.tfidf", quiet=True).passed


def test_mutating_the_input_fails():
    def cosine_in_place(A, B):
        for X in (A, B):
            norms = np.linalg.norm(X, axis=1, keepdims=True)
            np.divide(X, norms, out=X, where=norms > 0)       # overwrites the caller's data
        return A @ B.T

    result = check(cosine_in_place, "01.cosine_similarity", quiet=True)
    assert result.status == "failed" and "changed its input" in result.hint


def test_unstable_sort_on_ties_is_caught():
    def search_reverse_slice(query_vec, doc_matrix, k):
        scores = cosine_similarity_matrix(np.asarray(query_vec)[None], doc_matrix)[0]
        return np.argsort(scores)[::-1][:k]

    result = check(search_reverse_slice, "01.search", quiet=True)
    assert result.status == "failed" and "Ties" in result.hint


def test_one_hot_without_unknown_handling_names_the_cause():
    def one_hot(tokens, vocab):
        out = np.zeros((len(tokens), len(vocab)))
        for i, t in enumerate(tokens):
            out[i, vocab[t]] = 1
        return out

    result = check(one_hot, quiet=True)
    assert result.status == "failed" and "vocab.get" in result.hint

# ---------------------------------------------------------------------------
# 01.cosine_grad: a derivation, graded by central differences
# ---------------------------------------------------------------------------
def _autograd_cosine_grad(a, b):
    ta = torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
    tb = torch.tensor(np.asarray(b, dtype=np.float64))
    torch.nn.functional.cosine_similarity(ta, tb, dim=0).backward()
    return ta.grad.numpy()


def test_numerical_grader_matches_autograd_on_every_case():
    for case in get_exercise("01.cosine_grad").make_cases():
        got = numerical_cosine_grad(*case.args)
        assert got.dtype == np.float64 and got.shape == np.shape(case.args[0])
        np.testing.assert_allclose(got, _autograd_cosine_grad(*case.args), rtol=1e-6, atol=1e-8,
                                   err_msg=case.label)


def test_the_cosine_grader_is_numerical_not_a_formula():
    import inspect

    assert "numerical_gradients(_cosine" in inspect.getsource(numerical_cosine_grad)


def _analytic(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return b / (na * nb) - (a @ b) / (na * nb) * a / na ** 2


def test_analytic_cosine_gradients_pass():
    def cosine_grad(a, b):
        return _analytic(a, b)

    assert check(cosine_grad, quiet=True).passed

    def cosine_grad(a, b):  # noqa: F811 - torch autograd in float32: also right
        ta = torch.tensor(np.asarray(a, dtype=np.float32), requires_grad=True)
        tb = torch.as_tensor(np.asarray(b, dtype=np.float32))
        torch.nn.functional.cosine_similarity(ta, tb, dim=0).backward()
        return ta.grad

    assert check(cosine_grad, quiet=True).passed


def test_cosine_gradient_properties_on_tfidf_rows(devils):
    # What notebook 01 reads in the result: perpendicular to a, 0 when a and b are
    # aligned, and a small step along it raises the cosine.
    _, texts = devils
    X = TfidfVectorizer(tokenizer=tokenize, lowercase=False, token_pattern=None).fit_transform(texts).toarray()
    used = np.flatnonzero((X[10] != 0) | (X[20] != 0))
    a, b = X[10, used], X[20, used] + 0.1 * X[10, used]
    g = numerical_cosine_grad(a, b)
    assert abs(a @ g) < 1e-8
    np.testing.assert_allclose(numerical_cosine_grad(a, 3 * a), 0, atol=1e-8)

    def cos(x):
        return cosine_similarity(x[None], b[None])[0, 0]

    assert cos(a + 0.01 * g) > cos(a)


@pytest.mark.parametrize("wrong,words", [
    (lambda a, b: np.asarray(b, dtype=float) / (np.linalg.norm(a) * np.linalg.norm(b)), "constant"),
    (lambda a, b: 2 * np.asarray(b, dtype=float) / (np.linalg.norm(a) * np.linalg.norm(b)) - _analytic(a, b),
     "wrong sign"),
    (lambda a, b: _analytic(b, a), "with respect to b"),
    (lambda a, b: np.linalg.norm(a) * _analytic(a, b), "factor |a|"),
], ids=["norm-constant", "plus", "wrt-b", "unit-vectors"])
def test_wrong_cosine_derivations_written_differently_get_their_hint(wrong, words):
    result = check(wrong, "01.cosine_grad", quiet=True)
    assert result.status == "failed" and words in result.hint, result.message


def test_tfidf_mistakes_are_the_reference_with_one_part_swapped():
    # With no part swapped, the mistakes' common skeleton must be the reference itself,
    # or a mistake could differ from the reference in two ways at once.
    from embedlab.exercises.lesson01 import _tfidf_parts
    counts = np.array([[2, 0, 1], [0, 0, 0], [1, 3, 0], [0, 1, 1]])
    np.testing.assert_allclose(_tfidf_parts(counts), tfidf(counts), rtol=1e-12)
