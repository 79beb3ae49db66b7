"""Lesson 05 (embedlab.fasttext): n-grams and hashes equal gensim's, the composed and
out-of-vocabulary vectors equal gensim's FastTextKeyedVectors given the same matrices,
the training loss is word2vec's through the mean, the training update equals the autograd
gradient (times the bag size), and the exercises grade what they should.

(Every mistake failing with its own hint is tests/test_check.py's catalogue test.)"""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from embedlab import check
from embedlab import fasttext as fasttext_module
from embedlab.check import get_exercise
from embedlab.fasttext import (
    FastTextModel,
    _fnv_hash_many,
    _gather_csr,
    char_ngrams,
    fnv_hash,
    ngram_hashes,
    oov_vector,
    sgns_subword_update,
    subword_sgns_loss,
    subword_table,
    train_fasttext,
)
from embedlab.gradcheck import numerical_gradients
from embedlab.word2vec import sgns_loss

EXERCISES = ["05.char_ngrams", "05.fnv_hash", "05.oov_vector", "05.subword_grad"]
ODD_WORDS = ["where", "a", "", "banana", "café", "gödel", "naïve", "日本語", "unfriendliness",
             "dictionarylike", "x" * 40, "don't"]


@pytest.fixture(scope="module")
def corpus_words():
    from embedlab import corpus
    from embedlab.word2vec import build_vocab

    words, _ = build_vocab(corpus.iter_documents(), min_count=1)
    return words[:3000] + words[-2000:] + [w for w in words if not w.isascii()] + ODD_WORDS


@pytest.fixture(scope="module")
def small_docs():
    from embedlab import corpus

    return corpus.load_corpus()[::12]                 # every 12th document: all sources, ~90k tokens


# ---------------------------------------------------------------------------
# n-grams and hashing, against gensim
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("min_n,max_n", [(3, 6), (1, 3), (2, 2), (4, 5)])
def test_char_ngrams_equal_gensim(corpus_words, min_n, max_n):
    from gensim.models.fasttext import compute_ngrams_bytes

    for word in corpus_words:
        assert [g.encode("utf-8") for g in char_ngrams(word, min_n, max_n)] == \
            compute_ngrams_bytes(word, min_n, max_n), word


def test_char_ngrams_example_of_the_paper():
    assert char_ngrams("where", 3, 3) == ["<wh", "whe", "her", "ere", "re>"]
    assert "<where>" not in char_ngrams("where")     # 7 characters > max_n = 6
    assert "<where>" in char_ngrams("where", 3, 7)
    assert char_ngrams("the") == ["<th", "<the", "<the>", "the", "the>", "he>"]


def test_fnv_hash_equals_gensim_on_random_bytes():
    from gensim.models.fasttext_inner import ft_hash_bytes

    rng = np.random.default_rng(0)
    samples = [bytes(rng.integers(0, 256, size=int(rng.integers(0, 30))).astype(np.uint8)) for _ in range(500)]
    samples += [w.encode("utf-8") for w in ODD_WORDS]
    ours = [fnv_hash(b) for b in samples]
    assert ours == [ft_hash_bytes(b) for b in samples]
    assert _fnv_hash_many(samples).tolist() == ours
    assert all(0 <= h < 2**32 for h in ours)


@pytest.mark.parametrize("bucket", [2_000_000, 1000, 7])
def test_ngram_bucket_ids_equal_gensim(corpus_words, bucket):
    from gensim.models.fasttext import ft_ngram_hashes

    for word in corpus_words[::7]:
        assert ngram_hashes(word, 3, 6, bucket) == ft_ngram_hashes(word, 3, 6, bucket), word


def test_subword_table_is_the_vectorised_ngram_hashes(corpus_words):
    words = corpus_words[:500] + ODD_WORDS
    ptr, ids = subword_table(words, 3, 6, 5000, offset=10)
    for i, word in enumerate(words):
        assert ids[ptr[i]:ptr[i + 1]].tolist() == [10 + h for h in ngram_hashes(word, 3, 6, 5000)]
    ptr2, ids2 = subword_table(words, 3, 6, 5000, offset=len(words), include_word=True)
    for i, word in enumerate(words):
        assert ids2[ptr2[i]:ptr2[i + 1]].tolist() == [i] + [len(words) + h for h in ngram_hashes(word, 3, 6, 5000)]


