"""embedlab.evaluate against gensim's own evaluation code, on pretrained GloVe vectors."""
from __future__ import annotations

import logging
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from embedlab import corpus
from embedlab import evaluate as ev

logging.getLogger("gensim").setLevel(logging.ERROR)

VOCAB = 30_000


@pytest.fixture(scope="module")
def glove():
    """The 30,000 most frequent words of GloVe 6B-50d, their vectors and a gensim KeyedVectors of them."""
    from gensim.models import KeyedVectors

    from embedlab.corpus import load_glove

    vectors, words = load_glove(VOCAB)
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(words, vectors)
    return SimpleNamespace(vectors=vectors, words=words, kv=kv)


def _write_questions(path, questions):
    """Questions in the format of questions-words.txt, for gensim."""
    lines, section = [], None
    for s, *quad in questions:
        if s != section:
            lines.append(f": {s}")
            section = s
        lines.append(" ".join(quad))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _gensim_analogies(kv, path, **kwargs):
    score, sections = kv.evaluate_word_analogies(str(path), **kwargs)
    per_section = {s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
                   for s in sections[:-1]}
    return score, per_section, sections[-1]


# ---------------------------------------------------------------------------
# Same numbers as gensim
# ---------------------------------------------------------------------------
def test_analogy_accuracy_equals_gensim_on_glove(glove, tmp_path):
    # Every 25th question of all 14 sections (gensim answers one question at a time:
    # the whole set would take it over a minute).
    questions = corpus.load_analogies()[::25]
    path = tmp_path / "questions.txt"
    _write_questions(path, questions)
    score, sections, total = _gensim_analogies(glove.kv, path, restrict_vocab=VOCAB)

    ours = ev.analogy_accuracy(glove.vectors, glove.words, questions=questions, restrict_vocab=VOCAB)
    assert ours.correct == len(total["correct"])
    assert ours.total == len(total["correct"]) + len(total["incorrect"])
    assert ours.accuracy == pytest.approx(score, abs=1e-12)
    assert ours.sections == sections
    assert len(ours.sections) == 14 and ours.skipped == len(questions) - ours.total
    # Pretrained GloVe solves about half of them; random vectors of the same shape none.
    assert 0.42 < ours.accuracy < 0.58, ours
    noise = np.random.default_rng(0).normal(size=glove.vectors.shape)
    assert ev.analogy_accuracy(noise, glove.words, questions=questions).accuracy < 0.01


def test_analogy_accuracy_with_case_variants_and_restrict_vocab_equals_gensim(glove, tmp_path):
    """A vocabulary with 'Paris' next to 'paris': gensim's case rules, case-insensitive or not."""
    from gensim.models import KeyedVectors

    rng = np.random.default_rng(1)
    base = 4000
    words, vectors = list(glove.words[:base]), [glove.vectors[:base]]
    # Capitalised variants of 300 words, with nearby vectors: they are the closest words
    # to their lowercase twin, so only the case rules stop them from being the answers.
    twins = rng.choice(base, 300, replace=False)
    words += [glove.words[i].capitalize() for i in twins]
    vectors.append(glove.vectors[twins] + 0.3 * rng.normal(size=(300, 50)).astype(np.float32))
    vectors = np.concatenate(vectors)
    kv = KeyedVectors(50)
    kv.add_vectors(words, vectors)

    in_vocab = set(glove.words[:base])
    questions = [q for q in corpus.load_analogies() if set(q[1:]) <= in_vocab][::3]
    # Some questions written with capitals, as in the original file.
    questions = [(s, a.capitalize(), b, c, d) if i % 4 == 0 else (s, a, b, c, d)
                 for i, (s, a, b, c, d) in enumerate(questions)]
    assert len(questions) > 300
    path = tmp_path / "questions.txt"
    _write_questions(path, questions)
    for restrict, case_insensitive in [(len(words), True), (len(words), False), (3500, True)]:
        score, sections, _ = _gensim_analogies(kv, path, restrict_vocab=restrict, case_insensitive=case_insensitive)
        ours = ev.analogy_accuracy(vectors, words, questions=questions, restrict_vocab=restrict,
                                   case_insensitive=case_insensitive)
        assert ours.sections == sections, (restrict, case_insensitive)
        assert ours.accuracy == pytest.approx(score, abs=1e-12)
    assert ours.total > 0


