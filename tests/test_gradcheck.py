"""The numerical gradient that grades the derivation exercises, against autograd."""
from __future__ import annotations

import numpy as np
import torch

from embedlab.gradcheck import numerical_gradient, numerical_gradients


def test_matches_autograd_on_a_nonlinear_function():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(3, 4)), rng.normal(size=(4,))

    def f(a):
        a = torch.as_tensor(a)
        return (torch.sin(a) @ torch.as_tensor(w)).pow(2).sum()

    xt = torch.tensor(x, requires_grad=True)
    f(xt).backward()
    got = numerical_gradient(lambda a: f(a).item(), x)
    assert got.shape == x.shape and got.dtype == np.float64
    np.testing.assert_allclose(got, xt.grad.numpy(), rtol=1e-7, atol=1e-8)
    assert np.abs(got).max() > 0.1           # not a gradient that is zero anyway


def test_does_not_change_its_input_and_takes_tensors():
    x = torch.tensor([1.0, 2.0, 3.0])
    got = numerical_gradient(lambda a: float((a ** 3).sum()), x)
    np.testing.assert_allclose(got, 3 * x.numpy() ** 2, rtol=1e-6)
    assert x.tolist() == [1.0, 2.0, 3.0]


def test_several_arguments():
    a, b, c = np.array([1.0, 2.0]), np.array([3.0, -1.0]), 5.0
    ga, gb = numerical_gradients(lambda a, b, c: c * float(a @ b), (a, b, c), wrt=(0, 1))
    np.testing.assert_allclose(ga, c * b, rtol=1e-7)
    np.testing.assert_allclose(gb, c * a, rtol=1e-7)


def test_one_torch_thread_while_it_runs_and_the_setting_restored():
    seen = []
    before = torch.get_num_threads()
    numerical_gradient(lambda a: seen.append(torch.get_num_threads()) or float(a.sum()), np.zeros(2))
    assert set(seen) == {1} and torch.get_num_threads() == before