def test_gather_csr_matches_python_slices():
    ptr = torch.tensor([0, 3, 3, 7, 8])
    ids = torch.arange(100, 108)
    rows = torch.tensor([2, 0, 3, 2, 1])
    flat, offsets, lengths = _gather_csr(ptr, ids, rows)
    expected = [x for r in rows.tolist() for x in ids[ptr[r]:ptr[r + 1]].tolist()]
    assert flat.tolist() == expected
    assert lengths.tolist() == [4, 3, 1, 4, 0]
    assert offsets.tolist() == [0, 4, 7, 8, 12]


# ---------------------------------------------------------------------------
# Composition: our vectors = gensim's, given gensim's matrices
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gensim_model(small_docs):
    from gensim.models import FastText

    return FastText(small_docs, vector_size=16, window=3, min_count=5, epochs=1, bucket=5000,
                    sg=1, workers=1, seed=1)


def test_vectors_equal_gensim_given_the_same_matrices(gensim_model):
    ours = FastTextModel.from_gensim(gensim_model)
    wv = gensim_model.wv
    assert ours.bucket == 5000 and ours.index_to_key == list(wv.index_to_key)
    np.testing.assert_allclose(ours.vectors, wv.vectors, rtol=1e-5, atol=1e-6)
    unseen = ["unfriendliness", "dictionarylike", "freindship", "gödelian", "qqq", "a"]
    assert not any(w in wv.key_to_index for w in unseen)
    np.testing.assert_allclose(ours.get_vectors(unseen), np.stack([wv[w] for w in unseen]), rtol=1e-5, atol=1e-6)
    for w in unseen:
        np.testing.assert_allclose(oov_vector(w, wv.vectors_ngrams), wv[w], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ours.wv[w], wv[w], rtol=1e-5, atol=1e-6)
    # most_similar of an unseen word: the same neighbours as gensim's
    ours_top = [w for w, _ in ours.most_similar("freindship", 5)]
    assert ours_top == [w for w, _ in wv.most_similar("freindship", topn=5)]


def test_word_without_ngrams_gets_zeros():
    model = FastTextModel(np.ones((3 + 10, 4), dtype=np.float32), np.zeros((3, 4)), ["a", "b", "c"],
                          np.array([3, 2, 1]), min_n=5, max_n=6)
    assert np.all(model.get_vectors(["zz"]) == 0)       # "<zz>" has no 5-gram
    assert model.most_similar("zz") == []
    assert np.allclose(model.wv["a"], 1.0)      # its own row only


# ---------------------------------------------------------------------------
# The training update is the fastText rule: autograd's gradient of h, not divided
# ---------------------------------------------------------------------------
def test_update_equals_autograd_gradient():
    gen = torch.Generator().manual_seed(0)
    V, bucket, d, k = 6, 11, 5, 3
    ptr, sub = subword_table(["where", "the", "a", "banana", "cafe", "xy"], 3, 6, bucket, offset=V, include_word=True)
    sub_ptr, sub_ids = torch.from_numpy(ptr), torch.from_numpy(sub)
    E = torch.randn(V + bucket, d, generator=gen, dtype=torch.float64)
    C = torch.randn(V, d, generator=gen, dtype=torch.float64)
    centre_words = torch.tensor([0, 3, 1, 0])                  # word 0 twice: its updates add up
    pair_centre = torch.tensor([0, 0, 1, 2, 2, 2, 3])
    targets = torch.randint(0, V, (7, 1 + k), generator=gen)
    weights = torch.ones(7, 1 + k, dtype=torch.float64)
    weights[2, 1] = 0.0
    lr = 0.1

    flat, offsets, lengths = _gather_csr(sub_ptr, sub_ids, centre_words)
    E_var, C_var = E.clone().requires_grad_(True), C.clone().requires_grad_(True)
    h = F.embedding_bag(flat, E_var, offsets, mode="mean")
    h.retain_grad()
    hp = h[pair_centre]
    scores = torch.einsum("pd,pjd->pj", hp, C_var[targets])
    sign = torch.full_like(scores, -1.0)
    sign[:, 0] = 1.0
    loss = -(F.logsigmoid(sign * scores) * weights).sum()
    loss.backward()

    E_new, C_new = E.clone(), C.clone()
    sgns_subword_update(E_new, C_new, sub_ptr, sub_ids, centre_words, pair_centre, targets, weights, lr)
    torch.testing.assert_close(C_new, C - lr * C_var.grad)
    # fastText adds -lr * dL/dh to EVERY subword row of the centre: len(bag) times the true gradient.
    expected_E = E.clone().index_add_(0, flat, -lr * h.grad.repeat_interleave(lengths, dim=0))
    torch.testing.assert_close(E_new, expected_E)
    per_row = torch.zeros_like(E).index_add_(0, flat, h.grad.repeat_interleave(lengths, dim=0) /
                                             lengths.repeat_interleave(lengths)[:, None].to(E.dtype))
    torch.testing.assert_close(per_row, E_var.grad)        # and that IS the mean's chain rule, / len


