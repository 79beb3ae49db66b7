"""Lesson 05, subwords: byte-pair encoding (BPE) and WordPiece tokenizers, from scratch.

Both split a word into pieces from a fixed vocabulary, so that every word, seen or not,
becomes a short sequence of known tokens; they differ in how they split::

    bpe = learn_bpe(word_counts, num_merges=8000)      # {"the": 61234, "of": ..., ...}
    bpe.encode_word("unfriendliness")   # ['un', 'friend', 'li', 'ness</w>']  (merges applied in order)
    wp = WordPiece(learn_bpe(word_counts, 8000, end_of_word_suffix="",
                             continuing_subword_prefix="##").vocab)
    wp.encode_word("unfriendliness")    # ['un', '##friend', '##lin', '##ess']  (longest match first)

* **BPE** (Sennrich et al. 2016) starts from characters and learns *merges*: repeatedly
  the most frequent adjacent pair of symbols (counted over the corpus, i.e. weighted by
  word frequency) becomes one new symbol. To encode a word, split it into characters and
  apply the learned merges in the order they were learned. ``</w>`` marks the end of a
  word, so "est</w>" (a suffix) differs from "est" inside a word.
* **WordPiece** (as BERT uses it) keeps only a vocabulary and encodes greedily: the
  longest vocabulary entry that starts the word, then the longest that continues it
  (written with a ``##`` prefix), and so on; if some position matches nothing, the whole
  word becomes ``[UNK]``.

``tests/test_subword_tokenizers.py`` checks that both give exactly the tokens of Hugging
Face ``tokenizers``' ``BPE`` and ``WordPiece`` models given the same merges / vocabulary.

Below the references, ``@mistake`` functions are realistic wrong answers that learners
write; ``check`` recognises them and shows their hint. They are not meant to be used.
"""
from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

from .check import Case, exercise, mistake

__all__ = [
    "BPE",
    "WordPiece",
    "bpe_merge_step",
    "learn_bpe",
    "merge_symbols",
    "pair_counts",
    "word_symbols",
]

Symbols = tuple[str, ...]
Pair = tuple[str, str]


def word_symbols(word: str, end_of_word_suffix: str = "</w>", continuing_subword_prefix: str = "") -> Symbols:
    """The starting symbols of ``word``: its characters, the suffix glued to the last one.

    >>> word_symbols("low")
    ('l', 'o', 'w</w>')
    >>> word_symbols("low", end_of_word_suffix="", continuing_subword_prefix="##")
    ('l', '##o', '##w')

    The same convention as Hugging Face ``tokenizers``' BPE (``end_of_word_suffix``,
    ``continuing_subword_prefix``).
    """
    if not word:
        return ()
    chars = [word[0]] + [continuing_subword_prefix + ch for ch in word[1:]]
    chars[-1] += end_of_word_suffix
    return tuple(chars)


def pair_counts(word_counts: Mapping[Symbols, int]) -> Counter:
    """How often each adjacent pair of symbols occurs in the corpus: each word's pairs times its count."""
    counts: Counter = Counter()
    for symbols, freq in word_counts.items():
        for pair in zip(symbols, symbols[1:]):
            counts[pair] += freq
    return counts


def merge_symbols(symbols: Symbols, pair: Pair, continuing_subword_prefix: str = "") -> Symbols:
    """Replace every occurrence of ``pair`` in ``symbols`` by one symbol, scanning left to right.

    After a merge the scan jumps past both symbols, so ("a", "a", "a") with pair
    ("a", "a") gives ("aa", "a"): the second "a" is used once, not twice. With a
    ``continuing_subword_prefix`` ("##") the second symbol's prefix is dropped when
    joining: ("un", "##do") -> "undo".
    """
    a, b = pair
    joined = a + (b[len(continuing_subword_prefix):] if continuing_subword_prefix and
                  b.startswith(continuing_subword_prefix) else b)
    out: list[str] = []
    i, n = 0, len(symbols)
    while i < n:
        if i + 1 < n and symbols[i] == a and symbols[i + 1] == b:
            out.append(joined)
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return tuple(out)


# ---------------------------------------------------------------------------
# Exercise 05.bpe_merge_step
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


def _best_pair(counts: Mapping[Pair, int]) -> Pair | None:
    """The most frequent pair; among equally frequent pairs, the first in alphabetical order."""
    if not counts:
        return None
    return min(counts, key=lambda pair: (-counts[pair], pair))


