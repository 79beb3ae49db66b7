"""Lesson 07's exercises beyond the catalogue: learners' code that draws its random numbers in
another order than the reference is graded by the masking rule itself."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import embedlab
from embedlab.exercises import lesson07


def test_lesson_07_exercises():
    assert {e for e in embedlab.list_exercises() if e.startswith("07.")} == {
        "07.attention", "07.mean_pool", "07.mask_tokens", "07.softmax_jacobian"}


def mask_tokens_other_order(ids, special, *, vocab_size, mask_id, generator=None, prob=0.15, mask_frac=0.8,
                            random_frac=0.1, unscaled=False, keep_specials=False):
    """BERT's rule with one uniform number per position, split into the three outcomes."""
    u = torch.rand(ids.shape, generator=generator)
    v = torch.rand(ids.shape, generator=generator)
    chosen = (u < prob) & (~special if not keep_specials else torch.ones_like(special))
    labels = torch.where(chosen, ids, torch.full_like(ids, -100))
    inputs = ids.clone()
    random_share = random_frac * (1 - mask_frac) if unscaled else random_frac
    to_mask = chosen & (v < mask_frac)
    to_random = chosen & (v >= mask_frac) & (v < mask_frac + random_share)
    inputs[to_mask] = mask_id
    inputs[to_random] = torch.randint(vocab_size, ids.shape, generator=generator)[to_random]
    return inputs, labels


def test_a_right_rule_with_other_draws_passes():
    result = embedlab.check(mask_tokens_other_order, "07.mask_tokens", quiet=True)
    assert result.passed, result.message


@pytest.mark.parametrize("wrong, words", [
    (lambda *a, **k: mask_tokens_other_order(*a, **k, unscaled=True), "random tokens"),
    (lambda *a, **k: mask_tokens_other_order(*a, **k, keep_specials=True), "special token"),
    (lambda *a, **k: mask_tokens_other_order(*a, **{**k, "mask_frac": 1.0, "random_frac": 0.0}), "[MASK]"),
])
def test_a_wrong_rule_with_other_draws_fails_and_says_why(wrong, words):
    def mask_tokens(ids, special, *, vocab_size, mask_id, generator=None, prob=0.15, mask_frac=0.8,
                    random_frac=0.1):
        return wrong(ids, special, vocab_size=vocab_size, mask_id=mask_id, generator=generator, prob=prob,
                     mask_frac=mask_frac, random_frac=random_frac)

    result = embedlab.check(mask_tokens, "07.mask_tokens", quiet=True)
    assert not result.passed and words in result.message, result.message


def test_the_stand_in_jacobian_is_the_numerical_one():
    z = np.random.default_rng(0).normal(size=7)
    np.testing.assert_allclose(lesson07.softmax_jacobian(z), lesson07.softmax_jacobian_reference(z), atol=1e-8)
