"""embedlab.kmeans, embedlab.pq and embedlab.ivf against scikit-learn and faiss.

k-means from the same start equals scikit-learn's Lloyd iterations; IVF-Flat, PQ and
IVF-PQ given the same centroids and codebooks return what faiss' IndexIVFFlat, IndexPQ
and IndexIVFPQ return. Each comparison is also shown to fail for a realistic wrong
variant (probing one list fewer, slicing vectors the wrong way, forgetting the
centroid's score in IVF-PQ), so that passing it means something.
"""
from __future__ import annotations

import faiss
import numpy as np
import pytest
import torch
from sklearn.cluster import KMeans

from embedlab.ivf import IVFIndex
from embedlab.kmeans import assign, kmeans, objective
from embedlab.pq import PQIndex, ProductQuantizer
from embedlab.search import cosine_topk, normalize
from embedlab.validate import InputError

CPU = "cpu"


@pytest.fixture(scope="module")
def glove():
    """GloVe 6B-50d, unit length: 4,000 frequent words as the corpus, 40 rarer ones as queries."""
    from embedlab.corpus import load_glove

    vectors, _ = load_glove(6_000)
    unit = normalize(torch.tensor(vectors)).numpy()
    return unit[4_000:6_000:50].copy(), unit[:4_000].copy()


def same_results(D, I, Df, If, atol=1e-5) -> bool:
    """Equal scores, and equal ids wherever a score is not tied with its neighbour's.

    PQ codes make exact ties common (two words with the same codes score the same), and
    neither library promises an order among ties.
    """
    if D.shape != Df.shape or not np.allclose(D, Df, atol=atol, rtol=0):
        return False
    gaps = np.abs(np.diff(D, axis=1)) > atol                              # (Q, k-1)
    edge = np.ones((len(D), 1), dtype=bool)
    untied = np.concatenate([edge, gaps], axis=1) & np.concatenate([gaps, edge], axis=1)
    return bool(np.array_equal(I[untied], If[untied]))


# ---------------------------------------------------------------------------
# k-means
# ---------------------------------------------------------------------------
def test_kmeans_from_the_same_start_equals_scikit_learn(glove):
    _, x = glove
    init = x[:32].copy()
    ours = kmeans(x, 32, iterations=30, init=init, device=CPU)
    theirs = KMeans(32, init=init, n_init=1, max_iter=30, tol=0, algorithm="lloyd").fit(x)
    np.testing.assert_allclose(ours.numpy(), theirs.cluster_centers_, atol=1e-5)
    assert objective(x, ours) == pytest.approx(theirs.inertia_, rel=1e-5)
    # One iteration fewer is measurably different: the comparison can fail.
    assert np.abs(kmeans(x, 32, iterations=1, init=init, device=CPU).numpy() - theirs.cluster_centers_).max() > 1e-3


def test_kmeans_objective_is_as_good_as_faiss(glove):
    _, x = glove
    ours = [objective(x, kmeans(x, 64, iterations=20, seed=s, device=CPU)) for s in range(3)]
    theirs = []
    for s in range(3):
        km = faiss.Kmeans(x.shape[1], 64, niter=20, seed=s)
        km.train(x)
        theirs.append(objective(x, km.centroids))
    # Within 2% of each other's mean (seed to seed they differ by about 1%).
    assert abs(np.mean(ours) - np.mean(theirs)) < 0.02 * np.mean(theirs)
    assert np.mean(ours) < 0.8 * objective(x, x[:1])       # and far better than one centre


def test_kmeans_is_deterministic_and_fills_empty_clusters():
    x = np.concatenate([np.zeros((50, 2)), np.ones((50, 2))]).astype(np.float32)
    x[:, 0] += np.arange(100, dtype=np.float32) * 1e-3
    # Three starting centroids, one far from everything: it loses all its points at once.
    init = np.array([[0, 0], [1, 1], [100, 100]], dtype=np.float32)
    c = kmeans(x, 3, iterations=10, init=init, device=CPU)
    labels, _ = assign(x, c)
    assert torch.bincount(labels, minlength=3).min() > 0
    assert torch.equal(kmeans(x, 3, seed=4, device=CPU), kmeans(x, 3, seed=4, device=CPU))


def test_assign_matches_brute_force(glove):
    _, x = glove
    c = x[::97]
    labels, sq = assign(x, c)
    full = ((x[:, None, :] - c[None]) ** 2).sum(-1)
    assert np.array_equal(labels.numpy(), full.argmin(1))
    np.testing.assert_allclose(sq.numpy(), full.min(1), atol=1e-5)


@pytest.mark.parametrize("call, message", [
    (lambda: kmeans(np.ones((3, 2)), 5), "at least k=5"),
    (lambda: kmeans(np.ones(3), 1), "2-D array"),
    (lambda: kmeans(np.full((4, 2), np.nan), 2), "NaN"),
    (lambda: kmeans(np.ones((4, 2)), 2, init=np.ones((3, 2))), "init must hold"),
    (lambda: assign(np.ones((4, 2)), np.ones((2, 3))), "dimensions"),
])
def test_kmeans_bad_input_is_one_sentence(call, message):
    with pytest.raises(InputError, match=message):
        call()


