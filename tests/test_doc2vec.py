"""Tests of embedlab.doc2vec: averaging, SIF, the PV-DBOW loss and its gradients, the
probe, Doc2Vec training and inference, and Doc2Vec against gensim's on the same documents.

The catalogue of the exercises (every reference passes, every mistake fails with its own
hint) is tests/test_check.py's; the probe on the whole course corpus is
benchmarks/doc2vec_probe.py's.
"""
from __future__ import annotations

import logging
import sys

import numpy as np
import pytest
import torch

from embedlab import check
from embedlab import doc2vec as d2v
from embedlab.exercises import lesson06
from embedlab.word2vec import _CbowStep, _SkipGramStep, build_vocab

check_module = sys.modules["embedlab.check"]
EXERCISES = ["06.average_vectors", "06.sif_weighted_average", "06.remove_common_component",
             "06.pv_dbow_gradients"]


@pytest.fixture(scope="module")
def fortunes():
    """661 real documents (fortune-cookie texts of 20 to 120 words) from the course corpus."""
    from embedlab import corpus

    return [d for d in corpus.iter_documents("course-corpus-slice", sources=["fortunes"])
            if 20 <= len(d) <= 120][:1000]


@pytest.fixture(scope="module")
def two_sources(fortunes):
    """500 fortunes and 500 Austen passages, and which is which: the data of the probe tests."""
    from embedlab import corpus

    austen = [d for d in corpus.iter_documents("course-corpus-slice", sources=["austen"])
              if 20 <= len(d) <= 120][:500]
    return fortunes[:500] + austen, np.array(["fortunes"] * 500 + ["austen"] * len(austen))


@pytest.fixture(scope="module")
def dbow_model(fortunes):
    return d2v.train_doc2vec(fortunes, dm=False, dim=32, epochs=40, min_count=2, seed=0, progress=False)


def _gensim_doc2vec(docs, **kwargs):
    """gensim's Doc2Vec on the same documents: one worker and a seed, so the same vectors every run."""
    from gensim.models.doc2vec import Doc2Vec, TaggedDocument

    logging.getLogger("gensim").setLevel(logging.ERROR)
    return Doc2Vec([TaggedDocument(d, [i]) for i, d in enumerate(docs)], workers=1, seed=0, **kwargs)


# ---------------------------------------------------------------------------
# The exercises: what tests/test_check.py's catalogue does not cover
# ---------------------------------------------------------------------------
def test_average_and_sif_must_return_an_ndarray_not_a_list_of_rows():
    # A list of (d,) rows has the right numbers but breaks later cells (.shape, X @ y).
    def average_vectors(docs, vectors, key_to_index):
        return list(d2v.average_vectors(docs, vectors, key_to_index))

    result = check(average_vectors, "06.average_vectors", quiet=True)
    assert not result.passed and "expected a NumPy array of shape" in result.message
    assert "list of row vectors" in result.hint

    def sif_weighted_average(docs, vectors, key_to_index, counts, a=1e-3):
        return [row for row in d2v.sif_weighted_average(docs, vectors, key_to_index, counts, a)]

    result = check(sif_weighted_average, "06.sif_weighted_average", quiet=True)
    assert not result.passed and "expected a NumPy array" in result.message
    # float32 arrays are still fine
    assert check(lambda docs, vectors, key_to_index: d2v.average_vectors(docs, vectors, key_to_index)
                 .astype(np.float32), "06.average_vectors", quiet=True).passed


def test_targeted_hints_for_common_slips():
    hints = {m.name: m.hint for ex in EXERCISES for m in check_module.get_exercise(ex).mistakes}
    assert "* u[None, :]" in hints["_remove_no_times_u"]
    assert "list of row vectors" in hints["_average_list_of_rows"]
    assert "CENTRED" in hints["_remove_centred_pca"]
    assert "OTHER vector" in hints["_grad_target_wrong_vector"]


