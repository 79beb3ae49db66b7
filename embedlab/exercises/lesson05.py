"""Exercises of lesson 05: case generators, registered mistakes and hints.

05.char_ngrams, 05.fnv_hash, 05.oov_vector and 05.subword_grad grade functions of
``embedlab/fasttext.py``; 05.bpe_merge_step grades ``embedlab/subword_tokenizers.py``.
05.subword_grad is the lesson's derivation: its reference is a numerical gradient of
``fasttext.subword_sgns_loss``, not a formula.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from embedlab import fasttext, subword_tokenizers
from embedlab.check import Case, exercise, mistake
from embedlab.fasttext import BOW, EOW, FNV_OFFSET_BASIS, FNV_PRIME, MASK32, char_ngrams, fnv_hash, ngram_hashes
from embedlab.gradcheck import numerical_gradients
from embedlab.subword_tokenizers import Symbols, _best_pair, merge_symbols, pair_counts


# ---------------------------------------------------------------------------
# embedlab/fasttext.py
# ---------------------------------------------------------------------------


def _multiset_compare(got: Any, expected: list[str]) -> str | None:
    """Same n-grams, the same number of times each; order does not matter."""
    if got is None:
        return "returned None (is a `return` missing?)"
    if isinstance(got, str) or not isinstance(got, (list, tuple)):
        return f"expected a list of strings, got {type(got).__name__}"
    if not all(isinstance(g, str) for g in got):
        return "expected a list of strings (the n-grams themselves)"
    have, want = Counter(got), Counter(expected)
    if have == want:
        return None
    missing = sorted((want - have).elements())
    extra = sorted((have - want).elements())
    parts = []
    if missing:
        parts.append(f"missing {missing[:6]}{' ...' if len(missing) > 6 else ''}")
    if extra:
        parts.append(f"unexpected {extra[:6]}{' ...' if len(extra) > 6 else ''}")
    return f"{len(got)} n-grams, expected {len(expected)}: " + "; ".join(parts)


def _char_ngrams_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case(("where",), label="'where': the example of the fastText paper"),
        Case(("a",), label="a one-letter word: '<a>' is its only 3-gram"),
        Case(("banana",), label="'ana' occurs twice: keep both"),
        Case(("ox",), {"min_n": 2, "max_n": 3}, label="min_n=2, max_n=3"),
        Case(("unfriendliness",), label="a long word: no n-gram is longer than max_n"),
        Case(("café",), label="a non-ASCII word: n counts characters, not bytes"),
        Case(("the",), {"min_n": 3, "max_n": 3}, label="min_n = max_n = 3"),
        Case(("dictionary",), {"min_n": 4, "max_n": 5}, label="min_n=4, max_n=5"),
    ]
    letters = list("abcdefghijklmnopqrstuvwxyz")
    for _ in range(4):
        word = "".join(rng.choice(letters, size=int(rng.integers(2, 12))))
        lo = int(rng.integers(1, 4))
        cases.append(Case((word,), {"min_n": lo, "max_n": lo + int(rng.integers(0, 4))},
                          label=f"random word {word!r}"))
    return cases


exercise("05.char_ngrams", fasttext.char_ngrams, cases=_char_ngrams_cases, compare=_multiset_compare, hints=[
    "Every n-gram is a substring of the MARKED word, '<' + word + '>'. A substring is fixed by two "
    "numbers: where it starts and how long it is.",
    "For 'the' the marked word '<the>' has 5 characters, and the answer (n = 3 to 6) is '<th', '<the', "
    "'<the>', 'the', 'the>', 'he>'. Both ends of the length range are included, a substring may not "
    "run past the end of the marked word, and repeats stay (a list, not a set).",
    "Plan: build the marked word; for every start position i and every length n from min_n up to "
    "AND including max_n, keep the substring of length n that starts at i when i + n does not exceed "
    "the marked word's length. Return the list (the order does not matter to the check).",
])


@mistake("05.char_ngrams", "The whole marked word is missing: when '<' + word + '>' has at most "
         "max_n characters ('<a>', '<the>'), it is one of the n-grams too. (The word's own vector is a "
         "separate row, but that does not remove '<the>' from the n-grams.)")
def _char_ngrams_no_whole_word(word, min_n=3, max_n=6):
    marked = BOW + word + EOW
    return [g for g in char_ngrams(word, min_n, max_n) if g != marked]


@mistake("05.char_ngrams", "The boundary markers are missing: take the n-grams of "
         "'<' + word + '>', so that '<wh' (a word start) differs from 'wh' inside a word.")
def _char_ngrams_no_markers(word, min_n=3, max_n=6):
    return [word[i:i + n] for i in range(len(word)) for n in range(min_n, max_n + 1)
            if i + n <= len(word)]


@mistake("05.char_ngrams", "The longest n-grams are missing: range(min_n, max_n) stops before "
         "max_n. Use range(min_n, max_n + 1) so that n = max_n is included.")
def _char_ngrams_off_by_one(word, min_n=3, max_n=6):
    marked = BOW + word + EOW
    return [marked[i:i + n] for i in range(len(marked)) for n in range(min_n, max_n)
            if i + n <= len(marked)]


@mistake("05.char_ngrams", "You added the whole marked word '<word>' as an extra n-gram. It is "
         "an n-gram only when it has at most max_n characters (then the loop finds it anyway); "
         "the word's own vector is a separate row, not an n-gram.")
def _char_ngrams_whole_word(word, min_n=3, max_n=6):
    marked = BOW + word + EOW
    grams = [marked[i:i + n] for i in range(len(marked)) for n in range(min_n, max_n + 1)
             if i + n <= len(marked)]
    return grams if marked in grams else grams + [marked]


@mistake("05.char_ngrams", "Repeated n-grams were dropped (a set?). fastText keeps every "
         "occurrence: 'banana' has 'ana' twice, and both count in the mean.")
def _char_ngrams_unique(word, min_n=3, max_n=6):
    return sorted(set(char_ngrams(word, min_n, max_n)))


@mistake("05.char_ngrams", "Some n-grams run past the end of the word: slicing marked[i:i+n] "
         "near the end returns a shorter string. Keep only n-grams with i + n <= len(marked).")
def _char_ngrams_past_end(word, min_n=3, max_n=6):
    marked = BOW + word + EOW
    return [marked[i:i + n] for i in range(len(marked)) for n in range(min_n, max_n + 1)]


def _fnv_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case((b"",), label="no bytes: the offset basis itself"),
        Case((b"a",), label="one byte"),
        Case((b"<wh",), label="an n-gram of 'where'"),
        Case((b"where>",), label="a suffix n-gram"),
        Case(("<caf".encode("utf-8"),), label="ASCII only"),
        Case(("café>".encode("utf-8"),), label="'é' is two bytes >= 128: fastText reads them as signed"),
        Case(("<gödel>".encode("utf-8"),), label="another non-ASCII n-gram"),
    ]
    for size in (4, 12, 40):
        cases.append(Case((bytes(rng.integers(0, 256, size=size).astype(np.uint8)),),
                          label=f"{size} random bytes"))
    return cases


exercise("05.fnv_hash", fasttext.fnv_hash, cases=_fnv_cases, rtol=0.0, atol=0.0, hints=[
    "The markdown above the exercise gives the algorithm: one number h, which starts at the offset "
    "basis and is updated once per byte, in order. Looping over a bytes object gives ints from 0 to "
    "255. FNV-1a means: XOR first, multiply second.",
    "Python integers never overflow, but fastText's 32-bit unsigned h does: keep only the low 32 bits "
    "after each multiplication (& 0xFFFFFFFF). A byte b >= 128 is a negative signed char in C, which as "
    "32 bits is b | 0xFFFFFF00. Two checks: the hash of b'' is 2166136261, and yours must agree with "
    "gensim's ft_hash_bytes.",
    "Plan: h = the offset basis; for each byte b: if b >= 128 replace it by b | 0xFFFFFF00; XOR b into "
    "h; multiply h by the prime 16777619 and mask it with 0xFFFFFFFF. Return h after the last byte.",
])


@mistake("05.fnv_hash", "Right for ASCII, wrong for bytes >= 128: fastText XORs each byte as a "
         "signed char, so a byte b >= 128 is XOR-ed as b | 0xFFFFFF00 (its sign extended to 32 bits).")
def _fnv_unsigned(data):
    h = FNV_OFFSET_BASIS
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK32
    return h


def _code_points(data):
    return [ord(ch) for ch in data.decode("utf-8", errors="replace")]


_CHARACTERS_HINT = ("fastText hashes the UTF-8 BYTES of the n-gram, not its characters: 'é' is the "
                    "two bytes 0xC3 0xA9, not the one code point 233. Loop over `data` itself (a bytes "
                    "object gives ints 0..255); do not decode it.")


@mistake("05.fnv_hash", _CHARACTERS_HINT)
def _fnv_characters(data):
    return fnv_hash(_code_points(data))          # the right loop, over code points instead of bytes


@mistake("05.fnv_hash", _CHARACTERS_HINT)
def _fnv_characters_unsigned(data):
    return _fnv_unsigned(_code_points(data))


@mistake("05.fnv_hash", "You multiply first and XOR second: that is FNV-1. fastText uses FNV-1a: "
         "h = h XOR byte, THEN h = h * 16777619.")
def _fnv_1_not_1a(data):
    h = FNV_OFFSET_BASIS
    for b in data:
        if b >= 128:
            b |= 0xFFFFFF00
        h = ((h * FNV_PRIME) & MASK32) ^ b
    return h


@mistake("05.fnv_hash", "The hash is not kept to 32 bits: Python integers never overflow, so "
         "mask after every multiplication, h = (h * 16777619) & 0xFFFFFFFF.")
def _fnv_no_mask(data):
    h = FNV_OFFSET_BASIS
    for b in data:
        if b >= 128:
            b |= 0xFFFFFF00
        h = (h ^ b) * FNV_PRIME
    return h


@mistake("05.fnv_hash", "h must start from the FNV offset basis 2166136261, not 0.")
def _fnv_zero_start(data):
    h = 0
    for b in data:
        if b >= 128:
            b |= 0xFFFFFF00
        h = ((h ^ b) * FNV_PRIME) & MASK32
    return h


def _oov_cases(rng: np.random.Generator) -> list[Case]:
    cases = [
        Case(("where", rng.normal(size=(1000, 4))), label="'where', 1000 buckets, d=4"),
        Case(("banana", rng.normal(size=(500, 3))), label="'banana': 'ana' twice, so its row counts twice"),
        Case(("a", rng.normal(size=(100, 5))), label="a one-letter word: one n-gram, '<a>'"),
        Case(("", rng.normal(size=(100, 5))), label="the empty word: no n-gram at all, a zero vector"),
        Case(("unfriendliness", rng.normal(size=(20, 6))),
             label="only 20 buckets: many n-grams share a row (hash collisions)"),
        Case(("dictionarylike", rng.normal(size=(2000, 8))), {"min_n": 4, "max_n": 5},
             label="min_n=4, max_n=5"),
        Case(("naïve", rng.normal(size=(300, 4))), label="a non-ASCII word"),
    ]
    letters = list("abcdefghijklmnopqrstuvwxyz")
    for b, d in [(777, 10), (50_000, 16)]:
        word = "".join(rng.choice(letters, size=int(rng.integers(3, 14))))
        cases.append(Case((word, rng.normal(size=(b, d))), label=f"random word {word!r}, {b} buckets"))
    return cases


exercise("05.oov_vector", fasttext.oov_vector, cases=_oov_cases, rtol=1e-5, atol=1e-8, hints=[
    "You already have the pieces: char_ngrams lists the n-grams (pass min_n and max_n on), fnv_hash "
    "turns each one into a number, and ngram_vectors has one row per bucket. Which row does an "
    "n-gram use, and how are the rows combined?",
    "The row of n-gram g is fnv_hash(g.encode('utf-8')) % bucket, where bucket is the number of rows "
    "of the matrix you were given (not gensim's 2,000,000). The vector is the MEAN of the rows, one "
    "row per n-gram: an n-gram that occurs twice, or two n-grams in the same bucket, count twice. A "
    "word without n-grams gets zeros of length d.",
    "Plan: make the list of row numbers, one per n-gram of char_ngrams(word, min_n, max_n); if the "
    "list is empty, return a zero vector of length d; otherwise index the matrix with the list "
    "(indexing with a list gives one row per entry, repeats included) and average over axis 0.",
])


@mistake("05.oov_vector", "You summed the n-gram vectors: fastText takes their MEAN (divide by "
         "the number of n-grams), so that long words do not get long vectors.")
def _oov_sum(word, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=float)
    rows = ngram_hashes(word, min_n, max_n, ngram_vectors.shape[0])
    return ngram_vectors[rows].sum(axis=0) if rows else np.zeros(ngram_vectors.shape[1])


@mistake("05.oov_vector", "The n-grams were taken without the boundary markers: hash the n-grams "
         "of '<' + word + '>' (char_ngrams adds them), as training did.")
def _oov_no_markers(word, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=float)
    grams = [word[i:i + n] for i in range(len(word)) for n in range(min_n, max_n + 1) if i + n <= len(word)]
    rows = [fnv_hash(g.encode("utf-8")) % ngram_vectors.shape[0] for g in grams]
    return ngram_vectors[rows].mean(axis=0) if rows else np.zeros(ngram_vectors.shape[1])


@mistake("05.oov_vector", "Each bucket was counted once (np.unique or a set): fastText averages "
         "over every n-gram, so a repeated n-gram, or two n-grams that share a bucket, count twice.")
def _oov_unique_rows(word, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=float)
    rows = sorted(set(ngram_hashes(word, min_n, max_n, ngram_vectors.shape[0])))
    return ngram_vectors[rows].mean(axis=0) if rows else np.zeros(ngram_vectors.shape[1])


@mistake("05.oov_vector", "A word without n-grams (e.g. the empty word) gives the mean of nothing, "
         "NaN. Return np.zeros(d) in that case, as gensim does.")
def _oov_nan(word, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=float)
    rows = ngram_hashes(word, min_n, max_n, ngram_vectors.shape[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        return ngram_vectors[rows].sum(axis=0) / len(rows)


@mistake("05.oov_vector", "A hash is a number up to 2**32: reduce it to a row with "
         "fnv_hash(...) % ngram_vectors.shape[0] (the number of buckets) before indexing.")
def _oov_no_modulo(word, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=float)
    rows = [fnv_hash(g.encode("utf-8")) for g in char_ngrams(word, min_n, max_n)]
    return ngram_vectors[rows].mean(axis=0) if rows else np.zeros(ngram_vectors.shape[1])


@mistake("05.oov_vector", "The number of buckets is hard-coded: take it from the matrix you were "
         "given, fnv_hash(...) % ngram_vectors.shape[0], not % 2_000_000 (gensim's default).")
def _oov_fixed_bucket(word, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=float)
    rows = [fnv_hash(g.encode("utf-8")) % 2_000_000 % ngram_vectors.shape[0]
            for g in char_ngrams(word, min_n, max_n)]
    return ngram_vectors[rows].mean(axis=0) if rows else np.zeros(ngram_vectors.shape[1])


@mistake("05.oov_vector", "min_n and max_n were not passed on: char_ngrams(word) uses its defaults "
         "(3 and 6) whatever oov_vector was given. Call char_ngrams(word, min_n, max_n).")
def _oov_default_n(word, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=float)
    rows = [fnv_hash(g.encode("utf-8")) % ngram_vectors.shape[0] for g in char_ngrams(word)]
    return ngram_vectors[rows].mean(axis=0) if rows else np.zeros(ngram_vectors.shape[1])


@mistake("05.oov_vector", "The rows do not match fastText's: Python's built-in hash() is not FNV-1a "
         "(and it changes from one Python process to the next). Use fnv_hash(g.encode('utf-8')) "
         "% ngram_vectors.shape[0].")
def _oov_python_hash(word, ngram_vectors, min_n=3, max_n=6):
    ngram_vectors = np.asarray(ngram_vectors, dtype=float)
    rows = [hash(g.encode("utf-8")) % ngram_vectors.shape[0] for g in char_ngrams(word, min_n, max_n)]
    return ngram_vectors[rows].mean(axis=0) if rows else np.zeros(ngram_vectors.shape[1])


# ---------------------------------------------------------------------------
# 05.subword_grad: the derivation, graded by a numerical gradient
# ---------------------------------------------------------------------------


def subword_grad_reference(bags, input_matrix, pos, neg):
    """dL/d input_matrix, L = fasttext.subword_sgns_loss, by central differences (float64, (R, d)).

    Not the analytic answer: the definition of the derivative applied to the loss, so
    that the grader cannot share a mistake with the formula it grades.
    """
    return numerical_gradients(lambda matrix: fasttext.subword_sgns_loss(bags, matrix, pos, neg),
                               [input_matrix], wrt=[0])[0]


def _bag_case(rng, bags, rows, d, k, label):
    B = len(bags)
    return Case(([list(map(int, bag)) for bag in bags], rng.normal(scale=0.5, size=(rows, d)),
                 rng.normal(scale=0.5, size=(B, d)), rng.normal(scale=0.5, size=(B, k, d))), label=label)


def _subword_grad_cases(rng: np.random.Generator) -> list[Case]:
    banana = fasttext.subword_table(["banana"], bucket=30, offset=1, include_word=True)[1].tolist()
    cases = [
        _bag_case(rng, [[2]], 4, 3, 2, "one pair, a bag of one row: that row's gradient is dL/dv itself"),
        _bag_case(rng, [[0, 1, 3]], 5, 3, 2, "one bag of three rows: each gets its share"),
        _bag_case(rng, [[1, 4, 1]], 6, 3, 1, "row 1 is twice in the bag: it gets its share twice"),
        _bag_case(rng, [[0, 2], [2, 3, 5]], 6, 2, 2,
                  "two pairs whose bags share row 2: the loss is their mean, row 2 collects from both"),
        _bag_case(rng, [[1, 2], [1, 2]], 4, 3, 3, "the same centre word twice in a batch"),
        _bag_case(rng, [banana], 31, 3, 2,
                  "'banana': its own row 0 and its n-gram rows in 30 buckets ('ana' twice, collisions)"),
    ]
    for B, rows, d, k in [(3, 12, 4, 2), (4, 25, 2, 3)]:
        bags = [rng.integers(0, rows, size=int(rng.integers(1, 9))) for _ in range(B)]
        cases.append(_bag_case(rng, bags, rows, d, k, f"{B} random bags over {rows} rows, d={d}, k={k}"))
    return cases


def _subword_grad_parts(bags, input_matrix, pos, neg, centre_grad=None, share=len, batch_mean=True,
                        add=np.add.at):
    """The analytic gradient in its parts, each replaceable: dℓ_b/dv_b of each pair, the
    1/n share of each bag entry, the 1/B of the batch mean, and how shares are added to
    rows. Each mistake below swaps one part, so it differs from the answer in that part
    only (``test_subword_grad_parts_are_the_reference`` checks the defaults). With no
    part swapped it is the exercise's stand-in: what later cells get from
    ``yours_or_reference`` (fast, where the numerical reference is not)."""
    E = np.asarray(input_matrix, dtype=np.float64)
    p, n = np.asarray(pos, dtype=np.float64), np.asarray(neg, dtype=np.float64)
    centres = np.stack([E[list(bag)].mean(axis=0) for bag in bags])
    g = (centre_grad or _pair_centre_grad)(centres, p, n)            # (B, d), one row per pair
    if batch_mean:
        g = g / len(bags)
    G = np.zeros_like(E)
    for b, bag in enumerate(bags):
        add(G, list(bag), g[b] / share(bag))
    return G


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _pair_centre_grad(v, p, n):
    """d/dv of -log σ(v·p) - Σ_j log σ(-v·n_j), per pair (no 1/B)."""
    s, t = (v * p).sum(-1), np.einsum("bd,bkd->bk", v, n)
    return -(1 - _sigmoid(s))[:, None] * p + np.einsum("bk,bkd->bd", _sigmoid(t), n)


def _fancy_add(G, rows, x):
    G[rows] += x                     # numpy: a repeated index is written once, not added twice


exercise("05.subword_grad", subword_grad_reference, name="subword_grad", cases=_subword_grad_cases,
         rtol=1e-5, atol=1e-7, stand_in=_subword_grad_parts, hints=[
    "The chain rule, in two links: L depends on the matrix only through the B centre vectors v_b, each "
    "the mean of its bag's rows. Find dL/dv_b first (notebook 03 derived it: "
    "embedlab.word2vec.sgns_grad(centres, pos, neg) computes it, the mean over the B pairs included), "
    "then ask how v_b changes when one row of the matrix changes.",
    "$v_b = \\frac{1}{n_b} \\sum_{i=1}^{n_b} E_{\\text{bag}_b[i]}$, so $\\partial v_b / \\partial E_r$ is "
    "(how many times r is in bag b) / n_b times the identity. Row r's gradient is the sum of those "
    "shares of dL/dv_b over all pairs: a row repeated in a bag, or in two bags, collects several "
    "shares, and a row in no bag gets zeros. The result has the matrix's shape, (R, d).",
    "Plan: G = zeros shaped like input_matrix (float64); centres = the B bag means; g = dL/d centres, "
    "(B, d); for each pair b and each entry r of bags[b] (repeats included), add g[b] / len(bags[b]) to "
    "G[r]. Careful: with numpy, G[list_of_rows] += x adds only once to a repeated row; loop over the "
    "entries, or use np.add.at.",
])


@mistake("05.subword_grad", "Every row of the bag got the whole dL/dv: that is fastText's UPDATE rule "
         "(it adds the full gradient to each row), not the gradient. The centre is a MEAN of n rows, "
         "so each entry of the bag gets dL/dv divided by n = len(bag).")
def _subword_grad_no_share(bags, input_matrix, pos, neg):
    return _subword_grad_parts(bags, input_matrix, pos, neg, share=lambda bag: 1)


@mistake("05.subword_grad", "A row that is twice in a bag got its share once: with numpy, "
         "G[rows] += x writes each distinct row once, even when rows repeats it. A repeated n-gram "
         "is in the mean twice, so it gets 2/n of dL/dv: add entry by entry (NumPy has an "
         "unbuffered add for exactly this).")
def _subword_grad_fancy_index(bags, input_matrix, pos, neg):
    return _subword_grad_parts(bags, input_matrix, pos, neg, add=_fancy_add)


@mistake("05.subword_grad", "Each distinct row got dL/dv divided by the number of DISTINCT rows (a "
         "set of the bag). The mean is over all n entries of the bag, repeats included: an entry's "
         "share is 1/n, and a row that is there twice gets 2/n.")
def _subword_grad_distinct_rows(bags, input_matrix, pos, neg):
    return _subword_grad_parts(bags, input_matrix, pos, neg, add=_fancy_add, share=lambda bag: len(set(bag)))


@mistake("05.subword_grad", "The sign is flipped: you returned minus the gradient (word2vec.c's "
         "g = label - σ(score) is the step DOWNHILL, -dL/dscore). The gradient of "
         "-log σ(v·p) with respect to v is -(1 - σ(v·p)) p, pointing away from p.")
def _subword_grad_flipped_sign(bags, input_matrix, pos, neg):
    return _subword_grad_parts(bags, input_matrix, pos, neg,
                               centre_grad=lambda v, p, n: -_pair_centre_grad(v, p, n))


@mistake("05.subword_grad", "The 1/B is missing: the loss is the MEAN over the B pairs of the "
         "batch (as in sgns_loss), so each pair's gradient is divided by B.")
def _subword_grad_no_batch_mean(bags, input_matrix, pos, neg):
    return _subword_grad_parts(bags, input_matrix, pos, neg, batch_mean=False)


@mistake("05.subword_grad", "The noise words are missing: each of the k terms -log σ(-v·n_j) also "
         "depends on v, and adds σ(v·n_j) n_j to dL/dv.")
def _subword_grad_no_noise(bags, input_matrix, pos, neg):
    return _subword_grad_parts(bags, input_matrix, pos, neg,
                               centre_grad=lambda v, p, n: _pair_centre_grad(v, p, np.zeros_like(n)))


@mistake("05.subword_grad", "You spread the gradient with respect to the CONTEXT vectors "
         "(-(1 - σ(v·p)) v for p, σ(v·n_j) v for n_j: multiples of v itself). The gradient with "
         "respect to v is a combination of the context vectors: d(v·p)/dv = p.")
def _subword_grad_wrong_vector(bags, input_matrix, pos, neg):
    def context_grads(v, p, n):
        s, t = (v * p).sum(-1), np.einsum("bd,bkd->bk", v, n)
        return (-(1 - _sigmoid(s)) + _sigmoid(t).sum(-1))[:, None] * v

    return _subword_grad_parts(bags, input_matrix, pos, neg, centre_grad=context_grads)


# ---------------------------------------------------------------------------
# embedlab/subword_tokenizers.py
# ---------------------------------------------------------------------------


def _merge_step_cases(rng: np.random.Generator) -> list[Case]:
    sennrich = {("l", "o", "w", "</w>"): 5, ("l", "o", "w", "e", "r", "</w>"): 2,
                ("n", "e", "w", "e", "s", "t", "</w>"): 6, ("w", "i", "d", "e", "s", "t", "</w>"): 3}
    cases = [
        Case((sennrich,), label="Sennrich et al.'s example: low, lower, newest, widest"),
        # ("a", "b") is in more words, ("c", "d") has the higher count: frequency matters.
        Case(({("a", "b", "x"): 1, ("a", "b", "y"): 1, ("a", "b"): 1, ("c", "d"): 5},),
             label="'c d' in one frequent word beats 'a b' in three rare ones"),
        Case(({("a", "a", "a"): 2, ("b", "c"): 3},),
             label="'a a a': ('a', 'a') occurs twice (4 times in all, more than 'b c'); merge left to right"),
        Case(({("a", "a", "a", "a"): 1, ("a", "b"): 3},), label="'a a a a' gives 'aa aa'"),
        Case(({("y", "z"): 3, ("b", "c"): 3, ("x", "y"): 1},),
             label="a tie: ('b', 'c') comes before ('y', 'z') alphabetically"),
        Case(({("ab", "c"): 2, ("b", "c"): 3, ("x", "b", "c"): 1},),
             label="merging ('b', 'c') must not touch the symbol 'ab' followed by 'c'"),
        Case(({("h", "e", "l", "l", "o"): 4, ("l", "l", "a", "m", "a"): 1},), label="'l l' twice in 'hello'? once"),
        Case(({("a", "b", "c"): 2, ("ab", "c"): 1, ("a", "b"): 1},),
             label="('a', 'b', 'c') becomes ('ab', 'c'), a word already there: their counts add up"),
        Case(({("x",): 7, ("y",): 2},), label="only one-symbol words: no pair left, return (None, word_counts)"),
    ]
    letters = list("abcdefg")
    for n_words in (8, 60):
        words: dict = {}
        while len(words) < n_words:
            sym = tuple(rng.choice(letters, size=int(rng.integers(1, 8)))) + ("</w>",)
            words[sym] = int(rng.integers(1, 20))
        cases.append(Case((words,), label=f"{n_words} random words"))
    return cases


exercise("05.bpe_merge_step", subword_tokenizers.bpe_merge_step, cases=_merge_step_cases, hints=[
    "Two phases. First count every adjacent pair of symbols over the CORPUS: each occurrence in a word "
    "adds that word's count. Then rewrite every word with the best pair merged. Test your counts on "
    "Sennrich's example: ('e', 's') occurs in newest (6) and widest (3), 9 times in all.",
    "The best pair has the highest count; among equal counts, the pair that sorts first as a "
    "(first, second) tuple. One min over the pairs does both, with a key that orders by count "
    "descending, then by the pair itself. Merging scans each word left to right and, after a merge, "
    "moves past BOTH symbols ('a a a' becomes 'aa a'). Two words can become the same tuple: their "
    "counts add up. Build a new dict; do not change the input.",
    "Plan: pairs = a dict from pair to count, filled over every word and every position i with "
    "(symbols[i], symbols[i + 1]). No pair at all: return None and a copy of word_counts. best = the "
    "min over pairs with the key (minus its count, the pair). Then for each word walk i from 0: when "
    "symbols i and i + 1 are best, emit their concatenation and step 2, else emit symbols[i] and "
    "step 1; add the word's count to the entry of the new tuple.",
])


def _merge_step_parts(word_counts, count=pair_counts, choose=_best_pair, merge=merge_symbols, add_up=True):
    """``bpe_merge_step`` (above) in its four parts, each replaceable: count the pairs,
    choose one, merge it in every word, add up the counts of words that become the same.
    Each mistake below swaps one part for a wrong one, so it differs from the reference
    in that part only (``test_merge_step_parts_are_the_reference`` checks the defaults)."""
    counts = count(word_counts)
    best = choose(counts) if counts else None
    if best is None:
        return None, dict(word_counts)
    merged: dict[Symbols, int] = {}
    for symbols, freq in word_counts.items():
        new = merge(symbols, best)
        merged[new] = merged.get(new, 0) + freq if add_up else freq
    return best, merged


@mistake("05.bpe_merge_step", "Each word counts once here, whatever its frequency: add the "
         "word's count for every occurrence of a pair (counts[pair] += freq), since a word seen "
         "500 times contributes its pairs 500 times.")
def _merge_step_unweighted(word_counts):
    return _merge_step_parts(word_counts, count=lambda wc: pair_counts(dict.fromkeys(wc, 1)))


@mistake("05.bpe_merge_step", "Ties are broken by the order in which pairs were first seen "
         "(Counter.most_common / max keep the first). Break them alphabetically: the highest count "
         "first, and among equal counts the pair that sorts first.")
def _merge_step_first_seen_tie(word_counts):
    return _merge_step_parts(word_counts, choose=lambda counts: counts.most_common(1)[0][0])


@mistake("05.bpe_merge_step", "Ties went to the alphabetically LAST pair (max keeps the largest "
         "(count, pair)). Among equally frequent pairs take the FIRST in alphabetical order (a "
         "sort key can rank by count downwards and by pair upwards at once).")
def _merge_step_last_tie(word_counts):
    return _merge_step_parts(word_counts, choose=lambda counts: max(counts, key=lambda p: (counts[p], p)))


@mistake("05.bpe_merge_step", "A pair that occurs twice in one word was counted once: count every "
         "occurrence (for 'a a a', the pair ('a', 'a') occurs twice), each time adding the word's count.")
def _merge_step_once_per_word(word_counts):
    def count_once(wc):
        counts: Counter = Counter()
        for symbols, freq in wc.items():
            for pair in set(zip(symbols, symbols[1:])):
                counts[pair] += freq
        return counts

    return _merge_step_parts(word_counts, count=count_once)


@mistake("05.bpe_merge_step", "The word was scanned from right to left: 'a a a' became 'a aa'. "
         "Scan left to right, so that it becomes 'aa a'.")
def _merge_step_right_to_left(word_counts):
    def merge_from_the_right(symbols, pair):
        new, i = [], len(symbols) - 1
        while i >= 0:
            if i >= 1 and (symbols[i - 1], symbols[i]) == pair:
                new.append(symbols[i - 1] + symbols[i])
                i -= 2
            else:
                new.append(symbols[i])
                i -= 1
        return tuple(reversed(new))

    return _merge_step_parts(word_counts, merge=merge_from_the_right)


@mistake("05.bpe_merge_step", "Two words that become the same symbols after the merge (('a', 'b', 'c') "
         "and ('ab', 'c') both become ('ab', 'c')) must ADD their counts: "
         "new[merged] = new.get(merged, 0) + count, not new[merged] = count.")
def _merge_step_overwrite(word_counts):
    return _merge_step_parts(word_counts, add_up=False)


@mistake("05.bpe_merge_step", "Overlapping pairs were merged twice: in 'a a a', after merging "
         "the first two symbols, skip BOTH of them (i += 2) before looking for the next pair, "
         "which gives 'aa a', not 'aa aa'.")
def _merge_step_overlap(word_counts):
    def merge_overlapping(symbols, pair):
        new, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                new.append(symbols[i] + symbols[i + 1])
                if i + 2 == len(symbols):
                    break
            else:
                new.append(symbols[i])
            i += 1
        return tuple(new)

    return _merge_step_parts(word_counts, merge=merge_overlapping)


@mistake("05.bpe_merge_step", "str.replace on the space-joined symbols also matches across symbol "
         "boundaries: ' '.join(('ab', 'c')).replace('b c', 'bc') gives 'abc'. Compare whole "
         "symbols (symbols[i] == a and symbols[i + 1] == b) instead.")
def _merge_step_str_replace(word_counts):
    return _merge_step_parts(word_counts, merge=lambda symbols, pair: tuple(
        " ".join(symbols).replace(" ".join(pair), "".join(pair)).split(" ")))


@mistake("05.bpe_merge_step", "The pair was merged only at its first occurrence in each word: "
         "merge EVERY occurrence, scanning the whole word left to right.")
def _merge_step_first_only(word_counts):
    def merge_first(symbols, pair):
        new = list(symbols)
        for i in range(len(new) - 1):
            if (new[i], new[i + 1]) == pair:
                new[i:i + 2] = [new[i] + new[i + 1]]
                break
        return tuple(new)

    return _merge_step_parts(word_counts, merge=merge_first)