# ---------------------------------------------------------------------------
# Product quantisation
# ---------------------------------------------------------------------------
def faiss_pq_with(ours: PQIndex, corpus: np.ndarray):
    index = faiss.IndexPQ(ours.d, ours.pq.m, ours.pq.nbits, faiss.METRIC_INNER_PRODUCT)
    faiss.copy_array_to_vector(ours.pq.codebooks.numpy().ravel(), index.pq.centroids)
    index.is_trained = True
    index.add(corpus)
    return index


@pytest.fixture(scope="module")
def pq_index(glove):
    _, corpus = glove
    index = PQIndex(50, m=10, nbits=8, device=CPU).train(corpus)
    index.add(corpus)
    return index


def test_pq_codes_equal_faiss(glove, pq_index):
    _, corpus = glove
    theirs = faiss_pq_with(pq_index, corpus)
    faiss_codes = faiss.vector_to_array(theirs.codes).reshape(len(corpus), 10)
    assert np.array_equal(pq_index.codes.numpy(), faiss_codes)


def test_pq_search_equals_faiss_indexpq(glove, pq_index):
    queries, corpus = glove
    Df, If = faiss_pq_with(pq_index, corpus).search(queries, 10)
    D, I = pq_index.search(queries, 10)
    assert same_results(D, I, Df, If)
    # Slicing the vectors the wrong way (every m-th number, not m contiguous runs) gives
    # other codes and other scores: the comparison notices.
    strided = PQIndex(50, m=10, device=CPU)
    strided.pq.codebooks = pq_index.pq.codebooks
    perm = np.arange(50).reshape(5, 10).T.ravel()
    strided.add(corpus[:, perm])
    assert not same_results(*strided.search(queries[:, perm], 10), Df, If)


def test_adc_equals_the_dot_product_with_the_decoded_vectors(glove, pq_index):
    queries, _ = glove
    decoded = pq_index.pq.decode(pq_index.codes)                       # (N, d)
    exact_on_decoded = torch.tensor(queries) @ decoded.T
    adc = pq_index.pq.adc(pq_index.pq.tables(queries), pq_index.codes)
    torch.testing.assert_close(adc, exact_on_decoded, atol=1e-5, rtol=0)
    l2 = pq_index.pq.adc(pq_index.pq.tables(queries, "l2"), pq_index.codes)
    torch.testing.assert_close(l2, torch.cdist(torch.tensor(queries), decoded) ** 2, atol=1e-4, rtol=0)


def test_pq_reconstruction_is_close_and_memory_is_m_bytes(glove, pq_index):
    _, corpus = glove
    err = ((pq_index.pq.decode(pq_index.codes).numpy() - corpus) ** 2).sum(1).mean()
    assert err < 0.35 * (corpus ** 2).sum(1).mean()                 # well under the vectors' own size
    assert pq_index.memory_bytes == 4_000 * 10 + 10 * 256 * 5 * 4
    # recall@10 of PQ search against exact search on these real vectors: far above chance.
    queries, _ = glove
    _, exact = cosine_topk(queries, corpus, 10)
    _, I = pq_index.search(queries, 10)
    hits = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, exact.numpy())])
    assert hits > 0.4


@pytest.mark.parametrize("call, message", [
    (lambda: ProductQuantizer(50, 7), "does not split"),
    (lambda: ProductQuantizer(50, 10, nbits=9), "at most 8"),
    (lambda: ProductQuantizer(50, 10).encode(np.ones((2, 50))), "not trained"),
    (lambda: ProductQuantizer(4, 2, nbits=8).train(np.ones((10, 4))), "at least 256"),
    (lambda: PQIndex(4, 2, metric="l1"), "metric"),
])
def test_pq_bad_input_is_one_sentence(call, message):
    with pytest.raises(InputError, match=message):
        call()


# ---------------------------------------------------------------------------
# IVF-Flat and IVF-PQ
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ivf(glove):
    _, corpus = glove
    index = IVFIndex(50, nlist=32, device=CPU).train(corpus)
    index.add(corpus)
    return index


def faiss_ivf_with(ours: IVFIndex, corpus: np.ndarray, n_probe: int):
    if ours.pq is None:
        index = faiss.IndexIVFFlat(faiss.IndexFlatL2(ours.d), ours.d, ours.nlist, faiss.METRIC_INNER_PRODUCT)
    else:
        index = faiss.IndexIVFPQ(faiss.IndexFlatL2(ours.d), ours.d, ours.nlist, ours.pq.m, ours.pq.nbits,
                                 faiss.METRIC_INNER_PRODUCT)
        faiss.copy_array_to_vector(ours.pq.codebooks.numpy().ravel(), index.pq.centroids)
    index.quantizer.add(ours.centroids.numpy())
    index.is_trained = True
    index.add(corpus)
    index.nprobe = n_probe
    return index