def test_the_derivation_is_graded_numerically_and_a_correct_formula_passes():
    # The grader is the numerical gradient of pv_dbow_loss (no formula in it) ...
    ex = check_module.get_exercise("06.pv_dbow_gradients")
    assert ex.reference is lesson06.pv_dbow_gradients
    # ... and the analytic answer, written here independently, passes it.
    def pv_dbow_gradients(doc_vec, target_vec, negative_vecs):
        D, t, n = (torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
                   for x in (doc_vec, target_vec, negative_vecs))
        _dbow_loss(D, t, n).backward()
        return D.grad.numpy(), t.grad.numpy(), n.grad.numpy()

    assert check(pv_dbow_gradients, "06.pv_dbow_gradients", quiet=True).passed
    # Returning only dL/dD (the old exercise's quantity) is told plainly.
    result = check(lambda doc_vec, target_vec, negative_vecs: pv_dbow_gradients(
        doc_vec, target_vec, negative_vecs)[0], "06.pv_dbow_gradients", quiet=True)
    assert not result.passed and "tuple of three arrays" in result.message


# ---------------------------------------------------------------------------
# Averaging and SIF against direct formulas
# ---------------------------------------------------------------------------
def test_average_vectors_by_hand():
    vectors = np.array([[1.0, 0.0], [0.0, 2.0], [4.0, 4.0]])
    k2i = {"a": 0, "b": 1, "c": 2}
    out = d2v.average_vectors([["a", "b", "zzz"], [], ["c", "c", "a"], ["zzz"]], vectors, k2i)
    np.testing.assert_allclose(out, [[0.5, 1.0], [0.0, 0.0], [3.0, 8 / 3], [0.0, 0.0]])
    assert not np.isnan(out).any()


def test_average_vectors_rejects_a_wrong_word_list():
    with pytest.raises(ValueError, match="key_to_index points past"):
        d2v.average_vectors([["a"]], np.zeros((2, 3)), {"a": 0, "b": 5})


def test_sif_weighted_average_by_hand():
    vectors = np.array([[1.0, 0.0], [0.0, 2.0]])
    counts = np.array([999, 1])                       # p = 0.999 and 0.001; a = 1e-3
    w = 1e-3 / (1e-3 + np.array([0.999, 0.001]))      # 0.000999... and 0.5
    out = d2v.sif_weighted_average([["a", "b", "zzz"], ["b", "b"], []], vectors, {"a": 0, "b": 1}, counts)
    np.testing.assert_allclose(out, [[w[0] / 2, w[1] * 2 / 2], [0.0, w[1] * 2], [0.0, 0.0]])


def _sif_direct(docs, vectors, k2i, counts, a=1e-3):
    """SIF written the slow, obvious way: loops, and the first PC from the eigenvectors of X^T X."""
    p = counts / counts.sum()
    X = np.zeros((len(docs), vectors.shape[1]))
    for i, doc in enumerate(docs):
        known = [w for w in doc if w in k2i]
        for w in known:
            X[i] += a / (a + p[k2i[w]]) * vectors[k2i[w]]
        if known:
            X[i] /= len(known)
    eigvals, eigvecs = np.linalg.eigh(X.T @ X)
    u = eigvecs[:, np.argmax(eigvals)]
    return X - np.outer(X @ u, u)


