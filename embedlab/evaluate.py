"""How good are these word vectors? Analogies, word similarity and nearest neighbours.

The three standard intrinsic tests of word vectors (notebooks 02-06), computed the way
gensim computes them, so the numbers are the same as gensim's
``KeyedVectors.evaluate_word_analogies`` and ``evaluate_word_pairs`` on the same vectors,
but with every question of the test set answered at once by matrix products::

    from embedlab import evaluate
    evaluate.analogy_accuracy(model)                  # any object with .vectors and .index_to_key
    evaluate.analogy_accuracy(vectors, words)         # or a (V, d) array and its V words
    evaluate.word_similarity(model, pairs="simlex999")
    evaluate.nearest_neighbours(model, query="king", k=5)
    evaluate.analogy(model, a="man", b="king", c="woman")   # man : king = woman : ?
    evaluate.evaluate_all(model)                      # all three test sets in a dict

``vectors`` is everywhere either a (V, d) float array (numpy or torch, rows in the order
of ``words``, most frequent word first) with ``words`` its V words, or one object with
``.vectors`` and ``.index_to_key`` (a gensim ``KeyedVectors``, an embedlab
``Word2VecModel``, ...) and ``words=None``. To ask many questions of the same vectors,
``prepare(vectors, words)`` normalises them once and can be passed instead.

Analogies use 3CosAdd (Mikolov et al. 2013): "a is to b as c is to ?" is answered by the
word whose unit vector is closest (cosine) to ``unit(b) - unit(a) + unit(c)``, the
question words a, b and c excluded. A question counts only when its four words are all
among the ``restrict_vocab`` most frequent words.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from .validate import InputError

__all__ = [
    "AnalogyResult",
    "SimilarityResult",
    "UnknownWordError",
    "WordVectors",
    "analogy",
    "analogy_accuracy",
    "evaluate_all",
    "nearest_neighbours",
    "prepare",
    "word_similarity",
]

# Questions per matrix product in analogy_accuracy: about 16M scores (64 MB of float32) at once.
_SCORES_PER_BLOCK = 16_000_000
# Candidates kept per question from the float32 scores, then re-scored in float64.
_CANDIDATES = 10
# gensim walks this many of its best answers to skip case variants of the question words.
_GENSIM_TOPN = 5


class UnknownWordError(KeyError):
    """A word that is not in the vocabulary (a KeyError whose message reads as a sentence)."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


@dataclass
class AnalogyResult:
    """Analogy accuracy: ``correct`` of ``total`` questions answered right.

    sections: ``{section name: (correct, total)}`` in test-set order (sections with no
    question in the vocabulary have total 0). ``skipped``: questions left out because a
    word is not among the ``restrict_vocab`` most frequent words.
    """

    accuracy: float
    correct: int
    total: int
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)
    skipped: int = 0

    def __str__(self) -> str:
        return f"analogy accuracy {self.accuracy:.3f} ({self.correct}/{self.total}, {self.skipped} skipped)"


@dataclass
class SimilarityResult:
    """Agreement of cosine similarities with human scores on word pairs.

    spearman, pearson: correlation coefficients. n_pairs: pairs whose two words are
    known. oov_fraction: fraction of the test set's pairs left out for an unknown word
    (gensim reports the same number as a percentage).
    """

    spearman: float
    pearson: float
    n_pairs: int
    oov_fraction: float

    def __str__(self) -> str:
        return (f"Spearman {self.spearman:.3f}, Pearson {self.pearson:.3f} on {self.n_pairs} pairs "
                f"({100 * self.oov_fraction:.1f}% out of vocabulary)")


