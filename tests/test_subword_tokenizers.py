"""Lesson 05 (embedlab.subword_tokenizers): our BPE and WordPiece give exactly the tokens of
Hugging Face ``tokenizers``' BPE and WordPiece models given the same merges / vocabulary,
BPE training agrees with the merge-step exercise and with HF's BpeTrainer, and the
exercise grades correctly."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import tokenizers  # noqa: F401  (Hugging Face tokenizers: the trusted implementation we compare with)

from embedlab import check
from embedlab.check import get_exercise
from embedlab.subword_tokenizers import (
    WordPiece,
    bpe_merge_step,
    learn_bpe,
    merge_symbols,
    pair_counts,
    word_symbols,
)


UNSEEN = ["unfriendliness", "dictionarylike", "freindship", "gödel", "naïve", "zzyzx", "qwertyuiop",
          "antidisestablishmentarianism", "a", "x" * 120]


@pytest.fixture(scope="module")
def slice_docs():
    from embedlab import corpus

    return corpus.load_corpus()[:6000]


@pytest.fixture(scope="module")
def word_counts(slice_docs):
    return Counter(w for doc in slice_docs for w in doc)


@pytest.fixture(scope="module")
def bpe(word_counts):
    return learn_bpe(word_counts, 1500)


@pytest.fixture(scope="module")
def wordpiece_vocab(word_counts):
    return learn_bpe(word_counts, 1500, end_of_word_suffix="", continuing_subword_prefix="##").vocab


def _hf_words(tokenizer, words):
    return [tokenizer.encode(w).tokens for w in words]


def _test_words(word_counts):
    words = [w for w, _ in word_counts.most_common()]
    return words[:2000] + words[-2000:] + UNSEEN


# ---------------------------------------------------------------------------
# Small pieces
# ---------------------------------------------------------------------------
def test_word_symbols_and_merge_symbols():
    assert word_symbols("low") == ("l", "o", "w</w>")
    assert word_symbols("low", "", "##") == ("l", "##o", "##w")
    assert word_symbols("") == ()
    assert merge_symbols(("a", "a", "a"), ("a", "a")) == ("aa", "a")
    assert merge_symbols(("a", "a", "a", "a"), ("a", "a")) == ("aa", "aa")
    assert merge_symbols(("ab", "c", "b", "c"), ("b", "c")) == ("ab", "c", "bc")
    assert merge_symbols(("u", "##n", "##d"), ("u", "##n"), "##") == ("un", "##d")
    assert pair_counts({("a", "b", "a", "b"): 3, ("b", "a"): 1}) == {("a", "b"): 6, ("b", "a"): 4}


def test_bpe_merge_step_does_not_change_its_input():
    counts = {("l", "o", "w", "</w>"): 5, ("l", "o", "w", "e", "r", "</w>"): 2}
    copy = dict(counts)
    pair, merged = bpe_merge_step(counts)
    assert counts == copy
    assert pair == ("l", "o") and merged == {("lo", "w", "</w>"): 5, ("lo", "w", "e", "r", "</w>"): 2}


def test_learn_bpe_equals_repeated_merge_steps(word_counts):
    small = dict(list(word_counts.items())[:2500])
    learned = learn_bpe(small, 250, min_frequency=1)
    state = {word_symbols(w): c for w, c in small.items()}
    merges = []
    for _ in range(250):
        pair, state = bpe_merge_step(state)
        if pair is None:
            break
        merges.append(pair)
    assert learned.merges == merges
    # and the final segmentation of every training word is the state after those merges
    assert state == dict(_segment_counts(learned, small))


def _segment_counts(bpe, counts):
    out: Counter = Counter()
    for w, c in counts.items():
        out[tuple(bpe.encode_word(w))] += c
    return out


def test_learn_bpe_first_merges_equal_hf_trainer(slice_docs, bpe):
    """Training: the same merges as HF's BpeTrainer while pair counts are not tied.

    (On equal counts HF breaks ties by internal token ids, we alphabetically, so after the
    first tie the two lists may diverge in order, though they stay mostly the same set.)
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(end_of_word_suffix="</w>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    alphabet = len(bpe.vocab) - len(bpe.merges)
    trainer = trainers.BpeTrainer(vocab_size=alphabet + 1500, min_frequency=2, show_progress=False,
                                  end_of_word_suffix="</w>")
    tok.train_from_iterator((" ".join(doc) for doc in slice_docs), trainer=trainer)
    import json

    hf_merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m)
                 for m in json.loads(tok.to_str())["model"]["merges"]]
    assert hf_merges[:60] == bpe.merges[:60]
    assert len(set(hf_merges) & set(bpe.merges)) > 0.9 * len(bpe.merges)