@exercise("05.bpe_merge_step", cases=_merge_step_cases)
def bpe_merge_step(word_counts: dict[Symbols, int]) -> tuple[Pair | None, dict[Symbols, int]]:
    """One step of BPE training: find the most frequent pair of symbols and merge it everywhere.

    word_counts: {word as a tuple of symbols: how often the word occurs in the corpus}.
    A pair's frequency is the number of times it occurs in the corpus: each occurrence
    inside a word counts the word's frequency. The best pair is the most frequent; ties
    go to the pair that comes first alphabetically (compare the (first, second) tuples).
    Returns ``(best_pair, new_word_counts)``, where every occurrence of the pair,
    scanning each word left to right, became one symbol ``first + second`` (so "a a a"
    becomes "aa a"); words that become the same symbols add up their counts. When no
    word has two symbols, returns ``(None, word_counts)``. The input dict is not changed.
    """
    best = _best_pair(pair_counts(word_counts))
    if best is None:
        return None, dict(word_counts)
    merged: dict[Symbols, int] = {}
    for symbols, freq in word_counts.items():
        new = merge_symbols(symbols, best)
        merged[new] = merged.get(new, 0) + freq       # two words may become the same symbols
    return best, merged


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


# ---------------------------------------------------------------------------
# BPE: training (fast, incremental) and encoding
# ---------------------------------------------------------------------------
@dataclass
class BPE:
    """A learned BPE tokenizer: the merges in the order they were learned, and the vocabulary.

    vocab: {token: id}, the initial symbols (characters, with the suffix/prefix forms)
    in alphabetical order, then one new token per merge.
    """

    merges: list[Pair]
    vocab: dict[str, int]
    end_of_word_suffix: str = "</w>"
    continuing_subword_prefix: str = ""
    unk_token: str = "[UNK]"
    _ranks: dict[Pair, int] = field(init=False, repr=False)
    _cache: dict[str, list[str]] = field(init=False, repr=False)

    def __post_init__(self):
        self._ranks = {pair: i for i, pair in enumerate(self.merges)}
        self._cache = {}

    def __repr__(self) -> str:
        return f"BPE({len(self.merges):,} merges, vocabulary of {len(self.vocab):,} tokens)"

    def truncated(self, num_merges: int) -> "BPE":
        """The tokenizer made of the first ``num_merges`` merges only (a smaller vocabulary)."""
        merges = self.merges[:num_merges]
        made = {merge_symbols(pair, pair, self.continuing_subword_prefix)[0] for pair in merges}
        made_by_any = {merge_symbols(pair, pair, self.continuing_subword_prefix)[0] for pair in self.merges}
        # The initial symbols, then the symbols made by the kept merges (two merges can make
        # the same symbol, e.g. "ab"+"c" and "a"+"bc": it is in the vocabulary once).
        keep = [t for t in sorted(self.vocab, key=self.vocab.get) if t not in made_by_any or t in made]
        return BPE(merges, {t: i for i, t in enumerate(keep)}, self.end_of_word_suffix,
                   self.continuing_subword_prefix, self.unk_token)

    def encode_word_in_order(self, word: str) -> list[str]:
        """The textbook algorithm: apply every merge, in the order learned, to the characters.

        Slow (a pass per merge) but obviously right; ``encode_word`` gives the same result.
        """
        symbols = word_symbols(word, self.end_of_word_suffix, self.continuing_subword_prefix)
        for pair in self.merges:
            if len(symbols) < 2:
                break
            symbols = merge_symbols(symbols, pair, self.continuing_subword_prefix)
        return [s if s in self.vocab else self.unk_token for s in symbols]

    def encode_word(self, word: str) -> list[str]:
        """The tokens of one word, as applying the merges in learned order gives them.

        Instead of trying all merges, repeatedly merge the adjacent pair that was learned
        earliest (lowest rank), until no adjacent pair is a merge: the same result, in a
        few steps per word. A character never seen in training becomes ``unk_token``.
        """
        if word in self._cache:
            return list(self._cache[word])
        symbols = word_symbols(word, self.end_of_word_suffix, self.continuing_subword_prefix)
        while len(symbols) > 1:
            ranked = [(self._ranks.get(p, len(self._ranks)), p) for p in zip(symbols, symbols[1:])]
            rank, pair = min(ranked)
            if rank == len(self._ranks):
                break
            symbols = merge_symbols(symbols, pair, self.continuing_subword_prefix)
        # A character never seen in training has no token: it becomes unk_token (as in HF).
        symbols = tuple(s if s in self.vocab else self.unk_token for s in symbols)
        if len(self._cache) < 200_000:
            self._cache[word] = list(symbols)
        return list(symbols)

    def encode(self, words: Iterable[str]) -> list[str]:
        """The tokens of a list of words, one after the other."""
        return [tok for w in words for tok in self.encode_word(w)]

    def encode_ids(self, words: Iterable[str]) -> list[int]:
        """Token ids; ``unk_token`` (an unseen character) gets id len(vocab), one past the last."""
        unk = self.vocab.get(self.unk_token, len(self.vocab))
        return [self.vocab.get(t, unk) for t in self.encode(words)]


