"""embedlab.search against faiss.IndexFlatIP, on random vectors, on GloVe and on ties.

Each comparison is a function that answers True or False for any search function, so
that the same check is shown to reject realistic wrong versions (forgetting to
normalise, merging chunks wrongly, ties broken the other way): a check that a broken
search also passes would prove nothing.
"""
from __future__ import annotations

import faiss
import numpy as np
import pytest
import torch

from embedlab import search
from embedlab.validate import InputError

N, Q, D = 300, 25, 16        # Q >= 20: faiss takes its BLAS path, as it does for real query batches
CPU = "cpu"                  # faiss runs on the CPU; test_gpu_results_equal_cpu_results checks the GPU


@pytest.fixture(scope="module")
def random_data():
    """Queries and corpus rows of very different lengths, so that cosine and dot rank differently."""
    rng = np.random.default_rng(0)
    corpus = rng.standard_normal((N, D)).astype(np.float32) * rng.uniform(0.1, 10, (N, 1)).astype(np.float32)
    queries = rng.standard_normal((Q, D)).astype(np.float32)
    return queries, corpus


@pytest.fixture(scope="module")
def glove():
    """GloVe 6B-50d: 1,000 frequent words as the corpus, 31 less frequent ones as queries."""
    from embedlab.corpus import load_glove

    vectors, _ = load_glove(2_000)
    return vectors[1_000:2_000:33].copy(), vectors[:1_000].copy()


@pytest.fixture(scope="module")
def ties():
    """A corpus of 20 distinct rows, each repeated ~10 times: copies of a row score exactly the same.

    Returns queries, corpus and the exact (Q, N) cosines (computed per distinct row in
    float64, so copies tie exactly in the reference too). The distinct rows' cosines are
    at least 1e-5 apart for every query, so only copies tie, and float32 rounding cannot
    reorder anything else.
    """
    rng = np.random.default_rng(1)
    base = rng.standard_normal((20, 8)).astype(np.float32)
    group = rng.integers(0, 20, size=200)
    queries = rng.standard_normal((30, 8)).astype(np.float32)
    unit = lambda x: x / np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)  # noqa: E731
    per_row = unit(queries) @ unit(base).T
    assert np.diff(np.sort(per_row, axis=1), axis=1).min() > 1e-5
    return queries, base[group], per_row[:, group]


@pytest.fixture(scope="module")
def integer_ties():
    """Small integer vectors, repeated: dot products are whole numbers, exact in float32, with
    ties between copies and between different rows (many are 0). Queries, corpus, exact dots."""
    rng = np.random.default_rng(2)
    corpus = rng.integers(-3, 4, size=(20, 8)).astype(np.float32)[rng.integers(0, 20, size=200)]
    queries = rng.integers(-3, 4, size=(30, 8)).astype(np.float32)
    return queries, corpus, queries.astype(np.int64) @ corpus.astype(np.int64).T


def faiss_cosine(queries, corpus, k):
    """What a faiss user writes for cosine search: normalise both, then IndexFlatIP."""
    q, c = np.array(queries, dtype=np.float32), np.array(corpus, dtype=np.float32)   # normalize_L2 is in place
    faiss.normalize_L2(q)
    faiss.normalize_L2(c)
    index = faiss.IndexFlatIP(c.shape[1])
    index.add(c)
    return index.search(q, k)