# ---------------------------------------------------------------------------
# Vectors and their words
# ---------------------------------------------------------------------------
class WordVectors:
    """Word vectors ready for cosine searches: normalised once, looked up by word.

    vectors: (V, d) float32 numpy array (the input itself when it already is one: do not
    change it afterwards). unit: the rows divided by their norms (a zero row stays zero). words: the V words. key_to_index: word -> row
    (the first row, if a word appears twice).
    """

    def __init__(self, vectors: Any, words: Sequence[str] | None = None):
        if isinstance(vectors, WordVectors):
            if words is not None:
                raise ValueError("vectors is already prepared with its words: leave words=None")
            self.__dict__.update(vectors.__dict__)
            return
        vectors, words = _unpack(vectors, words)
        self.vectors = vectors
        self.words = words
        self.key_to_index: dict[str, int] = {}
        for i, w in enumerate(words):
            self.key_to_index.setdefault(w, i)
        norms64 = np.linalg.norm(vectors.astype(np.float64), axis=1)
        self.norms64 = np.where(norms64 > 0, norms64, 1.0)          # a zero row stays zero
        self.unit = (vectors / self.norms64[:, None]).astype(np.float32)
        self._lower: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.key_to_index

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    def unit64(self, rows) -> np.ndarray:
        """Rows of the unit vectors in float64 (for exact final scores)."""
        return self.vectors[rows].astype(np.float64) / self.norms64[rows, ..., None]

    def index(self, word: str) -> int:
        """Row of ``word`` (an exact match first, then ignoring case); one clear sentence if unknown."""
        if not isinstance(word, str):
            raise TypeError(f"a word must be a string, got {type(word).__name__}")
        i = self.key_to_index.get(word)
        if i is None:
            if self._lower is None:
                self._lower = {}
                for j, w in enumerate(self.words):
                    self._lower.setdefault(w.lower(), j)
            i = self._lower.get(word.strip().lower())
        if i is None:
            raise UnknownWordError(_unknown_message(word, self.words))
        return i


def _unknown_message(word: str, words: Sequence[str]) -> str:
    message = f"'{word}' is not in the vocabulary of these {len(words):,} words"
    if len(words) <= 60_000 and word:
        close = difflib.get_close_matches(word.lower(), words[:60_000], n=3, cutoff=0.75)
        if close:
            return message + "; did you mean " + ", ".join(f"'{w}'" for w in close) + "?"
    return message + "; try a more common word."


def _unpack(vectors: Any, words: Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    """(V, d) float32 array and V words from an array + words, or an object with both."""
    if words is None:
        if hasattr(vectors, "wv") and not hasattr(vectors, "index_to_key"):
            vectors = vectors.wv                      # a gensim Word2Vec / FastText model
        if hasattr(vectors, "index_to_key") and hasattr(vectors, "vectors"):
            vectors, words = vectors.vectors, vectors.index_to_key
        else:
            raise ValueError("vectors is a plain array: also pass words=[...], the word of each row "
                             "(or pass an object with .vectors and .index_to_key, such as gensim "
                             "KeyedVectors or a Word2VecModel)")
    if type(vectors).__module__.startswith("torch"):
        vectors = vectors.detach().cpu().numpy()
    array = np.asarray(vectors)
    if array.ndim != 2:
        raise ValueError(f"vectors must be a 2-D array with one row per word, got shape {tuple(array.shape)}")
    if not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"vectors must hold numbers, got dtype {array.dtype}")
    words = list(words)
    if len(words) != array.shape[0]:
        raise ValueError(f"vectors has {array.shape[0]:,} rows but words has {len(words):,} entries: "
                         "they must match, one word per row")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"vectors is empty (shape {tuple(array.shape)}): there is nothing to evaluate")
    array = array.astype(np.float32, copy=False)
    bad = ~np.isfinite(array).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(f"'{words[i]}'" for i in rows[:3])
        raise ValueError(f"vectors contain NaN or infinite values in {len(rows):,} rows ({shown}"
                         f"{', ...' if len(rows) > 3 else ''}): training probably diverged; "
                         "try a smaller learning rate")
    return array, words


def prepare(vectors: Any, words: Sequence[str] | None = None) -> WordVectors:
    """``vectors`` normalised once, to pass to the functions below instead of the raw vectors."""
    return vectors if isinstance(vectors, WordVectors) and words is None else WordVectors(vectors, words)


