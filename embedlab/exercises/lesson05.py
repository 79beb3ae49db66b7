"""Exercises of lesson 05: case generators, registered mistakes and hints."""
from __future__ import annotations

import numpy as np
from collections import Counter
from embedlab.check import Case, exercise, mistake
from typing import Any
from embedlab import fasttext
from embedlab.fasttext import BOW, EOW, FNV_OFFSET_BASIS, FNV_PRIME, MASK32, char_ngrams, fnv_hash, ngram_hashes
from embedlab import subword_tokenizers
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


exercise("05.char_ngrams", fasttext.char_ngrams, cases=_char_ngrams_cases, compare=_multiset_compare, hints=[])


@mistake("05.char_ngrams", "The whole marked word is missing: when '<' + word + '>' has at most "
         "max_n characters ('<a>', '<the>'), it is one of the n-grams too. (The word's own vector is a "
         "separate row, but that does not remove '<the>' from the n-grams.)")
def _char_ngrams_no_whole_word(word, min_n=3, max_n=6):
    # Registered before the missing markers: for 'a' both give no n-gram at all, and
    # check() shows the hint of the first registered mistake that matches.
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


exercise("05.fnv_hash", fasttext.fnv_hash, cases=_fnv_cases, rtol=0.0, atol=0.0, hints=[])


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


exercise("05.oov_vector", fasttext.oov_vector, cases=_oov_cases, rtol=1e-5, atol=1e-8, hints=[])


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


exercise("05.bpe_merge_step", subword_tokenizers.bpe_merge_step, cases=_merge_step_cases, hints=[])


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
         "(Counter.most_common / max keep the first). Break them alphabetically: "
         "min(counts, key=lambda p: (-counts[p], p)).")
def _merge_step_first_seen_tie(word_counts):
    return _merge_step_parts(word_counts, choose=lambda counts: counts.most_common(1)[0][0])


@mistake("05.bpe_merge_step", "Ties went to the alphabetically LAST pair (max keeps the largest "
         "(count, pair)). Among equally frequent pairs take the FIRST in alphabetical order: "
         "min(counts, key=lambda p: (-counts[p], p)).")
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