def _numpy(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def agrees_with_faiss(search_fn, queries, corpus, k, near_tie=0.0) -> bool:
    """True if ``search_fn(queries, corpus, k)`` returns faiss' indices, and scores within 1e-5.

    near_tie: where two different vectors' exact (float64) cosines differ by no more than
    this, float32 rounding may put them in either order; 0 demands faiss' order everywhere.
    """
    D_faiss, I_faiss = faiss_cosine(queries, corpus, k)
    scores, ids = (_numpy(x) for x in search_fn(queries, corpus, k))
    if scores.shape != D_faiss.shape or ids.shape != I_faiss.shape:
        return False
    if scores.dtype != np.float32 or ids.dtype != np.int64:
        return False
    if not np.allclose(scores, D_faiss, rtol=0, atol=1e-5):
        return False
    if any(len(set(row)) != k for row in ids.tolist()):          # each vector at most once per query
        return False
    differ = ids != I_faiss
    if near_tie == 0:
        return not differ.any()
    unit = lambda x: x / np.linalg.norm(x.astype(np.float64), axis=1, keepdims=True)  # noqa: E731
    exact = unit(queries) @ unit(corpus).T
    rows = np.nonzero(differ)[0]
    return bool(np.all(np.abs(exact[rows, ids[differ]] - exact[rows, I_faiss[differ]]) <= near_tie))


def lower_index_first(search_fn, queries, corpus, exact, k) -> bool:
    """True if the results are the exact ranking, equal scores lower index first."""
    scores, ids = (_numpy(x) for x in search_fn(queries, corpus, k))
    expected = np.array([np.lexsort((np.arange(len(row)), -row)) for row in exact])[:, :k]
    return ids.shape == expected.shape and bool((ids == expected).all())


# ---------------------------------------------------------------------------
# The same results as faiss
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("chunk_size", [1, 7, N, N + 5, None])
@pytest.mark.parametrize("k", [1, 10, N])
def test_cosine_topk_equals_faiss_on_random_data(random_data, chunk_size, k):
    fn = lambda q, c, k: search.cosine_topk(q, c, k, chunk_size=chunk_size, device=CPU)  # noqa: E731
    assert agrees_with_faiss(fn, *random_data, k)


@pytest.mark.parametrize("chunk_size", [1, 7, 1_000, 1_001])
@pytest.mark.parametrize("k", [1, 10, 1_000])
def test_cosine_topk_equals_faiss_on_glove(glove, chunk_size, k):
    fn = lambda q, c, k: search.cosine_topk(q, c, k, chunk_size=chunk_size, device=CPU)  # noqa: E731
    # The top 10 are far apart and come out exactly as faiss' (checked without slack);
    # deep in a ranking of all 1,000 words some cosines differ by less than float32 can tell,
    # and faiss (OpenBLAS) and torch round differently: with torch 2.13 and faiss 1.15, 6 of
    # the 31,000 places swap two words whose float64 cosines are 1.2e-7 apart at most.
    assert agrees_with_faiss(fn, *glove, k, near_tie=0.0 if k <= 10 else 1e-6)


@pytest.mark.parametrize("chunk_size", [1, 7, N + 5])
def test_dot_topk_equals_faiss_indexflatip(random_data, chunk_size):
    queries, corpus = random_data
    index = faiss.IndexFlatIP(D)
    index.add(corpus)
    D_faiss, I_faiss = index.search(queries, 10)
    scores, ids = search.dot_topk(queries, corpus, 10, chunk_size=chunk_size, device=CPU)
    assert (ids.numpy() == I_faiss).all()
    np.testing.assert_allclose(scores.numpy(), D_faiss, rtol=1e-6, atol=1e-4)   # raw scores reach ~100


def test_torch_and_float64_inputs_give_the_same_results(random_data):
    queries, corpus = random_data
    expected = search.cosine_topk(queries, corpus, 5, device=CPU)
    for q, c in [(torch.from_numpy(queries), torch.from_numpy(corpus)),
                 (queries.astype(np.float64), corpus.astype(np.float64))]:
        scores, ids = search.cosine_topk(q, c, 5, device=CPU)
        assert scores.dtype == torch.float32 and ids.dtype == torch.int64
        assert torch.equal(ids, expected[1])
        torch.testing.assert_close(scores, expected[0])


def test_no_queries_give_empty_results(random_data):
    scores, ids = search.cosine_topk(np.zeros((0, D), np.float32), random_data[1], 3, device=CPU)
    assert scores.shape == ids.shape == (0, 3)


# ---------------------------------------------------------------------------
# Ties: lower index first, whatever the chunk size
# ---------------------------------------------------------------------------
def test_tiny_tie_example():
    corpus = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    scores, ids = search.cosine_topk(np.array([[1.0, 0.0]], dtype=np.float32), corpus, 3, chunk_size=1, device=CPU)
    assert ids.tolist() == [[1, 2, 3]] and scores.tolist() == [[1.0, 1.0, 1.0]]
    scores, ids = search.dot_topk(np.array([[1.0, 0.0]], dtype=np.float32), corpus, 3, device=CPU)
    assert ids.tolist() == [[1, 2, 3]] and scores.tolist() == [[2.0, 1.0, 1.0]]


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 200, 1_000])
@pytest.mark.parametrize("k", [1, 5, 37, 200])
def test_ties_come_lower_index_first(ties, chunk_size, k):
    queries, corpus, exact = ties
    fn = lambda q, c, k: search.cosine_topk(q, c, k, chunk_size=chunk_size, device=CPU)  # noqa: E731
    assert lower_index_first(fn, queries, corpus, exact, k)