def test_sif_matches_a_direct_numpy_formula(fortunes):
    rng = np.random.default_rng(1)
    words, counts = build_vocab(fortunes, min_count=3)
    k2i = {w: i for i, w in enumerate(words)}
    vectors = rng.normal(size=(len(words), 16)) + rng.normal(size=16)   # a shared direction
    docs = fortunes[:200] + [[], ["notaword"]]
    ours = d2v.sif_embed(docs, vectors, k2i, counts)
    np.testing.assert_allclose(ours, _sif_direct(docs, vectors, k2i, counts.astype(float)), atol=1e-9)
    assert np.abs(ours).sum() > 0 and np.allclose(ours[-2:], 0)   # empty documents: zeros
    # and it matches Arora et al.'s own recipe (github.com/PrincetonML/SIF) with TruncatedSVD
    from sklearn.decomposition import TruncatedSVD

    weights = d2v.sif_weights(counts)
    means = np.array([np.mean([weights[k2i[w]] * vectors[k2i[w]] for w in d if w in k2i] or
                              [np.zeros(16)], axis=0) for d in docs])
    pc = TruncatedSVD(n_components=1, n_iter=20, random_state=0).fit(means).components_
    np.testing.assert_allclose(ours, means - means @ pc.T * pc, atol=1e-6)


def test_remove_common_component_leaves_rows_orthogonal_to_the_top_direction():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 6)) + 3 * rng.normal(size=6)
    before = X.copy()
    out = d2v.remove_common_component(X)
    np.testing.assert_array_equal(X, before)                        # the input is not changed
    u = np.linalg.eigh(X.T @ X)[1][:, -1]                           # the top eigenvector of X^T X
    np.testing.assert_allclose(out @ u, 0, atol=1e-10)
    np.testing.assert_allclose(out + np.outer(X @ u, u), X, atol=1e-10)
    np.testing.assert_allclose(d2v.remove_common_component(out) @ u, 0, atol=1e-10)
    np.testing.assert_array_equal(d2v.remove_common_component(np.zeros((3, 4))), np.zeros((3, 4)))


def test_sif_weights_formula():
    counts = np.array([900, 90, 9, 1])
    np.testing.assert_allclose(d2v.sif_weights(counts, a=0.01), 0.01 / (0.01 + counts / 1000))


# ---------------------------------------------------------------------------
# The probe: cross-validated, standardised, with its spread
# ---------------------------------------------------------------------------
def test_probe_scores_chance_and_signal():
    rng = np.random.default_rng(0)
    labels = np.repeat(["a", "b", "c", "d"], 100)
    probe_noise = d2v.probe_scores(rng.normal(size=(400, 10)), labels)
    assert abs(probe_noise["accuracy"] - 0.25) < 0.08 and abs(probe_noise["macro_f1"] - 0.25) < 0.08
    signal = np.eye(4)[np.searchsorted(["a", "b", "c", "d"], labels)] + 0.3 * rng.normal(size=(400, 4))
    found = d2v.probe_scores(signal, labels)
    assert found["accuracy"] > 0.95 and found["macro_f1"] > 0.95
    assert probe_noise["fold_macro_f1"].shape == (5,) and probe_noise["macro_f1_sd"] > 0
    np.testing.assert_allclose(probe_noise["macro_f1"], probe_noise["fold_macro_f1"].mean())
    np.testing.assert_allclose(probe_noise["macro_f1_sd"], probe_noise["fold_macro_f1"].std(ddof=1))
    with pytest.raises(ValueError, match="one row per label"):
        d2v.probe_scores(signal[:10], labels)


def test_probe_scores_do_not_depend_on_the_scale_of_the_vectors():
    # Standardised features: a method cannot win or lose by the length of its vectors (nor
    # by the scale of one dimension), which through the L2 penalty it could without.
    rng = np.random.default_rng(1)
    labels = np.repeat(["a", "b", "c"], 60)
    X = np.eye(3)[np.searchsorted(["a", "b", "c"], labels)] + 0.8 * rng.normal(size=(180, 3))
    X = np.hstack([X, rng.normal(size=(180, 5))])
    expected = d2v.probe_scores(X, labels)["fold_macro_f1"]
    for scale in (1e-3, rng.uniform(0.01, 100, size=8)):
        np.testing.assert_allclose(d2v.probe_scores(X * scale, labels)["fold_macro_f1"], expected, atol=1e-12)
    raw = d2v.probe_scores(X * 1e-3, labels, standardise=False)["fold_macro_f1"]
    assert not np.allclose(raw, expected)