def _canonical(wv: WordVectors, restrict_vocab: int | None, case_insensitive: bool):
    """gensim's ``ok_vocab``: key -> first row among the first ``restrict_vocab``, and each row's key's row."""
    n = len(wv) if not restrict_vocab else min(int(restrict_vocab), len(wv))
    norm = str.upper if case_insensitive else (lambda w: w)
    ok_vocab: dict[str, int] = {}
    group = np.empty(n, dtype=np.int64)
    for i, w in enumerate(wv.words[:n]):
        group[i] = ok_vocab.setdefault(norm(w), i)
    return ok_vocab, group, norm


# ---------------------------------------------------------------------------
# Analogies
# ---------------------------------------------------------------------------
def _load_questions(questions) -> list[tuple[str, str, str, str, str]]:
    if questions is None:
        from . import corpus

        return corpus.load_analogies()
    out = []
    for q in questions:
        if len(q) == 5:
            out.append(tuple(q))
        elif len(q) == 4:
            out.append(("", *q))
        else:
            raise ValueError(f"an analogy question is (section, a, b, c, d) or (a, b, c, d), got {q!r}")
    return out


def analogy_accuracy(vectors: Any, words: Sequence[str] | None = None,
                     questions: Iterable[Sequence[str]] | None = None, restrict_vocab: int = 30000,
                     case_insensitive: bool = True) -> AnalogyResult:
    """Fraction of analogy questions "a : b = c : d" whose answer is d, with 3CosAdd.

    vectors, words: see the module docstring. questions: ``(section, a, b, c, d)`` tuples
    (or ``(a, b, c, d)``); default: Google's 19,544 questions,
    ``embedlab.corpus.load_analogies()``. restrict_vocab: only the first (most frequent)
    ``restrict_vocab`` words are searched, and a question with another word is skipped.
    case_insensitive: "Paris" and "paris" are one word (the more frequent row counts).

    Same result as gensim's ``KeyedVectors.evaluate_word_analogies`` with the same
    arguments. Every question's scores against all words come from one matrix product
    per block of questions; the best few candidates are re-scored in float64, so that
    near-ties are decided by the exact cosines rather than by float32 rounding.
    """
    wv = prepare(vectors, words)
    questions = _load_questions(questions)
    ok_vocab, group, norm = _canonical(wv, restrict_vocab, case_insensitive)
    n = len(group)

    sections: dict[str, list[int]] = {}
    rows, section_of = [], []
    skipped = 0
    for section, *quad in questions:
        counts = sections.setdefault(section, [0, 0])
        ids = [ok_vocab.get(norm(w)) for w in quad]
        if any(i is None for i in ids):
            skipped += 1
            continue
        rows.append(ids)
        section_of.append(section)
        counts[1] += 1
    if not rows:
        raise InputError(f"none of the {len(questions):,} analogy questions has all four words among the "
                         f"{n:,} words searched (restrict_vocab={restrict_vocab:,}), so there is no accuracy "
                         "to report: train on a larger corpus, lower min_count, or give questions in "
                         "the vectors' vocabulary.")
    q = np.array(rows, dtype=np.int64)                          # (Q, 4): a, b, c, expected
    predicted = _answer_analogies(wv, q[:, 0], q[:, 1], q[:, 2], n, group)
    correct_mask = predicted == q[:, 3]
    for section, ok in zip(section_of, correct_mask):
        sections[section][0] += int(ok)
    correct, total = int(correct_mask.sum()), len(rows)
    return AnalogyResult(accuracy=correct / total, correct=correct, total=total,
                         sections={s: (c, t) for s, (c, t) in sections.items()}, skipped=skipped)


def _query_vectors(wv: WordVectors, a, b, c) -> np.ndarray:
    """(Q, d) float64 unit vectors of unit(b) - unit(a) + unit(c), as gensim's most_similar builds them."""
    query = wv.unit64(b) + wv.unit64(c) - wv.unit64(a)
    norms = np.linalg.norm(query, axis=1, keepdims=True)
    return query / np.where(norms > 0, norms, 1.0)


