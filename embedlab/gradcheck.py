"""Numerical gradients by central differences: how a derived gradient is checked.

A derivation exercise asks for a gradient worked out by hand. Its grader is no
formula (that would be the answer) but the definition of the derivative itself::

    d f / d x_i  ≈  (f(x + h e_i) - f(x - h e_i)) / 2h

in float64 with h = 1e-6, whose error is of order h² plus rounding divided by h, about
1e-9 for the losses of this course: far below any mistake (a missing factor 2 or a
flipped sign shows up at order 0.1).
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import numpy as np

__all__ = ["numerical_gradient", "numerical_gradients"]


def _as_float64(x: Any) -> np.ndarray:
    if type(x).__module__.startswith("torch"):
        x = x.detach().cpu().numpy()
    return np.array(x, dtype=np.float64)       # a copy: the caller's array is never changed


@contextmanager
def _one_torch_thread() -> Iterator[None]:
    """Thousands of tiny evaluations: with more torch threads than free cores each one waits
    for a thread (on 2 busy cores, 200 times slower). One thread, when torch is in use."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def numerical_gradient(f: Callable[[np.ndarray], Any], x: Any, h: float = 1e-6) -> np.ndarray:
    """The gradient of the scalar function ``f`` at ``x`` (any shape), by central differences.

    ``f`` takes a float64 array shaped like ``x`` and returns one number (a float, or a
    0-d numpy array or torch tensor). Returns a float64 array shaped like ``x``; it calls
    ``f`` twice per element, which is fine for the small inputs of a check.
    """
    x = _as_float64(x)
    grad = np.zeros_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)          # views: stepping one element at a time
    with _one_torch_thread():
        for i in range(flat.size):
            saved = flat[i]
            flat[i] = saved + h
            up = float(f(x))
            flat[i] = saved - h
            down = float(f(x))
            flat[i] = saved
            out[i] = (up - down) / (2 * h)
    return grad


def numerical_gradients(f: Callable[..., Any], args: Sequence[Any], wrt: Sequence[int],
                        h: float = 1e-6) -> tuple[np.ndarray, ...]:
    """Gradients of ``f(*args)`` with respect to the arguments at positions ``wrt``.

    The other arguments are passed as given; each differentiated one as a float64 array.
    Returns one float64 array per position in ``wrt``, shaped like that argument.
    """
    base = [_as_float64(a) if i in wrt else a for i, a in enumerate(args)]

    def gradient_of(position: int) -> np.ndarray:
        def f_at(value: np.ndarray) -> Any:
            call = list(base)
            call[position] = value
            return f(*call)

        return numerical_gradient(f_at, base[position], h)

    return tuple(gradient_of(i) for i in wrt)