@pytest.mark.parametrize("chunk_size", [1, 7, 1_000])
@pytest.mark.parametrize("k", [1, 5, 200])
def test_exact_integer_ties_come_lower_index_first(integer_ties, chunk_size, k):
    queries, corpus, exact = integer_ties
    fn = lambda q, c, k: search.dot_topk(q, c, k, chunk_size=chunk_size, device=CPU)  # noqa: E731
    assert lower_index_first(fn, queries, corpus, exact, k)


def test_ties_scores_equal_faiss(ties):
    """faiss gives the same scores; which of several equal ones comes first it does not promise."""
    queries, corpus, _ = ties
    D_faiss, _ = faiss_cosine(queries, corpus, 50)
    scores, _ = search.cosine_topk(queries, corpus, 50, chunk_size=7, device=CPU)
    np.testing.assert_allclose(scores.numpy(), D_faiss, rtol=0, atol=1e-6)


# ---------------------------------------------------------------------------
# Realistic wrong versions: the checks above reject each of them
# ---------------------------------------------------------------------------
def _chunk_loop(queries, corpus, k, chunk_size, merge, offset=True):
    """A chunked search as a learner might write it, with the merge given."""
    q, c = search.normalize(queries), search.normalize(corpus)
    best_s, best_i = torch.empty(len(q), 0), torch.empty(len(q), 0, dtype=torch.int64)
    for start in range(0, len(c), chunk_size):
        s, i = (q @ c[start:start + chunk_size].T).topk(min(k, len(c[start:start + chunk_size])), dim=1)
        best_s, best_i = merge(best_s, best_i, s, i + start if offset else i, k)
    return best_s, best_i


def _merge_right(best_s, best_i, s, i, k):
    all_s, all_i = torch.cat([best_s, s], 1), torch.cat([best_i, i], 1)
    top_s, order = all_s.topk(min(k, all_s.shape[1]), dim=1)
    return top_s, all_i.gather(1, order)


def _merge_without_sorting(best_s, best_i, s, i, k):     # keeps the first k found, not the best k
    return torch.cat([best_s, s], 1)[:, :k], torch.cat([best_i, i], 1)[:, :k]


WRONG_SEARCHES = {
    "forgot to normalise (dot product)": lambda q, c, k: search.dot_topk(q, c, k, device=CPU),
    "normalised the corpus only": lambda q, c, k: search.dot_topk(q, search.normalize(c), k, device=CPU),
    "chunk's indices without its offset": lambda q, c, k: _chunk_loop(q, c, k, 7, _merge_right, offset=False),
    "merged chunks without re-ranking": lambda q, c, k: _chunk_loop(q, c, k, 7, _merge_without_sorting),
}


def test_the_chunk_loop_written_right_passes(random_data):
    """The wrong versions below differ from this one in the one line that names them."""
    assert agrees_with_faiss(lambda q, c, k: _chunk_loop(q, c, k, 7, _merge_right), *random_data, 10)