def _top_candidates(wv: WordVectors, query64: np.ndarray, n: int, exclude: np.ndarray, k: int):
    """The k best rows (among the first n) for each query, excluded rows left out, best first.

    float32 scores for all n rows by one matrix product, the best ``k + margin`` kept,
    then re-scored in float64 and re-sorted. exclude: (Q, m) rows not to return.
    Returns (rows (Q, k'), cosines (Q, k') float64) with k' = min(k, n - m).
    """
    import torch  # lazy: keeps `import embedlab.evaluate` fast

    keep = min(n, k + _CANDIDATES)
    scores = torch.from_numpy(query64.astype(np.float32)) @ torch.from_numpy(wv.unit[:n]).T   # (Q, n)
    if exclude.size:
        scores.scatter_(1, torch.from_numpy(exclude), float("-inf"))
    top_scores, cand = torch.topk(scores, keep, dim=1)               # partial sort: fast for small k
    cand = cand.numpy()
    exact = np.einsum("qkd,qd->qk", wv.unit64(cand), query64)
    exact[np.isneginf(top_scores.numpy())] = -np.inf
    order = np.argsort(-exact, axis=1, kind="stable")[:, :min(k, n - exclude.shape[1]) or 1]
    return np.take_along_axis(cand, order, axis=1), np.take_along_axis(exact, order, axis=1)