# ---------------------------------------------------------------------------
# Encoding: identical to Hugging Face tokenizers
# ---------------------------------------------------------------------------
def test_bpe_encoding_equals_hf(bpe, word_counts):
    from tokenizers import Tokenizer, models

    hf = Tokenizer(models.BPE(vocab={**bpe.vocab, "[UNK]": len(bpe.vocab)}, merges=list(bpe.merges),
                              end_of_word_suffix="</w>", unk_token="[UNK]"))
    words = _test_words(word_counts)
    ours = [bpe.encode_word(w) for w in words]
    assert ours == _hf_words(hf, words)
    assert ours[:300] == [bpe.encode_word_in_order(w) for w in words[:300]]
    assert ["g", "[UNK]", "de", "l</w>"] in ours          # "ö" is not in the 6000 documents


def test_bpe_with_continuation_prefix_equals_hf(word_counts):
    from tokenizers import Tokenizer, models

    bpe = learn_bpe(word_counts, 800, end_of_word_suffix="", continuing_subword_prefix="##")
    hf = Tokenizer(models.BPE(vocab={**bpe.vocab, "[UNK]": len(bpe.vocab)}, merges=list(bpe.merges),
                              continuing_subword_prefix="##", unk_token="[UNK]"))
    words = _test_words(word_counts)[:3000] + UNSEEN[:-1]
    assert [bpe.encode_word(w) for w in words] == _hf_words(hf, words)


def test_wordpiece_equals_hf(wordpiece_vocab, word_counts):
    from tokenizers import Tokenizer, models

    wp = WordPiece(wordpiece_vocab)
    hf = Tokenizer(models.WordPiece(vocab=dict(wp.vocab), unk_token="[UNK]", max_input_chars_per_word=100))
    words = _test_words(word_counts)
    ours = [wp.encode_word(w) for w in words]
    assert ours == _hf_words(hf, words)
    assert wp.encode_word("x" * 120) == ["[UNK]"]          # longer than 100 characters
    assert ["[UNK]"] in ours


def test_wordpiece_greedy_longest_match_by_hand():
    wp = WordPiece(["un", "unaff", "##aff", "##able", "##a", "##ble", "a"])
    assert wp.encode_word("unaffable") == ["unaff", "##able"]
    assert wp.encode_word("unable") == ["un", "##able"]
    assert wp.encode_word("unx") == ["[UNK]"]              # nothing matches "x": the whole word
    assert wp.encode_word("able") == ["a", "##ble"]        # "able" alone is only a continuation piece
    assert wp.encode_word("ble") == ["[UNK]"]              # and no piece starts a word with "b"
    assert wp.encode_ids(["a", "un"]) == [6, 0]


def test_bpe_truncated_is_a_prefix(bpe, word_counts):
    small = bpe.truncated(100)
    alphabet = {t for t in bpe.vocab if len(t) == 1 or (len(t) == 5 and t.endswith("</w>"))}
    assert small.merges == bpe.merges[:100]
    assert set(small.vocab) == alphabet | {a + b for a, b in bpe.merges[:100]}
    words = _test_words(word_counts)[:500]
    assert sum(len(small.encode_word(w)) for w in words) >= sum(len(bpe.encode_word(w)) for w in words)


# ---------------------------------------------------------------------------
# The exercise
# ---------------------------------------------------------------------------
# (Every mistake failing with its own hint is tests/test_check.py's catalogue test.)
def test_merge_step_exercise_has_its_realistic_mistakes_and_zeros_fail():
    ex = get_exercise("05.bpe_merge_step")
    assert len(ex.mistakes) >= 5
    assert not check(lambda word_counts: (None, {}), "05.bpe_merge_step", quiet=True).passed
    assert not check(lambda word_counts: (None, dict(word_counts)), "05.bpe_merge_step", quiet=True).passed


def test_merge_step_adds_the_counts_of_words_that_become_the_same():
    # The rule the docstring states: ("a", "b", "c") x2 becomes ("ab", "c"), already there x1.
    pair, merged = bpe_merge_step({("a", "b", "c"): 2, ("ab", "c"): 1, ("a", "b"): 1})
    assert pair == ("a", "b") and merged == {("ab", "c"): 3, ("ab",): 1}


def test_merge_step_parts_are_the_reference():
    # The mistakes are _merge_step_parts with one part swapped: with none swapped it must
    # be the reference, or a mistake could differ from the reference in two ways at once.
    from embedlab.exercises.lesson05 import _merge_step_parts

    ex = get_exercise("05.bpe_merge_step")
    for case in ex.cases(np.random.default_rng(0)):
        assert _merge_step_parts(*case.args) == ex.reference(*case.args), case.label
    assert check(_merge_step_parts, "05.bpe_merge_step", quiet=True).passed