@pytest.mark.parametrize("name", list(WRONG_SEARCHES))
def test_the_faiss_check_rejects_wrong_versions(random_data, glove, name):
    wrong = WRONG_SEARCHES[name]
    assert not agrees_with_faiss(wrong, *random_data, 10)
    assert not agrees_with_faiss(wrong, *glove, 10, near_tie=1e-6)


def test_the_tie_check_rejects_other_tie_orders(ties, integer_ties):
    queries, corpus, exact = ties

    def plain_topk(q, c, k):                 # torch.topk promises no order among equal values
        return (search.normalize(q) @ search.normalize(c).T).topk(k, dim=1)

    def reversed_ascending_sort(q, c, k):    # a stable ascending sort, reversed: ties higher index first
        s = (search.normalize(q) @ search.normalize(c).T).numpy()
        i = np.argsort(s, axis=1, kind="stable")[:, ::-1][:, :k]
        return np.take_along_axis(s, i, 1), i

    assert lower_index_first(lambda q, c, k: search.cosine_topk(q, c, k, device=CPU), queries, corpus, exact, 200)
    assert not lower_index_first(plain_topk, queries, corpus, exact, 200)
    assert not lower_index_first(reversed_ascending_sort, queries, corpus, exact, 200)
    # And with dot products on integer vectors, where different rows tie too.
    queries, corpus, exact = integer_ties
    plain_dot = lambda q, c, k: torch.from_numpy(q @ c.T).topk(k, dim=1)  # noqa: E731
    assert not lower_index_first(plain_dot, queries, corpus, exact, 200)
    assert not lower_index_first(plain_dot, queries, corpus, exact, 5)


# ---------------------------------------------------------------------------
# normalize
# ---------------------------------------------------------------------------
def test_normalize_gives_unit_rows_and_keeps_zero_rows():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [-1e-3, 0.0]], dtype=np.float32)
    unit = search.normalize(x)
    assert unit.dtype == torch.float32 and isinstance(unit, torch.Tensor)
    assert unit.tolist() == [[0.6000000238418579, 0.800000011920929], [0.0, 0.0], [-1.0, 0.0]]
    assert search.normalize(torch.ones(2, 2, dtype=torch.float64)).dtype == torch.float64
    # A zero vector has cosine 0 with everything (not NaN).
    scores, _ = search.cosine_topk(x[1:2], x, 3, device=CPU)
    assert scores.tolist() == [[0.0, 0.0, 0.0]]


def test_normalize_equals_faiss_normalize_l2(random_data):
    corpus = random_data[1].copy()
    ours = search.normalize(corpus).numpy()
    faiss.normalize_L2(corpus)
    np.testing.assert_allclose(ours, corpus, rtol=0, atol=1e-6)


# ---------------------------------------------------------------------------
# ExactIndex, side by side with faiss
# ---------------------------------------------------------------------------
def test_exact_index_searches_as_faiss_indexflatip(random_data):
    queries, corpus = random_data
    ours = search.ExactIndex(D, device=CPU)
    theirs = faiss.IndexFlatIP(D)
    for part in (corpus[:100], corpus[100:]):                 # added in two calls
        ours.add(part)
        unit = part.copy()
        faiss.normalize_L2(unit)
        theirs.add(unit)
    q = queries.copy()
    faiss.normalize_L2(q)
    D_faiss, I_faiss = theirs.search(q, 10)
    D_ours, I_ours = ours.search(queries, 10)
    assert isinstance(D_ours, np.ndarray) and D_ours.dtype == np.float32 and I_ours.dtype == np.int64
    assert (I_ours == I_faiss).all()
    np.testing.assert_allclose(D_ours, D_faiss, rtol=0, atol=1e-5)
    assert len(ours) == ours.ntotal == theirs.ntotal == N
    assert ours.memory_bytes == N * D * 4


def test_exact_index_dot_metric_is_indexflatip(random_data):
    queries, corpus = random_data
    ours = search.ExactIndex(D, metric="dot", chunk_size=7, device=CPU)
    ours.add(corpus)
    theirs = faiss.IndexFlatIP(D)
    theirs.add(corpus)
    assert (ours.search(queries, 5)[1] == theirs.search(queries, 5)[1]).all()