def _answer_analogies(wv: WordVectors, a, b, c, n: int, group: np.ndarray) -> np.ndarray:
    """The answer (a canonical row id) to each question a : b = c : ?, as gensim picks it.

    gensim takes its 5 best words, the question words excluded, and answers with the
    first whose canonical form is not a question word (a case variant such as "Paris"
    for "paris" is skipped), or with the 5th word when all are.
    """
    predicted = np.empty(len(a), dtype=np.int64)
    block = max(1, _SCORES_PER_BLOCK // max(n, 1))
    for lo in range(0, len(a), block):
        sl = slice(lo, lo + block)
        query = _query_vectors(wv, a[sl], b[sl], c[sl])
        exclude = np.stack([a[sl], b[sl], c[sl]], axis=1)
        top, _ = _top_candidates(wv, query, n, exclude, _GENSIM_TOPN)
        top_groups = group[top]                                   # (B, <=5)
        ignored = (top_groups[:, :, None] == exclude[:, None, :]).any(2)
        first_ok = np.where(ignored.all(1), top.shape[1] - 1, np.argmin(ignored, axis=1))
        predicted[sl] = top_groups[np.arange(len(top)), first_ok]
    return predicted


def analogy(vectors: Any, words: Sequence[str] | None = None, a: str = "man", b: str = "king",
            c: str = "woman", k: int = 5, restrict_vocab: int | None = None) -> list[tuple[str, float]]:
    """"a is to b as c is to ?": the k best words and their cosines with unit(b) - unit(a) + unit(c).

    The three question words are never answers (as in gensim's
    ``most_similar(positive=[b, c], negative=[a])``). restrict_vocab: search only the
    first (most frequent) words. An unknown word raises :class:`UnknownWordError`.
    """
    wv = prepare(vectors, words)
    _check_k(k)
    ia, ib, ic = wv.index(a), wv.index(b), wv.index(c)
    n = len(wv) if not restrict_vocab else min(int(restrict_vocab), len(wv))
    query = _query_vectors(wv, np.array([ia]), np.array([ib]), np.array([ic]))
    # Question words beyond the first n rows are not searched anyway.
    exclude = np.array([sorted({i for i in (ia, ib, ic) if i < n})], dtype=np.int64)
    top, sims = _top_candidates(wv, query, n, exclude, k)
    return [(wv.words[i], float(s)) for i, s in zip(top[0], sims[0]) if np.isfinite(s)]


# ---------------------------------------------------------------------------
# Neighbours
# ---------------------------------------------------------------------------
def _check_k(k) -> None:
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a positive whole number, got {k!r}")


def nearest_neighbours(vectors: Any, words: Sequence[str] | None = None, query: Any = "king",
                       k: int = 10) -> list[tuple[str, float]]:
    """The k words whose vectors have the highest cosine with ``query``, best first.

    query: a word (itself excluded from the answer, as in gensim's ``most_similar``) or a
    (d,) vector (nothing excluded). Returns ``[(word, cosine), ...]``. An unknown word
    raises :class:`UnknownWordError` with one sentence (and close spellings, if any).
    """
    wv = prepare(vectors, words)
    _check_k(k)
    if isinstance(query, str):
        i = wv.index(query)
        query64 = wv.unit64(np.array([i]))
        exclude = np.array([[i]])
    else:
        if type(query).__module__.startswith("torch"):
            query = query.detach().cpu().numpy()
        q = np.asarray(query, dtype=np.float64).reshape(-1) if np.ndim(query) <= 2 else None
        if q is None or np.ndim(query) not in (1, 2) or (np.ndim(query) == 2 and 1 not in np.shape(query)):
            raise ValueError(f"query must be a word or one vector of {wv.dim} numbers, got shape {np.shape(query)}")
        if q.size != wv.dim:
            raise ValueError(f"the query vector has {q.size} numbers but the word vectors have {wv.dim}")
        if not np.isfinite(q).all():
            raise ValueError("the query vector contains NaN or infinite values")
        norm = np.linalg.norm(q)
        query64 = (q / (norm if norm > 0 else 1.0))[None, :]
        exclude = np.zeros((1, 0), dtype=np.int64)
    top, sims = _top_candidates(wv, query64, len(wv), exclude, k)
    return [(wv.words[i], float(s)) for i, s in zip(top[0], sims[0]) if np.isfinite(s)]


# ---------------------------------------------------------------------------
# Word similarity
# ---------------------------------------------------------------------------
def _load_pairs(pairs) -> list[tuple[str, str, float]]:
    if isinstance(pairs, str):
        from . import corpus

        return corpus.load_word_pairs(pairs)
    out = []
    for p in pairs:
        if len(p) != 3:
            raise ValueError(f"a word pair is (word1, word2, human score), got {p!r}")
        out.append((p[0], p[1], float(p[2])))
    return out


def word_similarity(vectors: Any, words: Sequence[str] | None = None, pairs: Any = "wordsim353",
                    restrict_vocab: int = 300000, case_insensitive: bool = True) -> SimilarityResult:
    """Correlation of the vectors' cosine similarities with human similarity scores.

    pairs: ``"wordsim353"`` (relatedness: cup ~ coffee scores high), ``"simlex999"``
    (similarity only) or a list of ``(word1, word2, score)``. Pairs with a word outside
    the first ``restrict_vocab`` words are left out (``oov_fraction`` says how many).
    Same numbers as gensim's ``KeyedVectors.evaluate_word_pairs``.
    """
    from scipy import stats  # lazy: scipy is slow to import

    wv = prepare(vectors, words)
    pairs = _load_pairs(pairs)
    ok_vocab, _, norm = _canonical(wv, restrict_vocab, case_insensitive)
    first, second, gold = [], [], []
    for w1, w2, score in pairs:
        i, j = ok_vocab.get(norm(w1)), ok_vocab.get(norm(w2))
        if i is not None and j is not None:
            first.append(i)
            second.append(j)
            gold.append(score)
    if not gold:
        raise InputError(f"none of the {len(pairs)} word pairs has both words in the vocabulary: "
                         "nothing to correlate. Train on a larger corpus or lower min_count.")
    model = (wv.unit64(np.array(first)) * wv.unit64(np.array(second))).sum(1)
    if len(gold) < 3 or np.ptp(model) == 0 or np.ptp(gold) == 0:
        spearman = pearson = float("nan")
    else:
        spearman = float(stats.spearmanr(gold, model)[0])
        pearson = float(stats.pearsonr(gold, model)[0])
    return SimilarityResult(spearman=spearman, pearson=pearson, n_pairs=len(gold),
                            oov_fraction=(len(pairs) - len(gold)) / len(pairs))


def evaluate_all(vectors: Any, words: Sequence[str] | None = None) -> dict[str, Any]:
    """All three tests at once: ``{"analogy": AnalogyResult, "wordsim353": ..., "simlex999": ...}``."""
    wv = prepare(vectors, words)
    return {"analogy": analogy_accuracy(wv),
            "wordsim353": word_similarity(wv, pairs="wordsim353"),
            "simlex999": word_similarity(wv, pairs="simlex999")}