@pytest.mark.parametrize("name,filename", [("wordsim353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")])
def test_word_similarity_equals_gensim(glove, name, filename):
    from embedlab import data

    pearson, spearman, oov_percent = glove.kv.evaluate_word_pairs(str(data.data_dir() / "eval" / filename))
    ours = ev.word_similarity(glove.vectors, glove.words, pairs=name)
    assert ours.spearman == pytest.approx(spearman[0], abs=1e-6)
    assert ours.pearson == pytest.approx(pearson[0], abs=1e-6)
    assert 100 * ours.oov_fraction == pytest.approx(oov_percent, abs=1e-9)
    n_pairs = len(corpus.load_word_pairs(name))
    assert ours.n_pairs == round(n_pairs * (1 - ours.oov_fraction)) and 0 < ours.oov_fraction < 0.1
    # GloVe 50d: WordSim-353 about 0.54, SimLex-999 about 0.27 (relatedness is easier than similarity).
    assert {"wordsim353": 0.45, "simlex999": 0.2}[name] < ours.spearman < {"wordsim353": 0.65, "simlex999": 0.35}[name]


def test_word_similarity_restrict_vocab_and_own_pairs(glove):
    pairs = [("king", "queen", 9.0), ("king", "cabbage", 0.5), ("cup", "coffee", 7.0), ("zzzqx", "cup", 3.0)]
    gensim_sims = [glove.kv.similarity(a, b) for a, b, _ in pairs[:3]]
    ours = ev.word_similarity(glove.vectors, glove.words, pairs=pairs)
    assert ours.n_pairs == 3 and ours.oov_fraction == pytest.approx(0.25)
    from scipy import stats

    assert ours.pearson == pytest.approx(stats.pearsonr([9.0, 0.5, 7.0], gensim_sims)[0], abs=1e-6)
    assert ours.spearman == pytest.approx(1.0)
    small = ev.word_similarity(glove.vectors, glove.words, pairs="wordsim353", restrict_vocab=2000)
    assert small.n_pairs < ev.word_similarity(glove.vectors, glove.words, pairs="wordsim353").n_pairs


def test_nearest_neighbours_and_analogy_equal_gensim_most_similar(glove):
    for word in ["king", "france", "computer"]:
        ours = ev.nearest_neighbours(glove.vectors, glove.words, query=word, k=8)
        theirs = glove.kv.most_similar(word, topn=8)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)
    ours = ev.analogy(glove.vectors, glove.words, a="man", b="king", c="woman", k=5)
    theirs = glove.kv.most_similar(positive=["king", "woman"], negative=["man"], topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs] and ours[0][0] == "queen"
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5)
    # paris : france = rome : italy, and the question words are never answers.
    answer = ev.analogy(glove.vectors, glove.words, a="paris", b="france", c="rome", k=3)
    assert answer[0][0] == "italy" and not {"paris", "france", "rome"} & {w for w, _ in answer}


def test_nearest_neighbours_of_a_vector_include_the_word_itself(glove):
    vec = glove.vectors[glove.words.index("paris")]
    ours = ev.nearest_neighbours(glove.vectors, glove.words, query=vec * 3.0, k=4)
    assert ours[0][0] == "paris" and ours[0][1] == pytest.approx(1.0, abs=1e-6)
    theirs = glove.kv.similar_by_vector(vec, topn=4)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    # A torch vector and a (1, d) row work too.
    again = ev.nearest_neighbours(glove.vectors, glove.words, query=torch.from_numpy(vec)[None], k=4)
    assert [w for w, _ in again] == [w for w, _ in ours]
    np.testing.assert_allclose([s for _, s in again], [s for _, s in ours], rtol=1e-6)


def _assert_same_neighbours(got, expected):
    assert [w for w, _ in got] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-9)