# ---------------------------------------------------------------------------
# Training on real text
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def trained(small_docs):
    return train_fasttext(small_docs, dim=32, epochs=2, bucket=20000, min_count=3, progress=False, seed=3)


def test_training_is_deterministic(small_docs, trained):
    again = train_fasttext(small_docs[:300], dim=8, epochs=1, bucket=500, min_count=3, progress=False, seed=3)
    twice = train_fasttext(small_docs[:300], dim=8, epochs=1, bucket=500, min_count=3, progress=False, seed=3)
    np.testing.assert_array_equal(again.input_matrix, twice.input_matrix)
    assert np.isfinite(trained.input_matrix).all()
    assert trained.effective_words > 0 and trained.train_seconds > 0


def _centred_unit(x, mean):
    x = x - mean
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_ngram_only_vectors_resemble_the_trained_vectors(trained):
    """An in-vocabulary word's n-grams alone should point roughly where the word does.

    After a short training all fastText vectors share a large common direction (cosines
    of 0.99 everywhere), so directions are compared after removing the mean vector.
    """
    mean = trained.vectors.mean(0)
    words = trained.index_to_key[100:400]
    full = _centred_unit(trained.vectors[100:400], mean)
    ngram_only = _centred_unit(np.stack([oov_vector(w, trained.ngram_vectors) for w in words]), mean)
    same = (full * ngram_only).sum(1)
    shuffled = (full * np.roll(ngram_only, 17, axis=0)).sum(1)
    assert same.mean() > shuffled.mean() + 0.05, (same.mean(), shuffled.mean())


def test_unseen_words_find_their_stem(trained):
    """The unseen word "X" + "ness" should have "X" among its nearer neighbours.

    (gensim's FastText, trained the same way on the same 90k tokens, puts "X" at median
    rank 680 of 3992; ours at 540; chance is about 2000.)
    """
    unit = _centred_unit(trained.vectors, 0.0)
    stems = [w for w in trained.index_to_key[50:1500] if w.isalpha() and w + "ness" not in trained.key_to_index][:200]
    queries = _centred_unit(trained.get_vectors([w + "ness" for w in stems]), 0.0)
    sims = queries @ unit.T                                            # (200, V)
    own = sims[np.arange(len(stems)), [trained.key_to_index[w] for w in stems]]
    ranks = (sims > own[:, None]).sum(1)
    assert np.median(ranks) < len(unit) / 5, (np.median(ranks), len(unit))    # top 20 %; chance: 50 %


def test_trains_on_one_thread_and_restores_the_setting(small_docs, monkeypatch):
    seen = []
    real_train = fasttext_module._train

    def spy(*args):
        seen.append(torch.get_num_threads())
        return real_train(*args)

    monkeypatch.setattr(fasttext_module, "_train", spy)
    import importlib

    monkeypatch.setattr(importlib.import_module("embedlab.device"), "auto_threads", lambda most=2: 1)
    before = torch.get_num_threads()
    train_fasttext(small_docs[:50], dim=8, epochs=1, bucket=500, min_count=3, progress=False)
    train_fasttext(small_docs[:50], dim=8, epochs=1, bucket=500, min_count=3, progress=False, threads=2)
    assert seen == [1, 2] and torch.get_num_threads() == before


