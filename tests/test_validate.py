"""A learner's bad input gets one clear sentence from every trainer and evaluator.

Each case here was tried as a new user would, and each once gave an error from deep
inside torch, or trained silently on garbage. The messages must say what is wrong and
how to fix it; in Jupyter they show without the traceback through embedlab.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from embedlab import evaluate, validate
from embedlab.device import DeviceError
from embedlab.doc2vec import train_doc2vec
from embedlab.fasttext import train_fasttext
from embedlab.glove import train_glove
from embedlab.swivel import train_swivel
from embedlab.word2vec import train_word2vec

# A tiny corpus every trainer accepts (each word occurs at least min_count=1 times).
SENTENCES = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog met on a mat"] * 4
DOCS = [s.split() for s in SENTENCES]
FAST = dict(dim=8, epochs=1, min_count=1)


def _fasttext(docs, **kw):
    return train_fasttext(docs, bucket=1000, **{**FAST, **kw})


TRAINERS = {"word2vec": train_word2vec, "fastText": _fasttext, "Doc2Vec": train_doc2vec}


@pytest.fixture(params=sorted(TRAINERS))
def trainer(request):
    fn = TRAINERS[request.param]
    return lambda docs, **kw: fn(docs, **{**FAST, **kw})


def _sentence(err) -> str:
    """The message, which must be one sentence-like line, not a traceback from torch."""
    text = str(err.value)
    assert "\n" not in text and len(text) < 400, text
    return text


def test_the_tiny_corpus_trains(trainer):
    trainer(DOCS)  # the cases below fail for their input alone


def test_a_list_of_strings_is_refused_not_read_as_characters(trainer):
    with pytest.raises(validate.InputError) as err:
        trainer(SENTENCES)
    text = _sentence(err)
    assert "document 0" in text and "single characters" in text and "split()" in text


def test_untokenised_documents_are_refused(trainer):
    with pytest.raises(validate.InputError) as err:
        trainer([[s] for s in SENTENCES])
    assert "contain spaces" in _sentence(err) and "split()" in str(err.value)


def test_one_string_and_non_string_tokens_are_refused(trainer):
    with pytest.raises(validate.InputError, match="one string"):
        trainer("the cat sat on the mat")
    with pytest.raises(validate.InputError, match="tokens must be strings"):
        trainer([[1, 2, 3], [2, 3, 4]])


def test_an_empty_corpus_says_it_is_empty(trainer):
    with pytest.raises(validate.InputError) as err:
        trainer([])
    assert "docs is empty" in _sentence(err)
    with pytest.raises(validate.InputError, match="every document of docs is empty"):
        trainer([[], []])


def test_too_high_min_count_says_how_frequent_the_words_are(trainer):
    with pytest.raises(validate.InputError) as err:
        trainer(DOCS, min_count=1000)
    text = _sentence(err)
    assert "min_count=1000" in text and "occurs 16 times" in text


@pytest.mark.parametrize("name, value", [("dim", 0), ("dim", -5), ("window", 0), ("window", -2),
                                         ("negative", 0), ("epochs", 0), ("dim", 2.5), ("window", True),
                                         ("alpha", -0.1), ("alpha", float("nan")), ("sample", -1)])
def test_bad_parameters_name_the_parameter(trainer, name, value):
    with pytest.raises(validate.InputError) as err:
        trainer(DOCS, **{name: value})
    text = _sentence(err)
    assert text.startswith(f"{name} must be") and repr(value) in text


def test_min_alpha_above_alpha_is_refused(trainer):
    with pytest.raises(validate.InputError, match="min_alpha"):
        trainer(DOCS, alpha=0.01, min_alpha=0.1)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_says_what_is_available(trainer):
    with pytest.raises(DeviceError) as err:
        trainer(DOCS, device="cuda")
    assert "'cuda' is not available on this machine; available: cpu" in _sentence(err)
    with pytest.raises(DeviceError, match="not a device"):
        trainer(DOCS, device="gpu")


def test_a_diverging_learning_rate_is_refused_not_returned_as_nan(trainer):
    with pytest.raises(validate.DivergedError) as err:
        trainer(DOCS, alpha=1e30, epochs=3)
    text = _sentence(err)
    assert "diverged" in text and "alpha=1e+30" in text and "try a smaller one" in text


# ---------------------------------------------------------------------------
# GloVe and SWIVEL: the co-occurrence matrix
# ---------------------------------------------------------------------------
COUNT_TRAINERS = {"GloVe": lambda m, **kw: train_glove(m, **{"dim": 4, "epochs": 2, **kw}),
                  "SWIVEL": lambda m, **kw: train_swivel(m, **{"dim": 4, "epochs": 2, **kw})}


@pytest.fixture(params=sorted(COUNT_TRAINERS))
def count_trainer(request):
    return COUNT_TRAINERS[request.param]


def _counts() -> np.ndarray:
    rng = np.random.default_rng(0)
    m = rng.poisson(2.0, size=(12, 12)).astype(float)
    return m + m.T


def test_the_small_matrix_trains(count_trainer):
    count_trainer(_counts())
    count_trainer(sp.csr_matrix(_counts()))


def test_an_all_zero_matrix_is_refused(count_trainer):
    with pytest.raises(validate.InputError) as err:
        count_trainer(np.zeros((5, 5)))
    assert "all zeros" in _sentence(err)  # SWIVEL once said "math domain error"


@pytest.mark.parametrize("bad", [np.nan, np.inf, -3.0])
def test_nan_inf_and_negative_cells_are_refused(count_trainer, bad):
    m = _counts()
    m[2, 3] = bad
    with pytest.raises(validate.InputError) as err:
        count_trainer(m)
    assert "cells" in _sentence(err)
    with pytest.raises(validate.InputError):
        count_trainer(sp.csr_matrix(m))


def test_shape_words_and_parameters(count_trainer):
    with pytest.raises(validate.InputError, match="square"):
        count_trainer(np.ones((3, 4)))
    with pytest.raises(validate.InputError, match="one word per row"):
        count_trainer(_counts(), words=["a", "b"])
    with pytest.raises(validate.InputError, match="^dim must be"):
        count_trainer(_counts(), dim=0)
    with pytest.raises(validate.InputError, match="^lr must be"):
        count_trainer(_counts(), lr=0)


def test_glove_divergence_names_the_learning_rate():
    with pytest.raises(validate.DivergedError) as err:
        train_glove(_counts(), dim=4, epochs=5, lr=1e30)
    assert "lr" in _sentence(err)


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------
def test_analogies_with_no_question_covered_are_refused_not_scored_zero():
    words = ["cat", "dog", "mat"]
    vectors = np.random.default_rng(0).normal(size=(3, 4))
    with pytest.raises(validate.InputError) as err:
        evaluate.analogy_accuracy(vectors, words)
    assert "none of the 19,544 analogy questions" in _sentence(err)
    with pytest.raises(validate.InputError, match="none of the"):
        evaluate.word_similarity(vectors, words)


def test_the_one_sentence_is_what_jupyter_shows():
    try:
        train_word2vec(DOCS, dim=0)
    except validate.InputError as exc:
        shown = exc._render_traceback_()
    assert len(shown) == 1 and "dim must be a whole number >= 1" in shown[0]
    assert isinstance(validate.InputError("x"), ValueError) and isinstance(validate.InputError("x"), TypeError)