# ---------------------------------------------------------------------------
# The PV-DBOW loss, the derivation's grader and the training updates against torch.autograd
# ---------------------------------------------------------------------------
def _dbow_loss(D, t, n):
    return -torch.nn.functional.logsigmoid(D @ t) - torch.nn.functional.logsigmoid(-(n @ D)).sum()


@pytest.mark.parametrize("seed", range(5))
def test_pv_dbow_loss_and_its_numerical_gradients_match_autograd(seed):
    g = torch.Generator().manual_seed(seed)
    D = torch.randn(8, generator=g, dtype=torch.float64, requires_grad=True)
    t = torch.randn(8, generator=g, dtype=torch.float64, requires_grad=True)
    n = torch.randn(5, 8, generator=g, dtype=torch.float64, requires_grad=True)
    loss = _dbow_loss(D, t, n)
    loss.backward()
    args = [x.detach().numpy() for x in (D, t, n)]
    assert d2v.pv_dbow_loss(*args) == pytest.approx(loss.item(), rel=1e-12)
    for got, x in zip(lesson06.pv_dbow_gradients(*args), (D, t, n)):
        np.testing.assert_allclose(got, x.grad.numpy(), rtol=1e-6, atol=1e-8)


def test_pv_dbow_loss_does_not_overflow():
    D, t, n = np.array([30.0, 0.0]), np.array([-30.0, 0.0]), np.array([[30.0, 0.0]])
    assert d2v.pv_dbow_loss(D, t, n) == pytest.approx(1800.0)          # 900 + 900, no inf
    assert d2v.pv_dbow_loss(D, -t, -n) == pytest.approx(0.0, abs=1e-12)


def _batch(seed, B=7, k=3, d=5, V=11, n_docs=4):
    g = torch.Generator().manual_seed(seed)
    D = torch.randn(n_docs, d, generator=g, dtype=torch.float64)
    W = torch.randn(V, d, generator=g, dtype=torch.float64)
    C = torch.randn(V, d, generator=g, dtype=torch.float64)
    docs = torch.randint(0, n_docs, (B,), generator=g)
    targets = torch.randint(0, V, (B, 1 + k), generator=g)
    return D, W, C, docs, targets


@pytest.mark.parametrize("seed", range(3))
def test_dbow_batch_update_equals_sgd_on_the_summed_loss(seed):
    D, W, C, docs, targets = _batch(seed)
    targets[0, 2] = targets[0, 0]           # a noise word that is the true word: word2vec.c skips it
    weights = (targets != targets[:, :1]).to(torch.float64)
    weights[:, 0] = 1.0
    assert weights[0, 2] == 0
    lr = 0.05
    Dg, Cg = D.clone().requires_grad_(), C.clone().requires_grad_()
    h, c = Dg[docs], Cg[targets]
    scores = (c * h[:, None, :]).sum(-1)
    loss = -(torch.nn.functional.logsigmoid(scores[:, 0]).sum()
             + (weights[:, 1:] * torch.nn.functional.logsigmoid(-scores[:, 1:])).sum())
    loss.backward()
    # PV-DBOW is word2vec's skip-gram step with the document vectors as its input matrix.
    steps = _SkipGramStep(D, C, negative=targets.shape[1] - 1)
    steps.labels = steps.labels.to(torch.float64)
    steps.update(docs, targets, weights, lr)
    torch.testing.assert_close(D, (Dg - lr * Dg.grad).detach())
    torch.testing.assert_close(C, (Cg - lr * Cg.grad).detach())