def test_bad_arguments_say_what_is_wrong(small_docs):
    with pytest.raises(ValueError, match="min_count"):
        train_fasttext(small_docs[:10], min_count=10**9, progress=False)
    with pytest.raises(ValueError, match="min_n"):
        train_fasttext(small_docs[:10], min_n=5, max_n=3, progress=False)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_trains_on_cuda(small_docs):
    model = train_fasttext(small_docs[:500], dim=16, epochs=1, bucket=2000, min_count=3, progress=False,
                           device="cuda")
    assert model.params["device"].startswith("cuda") and np.isfinite(model.input_matrix).all()


# ---------------------------------------------------------------------------
# The training loss and its gradient (exercise 05.subword_grad)
# ---------------------------------------------------------------------------
def _random_batch(seed=0, R=9, d=3, k=2, bags=([0, 3, 3, 8], [3, 5], [1])):
    rng = np.random.default_rng(seed)
    return [list(b) for b in bags], rng.normal(size=(R, d)), rng.normal(size=(len(bags), d)), \
        rng.normal(size=(len(bags), k, d))


def test_subword_loss_is_sgns_loss_of_the_embedding_bag_means():
    bags, E, pos, neg = _random_batch()
    flat = torch.tensor([r for bag in bags for r in bag])
    offsets = torch.tensor([0] + np.cumsum([len(b) for b in bags])[:-1].tolist())
    centres = F.embedding_bag(flat, torch.from_numpy(E), offsets, mode="mean")   # what training uses
    torch.testing.assert_close(subword_sgns_loss(bags, E, pos, neg), sgns_loss(centres, pos, neg))
    # and by hand, for the first pair: -log σ(v·p) - Σ log σ(-v·n_j), v the mean of rows 0, 3, 3, 8
    v = (E[0] + 2 * E[3] + E[8]) / 4
    sig = lambda x: 1 / (1 + np.exp(-x))
    first = -np.log(sig(v @ pos[0])) - np.log(sig(-(neg[0] @ v))).sum()
    one = subword_sgns_loss(bags[:1], E, pos[:1], neg[:1])
    assert one.dtype == torch.float64 and abs(float(one) - first) < 1e-12


def test_subword_grad_reference_equals_autograd():
    # The exercise's reference is a numerical gradient; autograd is an independent judge.
    from embedlab.exercises.lesson05 import subword_grad_reference

    bags, E, pos, neg = _random_batch(seed=1)
    E_var = torch.from_numpy(E.copy()).requires_grad_(True)
    subword_sgns_loss(bags, E_var, pos, neg).backward()
    numerical = subword_grad_reference(bags, E, pos, neg)
    np.testing.assert_allclose(numerical, E_var.grad.numpy(), rtol=1e-6, atol=1e-9)
    assert not numerical[[2, 4, 6, 7]].any()                  # rows in no bag
    assert np.abs(numerical[3]).sum() > 0


def test_subword_grad_parts_are_the_reference():
    # The mistakes are _subword_grad_parts with one part swapped: with none swapped it must
    # pass, so that each mistake differs from the answer in its own part only.
    from embedlab.exercises.lesson05 import _subword_grad_parts

    ex = get_exercise("05.subword_grad")
    for case in ex.make_cases():
        np.testing.assert_allclose(_subword_grad_parts(*case.args), ex.reference(*case.args),
                                   rtol=1e-6, atol=1e-9, err_msg=case.label)
    assert check(_subword_grad_parts, "05.subword_grad", quiet=True).passed


def test_subword_grad_cases_exercise_repeats_and_shared_rows():
    ex = get_exercise("05.subword_grad")
    cases = ex.make_cases()
    assert any(len(set(bag)) < len(bag) for c in cases for bag in c.args[0]), "no bag repeats a row"
    assert any(len(c.args[0]) > 1 and set(c.args[0][0]) & set(c.args[0][1]) for c in cases), \
        "no two bags share a row"
    assert any(len(c.args[0]) > 1 for c in cases), "no batch of several pairs (the 1/B)"


