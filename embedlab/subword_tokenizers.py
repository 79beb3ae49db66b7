"""Lesson 05, subwords: byte-pair encoding (BPE) and WordPiece tokenizers, from scratch.

Both split a word into pieces from a fixed vocabulary, so that every word, seen or not,
becomes a short sequence of known tokens; they differ in how they split::

    bpe = learn_bpe(word_counts, num_merges=8000)      # {"the": 61234, "of": ..., ...}
    bpe.encode_word("unfriendliness")   # e.g. ['un', 'friend', 'li', 'ness</w>']  (merges applied in order)
    wp = WordPiece(learn_bpe(word_counts, 8000, end_of_word_suffix="",
                             continuing_subword_prefix="##").vocab)
    wp.encode_word("unfriendliness")    # e.g. ['un', '##friend', '##li', '##ness']  (longest match first)

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

The exercises on these functions (their cases, the realistic wrong answers that ``check``
recognises, and the hints) live in ``embedlab/exercises/lesson05.py``.
"""
from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

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


def _best_pair(counts: Mapping[Pair, int]) -> Pair | None:
    """The most frequent pair; among equally frequent pairs, the first in alphabetical order."""
    if not counts:
        return None
    return min(counts, key=lambda pair: (-counts[pair], pair))


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