def learn_bpe(word_counts: Mapping[str, int], num_merges: int, *, end_of_word_suffix: str = "</w>",
              continuing_subword_prefix: str = "", min_frequency: int = 2) -> BPE:
    """Learn up to ``num_merges`` BPE merges from word counts ({"the": 61234, ...}).

    Each step merges the most frequent adjacent pair (ties: alphabetical, as in
    ``bpe_merge_step``), and stops early when the best pair occurs fewer than
    ``min_frequency`` times. Fast: it works on the distinct words only, keeps the pair
    counts and, for each pair, the words that contain it, and after a merge updates only
    the words that contained the merged pair (a heap finds the best pair; entries whose
    count has changed since they were pushed are skipped when popped).
    """
    words = [word_symbols(w, end_of_word_suffix, continuing_subword_prefix) for w in word_counts]
    freqs = list(word_counts.values())
    alphabet = sorted({s for w in words for s in w})
    counts: dict[Pair, int] = defaultdict(int)
    where: dict[Pair, set[int]] = defaultdict(set)
    for k, (symbols, freq) in enumerate(zip(words, freqs)):
        for pair in zip(symbols, symbols[1:]):
            counts[pair] += freq
            where[pair].add(k)
    heap = [(-c, p) for p, c in counts.items()]
    heapq.heapify(heap)
    merges: list[Pair] = []
    vocab = {s: i for i, s in enumerate(alphabet)}
    while len(merges) < num_merges and heap:
        neg, pair = heapq.heappop(heap)
        if counts.get(pair, 0) != -neg:          # stale entry: the count changed since
            continue
        if -neg < min_frequency:
            break
        merges.append(pair)
        new_symbol = merge_symbols(pair, pair, continuing_subword_prefix)[0]
        vocab.setdefault(new_symbol, len(vocab))
        delta: dict[Pair, int] = defaultdict(int)
        for k in where.pop(pair, ()):
            old, freq = words[k], freqs[k]
            new = merge_symbols(old, pair, continuing_subword_prefix)
            if len(new) == len(old):              # a stale entry: this word no longer has the pair
                continue
            for p in zip(old, old[1:]):
                delta[p] -= freq
            for p in zip(new, new[1:]):
                delta[p] += freq
                where[p].add(k)
            words[k] = new
        counts.pop(pair, None)
        delta.pop(pair, None)
        for p, d in delta.items():
            if d:
                c = counts[p] = counts.get(p, 0) + d
                if c > 0:
                    heapq.heappush(heap, (-c, p))
                else:
                    counts.pop(p, None)
    return BPE(merges, vocab, end_of_word_suffix, continuing_subword_prefix)


# ---------------------------------------------------------------------------
# WordPiece: greedy longest-match-first
# ---------------------------------------------------------------------------
@dataclass
class WordPiece:
    """WordPiece encoding (BERT's): greedy longest match first, ``##`` marks a continuation.

    vocab: a set, list or {token: id} dict of tokens such as "un", "##friend", "##ness".
    A word longer than ``max_input_chars_per_word`` characters, or with a position where
    no vocabulary entry matches, becomes the single token ``unk_token``.
    """

    vocab: Iterable[str]
    unk_token: str = "[UNK]"
    continuing_subword_prefix: str = "##"
    max_input_chars_per_word: int = 100

    def __post_init__(self):
        tokens = list(self.vocab)
        if self.unk_token not in tokens:
            tokens.append(self.unk_token)
        self.vocab = {t: i for i, t in enumerate(tokens)} if not isinstance(self.vocab, dict) else \
            {**self.vocab, **({} if self.unk_token in self.vocab else {self.unk_token: len(self.vocab)})}
        self._longest = max((len(t) for t in self.vocab), default=1)

    def __repr__(self) -> str:
        return f"WordPiece(vocabulary of {len(self.vocab):,} tokens)"

    def encode_word(self, word: str) -> list[str]:
        """The tokens of one word: at each position the longest vocabulary entry that fits."""
        if len(word) > self.max_input_chars_per_word:
            return [self.unk_token]
        tokens, start = [], 0
        while start < len(word):
            prefix = self.continuing_subword_prefix if start > 0 else ""
            end = min(len(word), start + self._longest)
            while end > start and prefix + word[start:end] not in self.vocab:
                end -= 1
            if end == start:                      # nothing matches here: the whole word is unknown
                return [self.unk_token]
            tokens.append(prefix + word[start:end])
            start = end
        return tokens

    def encode(self, words: Iterable[str]) -> list[str]:
        return [tok for w in words for tok in self.encode_word(w)]

    def encode_ids(self, words: Iterable[str]) -> list[int]:
        return [self.vocab[t] for t in self.encode(words)]