def test_train_update_is_n_times_the_gradient():
    # sgns_subword_update (fastText's rule) adds -lr * dL/dv to every entry of the bag: for one
    # pair, -lr * n times the true gradient of subword_sgns_loss with respect to each row.
    bags, E, pos, neg = _random_batch(seed=2, bags=([0, 3, 3, 8],))
    sub_ptr, sub_ids = torch.tensor([0, 4]), torch.tensor(bags[0])
    C = torch.from_numpy(np.concatenate([pos, neg[0]]))
    targets = torch.tensor([[0, 1, 2]])
    E_new = torch.from_numpy(E.copy())
    sgns_subword_update(E_new, C.clone(), sub_ptr, sub_ids, torch.tensor([0]), torch.tensor([0]), targets,
                        torch.ones(1, 3, dtype=torch.float64), lr=0.1)
    grad = numerical_gradients(lambda M: subword_sgns_loss(bags, M, pos, neg), [E], wrt=[0])[0]
    np.testing.assert_allclose(E_new.numpy() - E, -0.1 * len(bags[0]) * grad, rtol=1e-5, atol=1e-9)


# ---------------------------------------------------------------------------
# Exercises
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_exercise_has_realistic_mistakes_and_zeros_fail(exercise_id):
    ex = get_exercise(exercise_id)
    assert len(ex.mistakes) >= 5, "each exercise needs the realistic wrong answers a learner writes"
    cases = ex.make_cases()

    def zeros(*args, **kwargs):
        out = ex.reference(*args, **kwargs)
        return type(out)() if isinstance(out, (list, int)) else np.zeros_like(np.asarray(out, dtype=float))

    zeros.__name__ = ex.name
    assert not check(zeros, exercise_id, quiet=True).passed, "an answer of zeros passes"
    assert len(cases) >= 8


def test_subword_grad_accepts_a_learners_torch_answer():
    from embedlab.word2vec import sgns_grad

    def subword_grad(bags, input_matrix, pos, neg):     # torch, through notebook 03's sgns_grad
        E = torch.as_tensor(input_matrix)
        centres = torch.stack([E[bag].mean(0) for bag in bags])
        g = sgns_grad(centres, pos, neg)
        out = torch.zeros_like(E)
        for b, bag in enumerate(bags):
            out.index_add_(0, torch.tensor(bag), (g[b] / len(bag)).expand(len(bag), -1))
        return out

    assert check(subword_grad, quiet=True).passed


def test_oov_vector_hints_for_default_n_and_python_hash():
    def oov_vector(word, ngram_vectors, min_n=3, max_n=6):          # min_n, max_n not passed on
        v = np.asarray(ngram_vectors, dtype=float)
        rows = [fnv_hash(g.encode("utf-8")) % len(v) for g in char_ngrams(word)]
        return v[rows].mean(axis=0) if rows else np.zeros(v.shape[1])

    result = check(oov_vector, "05.oov_vector", quiet=True)
    assert not result.passed and "min_n=4" in result.message and "char_ngrams(word, min_n, max_n)" in result.hint

    def oov_vector(word, ngram_vectors, min_n=3, max_n=6):          # noqa: F811 - Python's hash()
        v = np.asarray(ngram_vectors, dtype=float)
        rows = [hash(g.encode("utf-8")) % len(v) for g in char_ngrams(word, min_n, max_n)]
        return v[rows].mean(axis=0) if rows else np.zeros(v.shape[1])

    result = check(oov_vector, "05.oov_vector", quiet=True)
    assert not result.passed and "hash()" in result.hint


def test_char_ngrams_order_does_not_matter_but_counts_do():
    assert check(lambda word, min_n=3, max_n=6: sorted(char_ngrams(word, min_n, max_n)),
                 "05.char_ngrams", quiet=True).passed
    result = check(lambda word, min_n=3, max_n=6: "".join(char_ngrams(word, min_n, max_n)),
                   "05.char_ngrams", quiet=True)
    assert not result.passed and "list of strings" in result.message


def test_the_vectors_do_not_depend_on_the_number_of_threads():
    from embedlab import corpus

    docs = list(corpus.iter_documents("course-corpus-slice"))[:800]
    one = train_fasttext(docs, dim=16, epochs=1, bucket=5000, seed=2, threads=1)
    two = train_fasttext(docs, dim=16, epochs=1, bucket=5000, seed=2, threads=2)
    np.testing.assert_array_equal(one.input_matrix, two.input_matrix)