@pytest.mark.parametrize("n_probe", [1, 4, 32])
def test_ivf_flat_equals_faiss_indexivfflat(glove, ivf, n_probe):
    queries, corpus = glove
    Df, If = faiss_ivf_with(ivf, corpus, n_probe).search(queries, 10)
    assert same_results(*ivf.search(queries, 10, n_probe=n_probe), Df, If)
    if 1 < n_probe < 8:      # one list fewer misses neighbours: the comparison notices
        assert not same_results(*ivf.search(queries, 10, n_probe=n_probe - 1), Df, If)


def test_ivf_with_every_list_probed_is_exact_search(glove, ivf):
    queries, corpus = glove
    scores, ids = cosine_topk(queries, corpus, 10)
    D, I = ivf.search(queries, 10, n_probe=32)
    assert same_results(D, I, scores.numpy(), ids.numpy())


def test_ivf_recall_grows_with_n_probe(glove, ivf):
    queries, corpus = glove
    _, exact = cosine_topk(queries, corpus, 10)
    recall = []
    for n_probe in (1, 4, 16):
        _, I = ivf.search(queries, 10, n_probe=n_probe)
        recall.append(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(I, exact.numpy())]))
    assert recall[0] < recall[1] < recall[2] and recall[2] > 0.9, recall


def test_ivf_pads_with_minus_one_as_faiss_does():
    x = normalize(torch.tensor(np.random.default_rng(0).standard_normal((40, 4)), dtype=torch.float32)).numpy()
    index = IVFIndex(4, nlist=8, device=CPU).train(x)
    index.add(x)
    D, I = index.search(x[:5], 30, n_probe=1)               # one list holds far fewer than 30
    Df, If = faiss_ivf_with(index, x, 1).search(x[:5], 30)
    assert (I == -1).any() and np.array_equal(I == -1, If == -1)
    assert np.isinf(D[I == -1]).all()
    assert same_results(np.where(I == -1, 0, D), I, np.where(If == -1, 0, Df), If)


def test_ivf_pq_equals_faiss_indexivfpq(glove):
    queries, corpus = glove
    index = IVFIndex(50, nlist=16, m=10, nbits=8, device=CPU).train(corpus)
    index.add(corpus)
    Df, If = faiss_ivf_with(index, corpus, 4).search(queries, 10)
    assert same_results(*index.search(queries, 10, n_probe=4), Df, If)
    # Forgetting the q . centroid term (scoring the residual code alone) ranks differently.
    D, I = index.search(queries, 10, n_probe=4)
    assert not same_results(D - 1.0, I, Df, If)
    assert index.memory_bytes == 4_000 * (10 + 8) + 16 * 50 * 4 + 10 * 256 * 5 * 4


def test_ivf_memory_and_added_in_parts(glove):
    queries, corpus = glove
    whole = IVFIndex(50, nlist=8, device=CPU).train(corpus)
    parts = IVFIndex(50, nlist=8, device=CPU)
    parts.centroids = whole.centroids
    whole.add(corpus)
    parts.add(corpus[:1000])
    parts.add(corpus[1000:])
    assert same_results(*whole.search(queries, 5, n_probe=2), *parts.search(queries, 5, n_probe=2))
    assert whole.memory_bytes == 4_000 * (50 * 4 + 8) + 8 * 50 * 4


@pytest.mark.parametrize("call, message", [
    (lambda: IVFIndex(4, 2).add(np.ones((3, 4))), "not trained"),
    (lambda: IVFIndex(4, 2).search(np.ones((3, 4)), 1), "not trained"),
    (lambda: IVFIndex(4, 2, metric="l2"), "metric"),
    (lambda: IVFIndex(4, 2).train(np.eye(4)).search(np.ones((1, 4)), 1, n_probe=3), "only nlist=2"),
    (lambda: IVFIndex(4, 2).train(np.eye(4)).search(np.ones((1, 4)), 1), "empty"),
    (lambda: IVFIndex(4, 2).train(np.eye(4)).train(np.ones((4, 3))), "d=4"),
])
def test_ivf_bad_input_is_one_sentence(call, message):
    with pytest.raises(InputError, match=message):
        call()


@pytest.mark.gpu
@pytest.mark.parametrize("kind", ["ivf-flat", "ivf-pq", "pq"])
def test_gpu_indexes_equal_cpu(glove, kind):
    from embedlab.device import device as best_device

    dev = best_device()
    queries, corpus = glove
    make = {"ivf-flat": lambda d: IVFIndex(50, nlist=16, n_probe=4, device=d),
            "ivf-pq": lambda d: IVFIndex(50, nlist=16, m=10, n_probe=4, device=d),
            "pq": lambda d: PQIndex(50, m=10, device=d)}[kind]
    cpu, gpu = make(CPU).train(corpus), make(dev)
    # The same trained state on both (k-means sums in another order on a GPU).
    if kind != "pq":
        gpu.centroids = cpu.centroids.to(dev)
    if kind != "ivf-flat":
        gpu.pq.codebooks = cpu.pq.codebooks.to(dev)
    cpu.add(corpus)
    gpu.add(corpus)
    assert same_results(*gpu.search(queries, 10), *cpu.search(queries, 10), atol=1e-4)