def test_exact_index_returns_given_ids(random_data):
    queries, corpus = random_data
    ids = np.arange(N, dtype=np.int64) * 10 + 7
    index = search.ExactIndex(D, device=CPU)
    index.add(corpus[:150], ids=ids[:150])
    index.add(corpus[150:], ids=ids[150:])
    _, I = index.search(queries, 4)
    _, expected = search.cosine_topk(queries, corpus, 4, device=CPU)
    assert (I == ids[expected.numpy()]).all()
    assert index.memory_bytes == N * D * 4 + N * 8
    with pytest.raises(InputError, match="ids on every call"):
        index.add(corpus[:2])
    index.reset()
    assert len(index) == 0 and index.memory_bytes == 0


def test_exact_index_errors():
    index = search.ExactIndex(4, device=CPU)
    with pytest.raises(InputError, match="empty"):
        index.search(np.ones((1, 4), np.float32), 1)
    with pytest.raises(InputError, match="3 dimensions but the index holds 4"):
        index.add(np.ones((2, 3), np.float32))
    with pytest.raises(InputError, match="ids must be 2 whole numbers"):
        index.add(np.ones((2, 4), np.float32), ids=[1.5, 2.5])
    with pytest.raises(InputError, match="metric must be 'cosine' or 'dot'"):
        search.ExactIndex(4, metric="l2", device=CPU)
    index.add(np.ones((2, 4), np.float32))
    with pytest.raises(InputError, match="k=3 but the corpus holds only 2"):
        index.search(np.ones((1, 4), np.float32), 3)


# ---------------------------------------------------------------------------
# One sentence for each bad input
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("queries, corpus, k, message", [
    (np.ones((2, 3)), np.ones((5, 4)), 1, "queries have 3 dimensions but the corpus has 4"),
    (np.ones((2, 4)), np.ones((5, 4)), 6, "k=6 but the corpus holds only 5 vectors"),
    (np.ones((2, 4)), np.ones((0, 4)), 1, "the corpus is empty"),
    (np.ones((2, 4)), np.array([[1, 2, 3, np.nan]] * 5), 1, "corpus has NaN or infinite values in 5 of 5 rows"),
    (np.array([[np.inf, 0, 0, 0]]), np.ones((5, 4)), 1, "queries has NaN or infinite values in 1 of 1 rows"),
    (np.ones(4), np.ones((5, 4)), 1, r"v\[None\]"),
    (np.ones((2, 4)), np.ones((5, 4)), 0, "k must be a whole number >= 1"),
    (np.ones((2, 4)), np.ones((5, 4)), 2.0, "k must be a whole number >= 1"),
    (np.ones((2, 4)), "some text", 1, "corpus must be a 2-D array"),
])
def test_bad_input_is_one_sentence(queries, corpus, k, message):
    with pytest.raises(InputError, match=message) as caught:
        search.cosine_topk(queries, corpus, k, device=CPU)
    text = str(caught.value)
    assert text.endswith(".") and "\n" not in text and text.count(". ") == 0    # one sentence
    assert isinstance(caught.value, ValueError)


def test_bad_chunk_size_is_one_sentence():
    with pytest.raises(InputError, match="chunk_size must be a whole number >= 1"):
        search.dot_topk(np.ones((1, 2)), np.ones((3, 2)), 1, chunk_size=0, device=CPU)


@pytest.mark.gpu
def test_gpu_results_equal_cpu_results(glove, ties):
    from embedlab.device import device as best_device

    dev = best_device()
    for queries, corpus in (glove, ties[:2]):
        cpu_scores, cpu_ids = search.cosine_topk(queries, corpus, 10, device="cpu")
        gpu_scores, gpu_ids = search.cosine_topk(queries, corpus, 10, chunk_size=7, device=dev)
        assert gpu_ids.device.type == dev.type
        torch.testing.assert_close(gpu_scores.cpu(), cpu_scores, rtol=0, atol=1e-5)
        assert torch.equal(gpu_ids.cpu(), cpu_ids)