@pytest.mark.parametrize("seed", range(3))
def test_dm_update_follows_the_gradient_of_the_mean(seed):
    """PV-DM: the output vectors get the exact gradient; the document vector and every context
    word get the gradient with respect to the mean h (gensim's dm_mean=1 convention), i.e.
    (1 + number of context words) times their exact gradient."""
    D, W, C, docs, targets = _batch(seed)
    g = torch.Generator().manual_seed(100 + seed)
    context = torch.randint(0, W.shape[0], (len(docs), 4), generator=g)
    valid = torch.rand(len(docs), 4, generator=g) < 0.6
    weights = torch.ones(targets.shape, dtype=torch.float64)
    lr = 0.05
    Dg, Wg, Cg = (x.clone().requires_grad_() for x in (D, W, C))
    count = valid.sum(1, keepdim=True).to(torch.float64) + 1
    h = (Dg[docs] + (Wg[context] * valid[:, :, None]).sum(1)) / count
    h.retain_grad()
    c = Cg[targets]
    scores = (c * h[:, None, :]).sum(-1)
    loss = -(torch.nn.functional.logsigmoid(scores[:, 0]).sum()
             + torch.nn.functional.logsigmoid(-scores[:, 1:]).sum())
    loss.backward()
    # PV-DM is word2vec's CBOW step with the document vector as one more input of the mean.
    steps = _CbowStep(W, C, negative=targets.shape[1] - 1, D=D)
    steps.labels = steps.labels.to(torch.float64)
    steps.update_cbow(context, valid, targets, weights, lr, docs=docs)
    torch.testing.assert_close(C, (Cg - lr * Cg.grad).detach())
    expected_D = Dg.detach().clone().index_add_(0, docs, -lr * h.grad)
    torch.testing.assert_close(D, expected_D)
    rows, cols = valid.nonzero(as_tuple=True)
    expected_W = Wg.detach().clone().index_add_(0, context[rows, cols], -lr * h.grad[rows])
    torch.testing.assert_close(W, expected_W)


# ---------------------------------------------------------------------------
# Training and inference on real documents
# ---------------------------------------------------------------------------
def _unit(x):
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def _self_retrieval(inferred, trained):
    """Share of the documents whose re-inferred vector is nearest to their own trained vector."""
    sims = _unit(inferred) @ _unit(trained).T
    own = np.diag(sims[:, :len(inferred)])
    return float(np.mean((sims > own[:, None]).sum(1) == 0))


def test_inferred_vector_of_a_training_document_is_nearest_to_its_trained_vector(fortunes, dbow_model):
    """Re-infer 200 training documents: is each one's trained vector the nearest of the 661?

    Measured over training seeds 0-4: ours 0.98 to 0.995, gensim's 0.97 to 0.995 (its
    inference also depends on PYTHONHASHSEED). Ours must be at least gensim's minus 0.03.
    (With the document vectors started at half gensim's size, ours was 0.87: this is the
    test that found it.)
    """
    model = dbow_model
    assert model.dv.vectors.shape == (len(fortunes), 32) and np.isfinite(model.dv.vectors).all()
    ours = _self_retrieval(model.infer_vectors(fortunes[:200], seed=1), model.dv.vectors)
    gensim_model = _gensim_doc2vec(fortunes, dm=0, vector_size=32, epochs=40, min_count=2)
    theirs = _self_retrieval(np.array([gensim_model.infer_vector(d) for d in fortunes[:200]]),
                             gensim_model.dv.vectors)
    assert theirs > 0.9, f"gensim's self-retrieval {theirs:.3f}: the comparison itself is broken"
    assert ours > 0.95 and ours >= theirs - 0.03, f"ours {ours:.3f}, gensim's {theirs:.3f}"


def test_infer_vector_of_one_document_and_its_errors(dbow_model, fortunes):
    v = dbow_model.infer_vector(fortunes[3])
    assert v.shape == (32,) and v.dtype == np.float32
    np.testing.assert_array_equal(v, dbow_model.infer_vector(fortunes[3]))   # seeded
    assert not np.array_equal(v, dbow_model.infer_vector(fortunes[3], seed=7))
    with pytest.raises(TypeError, match="list of words"):
        dbow_model.infer_vector("a string is not a list of words")