def test_every_input_form_gives_the_same_answer(glove):
    v, w = glove.vectors[:5000], glove.words[:5000]
    expected = ev.nearest_neighbours(v, w, query="river", k=5)
    holder = SimpleNamespace(vectors=v, index_to_key=w)             # e.g. a Word2VecModel
    from gensim.models import KeyedVectors

    kv = KeyedVectors(50)
    kv.add_vectors(w, v)
    for form in [(torch.from_numpy(v), w), (v.astype(np.float64), w), (holder, None), (kv, None),
                 (SimpleNamespace(wv=kv), None), (ev.prepare(v, w), None)]:
        _assert_same_neighbours(ev.nearest_neighbours(*form, query="river", k=5), expected)
    _assert_same_neighbours(ev.nearest_neighbours(v, w, query="River", k=5), expected)   # falls back to lowercase


def test_evaluate_all(glove):
    v, w = glove.vectors[:3000], glove.words[:3000]
    results = ev.evaluate_all(v, w)
    assert set(results) == {"analogy", "wordsim353", "simlex999"}
    assert isinstance(results["analogy"], ev.AnalogyResult) and results["analogy"].total > 100
    assert results["wordsim353"] == ev.word_similarity(v, w, pairs="wordsim353")
    assert "analogy accuracy" in str(results["analogy"]) and "Spearman" in str(results["simlex999"])


# ---------------------------------------------------------------------------
# One clear sentence for each wrong input
# ---------------------------------------------------------------------------
def _error(fn, *args, **kwargs) -> str:
    with pytest.raises((ValueError, KeyError, TypeError)) as info:
        fn(*args, **kwargs)
    message = str(info.value)
    assert "\n" not in message and len(message) < 300, message
    return message


def test_wrong_shapes_and_values_are_one_sentence(glove):
    v, w = glove.vectors[:100], glove.words[:100]
    assert "2-D" in _error(ev.analogy_accuracy, v[0], w)
    assert "100 rows but words has 99" in _error(ev.word_similarity, v, w[:99])
    assert "words=" in _error(ev.nearest_neighbours, v, query="the")
    bad = v.copy()
    bad[7, 3] = np.nan
    assert "NaN" in _error(ev.nearest_neighbours, bad, w, query="the") and f"'{w[7]}'" in _error(
        ev.nearest_neighbours, bad, w, query="the")
    assert "has 3 numbers but the word vectors have 50" in _error(ev.nearest_neighbours, v, w, query=np.ones(3))
    assert "positive whole number" in _error(ev.nearest_neighbours, v, w, query="the", k=0)
    assert "none of the" in _error(ev.word_similarity, v, w, pairs=[("zzq", "qqz", 1.0)])
    assert "(section, a, b, c, d)" in _error(ev.analogy_accuracy, v, w, questions=[("a", "b")])
    assert "unknown word-pair set" in _error(ev.word_similarity, v, w, pairs="wordsim")
    assert "empty" in _error(ev.analogy_accuracy, np.zeros((0, 5)), [])


def test_unknown_word_is_a_keyerror_with_one_sentence(glove):
    message = _error(ev.nearest_neighbours, glove.vectors[:5000], glove.words[:5000], query="kingg")
    assert message.startswith("'kingg' is not in the vocabulary of these 5,000 words")
    assert "did you mean 'king'" in message
    with pytest.raises(ev.UnknownWordError):
        ev.analogy(glove.vectors, glove.words, a="man", b="king", c="qwzxv")
    with pytest.raises(KeyError):            # callers that catch KeyError keep working
        ev.nearest_neighbours(glove.vectors, glove.words, query="qwzxv")


def test_no_question_in_vocabulary_is_an_error_not_an_accuracy_of_zero(glove):
    with pytest.raises(ValueError, match="none of the 19,544 analogy questions has all four words among the 50"):
        ev.analogy_accuracy(glove.vectors[:50], glove.words[:50])


def test_import_is_fast_and_lazy():
    import subprocess
    import sys

    code = "import sys, embedlab.evaluate; print(sorted(m for m in ('gensim', 'scipy', 'sklearn') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
