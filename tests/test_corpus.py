"""Tests of embedlab.corpus: the shipped course corpus and the word-vector test sets load as documented."""
from __future__ import annotations

import itertools
import time
from collections import Counter

import numpy as np
import pytest

from embedlab import corpus

SOURCES = {"gcide", "wordnet", "kjv", "austen", "devil", "fortunes", "wiki"}


@pytest.fixture(scope="module")
def slice_docs():
    return corpus.load_corpus("course-corpus-slice")


def test_slice_loads_with_about_a_million_tokens(slice_docs):
    n_tokens = sum(len(doc) for doc in slice_docs)
    assert 900_000 < n_tokens < 1_200_000
    assert all(doc and all(isinstance(t, str) and t == t.lower() and " " not in t for t in doc[:5]) for doc in slice_docs)


def test_slice_has_every_source_in_proportion():
    counts = corpus.sources("course-corpus-slice")
    assert set(counts) == SOURCES
    assert list(counts)[0] == "gcide"  # file order: the dictionary first
    assert counts["gcide"] > counts["wordnet"] > counts["fortunes"] > counts["austen"] > counts["kjv"]
    assert sum(counts.values()) == len(list(corpus.iter_documents("course-corpus-slice")))


def test_iter_documents_filters_by_source(slice_docs):
    kjv = list(corpus.iter_documents("course-corpus-slice", sources=["kjv"]))
    assert len(kjv) == corpus.sources("course-corpus-slice")["kjv"]
    assert len(list(corpus.iter_documents("course-corpus-slice", sources="kjv"))) == len(kjv)
    assert any("god" in doc for doc in kjv)
    assert len(kjv) < len(slice_docs)


def test_iter_documents_streams_the_full_corpus():
    start = time.perf_counter()
    docs = corpus.iter_documents("course-corpus")
    first = list(itertools.islice(docs, 2000))
    docs.close()
    assert len(first) == 2000 and all(first)
    # Reading everything takes several seconds; the first 2000 documents come at once.
    assert time.perf_counter() - start < 2.0


def test_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match="course-corpus-slice"):
        next(corpus.iter_documents("course-corpus-small"))
    with pytest.raises(ValueError, match="simlex999"):
        corpus.load_word_pairs("men")


def test_analogies():
    questions = corpus.load_analogies()
    assert len(questions) == 19_544
    sections = Counter(q[0] for q in questions)
    assert len(sections) == 14
    assert questions[0] == ("capital-common-countries", "athens", "greece", "baghdad", "iraq")
    assert sections["gram3-comparative"] == 1332
    assert all(len(q) == 5 and all(w == w.lower() for w in q[1:]) for q in questions)


@pytest.mark.parametrize("name, count", [("wordsim353", 353), ("simlex999", 999)])
def test_word_pairs(name, count):
    pairs = corpus.load_word_pairs(name)
    assert len(pairs) == count
    assert all(isinstance(a, str) and isinstance(b, str) and 0.0 <= s <= 10.0 for a, b, s in pairs)
    assert all(a == a.lower() and b == b.lower() for a, b, _ in pairs)


def test_word_pairs_values():
    assert corpus.load_word_pairs("wordsim353")[0] == ("love", "sex", 6.77)
    assert corpus.load_word_pairs("simlex999")[0] == ("old", "new", 1.58)


def test_load_glove_reads_the_most_frequent_words_first():
    from embedlab.corpus import load_glove

    vectors, words = load_glove(10000)
    assert vectors.shape == (10000, 50) and vectors.dtype == np.float32 and len(words) == 10000
    assert words[0] == "the"
    v = {w: vectors[i] / np.linalg.norm(vectors[i]) for i, w in enumerate(words)}
    assert v["king"] @ v["queen"] > 0.6 > v["king"] @ v["sugar"]