def test_training_is_deterministic_and_documents_keep_their_row(fortunes):
    docs = [["zzzunknown"]] + fortunes[:300] + [[]]
    a = d2v.train_doc2vec(docs, dm=True, dim=16, epochs=2, min_count=2, seed=3, progress=False)
    b = d2v.train_doc2vec(docs, dm=True, dim=16, epochs=2, min_count=2, seed=3, progress=False)
    np.testing.assert_array_equal(a.dv.vectors, b.dv.vectors)
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)
    assert a.dv.vectors.shape == (302, 16)
    # documents without a known word keep their small random start (|x| < 1 / dim, as gensim's)
    assert np.abs(a.dv.vectors[[0, -1]]).max() < 1 / 16
    assert np.abs(a.dv.vectors[1:-1]).max() > 1 / 16


MODES = {  # ours, gensim's: the same settings
    "PV-DBOW": (dict(dm=False, epochs=20), dict(dm=0, epochs=20)),
    "PV-DM": (dict(dm=True, epochs=20), dict(dm=1, dm_mean=1, epochs=20)),
    "PV-DBOW + words": (dict(dm=False, dbow_words=True, epochs=10), dict(dm=0, dbow_words=1, epochs=10)),
}


@pytest.mark.parametrize("mode", list(MODES))
def test_doc2vec_separates_two_sources_at_least_as_well_as_gensim(two_sources, mode):
    """Fortunes against Austen passages: a linear probe on the trained document vectors.

    Chance is 0.5. Measured (5-fold accuracy, training seeds 0-4, dim 32, 20 epochs):
    PV-DBOW ours 0.85-0.87, gensim's 0.80-0.84; PV-DM ours 0.85-0.87, gensim's 0.76-0.78;
    PV-DBOW + words ours 0.95-0.96, gensim's 0.92-0.93 (with the 10 epochs used here, seed
    0: 0.94 and 0.85). Both vary by about 0.01 over seeds: ours must be at least gensim's
    minus 0.03, on the same documents.
    """
    docs, labels = two_sources
    ours_kwargs, gensim_kwargs = MODES[mode]
    model = d2v.train_doc2vec(docs, dim=32, min_count=2, seed=0, progress=False, **ours_kwargs)
    ours = d2v.probe_scores(model.dv.vectors, labels)["accuracy"]
    gensim_model = _gensim_doc2vec(docs, vector_size=32, min_count=2, **gensim_kwargs)
    theirs = d2v.probe_scores(gensim_model.dv.vectors, labels)["accuracy"]
    assert theirs > 0.7, f"gensim's {mode} scores {theirs:.3f}: the comparison itself is broken"
    assert ours > 0.75 and ours >= theirs - 0.03, f"{mode}: ours {ours:.3f}, gensim's {theirs:.3f}"
    if ours_kwargs["dm"] or ours_kwargs.get("dbow_words"):
        # these modes train word vectors too: they moved far from their start (|x| < 1 / dim)
        assert np.abs(model.wv.vectors).max() > 2 / 32


def test_probe_documents_are_balanced_and_short():
    docs, labels = d2v.probe_documents(per_source=50, sources=("austen", "kjv", "devil"))
    assert list(np.unique(labels, return_counts=True)[1]) == [50, 50, 50]
    assert all(10 <= len(d) <= 60 for d in docs)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_gpu_training_runs_and_agrees_in_quality(fortunes):
    model = d2v.train_doc2vec(fortunes, dim=32, epochs=40, min_count=2, device="cuda", progress=False)
    inferred = model.infer_vectors(fortunes[:200], seed=1, device="cuda")
    sims = _unit(inferred) @ _unit(model.dv.vectors).T
    assert np.mean(np.argmax(sims, axis=1) == np.arange(200)) > 0.75
